"""Sensitivity sweeps: run notebooks over a grid of parameters and collect the results.

A sweep file (YAML) names the notebooks, a grid of parameter values and fixed
parameters::

    name: sensitivity
    notebooks: [03_test_claims]
    grid:
      n_candidates: [[9], [18], [27], [54]]
      rounding: [up_or_down, even, up]
      prior: [1.0, 0.5]
    fixed:
      draws: 2000

Every combination is one run. A run executes its notebooks in order (with
the notebooks whose results, tables or figures they read, since a run folder
starts empty: a sweep of ``03_test_claims`` runs ``02_audit_reported_percentages``
too, where the rounding rule is decided) with
Papermill, each writing to its own folder ``reports/sweeps/<name>/run-NNN/``
(every ``*_dir`` output parameter is pointed there), and its results JSON are
collected. Runs execute on a local process pool (which listens on nothing),
or on an existing Dask cluster (``distributed``) given its scheduler address,
``tls://`` with the cluster's own certificates, on this machine too (plain
``tcp://`` only when told explicitly: see :mod:`analysis_utils.pipeline.cluster`);
finished runs are appended to ``progress.jsonl`` as they arrive, so a failed
run or a lost worker loses nothing that had finished. One sweep at a time
writes a sweep's folder: it holds the folder's lock
(:func:`~analysis_utils.pipeline.locks.hold_lock`) while it runs.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from analysis_utils.core.errors import ParameterError
from analysis_utils.core.io import atomic_write_bytes, json_bytes
from analysis_utils.core.paths import Layout
from analysis_utils.pipeline import lifeline, sweep_points
from analysis_utils.pipeline.cluster import (
    Connection,
    TLSFiles,
    check_address,
    connect,
    insecure_warning,
)
from analysis_utils.pipeline.confine import check_output_folders
from analysis_utils.pipeline.contract import (
    OUTPUT_PARAMETERS,
    bind_parameters,
    resolve,
    with_producers,
)
from analysis_utils.pipeline.locks import hold_lock
from analysis_utils.pipeline.plan import RunPlan, assemble, read_contract
from analysis_utils.pipeline.sweep_results import RunResult, collect, verdict_changes

#: Output-folder parameters a sweep points at each run's own folder (and
#: ``processed_dir`` when a notebook of the run writes the processed tables).
OUTPUT_DIRS: tuple[str, ...] = tuple(p for p in OUTPUT_PARAMETERS if p != "processed_dir")


@dataclass(frozen=True)
class SweepSpec:
    """A sweep: notebooks, a grid of values and fixed parameters.

    Attributes
    ----------
    name : str
    notebooks : tuple of str
    grid : dict
        Parameter name to the list of its values (in file order).
    fixed : dict
        Parameters every run gets.
    """

    name: str
    notebooks: tuple[str, ...]
    grid: dict[str, list[Any]]
    fixed: dict[str, Any]


def load_spec(path: Path) -> SweepSpec:
    """Read a sweep file.

    Parameters
    ----------
    path : Path

    Returns
    -------
    SweepSpec

    Raises
    ------
    ParameterError
        Naming the file and the key that is wrong.
    """
    import yaml

    from analysis_utils.core import yamlfile

    try:
        data = yamlfile.load(path.read_text(encoding="utf-8"), str(path))
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(f"{path}: cannot read the sweep file: {exc}") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping with name, notebooks, grid")
    unknown = set(data) - {"name", "notebooks", "grid", "fixed"}
    if unknown:
        raise ParameterError(f"{path}: unknown key(s) {sorted(unknown)}")
    name = str(data.get("name", path.stem))
    if not name.replace("-", "_").isidentifier():
        raise ParameterError(f"{path}: name {name!r} must be letters, digits, - or _")
    notebooks = data.get("notebooks")
    if not isinstance(notebooks, list) or not notebooks:
        raise ParameterError(f"{path}: 'notebooks' must be a non-empty list")
    grid = data.get("grid")
    if not isinstance(grid, dict) or not grid:
        raise ParameterError(f"{path}: 'grid' must map parameter names to lists of values")
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ParameterError(f"{path}: grid '{key}' must be a non-empty list of values")
    fixed = data.get("fixed") or {}
    if not isinstance(fixed, dict):
        raise ParameterError(f"{path}: 'fixed' must map parameter names to values")
    clash = set(grid) & set(fixed)
    if clash:
        raise ParameterError(f"{path}: {sorted(clash)} both in grid and fixed")
    # YAML reads an unquoted prefix such as 03 as the number 3
    names = tuple(f"{n:02d}" if isinstance(n, int) else str(n) for n in notebooks)
    return SweepSpec(name, names, dict(grid), dict(fixed))


def expand(spec: SweepSpec) -> list[dict[str, Any]]:
    """Every combination of the grid (the last parameter varies fastest), plus fixed ones.

    Parameters
    ----------
    spec : SweepSpec

    Returns
    -------
    list of dict
    """
    keys = list(spec.grid)
    return [
        {**spec.fixed, **dict(zip(keys, values, strict=True))}
        for values in itertools.product(*(spec.grid[k] for k in keys))
    ]


def run_one(
    index: int,
    grid_values: dict[str, Any],
    steps: list[tuple[str, str, dict[str, Any]]],
    run_dir: str,
    cwd: str,
) -> RunResult:
    """Execute one run: its notebooks in order, outputs in ``run_dir``.

    Parameters
    ----------
    index : int
    grid_values : dict
        For the record.
    steps : list of (name, source notebook, checked parameters)
    run_dir : str
        Absolute folder of this run.
    cwd : str
        Working directory of the kernels.

    Returns
    -------
    RunResult
    """
    from analysis_utils.pipeline.runner import execute_one

    start = time.perf_counter()
    folder = Path(run_dir)
    (folder / "executed").mkdir(parents=True, exist_ok=True)
    ran: list[str] = []
    for name, source, parameters in steps:
        outcome = execute_one(
            name, source, str(folder / "executed" / f"{name}.ipynb"), parameters, cwd
        )
        if not outcome.ok:
            return RunResult(
                index,
                grid_values,
                False,
                outcome.describe(),
                sweep_points.read_results(folder, ran),
                time.perf_counter() - start,
            )
        ran.append(name)
    results = sweep_points.read_results(folder, ran)
    return RunResult(index, grid_values, True, "", results, time.perf_counter() - start)


def plan(layout: Layout, spec: SweepSpec) -> list[tuple[dict[str, Any], RunPlan]]:
    """Check every run's parameters before anything runs.

    ``pipeline.yaml`` and the parameters cells are read once for all runs
    (:func:`~analysis_utils.pipeline.plan.read_contract`).

    Parameters
    ----------
    layout : Layout
    spec : SweepSpec

    Returns
    -------
    list
        Per run: its grid values and its plan (its folder is the parent of the
        plan's ``executed``).

    Raises
    ------
    ParameterError
        For an unknown notebook or parameter, a wrong type, a notebook that
        cannot write its results into a run folder, or an output folder that
        :func:`~analysis_utils.pipeline.confine.check_output_folders` refuses
        (a ``processed_dir`` given in ``fixed`` inside ``data/raw``, say).
    """
    contract = read_contract(layout.pipeline)
    steps = contract.steps
    names = with_producers(steps, resolve(spec.notebooks, steps), under="reports/")
    declared = {name: contract.declared[name] for name in names}
    for name, params in declared.items():
        if "results_dir" not in params:
            raise ParameterError(
                f"notebook {name} has no results_dir parameter: a sweep cannot keep its runs apart"
            )
    # a run that rebuilds the processed tables keeps them in its own folder too
    outputs = OUTPUT_DIRS + (
        ("processed_dir",)
        if any(w.startswith("data/processed") for n in names for w in steps[n].writes)
        else ()
    )
    base = layout.reports / "sweeps" / spec.name
    runs = []
    for index, values in enumerate(expand(spec)):
        bound = bind_parameters(values, declared)
        folder = base / f"run-{index:03d}"
        relative = folder.relative_to(layout.root).as_posix()
        run_steps = {}
        for name in names:
            folders = {
                key: f"{relative}/{key.removesuffix('_dir')}"
                for key in outputs
                if key in declared[name]
            }
            run_steps[name] = {**bound[name], **folders}
        point = assemble(layout, contract, run_steps, executed=folder / "executed")
        check_output_folders(point)
        grid_values = {k: values[k] for k in spec.grid}
        runs.append((grid_values, point))
    return runs


def _steps(point: RunPlan) -> list[tuple[str, str, dict[str, Any]]]:
    """Return what :func:`run_one` is given of a run: each notebook, its source, its parameters."""
    return [(step.name, str(step.path), step.given()) for step in point.steps]


Engine = Callable[[list[tuple[Any, ...]]], Iterator[RunResult]]


def _start_local_worker(sweep: int) -> None:
    """Tie a local worker to the sweep (process ``sweep``): it ends when the sweep does."""
    lifeline.forget_stopping()
    lifeline.tie_to_parent(sweep)


def _local(jobs: int) -> Engine:
    def engine(calls: list[tuple[Any, ...]]) -> Iterator[RunResult]:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_start_local_worker, initargs=(os.getpid(),)
        ) as pool:
            futures = {pool.submit(run_one, *call): call for call in calls}
            for future in as_completed(futures):
                call = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # a worker process died
                    yield RunResult(
                        call[0], call[1], False, f"{type(exc).__name__}: {exc}", {}, 0.0
                    )

    return engine


def _dask(connection: Connection) -> Engine:
    client = connection.client

    def engine(calls: list[tuple[Any, ...]]) -> Iterator[RunResult]:
        from distributed import as_completed as dask_completed

        # no ``retries=``: distributed reruns a task that *raised* that many
        # times; a run that dies with its worker is rerun by the scheduler,
        # up to its allowed-failures, which connect() set to --retries
        futures = {
            client.submit(
                run_one, *call, pure=False, key=f"sweep-run-{call[0]:03d}-{time.time_ns()}"
            ): call
            for call in calls
        }
        for future in dask_completed(list(futures)):
            call = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # KilledWorker: its worker died more than --retries times
                yield RunResult(
                    call[0], call[1], False, f"{type(exc).__name__}: {_flat(exc)}", {}, 0.0
                )

    return engine


def _flat(exc: BaseException) -> str:
    """Return the message of ``exc`` on one line."""
    return " ".join(str(exc).split())


def sweep(
    layout: Layout,
    spec: SweepSpec,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    retries: int = 2,
    tls: TLSFiles | None = None,
    insecure_plain_tcp: bool = False,
    force: bool = False,
    log: TextIO | None = None,
) -> list[RunResult]:
    """Run a sweep and write its collected results.

    Nothing is written before every run's parameters are checked and, with
    ``scheduler``, a Dask scheduler has answered; then the sweep takes the lock
    of its folder (:func:`~analysis_utils.pipeline.locks.hold_lock`). A run (grid point) computed
    before from what it would be computed from now, its files as it left them,
    is not computed again (:mod:`~analysis_utils.pipeline.sweep_points`).

    Parameters
    ----------
    layout : Layout
    spec : SweepSpec
    jobs : int
        Local processes (ignored with ``scheduler``).
    scheduler : str, optional
        Address of an existing Dask scheduler: ``tls://HOST:PORT`` with
        ``tls`` (``tls://127.0.0.1:8786`` on this machine), or plain ``tcp://``
        with ``insecure_plain_tcp``.
    retries : int
        With ``scheduler``: how often a run whose worker dies is started again
        on another worker (the scheduler's ``allowed-failures`` while the sweep
        is connected); ``0``: such a run is reported as failed. The local pool
        never reruns: a run whose process dies fails.
    tls : TLSFiles, optional
        Certificates for a ``tls://`` scheduler.
    insecure_plain_tcp : bool
        Accept a plain ``tcp://`` scheduler (on this machine too), with a
        warning on ``log``: whoever reaches it runs code as its owner.
    force : bool
        Compute every run, even one computed before.
    log : text stream, optional
        Where progress and warnings go (default: standard error at the time of the call).

    Returns
    -------
    list of RunResult
        Sorted by run index.

    Raises
    ------
    ParameterError
        Before anything is written or runs: a bad notebook or parameter, a
        refused scheduler address (see :func:`~analysis_utils.pipeline.cluster.check_address`),
        or a scheduler that does not answer within a few seconds; after
        connecting, another sweep writing the same folder (nothing is written).
    """
    log = sys.stderr if log is None else log
    if retries < 0:
        raise ParameterError(f"--retries must be at least 0, got {retries}")
    if scheduler is None and tls is not None:
        raise ParameterError("--tls-ca-file, --tls-cert and --tls-key need --scheduler tls://...")
    address = (
        check_address(scheduler, tls, insecure_plain_tcp=insecure_plain_tcp) if scheduler else None
    )
    if address is not None and address.startswith("tcp://"):
        print(insecure_warning(address), file=log, flush=True)
    runs = plan(layout, spec)
    keys = [sweep_points.key(point, point.executed.parent) for _, point in runs]
    reused = [
        RunResult(
            i, values, True, "", sweep_points.read_results(point.executed.parent, point.order), 0.0
        )
        for i, (values, point) in enumerate(runs)
        if not force and sweep_points.recall(point.executed.parent, keys[i])
    ]
    done = {result.index for result in reused}
    calls = [
        (i, values, _steps(point), str(point.executed.parent), str(layout.notebooks))
        for i, (values, point) in enumerate(runs)
        if i not in done
    ]
    connection = connect(address, tls, retries=retries) if address and calls else None
    lock = None
    try:
        lock = hold_lock(layout.reports / "sweeps" / spec.name)
        engine = _dask(connection) if connection else _local(jobs)
        where = f"Dask scheduler {address}" if address else f"{jobs} local process(es)"
        return _execute(layout, spec, calls, engine, where, log, reused, keys)
    finally:
        if connection is not None:
            connection.close()
        if lock is not None:
            lock.close()


def _execute(
    layout: Layout,
    spec: SweepSpec,
    calls: list[tuple[Any, ...]],
    engine: Engine,
    where: str,
    log: TextIO,
    reused: list[RunResult],
    keys: list[str],
) -> list[RunResult]:
    base = layout.reports / "sweeps" / spec.name
    progress = base / "progress.jsonl"
    progress.write_text("", encoding="utf-8")
    total = len(calls) + len(reused)
    print(f"sweep {spec.name}: {total} runs on {where}", file=log, flush=True)
    finished: list[RunResult] = []

    def report(result: RunResult, state: str) -> None:
        finished.append(result)
        with progress.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(result.as_dict(), sort_keys=True, default=str) + "\n")
        print(
            f"[{len(finished)}/{total}] run {result.index:03d} {result.parameters} {state}",
            file=log,
            flush=True,
        )

    for result in reused:
        report(result, "unchanged (point.json): not run again")
    for result in engine(calls):
        if result.ok:
            sweep_points.remember(base / f"run-{result.index:03d}", keys[result.index])
        report(result, "done" if result.ok else f"FAILED: {result.error}")
    finished.sort(key=lambda r: r.index)
    table = collect(finished)
    atomic_write_bytes(
        base / "sweep_results.csv", table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    )
    atomic_write_bytes(
        base / "sweep_runs.json",
        json_bytes([{k: v for k, v in r.as_dict().items() if k != "seconds"} for r in finished]),
    )
    verdicts = verdict_changes(finished)
    if not verdicts.empty:
        from analysis_utils.audit.figures import plot_sweep_verdicts
        from analysis_utils.core.plotting import save
        from analysis_utils.study.constants import SVG_HASH_SALT

        save(plot_sweep_verdicts(verdicts), base, "sweep_verdicts", salt=SVG_HASH_SALT)
    return finished

"""Execute the notebooks with Papermill in dependency order.

Before any kernel starts, the runner checks the parameters against every
selected notebook's ``parameters`` cell, checks where the run would write
(:mod:`analysis_utils.pipeline.confine`), verifies the raw data (checksums,
then schemas), loads the claims registry the run will use and checks that its
tests stay within their memory limits. Notebooks whose
inputs are ready run concurrently, up to ``jobs`` at a time, each in its own
process and kernel. An executed notebook reaches ``reports/executed/`` (or
``executed/`` beside a run's own ``results_dir``) only when it ran to the
end; a failed one is kept in a fresh private folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from analysis_utils.core.errors import ParameterError
from analysis_utils.core.io import atomic_write_bytes
from analysis_utils.core.paths import Layout
from analysis_utils.core.writing import JOURNAL_ENV
from analysis_utils.pipeline import manifest
from analysis_utils.pipeline.confine import check_output_folders, executed_folder
from analysis_utils.pipeline.contract import (
    OUTPUT_PARAMETERS,
    Step,
    bind_parameters,
    dependencies,
    execution_order,
    load_pipeline,
    read_parameters,
    resolve,
)
from analysis_utils.pipeline.executed import Outcome, as_html, execute_one, strip_run_metadata
from analysis_utils.pipeline.locks import hold_locks, written_folders
from analysis_utils.pipeline.ownership import proven, read_journal, record_written
from analysis_utils.pipeline.parallel import run_parallel
from analysis_utils.pipeline.preflight import check_claims, check_limits, verify_inputs
from analysis_utils.pipeline.staging import (
    STAGING_PREFIX,
    Replacement,
    clear_partial_writes,
    clear_stale_staging,
    keep_failed,
    recover,
    set_aside,
)
from analysis_utils.pipeline.surveys import (
    SURVEY_OUTPUTS,
    check_replaceable,
    kept_entries,
    owns_output,
    survey_run,
)
from analysis_utils.survey.format import OUTPUT as SURVEY_OUTPUT
from analysis_utils.survey.format import RESPONSE_FILES

__all__ = [
    "SURVEY_OUTPUTS",
    "Outcome",
    "execute_one",
    "plan",
    "record_run",
    "run",
    "survey_run",
]


def plan(
    layout: Layout, names: list[str], given: Mapping[str, Any]
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Resolve notebooks and bind parameters, without starting anything.

    Parameters
    ----------
    layout : Layout
    names : list of str
        Notebooks asked for (empty: all).
    given : mapping
        Parameters given by the user.

    Returns
    -------
    order : list of str
        Notebooks in execution order.
    parameters : dict
        Notebook to the checked parameters it receives.

    Raises
    ------
    ParameterError
        Unknown notebook or parameter, a value of the wrong type, or a parameter
        decided in a notebook the run does not include (a decision is made once).
    """
    steps = load_pipeline(layout.pipeline)
    order = execution_order(steps, resolve(names, steps))
    declared = {name: read_parameters(steps[name].path) for name in order}
    for key in given:
        if not any(key in params for params in declared.values()):
            deciders = [
                n for n in steps if n not in order and key in read_parameters(steps[n].path)
            ]
            if deciders:
                raise ParameterError(
                    f"parameter {key!r} is decided in {', '.join(deciders)}, which this run does "
                    f"not include; the notebooks run read it from that notebook's results. Run "
                    f"them together: python -m analysis_utils run {' '.join(deciders)} "
                    f"{' '.join(order)} -p {key} VALUE"
                )
    return order, bind_parameters(given, declared)


def run(
    layout: Layout,
    names: list[str],
    given: Mapping[str, Any],
    *,
    jobs: int = 1,
    update_sources: bool = False,
    html: bool = True,
    force: bool = False,
    log: TextIO = sys.stderr,
    executor: Callable[..., Outcome] = execute_one,
) -> list[Outcome]:
    """Check everything, then execute the notebooks that could change something.

    Parameters
    ----------
    layout : Layout
    names : list of str
        Notebooks to run (empty: all), in any order.
    given : mapping
        Parameters (name to value). With ``survey_dir``, a run on one's own
        survey (:func:`survey_run`), which replaces the files earlier runs
        wrote in its output folder: they are set aside
        (:func:`~analysis_utils.pipeline.staging.set_aside`) and dropped only
        when every notebook succeeds, put back otherwise.
    jobs : int
        Notebooks run at the same time at most.
    update_sources : bool
        Also copy each executed notebook back over its source (to refresh the
        outputs that nbval compares against); only with default parameters.
    html : bool
        Also render each executed notebook as ``<name>.html`` beside it
        (:func:`~analysis_utils.pipeline.confine.executed_folder`:
        ``reports/executed/`` by default).
    force : bool
        Execute every notebook. Otherwise a notebook is skipped when
        :func:`unchanged` says running it again could change nothing (its
        inputs are ready by then: the notebooks before it ran or were skipped).
        A survey run, which replaces what earlier runs wrote in its output folder, and
        ``update_sources`` always execute.
    log : text stream
        Where progress is written.
    executor : callable
        Runs one notebook (replaceable in tests).

    Returns
    -------
    list of Outcome
        One per notebook started; a notebook after a failure is not started.
        A finished notebook's ``pages`` name the report pages it wrote.

    Raises
    ------
    ParameterError
        Before anything runs, for a bad notebook name or parameter, an output
        folder that :func:`~analysis_utils.pipeline.confine.check_output_folders`
        refuses, a claims registry that fails :func:`check_claims`, claim
        tests that would exceed their memory limits (:func:`check_limits`), or
        a survey output folder holding files no run can be shown to have
        written (:func:`~analysis_utils.pipeline.surveys.check_replaceable`),
        or an output folder another run is writing
        (:func:`~analysis_utils.pipeline.locks.hold_locks`).
    InputError
        Before anything runs, for raw data that fail verification.
    """
    if jobs < 1:
        raise ParameterError(f"--jobs must be at least 1, got {jobs}")
    if update_sources and any(given):
        raise ParameterError(
            "--update-notebooks refreshes the committed notebooks: "
            "run it with default parameters only"
        )
    survey = "survey_dir" in given
    output = None
    if survey:
        names, given, executed = survey_run(layout, names, given)
        output = executed.parent
    order, bound = plan(layout, names, given)
    executed_dir = executed_folder(layout, order, bound)
    check_output_folders(
        layout,
        order,
        bound,
        survey_dir=given["survey_dir"] if survey else None,
        executed=executed_dir,
    )
    if survey:
        from analysis_utils.survey.analyses import check_group_by
        from analysis_utils.survey.read import read, require_questions

        checked = read(Path(given["survey_dir"]))
        require_questions(checked)
        check_group_by(checked, str(given.get("group_by") or ""))
        codebook = (checked.questions, checked.options)
    else:
        verify_inputs(layout)
        codebook = None
    check_claims(layout, order, bound, codebook=codebook)
    check_limits(layout, order, bound)
    steps = load_pipeline(layout.pipeline)
    if output is not None and not owns_output(output, bound, layout.root):
        output = None  # some outputs go elsewhere (-p): written in place, nothing replaced
    if output is not None:
        check_replaceable(output, layout.root)

    locks = hold_locks(written_folders(layout, order, bound, executed_dir))
    replacement = None
    try:
        manifest.forget_unknown(_results_folder(layout, bound), steps)
        if output is not None:  # the files earlier runs wrote there are replaced
            recover(output)
            owned = proven(output, layout.root)
            replacement = set_aside(output, owned, kept_entries(order, steps))
            os.environ[JOURNAL_ENV] = str(replacement.journal)  # kernels inherit it
        outcomes = _execute(
            layout,
            order,
            bound,
            executed_dir,
            jobs,
            update_sources,
            html,
            force or update_sources or replacement is not None,
            log,
            executor,
        )
    except BaseException:
        _finish(replacement, layout, order, ok=False)
        raise
    else:
        ok = len(outcomes) == len(order) and all(o.ok for o in outcomes)
        _finish(replacement, layout, order, ok=ok)
    finally:
        os.environ.pop(JOURNAL_ENV, None)
        locks.close()
    return outcomes


def _finish(replacement: Replacement | None, layout: Layout, order: list[str], *, ok: bool) -> None:
    """Record and keep what a run wrote in the output folder it replaces, or undo it."""
    if replacement is None:
        return
    if ok:
        written = read_journal(replacement.journal, replacement.output)
        steps = load_pipeline(layout.pipeline)
        record_written(replacement.output, written, steps, order, layout.root)
        replacement.commit()
    else:
        replacement.rollback()


def _execute(
    layout: Layout,
    order: list[str],
    bound: dict[str, dict[str, Any]],
    executed_dir: Path,
    jobs: int,
    update_sources: bool,
    html: bool,
    force: bool,
    log: TextIO,
    executor: Callable[..., Outcome],
) -> list[Outcome]:
    """Execute the checked notebooks of :func:`run`, holding its lock."""
    steps = load_pipeline(layout.pipeline)
    needs = {n: deps & set(order) for n, deps in dependencies(steps).items() if n in order}
    clear_stale_staging()
    declared = {name: read_parameters(steps[name].path) for name in order}
    clear_partial_writes(
        [executed_dir]
        + [
            layout.root / str(bound[name].get(key, declared[name][key].default))
            for name in order
            for key in OUTPUT_PARAMETERS
            if key in declared[name]
        ]
    )
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
    # kernel connection files (written to the temporary folder) go with the staging folder,
    # so what a killed run leaves is one folder that the next run clears
    temporary = tempfile.gettempdir()
    (staging / "runtime").mkdir()
    tempfile.tempdir = str(staging / "runtime")
    outcomes: list[Outcome] = []
    total = len(order)
    print(f"running {total} notebook(s), up to {jobs} at a time", file=log, flush=True)
    # The HTML pages are rendered beside the run (a second or so each, nbconvert), so the
    # notebooks waiting for one that finished start at once; the run waits for them at its end.
    pages = ThreadPoolExecutor(max_workers=1, thread_name_prefix="executed-html")
    rendered: list[Future[None]] = []

    def finish(outcome: Outcome) -> None:
        outcomes.append(outcome)
        done = len(outcomes)
        if outcome.skipped:
            print(
                f"[{done}/{total}] {outcome.name} unchanged (run manifest): not run again",
                file=log,
                flush=True,
            )
        elif outcome.ok:
            executed = staging / f"{outcome.name}.ipynb"
            tidy = strip_run_metadata(executed)
            executed.write_bytes(tidy)
            atomic_write_bytes(executed_dir / executed.name, tidy)
            if html:
                rendered.append(pages.submit(_write_page, executed_dir / executed.name))
            if update_sources:
                atomic_write_bytes(steps[outcome.name].path, tidy)
            record = record_run(layout, steps[outcome.name], bound[outcome.name])
            written = tuple(path for path in record.outputs if path.endswith(".html"))
            outcome = Outcome(**{**outcome.__dict__, "pages": written})
            outcomes[-1] = outcome
            print(
                f"[{done}/{total}] {outcome.name} done in {outcome.seconds:.1f} s",
                file=log,
                flush=True,
            )
        else:
            failed = staging / f"{outcome.name}.ipynb"
            if failed.exists():
                kept = keep_failed(failed, outcome.name, temporary=Path(temporary))
                outcome = Outcome(**{**outcome.__dict__, "kept": str(kept)})
                outcomes[-1] = outcome
            print(f"[{done}/{total}] {outcome.describe()}", file=log, flush=True)

    def skip(name: str) -> Outcome | None:
        copies = [executed_dir / f"{name}.ipynb"] + ([executed_dir / f"{name}.html"] * html)
        before = None if force else _still_valid(layout, steps[name], bound[name], copies)
        if before is None:
            return None
        pages = tuple(path for path in before.outputs if path.endswith(".html"))
        return Outcome(name, ok=True, seconds=0.0, pages=pages, skipped=True)

    def arguments(name: str) -> tuple[Any, ...]:
        print(f"[start] {name}", file=log, flush=True)
        return (
            name,
            str(steps[name].path),
            str(staging / f"{name}.ipynb"),
            bound[name],
            str(layout.notebooks),
        )

    try:
        if jobs == 1:
            for name in order:
                finish(skip(name) or executor(*arguments(name)))
                if not outcomes[-1].ok:
                    break
        else:
            run_parallel(
                order,
                needs,
                jobs,
                arguments,
                finish,
                executor,
                lambda: outcomes,
                skip,
                str(layout.notebooks),
            )
        for page in rendered:
            page.result()
    finally:
        pages.shutdown(wait=True, cancel_futures=True)
        tempfile.tempdir = temporary
        shutil.rmtree(staging, ignore_errors=True)
    return outcomes


def _write_page(executed: Path) -> None:
    """Render an executed notebook as ``<name>.html`` beside it."""
    atomic_write_bytes(executed.with_suffix(".html"), as_html(executed))


def _results_folder(layout: Layout, bound: Mapping[str, Mapping[str, Any]]) -> Path:
    """Return the results folder of a run (the first notebook's ``results_dir``)."""
    for parameters in bound.values():
        if "results_dir" in parameters:
            return layout.root / str(parameters["results_dir"])
    return layout.results


def _record(
    layout: Layout, step: Step, parameters: Mapping[str, Any], *, outputs: bool
) -> tuple[manifest.Record, Path]:
    """Describe a notebook's run as the manifest records it, and where its manifest is."""
    defaults = {p.name: p.default for p in read_parameters(step.path).values()}
    used = {**defaults, **parameters}
    record = manifest.Record(
        notebook=step.name,
        parameters=used,
        inputs=manifest.hashes(
            manifest.actual_paths(step.reads, used, defaults),
            layout.root,
            withheld=RESPONSE_FILES,
            left_out=[SURVEY_OUTPUT],
        ),
        outputs=(
            manifest.hashes(manifest.actual_paths(step.writes, used, defaults), layout.root)
            if outputs
            else {}
        ),
        code=manifest.code_hashes(step.path, layout.root / "requirements" / "lock.txt"),
    )
    return record, layout.root / str(used.get("results_dir", layout.results))


def record_now(layout: Layout, step: Step, parameters: Mapping[str, Any]) -> manifest.Record:
    """Describe a notebook's run as :func:`record_run` would record it, before it runs.

    The record's ``outputs`` are empty; its :attr:`~analysis_utils.pipeline.manifest.Record.key`
    is the key a run now would have.
    """
    return _record(layout, step, parameters, outputs=False)[0]


def record_run(layout: Layout, step: Step, parameters: Mapping[str, Any]) -> manifest.Record:
    """Record a finished notebook in its results folder's run manifest.

    Parameters
    ----------
    layout : Layout
    step : Step
    parameters : mapping
        The parameters given to the notebook (defaults fill the rest).

    Returns
    -------
    manifest.Record
        What was recorded; its ``outputs`` name the files the notebook wrote.
    """
    record, folder = _record(layout, step, parameters, outputs=True)
    records = manifest.load(folder)
    records[step.name] = record
    manifest.write(folder, records)
    return record


def unchanged(
    layout: Layout, step: Step, parameters: Mapping[str, Any], executed: Sequence[Path]
) -> bool:
    """Say whether running a notebook again could change nothing.

    True only when its run manifest record has the same
    :attr:`~analysis_utils.pipeline.manifest.Record.key` as a run now would
    (the notebook's source, every parameter, the hash of every input, the
    library's source and the locked versions), every output it recorded is
    on disk with its recorded hash, and its executed copies are there. A
    notebook reading respondent-level answers, which the manifest does not
    hash (:data:`~analysis_utils.pipeline.manifest.WITHHELD`), always runs.

    Parameters
    ----------
    layout : Layout
    step : Step
    parameters : mapping
        The parameters the notebook would run with (defaults fill the rest).
    executed : sequence of Path
        Its executed copies (notebook, and page where rendered).

    Returns
    -------
    bool
    """
    return _still_valid(layout, step, parameters, executed) is not None


def _still_valid(
    layout: Layout, step: Step, parameters: Mapping[str, Any], executed: Sequence[Path]
) -> manifest.Record | None:
    """Return a notebook's record if :func:`unchanged` holds, else None."""
    now, folder = _record(layout, step, parameters, outputs=False)
    before = manifest.load(folder).get(step.name)
    if before is None or manifest.WITHHELD in before.inputs.values() or before.key != now.key:
        return None
    if not all(path.is_file() for path in executed):
        return None
    return None if manifest.check({step.name: before}, layout.root) else before

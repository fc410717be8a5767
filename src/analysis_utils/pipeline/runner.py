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

import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from analysis_utils.core.errors import InputError, ParameterError
from analysis_utils.core.io import atomic_write_bytes
from analysis_utils.core.paths import Layout
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
from analysis_utils.pipeline.preflight import check_claims, check_limits, verify_inputs
from analysis_utils.pipeline.staging import (
    STAGING_PREFIX,
    clear_partial_writes,
    clear_stale_staging,
    hold_lock,
    keep_failed,
)
from analysis_utils.survey.format import RESPONSE_FILES

KERNEL = "python3"


@dataclass(frozen=True)
class Outcome:
    """How one notebook run ended.

    Attributes
    ----------
    name : str
    ok : bool
    seconds : float
    cell : int or None
        Index of the failing cell in the executed notebook.
    error : str
        ``"ExceptionName: message"`` of the failure.
    cell_source : str
        First line of the failing cell.
    kept : str
        Where the failed executed notebook was kept.
    """

    name: str
    ok: bool
    seconds: float
    cell: int | None = None
    error: str = ""
    cell_source: str = ""
    kept: str = ""

    def describe(self) -> str:
        """One-line account of a failure."""
        where = (
            f"cell {self.cell} (0-based, in the source notebook)"
            if self.cell is not None
            else "an unlocated cell"
        )
        first = f" ({self.cell_source!r})" if self.cell_source else ""
        kept = f"; executed copy kept at {self.kept}" if self.kept else ""
        return f"notebook {self.name} failed in {where}{first}: {self.error}{kept}"


def execute_one(
    name: str, source: str, output: str, parameters: dict[str, Any], cwd: str
) -> Outcome:
    """Run one notebook with Papermill (in a worker process).

    Parameters
    ----------
    name : str
        Notebook name, for the outcome.
    source, output : str
        Input notebook and where to write the executed copy.
    parameters : dict
        Checked parameters to inject.
    cwd : str
        Working directory of the kernel.

    Returns
    -------
    Outcome
    """
    import papermill

    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            source,
            output,
            parameters=parameters,
            cwd=cwd,
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            kernel_manager_class="analysis_utils.pipeline.kernels.QuietKernelManager",
        )
    except papermill.PapermillExecutionError as exc:
        cell, first = _failing_cell(Path(source), Path(output))
        return Outcome(
            name, False, time.perf_counter() - start, cell, f"{exc.ename}: {exc.evalue}", first
        )
    except Exception as exc:  # kernel could not start, notebook unreadable, ...
        return Outcome(
            name, False, time.perf_counter() - start, None, f"{type(exc).__name__}: {exc}"
        )
    return Outcome(name, True, time.perf_counter() - start)


def _failing_cell(source: Path, output: Path) -> tuple[int | None, str]:
    """Locate the failed cell: its index in the *source* notebook and first line.

    Papermill adds cells to the executed copy (injected parameters, an error
    banner), so the cell is matched back to the source by its id.
    """
    try:
        executed = json.loads(output.read_text(encoding="utf-8"))["cells"]
        ids = [c.get("id") for c in json.loads(source.read_text(encoding="utf-8"))["cells"]]
    except (OSError, KeyError, ValueError):
        return None, ""
    for cell in executed:
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            lines = "".join(cell.get("source", "")).strip().splitlines()
            index = ids.index(cell.get("id")) if cell.get("id") in ids else None
            return index, lines[0] if lines else ""
    return None, ""


#: Where a run on one's own survey writes, per folder parameter, inside its output folder
#: (the report itself at the top).
SURVEY_OUTPUTS = {
    key: "" if key == "report_dir" else key.removesuffix("_dir") for key in OUTPUT_PARAMETERS
}


def survey_run(
    layout: Layout, names: list[str], given: Mapping[str, Any]
) -> tuple[list[str], dict[str, Any], Path]:
    """Turn ``survey_dir`` (and ``output_dir``) into the parameters of a survey run.

    The survey notebooks (``survey: true`` in ``pipeline.yaml``) read the survey
    folder and write everything under the output folder (``output_dir``;
    default ``SURVEY_DIR/output``): ``processed/``, ``tables/``, ``results/``,
    ``figures/``, ``executed/``. The claims tested are ``SURVEY_DIR/claims.yaml``
    if there is one (none otherwise); the article's own claims and subgroup
    questions do not apply; every choice question is drawn (``fig1_<question>``,
    ...) and the feasible sample sizes as ``feasible_sizes``. Parameters the
    user gives win here, but not over :func:`run`'s check of the output
    folders (:func:`analysis_utils.pipeline.confine.check_output_folders`).

    Parameters
    ----------
    layout : Layout
    names : list of str
        Notebooks asked for (empty: the survey notebooks).
    given : mapping
        The user's parameters, with ``survey_dir``.

    Returns
    -------
    names : list of str
    parameters : dict
        Parameters to bind (``output_dir`` resolved away).
    executed : Path
        Where the executed notebooks go.

    Raises
    ------
    ParameterError
        If the survey folder does not exist, or the output folder is inside
        ``data/raw`` or is the survey folder.
    InputError
        If the survey folder, or one of its files, is a symbolic link
        (:func:`analysis_utils.survey.read.symlink_problems`).
    """
    from analysis_utils.survey.read import symlink_problems

    linked = symlink_problems(Path(str(given["survey_dir"])).expanduser())
    if linked:
        raise InputError(linked)
    survey_dir = Path(str(given["survey_dir"])).expanduser().resolve()
    if not survey_dir.is_dir():
        raise ParameterError(f"survey_dir: {survey_dir} is not a folder")
    output = Path(str(given.get("output_dir") or survey_dir / "output")).expanduser().resolve()
    if output.is_relative_to(layout.raw.resolve()):
        raise ParameterError(
            f"output_dir: {output} is inside data/raw, which is never written; "
            "give -p output_dir FOLDER"
        )
    if output == survey_dir:
        raise ParameterError(
            f"output_dir: {output} is the survey folder, where its input files are; "
            "give -p output_dir FOLDER elsewhere (default SURVEY_DIR/output)"
        )
    steps = load_pipeline(layout.pipeline)
    chosen = names or [name for name, step in steps.items() if step.survey]
    declared = {p for name in resolve(chosen, steps) for p in read_parameters(steps[name].path)}
    claims = survey_dir / "claims.yaml"
    preset: dict[str, Any] = {
        **{key: str(output / sub) for key, sub in SURVEY_OUTPUTS.items()},
        "claims_file": str(claims) if claims.is_file() else "",
        "article_claims_file": "",
        "subgroup_questions": [],
        "figure_questions": [],
        "sizes_figure": "feasible_sizes",
    }
    parameters = {key: value for key, value in preset.items() if key in declared}
    parameters.update({key: value for key, value in given.items() if key != "output_dir"})
    parameters["survey_dir"] = str(survey_dir)
    return chosen, parameters, output / "executed"


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
    log: TextIO = sys.stderr,
    executor: Callable[..., Outcome] = execute_one,
) -> list[Outcome]:
    """Check everything, then execute the notebooks.

    Parameters
    ----------
    layout : Layout
    names : list of str
        Notebooks to run (empty: all), in any order.
    given : mapping
        Parameters (name to value). With ``survey_dir``, a run on one's own
        survey (:func:`survey_run`).
    jobs : int
        Notebooks run at the same time at most.
    update_sources : bool
        Also copy each executed notebook back over its source (to refresh the
        outputs that nbval compares against); only with default parameters.
    html : bool
        Also render each executed notebook as ``<name>.html`` beside it
        (:func:`~analysis_utils.pipeline.confine.executed_folder`:
        ``reports/executed/`` by default).
    log : text stream
        Where progress is written.
    executor : callable
        Runs one notebook (replaceable in tests).

    Returns
    -------
    list of Outcome
        One per notebook started; a notebook after a failure is not started.

    Raises
    ------
    ParameterError
        Before anything runs, for a bad notebook name or parameter, an output
        folder that :func:`~analysis_utils.pipeline.confine.check_output_folders`
        refuses, a claims registry that fails :func:`check_claims`, or claim
        tests that would exceed their memory limits (:func:`check_limits`).
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
    if survey:
        names, given, _ = survey_run(layout, names, given)
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
        from analysis_utils.survey.read import read, require_questions

        require_questions(read(Path(given["survey_dir"])))
    else:
        verify_inputs(layout)
    check_claims(layout, order, bound)
    check_limits(layout, order, bound)

    steps = load_pipeline(layout.pipeline)
    needs = {n: deps & set(order) for n, deps in dependencies(steps).items() if n in order}
    lock = hold_lock(_results_folder(layout, bound))
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

    def finish(outcome: Outcome) -> None:
        outcomes.append(outcome)
        done = len(outcomes)
        if outcome.ok:
            executed = staging / f"{outcome.name}.ipynb"
            tidy = _strip_run_metadata(executed)
            executed.write_bytes(tidy)
            atomic_write_bytes(executed_dir / executed.name, tidy)
            if html:
                atomic_write_bytes(executed_dir / f"{outcome.name}.html", _as_html(executed))
            if update_sources:
                atomic_write_bytes(steps[outcome.name].path, tidy)
            record_run(layout, steps[outcome.name], bound[outcome.name])
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
                finish(executor(*arguments(name)))
                if not outcomes[-1].ok:
                    break
        else:
            _run_parallel(order, needs, jobs, arguments, finish, executor, lambda: outcomes)
    finally:
        tempfile.tempdir = temporary
        shutil.rmtree(staging, ignore_errors=True)
        lock.close()
    return outcomes


def _results_folder(layout: Layout, bound: Mapping[str, Mapping[str, Any]]) -> Path:
    """Return the results folder of a run (the first notebook's ``results_dir``)."""
    for parameters in bound.values():
        if "results_dir" in parameters:
            return layout.root / str(parameters["results_dir"])
    return layout.results


def record_run(layout: Layout, step: Step, parameters: Mapping[str, Any]) -> Path:
    """Record a finished notebook in its results folder's run manifest.

    Parameters
    ----------
    layout : Layout
    step : Step
    parameters : mapping
        The parameters given to the notebook (defaults fill the rest).

    Returns
    -------
    Path
        The manifest written.
    """
    defaults = {p.name: p.default for p in read_parameters(step.path).values()}
    used = {**defaults, **parameters}
    record = manifest.Record(
        notebook=step.name,
        parameters=used,
        inputs=manifest.hashes(
            manifest.actual_paths(step.reads, used, defaults), layout.root, withheld=RESPONSE_FILES
        ),
        outputs=manifest.hashes(manifest.actual_paths(step.writes, used, defaults), layout.root),
        code=manifest.code_hashes(step.path, layout.root / "requirements" / "lock.txt"),
    )
    folder = layout.root / str(used.get("results_dir", layout.results))
    records = manifest.load(folder)
    records[step.name] = record
    return manifest.write(folder, records)


def _ignore_interrupts() -> None:
    """Let only the runner see Ctrl-C: a worker would print a traceback for it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_parallel(
    order: list[str],
    needs: dict[str, set[str]],
    jobs: int,
    arguments: Callable[[str], tuple[Any, ...]],
    finish: Callable[[Outcome], None],
    executor: Callable[..., Outcome],
    outcomes: Callable[[], list[Outcome]],
) -> None:
    """Submit notebooks as their inputs become ready; stop submitting after a failure."""
    done: set[str] = set()
    running: dict[Future[Outcome], str] = {}
    failed = False
    with ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts) as pool:
        try:
            while True:
                if not failed:
                    for name in order:
                        started = name in done or name in running.values()
                        if not started and needs[name] <= done and len(running) < jobs:
                            running[pool.submit(executor, *arguments(name))] = name
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    running.pop(future)
                    finish(future.result())
                    outcome = outcomes()[-1]
                    if outcome.ok:
                        done.add(outcome.name)
                    else:
                        failed = True
        except KeyboardInterrupt:  # the workers ignore it: stop them and their kernels
            for child in multiprocessing.active_children():
                child.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


#: nbconvert's lab template without the blocks that load scripts from a CDN
#: (require.js, MathJax, mermaid, the widget manager); its styles are inline.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def _as_html(executed: Path) -> bytes:
    """Render an executed notebook as a self-contained HTML page that works offline.

    The page uses nbconvert's lab template with its styles inline and images
    embedded, but none of the scripts that template loads from a CDN
    (require.js, MathJax, mermaid, the widget manager): it makes no network
    request. Formulas in Markdown cells are shown as their TeX source
    (``$x^2$``), since MathJax is not loaded.

    Parameters
    ----------
    executed : Path
        The executed notebook.

    Returns
    -------
    bytes
        The page in UTF-8; the same notebook always gives the same bytes.
    """
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        template_file="offline.html.j2",
        extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
    )
    body, _ = exporter.from_filename(str(executed))
    return body.encode("utf-8")


def _strip_run_metadata(executed: Path) -> bytes:
    """Return an executed notebook that is the same every run.

    Papermill's per-run timestamps are dropped, the cell of injected
    parameters gets a fixed id instead of a random one, and consecutive stream
    outputs of the same name are merged (the kernel splits them at random
    points), so an unchanged notebook re-executes to the same file.
    """
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    notebook.get("metadata", {}).pop("papermill", None)
    for cell in notebook.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
        merged: list[dict[str, Any]] = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and output.get("output_type") == "stream"
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")
            ):
                text = "".join(previous["text"]) + "".join(output["text"])
                previous["text"] = text.splitlines(keepends=True)
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return text.encode("utf-8")

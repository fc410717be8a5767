"""Where a run may write: its output folders checked before anything is written.

Every output-folder parameter of a run (:data:`OUTPUT_PARAMETERS`) and the
folder of its executed notebooks are resolved from the project root
(:meth:`pathlib.Path.resolve` follows symbolic links, so a link into a
forbidden place is judged by where it leads) and checked against three rules:

1. nothing inside ``data/raw/``, the raw data, nor inside ``.git/`` (of the
   project or of any repository), for any run
   (:func:`analysis_utils.core.paths.protected`, the rule every command that
   writes applies);
2. not the survey folder of a survey run, where its input files are;
3. for a survey run or a run with parameters other than the defaults, none of
   the study's committed outputs: ``data/processed/``, ``reports/results/``,
   ``reports/tables/``, ``reports/figures/``, ``reports/executed/`` (or a
   folder inside them) and ``reports/`` itself (its ``index.html`` and
   reports). Only a run with default parameters (``make reproduce``,
   ``make notebooks``) writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis_utils.core.errors import ParameterError
from analysis_utils.core.paths import protected, shown
from analysis_utils.pipeline.contract import OUTPUT_PARAMETERS, with_producers

if TYPE_CHECKING:
    from analysis_utils.pipeline.plan import RunPlan

#: What the folder of the executed notebooks is called in messages.
EXECUTED = "executed notebooks"

#: Parameters naming a file a notebook writes inside an output folder: a name, never a path.
FILE_NAMES: tuple[str, ...] = ("sizes_figure",)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def check_output_folders(plan: RunPlan, *, by_itself: bool = False) -> None:
    """Refuse a run whose output folders reach the raw data, the survey or the study's outputs.

    Each output-folder parameter a notebook of the run declares (its bound
    value, else its default) and the folder of the executed notebooks (the
    plan's ``executed``, :func:`~analysis_utils.pipeline.plan.executed_folder`)
    is resolved from the project root, symbolic links followed, and must obey
    these rules:

    1. *Never inside* ``data/raw/`` nor ``.git/``, for any run (even a folder
       the run only reads, which would be a mistake):
       :func:`analysis_utils.core.paths.protected`.
    2. *Not the survey folder* (the plan's ``survey_dir``) of a survey run, where
       ``questions.csv``, ``options.csv``, ``responses.csv`` and
       ``claims.yaml`` are. The notebooks write their files directly into
       each output folder, so only the survey folder itself puts outputs
       beside (and possibly over) the inputs: a folder inside it (the default
       ``SURVEY_DIR/output/...``) or around it (its parent) writes elsewhere.
    3. For a survey run, or a run given a parameter whose value differs from
       its default (output-folder parameters aside), *no folder the run
       writes into* may be one of the study's committed outputs:
       ``data/processed/``, ``reports/results/``, ``reports/tables/``,
       ``reports/figures/``, ``reports/executed/`` or a folder inside them,
       nor ``reports/`` itself. Which folders a notebook writes into comes
       from its ``writes`` in ``pipeline.yaml``
       (:func:`~analysis_utils.pipeline.plan.written_parameters`), so a
       notebook may still read the committed tables. Other folders under
       ``reports/`` (a sweep's ``reports/sweeps/<name>/run-NNN``) are free.

    Parameters
    ----------
    plan : RunPlan
        The run: its notebooks with the checked parameters they receive (what
        the user or a survey run or a sweep gives; nothing overrides this
        check), a survey run's survey folder, where the executed notebooks go.
    by_itself : bool
        The check of a notebook run by itself, with plain Papermill or in
        JupyterLab (:func:`analysis_utils.pipeline.notebook_parameters.check`):
        its executed copy goes where its runner puts it, so no folder of
        executed notebooks is checked.

    Raises
    ------
    ParameterError
        In one line naming the parameter, the folder, the rule it breaks and
        what to do instead.
    """
    layout, order = plan.layout, plan.order
    root = layout.root.resolve()
    survey = plan.survey_dir.expanduser().resolve() if plan.survey_dir is not None else None
    # (parameter, folder as given) -> (resolved folder, notebooks, written by the run)
    folders: dict[tuple[str, str], tuple[Path, list[str], bool]] = {}
    changed: set[str] = set()
    written_keys: set[str] = set()
    for step in plan.steps:
        name, declared, given = step.name, step.declared, step.given()
        _check_file_names(name, given)
        writes = step.written()
        written_keys |= writes
        for key, value in given.items():
            default = declared[key].default if key in declared else value
            if key not in OUTPUT_PARAMETERS and value != default:
                changed.add(key)
        for key, value in step.output_folders():
            resolved, names, written = folders.get(
                (key, value), ((root / value).resolve(), [], False)
            )
            folders[(key, value)] = (resolved, [*names, name], written or key in writes)
    if not by_itself:
        where = plan.executed
        folders[(EXECUTED, str(where))] = ((root / where).resolve(), list(order), True)

    guarded = survey is not None or bool(changed)
    committed_trees = [
        p.resolve()
        for p in (layout.processed, layout.results, layout.tables, layout.figures, layout.executed)
    ]
    reports = layout.reports.resolve()
    for (key, value), (folder, names, written) in folders.items():
        label = f"{key} {shown(Path(value), root) if Path(value).is_absolute() else value}"
        if folder != (root / value).absolute():
            label += f" (that is {shown(folder, root)})"
        label += f", used by {', '.join(names)},"
        reason = protected(folder, root)
        if reason is not None:
            raise ParameterError(
                f"{label} is {reason}, which no run writes: {_redirect(key, survey)}"
            )
        if survey is not None and folder == survey:
            raise ParameterError(
                f"{label} is the survey folder, where its input files are: {_redirect(key, survey)}"
            )
        committed = folder == reports or any(_inside(folder, t) for t in committed_trees)
        if guarded and written and committed:
            if survey is not None:
                why = "this is a survey run"
                todo = _redirect(key, survey)
            else:
                why = f"this run sets {', '.join(sorted(changed))}"
                keys = [k for k in OUTPUT_PARAMETERS if k in written_keys]
                todo = "write elsewhere, e.g. " + " ".join(
                    f"-p {k} OUT/{k.removesuffix('_dir')}" for k in keys
                )
                if not keys:
                    todo = "its notebooks cannot write elsewhere: run them with default values"
                if "results_dir" in keys and not by_itself:
                    todo += " (executed notebooks then go to OUT/executed)"
                needed = [
                    n
                    for n in with_producers(plan.contract.steps, order, under="reports/")
                    if n not in order
                ]
                if needed:
                    todo += f", and run {' '.join(needed)} too, whose outputs it reads there"
            raise ParameterError(
                f"{label} is among the study's committed outputs (data/processed, "
                f"reports/results, tables, figures, executed and reports/ itself), which only "
                f"a run with default parameters writes, and {why}: {todo}"
            )


def _check_file_names(name: str, bound: Mapping[str, Any]) -> None:
    """Refuse a file name (:data:`FILE_NAMES`) that is a path, which could leave its folder."""
    for key in FILE_NAMES:
        value = str(bound.get(key, ""))
        if key in bound and (value in ("", ".", "..") or "/" in value or "\\" in value):
            raise ParameterError(
                f"{key} {value!r}, used by {name}, is the name of a file written in its output "
                "folder, not a path: give a name without / or \\ (letters, digits, - and _)"
            )


def _redirect(key: str, survey: Path | None) -> str:
    """Say what to do about a refused folder."""
    if survey is not None:
        mine = "" if key in ("output_dir", EXECUTED) else f" and any -p {key} of yours"
        return f"point -p output_dir (default SURVEY_DIR/output){mine} elsewhere"
    if key == EXECUTED:
        return "give -p results_dir FOLDER/results elsewhere (executed notebooks go beside it)"
    return f"give -p {key} FOLDER elsewhere"

"""A run on one's own survey: its parameters, and the output folder it owns.

``python -m analysis_utils run -p survey_dir DIR`` runs the survey notebooks
on ``DIR`` and writes everything under one output folder (``DIR/output`` by
default, ``-p output_dir`` to change): :func:`survey_run` turns the survey
folder into the notebooks' parameters. The run replaces the files earlier
runs wrote in that folder (:mod:`analysis_utils.pipeline.staging`), and only
those: the run manifest lists them with their hashes
(:mod:`analysis_utils.pipeline.ownership`). :func:`check_replaceable` refuses
a folder holding anything else, before anything is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from analysis_utils.core.errors import InputError, ParameterError
from analysis_utils.core.paths import Layout
from analysis_utils.core.writing import PARTIAL
from analysis_utils.pipeline import manifest
from analysis_utils.pipeline.contract import OUTPUT_PARAMETERS, Parameter, Step, resolve
from analysis_utils.pipeline.locks import LOCK_NAME
from analysis_utils.pipeline.ownership import EXECUTED, JOURNAL, MANIFEST, proven, read_journal
from analysis_utils.pipeline.plan import written_parameters
from analysis_utils.pipeline.staging import PREVIOUS
from analysis_utils.pipeline.survey_kinds import SURVEY_INPUTS

if TYPE_CHECKING:
    from analysis_utils.pipeline.plan import Contract, RunPlan

#: Where a run on one's own survey writes, per folder parameter, inside its output folder
#: (the report itself at the top).
SURVEY_OUTPUTS = {
    key: "" if key == "report_dir" else key.removesuffix("_dir") for key in OUTPUT_PARAMETERS
}

#: What the folder of the executed notebooks holds.
EXECUTED_SUFFIXES = frozenset({".ipynb", ".html"})

#: Files an operating system's file browser leaves in a folder it showed; never the user's work.
BROWSER_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def survey_inputs(survey_dir: Path) -> tuple[str, ...]:
    """Say which kinds of survey input the notebooks of a run on ``survey_dir`` must serve.

    The kinds are those of :data:`~analysis_utils.pipeline.survey_kinds.SURVEY_INPUTS`.
    Published percentages (no responses file) are served by the notebooks for
    ``percentages``; respondent-level answers by those for ``respondents``, and
    by both when the folder's ``claims.yaml`` has claims with ``evidence:
    survey`` (tested by ``03_test_claims`` on the counts, shown by
    ``08_survey_report``). Only names are looked at, and the claims file read;
    a folder or a claims file that the run's checks will refuse gets both (the
    refusal names the problem before anything runs).

    Parameters
    ----------
    survey_dir : Path
        The survey folder (resolved, an existing folder).

    Returns
    -------
    tuple of str
    """
    from analysis_utils.audit.registry import load_claims
    from analysis_utils.survey.folder import contents

    responses, problems = contents(survey_dir)
    if problems:
        return SURVEY_INPUTS
    if responses is None:
        return ("percentages",)
    claims = survey_dir / "claims.yaml"
    if claims.is_file():
        try:
            kinds = {claim.evidence for claim in load_claims(claims)}
        except (OSError, ValueError):
            return SURVEY_INPUTS
        if "survey" in kinds:
            return SURVEY_INPUTS
    return ("respondents",)


def serving(steps: Mapping[str, Step], survey_dir: Path) -> list[str]:
    """Return the survey notebooks that serve the survey in ``survey_dir`` (:func:`survey_inputs`).

    Parameters
    ----------
    steps : mapping
        The pipeline.
    survey_dir : Path
        The survey folder (resolved).

    Returns
    -------
    list of str
        In ``pipeline.yaml`` order: the notebooks a survey run on the folder runs.
    """
    inputs = survey_inputs(survey_dir)
    return [name for name, step in steps.items() if step.serves_any(inputs)]


def survey_run(
    layout: Layout,
    names: list[str],
    given: Mapping[str, Any],
    *,
    contract: Contract | None = None,
) -> tuple[list[str], dict[str, Any], Path]:
    """Turn ``survey_dir`` (and ``output_dir``) into the parameters of a survey run.

    The survey notebooks serving the survey's kind of input (``survey:`` in
    ``pipeline.yaml``, :func:`serving`) read the survey folder and write
    everything under the output folder (``output_dir``; default
    ``SURVEY_DIR/output``): ``processed/``, ``tables/``, ``results/``,
    ``figures/``, ``executed/``. The claims tested are ``SURVEY_DIR/claims.yaml``
    if there is one (none otherwise); the article's own claims and subgroup
    questions do not apply; every choice question is drawn (``fig1_<question>``,
    ...) and, for reported percentages, the feasible sample sizes as
    ``feasible_sizes``; the report page is titled with the survey folder's name.
    Parameters the user gives win here, but not over the runner's check of the
    output folders (:func:`analysis_utils.pipeline.confine.check_output_folders`).

    Parameters
    ----------
    layout : Layout
    names : list of str
        Notebooks asked for (empty: the survey notebooks serving the survey, :func:`serving`).
    given : mapping
        The user's parameters, with ``survey_dir``.
    contract : Contract, optional
        ``pipeline.yaml`` and the parameters cells, as the run read them
        (:func:`~analysis_utils.pipeline.plan.read_contract`; read here if not given).

    Returns
    -------
    names : list of str
    parameters : dict
        Parameters to bind (``output_dir`` resolved away).
    executed : Path
        Where the executed notebooks go (``executed/`` in the output folder).

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
    if contract is None:
        from analysis_utils.pipeline.plan import read_contract

        contract = read_contract(layout.pipeline)
    steps = contract.steps
    chosen = names or serving(steps, survey_dir)
    declared = {p for name in resolve(chosen, steps) for p in contract.declared[name]}
    claims = survey_dir / "claims.yaml"
    preset: dict[str, Any] = {
        **{key: str(output / sub) for key, sub in SURVEY_OUTPUTS.items()},
        "claims_file": str(claims) if claims.is_file() else "",
        "article_claims_file": "",
        "subgroup_questions": [],
        "figure_questions": [],
        "sizes_figure": "feasible_sizes",
        "title": survey_dir.name,
    }
    parameters = {key: value for key, value in preset.items() if key in declared}
    parameters.update({key: value for key, value in given.items() if key != "output_dir"})
    parameters["survey_dir"] = str(survey_dir)
    return chosen, parameters, output / EXECUTED


def written_names(
    steps: Mapping[str, Step], declared: Mapping[str, Mapping[str, Parameter]]
) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Return what the survey notebooks write in an output folder, from ``pipeline.yaml``.

    Parameters
    ----------
    steps : mapping
        The pipeline.
    declared : mapping
        Each notebook's declared parameters.

    Returns
    -------
    files : frozenset of str
        Names of the files written at the top of the output folder (the report).
    folders : dict
        Subfolder name to the file suffixes written in it (``figures`` to
        ``.png`` and ``.svg``, ``executed`` to ``.html`` and ``.ipynb``, ...).
    """
    files: set[str] = set()
    folders: dict[str, set[str]] = {EXECUTED: set(EXECUTED_SUFFIXES)}
    for step in steps.values():
        if not step.survey:
            continue
        defaults = {name: p.default for name, p in declared[step.name].items()}
        placed = {
            key: f"OUT/{SURVEY_OUTPUTS[key]}".rstrip("/")
            for key in OUTPUT_PARAMETERS
            if key in declared[step.name]
        }
        for path in manifest.actual_paths(step.writes + step.may_write, placed, defaults):
            parts = PurePosixPath(path).parts
            if parts[0] != "OUT":
                continue
            if len(parts) == 2:
                files.add(parts[1])
            else:
                folders.setdefault(parts[1], set()).add(PurePosixPath(path).suffix)
    return frozenset(files), {name: frozenset(s) for name, s in folders.items()}


def _ours_by_name(path: Path) -> bool:
    """Tell a file no one but a run makes: its lock, a writer's partial file, a browser's.

    None of them is moved; a partial file is removed once its writer has ended
    (:func:`analysis_utils.pipeline.staging.clear_partial_writes`).
    """
    if path.is_symlink() or not path.is_file():
        return False
    return path.name in {LOCK_NAME, *BROWSER_FILES} or PARTIAL.fullmatch(path.name) is not None


def _other_runs(output: Path, root: Path) -> set[str]:
    """Return what other runs left that is theirs: set-aside files, journals, files they journalled.

    A killed run's are undone by the next run (:func:`analysis_utils.pipeline.staging.recover`);
    a running one holds the folder's lock, which refuses the run.
    """
    ours: set[str] = set()
    for entry in output.iterdir():
        found = re.fullmatch(PREVIOUS, entry.name) or re.fullmatch(JOURNAL, entry.name)
        if not found or entry.is_symlink():
            continue
        if entry.is_dir():
            ours |= {f"{entry.name}/{name}" for name in proven(output, root, tree=entry)}
        elif entry.is_file():
            ours.add(entry.name)
            ours |= set(read_journal(entry, output))
    return ours


def foreign_files(output: Path, root: Path) -> list[str]:
    """List what in ``output`` no survey run can be shown to have written (paths relative to it).

    A file is a run's when the folder's run manifest lists it with the hash it
    has now (:func:`analysis_utils.pipeline.ownership.proven`); so are what
    another run left (its set-aside files, proven by their own manifest, its
    journal and the files it journalled), the runs' lock files, the
    package's writers' partial files (:data:`analysis_utils.core.writing.PARTIAL`) and the
    files a file browser leaves (:data:`BROWSER_FILES`, left where they are).
    Anything else is the user's: a file of another name, one edited since a
    run wrote it, a symbolic link, a folder where a run makes none.

    Parameters
    ----------
    output : Path
        The output folder (need not exist).
    root : Path
        The project root (the run manifest's relative paths are taken from it).

    Returns
    -------
    list of str
        Sorted; a foreign folder is listed, not what it holds; empty when
        everything there is a survey run's.
    """
    if not output.exists() and not output.is_symlink():
        return []
    if output.is_symlink() or not output.is_dir():
        return ["."]
    ours = set(proven(output, root)) | _other_runs(output, root)
    folders = {sub for sub in SURVEY_OUTPUTS.values() if sub} | {EXECUTED}
    foreign = []
    for top, dirs, names in os.walk(output):
        here = Path(top)
        relative = here.relative_to(output).parts
        inside = relative[1:] if relative and re.fullmatch(PREVIOUS, relative[0]) else relative
        for name in sorted(dirs):
            path = here / name
            ours_here = (not relative and re.fullmatch(PREVIOUS, name)) or (
                not inside and name in folders
            )
            if ours_here and not path.is_symlink():
                continue
            foreign.append(path.relative_to(output).as_posix())
            dirs.remove(name)  # a foreign folder is named, not its contents
        for name in names:
            path = here / name
            shown = path.relative_to(output).as_posix()
            if shown not in ours and not _ours_by_name(path):
                foreign.append(shown)
    return sorted(foreign)


def check_replaceable(output: Path, root: Path, *, listed: int = 5) -> None:
    """Refuse an output folder holding anything that no survey run can be shown to have written.

    The folder may be absent, empty, or hold only files runs wrote and that
    are unchanged since (:func:`foreign_files` finds none): a survey run
    replaces those and nothing else.

    Parameters
    ----------
    output : Path
        The output folder.
    root : Path
        The project root.
    listed : int
        How many foreign files the message names at most.

    Raises
    ------
    ParameterError
        Naming the folder, the files in question, and what to do.
    """
    foreign = foreign_files(output, root)
    if foreign == ["."]:
        raise ParameterError(
            f"output_dir {output} is not a folder: give -p output_dir a new or empty folder"
        )
    if not foreign:
        return
    named = ", ".join(foreign[:listed]) + (
        f" and {len(foreign) - listed} more" if len(foreign) > listed else ""
    )
    raise ParameterError(
        f"output_dir {output} holds files that no survey run wrote, or that changed since "
        f"({named}): a rerun removes only the files its run manifest ({MANIFEST}) lists "
        "with the hash they still have, so it stops here and writes nothing. Move those "
        "files out of the folder, or give -p output_dir a new or empty folder"
    )


def owns_output(output: Path, bound: Mapping[str, Mapping[str, Any]], root: Path) -> bool:
    """Whether a survey run writes only inside its output folder, and so may replace it.

    Parameters
    ----------
    output : Path
        The output folder (resolved).
    bound : mapping
        Notebook to the checked parameters it receives.
    root : Path
        The project root, from which relative folders are taken.

    Returns
    -------
    bool
        ``False`` when an output-folder parameter given with ``-p`` points
        elsewhere: the run then writes in place and replaces nothing.
    """
    return all(
        (root / str(parameters[key])).resolve().is_relative_to(output)
        for parameters in bound.values()
        for key in OUTPUT_PARAMETERS
        if key in parameters
    )


def kept_entries(plan: RunPlan) -> frozenset[str]:
    """Entries of a survey output folder that a run of only some notebooks keeps.

    A run of every survey notebook serving its survey
    (:attr:`~analysis_utils.pipeline.plan.RunPlan.serving`) writes everything
    afresh and keeps nothing, not even what notebooks for another kind of input
    wrote there. A run of some of them keeps what it reads from the others: every
    subfolder (and the report files) that a notebook outside the run writes
    into.

    Parameters
    ----------
    plan : RunPlan
        The run.

    Returns
    -------
    frozenset of str
        Names at the top of the output folder to carry over.
    """
    steps, declared = plan.contract.steps, plan.contract.declared
    survey = plan.serving or [name for name, step in steps.items() if step.survey]
    others = [name for name in survey if name not in plan.order]
    if not others:
        return frozenset()
    files, _ = written_names(steps, declared)
    kept = {EXECUTED}
    for name in others:
        for key in written_parameters(steps[name], declared[name]):
            kept |= {SURVEY_OUTPUTS[key]} if SURVEY_OUTPUTS[key] else set(files)
    return frozenset(kept)

"""A run on one's own survey: its parameters, and the output folder it owns.

``python -m analysis_utils run -p survey_dir DIR`` runs the survey notebooks
on ``DIR`` and writes everything under one output folder (``DIR/output`` by
default, ``-p output_dir`` to change): :func:`survey_run` turns the survey
folder into the notebooks' parameters. The run replaces that folder's
contents as a whole (:mod:`analysis_utils.pipeline.staging`), so it must be
a folder such a run wrote, or empty: :func:`check_replaceable` refuses any
other before anything is written, and no file of the user's is ever deleted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from analysis_utils.core.errors import InputError, ParameterError
from analysis_utils.core.io import PARTIAL
from analysis_utils.core.paths import Layout
from analysis_utils.pipeline import manifest
from analysis_utils.pipeline.confine import written_parameters
from analysis_utils.pipeline.contract import (
    OUTPUT_PARAMETERS,
    Step,
    load_pipeline,
    read_parameters,
    resolve,
)
from analysis_utils.pipeline.staging import PREVIOUS

#: Where a run on one's own survey writes, per folder parameter, inside its output folder
#: (the report itself at the top).
SURVEY_OUTPUTS = {
    key: "" if key == "report_dir" else key.removesuffix("_dir") for key in OUTPUT_PARAMETERS
}

#: The folder of the executed notebooks inside a survey run's output folder, and what it holds.
EXECUTED, EXECUTED_SUFFIXES = "executed", frozenset({".ipynb", ".html"})

#: The run manifest inside a survey run's output folder: its mark.
MANIFEST = f"{SURVEY_OUTPUTS['results_dir']}/{manifest.MANIFEST}"

#: Files an operating system's file browser leaves in a folder it showed; never the user's work.
BROWSER_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


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
    ...) and, for reported percentages, the feasible sample sizes as
    ``feasible_sizes``; the report page is titled with the survey folder's name.
    Parameters the user gives win here, but not over the runner's check of the
    output folders (:func:`analysis_utils.pipeline.confine.check_output_folders`).

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
        "title": survey_dir.name,
    }
    parameters = {key: value for key, value in preset.items() if key in declared}
    parameters.update({key: value for key, value in given.items() if key != "output_dir"})
    parameters["survey_dir"] = str(survey_dir)
    return chosen, parameters, output / EXECUTED


def written_names(steps: Mapping[str, Step]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Return what the survey notebooks write in an output folder, from ``pipeline.yaml``.

    Parameters
    ----------
    steps : mapping
        The pipeline.

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
        declared = read_parameters(step.path)
        defaults = {name: p.default for name, p in declared.items()}
        placed = {
            key: f"OUT/{SURVEY_OUTPUTS[key]}".rstrip("/")
            for key in OUTPUT_PARAMETERS
            if key in declared
        }
        for path in manifest.actual_paths(step.writes, placed, defaults):
            parts = PurePosixPath(path).parts
            if parts[0] != "OUT":
                continue
            if len(parts) == 2:
                files.add(parts[1])
            else:
                folders.setdefault(parts[1], set()).add(PurePosixPath(path).suffix)
    return frozenset(files), {name: frozenset(s) for name, s in folders.items()}


def foreign_files(output: Path, steps: Mapping[str, Step]) -> list[str]:
    """List what in ``output`` a survey run never writes (paths relative to it).

    A survey run writes the report files at the top of its output folder and,
    in each of its subfolders, files of the kinds :func:`written_names` lists;
    half-written files of a killed run and a killed run's set-aside previous
    contents (:data:`analysis_utils.pipeline.staging.PREVIOUS`) are its own too,
    and so are the files a file browser leaves (:data:`BROWSER_FILES`).
    Anything else, a symbolic link included, is the user's.

    Parameters
    ----------
    output : Path
        The output folder (need not exist).
    steps : mapping
        The pipeline.

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
    files, folders = written_names(steps)
    foreign = []
    for top, dirs, names in os.walk(output):
        here = Path(top)
        relative = here.relative_to(output).parts
        if relative and re.fullmatch(PREVIOUS, relative[0]):
            relative = relative[1:]
        for name in [*dirs, *names]:
            path = here / name
            parts = (*relative, name)
            if not relative and re.fullmatch(PREVIOUS, name) and path.is_dir():
                continue
            if name in BROWSER_FILES and not path.is_dir():
                continue
            if path.is_symlink() or len(parts) > 2:
                ours = False
            elif not path.is_file():
                ours = len(parts) == 1 and name in folders
            elif PARTIAL.fullmatch(name):
                ours = True
            elif len(parts) == 1:
                ours = name in files
            else:
                ours = path.suffix in folders.get(parts[0], frozenset())
            if not ours:
                foreign.append(path.relative_to(output).as_posix())
        listed = set(foreign)  # a foreign folder is named, not its contents
        dirs[:] = [
            d
            for d in dirs
            if not (here / d).is_symlink()
            and (here / d).relative_to(output).as_posix() not in listed
        ]
    return sorted(foreign)


def check_replaceable(output: Path, steps: Mapping[str, Step], *, listed: int = 5) -> None:
    """Refuse an output folder that a survey run may not replace as a whole.

    The folder may be absent, empty, or one a survey run wrote: only files it
    writes (:func:`foreign_files` finds none) and its run manifest
    (:data:`MANIFEST`).

    Parameters
    ----------
    output : Path
        The output folder.
    steps : mapping
        The pipeline.
    listed : int
        How many foreign files the message names at most.

    Raises
    ------
    ParameterError
        Naming the folder, the files it would delete, and what to do.
    """
    foreign = foreign_files(output, steps)
    if foreign == ["."]:
        raise ParameterError(
            f"output_dir {output} is not a folder: give -p output_dir a new or empty folder"
        )
    if not output.is_dir():
        return
    marked = (output / MANIFEST).is_file() or any(
        (p / MANIFEST).is_file() for p in output.iterdir() if re.fullmatch(PREVIOUS, p.name)
    )
    if not foreign and (marked or not any(output.iterdir())):
        return
    named = ", ".join(foreign[:listed]) + (
        f" and {len(foreign) - listed} more" if len(foreign) > listed else ""
    )
    why = (
        f"holds files a survey run never writes ({named})"
        if foreign
        else f"has no run manifest ({MANIFEST}), so no survey run wrote it"
    )
    raise ParameterError(
        f"output_dir {output} {why}: a survey run replaces its output folder as a whole and "
        "deletes nothing of yours, so it stops here. Move those files out of the folder, or give "
        "-p output_dir a new or empty folder"
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


def kept_entries(order: Sequence[str], steps: Mapping[str, Step]) -> frozenset[str]:
    """Entries of a survey output folder that a run of only some notebooks keeps.

    A run of every survey notebook writes everything afresh and keeps nothing.
    A run of some of them keeps what it reads from the others: every
    subfolder (and the report files) that a notebook outside the run writes
    into.

    Parameters
    ----------
    order : sequence of str
        Notebooks of the run.
    steps : mapping
        The pipeline.

    Returns
    -------
    frozenset of str
        Names at the top of the output folder to carry over.
    """
    survey = [name for name, step in steps.items() if step.survey]
    others = [name for name in survey if name not in order]
    if not others:
        return frozenset()
    files, _ = written_names(steps)
    kept = {EXECUTED}
    for name in others:
        for key in written_parameters(steps[name], read_parameters(steps[name].path)):
            kept |= {SURVEY_OUTPUTS[key]} if SURVEY_OUTPUTS[key] else set(files)
    return frozenset(kept)

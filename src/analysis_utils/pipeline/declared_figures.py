"""The figures a notebook writes, from the registry that lists them, not from a second list.

``notebooks/pipeline.yaml`` says once that a notebook writes its registered
figures (``figures: reports/figures``); :func:`figures_written` turns that into
the SVG and PNG of each figure registered for the notebook, which
:func:`~analysis_utils.pipeline.contract.load_pipeline` adds to its ``writes``.
So the run plan, the run manifest, the ownership of a survey run's output
folder and the locks see every figure, and a new figure is one registry entry
(:mod:`analysis_utils.study.figure_registry`), not one more line in
``pipeline.yaml`` per file. The registry is asked here, in the pipeline, which
may import the study; the study never imports the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from analysis_utils.study import figure_registry

#: ``stems(notebook)``: the file stems of the figures registered for a notebook.
FigureStems = Callable[[str], Iterable[str]]


def registered_figures(notebook: str) -> tuple[str, ...]:
    """Give the file stems of the figures registered for ``notebook``, in the order registered.

    The study's registry (:data:`analysis_utils.study.figure_registry.FIGURES`)
    holds every figure of the study, those of ``04_reproduce_figures`` (under
    its parameters' default stems) and of ``05_test_external_evidence``.

    Parameters
    ----------
    notebook : str

    Returns
    -------
    tuple of str
    """
    return figure_registry.stems(notebook)


def figures_written(where: str, name: str, folder: Any, stems: tuple[str, ...]) -> tuple[str, ...]:
    """Give the files of a notebook's registered figures in its ``figures:`` folder.

    Parameters
    ----------
    where : str
        The declaration file's name, for messages.
    name : str
        The notebook.
    folder : object
        Its ``figures:`` entry (None when it has none).
    stems : tuple of str
        The figures registered for it.

    Returns
    -------
    tuple of str
        Project-relative paths (:func:`analysis_utils.study.figure_registry.files`);
        empty without figures.

    Raises
    ------
    ValueError
        If figures are registered for it and it names no folder, or it names
        one (or something else) with none registered.
    """
    if folder is None and stems:
        raise ValueError(
            f"{where}: {name}: figures {', '.join(stems)} are registered for it; "
            "add 'figures: reports/figures' (the folder it writes them to)"
        )
    if folder is not None and not (isinstance(folder, str) and folder and stems):
        raise ValueError(
            f"{where}: {name}: 'figures:' names the folder of the figures registered for it "
            f"({', '.join(stems) or 'none is'}), got {folder!r}"
        )
    return figure_registry.files(folder, stems) if folder else ()

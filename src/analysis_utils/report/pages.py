"""The report page: the reproduction report's rows rendered as one HTML page."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis_utils.audit.checks import STATUSES


def render_html(
    report: pd.DataFrame,
    verdicts: pd.DataFrame,
    *,
    figures: Sequence[Path],
    notebooks: Sequence[str],
    title: str,
    intro: str = "",
    table_file: str = "reproduction_report.csv",
    mixed: Sequence[str] = (),
) -> str:
    """Render the report page (relative links only).

    Parameters
    ----------
    report : DataFrame
        :func:`reproduction_report`.
    verdicts : DataFrame
        ``verdicts.csv``.
    figures : sequence of Path
        SVG files, relative to the page.
    notebooks : sequence of str
        Notebook names; linked as ``executed/<name>.html``.
    title : str
    intro : str
        First paragraph; empty for the article's reproduction report.
    table_file : str
        The table as CSV, linked from the page.
    mixed : sequence of str
        Where the outputs on disk differ from the run manifest
        (:func:`analysis_utils.pipeline.manifest.check`); shown first, as a
        warning, when any.

    Returns
    -------
    str
        A complete HTML document.
    """
    from importlib.resources import files

    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True)
    template = env.from_string(
        files("analysis_utils.report")
        .joinpath("templates/report.html.j2")
        .read_text(encoding="utf-8")
    )
    counts = report["status"].value_counts()
    return template.render(
        title=title,
        statuses=[(s, text, int(counts.get(s, 0))) for s, text in STATUSES.items()],
        rows=report.to_dict("records"),
        verdicts=verdicts.to_dict("records"),
        figures=[{"src": p.as_posix(), "name": p.stem} for p in figures],
        notebooks=notebooks,
        intro=intro,
        table_file=table_file,
        mixed=list(mixed),
        escape=html.escape,
    )

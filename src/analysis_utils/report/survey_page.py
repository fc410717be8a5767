"""A student's survey report as one self-contained HTML page (``templates/survey.html.j2``).

Two pages from the same tables (``09_survey_tables``): the analysis report, which shows
every count and marks each table with cells under the disclosure threshold "contains cells
under N: not for sharing", and the shareable report, with the disclosure rules applied
(:mod:`analysis_utils.survey.shareable`). Both open with a summary (respondents, weights,
what was tested and the verdicts), then one section per question (its table beside its
chart), the crosstabs, the numeric and multiple-choice questions by group, the correlations
and the models. They speak of the survey in its own
words: no audit vocabulary (reported, recomputed), which belongs to published percentages.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
import pandas as pd

from analysis_utils.survey.blocks import Block
from analysis_utils.survey.pvalues import p_text
from analysis_utils.survey.shareable import WITHHELD, Shared

#: Section headings of the kinds of table, in page order.
SECTIONS = {
    "question": "Questions",
    "crosstab": "Crosstabs",
    "groups": "By group: numeric and multiple-choice questions",
    "correlations": "Rank correlations",
    "model": "Models",
}

#: Column headings as the page shows them.
HEADINGS = {
    "label": "",
    "frequency": "Frequency",
    "weighted_frequency": "Weighted frequency",
    "percent": "Percent",
    "valid_percent": "Valid percent",
    "cumulative_percent": "Cumulative percent",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "n_missing": "missing",
    "sd": "SD",
    "std_error": "SE",
    "p_value": "p",
    "p_holm": "p (Holm)",
    "ci_low_": "CI low",
    "odds_ratio": "odds ratio",
    "odds_ratio_low": "OR low",
    "odds_ratio_high": "OR high",
    "weighted_mean": "weighted mean",
    "weighted_se": "weighted SE",
    "count": "Count",
    "weighted_count": "Weighted count",
    "percent_of_responses": "Percent of responses",
    "percent_of_cases": "Percent of cases",
}


#: Columns holding p-values (written ``0.034``, ``< 0.001``).
P_VALUES = frozenset({"p_value", "p_holm", "chi2_p_value"})


@dataclass(frozen=True)
class Facts:
    """What the summary states.

    Attributes
    ----------
    title : str
        The survey's title.
    respondents : int
    questions : int
    weighted : bool
    groups : tuple of str
        The grouping questions.
    min_cell : int
        The disclosure threshold.
    recodes : tuple of str
        The recodes of ``analyses.yaml`` (``party from PID``).
    verdicts : DataFrame
        ``id``, ``tested_claim``, ``our_verdict``, ``our_evidence``, ``assumptions``.
    """

    title: str
    respondents: int
    questions: int
    weighted: bool
    groups: tuple[str, ...]
    min_cell: int
    recodes: tuple[str, ...] = ()
    verdicts: pd.DataFrame = field(default_factory=pd.DataFrame)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.3g}" if abs(value) < 0.01 and value != 0 else f"{value:.2f}"
    if value is None or value is pd.NA:
        return ""
    return str(value)


def table_rows(frame: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Give a table's headings and its cells as the page prints them.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    headings : list of str
    rows : list of list of str
        Numbers at two decimals (three significant digits below 0.01), p-values as
        :func:`~analysis_utils.survey.pvalues.p_text` writes them, ``NaN`` empty.
    """
    headings = [HEADINGS.get(str(c), str(c).replace("_", " ")) for c in frame.columns]
    written = [_p_cell if str(c) in P_VALUES else _cell for c in frame.columns]
    rows = [
        [write(v) for write, v in zip(written, row, strict=True)]
        for row in frame.itertuples(index=False)
    ]
    return headings, rows


def _p_cell(value: Any) -> str:
    if isinstance(value, float):
        return p_text(value)
    return _cell(value)


def svg_uri(svg: bytes) -> str:
    """Give an SVG as a ``data:`` URI (the page holds its figures).

    Parameters
    ----------
    svg : bytes

    Returns
    -------
    str
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _section(block: Block) -> str:
    if block.kind in ("frequencies", "descriptives", "multiple"):
        return "question"
    return "groups" if block.kind == "multiple_groups" else block.kind


def render(
    facts: Facts,
    blocks: Sequence[Block],
    figures: dict[str, bytes],
    *,
    shared: dict[str, Shared] | None = None,
) -> str:
    """Render the analysis report, or with ``shared`` the shareable one.

    Parameters
    ----------
    facts : Facts
    blocks : sequence of Block
    figures : dict
        Block key -> its chart as SVG bytes (a block may have none).
    shared : dict, optional
        Block key -> its shareable version: the page is then the shareable report, each
        table as shared (or the note of a table it leaves out) and a chart only where it
        shows nothing withheld.

    Returns
    -------
    str
        The page.
    """
    sections: dict[str, list[dict[str, Any]]] = {k: [] for k in SECTIONS}
    for block in blocks:
        version = shared[block.key] if shared is not None else None
        headings, rows = table_rows(version.display if version else block.display)
        chart = block.key in figures and (version is None or version.chart)
        sections[_section(block)].append(
            {
                "id": block.key,
                "title": block.title,
                "question": block.question,
                "summary": version.summary if version else block.summary,
                "method": block.method,
                "headings": headings,
                "rows": rows,
                "small": block.small if version is None else 0,
                "withheld": version.withheld if version else (),
                "figure": svg_uri(figures[block.key]) if chart else "",
                "left_out": version.left_out if version else "",
            }
        )
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("analysis_utils.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    verdicts = facts.verdicts
    return environment.get_template("survey.html.j2").render(
        facts=facts,
        shareable=shared is not None,
        sections=[(SECTIONS[k], k, v) for k, v in sections.items() if v],
        verdicts=verdicts.to_dict("records") if len(verdicts) else [],
        withheld_word=WITHHELD,
        unshareable=sum(1 for b in blocks if b.small) if shared is None else 0,
    )

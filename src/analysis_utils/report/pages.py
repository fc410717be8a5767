"""The report pages: a report table's rows rendered as one HTML page.

Two kinds share one template (``templates/report.html.j2``):

- the study's reproduction report (``06_build_report``, ``reports/index.html``),
  in the article's vocabulary, linking its figures, table and executed
  notebooks by relative path;
- a survey report (``08_survey_report``), about any survey, in the survey's own
  vocabulary (:data:`analysis_utils.audit.checks.SURVEY_STATUSES`, only those
  that occur), stating the sample size (:class:`SurveyFacts`) and made to be
  sent on its own: one HTML file, its figures inlined as ``data:`` URIs, no
  link to another file.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis_utils.audit.checks import STATUSES, SURVEY_STATUSES

#: What a source's verdict is when it states none (``verdicts.csv``).
UNSTATED_VERDICT = "not stated"


@dataclass(frozen=True)
class SurveyFacts:
    """What a survey page states besides its rows.

    Attributes
    ----------
    stated_n : int or None
        The sample size the codebook states (``questions.csv``), if any.
    respondents : int or None
        Number of respondents, for respondent-level answers.
    derived_sizes : tuple of int
        Sample sizes derived from the reported percentages (none for
        respondent-level answers).
    figure_n : int
        The sample size of the ranges drawn.
    notes : tuple of str
        Sentences about the figures (why one is absent).
    analyses : tuple of (str, DataFrame)
        The course tables of ``07_survey_analyses`` that have rows, each with its
        caption (:func:`analysis_tables`).
    """

    stated_n: int | None
    respondents: int | None
    derived_sizes: tuple[int, ...]
    figure_n: int
    notes: tuple[str, ...] = ()
    analyses: tuple[tuple[str, pd.DataFrame], ...] = ()


#: Captions of the course tables, in the order the page shows them.
ANALYSIS_CAPTIONS = {
    "ordinal_summaries.csv": "Ordinal questions: median option and top box (Wilson interval)",
    "ordinal_distributions.csv": "Ordinal questions: distribution",
    "crosstabs.csv": "Crosstabs by the grouping question (cells withheld across rows and columns)",
    "weighted_shares.csv": "Weighted shares (intervals at the effective sample size)",
}


def analysis_tables(tables: Mapping[str, pd.DataFrame]) -> tuple[tuple[str, pd.DataFrame], ...]:
    """Caption the course tables that have rows, withheld cells written as such.

    Parameters
    ----------
    tables : mapping
        File name (a key of :data:`ANALYSIS_CAPTIONS`) to the table.

    Returns
    -------
    tuple of (str, DataFrame)
        In the order of :data:`ANALYSIS_CAPTIONS`; every cell text, shares to
        three decimals, an empty cell of a suppressed row ``withheld``.
    """
    shown = []
    for name, caption in ANALYSIS_CAPTIONS.items():
        table = tables.get(name)
        if table is None or table.empty:
            continue
        text = table.astype(object).where(table.notna(), "")
        for column in table.columns:
            if pd.api.types.is_float_dtype(table[column]):
                text[column] = [f"{v:.3f}" if pd.notna(v) else "" for v in table[column]]
        if "status" in text.columns:
            suppressed = text["status"] == "suppressed"
            text = text.mask(suppressed.to_numpy()[:, None] & (text == "").to_numpy(), "withheld")
        shown.append((caption, text.astype(str)))
    return tuple(shown)


def survey_intro(*, respondent_level: bool, min_cell: int, withheld: int) -> str:
    """Return the first paragraph of a survey page: what the survey gives and the rows show.

    Parameters
    ----------
    respondent_level : bool
        Whether the survey gives respondent-level answers (else reported percentages).
    min_cell : int
        The disclosure threshold.
    withheld : int
        How many counts are withheld.

    Returns
    -------
    str
    """
    if respondent_level:
        return (
            "The survey gives respondent-level answers. One row per answer option below: the "
            "count recomputed from the answers, or the range the published counts allow where "
            f"it is withheld. Counts below {min_cell} respondents are withheld ({withheld} here), "
            "and so is any count that would reveal one."
        )
    return (
        "The survey gives reported percentages. One row per answer option below: what the "
        "source reports and the sample sizes it allows, the range the consistent "
        "reconstructions allow where nothing is reported."
    )


def data_uri(svg: Path) -> str:
    """Return an SVG file as a ``data:`` URI, to inline it in a page.

    Parameters
    ----------
    svg : Path

    Returns
    -------
    str
        ``data:image/svg+xml;base64,...``; the same file gives the same text.
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode("ascii")


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
    survey: SurveyFacts | None = None,
) -> str:
    """Render a report page.

    Parameters
    ----------
    report : DataFrame
        :func:`reproduction_report`, or a survey's rows
        (:func:`analysis_utils.audit.checks.survey_rows`).
    verdicts : DataFrame
        ``verdicts.csv``.
    figures : sequence of Path
        SVG files: relative to the page for the study's page (linked); files
        to read for a survey page (inlined).
    notebooks : sequence of str
        Notebook names; linked as ``executed/<name>.html`` on the study's page,
        named on a survey page.
    title : str
    intro : str
        First paragraph; empty for the article's reproduction report.
    table_file : str
        The table as CSV, beside the page.
    mixed : sequence of str
        Where the outputs on disk differ from the run manifest
        (:func:`analysis_utils.pipeline.manifest.check`); shown first, as a
        warning, when any.
    survey : SurveyFacts, optional
        Given for a survey page: self-contained, in the survey's vocabulary.

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
    if survey is None:
        statuses = [(s, text, int(counts.get(s, 0))) for s, text in STATUSES.items()]
        shown = [{"src": p.as_posix(), "name": p.stem} for p in figures]
    else:
        statuses = [(s, text, int(counts[s])) for s, text in SURVEY_STATUSES.items() if s in counts]
        shown = [{"src": data_uri(p), "name": p.stem} for p in figures]
    records = verdicts.to_dict("records")
    return template.render(
        title=title,
        statuses=statuses,
        rows=report.to_dict("records"),
        verdicts=records,
        source_verdicts=any(
            v.get("article_verdict", UNSTATED_VERDICT) != UNSTATED_VERDICT for v in records
        ),
        figures=shown,
        notebooks=notebooks,
        intro=intro,
        table_file=table_file,
        mixed=list(mixed),
        survey=survey,
        escape=html.escape,
    )

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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils.audit.checks import (
    AGREES_NOT_WITH_STATED_N,
    STATUSES,
    SURVEY_STATUSES,
    UNCITED,
)
from analysis_utils.report.findings import Finding

#: A source's sections in its order, each with the lower-case prefixes of its
#: locations (:func:`section_of`).
Sections = Sequence[tuple[str, tuple[str, ...]]]

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


#: The statuses in the order that matters to a reader: contradictions first, then
#: what agrees, then what cannot be checked. A status not listed comes last.
STATUS_ORDER: tuple[str, ...] = (
    "inconsistent",
    AGREES_NOT_WITH_STATED_N,
    "external check",
    "consistent",
    "reproduced",
    "recomputed",
    "withheld",
    "not reproducible: unreported",
    "not reproducible: cited",
    UNCITED,
)

#: Where a row goes whose location names none of the sections given.
OTHER_SECTION = "Elsewhere"

_FIGURE_NUMBER = re.compile(r"fig(\d+)_")


def status_rank(status: str) -> int:
    """Position of a status in :data:`STATUS_ORDER` (unknown statuses last).

    Parameters
    ----------
    status : str

    Returns
    -------
    int
    """
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def section_of(location: str, sections: Sections) -> str:
    """Return the section a location belongs to.

    Parameters
    ----------
    location : str
        A ``location`` of a report table, such as ``"Introduction, line 58"``.
    sections : sequence of (str, tuple of str)
        The source's sections in its order, each with the lower-case prefixes of
        the locations in it; a location belongs to the section whose prefix
        begins the first part of it (before ``,`` or ``;``), the longest prefix
        winning.

    Returns
    -------
    str
        A section name, or :data:`OTHER_SECTION`.
    """
    first = re.split(r"[,;]", location, maxsplit=1)[0].strip().lower()
    matches = [
        (len(prefix), name)
        for name, prefixes in sections
        for prefix in prefixes
        if first.startswith(prefix)
    ]
    return max(matches)[1] if matches else OTHER_SECTION


def grouped_rows(report: pd.DataFrame, sections: Sections) -> list[dict[str, Any]]:
    """Group a report table's rows by the source's sections, statuses that matter first.

    Parameters
    ----------
    report : DataFrame
        :func:`analysis_utils.study.checks.reproduction_report`.
    sections : sequence of (str, tuple of str)
        The source's sections (:func:`section_of`).

    Returns
    -------
    list of dict
        One per section with rows, in the order of ``sections`` (then
        :data:`OTHER_SECTION`): ``name``, ``anchor``, ``counts`` (status, rows) and
        ``rows``, each row's record with ``kind_text``, ``checks`` (anchor,
        text) for the checks that use it, and a ``reason`` that names another
        row by its kind and location, not its id. Within a section
        rows keep their table order within a status.
    """
    records = report.to_dict("records")
    label = {str(r["id"]): f"{str(r['kind']).replace('_', ' ')}: {r['location']}" for r in records}
    ids = "|".join(map(re.escape, sorted(label, key=len, reverse=True)))
    named = re.compile(rf"\b({ids})\b" if ids else r"(?!)")
    names = [name for name, _ in sections] + [OTHER_SECTION]
    groups: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for r in records:
        checked = [c for c in str(r.get("checked_in") or "").split(";") if c]
        groups[section_of(str(r["location"]), sections)].append(
            {
                **r,
                "kind_text": str(r["kind"]).replace("_", " "),
                "reason": named.sub(lambda m: label[m.group(1)], str(r["reason"])),
                "checks": [(f"row-{c}", label.get(c, c.replace("_", " "))) for c in checked],
            }
        )
    shown: list[dict[str, Any]] = []
    for k, name in enumerate(names):
        rows = sorted(groups[name], key=lambda r: status_rank(str(r["status"])))
        if not rows:
            continue
        counts: dict[str, int] = {}
        for r in rows:
            counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
        shown.append(
            {
                "name": name,
                "anchor": f"section-{k + 1}",
                "counts": sorted(counts.items(), key=lambda sc: status_rank(sc[0])),
                "rows": rows,
            }
        )
    return shown


def numbered_figures(
    figures: Sequence[Path], captions: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """Order figures as their source does, each with its number and caption.

    Parameters
    ----------
    figures : sequence of Path
        SVG files, relative to the page.
    captions : mapping, optional
        Caption by file stem; a figure without one is captioned with the words of
        its stem.

    Returns
    -------
    list of dict
        ``src``, ``name`` (the file stem, for the alternative text's file),
        ``number`` and ``caption``, ordered by the number in the stem
        (``fig10`` after ``fig9``); a figure with no number in its stem comes
        last, numbered on.
    """

    def key(path: Path) -> tuple[int, str]:
        match = _FIGURE_NUMBER.match(path.stem)
        return (int(match.group(1)) if match else 10**6, path.stem)

    shown = []
    for k, path in enumerate(sorted(figures, key=key)):
        match = _FIGURE_NUMBER.match(path.stem)
        words = path.stem[match.end() :] if match else path.stem
        shown.append(
            {
                "src": path.as_posix(),
                "name": path.stem,
                "number": match.group(1) if match else str(k + 1),
                "caption": (captions or {}).get(path.stem, words.replace("_", " ").capitalize()),
            }
        )
    return shown


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


def survey_intro(
    *, respondent_level: bool, min_cell: int, withheld: int, withheld_cells: int = 0
) -> str:
    """Return the first paragraph of a survey page: what the survey gives and the rows show.

    Parameters
    ----------
    respondent_level : bool
        Whether the survey gives respondent-level answers (else reported percentages).
    min_cell : int
        The disclosure threshold.
    withheld : int
        How many counts per option are withheld.
    withheld_cells : int
        How many cells of the crosstabs are withheld (by the same rule).

    Returns
    -------
    str
    """
    if respondent_level:
        cells = f", and {withheld_cells} cells of the crosstabs" if withheld_cells else ""
        return (
            "The survey gives respondent-level answers. One row per answer option below: the "
            "count recomputed from the answers, or the range the published counts allow where "
            f"it is withheld. Counts below {min_cell} respondents are withheld, and so is any "
            f"count that would reveal one: {withheld} of the counts per option here{cells}."
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
    findings: Sequence[Finding] = (),
    sections: Sections = (),
    captions: Mapping[str, str] | None = None,
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
    findings : sequence of Finding
        The headline findings the study's page leads with
        (:func:`analysis_utils.report.findings.headline`).
    survey : SurveyFacts, optional
        Given for a survey page: self-contained, in the survey's vocabulary.
    sections : sequence of (str, tuple of str)
        The source's sections the rows are grouped by on a page that is not a
        survey's (:func:`grouped_rows`; the study's:
        :data:`analysis_utils.study.page.SECTIONS`).
    captions : mapping, optional
        Figure captions by file stem (:func:`numbered_figures`; the study's:
        :data:`analysis_utils.study.page.FIGURE_CAPTIONS`).

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
        statuses = sorted(
            ((s, text, int(counts.get(s, 0))) for s, text in STATUSES.items() if s in counts),
            key=lambda row: status_rank(row[0]),
        )
        shown = numbered_figures(figures, captions)
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
        findings=list(findings),
        sections=grouped_rows(report, sections) if survey is None else [],
        escape=html.escape,
    )

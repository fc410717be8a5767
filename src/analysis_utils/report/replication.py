"""The replication report: one Markdown template filled from the results, as HTML and PDF.

The text is written once (``templates/replication.md.j2``), in the structure of
the social-science data editors' replication report (summary; data and code
availability; computational requirements; computational reproducibility with the
figures; each item's notebook cell; reproducibility levels; robustness and
sensitivity; conclusion). No number is typed in
it: :func:`context` reads every number from the notebooks' typed results
(:data:`RESULTS`, each read from ``reports/results/*.json`` by its ``load``) and
tables, and the template writes each with its label
(:func:`analysis_utils.report.findings.number`). The Markdown is rendered to HTML
with markdown-it-py and to PDF with Typst
(:func:`analysis_utils.report.typst_pdf.to_typst`), whose PDF carries no creation
date, so the same results give the same bytes. The computing environment and run
time come from the lock file, the run manifest and the benchmarks' records
(:mod:`analysis_utils.report.computing`), the map of items to notebook cells from
the README's paper-items table and the notebooks (:mod:`analysis_utils.report.item_map`),
each number's reproducibility level from its status
(:mod:`analysis_utils.report.ssrp`).

Run ``python -m analysis_utils.report.replication`` (``make replication-report``)
after the notebooks: it writes ``reports/replication_report.md``, ``.html`` and
``.pdf``.
"""

from __future__ import annotations

import argparse
import html
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils.audit import schemas as audit_schemas
from analysis_utils.audit.checks import AGREES_NOT_WITH_STATED_N, UNCITED
from analysis_utils.audit.results import (
    AuditResults,
    ClaimTestResults,
    FigureResults,
    RobustnessRow,
)
from analysis_utils.core import commands, io, paths, yamlfile
from analysis_utils.core.errors import InputError, ParameterError, Problem
from analysis_utils.core.results import Results
from analysis_utils.report import computing, findings, item_map, pages, ssrp, typst_pdf
from analysis_utils.report.results import ReportResults
from analysis_utils.study import page as study_page
from analysis_utils.study.results import ExternalResults

#: The typed results the report is filled from, by the role they play.
RESULTS: dict[str, type[Results]] = {
    "audit": AuditResults,
    "claims": ClaimTestResults,
    "figures": FigureResults,
    "external": ExternalResults,
    "report": ReportResults,
}

#: The notebooks the report is filled from, by the role they play.
NOTEBOOKS: dict[str, str] = {role: kind.NOTEBOOK for role, kind in RESULTS.items()}

#: Files the report writes, beside the report page.
OUTPUTS = ("replication_report.md", "replication_report.html", "replication_report.pdf")


def _need(path: Path, root: Path, what: str = "run the notebooks first (make reproduce)") -> None:
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    str(path.relative_to(root)) if path.is_relative_to(root) else str(path),
                    None,
                    "(whole file)",
                    "missing",
                    f"the replication report is filled from this file: {what}",
                )
            ]
        )


def citation(root: Path) -> dict[str, Any]:
    """Read the package and the article it reproduces from ``CITATION.cff``.

    Parameters
    ----------
    root : Path
        The project root.

    Returns
    -------
    dict
        ``package`` (version, release date, licence, data licence) and ``article`` (authors'
        family names, year, title, journal): the first reference of type
        ``article``.
    """
    _need(root / "CITATION.cff", root, "give the project root that holds CITATION.cff")
    cff = yamlfile.load((root / "CITATION.cff").read_text(encoding="utf-8"), "CITATION.cff")
    article = next(r for r in cff["references"] if r.get("type") == "article")
    licences = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    return {
        "package": {
            "version": cff["version"],
            "released": str(cff["date-released"]),
            "licence": licences[0],
            "data_licence": licences[1] if len(licences) > 1 else "not stated",
        },
        "article": {
            "authors": ", ".join(a["family-names"] for a in article["authors"]),
            "year": article["year"],
            "title": article["title"],
            "journal": article.get("journal", ""),
        },
    }


def _swept(row: RobustnessRow) -> dict[str, str]:
    """One row of the robustness summary, its ranges in words."""

    def span(low: float, high: float, form: str) -> str:
        return (
            f"{low:{form}}"
            if f"{low:{form}}" == f"{high:{form}}"
            else f"{low:{form}} to {high:{form}}"
        )

    return {
        "claim": str(row.claim_id),
        "reading": str(row.reading),
        "rounding": str(row.rounding).replace("_", " "),
        "prior": f"{row.prior:g}",
        "sizes": f"{row.sizes} (n = {row.n_min})"
        if row.n_min == row.n_max
        else f"{row.sizes} (n {row.n_min} to {row.n_max})",
        "holds": span(row.holds_share_min, row.holds_share_max, ".0%"),
        "significant": span(row.significant_share_min, row.significant_share_max, ".0%"),
        "posterior": span(row.posterior_min, row.posterior_max, ".2f"),
    }


def conclusion(verdicts: pd.DataFrame, sample: findings.Finding, table: pd.DataFrame) -> str:
    """Write the conclusion from the verdicts, the sample-size finding and the contradictions.

    Parameters
    ----------
    verdicts : DataFrame
        ``verdict_table.csv``.
    sample : Finding
        :func:`analysis_utils.report.findings.sample_size`.
    table : DataFrame
        ``reproduction_report.csv``: its inconsistent rows are counted, numbers of
        the article apart from the package's checks.

    Returns
    -------
    str
    """
    hypotheses = verdicts[verdicts["id"].astype(str).str.startswith("H")]
    bad = table["status"] == "inconsistent"
    checks = table["kind"].astype(str).str.endswith("_check")
    said = "; ".join(f"{r.id}, {r.our_verdict}" for r in hypotheses.itertuples(index=False))
    return (
        f"{sample.title}: {sample.sentence[0].lower()}{sample.sentence[1:]} "
        f"The article declares its hypotheses proved; here: {said}. "
        f"{findings.number(int(bad.sum()), 'count')} rows of the reproduction table are "
        f"inconsistent ({findings.plain(int((bad & ~checks).sum()))} numbers of the article, "
        f"{findings.plain(int((bad & checks).sum()))} of the package's checks) and "
        f"{findings.number(int((table['status'] == AGREES_NOT_WITH_STATED_N).sum()), 'count')} "
        "are consistent with each other but not with the stated n."
    )


def context(root: Path, results_dir: Path, tables_dir: Path, report_csv: Path) -> dict[str, Any]:
    """Gather what the template fills in, every number from the results or the tables.

    Parameters
    ----------
    root : Path
        The project root (for ``CITATION.cff`` and the notebook list).
    results_dir : Path
        ``reports/results``.
    tables_dir : Path
        ``reports/tables`` (``verdict_table.csv``).
    report_csv : Path
        ``reports/reproduction_report.csv``.

    Returns
    -------
    dict

    Raises
    ------
    InputError
        If a results file or table is missing.
    """
    for name in NOTEBOOKS.values():
        _need(results_dir / f"{name}.json", root)
    for path in (tables_dir / "verdict_table.csv", report_csv):
        _need(path, root)
    audit = AuditResults.load(results_dir)
    claims = ClaimTestResults.load(results_dir)
    external = ExternalResults.load(results_dir)
    report = ReportResults.load(results_dir)
    verdicts = io.read_table(tables_dir / "verdict_table.csv", audit_schemas.VERDICTS)
    table = io.read_table(report_csv, audit_schemas.REPRODUCTION_REPORT)
    counts = table["status"].value_counts().to_dict()
    statuses = sorted(counts.items(), key=lambda sc: pages.status_rank(str(sc[0])))
    figures = pages.numbered_figures(
        [Path("figures") / f for f in report.figures], study_page.FIGURE_CAPTIONS
    )
    robustness = claims.robustness_rows()
    levels = ssrp.assess(table)
    writer = item_map.writing_cell(
        root / "notebooks" / f"{NOTEBOOKS['report']}.ipynb", report_csv.name
    )
    return {
        **citation(root),
        "findings": findings.headline(audit, verdicts, counts, pages.STATUS_ORDER),
        "notebooks": list(NOTEBOOKS.values()),
        "report": {
            "rows": len(table),
            "numbers": int((table["kind"] != "figure_value").sum())
            - int(table["kind"].isin(["derived_check", "external_check"]).sum()),
            "cited": int(counts.get("not reproducible: cited", 0)),
            "uncited": int(counts.get(UNCITED, 0)),
            "unreported": int(counts.get("not reproducible: unreported", 0)),
            "statuses": statuses,
        },
        "audit": {
            "stated_n": audit.stated_n,
            "percents": sorted(int(p) for p in audit.percentages_possible_at_stated_n),
            "rounding": audit.rounding.replace("_", " "),
            "full_sample_n": audit.smallest_n_full_sample,
            "all_n": audit.smallest_n_all_percentages,
        },
        "claims": {
            "candidates": claims.candidates,
            "alpha": claims.alpha,
            "size_max": claims.mode_test_size_max,
            "draws": claims.draws,
            "seed": claims.seed,
            "holds": claims.held(),
            "robustness": [_swept(row) for row in robustness],
            "robustness_n_max": claims.robustness_n_max,
            "robustness_figure": next(
                (f"Fig. {f['number']}" for f in figures if "robustness" in str(f["src"])),
                "not drawn",
            ),
            "roundings": len({row.rounding for row in robustness}),
            "priors": " and ".join(
                f"{p:g}" for p in dict.fromkeys(row.prior for row in robustness)
            ),
        },
        "external": {
            "female_share": external.female_share_pooled,
            "female_period": str(external.periods["D4"]).split(" (", 1)[0],
            "sexual_share": external.sexual_exploitation_share_pooled,
            "sexual_period": _years(external.years),
            "trend_or": external.trend_odds_ratio_per_year,
            "trend_p": external.trend_pvalue,
            "agrees": external.edition_checks.get("agrees", 0),
            "differs": external.edition_checks.get("differs", 0),
        },
        "figures": [
            {"src": f["src"], "number": f["number"], "caption": f["caption"]} for f in figures
        ],
        "environment": computing.environment(root, results_dir),
        "run_time": computing.run_time(root),
        "items": item_map.item_map(root),
        "numbers": {
            "notebook": NOTEBOOKS["report"],
            "cell": f"{writer['index']} ({writer['id']})" if writer else "not found",
            "output": f"reports/{report_csv.name}",
        },
        "levels": levels,
        "level_counts": ssrp.tally(levels),
        "level_meanings": ssrp.LEVELS,
        "verdicts": verdicts.to_dict("records"),
        "conclusion": conclusion(
            verdicts,
            findings.sample_size(audit),
            table,
        ),
    }


def template_text() -> str:
    """Return the report's Markdown template, as written.

    Returns
    -------
    str
    """
    return files("analysis_utils.report").joinpath("templates/replication.md.j2").read_text("utf-8")


def render_markdown(values: Mapping[str, Any]) -> str:
    """Fill the template.

    Parameters
    ----------
    values : mapping
        :func:`context`.

    Returns
    -------
    str
        Markdown; a table cell's ``|`` is escaped.
    """
    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["num"] = lambda value, label: findings.number(value, label)
    env.filters["plain"] = findings.plain
    cells = {
        **values,
        **{
            key: [{k: str(v).replace("|", "\\|") for k, v in row.items()} for row in values[key]]
            for key in ("verdicts", "items", "levels")
        },
    }
    return env.from_string(template_text()).render(**cells)


def to_html(markdown: str, title: str) -> str:
    """Render the Markdown as a complete HTML page (no script, nothing loaded from elsewhere).

    Parameters
    ----------
    markdown : str
    title : str

    Returns
    -------
    str
    """
    from markdown_it import MarkdownIt

    body: str = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n"
        "body { font-family: Georgia, serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem;"
        " line-height: 1.45; color: #222; }\n"
        "table { border-collapse: collapse; font-size: 0.85rem; margin: 1rem 0; }\n"
        "th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; }\n"
        "img { max-width: 100%; height: auto; }\n"
        "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n"
    )


def build(root: Path, reports: Path) -> dict[str, bytes]:
    """Render the report from the results under ``reports``.

    Parameters
    ----------
    root : Path
        The project root.
    reports : Path
        The output folder holding ``results/``, ``tables/`` and
        ``reproduction_report.csv``.

    Returns
    -------
    dict
        File name (:data:`OUTPUTS`) to its bytes; nothing is written.
    """
    values = context(
        root, reports / "results", reports / "tables", reports / "reproduction_report.csv"
    )
    markdown = render_markdown(values)
    title = f"Replication report: {values['article']['authors']} ({values['article']['year']})"
    return dict(
        zip(
            OUTPUTS,
            (
                markdown.encode("utf-8"),
                to_html(markdown, title).encode("utf-8"),
                typst_pdf.to_pdf(typst_pdf.to_typst(markdown, title), root=reports),
            ),
            strict=True,
        )
    )


def _years(years: Sequence[int]) -> str:
    """Years as a period: ``2016-2021`` when consecutive, else listed."""
    ordered = sorted(int(y) for y in years)
    if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(str(y) for y in ordered)


def write(root: Path, reports: Path) -> list[Path]:
    """Build the report and write it beside the report page.

    Parameters
    ----------
    root : Path
    reports : Path

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ParameterError
        If ``reports`` is inside raw data or a git repository's own data
        (:func:`analysis_utils.core.paths.protected`); nothing is written.
    """
    paths.check_writable(
        reports, f"--reports {paths.shown(reports, root)}", "give a folder elsewhere", root=root
    )
    built = build(root, reports)
    for name, data in built.items():
        io.atomic_write_bytes(reports / name, data)
    return [reports / name for name in built]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis_utils.report.replication")
    parser.add_argument("--reports", default="reports", help="output folder, from the project root")
    return parser


def _command(args: argparse.Namespace) -> int:
    """Write the replication report from the results of the last run: exit status 0, or 2."""
    root = paths.find_root()
    try:
        written = write(root, root / args.reports)
    except (InputError, ParameterError) as error:
        print(error)
        return 2
    print("wrote " + ", ".join(str(p.relative_to(root)) for p in written))
    return 0


#: ``main(argv=None)``: the command; 2 when a result is missing or the folder is refused.
main = commands.entry_point(_parser, _command)


if __name__ == "__main__":
    raise SystemExit(main())

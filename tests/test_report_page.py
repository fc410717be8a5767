"""The HTML report in a real headless browser (Debian's chromium, driven by Playwright)."""

import csv
import functools
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from analysis_utils.audit.results import FigureResults
from analysis_utils.report import pages, replication
from analysis_utils.study import page

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@functools.cache  # a worker opens each page once (make test keeps a module on one worker)
def _open(page_file: Path) -> dict:
    """Load a page in headless chromium; what it shows and what went wrong."""
    from playwright.sync_api import sync_playwright

    index = page_file
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(index.as_uri(), wait_until="load")
        result = {
            "problems": problems,
            "requests": requests,
            "images": page.eval_on_selector_all(
                "img",
                "els => els.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.alt])",
            ),
            "links": page.eval_on_selector_all("a", "els => els.map(a => a.href)"),
            "rows": page.eval_on_selector_all(
                "#reproduction-table tbody tr", "els => els.map(r => r.dataset.id)"
            ),
            "verdicts": page.locator("#verdicts-table tbody tr").count(),
            "title": page.title(),
            "parts": page.eval_on_selector_all(
                "body > section, body > nav", "els => els.map(e => e.id)"
            ),
            "headings": page.eval_on_selector_all("h2", "els => els.map(h => h.textContent)"),
            "captions": page.eval_on_selector_all(
                "figcaption strong", "els => els.map(c => c.textContent)"
            ),
            "text": page.inner_text("body"),
        }
        boxes = page.locator("#status-filter input")
        if boxes.count():
            shown = "#reproduction-table tr[data-status]:not([hidden])"
            before = page.locator(shown).count()
            first = boxes.first
            status = first.get_attribute("value")
            first.uncheck()
            result["filtered"] = (
                status,
                before,
                page.eval_on_selector_all(shown, "els => els.map(r => r.dataset.status)"),
            )
        browser.close()
    return result


@pytest.fixture(scope="module", params=["index.html", "survey_report.html"])
def any_page(built, request):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it where it can)")
    return built, request.param, _open(built.reports / request.param)


@pytest.fixture(scope="module")
def page_report(built):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it where it can)")
    return built, _open(built.reports / "index.html")


def test_the_page_loads_without_console_errors(any_page):
    _, _, result = any_page
    assert result["problems"] == []
    assert "Nazarova" in result["title"]


def test_the_page_makes_no_network_request(any_page):
    _, _, result = any_page
    assert result["requests"]
    assert [u for u in result["requests"] if urlparse(u).scheme not in {"file", "data"}] == []


def test_an_executed_notebook_page_makes_no_network_request(built):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it where it can)")
    result = _open(built.executed / "03_test_claims.html")
    assert result["problems"] == []
    assert [u for u in result["requests"] if urlparse(u).scheme not in {"file", "data"}] == []


def test_every_image_is_drawn(any_page):
    built, name, result = any_page
    figures = sorted(p.name for p in (built.reports / "figures").glob("*.svg"))
    if name == "survey_report.html":  # the survey's figures only (those 04 drew), inside the page
        drawn = FigureResults.load(built.results)
        figures = [f for f in figures if f in drawn.figures]
        assert {"fig1_causes.svg", "fig5_feasible_sizes.svg", "fig8_robustness.svg"} <= set(figures)
        assert all(src.startswith("data:image/svg+xml;base64,") for src, *_ in result["images"])
        assert sorted(f"{alt}.svg" for *_, alt in result["images"]) == figures
    else:
        assert sorted(Path(src).name for src, *_ in result["images"]) == figures
    assert all(complete and width > 0 for _, complete, width, _ in result["images"])


def test_every_link_resolves(any_page):
    _, name, result = any_page
    if name == "survey_report.html":  # one file to send: it links to nothing
        assert result["links"] == []
        return
    assert result["links"]
    for href in result["links"]:
        url = urlparse(href)
        assert url.scheme == "file", href
        if Path(url.path).name in replication.OUTPUTS:
            continue  # made after the run by make replication-report (test_replication_report)
        assert Path(unquote(url.path)).is_file(), href


def test_the_table_has_a_row_per_reported_number(page_report):
    built, result = page_report
    with (built.reports / "reproduction_report.csv").open(encoding="utf-8") as handle:
        report = list(csv.DictReader(handle))
    assert sorted(result["rows"]) == sorted(row["id"] for row in report)
    # grouped by the article's sections in its order, the statuses that matter first
    section = {row["id"]: pages.section_of(row["location"], page.SECTIONS) for row in report}
    status = {row["id"]: pages.status_rank(row["status"]) for row in report}
    names = [name for name, _ in page.SECTIONS] + [pages.OTHER_SECTION]
    keys = [(names.index(section[i]), status[i]) for i in result["rows"]]
    assert keys == sorted(keys)
    with (built.processed / "article_numbers.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert result["rows"].count(row["id"]) == 1
    assert result["verdicts"] == 7


def test_the_page_leads_with_the_findings_then_contents_figures_and_tables(page_report):
    built, result = page_report
    assert result["parts"] == ["findings", "contents", "figures", "verdicts", "report", "notebooks"]
    assert result["headings"][0] == "Headline findings"
    figures = sorted(int(p.name[3 : p.name.index("_")]) for p in built.figures.glob("fig*.svg"))
    assert result["captions"] == [f"Figure {k}." for k in figures]


def test_no_internal_id_is_shown(page_report):
    built, result = page_report
    with (built.reports / "reproduction_report.csv").open(encoding="utf-8") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert [i for i in ids if "_" in i and i in result["text"]] == []
    assert "survey_female_pct" not in result["text"]
    assert "_pct" not in (built.figures / "fig5_feasible_sizes.svg").read_text(encoding="utf-8")


def test_the_status_filter_hides_the_rows_of_an_unchecked_status(page_report):
    _, result = page_report
    status, before, shown = result["filtered"]
    assert status not in shown
    assert before == len(result["rows"]) > len(shown) > 0


def test_the_survey_page_has_a_row_per_answer_option(built):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it where it can)")
    result = _open(built.reports / "survey_report.html")
    with (built.processed / "survey_items.csv").open(encoding="utf-8") as handle:
        expected = [f"{row['question_id']}.{row['option_code']}" for row in csv.DictReader(handle)]
    assert result["rows"] == expected


def test_the_survey_page_says_its_verdicts_are_from_the_survey_alone(built):
    """External claims read "not testable from the survey" under a heading saying so."""
    page = (built.reports / "survey_report.html").read_text(encoding="utf-8")
    head = page[page.index('<table id="verdicts-table">') :]
    head = head[: head.index("</thead>")]
    assert "<th>verdict from the survey alone</th>" in head
    assert "<th>verdict</th>" not in head
    assert "not testable from the survey" in page

"""Both pages of a student's survey report in a real headless browser, screenshot at 1280 px.

The survey is anes96 as a student brings it (tests/anes.py: ``new-survey --from`` an SPSS
file with a multiple response set, the ordinal scales set, a recode and three models in
``analyses.yaml``), run by the survey notebooks grouped by one question (party id): its
numeric question (age) and its multiple-choice question by group too. The screenshots are
written beside the pages.
"""

import shutil

import pytest
from anes import survey_folder

from analysis_utils.core import paths
from analysis_utils.pipeline import runner

pytestmark = [pytest.mark.browser, pytest.mark.heavy]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: Height a page may take at 1280 px wide (one grouping question).
MAX_HEIGHT = 15_000

PAGES = ("survey_analysis.html", "survey_shared.html")


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it where it can)")
    from playwright.sync_api import sync_playwright

    base = tmp_path_factory.mktemp("anes")
    folder, out = survey_folder(base / "anes", multiple=True), base / "output"
    layout = paths.layout(paths.find_root())
    outcomes = runner.run(
        layout,
        [],
        {"survey_dir": str(folder), "output_dir": str(out), "group_by": "pid"},
        jobs=2,
    )
    assert all(o.ok for o in outcomes), [o.describe() for o in outcomes]
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for name in PAGES:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems: list[str] = []
            requests: list[str] = []
            page.on("pageerror", lambda e, problems=problems: problems.append(str(e)))
            page.on("request", lambda r, requests=requests: requests.append(r.url))
            page.goto((out / name).as_uri(), wait_until="load")
            shot = out / f"{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            found[name] = {
                "height": page.evaluate("document.documentElement.scrollHeight"),
                "width": page.evaluate("document.documentElement.scrollWidth"),
                "images": page.eval_on_selector_all(
                    "img", "els => els.map(i => [i.complete, i.naturalWidth])"
                ),
                "flags": page.locator("p.flag").count(),
                "withheld": page.locator("td.withheld").count(),
                "text": page.inner_text("body"),
                "shot": shot,
                "problems": problems,
                "requests": [r for r in requests if not r.startswith(("file:", "data:"))],
            }
        browser.close()
    return found


@pytest.mark.parametrize("name", PAGES)
def test_the_page_is_screenshot_under_the_height_at_1280_px(shots, name):
    shown = shots[name]
    assert shown["shot"].stat().st_size > 0
    assert shown["height"] < MAX_HEIGHT
    assert shown["width"] <= 1280  # nothing wider than the window
    assert shown["images"]
    assert all(done and width > 0 for done, width in shown["images"])
    assert shown["problems"] == []
    assert shown["requests"] == []


def test_both_pages_show_age_and_the_multiple_choice_question_by_party_id(shots):
    for name in PAGES:
        text = shots[name]["text"]
        assert "Age of respondent., by pid" in text
        assert "Kruskal-Wallis H" in text
        assert "Placed on the liberal side of the scale, by pid" in text
        assert "Percent of cases" in text


def test_the_analysis_report_shows_every_count_and_marks_what_not_to_share(shots):
    shown = shots["survey_analysis.html"]
    assert "contains cells under 5: not for sharing" in shown["text"]
    assert shown["withheld"] == 0
    assert "Respondents\t944" in shown["text"]


def test_the_shareable_report_withholds_small_cells(shots):
    shown = shots["survey_shared.html"]
    assert "not for sharing" not in shown["text"]
    assert shown["withheld"] > 0
    assert "parameter min_cell = 5" in shown["text"]

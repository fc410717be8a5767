import pandas as pd
import pytest

from analysis_utils import paths, report

LAYOUT = paths.layout()
CTX = report.SurveyContext(
    stated_n=4, full_sample_n=9, all_n=54, rounding="up_or_down", subgroup_questions=("position",)
)
FIGS = {"causes": "Fig. 1", "assisted": "Fig. 2", "measures": "Fig. 3"}


@pytest.fixture(scope="module")
def table(numbers, items):
    return report.reproduction_report(
        numbers, items, CTX, unstated_single_choice=True, figures=FIGS
    ).set_index("id")


def test_one_row_per_number_with_a_known_status(table, numbers):
    for number_id in numbers["id"]:
        assert number_id in table.index
    assert table.index.is_unique
    assert set(table["status"]) <= set(report.STATUSES)
    assert (table["reason"] != "").all()


def test_survey_percentages_by_hand(table):
    assert table.loc["survey_female_pct", "status"] == "consistent"
    assert "n = 9: 6 respondents" in table.loc["survey_female_pct", "recomputed"]
    assert "n = 54: 36 respondents" in table.loc["survey_female_pct", "recomputed"]
    assert "stated n = 4: impossible" in table.loc["survey_female_pct", "recomputed"]
    assert (
        "n = 9: impossible as a share of all"
        in table.loc["survey_government_officials_pct", "recomputed"]
    )
    assert table.loc["survey_stated_n", "status"] == "inconsistent"
    assert table.loc["survey_stated_n", "recomputed"].startswith("0 of 5")


def test_unstated_figure_values(table):
    unstated = table[table["kind"] == "figure_value"]
    assert len(unstated) == 3 + 2 + 4
    assert (unstated["status"] == "not reproducible: unreported").all()
    assert table.loc["causes_a_pct", "recomputed"] == "0-56 % over 21 reconstructions at n = 9"


def test_derived_checks_by_hand(table):
    # 30,000 USD per 30 s over 365 days = 31.536 billion, which rounds to the printed 32
    assert table.loc["check_profit_per_year", "recomputed"] == "31.54 billion USD a year"
    assert table.loc["check_profit_per_year", "status"] == "reproduced"
    # (400,000 - 30,400) / (570 + 400) = 381 victims a year; 473 / 7 = 68 rehabilitated a year
    assert table.loc["check_budget_capacity", "recomputed"].startswith("381 victims a year")
    assert table.loc["check_allowance", "status"] == "reproduced"
    assert "200 AZN" in table.loc["check_allowance", "recomputed"]
    assert table.loc["check_gender_shares", "status"] == "reproduced"
    assert table.loc["check_case_parts", "recomputed"] == "2.1% forced labour"
    assert "checked in check_profit_per_year" in table.loc["un_annual_revenue", "reason"]


def test_an_inconsistent_budget_is_caught(numbers, items):
    changed = numbers.copy()
    changed.loc[changed["id"] == "state_budget_annual", "value"] = 50_000
    checks = report.derived_checks(changed, CTX).set_index("id")
    assert checks.loc["check_budget_capacity", "status"] == "inconsistent"


def test_html_escapes_and_links(table):
    rows = table.reset_index().head(3).copy()
    rows.loc[0, "reason"] = "<script>alert(1)</script>"
    verdicts = pd.DataFrame(
        [
            {
                "id": "H1",
                "article_statement": "s",
                "article_verdict": "proved",
                "evidence": "survey",
                "our_verdict": "undetermined",
                "our_evidence": "e",
            }
        ]
    )
    page = report.render_html(rows, verdicts, figures=[], notebooks=["01_x"], title="T & U")
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert '<a href="executed/01_x.html">' in page
    assert "<title>T &amp; U</title>" in page
    assert page.count('<tr class="status-') == 3


def test_survey_rows_for_reported_percentages(items):
    rows = report.survey_rows(
        items, sizes=[9], n=9, rounding="up_or_down", unstated_single_choice=True
    ).set_index("id")
    assert len(rows) == len(items)
    female = rows.loc["gender.female"]
    assert female["recomputed"] == "n = 9: possible"  # 6 of 9 = 66.7 %
    assert female["status"] == "inconsistent"  # 4 respondents cannot give 67 %
    assert female["reason"] == "no count of the stated n = 4 rounds to it"
    other = rows.loc["education.other"]
    assert other["status"] == "not reproducible: unreported"
    assert other["recomputed"] == "22 % over 1 reconstruction(s) at n = 9"  # 2 of 9 = 22.2 %


def test_survey_rows_for_recomputed_and_withheld_counts():
    table = pd.DataFrame(
        {
            "question_id": ["role"] * 3,
            "question_position": [1] * 3,
            "question_source": [""] * 3,
            "choice": ["single"] * 3,
            "stated_n": [12] * 3,
            "option_position": [1, 2, 3],
            "option_code": ["ngo", "gov", "other"],
            "option_label": ["NGO", "Government", "Other"],
            "reported_percent_as_printed": [""] * 3,
            "reported_percent": [float("nan")] * 3,
            "count": pd.array([7, pd.NA, pd.NA], dtype="Int64"),
            "status": ["recomputed", "suppressed", "suppressed"],
        }
    )
    rows = report.survey_rows(
        table, sizes=[12], n=12, rounding="up_or_down", unstated_single_choice=True
    ).set_index("id")
    assert rows.loc["role.ngo", "recomputed"] == "7 of 12 (58.3 %)"
    assert rows.loc["role.ngo", "status"] == "recomputed"
    # the 5 others split in any way: 0-5 of 12 each, 6 splits
    assert rows.loc["role.gov", "recomputed"] == "0-42 % over 6 reconstruction(s) at n = 12"
    assert set(rows.loc[["role.gov", "role.other"], "status"]) == {"withheld"}
    assert rows.loc["role.gov", "location"] == "question 1, option gov) Government"

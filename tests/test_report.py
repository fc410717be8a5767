import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from offline import external_resources

from analysis_utils.audit import checks as audit_checks
from analysis_utils.core import paths
from analysis_utils.report import pages
from analysis_utils.study import checks as study_checks
from analysis_utils.study import page as study_page

LAYOUT = paths.layout()
CTX = audit_checks.SurveyContext(
    stated_n=4, full_sample_n=9, all_n=54, rounding="up_or_down", subgroup_questions=("position",)
)
FIGS = {"causes": "Fig. 1", "assisted": "Fig. 2", "measures": "Fig. 3"}
AGREE = audit_checks.AGREES_NOT_WITH_STATED_N


@pytest.fixture(scope="module")
def table(numbers, items):
    return study_checks.reproduction_report(
        numbers, items, CTX, unstated_single_choice=True, figures=FIGS
    ).set_index("id")


def test_one_row_per_number_with_a_known_status(table, numbers):
    for number_id in numbers["id"]:
        assert number_id in table.index
    assert table.index.is_unique
    assert set(table["status"]) <= set(audit_checks.STATUSES)
    assert (table["reason"] != "").all()


def test_survey_percentages_by_hand(table):
    assert table.loc["survey_female_pct", "status"] == AGREE
    assert "n = 9: 6 respondents" in table.loc["survey_female_pct", "recomputed"]
    assert "n = 54: 36 respondents" in table.loc["survey_female_pct", "recomputed"]
    assert "stated n = 4: impossible" in table.loc["survey_female_pct", "recomputed"]
    assert (
        "n = 9: impossible as a share of all"
        in table.loc["survey_government_officials_pct", "recomputed"]
    )
    assert table.loc["survey_stated_n", "status"] == "inconsistent"
    assert table.loc["survey_stated_n", "recomputed"].startswith("0 of 5")
    reason = table.loc["survey_stated_n", "reason"]
    assert "each of the 5 reported percentages is impossible at n = 4 on its own" in reason
    assert "one error in the stated n = 4 explains all 5" in reason
    assert "agree with each other" not in reason
    percentages = table[table["kind"] == "survey_percentage"]
    assert sorted(percentages["value_as_printed"]) == ["33", "44", "57", "67", "78"]
    assert set(percentages["status"]) == {AGREE}
    # the subgroup remark is part of what was recomputed, not of the shared reason
    assert table.loc["survey_government_officials_pct", "recomputed"].endswith(
        "; its base (all or a subgroup) is not stated"
    )
    assert percentages["reason"].nunique() == 1


def test_unstated_figure_values(table):
    unstated = table[table["kind"] == "figure_value"]
    assert len(unstated) == 3 + 2 + 4
    assert (unstated["status"] == "not reproducible: unreported").all()
    assert table.loc["causes_a_pct", "recomputed"] == (
        "0-56 % over 21 reconstructions at n = 9 "
        "(single-choice reading; under multiple choice 0-100 %)"
    )


def test_derived_checks_by_hand(table):
    # 30,000 USD per 30 s over 365 days = 31.536 billion, which rounds to the printed 32
    assert table.loc["check_profit_per_year", "recomputed"] == "31.54 billion USD a year"
    assert table.loc["check_profit_per_year", "status"] == "reproduced"
    # 473 / 7 = 67.6 rehabilitated a year; (400,000 - 30,400) / 67.6 - 400 = 5,070 AZN a stay,
    # 8.9 times the printed 570 (whose period the article does not state)
    capacity = table.loc["check_budget_capacity"]
    assert capacity["recomputed"].startswith("68 victims a year were rehabilitated")
    assert "at most AZN 5,070 (8.9 times the AZN 570 printed)" in capacity["recomputed"]
    assert "not stated" in capacity["reason"]
    assert table.loc["check_allowance", "status"] == "consistent"  # if line 429 is the 2011 benefit
    assert "200 AZN" in table.loc["check_allowance", "recomputed"]
    assert table.loc["check_gender_shares", "status"] == "reproduced"
    assert table.loc["check_case_parts", "recomputed"] == "2.1% forced labour"
    assert table.loc["un_annual_revenue", "checked_in"] == "check_profit_per_year"
    assert table.loc["one_time_allowance", "checked_in"] == "check_budget_capacity;check_allowance"
    assert table.loc["causes_a_pct", "checked_in"] == ""


def test_the_two_ranks_of_trafficking_contradict_each_other(table):
    check = table.loc["check_trafficking_rank"]
    assert check["status"] == "inconsistent"
    assert check["recomputed"] == (
        "rank 2 (after drugs, tied with illegal arms; measure not named) against rank 3 (after "
        "drugs and counterfeit or pirated goods, by profit)"
    )
    assert "unless line 58's 'largest' is by a measure other than proceeds" in check["reason"]
    assert "they contradict each other" in check["reason"]
    for number_id, other in [
        ("un_rank_criminal_activity", "un_rank_profitable_organized_crime"),
        ("un_rank_profitable_organized_crime", "un_rank_criminal_activity"),
    ]:
        row = table.loc[number_id]
        assert row["status"] == "inconsistent"
        assert row["reason"].startswith(f"in conflict with {other} (see check_trafficking_rank); ")
        assert row["checked_in"] == "check_trafficking_rank"


def test_agreeing_ranks_are_not_flagged(numbers, items):
    changed = numbers.copy()
    changed.loc[changed["id"] == "un_rank_profitable_organized_crime", "value"] = 2
    agreed = study_checks.reproduction_report(
        changed, items, CTX, unstated_single_choice=True, figures=FIGS
    ).set_index("id")
    assert agreed.loc["check_trafficking_rank", "status"] == "consistent"
    assert agreed.loc["un_rank_criminal_activity", "status"] == audit_checks.UNCITED


def test_an_inconsistent_budget_is_caught(numbers, items):
    changed = numbers.copy()
    changed.loc[changed["id"] == "state_budget_annual", "value"] = 50_000
    checks = study_checks.derived_checks(changed, CTX).set_index("id")
    assert checks.loc["check_budget_capacity", "status"] == "inconsistent"


def test_the_stated_sample_size_check_follows_the_data(numbers):
    checks = study_checks.derived_checks(numbers, CTX).set_index("id")
    assert checks.loc["check_sample_size", "status"] == "inconsistent"
    assert (
        "each of the 5 reported percentages is impossible at n = 4"
        in (checks.loc["check_sample_size", "reason"])
    )
    # stated as 54 (every whole-sample percentage possible): nothing for the check to flag
    changed = numbers.copy()
    changed.loc[changed["id"] == "survey_stated_n", ["value", "value_as_printed"]] = [54, "54"]
    ctx = audit_checks.SurveyContext(
        stated_n=54, full_sample_n=9, all_n=54, rounding="up_or_down", subgroup_questions=()
    )
    row = study_checks.derived_checks(changed, ctx).set_index("id").loc["check_sample_size"]
    assert row["status"] == "consistent"
    assert row["value_as_printed"] == "54 experts"
    assert row["reason"] == "the stated sample size gives every reported percentage"


def test_the_derived_checks_read_locations_and_printed_values_from_the_data(numbers):
    checks = study_checks.derived_checks(numbers, CTX).set_index("id")
    assert checks.loc["check_trafficking_rank", "location"] == (
        "Introduction, line 58; Financial resources, line 407"
    )
    assert checks.loc["check_sample_size", "location"] == "Abstract; Methodology; Results"
    assert checks.loc["check_gender_shares", "value_as_printed"] == "67 % + 33 %"
    changed = numbers.copy()
    rank = changed["id"] == "un_rank_profitable_organized_crime"
    changed.loc[rank, ["text_line", "value_as_printed"]] = [409, "Behind only drugs"]
    profit = changed["id"] == "ilo_profit_per_interval"
    changed.loc[profit, "value_as_printed"] = "30.000"
    changed.loc[changed["id"] == "un_rank_criminal_activity", "text_line"] = 59
    moved = study_checks.derived_checks(changed, CTX).set_index("id")
    assert moved.loc["check_trafficking_rank", "location"] == (
        "Introduction, line 59; Financial resources, line 409"
    )
    assert moved.loc["check_trafficking_rank", "value_as_printed"].endswith("; Behind only drugs")
    assert "unless line 59's 'largest'" in moved.loc["check_trafficking_rank", "reason"]
    assert moved.loc["check_profit_per_year", "value_as_printed"].startswith("$30.000 every 30 s")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [([58], "line 58"), ([429, 469, 469], "lines 429 and 469"), ([411, 391, 393], "lines 391-411")],
)
def test_where_names_each_section_and_its_lines(lines, expected):
    rows = [pd.Series({"section": "Introduction", "text_line": n}) for n in lines]
    assert study_checks.where(rows) == f"Introduction, {expected}"
    assert study_checks.where(rows, lines=False) == "Introduction"


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
    page = pages.render_html(rows, verdicts, figures=[], notebooks=["01_x"], title="T & U")
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert '<a href="executed/01_x.html">' in page
    assert "<title>T &amp; U</title>" in page
    assert page.count(' data-status="') == 3
    assert 'role="alert"' not in page
    mixed = pages.render_html(
        rows,
        verdicts,
        figures=[],
        notebooks=["01_x"],
        title="T",
        mixed=["01_x: its output a.csv <changed> since it wrote it"],
    )
    assert 'role="alert"' in mixed
    assert "do not all come from one run" in mixed
    assert "<li>01_x: its output a.csv &lt;changed&gt; since it wrote it</li>" in mixed


def test_the_report_page_loads_nothing_from_another_host(table):
    from pathlib import Path

    rows = table.reset_index().head(3)
    verdicts = pd.DataFrame([{"id": "H1", "our_verdict": "undetermined"}])
    page = pages.render_html(
        rows, verdicts, figures=[Path("figures/fig1.svg")], notebooks=["01_x"], title="T"
    )
    assert '<img src="figures/fig1.svg"' in page
    assert external_resources(page) == []


def test_survey_rows_for_reported_percentages(items):
    rows = audit_checks.survey_rows(
        items, sizes=[9], n=9, rounding="up_or_down", unstated_single_choice=True
    ).set_index("id")
    assert len(rows) == len(items)
    female = rows.loc["gender.female"]
    # 6 of 9 = 66.7 %; 4 respondents give only 0, 25, 50, 75, 100 %
    assert female["recomputed"] == "n = 9: 6 respondents; stated n = 4: impossible"
    assert female["status"] == AGREE
    assert female["reason"].startswith(
        "one of the sample sizes derived from the reported percentages (n = 9) gives it; "
        "no count of the stated n = 4 rounds to it; blaming the stated n = 4 rather than this "
        "percentage is an inference"
    )
    assert female["checked_in"] == ""
    other = rows.loc["education.other"]
    assert other["status"] == "not reproducible: unreported"
    assert other["recomputed"] == "22 % over 1 reconstruction(s) at n = 9"  # 2 of 9 = 22.2 %


def test_survey_rows_for_recomputed_and_withheld_counts():
    table = pd.DataFrame(
        {
            "question_id": ["role"] * 3,
            "question_position": [1] * 3,
            "question_text": ["Role"] * 3,
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
    rows = audit_checks.survey_rows(
        table, sizes=[12], n=12, rounding="up_or_down", unstated_single_choice=True
    ).set_index("id")
    assert rows.loc["role.ngo", "recomputed"] == "7 of 12 (58.3 %)"
    assert rows.loc["role.ngo", "status"] == "recomputed"
    # the 5 others split in any way: 0-5 of 12 each, 6 splits
    assert rows.loc["role.gov", "recomputed"] == "0-42 % over 6 reconstruction(s) at n = 12"
    assert set(rows.loc[["role.gov", "role.other"], "status"]) == {"withheld"}
    assert rows.loc["role.gov", "location"] == "question 1, option gov (Government)"


def test_survey_rows_give_valid_percentages_and_name_the_missing_kinds(tmp_path):
    """anes96's party identification, the two leaner codes declared SPSS user-missing."""
    from anes import answers, write_sav

    from analysis_utils.core import io
    from analysis_utils.survey import convert, read, tabulate
    from analysis_utils.survey.schemas import SURVEY_ITEMS

    folder = tmp_path / "anes"
    convert.write(convert.convert(write_sav(tmp_path / "a.sav", missing={"PID": [2, 4]})), folder)
    survey = read.read(folder)
    [written] = tabulate.write(
        survey, tabulate.items(survey, min_cell=5), tmp_path / "out", keep_respondent_data=False
    )[:1]
    items = io.read_table(written, SURVEY_ITEMS)  # as 08_survey_report reads it
    rows = audit_checks.survey_rows(
        items, sizes=[], n=944, rounding="up_or_down", unstated_single_choice=True
    ).set_index("id")
    pid = answers()["PID"]
    valid = int((~pid.isin([2, 4])).sum())
    k = int((pid == 0).sum())
    assert rows.loc["pid.0", "recomputed"] == (
        f"{k} of {valid} valid answers ({100 * k / valid:.1f} %); 944 respondents"
    )
    leaners = int((pid == 2).sum())
    assert rows.loc["pid.2", "recomputed"] == (
        f"{leaners} of 944 ({100 * leaners / 944:.1f} %): a kind of missing answer, not valid"
    )
    # a question without missing kinds reads as before
    clinton = int((answers()["vote"] == 0).sum())
    assert rows.loc["vote.0", "recomputed"] == f"{clinton} of 944 ({100 * clinton / 944:.1f} %)"


@pytest.mark.parametrize(
    ("printed", "sizes", "stated", "recomputed", "status", "reason_part"),
    [
        # 6/9 = 66.7, 36/54 = 66.7; 4 respondents give 0, 25, 50, 75 or 100 %
        (
            "67",
            [9, 54],
            4,
            "n = 9: 6 respondents; n = 54: 36 respondents; stated n = 4: impossible",
            AGREE,
            "one error in the stated n explains them all",
        ),
        # 57 %: 5/9 = 55.6 and 6/9 = 66.7 miss it; 31/54 = 57.4
        (
            "57",
            [9, 54],
            4,
            "n = 9: impossible as a share of all; n = 54: 31 respondents; stated n = 4: impossible",
            AGREE,
            "is an inference: the numbers cannot tell which is wrong",
        ),
        # 6/9 = 66.7 and the stated 9 is the derived size
        ("67", [9], 9, "n = 9: 6 respondents; stated n = 9: possible", "consistent", "and so does"),
        ("67", [9], None, "n = 9: 6 respondents", "consistent", "(n = 9) gives it"),
        # 50 %: 4/9 = 44.4 and 5/9 = 55.6 miss it; 2 of 4 is 50 %
        (
            "50",
            [9],
            4,
            "n = 9: impossible as a share of all; stated n = 4: possible",
            "inconsistent",
            "the stated n = 4 does",
        ),
        ("67", [], 4, "stated n = 4: impossible", "inconsistent", "does not either"),
    ],
)
def test_check_percentage_by_hand(printed, sizes, stated, recomputed, status, reason_part):
    checked = audit_checks.check_percentage(
        printed, sizes=sizes, stated=stated, rounding="up_or_down"
    )
    assert checked.recomputed == recomputed
    assert checked.status == status
    assert checked.status in audit_checks.STATUSES
    assert reason_part in checked.reason


def _both_reports(numbers, items, stated):
    """The survey percentages' rows of the reproduction report and of the survey report."""
    items = items.assign(stated_n=items["stated_n"].where(items["stated_n"].isna(), stated))
    ctx = audit_checks.SurveyContext(
        stated_n=stated,
        full_sample_n=9,
        all_n=54,
        rounding="up_or_down",
        subgroup_questions=("position",),
    )
    full = study_checks.reproduction_report(
        numbers, items, ctx, unstated_single_choice=True, figures=FIGS
    ).set_index("id")
    survey = audit_checks.survey_rows(
        items, sizes=[9, 54], n=9, rounding="up_or_down", unstated_single_choice=True
    ).set_index("id")
    reported = items[items["status"] == "reported"]
    pairs = [
        (full.loc[row.number_id], survey.loc[f"{row.question_id}.{row.option_code}"])
        for row in reported.itertuples(index=False)
    ]
    assert len(pairs) == 5
    return pairs


@pytest.mark.parametrize("stated", [4, 9, 54, 7])
def test_the_two_reports_give_a_number_the_same_status_and_reason(numbers, items, stated):
    for in_full, in_survey in _both_reports(numbers, items, stated):
        assert in_full["value_as_printed"] == in_survey["value_as_printed"]
        assert in_full["status"] == in_survey["status"], in_full.name
        assert in_full["reason"] == in_survey["reason"], in_full.name


def test_the_stated_four_experts_give_one_status_in_both_reports(numbers, items):
    statuses = {
        (in_full["status"], in_survey["status"])
        for in_full, in_survey in _both_reports(numbers, items, 4)
    }
    assert statuses == {(AGREE, AGREE)}


class _Addresses(HTMLParser):
    """Every address a page names (src, href, ...), to check that it stands alone."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [v for k, v in attrs if k in {"src", "href", "srcset", "data"} and v]


def _respondent_level(tmp_path):
    """survey_items.csv of 12 made-up respondents (2 of them 'other': withheld)."""
    from surveys import OPTIONS, QUESTIONS, write_rows

    from analysis_utils.survey import read, tabulate

    folder = tmp_path / "my survey"
    folder.mkdir()
    write_rows(folder / "questions.csv", [*QUESTIONS[:1], [*QUESTIONS[1][:4], ""]])
    write_rows(folder / "options.csv", OPTIONS[:4])
    roles = ["ngo"] * 6 + ["gov"] * 4 + ["other"] * 2
    write_rows(
        folder / "responses.csv",
        [["respondent_id", "role"]] + [[f"r{i}", r] for i, r in enumerate(roles)],
    )
    return tabulate.items(read.read(folder), min_cell=5)


def test_a_survey_page_stands_alone_in_the_survey_s_own_words(tmp_path):
    items = _respondent_level(tmp_path)
    rows = audit_checks.survey_rows(
        items, sizes=[], n=12, rounding="up_or_down", unstated_single_choice=True
    )
    assert set(rows["status"]) == {"recomputed", "withheld"}
    svg = tmp_path / "fig1_role.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    facts = pages.SurveyFacts(
        stated_n=None,
        respondents=12,
        derived_sizes=(),
        figure_n=12,
        notes=("No feasible-sizes figure: counts observed; nothing reconstructed.",),
    )
    no_claims = pd.DataFrame(columns=["id", "article_verdict"])
    page = pages.render_html(
        rows,
        no_claims,
        figures=[svg],
        notebooks=["00_clean_survey"],
        title="my survey",
        intro=pages.survey_intro(respondent_level=True, min_cell=5, withheld=1, withheld_cells=4),
        table_file="survey_report.csv",
        survey=facts,
    )
    addresses = _Addresses()
    addresses.feed(page)
    # one file: the figure inside it, no link to anything beside it
    assert addresses.found == [
        "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode("ascii")
    ]
    assert "<title>my survey</title>" in page
    assert "<h1>my survey</h1>" in page
    assert "article" not in page.lower()
    assert "<th>stated n (questions.csv)</th><td>not stated</td>" in page
    assert "<th>respondents (rows of the answers)</th><td>12</td>" in page
    assert "No feasible-sizes figure: counts observed; nothing reconstructed." in page
    assert "No claims registered" in page
    assert "Counts below 5 respondents are withheld, and so is any count that would reveal " in page
    assert "one: 1 of the counts per option here, and 4 cells of the crosstabs." in page
    assert "withheld" not in pages.survey_intro(respondent_level=False, min_cell=5, withheld=0)
    # only the statuses that occur, with what they mean for a survey
    summary = page.split('id="status-summary"')[1].split("</table>")[0]
    assert re.findall(r"<tr><td>([^<]+)</td>", summary) == ["recomputed", "withheld"]
    assert audit_checks.SURVEY_STATUSES["recomputed"] in summary


def test_the_survey_statuses_speak_of_the_survey_and_cover_its_rows(items):
    assert set(audit_checks.SURVEY_STATUSES) <= set(audit_checks.STATUSES)
    assert not [s for s in audit_checks.SURVEY_STATUSES.values() if "article" in s]
    rows = audit_checks.survey_rows(
        items, sizes=[9, 54], n=9, rounding="up_or_down", unstated_single_choice=True
    )
    assert set(rows["status"]) <= set(audit_checks.SURVEY_STATUSES)


def test_a_survey_page_shows_the_source_s_verdicts_only_where_it_states_them(items, tmp_path):
    rows = audit_checks.survey_rows(
        items, sizes=[9, 54], n=9, rounding="up_or_down", unstated_single_choice=True
    )
    claim = {
        "id": "C1",
        "article_statement": "most are female",
        "tested_claim": "most respondents are female",
        "evidence": "survey",
        "our_verdict": "supported",
        "our_evidence": "e",
        "assumptions": "",
    }
    facts = pages.SurveyFacts(stated_n=4, respondents=None, derived_sizes=(9, 54), figure_n=9)
    for verdict, shown in (("not stated", False), ("proved", True)):
        verdicts = pd.DataFrame([{**claim, "article_verdict": verdict}])
        page = pages.render_html(
            rows, verdicts, figures=[], notebooks=[], title="S", intro="i", survey=facts
        )
        assert ("<th>source's verdict</th>" in page) is shown
        assert "<td>most respondents are female</td>" in page
        assert "<th>stated n (questions.csv)</th><td>4</td>" in page
        assert "(derived)</th><td>9, 54</td>" in page
        assert "respondents (rows" not in page
        assert "article's" not in page


def test_fig7_caption_says_nominal_and_why_no_deflator():
    caption = study_page.FIGURE_CAPTIONS["fig7_funding_per_victim"]
    assert "nominal manat" in caption
    assert "no official consumer price index" in caption
    assert "not deflated" in caption


def test_a_number_without_a_reference_has_a_status_of_its_own(table, numbers):
    """Numbers stated without a reference are not called cited."""
    others = numbers[~numbers["kind"].isin(["survey_percentage", "survey_sample_size"])]
    uncited = set(others.loc[others["reference"] == "", "id"])
    cited = set(others.loc[others["reference"] != "", "id"])
    assert uncited
    assert cited
    status = table["status"]
    for number_id in uncited:
        assert status[number_id] in {audit_checks.UNCITED, "inconsistent"}
        assert "stated without a reference" in table.loc[number_id, "reason"]
    for number_id in cited:
        assert status[number_id] in {"not reproducible: cited", "inconsistent"}
    assert (status == audit_checks.UNCITED).sum() == sum(
        status[i] == audit_checks.UNCITED for i in uncited
    )


def test_the_stated_n_check_uses_every_reported_survey_percentage(table):
    percents = table.index[table["kind"] == "survey_percentage"]
    assert len(percents) == 5
    for number_id in percents:
        assert "check_sample_size" in table.loc[number_id, "checked_in"].split(";")


def test_rows_go_to_the_section_their_location_names_longest_prefix_first():
    sections = (("Results", ("results",)), ("Results: money", ("results: money",)))
    assert pages.section_of("Results: money, line 4", sections) == "Results: money"
    assert pages.section_of("results, Fig. 2", sections) == "Results"
    assert pages.section_of("Appendix; table 1", sections) == pages.OTHER_SECTION
    assert pages.section_of("Results", ()) == pages.OTHER_SECTION


def test_figures_are_numbered_by_their_stem_and_captioned_as_given():
    shown = pages.numbered_figures(
        [Path("figures/fig10_b.svg"), Path("figures/extra_plot.svg"), Path("figures/fig2_a.svg")],
        {"fig2_a": "Caption of a."},
    )
    assert [(f["number"], f["caption"]) for f in shown] == [
        ("2", "Caption of a."),
        ("10", "B"),
        ("3", "Extra plot"),
    ]


def test_the_study_page_passes_its_sections_and_captions():
    rows = pd.DataFrame(
        [
            {
                "id": "n1",
                "kind": "count",
                "location": "Conclusion, line 3",
                "value_as_printed": "4",
                "recomputed": "",
                "status": "consistent",
                "reason": "r",
                "checked_in": "",
                "recomputed_by": "",
            }
        ]
    )
    verdicts = pd.DataFrame(columns=["id", "article_verdict"])
    figures = [Path("figures/fig7_funding_per_victim.svg")]
    page = pages.render_html(
        rows,
        verdicts,
        figures=figures,
        notebooks=[],
        title="T",
        sections=study_page.SECTIONS,
        captions=study_page.FIGURE_CAPTIONS,
    )
    assert "Conclusion" in page
    assert "not deflated" in page
    bare = pages.render_html(rows, verdicts, figures=figures, notebooks=[], title="T")
    assert "not deflated" not in bare
    assert pages.OTHER_SECTION in bare

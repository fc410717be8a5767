"""The two pages of a student's survey report (analysis and shareable), rendered from anes96."""

import re

import pandas as pd
import pytest
from anes import survey_folder

from analysis_utils.core import plotting
from analysis_utils.report import survey_page
from analysis_utils.survey import analysis_file, read, report_answers, report_tables, shareable

MIN_CELL = 5


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = survey_folder(tmp_path_factory.mktemp("anes") / "anes")
    survey = read.read(folder)
    analyses = analysis_file.read_for(survey)
    coded = report_answers.coded_answers(survey, analyses)
    blocks = report_tables.report_blocks(
        coded, groups=["party"], analyses=analyses, min_cell=MIN_CELL
    )
    figures = {}
    for block in blocks[:3]:
        figure = report_tables.block_figure(block)
        assert figure is not None
        figures[block.key] = plotting.figure_bytes(figure, "svg")
    facts = survey_page.Facts(
        title="ANES 1996 pilot",
        respondents=len(coded.frame),
        questions=len(coded.kinds),
        weighted=False,
        groups=("party",),
        min_cell=MIN_CELL,
        recodes=("party from pid",),
        verdicts=pd.DataFrame(
            [
                {
                    "id": "V1",
                    "tested_claim": "most respondents expect to vote for Clinton",
                    "our_verdict": "holds",
                    "our_evidence": "58 % of n = 944",
                    "assumptions": "counts observed",
                }
            ]
        ),
    )
    shared = {b.key: shareable.shared(b, min_cell=MIN_CELL) for b in blocks}
    return (
        blocks,
        survey_page.render(facts, blocks, figures),
        survey_page.render(facts, blocks, figures, shared=shared),
    )


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))


def test_the_page_opens_with_the_title_and_the_summary(pages):
    _, analysis, shared = pages
    for page in (analysis, shared):
        text = _text(page)
        assert "<title>ANES 1996 pilot" in page
        assert text.index("Summary") < text.index("Questions") < text.index("Crosstabs")
        assert text.index("Crosstabs") < text.index("Rank correlations") < text.index("Models")
        assert "944" in text
        assert "party from pid" in text
        assert "most respondents expect to vote for Clinton" in text


def test_the_analysis_page_marks_each_table_with_small_cells_not_for_sharing(pages):
    blocks, analysis, _ = pages
    flagged = [b for b in blocks if b.small]
    assert flagged
    marks = analysis.count(f"contains cells under {MIN_CELL}: not for sharing")
    assert marks == len(flagged)
    for block in flagged:
        section = analysis.split(f'id="{block.key}"')[1].split('class="block"')[0]
        assert "not for sharing" in section


def test_the_shareable_page_withholds_and_says_which_cells_and_which_parameter(pages):
    _, _, shared = pages
    assert "not for sharing" not in shared
    assert f"parameter min_cell = {MIN_CELL}" in shared
    income = shared.split('id="cross_income_by_party"')[1].split('class="block"')[0]
    assert "withheld" in income
    assert " x Independent" in income
    assert "<img" not in income  # its chart would show the withheld cells


def test_no_audit_vocabulary_on_a_survey_of_respondents(pages):
    _, analysis, shared = pages
    for page in (analysis, shared):
        words = set(re.findall(r"[a-z-]+", _text(page).lower()))
        assert not words & {"recomputed", "reported", "reason", "reconstructed", "rounding"}


def test_one_section_per_question_with_its_table_and_chart(pages):
    blocks, analysis, _ = pages
    for block in blocks:
        assert f'id="{block.key}"' in analysis
    first = analysis.split(f'id="{blocks[0].key}"')[1].split('class="block"')[0]
    assert "<table>" in first
    assert "data:image/svg+xml;base64," in first

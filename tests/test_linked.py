"""The shareable page's tables together: no withheld count told by linked tables.

A reader bounds every withheld count from every count the page publishes, all tables at once,
by integer programming (tests/linked_bounds.py, scipy's milp), as the referee did: the count
must be neither determined nor bounded within 1 to ``min_cell - 1``. On anes96 (the ``party``
recode of ``pid``; the multiple-choice question of tests/anes.py) and on random surveys with a
random recode (hypothesis).
"""

import functools

import numpy as np
import pandas as pd
import pytest
from anes import coded_answers
from hypothesis import given, settings
from hypothesis import strategies as st
from linked_bounds import Page, too_narrow

from analysis_utils.core import plotting
from analysis_utils.report import survey_page
from analysis_utils.survey import linked, report_answers, report_tables, shareable
from analysis_utils.survey.crosstables import crosstable

MIN_CELL = 5


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    return coded_answers(tmp_path_factory.mktemp("anes") / "anes", multiple=True)


@pytest.fixture(scope="module")
def by_both(coded):
    data, analyses = coded
    return report_tables.report_blocks(
        data, groups=["pid", "party"], analyses=analyses, min_cell=MIN_CELL
    )


def _page(data, blocks, versions, source="pid"):
    page = Page(data, source)
    for block in blocks:
        page.add(block, versions[block.key])
    return page


def test_each_table_alone_lets_a_reader_tell_withheld_cells_of_pid_from_party(coded, by_both):
    data, _ = coded
    alone = {b.key: shareable.shared(b, min_cell=MIN_CELL) for b in by_both}
    told = too_narrow(_page(data, by_both, alone).bounds(), MIN_CELL)
    # the referee's attack: income x Weak Democrat is Democrat minus the published pid cells
    assert any(name == "cross_income_by_pid: $14,000-$14.999 x Weak Democrat" for name, *_ in told)
    assert len(told) >= 17


@pytest.mark.parametrize("groups", [["pid", "party"], ["party"], ["pid"]])
def test_no_withheld_count_is_told_by_the_shareable_tables_together(coded, groups):
    data, analyses = coded
    blocks = report_tables.report_blocks(data, groups=groups, analyses=analyses, min_cell=MIN_CELL)
    versions = linked.shared_tables(blocks, data, min_cell=MIN_CELL)
    bounds = _page(data, blocks, versions).bounds()
    assert bounds  # the page withholds counts, and a reader can bound each
    assert too_narrow(bounds, MIN_CELL) == []


def test_a_recodes_crosstab_is_left_out_where_its_sources_withholds_and_the_page_says_why(
    coded, by_both
):
    data, _ = coded
    versions = linked.shared_tables(by_both, data, min_cell=MIN_CELL)
    left = sorted(k for k, v in versions.items() if v.left_out)
    # every crosstab by pid withholds cells (vote x pid: 3 Strong Democrats voted Dole), and so
    # does the multiple-choice question by pid
    crosstabs = [f"cross_{q}_by_party" for q in ("educ", "income", "selflr", "tvnews", "vote")]
    assert left == [*crosstabs, "multi_liberal_by_party"]
    assert versions["multi_liberal_by_pid"].withheld
    note = versions["cross_income_by_party"].left_out
    assert "party is a recode of pid" in note
    assert "cross_income_by_pid" in note
    assert "group_by" in note
    # pid's answers are each given by 37 or more: party's frequencies and age by party stay
    assert not versions["freq_party"].left_out
    assert not versions["groups_age_by_party"].left_out
    blocks = {b.key: b for b in by_both}
    figure = plotting.figure_bytes(report_tables.block_figure(blocks["cross_vote_by_party"]), "svg")
    facts = survey_page.Facts(
        title="ANES 1996",
        respondents=len(data.frame),
        questions=len(data.kinds),
        weighted=False,
        groups=("pid", "party"),
        min_cell=MIN_CELL,
    )
    page = survey_page.render(facts, by_both, {"cross_vote_by_party": figure}, shared=versions)
    section = page.split('id="cross_income_by_party"')[1].split('class="block"')[0]
    assert "is a recode of pid" in section
    assert "<table>" not in section
    assert "Clinton" not in page.split('id="cross_vote_by_party"')[1].split('class="block"')[0]
    assert "zeros are shown" in page


def test_the_shareable_page_shows_no_chart_of_a_numeric_question(coded, by_both):
    data, _ = coded
    versions = linked.shared_tables(by_both, data, min_cell=MIN_CELL)
    numeric = [b for b in by_both if b.kind in ("descriptives", "groups")]
    assert {b.kind for b in numeric} == {"descriptives", "groups"}
    figures = {}
    for block in numeric:
        figure = report_tables.block_figure(block)
        assert figure is not None
        figures[block.key] = plotting.figure_bytes(figure, "svg")
        assert not versions[block.key].chart
        assert shareable.NO_CHART in versions[block.key].withheld
    # the analysis page's histogram spans exactly the withheld minimum and maximum (19, 91)
    facts = survey_page.Facts("ANES", len(data.frame), len(data.kinds), False, (), MIN_CELL)
    shared_page = survey_page.render(facts, numeric, figures, shared=versions)
    analysis_page = survey_page.render(facts, numeric, figures)
    assert analysis_page.count("<img") == len(numeric)
    assert "<img" not in shared_page


def _survey(table: np.ndarray, pooled: list[int]) -> report_answers.Coded:
    rows, columns = np.nonzero(table >= 0)
    repeat = table[rows, columns]
    x = np.repeat(rows, repeat).astype(float)
    s = np.repeat(columns, repeat).astype(float)
    frame = pd.DataFrame({"x": x, "s": s, "r": [float(pooled[int(c)]) for c in s]})
    return report_answers.Coded(
        frame=frame,
        labels={
            "x": {float(i): f"x{i}" for i in range(table.shape[0])},
            "s": {float(j): f"s{j}" for j in range(table.shape[1])},
            "r": {float(g): f"r{g}" for g in sorted(set(pooled))},
        },
        missing={"x": {}, "s": {}, "r": {}},
        texts={"x": "x", "s": "s", "r": "r"},
        kinds={"x": "single", "s": "single", "r": "single"},
        ordinal=(),
        weights=None,
        sources={"r": "s"},
    )


@settings(max_examples=40, deadline=None)
@given(
    table=st.integers(2, 4).flatmap(
        lambda r: st.integers(3, 5).flatmap(
            lambda c: st.lists(
                st.lists(st.integers(0, 14), min_size=c, max_size=c), min_size=r, max_size=r
            )
        )
    ),
    data=st.data(),
    min_cell=st.integers(2, 6),
)
def test_random_recoded_surveys_tell_no_withheld_count(table, data, min_cell):
    counts = np.array(table)
    if (counts.sum(axis=0) == 0).any() or (counts.sum(axis=1) == 0).any():
        return
    pooled = data.draw(
        st.lists(st.integers(0, 2), min_size=counts.shape[1], max_size=counts.shape[1]).filter(
            lambda p: len(set(p)) >= 2
        )
    )
    groups = data.draw(st.sampled_from([["s", "r"], ["r"], ["s"], ["x"], ["x", "r"]]))
    coded = _survey(counts, pooled)
    with pytest.MonkeyPatch.context() as patch:  # the test's p-value is not what is checked
        patch.setattr(report_tables, "crosstable", functools.partial(crosstable, test="chi2"))
        blocks = report_tables.report_blocks(coded, groups=groups, min_cell=min_cell)
    versions = linked.shared_tables(blocks, coded, min_cell=min_cell)
    page = _page(coded, blocks, versions, source="s")
    assert too_narrow(page.bounds(), min_cell) == []

"""The report's numeric questions by group and multiple-choice questions, on anes96 as a student
brings it with a multiple response set (tests/anes.py), and their shareable versions against the
disclosure rules for every input (hypothesis).
"""

import numpy as np
import pandas as pd
import pytest
from anes import LIBERAL, answers, coded_answers, liberal_placements
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_utils.report import survey_page
from analysis_utils.survey import (
    report_groups,
    report_tables,
    shareable,
)
from analysis_utils.survey.blocks import Block
from analysis_utils.survey.groupstats import describe_by
from analysis_utils.survey.multiresponse import multiple_by_group, multiple_response
from analysis_utils.survey.shareable import WITHHELD

AGES = answers()["age"]


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    return coded_answers(tmp_path_factory.mktemp("anes") / "anes", multiple=True)


@pytest.fixture(scope="module")
def blocks(coded):
    data, analyses = coded
    return {
        b.key: b
        for b in report_tables.report_blocks(data, groups=["pid"], analyses=analyses, min_cell=5)
    }


def test_the_multiple_response_set_is_read_as_one_column_per_option(coded):
    data, _ = coded
    assert data.kinds["liberal"] == "multiple"
    assert "liberal" not in data.frame
    chosen = data.multiple["liberal"]
    assert list(chosen.columns) == list(LIBERAL)
    assert (chosen.to_numpy() == liberal_placements().to_numpy()).all()


def test_the_report_has_the_tables_by_group_and_the_multiple_response_table(blocks):
    assert [k for k in blocks if k.startswith(("groups_", "multi_"))] == [
        "multi_liberal",
        "groups_age_by_pid",
        "multi_liberal_by_pid",
    ]
    shipped = answers()
    export = blocks["groups_age_by_pid"].export
    assert export["n"].iloc[:-1].tolist() == shipped["PID"].value_counts().sort_index().tolist()
    assert export["mean"].iloc[:-1].to_numpy() == pytest.approx(
        shipped.groupby("PID")["age"].mean().to_numpy()
    )
    assert set(export["test"]) == {"kruskal"}
    multi = blocks["multi_liberal"].export.set_index("label")
    assert multi.loc["Total", "count"] == liberal_placements().to_numpy().sum()
    by = blocks["multi_liberal_by_pid"]
    assert by.display.iloc[0, 0] == "cases"
    assert "each option tested on its own" in by.summary


def test_the_charts_of_the_new_tables_are_drawn(blocks):
    for key in ("multi_liberal", "groups_age_by_pid", "multi_liberal_by_pid"):
        assert report_tables.block_figure(blocks[key]) is not None


def test_the_pages_have_a_section_by_group(blocks, coded):
    data, _ = coded
    facts = survey_page.Facts(
        title="ANES 1996 pilot",
        respondents=len(data.frame),
        questions=len(data.kinds),
        weighted=False,
        groups=("pid",),
        min_cell=5,
    )
    shown = list(blocks.values())
    page = survey_page.render(facts, shown, {})
    assert "By group: numeric and multiple-choice questions" in page
    assert "Percent of cases" in page
    assert page.index('id="crosstab"') < page.index('id="groups"') < page.index('id="model"')
    shared = {b.key: shareable.shared(b, min_cell=40) for b in shown}
    page = survey_page.render(facts, shown, {}, shared=shared)
    assert "Independent-Independent: every statistic" in page  # 37 respondents, under 40


def _block(kind, result, display):
    return Block("k", kind, "t", "q", "g", display, display, 0, "n; test", "", result)


@settings(max_examples=80, deadline=None)
@given(sizes=st.lists(st.integers(0, 15), min_size=2, max_size=6), min_cell=st.integers(2, 8))
def test_a_shareable_group_table_shows_no_small_group_nor_one_that_tells_it(sizes, min_cell):
    total = sum(sizes)
    if total == 0:
        return
    groups = pd.Series(np.repeat(np.arange(len(sizes)), sizes), dtype=float)
    values = AGES.iloc[:total].reset_index(drop=True).astype(float)  # real ages
    result = describe_by(values, groups, group_labels={i: f"g{i}" for i in range(len(sizes))})
    display = result.table[list(report_groups.GROUP_COLUMNS)]  # the page's columns
    shown = shareable.shared(_block("groups", result, display), min_cell=min_cell).display
    rows = shown.iloc[:-1]
    hidden = rows["n"] == WITHHELD
    visible = rows.loc[~hidden, "n"].astype(int)
    assert not ((visible > 0) & (visible < min_cell)).any()
    withheld = sum(s for s, h in zip(sizes, hidden, strict=True) if h)
    assert withheld == 0 or withheld >= min_cell or hidden.all()
    assert (rows.loc[hidden].drop(columns="group_label") == WITHHELD).all().all()
    assert (shown[["min", "max"]] == WITHHELD).all().all()


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.lists(st.integers(0, 1), min_size=3, max_size=3), min_size=1, max_size=60),
    min_cell=st.integers(2, 8),
)
def test_a_shareable_multiple_response_table_tells_no_small_count(rows, min_cell):
    chosen = pd.DataFrame(rows, columns=["a", "b", "c"])
    result = multiple_response(chosen)
    display = result.with_totals()[
        ["label", "count", "percent_of_responses", "percent_of_cases", "ci_low", "ci_high"]
    ]
    shown = shareable.shared(_block("multiple", result, display), min_cell=min_cell).display
    options = shown.iloc[:3]
    for count in options["count"]:
        if count != WITHHELD:
            assert not 0 < int(count) < min_cell
            assert not 0 < result.cases - int(count) < min_cell
    if (options["count"] == WITHHELD).any():
        assert (shown["percent_of_responses"] == WITHHELD).all()
        assert shown.iloc[3]["count"] == WITHHELD
    if 0 < result.n_none < min_cell:
        assert (shown["percent_of_cases"] == WITHHELD).all()


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 2), st.lists(st.integers(0, 1), min_size=2, max_size=2)),
        min_size=4,
        max_size=60,
    ),
    min_cell=st.integers(2, 6),
)
def test_a_shareable_multiple_choice_table_by_group_tells_no_small_cell(rows, min_cell):
    chosen = pd.DataFrame([r[1] for r in rows], columns=["a", "b"])
    groups = pd.Series([float(r[0]) for r in rows])
    try:
        result = multiple_by_group(chosen, groups, resamples=99)
    except ValueError:  # nobody chose an option
        return
    display = report_groups.multiple_display(result)
    shown = shareable.shared(_block("multiple_groups", result, display), min_cell=min_cell).display
    for g, group in enumerate(result.counts.columns):
        cases = int(result.cases.iloc[g])
        if shown.loc[0, group] != WITHHELD:
            assert not 0 < cases < min_cell
        for o in range(len(result.counts)):
            cell = shown.loc[o + 1, group]
            if cell == WITHHELD:
                continue
            count = int(str(cell).split(" ")[0])
            assert not 0 < count < min_cell
            if shown.loc[0, group] != WITHHELD:
                assert not 0 < cases - count < min_cell

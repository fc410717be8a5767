"""The tables of a student's survey report, on anes96 as a student brings it (tests/anes.py).

Each table is checked against a direct computation (pandas, statsmodels) on the shipped
answers; the shareable versions against the disclosure rules, for every input (hypothesis).
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from anes import answers, coded_answers
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis_utils.core import plotting
from analysis_utils.core.errors import ParameterError
from analysis_utils.survey import report_answers, report_tables, shareable
from analysis_utils.survey.crosstables import crosstable
from analysis_utils.survey.frequencies import frequency_table
from analysis_utils.survey.shareable import WITHHELD
from analysis_utils.survey.suppression import suppress_table

PARTY = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 3, 6: 3}


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    return coded_answers(tmp_path_factory.mktemp("anes") / "anes")


@pytest.fixture(scope="module")
def blocks(coded):
    data, analyses = coded
    return {
        b.key: b
        for b in report_tables.report_blocks(data, groups=["pid"], analyses=analyses, min_cell=5)
    }


def test_the_codes_are_the_shipped_answers_and_the_recode_pools_them(coded):
    data, _ = coded
    shipped = answers()
    assert data.frame["pid"].tolist() == shipped["PID"].tolist()
    assert data.frame["party"].tolist() == shipped["PID"].map(PARTY).tolist()
    assert data.sources == {"party": "pid"}
    assert data.ordinal == ("pid", "educ", "income", "selflr", "tvnews")
    assert data.weights is None


def test_a_frequency_table_counts_each_answer_with_the_total_rows(blocks):
    table = blocks["freq_party"].export
    counts = answers()["PID"].map(PARTY).value_counts()
    valid = table[table["label"].isin(["Democrat", "Independent", "Republican"])]
    assert valid["frequency"].tolist() == [counts[1], counts[2], counts[3]]
    assert table.loc[table["label"] == "Total", "frequency"].item() == 944
    assert valid["valid_percent"].to_numpy() == pytest.approx(100 * valid["frequency"] / 944)


def test_a_crosstab_is_the_pandas_crosstab_with_its_totals(blocks):
    block = blocks["cross_vote_by_pid"]
    shipped = answers()
    expected = pd.crosstab(shipped["vote"], shipped["PID"])
    shown = block.display.set_index("vote")
    for v, label in enumerate(["Clinton", "Dole"]):
        counts = [int(str(c).split(" ")[0]) for c in shown.loc[label].iloc[:-1]]
        assert counts == expected.loc[v].tolist()
        assert int(shown.loc[label, "Total"].split(" ")[0]) == expected.loc[v].sum()
    assert shown.loc["Total", "Total"] == "944"
    # crosstabs of every other single-choice question, none of pid with its own recode
    assert sorted(k for k in blocks if k.startswith("cross_")) == [
        "cross_educ_by_pid",
        "cross_income_by_pid",
        "cross_selflr_by_pid",
        "cross_tvnews_by_pid",
        "cross_vote_by_pid",
    ]


def test_a_model_is_the_statsmodels_fit_of_its_formula(blocks):
    data = answers().assign(party=lambda d: d["PID"].map(PARTY))
    direct = smf.logit("vote ~ C(party) + educ", data=data).fit(disp=0)
    table = blocks["model_vote_by_party"].export.set_index("term")
    assert table["estimate"].to_numpy() == pytest.approx(direct.params.to_numpy())
    assert table["odds_ratio"].iloc[1:].to_numpy() == pytest.approx(
        np.exp(direct.params.iloc[1:].to_numpy())
    )


def test_a_model_names_its_terms_outcome_and_fit_in_the_codebooks_words(blocks):
    data = answers().assign(party=lambda d: d["PID"].map(PARTY))
    direct = smf.logit("vote ~ C(party) + educ", data=data).fit(disp=0)
    block = blocks["model_vote_by_party"]
    assert block.display["term"].tolist()[1:3] == [
        "party: Independent (vs Democrat)",
        "party: Republican (vs Democrat)",
    ]
    assert f"McFadden's pseudo R² = {direct.prsquared:.3f}" in block.summary
    assert "log-odds that vote is 1 (Dole) rather than 0 (Clinton)" in block.summary
    assert set(block.export["n"]) == {944}
    ordered = blocks["model_leaning"].display["term"].tolist()
    assert ordered[-1] == "cut: Conservative | Extremely Conservative"


def test_a_crosstab_says_its_statistic_and_a_monte_carlo_p_at_its_floor(blocks):
    shipped = answers()
    chi2 = stats.chi2_contingency(pd.crosstab(shipped["vote"], shipped["PID"]), correction=False)
    summary = blocks["cross_vote_by_pid"].summary
    assert f"χ²({chi2.dof}) = {chi2.statistic:.2f}, p < 0.001" in summary
    assert "percent of the column's group" in summary
    # left-right placement by party id: no table of 9,999 as extreme as the one observed
    selflr = blocks["cross_selflr_by_pid"]
    assert selflr.result.test == "monte-carlo"
    assert selflr.result.p_value == pytest.approx(1 / 10_000)
    assert "p <= 0.0001" in selflr.summary
    assert ".." not in selflr.title
    assert selflr.title.endswith("by Party identification of respondent")


def test_the_rank_correlations_are_spearmans(blocks):
    shipped = answers()
    table = blocks["spearman"].export.set_index(["first", "second"])
    rho = shipped["PID"].corr(shipped["selfLR"], method="spearman")
    assert table.loc[("pid", "selflr"), "rho"] == pytest.approx(rho)


def test_small_cells_are_counted_and_marked(blocks):
    assert blocks["freq_vote"].small == 0
    shipped = answers()
    expected = pd.crosstab(shipped["income"], shipped["PID"])
    assert blocks["cross_income_by_pid"].small == int(((expected > 0) & (expected < 5)).sum().sum())


def test_every_chart_draws_its_table(blocks):
    block = blocks["freq_party"]
    figure = report_tables.block_figure(block)
    assert figure is not None
    heights = [p.get_height() for p in figure.axes[0].patches]  # three short labels: upright
    assert heights == pytest.approx(block.result.table["valid_percent"].tolist())
    assert report_tables.block_figure(blocks["model_news"]) is None
    svg = plotting.figure_bytes(figure, "svg")
    assert svg == plotting.figure_bytes(report_tables.block_figure(block), "svg")


def test_a_shareable_crosstab_withholds_what_suppress_table_chooses(blocks):
    block = blocks["cross_income_by_pid"]
    shared = shareable.shared(block, min_cell=5)
    rule = suppress_table(block.result.counts.to_numpy(), min_cell=5)
    cells = shared.display.iloc[:-1, 1:-1].to_numpy()
    assert ((cells == WITHHELD) == rule.cells.T).all()
    assert not shared.chart
    assert "test withheld" in shared.summary
    assert len(shared.withheld) >= int(rule.cells.sum())


def test_a_numeric_description_never_shares_one_respondents_answer(coded):
    data, _ = coded
    frame = data.frame.assign(years=answers()["age"].to_numpy())
    numeric = report_answers.Coded(
        frame=frame,
        labels={**data.labels, "years": {}},
        missing={**data.missing, "years": {}},
        texts={**data.texts, "years": "Age"},
        kinds={"years": "numeric"},
        ordinal=(),
        weights=None,
        sources={},
    )
    block = report_tables.description_block(numeric, "years", min_cell=5)
    assert block.display["mean"].item() == pytest.approx(answers()["age"].mean())
    shared = shareable.shared(block, min_cell=5)
    assert shared.display.loc[0, "min"] == WITHHELD
    assert shared.display.loc[0, "max"] == WITHHELD


@settings(max_examples=150, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=2, max_size=8),
    min_cell=st.integers(1, 10),
)
def test_a_shareable_frequency_table_shows_no_small_count_nor_one_that_tells_it(counts, min_cell):
    codes = pd.Series(np.repeat(np.arange(len(counts)), counts), dtype=float)
    labels = {i: f"option {i}" for i in range(len(counts))}
    result = frequency_table(codes, labels=labels)
    export = result.with_totals()
    block = report_tables.Block(
        key="freq_q",
        kind="frequencies",
        title="q",
        question="q",
        group="",
        export=export,
        display=export[["label", "frequency", "percent", "valid_percent", "cumulative_percent"]],
        small=0,
        summary="",
        method="",
        result=result,
    )
    shown = shareable.shared(block, min_cell=min_cell).display.iloc[: len(counts)]
    hidden = shown["frequency"] == WITHHELD
    visible = shown.loc[~hidden, "frequency"].astype(int)
    assert not ((visible > 0) & (visible < min_cell)).any()
    withheld = sum(c for c, h in zip(counts, hidden, strict=True) if h)
    if 0 < sum(counts) < min_cell:  # the total itself is small: every row and it withheld
        assert hidden.all()
        whole = shareable.shared(block, min_cell=min_cell).display.set_index("label")
        assert whole.loc["Total valid", "frequency"] == WITHHELD
    else:
        assert withheld == 0 or withheld >= min_cell
    if hidden.any():
        first = int(np.flatnonzero(hidden.to_numpy())[0])
        assert (shown["cumulative_percent"].iloc[first:] == WITHHELD).all()
        assert (shown.loc[hidden, "percent"] == WITHHELD).all()


@settings(max_examples=100, deadline=None)
@given(
    table=st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=4), min_size=2, max_size=4)
    .filter(lambda t: len({len(r) for r in t}) == 1)
    .filter(lambda t: all(sum(r) for r in t) and all(sum(c) for c in zip(*t, strict=True))),
    min_cell=st.integers(2, 6),
)
def test_a_shareable_crosstab_shows_no_small_cell(table, min_cell):
    counts = np.array(table)
    rows = pd.Series(np.repeat(np.arange(counts.shape[0]), counts.sum(axis=1)), dtype=float)
    columns = pd.Series(
        np.concatenate([np.repeat(np.arange(counts.shape[1]), r) for r in counts]), dtype=float
    )
    result = crosstable(rows, columns, seed=0, resamples=99)
    block = report_tables.Block(
        key="cross",
        kind="crosstab",
        title="",
        question="q",
        group="g",
        export=result.table,
        display=report_tables.crosstab_display(result),
        small=0,
        summary="n",
        method="",
        result=result,
    )
    shown = shareable.shared(block, min_cell=min_cell).display.iloc[:, 1:].to_numpy().ravel()
    for cell in shown:
        if cell != WITHHELD:
            count = int(str(cell).split(" ")[0])
            assert count == 0 or count >= min_cell


def test_a_grouping_question_that_is_none_is_refused_naming_those_there_are(coded):
    data, _ = coded
    report_answers.check_groups(data, ["pid", "party"])
    with pytest.raises(ParameterError, match=r"group_by_also income_band: .* give some of pid"):
        report_answers.check_groups(data, ["income_band"])
    with pytest.raises(ParameterError, match="respondent-level answers"):
        report_answers.check_groups(None, ["pid"])


def test_a_weighted_surveys_unweighted_tables_say_so(coded):
    data, analyses = coded
    weights = pd.Series(np.random.default_rng(3).uniform(0.5, 2.0, 944), index=data.frame.index)
    weighted = dataclasses.replace(data, weights=weights)
    made = report_tables.report_blocks(weighted, groups=["pid"], analyses=analyses, min_cell=5)
    blocks = {b.key: b for b in made}
    assert "weighted" in blocks["freq_vote"].summary
    assert "unweighted" not in blocks["freq_vote"].summary
    assert blocks["cross_vote_by_pid"].summary.endswith("; unweighted counts")
    assert blocks["spearman"].summary.endswith("; unweighted counts")
    assert "unweighted (statsmodels fits an ordered logit without weights)" in (
        blocks["model_leaning"].summary
    )
    assert "unweighted" not in blocks["model_vote_by_party"].summary

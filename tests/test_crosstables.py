"""Crosstabs of the 1996 ANES (statsmodels' anes96) against scipy, pandas and hand formulas."""

import math

import numpy as np
import pandas as pd
import pytest
from anes import answers, documented
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from scipy import stats
from scipy.stats.contingency import association

from analysis_utils.core.plotting import figure_bytes
from analysis_utils.survey import charts, crosstables

DATA = answers()
LABELS = documented()[1]


def _educ_by_vote() -> crosstables.CrossTable:
    return crosstables.crosstable(
        DATA["educ"], DATA["vote"], row_labels=LABELS["educ"], column_labels=LABELS["vote"]
    )


def test_counts_and_percents_are_pandas_crosstab():
    result = _educ_by_vote()
    counts = pd.crosstab(DATA["educ"], DATA["vote"])
    np.testing.assert_array_equal(result.counts.to_numpy(), counts.to_numpy())
    assert list(result.counts.index) == list(LABELS["educ"].values())
    assert list(result.counts.columns) == ["Clinton", "Dole"]
    np.testing.assert_allclose(
        result.row_percent.to_numpy(),
        100 * pd.crosstab(DATA["educ"], DATA["vote"], normalize="index").to_numpy(),
    )
    np.testing.assert_allclose(
        result.column_percent.to_numpy(),
        100 * pd.crosstab(DATA["educ"], DATA["vote"], normalize="columns").to_numpy(),
    )
    long = result.table
    assert long["count"].sum() == result.n == 944
    assert result.n_excluded == 0
    np.testing.assert_allclose(long["row_percent"], result.row_percent.to_numpy().ravel())
    np.testing.assert_allclose(long["total_percent"], 100 * counts.to_numpy().ravel() / 944)


def test_chi_square_and_expected_counts_are_scipy_chi2_contingency():
    result = _educ_by_vote()
    ref = stats.chi2_contingency(pd.crosstab(DATA["educ"], DATA["vote"]), correction=False)
    assert result.test == "chi2"
    assert result.small_expected == 0
    assert result.statistic == pytest.approx(ref.statistic) == pytest.approx(result.chi2)
    assert result.p_value == pytest.approx(ref.pvalue)
    assert result.df == ref.dof == 6
    np.testing.assert_allclose(result.expected.to_numpy(), ref.expected_freq)
    assert result.method.startswith("chi-square test of independence (Pearson")


def test_cramers_v_is_scipy_association():
    result = _educ_by_vote()
    table = pd.crosstab(DATA["educ"], DATA["vote"]).to_numpy()
    assert result.cramers_v == pytest.approx(association(table, method="cramer"))
    income_pid = crosstables.crosstable(DATA["income"], DATA["PID"])
    table = pd.crosstab(DATA["income"], DATA["PID"]).to_numpy()
    assert income_pid.cramers_v == pytest.approx(association(table, method="cramer"))


def test_adjusted_residuals_by_the_hand_formula():
    result = _educ_by_vote()
    observed = pd.crosstab(DATA["educ"], DATA["vote"]).to_numpy().astype(float)
    n = observed.sum()
    for i in range(observed.shape[0]):
        for j in range(observed.shape[1]):
            row, column = observed[i].sum(), observed[:, j].sum()
            e = row * column / n
            z = (observed[i, j] - e) / math.sqrt(e * (1 - row / n) * (1 - column / n))
            assert result.residuals.iloc[i, j] == pytest.approx(z)
    assert result.table["adjusted_residual"].tolist() == pytest.approx(
        result.residuals.to_numpy().ravel().tolist()
    )


def test_a_2x2_table_with_a_small_expected_count_gets_fisher_s_exact_test():
    old = DATA[DATA["age"] >= 85]  # 17 respondents aged 85 and over
    grades = (old["educ"] <= 2).map({True: "up to some high school", False: "high school or more"})
    result = crosstables.crosstable(grades, old["vote"], column_labels=LABELS["vote"])
    table = pd.crosstab(grades, old["vote"])  # unlabelled codes in text order, as pandas
    assert list(result.counts.index) == list(table.index)
    assert result.min_expected < 5
    assert result.test == "fisher"
    ref = stats.fisher_exact(table.to_numpy())
    assert result.p_value == pytest.approx(ref.pvalue)
    assert result.statistic == pytest.approx(ref.statistic)
    assert result.method.startswith("Fisher's exact test")
    assert result.chi2 == pytest.approx(stats.chi2_contingency(table, correction=False).statistic)


def test_a_larger_table_with_small_expected_counts_gets_a_monte_carlo_p_value():
    result = crosstables.crosstable(DATA["income"], DATA["PID"], resamples=999, seed=4)
    table = pd.crosstab(DATA["income"], DATA["PID"]).to_numpy()
    assert result.test == "monte-carlo"
    assert result.small_expected > 0.2 * table.size
    ref = stats.fisher_exact(
        table, method=stats.MonteCarloMethod(n_resamples=999, rng=np.random.default_rng(4))
    )
    assert result.p_value == pytest.approx(ref.pvalue)
    assert "Monte Carlo" in result.method
    assert "seed 4" in result.method
    asked = crosstables.crosstable(DATA["income"], DATA["PID"], test="chi2")
    assert "approximation is doubtful" in asked.method


def test_missing_kinds_and_blanks_leave_the_respondent_out():
    pid = DATA["PID"].astype(float).where(DATA["age"] >= 25)
    result = crosstables.crosstable(pid, DATA["vote"], row_missing={3: "no party"})
    kept = (DATA["age"] >= 25) & (DATA["PID"] != 3)
    assert result.n == int(kept.sum())
    assert result.n_excluded == 944 - int(kept.sum())
    np.testing.assert_array_equal(
        result.counts.to_numpy(), pd.crosstab(DATA["PID"][kept], DATA["vote"][kept]).to_numpy()
    )


def test_several_grouping_questions_at_once_and_refusals():
    tables = crosstables.crosstables(DATA, "vote", ["educ", "PID"], labels=LABELS)
    assert list(tables) == ["educ", "PID"]
    assert tables["PID"].counts.shape == (7, 2)
    assert tables["educ"].row_name == "educ"
    with pytest.raises(ValueError, match="test must be"):
        crosstables.crosstable(DATA["PID"], DATA["vote"], test="g")
    with pytest.raises(ValueError, match="2x2"):
        crosstables.crosstable(DATA["PID"], DATA["vote"], test="fisher")
    with pytest.raises(ValueError, match="two rows"):
        crosstables.crosstable(DATA["vote"] * 0, DATA["PID"])


def test_the_chart_draws_the_row_percents_horizontally_for_long_labels():
    result = _educ_by_vote()
    figure = charts.plot_crosstable(result)
    assert isinstance(figure, Figure)
    ax = figure.axes[0]
    widths = [p.get_width() for p in ax.patches]
    expected = result.row_percent.to_numpy().T.ravel()  # one answer's bars, then the next's
    np.testing.assert_allclose(widths, expected)
    assert ax.get_xlim()[1] < 100  # the axis ends where the data end
    assert [t.get_text() for t in ax.get_yticklabels()][2] == "High school graduate"
    stacked = charts.plot_crosstable(result, stacked=True, horizontal=False, percent="column")
    heights = [p.get_height() for p in stacked.axes[0].patches]
    np.testing.assert_allclose(heights, result.column_percent.to_numpy().T.ravel())
    assert "\n" in stacked.axes[0].get_xticklabels()[2].get_text()  # wrapped
    assert figure_bytes(figure, "svg") == figure_bytes(charts.plot_crosstable(result), "svg")


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.integers(0, 943), min_size=20, max_size=300),
    pair=st.sampled_from([("PID", "vote"), ("educ", "TVnews"), ("selfLR", "PID")]),
)
def test_percents_sum_to_100_and_chi_square_is_the_sum_over_cells(rows, pair):
    sub = DATA.iloc[rows]
    if sub[pair[0]].nunique() < 2 or sub[pair[1]].nunique() < 2:
        return
    result = crosstables.crosstable(sub[pair[0]], sub[pair[1]], test="chi2")
    np.testing.assert_allclose(result.row_percent.sum(axis=1), 100)
    np.testing.assert_allclose(result.column_percent.sum(axis=0), 100)
    o, e = result.counts.to_numpy(), result.expected.to_numpy()
    assert result.chi2 == pytest.approx(((o - e) ** 2 / e).sum())
    assert e.sum() == pytest.approx(len(rows))
    assert result.n == len(rows)
    assert 0 <= result.cramers_v <= 1 + 1e-12


def test_a_monte_carlo_test_of_a_table_with_rows_of_one_respondent_gives_one_p_value():
    # scipy's fisher_exact gives its p-value as an array of shape (1,) for such a table
    rows = pd.Series([0.0, 1.0, 2.0])
    columns = pd.Series([1.0, 0.0, 1.0])
    result = crosstables.crosstable(rows, columns, resamples=99, seed=0)
    assert result.test == "monte-carlo"
    reference = stats.fisher_exact(
        np.array([[0, 1], [1, 0], [0, 1]]),
        method=stats.MonteCarloMethod(n_resamples=99, rng=np.random.default_rng(0)),
    )
    assert result.p_value == pytest.approx(float(np.squeeze(reference.pvalue)))

"""Numeric questions of the 1996 ANES (age, TV news days) against numpy, pandas and statsmodels.

Weights are seeded positive numbers (anes96 ships none; weights are no answers).
"""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from anes import answers
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from statsmodels.stats.weightstats import DescrStatsW

from analysis_utils.core.plotting import figure_bytes
from analysis_utils.survey import charts, descriptives

DATA = answers()
W = np.random.default_rng(11).uniform(0.3, 3.0, len(DATA))


def test_summary_statistics_are_numpy_and_pandas():
    age = DATA["age"]
    d = descriptives.describe(age)
    assert d.n == 944
    assert d.n_missing == 0
    assert d.mean == pytest.approx(age.mean())
    assert d.sd == pytest.approx(age.std())  # pandas: n - 1
    assert d.sd == pytest.approx(np.std(age.to_numpy(), ddof=1))
    assert (d.q1, d.median, d.q3) == pytest.approx(tuple(age.quantile([0.25, 0.5, 0.75])))
    assert (d.minimum, d.maximum) == (age.min(), age.max())
    row = d.table.iloc[0]
    assert list(d.table.columns) == list(descriptives.COLUMNS)
    assert row["se_mean"] == pytest.approx(age.sem())
    assert math.isnan(row["weighted_mean"])
    assert d.weighted_mean is None


def test_spss_quartiles_are_numpy_weibull():
    d = descriptives.describe(DATA["TVnews"], quantile_method="weibull")
    x = DATA["TVnews"].to_numpy()
    # SPSS's HAVERAGE: position (n + 1) p
    for p, value in ((0.25, d.q1), (0.5, d.median), (0.75, d.q3)):
        h = (len(x) + 1) * p
        s = np.sort(x)
        lower = s[math.floor(h) - 1]
        upper = s[min(math.floor(h), len(x) - 1)]
        assert value == pytest.approx(lower + (h - math.floor(h)) * (upper - lower))


def test_declared_missing_codes_and_blanks_are_left_out():
    # TV news days: 0-7; the test declares 0 missing and blanks the answers of those over 80
    tv = DATA["TVnews"].astype(float).where(DATA["age"] <= 80)
    d = descriptives.describe(tv, missing={0: "never (declared missing)"})
    kept = DATA.loc[(DATA["age"] <= 80) & (DATA["TVnews"] != 0), "TVnews"]
    assert d.n == len(kept)
    assert d.n_missing == 944 - len(kept)
    assert d.mean == pytest.approx(kept.mean())
    assert d.sd == pytest.approx(kept.std())


def test_weighted_mean_and_its_frequency_se_are_descrstatsw():
    d = descriptives.describe(DATA["age"], weights=W, se="frequency")
    ref = DescrStatsW(DATA["age"].to_numpy(float), weights=W)
    assert d.weighted_mean == pytest.approx(ref.mean)
    assert d.weighted_se == pytest.approx(ref.std_mean)
    assert "DescrStatsW" in d.method


def test_linearized_se_is_the_hand_formula_and_wls_hc1():
    x = DATA["age"].to_numpy(float)
    d = descriptives.describe(DATA["age"], weights=W)
    mean = np.sum(W * x) / W.sum()
    n = len(x)
    by_hand = math.sqrt(n / (n - 1) * np.sum(W**2 * (x - mean) ** 2)) / W.sum()
    assert d.weighted_mean == pytest.approx(mean)
    assert d.weighted_se == pytest.approx(by_hand)
    # the same as a weighted regression on a constant with HC1 (Stata's mean [pweight])
    fit = sm.WLS(x, np.ones(n), weights=W).fit(cov_type="HC1")
    assert d.weighted_se == pytest.approx(float(fit.bse[0]))
    assert d.n_eff == pytest.approx(W.sum() ** 2 / (W**2).sum())
    assert "linearised" in d.method


def test_equal_weights_give_the_usual_standard_error():
    d = descriptives.describe(DATA["age"], weights=np.full(944, 2.0))
    assert d.weighted_mean == pytest.approx(d.mean)
    assert d.weighted_se == pytest.approx(DATA["age"].sem())


def test_describe_table_is_one_row_per_question_and_refusals():
    table = descriptives.describe_table(DATA[["age", "TVnews"]], weights=W)
    assert table["name"].tolist() == ["age", "TVnews"]
    assert table["mean"].tolist() == pytest.approx([DATA["age"].mean(), DATA["TVnews"].mean()])
    with pytest.raises(ValueError, match="se must be"):
        descriptives.describe(DATA["age"], se="bootstrap")
    with pytest.raises(ValueError, match="no valid answer"):
        descriptives.describe(pd.Series([np.nan, np.nan], name="age"))


def test_the_histogram_bars_are_numpy_histogram_counts():
    d = descriptives.describe(DATA["age"])
    figure = charts.plot_histogram(d, bins=15)
    assert isinstance(figure, Figure)
    heights = [p.get_height() for p in figure.axes[0].patches]
    counts, _ = np.histogram(DATA["age"], bins=15)
    assert heights == counts.tolist()
    assert figure_bytes(figure, "svg") == figure_bytes(charts.plot_histogram(d, bins=15), "svg")


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.integers(0, 943), min_size=2, max_size=300))
def test_order_statistics_are_ordered_and_the_mean_lies_between_the_extremes(rows):
    d = descriptives.describe(DATA["age"].iloc[rows], weights=W[rows])
    assert d.minimum <= d.q1 <= d.median <= d.q3 <= d.maximum
    assert d.minimum - 1e-9 <= d.mean <= d.maximum + 1e-9
    assert d.minimum - 1e-9 <= d.weighted_mean <= d.maximum + 1e-9
    assert d.n == len(rows)

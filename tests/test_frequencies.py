"""Frequency tables on the 1996 ANES (statsmodels' anes96), against pandas, statsmodels, by hand.

Missing kinds: anes96 declares none, so the tests declare one of its real codes missing
(PID 3, "Independent-Independent", as a student might declare "no party") and blank the
answers of the respondents under 25 (answers removed, none made up).
"""

import math

import numpy as np
import pandas as pd
import pytest
from anes import answers, documented
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.survey import frequencies
from analysis_utils.survey.coded import BLANK_LABEL

DATA = answers()
LABELS = documented()[1]


def _weights() -> np.ndarray:
    # weights are no answers: seeded, positive, unequal
    return np.random.default_rng(7).uniform(0.4, 2.5, len(DATA))


def test_frequencies_are_pandas_value_counts_in_the_labels_order():
    result = frequencies.frequency_table(DATA["PID"], labels=LABELS["PID"])
    counts = DATA["PID"].value_counts().reindex(list(LABELS["PID"]), fill_value=0)
    assert result.table["code"].tolist() == list(LABELS["PID"])
    assert result.table["label"].tolist() == list(LABELS["PID"].values())
    assert result.table["frequency"].tolist() == counts.tolist()
    assert result.n == result.n_valid == 944
    assert result.n_missing == 0
    shares = DATA["PID"].value_counts(normalize=True).reindex(list(LABELS["PID"]))
    np.testing.assert_allclose(result.table["percent"], 100 * shares.to_numpy())
    np.testing.assert_allclose(result.table["valid_percent"], 100 * shares.to_numpy())
    np.testing.assert_allclose(
        result.table["cumulative_percent"], 100 * np.cumsum(counts.to_numpy()) / 944
    )
    assert "Wilson" in result.method
    assert not result.weighted


def test_each_missing_kind_has_its_own_row_and_is_out_of_the_valid_percent():
    pid = DATA["PID"].astype(float).where(DATA["age"] >= 25)
    result = frequencies.frequency_table(
        pid, labels=LABELS["PID"], missing={3: "no party (declared missing)"}
    )
    table = result.table
    young, no_party = (
        int((DATA["age"] < 25).sum()),
        int(((DATA["PID"] == 3) & (DATA["age"] >= 25)).sum()),
    )
    assert table["missing"].tolist() == [False] * 6 + [True, True]
    assert table["label"].tolist()[-2:] == ["no party (declared missing)", BLANK_LABEL]
    assert table["frequency"].tolist()[-2:] == [no_party, young]
    assert result.n_missing == young + no_party
    assert result.n_valid == 944 - young - no_party
    valid = table[~table["missing"]]
    by_hand = pid[(pid != 3) & pid.notna()].value_counts().reindex([0, 1, 2, 4, 5, 6])
    assert valid["frequency"].tolist() == by_hand.tolist()
    np.testing.assert_allclose(valid["valid_percent"], 100 * by_hand / by_hand.sum())
    np.testing.assert_allclose(table["percent"], 100 * table["frequency"] / 944)
    assert (
        table.loc[table["missing"], ["valid_percent", "cumulative_percent", "ci_low"]]
        .isna()
        .all()
        .all()
    )


@pytest.mark.parametrize("interval", ["wilson", "beta"])
def test_intervals_are_statsmodels_proportion_confint(interval):
    result = frequencies.frequency_table(
        DATA["educ"], labels=LABELS["educ"], interval=interval, confidence=0.9
    )
    low, high = proportion_confint(result.table["frequency"], 944, alpha=0.1, method=interval)
    np.testing.assert_allclose(result.table["ci_low"], 100 * low)
    np.testing.assert_allclose(result.table["ci_high"], 100 * high)
    assert frequencies.INTERVALS[interval] in result.method


def test_weighted_percents_and_kish_interval_by_hand():
    w = _weights()
    result = frequencies.frequency_table(DATA["PID"], labels=LABELS["PID"], weights=w)
    table = result.table
    assert table["frequency"].tolist() == DATA["PID"].value_counts().sort_index().tolist()
    by_hand = pd.Series(w).groupby(DATA["PID"]).sum()
    np.testing.assert_allclose(table["weighted_frequency"], by_hand.to_numpy())
    np.testing.assert_allclose(table["valid_percent"], 100 * by_hand / w.sum())
    n_eff = w.sum() ** 2 / (w**2).sum()
    assert result.n_eff == pytest.approx(n_eff)
    assert n_eff < 944
    for row in table.itertuples():
        p = row.valid_percent / 100
        z = 1.959963984540054
        centre = (p + z**2 / (2 * n_eff)) / (1 + z**2 / n_eff)
        half = z / (1 + z**2 / n_eff) * math.sqrt(p * (1 - p) / n_eff + z**2 / (4 * n_eff**2))
        assert row.ci_low == pytest.approx(100 * (centre - half))
        assert row.ci_high == pytest.approx(100 * (centre + half))
    assert "Kish effective sample size" in result.method
    assert result.weighted


def test_equal_weights_give_the_unweighted_table():
    plain = frequencies.frequency_table(DATA["income"], labels=LABELS["income"])
    equal = frequencies.frequency_table(
        DATA["income"], labels=LABELS["income"], weights=np.full(944, 3.0)
    )
    for column in (
        "frequency",
        "percent",
        "valid_percent",
        "cumulative_percent",
        "ci_low",
        "ci_high",
    ):
        np.testing.assert_allclose(equal.table[column], plain.table[column])
    assert equal.n_eff == pytest.approx(944)


def test_a_weight_series_aligns_on_the_answers_index():
    w = pd.Series(_weights(), index=DATA.index)
    shuffled = w.sample(frac=1, random_state=3)
    a = frequencies.frequency_table(DATA["vote"], weights=w)
    b = frequencies.frequency_table(DATA["vote"], weights=shuffled)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_frequency_tables_of_a_frame_and_bad_options():
    tables = frequencies.frequency_tables(DATA[["PID", "vote"]], labels=LABELS)
    assert list(tables) == ["PID", "vote"]
    assert tables["vote"].table["label"].tolist() == [
        "Clinton",
        "Dole",
    ]
    with pytest.raises(ValueError, match="interval"):
        frequencies.frequency_table(DATA["vote"], interval="wald")
    with pytest.raises(ValueError, match="weights"):
        frequencies.frequency_table(DATA["vote"], weights=-np.ones(944))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.integers(0, 943), min_size=1, max_size=200),
    column=st.sampled_from(["PID", "educ", "income", "TVnews", "selfLR"]),
    weighted=st.booleans(),
)
def test_cumulative_percent_ends_at_100_and_valid_percents_sum_to_100(rows, column, weighted):
    answers_ = DATA[column].iloc[rows].reset_index(drop=True)
    missing = {int(answers_.iloc[0]): "declared missing"} if len(set(answers_)) > 1 else None
    w = _weights()[rows] if weighted else None
    table = frequencies.frequency_table(answers_, missing=missing, weights=w).table
    valid = table[~table["missing"]]
    assert table["frequency"].sum() == len(rows)
    assert table["percent"].sum() == pytest.approx(100)
    assert valid["valid_percent"].sum() == pytest.approx(100)
    assert valid["cumulative_percent"].iloc[-1] == pytest.approx(100)
    assert (valid["cumulative_percent"].diff().dropna() >= -1e-9).all()
    assert (
        (valid["ci_low"] <= valid["valid_percent"] + 1e-9)
        & (valid["valid_percent"] <= valid["ci_high"] + 1e-9)
    ).all()


def test_the_table_with_totals_is_spss_s_layout():
    pid = DATA["PID"].astype(float).where(DATA["age"] >= 25)
    result = frequencies.frequency_table(pid, labels=LABELS["PID"], missing={3: "no party"})
    table = result.with_totals()
    labels = table["label"].tolist()
    assert labels[6] == "Total valid"
    assert labels[-2:] == ["Total missing", "Total"]
    totals = table.set_index("label")
    assert totals.loc["Total valid", "frequency"] == result.n_valid
    assert totals.loc["Total missing", "frequency"] == result.n_missing
    assert totals.loc["Total", "frequency"] == result.n == 944
    assert totals.loc["Total", "percent"] == pytest.approx(100)
    assert totals.loc["Total valid", "valid_percent"] == 100
    assert totals.loc["Total valid", "percent"] == pytest.approx(100 * result.n_valid / 944)
    assert len(table) == len(result.table) + 3
    no_missing = frequencies.frequency_table(DATA["vote"]).with_totals()
    assert no_missing["label"].tolist() == ["0", "1", "Total valid", "Total"]

"""Recodes and pooled groups on the 1996 ANES, against pandas and statsmodels."""

import numpy as np
import pandas as pd
import pytest
from anes import answers, documented
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats import proportion as smp

from analysis_utils.survey import crosstables, frequencies, recode

DATA = answers()
LABELS = documented()[1]

#: The 7-point party identification in three groups, as a codebook would hold it.
PARTY = {
    "groups": {1: [0, 1, 2], 2: [3], 3: [4, 5, 6]},
    "labels": {1: "Democrat", 2: "Independent", 3: "Republican"},
}


def test_pid_in_three_groups_counts_as_pandas():
    spec = recode.Recode.from_mapping(PARTY)
    party = spec.apply(DATA["PID"])
    by_pandas = pd.cut(DATA["PID"], [-1, 2, 3, 6], labels=[1, 2, 3]).value_counts().sort_index()
    assert party.value_counts().sort_index().tolist() == by_pandas.tolist()
    assert party.name == "PID"
    assert party.index.equals(DATA.index)
    table = frequencies.frequency_table(party, labels=spec.value_labels()).table
    assert table["label"].tolist() == ["Democrat", "Independent", "Republican"]
    assert table["frequency"].tolist() == by_pandas.tolist()


def test_a_recode_is_usable_in_a_crosstab():
    spec = recode.Recode.from_mapping(PARTY)
    result = crosstables.crosstable(
        spec.apply(DATA["PID"]), DATA["vote"], row_labels=spec.value_labels()
    )
    pooled = pd.crosstab(DATA["PID"].map(spec.lookup()), DATA["vote"])
    np.testing.assert_array_equal(result.counts.to_numpy(), pooled.to_numpy())
    assert list(result.counts.index) == ["Democrat", "Independent", "Republican"]


def test_missing_kinds_and_blanks_pass_through_unchanged():
    # anes96 declares no missing kind: the test declares PID 3 one and blanks the under-25s
    pid = DATA["PID"].astype(float).where(DATA["age"] >= 25)
    spec = recode.Recode.from_mapping({"groups": {"D": [0, 1, 2], "R": [4, 5, 6]}})
    party = spec.apply(pid, missing={3: "no party"})
    assert party[pid.isna()].isna().all()
    assert party.isna().sum() == pid.isna().sum()
    assert (party[pid == 3] == 3).all()
    assert (party == "D").sum() == pid.isin([0, 1, 2]).sum()
    assert (party == "R").sum() == pid.isin([4, 5, 6]).sum()
    table = frequencies.frequency_table(party, missing={3: "no party"}).table
    assert table["code"].tolist()[:2] == ["D", "R"]
    assert table["frequency"].tolist()[2:] == [(pid == 3).sum(), pid.isna().sum()]


def test_refusals_name_what_is_wrong():
    with pytest.raises(ValueError, match="in no group"):
        recode.Recode.from_mapping({"groups": {1: [0, 1]}}).apply(DATA["PID"])
    with pytest.raises(ValueError, match="two groups"):
        recode.Recode.from_mapping({"groups": {1: [0, 1], 2: [1, 2]}})
    with pytest.raises(ValueError, match="must list old codes"):
        recode.Recode.from_mapping({"groups": {1: "0,1"}})
    with pytest.raises(ValueError, match="labels of codes no group makes"):
        recode.Recode.from_mapping({"groups": {1: [0]}, "labels": {2: "x"}})
    with pytest.raises(ValueError, match="missing kinds cannot be regrouped"):
        recode.Recode.from_mapping({"groups": {1: [8]}, "other": 2}).apply(
            DATA["PID"], missing={8: "don't know"}
        )
    other = recode.Recode.from_mapping({"groups": {1: [0, 1]}, "other": 9}).apply(DATA["PID"])
    assert set(other) == {1, 9}


def test_two_group_comparison_of_a_yes_no_outcome_is_statsmodels():
    spec = recode.Recode.from_mapping(PARTY)
    party = spec.apply(DATA["PID"])
    result = recode.compare_proportions(
        DATA["vote"], party, success=[1], pair=(3, 1), group_labels=spec.value_labels()
    )
    rep, dem = DATA["vote"][party == 3], DATA["vote"][party == 1]
    k1, n1, k2, n2 = int(rep.sum()), len(rep), int(dem.sum()), len(dem)
    assert result.table["n"].tolist() == [n1, n2]
    assert result.table["count"].tolist() == [k1, k2]
    assert result.difference == pytest.approx(k1 / n1 - k2 / n2)
    low, high = smp.confint_proportions_2indep(k1, n1, k2, n2, method="newcomb")
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high))
    test = smp.test_proportions_2indep(k1, n1, k2, n2, method="score", correction=False)
    assert result.p_value == pytest.approx(test.pvalue)
    # the score test without correction is Pearson's chi-square of the 2x2 table
    chi = stats.chi2_contingency([[k1, n1 - k1], [k2, n2 - k2]], correction=False)
    assert result.statistic**2 == pytest.approx(chi.statistic)
    assert result.p_value == pytest.approx(chi.pvalue)
    assert "Newcombe" in result.method
    assert "Republican minus Democrat" in result.method


def test_newcombe_interval_by_hand_from_two_wilson_intervals():
    spec = recode.Recode.from_mapping(PARTY)
    party = spec.apply(DATA["PID"])
    result = recode.compare_proportions(DATA["vote"], party, success=[1], pair=(2, 1))
    rows = result.table.set_index("group")
    (k1, n1), (k2, n2) = rows.loc[2, ["count", "n"]], rows.loc[1, ["count", "n"]]
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = smp.proportion_confint(k1, n1, method="wilson")
    l2, u2 = smp.proportion_confint(k2, n2, method="wilson")
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.integers(0, 943), min_size=1, max_size=200),
    cut=st.integers(0, 5),
    blank=st.integers(19, 91),
)
def test_a_recode_keeps_every_respondent(rows, cut, blank):
    pid = DATA["PID"].iloc[rows].astype(float).where(DATA["age"].iloc[rows] >= blank)
    spec = recode.Recode(groups={"low": tuple(range(cut + 1)), "high": tuple(range(cut + 1, 7))})
    out = spec.apply(pid)
    assert len(out) == len(pid)
    assert out.index.equals(pid.index)
    assert out.isna().sum() == pid.isna().sum()
    assert (out == "low").sum() == (pid <= cut).sum()
    assert (out == "low").sum() + (out == "high").sum() == pid.notna().sum()


def test_codebook_recodes_make_new_questions_from_plain_data():
    recodes = recode.recodes_from_mapping({"party": {"from": "PID", **PARTY}})
    frame = recode.recode_frame(DATA, recodes)
    assert frame["PID"].equals(DATA["PID"])  # the source question is kept as it was
    assert frame["party"].name == "party"
    by_pandas = DATA["PID"].map({0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 3, 6: 3})
    assert frame["party"].tolist() == by_pandas.tolist()
    with pytest.raises(ValueError, match="recode of 'party'"):
        recode.recodes_from_mapping({"party": {"from": "PID", "groups": {1: [0]}, "oops": 1}})
    with pytest.raises(ValueError, match="recode of 'party'"):
        recode.recodes_from_mapping({"party": ["not", "a", "mapping"]})

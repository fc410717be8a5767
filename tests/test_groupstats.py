"""A numeric question by group on the 1996 ANES (age by party id, by vote) against pandas,
scipy and hand computation.

Weights are seeded positive numbers (anes96 ships none; weights are no answers).
"""

import math

import numpy as np
import pandas as pd
import pytest
from anes import answers, documented
from scipy import stats

from analysis_utils.core.plotting import figure_bytes
from analysis_utils.survey import group_charts
from analysis_utils.survey.descriptives import weighted_mean_se
from analysis_utils.survey.groupstats import TOTAL, describe_by

DATA = answers()
PID = documented()[1]["PID"]
W = np.random.default_rng(11).uniform(0.3, 3.0, len(DATA))


def test_each_group_is_the_pandas_groupby_of_its_answers():
    result = describe_by(DATA["age"], DATA["PID"], group_labels=PID)
    table = result.table.set_index("group_label")
    grouped = DATA.groupby("PID")["age"]
    assert list(table.index) == [*PID.values(), TOTAL]
    for code, label in PID.items():
        row, ages = table.loc[label], grouped.get_group(code)
        assert row["n"] == len(ages)
        assert row["mean"] == pytest.approx(ages.mean())
        assert row["sd"] == pytest.approx(ages.std())
        assert row["se_mean"] == pytest.approx(ages.std() / math.sqrt(len(ages)))
        assert (row["q1"], row["median"], row["q3"]) == pytest.approx(
            tuple(ages.quantile([0.25, 0.5, 0.75]))
        )
        assert (row["p05"], row["p95"]) == pytest.approx(tuple(ages.quantile([0.05, 0.95])))
        assert (row["min"], row["max"]) == (ages.min(), ages.max())
    assert table.loc[TOTAL, "n"] == 944
    assert table.loc[TOTAL, "mean"] == pytest.approx(DATA["age"].mean())
    assert result.n == 944
    assert result.n_excluded == 0


def test_more_than_two_groups_are_compared_by_kruskal_wallis_as_scipy_and_by_hand():
    result = describe_by(DATA["age"], DATA["PID"], group_labels=PID)
    samples = [DATA.loc[DATA["PID"] == c, "age"].to_numpy() for c in PID]
    reference = stats.kruskal(*samples)
    assert result.test == "kruskal"
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    assert result.df == 6
    # by hand: H = 12 / (N (N + 1)) sum R_g^2 / n_g - 3 (N + 1), over the tie correction
    ranks = stats.rankdata(DATA["age"])
    n = len(ranks)
    sums = [ranks[(DATA["PID"] == c).to_numpy()] for c in PID]
    h = 12 / (n * (n + 1)) * sum(r.sum() ** 2 / len(r) for r in sums) - 3 * (n + 1)
    ties = DATA["age"].value_counts().to_numpy()
    h /= 1 - (ties**3 - ties).sum() / (n**3 - n)
    assert result.statistic == pytest.approx(h)
    assert "Kruskal-Wallis" in result.method


def test_one_way_anova_and_welchs_are_the_sums_of_squares_and_scipys():
    result = describe_by(DATA["age"], DATA["PID"], group_labels=PID)
    groups = DATA.groupby("PID")["age"]
    grand = DATA["age"].mean()
    between = sum(len(g) * (g.mean() - grand) ** 2 for _, g in groups)
    within = sum(((g - g.mean()) ** 2).sum() for _, g in groups)
    k, n = groups.ngroups, len(DATA)
    f = (between / (k - 1)) / (within / (n - k))
    assert result.anova_f == pytest.approx(f)
    assert result.anova_p == pytest.approx(stats.f.sf(f, k - 1, n - k))
    samples = [g.to_numpy() for _, g in groups]
    welch = stats.f_oneway(*samples, equal_var=False)
    assert (result.welch_f, result.welch_p) == pytest.approx((welch.statistic, welch.pvalue))


def test_a_group_whose_answers_are_all_alike_has_no_welch_f_but_keeps_the_others():
    # the ages of the first three Strong Democrats, set alike: that group's variance is 0
    ages = DATA["age"].copy()
    first = DATA.index[DATA["PID"] == 0][:3]
    ages[DATA["PID"] == 0] = np.nan
    ages[first] = 40
    result = describe_by(ages, DATA["PID"], group_labels=PID)
    assert math.isnan(result.welch_f)
    assert math.isnan(result.welch_p)
    samples = [g.dropna().to_numpy() for _, g in ages.groupby(DATA["PID"])]
    assert result.anova_f == pytest.approx(stats.f_oneway(*samples).statistic)
    assert result.statistic == pytest.approx(stats.kruskal(*samples).statistic)


def test_two_groups_are_compared_by_the_wilcoxon_rank_sum_test():
    result = describe_by(DATA["age"], DATA["vote"], group_labels={0: "Clinton", 1: "Dole"})
    clinton = DATA.loc[DATA["vote"] == 0, "age"].to_numpy()
    dole = DATA.loc[DATA["vote"] == 1, "age"].to_numpy()
    reference = stats.mannwhitneyu(clinton, dole, alternative="two-sided")
    assert result.test == "wilcoxon"
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    # by hand: U of the first group = its rank sum - n1 (n1 + 1) / 2
    ranks = stats.rankdata(np.concatenate([clinton, dole]))
    u = ranks[: len(clinton)].sum() - len(clinton) * (len(clinton) + 1) / 2
    assert result.statistic == pytest.approx(u)
    assert math.isnan(result.df)
    assert "Wilcoxon rank-sum" in result.method


def test_missing_kinds_on_either_question_leave_the_respondent_out():
    # TV news days 0 declared a missing kind of the groups, age 91 one of the answers
    result = describe_by(
        DATA["age"], DATA["TVnews"], missing={91: "refused"}, group_missing={0: "never"}
    )
    kept = DATA[(DATA["age"] != 91) & (DATA["TVnews"] != 0)]
    assert result.n == len(kept)
    assert result.n_excluded == 944 - len(kept)
    assert result.table["group_code"].iloc[:-1].tolist() == list(range(1, 8))
    samples = [g.to_numpy() for _, g in kept.groupby("TVnews")["age"]]
    assert result.statistic == pytest.approx(stats.kruskal(*samples).statistic)


def test_a_labelled_group_nobody_is_in_has_a_row_and_no_part_in_the_test():
    labels = {**PID, 9: "no party named"}
    result = describe_by(DATA["age"], DATA["PID"], group_labels=labels)
    row = result.table.set_index("group_label").loc["no party named"]
    assert row["n"] == 0
    assert math.isnan(row["mean"])
    assert result.df == 6
    assert "no party named" not in result.groups


def test_weighted_mean_per_group_is_its_own_linearised_estimate():
    weights = pd.Series(W, index=DATA.index)
    result = describe_by(DATA["age"], DATA["PID"], weights=weights)
    for code in PID:
        mine = (DATA["PID"] == code).to_numpy()
        x, w = DATA.loc[mine, "age"].to_numpy(float), W[mine]
        mean = (w * x).sum() / w.sum()
        n = len(x)
        se = math.sqrt(n / (n - 1) * (w**2 * (x - mean) ** 2).sum()) / w.sum()
        row = result.table[result.table["group_code"] == code].iloc[0]
        assert row["weighted_mean"] == pytest.approx(mean)
        assert row["weighted_se"] == pytest.approx(se)
        assert row["n_eff"] == pytest.approx(w.sum() ** 2 / (w**2).sum())
    total = result.table.iloc[-1]
    assert (total["weighted_mean"], total["weighted_se"]) == pytest.approx(
        weighted_mean_se(DATA["age"].to_numpy(float), W)
    )
    assert "unweighted" in result.method  # the rank tests


def test_no_respondent_in_both_questions_is_refused():
    blank = pd.Series(np.nan, index=DATA.index, name="q")
    with pytest.raises(ValueError, match="no respondent answered both"):
        describe_by(DATA["age"], blank)


def test_the_boxes_draw_the_tables_quartiles_and_percentiles_and_nothing_else():
    result = describe_by(DATA["age"].rename("age"), DATA["PID"].rename("pid"), group_labels=PID)
    figure = group_charts.plot_group_boxes(result)
    ax = figure.axes[0]
    boxes = [p for p in ax.patches]
    assert len(boxes) == 7  # one box per group, horizontal (more than four groups)
    rows = result.table.iloc[:-1]
    for box, row in zip(boxes, rows.itertuples(index=False), strict=True):
        extent = box.get_path().get_extents().transformed(box.get_patch_transform())
        assert (extent.x0, extent.x1) == pytest.approx((row.q1, row.q3))
    ends = sorted({round(x, 6) for line in ax.lines for x in line.get_xdata()})
    assert min(ends) == pytest.approx(rows["p05"].min())
    assert max(ends) == pytest.approx(rows["p95"].max())
    assert max(ends) < DATA["age"].max()  # no respondent's own answer (no max, no outlier)
    assert figure_bytes(figure, "svg") == figure_bytes(group_charts.plot_group_boxes(result), "svg")

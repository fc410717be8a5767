"""A numeric question by group, as Stata's ``tabstat x, by(g)`` and gtsummary's ``tbl_summary``.

:func:`describe_by` gives per group of a grouping question (and for all of them, a row
``Total``) what :func:`analysis_utils.survey.descriptives.describe` gives for a question: n,
mean, standard deviation, its standard error, minimum, quartiles, median, maximum, and with
weights the weighted mean with its standard error (each group's own, Taylor-linearised) and
the Kish effective size; also the 5th and 95th percentiles (the whiskers of its box chart). A
respondent with a missing kind or a blank on either question is left out (``n_excluded``).

The test of a difference between the groups is gtsummary's default for a continuous
variable (``add_p()``): the Wilcoxon rank-sum test for two groups (scipy's ``mannwhitneyu``,
two-sided, its default method: exact for small samples without ties, else the normal
approximation with continuity correction, as R's ``wilcox.test``), the Kruskal-Wallis test for
more (scipy's ``kruskal``, with its tie correction, as R's ``kruskal.test``). Both compare the
ranks, unweighted. One-way ANOVA (scipy's ``f_oneway``, equal variances) and Welch's ANOVA
(``f_oneway(equal_var=False)``) are given beside it, for who compares means. Groups without a
valid answer are left out of the tests; fewer than two groups with answers, no test.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis_utils.survey.coded import Labels, keys_of, label, masks, valid_codes, weights_of
from analysis_utils.survey.descriptives import describe

#: Names of the tests of :class:`GroupDescription` (``test``) in a sentence.
TEST_NAMES = {
    "wilcoxon": "Wilcoxon rank-sum (Mann-Whitney U) test, two-sided",
    "kruskal": "Kruskal-Wallis rank test",
    "none": "no test (fewer than two groups with answers)",
}

#: Columns of :attr:`GroupDescription.table` besides the group's code and label.
STATISTICS = (
    "n",
    "mean",
    "sd",
    "se_mean",
    "min",
    "p05",
    "q1",
    "median",
    "q3",
    "p95",
    "max",
    "weighted_mean",
    "weighted_se",
    "n_eff",
)

#: Label of the row of every group together.
TOTAL = "Total"


@dataclass(frozen=True, eq=False)
class GroupDescription:
    """A numeric question described per group, with a test of their difference.

    Attributes
    ----------
    table : DataFrame
        One row per group (``group_code``, ``group_label``, then :data:`STATISTICS`), the
        grouping question's labelled codes first (even a group nobody is in, ``n`` 0), and a
        last row :data:`TOTAL` of them all (``group_code`` empty).
    name, group_name : str
        The numeric question and the grouping question.
    n, n_excluded : int
        Respondents in the table; left out for a missing answer to either question.
    test : str
        ``wilcoxon``, ``kruskal`` or ``none``.
    statistic, p_value, df : float
        The test's U (of the first group) or H, its p-value, and H's degrees of freedom
        (groups with answers - 1; NaN for the rank-sum test).
    anova_f, anova_p, welch_f, welch_p : float
        One-way ANOVA and Welch's ANOVA (NaN where a group has a single answer or all
        answers are equal).
    groups : dict
        Group label -> its valid answers (for a chart).
    method : str
    """

    table: pd.DataFrame
    name: str
    group_name: str
    n: int
    n_excluded: int
    test: str
    statistic: float
    p_value: float
    df: float
    anova_f: float
    anova_p: float
    welch_f: float
    welch_p: float
    groups: dict[str, np.ndarray]
    method: str


def _row(values: pd.Series, weights: np.ndarray | None, quantile_method: str) -> dict[str, float]:
    """Give the statistics of one group's valid answers (NaN for a group without any)."""
    if len(values) == 0:
        return {s: (0 if s == "n" else math.nan) for s in STATISTICS}
    row = describe(values, weights=weights, quantile_method=quantile_method).table.iloc[0]
    out = {s: float(row[s]) for s in STATISTICS if s in row.index}
    out["n"] = int(row["n"])
    x = values.to_numpy(dtype=np.float64)
    out["p05"], out["p95"] = (
        float(v)
        for v in np.quantile(x, [0.05, 0.95], method=quantile_method)  # type: ignore[call-overload]
    )
    return {s: out[s] for s in STATISTICS}


def _tests(samples: list[np.ndarray]) -> tuple[str, float, float, float]:
    if len(samples) < 2:
        return "none", math.nan, math.nan, math.nan
    if np.ptp(np.concatenate(samples)) == 0:  # every answer equal: no ranks to compare
        return ("wilcoxon" if len(samples) == 2 else "kruskal"), math.nan, 1.0, math.nan
    if len(samples) == 2:
        result = stats.mannwhitneyu(samples[0], samples[1], alternative="two-sided")
        return "wilcoxon", float(result.statistic), float(result.pvalue), math.nan
    kw = stats.kruskal(*samples)
    return "kruskal", float(kw.statistic), float(kw.pvalue), float(len(samples) - 1)


def _anova(samples: list[np.ndarray], *, equal_var: bool) -> tuple[float, float]:
    usable = len(samples) >= 2 and all(len(s) >= 2 for s in samples)
    alike = [np.ptp(s) == 0 for s in samples]
    # Welch's F weighs each group by n / variance: a group whose answers are all alike has none
    if not usable or all(alike) or (not equal_var and any(alike)):
        return math.nan, math.nan
    result = stats.f_oneway(*samples, equal_var=equal_var)
    return float(result.statistic), float(result.pvalue)


def describe_by(
    values: pd.Series,
    groups: pd.Series,
    *,
    group_labels: Labels | None = None,
    missing: Labels | None = None,
    group_missing: Labels | None = None,
    weights: pd.Series | Sequence[float] | np.ndarray | None = None,
    quantile_method: str = "linear",
) -> GroupDescription:
    """Describe a numeric question per group and test the groups' difference.

    Parameters
    ----------
    values : Series
        One number per respondent; ``NaN`` is a blank answer.
    groups : Series
        One code of the grouping question per respondent, on the same index.
    group_labels : mapping, optional
        Value labels of the groups (their order is the table's).
    missing, group_missing : mapping, optional
        Declared missing codes of each question, left out.
    weights : Series or sequence of float, optional
        One weight per respondent: each group's weighted mean and its standard error.
    quantile_method : str
        numpy ``quantile`` method (as :func:`~analysis_utils.survey.descriptives.describe`).

    Returns
    -------
    GroupDescription

    Raises
    ------
    ValueError
        If no respondent has a valid answer to both questions, or the weights are unusable.
    """
    value_ok, _, _ = masks(values, missing=missing)
    group_ok, _, _ = masks(groups, missing=group_missing)
    both = value_ok & group_ok
    if not both.any():
        raise ValueError(f"no respondent answered both {values.name!r} and {groups.name!r}")
    x = pd.to_numeric(values[both], errors="raise").astype(np.float64)
    keys = keys_of(groups[both])
    w = None
    if weights is not None:
        w = weights_of(values, weights)[both]
    codes: list[Hashable] = valid_codes(groups[both], labels=group_labels, missing=group_missing)
    rows, samples, drawn = [], [], {}
    for code in codes:
        mine = (keys == code).to_numpy()
        part = x[mine]
        rows.append(
            {
                "group_code": code,
                "group_label": label(code, group_labels),
                **_row(part, None if w is None else w[mine], quantile_method),
            }
        )
        if len(part):
            samples.append(part.to_numpy())
            drawn[label(code, group_labels)] = part.to_numpy()
    rows.append({"group_code": pd.NA, "group_label": TOTAL, **_row(x, w, quantile_method)})
    table = pd.DataFrame(rows, columns=["group_code", "group_label", *STATISTICS])
    table["group_code"] = table["group_code"].astype(object)
    table["n"] = table["n"].astype(np.int64)
    test, statistic, p_value, df = _tests(samples)
    anova_f, anova_p = _anova(samples, equal_var=True)
    welch_f, welch_p = _anova(samples, equal_var=False)
    method = (
        f"per group: n, mean, SD with n - 1, quartiles by numpy quantile "
        f"(method={quantile_method!r})"
        + (
            "; weighted mean with its Taylor-linearised standard error in the group"
            * (w is not None)
        )
        + f"; test of a difference: {TEST_NAMES[test]} (scipy; on ranks, unweighted; "
        "gtsummary's default), with one-way ANOVA and Welch's ANOVA (scipy f_oneway)"
    )
    return GroupDescription(
        table=table,
        name=str(values.name) if values.name is not None else "",
        group_name=str(groups.name) if groups.name is not None else "",
        n=int(both.sum()),
        n_excluded=int(len(values) - both.sum()),
        test=test,
        statistic=statistic,
        p_value=p_value,
        df=df,
        anova_f=anova_f,
        anova_p=anova_p,
        welch_f=welch_f,
        welch_p=welch_p,
        groups=drawn,
        method=method,
    )

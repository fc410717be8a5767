"""Multiple-choice questions as SPSS's MULT RESPONSE tabulates them, overall and by group.

A multiple-choice question (``choice`` ``multiple`` in ``questions.csv``) is given here as one
0/1 column per option, as SPSS and Stata store it (:func:`indicators` makes them from the
survey format's codes joined by ``;``). :func:`multiple_response` gives per option, as SPSS's
``MULT RESPONSE /GROUPS=... /FREQUENCIES=...``:

- ``count``: respondents who chose it (each a response);
- ``percent_of_responses``: of all the responses given (the options' counts add up to it);
- ``percent_of_cases``: of the respondents who chose at least one option (SPSS's valid cases;
  these percents add up to more than 100), with a Wilson (or Clopper-Pearson) interval per
  option, statsmodels' ``proportion_confint``.

A respondent who chose no option is not a valid case (the survey format does not tell "none of
these" from no answer; SPSS counts such cases missing); an option that is a missing kind
(``missing`` in ``options.csv``: don't know, refused) is its own row, out of the responses, and
a respondent who chose only missing kinds is no valid case either. With weights the counts,
percents and intervals are weighted, the interval at the Kish effective size of the valid cases.

:func:`multiple_by_group` crosses each option with a grouping question (SPSS's ``MULT RESPONSE
/TABLES=set BY group`` with cell percents of cases): per group its valid cases, and per option
and group the count and the percent of the group's cases. Each option is tested on its own, as
a yes/no answer by group (:func:`analysis_utils.survey.crosstables.crosstable`: chi-square, or
Fisher's exact test as the expected counts require), with Holm's adjustment of the p-values
for the number of options tested (statsmodels' ``multipletests``); the counts are unweighted.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.survey.coded import Labels, label, masks, valid_codes, weights_of
from analysis_utils.survey.crosstables import crosstable
from analysis_utils.survey.frequencies import INTERVALS
from analysis_utils.survey.weights import effective_size

#: Label of the total row of :meth:`MultipleResponse.with_totals`.
TOTAL = "Total"


def indicators(answers: pd.Series, codes: Sequence[Hashable]) -> pd.DataFrame:
    """Give a multiple-choice question's answers (codes joined by ``;``) as 0/1 columns.

    Parameters
    ----------
    answers : Series
        One text per respondent: the codes chosen joined by ``;``, empty (or ``NaN``) for none.
    codes : sequence
        The question's option codes, in the codebook's order (the columns' order).

    Returns
    -------
    DataFrame
        One int column per code, 1 where the respondent chose it, on the answers' index.

    Raises
    ------
    ValueError
        If an answer holds a code that is not one of ``codes``.
    """
    chosen = answers.fillna("").astype(str).map(lambda t: set(filter(None, t.split(";"))))
    known = {str(c) for c in codes}
    unknown = sorted(set().union(*chosen) - known) if len(chosen) else []
    if unknown:
        raise ValueError(f"{answers.name!r}: codes {unknown} are no option of the question")
    return pd.DataFrame(
        {c: chosen.map(lambda s, c=str(c): int(c in s)).astype(np.int64) for c in codes},
        index=answers.index,
    )


def _cases(chosen: pd.DataFrame, missing: Labels | None) -> tuple[list[Hashable], np.ndarray]:
    """Give the valid options and which respondents chose at least one of them."""
    kinds = set(missing or {})
    options = [c for c in chosen.columns if c not in kinds]
    return options, chosen[options].to_numpy(dtype=np.int64).sum(axis=1) > 0


@dataclass(frozen=True, eq=False)
class MultipleResponse:
    """A multiple-choice question's table of responses and cases.

    Attributes
    ----------
    table : DataFrame
        One row per option: ``code``, ``label``, ``missing``, ``count``
        (``weighted_count`` with weights), ``percent_of_responses``, ``percent_of_cases``,
        ``ci_low``, ``ci_high`` (in percent; NaN on a missing kind's row).
    name : str
    n : int
        Respondents.
    cases : int
        Valid cases: respondents who chose at least one (valid) option.
    n_none : int
        Respondents who chose none.
    responses : int
        Valid options chosen, over every respondent.
    n_eff : float or None
        Kish effective size of the valid cases (weighted tables).
    confidence : float
    method : str
    """

    table: pd.DataFrame
    name: str
    n: int
    cases: int
    n_none: int
    responses: int
    n_eff: float | None
    confidence: float
    method: str

    def with_totals(self) -> pd.DataFrame:
        """Give the table with SPSS's total row (responses, 100 %, the sum of percents of cases).

        Returns
        -------
        DataFrame
        """
        valid = self.table[~self.table["missing"]]
        row: dict[str, object] = {c: np.nan for c in self.table.columns}
        row.update(code=pd.NA, label=TOTAL, missing=False, count=int(valid["count"].sum()))
        for column in ("weighted_count", "percent_of_responses", "percent_of_cases"):
            if column in valid:
                row[column] = valid[column].sum()
        out = pd.concat([valid, pd.DataFrame([row]), self.table[self.table["missing"]]])
        out = out.reset_index(drop=True)
        out["count"] = out["count"].astype(np.int64)
        out["code"] = out["code"].astype(object)
        out["missing"] = out["missing"].astype(bool)
        return out


def multiple_response(
    chosen: pd.DataFrame,
    *,
    labels: Labels | None = None,
    missing: Labels | None = None,
    weights: pd.Series | Sequence[float] | np.ndarray | None = None,
    confidence: float = 0.95,
    interval: str = "wilson",
    name: str = "",
) -> MultipleResponse:
    """Tabulate a multiple-choice question as SPSS's MULT RESPONSE does.

    Parameters
    ----------
    chosen : DataFrame
        One 0/1 column per option (:func:`indicators`), one row per respondent.
    labels : mapping, optional
        Option code -> its label.
    missing : mapping, optional
        The options that are missing kinds, ``code -> label``.
    weights : Series or sequence of float, optional
        One weight per respondent.
    confidence : float
    interval : {"wilson", "beta"}
    name : str
        The question.

    Returns
    -------
    MultipleResponse

    Raises
    ------
    ValueError
        On an unknown interval method, a cell that is not 0 or 1, or unusable weights.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {sorted(INTERVALS)}, got {interval!r}")
    if not chosen.isin([0, 1]).all().all():
        raise ValueError("every cell of a multiple-choice question's columns must be 0 or 1")
    options, case = _cases(chosen, missing)
    index = pd.Series(0, index=chosen.index)
    w = np.ones(len(chosen)) if weights is None else weights_of(index, weights)
    marks = chosen.to_numpy(dtype=np.int64)
    counts = marks.sum(axis=0)
    sums = (marks * w[:, None]).sum(axis=0)
    kinds = np.array([c not in options for c in chosen.columns], dtype=bool)
    responses = float(sums[~kinds].sum())
    base = float(w[case].sum())
    n_eff = None if weights is None else (effective_size(w[case]) if w[case].any() else 0.0)
    size = float(case.sum() if n_eff is None else n_eff)
    share = np.where(kinds, np.nan, sums / base if base else np.nan)
    low, high = np.full(len(counts), np.nan), np.full(len(counts), np.nan)
    shown = ~kinds & np.isfinite(share)
    if size > 0 and shown.any():
        low[shown], high[shown] = proportion_confint(
            share[shown] * size, size, alpha=1 - confidence, method=interval
        )
    table = pd.DataFrame(
        {
            "code": pd.array(list(chosen.columns), dtype=object),
            "label": [label(c, labels if c in options else missing) for c in chosen.columns],
            "missing": kinds,
            "count": counts.astype(np.int64),
        }
    )
    if weights is not None:
        table["weighted_count"] = sums
    table["percent_of_responses"] = np.where(
        kinds, np.nan, 100 * sums / responses if responses else np.nan
    )
    table["percent_of_cases"] = 100 * share
    table["ci_low"], table["ci_high"] = 100 * low, 100 * high
    level = f"{100 * confidence:g} %"
    method = (
        "SPSS MULT RESPONSE: percent of responses (of the options chosen) and percent of cases "
        f"(of the {int(case.sum())} respondents who chose at least one option; "
        f"{int((~case).sum())} chose none and are left out); {INTERVALS[interval]} ({level}) "
        "of each percent of cases"
    )
    if weights is not None:
        method += f", weighted, at the Kish effective size n_eff = {size:.1f} of the cases"
    return MultipleResponse(
        table=table,
        name=name,
        n=len(chosen),
        cases=int(case.sum()),
        n_none=int((~case).sum()),
        responses=int(counts[~kinds].sum()),
        n_eff=n_eff,
        confidence=confidence,
        method=method,
    )


@dataclass(frozen=True, eq=False)
class MultipleByGroup:
    """A multiple-choice question's options by a grouping question, a test per option.

    Attributes
    ----------
    table : DataFrame
        One row per option and group: ``option_code``, ``option_label``, ``group_code``,
        ``group_label``, ``count``, ``cases`` (the group's valid cases),
        ``percent_of_cases``.
    tests : DataFrame
        One row per option: ``option_code``, ``option_label``, ``count``, ``test``
        (``chi2``, ``fisher``, ``monte-carlo``, or ``none`` for an option chosen by none or
        by every case), ``statistic``, ``p_value``, ``p_holm`` (Holm-adjusted over the
        options tested), ``cramers_v``.
    counts, percents : DataFrame
        Options (labels) x groups (labels).
    cases : Series
        Valid cases per group (labels).
    name, group_name : str
    n, n_excluded : int
        Valid cases with a valid group; respondents left out (no option chosen, or no group).
    method : str
    """

    table: pd.DataFrame
    tests: pd.DataFrame
    counts: pd.DataFrame
    percents: pd.DataFrame
    cases: pd.Series
    name: str
    group_name: str
    n: int
    n_excluded: int
    method: str


def multiple_by_group(
    chosen: pd.DataFrame,
    groups: pd.Series,
    *,
    labels: Labels | None = None,
    missing: Labels | None = None,
    group_labels: Labels | None = None,
    group_missing: Labels | None = None,
    resamples: int = 9999,
    seed: int = 0,
    name: str = "",
) -> MultipleByGroup:
    """Cross each option of a multiple-choice question with a grouping question.

    Parameters
    ----------
    chosen : DataFrame
        One 0/1 column per option (:func:`indicators`).
    groups : Series
        The grouping question's codes, on the same index.
    labels, missing : mapping, optional
        Option labels; the options that are missing kinds.
    group_labels, group_missing : mapping, optional
        The groups' labels and missing kinds.
    resamples, seed : int
        Of a Monte Carlo Fisher test (:func:`~analysis_utils.survey.crosstables.crosstable`).
    name : str

    Returns
    -------
    MultipleByGroup

    Raises
    ------
    ValueError
        If no valid case has a valid group.
    """
    options, case = _cases(chosen, missing)
    group_ok, _, _ = masks(groups, missing=group_missing)
    keep = case & group_ok
    if not keep.any():
        raise ValueError(f"no respondent chose an option of {name!r} and answered {groups.name!r}")
    codes = valid_codes(groups[keep], labels=group_labels, missing=group_missing)
    seen = set(pd.unique(groups[keep]))
    codes = [c for c in codes if c in seen]
    names = [label(c, group_labels) for c in codes]
    g = groups[keep]
    marks = chosen.loc[keep, options]
    counts = pd.DataFrame(
        {n: marks[(g == c).to_numpy()].sum(axis=0) for c, n in zip(codes, names, strict=True)}
    )
    cases = pd.Series({n: int((g == c).sum()) for c, n in zip(codes, names, strict=True)})
    counts.index = [label(o, labels) for o in options]
    percents = 100 * counts.div(cases, axis=1)
    rows = []
    for o, option in zip(options, counts.index, strict=True):
        for c, group in zip(codes, names, strict=True):
            rows.append(
                {
                    "option_code": o,
                    "option_label": option,
                    "group_code": c,
                    "group_label": group,
                    "count": int(counts.loc[option, group]),
                    "cases": int(cases[group]),
                    "percent_of_cases": float(percents.loc[option, group]),
                }
            )
    tested = []
    for o, option in zip(options, counts.index, strict=True):
        total = int(counts.loc[option].sum())
        row = {"option_code": o, "option_label": option, "count": total, "test": "none"}
        row.update(statistic=math.nan, p_value=math.nan, cramers_v=math.nan)
        if 0 < total < int(keep.sum()) and len(codes) >= 2:
            result = crosstable(
                g, marks[o], row_labels=group_labels, resamples=resamples, seed=seed
            )
            row.update(
                test=result.test,
                statistic=result.statistic,
                p_value=result.p_value,
                cramers_v=result.cramers_v,
            )
        tested.append(row)
    tests = pd.DataFrame(tested)
    tests["p_holm"] = math.nan
    done = tests["test"] != "none"
    if done.any():
        tests.loc[done, "p_holm"] = multipletests(tests.loc[done, "p_value"], method="holm")[1]
    method = (
        "percent of each group's cases (respondents who chose at least one option); each option "
        "tested on its own as chosen or not by group (chi-square, or Fisher's exact test where "
        "expected counts are small, as the crosstabs), p-values also Holm-adjusted for the "
        f"{int(done.sum())} options tested; unweighted counts"
    )
    return MultipleByGroup(
        table=pd.DataFrame(rows),
        tests=tests[
            [
                "option_code",
                "option_label",
                "count",
                "test",
                "statistic",
                "p_value",
                "p_holm",
                "cramers_v",
            ]
        ],
        counts=counts,
        percents=percents,
        cases=cases,
        name=name,
        group_name=str(groups.name) if groups.name is not None else "",
        n=int(keep.sum()),
        n_excluded=int(len(chosen) - keep.sum()),
        method=method,
    )

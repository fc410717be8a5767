"""Frequency tables per question, laid out as SPSS's Frequencies and Stata's ``tab`` print them.

:func:`frequency_table` gives one row per valid code (labelled codes in the labels'
order, then any other code given), one row per declared missing kind and, when
someone left the question blank, one row of blank answers (system-missing). Its
columns are SPSS's: frequency, percent (of every respondent), valid percent (of the
valid answers), cumulative percent (of the valid answers, in row order), and an
interval of each valid share (Wilson score interval by default, or Clopper-Pearson),
from statsmodels' :func:`~statsmodels.stats.proportion.proportion_confint`.

With weights the percents are weighted, the unweighted frequency stays beside the
weighted one, and each interval is the same interval at the Kish effective sample size
of the valid answers, ``n_eff = (sum w)^2 / sum w^2``: the design effect of unequal
weights only (no strata or clusters), as :mod:`~analysis_utils.survey.weights` does.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.survey.coded import (
    BLANK_LABEL,
    Labels,
    keys_of,
    label,
    masks,
    plain,
    valid_codes,
    weights_of,
)
from analysis_utils.survey.weights import effective_size

#: Interval methods: the keyword of ``proportion_confint`` -> its name in a method string.
INTERVALS = {"wilson": "Wilson score interval", "beta": "Clopper-Pearson (exact) interval"}


@dataclass(frozen=True, eq=False)
class FrequencyTable:
    """A question's frequency table and how it was computed.

    Attributes
    ----------
    table : DataFrame
        One row per code: ``code``, ``label``, ``missing`` (True on a missing kind or the
        blank row), ``frequency`` (respondents, unweighted), ``weighted_frequency`` (sum
        of weights; only when weighted), ``percent`` (of every respondent),
        ``valid_percent`` and ``cumulative_percent`` (of the valid answers; NaN on
        missing rows), ``ci_low`` and ``ci_high`` (the interval of ``valid_percent``, in
        percent; NaN on missing rows).
    name : str
        The question.
    n, n_valid, n_missing : int
        Respondents: all, with a valid answer, with a missing kind or blank.
    n_eff : float or None
        Kish effective sample size of the valid answers, when weighted.
    confidence : float
        Level of the intervals.
    method : str
        How the percents and intervals are computed, in words.
    """

    table: pd.DataFrame
    name: str
    n: int
    n_valid: int
    n_missing: int
    n_eff: float | None
    confidence: float
    method: str

    @property
    def weighted(self) -> bool:
        """Whether the percents are weighted."""
        return self.n_eff is not None

    def with_totals(self) -> pd.DataFrame:
        """Give the table as SPSS prints it, with its total rows.

        Returns
        -------
        DataFrame
            :attr:`table` with a row ``Total valid`` after the valid answers, ``Total
            missing`` after the missing rows (when there are any) and ``Total`` last; their
            ``code`` is empty, their frequencies and percents the sums of the rows above
            (valid percent 100 on ``Total valid``), their intervals NaN.
        """
        table = self.table
        sums = [c for c in ("frequency", "weighted_frequency", "percent") if c in table]

        def total(rows: pd.DataFrame, name: str, missing: bool) -> pd.DataFrame:
            row: dict[str, object] = {c: np.nan for c in table.columns}
            row.update(code=pd.NA, label=name, missing=missing)
            row.update({c: rows[c].sum() for c in sums})
            if not missing and name == "Total valid":
                row["valid_percent"] = 100.0 if len(rows) and rows["frequency"].sum() else np.nan
            return pd.DataFrame([row], columns=table.columns)

        valid, missing = table[~table["missing"]], table[table["missing"]]
        parts = [valid, total(valid, "Total valid", False)]
        if len(missing):
            parts += [missing, total(missing, "Total missing", True)]
        parts.append(total(table, "Total", False))
        out = pd.concat(parts, ignore_index=True)
        out["frequency"] = out["frequency"].astype(np.int64)
        out["code"] = out["code"].astype(object)
        out["missing"] = out["missing"].astype(bool)
        return out


def frequency_table(
    answers: pd.Series,
    *,
    labels: Labels | None = None,
    missing: Labels | None = None,
    weights: pd.Series | Sequence[float] | np.ndarray | None = None,
    confidence: float = 0.95,
    interval: str = "wilson",
) -> FrequencyTable:
    """Tabulate one question as SPSS's Frequencies does, with an interval per valid share.

    Parameters
    ----------
    answers : Series
        One code per respondent; ``NaN`` is a blank answer.
    labels : mapping, optional
        Value labels ``code -> label`` (labelled codes are listed even at frequency 0).
    missing : mapping, optional
        Declared missing kinds ``code -> label``, each its own row, out of the valid percent.
    weights : Series or sequence of float, optional
        One weight per respondent (a Series aligned on the answers' index).
    confidence : float
        Level of the two-sided intervals.
    interval : {"wilson", "beta"}
        Wilson score interval, or Clopper-Pearson (``beta``).

    Returns
    -------
    FrequencyTable

    Raises
    ------
    ValueError
        On an unknown interval method or unusable weights.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {sorted(INTERVALS)}, got {interval!r}")
    valid, declared, blank = masks(answers, missing=missing)
    w = np.ones(len(answers)) if weights is None else weights_of(answers, weights)
    keys = keys_of(answers)
    codes = valid_codes(answers, labels=labels, missing=missing)
    rows: list[tuple[Hashable, str, bool, np.ndarray]] = [
        (c, label(c, labels), False, valid & (keys == c).to_numpy()) for c in codes
    ]
    rows += [
        (plain(k), str(t), True, declared & (keys == plain(k)).to_numpy())
        for k, t in (missing or {}).items()
    ]
    if blank.any():
        rows.append((pd.NA, BLANK_LABEL, True, blank))
    counts = np.array([int(m.sum()) for *_, m in rows], dtype=np.int64)
    sums = np.array([float(w[m].sum()) for *_, m in rows])
    is_missing = np.array([r[2] for r in rows], dtype=bool)
    valid_sum, total_sum = float(w[valid].sum()), float(w.sum())
    share = np.where(is_missing, np.nan, sums / valid_sum if valid_sum else np.nan)
    running = np.where(is_missing, np.nan, np.cumsum(np.where(is_missing, 0.0, sums)))
    n_valid = int(valid.sum())
    n_eff = None if weights is None else (effective_size(w[valid]) if w[valid].any() else 0.0)
    size = float(n_valid if n_eff is None else n_eff)
    low = np.full(len(rows), np.nan)
    high = np.full(len(rows), np.nan)
    shown = ~is_missing
    if size > 0 and shown.any():
        low[shown], high[shown] = proportion_confint(
            share[shown] * size, size, alpha=1 - confidence, method=interval
        )
    table = pd.DataFrame(
        {
            "code": pd.array([r[0] for r in rows], dtype=object),
            "label": [r[1] for r in rows],
            "missing": is_missing,
            "frequency": counts,
        }
    )
    if weights is not None:
        table["weighted_frequency"] = sums
    table["percent"] = 100 * sums / total_sum if total_sum else np.nan
    table["valid_percent"] = 100 * share
    table["cumulative_percent"] = 100 * running / valid_sum if valid_sum else np.nan
    table["ci_low"] = 100 * low
    table["ci_high"] = 100 * high
    level = f"{100 * confidence:g} %"
    if weights is None:
        method = f"{INTERVALS[interval]} ({level}) of each valid percent, n = {n_valid} valid"
    else:
        method = (
            f"weighted percents; {INTERVALS[interval]} ({level}) of each valid percent at the "
            f"Kish effective sample size n_eff = (sum w)^2 / sum w^2 = {size:.1f} of the "
            f"{n_valid} valid answers (unequal weights only: no strata or clusters)"
        )
    return FrequencyTable(
        table=table,
        name=str(answers.name) if answers.name is not None else "",
        n=len(answers),
        n_valid=n_valid,
        n_missing=len(answers) - n_valid,
        n_eff=n_eff,
        confidence=confidence,
        method=method,
    )


def frequency_tables(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, Labels] | None = None,
    missing: Mapping[str, Labels] | None = None,
    weights: pd.Series | Sequence[float] | np.ndarray | None = None,
    confidence: float = 0.95,
    interval: str = "wilson",
) -> dict[str, FrequencyTable]:
    """Tabulate every column of a frame (:func:`frequency_table` per question).

    Parameters
    ----------
    frame : DataFrame
        One column per question.
    labels, missing : mapping, optional
        Question -> its value labels, question -> its missing kinds.
    weights, confidence, interval
        As :func:`frequency_table`.

    Returns
    -------
    dict
        Question -> its :class:`FrequencyTable`, in the frame's column order.
    """
    return {
        str(column): frequency_table(
            frame[column],
            labels=(labels or {}).get(str(column)),
            missing=(missing or {}).get(str(column)),
            weights=weights,
            confidence=confidence,
            interval=interval,
        )
        for column in frame.columns
    }

"""Crosstabs with tests, as SPSS's Crosstabs and Stata's ``tab row col, chi2 exact V`` print them.

:func:`crosstable` counts the respondents by a grouping question (rows) and an outcome
question (columns), both valid (a declared missing kind or a blank on either leaves the
respondent out, as SPSS's "valid cases"), and gives per cell the count, the row, column
and total percents, the expected count under independence and the adjusted standardised
residual ``(O - E) / sqrt(E (1 - row share) (1 - column share))`` (SPSS's "adjusted
residual"; beyond +-1.96 a cell departs from independence at the 5 % level).

The test is chosen by the expected counts (``test="auto"``):

- every expected count >= 5: Pearson's chi-square test of independence, no continuity
  correction (scipy's ``chi2_contingency(correction=False)``; SPSS's "Pearson
  Chi-Square", Stata's ``chi2``);
- a 2x2 table with an expected count below 5: Fisher's exact test, two-sided (scipy's
  ``fisher_exact``), its statistic the sample odds ratio;
- a larger table with an expected count below 1 or more than 20 % of them below 5
  (Cochran's rule: the chi-square approximation is doubtful): the Fisher-Freeman-Halton
  exact test with its p-value by Monte Carlo (scipy's ``fisher_exact`` with a
  ``MonteCarloMethod`` drawing tables of the same margins, from a seeded generator), as
  SPSS's Exact Tests "Monte Carlo" and R's ``fisher.test(simulate.p.value = TRUE)``.

Cramér's V is ``sqrt(chi2 / (n (min(r, c) - 1)))`` of the uncorrected chi-square (scipy's
``contingency.association(method="cramer")``). The counts are unweighted.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis_utils.survey.coded import Labels, keys_of, label, masks, valid_codes

#: Tests :func:`crosstable` may be asked for.
TESTS = ("auto", "chi2", "fisher", "monte-carlo")

#: Smallest expected count at which the chi-square approximation is trusted (Cochran).
MIN_EXPECTED = 5.0


@dataclass(frozen=True, eq=False)
class CrossTable:
    """A rows x columns table of respondents with its test.

    Attributes
    ----------
    table : DataFrame
        One row per cell: ``row_code``, ``row_label``, ``column_code``, ``column_label``,
        ``count``, ``row_percent``, ``column_percent``, ``total_percent``, ``expected``,
        ``adjusted_residual``.
    counts : DataFrame
        The counts as a rows x columns table (index: row labels, columns: column labels).
    expected, residuals : DataFrame
        Expected counts and adjusted standardised residuals, the same shape.
    row_name, column_name : str
        The grouping question and the outcome question.
    n, n_excluded : int
        Respondents in the table; left out for a missing answer to either question.
    statistic : float
        The test's statistic: the chi-square, or the odds ratio of a 2x2 Fisher test, or
        the chi-square of the table whose Monte Carlo Fisher p-value is given.
    df : int
        Degrees of freedom of the chi-square.
    p_value : float
        Of the test named in ``method``.
    chi2, chi2_p_value : float
        Pearson's chi-square and its asymptotic p-value, whatever the test.
    cramers_v : float
    min_expected : float
    small_expected : int
        Cells with an expected count below 5.
    test : str
        ``chi2``, ``fisher`` or ``monte-carlo``.
    method : str
    """

    table: pd.DataFrame
    counts: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    row_name: str
    column_name: str
    n: int
    n_excluded: int
    statistic: float
    df: int
    p_value: float
    chi2: float
    chi2_p_value: float
    cramers_v: float
    min_expected: float
    small_expected: int
    test: str
    method: str

    @property
    def row_percent(self) -> pd.DataFrame:
        """Percent of each row's respondents in each column."""
        return 100 * self.counts.div(self.counts.sum(axis=1), axis=0)

    @property
    def column_percent(self) -> pd.DataFrame:
        """Percent of each column's respondents in each row."""
        return 100 * self.counts.div(self.counts.sum(axis=0), axis=1)


def adjusted_residuals(counts: np.ndarray) -> np.ndarray:
    """Give the adjusted standardised residuals of a table of counts.

    Parameters
    ----------
    counts : numpy.ndarray
        r x c counts, no empty row or column.

    Returns
    -------
    numpy.ndarray
        ``(O - E) / sqrt(E (1 - r_i / n) (1 - c_j / n))``.
    """
    observed = np.asarray(counts, dtype=np.float64)
    n = observed.sum()
    rows, columns = observed.sum(axis=1) / n, observed.sum(axis=0) / n
    expected = np.outer(rows, columns) * n
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray = (observed - expected) / np.sqrt(
            expected * np.outer(1 - rows, 1 - columns)
        )
    return out


def _choose(test: str, shape: tuple[int, int], expected: np.ndarray) -> str:
    if test != "auto":
        return test
    small = expected < MIN_EXPECTED
    if not small.any():
        return "chi2"
    if shape == (2, 2):
        return "fisher"
    if (expected < 1).any() or small.mean() > 0.2:
        return "monte-carlo"
    return "chi2"


def crosstable(
    rows: pd.Series,
    columns: pd.Series,
    *,
    row_labels: Labels | None = None,
    column_labels: Labels | None = None,
    row_missing: Labels | None = None,
    column_missing: Labels | None = None,
    test: str = "auto",
    resamples: int = 9999,
    seed: int = 0,
) -> CrossTable:
    """Cross a grouping question (rows) with an outcome question (columns), and test it.

    Parameters
    ----------
    rows, columns : Series
        One code per respondent each, on the same index.
    row_labels, column_labels : mapping, optional
        Value labels of each question.
    row_missing, column_missing : mapping, optional
        Declared missing kinds of each question (left out).
    test : {"auto", "chi2", "fisher", "monte-carlo"}
        ``auto`` chooses by the expected counts (see the module); ``fisher`` is for 2x2.
    resamples : int
        Tables drawn for a Monte Carlo p-value.
    seed : int
        Seed of the generator of those tables.

    Returns
    -------
    CrossTable

    Raises
    ------
    ValueError
        If the questions are of different lengths, the test is unknown, ``fisher`` is
        asked of a table that is not 2x2, or fewer than two rows or columns have answers.
    """
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}, got {test!r}")
    if len(rows) != len(columns):
        raise ValueError(f"{len(rows)} answers to the rows but {len(columns)} to the columns")
    r_valid, _, _ = masks(rows, missing=row_missing)
    c_valid, _, _ = masks(columns, missing=column_missing)
    both = r_valid & c_valid
    r_keys, c_keys = keys_of(rows[both]).to_numpy(), keys_of(columns[both]).to_numpy()
    r_seen, c_seen = set(pd.unique(r_keys)), set(pd.unique(c_keys))
    r_codes = [c for c in valid_codes(rows[both], labels=row_labels) if c in r_seen]
    c_codes = [c for c in valid_codes(columns[both], labels=column_labels) if c in c_seen]
    if len(r_codes) < 2 or len(c_codes) < 2:
        raise ValueError(
            f"a crosstab needs two rows and two columns with answers; got {len(r_codes)} "
            f"of {rows.name!r} and {len(c_codes)} of {columns.name!r}"
        )
    cell = pd.Index(r_codes).get_indexer(r_keys) * len(c_codes) + pd.Index(c_codes).get_indexer(
        c_keys
    )
    observed = np.bincount(cell, minlength=len(r_codes) * len(c_codes)).reshape(
        len(r_codes), len(c_codes)
    )
    chi = stats.chi2_contingency(observed, correction=False)
    expected = np.asarray(chi.expected_freq)
    n = int(observed.sum())
    chosen = _choose(test, observed.shape, expected)
    if chosen == "fisher" and observed.shape != (2, 2):
        raise ValueError("Fisher's exact test is for 2x2 tables; use test='monte-carlo'")
    small = int((expected < MIN_EXPECTED).sum())
    note = (
        f"{small} of {expected.size} cells have an expected count below 5 "
        f"(smallest {expected.min():.2f})"
    )
    statistic, p_value = float(chi.statistic), float(chi.pvalue)
    if chosen == "chi2":
        method = "chi-square test of independence (Pearson, no continuity correction)"
        if small:
            method += f"; {note}: the chi-square approximation is doubtful"
    elif chosen == "fisher":
        fisher = stats.fisher_exact(observed)
        statistic, p_value = float(fisher.statistic), float(fisher.pvalue)
        method = f"Fisher's exact test (two-sided; statistic: odds ratio); {note}"
    else:
        simulated = stats.fisher_exact(
            observed,
            method=stats.MonteCarloMethod(n_resamples=resamples, rng=np.random.default_rng(seed)),
        )
        # scipy gives a p-value of shape (1,) for some small tables (a row of one respondent)
        p_value = float(np.squeeze(simulated.pvalue))
        method = (
            "Fisher-Freeman-Halton exact test, p-value by Monte Carlo "
            f"({resamples} tables of the same margins, seed {seed}); statistic: Pearson "
            f"chi-square; {note}"
        )
    dims = min(observed.shape) - 1
    residuals = adjusted_residuals(observed)
    r_names = [label(c, row_labels) for c in r_codes]
    c_names = [label(c, column_labels) for c in c_codes]
    cells = [(i, j) for i in range(len(r_codes)) for j in range(len(c_codes))]
    table = pd.DataFrame(
        {
            "row_code": pd.array([r_codes[i] for i, _ in cells], dtype=object),
            "row_label": [r_names[i] for i, _ in cells],
            "column_code": pd.array([c_codes[j] for _, j in cells], dtype=object),
            "column_label": [c_names[j] for _, j in cells],
            "count": [int(observed[i, j]) for i, j in cells],
            "row_percent": [100 * observed[i, j] / observed[i].sum() for i, j in cells],
            "column_percent": [100 * observed[i, j] / observed[:, j].sum() for i, j in cells],
            "total_percent": [100 * observed[i, j] / n for i, j in cells],
            "expected": [float(expected[i, j]) for i, j in cells],
            "adjusted_residual": [float(residuals[i, j]) for i, j in cells],
        }
    )

    def wide(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=pd.Index(r_names), columns=pd.Index(c_names))

    return CrossTable(
        table=table,
        counts=wide(observed),
        expected=wide(expected),
        residuals=wide(residuals),
        row_name=str(rows.name) if rows.name is not None else "",
        column_name=str(columns.name) if columns.name is not None else "",
        n=n,
        n_excluded=len(rows) - n,
        statistic=statistic,
        df=int(chi.dof),
        p_value=p_value,
        chi2=float(chi.statistic),
        chi2_p_value=float(chi.pvalue),
        cramers_v=math.sqrt(float(chi.statistic) / (n * dims)),
        min_expected=float(expected.min()),
        small_expected=small,
        test=chosen,
        method=method,
    )


def crosstables(
    frame: pd.DataFrame,
    outcome: str,
    by: Sequence[str],
    *,
    labels: Mapping[str, Labels] | None = None,
    missing: Mapping[str, Labels] | None = None,
    test: str = "auto",
    resamples: int = 9999,
    seed: int = 0,
) -> dict[Hashable, CrossTable]:
    """Cross one outcome question with several grouping questions at once.

    Parameters
    ----------
    frame : DataFrame
        One column per question.
    outcome : str
        The question of the columns.
    by : sequence of str
        The grouping questions, one table each (as rows).
    labels, missing : mapping, optional
        Question -> its value labels, question -> its missing kinds.
    test, resamples, seed
        As :func:`crosstable`.

    Returns
    -------
    dict
        Grouping question -> its :class:`CrossTable`, in the order of ``by``.
    """
    labels, missing = labels or {}, missing or {}
    return {
        group: crosstable(
            frame[group],
            frame[outcome],
            row_labels=labels.get(group),
            column_labels=labels.get(outcome),
            row_missing=missing.get(group),
            column_missing=missing.get(outcome),
            test=test,
            resamples=resamples,
            seed=seed,
        )
        for group in by
    }

"""The headline findings of the study, read from its results, and numbers written with their label.

Nothing here types a number of the study: every number comes from the typed
results of the notebooks (read from ``reports/results/*.json`` by each results
class's ``load``, such as :class:`analysis_utils.audit.results.AuditResults`) or
a result table, and is
written by :func:`number` with the label saying where it comes from
(:data:`LABELS`). The report page (:mod:`analysis_utils.report.pages`) leads
with :func:`headline`; the replication report
(:mod:`analysis_utils.report.replication`) uses the same findings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis_utils.audit.results import AuditResults

#: Where a printed number comes from, as the project labels it.
LABELS: dict[str, str] = {
    "parameter": "a setting of the analysis (a notebook parameter)",
    "reported": "printed in the article",
    "recomputed": "computed again from other numbers or from data",
    "derived": "follows from the article's numbers by a stated rule",
    "reconstructed": "holds across the count vectors consistent with the reported percentages",
    "external": "from official statistics outside the article",
    "derived from external figures": "computed by this package from official statistics",
    "simulated": "a Monte Carlo estimate of this package (its seed stated)",
    "count": "a count of rows of this package's own tables",
}


def number(value: float | int, label: str, *, digits: int = 3) -> str:
    """Write a number as the reports print it, with its label.

    Parameters
    ----------
    value : float or int
        Integers (or integral floats) are written with thousands separators;
        other numbers to ``digits`` significant digits (``g`` format).
    label : str
        A key of :data:`LABELS`.
    digits : int
        Significant digits of a non-integral number.

    Returns
    -------
    str
        For example ``"4 (reported)"`` or ``"0.809 (external)"``.

    Raises
    ------
    ValueError
        If the label is not one of :data:`LABELS` or the value is not finite.
    """
    return f"{plain(value, digits=digits)} ({_checked(label)})"


def plain(value: float | int, *, digits: int = 3) -> str:
    """Write a number without a label (inside a sentence that states its label once).

    Parameters
    ----------
    value : float or int
    digits : int
        Significant digits of a non-integral number.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the value is not finite.
    """
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.{digits}g}"


def _checked(label: str) -> str:
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}: use one of {', '.join(LABELS)}")
    return label


@dataclass(frozen=True)
class Finding:
    """One headline finding: a short title, one sentence and its label.

    Attributes
    ----------
    title : str
    sentence : str
    label : str
        A key of :data:`LABELS`: where the finding's numbers come from.
    """

    title: str
    sentence: str
    label: str


def sample_size(audit: AuditResults) -> Finding:
    """Return the finding on the stated sample size (``02_audit_reported_percentages``).

    Parameters
    ----------
    audit : AuditResults
        The results of ``02_audit_reported_percentages``.

    Returns
    -------
    Finding
    """
    stated = audit.stated_n
    if stated is None:
        raise ValueError("the source states no sample size: no finding on it")
    percents = sorted(int(p) for p in audit.percentages_possible_at_stated_n)
    listed = ", ".join(plain(p) for p in percents[:-1]) + f" and {plain(percents[-1])} %"
    smallest = audit.smallest_n_full_sample
    all_n = audit.smallest_n_all_percentages
    if audit.stated_n_consistent:
        return Finding(
            "The stated sample size is possible",
            f"The stated n = {number(stated, 'reported')} can give every reported percentage "
            f"({listed}).",
            "derived",
        )
    if smallest is None or all_n is None:
        raise ValueError("no sample size searched gives the reported percentages")
    return Finding(
        "The stated sample size is impossible",
        f"No count of the stated n = {number(stated, 'reported')} respondents gives any of the "
        f"reported {listed}, under any rounding rule; the smallest sample size giving the "
        f"percentages of the whole sample is n = {number(smallest, 'derived')} (a percentage "
        "that may be of a subgroup then being one), or "
        f"n = {number(all_n, 'derived')} if every percentage is a share of all respondents.",
        "derived",
    )


def _short(verdict: str) -> str:
    """Return a source's verdict without its parenthesised reading."""
    return verdict.split(" (", 1)[0]


def claim(row: Mapping[str, Any]) -> Finding:
    """Return the finding on one claim: the article's verdict and ours.

    A row of ``verdict_table.csv``.

    Parameters
    ----------
    row : mapping
        ``id, tested_claim, article_verdict, evidence, our_verdict``.

    Returns
    -------
    Finding
        Labelled ``reconstructed`` for a survey verdict, ``external`` for one
        resting on official statistics.
    """
    survey = str(row["evidence"]) == "survey"
    theirs = _short(str(row["article_verdict"]))
    article = "The article states it" if theirs == "stated" else f"The article: {theirs}"
    return Finding(
        f"{row['id']}: {row['tested_claim']}",
        f"{article}. Here: {row['our_verdict']}.",
        "reconstructed" if survey else "external",
    )


def reproduction(statuses: Mapping[str, int], order: Sequence[str]) -> Finding:
    """Return the finding on the reproduction table: how many rows have each status.

    Parameters
    ----------
    statuses : mapping
        Status to rows.
    order : sequence of str
        The statuses in the order to name them (those with no row are left out).

    Returns
    -------
    Finding
    """
    total = sum(statuses.values())
    parts = [f"{plain(statuses[s])} \u201c{s}\u201d" for s in order if statuses.get(s)]
    return Finding(
        "Every number of the article has a status",
        f"Of {number(total, 'count')} rows (numbers the article prints, unprinted figure "
        f"values and checks): {', '.join(parts)}.",
        "derived",
    )


def headline(
    audit: AuditResults,
    verdicts: pd.DataFrame,
    statuses: Mapping[str, int],
    order: Sequence[str],
) -> tuple[Finding, ...]:
    """Return the headline findings, in the order a reader wants them.

    Parameters
    ----------
    audit : AuditResults
        The results of ``02_audit_reported_percentages``.
    verdicts : DataFrame
        ``verdict_table.csv``: hypotheses (ids ``H...``) first, then the other claims.
    statuses : mapping
        Rows per status of the reproduction table.
    order : sequence of str
        Statuses in the order that matters.

    Returns
    -------
    tuple of Finding
        The sample size, one per claim, the reproduction table.
    """
    rows = verdicts.to_dict("records")
    ranked = sorted(rows, key=lambda r: not str(r["id"]).startswith("H"))
    return (
        sample_size(audit),
        *(claim(r) for r in ranked),
        reproduction(statuses, order),
    )

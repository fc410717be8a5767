"""Each ``audit-table`` verdict's reason, in words, for a whole table of values at once.

The reasons name what decided the verdict: the counts that give the value at ``n``
(``count 2 of n = 3 gives 67``), that none does, that ``n`` is too large for the test
to bite at the printed precision, that the value has too many decimals, or at how many
of the sizes searched the value is possible.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis_utils.audit.reported import MAX_DECIMALS

CONSISTENT, INCONSISTENT, NOT_TESTABLE = "consistent", "inconsistent", "not testable"


def _one(
    value: str,
    verdict: str,
    decimals: int,
    percent: bool,
    items: int,
    n: int,
    n_min: int,
    n_max: int,
    below: bool,
    rounding: str,
    low: int,
    high: int,
    count: int,
) -> str:
    """Say one row's reason."""
    if decimals > MAX_DECIMALS:
        return (
            f"too many decimals: {decimals}, more than {MAX_DECIMALS} (a number printed in "
            "full, not a rounded report)"
        )
    of = f"n = {n}" if items == 1 else f"n = {n} x {items} items"
    if n and verdict == NOT_TESTABLE:
        return (
            f"n too large: {of} is at least 10^{decimals + 2 * percent}, so every value "
            f"printed with {decimals} decimal(s) is possible"
        )
    if n and below:
        bound = value.lstrip("<").strip().rstrip("%").strip()
        if verdict == CONSISTENT:
            return f"counts {low} to {high} of n = {n} are shares between 0 and {bound} %"
        return f"no count of n = {n} is a share strictly between 0 and {bound} %"
    if n and verdict == CONSISTENT:
        what = "count" if percent else "sum"
        if low == high:
            return f"{what} {low} of {of} gives {value} ({rounding})"
        return f"{what}s {low} to {high} of {of} give {value} ({rounding})"
    if n:
        what = "count" if percent else "sum of integer answers"
        return f"no {what} of {of} gives {value} ({rounding})"
    if verdict == NOT_TESTABLE:
        return (
            f"n too large: from n = {n_min} on, every value with {decimals} decimal(s) is possible"
        )
    if verdict == CONSISTENT:
        sizes = n_max - n_min + 1
        return f"possible at {count:,} of the {sizes:,} sizes from {n_min} to {n_max} ({rounding})"
    return f"possible at no size from {n_min} to {n_max} ({rounding})"


def reasons(
    values: Sequence[str],
    verdicts: np.ndarray,
    *,
    decimals: np.ndarray,
    percent: np.ndarray,
    items: np.ndarray,
    n: np.ndarray,
    n_min: np.ndarray,
    n_max: np.ndarray,
    below: np.ndarray,
    rounding: Sequence[str],
    low: np.ndarray,
    high: np.ndarray,
    count: np.ndarray,
) -> list[str]:
    """Say each row's reason.

    Parameters
    ----------
    values : sequence of str
        The values as printed.
    verdicts : numpy.ndarray
        ``consistent``, ``inconsistent`` or ``not testable`` per row.
    decimals, items, n, n_min, n_max : numpy.ndarray
        Per row (``n`` 0 where none is stated).
    percent, below : numpy.ndarray
        ``bool`` per row.
    rounding : sequence of str
        The rounding's name per row.
    low, high : numpy.ndarray
        The counts that give the value at ``n``.
    count : numpy.ndarray
        Sizes searched at which the value is possible.

    Returns
    -------
    list of str
    """
    columns = (
        [str(v).strip() for v in values],
        list(verdicts),
        decimals.tolist(),
        percent.tolist(),
        items.tolist(),
        n.tolist(),
        n_min.tolist(),
        n_max.tolist(),
        below.tolist(),
        list(rounding),
        low.tolist(),
        high.tolist(),
        count.tolist(),
    )
    return [_one(*row) for row in zip(*columns, strict=True)]

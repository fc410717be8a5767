"""Reconstruct the respondent counts that reported rounded percentages allow.

A question with options ``1..m`` answered by ``n`` respondents has a count
vector ``(k_1, ..., k_m)``. A reported percentage restricts ``k_i`` to the
counts that round to it (:func:`analysis_utils.audit.granularity.count_bounds`); an
unreported one leaves ``0..n``. For a single-choice question the counts also
sum to ``n`` (``complete=True``).

:func:`count` says how many vectors are consistent without listing them (a
dynamic programme over exact Python integers); :func:`enumerate_vectors` lists them as
NumPy arrays, in chunks, in lexicographic order.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence

import numpy as np

from analysis_utils.audit.decisions import DEFAULT_ROUNDING, Rounding
from analysis_utils.audit.granularity import count_bounds

#: Rows per chunk yielded by :func:`enumerate_vectors` (at most, unless one prefix needs more).
CHUNK_ROWS = 1 << 16


def _bounds(
    percents: Sequence[str | None],
    n: int,
    rounding: Rounding,
    counts: Sequence[range | None] | None,
) -> list[tuple[int, int]]:
    ranges = count_bounds(list(percents), n, rounding=rounding)
    if counts is not None:
        if len(counts) != len(ranges):
            raise ValueError(f"{len(counts)} count ranges for {len(ranges)} options")
        ranges = [
            r if known is None else range(max(r.start, known.start), min(r.stop, known.stop))
            for r, known in zip(ranges, counts, strict=True)
        ]
    return [(r.start, r.stop - 1) for r in ranges]


def count(
    percents: Sequence[str | None],
    n: int,
    *,
    rounding: Rounding = DEFAULT_ROUNDING,
    complete: bool = True,
    counts: Sequence[range | None] | None = None,
) -> int:
    """Count the integer count vectors consistent with the reported percentages.

    Parameters
    ----------
    percents : sequence of str or None
        Reported percentage per option, as text; ``None`` where unreported.
    n : int
        Number of respondents.
    rounding : Rounding
        How the percentages were rounded
        (:data:`analysis_utils.audit.granularity.ROUNDINGS`).
    complete : bool
        ``True`` for a single-choice question: the counts sum to ``n``.
        ``False``: each option is counted independently (multiple choice).
    counts : sequence of range or None, optional
        Per option, the counts known from elsewhere (``range(k, k + 1)`` for a
        count computed from respondent-level data); ``None`` where nothing is
        known. Intersected with what the percentage allows.

    Returns
    -------
    int
        The exact number of vectors (a Python integer, possibly huge).

    Raises
    ------
    ValueError
        For a bad percentage, ``n < 1`` or an unknown rounding.

    Notes
    -----
    With ``complete=True`` the count is a convolution of the options'
    admissible ranges, computed with prefix sums in exact integer operations;
    nothing is enumerated. Each option's smallest count is taken out first,
    so only the ``r = n - sum(lo)`` respondents left to place are convolved
    (``O(m r)``): a count known exactly (respondent-level answers) costs
    nothing, and a question whose every count is known is counted in
    ``O(m)``, whatever ``n``.
    """
    bounds = _bounds(percents, n, rounding, counts)
    if any(hi < lo for lo, hi in bounds):
        return 0
    if not complete:
        total = 1
        for lo, hi in bounds:
            total *= hi - lo + 1
        return total
    rest = n - sum(lo for lo, _ in bounds)
    spans = [hi - lo for lo, hi in bounds if hi > lo]
    if rest < 0 or rest > sum(spans):
        return 0
    ways = np.zeros(rest + 1, dtype=object)
    ways[0] = 1
    r = np.arange(rest + 1)
    for span in spans:  # each option takes 0..span of the respondents left
        prefix = np.concatenate(([0], np.cumsum(ways)))  # prefix[j] = sum(ways[:j])
        ways = prefix[r + 1] - prefix[np.clip(r - span, 0, rest + 1)]
    return int(ways[rest])


def _completions(bounds: list[tuple[int, int]], n: int) -> np.ndarray:
    """``table[j, r]``: approximate number of ways options ``j..m-1`` sum to ``r`` (float)."""
    m = len(bounds)
    table = np.zeros((m + 1, n + 1))
    table[m, 0] = 1.0
    for j in range(m - 1, -1, -1):
        lo, hi = bounds[j]
        prefix = np.concatenate(([0.0], np.cumsum(table[j + 1])))
        r = np.arange(n + 1)
        table[j] = prefix[np.clip(r - lo + 1, 0, n + 1)] - prefix[np.clip(r - hi, 0, n + 1)]
    return table


def _expand(
    rows: np.ndarray, remaining: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Append every feasible next count ``lo..hi`` (per row) to each row."""
    sizes = hi - lo + 1
    keep = sizes > 0
    rows, remaining, lo, sizes = rows[keep], remaining[keep], lo[keep], sizes[keep]
    total = int(sizes.sum())
    parent = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.cumsum(sizes) - sizes
    values = lo[parent] + (np.arange(total) - starts[parent])
    return (np.column_stack([rows[parent], values]), remaining[parent] - values)


def enumerate_vectors(
    percents: Sequence[str | None],
    n: int,
    *,
    rounding: Rounding = DEFAULT_ROUNDING,
    complete: bool = True,
    counts: Sequence[range | None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[np.ndarray]:
    """Yield every consistent count vector, in chunks, in lexicographic order.

    Parameters
    ----------
    percents, n, rounding, complete, counts
        As for :func:`count`.
    chunk_rows : int
        Target number of rows per chunk.

    Yields
    ------
    numpy.ndarray
        Integer array of shape ``(rows, options)``: one count vector per row.
        Over all chunks there are exactly :func:`count` rows, none repeated.
    """
    bounds = _bounds(percents, n, rounding, counts)
    m = len(bounds)
    if m == 0 or any(hi < lo for lo, hi in bounds):
        return
    lows = np.array([lo for lo, _ in bounds], dtype=np.int64)
    highs = np.array([hi for _, hi in bounds], dtype=np.int64)
    if not complete:
        yield from _product(lows, highs, chunk_rows)
        return
    # suffix sums of the bounds: what options j.. can still absorb
    min_rest = np.concatenate((np.cumsum(lows[::-1])[::-1], [0]))
    max_rest = np.concatenate((np.cumsum(highs[::-1])[::-1], [0]))
    ways = _completions(bounds, n)
    if ways[0, n] < 0.5:
        return
    stack: list[tuple[np.ndarray, np.ndarray]] = [
        (np.zeros((1, 0), dtype=np.int64), np.array([n], dtype=np.int64))
    ]
    while stack:
        rows, remaining = stack.pop()
        j = rows.shape[1]
        if j == m:
            yield rows
            continue
        size = ways[j, remaining].sum()
        if size <= chunk_rows or j == m - 1:
            while rows.shape[1] < m:
                j = rows.shape[1]
                lo = np.maximum(lows[j], remaining - max_rest[j + 1])
                hi = np.minimum(highs[j], remaining - min_rest[j + 1])
                rows, remaining = _expand(rows, remaining, lo, hi)
            if len(rows):
                yield rows
        elif len(rows) > 1:
            half = len(rows) // 2
            stack.append((rows[half:], remaining[half:]))
            stack.append((rows[:half], remaining[:half]))
        else:
            lo = np.maximum(lows[j], remaining - max_rest[j + 1])
            hi = np.minimum(highs[j], remaining - min_rest[j + 1])
            rows, remaining = _expand(rows, remaining, lo, hi)
            stack.append((rows, remaining))


def _product(lows: np.ndarray, highs: np.ndarray, chunk_rows: int) -> Iterator[np.ndarray]:
    """Cartesian product of the ranges ``lows[i]..highs[i]``, in chunks."""
    shape = tuple(int(s) for s in highs - lows + 1)
    total = 1
    for s in shape:
        total *= s
    for start in builtins.range(0, total, chunk_rows):
        flat = np.arange(start, min(start + chunk_rows, total), dtype=np.int64)
        yield np.column_stack(np.unravel_index(flat, shape)).astype(np.int64) + lows


def count_ranges(
    percents: Sequence[str | None],
    n: int,
    *,
    rounding: Rounding = DEFAULT_ROUNDING,
    complete: bool = True,
    counts: Sequence[range | None] | None = None,
) -> list[range]:
    """Smallest to largest count each option takes across the consistent vectors.

    Parameters
    ----------
    percents, n, rounding, complete, counts
        As for :func:`count`.

    Returns
    -------
    list of range
        Per option, every count it takes in at least one consistent vector
        (the counts form one contiguous range); all empty when no vector is
        consistent.
    """
    bounds = _bounds(percents, n, rounding, counts)
    if count(percents, n, rounding=rounding, complete=complete, counts=counts) == 0:
        return [range(0) for _ in bounds]
    if not complete:
        return [range(lo, hi + 1) for lo, hi in bounds]
    low_total = sum(lo for lo, _ in bounds)
    high_total = sum(hi for _, hi in bounds)
    return [
        range(max(lo, n - (high_total - hi)), min(hi, n - (low_total - lo)) + 1)
        for lo, hi in bounds
    ]

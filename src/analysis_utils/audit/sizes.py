"""Sample sizes consistent with reported values, searched in bulk and in chunks.

A *piece* is a set of values (one value, or a whole table's) and a range of sample
sizes ``n``; a size is feasible for the piece when every value has a count at that
size (:func:`analysis_utils.audit.vectorised.count_bounds`) and, for each complete
breakdown among them (the options of one single-choice question), the counts can sum
to ``n``: the lowest counts sum to at most ``n`` and the highest to at least ``n``
(as :func:`analysis_utils.audit.granularity.consistent_sizes` with ``complete=True``).

Every (piece, size, value) check is one cell; cells are computed :data:`CHUNK_CELLS` at
a time, so memory stays bounded whatever the number of values or sizes. The answer is
a list of runs of consecutive feasible sizes per piece (:class:`Runs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from analysis_utils.audit.vectorised import Intervals, count_bounds

#: Cells (one value at one size) computed at a time: about 120 bytes each in the
#: temporaries (measured with tracemalloc: 122 MB at peak for 100,000 values searched over
#: 1,000 sizes), whatever the number of values or sizes.
CHUNK_CELLS = 1 << 20


@dataclass(frozen=True)
class Pieces:
    """Sets of values, each searched over a range of sizes.

    Parameters
    ----------
    owner : numpy.ndarray
        ``int64``: what each piece answers for (a value's row, a table's number); a
        large piece may be split into several pieces of the same owner.
    lowest, highest : numpy.ndarray
        ``int64``: the range of sizes ``n`` searched, inclusive.
    members : numpy.ndarray
        ``intp``: the values of all pieces, piece after piece, each piece's values
        ordered so that a breakdown's values are consecutive.
    start : numpy.ndarray
        ``intp``: where each piece's values begin in ``members`` (its count is
        ``len(members)`` more than the pieces').
    """

    owner: np.ndarray
    lowest: np.ndarray
    highest: np.ndarray
    members: np.ndarray
    start: np.ndarray


@dataclass(frozen=True)
class Runs:
    """Runs of consecutive feasible sizes: ``owner[i]`` from ``first[i]`` to ``last[i]``."""

    owner: np.ndarray
    first: np.ndarray
    last: np.ndarray


def single(rows: np.ndarray, lowest: np.ndarray, highest: np.ndarray) -> Pieces:
    """One piece per value (its own range of sizes).

    Parameters
    ----------
    rows : numpy.ndarray
        The values (and owners).
    lowest, highest : numpy.ndarray
        Each value's range of sizes.

    Returns
    -------
    Pieces
    """
    rows = np.asarray(rows, np.intp)
    return Pieces(
        owner=rows.astype(np.int64),
        lowest=np.asarray(lowest, np.int64),
        highest=np.asarray(highest, np.int64),
        members=rows,
        start=np.arange(len(rows) + 1, dtype=np.intp),
    )


def _split(pieces: Pieces, chunk: int) -> Pieces:
    """Split pieces of more than ``chunk`` cells into pieces of consecutive sizes."""
    count = np.diff(pieces.start)
    width = pieces.highest - pieces.lowest + 1
    step = np.maximum(1, chunk // np.maximum(count, 1))
    parts = -(-width // step)
    if np.all(parts == 1):
        return pieces
    index = np.repeat(np.arange(len(width)), parts)
    within = np.arange(len(index)) - np.repeat(np.cumsum(parts) - parts, parts)
    lowest = pieces.lowest[index] + within * step[index]
    highest = np.minimum(lowest + step[index] - 1, pieces.highest[index])
    # every part keeps its piece's members: rebuild the flat list with repeats
    counts = count[index]
    offsets = np.concatenate(([0], np.cumsum(counts)))
    source = np.repeat(pieces.start[:-1][index], counts) + (
        np.arange(offsets[-1]) - np.repeat(offsets[:-1], counts)
    )
    return Pieces(
        pieces.owner[index], lowest, highest, pieces.members[source], offsets.astype(np.intp)
    )


def _cells(pieces: Pieces, chosen: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every (piece, size, value) cell of the chosen pieces, size after size."""
    count = np.diff(pieces.start)[chosen]
    width = pieces.highest[chosen] - pieces.lowest[chosen] + 1
    if np.all(count == 1):  # one value per piece: a cell per size
        piece = np.repeat(np.arange(len(chosen)), width)
        n = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
        n += pieces.lowest[chosen][piece]
        member = pieces.members[pieces.start[chosen]][piece]
        return piece, n, member, np.ones(len(n), bool)
    per_piece = count * width
    piece = np.repeat(np.arange(len(chosen)), per_piece)
    local = np.arange(per_piece.sum()) - np.repeat(np.cumsum(per_piece) - per_piece, per_piece)
    size = count[piece]
    n = pieces.lowest[chosen][piece] + local // size
    member = pieces.members[pieces.start[chosen][piece] + local % size]
    return piece, n, member, local % size == 0


def feasible(
    iv: Intervals,
    pieces: Pieces,
    *,
    items: np.ndarray,
    breakdown: np.ndarray | None = None,
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Runs:
    """Find the feasible sizes of every piece.

    Parameters
    ----------
    iv : Intervals
        The values' intervals (:func:`analysis_utils.audit.vectorised.intervals`).
    pieces : Pieces
        What to search.
    items : numpy.ndarray
        ``int64``: items per observation of each value (the count is of ``n * items``).
    breakdown : numpy.ndarray, optional
        ``int64`` per value: a label shared by the values of one complete breakdown
        (consecutive in each piece's members), -1 for a value in none.
    chunk : int, optional
        Cells computed at a time (default :data:`CHUNK_CELLS`).
    progress : callable, optional
        Called with (cells done, cells in all) after each chunk.

    Returns
    -------
    Runs
        In the order of the pieces, sizes ascending.
    """
    chunk = CHUNK_CELLS if chunk is None else chunk
    pieces = _split(pieces, chunk)
    cells = np.diff(pieces.start) * (pieces.highest - pieces.lowest + 1)
    ends = np.cumsum(cells)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    first = 0
    while first < len(cells):
        done = int(ends[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(ends, done + chunk, side="right")))
        chosen = np.arange(first, last)
        found.append(_chunk(iv, pieces, chosen, items, breakdown))
        if progress is not None:
            progress(int(ends[last - 1]), int(ends[-1]))
        first = last
    if not found:
        empty = np.zeros(0, np.int64)
        return Runs(empty, empty, empty)
    return Runs(*(np.concatenate(parts) for parts in zip(*found, strict=True)))


def _chunk(
    iv: Intervals,
    pieces: Pieces,
    chosen: np.ndarray,
    items: np.ndarray,
    breakdown: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find the runs of feasible sizes of the chosen pieces."""
    piece, n, member, opens = _cells(pieces, chosen)
    lowest, highest = count_bounds(iv, member, n * items[member])
    ok = np.asarray(lowest <= highest, bool)
    segment = np.flatnonzero(opens)  # each (piece, size) starts a segment
    if len(segment) < len(ok):
        ok = np.logical_and.reduceat(ok, segment)
    if breakdown is not None:
        label = breakdown[member]
        # a group starts at a segment's start or where the label changes
        starts = opens.copy()
        starts[1:] |= label[1:] != label[:-1]
        group = np.flatnonzero(starts)
        low_sum = np.add.reduceat(lowest, group)
        high_sum = np.add.reduceat(highest, group)
        size = n[group]
        fine = (label[group] < 0) | ((low_sum <= size) & (size <= high_sum))
        ok &= np.logical_and.reduceat(fine, np.flatnonzero(opens[group]))
    seg_piece, seg_n = piece[segment], n[segment]
    new = np.ones(len(ok), bool)
    new[1:] = seg_piece[1:] != seg_piece[:-1]
    end = np.ones(len(ok), bool)
    end[:-1] = new[1:]
    before = np.concatenate(([False], ok[:-1])) & ~new
    after = np.concatenate((ok[1:], [False])) & ~end
    run_first = np.flatnonzero(ok & ~before)
    run_last = np.flatnonzero(ok & ~after)
    owner = pieces.owner[chosen][seg_piece[run_first]]
    return owner, seg_n[run_first], seg_n[run_last]


def merged(runs: Runs) -> Runs:
    """Join runs of one owner that touch (a piece split in parts), ordered by owner and size.

    Parameters
    ----------
    runs : Runs

    Returns
    -------
    Runs
    """
    owner, first, last = runs.owner, runs.first, runs.last
    if len(owner) == 0:
        return runs
    ordered = np.all(
        (owner[1:] > owner[:-1]) | ((owner[1:] == owner[:-1]) & (first[1:] > last[:-1]))
    )
    if not ordered:
        order = np.lexsort((first, owner))
        owner, first, last = owner[order], first[order], last[order]
    joins = (owner[1:] == owner[:-1]) & (first[1:] == last[:-1] + 1)
    keep = np.r_[True, ~joins]
    ends = np.r_[~joins, True]  # runs never overlap: a joined run ends where its last part does
    return Runs(owner[keep], first[keep], last[ends])

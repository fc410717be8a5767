"""The GRIM test of many reported values at once, in exact integer arithmetic.

The same answers as :func:`analysis_utils.audit.granularity.matching_counts` and
:func:`~analysis_utils.audit.granularity.grim`, computed with numpy. A value printed
with ``d`` decimals is the integer ``X`` of its digits (``"5.19"`` -> 519), and a count
``k`` of ``total = n * items`` gives it exactly when ``k * 10**D / total`` rounds to
``X`` (``D = d``, or ``d + 2`` for a percentage). Every rounding procedure turns that
into one interval of ``y = k * 10**D / total`` around ``X``, with ends that are
multiples of 1/20 (a half, or a tenth of the threshold) and open or closed:
``up`` is ``[X - 1/2, X + 1/2)``, ``ceiling`` is ``(X - 1, X]``, and so on
(:func:`intervals`). The counts in it are then two integer divisions
(:func:`count_bounds`), with ``p = (20 X + a) * total``, ``r = (20 X + b) * total`` and
``q = 20 * 10**D``::

    lowest  = ceil(p / q)    if the lower end is closed, floor(p / q) + 1 if open
    highest = floor(r / q)   if the upper end is closed, ceil(r / q) - 1 if open

and, for a percentage, clipped to ``0..total``.

All of it is integer arithmetic on ``int64`` arrays; where a product could pass
:data:`INT_LIMIT`, those values are computed on Python integers instead (object
arrays: exact, slower). Nothing passes through a float except that choice of path,
made with a margin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis_utils.audit.decisions import COMPOUND, DEFAULT_ROUNDING, ROUNDINGS, Rounding
from analysis_utils.audit.reported import MAX_DECIMALS, read_reported

#: Largest product computed in ``int64`` (half of its range: the rounding adds a little).
INT_LIMIT = 1 << 62


@dataclass(frozen=True)
class Intervals:
    """Per value, the interval of ``y = k * 10**D / total`` that rounds to it.

    A count ``k`` of ``total`` gives the value when
    ``lower * total <= 20 * 10**D * k <= upper * total`` (strict where an end is open).

    Parameters
    ----------
    lower, upper : numpy.ndarray
        ``int64``: ``20 X + a`` and ``20 X + b``.
    lower_open, upper_open : numpy.ndarray
        ``int64`` 0 or 1: whether each end is open.
    scale : numpy.ndarray
        ``int64``: ``20 * 10**D``.
    bounded : numpy.ndarray
        ``bool``: a percentage, whose count lies in ``0..total``.
    """

    lower: np.ndarray
    upper: np.ndarray
    lower_open: np.ndarray
    upper_open: np.ndarray
    scale: np.ndarray
    bounded: np.ndarray


def _procedure(name: str, units: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, ...]:
    """Interval ends of one procedure relative to ``20 X``: ``a, b, a_open, b_open``."""
    size = units.shape
    zeros, ones = np.zeros(size, np.int64), np.ones(size, np.int64)

    def full(a: int, b: int, a_open: int, b_open: int) -> tuple[np.ndarray, ...]:
        return zeros + a, zeros + b, zeros + a_open, zeros + b_open

    if name == "up":
        return full(-10, 10, 0, 1)
    if name == "down":
        return full(-10, 10, 1, 0)
    if name == "up_from":  # [X - o, X + 1 - o), o = 1 - t / 10 = offset / 20
        return -offset, 20 - offset, zeros, ones
    if name == "down_from":  # (X - 1 + o, X + o]
        return offset - 20, offset, ones, zeros
    if name == "even":  # an exact tie goes to the even neighbour
        odd = (units % 2 != 0).astype(np.int64)
        return zeros - 10, zeros + 10, odd, odd
    if name == "ceiling":
        return full(-20, 0, 1, 0)
    if name == "floor":
        return full(0, 20, 0, 1)
    positive, negative = units > 0, units < 0
    if name == "trunc":  # floor above 0, ceiling below, (-1, 1) at 0
        a = np.where(positive, 0, -20)
        b = np.where(negative, 0, 20)
        return a, b, (~positive).astype(np.int64), (~negative).astype(np.int64)
    if name == "anti_trunc":  # [X - 1, X) above 0; (X, X + 1] below; (-1, 0) at -1; none at 0
        a = np.where(positive, -20, 0)
        b = np.where(positive, 0, np.where(negative, 20, 0))
        a_open = (~positive).astype(np.int64)
        b_open = (positive | (units >= -1)).astype(np.int64)
        return a, b, a_open, b_open
    raise ValueError(f"unknown rounding procedure {name!r}")


def _union(one: tuple[np.ndarray, ...], two: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Join two overlapping intervals (each holds the value itself or abuts it)."""
    a1, b1, ao1, bo1 = one
    a2, b2, ao2, bo2 = two
    a = np.minimum(a1, a2)
    a_open = np.where(a1 < a2, ao1, np.where(a2 < a1, ao2, ao1 & ao2))
    b = np.maximum(b1, b2)
    b_open = np.where(b1 > b2, bo1, np.where(b2 > b1, bo2, bo1 & bo2))
    return a, b, a_open, b_open


def intervals(
    units: np.ndarray,
    decimals: np.ndarray,
    *,
    percent: np.ndarray,
    rounding: np.ndarray,
    threshold: np.ndarray,
    below: np.ndarray | None = None,
) -> Intervals:
    """Build the interval of each value for its rounding procedure.

    Parameters
    ----------
    units : numpy.ndarray
        ``int64``: the printed digits as one signed integer.
    decimals : numpy.ndarray
        ``int64``: decimals printed, at most :data:`MAX_DECIMALS`.
    percent : numpy.ndarray
        ``bool``: the value is a percentage.
    rounding : numpy.ndarray
        ``int64``: index of each value's procedure in :data:`ROUNDINGS`.
    threshold : numpy.ndarray
        ``int64`` 1 to 9: the ``*_from`` procedures' threshold (ignored by the others).
    below : numpy.ndarray, optional
        ``bool``: printed as ``<x``, a share strictly between 0 and ``x`` percent.

    Returns
    -------
    Intervals
    """
    units = np.asarray(units, np.int64)
    decimals = np.asarray(decimals, np.int64)
    percent = np.asarray(percent, bool)
    if np.any(decimals > MAX_DECIMALS) or np.any(decimals < 0):
        raise ValueError(f"decimals must lie between 0 and {MAX_DECIMALS}")
    offset = 20 - 2 * np.asarray(threshold, np.int64)
    rounding = np.asarray(rounding, np.int64)
    shape = units.shape
    a, b = np.zeros(shape, np.int64), np.zeros(shape, np.int64)
    a_open, b_open = np.zeros(shape, np.int64), np.zeros(shape, np.int64)
    for code in np.unique(rounding).tolist():
        rows = rounding == code
        name = ROUNDINGS[code]
        parts = [_procedure(p, units[rows], offset[rows]) for p in COMPOUND.get(name, (name,))]
        ends = parts[0] if len(parts) == 1 else _union(parts[0], parts[1])
        a[rows], b[rows], a_open[rows], b_open[rows] = ends
    lower, upper = 20 * units + a, 20 * units + b
    if below is not None and np.any(below):  # 0 < y < X, both ends open
        below = np.asarray(below, bool)
        lower = np.where(below, 0, lower)
        upper = np.where(below, 20 * units, upper)
        a_open = np.where(below, 1, a_open)
        b_open = np.where(below, 1, b_open)
    scale = 20 * np.power(np.int64(10), decimals + 2 * percent)
    return Intervals(lower, upper, a_open, b_open, scale, percent)


def _bounds(ends: tuple[np.ndarray, ...], totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Divide, on whatever integers ``ends`` and ``totals`` hold (``int64`` or Python's)."""
    lower, upper, lower_open, upper_open, scale, bounded = ends
    lowest = (lower * totals + lower_open + scale - 1) // scale
    highest = (upper * totals - upper_open) // scale
    if bounded.any():
        lowest = np.where(bounded & (lowest < 0), 0, lowest)
        highest = np.where(bounded & (highest > totals), totals, highest)
    return lowest, highest


def count_bounds(
    iv: Intervals, rows: np.ndarray, totals: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest count ``k`` of ``totals`` giving each value (none if lowest > highest).

    Parameters
    ----------
    iv : Intervals
        From :func:`intervals`.
    rows : numpy.ndarray
        Index of the value of each check into ``iv``.
    totals : numpy.ndarray
        ``int64``: ``n * items`` of each check, at least 1.

    Returns
    -------
    tuple of numpy.ndarray
        ``int64``; the checks whose products could pass :data:`INT_LIMIT` are computed on
        Python integers (and the arrays are of Python integers if a count itself does not
        fit ``int64``, a mean of 17 digits at a huge n).
    """
    rows = np.asarray(rows, np.intp)
    totals = np.asarray(totals, np.int64)
    ends = (
        iv.lower[rows],
        iv.upper[rows],
        iv.lower_open[rows],
        iv.upper_open[rows],
        iv.scale[rows],
        iv.bounded[rows],
    )
    reach = np.maximum(np.abs(ends[0]), np.abs(ends[1])) + ends[4]
    # the path is chosen with a float estimate and a margin of 2**-20; the arithmetic is exact
    safe = reach.astype(np.float64) * totals.astype(np.float64) < INT_LIMIT * (1 - 2.0**-20)
    if safe.all():
        return _bounds(ends, totals)
    big = (*(part[~safe].astype(object) for part in ends[:5]), ends[5][~safe])
    big_low, big_high = _bounds(big, totals[~safe].astype(object))
    empty = big_low > big_high  # an empty range may have ends beyond int64: any will do
    big_low, big_high = np.where(empty, 1, big_low), np.where(empty, 0, big_high)
    fits = all(-INT_LIMIT <= int(k) <= INT_LIMIT for k in (*big_low, *big_high))
    kind: type = np.int64 if fits else object
    lowest: np.ndarray = np.empty(rows.shape, kind)
    highest: np.ndarray = np.empty(rows.shape, kind)
    lowest[safe], highest[safe] = _bounds(tuple(part[safe] for part in ends), totals[safe])
    lowest[~safe], highest[~safe] = big_low, big_high
    return lowest, highest


def _codes(rounding: Rounding | Sequence[str], size: int) -> np.ndarray:
    """Index each value's rounding in :data:`ROUNDINGS`."""
    if isinstance(rounding, str) and rounding in ROUNDINGS:
        return np.full(size, ROUNDINGS.index(rounding), np.int64)
    names = [rounding] * size if isinstance(rounding, str) else list(rounding)
    unknown = sorted(set(names) - set(ROUNDINGS))
    if unknown:
        raise ValueError(f"unknown rounding {unknown[0]!r}; use one of: {', '.join(ROUNDINGS)}")
    index: dict[str, int] = {name: i for i, name in enumerate(ROUNDINGS)}
    return np.array([index[name] for name in names], np.int64)


def matching_counts(
    values: Sequence[str],
    n: Sequence[int] | np.ndarray,
    *,
    items: Sequence[int] | np.ndarray | int = 1,
    percent: bool = False,
    rounding: Rounding | Sequence[str] = DEFAULT_ROUNDING,
    threshold: int = 5,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`analysis_utils.audit.granularity.matching_counts`.

    Parameters
    ----------
    values : sequence of str
        Reported values as printed (at most :data:`MAX_DECIMALS` decimals).
    n : sequence of int
        Sample size of each value.
    items : int or sequence of int
        Items per observation.
    percent : bool
        Whether the values are percentages (0 to 100).
    rounding : str or sequence of str
        One of :data:`~analysis_utils.audit.granularity.ROUNDINGS`, or one per value.
    threshold : int
        For the ``*_from`` procedures, 1 to 9.

    Returns
    -------
    tuple of numpy.ndarray
        Lowest and highest consistent total per value (none where lowest > highest).

    Raises
    ------
    ValueError
        For a value that cannot be read, a percentage outside 0-100, ``n < 1``,
        ``items < 1``, an unknown rounding or a threshold outside 1-9.
    """
    read = read_reported(values)
    if read.bad.any() or read.below.any():
        first = int(np.flatnonzero(read.bad | read.below)[0])
        raise ValueError(f"reported value {values[first]!r} is not a plain decimal number")
    size = len(read.units)
    n_arr = np.broadcast_to(np.asarray(n, np.int64), (size,))
    items_arr = np.broadcast_to(np.asarray(items, np.int64), (size,))
    if np.any(n_arr < 1) or np.any(items_arr < 1):
        raise ValueError("n and items must be positive integers")
    if not 1 <= threshold <= 9:
        raise ValueError(f"threshold must be an integer from 1 to 9, got {threshold}")
    percents = np.full(size, percent)
    if percent and np.any(
        (read.units < 0) | (read.units > 100 * np.power(np.int64(10), read.decimals.clip(0, 15)))
    ):
        raise ValueError("a percentage must lie between 0 and 100")
    iv = intervals(
        read.units,
        read.decimals,
        percent=percents,
        rounding=_codes(rounding, size),
        threshold=np.full(size, threshold),
    )
    return count_bounds(iv, np.arange(size), n_arr * items_arr)


def grim(
    values: Sequence[str],
    n: Sequence[int] | np.ndarray,
    *,
    items: Sequence[int] | np.ndarray | int = 1,
    percent: bool = False,
    rounding: Rounding | Sequence[str] = DEFAULT_ROUNDING,
    threshold: int = 5,
) -> np.ndarray:
    """Vectorised :func:`analysis_utils.audit.granularity.grim`.

    Parameters
    ----------
    values, n, items, percent, rounding, threshold
        As for :func:`matching_counts`.

    Returns
    -------
    numpy.ndarray
        ``bool``: whether some count gives each value.

    Examples
    --------
    >>> grim(["5.19", "5.19", "71"], [28, 32, 43]).tolist()
    [False, True, True]
    >>> grim(["71"], [43], percent=True).tolist()
    [False]
    """
    lowest, highest = matching_counts(
        values, n, items=items, percent=percent, rounding=rounding, threshold=threshold
    )
    result: np.ndarray = lowest <= highest
    return result

"""Granularity (GRIM) audit of reported means and percentages, in exact arithmetic.

A mean of ``n`` integer observations, or a percentage of ``n`` respondents, can
only take values ``k / n``. Reported after rounding, a value ``x`` is possible
for sample size ``n`` only if some integer ``k`` rounds to it. This module
answers that question with :class:`fractions.Fraction` arithmetic, so no
floating-point error can move a value across a rounding boundary.

The meaning, the arguments and the rounding names follow ``scrutiny::grim()``
(R package scrutiny, MIT). Deliberate differences, all at exact boundaries:

- ``"even"`` rounds an exact tie to the even neighbour only. scrutiny adds
  ``+/-1e-12`` "dust" to every reconstructed value before calling R's
  ``round()``, so at an exact tie it accepts both neighbours.
- ``"anti_trunc"`` (always away from zero, even from a value already on the
  grid) also considers ``k = floor(x * n) - 1``. scrutiny tries only
  ``floor(x * n)`` and ``ceiling(x * n)`` and so misses a count just below an
  exact grain, e.g. ``x = "0.5", n = 10``: ``4 / 10`` anti-truncates to 0.5.
  Here every answer agrees with a brute-force search over all counts ``k``.
- scrutiny treats values within about ``1e-9`` below a boundary as on it;
  exact arithmetic needs no such tolerance.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from analysis_utils.audit.decisions import COMPOUND, DEFAULT_ROUNDING, Rounding, as_rounding
from analysis_utils.audit.decisions import ROUNDINGS as ROUNDINGS  # the rules' names, re-exported


def decimal_places(x: str) -> int:
    """Count the digits after the decimal point of a reported value.

    Parameters
    ----------
    x : str
        The value as reported (``"44"`` -> 0, ``"44.0"`` -> 1).

    Returns
    -------
    int
    """
    _, _, decimals = x.strip().partition(".")
    return len(decimals)


def parse_reported(x: str) -> Fraction:
    """Read a reported value exactly.

    Parameters
    ----------
    x : str
        A decimal number written as text, e.g. ``"5.19"`` or ``"-0.5"``.

    Returns
    -------
    Fraction

    Raises
    ------
    ValueError
        If ``x`` is not a string holding a finite decimal number.
    """
    if not isinstance(x, str):
        raise ValueError(f"the reported value must be a string (its decimals count), got {x!r}")
    try:
        value = Decimal(x.strip())
    except InvalidOperation:
        raise ValueError(f"reported value {x!r} is not a decimal number") from None
    if not value.is_finite() or "e" in x.lower():
        raise ValueError(f"reported value {x!r} is not a plain decimal number")
    return Fraction(value)


def _check_rounding(rounding: Rounding, threshold: float) -> None:
    as_rounding(rounding)
    if "from" in rounding and not 0 < threshold < 10:
        raise ValueError(f"threshold must be between 0 and 10 (exclusive), got {threshold}")


def _round_one(y: Fraction, procedure: str, threshold: Fraction) -> int:
    """Round ``y`` (already shifted by the decimals) to an integer."""
    offset = 1 - threshold / 10
    if procedure == "up_from":
        return math.floor(y + offset)
    if procedure == "down_from":
        return math.ceil(y - offset)
    if procedure == "up":
        return math.floor(y + Fraction(1, 2))
    if procedure == "down":
        return math.ceil(y - Fraction(1, 2))
    if procedure == "even":
        return round(y)  # Fraction.__round__ rounds exact ties to even
    if procedure == "ceiling":
        return math.ceil(y)
    if procedure == "floor":
        return math.floor(y)
    sign = -1 if y < 0 else 1
    if procedure == "trunc":
        return sign * math.floor(abs(y))
    if procedure == "anti_trunc":
        return sign * (math.floor(abs(y)) + 1)
    raise ValueError(f"unknown rounding procedure {procedure!r}")


def reround(
    value: Fraction, digits: int, *, rounding: Rounding = DEFAULT_ROUNDING, threshold: float = 5
) -> tuple[Fraction, ...]:
    """Round a reconstructed value the way the reported one may have been rounded.

    Parameters
    ----------
    value : Fraction
        The unrounded value.
    digits : int
        Decimal places to round to.
    rounding : Rounding
        One of :data:`ROUNDINGS`; compound names give two results.
    threshold : float
        For the ``*_from`` procedures: round up (down) from this many tenths of a step.

    Returns
    -------
    tuple of Fraction
        One rounded value, or two for a compound rounding.
    """
    _check_rounding(rounding, threshold)
    scale = Fraction(10) ** digits
    t = Fraction(threshold).limit_denominator(10**6)
    return tuple(
        Fraction(_round_one(value * scale, p, t)) / scale
        for p in COMPOUND.get(rounding, (rounding,))
    )


def _validate(x: str, n: int, items: int, percent: bool) -> Fraction:
    value = parse_reported(x)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not isinstance(items, int) or isinstance(items, bool) or items < 1:
        raise ValueError(f"items must be a positive integer, got {items!r}")
    if percent and not 0 <= value <= 100:
        raise ValueError(f"a percentage must lie between 0 and 100, got {x!r}")
    return value


def matching_counts(
    x: str,
    n: int,
    *,
    items: int = 1,
    percent: bool = False,
    rounding: Rounding = DEFAULT_ROUNDING,
    threshold: float = 5,
) -> range:
    """Find all integer totals ``k`` whose ``k / (n * items)`` rounds to ``x``.

    Because every rounding procedure is monotone, the totals form one
    contiguous range. For a percentage, totals lie between 0 and ``n * items``.

    Parameters
    ----------
    x : str
        Reported mean or percentage, as text.
    n : int
        Sample size.
    items : int
        Items per observation.
    percent : bool
        Whether ``x`` is a percentage.
    rounding : Rounding
        One of :data:`ROUNDINGS`.
    threshold : float
        For the ``*_from`` procedures.

    Returns
    -------
    range
        The consistent totals (empty if none).

    Raises
    ------
    ValueError
        For a non-numeric ``x``, a percentage outside 0-100, ``n < 1``,
        ``items < 1``, an unknown rounding or a threshold outside (0, 10).
    """
    if not isinstance(x, str) or isinstance(n, bool) or isinstance(items, bool):
        _validate(x, n, items, percent)  # raises: cached answers are keyed by equal values
    return _matching_counts(x, n, items, percent, rounding, threshold)


#: Answers of :func:`matching_counts` kept (a survey repeats its percentages: each distinct
#: percentage is checked once per sample size, however many options report it).
MATCHING_CACHE = 1 << 16


@functools.lru_cache(maxsize=MATCHING_CACHE)
def _matching_counts(
    x: str, n: int, items: int, percent: bool, rounding: Rounding, threshold: float
) -> range:
    """:func:`matching_counts`, computed once per distinct question (a pure function).

    The range is found from the counts nearest ``x * total`` by doubling steps outwards,
    then halving them back (``O(log)`` checks, where walking one count at a time took
    ``n / 100`` of them for a whole percentage).
    """
    value = _validate(x, n, items, percent)
    _check_rounding(rounding, threshold)
    digits = decimal_places(x)
    if percent:
        value /= 100
        digits += 2
    total = n * items
    bounded = percent
    # value is reround(k / total) exactly when value * 10**digits is k / total rounded at
    # that scale by one of the procedures (what reround computes, without its divisions)
    scale, target = 10**digits, value * 10**digits
    procedures = COMPOUND.get(rounding, (rounding,))
    t = Fraction(threshold).limit_denominator(10**6)

    def ok(k: int) -> bool:
        if bounded and not 0 <= k <= total:
            return False
        y = Fraction(k * scale, total)
        return any(_round_one(y, p, t) == target for p in procedures)

    centre = math.floor(value * total)
    seeds = [k for k in (centre - 1, centre, centre + 1, centre + 2) if ok(k)]
    if not seeds:
        return range(0)
    return range(_edge(ok, min(seeds), -1), _edge(ok, max(seeds), 1) + 1)


def _edge(ok: Callable[[int], bool], start: int, direction: int) -> int:
    """Return the last ``k`` from ``start`` in ``direction`` before ``ok`` turns false.

    ``ok`` holds on one contiguous run of integers that contains ``start``.
    """
    edge, step = start, 1
    while ok(edge + direction * step):
        edge += direction * step
        step *= 2
    while step > 1:  # ok(edge) and not ok(edge + direction * step)
        step //= 2
        if ok(edge + direction * step):
            edge += direction * step
    return edge


def grim(
    x: str,
    n: int,
    *,
    items: int = 1,
    percent: bool = False,
    rounding: Rounding = DEFAULT_ROUNDING,
    threshold: int = 5,
) -> bool:
    """Test whether ``x`` can be the rounded mean or percentage of ``n`` integers (GRIM).

    Parameters
    ----------
    x : str
        Reported value as text, so that its decimals count (``"5.19"``, ``"67"``).
    n : int
        Sample size.
    items : int
        Number of items composing each observation (default 1).
    percent : bool
        ``True`` if ``x`` is a percentage of ``n``.
    rounding : Rounding
        How ``x`` was rounded; one of :data:`ROUNDINGS` (default
        :data:`~analysis_utils.audit.decisions.DEFAULT_ROUNDING`).
    threshold : int
        For ``"up_from"``, ``"down_from"``, ``"up_from_or_down_from"``.

    Returns
    -------
    bool
        ``True`` if some integer total is consistent with ``x``.

    Raises
    ------
    ValueError
        See :func:`matching_counts`.

    Examples
    --------
    >>> grim("5.19", 28), grim("5.19", 32), grim("71", 43, percent=True)
    (False, True, False)
    """
    return (
        len(
            matching_counts(
                x, n, items=items, percent=percent, rounding=rounding, threshold=threshold
            )
        )
        > 0
    )


def count_bounds(
    percents: Sequence[str | None], n: int, *, rounding: Rounding = DEFAULT_ROUNDING
) -> list[range]:
    """Respondent counts each option may have, given its reported percentage.

    Parameters
    ----------
    percents : sequence of str or None
        Reported percentage per option; ``None`` where unreported.
    n : int
        Sample size.
    rounding : Rounding
        One of :data:`ROUNDINGS`.

    Returns
    -------
    list of range
        Per option, the counts ``0 <= k <= n`` consistent with its percentage
        (all of ``0..n`` where unreported).
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    _check_rounding(rounding, 5)
    return [
        range(0, n + 1) if p is None else matching_counts(p, n, percent=True, rounding=rounding)
        for p in percents
    ]


def consistent_sizes(
    percents: Sequence[str],
    n_values: Iterable[int],
    *,
    rounding: Rounding = DEFAULT_ROUNDING,
    complete: bool = False,
) -> list[int]:
    """Sample sizes at which every reported percentage can arise from an integer count.

    Parameters
    ----------
    percents : sequence of str
        Reported percentages, as text.
    n_values : iterable of int
        Candidate sample sizes.
    rounding : Rounding
        One of :data:`ROUNDINGS`.
    complete : bool
        ``True`` if the percentages are the full breakdown of one single-choice
        question, so the counts must also sum to ``n``.

    Returns
    -------
    list of int
        The candidates that pass, in the order given.
    """
    out = []
    for n in n_values:
        bounds = count_bounds(list(percents), n, rounding=rounding)
        if any(len(b) == 0 for b in bounds):
            continue
        if complete and not sum(b.start for b in bounds) <= n <= sum(b.stop - 1 for b in bounds):
            continue
        out.append(n)
    return out


def subgroup_sizes(x: str, n: int, *, rounding: Rounding = DEFAULT_ROUNDING) -> list[int]:
    """Denominators ``m <= n`` of which ``x`` percent is possible.

    A percentage that no count of the whole sample gives may still be a share
    of a subgroup (57 % = 4/7, e.g. of 7 highly educated respondents out of 9).

    Parameters
    ----------
    x : str
        Reported percentage.
    n : int
        Sample size (largest subgroup).
    rounding : Rounding
        One of :data:`ROUNDINGS`.

    Returns
    -------
    list of int
        Every ``m`` in ``1..n`` with ``grim(x, m, percent=True)``.
    """
    return [m for m in range(1, n + 1) if grim(x, m, percent=True, rounding=rounding)]

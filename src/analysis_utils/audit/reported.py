"""Reported values as printed, read in bulk into exact integers and their decimals.

A value printed ``"5.19"`` is the integer 519 at 2 decimals; ``"44.0"`` is 440 at 1
decimal (trailing zeros count, as in :func:`analysis_utils.audit.granularity.decimal_places`).
A cell ``"<1"`` (or ``"< 0.5 %"``) is a share printed only as below a bound: 0 < share < 1 %.
Each distinct text is checked once against :data:`GRAMMAR` and read from a matrix of its
characters with numpy, so a million values read in a fraction of a second; nothing passes
through a float.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: What a reported value may look like (after surrounding spaces are removed): an optional
#: ``<`` (a share below the bound that follows), an optional sign, digits with at most one
#: decimal point, and an optional ``%``.
GRAMMAR = re.compile(r"(<\s*)?[+-]?(\d+\.?\d*|\.\d+)\s*%?")

#: Most digits a value may have (its integer then fits 64-bit arithmetic with room for the
#: rounding bounds: 20 times it stays below 2**63).
MAX_DIGITS = 17

#: Most decimals tested (scrutiny's limit): a value printed with more is a floating-point
#: number printed in full, not a rounded report; it is read (its decimals counted) but its
#: digits are not, whatever their number.
MAX_DECIMALS = 15

#: The rule a value that cannot be read breaks, in words, with what to do.
RULE_TEXT = (
    "a value as printed: digits with at most one decimal point ('5.19', '44.0', '.45'), "
    "optionally signed, optionally followed by '%', or '<1' for a share below 1 %; write "
    "the decimal point as '.', with no thousands separators"
)

_ZERO, _NINE, _DOT, _MINUS, _BELOW = (ord(c) for c in "09.-<")


@dataclass(frozen=True)
class Reported:
    """Values read exactly: ``value = sign * units / 10**decimals``.

    Parameters
    ----------
    units : numpy.ndarray
        ``int64``: the printed digits as one signed integer (``"-5.19"`` -> -519).
    decimals : numpy.ndarray
        ``int64``: digits after the decimal point (``"44.0"`` -> 1).
    below : numpy.ndarray
        ``bool``: printed as ``<x`` (a share strictly between 0 and ``x``).
    bad : numpy.ndarray
        ``bool``: the text breaks :data:`GRAMMAR` or has more than :data:`MAX_DIGITS`
        digits (its other fields are 0).
    too_long : numpy.ndarray
        ``bool``: of the bad values, those with more than :data:`MAX_DIGITS` digits and
        at most :data:`MAX_DECIMALS` decimals (with more, ``units`` is 0: not read).
    """

    units: np.ndarray
    decimals: np.ndarray
    below: np.ndarray
    bad: np.ndarray
    too_long: np.ndarray


def _read_unique(texts: np.ndarray) -> tuple[np.ndarray, ...]:
    """Read distinct texts that match :data:`GRAMMAR` (units, decimals, below, too long)."""
    width = max(1, max((len(t) for t in texts), default=1))
    chars = np.asarray(texts, dtype=f"<U{width}").view(np.uint32).reshape(len(texts), width)
    digit = (chars >= _ZERO) & (chars <= _NINE)
    dot = chars == _DOT
    has_dot = dot.any(axis=1)
    dot_at = np.where(has_dot, dot.argmax(axis=1), width)
    after = np.arange(width)[None, :] > dot_at[:, None]
    decimals = (digit & after).sum(axis=1).astype(np.int64)
    unread = decimals > MAX_DECIMALS
    too_long = (digit.sum(axis=1) > MAX_DIGITS) & ~unread
    # rank of each digit from the right (0 for the last): its power of ten
    rank = np.cumsum(digit[:, ::-1], axis=1)[:, ::-1] - 1
    rank = np.where(digit & ~(too_long | unread)[:, None], rank, 0)
    powers = np.power(np.int64(10), rank.astype(np.int64))
    values = np.where(digit, chars.astype(np.int64) - _ZERO, 0)
    units = (values * powers).sum(axis=1)
    units = np.where(too_long | unread, 0, units)
    negative = (chars == _MINUS).any(axis=1)
    units = np.where(negative, -units, units)
    below = chars[:, 0] == _BELOW
    return units, decimals, below, too_long


def read_reported(values: Sequence[str] | pd.Series) -> Reported:
    """Read printed values into exact integers and their decimals.

    Parameters
    ----------
    values : sequence of str
        Values as printed; surrounding spaces are ignored.

    Returns
    -------
    Reported
        One entry per value, in order; those that cannot be read are marked ``bad``.

    Examples
    --------
    >>> r = read_reported(["5.19", "44.0", "<1", "-.5"])
    >>> r.units.tolist(), r.decimals.tolist(), r.below.tolist()
    ([519, 440, 1, -5], [2, 1, 0, 1], [False, False, True, False])
    """
    raw_codes, raw = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    stripped_codes, uniques = pd.factorize(
        np.array([str(v).strip() for v in raw], dtype=object), use_na_sentinel=False
    )
    codes = stripped_codes[raw_codes]
    texts = np.asarray(uniques, dtype=object)
    ok = np.fromiter((GRAMMAR.fullmatch(t) is not None for t in texts), bool, len(texts))
    size = len(texts)
    units, decimals = np.zeros(size, np.int64), np.zeros(size, np.int64)
    below, too_long = np.zeros(size, bool), np.zeros(size, bool)
    if ok.any():
        read = _read_unique(texts[ok])
        units[ok], decimals[ok], below[ok], too_long[ok] = read
    bad = ~ok | too_long
    units[bad], decimals[bad], below[bad] = 0, 0, False
    return Reported(
        units=units[codes],
        decimals=decimals[codes],
        below=below[codes],
        bad=bad[codes],
        too_long=too_long[codes],
    )

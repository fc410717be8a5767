"""Ordinal (Likert) questions: distribution, median and top-box share from counts per option.

Every function takes the counts of one single-choice question's options in
their order (lowest first, e.g. "strongly disagree" ... "strongly agree");
the respondents who left it blank are not on the scale and are given apart
(``no_answer``). Counts are withheld as ``survey_items.csv`` withholds them
(:func:`analysis_utils.survey.disclosure.suppress` of the option counts and
the no-answer count), and nothing published beside them (a share, a
cumulative share, a top-box share) lets a withheld count be told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.survey.disclosure import DEFAULT_MIN_CELL, suppress, suppress_parts

#: How many of the highest options form the top box unless a parameter says otherwise.
DEFAULT_TOP = 2

#: How the top-box interval is computed.
WILSON_METHOD = "Wilson score interval (statsmodels proportion_confint, method='wilson')"


def check_counts(counts: Sequence[int], *, options: int = 2) -> list[int]:
    """Check counts per ordered option and return them as a list of int.

    Parameters
    ----------
    counts : sequence of int
    options : int
        Fewest options the scale must have.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        If there are fewer than ``options`` options, a count is negative or not
        a whole number, or nobody answered.
    """
    values = list(counts)
    if len(values) < options:
        raise ValueError(f"an ordered scale needs at least {options} options, got {len(values)}")
    if any(int(k) != k or k < 0 for k in values):
        raise ValueError(f"counts must be whole numbers >= 0, got {values}")
    if sum(values) == 0:
        raise ValueError("nobody answered: every count is 0")
    return [int(k) for k in values]


def _missing(no_answer: int | Sequence[int]) -> list[int]:
    """Give the missing counts: the blank answers, or each missing kind and the blanks."""
    values = [no_answer] if isinstance(no_answer, int | float) else list(no_answer)
    if any(int(k) != k or k < 0 for k in values):
        raise ValueError(f"no_answer must be whole numbers >= 0, got {no_answer}")
    return [int(k) for k in values if k] if isinstance(no_answer, int | float) else values


def _disclosed(
    counts: Sequence[int], no_answer: int | Sequence[int], min_cell: int
) -> tuple[list[int], list[bool], list[bool], bool, int]:
    """Apply the rule of ``survey_items.csv``: the counts, which are withheld, and the base.

    Returns the option counts, whether each is withheld, whether each missing
    count is withheld, whether the base of those who answered is published
    (else it is all respondents: shares of those who answered would tell a
    withheld missing count), and the base.
    """
    values = check_counts(counts)
    missing = _missing(no_answer)
    full = values + missing
    if missing:
        scale = list(range(len(values)))
        parts = [scale, list(range(len(values), len(full)))]
        hidden, told = suppress_parts(full, parts, min_cell=min_cell)
    else:
        hidden, told = suppress(full, min_cell=min_cell, complete=True), True
    base = sum(values if told else full)
    return values, hidden[: len(values)], hidden[len(values) :], told, base


def distribution(
    counts: Sequence[int],
    *,
    no_answer: int | Sequence[int] = 0,
    min_cell: int = DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Give the counts, shares and cumulative shares of an ordered scale, small counts withheld.

    What is withheld is what ``survey_items.csv`` withholds of the question:
    :func:`~analysis_utils.survey.disclosure.suppress` of the option counts
    and, if anyone left the question blank, the no-answer count (they add up to
    the published number of respondents). The shares are of those who
    answered; if the no-answer count is withheld they are of all respondents
    (shares of those who answered would tell how many did not). A cumulative
    share is published only where the published counts tell it anyway: where
    no withheld count lies at or before the option, or none after it (a
    withheld no-answer count counts as after every option).

    Parameters
    ----------
    counts : sequence of int
        Respondents per option, lowest option first.
    no_answer : int or sequence of int
        Respondents who left the question blank, or, where the codebook marks
        missing kinds, the respondents of each kind and the blank ones: the
        base of the shares is then published only where it tells no withheld
        missing count (:func:`~analysis_utils.survey.disclosure.suppress_parts`).
    min_cell : int
        Smallest count published (1 publishes every count).

    Returns
    -------
    DataFrame
        One row per option: ``position`` (1, 2, ...), ``count`` (Int64, NA
        where withheld), ``share``, ``cumulative_share`` (NaN where withheld),
        ``status`` (``shown`` or ``suppressed``) and ``base`` (``answered`` or
        ``all respondents``).

    Raises
    ------
    ValueError
        If the counts are not a scale of two or more options that someone answered,
        ``no_answer`` is not a whole number >= 0, or ``min_cell < 1``.
    """
    values, hidden, _, told, base = _disclosed(counts, no_answer, min_cell)
    blank_hidden = not told
    cumulative, running = [], 0
    for i, k in enumerate(values):
        running += k
        derivable = not any(hidden[: i + 1]) or not (any(hidden[i + 1 :]) or blank_hidden)
        cumulative.append(running / base if derivable else float("nan"))
    return pd.DataFrame(
        {
            "position": range(1, len(values) + 1),
            "count": pd.array(
                [None if h else k for k, h in zip(values, hidden, strict=True)], "Int64"
            ),
            "share": [float("nan") if h else k / base for k, h in zip(values, hidden, strict=True)],
            "cumulative_share": cumulative,
            "status": ["suppressed" if h else "shown" for h in hidden],
            "base": "all respondents" if blank_hidden else "answered",
        }
    )


def missing_rows(
    counts: Sequence[int], missing: Sequence[int], *, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Give the rows of the missing kinds beside :func:`distribution`'s, withheld alike.

    Parameters
    ----------
    counts : sequence of int
        Respondents per option of the scale, lowest first.
    missing : sequence of int
        Respondents of each missing kind, then those who left it blank.
    min_cell : int

    Returns
    -------
    DataFrame
        One row per missing count, numbered after the scale (``position``),
        with ``count`` (NA where withheld), ``share`` and ``cumulative_share``
        NaN (they are out of the scale), ``status`` and ``base`` ``missing``.
    """
    values, _, hidden, _, _ = _disclosed(counts, list(missing), min_cell)
    return pd.DataFrame(
        {
            "position": range(len(values) + 1, len(values) + len(hidden) + 1),
            "count": pd.array(
                [None if h else k for k, h in zip(missing, hidden, strict=True)], "Int64"
            ),
            "share": float("nan"),
            "cumulative_share": float("nan"),
            "status": ["suppressed" if h else "shown" for h in hidden],
            "base": "missing",
        }
    )


@dataclass(frozen=True)
class Median:
    """The median category of an ordered scale.

    Attributes
    ----------
    lower : int
        Position (0-based) of the median: the first option at which the
        cumulative share reaches one half (``2 * cumulative >= n``).
    upper : int
        The same as ``lower`` unless the cumulative share is exactly one half
        there; then the next option anyone chose (the upper median).
    tied : bool
        Whether the cumulative share is exactly one half at ``lower`` (the
        respondents split evenly between ``lower`` and below, and above it).
    """

    lower: int
    upper: int
    tied: bool


def median(counts: Sequence[int]) -> Median:
    """Median category: where the cumulative share first reaches 50 %.

    Tie rule: when the cumulative share is exactly 50 % at an option, the
    median is that option (the lower median), and :attr:`Median.upper` names
    the next option anyone chose; claims about the median use the lower one.
    Computed in integers (``2 * cumulative >= n``), never in floating point,
    over those who answered. It tells no count, only on which side of one
    half the cumulative counts lie.

    Parameters
    ----------
    counts : sequence of int
        Respondents per option, lowest option first.

    Returns
    -------
    Median

    Raises
    ------
    ValueError
        If the counts are not a scale of two or more options that someone answered.
    """
    values = check_counts(counts)
    n, running = sum(values), 0
    for i, k in enumerate(values):
        running += k
        if 2 * running >= n:
            tied = 2 * running == n
            upper = next(j for j in range(i + 1, len(values)) if values[j]) if tied else i
            return Median(i, upper, tied)
    raise AssertionError("unreachable: the cumulative count reaches n")


@dataclass(frozen=True)
class TopBox:
    """Share of respondents in the top options of an ordered scale, with its interval.

    Attributes
    ----------
    top : int
        How many of the highest options count (2: "top-two box").
    successes : int or None
        Respondents in them; ``None`` where withheld.
    n : int
        The base: respondents who answered, or all respondents if the
        no-answer count is withheld (see :func:`distribution`).
    share : float
        ``successes / n`` (NaN where withheld).
    ci : tuple of float
        Two-sided Wilson interval of the share at ``confidence`` (NaN where withheld).
    confidence : float
    withheld : bool
        Whether the count and share are withheld (see :func:`top_box`).
    method : str
    """

    top: int
    successes: int | None
    n: int
    share: float
    ci: tuple[float, float]
    confidence: float
    withheld: bool
    method: str = WILSON_METHOD


def top_count(counts: Sequence[int], *, top: int = DEFAULT_TOP) -> int:
    """Respondents in the ``top`` highest options.

    Parameters
    ----------
    counts : sequence of int
        Respondents per option, lowest option first.
    top : int
        How many of the highest options count; ``1 <= top < len(counts)``.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``top`` is not between 1 and the number of options minus one.
    """
    values = list(counts)
    if not 1 <= top < len(values):
        raise ValueError(f"top must be between 1 and {len(values) - 1} options, got {top}")
    return int(sum(values[len(values) - top :]))


def _splits_withheld(
    values: list[int], hidden: list[bool], top: int, blank: list[int], min_cell: int
) -> bool:
    """Whether publishing the top-box count would tell a withheld count or a small sum of them.

    ``blank`` holds the withheld missing counts in the base (on the side of the
    lower options), if any.
    """
    cut = len(values) - top
    below = [values[i] for i in range(cut) if hidden[i]] + blank
    above = [values[i] for i in range(cut, len(values)) if hidden[i]]
    return any(part and (len(part) < 2 or sum(part) < min_cell) for part in (below, above))


def top_box(
    counts: Sequence[int],
    *,
    top: int = DEFAULT_TOP,
    no_answer: int | Sequence[int] = 0,
    confidence: float = 0.95,
    min_cell: int = DEFAULT_MIN_CELL,
) -> TopBox:
    """Top-box share (default top two) with its Wilson interval, withheld where it would disclose.

    The top-box count is withheld if it or the rest of the scale is small
    (:func:`~analysis_utils.survey.disclosure.suppress` of the pair), or if,
    beside the counts :func:`distribution` publishes, it would tell a withheld
    count: the withheld counts on either side of the cut (a withheld
    no-answer count below it) must be none, or at least two adding up to
    ``min_cell`` or more. The share is of the base of :func:`distribution`.

    Parameters
    ----------
    counts : sequence of int
        Respondents per option, lowest option first.
    top : int
        How many of the highest options count.
    no_answer : int or sequence of int
        Respondents who left the question blank, or, where the codebook marks
        missing kinds, the respondents of each kind and the blank ones.
    confidence : float
        Level of the two-sided interval.
    min_cell : int
        Smallest count published.

    Returns
    -------
    TopBox

    Raises
    ------
    ValueError
        If the counts are not a scale of two or more options that someone answered,
        ``no_answer`` is not a whole number >= 0, or ``top`` is out of range.
    """
    values, hidden, missing_hidden, told, n = _disclosed(counts, no_answer, min_cell)
    k = top_count(values, top=top)
    missing = _missing(no_answer)
    blank = [] if told else [m for m, h in zip(missing, missing_hidden, strict=True) if h]
    withheld = suppress([k, n - k], min_cell=min_cell, complete=True)[0] or _splits_withheld(
        values, hidden, top, blank, min_cell
    )
    if withheld:
        nan = float("nan")
        return TopBox(top, None, n, nan, (nan, nan), confidence, True)
    low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    return TopBox(top, k, n, k / n, (float(low), float(high)), confidence, False)

"""Disclosure control: which counts to withhold and which answers never to write."""

from __future__ import annotations

from collections.abc import Sequence

from analysis_utils.survey.format import Survey

#: Counts below this are withheld from every output unless a parameter says otherwise.
DEFAULT_MIN_CELL = 5


def suppress(counts: Sequence[int], *, min_cell: int, complete: bool) -> list[bool]:
    """Choose the cells to withhold so that no count below ``min_cell`` can be told.

    A count ``0 < k < min_cell`` is withheld (primary suppression). When the
    counts add up to a published total (``complete``: a single-choice question,
    or an option and its complement), the withheld cells together must also
    not be small: while their sum is below ``min_cell`` (and not 0), the
    smallest published cell is withheld too (complementary suppression).

    Parameters
    ----------
    counts : sequence of int
    min_cell : int
        Smallest count published; 1 publishes every count.
    complete : bool
        Whether the counts add up to a published total.

    Returns
    -------
    list of bool
        ``True`` where the count is withheld.

    Raises
    ------
    ValueError
        If ``min_cell < 1`` or a count is negative.
    """
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    if any(k < 0 for k in counts):
        raise ValueError(f"counts must not be negative: {list(counts)}")
    hidden = [0 < k < min_cell for k in counts]
    if not complete:
        return hidden
    while True:
        withheld = sum(k for k, h in zip(counts, hidden, strict=True) if h)
        shown = [i for i, h in enumerate(hidden) if not h]
        if withheld == 0 or withheld >= min_cell or not shown:
            return hidden
        pick = min(shown, key=lambda i: (counts[i] == 0, counts[i], i))
        hidden[pick] = True


def suppress_parts(
    counts: Sequence[int], parts: Sequence[Sequence[int]], *, min_cell: int
) -> tuple[list[bool], bool]:
    """Withhold as :func:`suppress` does, where each part's total is published too.

    A question's counts add up to n, and its valid answers (the options that
    are not missing kinds) add up to the valid n, the missing kinds and the
    blanks to the rest. Publishing the valid n adds one total per part; each
    part must then keep the one-way rule on its own: its withheld cells are
    none, or two or more adding up to at least ``min_cell``. While a part does
    not, its smallest published cell is withheld too.

    Parameters
    ----------
    counts : sequence of int
        Adding up to a published total.
    parts : sequence of sequence of int
        Indices of ``counts``, each index in one part.
    min_cell : int
        Smallest count published.

    Returns
    -------
    hidden : list of bool
        ``True`` where the count is withheld.
    totals : bool
        Whether the parts' totals may be published. If a part cannot be
        protected (it has no published cell left to withhold), the totals are
        withheld and ``hidden`` is :func:`suppress`'s alone.
    """
    plain = suppress(counts, min_cell=min_cell, complete=True)
    hidden = list(plain)
    for part in parts:
        while True:
            withheld = [i for i in part if hidden[i]]
            total = sum(counts[i] for i in withheld)
            if total == 0 or (len(withheld) >= 2 and total >= min_cell):
                break
            shown = [i for i in part if not hidden[i]]
            if not shown:
                return plain, False
            hidden[min(shown, key=lambda i: (counts[i] == 0, counts[i], i))] = True
    return hidden, True


def identifying_columns(survey: Survey) -> list[str]:
    """Questions flagged as identifying in the codebook (their answers are never written).

    Parameters
    ----------
    survey : Survey

    Returns
    -------
    list of str
    """
    flagged = survey.questions["identifying"].str.lower() == "true"
    return list(survey.questions.loc[flagged, "question_id"])

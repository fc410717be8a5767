"""A question's answers as codes: valid answers, each missing kind, and blanks kept apart.

The analysis modules (:mod:`~analysis_utils.survey.frequencies`,
:mod:`~analysis_utils.survey.descriptives`, :mod:`~analysis_utils.survey.crosstables`,
:mod:`~analysis_utils.survey.recode`, :mod:`~analysis_utils.survey.models`) all take a
question as a pandas Series of codes (numbers or texts, one per respondent), its value
labels as a mapping ``code -> label`` and its missing kinds as a separate mapping
``code -> label`` (SPSS user-missing values such as 8 "Don't know", 9 "Refused"; Stata's
``.a``-``.z``). A missing value of the Series itself (``NaN``, ``None``) is a blank answer,
SPSS's system-missing. This module holds the rules they share: which answers are valid, in
which order the codes are listed, and which weights are usable.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

#: A value label mapping, ``code -> label``.
Labels = Mapping[Hashable, str]

#: Label of the row of blank answers (system-missing).
BLANK_LABEL = "no answer (system missing)"


def _number(code: Hashable) -> bool:
    return isinstance(code, numbers.Number) and not isinstance(code, bool)


def _ordered(codes: Sequence[Hashable]) -> list[Hashable]:
    """Sort codes: numbers first in numeric order, then texts in text order."""
    return sorted(codes, key=lambda c: (0, float(c), "") if _number(c) else (1, 0.0, str(c)))  # type: ignore[arg-type]


def plain(code: Hashable) -> Hashable:
    """Give a code as people write it: ``1.0`` read from a file is the code ``1``.

    Parameters
    ----------
    code : hashable

    Returns
    -------
    hashable
        A whole float as an int, numpy scalars as Python ones, anything else unchanged.
    """
    if isinstance(code, np.generic):
        code = code.item()
    if isinstance(code, float) and code.is_integer():
        return int(code)
    return code


def keys_of(answers: pd.Series) -> pd.Series:
    """Give the answers as codes to compare: numbers as they are, other values as :func:`plain`.

    Parameters
    ----------
    answers : Series

    Returns
    -------
    Series
        Numeric answers unchanged (``1.0 == 1`` already holds), others mapped one by one.
    """
    if pd.api.types.is_numeric_dtype(answers.dtype) and not pd.api.types.is_bool_dtype(
        answers.dtype
    ):
        return answers
    return answers.map(plain)


def masks(
    answers: pd.Series, *, missing: Labels | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tell each respondent's answer apart: valid, a declared missing kind, or blank.

    Parameters
    ----------
    answers : Series
        One code per respondent; ``NaN``/``None`` is a blank answer.
    missing : mapping, optional
        Declared missing kinds, ``code -> label``.

    Returns
    -------
    valid, declared, blank : numpy.ndarray of bool
        One flag per respondent each; exactly one of the three is true.
    """
    blank = answers.isna().to_numpy()
    kinds = list((missing or {}).keys())
    declared = answers.isin(kinds).to_numpy() & ~blank if kinds else np.zeros(len(answers), bool)
    return ~blank & ~declared, declared, blank


def valid_codes(
    answers: pd.Series, *, labels: Labels | None = None, missing: Labels | None = None
) -> list[Hashable]:
    """List the valid codes: the labelled ones in the labels' order, then others given.

    Parameters
    ----------
    answers : Series
    labels : mapping, optional
        Value labels; a labelled code is listed even when nobody gave it.
    missing : mapping, optional
        Declared missing kinds (never listed here).

    Returns
    -------
    list
        Codes as :func:`plain` writes them.
    """
    kinds = {plain(k) for k in (missing or {})}
    listed = [plain(c) for c in (labels or {}) if plain(c) not in kinds]
    valid, _, _ = masks(answers, missing=missing)
    seen = {plain(c) for c in pd.unique(answers[valid])}
    return listed + _ordered([c for c in seen if c not in set(listed)])


def label(code: Hashable, labels: Labels | None) -> str:
    """Give a code's label, or the code itself written out when it has none.

    Parameters
    ----------
    code : hashable
    labels : mapping or None

    Returns
    -------
    str
    """
    for key, text in (labels or {}).items():
        if plain(key) == plain(code):
            return str(text)
    return str(plain(code))


def weights_of(answers: pd.Series, weights: pd.Series | Sequence[float] | np.ndarray) -> np.ndarray:
    """Give one usable weight per respondent, refusing what is not.

    Parameters
    ----------
    answers : Series
        The respondents (their index aligns a Series of weights).
    weights : Series or sequence of float
        A Series is aligned on the answers' index; anything else is taken in order.

    Returns
    -------
    numpy.ndarray
        float64 weights.

    Raises
    ------
    ValueError
        If a respondent has no weight, a weight is negative or not finite, or all are 0.
    """
    w: np.ndarray
    if isinstance(weights, pd.Series):
        w = weights.reindex(answers.index).to_numpy(dtype=np.float64)
    else:
        w = np.asarray(weights, dtype=np.float64).reshape(-1)
        if len(w) != len(answers):
            raise ValueError(f"{len(answers)} answers but {len(w)} weights")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
        raise ValueError("weights must be given for every respondent, finite, >= 0 and not all 0")
    return w

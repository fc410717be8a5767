"""Respondent weights: checking them, and weighted shares with Kish effective-size intervals.

A weight column gives each respondent a weight (e.g. the inverse of their
probability of selection, or a post-stratification factor). A weighted share
is the weights of those who gave an option over the weights of all; its
interval is the Wilson interval (statsmodels) at the Kish effective sample size
``n_eff = (sum w)^2 / sum w^2``, which is ``n`` for equal weights and smaller
the more unequal the weights are. Disclosure applies to the *unweighted*
counts: an option whose count is withheld
(:func:`analysis_utils.survey.disclosure.suppress`, the rule of
``survey_items.csv``) has no weighted share either.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.survey.disclosure import DEFAULT_MIN_CELL, suppress, suppress_parts
from analysis_utils.survey.format import NO_ANSWER

#: Pseudo-option of the valid answers (not missing) in :func:`weighted_shares`.
VALID = "_valid"

#: How the interval of a weighted share is computed.
KISH_WILSON_METHOD = (
    "Wilson interval (statsmodels proportion_confint) at the Kish effective sample size "
    "n_eff = (sum w)^2 / sum w^2"
)


def parse_weights(
    values: Sequence[str], *, file: str, column: str, first_row: int = 2
) -> np.ndarray:
    """Read a weight column written as text, refusing what is not a usable weight.

    Parameters
    ----------
    values : sequence of str
        One weight per respondent, as written in the file.
    file, column : str
        For messages: the file and the column the weights come from.
    first_row : int
        Line of the file of the first value (2: the line after the header).

    Returns
    -------
    numpy.ndarray
        float64 weights.

    Raises
    ------
    InputError
        One problem per value that is not a number, negative or not finite
        (naming the file, row and column), or one for the whole column if every
        weight is 0.
    """
    problems, out = [], np.zeros(len(values))
    for offset, text in enumerate(values):
        try:
            out[offset] = float(text.strip())
        except ValueError:
            problems.append(
                Problem(
                    file,
                    first_row + offset,
                    column,
                    "weight-number",
                    f"{text!r} is not a number; write a weight such as 1 or 0.85",
                )
            )
    if problems:
        raise InputError(problems)
    return check_weights(out, file=file, column=column, first_row=first_row)


def check_weights(
    weights: Sequence[float] | np.ndarray, *, file: str, column: str, first_row: int = 2
) -> np.ndarray:
    """Refuse negative, non-finite or all-zero weights.

    Parameters
    ----------
    weights : sequence of float
    file, column : str
        For messages.
    first_row : int
        Line of the file of the first weight.

    Returns
    -------
    numpy.ndarray
        The weights as float64.

    Raises
    ------
    InputError
        One problem per negative or non-finite weight, naming its row; or one
        for the whole column if there are no weights or every weight is 0.
    """
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    problems = [
        Problem(
            file,
            first_row + int(i),
            column,
            "weight-finite" if not math.isfinite(float(w[i])) else "weight-minimum",
            f"weight {float(w[i])!r} is "
            + ("not a finite number" if not math.isfinite(float(w[i])) else "negative")
            + "; a weight is a number >= 0 (0 leaves the respondent out)",
        )
        for i in np.flatnonzero(~np.isfinite(w) | (w < 0))
    ]
    if not problems and not np.any(w > 0):
        problems.append(
            Problem(
                file,
                None,
                column,
                "weight-all-zero",
                "every weight is 0 (or there are none): give at least one respondent a "
                "positive weight, or leave the weight column out for unweighted tables",
            )
        )
    if problems:
        raise InputError(problems)
    return w


def effective_size(weights: Sequence[float] | np.ndarray) -> float:
    """Kish effective sample size ``(sum w)^2 / sum w^2``.

    Parameters
    ----------
    weights : sequence of float
        Checked weights (:func:`check_weights`), at least one positive.

    Returns
    -------
    float
        Equal to the number of positive weights when they are all equal, smaller otherwise.
    """
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / np.square(w).sum())


def weighted_shares(
    answers: Sequence[str],
    weights: Sequence[float] | np.ndarray,
    options: Sequence[str],
    *,
    choice: str = "single",
    confidence: float = 0.95,
    min_cell: int = DEFAULT_MIN_CELL,
    missing: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Weighted share of each option with its interval at the effective sample size.

    The base is every respondent, as in ``survey_items.csv``: under single
    choice a blank answer counts as the pseudo-option
    :data:`~analysis_utils.survey.format.NO_ANSWER` (listed when anyone left
    the question blank); under multiple choice each option's share is of all
    respondents.

    Parameters
    ----------
    answers : sequence of str
        One answer per respondent as in ``responses.csv`` (an option code,
        codes joined by ``;`` under multiple choice, or empty).
    weights : sequence of float
        One weight per respondent (:func:`check_weights` names the rows of bad ones).
    options : sequence of str
        The question's option codes, in codebook order.
    choice : {"single", "multiple"}
    confidence : float
        Level of the two-sided intervals.
    min_cell : int
        Smallest unweighted count published.
    missing : sequence of str, optional
        Under single choice, where the codebook marks kinds of missing answer:
        their codes (possibly none). Each is then its own row after the
        answers, the blank answers too, then a row :data:`VALID` (the valid
        answers); the answers' shares are *valid* shares (of the weights of
        those who gave an answer that is not missing, with the interval at that
        base's effective size), the missing rows' and :data:`VALID`'s of all
        respondents, as SPSS's valid and total percent. The unweighted counts
        are withheld with the valid n as ``survey_items.csv`` withholds them
        (:func:`~analysis_utils.survey.disclosure.suppress_parts`).

    Returns
    -------
    DataFrame
        One row per option: ``option_code``, ``count`` (unweighted, Int64, NA
        where withheld), ``weighted_share``, ``ci_low``, ``ci_high`` (NaN where
        withheld), ``n_eff`` (of the share's base) and ``status`` (``shown`` or
        ``suppressed``).

    Raises
    ------
    ValueError
        If answers and weights differ in length, a weight is negative or not
        finite or all are 0, ``choice`` is not a choice question, or an answer
        is not one of ``options``.
    """
    w = np.asarray(weights, dtype=np.float64)
    if len(w) != len(answers):
        raise ValueError(f"{len(answers)} answers but {len(w)} weights")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
        raise ValueError("weights must be finite, >= 0 and not all 0 (check_weights says where)")
    if choice not in ("single", "multiple"):
        raise ValueError(f"choice must be 'single' or 'multiple', got {choice!r}")
    chosen = [set(a.split(";")) if a else set() for a in answers]
    unknown = sorted(set().union(*chosen) - set(options)) if chosen else []
    if unknown or (choice == "single" and any(len(c) > 1 for c in chosen)):
        raise ValueError(f"answers that are not one option of {list(options)}: {unknown}")
    if choice == "single" and missing is not None:
        return _valid_shares(chosen, w, list(options), list(missing), confidence, min_cell)
    codes = list(options)
    if choice == "single" and any(not c for c in chosen):
        codes.append(NO_ANSWER)
    gave = np.array(
        [[(code in c) or (code == NO_ANSWER and not c) for c in chosen] for code in codes]
    ).reshape(len(codes), len(chosen))
    counts, n = gave.sum(axis=1).astype(int).tolist(), len(chosen)
    if choice == "single":
        hidden = suppress(counts, min_cell=min_cell, complete=True)
    else:
        hidden = [suppress([k, n - k], min_cell=min_cell, complete=True)[0] for k in counts]
    n_eff = effective_size(w)
    shares = (gave * w).sum(axis=1) / w.sum()
    low, high = proportion_confint(shares * n_eff, n_eff, alpha=1 - confidence, method="wilson")
    nan = float("nan")
    return pd.DataFrame(
        {
            "option_code": codes,
            "count": pd.array(
                [None if h else k for k, h in zip(counts, hidden, strict=True)], "Int64"
            ),
            "weighted_share": [nan if h else float(s) for s, h in zip(shares, hidden, strict=True)],
            "ci_low": [nan if h else float(x) for x, h in zip(low, hidden, strict=True)],
            "ci_high": [nan if h else float(x) for x, h in zip(high, hidden, strict=True)],
            "n_eff": n_eff,
            "status": ["suppressed" if h else "shown" for h in hidden],
        }
    )


def _valid_shares(
    chosen: list[set[str]],
    w: np.ndarray,
    options: list[str],
    missing: list[str],
    confidence: float,
    min_cell: int,
) -> pd.DataFrame:
    """Give the weighted shares of a question with missing kinds (see :func:`weighted_shares`)."""
    kinds = [c for c in options if c in set(missing)]
    answers = [c for c in options if c not in set(missing)]
    blank = [NO_ANSWER] if any(not c for c in chosen) else []
    codes = answers + kinds + blank
    gave = np.array(
        [[(code in c) or (code == NO_ANSWER and not c) for c in chosen] for code in codes]
    ).reshape(len(codes), len(chosen))
    counts = gave.sum(axis=1).astype(int).tolist()
    valid_rows = np.arange(len(answers))
    hidden, told = suppress_parts(
        counts, [list(valid_rows), list(range(len(answers), len(codes)))], min_cell=min_cell
    )
    answered = gave[valid_rows].any(axis=0) if len(answers) else np.zeros(len(chosen), bool)
    valid_w, all_w = w[answered], w
    rows = []
    for k, code in enumerate([*codes, VALID]):
        is_valid = code == VALID
        mask = answered if is_valid else gave[k]
        base = valid_w if k < len(answers) else all_w
        count = int(mask.sum())
        withheld = not told if is_valid else bool(hidden[k])
        # a valid share, or the valid base's effective size (n itself for equal weights),
        # would tell a withheld valid n
        untold = k < len(answers) and not told
        total = float(base.sum())
        n_eff = effective_size(base) if total > 0 and not untold else float("nan")
        share = float(w[mask].sum()) / total if total > 0 else float("nan")
        low, high = (
            proportion_confint(share * n_eff, n_eff, alpha=1 - confidence, method="wilson")
            if total > 0 and not untold
            else (float("nan"), float("nan"))
        )
        off = withheld or untold
        rows.append(
            {
                "option_code": code,
                "count": None if withheld else count,
                "weighted_share": float("nan") if off else share,
                "ci_low": float("nan") if off else float(low),
                "ci_high": float("nan") if off else float(high),
                "n_eff": n_eff,
                "status": "suppressed" if withheld else "shown",
            }
        )
    table = pd.DataFrame(rows)
    table["count"] = table["count"].astype("Int64")
    return table

"""Granularity audit of a survey's reported percentages (table level).

Wraps :mod:`analysis_utils.audit.granularity` for the long survey table that the
cleaning notebook writes (``survey_items.csv``): which sample sizes each
reported percentage allows, which sizes all of them allow together, whether
the stated sample size is among them, and which subgroup sizes would explain a
percentage that the whole sample cannot give.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis_utils.audit.granularity import consistent_sizes, grim, matching_counts, subgroup_sizes
from analysis_utils.audit.reconstruction import count, count_ranges

#: Rounding assumed for the article's percentages unless a parameter says otherwise.
DEFAULT_ROUNDING = "up_or_down"
#: Largest sample size the audit searches.
DEFAULT_N_MAX = 200


def reported(items: pd.DataFrame) -> pd.DataFrame:
    """List the reported percentages, one row each, in codebook order.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.

    Returns
    -------
    DataFrame
        ``number_id, question_id, option_code, option_label, percent`` where
        ``percent`` is the text as printed and ``number_id`` is
        ``question_id.option_code`` where the codebook cites no number.
    """
    rows = items[items["status"] == "reported"]
    ids = [
        cited or f"{q}.{o}"
        for cited, q, o in zip(
            rows["number_id"], rows["question_id"], rows["option_code"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "number_id": ids,
            "question_id": rows["question_id"].to_numpy(),
            "option_code": rows["option_code"].to_numpy(),
            "option_label": rows["option_label"].to_numpy(),
            "percent": rows["reported_percent_as_printed"].astype(str).to_numpy(),
        }
    )


def question(items: pd.DataFrame, question_id: str) -> tuple[list[str], list[str | None], str]:
    """One question's options and reported percentages (``None`` if unreported).

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    question_id : str

    Returns
    -------
    options : list of str
        Option codes in codebook order.
    percents : list of str or None
    choice : str
        ``single``, ``multiple`` or ``not stated``.

    Raises
    ------
    KeyError
        If the question is not in the table.
    """
    rows = items[items["question_id"] == question_id].sort_values("option_position")
    if rows.empty:
        raise KeyError(f"question {question_id!r} is not in the survey codebook")
    percents = [
        str(p) if s == "reported" else None
        for s, p in zip(rows["status"], rows["reported_percent_as_printed"], strict=True)
    ]
    return list(rows["option_code"]), percents, str(rows["choice"].iloc[0])


def known_counts(items: pd.DataFrame, question_id: str) -> list[range | None] | None:
    """One question's counts computed from respondent-level data, where published.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    question_id : str

    Returns
    -------
    list of range or None, or None
        ``None`` when the question has no recomputed counts (reported
        aggregates only); otherwise per option ``range(k, k + 1)`` for a
        published count and ``None`` for a suppressed one (any count).
    """
    rows = items[items["question_id"] == question_id].sort_values("option_position")
    if not rows["status"].isin(["recomputed", "suppressed"]).any():
        return None
    return [
        range(int(k), int(k) + 1) if s == "recomputed" else None
        for s, k in zip(rows["status"], rows["count"], strict=True)
    ]


def stated_n(items: pd.DataFrame) -> int | None:
    """Return the sample size the source states (the largest stated per-question n).

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.

    Returns
    -------
    int or None
        ``None`` where no question states one.
    """
    values = pd.to_numeric(items["stated_n"], errors="coerce").dropna()
    return int(values.max()) if len(values) else None


def at_stated_n(
    items: pd.DataFrame, *, rounding: str
) -> tuple[int | None, list[str], dict[str, bool]]:
    """Check the reported percentages against the sample size the source states.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    rounding : str

    Returns
    -------
    stated : int or None
        The stated n (:func:`stated_n`); ``None`` where none is stated.
    possible : list of str
        Every percentage ``stated`` respondents can give (``100 k / n``);
        empty without a stated n.
    at_stated : dict
        Reported percentage (as printed) to whether a count of ``stated`` gives
        it; empty without a stated n.
    """
    stated = stated_n(items)
    if stated is None:
        return None, [], {}
    possible = [f"{100 * k / stated:g}" for k in range(stated + 1)]
    at_stated = {
        p: grim(p, stated, percent=True, rounding=rounding) for p in reported(items)["percent"]
    }
    return stated, possible, at_stated


def feasibility(items: pd.DataFrame, n_values: Iterable[int], *, rounding: str) -> pd.DataFrame:
    """Check whether a count of each candidate n can give each reported percentage.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    n_values : iterable of int
    rounding : str

    Returns
    -------
    DataFrame
        Long form: ``number_id, percent, n, consistent, counts`` where
        ``counts`` lists the consistent counts (``"4"`` or ``"6-7"``).
    """
    rows = []
    table = reported(items)
    for n in n_values:
        for record in table.itertuples(index=False):
            counts = matching_counts(record.percent, n, percent=True, rounding=rounding)
            text = (
                ""
                if not counts
                else (
                    str(counts.start) if len(counts) == 1 else f"{counts.start}-{counts.stop - 1}"
                )
            )
            rows.append(
                {
                    "number_id": record.number_id,
                    "percent": record.percent,
                    "n": n,
                    "consistent": len(counts) > 0,
                    "counts": text,
                }
            )
    return pd.DataFrame(rows, columns=["number_id", "percent", "n", "consistent", "counts"])


def smallest_sizes(feasibility_table: pd.DataFrame, *, listed: int = 10) -> pd.DataFrame:
    """Summarise a feasibility table: per percentage, the sizes that allow it.

    Parameters
    ----------
    feasibility_table : DataFrame
        Output of :func:`feasibility`.
    listed : int
        How many of the smallest consistent sizes to list.

    Returns
    -------
    DataFrame
        ``number_id, percent, smallest, first_sizes, count`` in the table's order.
    """
    rows = []
    for (number_id, percent), group in feasibility_table.groupby(
        ["number_id", "percent"], sort=False
    ):
        ok = group.loc[group["consistent"], "n"].sort_values()
        rows.append(
            {
                "number_id": number_id,
                "percent": percent,
                "smallest": int(ok.iloc[0]) if len(ok) else None,
                "first_sizes": ", ".join(map(str, ok.head(listed))),
                "count": len(ok),
            }
        )
    return pd.DataFrame(rows, columns=["number_id", "percent", "smallest", "first_sizes", "count"])


def joint_sizes(
    items: pd.DataFrame,
    n_values: Sequence[int],
    *,
    rounding: str,
    exclude_questions: Iterable[str] = (),
) -> list[int]:
    """Sample sizes at which all reported percentages (but excluded questions') can arise.

    A single-choice question whose every option is reported must also sum to n.
    Where the counts come from respondent-level answers, n is the number of
    respondents (``stated_n``, recomputed) and no other size is consistent.

    Parameters
    ----------
    items : DataFrame
    n_values : sequence of int
    rounding : str
    exclude_questions : iterable of str
        Questions whose percentages may be of a subgroup.

    Returns
    -------
    list of int
    """
    excluded = set(exclude_questions)
    ok = list(n_values)
    if items["status"].isin(["recomputed", "suppressed"]).any():
        ok = [n for n in ok if n == stated_n(items)]  # respondents counted: n is known
    for question_id in dict.fromkeys(items["question_id"]):
        if question_id in excluded:
            continue
        _, percents, choice = question(items, question_id)
        counts = known_counts(items, question_id)
        if counts is not None:
            complete = choice == "single"
            ok = [
                n
                for n in ok
                if count(percents, n, rounding=rounding, complete=complete, counts=counts)
            ]
            continue
        stated = [p for p in percents if p is not None]
        if not stated:
            continue
        complete = choice == "single" and len(stated) == len(percents)
        ok = consistent_sizes(stated, ok, rounding=rounding, complete=complete)
    return ok


def subgroups(
    items: pd.DataFrame, n: int, *, rounding: str, questions: Iterable[str]
) -> pd.DataFrame:
    """Subgroup sizes that would make a percentage possible when n itself does not.

    Parameters
    ----------
    items : DataFrame
    n : int
        Sample size.
    rounding : str
    questions : iterable of str
        Questions whose percentage may be of a subgroup.

    Returns
    -------
    DataFrame
        One row per (percentage, subgroup size m <= n): ``number_id, percent,
        n, consistent_with_n, subgroup_size, matches`` where ``matches`` names
        other reported options that can have exactly m respondents at this n
        (the subgroup the percentage may be of).
    """
    table = reported(items)
    rows = []
    others = table[~table["question_id"].isin(set(questions))]
    for record in table[table["question_id"].isin(set(questions))].itertuples(index=False):
        whole = len(matching_counts(record.percent, n, percent=True, rounding=rounding)) > 0
        for m in subgroup_sizes(record.percent, n, rounding=rounding):
            matches = [
                f"{o.option_label} ({o.percent}%)"
                for o in others.itertuples(index=False)
                if m in matching_counts(o.percent, n, percent=True, rounding=rounding)
            ]
            rows.append(
                {
                    "number_id": record.number_id,
                    "percent": record.percent,
                    "n": n,
                    "consistent_with_n": whole,
                    "subgroup_size": m,
                    "matches": "; ".join(matches),
                }
            )
    return pd.DataFrame(
        rows, columns=["number_id", "percent", "n", "consistent_with_n", "subgroup_size", "matches"]
    )


def candidate_sizes(
    items: pd.DataFrame, *, rounding: str, n_max: int, subgroup_questions: Iterable[str]
) -> list[int]:
    """Choose the default sample sizes at which claims are tested.

    The smallest n consistent with every full-sample percentage (those of
    ``subgroup_questions`` excluded), the smallest n consistent with every
    percentage as a share of the whole sample, and the stated n, without
    repeats, in that order. A size is left out where none exists up to ``n_max``.

    Parameters
    ----------
    items : DataFrame
    rounding : str
    n_max : int
    subgroup_questions : iterable of str

    Returns
    -------
    list of int
    """
    sizes = range(1, n_max + 1)
    found = [
        joint_sizes(items, sizes, rounding=rounding, exclude_questions=subgroup_questions),
        joint_sizes(items, sizes, rounding=rounding),
    ]
    out = [candidates[0] for candidates in found if candidates]
    stated = stated_n(items)
    if stated is not None:
        out.append(stated)
    return list(dict.fromkeys(out))


def option_ranges(
    items: pd.DataFrame,
    question_id: str,
    n: int,
    *,
    rounding: str,
    single_choice: bool,
) -> tuple[pd.DataFrame, int]:
    """Per option: the reported percentage, or the range the reconstructions allow.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    question_id : str
    n : int
        Sample size of the reconstructions.
    rounding : str
    single_choice : bool
        Whether counts sum to n.

    Returns
    -------
    options : DataFrame
        ``option_code, option_label, reported_percent`` (NaN if unreported),
        ``range_low, range_high`` (percent of n, reconstructed; NaN if no
        reconstruction is consistent), ``status`` (as in ``survey_items.csv``).
    reconstructions : int
        How many count vectors are consistent.
    """
    rows = items[items["question_id"] == question_id].sort_values("option_position")
    _, percents, _ = question(items, question_id)
    counts = known_counts(items, question_id)
    ranges = count_ranges(percents, n, rounding=rounding, complete=single_choice, counts=counts)
    total = count(percents, n, rounding=rounding, complete=single_choice, counts=counts)
    options = pd.DataFrame(
        {
            "option_code": rows["option_code"].to_numpy(),
            "option_label": rows["option_label"].to_numpy(),
            "reported_percent": pd.to_numeric(rows["reported_percent"]).to_numpy(dtype=float),
            "range_low": [100 * r.start / n if r else float("nan") for r in ranges],
            "range_high": [100 * (r.stop - 1) / n if r else float("nan") for r in ranges],
            "status": rows["status"].to_numpy(),
        }
    )
    return options, total

"""Granularity audit of a survey's reported percentages (table level).

Wraps :mod:`analysis_utils.audit.granularity` for the long survey table that the
cleaning notebook writes (``survey_items.csv``): which sample sizes each
reported percentage allows, which sizes all of them allow together, whether
the stated sample size is among them, and which subgroup sizes would explain a
percentage that the whole sample cannot give.

Where the counts come from respondent-level answers (:func:`counts_observed`)
there is nothing to audit: n is the number of respondents and the counts are
observed, so no sample size is searched (:func:`sizes_searched` is empty) and
the only size is n, found in ``O(questions)`` whatever ``n_max``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis_utils.audit import limits
from analysis_utils.audit.decisions import Rounding
from analysis_utils.audit.granularity import consistent_sizes, grim, matching_counts
from analysis_utils.audit.reconstruction import count, count_ranges
from analysis_utils.survey.question import COUNTED, Question, questions

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


def counts_observed(items: pd.DataFrame) -> bool:
    """Whether the counts come from respondent-level answers (observed, not reconstructed).

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.

    Returns
    -------
    bool
        ``True`` where the options' statuses are ``recomputed`` or
        ``suppressed``: n is the number of respondents (``stated_n``) and each
        published count is observed.
    """
    return bool(items["status"].isin(COUNTED).any())


def sizes_searched(items: pd.DataFrame, *, n_max: int) -> range:
    """Return the candidate sample sizes the granularity audit tries.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    n_max : int
        Largest sample size searched for reported percentages.

    Returns
    -------
    range
        ``1..n_max`` for reported percentages; empty where the counts are
        observed (:func:`counts_observed`): n is known, nothing is searched.

    Raises
    ------
    ValueError
        If searching would exceed the work limit
        (:func:`analysis_utils.audit.limits.check_sizes_searched`).
    """
    if counts_observed(items):
        return range(0)
    limits.check_sizes_searched(n_max, distinct_percentages(items))
    return range(1, n_max + 1)


def distinct_percentages(items: pd.DataFrame) -> int:
    """Count the distinct reported percentages the audit searches sizes for.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.

    Returns
    -------
    int
        Distinct percentages as printed; 0 where the counts are observed
        (:func:`counts_observed`: nothing is searched).
    """
    return 0 if counts_observed(items) else len(set(reported(items)["percent"]))


def audit_scope(items: pd.DataFrame, *, n_max: int) -> str:
    """Say in one sentence what the granularity audit does with this survey.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    n_max : int

    Returns
    -------
    str
    """
    if counts_observed(items):
        return observed_note(stated_n(items))
    return f"reported percentages: sample sizes searched from 1 to n_max = {n_max}"


def observed_note(n: int | None) -> str:
    """Say that respondent-level counts are observed and nothing is reconstructed.

    Parameters
    ----------
    n : int or None
        Number of respondents.

    Returns
    -------
    str
        The sentence the audit, the figures and the report use.
    """
    return (
        f"counts observed; nothing reconstructed: the counts are those of the respondent-level "
        f"answers and n = {n} is the number of respondents, so no sample size is searched"
    )


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
    items: pd.DataFrame, *, rounding: Rounding
) -> tuple[int | None, list[str], dict[str, bool]]:
    """Check the reported percentages against the sample size the source states.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    rounding : Rounding

    Returns
    -------
    stated : int or None
        The stated n (:func:`stated_n`); ``None`` where none is stated.
    possible : list of str
        Every percentage ``stated`` respondents can give (``100 k / n``);
        empty without a stated n, or where the counts are observed.
    at_stated : dict
        Reported percentage (as printed) to whether a count of ``stated`` gives
        it; empty without a stated n, or where the counts are observed.
    """
    stated = stated_n(items)
    if stated is None or counts_observed(items):  # observed counts: no percentage to check
        return stated, [], {}
    possible = [f"{100 * k / stated:g}" for k in range(stated + 1)]
    at_stated = {
        p: grim(p, stated, percent=True, rounding=rounding) for p in reported(items)["percent"]
    }
    return stated, possible, at_stated


def feasibility(
    items: pd.DataFrame, n_values: Iterable[int], *, rounding: Rounding
) -> pd.DataFrame:
    """Check whether a count of each candidate n can give each reported percentage.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    n_values : iterable of int
    rounding : Rounding

    Returns
    -------
    DataFrame
        Long form: ``number_id, percent, n, consistent, counts`` where
        ``counts`` lists the consistent counts (``"4"`` or ``"6-7"``).
    """
    table = reported(items)
    ids, percents = table["number_id"].tolist(), table["percent"].tolist()
    sizes = list(n_values)
    # each distinct percentage is checked once per size, however many options report it
    found = {
        (p, n): _counts_text(matching_counts(p, n, percent=True, rounding=rounding))
        for n in sizes
        for p in dict.fromkeys(percents)
    }
    texts = [found[p, n] for n in sizes for p in percents]
    return pd.DataFrame(
        {
            "number_id": ids * len(sizes),
            "percent": percents * len(sizes),
            "n": np.repeat(np.array(sizes, dtype=np.int64), len(percents)),
            "consistent": [text is not None for text in texts],
            "counts": ["" if text is None else text for text in texts],
        },
        columns=["number_id", "percent", "n", "consistent", "counts"],
    )


def _counts_text(counts: range) -> str | None:
    """``"4"`` or ``"6-7"`` for the consistent counts; None if there are none."""
    if not counts:
        return None
    return str(counts.start) if len(counts) == 1 else f"{counts.start}-{counts.stop - 1}"


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
    table = feasibility_table
    keys = list(zip(table["number_id"], table["percent"], strict=True))
    consistent: dict[tuple[str, str], list[int]] = {key: [] for key in keys}
    # one pass over the rows (a group's rows selected and sorted one group at a time took
    # a millisecond a percentage)
    for key, n, ok in zip(keys, table["n"].tolist(), table["consistent"].tolist(), strict=True):
        if ok:
            consistent[key].append(n)
    rows = []
    for (number_id, percent), sizes in consistent.items():
        sizes.sort()
        rows.append(
            {
                "number_id": number_id,
                "percent": percent,
                "smallest": sizes[0] if sizes else None,
                "first_sizes": ", ".join(map(str, sizes[:listed])),
                "count": len(sizes),
            }
        )
    return pd.DataFrame(rows, columns=["number_id", "percent", "smallest", "first_sizes", "count"])


def joint_sizes(
    items: pd.DataFrame,
    n_values: Sequence[int],
    *,
    rounding: Rounding,
    exclude_questions: Iterable[str] = (),
) -> list[int]:
    """Sample sizes at which all reported percentages (but excluded questions') can arise.

    A single-choice question whose every option is reported must also sum to n.
    Where the counts come from respondent-level answers
    (:func:`counts_observed`), n is the number of respondents (``stated_n``,
    recomputed): it is the only size, whatever ``n_values``, and nothing is
    searched or checked (``O(1)``).

    Parameters
    ----------
    items : DataFrame
    n_values : sequence of int
    rounding : Rounding
    exclude_questions : iterable of str
        Questions whose percentages may be of a subgroup.

    Returns
    -------
    list of int
    """
    if counts_observed(items):
        return [n for n in [stated_n(items)] if n]  # respondents counted: n is known
    excluded = set(exclude_questions)
    ok = list(n_values)
    for q in questions(items).values():
        if q.id in excluded:
            continue
        # a question of unstated type need not sum to n: the sizes hold under either reading
        complete = q.single_choice(unstated_single_choice=False)
        percents = list(q.percents)
        if q.known_counts is not None:
            ok = [
                n
                for n in ok
                if count(percents, n, rounding=rounding, complete=complete, counts=q.known_counts)
            ]
            continue
        stated = [p for p in percents if p is not None]
        if not stated:
            continue
        complete = complete and len(stated) == len(percents)
        ok = consistent_sizes(stated, ok, rounding=rounding, complete=complete)
    return ok


def candidate_sizes(
    items: pd.DataFrame, *, rounding: Rounding, n_max: int, subgroup_questions: Iterable[str]
) -> list[int]:
    """Choose the default sample sizes at which claims are tested.

    The smallest n consistent with every full-sample percentage (those of
    ``subgroup_questions`` excluded), the smallest n consistent with every
    percentage as a share of the whole sample, and the stated n, without
    repeats, in that order. A size is left out where none exists up to ``n_max``.
    Where the counts are observed (:func:`counts_observed`) that is the
    number of respondents alone, found without a search.

    Parameters
    ----------
    items : DataFrame
    rounding : Rounding
    n_max : int
    subgroup_questions : iterable of str

    Returns
    -------
    list of int
    """
    sizes = sizes_searched(items, n_max=n_max)
    found = [
        joint_sizes(items, sizes, rounding=rounding, exclude_questions=subgroup_questions),
        joint_sizes(items, sizes, rounding=rounding),
    ]
    out = [candidates[0] for candidates in found if candidates]
    stated = stated_n(items)
    if stated is not None:
        out.append(stated)
    return list(dict.fromkeys(out))


def figure_size(
    items: pd.DataFrame, full_sample: Sequence[int], *, figure_n: int, n_max: int
) -> int:
    """Choose the sample size at which the figures and the report draw their ranges.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    full_sample : sequence of int
        Sizes consistent with every full-sample percentage (:func:`joint_sizes`);
        where the counts are observed, the number of respondents.
    figure_n : int
        The size asked for; 0 for the smallest of ``full_sample``.
    n_max : int
        Largest size searched (for the message).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``figure_n`` is 0 and no size up to ``n_max`` is consistent, saying
        what to do.
    """
    if figure_n:
        return figure_n
    if full_sample:
        return full_sample[0]
    raise ValueError(
        f"no sample size up to n_max = {n_max} is consistent with every full-sample "
        "percentage: give a larger -p n_max, or the size to draw with -p figure_n N"
    )


def option_ranges(
    question: Question,
    n: int,
    *,
    rounding: Rounding,
    single_choice: bool,
) -> tuple[pd.DataFrame, int]:
    """Per option: the reported percentage, or the range the reconstructions allow.

    Parameters
    ----------
    question : Question
    n : int
        Sample size of the reconstructions.
    rounding : Rounding
    single_choice : bool
        Whether counts sum to n (:meth:`Question.single_choice`).

    Returns
    -------
    options : DataFrame
        ``option_code, option_label, reported_percent`` (NaN if unreported),
        ``range_low, range_high`` (percent of n, reconstructed; NaN if no
        reconstruction is consistent), ``status`` (as in ``survey_items.csv``).
    reconstructions : int
        How many count vectors are consistent.
    """
    percents = list(question.percents)
    counts = question.known_counts
    ranges = count_ranges(percents, n, rounding=rounding, complete=single_choice, counts=counts)
    total = count(percents, n, rounding=rounding, complete=single_choice, counts=counts)
    options = pd.DataFrame(
        {
            "option_code": list(question.options),
            "option_label": list(question.labels),
            "reported_percent": np.array(
                [float("nan") if v is None else v for v in question.percent_values], dtype=float
            ),
            "range_low": [100 * r.start / n if r else float("nan") for r in ranges],
            "range_high": [100 * (r.stop - 1) / n if r else float("nan") for r in ranges],
            "status": list(question.statuses),
        }
    )
    return options, total

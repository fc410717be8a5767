"""Checks of reported percentages against the sample size: one report row each.

The report's row vocabulary (:data:`STATUSES`, :data:`COLUMNS`) lives here
because every check, of any survey or of the article, speaks it.
:func:`check_percentage` checks one printed percentage, :func:`figure_rows` the
values a figure shows but the text does not state, :func:`survey_rows` every
option of a survey of one's own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis_utils.audit.decisions import Rounding
from analysis_utils.audit.granularity import matching_counts
from analysis_utils.audit.tables import option_ranges, stated_n
from analysis_utils.survey.question import question, questions

#: Status of a reported percentage that a sample size derived from the reported
#: percentages gives and the stated sample size does not.
AGREES_NOT_WITH_STATED_N = "consistent with each other; inconsistent with the stated n"


#: Status of a number the article states without a reference.
UNCITED = "not reproducible: no reference given"

#: Status vocabulary, with what each status means.
STATUSES: dict[str, str] = {
    "reproduced": "recomputed from other numbers of the article; equal at the printed precision",
    "consistent": "possible given the other numbers of the article; no contradiction found",
    AGREES_NOT_WITH_STATED_N: "a reported percentage that a sample size derived from all the "
    "reported percentages gives and the stated sample size cannot; the numbers cannot tell "
    "which is wrong (blaming the stated n is an inference)",
    "inconsistent": "contradicted by other numbers of the article",
    "not reproducible: cited": "taken from a cited source whose data are not in the package",
    UNCITED: "stated without a reference (some name their source, the ILO or the UN, without "
    "a citation); its data are not in the package",
    "not reproducible: unreported": "the article does not state the value (a figure's bar)",
    "external check": "compared with official statistics from outside the article",
    "recomputed": "counted from respondent-level answers (a survey of one's own)",
    "withheld": "a count withheld to protect respondents (below the threshold, or revealing one)",
}


#: The statuses a row of a survey report (:func:`survey_rows`) can have, with what
#: each means for any survey (the source is whoever published or collected it).
SURVEY_STATUSES: dict[str, str] = {
    "consistent": "possible given the survey's other reported percentages and its stated n",
    AGREES_NOT_WITH_STATED_N: STATUSES[AGREES_NOT_WITH_STATED_N],
    "inconsistent": "contradicted by the survey's other reported percentages",
    "not reproducible: unreported": "the source does not state the value: shown as the range "
    "the reconstructions allow",
    "recomputed": "counted from the respondent-level answers",
    "withheld": STATUSES["withheld"],
}


#: Columns of a report row as the checks build it.
ROW_COLUMNS = ["id", "kind", "location", "value_as_printed", "recomputed", "status", "reason"]


#: Columns of the reports: a row, plus the derived and external checks that use it and the
#: check, if any, that recomputes it from other printed numbers.
COLUMNS = [*ROW_COLUMNS, "checked_in", "recomputed_by"]


@dataclass(frozen=True)
class SurveyContext:
    """What the survey checks need: the sample sizes that matter.

    Attributes
    ----------
    stated_n : int
    full_sample_n : int
        Smallest n consistent with every full-sample percentage.
    all_n : int or None
        Smallest n consistent with every percentage of the whole sample.
    rounding : Rounding
    subgroup_questions : tuple of str
    """

    stated_n: int
    full_sample_n: int
    all_n: int | None
    rounding: Rounding
    subgroup_questions: tuple[str, ...]


def report_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows as a report table; ``checked_in`` and ``recomputed_by`` empty until checks are known.

    Parameters
    ----------
    rows : sequence of mapping
        Report rows with the keys of :data:`ROW_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        With the columns of :data:`COLUMNS`.
    """
    return pd.DataFrame(
        [{"checked_in": "", "recomputed_by": "", **row} for row in rows], columns=COLUMNS
    )


@dataclass(frozen=True)
class PercentageCheck:
    """What a reported percentage allows, with its status and reason.

    Attributes
    ----------
    recomputed : str
        For each candidate size and the stated n, the count that gives the
        percentage, or that none does.
    status : str
        ``consistent``, :data:`AGREES_NOT_WITH_STATED_N` or ``inconsistent``.
    reason : str
        One line; the same wherever the percentage is reported.
    """

    recomputed: str
    status: str
    reason: str


def check_percentage(
    printed: str, *, sizes: Sequence[int], stated: int | None, rounding: Rounding
) -> PercentageCheck:
    """Check a reported percentage against the derived and the stated sample sizes.

    The one rule both reports (:func:`reproduction_report` and
    :func:`survey_rows`) use, so a percentage gets the same status and reason
    in each. ``consistent``: a derived size gives it and so does the stated n
    (or none is stated). :data:`AGREES_NOT_WITH_STATED_N`: a derived size gives
    it, the stated n cannot; the reason says that blaming the stated n rather
    than the percentages is an inference. ``inconsistent``: no derived size
    gives it.

    Parameters
    ----------
    printed : str
        The percentage as printed (``"67"``).
    sizes : sequence of int
        Candidate sample sizes derived from all the reported percentages
        (``02_audit_reported_percentages``: the smallest n consistent with the
        full-sample percentages, and with every percentage).
    stated : int or None
        The sample size the source states; None if it states none.
    rounding : Rounding
        Rounding rule (scrutiny's names).

    Returns
    -------
    PercentageCheck
    """
    parts: list[str] = []
    derived = False
    for n in sizes:
        counts = matching_counts(printed, n, percent=True, rounding=rounding)
        derived = derived or bool(counts)
        parts.append(
            f"n = {n}: {counts.start} respondents"
            if counts
            else f"n = {n}: impossible as a share of all"
        )
    at_stated = stated is None or bool(
        matching_counts(printed, stated, percent=True, rounding=rounding)
    )
    if stated is not None:
        parts.append(f"stated n = {stated}: {'possible' if at_stated else 'impossible'}")
    listed = ", ".join(str(n) for n in sizes)
    derived_text = f"one of the sample sizes derived from the reported percentages (n = {listed})"
    if derived and at_stated:
        status = "consistent"
        reason = f"{derived_text} gives it" + (
            "" if stated is None else f", and so does the stated n = {stated}"
        )
    elif derived:
        status = AGREES_NOT_WITH_STATED_N
        reason = (
            f"{derived_text} gives it; no count of the stated n = {stated} rounds to it; "
            f"blaming the stated n = {stated} rather than this percentage is an inference: the "
            "numbers cannot tell which is wrong, but where other reported percentages are "
            f"impossible at n = {stated} too, one error in the stated n explains them all"
        )
    else:
        status = "inconsistent"
        reason = (
            f"no sample size derived from the reported percentages (n = {listed}) gives it"
            if sizes
            else "no sample size gives it together with the other reported percentages"
        )
        if stated is not None:
            reason += f"; the stated n = {stated} {'does' if at_stated else 'does not either'}"
    return PercentageCheck("; ".join(parts), status, reason)


def derived_sizes(ctx: SurveyContext) -> list[int]:
    """Return the sample sizes derived from the reported percentages, each once.

    Parameters
    ----------
    ctx : SurveyContext

    Returns
    -------
    list of int
        The full-sample n and the all-questions n, without zeros or repeats.
    """
    return [n for n in dict.fromkeys([ctx.full_sample_n, ctx.all_n]) if n]


def _reading_note(choice: str, single: bool) -> str:
    """Say which reading a range is drawn under when the question's type is not stated."""
    if choice != "not stated":
        return ""
    return (
        " (single-choice reading; under multiple choice 0-100 %)"
        if single
        else " (multiple-choice reading)"
    )


def figure_rows(
    items: pd.DataFrame,
    ctx: SurveyContext,
    *,
    unstated_single_choice: bool,
    figures: Mapping[str, str],
) -> pd.DataFrame:
    """One row per value a figure of the article shows but its text does not state.

    Parameters
    ----------
    items : DataFrame
    ctx : SurveyContext
    unstated_single_choice : bool
    figures : mapping
        Question id to the label of the source's figure that shows it.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`.
    """
    rows = []
    for question_id, label in figures.items():
        asked = question(items, question_id)
        choice = asked.choice
        single = asked.single_choice(unstated_single_choice)
        options, total = option_ranges(
            asked, ctx.full_sample_n, rounding=ctx.rounding, single_choice=single
        )
        for option in options.itertuples(index=False):
            if not math.isnan(option.reported_percent):
                continue
            rows.append(
                {
                    "id": f"{question_id}_{option.option_code}_pct",
                    "kind": "figure_value",
                    "location": f"{label}, option {option.option_code}) {option.option_label}",
                    "value_as_printed": "",
                    "recomputed": f"{option.range_low:.0f}-{option.range_high:.0f} % over {total} "
                    f"reconstructions at n = {ctx.full_sample_n}{_reading_note(choice, single)}",
                    "status": "not reproducible: unreported",
                    "reason": "the bar is an image; the text does not state its value",
                }
            )
    return report_frame(rows)


def _counted(k: int, stated: int, missing: bool, valid: int | None, kinds: bool) -> str:
    """Word a recomputed count: of the valid answers, or of all respondents for a missing kind."""
    if missing:
        return f"{k} of {stated} ({100 * k / stated:.1f} %): a kind of missing answer, not valid"
    if valid and (kinds or valid != stated):
        return f"{k} of {valid} valid answers ({100 * k / valid:.1f} %); {stated} respondents"
    if kinds:  # the valid base is withheld: it would tell a withheld count
        return f"{k} of {stated} ({100 * k / stated:.1f} %); the valid base is withheld"
    return f"{k} of {stated} ({100 * k / stated:.1f} %)"


def _missing_kinds(items: pd.DataFrame) -> dict[tuple[str, str], tuple[bool, int | None]]:
    """(question, option) -> (whether it is a missing kind, the question's valid n)."""
    if "missing" not in items.columns:
        return {}
    valid = pd.to_numeric(items["valid_n"].replace("", None), errors="coerce")
    return {
        (str(q), str(o)): (str(m).lower() == "true", None if pd.isna(v) else int(v))
        for q, o, m, v in zip(
            items["question_id"], items["option_code"], items["missing"], valid, strict=True
        )
    }


def survey_rows(
    items: pd.DataFrame,
    *,
    sizes: Sequence[int],
    n: int,
    rounding: Rounding,
    unstated_single_choice: bool,
) -> pd.DataFrame:
    """One row per answer option of any survey: what it reports and what it allows.

    A reported percentage is checked at the candidate sizes and at the stated
    n by :func:`check_percentage`, the rule the reproduction report uses too
    (same status and reason); an unreported one, or a withheld count, gets the range of
    shares the consistent reconstructions at ``n`` allow; a count recomputed
    from respondent-level answers is shown as such.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    sizes : sequence of int
        Candidate sample sizes derived from the reported percentages.
    n : int
        Sample size of the ranges.
    rounding : Rounding
    unstated_single_choice : bool
        Treat a question of unstated type as single choice.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, in codebook order.
    """
    stated = stated_n(items)
    kinds = _missing_kinds(items)
    rows = []
    for asked in questions(items).values():
        marked = any(kinds.get((asked.id, code), (False, None))[0] for code in asked.options)
        choice = asked.choice
        single = asked.single_choice(unstated_single_choice)
        options, total = option_ranges(asked, n, rounding=rounding, single_choice=single)
        for position, option in enumerate(options.itertuples()):
            printed, k = asked.percents[position], asked.counts[position]
            if total == 0:
                span = f"no reconstruction at n = {n}: the question's percentages exclude it"
            else:
                low, high = f"{option.range_low:.0f}", f"{option.range_high:.0f}"
                shown = low if low == high else f"{low}-{high}"
                span = (
                    f"{shown} % over {total} reconstruction(s) at n = {n}"
                    f"{_reading_note(choice, single)}"
                )
            key = (asked.id, str(option.option_code))
            row = {
                "id": f"{asked.id}.{option.option_code}",
                "kind": "survey_item",
                "location": f"{asked.source}, option {option.option_code}"
                + (
                    "" if option.option_label == option.option_code else f" ({option.option_label})"
                ),
                "value_as_printed": printed or "",
            }
            if printed is not None:
                checked = check_percentage(printed, sizes=sizes, stated=stated, rounding=rounding)
                row |= {
                    "recomputed": checked.recomputed,
                    "status": checked.status,
                    "reason": checked.reason,
                }
            elif option.status == "recomputed" and k is not None and stated:
                row |= {
                    "value_as_printed": "",
                    "recomputed": _counted(k, stated, *kinds.get(key, (False, None)), marked),
                    "status": "recomputed",
                    "reason": "counted from the respondent-level answers",
                }
            elif option.status == "suppressed":
                row |= {
                    "value_as_printed": "",
                    "recomputed": span,
                    "status": "withheld",
                    "reason": "a small count, or one that would reveal a small count, is withheld",
                }
            else:
                row |= {
                    "recomputed": span,
                    "status": "not reproducible: unreported",
                    "reason": "the source does not state the value",
                }
            rows.append(row)
    return report_frame(rows)

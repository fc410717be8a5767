"""The reproduction report: one row per number of the article, plus derived checks.

Every number the article states gets exactly one row saying where it is, the
value as printed, what was recomputed or checked, and a status from a small
vocabulary (:data:`analysis_utils.audit.checks.STATUSES`) with a one-line
reason. Values the article's figures show but its text does not state get a
row each too, and derived checks (do the parts add up, do two figures agree)
and external checks get rows of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis_utils.audit.checks import (
    ROW_COLUMNS,
    STATUSES,
    UNCITED,
    SurveyContext,
    check_percentage,
    derived_sizes,
    figure_rows,
    report_frame,
)
from analysis_utils.audit.granularity import matching_counts

SECONDS_PER_YEAR = 365 * 24 * 3600


def _location(row: Any) -> str:
    return f"{row.section}, line {row.text_line}"


def _survey_row(row: Any, items: pd.DataFrame, ctx: SurveyContext) -> dict[str, Any]:
    option = items[items["number_id"] == row.id].iloc[0]
    checked = check_percentage(
        row.value_as_printed, sizes=derived_sizes(ctx), stated=ctx.stated_n, rounding=ctx.rounding
    )
    subgroup = option["question_id"] in ctx.subgroup_questions
    return {
        "recomputed": checked.recomputed
        + ("; its base (all or a subgroup) is not stated" if subgroup else ""),
        "status": checked.status,
        "reason": checked.reason,
    }


def number_rows(numbers: pd.DataFrame, items: pd.DataFrame, ctx: SurveyContext) -> pd.DataFrame:
    """One row per number the article states.

    Parameters
    ----------
    numbers : DataFrame
        ``article_numbers.csv`` (processed).
    items : DataFrame
        ``survey_items.csv``.
    ctx : SurveyContext

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, in the order of ``numbers``.
    """
    rows = []
    for row in numbers.itertuples(index=False):
        base = {
            "id": row.id,
            "kind": row.kind,
            "location": _location(row),
            "value_as_printed": row.value_as_printed,
        }
        if row.kind == "survey_percentage":
            base |= _survey_row(row, items, ctx)
        elif row.kind == "survey_sample_size":
            reported = items[items["status"] == "reported"]["reported_percent_as_printed"]
            ok = sum(
                bool(matching_counts(p, int(row.value), percent=True, rounding=ctx.rounding))
                for p in reported
            )
            impossible = len(reported) - ok
            base |= {
                "recomputed": f"{ok} of {len(reported)} reported percentages possible "
                f"with n = {int(row.value)}",
                "status": "inconsistent" if impossible else "consistent",
                "reason": f"{int(row.value)} respondents give only multiples of "
                f"{100 / row.value:g} %"
                + (f"; {one_error(int(row.value), impossible)}" if impossible else ""),
            }
        else:
            note = f"; {row.note}" if row.id == "assistance_center_expenses" else ""
            base |= {
                "recomputed": "",
                "status": "not reproducible: cited" if row.reference else UNCITED,
                "reason": (
                    f"stated from {row.reference}; its data are not part of the package"
                    if row.reference
                    else "stated without a reference; its data are not part of the package"
                )
                + note,
            }
        rows.append(base)
    return report_frame(rows)


def one_error(stated: int, impossible: int) -> str:
    """Say why the stated sample size, not the percentages, is the likelier error.

    Parameters
    ----------
    stated : int
        The stated sample size.
    impossible : int
        How many reported percentages no count of ``stated`` respondents gives.

    Returns
    -------
    str
        Each such percentage is impossible at the stated n on its own, so one
        error in the stated n explains them all, where keeping it needs every one
        of them misprinted (an inference, said as one).
    """
    return (
        f"each of the {impossible} reported percentages is impossible at n = {stated} on its "
        f"own, so one error in the stated n = {stated} explains all {impossible}, where keeping "
        f"n = {stated} needs every one of them misprinted (an inference: the numbers cannot "
        "tell which is wrong)"
        if impossible > 1
        else f"the one reported percentage impossible at n = {stated} may be the error as well "
        f"as the stated n = {stated}: the numbers cannot tell which is wrong"
    )


def _impossible_at(numbers: pd.DataFrame, ctx: SurveyContext) -> int:
    """Count the article's survey percentages that no count of the stated n gives."""
    printed = numbers.loc[numbers["kind"] == "survey_percentage", "value_as_printed"]
    return sum(
        not matching_counts(p, ctx.stated_n, percent=True, rounding=ctx.rounding) for p in printed
    )


#: Short names of the article's sections, as the report's locations give them.
SECTIONS: dict[str, str] = {
    "Abstract (English)": "Abstract",
    "Brief literature overview": "Literature overview",
    "Results: financial resources allocated to the elimination of trafficking": (
        "Financial resources"
    ),
}


def _lines(lines: list[int]) -> str:
    """``line 58``, ``lines 429 and 469`` or ``lines 391-411``."""
    distinct = sorted(set(lines))
    if len(distinct) == 1:
        return f"line {distinct[0]}"
    if len(distinct) == 2:
        return f"lines {distinct[0]} and {distinct[1]}"
    return f"lines {distinct[0]}-{distinct[-1]}"


def where(rows: Sequence[Any], *, lines: bool = True) -> str:
    """Say where numbers of the article stand: each section (in the order met) and its lines.

    Parameters
    ----------
    rows : sequence
        Rows of ``article_numbers.csv`` (``section``, ``text_line``).
    lines : bool
        Whether to name the lines (or the sections only).

    Returns
    -------
    str
        For example ``Introduction, line 58; Financial resources, line 407``.
    """
    sections: dict[str, list[int]] = {}
    for row in rows:
        sections.setdefault(SECTIONS.get(row.section, row.section), []).append(int(row.text_line))
    return "; ".join(
        f"{name}, {_lines(found)}" if lines else name for name, found in sections.items()
    )


def _years(period: str) -> int:
    """Years of a period ``2006-2012`` (7)."""
    first, _, last = period.partition("-")
    return int(last) - int(first) + 1


def derived_checks(numbers: pd.DataFrame, ctx: SurveyContext) -> pd.DataFrame:
    """Run the checks that combine numbers of the article.

    Every value, location and line a check prints is read from ``numbers``;
    each check's location is where the numbers it uses (:data:`CHECK_USES`)
    stand (:func:`where`).

    Parameters
    ----------
    numbers : DataFrame
        ``article_numbers.csv`` (processed).
    ctx : SurveyContext

    Returns
    -------
    DataFrame
        :data:`COLUMNS`.
    """
    r = {row.id: row for row in numbers.itertuples(index=False)}
    v = {key: float(row.value) for key, row in r.items()}
    p = {key: str(row.value_as_printed) for key, row in r.items()}
    rows = []

    def check(check_id: str, printed: str, recomputed: str, status: str, reason: str) -> None:
        used = [r[i] for i in CHECK_USES[check_id]]
        if check_id == "check_sample_size":  # the stated n against every survey percentage
            percents = numbers[numbers["kind"] == "survey_percentage"].sort_values(
                "text_line", kind="stable"
            )
            used += list(percents.itertuples(index=False))
        # the survey's numbers by their sections; the others by their lines too
        survey = all(str(row.kind).startswith("survey_") for row in used)
        location = where(used, lines=not survey)
        row = (check_id, "derived_check", location, printed, recomputed, status, reason)
        rows.append(dict(zip(ROW_COLUMNS, row, strict=True)))

    total = v["survey_female_pct"] + v["survey_male_pct"]
    check(
        "check_gender_shares",
        f"{p['survey_female_pct']} % + {p['survey_male_pct']} %",
        f"{total:g} %",
        "reproduced" if total == 100 else "inconsistent",
        "the two shares of a complete breakdown sum to 100",
    )
    stated, impossible = r["survey_stated_n"], _impossible_at(numbers, ctx)
    check(
        "check_sample_size",
        f"{stated.value_as_printed} {stated.unit}",
        f"smallest consistent n = {ctx.full_sample_n} (all percentages of the whole sample: "
        f"{ctx.all_n})",
        "inconsistent" if impossible else "consistent",
        "the stated sample size cannot give the reported percentages; "
        + one_error(ctx.stated_n, impossible)
        if impossible
        else "the stated sample size gives every reported percentage",
    )
    second, third = v["un_rank_criminal_activity"], v["un_rank_profitable_organized_crime"]
    first_rank = r["un_rank_criminal_activity"]
    check(
        "check_trafficking_rank",
        f"{first_rank.context}; {p['un_rank_profitable_organized_crime']}",
        f"rank {second:g} (after drugs, tied with illegal arms; measure not named) against "
        f"rank {third:g} (after drugs and counterfeit or pirated goods, by profit)",
        "consistent" if second == third else "inconsistent",
        "both sentences, attributed to the United Nations, rank trafficking among crimes: "
        + (
            "the two ranks agree"
            if second == third
            else f"unless line {first_rank.text_line}'s 'largest' is by a measure other than "
            "proceeds, which the article does not say, they contradict each other, on the rank "
            "and on what comes second (illegal arms or counterfeit goods); the article "
            "reconciles neither"
        ),
    )
    interval, per, revenue = (
        r["ilo_profit_interval"],
        r["ilo_profit_per_interval"],
        r["un_annual_revenue"],
    )
    yearly = v["ilo_profit_per_interval"] * SECONDS_PER_YEAR / v["ilo_profit_interval"]
    check(
        "check_profit_per_year",
        f"${per.value_as_printed} every {interval.value_as_printed} {interval.unit}; "
        f"${revenue.value_as_printed} {revenue.scale} a year",
        f"{yearly / 1e9:.2f} billion {revenue.currency} a year",
        "reproduced"
        if round(yearly / 1e9) == round(v["un_annual_revenue"] / 1e9)
        else "inconsistent",
        f"{per.qualifier} ${per.value_as_printed} per {interval.value_as_printed} s over a "
        f"365-day year rounds to ${revenue.value_as_printed} {revenue.scale}",
    )
    shelter, allowance = v["shelter_cost_per_victim"], v["one_time_allowance"]
    budget, freed = r["state_budget_annual"], r["persons_freed_rehabilitated"]
    available = v["state_budget_annual"] - v["assistance_center_expenses"]
    per_year = v["persons_freed_rehabilitated"] / _years(str(freed.period))
    break_even = available / per_year - allowance
    azn = budget.currency
    check(
        "check_budget_capacity",
        f"{azn} {budget.value_as_printed} {budget.scale} a year; {azn} "
        f"{p['shelter_cost_per_victim']} + {p['one_time_allowance']} per victim; "
        f"{freed.value_as_printed} rehabilitated",
        f"{per_year:.0f} victims a year were rehabilitated ({freed.period}); the budget less the "
        f"centre's expenses covers them while a victim's shelter costs at most {azn} "
        f"{break_even:,.0f} ({break_even / shelter:.1f} times the {azn} {shelter:,.0f} printed)",
        "consistent" if break_even >= shelter else "inconsistent",
        f"the period the {azn} {p['shelter_cost_per_victim']} covers is not stated (a stay, a "
        f"month?), so the budget's capacity in victims is not known; the check says how costly "
        "a stay may be before the printed budget falls short of the victims rehabilitated",
    )
    amount, factor = r["allowance_2011_amount"], r["allowance_2011_increase_factor"]
    once = r["one_time_allowance"]
    raised = "doubled" if factor.value == 2 else f"raised {factor.value_as_printed}"
    check(
        "check_allowance",
        f"{once.currency} {once.value_as_printed} (allowance); {raised} to "
        f"{amount.currency} {amount.value_as_printed} in {amount.period}",
        f"{v['allowance_2011_amount']:g} = {allowance:g} {once.currency}; before "
        f"{amount.period}: {v['allowance_2011_amount'] / v['allowance_2011_increase_factor']:g} "
        f"{amount.currency}",
        "consistent" if v["allowance_2011_amount"] == allowance else "inconsistent",
        f"equal if the budget paragraph's one-time allowance (line {once.text_line}, a yearly "
        f"average of no stated year) is the {amount.period} reintegration benefit (line "
        f"{amount.text_line}), which the article does not say",
    )
    cases, groups = r["cases_revealed"], r["groups_rendered_harmless"]
    check(
        "check_case_parts",
        f"{p['cases_forced_labour']} of {cases.value_as_printed} {cases.unit} forced labour; "
        f"{p['groups_organized_criminal']} of {groups.value_as_printed} {groups.unit} organized",
        f"{v['cases_forced_labour'] / v['cases_revealed']:.1%} forced labour",
        "consistent"
        if v["cases_forced_labour"] <= v["cases_revealed"]
        and v["groups_organized_criminal"] <= v["groups_rendered_harmless"]
        else "inconsistent",
        "each part is at most its total",
    )
    ilo = [
        r[i]
        for i in (
            "ilo_victims_forced_labour_trafficking",
            "ilo_victims_private_agents",
            "ilo_victims_forced_labour",
        )
    ]
    nested = ilo[0].value <= ilo[1].value <= ilo[2].value
    check(
        "check_ilo_parts",
        " of ".join(str(x.value_as_printed) for x in ilo) + f" {ilo[-1].scale}",
        " <= ".join(str(x.value_as_printed) for x in ilo) + f" {ilo[-1].scale}",
        "consistent" if nested else "inconsistent",
        "each ILO subgroup is at most the group it belongs to",
    )
    grant, council = r["funding_2010_ngo_council"], r["nap_ngo_council_funding"]
    yearly_council = v["nap_ngo_council_funding"] / _years(str(council.period))
    check(
        "check_ngo_council",
        f"{grant.value_as_printed} {grant.currency} in {grant.period}; {council.qualifier} "
        f"{council.value_as_printed} {council.scale} {council.currency} in {council.period}",
        f"{yearly_council:,.0f} {council.currency} a year on average",
        "consistent"
        if v["funding_2010_ngo_council"] <= v["nap_ngo_council_funding"]
        else "inconsistent",
        "one year's grant fits within the five-year total",
    )
    return report_frame(rows)


#: Which numbers each derived check uses (their rows point to the check).
#: Of the numbers a check uses, those it recomputes from the others (the rest are its inputs):
#: "$30,000 every 30 seconds" gives the $32 billion a year.
CHECK_RECOMPUTES: dict[str, tuple[str, ...]] = {
    "check_profit_per_year": ("un_annual_revenue",),
}

CHECK_USES: dict[str, tuple[str, ...]] = {
    "check_gender_shares": ("survey_female_pct", "survey_male_pct"),
    "check_sample_size": ("survey_stated_n",),
    "check_trafficking_rank": ("un_rank_criminal_activity", "un_rank_profitable_organized_crime"),
    "check_profit_per_year": (
        "ilo_profit_interval",
        "ilo_profit_per_interval",
        "un_annual_revenue",
    ),
    "check_budget_capacity": (
        "state_budget_annual",
        "assistance_center_expenses",
        "shelter_cost_per_victim",
        "one_time_allowance",
        "persons_freed_rehabilitated",
    ),
    "check_allowance": (
        "one_time_allowance",
        "allowance_2011_amount",
        "allowance_2011_increase_factor",
    ),
    "check_case_parts": (
        "cases_revealed",
        "cases_forced_labour",
        "groups_rendered_harmless",
        "groups_organized_criminal",
    ),
    "check_ilo_parts": (
        "ilo_victims_forced_labour",
        "ilo_victims_private_agents",
        "ilo_victims_forced_labour_trafficking",
    ),
    "check_ngo_council": ("funding_2010_ngo_council", "nap_ngo_council_funding"),
}


def reproduction_report(
    numbers: pd.DataFrame,
    items: pd.DataFrame,
    ctx: SurveyContext,
    *,
    unstated_single_choice: bool,
    figures: Mapping[str, str],
    external: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Assemble the whole report: numbers, figure values, derived and external checks.

    Parameters
    ----------
    numbers, items : DataFrame
        ``article_numbers.csv`` and ``survey_items.csv``.
    ctx : SurveyContext
    unstated_single_choice : bool
    figures : mapping
        Question id to figure label.
    external : DataFrame, optional
        :func:`analysis_utils.study.external_checks.external_check_rows`; each
        check is added as a row and named in ``checked_in`` of the article
        numbers it concerns.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`; ids are unique. ``checked_in`` names the checks that
        use each number. A number taken from a cited source that a derived check
        finds contradicted by another number of the article is ``inconsistent``.
    """
    checks = derived_checks(numbers, ctx)
    report = pd.concat(
        [
            number_rows(numbers, items, ctx),
            figure_rows(items, ctx, unstated_single_choice=unstated_single_choice, figures=figures),
            checks,
        ],
        ignore_index=True,
    )
    uses = dict(CHECK_USES)
    # the stated n is checked against every reported survey percentage
    percents = report.loc[report["kind"] == "survey_percentage", "id"].tolist()
    uses["check_sample_size"] = (*uses["check_sample_size"], *percents)
    if external is not None and len(external):
        report = pd.concat([report, report_frame(external[ROW_COLUMNS].to_dict("records"))])
        report = report.reset_index(drop=True)
        uses |= {
            row.id: tuple(filter(None, str(row.article_ids).split(";")))
            for row in external.itertuples(index=False)
        }
    for check, ids in uses.items():
        mask = report["id"].isin(ids)
        report.loc[mask, "checked_in"] = [
            f"{before};{check}" if before else check for before in report.loc[mask, "checked_in"]
        ]
    for check, ids in CHECK_RECOMPUTES.items():
        report.loc[report["id"].isin(ids), "recomputed_by"] = check
    contradicted = checks.loc[checks["status"] == "inconsistent", "id"]
    for check in contradicted:
        ids = CHECK_USES[check]
        for number_id in ids:
            mask = (report["id"] == number_id) & report["status"].isin(
                ["not reproducible: cited", UNCITED]
            )
            others = ", ".join(i for i in ids if i != number_id)
            report.loc[mask, "status"] = "inconsistent"
            report.loc[mask, "reason"] = (
                f"in conflict with {others} (see {check}); " + report.loc[mask, "reason"]
            )
    if not report["id"].is_unique:
        raise ValueError("duplicate ids in the reproduction report")
    unknown = set(report["status"]) - set(STATUSES)
    if unknown:
        raise ValueError(f"statuses outside the vocabulary: {sorted(unknown)}")
    return report

"""The reproduction report: one row per number of the article, plus derived checks.

Every number the article states gets exactly one row saying where it is, the
value as printed, what was recomputed or checked, and a status from a small
vocabulary (:data:`analysis_utils.audit.checks.STATUSES`) with a one-line
reason. Values the article's figures show but its text does not state get a
row each too, and derived checks (do the parts add up, do two figures agree)
and external checks get rows of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def _check(
    check_id: str, location: str, printed: str, recomputed: str, status: str, reason: str
) -> dict[str, Any]:
    return {
        "id": check_id,
        "kind": "derived_check",
        "location": location,
        "value_as_printed": printed,
        "recomputed": recomputed,
        "status": status,
        "reason": reason,
    }


def derived_checks(numbers: pd.DataFrame, ctx: SurveyContext) -> pd.DataFrame:
    """Run the checks that combine numbers of the article.

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
    v = {row.id: float(row.value) for row in numbers.itertuples(index=False)}
    rows = []
    total = v["survey_female_pct"] + v["survey_male_pct"]
    rows.append(
        _check(
            "check_gender_shares",
            "Methodology",
            "67 % + 33 %",
            f"{total:g} %",
            "reproduced" if total == 100 else "inconsistent",
            "the two shares of a complete breakdown sum to 100",
        )
    )
    rows.append(
        _check(
            "check_sample_size",
            "Abstract; Methodology; Results",
            "4 experts",
            f"smallest consistent n = {ctx.full_sample_n} (all percentages of the "
            f"whole sample: {ctx.all_n})",
            "inconsistent",
            "the stated sample size cannot give the reported percentages; "
            + one_error(ctx.stated_n, _impossible_at(numbers, ctx)),
        )
    )
    second, third = v["un_rank_criminal_activity"], v["un_rank_profitable_organized_crime"]
    rows.append(
        _check(
            "check_trafficking_rank",
            "Introduction, line 58; Financial resources, line 407",
            "the second largest criminal activity in the world after drugs; Behind only drug "
            "trafficking and the sale of counterfeit or pirated goods",
            f"rank {second:g} (after drugs, tied with illegal arms; measure not named) against "
            f"rank {third:g} (after drugs and counterfeit or pirated goods, by profit)",
            "consistent" if second == third else "inconsistent",
            "both sentences, attributed to the United Nations, rank trafficking among crimes: "
            + (
                "the two ranks agree"
                if second == third
                else "unless line 58's 'largest' is by a measure other than proceeds, which the "
                "article does not say, they contradict each other, on the rank and on what comes "
                "second (illegal arms or counterfeit goods); the article reconciles neither"
            ),
        )
    )
    yearly = v["ilo_profit_per_interval"] * SECONDS_PER_YEAR / v["ilo_profit_interval"]
    rows.append(
        _check(
            "check_profit_per_year",
            "Financial resources, lines 391-411",
            "$30,000 every 30 seconds; $32 billion a year",
            f"{yearly / 1e9:.2f} billion USD a year",
            "reproduced"
            if round(yearly / 1e9) == round(v["un_annual_revenue"] / 1e9)
            else "inconsistent",
            "more than $30,000 per 30 s over a 365-day year rounds to $32 billion",
        )
    )
    shelter, allowance = v["shelter_cost_per_victim"], v["one_time_allowance"]
    available = v["state_budget_annual"] - v["assistance_center_expenses"]
    per_year = v["persons_freed_rehabilitated"] / 7
    break_even = available / per_year - allowance
    rows.append(
        _check(
            "check_budget_capacity",
            "Financial resources, lines 419-431; literature overview, line 172",
            "AZN 400 thousand a year; AZN 570 + 400 per victim; 473 rehabilitated",
            f"{per_year:.0f} victims a year were rehabilitated (2006-2012); the budget less the "
            f"centre's expenses covers them while a victim's shelter costs at most AZN "
            f"{break_even:,.0f} ({break_even / shelter:.1f} times the AZN {shelter:,.0f} printed)",
            "consistent" if break_even >= shelter else "inconsistent",
            "the period the AZN 570 covers is not stated (a stay, a month?), so the budget's "
            "capacity in victims is not known; the check says how costly a stay may be before "
            "the printed budget falls short of the victims rehabilitated",
        )
    )
    rows.append(
        _check(
            "check_allowance",
            "Financial resources, lines 429 and 469",
            "AZN 400 (allowance); doubled to AZN 400 in 2011",
            f"{v['allowance_2011_amount']:g} = {allowance:g} AZN; before 2011: "
            f"{v['allowance_2011_amount'] / v['allowance_2011_increase_factor']:g} AZN",
            "consistent" if v["allowance_2011_amount"] == allowance else "inconsistent",
            "equal if the budget paragraph's one-time allowance (line 429, a yearly average of "
            "no stated year) is the 2011 reintegration benefit (line 469), which the article "
            "does not say",
        )
    )
    rows.append(
        _check(
            "check_case_parts",
            "Literature overview, lines 164-172",
            "10 of 484 cases forced labour; 8 of 222 groups organized",
            f"{v['cases_forced_labour'] / v['cases_revealed']:.1%} forced labour",
            "consistent"
            if v["cases_forced_labour"] <= v["cases_revealed"]
            and v["groups_organized_criminal"] <= v["groups_rendered_harmless"]
            else "inconsistent",
            "each part is at most its total",
        )
    )
    nested = (
        v["ilo_victims_forced_labour_trafficking"]
        <= v["ilo_victims_private_agents"]
        <= v["ilo_victims_forced_labour"]
    )
    rows.append(
        _check(
            "check_ilo_parts",
            "Introduction, lines 73-81",
            "2.4 of 9.8 of 12.3 million",
            "2.4 <= 9.8 <= 12.3 million",
            "consistent" if nested else "inconsistent",
            "each ILO subgroup is at most the group it belongs to",
        )
    )
    yearly_council = v["nap_ngo_council_funding"] / 5
    rows.append(
        _check(
            "check_ngo_council",
            "Financial resources, lines 445 and 473",
            "46,500 AZN in 2010; more than 230 thousand AZN in 2009-2013",
            f"{yearly_council:,.0f} AZN a year on average",
            "consistent"
            if v["funding_2010_ngo_council"] <= v["nap_ngo_council_funding"]
            else "inconsistent",
            "one year's grant fits within the five-year total",
        )
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

"""Rows of the reproduction report that check the article's numbers against the TIP reports.

Each row says what was checked, what the external figures give and why, in words
computed from those figures (:func:`external_check_rows`); the rows join the
article's own in :func:`analysis_utils.study.checks.reproduction_report`.
"""

from __future__ import annotations

import pandas as pd

from analysis_utils.audit.checks import ROW_COLUMNS


def _first_azn(tip: pd.DataFrame, indicator: str) -> pd.Series | None:
    """Return the first manat figure of an indicator in the TIP table, if any."""
    rows = tip[(tip["indicator"] == indicator) & (tip["unit"] == "AZN")]
    return rows.iloc[0] if len(rows) else None


def external_check_rows(
    numbers: pd.DataFrame,
    *,
    editions: pd.DataFrame,
    subtotals: pd.DataFrame,
    implied: pd.DataFrame,
    official_rates: pd.DataFrame,
    sexual_shares: pd.DataFrame,
    counts: pd.DataFrame,
    tip: pd.DataFrame,
    per_victim: pd.DataFrame,
) -> pd.DataFrame:
    """Rows of the reproduction report for every check against the TIP reports.

    Parameters
    ----------
    numbers : DataFrame
        ``article_numbers.csv``.
    editions, subtotals, implied : DataFrame
        :func:`analysis_utils.study.tip.edition_checks`, ``subtotal_checks``,
        ``implied_rates``.
    official_rates : DataFrame
        ``exchange_rates.csv``.
    sexual_shares : DataFrame
        :func:`analysis_utils.study.evidence.shares` of sex trafficking.
    counts : DataFrame
        Year x indicator (persons).
    tip : DataFrame
        The TIP table.
    per_victim : DataFrame
        :func:`analysis_utils.study.evidence.funding_per_victim`.

    Returns
    -------
    DataFrame
        :data:`ROW_COLUMNS` plus ``article_ids`` (the article's numbers each check
        concerns, ``;``-separated); status ``external check``.
    """
    v = {row.id: float(row.value) for row in numbers.itertuples(index=False)}
    rows = []

    def add(
        check_id: str,
        location: str,
        printed: str,
        recomputed: str,
        reason: str,
        article_ids: str = "",
    ) -> None:
        rows.append(
            {
                "id": check_id,
                "kind": "external_check",
                "location": location,
                "value_as_printed": printed,
                "recomputed": recomputed,
                "status": "external check",
                "reason": reason,
                "article_ids": article_ids,
            }
        )

    counted = editions["result"].value_counts()
    differing = editions[editions["result"] == "differs"]
    detail = "; ".join(
        f"{r.indicator} {r.reference_year} ({r.unit}): {r.later_value:g} in the "
        f"{r.later_edition} edition, {r.earlier_value:g} in the {r.earlier_edition} edition"
        for r in differing.itertuples(index=False)
    )
    add(
        "ext_tip_editions",
        "US TIP reports 2012-2023",
        "",
        f"{int(counted.get('agrees', 0))} agree, {int(counted.get('differs', 0))} differ, "
        f"{int(counted.get('no earlier figure', 0))} without an earlier figure",
        "prior-year figures in brackets against the earlier edition's own figure"
        + (f"; differs: {detail}" if detail else ""),
    )
    sub_counts = subtotals["result"].value_counts()
    add(
        "ext_tip_subtotals",
        "US TIP reports 2017-2022",
        "",
        f"{int(sub_counts.get('agrees', 0))} of {len(subtotals)} editions and years add up",
        "victims by sex and form of exploitation against the total identified",
    )
    official = official_rates[official_rates["kind"] == "cba_official_annual_average"]
    official_text = "; ".join(
        f"official {str(r.period_start)[:4]} average {r.azn_per_usd:g}"
        for r in official.itertuples(index=False)
    )
    by_edition = implied.groupby("report_edition")["azn_per_usd"].median()
    add(
        "ext_tip_implied_rates",
        "US TIP reports 2017-2018",
        "",
        "; ".join(f"{edition} edition: {rate:.2f} AZN/USD" for edition, rate in by_edition.items())
        + (f"; {official_text}" if official_text else ""),
        "the editions convert manat at rates that differ from each other and from the official "
        "one; comparisons here use the manat figures",
    )
    pooled = sexual_shares[sexual_shares["year"] == "pooled"].iloc[0]
    years = sexual_shares[sexual_shares["year"] != "pooled"]["year"]
    add(
        "ext_sexual_exploitation_share",
        f"US TIP reports, {years.min()}-{years.max()}",
        "",
        f"{int(pooled['part'])} of {int(pooled['total'])} identified victims "
        f"({pooled['share']:.1%}, interval allowing for overdispersion "
        f"{pooled['pooled_low']:.1%}-{pooled['pooled_high']:.1%}) were female sex-trafficking "
        "victims",
        f"bears on H2 (sexual exploitation is the most widespread form) for identified "
        f"victims, {years.min()}-{years.max()}, not for all victims",
    )
    forced = counts.reindex(
        columns=["victims_female_forced_labour", "victims_male_forced_labour"]
    ).sum(axis=1, min_count=1)
    total = counts["victims_identified_total"]
    both = pd.concat([forced, total], axis=1).dropna()
    share_tip = both.iloc[:, 0].sum() / both.iloc[:, 1].sum()
    add(
        "ext_forced_labour_share",
        "Literature overview, line 168; US TIP reports",
        "10 of 484",
        f"article 2006-2012: {v['cases_forced_labour'] / v['cases_revealed']:.1%} of cases; "
        f"TIP {int(both.index.min())}-{int(both.index.max())}: {share_tip:.1%} of victims "
        f"({both.iloc[:, 0].sum():.0f} of {both.iloc[:, 1].sum():.0f})",
        "both show forced labour as a small minority (cases and victims are different units)",
        "cases_forced_labour;cases_revealed",
    )
    first = _first_azn(tip, "one_time_allowance_per_victim")
    if first is not None:
        add(
            "ext_allowance",
            f"Financial resources, line 429; US TIP report {int(first['report_edition'])}",
            "AZN 400",
            f"TIP: {first['value']:g} AZN in {int(first['reference_year'])}",
            "the one-time allowance the article states is the one the TIP report gives"
            if first["value"] == v["one_time_allowance"]
            else "the TIP report gives a different one-time allowance",
            "one_time_allowance",
        )
    first = _first_azn(tip, "shelter_cost_per_resident_month")
    if first is not None:
        add(
            "ext_shelter_cost",
            f"Financial resources, line 427; US TIP report {int(first['report_edition'])}",
            "about AZN 570 for every victim",
            f"TIP: about {first['value']:g} AZN per resident and month in "
            f"{int(first['reference_year'])}",
            "not comparable: the article does not say what period its AZN 570 covers",
            "shelter_cost_per_victim",
        )
    if len(per_victim):
        add(
            "ext_funding_per_victim",
            "Financial resources, line 419; US TIP reports",
            "about AZN 400 thousand a year",
            "; ".join(
                f"{int(r.year)}: {r.funding_azn:,.0f} AZN / {r.victims:.0f} victims = "
                f"{r.azn_per_victim:,.0f}"
                for r in per_victim.itertuples(index=False)
            ),
            funding_reason(per_victim, v["state_budget_annual"]),
            "state_budget_annual",
        )
    return pd.DataFrame(rows, columns=[*ROW_COLUMNS, "article_ids"])


def funding_reason(per_victim: pd.DataFrame, budget: float) -> str:
    """Say how the TIP funding compares with the article's budget, from the numbers alone.

    Parameters
    ----------
    per_victim : DataFrame
        :func:`analysis_utils.study.evidence.funding_per_victim`.
    budget : float
        The article's state budget a year (AZN, reported).

    Returns
    -------
    str
        In how many years the TIP funding is below the budget; per-victim
        funding is not set against the article's per-victim costs, whose
        period is not stated.
    """
    below = int((per_victim["funding_azn"] < budget).sum())
    years = len(per_victim)
    return (
        f"derived: victim-protection funding per identified victim, in nominal manat; not "
        f"comparable with the article's AZN {budget:,.0f} a year (below it in {below} of "
        f"{years} year(s)): a different item, other years, and manat either side of the 2015 "
        "devaluations; nor with the article's per-victim costs, whose period it does not state"
    )

"""Verdicts on H2 and H3 from official statistics and the TIP narratives' statements.

Statements of the TIP narratives (verbatim, ``tip_statements.csv``) are evidence on
what identification misses (H2) and on the government's funding of NGOs (H3); each
statement is read by a derived rule (:mod:`analysis_utils.study.statements`). The
statistics of identified victims these verdicts use are in
:mod:`analysis_utils.study.evidence`.
"""

from __future__ import annotations

import pandas as pd

from analysis_utils.audit.verdicts import Verdict
from analysis_utils.study.evidence import period, share_verdict
from analysis_utils.study.statements import (
    DONORS_BUDGET,
    DONORS_NOT_ASSISTED,
    DONORS_PAID_FOR,
    FORM_OF,
    LARGE_CASE,
    MEN_IN_FORCED_LABOUR,
    NOT_WEIGHED,
    REPORTS_FEWER,
    REPORTS_FUNDING,
    UNDER_FUNDED,
    UNVERIFIED,
    funding_reading,
    identification_reading,
    years_covered,
)


def h2_verdict(
    shares_table: pd.DataFrame,
    *,
    cases: int,
    forced_labour_cases: int,
    case_period: str,
    investigations: pd.DataFrame,
    statements: pd.DataFrame,
    alpha: float,
    confidence: float,
) -> Verdict:
    """Verdict on H2 ("sexual exploitation is the most widespread form") from official statistics.

    Contemporaneous figures first (the article's cases, investigations
    by form), then victims identified by form (:func:`share_verdict`), then what
    the TIP narratives say identification missed, form by form as each
    statement names it (:func:`identification_reading`). The label says what
    these decide: official statistics are consistent with the claim when more
    sex than labour trafficking investigations are quoted in every year and the
    identified victims' verdict is consistent; the article's cases do not count
    either way, since the form of all but the forced-labour ones is not stated.

    Parameters
    ----------
    shares_table : DataFrame
        :func:`shares` of sexual exploitation among identified victims.
    cases, forced_labour_cases : int
        The article's cases revealed and those of forced labour (reported).
    case_period : str
        The years those cases cover, as transcribed (``2006-2012``).
    investigations : DataFrame
        Index reference year; columns ``investigations_sex_trafficking``,
        ``investigations_labour_trafficking`` (external; rows with both).
    statements : DataFrame
        :func:`statements_about` H2.
    alpha, confidence : float

    Returns
    -------
    Verdict
    """
    identified = share_verdict(
        shares_table,
        alpha=alpha,
        confidence=confidence,
        part="those of sex trafficking (all of them female in the reports)",
    )
    both = investigations.dropna()
    sex_more = bool(
        (both["investigations_sex_trafficking"] > both["investigations_labour_trafficking"]).all()
    )
    investigated = "; ".join(
        f"{int(y)}: {int(r['investigations_sex_trafficking'])} sex v. "
        f"{int(r['investigations_labour_trafficking'])} labour trafficking"
        for y, r in both.iterrows()
    )
    most_identified = int(shares_table.loc[shares_table["year"] != "pooled", "total"].max())
    other = cases - forced_labour_cases
    sentence = (
        f"contemporaneous: the article's cases {case_period} (reported): {forced_labour_cases} of "
        f"{cases} forced labour; the form of the other {other} is not stated; investigations by "
        f"form (external, TIP as quoted by news agencies): {investigated}. Later: "
        f"{identified.sentence} What the TIP narratives say of identification, in their own "
        "terms (verbatim in tip_statements.csv, each read by a derived rule): "
        f"{_missed(statements, most_identified, identified.period)}. No victims by form are "
        f"reported for the article's own period ({case_period}); the investigations count "
        "cases, not victims. Official statistics therefore cannot say which form is most "
        "widespread among all victims."
    )
    years = [*(int(y) for y in both.index)]
    when = (
        f"{case_period} (cases); {period(years)} (investigations); {identified.period} "
        "(identified victims)"
    )
    agree = sex_more and identified.label.startswith(
        "consistent with official identification statistics"
    )
    label = (
        f"consistent with official identification statistics, {identified.period} "
        "(identified victims only; no victim counts by form for the article's period)"
        if agree
        else "undetermined"
    )
    return Verdict(label, sentence, when, identified.assumptions)


def h3_verdict(
    statements: pd.DataFrame,
    *,
    ngo_projects: int,
    ngo_funding_azn: float,
    ngo_period: str,
    civil_society: pd.Series,
) -> Verdict:
    """Verdict on H3 ("the rehabilitation organizations do not have financial resources").

    Two readings, kept apart. Literally (no resources at all), the claim is
    contradicted where any funding of the organizations is reported. As a claim
    of inadequate funding, it is judged on the TIP narratives' statements on
    government funding of NGO partners and NGO-run shelters, each read by
    :func:`funding_reading` (derived). These are the State Department's
    assessments, not measured needs, so the label says "consistent with State
    Department assessments", for the first run of consecutive years they cover.

    Parameters
    ----------
    statements : DataFrame
        :func:`statements_about` H3.
    ngo_projects : int
        NGO projects the NGO council funded (reported).
    ngo_funding_azn : float
        Their funding, "more than" (reported).
    ngo_period : str
        The years of that funding, as transcribed (``2009-2013``).
    civil_society : Series
        Interior-ministry money to civil society for victim support (AZN), by
        reference year (external).

    Returns
    -------
    Verdict
    """
    funding = statements[statements["topic"] == "ngo_funding"].assign(
        reading=lambda t: t["quote"].map(funding_reading)
    )

    def years(*readings: str) -> list[int]:
        rows = funding[funding["reading"].isin(readings)]
        return sorted(
            {y for r in rows.itertuples() for y in years_covered(r.quote, int(r.reference_year))}
        )

    def ids(*readings: str) -> str:
        return ", ".join(funding.loc[funding["reading"].isin(readings), "id"])

    under, reported_years = years(*UNDER_FUNDED), years(*REPORTS_FUNDING)
    first_run = under[:1]
    for year in under[1:]:
        if year != first_run[-1] + 1:
            break
        first_run.append(year)
    mixed = sorted((set(under) | set(years(*REPORTS_FEWER))) & set(reported_years))
    society = "; ".join(f"{int(y)}: {v:,.0f} AZN" for y, v in civil_society.dropna().items())
    unverified = [r.id for r in funding.itertuples() if getattr(r, "copy", "") in UNVERIFIED]
    parts = [
        "Literal reading (no financial resources at all): contradicted by the article itself "
        f"({ngo_projects} NGO projects funded by the NGO council, more than "
        f"{ngo_funding_azn:,.0f} AZN in {ngo_period}, reported) and by the TIP reports "
        f"(interior-ministry money to civil society for victim support, {society}, external)",
        "Adequacy reading (too little money), on the TIP narratives' statements (verbatim in "
        "tip_statements.csv; each read by a derived rule; years are reference years): the "
        "government under-funded NGO partners or NGO-run shelters in "
        f"{period(under)}: "
        + ", ".join(
            f"{what} in {period(years(what))} ({ids(what)})" for what in UNDER_FUNDED if ids(what)
        )
        + " (a statement 'for the third year in a row' covers the two years before it too)",
    ]
    if ids(*REPORTS_FEWER):
        both = ids(REPORTS_FEWER[1])
        parts.append(
            f"it gave NGOs fewer resources in {period(years(*REPORTS_FEWER))} "
            f"({ids(*REPORTS_FEWER)}"
            + (f"; {both} in the same sentence reports money for NGO-run shelters" if both else "")
            + ")"
        )
    if ids(*REPORTS_FUNDING):
        parts.append(
            "money for NGOs or civil society allocated, granted or increased is reported for "
            f"{period(reported_years)} ({ids(*REPORTS_FUNDING)})"
            + (f"; both kinds for {period(mixed)}" if mixed else "")
        )
    for what in NOT_WEIGHED:
        if ids(what):
            parts.append(f"{what} in {period(years(what))} ({ids(what)}; not weighed)")
    donors = funding[funding["reading"] == "donors instead of the state"]
    for row in donors.itertuples():
        budget, not_assisted, paid_for = (
            pattern.search(str(row.quote))
            for pattern in (DONORS_BUDGET, DONORS_NOT_ASSISTED, DONORS_PAID_FOR)
        )
        said = [
            *(
                [f"the government reported allocating {budget.group(1)} for victim assistance"]
                if budget
                else []
            ),
            *(
                [f'it did not provide basic assistance for "{not_assisted.group(1)}"']
                if not_assisted
                else []
            ),
            f'foreign donors funded "{paid_for.group(1)}"'
            if paid_for
            else "foreign donors rather than the government funded victims' basic assistance",
        ]
        parts.append(
            f"for {period(years_covered(str(row.quote), int(row.reference_year)))}, the article's "
            f"period, {'; '.join(said)} ({row.id}; the victims that statement discusses, not "
            "victims in general; not about funding NGOs)"
        )
    if unverified:
        parts.append(
            f"{', '.join(unverified)} from a copy not checked against the State Department's"
        )
    sentence = (
        f"{parts[0]}. " + "; ".join(parts[1:]) + ". These are assessments of the State "
        "Department, not measured needs; no source gives the organizations' budgets against "
        "their costs."
    )
    label = (
        f"adequacy reading consistent with State Department assessments, {period(first_run)}; "
        f"literal reading contradicted (the article, {ngo_period}"
        + (
            f"; TIP reports, {period([int(y) for y in civil_society.dropna().index])})"
            if civil_society.notna().any()
            else ")"
        )
        if first_run and ngo_funding_azn > 0
        else "undetermined"
    )
    tip_years = period(funding["reference_year"].astype(int).tolist())
    when = f"{ngo_period} (article's NGO-council funding); {tip_years} (TIP statements)"
    assumptions = (
        "the organizations are the NGOs and shelters providing rehabilitation; the state budget "
        "for victims is not the organizations' money; each TIP statement dated to its reference "
        "year (edition - 1)"
    )
    return Verdict(label, sentence, when, assumptions)


def _missed(statements: pd.DataFrame, most_identified: int, identified_period: str) -> str:
    """Say what the TIP statements on identification say was missed, form by form."""
    read = statements.assign(reading=statements["quote"].map(identification_reading))
    parts = []
    for reading, rows in read.groupby("reading", sort=False):
        ids = ", ".join(rows["id"])
        large = "".join(
            f'; {r.id}: a forced-labour case "involving approximately {found.group(1)} victims", '
            f"more than the at most {most_identified} victims identified in any year "
            f"{identified_period}"
            for r in rows.itertuples()
            if (found := LARGE_CASE.search(r.quote))
        )
        unverified = [r.id for r in rows.itertuples() if getattr(r, "copy", "") in UNVERIFIED]
        caveat = f"; {', '.join(unverified)} from a newswire copy not checked" if unverified else ""
        parts.append(
            f"{reading} in {period(rows['reference_year'].tolist())} ({ids}{large}{caveat})"
        )
    forms = {FORM_OF[r] for r in read["reading"] if r in FORM_OF}
    effect = (
        f"shortfalls are stated for {' and for '.join(sorted(forms))}, so their effect on the "
        "shares by form is not known"
        if len(forms) > 1
        else f"shortfalls are stated for {next(iter(forms))} alone"
        if forms
        else "no statement names a form"
    )
    return "; ".join(parts) + f"; {effect}"


def d4_verdict(
    female_shares: pd.DataFrame,
    *,
    note: str,
    article_statements: pd.DataFrame,
    statements: pd.DataFrame,
    survey_period: str,
    alpha: float,
    confidence: float,
) -> Verdict:
    """Verdict on D4 ("the majority of victims are female"), for the later years and before.

    The share of identified victims who are female (:func:`share_verdict`)
    covers the years the TIP reports count victims by sex, all after the
    article's. D4 is a finding of the survey, whose date the article does not
    state; before those years there are no counts by sex, and what there is
    gets weighed in words: the article's sentences naming men among those
    subjected to forced labour (:data:`MEN_IN_FORCED_LABOUR`) and the TIP
    statements of earlier years that count the victims of one forced-labour case
    (:data:`LARGE_CASE`). The label says so.

    Parameters
    ----------
    female_shares : DataFrame
        :func:`shares` of female victims among identified victims.
    note : str
        How victims of unstated sex count (said in the assumptions).
    article_statements : DataFrame
        ``article_statements.csv``: the article's sentences bearing on D4.
    statements : DataFrame
        ``tip_statements.csv`` (every claim's: the counts are read wherever they are).
    survey_period : str
        When the survey was made, as far as is known (the date is not stated).
    alpha, confidence : float

    Returns
    -------
    Verdict
    """
    identified = share_verdict(
        female_shares, alpha=alpha, confidence=confidence, note=note, part="the female"
    )
    years = female_shares.loc[female_shares["year"] != "pooled", "year"].astype(int)
    first = int(years.min())
    men = article_statements[
        article_statements["statement"].map(lambda text: bool(MEN_IN_FORCED_LABOUR.search(text)))
    ]
    most = int(female_shares.loc[female_shares["year"] != "pooled", "total"].max())
    cases = [
        f'a forced-labour case in {r.reference_year} "involving approximately '
        f'{found.group(1)} victims" ({r.id}; their sex not stated), more than the at most '
        f"{most} victims identified in any year {identified.period}"
        for r in statements.itertuples()
        if int(r.reference_year) < first and (found := LARGE_CASE.search(r.quote))
    ]
    sections = ", ".join(dict.fromkeys(men["section"]))
    weighed = (
        [
            f"the article ({sections}, lines "
            f"{', '.join(str(n) for n in men['text_line'])}: {', '.join(men['id'])}; verbatim in "
            "article_statements.csv) names men among those subjected to forced labour, with no "
            "counts"
        ]
        if len(men)
        else []
    )
    weighed += [f"the TIP narratives report {case}" for case in cases]
    earlier = (
        f" D4 is a finding of the survey, {survey_period}; there are no counts by sex before "
        f"{first}"
        + (": " + "; ".join(weighed) if weighed else "")
        + f". The female majority among the victims identified {identified.period} cannot "
        "therefore be carried back to the survey's time."
    )
    label = identified.label
    if label.startswith(("consistent", "not consistent")):
        label += " (no contemporaneous counts by sex)"
    when = f"{identified.period} (identified victims); no counts by sex before {first}"
    return Verdict(label, identified.sentence + earlier, when, identified.assumptions)

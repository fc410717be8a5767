"""External evidence for claims the survey cannot test: shares, trends, funding.

Shares of identified victims come with exact intervals (Clopper-Pearson and
Wilson, via :func:`analysis_utils.stats.binomial`); their trend over years is a
binomial GLM (statsmodels); funding is compared in manat with the number of
victims it served.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis_utils import stats


def shares(
    counts: pd.DataFrame, *, part: str, total: str, confidence: float, years: Sequence[int] = ()
) -> pd.DataFrame:
    """Share of a part of a total per year, with exact intervals, and pooled.

    Parameters
    ----------
    counts : DataFrame
        Index ``reference_year``; columns include ``part`` and ``total``.
    part, total : str
        Column names.
    confidence : float
        Level of the intervals.
    years : sequence of int
        Years to use (empty: every year with both figures).

    Returns
    -------
    DataFrame
        ``year`` (``"pooled"`` for the last row), ``part, total, share,
        cp_low, cp_high, wilson_low, wilson_high, pvalue_majority`` where the
        p-value is the exact one-sided binomial test of share > 1/2.
    """
    data = counts[[part, total]].dropna()
    if years:
        data = data[data.index.isin(list(years))]
    rows = []
    entries = [(str(int(y)), int(r[part]), int(r[total])) for y, r in data.iterrows()]
    if entries:
        entries.append(("pooled", sum(e[1] for e in entries), sum(e[2] for e in entries)))
    for year, k, n in entries:
        result = stats.binomial(k, n, p0=0.5, confidence=confidence)
        rows.append(
            {
                "year": year,
                "part": k,
                "total": n,
                "share": result.share,
                "cp_low": result.ci_clopper_pearson[0],
                "cp_high": result.ci_clopper_pearson[1],
                "wilson_low": result.ci_wilson[0],
                "wilson_high": result.ci_wilson[1],
                "pvalue_majority": result.pvalue,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "year",
            "part",
            "total",
            "share",
            "cp_low",
            "cp_high",
            "wilson_low",
            "wilson_high",
            "pvalue_majority",
        ],
    )


@dataclass(frozen=True)
class TrendResult:
    """Binomial GLM of a yearly share on the year.

    Attributes
    ----------
    slope : float
        Change in log-odds per year.
    std_error : float
    pvalue : float
        Wald test of slope = 0.
    odds_ratio : float
        ``exp(slope)``: multiplicative change in the odds per year.
    ci_odds_ratio : tuple of float
    years : int
        Years in the fit.
    method : str
    """

    slope: float
    std_error: float
    pvalue: float
    odds_ratio: float
    ci_odds_ratio: tuple[float, float]
    years: int
    method: str = "binomial GLM, logit link, year as covariate (statsmodels)"


def trend(table: pd.DataFrame, *, confidence: float) -> TrendResult:
    """Fit the trend of a yearly share (the rows of :func:`shares` except pooled).

    Parameters
    ----------
    table : DataFrame
        ``year, part, total`` (the ``pooled`` row is ignored).
    confidence : float

    Returns
    -------
    TrendResult

    Raises
    ------
    ValueError
        With fewer than three years.
    """
    data = table[table["year"] != "pooled"]
    if len(data) < 3:
        raise ValueError(f"a trend needs at least three years, got {len(data)}")
    year = data["year"].astype(int).to_numpy()
    endog = np.column_stack([data["part"], data["total"] - data["part"]]).astype(float)
    exog = sm.add_constant((year - year.min()).astype(float))
    fit = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    low, high = fit.conf_int(alpha=1 - confidence)[1]
    slope = float(fit.params[1])
    return TrendResult(
        slope,
        float(fit.bse[1]),
        float(fit.pvalues[1]),
        float(np.exp(slope)),
        (float(np.exp(low)), float(np.exp(high))),
        len(data),
    )


def share_verdict(table: pd.DataFrame, *, alpha: float) -> tuple[str, str]:
    """Verdict on "the part is the majority" from yearly and pooled shares.

    ``supported`` when the share exceeds one half significantly in every year;
    ``holds, not significant`` when it exceeds one half in every year but not
    always significantly; ``undetermined`` when it does in some years only;
    ``contradicted`` when in none.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`shares`.
    alpha : float

    Returns
    -------
    label, sentence : str
    """
    years = table[table["year"] != "pooled"]
    if years.empty:
        return "not evaluable", "no year has both figures"
    pooled = table[table["year"] == "pooled"].iloc[0]
    majority = years["share"] > 0.5
    significant = years["pvalue_majority"] < alpha
    sentence = (
        f"{int(majority.sum())} of {len(years)} years above one half, "
        f"{int(significant.sum())} significantly at {alpha:g}; pooled "
        f"{int(pooled['part'])} of {int(pooled['total'])} = {pooled['share']:.1%} "
        f"(Clopper-Pearson {pooled['cp_low']:.1%}-{pooled['cp_high']:.1%})"
    )
    if significant.all():
        return "supported", sentence
    if majority.all():
        return "holds, not significant", sentence
    if majority.any():
        return "undetermined", sentence
    return "contradicted", sentence


def female_counts(counts: pd.DataFrame) -> pd.Series:
    """Female victims per year: the total where given, else the sum by form.

    Parameters
    ----------
    counts : DataFrame
        Year x indicator (persons).

    Returns
    -------
    Series
        Female victims per year (NaN where no figure exists).
    """
    by_form = counts.reindex(
        columns=["victims_female_sex_trafficking", "victims_female_forced_labour"]
    )
    summed = by_form.sum(axis=1, min_count=1)
    total = counts.get("victims_female_total", pd.Series(np.nan, index=counts.index))
    return total.fillna(summed).rename("victims_female")


def funding_per_victim(counts: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """Government victim-protection funding per identified victim, by year (AZN).

    Parameters
    ----------
    counts : DataFrame
        Year x indicator (persons), with ``victims_identified_total``.
    funding : DataFrame
        Year x indicator (AZN), with ``funding_victim_protection``.

    Returns
    -------
    DataFrame
        ``year, funding_azn, victims, azn_per_victim`` for the years with both.
    """
    joined = pd.concat(
        [funding.get("funding_victim_protection"), counts.get("victims_identified_total")], axis=1
    ).dropna()
    joined.columns = ["funding_azn", "victims"]
    out = joined.rename_axis("year").reset_index()
    out["azn_per_victim"] = out["funding_azn"] / out["victims"]
    return out


@dataclass(frozen=True)
class FundingFacts:
    """The figures H3 can be judged on (reported, external or derived).

    Attributes
    ----------
    ngo_projects : int
        Projects of NGOs the NGO council funded, 2009-2013 (reported).
    ngo_funding_azn : float
        Their funding (reported, "more than").
    capacity_per_year : float
        Victims a year whose stated costs the state budget covers (derived).
    rehabilitated_per_year : float
        Victims rehabilitated a year, 2006-2012 (derived from reported).
    identified_range : tuple of int
        Fewest and most victims identified a year (external).
    per_victim : DataFrame
        :func:`funding_per_victim` (external).
    international_share : float
        Share of the 2010 funding listed that came from international sources (derived).
    unrecognised_referrals : int or None
        NGO referrals the police did not recognise as victims (external).
    """

    ngo_projects: int
    ngo_funding_azn: float
    capacity_per_year: float
    rehabilitated_per_year: float
    identified_range: tuple[int, int]
    per_victim: pd.DataFrame
    international_share: float
    unrecognised_referrals: int | None


def funding_verdict(facts: FundingFacts) -> tuple[str, str]:
    """Verdict on H3, "the organizations do not have financial resources".

    As stated the claim is absolute; the article's own figures list funding for
    the organizations, so where they do and the budget covers the stated costs
    of the victims identified, the verdict is ``not supported``; what the
    figures cannot show (sufficiency for each organization, unidentified
    victims) is said in the sentence.

    Parameters
    ----------
    facts : FundingFacts

    Returns
    -------
    label, sentence : str
    """
    low, high = facts.identified_range
    tip = facts.per_victim
    tip_text = (
        f"TIP victim-protection funding {tip['funding_azn'].min():,.0f}-"
        f"{tip['funding_azn'].max():,.0f} AZN a year "
        f"({int(tip['year'].min())}-{int(tip['year'].max())}), "
        f"{tip['azn_per_victim'].min():,.0f}-{tip['azn_per_victim'].max():,.0f} AZN per "
        "identified victim; "
        if len(tip)
        else ""
    )
    referrals = (
        f"; {facts.unrecognised_referrals} NGO referrals in 2016 were not recognised as victims"
        if facts.unrecognised_referrals
        else ""
    )
    sentence = (
        f"the article itself reports funding for the organizations ({facts.ngo_projects} NGO "
        f"projects, more than {facts.ngo_funding_azn:,.0f} AZN in 2009-2013); the state budget "
        f"covers the stated shelter and allowance costs of about {facts.capacity_per_year:.0f} "
        f"victims a year, against about {facts.rehabilitated_per_year:.0f} rehabilitated a year "
        f"(2006-2012) and {low}-{high} identified a year (TIP); {tip_text}"
        f"{facts.international_share:.0%} of the 2010 funding listed was international. "
        "The figures cannot show whether each organization's budget met its needs, nor the "
        f"needs of victims who were never identified{referrals}"
    )
    supported_by_data = (
        facts.ngo_funding_azn > 0 and facts.capacity_per_year >= facts.rehabilitated_per_year
    )
    return ("not supported" if supported_by_data else "undetermined"), sentence

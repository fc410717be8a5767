"""External evidence for claims the survey cannot test: shares, trends, funding.

Shares of identified victims come with exact yearly intervals (Clopper-Pearson
and Wilson, via :func:`analysis_utils.audit.stats.binomial`); before years are pooled
their dispersion is tested, and the pooled interval and the trend over years
(a GLM, statsmodels) are quasi-binomial, widened where the shares vary more than
a binomial allows. The verdicts on H2 and H3, which also read the TIP
narratives' statements, are in :mod:`analysis_utils.study.hypotheses`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special
from scipy import stats as scipy_stats

from analysis_utils.audit import stats
from analysis_utils.audit.verdicts import Verdict


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
        cp_low, cp_high, wilson_low, wilson_high, pvalue_majority, pooled_low,
        pooled_high``. A year's row has the exact binomial intervals and the
        exact one-sided binomial test of share > 1/2; the pooled row has none of
        these (they assume one binomial share for every year) but the interval
        every verdict and table uses for pooled years: widened for the years'
        overdispersion (:func:`pooled_interval` at the dispersion of
        :func:`dispersion`), or Clopper-Pearson where one binomial share fits
        by construction (a single year; a share of 0 or 1 in every year).
    """
    data = counts[[part, total]].dropna()
    if years:
        data = data[data.index.isin(list(years))]
    rows = []
    for y, r in data.iterrows():
        k, n = int(r[part]), int(r[total])
        result = stats.binomial(k, n, p0=0.5, confidence=confidence)
        rows.append(
            {
                "year": str(int(y)),
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
    table = pd.DataFrame(rows, columns=SHARE_COLUMNS)
    if rows:
        k, n = int(table["part"].sum()), int(table["total"].sum())
        if len(rows) > 1 and 0 < k < n:
            phi = dispersion(table).phi
            _, low, high = pooled_interval(table, confidence=confidence, phi=phi)
        else:  # one year, or shares of 0 or 1 in every year: one binomial share fits
            low, high = stats.binomial(k, n, p0=0.5, confidence=confidence).ci_clopper_pearson
        pooled = {"year": "pooled", "part": k, "total": n, "share": k / n}
        table.loc[len(table)] = pd.Series(pooled | {"pooled_low": low, "pooled_high": high})
    return table


#: Columns of :func:`shares`.
SHARE_COLUMNS = [
    "year",
    "part",
    "total",
    "share",
    "cp_low",
    "cp_high",
    "wilson_low",
    "wilson_high",
    "pvalue_majority",
    "pooled_low",
    "pooled_high",
]


#: What a p-value or interval on identified victims can mean (said at every verdict on them).
CENSUS_CAVEAT = (
    "The identified victims are a census of those the authorities identified, not a random "
    "sample of victims: intervals and p-values describe how much the yearly shares vary "
    "beyond chance under a stable identification process, not how common a form is among "
    "all victims"
)


@dataclass(frozen=True)
class DispersionResult:
    """Whether yearly shares vary more than one common binomial share allows.

    Attributes
    ----------
    chi2 : float
        Pearson chi-square of the yearly counts against the pooled share.
    df : int
        Years minus one.
    phi : float
        Dispersion ``chi2 / df`` (1 for binomial variation).
    pvalue : float
        Chi-square test of homogeneity (small: overdispersed).
    method : str
    """

    chi2: float
    df: int
    phi: float
    pvalue: float
    method: str = "Pearson chi-square of the yearly shares against the pooled share"


def dispersion(table: pd.DataFrame) -> DispersionResult:
    """Test the yearly shares of :func:`shares` for overdispersion.

    Parameters
    ----------
    table : DataFrame
        ``year, part, total`` (the ``pooled`` row is ignored).

    Returns
    -------
    DispersionResult

    Raises
    ------
    ValueError
        With fewer than two years.
    """
    data = table[table["year"] != "pooled"]
    if len(data) < 2:
        raise ValueError(f"overdispersion needs at least two years, got {len(data)}")
    k = data["part"].to_numpy(dtype=float)
    n = data["total"].to_numpy(dtype=float)
    p = k.sum() / n.sum()
    chi2 = float(np.sum((k - n * p) ** 2 / (n * p * (1 - p)))) if 0 < p < 1 else 0.0
    df = len(data) - 1
    return DispersionResult(chi2, df, chi2 / df, float(scipy_stats.chi2.sf(chi2, df)))


def _glm(table: pd.DataFrame, exog: np.ndarray, phi: float) -> Any:
    """Binomial GLM of the yearly counts with the scale fixed at ``max(phi, 1)``.

    Where the scale is estimated (``phi > 1``), inference uses the t distribution
    on the residual degrees of freedom, as a quasi-likelihood fit should with few
    years.
    """
    endog = np.column_stack([table["part"], table["total"] - table["part"]]).astype(float)
    return sm.GLM(endog, exog, family=sm.families.Binomial()).fit(
        scale=max(phi, 1.0), use_t=phi > 1.0
    )


def pooled_interval(
    table: pd.DataFrame, *, confidence: float, phi: float
) -> tuple[float, float, float]:
    """Pooled share with an interval widened for overdispersion (quasi-binomial).

    Parameters
    ----------
    table : DataFrame
        ``year, part, total`` (the ``pooled`` row is ignored).
    confidence : float
    phi : float
        Dispersion (:func:`dispersion`); below 1 it is taken as 1.

    Returns
    -------
    share, low, high : float
        Wald interval on the logit scale with the variance multiplied by
        ``max(phi, 1)`` (t reference on years - 1 df where ``phi > 1``).
    """
    data = table[table["year"] != "pooled"]
    fit = _glm(data, np.ones((len(data), 1)), phi)
    low, high = fit.conf_int(alpha=1 - confidence)[0]
    expit = special.expit
    return float(expit(fit.params[0])), float(expit(low)), float(expit(high))


@dataclass(frozen=True)
class TrendResult:
    """Quasi-binomial GLM of a yearly share on the year.

    Attributes
    ----------
    slope : float
        Change in log-odds per year.
    std_error : float
    pvalue : float
        Wald test of slope = 0, with the variance scaled by the dispersion.
    odds_ratio : float
        ``exp(slope)``: multiplicative change in the odds per year.
    ci_odds_ratio : tuple of float
    years : int
        Years in the fit.
    dispersion : float
        Pearson chi-square over residual df of the binomial fit; the scale used
        is ``max(dispersion, 1)``.
    method : str
    """

    slope: float
    std_error: float
    pvalue: float
    odds_ratio: float
    ci_odds_ratio: tuple[float, float]
    years: int
    dispersion: float
    method: str = (
        "quasi-binomial GLM, logit link, year as covariate, scale = Pearson chi-square / df "
        "where above 1, then t reference (statsmodels)"
    )


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
    exog = sm.add_constant((year - year.min()).astype(float))
    binomial = _glm(data, exog, 1.0)
    phi = float(binomial.pearson_chi2 / binomial.df_resid)
    fit = _glm(data, exog, phi)
    low, high = fit.conf_int(alpha=1 - confidence)[1]
    slope = float(fit.params[1])
    return TrendResult(
        slope,
        float(fit.bse[1]),
        float(fit.pvalues[1]),
        float(np.exp(slope)),
        (float(np.exp(low)), float(np.exp(high))),
        len(data),
        phi,
    )


def period(years: Sequence[int]) -> str:
    """Years as text: ``2016-2021`` when consecutive, else listed.

    Parameters
    ----------
    years : sequence of int

    Returns
    -------
    str
    """
    ordered = sorted(set(int(y) for y in years))
    if not ordered:
        return ""
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return str(ordered[0]) if len(ordered) == 1 else f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(str(y) for y in ordered)


def share_verdict(
    table: pd.DataFrame, *, alpha: float, confidence: float, note: str = "", part: str = ""
) -> Verdict:
    """Verdict on "the part is the majority" from yearly shares of identified victims.

    ``consistent with official identification statistics, <years>`` when the
    share exceeds one half in every year and the pooled interval, widened for
    overdispersion, lies above one half; ``not consistent ...`` when the share
    exceeds one half in no year; ``undetermined`` otherwise. The label says no
    more: identified victims are not all victims.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`shares`.
    alpha : float
        Level of the overdispersion and trend tests.
    confidence : float
        Level of the pooled interval.
    note : str
        A further assumption about the counts (e.g. how victims of unstated sex count).
    part : str
        What the part counts, in words (``female``), said before the counts.

    Returns
    -------
    Verdict
    """
    years = table[table["year"] != "pooled"]
    if years.empty:
        return Verdict("not evaluable", "no year has both figures", "", "")
    when = period(years["year"].astype(int).tolist())
    spread = dispersion(years) if len(years) > 1 else DispersionResult(0.0, 0, 1.0, 1.0, "one year")
    pooled = table[table["year"] == "pooled"].iloc[0]
    share, low, high = (float(pooled[c]) for c in ("share", "pooled_low", "pooled_high"))
    parts = [
        f"identified victims {when} (external){f', counting {part}' if part else ''}: above "
        "one half in "
        f"{int((years['share'] > 0.5).sum())} of {len(years)} years",
        f"pooled {int(years['part'].sum())} of {int(years['total'].sum())} = {share:.1%}, "
        f"{confidence:.0%} interval allowing for overdispersion {low:.1%}-{high:.1%} "
        f"(Pearson chi-square {spread.chi2:.1f} on {spread.df} df, dispersion "
        f"{spread.phi:.2f}, p = {spread.pvalue:.3g})",
    ]
    if len(years) >= 3:
        fitted = trend(years, confidence=confidence)
        parts.append(
            f"trend (quasi-binomial): odds ratio per year {fitted.odds_ratio:.2f} "
            f"({confidence:.0%} CI {fitted.ci_odds_ratio[0]:.2f}-{fitted.ci_odds_ratio[1]:.2f}, "
            f"p = {fitted.pvalue:.3g}): "
            + ("evidence of a trend" if fitted.pvalue < alpha else "no evidence of a trend")
        )
    sentence = "; ".join(parts) + f". {CENSUS_CAVEAT}."
    assumptions = (
        "identified victims as printed in the TIP editions (each edition's own figure first); "
        "pooled interval and trend quasi-binomial (variance x max(dispersion, 1), t reference "
        f"on the residual df); alpha {alpha:g}" + (f"; {note}" if note else "")
    )
    majority = years["share"] > 0.5
    if majority.all() and low > 0.5:
        label = f"consistent with official identification statistics, {when}"
    elif not majority.any():
        label = f"not consistent with official identification statistics, {when}"
    else:
        label = "undetermined"
    return Verdict(label, sentence, when, assumptions)


def unstated_sex(counts: pd.DataFrame) -> pd.Series:
    """Victims whose sex the TIP figures do not give, by year.

    Parameters
    ----------
    counts : DataFrame
        Year x indicator (persons).

    Returns
    -------
    Series
        ``victims_identified_total - victims_female_total - victims_male_total``
        for the years that give all three and leave some victims unsexed.
    """
    needed = ["victims_identified_total", "victims_female_total", "victims_male_total"]
    given = counts.reindex(columns=needed).dropna()
    rest = given[needed[0]] - given[needed[1]] - given[needed[2]]
    return rest[rest > 0].astype(int).rename("victims_unstated_sex")


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

"""Regression models and rank correlations, as Stata's ``regress``, ``logit``, ``ologit`` give them.

:func:`fit_model` fits a statsmodels formula (``"vote ~ C(party) + age"``) and returns a
tidy coefficient table: estimate, standard error, t or z, p-value and interval of each
term, with the odds ratio and its interval for the logit models. Three kinds:

- ``"ols"``: ordinary least squares (``statsmodels.formula.api.ols``); with weights,
  weighted least squares with heteroskedasticity-robust HC1 standard errors (``wls``,
  ``cov_type="HC1"``), what Stata's ``regress y x [pweight=w]`` gives;
- ``"logit"``: binary logit (``statsmodels.formula.api.logit``), the outcome coded 0/1;
  with weights, a binomial GLM with the weights as ``var_weights`` and sandwich (HC0)
  standard errors, the pseudo-likelihood fit of sampling weights (Stata's
  ``logit [pweight=w]`` without its n/(n-1) factor);
- ``"ordered_logit"``: proportional-odds ordered logit
  (:class:`statsmodels.miscmodels.ordinal_model.OrderedModel`, ``distr="logit"``); its
  cut points (Stata's ``/cut1``...; statsmodels estimates the first and the logarithms of
  the increments, turned into cut points here with delta-method standard errors) are rows
  ``cut 1/2``... of the table (the codes they separate), without odds ratios.
  statsmodels fits it without weights, so weights are refused.

Each term is also named in the codebook's words (``party: Independent (vs Democrat)``,
:mod:`analysis_utils.survey.model_terms`), and the table says what the model predicts and
names its fit statistic: R-squared for least squares, McFadden's pseudo R-squared for the
logit models (not a share of variance explained).

Declared missing codes are set blank before the fit, and a respondent with a blank in any
variable of the formula is left out (listwise, as all three programs do).

:func:`spearman` gives Spearman's rank correlation of every pair of ordinal questions
(``scipy.stats.spearmanr``), each pair on the respondents who answered both.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from analysis_utils.survey.coded import Labels, masks, weights_of
from analysis_utils.survey.model_terms import cut_labels, outcome_text, term_labels

#: Kinds of model -> how each is fitted, unweighted and weighted.
KINDS = {
    "ols": (
        "ordinary least squares (statsmodels ols), model-based standard errors",
        "weighted least squares (statsmodels wls, weights as sampling weights), "
        "robust HC1 standard errors",
    ),
    "logit": (
        "binary logit, maximum likelihood (statsmodels logit)",
        "binary logit as a binomial GLM with var_weights (pseudo-likelihood of sampling "
        "weights), sandwich HC0 standard errors",
    ),
    "ordered_logit": (
        "proportional-odds ordered logit, maximum likelihood (statsmodels OrderedModel, "
        "distr='logit')",
        "",
    ),
}


@dataclass(frozen=True, eq=False)
class ModelTable:
    """A fitted model as a coefficient table.

    Attributes
    ----------
    table : DataFrame
        One row per term: ``term``, ``label`` (the term in the codebook's words),
        ``estimate``, ``std_error``, ``statistic`` (t or z),
        ``p_value``, ``ci_low``, ``ci_high`` and, for logit models, ``odds_ratio``,
        ``odds_ratio_low``, ``odds_ratio_high`` (NaN on the intercept's and thresholds'
        rows of an ordered logit).
    formula, kind : str
    n : int
        Respondents in the fit.
    statistic_name : str
        ``t`` or ``z``.
    r_squared : float or None
        R-squared (OLS) or McFadden's pseudo R-squared (logit models).
    fit_name : str
        What ``r_squared`` is: ``R²`` or ``McFadden's pseudo R²``.
    outcome : str
        What the estimates are of (:func:`~analysis_utils.survey.model_terms.outcome_text`).
    log_likelihood : float
    confidence : float
    method : str
    result : object
        The statsmodels results, for anything else.
    """

    table: pd.DataFrame
    formula: str
    kind: str
    n: int
    statistic_name: str
    r_squared: float | None
    log_likelihood: float
    confidence: float
    method: str
    result: Any
    fit_name: str = "R²"
    outcome: str = ""

    def export(self) -> pd.DataFrame:
        """Give the coefficient table with the model's facts on every row (CSV, workbook).

        Returns
        -------
        DataFrame
            The table, then ``formula``, ``kind``, ``outcome``, ``n``, ``fit_statistic``,
            ``fit_value``, ``confidence``, ``method``.
        """
        return self.table.assign(
            formula=self.formula,
            kind=self.kind,
            outcome=self.outcome,
            n=self.n,
            fit_statistic=self.fit_name,
            fit_value=self.r_squared,
            confidence=self.confidence,
            method=self.method,
        )


def _used(data: pd.DataFrame, formula: str) -> list[str]:
    """Give the columns of the data that the formula names."""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", formula))
    return [c for c in data.columns if str(c) in words]


def fit_model(
    data: pd.DataFrame,
    formula: str,
    *,
    kind: str = "ols",
    missing: Mapping[str, Labels] | None = None,
    weights: str | pd.Series | None = None,
    confidence: float = 0.95,
    labels: Mapping[str, Labels] | None = None,
) -> ModelTable:
    """Fit a regression model from a formula and give its coefficient table.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    formula : str
        A statsmodels (patsy) formula, e.g. ``"TVnews ~ age"`` or ``"vote ~ C(party)"``.
    kind : {"ols", "logit", "ordered_logit"}
    missing : mapping, optional
        Question -> its declared missing codes, set blank before the fit.
    weights : str or Series, optional
        A column of ``data`` or a Series aligned on its index.
    confidence : float
        Level of the intervals.
    labels : mapping, optional
        Question -> its value labels, to name the terms.

    Returns
    -------
    ModelTable

    Raises
    ------
    ValueError
        On an unknown kind, weights for an ordered logit, or unusable weights.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    if kind == "ordered_logit" and weights is not None:
        raise ValueError("statsmodels fits the ordered logit without weights")
    frame = data.copy()
    for column, kinds in (missing or {}).items():
        _, declared, _ = masks(frame[column], missing=kinds)
        frame[column] = frame[column].where(~declared)
    w = None
    if weights is not None:
        w = pd.Series(
            weights_of(
                frame.index.to_series(), frame[weights] if isinstance(weights, str) else weights
            ),
            index=frame.index,
        )
    frame = frame.dropna(subset=_used(frame, formula))
    alpha = 1 - confidence
    result = _fit(frame, formula, kind, None if w is None else w.loc[frame.index])
    labels = labels or {}
    table = _coefficients(result, alpha)
    table.insert(1, "label", term_labels(result.model, table["term"], labels))
    outcome = str(result.model.endog_names)
    if kind == "ordered_logit":
        table = _with_cut_points(table, result, alpha, labels.get(outcome))
    if kind != "ols":
        ratio = table["term"] != "Intercept"
        if kind == "ordered_logit":
            ratio = pd.Series(np.arange(len(table)) < result.model.k_vars)
        for column, source in (
            ("odds_ratio", "estimate"),
            ("odds_ratio_low", "ci_low"),
            ("odds_ratio_high", "ci_high"),
        ):
            table[column] = np.where(ratio, np.exp(table[source]), np.nan)
    uses_t = kind == "ols" and w is None
    r2: float | None
    if kind == "ols":
        r2 = float(result.rsquared)
    elif kind == "logit" and w is None:
        r2 = float(result.prsquared)
    elif kind == "logit":
        r2 = float(result.pseudo_rsquared(kind="mcf"))
    else:
        r2 = float(result.prsquared)
    method = KINDS[kind][0 if w is None else 1]
    method += f"; {100 * confidence:g} % intervals ({'t' if uses_t else 'normal'})"
    if kind != "ols":
        method += "; odds ratios exp(estimate) with exp(interval)"
    return ModelTable(
        table=table,
        formula=formula,
        kind=kind,
        n=int(result.nobs),
        statistic_name="t" if uses_t else "z",
        r_squared=r2,
        log_likelihood=float(result.llf),
        confidence=confidence,
        method=method,
        result=result,
        fit_name="R²" if kind == "ols" else "McFadden's pseudo R²",
        outcome=outcome_text(kind, outcome, labels.get(outcome)),
    )


class LogisticOrderedModel(OrderedModel):  # type: ignore[misc]  # statsmodels is untyped
    """statsmodels' ordered logit with the logistic cdf and pdf evaluated by ``scipy.special``.

    ``OrderedModel(distr="logit")`` evaluates them through ``scipy.stats.logistic``, whose
    argument checks cost more than the function itself: its likelihood is evaluated some 900
    times in a fit (numerical gradients), which took 4 of the 6 s of a fit on 100,000
    respondents. ``expit(x)`` is the same function (``1 / (1 + exp(-x))``), and its derivative
    ``expit(x) expit(-x)`` the logistic density; everything else is statsmodels' own.
    """

    def cdf(self, x: Any) -> Any:
        """Give the logistic cdf at ``x`` (``scipy.special.expit``)."""
        return special.expit(x)

    def pdf(self, x: Any) -> Any:
        """Give the logistic density at ``x``."""
        return special.expit(x) * special.expit(-np.asarray(x))


def _fit(frame: pd.DataFrame, formula: str, kind: str, weights: pd.Series | None) -> Any:
    """Fit the model of a kind, weighted or not (see :data:`KINDS`)."""
    if kind == "ols":
        if weights is None:
            return smf.ols(formula, frame).fit()
        return smf.wls(formula, frame, weights=weights).fit(cov_type="HC1")
    if kind == "logit":
        if weights is None:
            return smf.logit(formula, frame).fit(disp=False)
        family = sm.families.Binomial()
        return smf.glm(formula, frame, family=family, var_weights=weights).fit(cov_type="HC0")
    model = LogisticOrderedModel.from_formula(formula, frame, distr="logit")
    return model.fit(method="bfgs", disp=False, maxiter=1000)


def _coefficients(result: Any, alpha: float) -> pd.DataFrame:
    """Give the coefficient table statsmodels gives, one row per parameter."""
    ci = np.asarray(result.conf_int(alpha=alpha))
    return pd.DataFrame(
        {
            "term": [str(t) for t in result.params.index],
            "estimate": np.asarray(result.params, dtype=float),
            "std_error": np.asarray(result.bse, dtype=float),
            "statistic": np.asarray(result.tvalues, dtype=float),
            "p_value": np.asarray(result.pvalues, dtype=float),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        }
    )


def cut_points(result: Any) -> tuple[np.ndarray, np.ndarray]:
    """Give an ordered logit's cut points and their standard errors (delta method).

    statsmodels estimates the first cut point and the logarithms of the increments
    between the next ones; the cut points are ``c_k = t_1 + sum_{j=2..k} exp(t_j)``
    (:meth:`OrderedModel.transform_threshold_params`), as Stata's ``/cut1``... report them.

    Parameters
    ----------
    result : OrderedResults

    Returns
    -------
    cuts, se : numpy.ndarray
    """
    k = result.model.k_vars
    raw = np.asarray(result.params, dtype=float)[k:]
    cov = np.asarray(result.cov_params(), dtype=float)[k:, k:]
    jacobian = np.tril(np.tile(np.concatenate(([1.0], np.exp(raw[1:]))), (len(raw), 1)))
    cuts = np.asarray(result.model.transform_threshold_params(result.params))[1:-1]
    return cuts, np.sqrt(np.diag(jacobian @ cov @ jacobian.T))


def _with_cut_points(
    table: pd.DataFrame, result: Any, alpha: float, labels: Labels | None
) -> pd.DataFrame:
    """Give the table with an ordered logit's threshold parameters replaced by its cut points."""
    k = result.model.k_vars
    cuts, se = cut_points(result)
    z, critical = cuts / se, stats.norm.isf(alpha / 2)
    out = table.copy()
    out.loc[k:, "term"], out.loc[k:, "label"] = cut_labels(result.model.labels, labels)
    out.loc[k:, "estimate"] = cuts
    out.loc[k:, "std_error"] = se
    out.loc[k:, "statistic"] = z
    out.loc[k:, "p_value"] = 2 * stats.norm.sf(np.abs(z))
    out.loc[k:, "ci_low"] = cuts - critical * se
    out.loc[k:, "ci_high"] = cuts + critical * se
    return out


@dataclass(frozen=True, eq=False)
class Correlations:
    """Spearman's rank correlations of pairs of questions.

    Attributes
    ----------
    table : DataFrame
        One row per pair: ``first``, ``second``, ``rho``, ``p_value``, ``n``.
    method : str
    """

    table: pd.DataFrame
    method: str

    def matrix(self) -> pd.DataFrame:
        """Give the correlations as a symmetric matrix with 1 on the diagonal."""
        names = list(dict.fromkeys([*self.table["first"], *self.table["second"]]))
        out = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
        for row in self.table.itertuples(index=False):
            out.loc[row.first, row.second] = out.loc[row.second, row.first] = row.rho
        return out


def spearman(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    missing: Mapping[str, Labels] | None = None,
) -> Correlations:
    """Correlate every pair of ordinal questions by rank (Spearman).

    Parameters
    ----------
    frame : DataFrame
        One column of numeric codes per question, codes in the scale's order.
    columns : sequence of str, optional
        The questions (every column by default).
    missing : mapping, optional
        Question -> its declared missing codes, left out.

    Returns
    -------
    Correlations
        Each pair on the respondents who gave both a valid answer (pairwise deletion).
    """
    names = [str(c) for c in (frame.columns if columns is None else columns)]
    valid = {c: masks(frame[c], missing=(missing or {}).get(c))[0] for c in names}
    rows = []
    for a, b in itertools.combinations(names, 2):
        both = valid[a] & valid[b]
        x = frame.loc[both, a].to_numpy(dtype=float)
        y = frame.loc[both, b].to_numpy(dtype=float)
        result = stats.spearmanr(x, y) if len(x) > 2 else None
        rows.append(
            {
                "first": a,
                "second": b,
                "rho": math.nan if result is None else float(result.statistic),
                "p_value": math.nan if result is None else float(result.pvalue),
                "n": len(x),
            }
        )
    return Correlations(
        table=pd.DataFrame(rows, columns=["first", "second", "rho", "p_value", "n"]),
        method=(
            "Spearman rank correlation (scipy spearmanr, ties given mean ranks), two-sided "
            "p-value from the t distribution with n - 2 df; pairwise deletion"
        ),
    )

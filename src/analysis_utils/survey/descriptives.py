"""Numeric questions (age, an amount) summarised as SPSS's Descriptives and Stata's ``tabstat``.

:func:`describe` gives n, mean, standard deviation (n - 1 in the denominator, as SPSS,
Stata and pandas), median, quartiles, minimum and maximum of the valid answers (declared
missing kinds and blanks left out), and with weights the weighted mean with its standard
error. Two standard errors of a weighted mean are offered, each named in ``method``:

- ``"linearized"`` (default): the weights are sampling weights (a respondent stands for
  ``w`` people of the population); the Taylor-linearised standard error of the ratio
  ``sum w x / sum w``, ``sqrt(n / (n - 1) * sum w^2 (x - mean)^2) / sum w``, which R's
  ``svymean`` gives for a design without strata or clusters and Stata's ``mean [pweight=w]``;
- ``"frequency"``: the weights are counts of identical respondents (Stata's ``fweight``),
  statsmodels' :class:`~statsmodels.stats.weightstats.DescrStatsW`.

The quartiles are unweighted, by numpy's ``quantile`` with the method given (``"linear"``,
R's type 7 and pandas' default, unless asked; ``"weibull"`` is SPSS's HAVERAGE).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from statsmodels.stats.weightstats import DescrStatsW

from analysis_utils.survey.coded import Labels, masks, weights_of
from analysis_utils.survey.weights import effective_size

#: Standard errors of a weighted mean -> their description.
WEIGHTED_SE = {
    "linearized": "Taylor-linearised standard error for sampling weights "
    "(sqrt(n/(n-1) sum w^2 (x - mean)^2) / sum w; no strata or clusters)",
    "frequency": "standard error for frequency weights (statsmodels DescrStatsW std_mean)",
}

#: Columns of :attr:`Description.table`, in order.
COLUMNS = (
    "name",
    "n",
    "n_missing",
    "mean",
    "sd",
    "se_mean",
    "min",
    "q1",
    "median",
    "q3",
    "max",
    "weighted_mean",
    "weighted_se",
    "n_eff",
)


@dataclass(frozen=True, eq=False)
class Description:
    """Summary statistics of one numeric question.

    Attributes
    ----------
    table : DataFrame
        One row with :data:`COLUMNS` (the weighted columns NaN when unweighted).
    name : str
    n, n_missing : int
        Valid answers; declared missing kinds and blanks.
    mean, sd, median, q1, q3, minimum, maximum : float
        Of the valid answers (``sd`` with n - 1).
    weighted_mean, weighted_se, n_eff : float or None
        With weights: the weighted mean, its standard error, the Kish effective size.
    values : numpy.ndarray
        The valid answers (for a histogram).
    method : str
    """

    table: pd.DataFrame
    name: str
    n: int
    n_missing: int
    mean: float
    sd: float
    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float
    weighted_mean: float | None
    weighted_se: float | None
    n_eff: float | None
    values: np.ndarray
    method: str


def weighted_mean_se(
    values: np.ndarray, weights: np.ndarray, *, se: str = "linearized"
) -> tuple[float, float]:
    """Give the weighted mean of values and its standard error.

    Parameters
    ----------
    values, weights : numpy.ndarray
        Valid answers and their weights (respondents of weight 0 are left out).
    se : {"linearized", "frequency"}
        See the module's description.

    Returns
    -------
    mean, se : float
        NaN standard error when fewer than two respondents have a positive weight.
    """
    keep = weights > 0
    x, w = values[keep], weights[keep]
    mean = float(np.sum(w * x) / np.sum(w))
    if len(x) < 2:
        return mean, math.nan
    if se == "frequency":
        return mean, float(DescrStatsW(x, weights=w, ddof=0).std_mean)
    n = len(x)
    return mean, float(math.sqrt(n / (n - 1) * np.sum(w**2 * (x - mean) ** 2)) / np.sum(w))


def describe(
    values: pd.Series,
    *,
    missing: Labels | None = None,
    weights: pd.Series | Sequence[float] | np.ndarray | None = None,
    se: str = "linearized",
    quantile_method: str = "linear",
) -> Description:
    """Summarise a numeric question.

    Parameters
    ----------
    values : Series
        One number per respondent; ``NaN`` is a blank answer.
    missing : mapping, optional
        Declared missing codes ``code -> label`` (e.g. 998 "don't know"), left out.
    weights : Series or sequence of float, optional
        One weight per respondent.
    se : {"linearized", "frequency"}
        Standard error of the weighted mean.
    quantile_method : str
        numpy ``quantile`` method of the quartiles and median.

    Returns
    -------
    Description

    Raises
    ------
    ValueError
        If an answer is not a number, no answer is valid, ``se`` is unknown or the weights
        are unusable.
    """
    if se not in WEIGHTED_SE:
        raise ValueError(f"se must be one of {sorted(WEIGHTED_SE)}, got {se!r}")
    valid, _, _ = masks(values, missing=missing)
    x = pd.to_numeric(values[valid], errors="raise").to_numpy(dtype=np.float64)
    if len(x) == 0:
        raise ValueError(f"{values.name!r} has no valid answer to describe")
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75], method=cast(Any, quantile_method))
    sd = float(np.std(x, ddof=1)) if len(x) > 1 else math.nan
    w_mean = w_se = n_eff = None
    method = (
        f"n valid answers; mean; SD with n - 1; quartiles by numpy quantile "
        f"(method={quantile_method!r})"
    )
    if weights is not None:
        w = weights_of(values, weights)[valid]
        if not np.any(w > 0):
            raise ValueError("every valid answer has weight 0")
        w_mean, w_se = weighted_mean_se(x, w, se=se)
        n_eff = effective_size(w)
        method += f"; weighted mean with its {WEIGHTED_SE[se]}; quartiles unweighted"
    name = str(values.name) if values.name is not None else ""
    stats: dict[str, Any] = {
        "name": name,
        "n": len(x),
        "n_missing": len(values) - len(x),
        "mean": float(x.mean()),
        "sd": sd,
        "se_mean": sd / math.sqrt(len(x)),
        "min": float(x.min()),
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
        "max": float(x.max()),
        "weighted_mean": math.nan if w_mean is None else w_mean,
        "weighted_se": math.nan if w_se is None else w_se,
        "n_eff": math.nan if n_eff is None else n_eff,
    }
    return Description(
        table=pd.DataFrame([stats], columns=list(COLUMNS)),
        name=name,
        n=len(x),
        n_missing=len(values) - len(x),
        mean=stats["mean"],
        sd=sd,
        median=float(median),
        q1=float(q1),
        q3=float(q3),
        minimum=stats["min"],
        maximum=stats["max"],
        weighted_mean=w_mean,
        weighted_se=w_se,
        n_eff=n_eff,
        values=x,
        method=method,
    )


def describe_table(
    frame: pd.DataFrame,
    *,
    missing: Mapping[str, Labels] | None = None,
    weights: pd.Series | Sequence[float] | np.ndarray | None = None,
    se: str = "linearized",
    quantile_method: str = "linear",
) -> pd.DataFrame:
    """Summarise several numeric questions, one row each (Stata's ``tabstat``).

    Parameters
    ----------
    frame : DataFrame
        One column per numeric question.
    missing : mapping, optional
        Question -> its declared missing codes.
    weights, se, quantile_method
        As :func:`describe`.

    Returns
    -------
    DataFrame
        The rows of :attr:`Description.table`, one per column of the frame.
    """
    return pd.concat(
        [
            describe(
                frame[c],
                missing=(missing or {}).get(str(c)),
                weights=weights,
                se=se,
                quantile_method=quantile_method,
            ).table
            for c in frame.columns
        ],
        ignore_index=True,
    )

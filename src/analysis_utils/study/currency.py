"""Exchange rates: a year's AZN per USD rate from sourced observations, and conversion.

Only rates read from a source are used (``data/raw/external/exchange_rates.csv``).
Where no annual average was published, the year's rate is *derived*: the mean of
that year's official weekly averages, with their minimum and maximum as the
sensitivity range, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

#: Which end of a year's rate range converts by default (``mean``, ``low`` or ``high``).
DEFAULT_RATE_CHOICE = "mean"


@dataclass(frozen=True)
class Rate:
    """Manat per US dollar for one year.

    Attributes
    ----------
    year : int
    azn_per_usd : float
        Central value.
    low, high : float
        Sensitivity range.
    observations : int
        Rates the value rests on.
    method : str
        How it was obtained (``reported annual average`` or ``derived``).
    sources : tuple of str
        URLs of the observations.
    """

    year: int
    azn_per_usd: float
    low: float
    high: float
    observations: int
    method: str
    sources: tuple[str, ...]

    def choose(self, choice: str) -> Rate:
        """Return this rate with its central value set to ``mean``, ``low`` or ``high``.

        Parameters
        ----------
        choice : {"mean", "low", "high"}

        Returns
        -------
        Rate

        Raises
        ------
        ValueError
            For another choice.
        """
        values = {"mean": self.azn_per_usd, "low": self.low, "high": self.high}
        if choice not in values:
            raise ValueError(f"rate choice must be one of {sorted(values)}, got {choice!r}")
        return replace(
            self,
            azn_per_usd=values[choice],
            method=self.method if choice == "mean" else f"{self.method}, {choice} end",
        )

    def describe(self) -> str:
        """One-line statement of the rate and where it comes from."""
        if self.observations == 1 and self.low == self.high:
            return f"{self.azn_per_usd:.4f} AZN/USD ({self.method}, {self.year})"
        return (
            f"{self.azn_per_usd:.4f} AZN/USD ({self.method}; range {self.low:.4f}-"
            f"{self.high:.4f}, {self.year})"
        )


def rate_for_year(rates: pd.DataFrame, year: int) -> Rate:
    """Find a year's AZN per USD rate: the official annual average, else the weekly ones.

    Parameters
    ----------
    rates : DataFrame
        Columns ``period_start, period_end, kind, azn_per_usd, source_url``
        (``period_*`` as ISO date text or dates).
    year : int

    Returns
    -------
    Rate

    Raises
    ------
    LookupError
        If no rate of that year is available.
    """
    start = pd.to_datetime(rates["period_start"]).dt.year
    end = pd.to_datetime(rates["period_end"]).dt.year
    in_year = rates[(start == year) & (end == year)]
    annual = in_year[in_year["kind"] == "cba_official_annual_average"]
    if len(annual):
        value = float(annual["azn_per_usd"].iloc[0])
        return Rate(
            year, value, value, value, 1, "official annual average", tuple(annual["source_url"])
        )
    weekly = in_year[in_year["kind"] == "cba_official_weekly_average"]
    if weekly.empty:
        raise LookupError(f"no exchange rate for {year} in the sourced observations")
    values = weekly["azn_per_usd"].astype(float)
    return Rate(
        year,
        float(values.mean()),
        float(values.min()),
        float(values.max()),
        len(values),
        f"derived: mean of {len(values)} official weekly averages",
        tuple(dict.fromkeys(weekly["source_url"])),
    )


def to_azn(amount: float, currency: str, azn_per_usd: float) -> float:
    """Convert an amount to manat.

    Parameters
    ----------
    amount : float
    currency : {"AZN", "USD"}
    azn_per_usd : float

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For another currency.
    """
    if currency == "AZN":
        return float(amount)
    if currency == "USD":
        return float(amount) * azn_per_usd
    raise ValueError(f"no conversion for currency {currency!r}")


def funding_in_azn(funding: pd.DataFrame, rate: Rate) -> pd.DataFrame:
    """Add manat amounts (central, low, high) to a funding table.

    Parameters
    ----------
    funding : DataFrame
        Columns ``amount, currency`` (as in ``funding_2010.csv``).
    rate : Rate

    Returns
    -------
    DataFrame
        The table with ``azn, azn_low, azn_high`` (equal for AZN amounts) and
        ``conversion`` (``reported`` or ``derived``).
    """
    out = funding.copy()
    for column, value in (
        ("azn", rate.azn_per_usd),
        ("azn_low", rate.low),
        ("azn_high", rate.high),
    ):
        out[column] = [
            to_azn(a, c, value) for a, c in zip(out["amount"], out["currency"], strict=True)
        ]
    out["conversion"] = ["reported" if c == "AZN" else "derived" for c in out["currency"]]
    return out


#: ``kind`` of the rows of ``exchange_rates.csv`` that are official calendar-year averages.
ANNUAL_AVERAGE_KIND = "cba_official_annual_average"


def donor_totals(in_azn: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Sum funding in manat by donor type, and the international share of the sum.

    The one place the 2010 donor totals are computed: the notebook's printed
    totals and Fig. 4's title both come from here.

    Parameters
    ----------
    in_azn : DataFrame
        :func:`funding_in_azn` output (``donor_type, azn, azn_low, azn_high``).

    Returns
    -------
    totals : DataFrame
        Index ``donor_type``; columns ``azn, azn_low, azn_high``.
    international_share : Series
        The international part of each column's total (0 without international donors).
    """
    totals = in_azn.groupby("donor_type")[["azn", "azn_low", "azn_high"]].sum()
    international = (
        totals.loc["international"]
        if "international" in totals.index
        else pd.Series(0.0, index=totals.columns)
    )
    return totals, international / totals.sum()


def annual_average_rates(rates: pd.DataFrame) -> dict[int, float]:
    """Return the official annual average AZN per USD rate of each year that has one.

    Only rows of kind :data:`ANNUAL_AVERAGE_KIND` whose period starts and ends
    in the same year count; weekly rates are never averaged into one here.

    Parameters
    ----------
    rates : DataFrame
        Columns ``period_start, period_end, kind, azn_per_usd``.

    Returns
    -------
    dict of int to float
        Year -> AZN per USD, in year order.

    Raises
    ------
    ValueError
        If one year has two different official annual averages.
    """
    annual = rates[rates["kind"] == ANNUAL_AVERAGE_KIND]
    start = pd.to_datetime(annual["period_start"]).dt.year
    end = pd.to_datetime(annual["period_end"]).dt.year
    found: dict[int, float] = {}
    for year, value in zip(
        start[start == end], annual.loc[start == end, "azn_per_usd"], strict=True
    ):
        if int(year) in found and found[int(year)] != float(value):
            raise ValueError(f"two official annual averages for {year}")
        found[int(year)] = float(value)
    return dict(sorted(found.items()))


def usd_at_annual_average(
    table: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    columns: dict[str, str] | None = None,
    year: str = "year",
) -> pd.DataFrame:
    """Convert manat amounts to US dollars at each year's official annual average rate.

    A year without an official annual average in ``rates`` is not converted:
    its rate and its dollar amounts are NaN (never a neighbouring year's rate,
    never an average of weekly rates).

    Parameters
    ----------
    table : DataFrame
        One row per year, with a ``year`` column and the manat columns named
        in ``columns``.
    rates : DataFrame
        ``exchange_rates.csv``.
    columns : dict of str to str, optional
        Manat column -> dollar column written; by default
        ``{"funding_azn": "funding_usd", "azn_per_victim": "usd_per_victim"}``
        (the table of :func:`analysis_utils.study.evidence.funding_per_victim`).
    year : str
        Name of the year column.

    Returns
    -------
    DataFrame
        A copy of ``table`` with ``azn_per_usd`` (NaN where the year has no
        official annual average) and the dollar columns (amount / rate).
    """
    columns = columns or {"funding_azn": "funding_usd", "azn_per_victim": "usd_per_victim"}
    known = annual_average_rates(rates)
    out = table.copy()
    out["azn_per_usd"] = [known.get(int(y), float("nan")) for y in out[year]]
    for azn, usd in columns.items():
        out[usd] = out[azn].astype(float) / out["azn_per_usd"]
    return out

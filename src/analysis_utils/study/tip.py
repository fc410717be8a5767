"""Official statistics from the US Trafficking in Persons (TIP) reports.

The TIP table (``data/raw/external/tip_azerbaijan.csv``) has one row per number
printed in one edition. This module builds a year x indicator view, checks the
editions against each other (a prior-year figure in brackets against the
earlier edition's own figure) and sub-totals against totals, reports what does
not agree instead of fixing it, and computes the exchange rates that the
editions' own AZN/USD pairs imply.
"""

from __future__ import annotations

import pandas as pd

#: Ways the identified victims are split, each as (parts, parts that must be given
#: for the check to apply). A part not given counts as not reported (zero).
PARTITIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "by form": (
        (
            "victims_female_sex_trafficking",
            "victims_female_forced_labour",
            "victims_male_forced_labour",
        ),
        ("victims_female_sex_trafficking", "victims_male_forced_labour"),
    ),
    "by sex": (
        ("victims_female_total", "victims_male_total", "victims_child"),
        ("victims_female_total", "victims_male_total"),
    ),
}
TOTAL = "victims_identified_total"


def by_year(tip: pd.DataFrame) -> pd.DataFrame:
    """One figure per reference year, indicator and unit.

    The edition's own (``current``) figure is preferred; where only a later
    edition's bracketed prior-year figure exists, that is used and flagged.

    Parameters
    ----------
    tip : DataFrame
        The TIP table (typed): ``report_edition, reference_year, indicator,
        value, unit, stated_as, source_url``.

    Returns
    -------
    DataFrame
        ``reference_year, indicator, unit, value, report_edition, stated_as,
        source_url`` sorted by indicator, unit and year.
    """
    order = tip.assign(_rank=(tip["stated_as"] != "current").astype(int))
    order = order.sort_values(
        ["reference_year", "indicator", "unit", "_rank", "report_edition"], kind="stable"
    )
    first = order.drop_duplicates(["reference_year", "indicator", "unit"], keep="first")
    columns = [
        "reference_year",
        "indicator",
        "unit",
        "value",
        "report_edition",
        "stated_as",
        "source_url",
    ]
    return (
        first[columns]
        .sort_values(["indicator", "unit", "reference_year"], kind="stable")
        .reset_index(drop=True)
    )


def wide(tip: pd.DataFrame, unit: str = "persons") -> pd.DataFrame:
    """Year x indicator table of one unit.

    Parameters
    ----------
    tip : DataFrame
        The TIP table.
    unit : str

    Returns
    -------
    DataFrame
        Index ``reference_year``; one column per indicator; missing where no
        edition gives the figure.
    """
    rows = by_year(tip)
    rows = rows[rows["unit"] == unit]
    return rows.pivot_table(
        index="reference_year", columns="indicator", values="value", aggfunc="first"
    ).sort_index()


def edition_checks(tip: pd.DataFrame) -> pd.DataFrame:
    """Compare every bracketed prior-year figure with the earlier edition's own figure.

    Parameters
    ----------
    tip : DataFrame

    Returns
    -------
    DataFrame
        One row per bracketed figure: ``reference_year, indicator, unit,
        later_edition, later_value, earlier_edition, earlier_value, result``
        where result is ``agrees``, ``differs`` or ``no earlier figure``.
    """
    current = tip[tip["stated_as"] == "current"]
    rows = []
    for row in tip[tip["stated_as"] != "current"].itertuples(index=False):
        match = current[
            (current["reference_year"] == row.reference_year)
            & (current["indicator"] == row.indicator)
            & (current["unit"] == row.unit)
            & (current["report_edition"] < row.report_edition)
        ]
        if match.empty:
            earlier_edition, earlier_value, result = pd.NA, float("nan"), "no earlier figure"
        else:
            first = match.sort_values("report_edition").iloc[-1]
            earlier_edition, earlier_value = int(first["report_edition"]), float(first["value"])
            result = "agrees" if earlier_value == float(row.value) else "differs"
        rows.append(
            {
                "reference_year": int(row.reference_year),
                "indicator": row.indicator,
                "unit": row.unit,
                "later_edition": int(row.report_edition),
                "later_value": float(row.value),
                "earlier_edition": earlier_edition,
                "earlier_value": earlier_value,
                "result": result,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "reference_year",
            "indicator",
            "unit",
            "later_edition",
            "later_value",
            "earlier_edition",
            "earlier_value",
            "result",
        ],
    )
    out["earlier_edition"] = out["earlier_edition"].astype("Int64")
    return out.sort_values(
        ["indicator", "unit", "reference_year", "later_edition"], kind="stable"
    ).reset_index(drop=True)


def subtotal_checks(
    tip: pd.DataFrame, partition: str = "by form", total: str = TOTAL
) -> pd.DataFrame:
    """Check, edition by edition, that the parts given add up to the total.

    Parameters
    ----------
    tip : DataFrame
    partition : str
        A key of :data:`PARTITIONS`.
    total : str

    Returns
    -------
    DataFrame
        ``report_edition, reference_year, partition, parts_given, parts_sum,
        total, result`` (``agrees`` or ``differs``) for each edition and year
        that gives the total and the partition's required parts.
    """
    parts, needed = PARTITIONS[partition]
    rows = []
    persons = tip[tip["unit"] == "persons"]
    for (edition, year), group in persons.groupby(["report_edition", "reference_year"]):
        values = dict(zip(group["indicator"], group["value"], strict=False))
        given = [p for p in parts if p in values]
        if total not in values or any(p not in values for p in needed):
            continue
        parts_sum = float(sum(values[p] for p in given))
        rows.append(
            {
                "report_edition": int(edition),
                "reference_year": int(year),
                "partition": partition,
                "parts_given": " + ".join(given),
                "parts_sum": parts_sum,
                "total": float(values[total]),
                "result": "agrees" if parts_sum == values[total] else "differs",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "report_edition",
            "reference_year",
            "partition",
            "parts_given",
            "parts_sum",
            "total",
            "result",
        ],
    )


def implied_rates(tip: pd.DataFrame) -> pd.DataFrame:
    """AZN per USD implied by each manat amount and the dollar figure printed beside it.

    Parameters
    ----------
    tip : DataFrame

    Returns
    -------
    DataFrame
        ``report_edition, reference_year, indicator, azn, usd, azn_per_usd``.
    """
    keys = ["report_edition", "reference_year", "indicator", "stated_as"]
    azn = tip[tip["unit"] == "AZN"][[*keys, "value"]].rename(columns={"value": "azn"})
    usd = tip[tip["unit"] == "USD"][[*keys, "value"]].rename(columns={"value": "usd"})
    pairs = azn.merge(usd, on=keys, how="inner", validate="one_to_one")
    pairs["azn_per_usd"] = pairs["azn"] / pairs["usd"]
    return (
        pairs.drop(columns="stated_as")
        .sort_values(["report_edition", "reference_year", "indicator"], kind="stable")
        .reset_index(drop=True)
    )

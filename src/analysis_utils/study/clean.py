"""Pure transforms from the article's raw tables (all text) to tidy processed tables.

Nothing here reads or writes files. Every function takes DataFrames of raw
text, as :func:`analysis_utils.core.io.read_raw_csv` returns them, and returns
new DataFrames; problems are raised as
:class:`~analysis_utils.core.errors.InputError` naming the raw file, row,
column and rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.core.printed import (
    REPLACEMENT_CHAR,
    number_value,
    parse_printed_number,
    repair_text,
)
from analysis_utils.study.constants import FUNDING_YEAR

#: Ranks the article prints as the activities ranked above, with no number:
#: each phrase reads as one more than the activities it names (Results, line 407:
#: drug trafficking, and the sale of counterfeit or pirated goods, so third).
RANK_PHRASES: dict[str, Decimal] = {
    "Behind only drug trafficking and the sale of counterfeit or pirated goods": Decimal(3),
}

#: Who gave each 2010 contribution, and whether the source is domestic (an
#: Azerbaijani state body) or international. This classification is ours.
FUNDING_SOURCES: dict[str, tuple[str, str]] = {
    "funding_2010_mia": ("Ministry of Internal Affairs", "domestic"),
    "funding_2010_ngo_council": ("Council of State Support to NGOs", "domestic"),
    "funding_2010_european_commission": ("European Commission", "international"),
    "funding_2010_osce_odihr": ("OSCE ODIHR", "international"),
    "funding_2010_osce_baku": ("OSCE Baku Office", "international"),
    "funding_2010_iom": ("International Organization for Migration", "international"),
    "funding_2010_osi": ("Open Society Institute Assistance Foundation", "international"),
    "funding_2010_ilo": ("International Labour Organization", "international"),
    "funding_2010_norway": ("Embassy of Norway", "international"),
}


def tidy_article_numbers(raw: pd.DataFrame, *, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check each number's reading against its print and tidy the table.

    Parameters
    ----------
    raw : DataFrame
        ``article_numbers.csv`` as text.
    file : str
        Its name, for messages.

    Returns
    -------
    numbers : DataFrame
        One row per number, sorted by ``id``, with ``value`` numeric, the
        printed ``decimals``, repaired ``context``, and ``status = "reported"``.
    checks : DataFrame
        One row per number: printed form, readings, transcribed value and the
        result (``agrees`` or ``ambiguous print; reading chosen``).

    Raises
    ------
    InputError
        If a transcribed value is not a reading of its printed form.
    """
    problems: list[Problem] = []
    values: list[int | float] = []
    decimals: list[int] = []
    checks: list[dict[str, Any]] = []
    for offset, row in enumerate(raw.itertuples(index=False)):
        line = offset + 2
        try:
            parsed = parse_printed_number(row.value_as_printed, row.scale, phrases=RANK_PHRASES)
            value = Decimal(row.value)
        except (ValueError, ArithmeticError) as exc:
            problems.append(Problem(file, line, "value_as_printed", "printed-number", str(exc)))
            continue
        if value not in parsed.readings:
            problems.append(
                Problem(
                    file,
                    line,
                    "value",
                    "value is a reading of value_as_printed x scale",
                    f"value {row.value} is not a reading of {row.value_as_printed!r} "
                    f"{row.scale} (readings: {', '.join(map(str, parsed.readings))})",
                )
            )
            continue
        values.append(number_value(value))
        decimals.append(parsed.decimals if not parsed.ambiguous else 0)
        checks.append(
            {
                "id": row.id,
                "value_as_printed": row.value_as_printed,
                "scale": row.scale,
                "readings": " | ".join(str(number_value(r)) for r in parsed.readings),
                "value": number_value(value),
                "result": "ambiguous print; reading chosen" if parsed.ambiguous else "agrees",
            }
        )
    if problems:
        raise InputError(problems)
    numbers = raw.copy()
    numbers["value"] = pd.Series(values, dtype=object)
    numbers["decimals"] = decimals
    numbers["text_line"] = numbers["text_line"].astype(int)
    numbers["context"] = numbers["context"].map(repair_text)
    numbers["note"] = numbers["note"].map(repair_text)
    numbers["status"] = "reported"
    order = [
        "id",
        "value_as_printed",
        "decimals",
        "scale",
        "qualifier",
        "value",
        "unit",
        "currency",
        "period",
        "kind",
        "status",
        "section",
        "text_line",
        "context",
        "reference",
        "note",
    ]
    return (
        numbers[order].sort_values("id", kind="stable").reset_index(drop=True),
        pd.DataFrame(checks).sort_values("id", kind="stable").reset_index(drop=True),
    )


def check_survey_citations(options: pd.DataFrame, numbers: pd.DataFrame, *, file: str) -> None:
    """Check each reported survey percentage against the article number it cites.

    Parameters
    ----------
    options : DataFrame
        The codebook's ``options.csv`` as text.
    numbers : DataFrame
        Tidy article numbers (:func:`tidy_article_numbers`).
    file : str
        Name of ``options.csv``, for messages.

    Raises
    ------
    InputError
        If a reported percentage cites no number or an unknown one, a number is
        cited without a percentage, or the two prints differ.
    """
    problems: list[Problem] = []
    printed_by_id = dict(zip(numbers["id"], numbers["value_as_printed"], strict=True))
    for line, row in enumerate(options.itertuples(index=False), start=2):
        printed, cited = row.reported_percent, row.number_id
        if bool(printed) != bool(cited):
            problems.append(
                Problem(
                    file,
                    line,
                    "number_id",
                    "a reported percent cites its number",
                    "reported_percent and number_id must be both given or both empty",
                )
            )
        elif cited and cited not in printed_by_id:
            problems.append(
                Problem(
                    file,
                    line,
                    "number_id",
                    "cites a row of article_numbers.csv",
                    f"unknown number {cited!r}",
                )
            )
        elif cited and printed_by_id[cited] != printed:
            problems.append(
                Problem(
                    file,
                    line,
                    "reported_percent",
                    "agrees with article_numbers.csv",
                    f"{printed!r} here but {printed_by_id[cited]!r} "
                    f"in article_numbers.csv row {cited!r}",
                )
            )
    if problems:
        raise InputError(problems)


def article_claims(raw: pd.DataFrame) -> pd.DataFrame:
    """Tidy the article's hypotheses and claims: repaired text, integer lines.

    Parameters
    ----------
    raw : DataFrame
        ``article_claims.csv`` as text.

    Returns
    -------
    DataFrame
        Same columns, sorted by ``id``, statements and contexts without
        extraction artefacts or line breaks.
    """
    claims = raw.copy()
    for column in ("statement", "verdict_context"):
        claims[column] = claims[column].map(repair_text)
    for column in ("text_line", "verdict_text_line"):
        claims[column] = claims[column].astype(int)
    return claims.sort_values("id", kind="stable").reset_index(drop=True)


def case_statistics(numbers: pd.DataFrame) -> pd.DataFrame:
    """Official case statistics for 2006-2012, one row per indicator.

    Parameters
    ----------
    numbers : DataFrame
        Tidy article numbers.

    Returns
    -------
    DataFrame
        ``indicator, period_start, period_end, value, unit, value_as_printed,
        reference`` for the rows of kind ``official_statistic``, sorted by indicator.
    """
    rows = numbers[numbers["kind"] == "official_statistic"].copy()
    bounds = rows["period"].str.split("-", n=1, expand=True)
    out = pd.DataFrame(
        {
            "indicator": rows["id"],
            "period_start": bounds[0].astype(int),
            "period_end": bounds[1].astype(int),
            "value": rows["value"].astype(int),
            "unit": rows["unit"],
            "value_as_printed": rows["value_as_printed"],
            "reference": rows["reference"],
        }
    )
    return out.sort_values("indicator", kind="stable").reset_index(drop=True)


def funding_2010(numbers: pd.DataFrame) -> pd.DataFrame:
    """Tabulate the 2010 contributions by donor, each in the currency the article gives.

    Parameters
    ----------
    numbers : DataFrame
        Tidy article numbers.

    Returns
    -------
    DataFrame
        ``id, donor, donor_type, amount, currency, amount_as_printed`` sorted
        by ``id``; ``donor_type`` (domestic or international) is our
        classification (:data:`FUNDING_SOURCES`).

    Raises
    ------
    KeyError
        If a 2010 funding row has no entry in :data:`FUNDING_SOURCES`.
    """
    rows = numbers[(numbers["kind"] == "funding") & (numbers["period"] == str(FUNDING_YEAR))]
    unknown = sorted(set(rows["id"]) - set(FUNDING_SOURCES))
    if unknown:
        raise KeyError(f"no donor classification for {unknown}; add them to FUNDING_SOURCES")
    out = pd.DataFrame(
        {
            "id": rows["id"],
            "donor": rows["id"].map(lambda i: FUNDING_SOURCES[i][0]),
            "donor_type": rows["id"].map(lambda i: FUNDING_SOURCES[i][1]),
            "amount": rows["value"].astype(int),
            "currency": rows["currency"],
            "amount_as_printed": rows["value_as_printed"],
        }
    )
    return out.sort_values("id", kind="stable").reset_index(drop=True)


def exchange_rates(raw: pd.DataFrame) -> pd.DataFrame:
    """Type and sort the sourced exchange-rate observations.

    Parameters
    ----------
    raw : DataFrame
        ``external/exchange_rates.csv`` as text.

    Returns
    -------
    DataFrame
        Same columns, ``azn_per_usd`` numeric, sorted by period and kind.
    """
    rates = raw.copy()
    rates["azn_per_usd"] = rates["azn_per_usd"].astype(float)
    return rates.sort_values(["period_start", "period_end", "kind"], kind="stable").reset_index(
        drop=True
    )


def tip_reports(raw: pd.DataFrame) -> pd.DataFrame:
    """Type and sort the TIP report figures (one row per number in one edition).

    Parameters
    ----------
    raw : DataFrame
        ``external/tip_azerbaijan.csv`` as text.

    Returns
    -------
    DataFrame
        Same columns; editions and years as integers, values as numbers;
        sorted by indicator, unit, year, edition.
    """
    tip = raw.copy()
    for column in ("report_edition", "reference_year"):
        tip[column] = tip[column].astype(int)
    tip["value"] = tip["value"].astype(float)
    return tip.sort_values(
        ["indicator", "unit", "reference_year", "report_edition", "stated_as"], kind="stable"
    ).reset_index(drop=True)


def remaining_artefacts(tables: dict[str, pd.DataFrame]) -> list[str]:
    """List ``table.column`` cells that still contain U+FFFD.

    Parameters
    ----------
    tables : dict
        Name to table.

    Returns
    -------
    list of str
        ``"name.column"`` for each column with an artefact; empty when clean.
    """
    found = []
    for name, frame in tables.items():
        for column in frame.columns:
            cells = frame[column].astype(str)
            if cells.str.contains(REPLACEMENT_CHAR, regex=False).any():
                found.append(f"{name}.{column}")
    return found

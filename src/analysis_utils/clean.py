"""Pure transforms from the raw tables (all text) to tidy processed tables.

Nothing here reads or writes files. Every function takes DataFrames of raw
text, as :func:`analysis_utils.io.read_raw_csv` returns them, and returns new
DataFrames; problems are raised as :class:`~analysis_utils.errors.InputError`
naming the raw file, row, column and rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis_utils.errors import InputError, Problem

REPLACEMENT_CHAR = "\ufffd"

#: Number words the article prints instead of digits.
NUMBER_WORDS: dict[str, Decimal] = {"one": Decimal(1), "second": Decimal(2), "two fold": Decimal(2)}

#: Word multipliers printed after a number.
SCALES: dict[str, Decimal] = {
    "": Decimal(1),
    "thousand": Decimal(1_000),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
}

#: The year of the article's funding-by-donor list.
FUNDING_YEAR = 2010

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

_GROUPED = re.compile(r"\d{1,3}(?:[ ,]\d{3})+")
_PLAIN = re.compile(r"\d+")
_DECIMAL = re.compile(r"\d+\.(\d+)")


def repair_text(text: str) -> str:
    r"""Replace the PDF-extraction artefact U+FFFD by what the print shows.

    The extraction turned soft hyphens and narrow spaces into U+FFFD. Rules,
    applied in order:

    1. at the end of a line it is a soft hyphen: the word continues on the next
       line, ``"reha\ufffd\nbilitation"`` -> ``"rehabilitation"``;
    2. before ``%`` it stood for a narrow space: ``"(in\ufffd%)"`` -> ``"(in %)"``;
    3. between two letters it is a printed hyphen: ``"re\ufffdvictimization"``
       -> ``"re-victimization"``;
    4. anywhere else it is dropped.

    Any remaining line break becomes a single space.

    Parameters
    ----------
    text : str
        Text as extracted.

    Returns
    -------
    str
        Text without U+FFFD.
    """
    text = re.sub(f"{REPLACEMENT_CHAR}[ \t]*\r?\n[ \t]*", "", text)
    text = re.sub(f"{REPLACEMENT_CHAR}(?=%)", " ", text)
    text = re.sub(f"(?<=[^\\W\\d_]){REPLACEMENT_CHAR}(?=[^\\W\\d_])", "-", text)
    text = text.replace(REPLACEMENT_CHAR, "")
    return re.sub(r"[ \t]*\r?\n[ \t]*", " ", text)


@dataclass(frozen=True)
class PrintedNumber:
    """How a printed number can be read.

    Attributes
    ----------
    readings : tuple of Decimal
        Every value the print allows (two when a period may be a decimal mark
        or a thousands separator, as in ``"30.400"``).
    decimals : int
        Digits printed after a decimal mark (``"44"`` -> 0, ``"44.0"`` -> 1).
    """

    readings: tuple[Decimal, ...]
    decimals: int

    @property
    def ambiguous(self) -> bool:
        """Whether the print allows more than one value."""
        return len(self.readings) > 1


def parse_printed_number(printed: str, scale: str = "") -> PrintedNumber:
    """Read a number as the article prints it.

    Parameters
    ----------
    printed : str
        E.g. ``"52,000"``, ``"87 000"``, ``"20.9"``, ``"30.400"``, ``"two fold"``.
    scale : str
        Word printed after it: ``""``, ``"thousand"``, ``"million"`` or ``"billion"``.

    Returns
    -------
    PrintedNumber

    Raises
    ------
    ValueError
        If ``printed`` is not a number in a form the article uses, or the
        scale word is unknown.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale word {scale!r}; expected one of {sorted(SCALES)}")
    factor = SCALES[scale]
    text = printed.strip()
    if text in NUMBER_WORDS:
        return PrintedNumber((NUMBER_WORDS[text] * factor,), 0)
    if _GROUPED.fullmatch(text) or _PLAIN.fullmatch(text):
        return PrintedNumber((Decimal(re.sub("[ ,]", "", text)) * factor,), 0)
    match = _DECIMAL.fullmatch(text)
    if match:
        decimal = Decimal(text) * factor
        if len(match.group(1)) == 3 and not scale:
            grouped = Decimal(text.replace(".", "")) * factor
            return PrintedNumber((decimal, grouped), 3)
        return PrintedNumber((decimal,), len(match.group(1)))
    raise ValueError(f"{printed!r} is not a number as the article prints numbers")


def _number(value: Decimal) -> int | float:
    """Plain Python number: int when integral."""
    return int(value) if value == value.to_integral_value() else float(value)


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
            parsed = parse_printed_number(row.value_as_printed, row.scale)
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
        values.append(_number(value))
        decimals.append(parsed.decimals if not parsed.ambiguous else 0)
        checks.append(
            {
                "id": row.id,
                "value_as_printed": row.value_as_printed,
                "scale": row.scale,
                "readings": " | ".join(str(_number(r)) for r in parsed.readings),
                "value": _number(value),
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


def survey_items(
    questions: pd.DataFrame,
    options: pd.DataFrame,
    numbers: pd.DataFrame,
    *,
    files: tuple[str, str],
) -> pd.DataFrame:
    """Join the survey codebook into one long table: one row per answer option.

    Parameters
    ----------
    questions, options : DataFrame
        ``survey/questions.csv`` and ``survey/options.csv`` as text.
    numbers : DataFrame
        Tidy article numbers (:func:`tidy_article_numbers`).
    files : tuple of str
        Names of the questions and options files, for messages.

    Returns
    -------
    DataFrame
        Columns ``question_id, question_position, question_source, question_text,
        choice, stated_n, option_position, option_code, option_label,
        labelled_in_article, reported_percent_as_printed, reported_percent,
        decimals, status, number_id``; sorted by question then option position.
        ``status`` is ``reported`` where the article states the percentage,
        ``unreported`` where it does not (the percentage is then missing).

    Raises
    ------
    InputError
        If a reported percentage disagrees with the article-numbers row it
        cites, a question has no options, or a single-choice question's
        reported percentages sum to more than rounding allows.
    """
    q_file, o_file = files
    problems: list[Problem] = []
    by_id = numbers.set_index("id")
    known = set(questions["question_id"])
    for offset, row in enumerate(options.itertuples(index=False)):
        line = offset + 2
        if row.question_id not in known:
            problems.append(
                Problem(
                    o_file,
                    line,
                    "question_id",
                    "question in questions.csv",
                    f"unknown question {row.question_id!r}",
                )
            )
        printed, cited = row.reported_percent, row.number_id
        if bool(printed) != bool(cited):
            problems.append(
                Problem(
                    o_file,
                    line,
                    "number_id",
                    "a reported percent cites its number",
                    "reported_percent and number_id must be both given or both empty",
                )
            )
        elif cited and cited in by_id.index and by_id.loc[cited, "value_as_printed"] != printed:
            problems.append(
                Problem(
                    o_file,
                    line,
                    "reported_percent",
                    "agrees with article_numbers.csv",
                    f"{printed!r} here but {by_id.loc[cited, 'value_as_printed']!r} "
                    f"in article_numbers.csv row {cited!r}",
                )
            )
    for offset, row in enumerate(questions.itertuples(index=False)):
        mine = options[options["question_id"] == row.question_id]
        if mine.empty:
            problems.append(
                Problem(
                    q_file,
                    offset + 2,
                    "question_id",
                    "each question has options",
                    f"question {row.question_id!r} has no options in {o_file}",
                )
            )
            continue
        stated = [Decimal(p) for p in mine["reported_percent"] if p]
        slack = Decimal("0.5") * len(stated)
        if row.choice == "single" and sum(stated) > 100 + slack:
            problems.append(
                Problem(
                    o_file,
                    int(mine.index[0]) + 2,
                    "reported_percent",
                    "single-choice percentages sum to at most 100 + rounding",
                    f"question {row.question_id!r}: reported percentages sum to {sum(stated)}",
                )
            )
    if problems:
        raise InputError(problems)

    items = options.copy()
    items["option_position"] = items.groupby("question_id", sort=False).cumcount() + 1
    items = items.merge(
        questions.rename(
            columns={
                "position": "question_position",
                "source": "question_source",
                "note": "question_note",
            }
        ),
        on="question_id",
        how="left",
        validate="many_to_one",
    )
    items["question_position"] = items["question_position"].astype(int)
    items["question_text"] = items["question_text"].map(repair_text)
    items["option_label"] = items["option_label"].map(repair_text)
    items["stated_n"] = items["stated_n"].map(lambda s: int(s) if s else pd.NA).astype("Int64")
    items["labelled_in_article"] = items["labelled_in_article"].map({"true": True, "false": False})
    items["reported_percent_as_printed"] = items["reported_percent"]
    items["reported_percent"] = items["reported_percent"].map(
        lambda s: _number(Decimal(s)) if s else None
    )
    items["decimals"] = (
        items["reported_percent_as_printed"]
        .map(lambda s: parse_printed_number(s).decimals if s else pd.NA)
        .astype("Int64")
    )
    items["status"] = items["reported_percent_as_printed"].map(
        lambda s: "reported" if s else "unreported"
    )
    order = [
        "question_id",
        "question_position",
        "question_source",
        "question_text",
        "choice",
        "stated_n",
        "option_position",
        "option_code",
        "option_label",
        "labelled_in_article",
        "reported_percent_as_printed",
        "reported_percent",
        "decimals",
        "status",
        "number_id",
    ]
    return (
        items[order]
        .sort_values(["question_position", "option_position"], kind="stable")
        .reset_index(drop=True)
    )


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

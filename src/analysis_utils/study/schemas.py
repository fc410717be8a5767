"""Table Schemas of the study's processed tables, and the processed folder's data package.

``01_clean_raw_data`` validates each table against its schema before writing
it, and writes ``data/processed/datapackage.json`` from :func:`processed_package`
so the processed folder describes itself. The raw data's rules that no Table
Schema states are :data:`RAW_ROW_RULES`. ``survey_items.csv`` keeps the survey
toolkit's schema (:data:`analysis_utils.survey.schemas.SURVEY_ITEMS`); here its
``number_id`` names the article's table it cites.
"""

from __future__ import annotations

from typing import Any

from analysis_utils.audit import schemas as audit_schemas
from analysis_utils.core.schemas import data_package, field, redescribed
from analysis_utils.survey import schemas as survey_schemas

ARTICLE_NUMBERS: dict[str, Any] = {
    "fields": [
        field("id", "string", "Stable identifier", required=True, unique=True),
        field("value_as_printed", "string", "The number exactly as printed", required=True),
        field(
            "decimals", "integer", "Digits printed after the decimal mark", required=True, minimum=0
        ),
        field("scale", "string", "Word multiplier printed after the number"),
        field("qualifier", "string", "Hedge printed with the number"),
        field(
            "value",
            "number",
            "Numeric reading (printed number times scale)",
            required=True,
            minimum=0,
        ),
        field("unit", "string", "Unit", required=True),
        field("currency", "string", "ISO 4217 code of a money amount", enum=["AZN", "USD"]),
        field("period", "string", "Period or rate the number refers to"),
        field("kind", "string", "What kind of figure it is", required=True),
        field("status", "string", "Provenance of the value", required=True, enum=["reported"]),
        field("section", "string", "Section of the article", required=True),
        field(
            "text_line",
            "integer",
            "Line in the article's text extraction",
            required=True,
            minimum=1,
        ),
        field("context", "string", "Words around the number (artefacts repaired)", required=True),
        field("reference", "string", "The article's citation"),
        field("note", "string", "Transcriber's note"),
    ],
    "primaryKey": ["id"],
}

#: ``survey_items.csv`` as the study describes it: its ``number_id`` cites ``article_numbers.csv``.
SURVEY_ITEMS: dict[str, Any] = redescribed(
    survey_schemas.SURVEY_ITEMS, number_id="Row of article_numbers.csv stating the percentage"
)

#: ``article_claims.csv``: the audit's table of a source's own claims, in the article's words.
ARTICLE_CLAIMS: dict[str, Any] = redescribed(
    audit_schemas.SOURCE_CLAIMS,
    id="H1-H3 hypotheses, D1-D4 descriptive claims",
    section="Section of the article",
    text_line="Line in the article's text extraction",
    article_verdict="The article's own verdict",
    verdict_section="Where the article gives its verdict",
)

CASE_STATISTICS: dict[str, Any] = {
    "fields": [
        field(
            "indicator",
            "string",
            "What was counted (article_numbers id)",
            required=True,
            unique=True,
        ),
        field("period_start", "integer", "First year covered", required=True),
        field("period_end", "integer", "Last year covered", required=True),
        field("value", "integer", "Count as reported", required=True, minimum=0),
        field("unit", "string", "cases, persons or groups", required=True),
        field("value_as_printed", "string", "Count as printed", required=True),
        field("reference", "string", "The article's citation"),
    ],
    "primaryKey": ["indicator"],
}

FUNDING_2010: dict[str, Any] = {
    "fields": [
        field("id", "string", "article_numbers id", required=True, unique=True),
        field("donor", "string", "Contributor as the article names it", required=True),
        field(
            "donor_type",
            "string",
            "domestic (Azerbaijani state body) or international (our classification)",
            required=True,
            enum=["domestic", "international"],
        ),
        field("amount", "integer", "Amount in its own currency", required=True, minimum=0),
        field(
            "currency", "string", "Currency the article gives", required=True, enum=["AZN", "USD"]
        ),
        field("amount_as_printed", "string", "Amount as printed", required=True),
    ],
    "primaryKey": ["id"],
}

EXCHANGE_RATES: dict[str, Any] = {
    "fields": [
        field("period_start", "date", "First day the rate covers", required=True),
        field("period_end", "date", "Last day the rate covers", required=True),
        field("kind", "string", "Weekly or annual official average", required=True),
        field("azn_per_usd", "number", "Manat per US dollar (external)", required=True, minimum=0),
        field("source_url", "string", "Where the rate was read", required=True),
        field("note", "string", "Context"),
    ],
    "primaryKey": ["period_start", "period_end", "kind"],
}

TIP_REPORTS: dict[str, Any] = {
    "fields": [
        field("report_edition", "integer", "TIP Report edition (year released)", required=True),
        field("reference_year", "integer", "Year the figure refers to", required=True),
        field("indicator", "string", "What was counted (see the dictionary)", required=True),
        field("value", "number", "The figure as printed (external)", required=True, minimum=0),
        field(
            "unit",
            "string",
            "persons, cases, AZN or USD",
            required=True,
            enum=["persons", "cases", "AZN", "USD"],
        ),
        field(
            "stated_as",
            "string",
            "current or prior_year_in_brackets",
            required=True,
            enum=["current", "prior_year_in_brackets"],
        ),
        field("source_url", "string", "Where the figure was read", required=True),
        field("note", "string", "Context"),
    ],
    "primaryKey": ["report_edition", "reference_year", "indicator", "unit", "stated_as"],
}

#: Processed file name -> (schema, description).
PROCESSED: dict[str, tuple[dict[str, Any], str]] = {
    "article_numbers.csv": (ARTICLE_NUMBERS, "Every number the article states, tidy"),
    "survey_items.csv": (SURVEY_ITEMS, "Survey codebook in long form, one row per answer option"),
    "article_claims.csv": (ARTICLE_CLAIMS, "The article's hypotheses and claims with its verdicts"),
    "case_statistics.csv": (CASE_STATISTICS, "Official trafficking case statistics, 2006-2012"),
    "funding_2010.csv": (FUNDING_2010, "2010 anti-trafficking funding by donor, own currency"),
    "exchange_rates.csv": (EXCHANGE_RATES, "Official AZN per USD rates (external, sourced)"),
    "tip_azerbaijan.csv": (TIP_REPORTS, "US TIP report figures for Azerbaijan (external)"),
}


#: Row rules beyond the raw data's Table Schemas (``data/raw/datapackage.json``),
#: checked by :func:`analysis_utils.core.validate.validate_package`: resource name
#: -> (column, Frictionless row formula, rule text).
RAW_ROW_RULES: dict[str, list[tuple[str, str, str]]] = {
    "article_numbers": [
        ("value", "unit != 'percent' or value <= 100", "a percentage is at most 100"),
    ],
    # kept as printed text (44 and 44.0 differ), so a Table Schema maximum cannot state it
    "survey_options": [
        (
            "reported_percent",
            "not reported_percent or float(reported_percent) <= 100",
            "a percentage is at most 100",
        ),
    ],
}


def processed_package() -> dict[str, Any]:
    """Frictionless data-package descriptor of ``data/processed/``.

    Returns
    -------
    dict
        Descriptor listing every processed table with its schema.
    """
    return data_package(
        PROCESSED,
        name="nazarova-2014-reproduction-processed",
        title="Processed tables of the reproduction of Nazarova (2014)",
        description="Written from data/raw by notebooks/00_clean_survey.ipynb "
        "(survey_items.csv) and notebooks/01_clean_raw_data.ipynb (the others); do not edit.",
    )

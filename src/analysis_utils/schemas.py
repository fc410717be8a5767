"""Table Schemas of the processed tables (Frictionless descriptors).

The cleaning notebook validates each table against its schema before writing
it, and writes ``data/processed/datapackage.json`` from :func:`processed_package`
so the processed folder describes itself.
"""

from __future__ import annotations

from typing import Any

_REQ = {"required": True}


def _field(name: str, kind: str, description: str, **constraints: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if constraints:
        field["constraints"] = constraints
    return field


ARTICLE_NUMBERS: dict[str, Any] = {
    "fields": [
        _field("id", "string", "Stable identifier", required=True, unique=True),
        _field("value_as_printed", "string", "The number exactly as printed", required=True),
        _field(
            "decimals", "integer", "Digits printed after the decimal mark", required=True, minimum=0
        ),
        _field("scale", "string", "Word multiplier printed after the number"),
        _field("qualifier", "string", "Hedge printed with the number"),
        _field(
            "value",
            "number",
            "Numeric reading (printed number times scale)",
            required=True,
            minimum=0,
        ),
        _field("unit", "string", "Unit", required=True),
        _field("currency", "string", "ISO 4217 code of a money amount", enum=["AZN", "USD"]),
        _field("period", "string", "Period or rate the number refers to"),
        _field("kind", "string", "What kind of figure it is", required=True),
        _field("status", "string", "Provenance of the value", required=True, enum=["reported"]),
        _field("section", "string", "Section of the article", required=True),
        _field(
            "text_line",
            "integer",
            "Line in the article's text extraction",
            required=True,
            minimum=1,
        ),
        _field("context", "string", "Words around the number (artefacts repaired)", required=True),
        _field("reference", "string", "The article's citation"),
        _field("note", "string", "Transcriber's note"),
    ],
    "primaryKey": ["id"],
}

SURVEY_ITEMS: dict[str, Any] = {
    "fields": [
        _field("question_id", "string", "Question identifier", required=True),
        _field("question_position", "integer", "Order of the question", required=True, minimum=1),
        _field("question_source", "string", "Section or figure of the article", required=True),
        _field("question_text", "string", "Question wording (artefacts repaired)", required=True),
        _field(
            "choice",
            "string",
            "single, multiple or not stated",
            required=True,
            enum=["single", "multiple", "not stated"],
        ),
        _field("stated_n", "integer", "Sample size the article states", minimum=1),
        _field("option_position", "integer", "Order of the option", required=True, minimum=1),
        _field("option_code", "string", "Option identifier", required=True),
        _field("option_label", "string", "Option label (artefacts repaired)", required=True),
        _field(
            "labelled_in_article", "boolean", "Whether the article names the option", required=True
        ),
        _field(
            "reported_percent_as_printed", "string", "Percentage as printed; empty if unreported"
        ),
        _field(
            "reported_percent",
            "number",
            "Reported percentage; empty if unreported",
            minimum=0,
            maximum=100,
        ),
        _field("decimals", "integer", "Digits printed after the decimal mark", minimum=0),
        _field(
            "status",
            "string",
            "reported or unreported",
            required=True,
            enum=["reported", "unreported"],
        ),
        _field("number_id", "string", "Row of article_numbers.csv stating the percentage"),
    ],
    "primaryKey": ["question_id", "option_code"],
}

ARTICLE_CLAIMS: dict[str, Any] = {
    "fields": [
        _field(
            "id", "string", "H1-H3 hypotheses, D1-D4 descriptive claims", required=True, unique=True
        ),
        _field(
            "kind",
            "string",
            "hypothesis or descriptive",
            required=True,
            enum=["hypothesis", "descriptive"],
        ),
        _field("statement", "string", "As printed (artefacts repaired)", required=True),
        _field("section", "string", "Section of the article", required=True),
        _field("text_line", "integer", "Line in the article's text extraction", required=True),
        _field(
            "article_verdict",
            "string",
            "The article's own verdict",
            required=True,
            enum=["proved", "stated"],
        ),
        _field("verdict_section", "string", "Where the article gives its verdict", required=True),
        _field("verdict_text_line", "integer", "Line of the verdict", required=True),
        _field(
            "verdict_context", "string", "Words of the verdict (artefacts repaired)", required=True
        ),
    ],
    "primaryKey": ["id"],
}

CASE_STATISTICS: dict[str, Any] = {
    "fields": [
        _field(
            "indicator",
            "string",
            "What was counted (article_numbers id)",
            required=True,
            unique=True,
        ),
        _field("period_start", "integer", "First year covered", required=True),
        _field("period_end", "integer", "Last year covered", required=True),
        _field("value", "integer", "Count as reported", required=True, minimum=0),
        _field("unit", "string", "cases, persons or groups", required=True),
        _field("value_as_printed", "string", "Count as printed", required=True),
        _field("reference", "string", "The article's citation"),
    ],
    "primaryKey": ["indicator"],
}

FUNDING_2010: dict[str, Any] = {
    "fields": [
        _field("id", "string", "article_numbers id", required=True, unique=True),
        _field("donor", "string", "Contributor as the article names it", required=True),
        _field(
            "donor_type",
            "string",
            "domestic (Azerbaijani state body) or international (our classification)",
            required=True,
            enum=["domestic", "international"],
        ),
        _field("amount", "integer", "Amount in its own currency", required=True, minimum=0),
        _field(
            "currency", "string", "Currency the article gives", required=True, enum=["AZN", "USD"]
        ),
        _field("amount_as_printed", "string", "Amount as printed", required=True),
    ],
    "primaryKey": ["id"],
}

#: Processed file name -> (schema, description).
PROCESSED: dict[str, tuple[dict[str, Any], str]] = {
    "article_numbers.csv": (ARTICLE_NUMBERS, "Every number the article states, tidy"),
    "survey_items.csv": (SURVEY_ITEMS, "Survey codebook in long form, one row per answer option"),
    "article_claims.csv": (ARTICLE_CLAIMS, "The article's hypotheses and claims with its verdicts"),
    "case_statistics.csv": (CASE_STATISTICS, "Official trafficking case statistics, 2006-2012"),
    "funding_2010.csv": (FUNDING_2010, "2010 anti-trafficking funding by donor, own currency"),
}


def processed_package() -> dict[str, Any]:
    """Frictionless data-package descriptor of ``data/processed/``.

    Returns
    -------
    dict
        Descriptor listing every processed table with its schema.
    """
    return {
        "name": "nazarova-2014-reproduction-processed",
        "title": "Processed tables of the reproduction of Nazarova (2014)",
        "description": "Written by notebooks/01_clean_raw_data.ipynb from data/raw; do not edit.",
        "resources": [
            {
                "name": name.removesuffix(".csv"),
                "path": name,
                "format": "csv",
                "encoding": "utf-8",
                "description": text,
                "schema": schema,
            }
            for name, (schema, text) in PROCESSED.items()
        ],
    }

"""Table Schemas of the processed tables (Frictionless descriptors).

The cleaning notebook validates each table against its schema before writing
it, and writes ``data/processed/datapackage.json`` from :func:`processed_package`
so the processed folder describes itself.
"""

from __future__ import annotations

from typing import Any


def field(name: str, kind: str, description: str, **constraints: Any) -> dict[str, Any]:
    """Describe one column as a Table Schema field.

    Parameters
    ----------
    name : str
    kind : str
        Table Schema type (``string``, ``integer``, ``number``, ``boolean``).
    description : str
    **constraints
        Table Schema constraints (``required``, ``unique``, ``enum``, ...).

    Returns
    -------
    dict
        The field descriptor.
    """
    described: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if constraints:
        described["constraints"] = constraints
    return described


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

SURVEY_ITEMS: dict[str, Any] = {
    "fields": [
        field("question_id", "string", "Question identifier", required=True),
        field("question_position", "integer", "Order of the question", required=True, minimum=1),
        field("question_source", "string", "Section, table or figure of the source"),
        field("question_text", "string", "Question wording (artefacts repaired)", required=True),
        field(
            "choice",
            "string",
            "single, multiple or not stated",
            required=True,
            enum=["single", "multiple", "not stated"],
        ),
        field(
            "stated_n",
            "integer",
            "Sample size the source states (recomputed: respondents in responses.csv)",
            minimum=1,
        ),
        field("option_position", "integer", "Order of the option", required=True, minimum=1),
        field("option_code", "string", "Option identifier", required=True),
        field("option_label", "string", "Option label (artefacts repaired)", required=True),
        field(
            "labelled_in_article", "boolean", "Whether the source names the option", required=True
        ),
        field(
            "reported_percent_as_printed", "string", "Percentage as printed; empty if unreported"
        ),
        field(
            "reported_percent",
            "number",
            "Reported percentage; empty if unreported",
            minimum=0,
            maximum=100,
        ),
        field("decimals", "integer", "Digits printed after the decimal mark", minimum=0),
        field(
            "count",
            "integer",
            "Respondents choosing the option, recomputed from respondent-level data; "
            "empty if only aggregates are given or the cell is suppressed",
            minimum=0,
        ),
        field(
            "status",
            "string",
            "reported (percentage as printed), unreported (missing), recomputed (count from "
            "respondent-level data) or suppressed (a count below the threshold, withheld)",
            required=True,
            enum=["reported", "unreported", "recomputed", "suppressed"],
        ),
        field("number_id", "string", "Row of article_numbers.csv stating the percentage"),
    ],
    "primaryKey": ["question_id", "option_code"],
}

ARTICLE_CLAIMS: dict[str, Any] = {
    "fields": [
        field(
            "id", "string", "H1-H3 hypotheses, D1-D4 descriptive claims", required=True, unique=True
        ),
        field(
            "kind",
            "string",
            "hypothesis or descriptive",
            required=True,
            enum=["hypothesis", "descriptive"],
        ),
        field("statement", "string", "As printed (artefacts repaired)", required=True),
        field("section", "string", "Section of the article", required=True),
        field("text_line", "integer", "Line in the article's text extraction", required=True),
        field(
            "article_verdict",
            "string",
            "The article's own verdict",
            required=True,
            enum=["proved", "stated"],
        ),
        field("verdict_section", "string", "Where the article gives its verdict", required=True),
        field("verdict_text_line", "integer", "Line of the verdict", required=True),
        field(
            "verdict_context", "string", "Words of the verdict (artefacts repaired)", required=True
        ),
    ],
    "primaryKey": ["id"],
}

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

GRANULARITY_AUDIT: dict[str, Any] = {
    "fields": [
        field("number_id", "string", "article_numbers id of the percentage", required=True),
        field("percent", "string", "Percentage as printed (reported)", required=True),
        field("n", "integer", "Candidate sample size", required=True, minimum=1),
        field(
            "consistent", "boolean", "Whether a count of n rounds to the percentage", required=True
        ),
        field("counts", "string", "The consistent counts (reconstructed)"),
    ],
    "primaryKey": ["number_id", "n"],
}

SUBGROUPS: dict[str, Any] = {
    "fields": [
        field("number_id", "string", "article_numbers id of the percentage", required=True),
        field("percent", "string", "Percentage as printed (reported)", required=True),
        field("n", "integer", "Sample size", required=True, minimum=1),
        field(
            "consistent_with_n",
            "boolean",
            "Whether the percentage is possible of n itself",
            required=True,
        ),
        field(
            "subgroup_size",
            "integer",
            "A denominator m <= n making it possible",
            required=True,
            minimum=1,
        ),
        field("matches", "string", "Reported options that can have exactly m respondents"),
    ],
    "primaryKey": ["number_id", "n", "subgroup_size"],
}

CLAIM_TESTS: dict[str, Any] = {
    "fields": [
        field("claim_id", "string", "Claim", required=True),
        field("n", "integer", "Candidate sample size", required=True, minimum=1),
        field("single_choice", "boolean", "Counts required to sum to n", required=True),
        field("reading", "string", "Question type used: stated, or assumed", required=True),
        field("rounding", "string", "Rounding rule of the percentages", required=True),
        field("reconstructions", "integer", "Consistent count vectors", required=True, minimum=0),
        field(
            "holds",
            "integer",
            "Reconstructions in which the claim holds (each vector weighted equally)",
            required=True,
        ),
        field("significant", "integer", "Reconstructions with p < alpha", required=True),
        field("alpha", "number", "Significance level", required=True),
        field("share_min", "number", "Smallest share of the option (reconstructed)"),
        field("share_max", "number", "Largest share of the option (reconstructed)"),
        field("confidence", "number", "Level of the intervals", required=True),
        field("cp_low_min", "number", "Lowest Clopper-Pearson lower bound"),
        field("cp_high_max", "number", "Highest Clopper-Pearson upper bound"),
        field("wilson_low_min", "number", "Lowest Wilson lower bound"),
        field("wilson_high_max", "number", "Highest Wilson upper bound"),
        field("pvalue_min", "number", "Smallest exact p-value"),
        field("pvalue_max", "number", "Largest exact p-value"),
        field("posterior_min", "number", "Smallest posterior P(largest share)"),
        field("posterior_max", "number", "Largest posterior P(largest share)"),
        field("posterior_se_max", "number", "Largest Monte Carlo standard error"),
        field(
            "posterior_marginal",
            "number",
            "Posterior P(largest share) over the reconstructions, each weighed by its "
            "prior predictive probability",
        ),
        field("test", "string", "What the p-value tests", required=True),
        field("posterior_method", "string", "How the posterior was computed", required=True),
        field(
            "listed",
            "boolean",
            "Whether every reconstruction is listed in claim_reconstructions.csv",
            required=True,
        ),
    ],
    "primaryKey": ["claim_id", "n", "reading"],
}

CLAIM_RECONSTRUCTIONS: dict[str, Any] = {
    "fields": [
        field("claim_id", "string", "Claim", required=True),
        field("n", "integer", "Sample size", required=True, minimum=1),
        field("reading", "string", "Question type used: stated, or assumed", required=True),
        field(
            "counts", "string", "Count per option, in codebook order (reconstructed)", required=True
        ),
        field("share", "number", "Share of the claim's option", required=True),
        field("ci_cp_low", "number", "Clopper-Pearson interval, lower bound"),
        field("ci_cp_high", "number", "Clopper-Pearson interval, upper bound"),
        field("ci_wilson_low", "number", "Wilson interval, lower bound"),
        field("ci_wilson_high", "number", "Wilson interval, upper bound"),
        field("holds", "boolean", "Whether the claim holds in this reconstruction", required=True),
        field("pvalue", "number", "Exact p-value"),
        field("posterior_largest", "number", "Posterior P(option has the largest share)"),
    ],
    "primaryKey": ["claim_id", "n", "reading", "counts"],
}

VERDICTS: dict[str, Any] = {
    "fields": [
        field("id", "string", "Claim", required=True, unique=True),
        field("kind", "string", "hypothesis or descriptive", required=True),
        field("article_statement", "string", "The article's words (reported)", required=True),
        field("article_verdict", "string", "The article's verdict (reported)", required=True),
        field("tested_claim", "string", "What is tested here", required=True),
        field("evidence", "string", "survey, respondents or external", required=True),
        field("period", "string", "When the evidence was collected or refers to"),
        field("assumptions", "string", "Assumptions the verdict rests on"),
        field("our_verdict", "string", "Our verdict", required=True),
        field("our_evidence", "string", "What our verdict rests on", required=True),
    ],
    "primaryKey": ["id"],
}

#: The columns of a row of the reproduction table (the checks add theirs).
REPORT_ROW_FIELDS: list[dict[str, Any]] = [
    field(
        "id",
        "string",
        "article_numbers id, figure value or derived check",
        required=True,
        unique=True,
    ),
    field("kind", "string", "Kind of number or check", required=True),
    field("location", "string", "Where in the article", required=True),
    field("value_as_printed", "string", "As printed (empty if unstated)"),
    field("recomputed", "string", "What was recomputed or checked"),
    field("status", "string", "Status (see analysis_utils.audit.checks.STATUSES)", required=True),
    field("reason", "string", "One-line reason", required=True),
]

REPRODUCTION_REPORT: dict[str, Any] = {
    "fields": [
        *REPORT_ROW_FIELDS,
        field(
            "checked_in",
            "string",
            "Derived and external checks that use this number (;-separated; empty if none)",
        ),
        field(
            "recomputed_by",
            "string",
            "The check that recomputes this number from the article's others (empty if none)",
        ),
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
        "description": "Written from data/raw by notebooks/00_clean_survey.ipynb "
        "(survey_items.csv) and notebooks/01_clean_raw_data.ipynb (the others); do not edit.",
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

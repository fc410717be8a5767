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

GRANULARITY_AUDIT: dict[str, Any] = {
    "fields": [
        _field("number_id", "string", "article_numbers id of the percentage", required=True),
        _field("percent", "string", "Percentage as printed (reported)", required=True),
        _field("n", "integer", "Candidate sample size", required=True, minimum=1),
        _field(
            "consistent", "boolean", "Whether a count of n rounds to the percentage", required=True
        ),
        _field("counts", "string", "The consistent counts (reconstructed)"),
    ],
    "primaryKey": ["number_id", "n"],
}

SUBGROUPS: dict[str, Any] = {
    "fields": [
        _field("number_id", "string", "article_numbers id of the percentage", required=True),
        _field("percent", "string", "Percentage as printed (reported)", required=True),
        _field("n", "integer", "Sample size", required=True, minimum=1),
        _field(
            "consistent_with_n",
            "boolean",
            "Whether the percentage is possible of n itself",
            required=True,
        ),
        _field(
            "subgroup_size",
            "integer",
            "A denominator m <= n making it possible",
            required=True,
            minimum=1,
        ),
        _field("matches", "string", "Reported options that can have exactly m respondents"),
    ],
    "primaryKey": ["number_id", "n", "subgroup_size"],
}

CLAIM_TESTS: dict[str, Any] = {
    "fields": [
        _field("claim_id", "string", "Claim", required=True),
        _field("n", "integer", "Candidate sample size", required=True, minimum=1),
        _field("single_choice", "boolean", "Counts required to sum to n", required=True),
        _field("reconstructions", "integer", "Consistent count vectors", required=True, minimum=0),
        _field("holds", "integer", "Reconstructions in which the claim holds", required=True),
        _field("significant", "integer", "Reconstructions with p < alpha", required=True),
        _field("alpha", "number", "Significance level", required=True),
        _field("share_min", "number", "Smallest share of the option (reconstructed)"),
        _field("share_max", "number", "Largest share of the option (reconstructed)"),
        _field("confidence", "number", "Level of the intervals", required=True),
        _field("cp_low_min", "number", "Lowest Clopper-Pearson lower bound"),
        _field("cp_high_max", "number", "Highest Clopper-Pearson upper bound"),
        _field("wilson_low_min", "number", "Lowest Wilson lower bound"),
        _field("wilson_high_max", "number", "Highest Wilson upper bound"),
        _field("pvalue_min", "number", "Smallest exact p-value"),
        _field("pvalue_max", "number", "Largest exact p-value"),
        _field("posterior_min", "number", "Smallest posterior P(largest share)"),
        _field("posterior_max", "number", "Largest posterior P(largest share)"),
        _field("posterior_se_max", "number", "Largest Monte Carlo standard error"),
        _field("test", "string", "What the p-value tests", required=True),
        _field("posterior_method", "string", "How the posterior was computed", required=True),
    ],
    "primaryKey": ["claim_id", "n"],
}

CLAIM_RECONSTRUCTIONS: dict[str, Any] = {
    "fields": [
        _field("claim_id", "string", "Claim", required=True),
        _field("n", "integer", "Sample size", required=True, minimum=1),
        _field(
            "counts", "string", "Count per option, in codebook order (reconstructed)", required=True
        ),
        _field("share", "number", "Share of the claim's option", required=True),
        _field("ci_cp_low", "number", "Clopper-Pearson interval, lower bound"),
        _field("ci_cp_high", "number", "Clopper-Pearson interval, upper bound"),
        _field("ci_wilson_low", "number", "Wilson interval, lower bound"),
        _field("ci_wilson_high", "number", "Wilson interval, upper bound"),
        _field("holds", "boolean", "Whether the claim holds in this reconstruction", required=True),
        _field("pvalue", "number", "Exact p-value"),
        _field("posterior_largest", "number", "Posterior P(option has the largest share)"),
    ],
    "primaryKey": ["claim_id", "n", "counts"],
}

VERDICTS: dict[str, Any] = {
    "fields": [
        _field("id", "string", "Claim", required=True, unique=True),
        _field("kind", "string", "hypothesis or descriptive", required=True),
        _field("article_statement", "string", "The article's words (reported)", required=True),
        _field("article_verdict", "string", "The article's verdict (reported)", required=True),
        _field("tested_claim", "string", "What is tested here", required=True),
        _field("evidence", "string", "survey or external", required=True),
        _field("our_verdict", "string", "Our verdict", required=True),
        _field("our_evidence", "string", "What our verdict rests on", required=True),
    ],
    "primaryKey": ["id"],
}

REPRODUCTION_REPORT: dict[str, Any] = {
    "fields": [
        _field(
            "id",
            "string",
            "article_numbers id, figure value or derived check",
            required=True,
            unique=True,
        ),
        _field("kind", "string", "Kind of number or check", required=True),
        _field("location", "string", "Where in the article", required=True),
        _field("value_as_printed", "string", "As printed (empty if unstated)"),
        _field("recomputed", "string", "What was recomputed or checked"),
        _field("status", "string", "Status (see analysis_utils.report.STATUSES)", required=True),
        _field("reason", "string", "One-line reason", required=True),
    ],
    "primaryKey": ["id"],
}

EXTERNAL_VERDICTS: dict[str, Any] = {
    "fields": [
        _field("id", "string", "Claim", required=True, unique=True),
        _field("evidence", "string", "External evidence used", required=True),
        _field("our_verdict", "string", "Our verdict", required=True),
        _field("our_evidence", "string", "What the verdict rests on", required=True),
    ],
    "primaryKey": ["id"],
}

EXTERNAL_CHECKS: dict[str, Any] = {
    "fields": [
        *REPRODUCTION_REPORT["fields"],
        _field("article_ids", "string", "Article numbers the check concerns (;-separated)"),
    ],
    "primaryKey": ["id"],
}

SHARES: dict[str, Any] = {
    "fields": [
        _field("claim_id", "string", "Claim the share tests", required=True),
        _field("year", "string", "Year, or pooled", required=True),
        _field("part", "integer", "Victims in the part (external)", required=True),
        _field("total", "integer", "Victims identified (external)", required=True),
        _field("share", "number", "Share (derived)", required=True),
        _field("cp_low", "number", "Clopper-Pearson lower bound", required=True),
        _field("cp_high", "number", "Clopper-Pearson upper bound", required=True),
        _field("wilson_low", "number", "Wilson lower bound", required=True),
        _field("wilson_high", "number", "Wilson upper bound", required=True),
        _field(
            "pvalue_majority", "number", "Exact one-sided binomial p of share > 1/2", required=True
        ),
    ],
    "primaryKey": ["claim_id", "year"],
}

TIP_BY_YEAR: dict[str, Any] = {
    "fields": [
        _field("reference_year", "integer", "Year", required=True),
        _field("indicator", "string", "What was counted", required=True),
        _field("unit", "string", "Unit", required=True),
        _field("value", "number", "Figure (external)", required=True),
        _field("report_edition", "integer", "Edition the figure is taken from", required=True),
        _field("stated_as", "string", "current or prior_year_in_brackets", required=True),
        _field("source_url", "string", "Where the figure was read", required=True),
    ],
    "primaryKey": ["reference_year", "indicator", "unit"],
}

TIP_EDITION_CHECKS: dict[str, Any] = {
    "fields": [
        _field("reference_year", "integer", "Year", required=True),
        _field("indicator", "string", "What was counted", required=True),
        _field("unit", "string", "Unit", required=True),
        _field("later_edition", "integer", "Edition quoting the prior-year figure", required=True),
        _field("later_value", "number", "Its figure", required=True),
        _field("earlier_edition", "integer", "Edition giving the figure as its own"),
        _field("earlier_value", "number", "That edition's figure"),
        _field(
            "result",
            "string",
            "agrees, differs or no earlier figure",
            required=True,
            enum=["agrees", "differs", "no earlier figure"],
        ),
    ],
}

TIP_SUBTOTAL_CHECKS: dict[str, Any] = {
    "fields": [
        _field("report_edition", "integer", "Edition", required=True),
        _field("reference_year", "integer", "Year", required=True),
        _field("partition", "string", "by form or by sex", required=True),
        _field("parts_given", "string", "Indicators summed", required=True),
        _field("parts_sum", "number", "Their sum (derived)", required=True),
        _field("total", "number", "Total identified (external)", required=True),
        _field("result", "string", "agrees or differs", required=True, enum=["agrees", "differs"]),
    ],
}

TIP_IMPLIED_RATES: dict[str, Any] = {
    "fields": [
        _field("report_edition", "integer", "Edition", required=True),
        _field("reference_year", "integer", "Year", required=True),
        _field("indicator", "string", "Money figure", required=True),
        _field("azn", "number", "Manat amount (external)", required=True),
        _field("usd", "number", "Dollar amount printed beside it (external)", required=True),
        _field("azn_per_usd", "number", "Implied rate (derived)", required=True),
    ],
}

FUNDING_PER_VICTIM: dict[str, Any] = {
    "fields": [
        _field("year", "integer", "Year", required=True, unique=True),
        _field("funding_azn", "number", "Victim-protection funding, AZN (external)", required=True),
        _field("victims", "number", "Victims identified (external)", required=True),
        _field("azn_per_victim", "number", "Funding per victim (derived)", required=True),
    ],
}

#: Tables under reports/tables/ -> schema.
REPORT_TABLES: dict[str, dict[str, Any]] = {
    "granularity_audit.csv": GRANULARITY_AUDIT,
    "subgroups.csv": SUBGROUPS,
    "claim_tests.csv": CLAIM_TESTS,
    "claim_reconstructions.csv": CLAIM_RECONSTRUCTIONS,
    "verdicts.csv": VERDICTS,
}

EXCHANGE_RATES: dict[str, Any] = {
    "fields": [
        _field("period_start", "date", "First day the rate covers", required=True),
        _field("period_end", "date", "Last day the rate covers", required=True),
        _field("kind", "string", "Weekly or annual official average", required=True),
        _field("azn_per_usd", "number", "Manat per US dollar (external)", required=True, minimum=0),
        _field("source_url", "string", "Where the rate was read", required=True),
        _field("note", "string", "Context"),
    ],
    "primaryKey": ["period_start", "period_end", "kind"],
}

TIP_REPORTS: dict[str, Any] = {
    "fields": [
        _field("report_edition", "integer", "TIP Report edition (year released)", required=True),
        _field("reference_year", "integer", "Year the figure refers to", required=True),
        _field("indicator", "string", "What was counted (see the dictionary)", required=True),
        _field("value", "number", "The figure as printed (external)", required=True, minimum=0),
        _field(
            "unit",
            "string",
            "persons, cases, AZN or USD",
            required=True,
            enum=["persons", "cases", "AZN", "USD"],
        ),
        _field(
            "stated_as",
            "string",
            "current or prior_year_in_brackets",
            required=True,
            enum=["current", "prior_year_in_brackets"],
        ),
        _field("source_url", "string", "Where the figure was read", required=True),
        _field("note", "string", "Context"),
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

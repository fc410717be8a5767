"""Table Schemas of the external evidence's tables (``05_test_external_evidence``).

The TIP statements and the article's statements it reads, and the tables it writes:
the external verdicts and checks, the pooled shares, the TIP figures by year and
their edition, sub-total and implied-rate checks, funding per victim.
"""

from __future__ import annotations

from typing import Any

from analysis_utils.audit.schemas import REPORT_ROW_FIELDS
from analysis_utils.core.schemas import field

EXTERNAL_VERDICTS: dict[str, Any] = {
    "fields": [
        field("id", "string", "Claim", required=True, unique=True),
        field("evidence", "string", "External evidence used", required=True),
        field("period", "string", "Years the evidence refers to", required=True),
        field("assumptions", "string", "Assumptions the verdict rests on", required=True),
        field("our_verdict", "string", "Our verdict", required=True),
        field("our_evidence", "string", "What the verdict rests on", required=True),
    ],
    "primaryKey": ["id"],
}


TIP_STATEMENTS: dict[str, Any] = {
    "fields": [
        field("id", "string", "Statement", required=True, unique=True),
        field("report_edition", "integer", "TIP edition", required=True),
        field("reference_year", "integer", "Year the statement describes", required=True),
        field("topic", "string", "ngo_funding or forced_labour_identification", required=True),
        field("claim", "string", "Hypothesis it bears on", required=True),
        field("quote", "string", "The sentence, verbatim (external)", required=True),
        field("source_url", "string", "Where it was read", required=True),
        field("copy", "string", "Kind of copy", required=True),
        field("edition_printed", "boolean", "Whether the copy prints the edition", required=True),
        field("note", "string", "Context and caveats"),
    ],
    "primaryKey": ["id"],
}


ARTICLE_STATEMENTS: dict[str, Any] = {
    "fields": [
        field("id", "string", "Sentence", required=True, unique=True),
        field("claim", "string", "Claim it bears on", required=True),
        field("statement", "string", "The sentence, verbatim (reported)", required=True),
        field("section", "string", "Section of the article", required=True),
        field("text_line", "integer", "Line where it begins in the text extraction", required=True),
        field("note", "string", "What it says and does not say"),
    ],
    "primaryKey": ["id"],
}


EXTERNAL_CHECKS: dict[str, Any] = {
    "fields": [
        *REPORT_ROW_FIELDS,
        field("article_ids", "string", "Article numbers the check concerns (;-separated)"),
    ],
    "primaryKey": ["id"],
}


SHARES: dict[str, Any] = {
    "fields": [
        field("claim_id", "string", "Claim the share tests", required=True),
        field("year", "string", "Year, or pooled", required=True),
        field("part", "integer", "Victims in the part (external)", required=True),
        field("total", "integer", "Victims identified (external)", required=True),
        field("share", "number", "Share (derived)", required=True),
        field("cp_low", "number", "Clopper-Pearson lower bound (a year's row)"),
        field("cp_high", "number", "Clopper-Pearson upper bound (a year's row)"),
        field("wilson_low", "number", "Wilson lower bound (a year's row)"),
        field("wilson_high", "number", "Wilson upper bound (a year's row)"),
        field("pvalue_majority", "number", "Exact one-sided binomial p of share > 1/2 (a year)"),
        field("pooled_low", "number", "Pooled row: lower bound allowing for overdispersion"),
        field("pooled_high", "number", "Pooled row: upper bound allowing for overdispersion"),
    ],
    "primaryKey": ["claim_id", "year"],
}


TIP_BY_YEAR: dict[str, Any] = {
    "fields": [
        field("reference_year", "integer", "Year", required=True),
        field("indicator", "string", "What was counted", required=True),
        field("unit", "string", "Unit", required=True),
        field("value", "number", "Figure (external)", required=True),
        field("report_edition", "integer", "Edition the figure is taken from", required=True),
        field("stated_as", "string", "current or prior_year_in_brackets", required=True),
        field("source_url", "string", "Where the figure was read", required=True),
    ],
    "primaryKey": ["reference_year", "indicator", "unit"],
}


TIP_EDITION_CHECKS: dict[str, Any] = {
    "fields": [
        field("reference_year", "integer", "Year", required=True),
        field("indicator", "string", "What was counted", required=True),
        field("unit", "string", "Unit", required=True),
        field("later_edition", "integer", "Edition quoting the prior-year figure", required=True),
        field("later_value", "number", "Its figure", required=True),
        field("earlier_edition", "integer", "Edition giving the figure as its own"),
        field("earlier_value", "number", "That edition's figure"),
        field(
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
        field("report_edition", "integer", "Edition", required=True),
        field("reference_year", "integer", "Year", required=True),
        field("partition", "string", "by form or by sex", required=True),
        field("parts_given", "string", "Indicators summed", required=True),
        field("parts_sum", "number", "Their sum (derived)", required=True),
        field("total", "number", "Total identified (external)", required=True),
        field("result", "string", "agrees or differs", required=True, enum=["agrees", "differs"]),
    ],
}


TIP_IMPLIED_RATES: dict[str, Any] = {
    "fields": [
        field("report_edition", "integer", "Edition", required=True),
        field("reference_year", "integer", "Year", required=True),
        field("indicator", "string", "Money figure", required=True),
        field("azn", "number", "Manat amount (external)", required=True),
        field("usd", "number", "Dollar amount printed beside it (external)", required=True),
        field("azn_per_usd", "number", "Implied rate (derived)", required=True),
    ],
}


FUNDING_PER_VICTIM: dict[str, Any] = {
    "fields": [
        field("year", "integer", "Year", required=True, unique=True),
        field("funding_azn", "number", "Victim-protection funding, AZN (external)", required=True),
        field("victims", "number", "Victims identified (external)", required=True),
        field("azn_per_victim", "number", "Funding per victim (derived)", required=True),
    ],
}

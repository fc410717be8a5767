"""Table Schemas of the audit's tables: granularity, subgroups, claim tests, verdicts, report rows.

Written by ``02_audit_reported_percentages`` (``granularity_audit.csv``,
``subgroups.csv``), ``03_test_claims`` (``claim_tests.csv``,
``claim_reconstructions.csv``, ``verdicts.csv``; it reads the source's
own claims, :data:`SOURCE_CLAIMS`) and the report notebooks (a
report table's rows, :data:`REPRODUCTION_REPORT`), for any survey.
"""

from __future__ import annotations

from typing import Any

from analysis_utils.core.schemas import field

GRANULARITY_AUDIT: dict[str, Any] = {
    "fields": [
        field("number_id", "string", "The source's id of the percentage", required=True),
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
        field("number_id", "string", "The source's id of the percentage", required=True),
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

#: The source's own claims and its verdicts on them (the study's ``article_claims.csv``),
#: read by ``03_test_claims`` beside the claims registry when given.
SOURCE_CLAIMS: dict[str, Any] = {
    "fields": [
        field("id", "string", "Claim (an id of the claims registry)", required=True, unique=True),
        field(
            "kind",
            "string",
            "hypothesis or descriptive",
            required=True,
            enum=["hypothesis", "descriptive"],
        ),
        field("statement", "string", "As printed (artefacts repaired)", required=True),
        field("section", "string", "Section of the source", required=True),
        field("text_line", "integer", "Line in the source's text", required=True),
        field(
            "article_verdict",
            "string",
            "The source's own verdict",
            required=True,
            enum=["proved", "stated"],
        ),
        field("verdict_section", "string", "Where the source gives its verdict", required=True),
        field("verdict_text_line", "integer", "Line of the verdict", required=True),
        field(
            "verdict_context", "string", "Words of the verdict (artefacts repaired)", required=True
        ),
    ],
    "primaryKey": ["id"],
}

#: The columns of a row of the reproduction table (the checks add theirs).
REPORT_ROW_FIELDS: list[dict[str, Any]] = [
    field(
        "id",
        "string",
        "Number id, figure value or derived check",
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

"""The Table Schema of ``survey_items.csv``: a survey's codebook in long form with its counts.

Written by ``00_clean_survey`` (:func:`analysis_utils.survey.tabulate.items`),
one row per answer option, and read by every later notebook.
"""

from __future__ import annotations

from typing import Any

from analysis_utils.core.schemas import field

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
            "labelled_in_source", "boolean", "Whether the source names the option", required=True
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
        field("number_id", "string", "The source's id of the number stating the percentage"),
    ],
    "primaryKey": ["question_id", "option_code"],
}

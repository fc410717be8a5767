"""The typed results of the survey notebooks (``00``, ``07`` and ``09``).

Each is read from its results JSON by its ``load``
(:class:`analysis_utils.core.results.Results`) and read by attribute downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from analysis_utils.core.results import Results


@dataclass(frozen=True)
class CleanSurveyResults(Results):
    """``00_clean_survey``: the survey read, and the disclosure and reading decisions."""

    NOTEBOOK: ClassVar[str] = "00_clean_survey"
    respondent_level: bool
    #: The sample size the codebook states (largest ``stated_n`` of questions.csv), if any.
    stated_n: int | None
    #: Number of respondents (rows of the answers), for respondent-level answers.
    respondents: int | None
    questions: int
    options: int
    statuses: dict[str, int]
    #: Decision: counts below this are withheld from every output.
    min_cell: int
    suppressed: int
    identifying_dropped: list[str]
    respondent_data_written: bool
    #: Decision: a question whose type the source does not state is drawn (figures,
    #: report rows) as single choice; the claim tests evaluate both readings.
    unstated_single_choice: bool


@dataclass(frozen=True)
class SurveyAnalysesResults(Results):
    """``07_survey_analyses``: the course tables made and the claims on respondent-level answers."""

    NOTEBOOK: ClassVar[str] = "07_survey_analyses"
    #: Decision: the grouping question of the crosstabs (empty for none).
    group_by: str
    #: Decision: how many of the highest options form the top box.
    top: int
    ordinal_questions: list[str]
    crosstabs: list[str]
    weighted: bool
    verdicts: dict[str, str]


@dataclass(frozen=True)
class SurveyTablesResults(Results):
    """``09_survey_tables``: the tables, figures and pages of a student's survey report."""

    NOTEBOOK: ClassVar[str] = "09_survey_tables"
    respondent_level: bool
    #: Decision: the grouping questions (and recodes) of the crosstabs.
    groups: list[str]
    recodes: list[str]
    tables: list[str]
    #: Tables with a cell under min_cell (marked not for sharing in the analysis report).
    not_for_sharing: list[str]
    figures: list[str]
    pages: list[str]

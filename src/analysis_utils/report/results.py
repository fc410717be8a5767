"""The typed results of the report notebooks (``06_build_report``, ``08_survey_report``).

Each is read from its results JSON by its ``load``
(:class:`analysis_utils.core.results.Results`) and read by attribute downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from analysis_utils.core.results import Results


@dataclass(frozen=True)
class ReportResults(Results):
    """``06_build_report``: the reproduction report's rows and figures."""

    NOTEBOOK: ClassVar[str] = "06_build_report"
    rows: int
    statuses: dict[str, int]
    figures: list[str]


@dataclass(frozen=True)
class SurveyReportResults(Results):
    """``08_survey_report``: the survey report's rows, figures and claims."""

    NOTEBOOK: ClassVar[str] = "08_survey_report"
    rows: int
    statuses: dict[str, int]
    figures: list[str]
    claims: int

"""The typed results of the study's notebooks: cleaning the raw data, the external evidence.

``01_clean_raw_data`` and ``05_test_external_evidence``, each read from its
results JSON by its ``load`` (:class:`analysis_utils.core.results.Results`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from analysis_utils.core.results import Results


@dataclass(frozen=True)
class CleanRawResults(Results):
    """``01_clean_raw_data``: the article's numbers and tables cleaned."""

    NOTEBOOK: ClassVar[str] = "01_clean_raw_data"
    ambiguous_prints: list[str]
    article_claims: list[str]
    numbers_by_kind: dict[str, int]
    numbers_reported: int
    processed_files: dict[str, str]
    stated_n: int
    survey_options: int
    survey_percentages_reported: int
    survey_percentages_unreported: int
    survey_questions: int


@dataclass(frozen=True)
class ChosenRate:
    """The manat per US dollar rate the 2010 funding is converted at, and its range."""

    #: Which value of the year's rates converts: ``mean``, ``low`` or ``high``.
    choice: str
    #: The rate used, manat per US dollar.
    azn_per_usd: float
    #: The lowest and highest rates of the year.
    low: float
    high: float


@dataclass(frozen=True)
class ExternalResults(Results):
    """``05_test_external_evidence``: the external verdicts and their statistics."""

    NOTEBOOK: ClassVar[str] = "05_test_external_evidence"
    years: list[int]
    verdicts: dict[str, str]
    periods: dict[str, str]
    sexual_exploitation_share_pooled: float
    female_share_pooled: float
    trend_odds_ratio_per_year: float
    trend_pvalue: float
    dispersion_sexual_share: float
    edition_checks: dict[str, int]
    rate_2010: ChosenRate
    international_share_2010: dict[str, float]

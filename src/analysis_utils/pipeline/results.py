"""Results files: what each notebook decided and found, written once and read typed.

Every notebook ends by writing ``<results_dir>/<notebook>.json``: one
dataclass per notebook below, written by :func:`write_results`. A decision
(the rounding rule, the sample sizes searched, the subgroup questions, the
reading drawn for a question of unstated type, the disclosure threshold) is a
parameter of the one notebook that makes it; that notebook records it in its
results, and later notebooks read it with ``load`` instead of declaring it
again, so one run cannot mix two assumptions.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

from analysis_utils.core.io import atomic_write_bytes, json_bytes


@dataclass(frozen=True)
class Results:
    """Base of the results of one notebook; subclasses name it in :attr:`NOTEBOOK`."""

    NOTEBOOK: ClassVar[str] = ""

    @classmethod
    def path(cls, folder: Path) -> Path:
        """Return where the results file is in ``folder``.

        Parameters
        ----------
        folder : Path
            The results folder (parameter ``results_dir``).

        Returns
        -------
        Path
        """
        return Path(folder) / f"{cls.NOTEBOOK}.json"

    @classmethod
    def load(cls, folder: Path) -> Self:
        """Read the notebook's results from ``folder``.

        Parameters
        ----------
        folder : Path
            The results folder (parameter ``results_dir``).

        Returns
        -------
        Results
            An instance of the subclass called on.

        Raises
        ------
        FileNotFoundError
            If the notebook has not written its results there yet.
        ValueError
            If the file is not this notebook's or lacks or adds a field.
        """
        path = cls.path(folder)
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: no results of {cls.NOTEBOOK}; run it first "
                f"(python -m analysis_utils run {cls.NOTEBOOK} ...)"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("notebook", None) != cls.NOTEBOOK:
            raise ValueError(f"{path}: not the results of {cls.NOTEBOOK}")
        fields = {f.name for f in dataclasses.fields(cls)}
        if set(data) != fields:
            raise ValueError(
                f"{path}: fields {sorted(set(data) ^ fields)} differ from {cls.__name__}; "
                f"re-run {cls.NOTEBOOK}"
            )
        return cls(**data)

    def as_dict(self) -> dict[str, Any]:
        """Return the results as the JSON object written, ``notebook`` included.

        Returns
        -------
        dict
        """
        return {"notebook": self.NOTEBOOK, **dataclasses.asdict(self)}


def write_results(results: Results, folder: Path) -> Path:
    """Write ``results`` whole to ``folder/<notebook>.json`` (sorted keys, deterministic).

    Parameters
    ----------
    results : Results
    folder : Path
        The results folder (parameter ``results_dir``).

    Returns
    -------
    Path
        The file written.
    """
    path = results.path(folder)
    atomic_write_bytes(path, json_bytes(results.as_dict()))
    return path


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
class AuditResults(Results):
    """``02_audit_reported_percentages``: the audit's decisions and the sizes it finds."""

    NOTEBOOK: ClassVar[str] = "02_audit_reported_percentages"
    #: Decision: how the source rounded its percentages.
    rounding: str
    #: Decision: the largest sample size searched.
    n_max: int
    #: Decision: questions whose percentages may be of a subgroup.
    subgroup_questions: list[str]
    #: The counts are observed (respondent-level answers): n is the number of
    #: respondents, no sample size is searched and nothing is reconstructed.
    counts_observed: bool
    stated_n: int | None
    stated_n_consistent: bool
    percentages_possible_at_stated_n: dict[str, bool]
    smallest_n_per_percent: dict[str, int]
    smallest_n_full_sample: int | None
    smallest_n_all_percentages: int | None
    subgroup_sizes_at_smallest_n: list[int]


@dataclass(frozen=True)
class ClaimTestResults(Results):
    """``03_test_claims``: the sizes and readings tested, and the verdicts."""

    NOTEBOOK: ClassVar[str] = "03_test_claims"
    candidates: list[int]
    rounding: str
    readings: list[str]
    alpha: float
    confidence: float
    prior: float
    draws: int
    seed: int
    verdicts: dict[str, str]
    holds: dict[str, list[int]]
    mode_test_size_max: float | None
    robustness_n_max: int
    robustness: list[dict[str, Any]]


@dataclass(frozen=True)
class FigureResults(Results):
    """``04_reproduce_figures``: the figures drawn and the n of their ranges."""

    NOTEBOOK: ClassVar[str] = "04_reproduce_figures"
    figure_n: int
    figures: list[str]
    survey_figures: dict[str, Any]


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
    rate_2010: dict[str, Any]
    international_share_2010: dict[str, float]


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

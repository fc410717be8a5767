"""Each notebook's results class, by notebook: how the pipeline reads results it did not write.

Every notebook writes its results as the frozen dataclass of its wing
(:mod:`analysis_utils.core.results`); a sweep reads the results of each run
through that class (:func:`load`), by attribute, as the report does. The
classes stay in their wings; this is only the lookup by notebook name.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from analysis_utils.audit.results import AuditResults, ClaimTestResults, FigureResults
from analysis_utils.core.results import Results
from analysis_utils.report.results import ReportResults, SurveyReportResults
from analysis_utils.study.results import CleanRawResults, ExternalResults
from analysis_utils.survey.results import (
    CleanSurveyResults,
    SurveyAnalysesResults,
    SurveyTablesResults,
)

#: Notebook name to its results class.
CLASSES: Mapping[str, type[Results]] = MappingProxyType(
    {
        kind.NOTEBOOK: kind
        for kind in (
            CleanSurveyResults,
            CleanRawResults,
            AuditResults,
            ClaimTestResults,
            FigureResults,
            ExternalResults,
            ReportResults,
            SurveyAnalysesResults,
            SurveyReportResults,
            SurveyTablesResults,
        )
    }
)


def load(notebook: str, folder: Path) -> Results:
    """Read the results ``notebook`` wrote in ``folder``, typed.

    Parameters
    ----------
    notebook : str
        A notebook of ``pipeline.yaml``.
    folder : Path
        The results folder it wrote them to.

    Returns
    -------
    Results
        An instance of its class.

    Raises
    ------
    KeyError
        For a notebook without a results class.
    FileNotFoundError, ValueError
        As :meth:`~analysis_utils.core.results.Results.load`.
    """
    if notebook not in CLASSES:
        raise KeyError(f"{notebook}: no results class (analysis_utils.pipeline.notebook_results)")
    return CLASSES[notebook].load(folder)

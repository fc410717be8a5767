"""One table of a student's survey report (:class:`Block`) and how its small cells are counted.

:mod:`analysis_utils.survey.report_tables` and :mod:`analysis_utils.survey.report_groups` build
the blocks; :mod:`analysis_utils.survey.shareable` applies the disclosure rules to each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True, eq=False)
class Block:
    """One table of the report.

    Attributes
    ----------
    key : str
        File stem of its CSV, sheet and figure (``freq_PID``, ``cross_vote_by_PID``).
    kind : str
        ``frequencies``, ``descriptives``, ``multiple`` (a multiple-choice question),
        ``crosstab``, ``groups`` (a numeric question by group), ``multiple_groups`` (a
        multiple-choice question by group), ``correlations`` or ``model``.
    title : str
    question, group : str
        The question (outcome) and the grouping question (crosstabs).
    export : DataFrame
        Every statistic, for the CSV and the workbook.
    display : DataFrame
        The compact table the page shows (all counts).
    small : int
        Cells with a count from 1 to ``min_cell - 1`` (0: the table may be shared as it is).
    summary : str
        n and the test or fit, in one line.
    method : str
    result : object
        The statistics' result, for its chart.
    """

    key: str
    kind: str
    title: str
    question: str
    group: str
    export: pd.DataFrame
    display: pd.DataFrame
    small: int
    summary: str
    method: str
    result: Any


def counted(counts: pd.DataFrame | pd.Series, percents: pd.DataFrame | pd.Series) -> Any:
    """Write counts with their percents as a page shows them: ``12 (4.5 %)``.

    Parameters
    ----------
    counts, percents : DataFrame or Series
        The same shape.

    Returns
    -------
    DataFrame or Series
        Texts.
    """
    return counts.astype(str) + " (" + percents.map(lambda v: f"{v:.1f} %") + ")"


def small(counts: Sequence[int] | np.ndarray, min_cell: int) -> int:
    """Count the cells from 1 to ``min_cell - 1``.

    Parameters
    ----------
    counts : sequence of int or numpy.ndarray
    min_cell : int

    Returns
    -------
    int
    """
    values = np.asarray(counts, dtype=np.int64)
    return int(((values > 0) & (values < min_cell)).sum())

"""Self-assessed reproducibility levels on the ACRe / SSRP scale, from the package's records.

The Social Science Reproduction Platform scores each output of a paper from 1 (no
data, no code) to 10 (reproducible from the raw data), and adjusts levels 3-5 and
8-10 (written with a star) where data cannot be published: then instructions to
obtain the data, or a third party's certificate, take the place of the data
(``docs/findings.md``, "Reproducibility levels", quotes the guide). Here each row
of the reproduction table, one per number the article prints, figure value it
shows and check that combines them, gets its level from two records the pipeline
keeps:

- the row's ``kind``: a survey percentage, the survey's sample size or a figure's
  value rests on respondent-level answers that were never published
  (:data:`RESPONDENT_KINDS`), so the adjusted scale applies; every other number
  rests on the article's printed numbers and on external statistics, transcribed
  in full into ``data/raw/`` with their sources (the raw data of the package);
- the row's ``status`` in ``reports/reproduction_report.csv``: whether the
  package's code, run from those data, gives the article's number
  (:data:`AGREES`), gives something else, or cannot recompute it at all.

No level is typed per row: change a record and the level follows
(:func:`level`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

#: Kinds of number that rest on the survey's respondent-level answers (never published).
RESPONDENT_KINDS = frozenset({"survey_percentage", "survey_sample_size", "figure_value"})

#: Statuses under which the package's code gives the article's number from the data.
AGREES = frozenset({"reproduced", "consistent", "recomputed"})

#: Statuses under which the article's number is only bounded (a range), not fixed.
BOUNDED = frozenset({"not reproducible: unreported", "withheld"})

#: Every level used, with the guide's short summary (starred: the adjusted scale).
LEVELS: dict[str, str] = {
    "L1": "no data or code: the number comes from a source the package cannot hold",
    "L2": "only code: a check compares the number with others; its source's data are not here",
    "L3": "all code; the data only bound the value (a range), they do not fix it",
    "L3*": "all code; the published numbers only bound the value (a range), respondent data "
    "never published",
    "L4*": "all code and the analysis data (the printed percentages); the code does not give "
    "the article's number (not CRA)",
    "L7*": "the article's number reproduced from the analysis data with all cleaning code; "
    "respondent data never published, no instructions to obtain them (no L8*)",
    "L9": "all raw data and code; the code does not give the article's number (not CRR)",
    "L10": "reproduced from the raw data (CRR)",
}


def level(kind: str, status: str, checked: bool) -> str:
    """Give one number its level from its kind, its status and whether code checks it.

    Parameters
    ----------
    kind : str
        The row's ``kind`` in the reproduction table.
    status : str
        The row's ``status``.
    checked : bool
        Whether a check of the package compares the number with others
        (the row's ``checked_in`` is not empty, or the row is itself a check).

    Returns
    -------
    str
        A key of :data:`LEVELS`.
    """
    unpublished = kind in RESPONDENT_KINDS
    if status in BOUNDED:
        return "L3*" if unpublished else "L3"
    if status.startswith("not reproducible"):
        # the number comes from a source whose data the package cannot hold
        return "L2" if checked else "L1"
    if unpublished:
        return "L7*" if status in AGREES else "L4*"
    return "L10" if status in AGREES else "L9"


def assess(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Give every row of the reproduction table its level.

    Parameters
    ----------
    table : DataFrame
        ``reports/reproduction_report.csv`` (``id``, ``kind``, ``status``,
        ``checked_in``, ``location``).

    Returns
    -------
    list of dict
        Per row, in the table's order: ``id``, ``location``, ``status``,
        ``level`` and ``meaning`` (:data:`LEVELS`).
    """
    rows = []
    for row in table.to_dict("records"):
        checked_in = row.get("checked_in")
        checked = bool(isinstance(checked_in, str) and checked_in.strip()) or str(
            row["kind"]
        ).endswith("_check")
        key = level(str(row["kind"]), str(row["status"]), checked)
        rows.append(
            {
                "id": row["id"],
                "location": row["location"],
                "status": row["status"],
                "level": key,
                "meaning": LEVELS[key],
            }
        )
    return rows


def tally(levels: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """How many rows have each level, in the order of :data:`LEVELS`.

    Parameters
    ----------
    levels : list of dict
        :func:`assess`.

    Returns
    -------
    list of (str, int)
        Only the levels that occur.
    """
    counts = pd.Series([r["level"] for r in levels], dtype="object").value_counts()
    return [(key, int(counts[key])) for key in LEVELS if key in counts.index]

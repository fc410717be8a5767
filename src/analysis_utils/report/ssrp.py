"""Self-assessed reproducibility levels on the ACRe / SSRP scale, from the package's records.

The Social Science Reproduction Platform scores each output of a paper from 1 (no
data, no code) to 10 (reproducible from the raw data); its adjusted (starred)
levels need instructions to obtain data that cannot be published
(``docs/findings.md``, "Reproducibility levels", quotes the guide). Here each row
of the reproduction table gets its level from two records the pipeline keeps:
the row's ``kind`` (a check of the package is not a number of the article; a
survey percentage, the survey's sample size or a figure's value rests on
respondent-level answers never published, with no instructions to obtain them)
and its ``status`` in ``reports/reproduction_report.csv`` (whether the package's
code recomputes the printed number). The package holds the article's printed
numbers and external statistics, not the data behind most printed numbers, so
only a number the code recomputes from other printed numbers reaches L10; the
rest, checked or not, are L2 or L1 (:func:`level`). No level is typed per row:
change a record and the level follows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

#: Kinds of number that rest on the survey's respondent-level answers (never published).
RESPONDENT_KINDS = frozenset({"survey_percentage", "survey_sample_size", "figure_value"})

#: Statuses under which the package's code recomputes the article's number from its data.
REPRODUCED = frozenset({"reproduced", "recomputed"})

#: The level of a row that is the package's own check, not a number of the article.
NOT_SCORED = "not scored"

#: Every level used, with what it means here.
LEVELS: dict[str, str] = {
    "L1": "no data or code: the data behind the number are not in the package, and no check "
    "of the package uses it",
    "L2": "only code: the data behind the number (a source's, or respondent-level answers "
    "never published, with no instructions to obtain them) are not in the package; code "
    "checks the printed number against the article's others",
    "L10": "reproduced from the raw data: the package's code recomputes the printed number "
    "from the article's other printed numbers (CRR); arithmetic agreement between printed "
    "figures, not the source's estimate reproduced",
    NOT_SCORED: "the package's own check of other numbers, not a number of the article",
}


def level(kind: str, status: str, checked: bool, *, recomputed: bool = False) -> str:
    """Give one row its level from its kind, its status and what code does with it.

    Parameters
    ----------
    kind : str
        The row's ``kind`` in the reproduction table.
    status : str
        The row's ``status``.
    checked : bool
        Whether a check of the package compares the number with others
        (the row's ``checked_in`` is not empty).
    recomputed : bool
        Whether a check recomputes the number from the article's other printed
        numbers (the row's ``recomputed_by``) and finds it (that check's status
        is ``reproduced``). A check's inputs are not recomputed by it.

    Returns
    -------
    str
        A key of :data:`LEVELS`. A number is L10 only where the package
        recomputes it (:data:`REPRODUCED`); any other number of the article,
        consistent or not, rests on data the package does not hold (a source's,
        or the survey's never-published answers, for which the article gives no
        instructions, so the guide's starred levels do not apply): L2 when code
        checks it, else L1. A check is not a number of the article: not scored.
    """
    if kind.endswith("_check"):
        return NOT_SCORED
    if (status in REPRODUCED or recomputed) and kind not in RESPONDENT_KINDS:
        return "L10"
    return "L2" if checked else "L1"


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
    status_of = dict(zip(table["id"], table["status"], strict=True))
    rows = []
    for row in table.to_dict("records"):
        checked_in = row.get("checked_in")
        checks = [c for c in str(checked_in).split(";") if c] if isinstance(checked_in, str) else []
        by = row.get("recomputed_by")
        recomputed = isinstance(by, str) and bool(by) and status_of.get(by) == "reproduced"
        key = level(str(row["kind"]), str(row["status"]), bool(checks), recomputed=recomputed)
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

"""One choice question as a value: its options, what is reported of them, and its type.

``survey_items.csv`` holds one row per answer option; :func:`questions` turns it
into :class:`Question` values once, so that no function filters the long table
by question again. The single-choice rule, how a question of unstated type is
read, lives here and only here (:meth:`Question.single_choice`,
:meth:`Question.reading`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import pandas as pd

#: Question types of a choice question in ``survey_items.csv``.
CHOICES: tuple[str, ...] = ("single", "multiple", "not stated")

#: Readings of a question whose type the source does not state.
Reading = Literal["single", "multiple"]
READINGS: tuple[Reading, ...] = get_args(Reading)

#: The reading whose reconstructed ranges figures and report rows draw (the
#: multiple-choice ranges of an unreported option are 0-100 %, which draw nothing).
DEFAULT_UNSTATED_SINGLE_CHOICE = True

#: Statuses of an option whose count is known from respondent-level answers
#: (``recomputed``) or withheld from them (``suppressed``).
COUNTED: tuple[str, ...] = ("recomputed", "suppressed")


@dataclass(frozen=True)
class Question:
    """One choice question of a survey.

    Attributes
    ----------
    id : str
    text : str
    source : str
        Where the source asks it (``question_source``), else ``question N``.
    choice : {"single", "multiple", "not stated"}
    options : tuple of str
        Option codes in codebook order.
    labels : tuple of str
    percents : tuple of (str or None)
        Each option's percentage as printed; ``None`` where it is not reported.
    percent_values : tuple of (float or None)
        The reported percentages as numbers.
    statuses : tuple of str
        Each option's status in ``survey_items.csv``.
    counts : tuple of (int or None)
        Each option's count where counted from respondent-level answers and
        published; ``None`` otherwise.
    """

    id: str
    text: str
    source: str
    choice: str
    options: tuple[str, ...]
    labels: tuple[str, ...]
    percents: tuple[str | None, ...]
    percent_values: tuple[float | None, ...]
    statuses: tuple[str, ...]
    counts: tuple[int | None, ...]

    @property
    def respondent_level(self) -> bool:
        """Whether the counts come from respondent-level answers."""
        return any(s in COUNTED for s in self.statuses)

    @property
    def known_counts(self) -> list[range | None] | None:
        """The counts as ranges for the reconstruction, where counted.

        ``None`` for reported aggregates only; otherwise per option
        ``range(k, k + 1)`` for a published count and ``None`` for a withheld
        one (any count).
        """
        if not self.respondent_level:
            return None
        return [
            range(k, k + 1) if s == "recomputed" and k is not None else None
            for s, k in zip(self.statuses, self.counts, strict=True)
        ]

    def single_choice(self, unstated_single_choice: bool) -> bool:
        """Whether the counts sum to n: stated single choice, or assumed so.

        Parameters
        ----------
        unstated_single_choice : bool
            How to read the question if its type is not stated.

        Returns
        -------
        bool
        """
        return self.choice == "single" or (self.choice == "not stated" and unstated_single_choice)

    def reading(self, reading: str) -> tuple[bool, str]:
        """Read the question as single or multiple choice, and say on what ground.

        Parameters
        ----------
        reading : {"single", "multiple"}
            The reading used when the type is not stated; a stated type wins.

        Returns
        -------
        single : bool
        described : str
            For example ``single choice (assumed: type not stated)``.

        Raises
        ------
        ValueError
            For an unknown reading.
        """
        if reading not in READINGS:
            raise ValueError(f"reading must be one of {READINGS}, got {reading!r}")
        if self.choice in READINGS:
            return self.choice == "single", f"{self.choice} choice (stated)"
        single = self.single_choice(reading == "single")
        return single, f"{reading} choice (assumed: type not stated)"


def _question(question_id: str, rows: pd.DataFrame) -> Question:
    rows = rows.sort_values("option_position", kind="stable")
    statuses = tuple(str(s) for s in rows["status"])
    return Question(
        id=question_id,
        text=str(rows["question_text"].iloc[0]),
        source=str(
            rows["question_source"].iloc[0] or f"question {rows['question_position'].iloc[0]}"
        ),
        choice=str(rows["choice"].iloc[0]),
        options=tuple(str(o) for o in rows["option_code"]),
        labels=tuple(str(o) for o in rows["option_label"]),
        percents=tuple(
            str(p) if s == "reported" else None
            for s, p in zip(statuses, rows["reported_percent_as_printed"], strict=True)
        ),
        percent_values=tuple(
            None if pd.isna(v) else float(v) for v in pd.to_numeric(rows["reported_percent"])
        ),
        statuses=statuses,
        counts=tuple(
            int(k) if s == "recomputed" and not pd.isna(k) else None
            for s, k in zip(statuses, rows["count"], strict=True)
        ),
    )


def questions(items: pd.DataFrame) -> dict[str, Question]:
    """Every question of ``survey_items.csv``, in codebook order.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.

    Returns
    -------
    dict
        Question id to :class:`Question`.
    """
    return {
        str(question_id): _question(str(question_id), rows)
        for question_id, rows in items.groupby("question_id", sort=False)
    }


def question(items: pd.DataFrame, question_id: str) -> Question:
    """One question of ``survey_items.csv``.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    question_id : str

    Returns
    -------
    Question

    Raises
    ------
    KeyError
        If the question is not in the table.
    """
    rows = items[items["question_id"] == question_id]
    if rows.empty:
        raise KeyError(f"question {question_id!r} is not in the survey codebook")
    return _question(question_id, rows)

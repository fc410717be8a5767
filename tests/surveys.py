"""A small codebook and a CSV writer shared by the survey tests.

The codebook is made up for the tests (a fixture, not data of any study).
"""

import csv
from pathlib import Path

QUESTIONS = [
    ["question_id", "position", "question_text", "choice", "identifying"],
    ["role", "1", "Your role", "single", ""],
    ["help", "2", "Kinds of help given", "multiple", ""],
    ["organisation", "3", "Your organisation", "text", "true"],
    ["remarks", "4", "Anything else", "text", "false"],
]
OPTIONS = [
    ["question_id", "option_code", "option_label"],
    ["role", "ngo", "NGO staff"],
    ["role", "gov", "Government official"],
    ["role", "other", "Other"],
    ["help", "shelter", "Shelter"],
    ["help", "legal", "Legal aid"],
]


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows as a UTF-8 CSV file with ``\\n`` line ends."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)

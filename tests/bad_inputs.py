"""Ways a new user can break the raw data, each with the problem it must produce.

Shared by the validation tests (library level) and the command-line tests
(exit code 2, nothing written).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BadInput:
    """One corruption of ``data/raw`` and the problem expected from it."""

    name: str
    file: str  # relative to data/raw
    corrupt: Callable[[Path], None]
    row: int | None
    column: str
    rule: str  # substring of Problem.rule


def _edit_line(path: Path, number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[number - 1], (old, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def _drop_column(path: Path, column: str) -> None:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [r[:index] + r[index + 1 :] for r in rows]
        )


def _duplicate_row(path: Path, number: int) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(number, lines[number - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


def _latin1(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace("\ufffd", "-")
    text = text.replace("Most of the experts", "Most of the expérts")
    path.write_bytes(text.encode("latin-1"))


CASES = [
    BadInput(
        "missing column",
        "article_numbers.csv",
        lambda p: _drop_column(p, "unit"),
        1,
        "unit",
        "missing-column",
    ),
    BadInput(
        "non-numeric value",
        "article_numbers.csv",
        lambda p: _edit_line(p, 3, "67,,,67,percent", "67,,,sixty-seven,percent"),
        3,
        "value",
        "type-error",
    ),
    BadInput(
        "duplicated id", "article_numbers.csv", lambda p: _duplicate_row(p, 5), 6, "id", "unique"
    ),
    BadInput(
        "percentage above 100 (article numbers)",
        "article_numbers.csv",
        lambda p: _edit_line(p, 3, "67,,,67,percent", "67,,,167,percent"),
        3,
        "value",
        "at most 100",
    ),
    BadInput(
        "percentage above 100 (survey options)",
        "survey/options.csv",
        lambda p: _edit_line(p, 2, ",67,", ",167,"),
        2,
        "reported_percent",
        "at most 100",
    ),
    BadInput(
        "empty file",
        "survey/questions.csv",
        lambda p: p.write_bytes(b""),
        1,
        "(whole file)",
        "empty-file",
    ),
    BadInput("file not in UTF-8", "survey/questions.csv", _latin1, 3, "question_text", "encoding"),
    BadInput(
        "unknown question in options",
        "survey/options.csv",
        lambda p: _edit_line(p, 17, "measures,d", "mesures,d"),
        17,
        "question_id",
        "foreign-key",
    ),
]

"""Errors about bad input, each naming the file, row, column and rule broken."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One broken rule in one place of an input file.

    Parameters
    ----------
    file : str
        Path of the file, as the user knows it (relative to the project root
        where possible).
    row : int or None
        Line number in the file (1 = the header line); ``None`` when the
        problem concerns the whole file.
    column : str
        Column name, or a description such as ``"(whole file)"``.
    rule : str
        Short name of the rule (``"type-error"``, ``"maximum"``, ``"checksum"``).
    message : str
        What is wrong, in words.
    """

    file: str
    row: int | None
    column: str
    rule: str
    message: str

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        return f"{self.file}: row {row}, column {self.column}: [{self.rule}] {self.message}"


class InputError(ValueError):
    """Bad input: one or more :class:`Problem` found before anything was written.

    Parameters
    ----------
    problems : iterable of Problem
        What was found; at least one.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input:\n{lines}")


class ParameterError(ValueError):
    """A notebook parameter that does not exist or has the wrong type."""

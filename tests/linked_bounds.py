"""A reader's attack on a shareable page: integer bounds of each withheld count, all tables at once.

The unknowns are the counts of the finest cells the page's tables add up: respondents by
(question, its answer, the source's answer) for every question crossed with a grouping question,
and by the source's answer alone. Every count the page publishes (a frequency, a crosstab's
cell or total, a group's n) is an equation on them; every count it withholds is bounded from
below and above by integer programming (:func:`scipy.optimize.milp`), as a referee would. The
surveys given here have no missing answers, so every table counts every respondent: a source
answer's respondents are the same in every table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis_utils.survey.shareable import WITHHELD

Atom = tuple[str, str, str]  # (question, its answer's label, the source's answer's label)


def members(coded, question: str, label: str, source: str) -> list[str]:
    """The source's answers (labels) that ``question``'s answer ``label`` pools."""
    if question == source:
        return [label]
    pairs = coded.frame[[source, question]].drop_duplicates()
    codes = [c for c, lab in coded.labels[question].items() if lab == label]
    chosen = pairs.loc[pairs[question].isin(codes), source]
    return sorted(coded.labels[source][c] for c in chosen.unique())


def count(text: object) -> int | None:
    """A published count (``"197 (98.5 %)"``, ``"197"``, ``197``), or None where withheld."""
    if str(text) == WITHHELD:
        return None
    return int(str(text).split(" ")[0])


@dataclass
class Page:
    """The equations of a page's published counts and the withheld counts to bound."""

    coded: object
    source: str
    atoms: dict[Atom, int] = field(default_factory=dict)
    equations: list[tuple[list[int], int]] = field(default_factory=list)
    withheld: list[tuple[str, list[int]]] = field(default_factory=list)
    balances: list[tuple[list[int], int]] = field(default_factory=list)
    at_most: list[tuple[int, int]] = field(default_factory=list)

    def _ids(self, atoms: Iterable[Atom]) -> list[int]:
        return [self.atoms.setdefault(a, len(self.atoms)) for a in atoms]

    def fact(self, name: str, atoms: Iterable[Atom], value: object) -> None:
        ids = self._ids(atoms)
        known = count(value)
        if known is None:
            self.withheld.append((name, ids))
        else:
            self.equations.append((ids, known))

    def labels(self) -> list[str]:
        return sorted(set(self.coded.labels[self.source].values()))

    def _source(self, question: str, label: str) -> list[Atom]:
        return [("", "", s) for s in members(self.coded, question, label, self.source)]

    def frequencies(self, block, display: pd.DataFrame) -> None:
        question = block.question
        valid = set(self.coded.labels[question].values())
        pooled = self._family(question)
        every: list[Atom] = []
        for label, value in zip(display["label"], display["frequency"], strict=True):
            if label not in valid:
                if label == "Total valid":
                    self.fact(f"{block.key}: {label}", every, value)
                continue
            if pooled:
                atoms = self._source(question, label)
            else:
                atoms = [(question, label, s) for s in self.labels()]
            every += atoms
            self.fact(f"{block.key}: {label}", atoms, value)

    def _family(self, name: str) -> bool:
        return name == self.source or self.coded.sources.get(name) == self.source

    def crosstab(self, block, display: pd.DataFrame) -> None:
        """A crosstab of another question by the source or a recode, or the other way round."""
        question, group = block.question, block.group
        answers = list(display.iloc[:-1, 0])
        groups = list(display.columns[1:-1])
        by_family = self._family(group)

        def cell(answer: str, label: str) -> list[Atom]:
            if by_family:
                return [
                    (question, answer, s) for s in members(self.coded, group, label, self.source)
                ]
            pooled = members(self.coded, question, answer, self.source)
            return [(group, label, s) for s in pooled]

        for a, answer in enumerate(answers):
            for label in groups:
                self.fact(
                    f"{block.key}: {answer} x {label}", cell(answer, label), display.loc[a, label]
                )
            atoms = [atom for label in groups for atom in cell(answer, label)]
            self.fact(f"{block.key}: {answer} x Total", atoms, display.loc[a, "Total"])
        for label in groups:
            atoms = [atom for answer in answers for atom in cell(answer, label)]
            self.fact(f"{block.key}: Total x {label}", atoms, display.iloc[-1][label])
        every = [atom for answer in answers for label in groups for atom in cell(answer, label)]
        self.fact(f"{block.key}: Total", every, display.iloc[-1]["Total"])
        other, labels = (question, answers) if by_family else (group, groups)
        for s in self.labels():  # every respondent in every table: the source's counts
            ids = self._ids([(other, label, s) for label in labels])
            self.balances.append((ids, self._ids([("", "", s)])[0]))

    def groups(self, block, display: pd.DataFrame) -> None:
        group = block.group
        for label, value in zip(display[group], display["n"], strict=True):
            if label == "Total":
                continue
            self.fact(f"{block.key}: n of {label}", self._source(group, label), value)

    def multiple_groups(self, block, display: pd.DataFrame) -> None:
        """Each option's chosen counts by group, each group's cases (at least every option's)."""
        question, group = block.question, block.group
        groups = [c for c in display.columns[1:] if c not in ("Total", "test", "p", "p (Holm)")]
        for g in groups:
            pooled = members(self.coded, group, g, self.source)
            atoms = [(f"{question}: cases", "", s) for s in pooled]
            self.fact(f"{block.key}: cases x {g}", atoms, display.loc[0, g])
        every_case = [(f"{question}: cases", "", s) for s in self.labels()]
        self.fact(f"{block.key}: cases", every_case, display.loc[0, "Total"])
        for row in range(1, len(display)):
            option = str(display.iloc[row, 0])
            for g in groups:
                pooled = members(self.coded, group, g, self.source)
                atoms = [(f"{question}: {option}", "", s) for s in pooled]
                self.fact(f"{block.key}: {option} x {g}", atoms, display.loc[row, g])
                for s in pooled:
                    chosen = self._ids([(f"{question}: {option}", "", s)])[0]
                    self.at_most.append((chosen, self._ids([(f"{question}: cases", "", s)])[0]))
            every = [(f"{question}: {option}", "", s) for s in self.labels()]
            self.fact(f"{block.key}: {option} x Total", every, display.loc[row, "Total"])

    def add(self, block, version) -> None:
        """Add a shared table's published and withheld counts (a table left out adds none)."""
        if version.left_out:
            return
        if block.kind == "frequencies":
            self.frequencies(block, version.display)
        elif block.kind == "crosstab":
            self.crosstab(block, version.display)
        elif block.kind == "groups":
            self.groups(block, version.display)
        elif block.kind == "multiple_groups":
            self.multiple_groups(block, version.display)

    def bounds(self) -> list[tuple[str, int, int]]:
        """Smallest and largest value of each withheld count, given every published one."""
        n = len(self.atoms)
        rows, low, high = [], [], []
        for ids, value in self.equations:
            row = np.zeros(n)
            np.add.at(row, ids, 1.0)
            rows.append(row)
            low.append(value)
            high.append(value)
        for ids, total in self.balances:
            row = np.zeros(n)
            np.add.at(row, ids, 1.0)
            row[total] -= 1.0
            rows.append(row)
            low.append(0)
            high.append(0)
        for chosen, cases in self.at_most:  # an option's choosers are some of the cases
            row = np.zeros(n)
            row[chosen], row[cases] = 1.0, -1.0
            rows.append(row)
            low.append(-np.inf)
            high.append(0)
        constraint = LinearConstraint(np.array(rows), low, high)
        out = []
        for name, ids in self.withheld:
            found = []
            for sign in (1.0, -1.0):
                objective = np.zeros(n)
                np.add.at(objective, ids, sign)
                result = milp(
                    objective,
                    constraints=constraint,
                    integrality=np.ones(n),
                    bounds=Bounds(0, np.inf),
                )
                assert result.success, result.message
                found.append(round(sign * result.fun))
            out.append((name, found[0], found[1]))
        return out


def too_narrow(bounds: list[tuple[str, int, int]], min_cell: int) -> list[tuple[str, int, int]]:
    """The withheld counts a reader pins down, or bounds within 1 to ``min_cell - 1``."""
    return [b for b in bounds if b[1] == b[2] or (b[1] >= 1 and b[2] <= min_cell - 1)]

"""Cell suppression of a two-way table, so that no withheld count can be recomputed.

A crosstab publishes its cells, its row and column totals and its grand total.
:func:`suppress_table` withholds every count ``0 < k < min_cell`` (primary
suppression), withholds the row and the column totals by the one-way rule of
:func:`analysis_utils.survey.disclosure.suppress` (so the margins agree with
what ``survey_items.csv`` publishes of each question), then withholds more
cells (complementary suppression) until no withheld cell follows from what is
published. :func:`protection_intervals` checks this with a linear programme.

Why the rule works. Write the published facts as one equation per *line*: a
row with a published total says its cells add up to that total; the rows whose
totals are withheld together say their cells add up to the grand total minus
the published row totals (one equation, as if they were one row); the same for
columns. Draw the withheld cells as edges of a multigraph whose vertices are
these lines (a withheld cell joins its row's line to its column's line).

* If a withheld cell is a *bridge* of that graph (on no cycle), it is
  determined: take the side of the graph that the cell's row line falls on
  when the cell is removed; adding the equations of its row lines and
  subtracting those of its column lines cancels every withheld cell but this
  one.
* If every withheld cell is on a cycle, adding 1 and subtracting 1 alternately
  around a cycle keeps every equation, so each withheld cell can change while
  the cells that go down stay >= 0; a linear programme over the
  (integral) transportation polytope confirms the interval is at least 1 wide
  (:func:`protection_intervals`, property-tested on random tables).

So the rule, applied until nothing changes: (1) in each line, the withheld
cells add up to 0 or to at least ``min_cell`` (else the smallest published
non-zero cell of the line is withheld, ties to the first in row-major order),
as the one-way rule asks of a single question; (2) no withheld cell is a
bridge: for the first bridge (row-major), withhold the smallest published
non-zero cell that joins the two sides the bridge separates, or, if there is
none, the smallest published non-zero cell in the bridge's row or column line
(zeros only when no non-zero cell is left), which grows a side until a joining
cell exists; (3) no withheld row or column total is told (:func:`told_totals`:
equal smallest and largest value, or both from 1 to ``min_cell - 1``; a
withheld total whose cells are all published is its published cells' sum): for
the first, withhold the smallest published non-zero cell of its line (else any
published cell). Each step withholds one more cell, so the rule ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis_utils.survey.disclosure import suppress, suppress_parts


@dataclass(frozen=True, eq=False)
class TableSuppression:
    """Which counts of a two-way table are withheld.

    Attributes
    ----------
    cells : numpy.ndarray
        Boolean, the table's shape: ``True`` where the cell is withheld.
    rows : tuple of bool
        Whether each row total is withheld.
    columns : tuple of bool
        Whether each column total is withheld (the grand total is published).
    row_parts, column_parts : tuple of int or None
        Each row's (column's) part where the parts' totals are published too
        (the valid answers and the missing kinds of a question: the withheld
        totals of each part are one equation); ``None``: one part.
    """

    cells: np.ndarray
    rows: tuple[bool, ...]
    columns: tuple[bool, ...]
    row_parts: tuple[int, ...] | None = None
    column_parts: tuple[int, ...] | None = None


def _check(counts: Sequence[Sequence[int]] | np.ndarray, min_cell: int) -> np.ndarray:
    """Check the counts and return them as a 2-D int64 array."""
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    table = np.asarray(counts)
    if table.ndim != 2 or 0 in table.shape:
        raise ValueError(f"a two-way table needs rows and columns, got shape {table.shape}")
    if not np.all(np.equal(np.mod(table, 1), 0)) or np.any(table < 0):
        raise ValueError("counts must be whole numbers >= 0")
    return table.astype(np.int64)


class _Lines:
    """The published equations of a table as graph vertices, and its withheld cells as edges."""

    def __init__(
        self,
        shape: tuple[int, int],
        rows: Sequence[bool],
        columns: Sequence[bool],
        row_parts: Sequence[int] | None = None,
        column_parts: Sequence[int] | None = None,
    ) -> None:
        r, c = shape
        self.shape = shape
        row_part = list(row_parts) if row_parts is not None else [0] * r
        column_part = list(column_parts) if column_parts is not None else [0] * c
        base = r + max(row_part, default=0) + 1  # rows, then the merged rows of each part
        self.row = [r + row_part[i] if hidden else i for i, hidden in enumerate(rows)]
        self.column = [
            base + c + column_part[j] if hidden else base + j for j, hidden in enumerate(columns)
        ]

    def ends(self, cell: tuple[int, int]) -> tuple[int, int]:
        """Give the two lines a cell joins."""
        return self.row[cell[0]], self.column[cell[1]]

    def line_cells(self) -> list[list[tuple[int, int]]]:
        """Give the cells of each line that has an equation, rows first (merged lines last)."""
        by_line: dict[int, list[tuple[int, int]]] = {}
        for cell in np.ndindex(self.shape):
            for v in self.ends((cell[0], cell[1])):
                by_line.setdefault(v, []).append((cell[0], cell[1]))
        return [by_line[v] for v in sorted(by_line)]

    def bridges(self, edges: list[tuple[int, int]]) -> list[int]:
        """Find the edges on no cycle (Tarjan's bridge search, parallel edges kept)."""
        adjacent: dict[int, list[tuple[int, int]]] = {}
        for index, cell in enumerate(edges):
            u, w = self.ends(cell)
            adjacent.setdefault(u, []).append((w, index))
            adjacent.setdefault(w, []).append((u, index))
        order: dict[int, int] = {}
        low: dict[int, int] = {}
        found: list[int] = []
        for root in sorted(adjacent):
            if root in order:
                continue
            order[root] = low[root] = len(order)
            stack = [(root, -1, iter(adjacent[root]))]
            while stack:
                vertex, via, neighbours = stack[-1]
                step = next(neighbours, None)
                if step is None:
                    stack.pop()
                    if stack:
                        parent = stack[-1][0]
                        low[parent] = min(low[parent], low[vertex])
                        if low[vertex] > order[parent]:
                            found.append(via)
                    continue
                other, index = step
                if index == via:
                    continue
                if other in order:
                    low[vertex] = min(low[vertex], order[other])
                else:
                    order[other] = low[other] = len(order)
                    stack.append((other, index, iter(adjacent[other])))
        return sorted(found)

    def side(self, edges: list[tuple[int, int]], skip: int, start: int) -> set[int]:
        """Find the lines reachable from ``start`` through every edge but ``edges[skip]``."""
        adjacent: dict[int, list[int]] = {}
        for index, cell in enumerate(edges):
            if index != skip:
                u, w = self.ends(cell)
                adjacent.setdefault(u, []).append(w)
                adjacent.setdefault(w, []).append(u)
        seen, todo = {start}, [start]
        while todo:
            for other in adjacent.get(todo.pop(), []):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen


def _smallest(table: np.ndarray, cells: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Pick the smallest non-zero cell (first in row-major order), else the first zero."""
    if not cells:
        return None
    return min(cells, key=lambda cell: (table[cell] == 0, table[cell], cell))


def _sum_rule(
    table: np.ndarray, hidden: np.ndarray, lines: _Lines, min_cell: int
) -> tuple[int, int] | None:
    """Pick a cell to withhold so that no line's withheld cells add up to a small number."""
    for cells in lines.line_cells():
        withheld = sum(int(table[cell]) for cell in cells if hidden[cell])
        if 0 < withheld < min_cell:
            shown = [cell for cell in cells if not hidden[cell] and table[cell] > 0]
            if shown:
                return _smallest(table, shown)
    return None


def _bridge_rule(table: np.ndarray, hidden: np.ndarray, lines: _Lines) -> tuple[int, int] | None:
    """Pick a cell to withhold so that the first withheld cell on no cycle nears one."""
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(hidden), strict=True)]
    bridges = lines.bridges(edges)
    if not bridges:
        return None
    first = bridges[0]
    u, w = lines.ends(edges[first])
    one, other = lines.side(edges, first, u), lines.side(edges, first, w)
    shown = [(int(i), int(j)) for i, j in zip(*np.nonzero(~hidden), strict=True)]
    joining = [
        cell
        for cell in shown
        if (lines.ends(cell)[0] in one and lines.ends(cell)[1] in other)
        or (lines.ends(cell)[0] in other and lines.ends(cell)[1] in one)
    ]
    touching = [cell for cell in shown if lines.ends(cell)[0] == u or lines.ends(cell)[1] == w]
    for candidates in (joining, touching):
        nonzero = [cell for cell in candidates if table[cell] > 0]
        if nonzero:
            return _smallest(table, nonzero)
    return _smallest(table, joining) or _smallest(table, touching) or _smallest(table, shown)


def _margin(
    totals: list[int], parts: Sequence[int] | None, min_cell: int
) -> tuple[list[bool], tuple[int, ...] | None]:
    """Withhold totals by the one-way rule, or by parts whose totals are published too."""
    if parts is None or len(set(parts)) < 2:
        return suppress(totals, min_cell=min_cell, complete=True), None
    groups = [[k for k, p in enumerate(parts) if p == part] for part in sorted(set(parts))]
    hidden, told = suppress_parts(totals, groups, min_cell=min_cell)
    return hidden, tuple(sorted(set(parts)).index(p) for p in parts) if told else None


def suppress_table(
    counts: Sequence[Sequence[int]] | np.ndarray,
    *,
    min_cell: int,
    row_parts: Sequence[int] | None = None,
    column_parts: Sequence[int] | None = None,
) -> TableSuppression:
    """Choose the cells and totals of a two-way table to withhold (see the module's rule).

    Parameters
    ----------
    counts : 2-D array of int
        The table (rows by columns).
    min_cell : int
        Smallest count published; 1 publishes every count.
    row_parts, column_parts : sequence of int, optional
        A part per row (column), e.g. 0 for the valid answers of the grouping
        question (the question) and 1 for its missing kinds, whose totals
        ``survey_items.csv`` publishes too: the totals are then withheld by
        :func:`~analysis_utils.survey.disclosure.suppress_parts` (as there), and
        the withheld totals of each part are an equation of their own.

    Returns
    -------
    TableSuppression
        Guarantee: every withheld cell can take at least two values in
        non-negative integer tables with the same published cells and totals.
        A table of one row or one column is the one-way rule itself (its cells
        are its totals).

    Raises
    ------
    ValueError
        If ``min_cell < 1`` or the counts are not a 2-D table of whole numbers >= 0.
    """
    table = _check(counts, min_cell)
    rows, by_row = _margin(table.sum(axis=1).tolist(), row_parts, min_cell)
    columns, by_column = _margin(table.sum(axis=0).tolist(), column_parts, min_cell)
    if 1 in table.shape:
        line = columns if table.shape[0] == 1 else rows
        cells = np.array(line, dtype=bool).reshape(table.shape)
        return TableSuppression(cells, tuple(rows), tuple(columns), by_row, by_column)
    hidden = (table > 0) & (table < min_cell)
    lines = _Lines((table.shape[0], table.shape[1]), rows, columns, by_row, by_column)
    while not hidden.all():
        pick = _sum_rule(table, hidden, lines, min_cell) or _bridge_rule(table, hidden, lines)
        if pick is None:
            result = TableSuppression(hidden, tuple(rows), tuple(columns), by_row, by_column)
            pick = _total_rule(table, hidden, told_totals(table, result, min_cell))
            if pick is None:
                break
        hidden[pick] = True
    return TableSuppression(hidden, tuple(rows), tuple(columns), by_row, by_column)


def _total_rule(
    table: np.ndarray, hidden: np.ndarray, told: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """Pick a cell to withhold so that the first withheld total told is told no more."""
    if not told:
        return None
    axis, k = told[0]
    shown = [(int(i), int(j)) for i, j in zip(*np.nonzero(~hidden), strict=True)]
    line = [cell for cell in shown if cell[axis] == k]
    nonzero = [cell for cell in line if table[cell] > 0]
    return _smallest(table, nonzero) or _smallest(table, line) or _smallest(table, shown)


def protection_intervals(
    counts: Sequence[Sequence[int]] | np.ndarray, suppression: TableSuppression
) -> np.ndarray:
    """Smallest and largest value each withheld cell can take, given what is published.

    Solves, for each withheld cell, two linear programmes
    (:func:`scipy.optimize.linprog`): minimise and maximise the cell over
    non-negative tables that keep every published cell, every published row
    and column total, and the grand total (and, where the table has parts,
    the total of each part's withheld totals). The constraints are those of a
    transportation problem (totally unimodular), so the bounds are whole
    numbers reached by integer tables; they are rounded to the nearest whole
    number.

    Parameters
    ----------
    counts : 2-D array of int
    suppression : TableSuppression

    Returns
    -------
    numpy.ndarray
        Shape ``(rows, columns, 2)``: low and high bound of each withheld cell,
        NaN for published cells.
    """
    table = _check(counts, 1)
    r, c = table.shape
    out = np.full((r, c, 2), np.nan)
    free, equations, totals = _programme(table, suppression)
    for index, cell in enumerate(free):
        objective = np.zeros(len(free))
        objective[index] = 1.0
        out[cell[0], cell[1]] = _bound(objective, equations, totals)
    return out


def _programme(
    table: np.ndarray, suppression: TableSuppression
) -> tuple[list[tuple[int, int]], list[list[float]], list[float]]:
    """Give the withheld cells and the published equations on them."""
    r, c = table.shape
    hidden = np.asarray(suppression.cells, dtype=bool)
    free = [(int(i), int(j)) for i, j in zip(*np.nonzero(hidden), strict=True)]
    equations: list[list[float]] = []
    totals: list[float] = []
    if not free:
        return free, equations, totals
    for margin, withheld, parts, axis in (
        (table.sum(axis=1), suppression.rows, suppression.row_parts, 0),
        (table.sum(axis=0), suppression.columns, suppression.column_parts, 1),
    ):
        groups = [[k] for k, h in enumerate(withheld) if not h]
        part = list(parts) if parts is not None else [0] * len(withheld)
        for p in sorted(set(part)):
            merged = [k for k, h in enumerate(withheld) if h and part[k] == p]
            groups += [merged] if merged else []
        for group in groups:
            equations.append([1.0 if cell[axis] in group else 0.0 for cell in free])
            shown = sum(
                int(table[i, j])
                for i in range(r)
                for j in range(c)
                if not hidden[i, j] and (i, j)[axis] in group
            )
            totals.append(float(sum(int(margin[k]) for k in group) - shown))
    return free, equations, totals


def _bound(objective: np.ndarray, equations: list[list[float]], totals: list[float]) -> list[int]:
    """Smallest and largest value of ``objective`` times the withheld cells (two programmes)."""
    from scipy.optimize import linprog

    found = []
    for sign in (1.0, -1.0):
        result = linprog(sign * objective, A_eq=equations, b_eq=totals, bounds=(0, None))
        if not result.success:
            raise ValueError(f"the published table is infeasible: {result.message}")
        found.append(round(sign * result.fun))
    return found


def told_totals(
    counts: Sequence[Sequence[int]] | np.ndarray, suppression: TableSuppression, min_cell: int
) -> list[tuple[int, int]]:
    """Find the withheld totals a reader tells from what is published.

    A withheld row (column) total is its published cells plus its withheld
    ones; it is *told* where its smallest and largest value (linear
    programmes, as :func:`protection_intervals`) are equal, or both within 1
    to ``min_cell - 1``.

    Parameters
    ----------
    counts : 2-D array of int
    suppression : TableSuppression
    min_cell : int

    Returns
    -------
    list of (int, int)
        ``(0, i)`` for row ``i``, ``(1, j)`` for column ``j``.
    """
    table = _check(counts, 1)
    free, equations, totals = _programme(table, suppression)
    hidden = np.asarray(suppression.cells, dtype=bool)
    told = []
    for axis, withheld in ((0, suppression.rows), (1, suppression.columns)):
        for k in (k for k, h in enumerate(withheld) if h):
            objective = np.array([1.0 if cell[axis] == k else 0.0 for cell in free])
            line = table[k] if axis == 0 else table[:, k]
            shown = int(line[~(hidden[k] if axis == 0 else hidden[:, k])].sum())
            if not objective.any():
                told.append((axis, k))
                continue
            low, high = (shown + b for b in _bound(objective, equations, totals))
            if low == high or (low >= 1 and high <= min_cell - 1):
                told.append((axis, k))
    return told

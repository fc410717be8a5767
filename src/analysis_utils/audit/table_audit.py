"""The verdicts of ``audit-table``: per reported value, and per paper and table jointly.

Per row: consistent, inconsistent or not testable at the stated ``n`` (or over the
range searched), with the reason; the counts that give the value at ``n``; the sizes
in the range at which it is possible. Not testable, as TIDES and scrutiny distinguish:

- *n too large*: ``n * items`` is at least ``10**D`` (``D`` the decimals printed, plus
  2 for a percentage), so every value printed at that precision is possible;
- *too many decimals*: more than :data:`~analysis_utils.audit.reported.MAX_DECIMALS`,
  a number printed in full rather than a rounded report.

Per paper and table: the sizes, within every row's range, at which all its values are
possible together, and each complete breakdown's counts can sum to ``n``
(:mod:`analysis_utils.audit.sizes`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis_utils.audit import sizes
from analysis_utils.audit.decisions import ROUNDINGS
from analysis_utils.audit.reported import MAX_DECIMALS
from analysis_utils.audit.table_input import AuditInput
from analysis_utils.audit.table_reasons import CONSISTENT, INCONSISTENT, NOT_TESTABLE, reasons
from analysis_utils.audit.vectorised import Intervals, count_bounds, intervals

#: Runs of feasible sizes listed in a row's ``feasible_n`` (all are in ``feasible_n.csv``).
LISTED_RUNS = 12

#: Most runs of feasible sizes listed in ``feasible_n.csv`` (about 40 MB); a search that
#: finds more says so, and each row keeps its count, smallest, largest and first runs.
MAX_RUNS_WRITTEN = 2_000_000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Audit:
    """What ``audit-table`` writes.

    Parameters
    ----------
    rows : pandas.DataFrame
        The input's columns, then the results
        (:data:`~analysis_utils.audit.table_input.RESULT_COLUMNS`).
    tables : pandas.DataFrame
        One row per paper and table.
    runs : pandas.DataFrame
        Every run of feasible sizes: ``row``, ``paper``, ``table``, ``first_n``, ``last_n``;
        none if there are more than :data:`MAX_RUNS_WRITTEN`.
    runs_found : int
        The runs found (listed or not).
    """

    rows: pd.DataFrame
    tables: pd.DataFrame
    runs: pd.DataFrame
    runs_found: int

    @property
    def runs_listed(self) -> bool:
        """Whether ``runs`` lists every run found."""
        return len(self.runs) == self.runs_found


def _intervals(data: AuditInput) -> Intervals:
    read = data.reported
    return intervals(
        read.units,
        np.minimum(read.decimals, MAX_DECIMALS),
        percent=data.percent,
        rounding=data.rounding,
        threshold=data.threshold,
        below=read.below,
    )


def _nullable(values: np.ndarray, keep: np.ndarray) -> pd.Series:
    """Whole numbers, empty where ``keep`` is false."""
    return pd.Series(values, dtype="Int64").where(keep)


def _rank(owner: np.ndarray) -> np.ndarray:
    """Position of each run among its owner's runs (runs ordered by owner)."""
    if not len(owner):
        return owner
    start = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    return np.arange(len(owner)) - np.repeat(start, np.diff(np.r_[start, len(owner)]))


def _compact(runs: sizes.Runs, owners: int) -> tuple[np.ndarray, ...]:
    """Per owner: sizes feasible, smallest, largest, and the first runs as text (``3 6 9-12``)."""
    width = runs.last - runs.first + 1
    count = np.bincount(runs.owner, weights=width, minlength=owners).astype(np.int64)
    smallest = np.zeros(owners, np.int64)
    largest = np.zeros(owners, np.int64)
    rank = _rank(runs.owner)
    smallest[runs.owner[rank == 0]] = runs.first[rank == 0]
    np.maximum.at(largest, runs.owner, runs.last)
    shown = rank < LISTED_RUNS
    owner = runs.owner[shown].tolist()
    text = [
        str(a) if a == b else f"{a}-{b}"
        for a, b in zip(runs.first[shown].tolist(), runs.last[shown].tolist(), strict=True)
    ]
    joined = np.full(owners, "", dtype=object)
    start = 0
    for end in [*np.flatnonzero(np.diff(owner)).tolist(), len(owner) - 1] if owner else []:
        joined[owner[end]] = " ".join(text[start : end + 1])
        start = end + 1
    more = np.bincount(runs.owner[~shown], minlength=owners) > 0
    joined[more] = joined[more] + " ..."
    return count, smallest, largest, joined


def _row_verdicts(
    data: AuditInput, iv: Intervals, progress: Progress
) -> tuple[pd.DataFrame, sizes.Runs]:
    """Each row's verdict and reason, its counts at ``n``, and its runs of feasible sizes."""
    read = data.reported
    size = len(read.units)
    testable = read.decimals <= MAX_DECIMALS
    total = data.n * data.items
    at_n = np.flatnonzero((data.n > 0) & testable)
    lowest, highest = count_bounds(iv, at_n, total[at_n])
    kind = lowest.dtype  # Python integers where a mean's count passes int64
    low, high = np.zeros(size, kind), np.full(size, -1, kind)
    low[at_n], high[at_n] = lowest, highest
    found = np.asarray(low <= high, bool)
    power = np.power(np.int64(10), np.minimum(read.decimals + 2 * data.percent, 18))
    coarse = ~read.below & testable  # n too large only where the grain can be finer than the print
    searched = np.flatnonzero(data.searched & testable)
    owners = sizes.merged(
        sizes.feasible(
            iv,
            sizes.single(searched, data.n_min[searched], data.n_max[searched]),
            items=data.items,
            progress=_reporter(progress, "sizes searched per value"),
        )
    )
    count, smallest, largest, listing = _compact(owners, size)
    verdict = np.full(size, NOT_TESTABLE, dtype=object)
    stated = data.n > 0
    verdict[stated & testable] = np.where(found[stated & testable], CONSISTENT, INCONSISTENT)
    only_range = ~stated & testable
    verdict[only_range] = np.where(count[only_range] > 0, CONSISTENT, INCONSISTENT)
    big = np.where(stated, total, data.n_min * data.items) >= power
    verdict[(verdict == CONSISTENT) & coarse & big] = NOT_TESTABLE
    reason = reasons(
        data.frame["value"].to_numpy(),
        verdict,
        decimals=read.decimals,
        percent=data.percent,
        items=data.items,
        n=data.n,
        n_min=data.n_min,
        n_max=data.n_max,
        below=read.below,
        rounding=np.asarray(ROUNDINGS)[data.rounding],
        low=low,
        high=high,
        count=count,
    )
    results = pd.DataFrame(
        {
            "row": np.arange(size) + 2,
            "verdict": verdict,
            "reason": reason,
            "count_min": pd.Series(low, dtype=object).where(found, None),
            "count_max": pd.Series(high, dtype=object).where(found, None),
            "feasible_n": np.where(data.searched, listing, ""),
            "feasible_n_count": _nullable(count, data.searched & testable),
            "smallest_n": _nullable(smallest, count > 0),
            "largest_n": _nullable(largest, count > 0),
        }
    )
    return results, owners


def _reporter(progress: Progress, what: str) -> Callable[[int, int], None]:
    """Say how far a long search is, at each quarter (searches under a few chunks say nothing)."""
    said = [0]

    def report(done: int, total: int) -> None:
        if total < 4 * sizes.CHUNK_CELLS:
            return
        quarter = 4 * done // total
        if quarter > said[0]:
            said[0] = quarter
            progress(f"{what}: {done:,} of {total:,} checks ({25 * quarter} %)")

    return report


def _table_pieces(
    data: AuditInput, keys: np.ndarray, usable: np.ndarray
) -> tuple[sizes.Pieces, np.ndarray]:
    """One piece per table: its usable rows, sorted by breakdown, over the common range."""
    frame = data.frame
    labelled = frame["breakdown"].to_numpy() != ""
    labels = np.full(len(keys), -1, np.int64)
    if labelled.any():
        pairs = pd.DataFrame({"key": keys[labelled], "label": frame["breakdown"][labelled]})
        labels[labelled] = pairs.groupby(["key", "label"], sort=False).ngroup().to_numpy()
    rows = np.flatnonzero(usable)
    order = rows[np.lexsort((labels[rows], keys[rows]))]
    tables = keys[order]
    starts = np.flatnonzero(np.r_[True, tables[1:] != tables[:-1]]) if len(order) else order
    lowest = np.maximum.reduceat(data.n_min[order], starts) if len(order) else order
    highest = np.minimum.reduceat(data.n_max[order], starts) if len(order) else order
    pieces = sizes.Pieces(
        owner=tables[starts].astype(np.int64),
        lowest=np.asarray(lowest, np.int64),
        highest=np.asarray(highest, np.int64),
        members=order.astype(np.intp),
        start=np.r_[starts, len(order)].astype(np.intp),
    )
    return pieces, labels


def _tables(
    data: AuditInput, iv: Intervals, rows: pd.DataFrame, row_runs: sizes.Runs, progress: Progress
) -> pd.DataFrame:
    """One row per paper and table: its verdicts counted, and the sizes it allows jointly.

    A table of one searched value and no breakdown allows what that value allows: its
    runs are taken from ``row_runs``, not searched again.
    """
    frame = data.frame
    keys = frame.groupby(["paper", "table"], sort=False).ngroup().to_numpy()
    testable = data.reported.decimals <= MAX_DECIMALS
    pieces, labels = _table_pieces(data, keys, testable)
    members = np.diff(pieces.start)
    alone = pieces.members[pieces.start[:-1]]  # a one-value table's value
    reused = (members == 1) & data.searched[alone] & (labels[alone] < 0)
    common = (pieces.lowest <= pieces.highest) & ~reused
    chosen = sizes.Pieces(
        pieces.owner[common],
        pieces.lowest[common],
        pieces.highest[common],
        *_members(pieces, common),
    )
    searched = sizes.feasible(
        iv,
        chosen,
        items=data.items,
        breakdown=labels,
        progress=_reporter(progress, "sizes searched per table"),
    )
    again = np.zeros(len(keys), bool)
    again[alone[reused]] = True
    taken = again[row_runs.owner]
    runs = sizes.merged(
        sizes.Runs(
            np.r_[searched.owner, keys[row_runs.owner[taken]]],
            np.r_[searched.first, row_runs.first[taken]],
            np.r_[searched.last, row_runs.last[taken]],
        )
    )
    owners = int(keys.max()) + 1
    count, smallest, _, listing = _compact(runs, owners)
    stated, stated_ok = _at_stated_n(data, iv, pieces, keys, labels, owners)
    first = pd.Series(np.arange(len(keys))).groupby(keys).first().to_numpy()
    verdict_code = pd.Categorical(
        rows["verdict"], categories=[CONSISTENT, INCONSISTENT, NOT_TESTABLE]
    ).codes
    verdicts = np.bincount(3 * keys + verdict_code, minlength=3 * owners).reshape(owners, 3)
    lo = np.zeros(owners, np.int64)
    hi = np.zeros(owners, np.int64)
    lo[pieces.owner], hi[pieces.owner] = pieces.lowest, pieces.highest
    has_range = np.zeros(owners, bool)
    has_range[pieces.owner] = True
    common_all = has_range & (lo <= hi)
    table = pd.DataFrame(
        {
            "paper": frame["paper"].to_numpy()[first],
            "table": frame["table"].to_numpy()[first],
            "values": np.bincount(keys, minlength=owners),
            "consistent": verdicts[:, 0],
            "inconsistent": verdicts[:, 1],
            "not_testable": verdicts[:, 2],
            "stated_n": _nullable(stated, stated > 0),
            "at_stated_n": np.where(stated > 0, np.where(stated_ok, CONSISTENT, INCONSISTENT), ""),
            "sizes_searched": [
                f"{a}-{b}" if c else "" for a, b, c in zip(lo, hi, common_all, strict=True)
            ],
            "joint_n_count": _nullable(count, common_all),
            "smallest_joint_n": _nullable(smallest, count > 0),
            "joint_n": listing,
            "breakdown_sums": _breakdown_sums(data, keys, owners),
        }
    )
    read = data.reported
    power = np.power(np.int64(10), np.minimum(read.decimals + 2 * data.percent, 18))
    bites = testable & (read.below | (lo[keys] * data.items < power))
    coarse = common_all & (np.bincount(keys, weights=bites, minlength=owners) == 0)
    table["joint_verdict"] = np.where(
        ~common_all | (coarse & (count > 0)),
        NOT_TESTABLE,
        np.where(count > 0, CONSISTENT, INCONSISTENT),
    )
    table["joint_reason"] = [
        _joint_reason(int(a), int(b), bool(c), int(k), bool(t))
        for a, b, c, k, t in zip(lo, hi, common_all, count, coarse, strict=True)
    ]
    return table


def _at_stated_n(
    data: AuditInput,
    iv: Intervals,
    pieces: sizes.Pieces,
    keys: np.ndarray,
    labels: np.ndarray,
    owners: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Find each table's shared stated n (0 if none), and whether it allows all the values."""
    usable = pieces.members
    table = keys[usable]
    stated = data.n[usable]
    low = np.full(owners, np.iinfo(np.int64).max)
    high = np.zeros(owners, np.int64)
    np.minimum.at(low, table, np.where(stated > 0, stated, 0))
    np.maximum.at(high, table, stated)
    shared = np.where((low == high) & (high > 0), high, 0)
    keep = shared[pieces.owner] > 0
    at_n = sizes.Pieces(
        pieces.owner[keep],
        shared[pieces.owner[keep]],
        shared[pieces.owner[keep]],
        *_members(pieces, keep),
    )
    runs = sizes.feasible(iv, at_n, items=data.items, breakdown=labels)
    ok = np.zeros(owners, bool)
    ok[runs.owner] = True
    return shared, ok


def _members(pieces: sizes.Pieces, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Select the members and starts of the kept pieces."""
    count = np.diff(pieces.start)
    members = pieces.members[np.repeat(keep, count)]
    return members, np.r_[0, np.cumsum(count[keep])].astype(np.intp)


def _joint_reason(lo: int, hi: int, common: bool, count: int, coarse: bool) -> str:
    """Say a table's joint verdict in words."""
    if not common:
        return "the rows' sizes have no n in common: no shared n to test"
    if coarse and count:
        return f"n too large: from n = {lo} on, every value printed so is possible"
    if count:
        return f"all values possible together at {count:,} of the sizes {lo} to {hi}"
    return f"no size from {lo} to {hi} gives all values together"


def _breakdown_sums(data: AuditInput, keys: np.ndarray, owners: int) -> np.ndarray:
    """Per table, each breakdown's printed sum (``label: 100 %``), exactly."""
    from decimal import Decimal

    frame = data.frame
    label = frame["breakdown"]
    out = np.full(owners, "", dtype=object)
    rows = np.flatnonzero(label.to_numpy() != "")
    if not len(rows):
        return out
    sums: dict[tuple[int, str], Decimal] = {}
    values, labels = frame["value"].to_numpy(), label.to_numpy()
    for row in rows.tolist():
        text = str(values[row]).strip().lstrip("<").strip().rstrip("%").strip()
        key = (int(keys[row]), str(labels[row]))
        sums[key] = sums.get(key, Decimal(0)) + Decimal(text)
    for (owner, name), total in sums.items():
        part = f"{name}: {total} %"
        out[owner] = f"{out[owner]}; {part}" if out[owner] else part
    return out


def audit(data: AuditInput, *, progress: Progress = lambda _: None) -> Audit:
    """Audit every reported value of a checked input table.

    Parameters
    ----------
    data : AuditInput
        From :func:`analysis_utils.audit.table_input.check`.
    progress : callable
        Called with a line of progress (a few per long table).

    Returns
    -------
    Audit
    """
    iv = _intervals(data)
    rows, row_runs = _row_verdicts(data, iv, progress)
    tables = _tables(data, iv, rows, row_runs, progress)
    out = pd.concat([data.frame.reset_index(drop=True), rows], axis=1)
    listed = len(row_runs.owner) <= MAX_RUNS_WRITTEN
    owner = row_runs.owner if listed else row_runs.owner[:0]
    long = pd.DataFrame(
        {
            "row": owner + 2,
            "paper": data.frame["paper"].to_numpy()[owner],
            "table": data.frame["table"].to_numpy()[owner],
            "first_n": row_runs.first[: len(owner)],
            "last_n": row_runs.last[: len(owner)],
        }
    )
    return Audit(rows=out, tables=tables, runs=long, runs_found=len(row_runs.owner))

"""The input of ``audit-table``: one row per reported value, read and checked in bulk.

Columns (any order; other columns are kept and copied to the output):

- ``paper`` (required): the paper the value comes from.
- ``table``: the table (or figure, or section) within the paper; values of one
  paper and table are checked jointly for a shared sample size.
- ``value`` (required): the value as printed, as text (``"44.0"`` keeps its decimal);
  ``"<1"`` for a share printed only as below 1 %.
- ``percent`` (required): ``true`` for a percentage of ``n``, ``false`` for a mean.
- ``n``: the sample size stated for the value.
- ``n_min``, ``n_max``: a range of sample sizes to search (both or neither).
- ``rounding``: one of :data:`~analysis_utils.audit.granularity.ROUNDINGS` (empty:
  the command's default).
- ``threshold``: 1 to 9, for the ``*_from`` roundings (default 5).
- ``items``: items per observation of a mean (default 1).
- ``breakdown``: a label shared by the percentages of one single-choice question
  whose options the table gives in full: their counts must sum to ``n``.

Every row needs ``n`` or ``n_min`` and ``n_max``. Bad rows are refused together, each
named by file, row (1 = the header line), column and rule, before anything is written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis_utils.audit.decisions import DEFAULT_ROUNDING, ROUNDINGS, Rounding
from analysis_utils.audit.limits import MEMORY_BUDGET, WORK_BUDGET_SECONDS
from analysis_utils.audit.reported import (
    MAX_DECIMALS,
    MAX_DIGITS,
    RULE_TEXT,
    Reported,
    read_reported,
)
from analysis_utils.core.errors import InputError, Problem

REQUIRED = ("paper", "value", "percent")
OPTIONAL = ("table", "n", "n_min", "n_max", "rounding", "threshold", "items", "breakdown")

#: Columns the output adds to each row (an input column of one of these names is refused).
RESULT_COLUMNS = (
    "row",
    "verdict",
    "reason",
    "count_min",
    "count_max",
    "feasible_n",
    "feasible_n_count",
    "smallest_n",
    "largest_n",
)

#: Memory one row takes from reading to writing (measured: 1,043,916 kB at peak for the
#: command on 1,000,000 rows of five columns, about 150 MB of it the libraries).
BYTES_PER_ROW = 1000

#: Most rows read from one file (1,073,741): the memory budget of
#: :data:`analysis_utils.audit.limits.MEMORY_BUDGET` over :data:`BYTES_PER_ROW`.
MAX_ROWS = MEMORY_BUDGET // BYTES_PER_ROW

#: (value, size) checks of the search of sample sizes a second (measured: 100,000 values
#: over n = 1..1000 in 3.6 s on the 2-core machine the package asks for).
SIZE_CHECKS_PER_SECOND = 25_000_000

#: Most sizes searched over all rows (7,500,000,000): the work budget of
#: :data:`analysis_utils.audit.limits.WORK_BUDGET_SECONDS` at that rate. The joint search
#: per table takes at most as many again.
MAX_SIZE_CHECKS = WORK_BUDGET_SECONDS * SIZE_CHECKS_PER_SECOND

#: Largest sample size read (a larger one is a typing error, or not a sample).
MAX_N = 10**9

#: Most items per observation of a mean.
MAX_ITEMS = 10**6

#: Problems listed in one refusal; the rest are counted.
MAX_LISTED = 20

_TRUE, _FALSE = {"true", "yes", "1", "t", "y"}, {"false", "no", "0", "f", "n"}


@dataclass(frozen=True)
class AuditInput:
    """A checked input table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file's cells as text, with ``table`` and ``breakdown`` added if absent.
    shown : str
        The file's name in messages.
    reported : Reported
        The values read.
    percent : numpy.ndarray
        ``bool`` per row.
    n : numpy.ndarray
        ``int64``: the stated size, 0 where none.
    n_min, n_max : numpy.ndarray
        ``int64``: the range searched (the stated size where no range is given).
    rounding : numpy.ndarray
        ``int64``: index into :data:`~analysis_utils.audit.granularity.ROUNDINGS`.
    threshold, items : numpy.ndarray
        ``int64`` per row.
    searched : numpy.ndarray
        ``bool``: the row gives a range of sizes to search.
    """

    frame: pd.DataFrame
    shown: str
    reported: Reported
    percent: np.ndarray
    n: np.ndarray
    n_min: np.ndarray
    n_max: np.ndarray
    rounding: np.ndarray
    threshold: np.ndarray
    items: np.ndarray
    searched: np.ndarray


def _whole(shown: str, rule: str, message: str) -> InputError:
    return InputError([Problem(shown, None, "(whole file)", rule, message)])


def read_frame(path: Path, shown: str) -> pd.DataFrame:
    """Read a CSV (``,`` or ``;``, UTF-8, byte-order mark or not) or Parquet file as text.

    Parameters
    ----------
    path : Path
        The table.
    shown : str
        Its name in messages.

    Returns
    -------
    pandas.DataFrame
        Every cell as text (empty cells ``""``).

    Raises
    ------
    InputError
        If the file cannot be read, naming what to do.
    """
    if not path.is_file():
        raise _whole(shown, "missing-file", "no such file: give the path of a CSV or Parquet table")
    if path.suffix.lower() in (".parquet", ".pq"):
        return _read_parquet(path, shown)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
        separator = ";" if ";" in header and "," not in header else ","
        names = next(csv.reader([header], delimiter=separator), [])
        frame = pd.read_csv(
            path,
            sep=separator,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            nrows=MAX_ROWS + 1,  # memory bounded: a longer file is refused below
        )
    except UnicodeDecodeError:
        raise _whole(shown, "encoding", "not UTF-8 text: save the table as CSV UTF-8") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "no columns"
        raise _whole(shown, "csv-error", f"{message}: save the table again as CSV") from None
    repeated = sorted({name.strip() for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(
            Problem(shown, 1, name, "repeated-column", "this column name occurs twice: rename one")
            for name in repeated
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_length(frame, shown)
    return frame


def _check_length(frame: pd.DataFrame, shown: str) -> None:
    """Refuse a table of more than :data:`MAX_ROWS` rows, saying what to do."""
    if len(frame) > MAX_ROWS:
        raise _whole(
            shown,
            "too-many-rows",
            f"more than {MAX_ROWS:,} rows (about {BYTES_PER_ROW:,} bytes of memory each, "
            f"within a budget of {MEMORY_BUDGET // 2**30} GiB): split the table, by paper, "
            f"into files of at most {MAX_ROWS:,} rows",
        )


def _read_parquet(path: Path, shown: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except ImportError:
        raise _whole(
            shown,
            "parquet-reader",
            "reading Parquet needs pyarrow (pip install pyarrow); or save the table as CSV",
        ) from None
    except (OSError, ValueError) as exc:
        raise _whole(shown, "parquet-error", f"not a readable Parquet file: {exc}") from None
    if "value" in frame.columns and not (
        pd.api.types.is_object_dtype(frame["value"]) or pd.api.types.is_string_dtype(frame["value"])
    ):
        raise InputError(
            [
                Problem(
                    shown,
                    None,
                    "value",
                    "value-as-text",
                    "the values are stored as numbers, which lose their printed decimals "
                    "('44.0' reads as 44): store the column as text, as printed",
                )
            ]
        )
    _check_length(frame, shown)
    return frame.astype(object).where(frame.notna(), "").astype(str)


def _stripped(column: pd.Series) -> pd.Series:
    """Strip the spaces around each cell's text (each distinct cell once)."""
    codes, uniques = pd.factorize(column.astype(str), use_na_sentinel=False)
    stripped = np.asarray([str(u).strip() for u in uniques], dtype=object)
    return pd.Series(stripped[codes], index=column.index, dtype=object)


def _integers(column: pd.Series, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Read whole numbers ``low..high`` (empty -> 0); return them and a mask of bad cells.

    Each distinct cell is read once (a table repeats its sample sizes).
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    texts = [str(u) for u in uniques]
    digits = np.array([t.isascii() and t.isdigit() and len(t) <= 10 for t in texts], bool)
    values = np.array([int(t) if d else 0 for t, d in zip(texts, digits, strict=True)], np.int64)
    bad = np.array([t != "" for t in texts], bool) & (~digits | (values < low) | (values > high))
    values = np.where(bad, 0, values)
    return values[codes], bad[codes]


class _Problems:
    """Problems found, in row order; at most :data:`MAX_LISTED` kept."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.found: list[tuple[int, str, str, str]] = []
        self.count = 0

    def add(self, mask: np.ndarray, column: str, rule: str, message: str) -> None:
        rows = np.flatnonzero(mask)
        self.count += len(rows)
        self.found += [(int(r) + 2, column, rule, message) for r in rows[:MAX_LISTED]]

    def raise_any(self) -> None:
        if not self.count:
            return
        listed = sorted(self.found)[:MAX_LISTED]
        problems = [Problem(self.shown, *p) for p in listed]
        if self.count > len(listed):
            problems.append(
                Problem(
                    self.shown,
                    None,
                    "(whole file)",
                    "more-problems",
                    f"{self.count - len(listed):,} more problems of the same kinds: fix "
                    "those listed and run again",
                )
            )
        raise InputError(problems)


def check(frame: pd.DataFrame, shown: str, *, rounding: Rounding = DEFAULT_ROUNDING) -> AuditInput:
    """Check every row of an input table and read it into arrays.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`read_frame`.
    shown : str
        The file's name in messages.
    rounding : Rounding
        The rounding of rows whose ``rounding`` cell is empty.

    Returns
    -------
    AuditInput

    Raises
    ------
    InputError
        Naming each bad row, column and rule (at most :data:`MAX_LISTED`, then a count).
    """
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            Problem(shown, 1, c, "missing-column", f"add the column {c!r} (see audit-table --help)")
            for c in missing
        )
    if frame.empty:
        raise _whole(shown, "no-rows", "the table has no rows of values")
    reserved = [c for c in frame.columns if c in RESULT_COLUMNS]
    if reserved:
        raise InputError(
            Problem(shown, 1, c, "reserved-column", "the output adds this column: rename it")
            for c in reserved
        )
    frame = frame.copy()
    for column in OPTIONAL:
        if column not in frame.columns:
            frame[column] = ""
    for column in (*REQUIRED, *OPTIONAL):
        if column != "value":  # the value is echoed as given; its reader ignores spaces
            frame[column] = _stripped(frame[column])
    p = _Problems(shown)
    blank = frame["paper"] == ""
    p.add(blank.to_numpy(), "paper", "required", "name the paper the value comes from")
    flag = frame["percent"].str.lower()
    known = flag.isin(_TRUE | _FALSE).to_numpy()
    p.add(~known, "percent", "boolean", "write true (a percentage) or false (a mean)")
    percent = flag.isin(_TRUE).to_numpy()
    read = read_reported(frame["value"])
    p.add(read.bad & ~read.too_long, "value", "printed-value", RULE_TEXT)
    p.add(read.too_long, "value", "too-many-digits", f"at most {MAX_DIGITS} digits are read")
    hundred = 100 * np.power(np.int64(10), np.minimum(read.decimals, MAX_DECIMALS))
    out = percent & ~read.bad & ((read.units < 0) | (read.units > hundred))
    p.add(out, "value", "percent-range", "a percentage lies between 0 and 100")
    p.add(read.below & ~percent, "value", "below-percent", "'<x' is read for percentages only")
    p.add(read.below & (read.units <= 0), "value", "below-positive", "'<x' needs a bound above 0")
    n, bad_n = _integers(frame["n"], 1, MAX_N)
    p.add(bad_n, "n", "sample-size", f"a whole number from 1 to {MAX_N:,}")
    n_min, bad_min = _integers(frame["n_min"], 1, MAX_N)
    n_max, bad_max = _integers(frame["n_max"], 1, MAX_N)
    p.add(bad_min, "n_min", "sample-size", f"a whole number from 1 to {MAX_N:,}")
    p.add(bad_max, "n_max", "sample-size", f"a whole number from 1 to {MAX_N:,}")
    has_min, has_max = n_min > 0, n_max > 0
    ranged = ~bad_min & ~bad_max
    p.add(ranged & has_min & ~has_max, "n_max", "size-range", "give n_max with n_min")
    p.add(ranged & has_max & ~has_min, "n_min", "size-range", "give n_min with n_max")
    p.add(ranged & (n_min > n_max) & has_max, "n_max", "size-range", "n_max is below n_min")
    no_size = ~bad_n & ranged & (n == 0) & ~(has_min | has_max)
    p.add(no_size, "n", "sample-size", "give the stated n, or n_min and n_max to search")
    items, bad_items = _integers(frame["items"], 1, MAX_ITEMS)
    p.add(bad_items, "items", "items", f"a whole number from 1 to {MAX_ITEMS:,}")
    p.add(percent & (items > 1), "items", "items", "items are for means; leave it empty")
    threshold, bad_threshold = _integers(frame["threshold"], 1, 9)
    p.add(bad_threshold, "threshold", "threshold", "a whole number from 1 to 9 (default 5)")
    names = frame["rounding"].replace("", rounding)
    known_rounding = names.isin(ROUNDINGS).to_numpy()
    p.add(~known_rounding, "rounding", "rounding", f"one of: {', '.join(ROUNDINGS)}")
    labelled = (frame["breakdown"] != "").to_numpy()
    p.add(labelled & ~percent, "breakdown", "breakdown", "a breakdown is of percentages")
    p.raise_any()
    index = {name: i for i, name in enumerate(ROUNDINGS)}
    ranged_rows = n_min > 0
    checks = int(np.sum(np.where(ranged_rows, n_max - n_min + 1, 0)))
    if checks > MAX_SIZE_CHECKS:
        raise _whole(
            shown,
            "too-many-sizes",
            f"the ranges n_min to n_max add up to {checks:,} sizes to search, more than "
            f"{MAX_SIZE_CHECKS:,} (a work budget of {WORK_BUDGET_SECONDS} s at "
            f"{SIZE_CHECKS_PER_SECOND:,} a second): narrow the ranges",
        )
    return AuditInput(
        frame=frame,
        shown=shown,
        reported=read,
        percent=percent,
        n=n,
        n_min=np.where(ranged_rows, n_min, n),
        n_max=np.where(ranged_rows, n_max, n),
        rounding=names.map(index).to_numpy(np.int64),
        threshold=np.where(threshold == 0, 5, threshold),
        items=np.where(items == 0, 1, items),
        searched=ranged_rows,
    )

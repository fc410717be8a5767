"""``python -m analysis_utils audit-table FILE [--out DIR]``: read, audit, write.

The input is read and checked in full before anything is written; a bad row is a
refusal naming the file, row, column and rule (exit 2, nothing written). The output
folder (default: ``FILE``'s folder, ``<stem>_audit``) is refused inside ``data/raw/``
or a git repository's own data; only these files are written there, each through a
temporary name renamed into place:

- ``rows.csv``: the input's rows with their verdicts (:mod:`.table_audit`);
- ``tables.csv``: per paper and table, the verdicts counted and the shared sizes;
- ``feasible_n.csv``: every run of feasible sample sizes per row;
- ``audit.md``: the page a reader opens (:mod:`.table_page`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from analysis_utils.audit import table_audit, table_input, table_page
from analysis_utils.audit.decisions import DEFAULT_ROUNDING, ROUNDINGS
from analysis_utils.core.errors import ParameterError
from analysis_utils.core.io import atomic_write_bytes, csv_bytes
from analysis_utils.core.paths import check_writable, find_root, shown

#: The files written into the output folder.
OUTPUTS = ("rows.csv", "tables.csv", "feasible_n.csv", "audit.md")


def _say(line: str) -> None:
    print(f"audit-table: {line}", file=sys.stderr, flush=True)


def default_folder(path: Path) -> Path:
    """Name the output folder when none is given: ``<stem>_audit`` beside the input.

    Parameters
    ----------
    path : Path

    Returns
    -------
    Path
    """
    return path.parent / f"{path.stem}_audit"


def run(path: Path, out: Path | None = None, *, rounding: str = DEFAULT_ROUNDING) -> list[Path]:
    """Audit the table at ``path`` and write the results into ``out``.

    Parameters
    ----------
    path : Path
        A CSV or Parquet table (:mod:`.table_input`).
    out : Path, optional
        The output folder (default :func:`default_folder`).
    rounding : str
        The rounding of rows that name none.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    InputError
        For bad rows (nothing written).
    ParameterError
        For an output folder refused, or a rounding unknown.
    """
    if rounding not in ROUNDINGS:
        raise ParameterError(
            f"--rounding {rounding!r} is unknown; use one of: {', '.join(ROUNDINGS)}"
        )
    try:
        root: Path | None = find_root()
    except FileNotFoundError:
        root = None
    folder = default_folder(path) if out is None else out
    check_writable(
        folder, f"audit-table's output folder {folder}", "give --out DIR elsewhere", root=root
    )
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"{folder} exists and is not a folder: give --out DIR elsewhere")
    if path.resolve() in {(folder / name).resolve() for name in OUTPUTS}:
        raise ParameterError(
            f"the output would overwrite the input {path}: give --out DIR elsewhere"
        )
    start = time.perf_counter()
    name = shown(path, root)
    frame = table_input.read_frame(path, name)
    _say(f"read {len(frame):,} rows of {name}")
    data = table_input.check(frame, name, rounding=rounding)
    result = table_audit.audit(data, progress=_say)
    written = {
        "rows.csv": csv_bytes(result.rows),
        "tables.csv": csv_bytes(result.tables),
        "feasible_n.csv": csv_bytes(result.runs),
        "audit.md": table_page.page(result, source=name).encode("utf-8"),
    }
    if not result.runs_listed:
        _say(
            f"feasible_n.csv left empty: {result.runs_found:,} runs of feasible sizes, more "
            f"than {table_audit.MAX_RUNS_WRITTEN:,}; rows.csv keeps each row's first runs"
        )
    for file, data_bytes in written.items():
        atomic_write_bytes(folder / file, data_bytes)
    _say(f"checked {len(frame):,} values in {time.perf_counter() - start:.1f} s")
    return [folder / file for file in OUTPUTS]

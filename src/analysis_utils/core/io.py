"""Reading raw files, writing processed files and reports, checksums.

Every write goes to a temporary file in the target folder and is renamed into
place only when complete (and, for tables, valid), so a failure never leaves a
half-written or invalid file behind and never touches the previous contents.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils.core import paths, writing
from analysis_utils.core.errors import InputError, Problem
from analysis_utils.core.validate import validate_table

#: Permissions of every file written (temporary files start private).
FILE_MODE = 0o644

CHECKSUM_RULE = "sha256 must match data/raw/SHA256SUMS"


def sha256(path: Path) -> str:
    """Return the hex SHA-256 digest of a file.

    Parameters
    ----------
    path : Path
        File to hash.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_files(raw: Path) -> list[Path]:
    """List the raw files that the checksum list covers, sorted.

    Every file under ``raw`` except the list itself and ``README.md`` (which
    quotes the checksums).

    Parameters
    ----------
    raw : Path
        The raw-data folder.

    Returns
    -------
    list of Path
    """
    skip = {"SHA256SUMS", "README.md"}
    return sorted(
        p for p in raw.rglob("*") if p.is_file() and not (p.parent == raw and p.name in skip)
    )


def read_checksums(listing: Path) -> dict[str, str]:
    """Read a ``sha256sum``-format list into ``{relative path: digest}``.

    Parameters
    ----------
    listing : Path
        The ``SHA256SUMS`` file.

    Returns
    -------
    dict
        Relative POSIX path to hex digest, in file order.

    Raises
    ------
    InputError
        If the list is missing or a line is malformed.
    """
    if not listing.is_file():
        raise InputError([Problem(str(listing), None, "(whole file)", "missing-file", "not found")])
    entries: dict[str, str] = {}
    for number, line in enumerate(listing.read_text(encoding="utf-8").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name:
            raise InputError(
                [Problem(listing.name, number, "(line)", "format", "expected '<sha256>  <path>'")]
            )
        entries[name] = digest
    return entries


def write_checksums(raw: Path) -> Path:
    """Write ``SHA256SUMS`` for the raw folder (maintainers, after a deliberate change).

    Parameters
    ----------
    raw : Path
        The raw-data folder.

    Returns
    -------
    Path
        The list written.
    """
    lines = [f"{sha256(p)}  {p.relative_to(raw).as_posix()}\n" for p in checksum_files(raw)]
    target = raw / "SHA256SUMS"
    atomic_write_bytes(target, "".join(lines).encode("utf-8"))
    return target


CHECKSUM_TABLE_START = "<!-- checksums:start -->"
CHECKSUM_TABLE_END = "<!-- checksums:end -->"


def checksum_table(entries: Mapping[str, str]) -> str:
    """Render checksums as the Markdown table of ``data/raw/README.md``.

    Parameters
    ----------
    entries : mapping
        Relative path to hex digest, as :func:`read_checksums` returns.

    Returns
    -------
    str
        The table, between its start and end markers.
    """
    rows = "".join(f"| `{name}` | `{digest}` |\n" for name, digest in entries.items())
    return f"{CHECKSUM_TABLE_START}\n| file | sha256 |\n|---|---|\n{rows}{CHECKSUM_TABLE_END}"


def update_checksum_table(readme: Path, entries: Mapping[str, str]) -> None:
    """Replace the checksum table between its markers in a README.

    Parameters
    ----------
    readme : Path
        The Markdown file holding the markers.
    entries : mapping
        Relative path to hex digest.

    Raises
    ------
    ValueError
        If the markers are missing.
    """
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(CHECKSUM_TABLE_START), text.find(CHECKSUM_TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"{readme}: checksum table markers not found")
    new = text[:start] + checksum_table(entries) + text[end + len(CHECKSUM_TABLE_END) :]
    atomic_write_bytes(readme, new.encode("utf-8"))


def verify_checksums(raw: Path, *, shown_prefix: str = "data/raw/") -> list[str]:
    """Check every raw file against ``SHA256SUMS``.

    Parameters
    ----------
    raw : Path
        The raw-data folder.
    shown_prefix : str
        Prefix of file names in messages.

    Returns
    -------
    list of str
        The files verified.

    Raises
    ------
    InputError
        For each changed, missing or unlisted file.
    """
    listing = raw / "SHA256SUMS"
    expected = read_checksums(listing)
    problems: list[Problem] = []
    for number, (name, digest) in enumerate(expected.items(), start=1):
        path = raw / name
        if not path.is_file():
            problems.append(
                Problem(
                    shown_prefix + name,
                    None,
                    "(whole file)",
                    "missing-file",
                    f"listed in SHA256SUMS line {number} but not found",
                )
            )
        elif (actual := sha256(path)) != digest:
            problems.append(
                Problem(
                    shown_prefix + name,
                    None,
                    "(whole file)",
                    CHECKSUM_RULE,
                    f"SHA-256 is {actual}, SHA256SUMS line {number} says {digest}; "
                    "raw data are immutable: restore the file, or if the change is "
                    "deliberate run 'python -m analysis_utils update-checksums'",
                )
            )
    for path in checksum_files(raw):
        name = path.relative_to(raw).as_posix()
        if name not in expected:
            problems.append(
                Problem(
                    shown_prefix + name,
                    None,
                    "(whole file)",
                    "unlisted-file",
                    "not listed in SHA256SUMS",
                )
            )
    if problems:
        raise InputError(problems)
    return list(expected)


def package_schema_updates(
    package: Path, schemas: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any] | None:
    """Return a data package descriptor with some resources' schemas regenerated.

    Each resource whose ``path`` is a key of ``schemas`` gets that schema's
    ``fields`` and ``primaryKey``; everything else (foreign keys, other
    resources, the package's metadata) is kept.

    Parameters
    ----------
    package : Path
        ``datapackage.json``.
    schemas : mapping
        Resource path (as in the descriptor) to its generated Table Schema.

    Returns
    -------
    dict or None
        The new descriptor, or ``None`` when it is already up to date.

    Raises
    ------
    KeyError
        If a path of ``schemas`` is not a resource of the package.
    """
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    resources = {r["path"]: r for r in descriptor["resources"]}
    missing = sorted(set(schemas) - set(resources))
    if missing:
        raise KeyError(f"{package}: no resource with path {missing}")
    changed = False
    for path, schema in schemas.items():
        current = resources[path]["schema"]
        for key in ("fields", "primaryKey"):
            if current.get(key) != schema[key]:
                current[key] = schema[key]
                changed = True
    return descriptor if changed else None


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Parameters
    ----------
    path : Path
        Target file; its folder is created if needed.
    data : bytes
        Complete new contents.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = writing.staged(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    writing.journal(path, hashlib.sha256(data).hexdigest())


def read_raw_csv(path: Path) -> pd.DataFrame:
    """Read a raw CSV with every cell as printed text (empty cells as ``""``).

    Parameters
    ----------
    path : Path
        A UTF-8 CSV file with a header row.

    Returns
    -------
    DataFrame
        All columns of dtype ``str``; nothing parsed, so ``"44"`` and
        ``"44.0"`` stay distinct.
    """
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def read_table(path: Path, schema: Mapping[str, Any]) -> pd.DataFrame:
    """Read a processed CSV with the column types its Table Schema declares.

    Strings stay text (empty cells ``""``), so printed values keep their form;
    ``integer`` columns become nullable ``Int64``, ``number`` columns floats
    (empty -> NaN) and ``boolean`` columns ``bool``.

    Parameters
    ----------
    path : Path
        A CSV written by :func:`write_tables`.
    schema : mapping
        Its Table Schema descriptor.

    Returns
    -------
    DataFrame

    Raises
    ------
    ValueError
        If the file lacks a column of its schema (written by an earlier version
        of the notebook that writes it: run it again).
    """
    frame = read_raw_csv(path)
    missing = [f["name"] for f in schema["fields"] if f["name"] not in frame.columns]
    if missing:
        raise ValueError(
            f"{path}: no column {', '.join(map(repr, missing))} of its schema; it was written by "
            "an earlier version: run the notebook that writes it again"
        )
    for field in schema["fields"]:
        name, kind = field["name"], field.get("type", "string")
        if kind == "integer":
            frame[name] = pd.to_numeric(frame[name].replace("", None)).astype("Int64")
        elif kind == "number":
            frame[name] = pd.to_numeric(frame[name].replace("", None)).astype(float)
        elif kind == "boolean":
            frame[name] = frame[name].map(
                {"True": True, "False": False, "true": True, "false": False}
            )
    return frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    r"""Serialise a table deterministically (UTF-8, ``\\n`` line ends, no index).

    Parameters
    ----------
    frame : DataFrame
        The table, already in its final row and column order.

    Returns
    -------
    bytes
    """
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


def json_bytes(obj: Any) -> bytes:
    """Serialise to JSON deterministically (sorted keys, 2-space indent, final newline).

    Parameters
    ----------
    obj : object
        JSON-serialisable object.

    Returns
    -------
    bytes
    """
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _in_schema_order(frame: pd.DataFrame, schema: Mapping[str, Any], shown: str) -> pd.DataFrame:
    """Columns in the schema's order; a missing or extra column is an error."""
    fields = [f["name"] for f in schema["fields"]]
    missing = [f for f in fields if f not in frame.columns]
    extra = [c for c in frame.columns if c not in fields]
    problems = [
        Problem(shown, 1, name, "missing-column", "the table lacks this schema column")
        for name in missing
    ]
    problems += [
        Problem(shown, 1, str(name), "unexpected-column", "not in the table's schema")
        for name in extra
    ]
    if problems:
        raise InputError(problems)
    return frame[fields]


def write_tables(
    tables: Mapping[Path, tuple[pd.DataFrame, dict[str, Any]]], *, root: Path | None = None
) -> list[Path]:
    """Write several tables all-or-nothing, each validated against its schema.

    Every table is first written to a temporary file beside its target and
    validated there; only when all are valid are they renamed into place. On
    any problem the temporary files are removed and the targets keep their
    previous contents.

    Parameters
    ----------
    tables : mapping
        Target path to ``(table, Table Schema descriptor)``.
    root : Path, optional
        Paths in messages are shown relative to this folder.

    Returns
    -------
    list of Path
        The files written, in the order given.

    Raises
    ------
    InputError
        If a table does not satisfy its schema (nothing is written).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, (frame, schema) in tables.items():
            shown = paths.shown(target, root)
            frame = _in_schema_order(frame, schema, shown)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = writing.staged(target)
            with os.fdopen(fd, "wb") as handle:
                handle.write(csv_bytes(frame))
            os.chmod(tmp, FILE_MODE)
            staged.append((Path(tmp), target))
            validate_table(Path(tmp), schema, shown=shown)
        for tmp_path, target in staged:
            os.replace(tmp_path, target)
            writing.journal(target, sha256(target))
    finally:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
    return list(tables)

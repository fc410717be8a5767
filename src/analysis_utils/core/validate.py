"""Schema and rule checks of tabular files, with errors that name file, row, column, rule.

Tabular files are described by Frictionless data-package descriptors; Frictionless
does the validation and this module turns its reports into :class:`Problem` objects.
Rules that a Table Schema cannot express (a percentage above 100 in a column of
mixed units) are run as Frictionless row checks.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis_utils.core import paths
from analysis_utils.core.errors import InputError, Problem

#: Row rules beyond a package's table schemas: resource name -> [(column, formula, rule text)].
RowRules = Mapping[str, Sequence[tuple[str, str, str]]]

#: An optional module of jsonschema's format checks that builds a grammar when imported.
IRI_GRAMMAR = "rfc3987_syntax"


def import_jsonschema() -> None:
    """Import jsonschema, which Frictionless checks descriptors with, without its IRI grammar.

    jsonschema checks the formats ``iri`` and ``iri-reference`` with the optional
    ``rfc3987-syntax`` when installed (Jupyter's ``jupyter-events`` installs it), which
    builds its Earley grammar when imported: 1.5-3 s in every process that validates a
    table, for formats no Table Schema or descriptor here uses. It is kept out while
    jsonschema is imported (that format check is then absent) and importable again after.
    """
    if "jsonschema" in sys.modules:
        return
    blocked = IRI_GRAMMAR not in sys.modules
    if blocked:
        sys.modules[IRI_GRAMMAR] = None  # type: ignore[assignment]  # import refused
    try:
        import jsonschema  # noqa: F401
    finally:
        if blocked:
            del sys.modules[IRI_GRAMMAR]


def _encoding_location(path: Path) -> tuple[int | None, str]:
    """Find the first line that is not UTF-8 and the column it falls in."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    header = lines[0].decode("utf-8", errors="replace").rstrip("\r").split(",")
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            index = line[: exc.start].count(b",")
            column = header[index] if index < len(header) else f"(field {index + 1})"
            return number, column
    return None, "(whole file)"


_LABEL_ERRORS = {
    "missing-label",
    "incorrect-label",
    "blank-label",
    "duplicate-label",
    "extra-label",
}


def _file_header(path: Path) -> list[str]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def _header_problems(header: Sequence[str], shown: str, schema: dict[str, Any]) -> list[Problem]:
    """Name missing and unexpected columns plainly (Frictionless compares by position)."""
    fields = [f["name"] for f in schema.get("fields", [])]
    missing = [f for f in fields if f not in header]
    extra = [h for h in header if h not in fields]
    return [
        *(
            Problem(
                shown,
                1,
                name,
                "missing-column",
                f"column {name!r} is required by the schema but absent from the header",
            )
            for name in missing
        ),
        *(
            Problem(
                shown,
                1,
                name or "(blank)",
                "unexpected-column",
                f"column {name!r} is not in the schema (expected: {', '.join(fields)})",
            )
            for name in extra
        ),
    ]


def _problem(path: Path | None, shown: str, error: Any, schema: dict[str, Any]) -> Problem:
    """Translate one Frictionless error into a :class:`Problem`."""
    kind = error.type
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or ""
    message = error.message
    if kind in {"primary-key", "unique-error"} and not column:
        column = ", ".join(schema.get("primaryKey", [])) or "(key)"
    if kind == "foreign-key":
        column = ", ".join(getattr(error, "field_names", None) or []) or column
    if kind == "encoding-error" and path is not None:
        row, column = _encoding_location(path)
        message = f"the file is not valid UTF-8 ({message})"
    if kind == "source-error" and path is not None and path.exists() and path.stat().st_size == 0:
        row, column, kind, message = 1, "(whole file)", "empty-file", "the file is empty"
    if kind in _LABEL_ERRORS:
        row = 1
    if kind == "constraint-error":
        note = getattr(error, "note", "")
        kind = f"constraint: {note}" if note else kind
    if kind == "row-constraint":
        column = column or "(row)"
    return Problem(shown, row, column or "(whole file)", kind, message)


def validate_package(
    descriptor: Path, *, root: Path | None = None, rules: RowRules | None = None
) -> None:
    """Validate every resource of a Frictionless data package.

    Parameters
    ----------
    descriptor : Path
        Path of ``datapackage.json``.
    root : Path, optional
        Paths in error messages are shown relative to this folder.
    rules : mapping, optional
        Rules a Table Schema cannot state, by resource name: each a column, a
        Frictionless row formula and the rule in words; given by whoever
        validates the package, which knows its data.

    Raises
    ------
    InputError
        Listing every problem found, each with file, row, column and rule.
    """
    import_jsonschema()
    from frictionless import Checklist, Package, checks

    base = descriptor.parent
    package = Package(str(descriptor))
    problems: list[Problem] = []
    for resource in package.resources:
        path = base / str(resource.path)
        schema = resource.schema.to_descriptor()
        shown = paths.shown(path, root)
        if not path.is_file():
            problems.append(Problem(shown, None, "(whole file)", "missing-file", "file not found"))
            continue
        checked = list((rules or {}).get(resource.name, []))
        checklist = Checklist(
            checks=[checks.row_constraint(formula=f) for _, f, _ in checked]  # type: ignore[attr-defined]
        )
        report = resource.validate(checklist=checklist)
        errors = report.tasks[0].errors
        problems.extend(_translate(path, None, shown, errors, schema, checked))
    if problems:
        raise InputError(problems)


def whole_patterns(schema: dict[str, Any]) -> dict[str, Any]:
    r"""Make every ``pattern`` constraint of a Table Schema match the whole cell.

    Frictionless matches a pattern ``P`` as ``^P$``, and ``$`` also matches
    before a final newline, so ``q1`` followed by a newline would pass the
    pattern of an identifier. ``P`` becomes ``(?:P)\Z``, which matches only
    at the very end.

    Parameters
    ----------
    schema : dict
        Table Schema descriptor (not modified).

    Returns
    -------
    dict
        A copy with each pattern anchored at the end of the cell.
    """
    fields = []
    for described in schema.get("fields", []):
        pattern = described.get("constraints", {}).get("pattern")
        if pattern is not None:
            constraints = {**described["constraints"], "pattern": f"(?:{pattern})\\Z"}
            described = {**described, "constraints": constraints}
        fields.append(described)
    return {**schema, "fields": fields}


def validate_table(path: Path, schema: dict[str, Any], *, shown: str | None = None) -> None:
    """Validate one CSV file against a Table Schema descriptor.

    Parameters
    ----------
    path : Path
        The CSV file (UTF-8, header row).
    schema : dict
        Frictionless Table Schema descriptor.
    shown : str, optional
        Name of the file in error messages (defaults to ``path``).

    Raises
    ------
    InputError
        Listing every problem found.
    """
    import_jsonschema()
    from frictionless import Resource, Schema

    described = Schema.from_descriptor(whole_patterns(schema))
    with path.open(encoding="utf-8", newline="") as handle:
        if _plainly_valid(list(csv.reader(handle)), described):
            return  # checked once per distinct value of a column, not row by row
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        format="csv",
        encoding="utf-8",
        schema=described,
    )
    report = resource.validate()
    errors = report.tasks[0].errors
    problems = _translate(path, None, shown or str(path), errors, schema, [])
    if problems:
        raise InputError(problems)


def validate_rows(rows: Sequence[Sequence[str]], schema: dict[str, Any], *, shown: str) -> None:
    """Validate a table of text cells (header first) against a Table Schema descriptor.

    The cells are parsed as a CSV file's would be, so a table read from any
    file format (:mod:`analysis_utils.survey.sources`) is checked as its CSV
    form is. Rows are numbered as in a CSV file: the header is row 1.

    Parameters
    ----------
    rows : sequence of sequence of str
        The header, then the data rows.
    schema : dict
        Frictionless Table Schema descriptor.
    shown : str
        Name of the table's file in error messages.

    Raises
    ------
    InputError
        Listing every problem found.
    """
    import_jsonschema()
    from frictionless import Resource, Schema

    described = Schema.from_descriptor(whole_patterns(schema))
    if _plainly_valid(rows, described):
        return
    resource = Resource(data=[list(row) for row in rows], schema=described)
    report = resource.validate()
    header = list(rows[0]) if rows else []
    problems = _translate(None, header, shown, report.tasks[0].errors, schema, [])
    if problems:
        raise InputError(problems)


def _plainly_valid(rows: Sequence[Sequence[str]], schema: Any) -> bool:
    """Whether a table passes every check Frictionless's validation would make, checked quickly.

    Frictionless checks a table row by row, which costs about 0.1 ms a row.
    Whether a cell is valid (its type and constraints) depends only on its
    value and its column, and a survey's columns hold few distinct values, so
    each distinct value of a column is given to that column's Frictionless
    cell reader once. What depends on more than one cell is checked over the
    whole table: each row has one cell per column and is not blank, the
    primary key and every ``unique`` column hold no repeated (parsed) value and
    no missing key. The header is checked by validating it with the first row.

    This only ever says yes for a valid table: anything it does not pass,
    valid or not, is validated in full, so every problem is reported exactly
    as Frictionless reports it.

    Parameters
    ----------
    rows : sequence of sequence of str
        The header, then the data rows.
    schema : frictionless.Schema

    Returns
    -------
    bool
        True if the table is valid; False if it may not be.
    """
    import_jsonschema()
    from frictionless import Resource

    if len(rows) < 2:
        return False
    header = list(rows[0])
    if header != schema.field_names or set(map(len, rows)) != {len(header)}:
        return False
    if Resource(data=[header, list(rows[1])], schema=schema).validate().tasks[0].errors:
        return False
    missing = set(schema.missing_values)
    if any(all(cell in missing for cell in row) for row in rows[1:]):
        return False  # a blank row
    keyed = set(schema.primary_key)
    unique = [f.name for f in schema.fields if f.constraints.get("unique")]
    parsed: dict[str, dict[str, Any]] = {}
    for field, column in zip(schema.fields, zip(*rows[1:], strict=True), strict=True):
        reader = field.create_cell_reader()
        parsed[field.name] = {}
        for value in set(column):
            cell, notes = reader(value)
            if notes:
                return False
            parsed[field.name][value] = cell
    if keyed:
        columns = [k for k, name in enumerate(header) if name in keyed]
        keys = [tuple(parsed[header[k]][row[k]] for k in columns) for row in rows[1:]]
        if any(None in key for key in keys) or len(set(keys)) < len(keys):
            return False
    for name in unique:
        k = header.index(name)
        values = [parsed[name][row[k]] for row in rows[1:]]
        present = [v for v in values if v is not None]
        if len(set(present)) < len(present):
            return False
    return True


def _translate(
    path: Path | None,
    header: Sequence[str] | None,
    shown: str,
    errors: list[Any],
    schema: dict[str, Any],
    rules: list[tuple[str, str, str]],
) -> list[Problem]:
    """Turn one file's Frictionless errors into problems."""
    if any(e.type in _LABEL_ERRORS for e in errors):
        if header is None:
            assert path is not None
            header = _file_header(path)
        named = _header_problems(header, shown, schema)
        if named:  # row errors after a missing column are consequences of the shift
            return named
    problems = []
    for error in errors:
        problem = _problem(path, shown, error, schema)
        if error.type == "row-constraint":
            for column, formula, text in rules:
                if formula in error.message:
                    problem = Problem(shown, problem.row, column, text, error.message)
        problems.append(problem)
    return problems

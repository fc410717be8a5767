"""Table Schemas as Frictionless descriptors: the machinery every wing describes its tables with.

Each wing keeps the schemas of the tables it writes beside the code that writes
them (such as :mod:`analysis_utils.survey.schemas` and
:mod:`analysis_utils.audit.schemas`); this module holds only how a column and a
folder of tables are described.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def field(name: str, kind: str, description: str, **constraints: Any) -> dict[str, Any]:
    """Describe one column as a Table Schema field.

    Parameters
    ----------
    name : str
    kind : str
        Table Schema type (``string``, ``integer``, ``number``, ``boolean``).
    description : str
    **constraints
        Table Schema constraints (``required``, ``unique``, ``enum``, ...).

    Returns
    -------
    dict
        The field descriptor.
    """
    described: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if constraints:
        described["constraints"] = constraints
    return described


def redescribed(schema: Mapping[str, Any], **descriptions: str) -> dict[str, Any]:
    """Give a copy of a schema whose named columns say what they are in a caller's own words.

    A wing describes a table for any source; a caller that knows its source (which table
    a column cites, what a line number counts) keeps the columns, types and constraints
    and words only the descriptions.

    Parameters
    ----------
    schema : mapping
        A Table Schema descriptor.
    **descriptions : str
        Column name to its new description.

    Returns
    -------
    dict

    Raises
    ------
    KeyError
        If a name is no column of ``schema``.
    """
    names = {column["name"] for column in schema["fields"]}
    unknown = sorted(set(descriptions) - names)
    if unknown:
        raise KeyError(f"no such column to describe: {', '.join(unknown)}")
    return {
        **schema,
        "fields": [
            {**column, "description": descriptions[column["name"]]}
            if column["name"] in descriptions
            else column
            for column in schema["fields"]
        ],
    }


def data_package(
    tables: Mapping[str, tuple[dict[str, Any], str]], *, name: str, title: str, description: str
) -> dict[str, Any]:
    """Describe a folder of CSV tables as a Frictionless data package.

    Parameters
    ----------
    tables : mapping
        File name (``NAME.csv``) to its schema and a one-line description, in
        the order listed.
    name, title, description : str
        The package's own.

    Returns
    -------
    dict
        The ``datapackage.json`` descriptor, each table a UTF-8 CSV resource
        named after its file.
    """
    return {
        "name": name,
        "title": title,
        "description": description,
        "resources": [
            {
                "name": file.removesuffix(".csv"),
                "path": file,
                "format": "csv",
                "encoding": "utf-8",
                "description": text,
                "schema": schema,
            }
            for file, (schema, text) in tables.items()
        ],
    }

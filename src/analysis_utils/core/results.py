"""Results files: what each notebook decided and found, written once and read typed.

Every notebook ends by writing ``<results_dir>/<notebook>.json``: one frozen
dataclass per notebook, a subclass of :class:`Results` that lives beside the code
of the wing computing what it holds (such as :mod:`analysis_utils.audit.results`),
written by :func:`write_results` and read back by its ``load``, the one function
that reads the file; downstream it is read by attribute. A decision (the rounding
rule, the sample sizes searched, the subgroup questions, the reading drawn for a
question of unstated type, the disclosure threshold) is a parameter of the one
notebook that makes it; that notebook records it in its results, and later
notebooks read it with ``load`` instead of declaring it again, so one run cannot
mix two assumptions. A field may hold typed parts (a frozen dataclass, or a
mapping or list of them): ``load`` builds them from the JSON objects, so they
are read by attribute too, and they are written back as the same objects.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

from analysis_utils.core.io import atomic_write_bytes, json_bytes


@dataclass(frozen=True)
class Results:
    """Base of the results of one notebook; subclasses name it in :attr:`NOTEBOOK`."""

    NOTEBOOK: ClassVar[str] = ""

    @classmethod
    def path(cls, folder: Path) -> Path:
        """Return where the results file is in ``folder``.

        Parameters
        ----------
        folder : Path
            The results folder (parameter ``results_dir``).

        Returns
        -------
        Path
        """
        return Path(folder) / f"{cls.NOTEBOOK}.json"

    @classmethod
    def load(cls, folder: Path) -> Self:
        """Read the notebook's results from ``folder``.

        Parameters
        ----------
        folder : Path
            The results folder (parameter ``results_dir``).

        Returns
        -------
        Results
            An instance of the subclass called on.

        Raises
        ------
        FileNotFoundError
            If the notebook has not written its results there yet.
        ValueError
            If the file is not this notebook's or lacks or adds a field.
        """
        path = cls.path(folder)
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: no results of {cls.NOTEBOOK}; run it first "
                f"(python -m analysis_utils run {cls.NOTEBOOK} ...)"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("notebook", None) != cls.NOTEBOOK:
            raise ValueError(f"{path}: not the results of {cls.NOTEBOOK}")
        fields = {f.name for f in dataclasses.fields(cls)}
        if set(data) != fields:
            raise ValueError(
                f"{path}: fields {sorted(set(data) ^ fields)} differ from {cls.__name__}; "
                f"re-run {cls.NOTEBOOK}"
            )
        hints = typing.get_type_hints(cls)
        return cls(**{name: typed(hints[name], value) for name, value in data.items()})

    def as_dict(self) -> dict[str, Any]:
        """Return the results as the JSON object written, ``notebook`` included.

        Returns
        -------
        dict
        """
        return {"notebook": self.NOTEBOOK, **dataclasses.asdict(self)}


def write_results(results: Results, folder: Path) -> Path:
    """Write ``results`` whole to ``folder/<notebook>.json`` (sorted keys, deterministic).

    Parameters
    ----------
    results : Results
    folder : Path
        The results folder (parameter ``results_dir``).

    Returns
    -------
    Path
        The file written.
    """
    path = results.path(folder)
    atomic_write_bytes(path, json_bytes(results.as_dict()))
    return path


def typed(hint: Any, value: Any) -> Any:
    """Build the typed parts of a value read from JSON, as its type hint says.

    A dataclass is built from its JSON object (its own fields typed in turn);
    ``dict[str, X]``, ``list[X]`` and ``X | None`` build their elements; any
    other value is returned as read.

    Parameters
    ----------
    hint : type
        The field's type, as :func:`typing.get_type_hints` resolves it.
    value : object
        The value as JSON gives it.

    Returns
    -------
    object
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and isinstance(value, dict):
        hints = typing.get_type_hints(hint)
        return hint(**{k: typed(hints[k], v) for k, v in value.items()})
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        return {k: typed(args[1], v) for k, v in value.items()}
    if origin is list and isinstance(value, list) and len(args) == 1:
        return [typed(args[0], v) for v in value]
    if origin in (types.UnionType, typing.Union) and value is not None:
        parts = [a for a in args if a is not type(None)]
        return typed(parts[0], value) if len(parts) == 1 else value
    return value

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
mix two assumptions.
"""

from __future__ import annotations

import dataclasses
import json
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
        return cls(**data)

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

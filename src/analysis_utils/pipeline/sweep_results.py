"""What a sweep's runs gave: how each ended, and its results as tidy tables.

:func:`analysis_utils.pipeline.sweep.sweep` makes a :class:`RunResult` per grid
point; :func:`collect` and :func:`verdict_changes` turn them into the tables the
sweep writes (``sweep_results.csv`` and the figure ``sweep_verdicts``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis_utils.core.results import Results


@dataclass(frozen=True)
class RunResult:
    """How one run of a sweep ended.

    Attributes
    ----------
    index : int
    parameters : dict
        The grid values of this run.
    ok : bool
    error : str
        What failed, naming the notebook and cell.
    results : dict
        Notebook name to its results (its results class, read by attribute).
    seconds : float
    """

    index: int
    parameters: dict[str, Any]
    ok: bool
    error: str
    results: dict[str, Results]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """Return the run as JSON objects, each notebook's results as its file holds them."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {**fields, "results": {n: r.as_dict() for n, r in self.results.items()}}


def _cell(value: Any) -> Any:
    """Return a parameter value as one table cell (lists as JSON)."""
    return json.dumps(value) if isinstance(value, list) else value


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key in sorted(value):
            yield from _flatten(f"{prefix}.{key}" if prefix else str(key), value[key])
    else:
        yield prefix, _cell(value)


def collect(results: list[RunResult]) -> pd.DataFrame:
    """One tidy table: a row per run, notebook and result key.

    Parameters
    ----------
    results : list of RunResult

    Returns
    -------
    DataFrame
        ``run, ok, error, <grid parameters...>, notebook, key, value``; failed
        runs have one row with empty notebook and key.
    """
    rows = []
    for r in results:
        base = {
            "run": r.index,
            "ok": r.ok,
            "error": r.error,
            **{k: _cell(v) for k, v in r.parameters.items()},
        }
        if not r.results:
            rows.append({**base, "notebook": "", "key": "", "value": ""})
        for notebook, data in sorted(r.results.items()):
            for key, value in _flatten("", data.as_dict()):
                rows.append({**base, "notebook": notebook, "key": key, "value": value})
    return pd.DataFrame(rows)


def verdict_changes(results: list[RunResult]) -> pd.DataFrame:
    """Each claim's verdict in each run (from results that carry ``verdicts``).

    Parameters
    ----------
    results : list of RunResult

    Returns
    -------
    DataFrame
        ``run, label, claim, verdict``; ``label`` describes the run's grid values.
    """
    rows = []
    for r in results:
        label = ", ".join(f"{k}={_cell(v)}" for k, v in r.parameters.items())
        for data in r.results.values():
            verdicts: Mapping[str, str] = getattr(data, "verdicts", {})
            for claim, verdict in sorted(verdicts.items()):
                rows.append({"run": r.index, "label": label, "claim": claim, "verdict": verdict})
    return pd.DataFrame(rows, columns=["run", "label", "claim", "verdict"])

"""Every committed notebook's outputs are what the study's run prints now (nbval's check).

nbval would execute each notebook again, cell by cell, in this checkout. Here the shared
study run (conftest ``built``: one run per test session, in a copy of the project) has
already executed them; each of its executed copies is compared with the committed notebook
the way nbval compares: cell by cell, streams joined per stream, every output's text and
HTML, not its metadata, execution count or image bytes (the figures' values are checked in
tests/test_figures.py). A cell tagged ``nbval-ignore-output`` or ``nbval-skip`` (or marked
by nbval's comments) is not compared. After changing the library or a notebook,
``make notebooks`` refreshes the committed outputs.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from analysis_utils.pipeline.contract import load_pipeline

NOTEBOOKS = list(load_pipeline(ROOT / "notebooks" / "pipeline.yaml"))

#: Tags and comment markers with which nbval leaves a cell's outputs uncompared.
NOT_COMPARED = {"nbval-ignore-output", "nbval-skip"}
NOT_COMPARED_COMMENTS = ("# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP")

#: What nbval does not compare (without --nbdime): per-run details and image bytes.
SKIPPED_KEYS = {"metadata", "traceback", "execution_count", "output_type", "name"}
SKIPPED_DATA = {"image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}


def _text(value: Any) -> Any:
    return "".join(value) if isinstance(value, list) else value


def comparable(outputs: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Group a cell's outputs by what nbval compares: stream name, MIME type or key.

    Streams of one name are joined (nbval's ``coalesce_streams``); the values of one key
    keep their order, keys do not.

    Parameters
    ----------
    outputs : list of dict
        A cell's outputs as nbformat stores them.

    Returns
    -------
    dict
        Key to the list of its values.
    """
    grouped: dict[str, list[Any]] = defaultdict(list)
    streams: dict[str, str] = {}
    for output in outputs:
        if output["output_type"] == "stream":
            streams[output["name"]] = streams.get(output["name"], "") + _text(output["text"])
            continue
        for key, value in output.items():
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIPPED_DATA:
                        grouped[mime].append(_text(data))
            elif key not in SKIPPED_KEYS:
                grouped[key].append(_text(value))
    for name, text in streams.items():
        grouped[name].append(text)
    return dict(grouped)


def compared(cell: dict[str, Any]) -> bool:
    """Whether nbval compares this cell's outputs."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    source = _text(cell["source"])
    return cell["cell_type"] == "code" and not (
        tags & NOT_COMPARED or any(marker in source for marker in NOT_COMPARED_COMMENTS)
    )


def differences(committed: Path, executed: Path) -> list[str]:
    """Say, cell by cell, where the executed notebook's outputs differ from the committed.

    Parameters
    ----------
    committed, executed : Path
        The notebook as committed and as a run executed it.

    Returns
    -------
    list of str
        One entry per differing cell with a diff of its outputs; empty when they agree.
    """
    ours = json.loads(committed.read_text(encoding="utf-8"))["cells"]
    theirs = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    if [c["source"] for c in ours] != [c["source"] for c in theirs]:
        return [f"{executed.name}: its cells are not the committed notebook's"]
    found = []
    for number, (cell, ran) in enumerate(zip(ours, theirs, strict=True)):
        if not compared(cell):
            continue
        want, got = comparable(cell.get("outputs", [])), comparable(ran.get("outputs", []))
        if want != got:
            diff = difflib.unified_diff(
                json.dumps(want, indent=1).splitlines(),
                json.dumps(got, indent=1).splitlines(),
                "committed",
                "executed",
                lineterm="",
            )
            found.append(f"cell {number}:\n" + "\n".join(diff))
    return found


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_committed_outputs_are_what_the_notebook_prints_now(built, name):
    found = differences(ROOT / "notebooks" / f"{name}.ipynb", built.executed / f"{name}.ipynb")
    assert not found, (
        f"notebooks/{name}.ipynb: outputs differ from a fresh run (make notebooks refreshes "
        "them after a deliberate change):\n" + "\n".join(found)
    )


def _notebook(tmp_path: Path, name: str, outputs: list[dict[str, Any]], **metadata: Any) -> Path:
    cell = {"cell_type": "code", "source": "print(1)", "metadata": metadata, "outputs": outputs}
    path = tmp_path / name
    path.write_text(json.dumps({"cells": [cell]}), encoding="utf-8")
    return path


def _stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_a_changed_output_is_found_and_split_streams_or_counts_are_not(tmp_path):
    committed = _notebook(tmp_path, "a.ipynb", [_stream("1\n2\n")])
    same = _notebook(tmp_path, "b.ipynb", [_stream("1\n"), _stream("2\n")])
    other = _notebook(tmp_path, "c.ipynb", [_stream("1\n3\n")])
    assert differences(committed, same) == []
    [found] = differences(committed, other)
    assert found.startswith("cell 0:")
    assert '-  "1\\n2\\n"' in found
    assert '+  "1\\n3\\n"' in found
    html = {"output_type": "execute_result", "execution_count": 1, "metadata": {}}
    first = _notebook(tmp_path, "d.ipynb", [{**html, "data": {"text/html": "<b>1</b>"}}])
    second = _notebook(tmp_path, "e.ipynb", [{**html, "execution_count": 7, "data": {}}])
    assert differences(first, second) != []
    image = {**html, "data": {"text/html": "<b>1</b>", "image/png": "AAAA"}}
    assert differences(first, _notebook(tmp_path, "f.ipynb", [image])) == []


def test_a_cell_tagged_for_nbval_is_not_compared(tmp_path):
    committed = _notebook(tmp_path, "a.ipynb", [_stream("one run\n")], tags=["nbval-ignore-output"])
    executed = _notebook(tmp_path, "b.ipynb", [_stream("a mix of runs\n")])
    assert differences(committed, executed) == []

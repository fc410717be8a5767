"""Every committed notebook's outputs are what the study's run prints now, by nbval's comparison.

nbval is the arbiter: ``make test-slow`` runs ``pytest --nbval`` on every notebook of
notebooks/, which executes each one cell by cell in a copy of the project and compares
every output with the committed one. This module is its fast path for ``make test``,
without a second execution: the shared study run (conftest ``built``: one run per test
session, in a copy of the project) has already executed every notebook, and each of its
executed copies is handed to nbval's own code, unchanged: nbval's collector reads the
committed notebook (its cells, their ``nbval-*`` tags and ``# NBVAL_*`` comments), the
sanitizer file ``make test-slow`` passes to nbval masks the same parts, and each cell's
``compare_outputs`` (the method nbval calls after executing a cell) compares the run's
outputs, their streams joined as nbval joins them, with the committed ones. After changing
the library or a notebook, ``make notebooks`` refreshes the committed outputs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import ROOT
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams, get_sanitize_patterns

from analysis_utils.pipeline.contract import load_pipeline

NOTEBOOKS = list(load_pipeline(ROOT / "notebooks" / "pipeline.yaml"))

#: What may differ between two runs of a notebook (nbval's sanitizer file, as make test-slow
#: passes it with --nbval-sanitize-with).
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def nbval_cells(
    request: pytest.FixtureRequest, notebook: Path, sanitize: Path = SANITIZE
) -> list[IPyNbCell]:
    """nbval's test items for a notebook's code cells, as ``pytest --nbval`` collects them."""
    collector = IPyNbFile.from_parent(request.session, path=notebook)
    collector.sanitize_patterns.update(get_sanitize_patterns(sanitize.read_text(encoding="utf-8")))
    return list(collector.collect())


def differences(
    request: pytest.FixtureRequest, committed: Path, executed: Path, sanitize: Path = SANITIZE
) -> list[str]:
    """Say, cell by cell, where nbval finds the executed notebook's outputs not the committed.

    Parameters
    ----------
    request : pytest.FixtureRequest
        The test's request (nbval's items belong to the session).
    committed, executed : Path
        The notebook as committed and as a run executed it.
    sanitize : Path
        nbval's sanitizer file.

    Returns
    -------
    list of str
        One entry per differing cell with nbval's explanation; empty when they agree.
    """
    cells = nbval_cells(request, committed, sanitize)
    ran = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    if [c.cell.source for c in cells] != [c.source for c in ran]:
        return [f"{executed.name}: its cells are not the committed notebook's"]
    found = []
    for cell, run in zip(cells, ran, strict=True):
        if cell.options["skip"] or not cell.options["check"]:
            continue  # nbval-skip, nbval-ignore-output
        if not cell.compare_outputs(
            coalesce_streams(run.outputs), coalesce_streams(cell.cell.outputs)
        ):
            found.append(f"{cell.name}:\n" + "\n".join(map(str, cell.comparison_traceback)))
    return found


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_committed_outputs_are_what_the_notebook_prints_now(request, built, name):
    found = differences(
        request, ROOT / "notebooks" / f"{name}.ipynb", built.executed / f"{name}.ipynb"
    )
    assert not found, (
        f"notebooks/{name}.ipynb: outputs differ from a fresh run (make notebooks refreshes "
        "them after a deliberate change):\n" + "\n".join(found)
    )


def _notebook(tmp_path: Path, name: str, outputs: list[dict[str, Any]], **metadata: Any) -> Path:
    cell = {
        "cell_type": "code",
        "id": "c0",
        "source": "print(1)",
        "metadata": metadata,
        "outputs": outputs,
        "execution_count": 1,
    }
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / name
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def _stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_nbval_finds_a_changed_output_not_split_streams_counts_or_images(request, tmp_path):
    committed = _notebook(tmp_path, "a.ipynb", [_stream("1\n2\n")])
    same = _notebook(tmp_path, "b.ipynb", [_stream("1\n"), _stream("2\n")])
    other = _notebook(tmp_path, "c.ipynb", [_stream("1\n3\n")])
    assert differences(request, committed, same) == []
    [found] = differences(request, committed, other)
    assert found.startswith("Cell 0:")
    assert "mismatch 'stdout'" in found
    html = {"output_type": "execute_result", "execution_count": 1, "metadata": {}}
    first = _notebook(tmp_path, "d.ipynb", [{**html, "data": {"text/html": "<b>1</b>"}}])
    second = _notebook(tmp_path, "e.ipynb", [{**html, "execution_count": 7, "data": {}}])
    assert differences(request, first, second) != []
    image = {**html, "data": {"text/html": "<b>1</b>", "image/png": "AAAA"}}
    assert differences(request, first, _notebook(tmp_path, "f.ipynb", [image])) == []


def test_a_cell_tagged_for_nbval_is_not_compared(request, tmp_path):
    tagged = {"tags": ["nbval-ignore-output"]}
    committed = _notebook(tmp_path, "a.ipynb", [_stream("one run\n")], **tagged)
    executed = _notebook(tmp_path, "b.ipynb", [_stream("a mix of runs\n")])
    assert differences(request, committed, executed) == []


def test_the_sanitizer_masks_a_part_that_varies_and_nothing_else(request, tmp_path):
    assert get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8")) == []  # none needed now
    sanitize = tmp_path / "sanitize.cfg"
    sanitize.write_text("[took]\nregex: took \\d+ s\nreplace: took N s\n", encoding="utf-8")
    committed = _notebook(tmp_path, "a.ipynb", [_stream("wrote 3 tables, took 12 s\n")])
    slower = _notebook(tmp_path, "b.ipynb", [_stream("wrote 3 tables, took 40 s\n")])
    fewer = _notebook(tmp_path, "c.ipynb", [_stream("wrote 2 tables, took 12 s\n")])
    assert differences(request, committed, slower) != []
    assert differences(request, committed, slower, sanitize) == []
    assert differences(request, committed, fewer, sanitize) != []


def test_nbval_collects_every_notebook_as_make_test_slow_runs_it():
    """`pytest --nbval notebooks` (make test-notebooks) makes one item per code cell of each."""
    import subprocess
    import sys

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest-notebooks:", 1)[1].split("\n\n", 1)[0]
    assert "cp -R data notebooks requirements pyproject.toml" in recipe
    assert recipe.rstrip().endswith("-m pytest -p no:cacheprovider $(NBVAL) notebooks")
    assert "NBVAL := --nbval --nbval-sanitize-with=$(CURDIR)/tests/nbval_sanitize.cfg" in makefile
    assert "$(PYTEST) -m slow $(NBVAL)" in makefile.split("\ntest-slow:", 1)[1].split("\n\n")[0]
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"),
            *("--nbval", "--nbval-sanitize-with", str(SANITIZE), "notebooks"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    collected = [line for line in done.stdout.splitlines() if "::Cell " in line]
    for name in NOTEBOOKS:
        cells = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells
        code = [c for c in cells if c.cell_type == "code"]
        mine = [line for line in collected if line.startswith(f"notebooks/{name}.ipynb::Cell ")]
        assert len(mine) == len(code), name

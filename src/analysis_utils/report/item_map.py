"""Which notebook cell makes each table, figure and number: the replication report's map.

Derived, never typed: the article's items and their output files are the README's
paper-items table (which tests/test_docs.py checks against
``notebooks/pipeline.yaml``), each output's notebook is the one ``pipeline.yaml``
says writes it (a figure's, the notebook the study's figure registry names, whose
``figures:`` folder holds it), and its cell is the first code cell of the committed notebook whose
printed output names the file (else whose source names it, the parameters cell
aside; for a results file, the cell calling ``write_results``): the cell an executed
notebook shows writing it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis_utils.core import yamlfile
from analysis_utils.study import figure_registry

START, END = "<!-- paper-items:start -->", "<!-- paper-items:end -->"


def paper_items(readme: Path) -> list[dict[str, str]]:
    """Read the README's paper-items table.

    Parameters
    ----------
    readme : Path
        ``README.md``.

    Returns
    -------
    list of dict
        ``item``, ``where`` (in the article), ``notebook`` and ``output``, per row.
    """
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return []
    block = text.split(START, 1)[1].split(END, 1)[0]
    rows = [line for line in block.strip().splitlines()[2:] if line.startswith("|")]
    items = []
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        items.append(
            {
                "item": cells[0],
                "where": cells[1],
                "notebook": cells[2].strip("`"),
                "output": cells[3].strip("`"),
            }
        )
    return items


def _texts(cell: dict[str, Any]) -> tuple[str, str]:
    """Return a code cell's source and the text it printed."""
    source = "".join(cell.get("source", ""))
    printed = []
    for output in cell.get("outputs", []):
        printed.append("".join(output.get("text", "")))
        printed.append("".join(output.get("data", {}).get("text/plain", "")))
    return source, "".join(printed)


def writing_cell(notebook: Path, output: str) -> dict[str, Any] | None:
    """Find the cell of ``notebook`` that writes ``output``.

    Parameters
    ----------
    notebook : Path
        A committed notebook (with its outputs).
    output : str
        A path the notebook writes (only its file name is looked for).

    Returns
    -------
    dict or None
        ``index`` (0-based, among all cells, as Jupyter and nbconvert count them)
        and ``id`` of the cell; None if no cell names the file.
    """
    name = output.rsplit("/", 1)[-1]
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [
        (k, cell)
        for k, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        and "parameters" not in cell.get("metadata", {}).get("tags", [])
    ]
    # a results file is written by write_results, which names it after the notebook
    wanted = "write_results(" if output.startswith("reports/results/") else name
    for look_in in (1, 0):
        for k, cell in code:
            if wanted in _texts(cell)[look_in]:
                return {"index": k, "id": cell.get("id", "")}
    return None


def item_map(root: Path) -> list[dict[str, str]]:
    """Every item of the README's table with its notebook, cell and output file.

    Parameters
    ----------
    root : Path
        The project root.

    Returns
    -------
    list of dict
        ``item``, ``where``, ``notebook``, ``cell`` (``index (id)``, or ``not found``)
        and ``output``. An item whose notebook ``pipeline.yaml`` does not declare as
        writing its output gets the cell ``not declared in pipeline.yaml``.
    """
    pipeline = root / "notebooks" / "pipeline.yaml"
    declared = yamlfile.load(pipeline.read_text(encoding="utf-8"), "pipeline.yaml")["notebooks"]
    rows = []
    for item in paper_items(root / "README.md"):
        notebook = item["notebook"]
        entry = declared.get(notebook) or {}
        figures = entry.get("figures")  # its registered figures' files, there (pipeline.yaml)
        writes = [*entry.get("writes", [])]
        if isinstance(figures, str):
            writes += figure_registry.files(figures, figure_registry.stems(notebook))
        if item["output"] not in writes:
            cell = "not declared in pipeline.yaml"
        else:
            found = writing_cell(root / "notebooks" / f"{notebook}.ipynb", item["output"])
            cell = f"{found['index']} ({found['id']})" if found else "not found"
        rows.append({**item, "cell": cell})
    return rows

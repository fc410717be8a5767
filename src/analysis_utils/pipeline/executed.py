"""One notebook executed: run with Papermill, kept the same every run, rendered as a page.

:func:`execute_one` runs a notebook in a kernel and says how it ended
(:class:`Outcome`); :func:`strip_run_metadata` drops what differs between two
executions of the same notebook (Papermill's time stamps, random cell ids,
stream splits); :func:`as_html` renders an executed notebook as a page that
works offline.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis_utils.pipeline.portable import relative_texts


@dataclass(frozen=True)
class Outcome:
    """How one notebook run ended.

    Attributes
    ----------
    name : str
    ok : bool
    seconds : float
    cell : int or None
        Index of the failing cell in the executed notebook.
    error : str
        ``"ExceptionName: message"`` of the failure.
    cell_source : str
        First line of the failing cell.
    kept : str
        Where the failed executed notebook was kept.
    pages : tuple of str
        The report pages (``.html`` outputs in ``pipeline.yaml``) the notebook
        wrote, as its run manifest record names them: relative to the project
        root where inside it (``reports/index.html``), else absolute
        (``OUTPUT/survey_report.html`` of a survey run).
    skipped : bool
        Not executed: its run manifest record says nothing that can change its
        outputs changed, and its outputs are the recorded ones.
    """

    name: str
    ok: bool
    seconds: float
    cell: int | None = None
    error: str = ""
    cell_source: str = ""
    kept: str = ""
    pages: tuple[str, ...] = ()
    skipped: bool = False

    def describe(self) -> str:
        """One-line account of a failure."""
        where = (
            f"cell {self.cell} (0-based, in the source notebook)"
            if self.cell is not None
            else "an unlocated cell"
        )
        first = f" ({self.cell_source!r})" if self.cell_source else ""
        kept = f"; executed copy kept at {self.kept}" if self.kept else ""
        return f"notebook {self.name} failed in {where}{first}: {self.error}{kept}"


def execute_one(
    name: str, source: str, output: str, parameters: dict[str, Any], cwd: str
) -> Outcome:
    """Run one notebook with Papermill (in a worker process).

    Parameters
    ----------
    name : str
        Notebook name, for the outcome.
    source, output : str
        Input notebook and where to write the executed copy.
    parameters : dict
        Checked parameters to inject.
    cwd : str
        Working directory of the kernel.

    Returns
    -------
    Outcome
    """
    import papermill

    from analysis_utils.pipeline import kernels  # jupyter_client: not for refusals

    start = time.perf_counter()
    waiting = kernels.take(cwd)  # started ahead in a worker of a parallel run (else None)
    try:
        papermill.execute_notebook(
            source,
            output,
            parameters=parameters,
            cwd=cwd,
            kernel_name=kernels.KERNEL,
            start_timeout=kernels.START_TIMEOUT,
            progress_bar=False,
            log_output=False,
            kernel_manager_class="analysis_utils.pipeline.kernels.QuietKernelManager",
            **({"km": waiting} if waiting is not None else {}),
        )
    except papermill.PapermillExecutionError as exc:
        cell, first = _failing_cell(Path(source), Path(output))
        return Outcome(
            name, False, time.perf_counter() - start, cell, f"{exc.ename}: {exc.evalue}", first
        )
    except Exception as exc:  # kernel could not start, notebook unreadable, ...
        return Outcome(
            name, False, time.perf_counter() - start, None, f"{type(exc).__name__}: {exc}"
        )
    finally:
        if waiting is not None:
            kernels.shut(waiting)
        kernels.prepare(cwd)
    return Outcome(name, True, time.perf_counter() - start)


def _failing_cell(source: Path, output: Path) -> tuple[int | None, str]:
    """Locate the failed cell: its index in the *source* notebook and first line.

    Papermill adds cells to the executed copy (injected parameters, an error
    banner), so the cell is matched back to the source by its id.
    """
    try:
        executed = json.loads(output.read_text(encoding="utf-8"))["cells"]
        ids = [c.get("id") for c in json.loads(source.read_text(encoding="utf-8"))["cells"]]
    except (OSError, KeyError, ValueError):
        return None, ""
    for cell in executed:
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            lines = "".join(cell.get("source", "")).strip().splitlines()
            index = ids.index(cell.get("id")) if cell.get("id") in ids else None
            return index, lines[0] if lines else ""
    return None, ""


#: nbconvert's lab template without the blocks that load scripts from a CDN
#: (require.js, MathJax, mermaid, the widget manager); its styles are inline.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def as_html(executed: Path) -> bytes:
    """Render an executed notebook as a self-contained HTML page that works offline.

    The page uses nbconvert's lab template with its styles inline and images
    embedded, but none of the scripts that template loads from a CDN
    (require.js, MathJax, mermaid, the widget manager): it makes no network
    request. Formulas in Markdown cells are shown as their TeX source
    (``$x^2$``), since MathJax is not loaded.

    Parameters
    ----------
    executed : Path
        The executed notebook.

    Returns
    -------
    bytes
        The page in UTF-8; the same notebook always gives the same bytes.
    """
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        template_file="offline.html.j2",
        extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
    )
    body, _ = exporter.from_filename(str(executed))
    return body.encode("utf-8")


def strip_run_metadata(
    executed: Path, *, places: Iterable[str] = (), folder: Path | None = None
) -> bytes:
    """Return an executed notebook that is the same every run.

    Papermill's per-run timestamps are dropped, the cell of injected
    parameters gets a fixed id instead of a random one, and consecutive stream
    outputs of the same name are merged (the kernel splits them at random
    points), so an unchanged notebook re-executes to the same file. The
    absolute paths ``places`` (a survey run's folders, given to the notebook
    as parameters) are written relative to ``folder``, where the copy is kept
    (:func:`~analysis_utils.pipeline.portable.relative_texts`): the copy holds
    no path of the machine it ran on.

    Parameters
    ----------
    executed : Path
        The executed notebook.
    places : iterable of str
        Absolute paths to write relative to ``folder``.
    folder : Path, optional
        The folder the copy is kept in (default: ``executed``'s).

    Returns
    -------
    bytes
    """
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    notebook = relative_texts(notebook, places, (folder or executed.parent).resolve())
    notebook.get("metadata", {}).pop("papermill", None)
    for cell in notebook.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
        merged: list[dict[str, Any]] = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and output.get("output_type") == "stream"
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")
            ):
                text = "".join(previous["text"]) + "".join(output["text"])
                previous["text"] = text.splitlines(keepends=True)
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return text.encode("utf-8")

"""The drift report: ``reports/drift.csv`` (every change) and ``reports/drift.html`` (to read).

Both are written whole and atomically, with the same content for the same
changes (rows sorted by file and key, no timestamps).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from analysis_utils.core.io import atomic_write_bytes
from analysis_utils.pipeline.drift_compare import ATOL, NOT_COMPARED, RTOL, Change, counted

#: Columns of ``drift.csv``.
COLUMNS = (
    "file",
    "key",
    "kind",
    "reference",
    "candidate",
    "difference",
    "relative_difference",
    "beyond_tolerance",
    "verdict",
)


@dataclass(frozen=True)
class Drift:
    """What one drift run found.

    Parameters
    ----------
    changes : sequence of Change
        The libraries of both environments (``version`` rows) and every change
        of an output.
    failure : str
        Why the study did not complete under the newest releases (the end of
        its output), empty if it did.
    """

    changes: Sequence[Change]
    failure: str = ""

    @property
    def versions(self) -> list[Change]:
        """The ``version`` rows."""
        return [c for c in self.changes if c.kind == "version"]

    @property
    def outputs(self) -> list[Change]:
        """The changes of outputs (versions left out)."""
        return [c for c in self.changes if c.kind != "version"]

    @property
    def drifted(self) -> bool:
        """Whether anything beyond tolerance changed, or the study failed."""
        return bool(self.failure) or counted(self.changes)["beyond_tolerance"] > 0


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def _relative(change: Change) -> str:
    if change.difference is None:
        return ""
    try:
        reference = float(change.reference)
    except ValueError:
        return ""
    return repr(change.difference / abs(reference)) if reference else ""


def csv_text(drift: Drift) -> str:
    """Render ``drift.csv``: one row per change, versions first.

    Parameters
    ----------
    drift : Drift

    Returns
    -------
    str
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for change in [*drift.versions, *drift.outputs]:
        writer.writerow(
            [
                change.file,
                change.key,
                change.kind,
                change.reference,
                change.candidate,
                _number(change.difference),
                _relative(change),
                str(change.beyond_tolerance).lower(),
                str(change.verdict).lower(),
            ]
        )
    if drift.failure:
        writer.writerow(["(run)", "", "failure", "", drift.failure, "", "", "true", "false"])
    return buffer.getvalue()


def summary(drift: Drift) -> str:
    """Say in a few lines what drifted: libraries, outputs, verdicts.

    Parameters
    ----------
    drift : Drift

    Returns
    -------
    str
    """
    moved = [v for v in drift.versions if v.reference != v.candidate]
    libraries = f"libraries that differ from the reference ({len(moved)}): " + (
        ", ".join(f"{v.key} {v.reference or '(none)'} -> {v.candidate}" for v in moved)
        if moved
        else "none (the newest releases are the locked ones)"
    )
    if not drift.versions:
        libraries = "libraries: not known (two output trees compared)"
    count = counted(drift.changes)
    lines = [
        libraries,
        f"outputs: {count['beyond_tolerance']} changes beyond tolerance in {count['files']} "
        f"files, {count['within_tolerance']} within tolerance (relative {RTOL:g}, absolute "
        f"{ATOL:g})",
        f"verdict or status changed: {'yes' if count['verdicts'] else 'no'}",
    ]
    if drift.failure:
        lines.insert(0, "the study did not complete under the newest releases")
    return "\n".join(lines)


_PAGE = jinja2.Environment(autoescape=True, keep_trailing_newline=True).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Drift report</title>
<style>
body { font-family: sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
td.value { font-family: monospace; white-space: pre-wrap; max-width: 24rem; }
.beyond { background: #fde2e1; }
.verdict { font-weight: bold; }
</style>
</head>
<body>
<h1>Drift report</h1>
<p>The study run under the newest releases of every library it depends on (not
<code>requirements/lock.txt</code>), compared output by output with the reference run under
the locked versions.</p>
<p><strong>{{ "Drift." if drifted else "No drift." }}</strong></p>
<ul>
{% for line in summary %}<li>{{ line }}</li>
{% endfor %}</ul>
{% if failure %}
<h2>The study did not complete</h2>
<pre>{{ failure }}</pre>
{% endif %}
<h2>Changes</h2>
<p>Numbers count as equal when they differ by at most {{ atol }} plus {{ rtol }} times the
reference value; text must be identical. Rows beyond tolerance are shaded; changes of a verdict or
status are in bold. Figures are compared by the values they draw, not their bytes; not compared:
PNG and SVG bytes, HTML pages, executed notebooks, {{ not_compared }}.</p>
{% if outputs %}<table>
<tr><th>file</th><th>where</th><th>kind</th><th>reference</th><th>newest</th><th>difference</th></tr>
{% for c in outputs %}<tr class="{{ 'beyond' if c.beyond_tolerance }}{{ ' verdict' if c.verdict }}">
<td>{{ c.file }}</td><td>{{ c.key }}</td><td>{{ c.kind }}</td>
<td class="value">{{ c.reference }}</td><td class="value">{{ c.candidate }}</td>
<td>{{ "" if c.difference is none else "%.4g" | format(c.difference) }}</td></tr>
{% endfor %}</table>
{% else %}<p>No output changed.</p>
{% endif %}
{% if versions %}<h2>Libraries</h2>
<table>
<tr><th>library</th><th>reference (locked)</th><th>newest</th></tr>
{% for v in versions %}<tr{% if v.reference != v.candidate %} class="beyond"{% endif %}>
<td>{{ v.key }}</td><td>{{ v.reference }}</td><td>{{ v.candidate }}</td></tr>
{% endfor %}</table>
{% endif %}</body>
</html>
"""
)


def html_text(drift: Drift) -> str:
    """Render ``drift.html``.

    Parameters
    ----------
    drift : Drift

    Returns
    -------
    str
    """
    return _PAGE.render(
        drifted=drift.drifted,
        summary=summary(drift).splitlines(),
        failure=drift.failure,
        versions=drift.versions,
        outputs=drift.outputs,
        rtol=f"{RTOL:g}",
        atol=f"{ATOL:g}",
        not_compared=", ".join(sorted(NOT_COMPARED)),
    )


def write_report(drift: Drift, folder: Path) -> list[Path]:
    """Write ``drift.csv`` and ``drift.html`` into ``folder``.

    Parameters
    ----------
    drift : Drift
    folder : Path
        The reports folder.

    Returns
    -------
    list of Path
        The two files written.
    """
    written = []
    for name, text in (("drift.csv", csv_text(drift)), ("drift.html", html_text(drift))):
        path = folder / name
        atomic_write_bytes(path, text.encode("utf-8"))
        written.append(path)
    return written

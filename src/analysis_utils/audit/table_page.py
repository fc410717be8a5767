"""The page a reader opens after ``audit-table``: counts per paper, inconsistent values first.

A Markdown page (``audit.md``): the verdicts counted per paper, the inconsistent values
(the first :data:`LISTED` of them; all are in ``rows.csv``), the tables whose values no
shared sample size gives together, and what "not testable" means. Every text taken from
the input is neutralised (control and bidirectional characters) and its ``|`` escaped.
"""

from __future__ import annotations

import pandas as pd

from analysis_utils.audit.table_audit import MAX_RUNS_WRITTEN, Audit
from analysis_utils.audit.table_reasons import INCONSISTENT, NOT_TESTABLE
from analysis_utils.core.text import neutral

#: Values and tables listed on the page at most (all are in the CSV files).
LISTED = 200


def _cell(value: object) -> str:
    text = "" if value is None or value is pd.NA else str(value)
    return neutral(text).replace("|", "\\|").strip()


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> list[str]:
    lines = [
        "| " + " | ".join(columns.values()) + " |",
        "|" + "---|" * len(columns),
    ]
    for record in frame[list(columns)].itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in record) + " |")
    return lines


def page(audit: Audit, *, source: str) -> str:
    """Write the Markdown page of an audit.

    Parameters
    ----------
    audit : Audit
        From :func:`analysis_utils.audit.table_audit.audit`.
    source : str
        The input file's name, as the page shows it.

    Returns
    -------
    str
    """
    rows, tables = audit.rows, audit.tables
    counts = (
        rows.pivot_table(index="paper", columns="verdict", aggfunc="size", fill_value=0)
        .reindex(columns=["consistent", INCONSISTENT, NOT_TESTABLE], fill_value=0)
        .reset_index()
        .sort_values([INCONSISTENT, "paper"], ascending=[False, True], kind="stable")
    )
    counts["values"] = counts[["consistent", INCONSISTENT, NOT_TESTABLE]].sum(axis=1)
    listing = (
        "every feasible sample size in `feasible_n.csv`"
        if audit.runs_listed
        else f"`feasible_n.csv` is empty: its {audit.runs_found:,} runs of feasible sizes are "
        f"more than {MAX_RUNS_WRITTEN:,} (narrow the ranges searched, or split the table; "
        "each row keeps its count, smallest, largest and first runs)"
    )
    lines = [
        f"# Audit of reported values: {_cell(source)}",
        "",
        f"{len(rows):,} values of {rows['paper'].nunique():,} papers: "
        f"{int((rows['verdict'] == 'consistent').sum()):,} consistent, "
        f"{int((rows['verdict'] == INCONSISTENT).sum()):,} inconsistent, "
        f"{int((rows['verdict'] == NOT_TESTABLE).sum()):,} not testable. Every row is in "
        f"`rows.csv`, every paper and table in `tables.csv`, {listing}.",
        "",
        "## Per paper",
        "",
        *_table(
            counts,
            {
                "paper": "paper",
                "values": "values",
                INCONSISTENT: "inconsistent",
                "consistent": "consistent",
                NOT_TESTABLE: "not testable",
            },
        ),
        "",
        "## Inconsistent values",
        "",
    ]
    bad = rows[rows["verdict"] == INCONSISTENT]
    if bad.empty:
        lines.append("None: every value testable is possible.")
    else:
        lines += _table(
            bad.head(LISTED),
            {
                "paper": "paper",
                "table": "table",
                "row": "row",
                "value": "value",
                "n": "n",
                "reason": "reason",
            },
        )
        if len(bad) > LISTED:
            lines.append(f"\n... and {len(bad) - LISTED:,} more in `rows.csv`.")
    lines += [
        "",
        "## Tables whose values no shared n gives",
        "",
        "At the n all the table's values state, or at any size searched: each value must be "
        "possible, and each complete breakdown's counts must sum to n.",
        "",
    ]
    joint = tables[
        (tables["at_stated_n"] == INCONSISTENT) | (tables["joint_verdict"] == INCONSISTENT)
    ]
    if joint.empty:
        lines.append("None.")
    else:
        lines += _table(
            joint.head(LISTED),
            {
                "paper": "paper",
                "table": "table",
                "values": "values",
                "stated_n": "stated n",
                "at_stated_n": "at stated n",
                "sizes_searched": "sizes searched",
                "joint_n_count": "sizes possible",
                "smallest_joint_n": "smallest",
                "breakdown_sums": "breakdowns (printed sums)",
            },
        )
        if len(joint) > LISTED:
            lines.append(f"\n... and {len(joint) - LISTED:,} more in `tables.csv`.")
    lines += [
        "",
        "## Not testable",
        "",
        "A value is not testable at its precision when `n` (times the items of a mean) is at "
        "least 10 to the power of its decimals (plus 2 for a percentage): every value printed "
        "so is possible; or when it has more than 15 decimals, a number printed in full "
        "rather than a rounded report.",
        "",
    ]
    return "\n".join(lines)

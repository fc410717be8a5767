"""The committed reports/ are what a run writes: a run changes none of them.

The outputs are shipped (pages, PDF, tables, figures, results), so a reader on the code host
sees the findings without running anything; every run writes the same bytes, so the study run
of the test session (``built``) must give exactly the committed files.
"""

import subprocess

import pytest
from conftest import ROOT

from analysis_utils.report import replication

#: Files a reader opens first; each must be committed.
SHIPPED = (
    "reports/index.html",
    "reports/survey_report.html",
    "reports/reproduction_report.csv",
    "reports/replication_report.md",
    "reports/replication_report.html",
    "reports/replication_report.pdf",
    "reports/tables/verdict_table.csv",
    "reports/figures/fig1_causes.svg",
    "reports/results/manifest.json",
)


def _committed() -> dict[str, bytes]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: reports/ is compared with its commit")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "reports"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return {
        name: subprocess.run(
            ["git", "show", f"HEAD:{name}"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        for name in listed.split("\0")
        if name
    }


def test_the_outputs_are_committed():
    committed = _committed()
    assert set(SHIPPED) <= set(committed)
    assert not [name for name in committed if name.startswith("reports/executed/")]


def test_a_run_changes_none_of_the_committed_outputs(built):
    committed = _committed()
    written = {
        name: (built.root / name).read_bytes()
        for name in committed
        if (built.root / name).is_file()
    }
    # the report is filled from the run's results and the checkout's citation, lock, benchmarks
    for name, data in replication.build(ROOT, built.reports).items():
        written[f"reports/{name}"] = data
    assert set(written) == set(committed), "a committed output the run no longer writes"
    changed = sorted(name for name in committed if written[name] != committed[name])
    assert changed == [], (
        "the run writes other bytes than are committed: run make reproduce and commit reports/"
    )

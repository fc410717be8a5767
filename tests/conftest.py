"""Shared fixtures: a private copy of the project to break and run."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

from analysis_utils.core import paths

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]

#: Where a test's dask cluster serves HTTP (its health and metrics pages): the loopback
#: interface on a free port, so clusters of tests running at once never share port 8787.
LOOPBACK_ANY_PORT = "127.0.0.1:0"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--fresh-study``: run the shared study from scratch, not from this checkout's reports."""
    parser.addoption(
        "--fresh-study",
        action="store_true",
        help="execute every notebook of the shared study run (ignore the checkout's reports/)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what needs the shared study run (``study``) and nbval's cells (the tutorial) as slow."""
    for item in items:
        if "built" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.study)
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> paths.Layout:
    """A copy of data/raw, data/processed and notebooks/ under tmp_path, set as the root."""
    layout = copy_project(tmp_path / "project")
    monkeypatch.setenv(paths.ROOT_ENV, str(layout.root))
    return layout


def run_cli(*args: str, root: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``python -m analysis_utils ARGS`` against the project at ``root``."""
    env = {**os.environ, paths.ROOT_ENV: str(root)}
    return subprocess.run(
        [sys.executable, "-m", "analysis_utils", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (empty if the folder is missing)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def copy_project(root: Path) -> paths.Layout:
    """Copy data/raw, data/processed, notebooks/ and the lock file (hashed into every run
    manifest record) to ``root``."""
    for part in ("data/raw", "data/processed", "notebooks", "requirements"):
        shutil.copytree(
            ROOT / part,
            root / part,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    return paths.layout(root)


#: What the shared study run keeps of its command line (tests read it instead of running again).
STUDY_RUN = "study_run.json"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> paths.Layout:
    """A copy of the project in which the whole study has run once per test session.

    Shared by every test and every pytest-xdist worker: the first to need it runs
    ``python -m analysis_utils run --jobs 2`` in a copy of the project while holding a lock;
    the others wait for it and read the same folder. Unless ``--fresh-study`` is given, the
    copy starts from this checkout's ``reports/`` (what ``make reproduce`` left), so the
    runner executes only the notebooks its run manifest says could now write something
    different (none, right after ``make reproduce``): tests/test_incremental.py shows such a
    skip is never wrong. What the command printed is kept in ``study_run.json``.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    with (shared / "study.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = shared / "study"
        if not (folder / STUDY_RUN).is_file():
            _run_study(folder, fresh=request.config.getoption("--fresh-study"))
    layout = paths.layout(folder / "project")
    run = json.loads((folder / STUDY_RUN).read_text(encoding="utf-8"))
    assert run["returncode"] == 0, run["stderr"]
    return layout


def _run_study(folder: Path, *, fresh: bool) -> None:
    """Run the study in ``folder/project`` by its command line; keep what it printed."""
    layout = copy_project(folder / "project")
    if not fresh:
        _seed(layout)
    result = run_cli("run", "--jobs", "2", root=layout.root)
    run = {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
    (folder / STUDY_RUN).write_text(json.dumps(run), encoding="utf-8")


def _seed(layout: paths.Layout) -> None:
    """Copy what this checkout's last run recorded in its run manifest, and nothing else.

    The manifest, every output a record names under ``reports/`` and each notebook's
    executed copies: the runner then checks each record against the copy (its key, the
    outputs' hashes) and executes what no longer matches. A stale file of an older run is
    not copied, because no record names it.
    """
    from analysis_utils.pipeline import manifest

    results = ROOT / "reports" / "results"
    records = manifest.load(results)
    names = [name for record in records.values() for name in record.outputs]
    for notebook in records:
        names += [f"reports/executed/{notebook}.ipynb", f"reports/executed/{notebook}.html"]
    for name in [*names, f"reports/results/{manifest.MANIFEST}"]:
        source = ROOT / name
        if name.startswith("reports/") and source.is_file():
            (layout.root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, layout.root / name)


@pytest.fixture(scope="session")
def study_run(built: paths.Layout) -> dict[str, str]:
    """What the shared study run (:func:`built`) printed: ``stdout`` and ``stderr``."""
    run: dict[str, str] = json.loads((built.root.parent / STUDY_RUN).read_text(encoding="utf-8"))
    return run


def _processed(name: str):
    """A committed processed table, read with its schema's types."""
    from analysis_utils.core import io
    from analysis_utils.study import schemas

    schema, _ = schemas.PROCESSED[name]
    return io.read_table(ROOT / "data" / "processed" / name, schema)


@pytest.fixture(scope="session")
def items():
    """The committed survey_items.csv."""
    return _processed("survey_items.csv")


@pytest.fixture(scope="session")
def numbers():
    """The committed article_numbers.csv."""
    return _processed("article_numbers.csv")


@pytest.fixture(scope="session")
def article_claims():
    """The committed article_claims.csv."""
    return _processed("article_claims.csv")

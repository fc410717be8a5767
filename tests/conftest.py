"""Shared fixtures: a private copy of the project to break and run."""

from __future__ import annotations

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
    """Copy data/raw, data/processed and notebooks/ to ``root``."""
    for part in ("data/raw", "data/processed", "notebooks"):
        shutil.copytree(
            ROOT / part,
            root / part,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    return paths.layout(root)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> paths.Layout:
    """A copy of the project in which the whole study has run once (shared by tests)."""
    from analysis_utils.pipeline import runner

    layout = copy_project(tmp_path_factory.mktemp("built") / "project")
    previous = os.environ.get(paths.ROOT_ENV)
    os.environ[paths.ROOT_ENV] = str(layout.root)
    try:
        outcomes = runner.run(layout, [], {}, jobs=2)
    finally:
        if previous is None:
            os.environ.pop(paths.ROOT_ENV, None)
        else:
            os.environ[paths.ROOT_ENV] = previous
    assert all(o.ok for o in outcomes), [o.describe() for o in outcomes]
    return layout


def _processed(name: str):
    """A committed processed table, read with its schema's types."""
    from analysis_utils.core import io, schemas

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

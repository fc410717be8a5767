"""The source distribution is the whole package: every tracked file, and its tests collect.

The slow test copies the files git tracks to a temporary folder (so the build writes
nothing into the checkout and sees no untracked file), builds the sdist there with
setuptools' own build hook in a fresh environment (setuptools as ``pyproject.toml``'s
build-system requires it, from the package index), compares its members with the tracked
files, unpacks it and lets pytest collect its tests with this environment's libraries.
"""

import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: What setuptools adds to every sdist besides the package's files.
GENERATED = {"PKG-INFO", "setup.cfg"}


def _tracked() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return sorted(name for name in listed.split("\0") if name and (ROOT / name).is_file())


def test_the_manifest_includes_every_tracked_top_level_entry():
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").split()
    for top in {name.split("/", 1)[0] for name in _tracked()}:
        assert top in manifest, f"{top} is tracked but not in MANIFEST.in"


def _build_sdist(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    for name in _tracked():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes((ROOT / name).read_bytes())
    env = tmp_path / "build-env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=300)
    python = env / "bin" / "python"
    requires = PYPROJECT["build-system"]["requires"]
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *requires],
        check=True,
        timeout=600,
    )
    dist = tmp_path / "dist"
    hook = (
        "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    )
    built = subprocess.run(
        [python, "-c", hook, str(dist)],
        cwd=source,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return dist / built.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_the_sdist_holds_every_tracked_file_and_pytest_collects_from_it(tmp_path):
    sdist = _build_sdist(tmp_path)
    with tarfile.open(sdist) as archive:
        members = [m.name for m in archive.getmembers() if m.isfile()]
        top = members[0].split("/", 1)[0]
        assert top == f"{PYPROJECT['project']['name'].replace('-', '_')}-{_version()}"
        files = {name.split("/", 1)[1] for name in members}
        shipped = {f for f in files if f not in GENERATED and ".egg-info/" not in f}
        assert sorted(shipped) == _tracked()
        unpacked = tmp_path / "unpacked"
        archive.extractall(unpacked, filter="data")
    root = unpacked / top
    for needed in (
        "tests/conftest.py",
        "data/raw/SHA256SUMS",
        "requirements/lock.txt",
        "requirements/lock-tool.txt",
        "CITATION.cff",
        "docs/findings.md",
        "notebooks/pipeline.yaml",
    ):
        assert (root / needed).is_file(), needed
    # the unpacked library, not this checkout's, is imported (PYTHONPATH comes first)
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root / "src"), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    last = collected.stdout.strip().splitlines()[-1]
    assert last.endswith(" tests collected") or " tests collected in " in last, last
    assert int(last.split()[0]) > 100


def _version() -> str:
    import analysis_utils

    return analysis_utils.__version__

"""The survey toolkit works from the installed wheel, outside any checkout.

The slow test builds the wheel, installs it (without dependencies) in a
temporary virtual environment that borrows this environment's libraries but not
those of the extras (``lab``, ``sweeps``, ``test``: importing them fails there, as
after ``pip install`` of the wheel alone), and runs a survey from a temporary
folder. The answers are made up for the test (fixtures, not data of any study).
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT
from surveys import OPTIONS, QUESTIONS, write_rows

import analysis_utils
from analysis_utils.core import paths

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: What the wheel is built from (copied, so the build writes nothing into the checkout).
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "src", "notebooks")

#: What only the extras bring (top-level modules): absent from the wheel's environment.
EXTRAS_ONLY = ("jupyterlab", "jupyter_server", "dask", "distributed", "cryptography", "pytest")

#: Put first on ``sys.meta_path`` of the wheel's environment (and so of its kernels).
REFUSE_EXTRAS = f"""import sys


class RefuseExtras:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {EXTRAS_ONLY!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (an extra)", name=name)
        return None


sys.meta_path.insert(0, RefuseExtras())
"""


def test_the_wheel_lists_every_package_and_ships_the_notebooks():
    setuptools = PYPROJECT["tool"]["setuptools"]
    src = ROOT / "src"
    found = {".".join(init.parent.relative_to(src).parts) for init in src.rglob("__init__.py")}
    assert set(setuptools["packages"]) == found | {"analysis_utils.notebooks"}
    assert setuptools["package-dir"]["analysis_utils.notebooks"] == "notebooks"
    shipped = setuptools["package-data"]["analysis_utils.notebooks"]
    assert {"*.ipynb", "*.yaml"} <= set(shipped)
    assert {p.suffix for p in (ROOT / "notebooks").iterdir() if p.is_file()} <= {
        ".ipynb",
        ".yaml",
    }
    assert PYPROJECT["project"]["scripts"]["analysis-utils"] == "analysis_utils.cli:main"


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (bytecode caches aside) with its SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _venv_with_wheel(tmp_path: Path) -> tuple[Path, Path]:
    """Build the wheel and install it in a fresh environment; return its bin and package."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name,
                source / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-q", "-w", str(dist), str(source)], check=True, timeout=600
    )
    [wheel] = dist.glob("*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the libraries the package needs, from this environment (installing them needs a network)
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # ... but not the extras' (a .pth line that starts with import runs when Python starts)
    (Path(purelib) / "refuse_extras.py").write_text(REFUSE_EXTRAS)
    (Path(purelib) / "refuse_extras.pth").write_text("import refuse_extras\n")
    subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        timeout=600,
    )
    return venv / "bin", Path(purelib) / "analysis_utils"


@pytest.mark.slow
def test_the_installed_wheel_runs_a_survey_outside_any_checkout(tmp_path):
    bin_dir, package = _venv_with_wheel(tmp_path)
    assert (package / "notebooks" / "pipeline.yaml").is_file()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {paths.ROOT_ENV, "PYTHONPATH", "VIRTUAL_ENV"}
    }
    # kernels from the new environment only (no user's kernel of another Python); nbconvert's
    # templates, which an installation of the dependencies would put there, from this one
    shared = tmp_path / "jupyter"
    shared.mkdir()
    (shared / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-user")
    env["JUPYTER_PATH"] = str(shared)
    work = tmp_path / "work"
    work.mkdir()
    before = _tree(package)

    def cli(*args: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bin_dir / "analysis-utils"), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    for module in EXTRAS_ONLY:
        found = subprocess.run([bin_dir / "python", "-c", f"import {module}"], check=False)
        assert found.returncode == 1, f"{module} is importable in the wheel's environment"
    [metadata] = package.parent.glob("nazarova2014_reproduction-*.dist-info/METADATA")
    needs = re.findall(r"^Requires-Dist: ([A-Za-z0-9_.-]+)(.*)$", metadata.read_text(), re.M)
    base = {name.lower() for name, rest in needs if "extra ==" not in rest}
    assert "papermill" in base
    assert not base & {"jupyterlab", "distributed", "cryptography", "pytest"}

    version = cli("--version")
    assert version.stdout == f"analysis-utils {analysis_utils.__version__}\n"
    made = cli("new-survey", "S")
    assert made.returncode == 0, made.stderr
    survey = work / "S"
    write_rows(survey / "questions.csv", QUESTIONS)
    write_rows(survey / "options.csv", OPTIONS)
    roles = ["ngo"] * 9 + ["gov"] * 6
    helps = ["shelter"] * 10 + ["legal"] * 5
    write_rows(
        survey / "responses.csv",
        [["respondent_id", "role", "help"]]
        + [[f"r{i:02d}", r, h] for i, (r, h) in enumerate(zip(roles, helps, strict=True))],
    )
    (survey / "params.yaml").unlink()
    done = cli("run", "-p", "survey_dir", "S")
    assert done.returncode == 0, done.stderr
    out = survey.resolve() / "output"
    # respondent-level answers: the analysis report (named last, the one to open) and the shared
    assert done.stdout.splitlines()[-2:] == [
        f"report page: {out / 'survey_shared.html'}",
        f"report page: {out / 'survey_analysis.html'}",
    ]
    for written in (
        "survey_analysis.html",
        "survey_shared.html",
        "processed/survey_items.csv",
        "tables/respondent_verdicts.csv",
        "results/manifest.json",
        "executed/09_survey_tables.html",
    ):
        assert (out / written).is_file(), written
    assert sorted(p.name for p in work.iterdir()) == ["S"]
    assert _tree(package) == before  # nothing written into the installed package

    study = cli("run")
    assert study.returncode == 2
    assert len(study.stderr.splitlines()) == 1
    assert "needs a checkout of the project with its raw data (data/raw/)" in study.stderr

    # the installed copy serves outside a checkout; a checkout's own notebooks inside it
    where = "from analysis_utils.core import paths; print(paths.layout().notebooks)"
    python = str(bin_dir / "python")
    for cwd, expected in ((work, package / "notebooks"), (ROOT, ROOT / "notebooks")):
        shown = subprocess.run(
            [python, "-c", where], cwd=cwd, env=env, capture_output=True, text=True, check=True
        )
        assert Path(shown.stdout.strip()) == expected.resolve()

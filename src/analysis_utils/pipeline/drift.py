"""``make drift``: the whole study under the newest releases, compared with the reference run.

``python -m analysis_utils.pipeline.drift`` copies the project into a
temporary folder, makes a virtual environment there with the newest release
of every library the project depends on (``pip install --upgrade``, not the
lock file), runs every notebook in it, and compares each output with the
reference tree's (:mod:`analysis_utils.pipeline.drift_compare`): by default the
project itself, which ``make drift`` has just run with the locked versions
(``make reproduce``), so the processed tables compared are the committed ones.
It writes ``reports/drift.csv`` and ``reports/drift.html``
(:mod:`analysis_utils.pipeline.drift_report`), prints a summary, removes the
temporary folder and exits with 0 when nothing changed beyond tolerance, 1 when
something did or the study failed under the newest releases, 2 when the
environment could not be made (no network, say) or the reference has no outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from analysis_utils.core.commands import entry_point
from analysis_utils.core.errors import ParameterError
from analysis_utils.core.paths import ROOT_ENV, check_writable, find_root
from analysis_utils.pipeline.drift_compare import compare_trees, compare_versions, output_files
from analysis_utils.pipeline.drift_report import Drift, summary, write_report

#: What is not copied into the temporary project: version control, environments,
#: caches and every output (the run under the newest releases writes its own).
IGNORED = (
    ".git",
    ".venv",
    "reports",
    "build",
    "dist",
    "__pycache__",
    "*.egg-info",
    ".*_cache",
    ".hypothesis",
    ".benchmarks",
    ".ipynb_checkpoints",
)

#: How many lines of a failed command's output the report keeps.
TAIL_LINES = 40

#: Prints ``{distribution: version}`` of the interpreter that runs it, and ``python``.
_VERSIONS = (
    "import importlib.metadata as m, json, platform; "
    "d = {x.metadata['Name']: x.version for x in m.distributions()}; "
    "d['python'] = platform.python_version(); print(json.dumps(d))"
)


class NewestEnvironmentError(RuntimeError):
    """The environment with the newest releases could not be made."""


def copy_project(root: Path, target: Path) -> Path:
    """Copy the project's sources and raw data, without any output, to ``target``.

    Parameters
    ----------
    root : Path
        The project root.
    target : Path
        A folder that does not exist yet.

    Returns
    -------
    Path
        ``target``.
    """
    shutil.copytree(root, target, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)
    for written in (target / "data" / "processed").glob("*"):
        if written.is_file():
            written.unlink()
    return target


def _tail(text: str) -> str:
    return "\n".join(text.strip().splitlines()[-TAIL_LINES:])


def _run(
    command: Sequence[str], *, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def newest_environment(python: str, venv: Path, project: Path) -> Path:
    """Make a virtual environment with the project and the newest release of every library.

    Parameters
    ----------
    python : str
        The interpreter the environment is made from.
    venv : Path
        Where to make it.
    project : Path
        The project to install (not editable, not constrained by the lock file).

    Returns
    -------
    Path
        The environment's interpreter.

    Raises
    ------
    NewestEnvironmentError
        With the end of the failing command's output.
    """
    env = _clean_env()
    bin_python = venv / "bin" / "python"
    for command in (
        [python, "-m", "venv", str(venv)],
        [
            str(bin_python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--upgrade",
            "--upgrade-strategy",
            "eager",
            str(project),
        ],
        [str(bin_python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
    ):
        done = _run(command, cwd=project, env=env)
        if done.returncode != 0:
            raise NewestEnvironmentError(f"{' '.join(command)}\n{_tail(done.stdout + done.stderr)}")
    return bin_python


def _clean_env() -> dict[str, str]:
    """Return the variables of a run under the newest releases: none point at this checkout."""
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", ROOT_ENV, "VIRTUAL_ENV"}}


def run_study(python: Path, project: Path, *, jobs: int) -> str:
    """Run every notebook of ``project`` with ``python``.

    Parameters
    ----------
    python : Path
        The interpreter (its environment holds the package and the kernel).
    project : Path
        The project root.
    jobs : int
        Notebooks run at once.

    Returns
    -------
    str
        Empty if the run succeeded, else the end of its output.
    """
    env = {**_clean_env(), ROOT_ENV: str(project)}
    done = _run(
        [str(python), "-m", "analysis_utils", "run", "--jobs", str(jobs)], cwd=project, env=env
    )
    return "" if done.returncode == 0 else _tail(done.stdout + done.stderr)


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(python: str | Path) -> dict[str, str]:
    """Return the versions of everything installed for an interpreter, and its own.

    Parameters
    ----------
    python : str or Path

    Returns
    -------
    dict
        ``{normalised distribution name: version}``, ``python`` included.
    """
    done = subprocess.run(
        [str(python), "-c", _VERSIONS], capture_output=True, text=True, check=True
    )
    return {_normalised(k): v for k, v in json.loads(done.stdout).items()}


def drift(reference: Path, *, python: str, jobs: int, workdir: Path | None = None) -> Drift:
    """Run the study under the newest releases and compare it with ``reference``.

    Parameters
    ----------
    reference : Path
        Root of a project tree holding the reference outputs (run with the
        locked versions by the interpreter running this function).
    python : str
        The interpreter the new environment is made from.
    jobs : int
        Notebooks run at once.
    workdir : Path, optional
        Where the temporary folder is made (the system's by default); it is
        removed at the end.

    Returns
    -------
    Drift

    Raises
    ------
    NewestEnvironmentError
        If the new environment could not be made.
    """
    with tempfile.TemporaryDirectory(prefix="analysis-utils-drift-", dir=workdir) as tmp:
        project = copy_project(reference, Path(tmp) / "project")
        newest = newest_environment(python, Path(tmp) / "venv", project)
        failure = run_study(newest, project, jobs=jobs)
        versions = compare_versions(installed(sys.executable), _project_libraries(newest))
        return Drift([*versions, *compare_trees(reference, project)], failure)


def _project_libraries(python: Path) -> dict[str, str]:
    """Return the newest environment's versions, less the project and pip's own tools."""
    versions = installed(python)
    for own in ("nazarova2014-reproduction", "pip", "setuptools", "wheel"):
        versions.pop(own, None)
    return versions


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis_utils.pipeline.drift",
        description="Run the study under the newest library releases and compare its outputs "
        "with the reference run (the project, as run by make reproduce).",
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    parser.add_argument(
        "--reference", type=Path, help="project tree with the reference outputs (default: this one)"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="TREE",
        help="compare the outputs of TREE with the reference, without making an environment",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter the new environment is made from (default: this one)",
    )
    parser.add_argument(
        "--out", type=Path, help="folder of drift.csv and drift.html (default: reports/)"
    )
    return parser


def _command(args: argparse.Namespace) -> int:
    """Run the drift report and return its exit status.

    0 if nothing changed beyond tolerance, 1 if something did (or the study failed under the
    newest releases), 2 if no comparison could be made.
    """
    reference = (args.reference or find_root()).resolve()
    out = args.out or reference / "reports"
    try:
        check_writable(out, f"--out {out}", "give a folder elsewhere", root=reference)
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not output_files(reference):
        print(
            f"error: {reference} holds no outputs to compare with; run make reproduce first",
            file=sys.stderr,
        )
        return 2
    if args.compare is not None:
        result = Drift(compare_trees(reference, args.compare.resolve()))
    else:
        try:
            result = drift(reference, python=args.python, jobs=args.jobs)
        except NewestEnvironmentError as exc:
            print(
                f"error: the environment with the newest releases could not be made:\n{exc}",
                file=sys.stderr,
            )
            return 2
    written = write_report(result, out)
    print(summary(result))
    print("report: " + ", ".join(str(p) for p in written))
    return 1 if result.drifted else 0


#: ``main(argv=None)``: the command, with :func:`_command`'s exit statuses.
main = entry_point(_parser, _command)


if __name__ == "__main__":
    raise SystemExit(main())

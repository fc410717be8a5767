"""Runs killed at random points: no file half written, and a mix is always told."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from conftest import run_cli, snapshot

from analysis_utils.core import paths, writing
from analysis_utils.pipeline import locks, manifest

#: A small run of the claim tests with its outputs moved out of the committed ones.
RUN = [
    "run",
    "02",
    "03",
    "-p",
    "tables_dir",
    "out/tables",
    "-p",
    "results_dir",
    "out/results",
    "-p",
    "draws",
    "300",
    "-p",
    "size_draws",
    "300",
    "--no-html",
]


def _outputs(root, *, partial=False):
    """The run's tables and results; with ``partial``, only the half-written files."""
    files = snapshot(root / "out")
    return {
        k: v
        for k, v in files.items()
        if not k.startswith("executed/")
        and bool(writing.PARTIAL.fullmatch(k.split("/")[-1])) == partial
        and not k.endswith(locks.LOCK_NAME)  # a killed run's lock file, reused by the next
    }


def _whole(files):
    """Every table and results file parses: nothing was left half written."""
    for name, data in files.items():
        if name.endswith(".json"):
            json.loads(data)
        elif name.endswith(".csv"):
            assert data.endswith(b"\n"), name


@pytest.mark.slow
def test_a_run_killed_at_random_points_is_whole_or_flagged(project):
    root = project.root
    first = run_cli(*RUN, "-p", "rounding", "up_or_down", root=root)
    assert first.returncode == 0, first.stderr
    old = _outputs(root)
    env = {**os.environ, paths.ROOT_ENV: str(root)}
    for delay in random.Random(2014).sample([2.0, 5.0, 8.0, 11.0, 14.0], 3):
        process = subprocess.Popen(
            [sys.executable, "-m", "analysis_utils", *RUN, "-p", "rounding", "even"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        time.sleep(3)  # an orphaned kernel notices its parent is gone and stops
        now = _outputs(root)
        _whole(now)
        problems = manifest.check(manifest.load(root / "out" / "results"), root)
        changed = sorted(k for k in now if k != "results/manifest.json" and now[k] != old.get(k))
        if not problems:  # every file is its record's: one run's outputs, old or new
            records = manifest.load(root / "out" / "results")
            made = {p for r in records.values() for p in r.outputs}
            assert {f"out/{k}" for k in now if k != "results/manifest.json"} <= made
        else:
            assert changed, "a mix was flagged though nothing changed"
    again = run_cli(*RUN, "-p", "rounding", "up_or_down", root=root)
    assert again.returncode == 0, again.stderr  # the lock is free, the staging cleared
    assert manifest.check(manifest.load(root / "out" / "results"), root) == []
    assert _outputs(root) == old
    assert _outputs(root, partial=True) == {}  # what the kills left was cleared


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_ctrl_c_during_a_parallel_run_prints_one_line(project):
    env = {**os.environ, paths.ROOT_ENV: str(project.root)}
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis_utils", *RUN, "--jobs", "2", "-p", "rounding", "even"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal's foreground job
        # as a terminal starts it: Ctrl-C not ignored (a pytest-xdist worker ignores it, and a
        # child would inherit that)
        preexec_fn=_interruptible,
    )
    assert process.stderr is not None
    assert process.stderr.readline().startswith("running ")
    assert process.stderr.readline().startswith("[start]")
    time.sleep(2)  # a kernel is running a notebook
    os.killpg(process.pid, signal.SIGINT)
    rest = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 130
    assert "Traceback" not in rest
    assert rest.strip().splitlines()[-1].startswith("interrupted: ")

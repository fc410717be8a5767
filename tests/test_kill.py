"""A parallel run that is killed takes its workers and kernels with it, and writes nothing after."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import run_cli

from analysis_utils.core import paths
from analysis_utils.pipeline import lifeline

pytestmark = [
    pytest.mark.heavy,  # subprocesses
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

#: How long the processes of a killed run may take to end, at most (they end in milliseconds).
GRACE = 15.0


def _alive(process: psutil.Process) -> bool:
    """True while ``process`` runs (a zombie has ended: it only waits to be reaped)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _working_in(root: Path) -> list[psutil.Process]:
    """Live processes whose working folder is in ``root``: the run's workers and kernels.

    They stay found after the runner ends, when they are no longer its descendants.
    """
    found = []
    for process in psutil.process_iter(["cwd"]):
        cwd = process.info["cwd"]
        if cwd and (Path(cwd) == root or root in Path(cwd).parents) and _alive(process):
            found.append(process)
    return found


def _kernels(processes: list[psutil.Process]) -> list[psutil.Process]:
    kernels = []
    for process in processes:
        try:
            if any("ipykernel" in part for part in process.cmdline()):
                kernels.append(process)
        except psutil.Error:
            pass
    return kernels


def _files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the copy with its size and modification time."""
    found = {}
    for path in sorted(root.rglob("*")):
        try:
            status = path.lstat()
        except FileNotFoundError:  # removed while listing
            continue
        if path.is_file():
            found[str(path.relative_to(root))] = (status.st_size, status.st_mtime_ns)
    return found


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
@pytest.mark.parametrize("kind", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_parallel_run_leaves_no_process_and_writes_nothing_after(project, tmp_path, kind):
    root = project.root
    log = tmp_path / "stderr.txt"
    env = {**os.environ, paths.ROOT_ENV: str(root)}
    with log.open("w") as stderr:
        runner = subprocess.Popen(
            [sys.executable, "-m", "analysis_utils", "run", "--jobs", "2", "--no-html"],
            cwd=root,  # its workers work there too, its kernels in notebooks/
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    tracked: list[psutil.Process] = []

    def running(notebooks: int) -> bool:
        """True once the runner has started ``notebooks`` and two kernels are among its own."""
        assert runner.poll() is None, log.read_text()
        if log.read_text().count("[start]") < notebooks:
            return False
        tracked[:] = psutil.Process(runner.pid).children(recursive=True)
        return len(_kernels(tracked)) >= 2

    try:
        # two notebooks running at once, each in a kernel of its worker, more to come
        assert _wait_for(lambda: running(3), 300), log.read_text()
        time.sleep(1)  # the notebooks are in their cells
        assert _wait_for(lambda: running(3), 60), log.read_text()
        runner.send_signal(kind)
        code = runner.wait(timeout=60)

        gone = _wait_for(lambda: not _working_in(root) and not any(map(_alive, tracked)), GRACE)
        left = [(p.pid, p.info["cwd"]) for p in _working_in(root)]
        assert gone, f"alive after the runner ended: {left}"
        before = _files(root)
        time.sleep(3)
        assert _files(root) == before, "a file was written after the run's processes ended"
        assert "Traceback" not in log.read_text()
        if kind == signal.SIGTERM:  # stopped as Ctrl-C stops it: one line, 128 + 15
            assert code == 128 + signal.SIGTERM
            assert log.read_text().strip().splitlines()[-1].startswith("stopped by SIGTERM: ")
    finally:
        for process in [*tracked, *_working_in(root)]:
            if _alive(process):
                process.kill()
        if runner.poll() is None:
            runner.kill()
            runner.wait()

    again = run_cli("run", "00", "--no-html", root=root)  # the lock went with the run
    assert again.returncode == 0, again.stderr


def _orphan(code: str) -> subprocess.Popen[str]:
    """Start a parent that starts a child running ``code``; it prints the child's pid."""
    parent = f"""
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", {code!r}, str(os.getpid())])
print(child.pid, flush=True)
time.sleep(600)
"""
    return subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)


def test_a_process_tied_to_its_parent_ends_with_it_even_after_sigkill():
    tied = (
        "import sys, time\n"
        "from analysis_utils.pipeline import lifeline\n"
        "lifeline.tie_to_parent(int(sys.argv[1]))\n"
        "time.sleep(600)\n"
    )
    parent = _orphan(tied)
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    try:
        time.sleep(1)  # the child is tied
        assert _alive(child)
        parent.kill()
        parent.wait()
        assert _wait_for(lambda: not _alive(child), GRACE)
    finally:
        if _alive(child):
            child.kill()
        parent.kill()
        parent.wait()
        parent.stdout.close()


def _signal_self(kind: signal.Signals, wait: float = 5.0) -> None:
    os.kill(os.getpid(), kind)
    time.sleep(wait)  # interrupted at once by a handler that raises


def test_sigterm_and_sighup_stop_the_command_as_an_exception():
    before = signal.getsignal(signal.SIGTERM)
    # SIGHUP as a terminal leaves it (under nohup it is ignored, and stays so: the next test)
    hangup = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        for kind in (signal.SIGTERM, signal.SIGHUP):
            with lifeline.stopping_on_signals(), pytest.raises(lifeline.Stopped) as stopped:
                _signal_self(kind)
            assert stopped.value.name == kind.name
    finally:
        signal.signal(signal.SIGHUP, hangup)
    assert signal.getsignal(signal.SIGTERM) == before


def test_an_ignored_sighup_stays_ignored_and_a_child_forgets_the_handlers():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with lifeline.stopping_on_signals():
            _signal_self(signal.SIGHUP, 0.5)  # returns after its sleep: nothing raised
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)
            lifeline.forget_stopping()  # as a forked worker does
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_local_sweep_ties_its_workers_to_itself(monkeypatch):
    """The local sweep's pool starts each worker tied to the sweep, as the runner's pool does."""
    import os

    from analysis_utils.pipeline import sweep

    made = {}

    class Pool:
        def __init__(self, **kwargs):
            made.update(kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(sweep, "ProcessPoolExecutor", Pool)
    assert list(sweep._local(2)([])) == []
    assert made["initializer"] is sweep._start_local_worker
    assert made["initargs"] == (os.getpid(),)
    tied = []
    monkeypatch.setattr(sweep.lifeline, "tie_to_parent", tied.append)
    monkeypatch.setattr(sweep.lifeline, "forget_stopping", lambda: tied.append("forgot"))
    sweep._start_local_worker(1234)
    assert tied == ["forgot", 1234]

"""Notebooks run in parallel, each as soon as the notebooks it reads from have finished.

:func:`run_parallel` hands notebooks to a pool of worker processes as their inputs
become ready and stops handing them out after a failure; :func:`start_worker` sets a
worker up (deaf to Ctrl-C, ended with the runner, Papermill imported, a kernel waiting for
its notebook).

The workers are forked on Linux (all of them at the first notebook, from the runner's
main thread) and spawned elsewhere. Each asks to be killed when the runner ends, however
it ends (:mod:`~analysis_utils.pipeline.lifeline`), and so does each kernel a worker
starts: a killed run leaves no process behind to write outputs or to hold the lock
descriptor a forked worker shares with the runner.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from analysis_utils.pipeline import lifeline
from analysis_utils.pipeline.executed import Outcome


def start_worker(unstarted: Synchronized[int], cwd: str, runner: int, temporary: str) -> None:
    """Set up a worker: deaf to Ctrl-C, ended with the runner, a kernel waiting for its notebook.

    Only the runner sees Ctrl-C (a worker would print a traceback for it); the worker is
    killed when the runner (process ``runner``) ends, and its kernels with it. Kernel
    connection files go to ``temporary`` (the run's staging folder). The pool starts its
    workers together, at the first notebook, so every worker is ready when the notebooks
    after the first become ready (see :func:`~analysis_utils.pipeline.kernels.keep_warm`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lifeline.forget_stopping()  # SIGTERM, which the runner stops it with, ends it silently
    lifeline.tie_to_parent(runner)
    tempfile.tempdir = temporary
    import papermill  # noqa: F401  (seconds of imports, once per worker)

    from analysis_utils.pipeline import kernels

    kernels.keep_warm(unstarted)
    kernels.prepare(cwd)


def run_parallel(
    order: list[str],
    needs: dict[str, set[str]],
    jobs: int,
    arguments: Callable[[str], tuple[Any, ...]],
    finish: Callable[[Outcome], None],
    executor: Callable[..., Outcome],
    outcomes: Callable[[], list[Outcome]],
    skip: Callable[[str], Outcome | None],
    cwd: str,
) -> None:
    """Submit notebooks as their inputs become ready; stop submitting after a failure.

    ``cwd`` is the kernels' working directory (the notebooks' folder).
    """
    done: set[str] = set()
    running: dict[Future[Outcome], str] = {}
    failed = False
    # fork: every worker at once, from this thread; spawn where fork is not safe (macOS)
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    unstarted = context.Value("i", len(order))
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=start_worker,
        initargs=(unstarted, cwd, os.getpid(), tempfile.gettempdir()),
    ) as pool:
        try:
            while True:
                if not failed:
                    for name in order:
                        started = name in done or name in running.values()
                        if started or not needs[name] <= done:
                            continue
                        skipped = skip(name)
                        if skipped is not None:
                            finish(skipped)
                            done.add(name)
                        elif len(running) < jobs:
                            running[pool.submit(executor, *arguments(name))] = name
                        else:
                            continue
                        with unstarted.get_lock():
                            unstarted.value -= 1
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    running.pop(future)
                    finish(future.result())
                    outcome = outcomes()[-1]
                    if outcome.ok:
                        done.add(outcome.name)
                    else:
                        failed = True
        except BaseException:  # Ctrl-C (the workers ignore it), SIGTERM, an error: stop them
            for child in multiprocessing.active_children():
                child.terminate()  # its kernels get their parent-death signal
            pool.shutdown(wait=False, cancel_futures=True)
            raise

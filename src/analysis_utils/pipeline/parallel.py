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
from typing import Any, Protocol

from analysis_utils.pipeline import lifeline
from analysis_utils.pipeline.executed import Outcome
from analysis_utils.pipeline.plan import PlannedStep, RunPlan


class Execution(Protocol):
    """What happens to each notebook of a run: what the pool needs of it.

    :class:`analysis_utils.pipeline.execution.Execution` is one.
    """

    executor: Callable[..., Outcome]

    def skip(self, step: PlannedStep) -> Outcome | None:
        """Return the outcome of a notebook that need not run, else None."""

    def arguments(self, step: PlannedStep) -> tuple[Any, ...]:
        """Return what the executor is given for a notebook."""

    def finish(self, outcome: Outcome) -> Outcome:
        """Keep what a notebook left; return its final outcome."""


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


def run_parallel(plan: RunPlan, execution: Execution) -> None:
    """Submit notebooks as their inputs become ready; stop submitting after a failure.

    Parameters
    ----------
    plan : RunPlan
        The run: its notebooks in order, what each runs after, ``jobs`` at a
        time at most; the kernels work in the notebooks' folder.
    execution : Execution
        Whether a notebook is skipped, what its executor is given, and what
        becomes of its outcome.
    """
    order, needs, jobs = plan.steps, plan.needs(), plan.jobs
    cwd = str(plan.layout.notebooks)
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
                    for step in order:
                        name = step.name
                        started = name in done or name in running.values()
                        if started or not needs[name] <= done:
                            continue
                        skipped = execution.skip(step)
                        if skipped is not None:
                            execution.finish(skipped)
                            done.add(name)
                        elif len(running) < jobs:
                            arguments = execution.arguments(step)
                            running[pool.submit(execution.executor, *arguments)] = name
                        else:
                            continue
                        with unstarted.get_lock():
                            unstarted.value -= 1
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    running.pop(future)
                    outcome = execution.finish(future.result())
                    if outcome.ok:
                        done.add(outcome.name)
                    else:
                        failed = True
        except BaseException:  # Ctrl-C (the workers ignore it), SIGTERM, an error: stop them
            for child in multiprocessing.active_children():
                child.terminate()  # its kernels get their parent-death signal
            pool.shutdown(wait=False, cancel_futures=True)
            raise

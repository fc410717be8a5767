"""Notebooks run in parallel, each as soon as the notebooks it reads from have finished.

:func:`run_parallel` hands notebooks to a pool of worker processes as their inputs
become ready and stops handing them out after a failure; :func:`start_worker` sets a
worker up (deaf to Ctrl-C, Papermill imported, a kernel waiting for its notebook).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from analysis_utils.pipeline.executed import Outcome


def start_worker(unstarted: Synchronized[int], cwd: str) -> None:
    """Set up a worker: deaf to Ctrl-C, Papermill imported, a kernel waiting for its notebook.

    Only the runner sees Ctrl-C (a worker would print a traceback for it). The pool starts
    its workers together, at the first notebook, so every worker is ready when the
    notebooks after the first become ready (see
    :func:`~analysis_utils.pipeline.kernels.keep_warm`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
    unstarted = multiprocessing.Value("i", len(order))
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=start_worker, initargs=(unstarted, cwd)
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
        except KeyboardInterrupt:  # the workers ignore it: stop them and their kernels
            for child in multiprocessing.active_children():
                child.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise

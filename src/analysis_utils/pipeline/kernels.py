"""The kernels the runner starts notebooks in.

Kernels run in a session of their own (so a terminal's Ctrl-C reaches the
runner, not them) and with their standard error discarded: what a kernel
prints there is transport chatter ("running over TCP without encryption") or,
when the runner is interrupted, the traceback of a message it could no longer
send. Errors in a notebook's cells reach the runner as messages, never
through standard error, so nothing the runner reports is lost. A kernel started
from a process's main thread is killed when that process ends, however it ends
(:func:`~analysis_utils.pipeline.lifeline.child_dies_with_this_thread`): a
killed run leaves no kernel writing its outputs.

A worker of a parallel run keeps one kernel waiting (:func:`keep_warm`): when
its notebook ends it starts the kernel for its next one, which imports the
libraries every notebook imports (:data:`WARM_UP`) while the runner hands the
worker its next notebook. Starting a kernel and importing pandas, SciPy and the
library take seconds; this way they overlap the notebooks still running. The
warm-up runs silently and outside the history, so the notebook's cells number
from 1 as in a fresh kernel, and importing a module twice does nothing: the
notebook's outputs are those of a fresh kernel (tests/test_pipeline.py
compares them with a run of fresh kernels).
"""

from __future__ import annotations

import multiprocessing.util
import subprocess
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from analysis_utils.pipeline.lifeline import child_dies_with_this_thread

#: The kernel every notebook runs in.
KERNEL = "python3"

#: Seconds a kernel may take to answer after it starts (nbclient's default is 60). On a
#: machine busy with other runs (the slow tests run two sweeps' kernels and a pip install
#: side by side on two cores) a kernel has been seen to take longer; waiting is harmless.
START_TIMEOUT = 300

#: What a waiting kernel imports before its notebook arrives: what most notebooks import, and
#: Frictionless with jsonschema (without its IRI grammar:
#: :func:`analysis_utils.core.validate.import_jsonschema`), which check every table written;
#: not pyplot (nor seaborn, which imports it), whose import sets the kernel's figure display.
WARM_UP = (
    "import numpy, pandas, scipy.stats, matplotlib, frictionless, statsmodels.stats.proportion, "
    "analysis_utils.core.io, analysis_utils.core.validate, analysis_utils.survey.read, "
    "analysis_utils.survey.schemas, "
    "analysis_utils.audit.results, analysis_utils.pipeline.notebook_parameters; "
    "analysis_utils.core.validate.import_jsonschema()"
)

#: This worker's waiting kernel: (working directory, manager, client); empty when none.
_waiting: list[tuple[str, AsyncKernelManager, Any]] = []
#: Notebooks of the run not yet handed to a worker (shared with the runner), when warming.
_unstarted: list[Synchronized[int]] = []


class QuietKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels write no stderr and end with the process that starts them."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Launch the kernel with its standard error discarded, tied to this process.

        Parameters
        ----------
        kernel_cmd : list of str
        **kw
            Passed on to the provisioner (``Popen`` keywords among them).
        """
        kw["stderr"] = subprocess.DEVNULL
        tie = child_dies_with_this_thread()  # None off Linux, or off the main thread
        if tie is not None:
            kw["preexec_fn"] = tie
        await super()._async_launch_kernel(kernel_cmd, **kw)


def keep_warm(unstarted: Synchronized[int]) -> None:
    """Make this worker process keep a kernel waiting while notebooks remain to be started.

    Parameters
    ----------
    unstarted : multiprocessing.Value
        The number of the run's notebooks not yet handed to a worker; the runner lowers
        it as it hands them out, and no kernel is started for a run that has none left.
    """
    _unstarted.append(unstarted)
    multiprocessing.util.Finalize(None, discard, exitpriority=10)


def prepare(cwd: str) -> None:
    """Start the kernel for this worker's next notebook, unless none is left to start."""
    if not _unstarted or _unstarted[0].value <= 0 or _waiting:
        return
    manager = QuietKernelManager(kernel_name=KERNEL)
    run_sync(manager.start_kernel)(cwd=cwd)
    client = manager.client()
    # the shell channel alone: no heartbeat thread, which a worker stopped by Ctrl-C would
    # leave printing a traceback
    client.start_channels(iopub=False, stdin=False, hb=False, control=False)
    client.execute(WARM_UP, silent=True, store_history=False)  # not awaited
    _waiting.append((cwd, manager, client))


def take(cwd: str) -> AsyncKernelManager | None:
    """Return the waiting kernel if it is alive and in ``cwd``; else None (start a fresh one)."""
    if not _waiting:
        return None
    where, manager, client = _waiting.pop()
    client.stop_channels()
    if where == cwd and run_sync(manager.is_alive)():
        return manager
    shut(manager)
    return None


def shut(manager: AsyncKernelManager) -> None:
    """Shut a kernel down at once and remove its connection file."""
    if run_sync(manager.is_alive)():
        run_sync(manager.shutdown_kernel)(now=True)
    run_sync(manager.cleanup_resources)()


def discard() -> None:
    """Shut the waiting kernel down (when the worker process ends)."""
    while _waiting:
        _, manager, client = _waiting.pop()
        client.stop_channels()
        shut(manager)

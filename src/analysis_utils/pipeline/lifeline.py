"""Processes that end with the run that started them, however it ends.

A parallel run's workers and the kernels they start must not outlive the runner:
they would go on writing outputs and hold the run's lock. On Linux each of them
asks for a parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), which the
operating system sends when the thread that started it ends, even when the
runner is killed with SIGKILL. Elsewhere a worker watches its parent from a
thread (:func:`watch_parent`) and a kernel polls its own (``JPY_PARENT_PID``).

SIGTERM and SIGHUP of the command line stop a run as Ctrl-C does
(:func:`stopping_on_signals`): the run's workers are stopped, a survey run's
output folder is put back, and the run ends with one line.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

#: ``prctl`` option: the signal a process gets when the thread that forked it ends.
PR_SET_PDEATHSIG = 1

#: The signals the command line turns into :class:`Stopped` (Ctrl-C stays KeyboardInterrupt).
STOPPING = ("SIGTERM", "SIGHUP")


class Stopped(BaseException):
    """Raised in the main thread when the process is told to stop (SIGTERM, SIGHUP).

    A :class:`BaseException`, as KeyboardInterrupt is: what cleans up after an
    interruption runs, and nothing that handles errors swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name (``"SIGTERM"``)."""
        return signal.Signals(self.signum).name


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    """Signal handler: raise :class:`Stopped` (a second signal of the kind ends at once)."""
    signal.signal(signum, signal.SIG_DFL)
    raise Stopped(signum)


@contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` while the block runs (main thread only).

    Only a signal left to its default action is turned (one ignored, as under
    ``nohup``, stays ignored), and the previous handlers are put back afterwards.
    Outside the main thread, where Python runs no signal handler, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kinds = [getattr(signal, name) for name in STOPPING if hasattr(signal, name)]
    previous = {
        kind: signal.signal(kind, _raise_stopped)
        for kind in kinds
        if signal.getsignal(kind) is signal.SIG_DFL
    }
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)


def forget_stopping() -> None:
    """In a forked child: let SIGTERM and SIGHUP end it at once, as the parent would have.

    A child forked in :func:`stopping_on_signals` inherits its handlers, which
    would raise :class:`Stopped` (with a traceback) in a process that has no
    use for it.
    """
    for name in STOPPING:
        kind = getattr(signal, name, None)
        if kind is not None and signal.getsignal(kind) is _raise_stopped:
            signal.signal(kind, signal.SIG_DFL)


def _prctl() -> Callable[..., int] | None:
    """Return libc's ``prctl`` on Linux, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return function


def die_with_parent(parent: int) -> bool:
    """Make this process receive SIGKILL when its parent ``parent`` ends.

    Call it in the process itself, from its main thread or right after ``fork``.
    The parent may have ended before the request: then this process ends at
    once.

    Parameters
    ----------
    parent : int
        The process id of the parent this process must not outlive.

    Returns
    -------
    bool
        False where the operating system has no parent-death signal (not Linux):
        use :func:`watch_parent` instead.
    """
    prctl = _prctl()
    if prctl is None or prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # ended before the request: no signal will come
        os._exit(1)
    return True


def watch_parent(parent: int, *, every: float = 0.5) -> threading.Thread:
    """Start a thread that kills this process when its parent ``parent`` has ended.

    A parent that ends leaves its children to another process, so the parent
    process id changes; the thread checks it every ``every`` seconds.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGKILL)

    thread = threading.Thread(target=watch, name="parent-watchdog", daemon=True)
    thread.start()
    return thread


def tie_to_parent(parent: int) -> None:
    """End this process with ``parent``: its parent-death signal, else a watchdog thread."""
    if not die_with_parent(parent):
        watch_parent(parent)


def child_dies_with_this_thread() -> Callable[[], None] | None:
    """Return a ``Popen`` ``preexec_fn`` tying the child to the calling thread, or None.

    The child gets SIGKILL when the calling thread ends (the parent-death
    signal follows the thread that forks), so the function is returned only
    to the main thread, which lasts as long as its process. None where the
    signal does not exist or the caller is another thread.
    """
    prctl = _prctl()
    if prctl is None or threading.current_thread() is not threading.main_thread():
        return None
    parent = os.getpid()

    def in_child() -> None:  # between fork and exec: no imports, nothing that allocates much
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return in_child

"""The one timing helper of the benchmark scripts (importable as ``timing`` from them)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """Return the fastest of ``repeat`` wall-clock timings of ``fn()``, in seconds.

    Parameters
    ----------
    fn : callable
        Called with no arguments.
    repeat : int
        Number of timings.

    Returns
    -------
    float
    """
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)

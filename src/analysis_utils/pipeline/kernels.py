"""The kernel manager the runner starts notebooks with.

Kernels run in a session of their own (so a terminal's Ctrl-C reaches the
runner, not them) and with their standard error discarded: what a kernel
prints there is transport chatter ("running over TCP without encryption") or,
when the runner is interrupted, the traceback of a message it could no longer
send. Errors in a notebook's cells reach the runner as messages, never
through standard error, so nothing the runner reports is lost.
"""

from __future__ import annotations

import subprocess
from typing import Any

from jupyter_client.manager import AsyncKernelManager


class QuietKernelManager(AsyncKernelManager):
    """An :class:`~jupyter_client.manager.AsyncKernelManager` whose kernels write no stderr."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Launch the kernel with its standard error discarded.

        Parameters
        ----------
        kernel_cmd : list of str
        **kw
            Passed on to the provisioner (``Popen`` keywords among them).
        """
        kw["stderr"] = subprocess.DEVNULL
        await super()._async_launch_kernel(kernel_cmd, **kw)

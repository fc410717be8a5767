"""Connecting a sweep to a Dask cluster safely.

A Dask scheduler runs whatever code its clients send, and its workers run it
too: anyone who can reach a plain-``tcp://`` scheduler can run code as the user
who started it, and on a shared machine (a university server, a lab
workstation) every other account reaches ``127.0.0.1``. So a sweep

* talks to a scheduler over ``tls://`` with mutual TLS, on this machine too:
  the cluster's own certificate authority, a certificate and key for the
  scheduler, the workers and the client, private to the user who made them
  (:mod:`~analysis_utils.pipeline.cluster_certs` writes them and the commands
  that start the cluster), encryption required;
* refuses a plain ``tcp://`` scheduler, on this machine or another, unless
  told explicitly (``insecure_plain_tcp``, the option ``--insecure-plain-tcp``);
* asks the scheduler who it is, within a few seconds, before anything of the
  sweep is written: a wrong, unreachable or non-Dask address fails with one line.

How often a run whose worker dies is started again is a setting of the
scheduler (``allowed-failures``), not of the client: :func:`connect` sets it
for as long as the sweep is connected and :meth:`Connection.close` puts the
previous value back.
"""

from __future__ import annotations

import asyncio
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from analysis_utils.core.errors import ParameterError

#: Seconds a scheduler has to answer before the sweep gives up.
CONNECT_TIMEOUT = 5.0

#: What to do instead of a plain ``tcp://`` scheduler, said in its refusal.
USE_TLS = (
    "use tls:// with the certificates of `python -m analysis_utils sweep-certs DIR` (it prints "
    "the scheduler, worker and sweep commands), or --jobs N (local processes, listening on "
    "nothing)"
)


@dataclass(frozen=True)
class TLSFiles:
    """The PEM files a client presents to a ``tls://`` scheduler.

    Attributes
    ----------
    ca_file : Path
        The cluster's certificate authority: only peers with a certificate it
        signed are accepted.
    cert : Path
        This client's certificate.
    key : Path
        Its private key.
    """

    ca_file: Path
    cert: Path
    key: Path

    def security(self) -> Any:
        """Dask security settings: mutual TLS, encryption required.

        Returns
        -------
        distributed.Security
        """
        from distributed.security import Security

        return Security(
            tls_ca_file=str(self.ca_file),
            tls_client_cert=str(self.cert),
            tls_client_key=str(self.key),
            require_encryption=True,
        )


def tls_files(ca_file: Path | None, cert: Path | None, key: Path | None) -> TLSFiles | None:
    """Gather the three TLS options: all or none, each an existing file, the key private.

    Parameters
    ----------
    ca_file, cert, key : Path or None

    Returns
    -------
    TLSFiles or None
        ``None`` when none is given.

    Raises
    ------
    ParameterError
        When only some are given, one is not a readable file, or the key can
        be read by other accounts (whoever reads it runs code on the cluster).
    """
    given = {"--tls-ca-file": ca_file, "--tls-cert": cert, "--tls-key": key}
    if ca_file is None and cert is None and key is None:
        return None
    if ca_file is None or cert is None or key is None:
        missing = [name for name, v in given.items() if v is None]
        raise ParameterError(
            f"TLS needs all of --tls-ca-file, --tls-cert, --tls-key; missing {missing}"
        )
    for name, path in given.items():
        if path is None or not path.is_file() or not os.access(path, os.R_OK):
            raise ParameterError(f"{name} {path}: not a readable file")
    mode = stat.S_IMODE(key.stat().st_mode)
    if mode & 0o077:
        raise ParameterError(
            f"--tls-key {key}: readable by other accounts (mode {mode:04o}), and whoever reads "
            f"it runs code on the cluster; make it private (chmod 600 {key}) or make new "
            "certificates with sweep-certs"
        )
    return TLSFiles(ca_file, cert, key)


def check_address(address: str, tls: TLSFiles | None, *, insecure_plain_tcp: bool = False) -> str:
    """Refuse a scheduler address the sweep should not talk to.

    Parameters
    ----------
    address : str
        ``tls://HOST:PORT`` or ``tcp://HOST:PORT`` (``HOST:PORT`` is ``tcp``).
    tls : TLSFiles or None
        Required for ``tls://``, refused for ``tcp://``.
    insecure_plain_tcp : bool
        Accept plain ``tcp://`` (neither authenticated nor encrypted: anyone
        who reaches the port, every account of this machine included, runs
        code as the scheduler's owner).

    Returns
    -------
    str
        The address with its protocol.

    Raises
    ------
    ParameterError
        One line: a malformed address, another protocol, ``tls://`` without
        certificates, certificates with ``tcp://``, or plain ``tcp://``
        without ``insecure_plain_tcp``.
    """
    full = address if "://" in address else f"tcp://{address}"
    where = f"--scheduler {address}"
    try:
        parts = urlsplit(full)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ParameterError(f"{where}: not an address ({exc})") from None
    if parts.scheme not in {"tcp", "tls"}:
        raise ParameterError(f"{where}: protocol {parts.scheme!r}; use tls://")
    if not host or port is None or parts.path or parts.query or parts.fragment:
        raise ParameterError(f"{where}: expected {parts.scheme}://HOST:PORT")
    if parts.scheme == "tls":
        if tls is None:
            raise ParameterError(
                f"{where}: tls:// needs --tls-ca-file, --tls-cert and --tls-key "
                "(python -m analysis_utils sweep-certs DIR makes them)"
            )
        return full
    if tls is not None:
        raise ParameterError(
            f"{where}: TLS certificates given for a plain tcp:// address; use tls://"
        )
    if not insecure_plain_tcp:
        raise ParameterError(
            f"{where}: plain tcp:// lets every account that reaches the port (on this machine "
            f"too: 127.0.0.1 is no boundary) run code as you; {USE_TLS}; or, on a machine and "
            "network no one else uses, --insecure-plain-tcp"
        )
    return full


def insecure_warning(address: str) -> str:
    """Return the warning a sweep prints before using a plain ``tcp://`` scheduler."""
    return (
        f"warning: --insecure-plain-tcp: the scheduler {address} is neither authenticated nor "
        "encrypted; anyone who reaches it, every account of this machine included, runs code "
        "as the user who started it"
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _NoAnswerError(Exception):
    """Something accepted the connection but gave no Dask answer."""


def _identify(address: str, connection_args: dict[str, Any], seconds: float) -> Any:
    """Ask the server at ``address`` who it is, giving up after ``seconds``.

    Runs its own event loop in a thread of its own, so that it works where an
    event loop is already running (a notebook). Distributed's own client waits
    without limit for a server that accepts a connection and never answers.

    Raises
    ------
    _NoAnswerError
        When the connection was made but no Dask answer came.
    OSError
        When no connection was made (refused, unreachable, TLS handshake failed).
    Exception
        Another, when what answered does not speak Dask's protocol.
    """
    from distributed.comm.core import connect

    async def ask() -> Any:
        comm = await connect(address, timeout=seconds, **connection_args)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> Any:
        # distributed's connect() retries a refused connection until its own
        # timeout but waits for the handshake without limit: a server that
        # accepts the connection and never answers is caught by this outer one
        timer = asyncio.timeout(seconds + 1)
        try:
            async with timer:
                return await ask()
        except TimeoutError:
            if timer.expired():
                raise _NoAnswerError("no answer") from None
            raise

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["answer"] = asyncio.run(bounded())
        except BaseException as exc:  # reported in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="sweep-scheduler-probe", daemon=True)
    thread.start()
    thread.join(seconds + 10)
    if "answer" in outcome:
        return outcome["answer"]
    raise outcome.get("error", _NoAnswerError("no answer"))


def connect(
    address: str, tls: TLSFiles | None, *, retries: int, timeout: float = CONNECT_TIMEOUT
) -> Connection:
    """Connect to a Dask scheduler, checking first that one answers.

    Parameters
    ----------
    address : str
        A checked address (:func:`check_address`).
    tls : TLSFiles or None
    retries : int
        How often the scheduler starts a run again whose worker died; set as
        its ``allowed-failures`` until :meth:`Connection.close`.
    timeout : float
        Seconds to connect and get an answer.

    Returns
    -------
    Connection

    Raises
    ------
    ParameterError
        One line, within about ``timeout`` seconds, when nothing answers, the
        TLS handshake fails, or what answers is not a Dask scheduler.
    """
    import logging

    from distributed import Client

    security = tls.security() if tls is not None else None
    args = security.get_connection_args("client") if security is not None else {}
    where = f"--scheduler {address}"
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # the one line below says what went wrong
    try:
        try:
            answer = _identify(address, args, timeout)
        except _NoAnswerError:
            raise ParameterError(
                f"{where}: something accepted the connection but no Dask scheduler answered"
            ) from None
        except OSError as exc:
            raise ParameterError(
                f"{where}: no Dask scheduler answered within {timeout:g} s ({_one_line(exc)})"
            ) from None
        except Exception as exc:
            raise ParameterError(
                f"{where}: what answered is not a Dask scheduler ({_one_line(exc)})"
            ) from None
        kind = answer.get("type") if isinstance(answer, dict) else None
        if kind != "Scheduler":
            what = f"a Dask {kind}" if isinstance(kind, str) else "not a Dask server"
            raise ParameterError(f"{where}: {what}, not a Dask scheduler")
        try:
            client = Client(address, security=security, timeout=f"{timeout}s")
        except Exception as exc:
            raise ParameterError(f"{where}: cannot connect ({_one_line(exc)})") from None
    finally:
        quiet.setLevel(level)
    try:
        previous = client.run_on_scheduler(_swapper(), value=retries)
    except Exception as exc:
        client.close()
        raise ParameterError(
            f"{where}: cannot set the scheduler's allowed-failures for --retries ({_one_line(exc)})"
        ) from None
    return Connection(client, previous)


def _swapper() -> Callable[..., int]:
    """Return a function that sets the scheduler's ``allowed_failures``, returning the old value.

    Defined inside a function so that it travels to the scheduler by value:
    the scheduler needs no copy of this package, nor the same version.
    """

    def swap(dask_scheduler: Any, value: int) -> int:
        previous = int(dask_scheduler.allowed_failures)
        dask_scheduler.allowed_failures = value
        return previous

    return swap


@dataclass(frozen=True)
class Connection:
    """A sweep's client of a Dask scheduler.

    Attributes
    ----------
    client : distributed.Client
    allowed_failures : int
        The scheduler's setting before the sweep changed it.
    """

    client: Any
    allowed_failures: int

    def close(self) -> None:
        """Put the scheduler's ``allowed-failures`` back and close the client."""
        try:
            if self.client.status == "running":
                self.client.run_on_scheduler(_swapper(), value=self.allowed_failures)
        except Exception:  # the scheduler is gone: nothing to put back
            pass
        finally:
            self.client.close()

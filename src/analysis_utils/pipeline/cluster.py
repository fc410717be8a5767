"""Connecting a sweep to a Dask cluster safely.

A Dask scheduler runs whatever code its clients send, and its workers run it
too: anyone who can reach a plain-``tcp://`` scheduler can run code as the user
who started it. So a sweep

* accepts a ``tcp://`` scheduler only on this machine (a loopback address:
  ``127.0.0.0/8``, ``::1`` or ``localhost``), unless told explicitly that the
  network is trusted (``allow_insecure``);
* talks to any other scheduler over ``tls://`` with mutual TLS: the cluster's
  own certificate authority, a certificate and key that scheduler, workers and
  client all present (:func:`write_certificates` makes them), encryption
  required;
* asks the scheduler who it is, within a few seconds, before anything of the
  sweep is written: a wrong, unreachable or non-Dask address fails with one line.

How often a run whose worker dies is started again is a setting of the
scheduler (``allowed-failures``), not of the client: :func:`connect` sets it
for as long as the sweep is connected and :meth:`Connection.close` puts the
previous value back.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from analysis_utils.core.errors import ParameterError

#: Seconds a scheduler has to answer before the sweep gives up.
CONNECT_TIMEOUT = 5.0

#: Names of the files :func:`write_certificates` writes.
CA_FILE, CERT_FILE, KEY_FILE = "ca.pem", "cluster.pem", "cluster-key.pem"


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
    """Gather the three TLS options: all or none, each an existing file.

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
        When only some are given, or one is not a readable file.
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
    return TLSFiles(ca_file, cert, key)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``127.0.0.0/8``, ``::1``, ``localhost``).

    Parameters
    ----------
    host : str

    Returns
    -------
    bool
    """
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(address: str, tls: TLSFiles | None, *, allow_insecure: bool = False) -> str:
    """Refuse a scheduler address the sweep should not talk to.

    Parameters
    ----------
    address : str
        ``tcp://HOST:PORT`` or ``tls://HOST:PORT`` (``HOST:PORT`` is ``tcp``).
    tls : TLSFiles or None
        Required for ``tls://``, refused for ``tcp://``.
    allow_insecure : bool
        Accept plain ``tcp://`` to a host other than this machine.

    Returns
    -------
    str
        The address with its protocol.

    Raises
    ------
    ParameterError
        One line: a malformed address, another protocol, ``tls://`` without
        certificates, certificates with ``tcp://``, or plain ``tcp://`` to
        another machine without ``allow_insecure``.
    """
    full = address if "://" in address else f"tcp://{address}"
    where = f"--scheduler {address}"
    try:
        parts = urlsplit(full)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ParameterError(f"{where}: not an address ({exc})") from None
    if parts.scheme not in {"tcp", "tls"}:
        raise ParameterError(f"{where}: protocol {parts.scheme!r}; use tcp:// or tls://")
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
    if not is_loopback(host) and not allow_insecure:
        raise ParameterError(
            f"{where}: plain tcp to another machine is neither authenticated nor encrypted "
            "(anyone who reaches it runs code on the cluster); use tls:// with --tls-ca-file, "
            "--tls-cert, --tls-key, or --allow-insecure on a network you trust"
        )
    return full


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


def write_certificates(folder: Path, *, days: int = 365) -> list[Path]:
    """Write a new certificate authority and one certificate for a cluster.

    The scheduler, every worker and the sweep present the same certificate
    (``cluster.pem`` with its key ``cluster-key.pem``) and accept only peers
    whose certificate the authority (``ca.pem``) signed. The authority's own
    key is not kept, so nobody can sign another certificate: make a new set to
    change the members. Dask checks no host names, so the certificate suits any
    machine. Copy the folder to every machine of the cluster over a channel you
    trust; whoever has ``cluster-key.pem`` can run code on the cluster.

    Parameters
    ----------
    folder : Path
        A new or empty folder; created with mode 0700.
    days : int
        Validity of the certificates.

    Returns
    -------
    list of Path
        ``ca.pem``, ``cluster.pem``, ``cluster-key.pem`` (mode 0600).

    Raises
    ------
    ParameterError
        When the folder is not empty or ``days`` is not positive.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if days < 1:
        raise ParameterError(f"--days must be at least 1, got {days}")
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(folder.iterdir()))):
        raise ParameterError(f"{folder}: not a new or empty folder; certificates are not replaced")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)

    now = datetime.datetime.now(datetime.UTC)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=days)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sweep cluster CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sweep cluster member")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    contents = {
        CA_FILE: (ca.public_bytes(serialization.Encoding.PEM), 0o644),
        CERT_FILE: (cert.public_bytes(serialization.Encoding.PEM), 0o644),
        KEY_FILE: (
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            0o600,
        ),
    }
    written = []
    for name, (data, mode) in contents.items():
        path = folder / name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        written.append(path)
    return written

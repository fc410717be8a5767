"""The certificates of a sweep's Dask cluster, and the commands that start it.

:func:`write_certificates` makes a certificate authority of the cluster's own
and one certificate per role, signed by it: the scheduler, the workers and the
client (the sweep). Dask's mutual TLS accepts only peers whose certificate
that authority signed, in both directions, and encrypts the traffic; the
authority's key is not kept, so nobody can add a member. The private keys are
readable by their owner only (mode 0600, in a folder of mode 0700): another
account of the machine can neither read them nor connect without them.

:func:`commands` gives the exact ``dask scheduler``, ``dask worker`` and
``sweep`` command lines that use them (``sweep-certs`` prints them).
"""

from __future__ import annotations

import datetime
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline.cluster import TLSFiles

#: The roles that get a certificate, in the order they are written.
ROLES: tuple[str, ...] = ("scheduler", "worker", "client")

#: The certificate authority's file.
CA_FILE = "ca.pem"

#: The port a scheduler listens on unless told otherwise (Dask's own default).
DEFAULT_PORT = 8786


@dataclass(frozen=True)
class ClusterCertificates:
    """The files :func:`write_certificates` wrote.

    Attributes
    ----------
    folder : Path
        Absolute.
    """

    folder: Path

    @property
    def ca_file(self) -> Path:
        """Return the certificate authority."""
        return self.folder / CA_FILE

    def cert(self, role: str) -> Path:
        """Return the certificate of ``role`` (``scheduler``, ``worker`` or ``client``)."""
        return self.folder / f"{role}.pem"

    def key(self, role: str) -> Path:
        """Return the private key of ``role``."""
        return self.folder / f"{role}-key.pem"

    def tls(self, role: str) -> TLSFiles:
        """Return the three files ``role`` presents."""
        return TLSFiles(self.ca_file, self.cert(role), self.key(role))

    def security(self) -> Any:
        """Return Dask security settings for every role: a cluster started in Python.

        For ``distributed.LocalCluster(protocol="tls://", host="127.0.0.1",
        security=...)``: mutual TLS, encryption required.

        Returns
        -------
        distributed.Security
        """
        from distributed.security import Security

        files = {
            f"tls_{role}_{kind}": str(path)
            for role in ROLES
            for kind, path in (("cert", self.cert(role)), ("key", self.key(role)))
        }
        return Security(tls_ca_file=str(self.ca_file), require_encryption=True, **files)

    def options(self, role: str) -> list[str]:
        """Return the ``--tls-*`` options of ``role``'s command."""
        files = self.tls(role)
        return [
            "--tls-ca-file",
            str(files.ca_file),
            "--tls-cert",
            str(files.cert),
            "--tls-key",
            str(files.key),
        ]


def _check_folder(folder: Path) -> None:
    """Refuse a folder that is not new or empty and the user's own."""
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(folder.iterdir()))):
        raise ParameterError(f"{folder}: not a new or empty folder; certificates are not replaced")
    if folder.exists() and folder.stat().st_uid != os.getuid():
        raise ParameterError(
            f"{folder}: owned by another account, which could read the private keys; "
            "give a new folder of your own"
        )


def write_certificates(folder: Path, *, days: int = 365) -> ClusterCertificates:
    """Write a new certificate authority and a certificate per role of a cluster.

    Dask checks no host names, so the certificates suit any machine. Copy the
    folder to every machine of a cluster over a channel you trust (a worker
    needs ``ca.pem``, ``worker.pem`` and ``worker-key.pem``); whoever has a key
    can join the cluster and run code on it.

    Parameters
    ----------
    folder : Path
        A new or empty folder of the user's own; created (or set) mode 0700.
    days : int
        Validity of the certificates.

    Returns
    -------
    ClusterCertificates
        ``ca.pem``, ``ROLE.pem`` and ``ROLE-key.pem`` (mode 0600) for each role.

    Raises
    ------
    ParameterError
        When the folder is not new or empty, belongs to another account, or
        ``days`` is not positive.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if days < 1:
        raise ParameterError(f"--days must be at least 1, got {days}")
    _check_folder(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)

    now = datetime.datetime.now(datetime.UTC)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=days)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sweep cluster CA")])

    def builder(
        subject: x509.Name, public_key: ec.EllipticCurvePublicKey
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
        )

    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    ca = (
        builder(ca_name, ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(**usage, key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    contents = {CA_FILE: (ca.public_bytes(serialization.Encoding.PEM), 0o644)}
    for role in ROLES:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"sweep cluster {role}")])
        cert = (
            builder(subject, key.public_key())
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
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        contents[f"{role}.pem"] = (cert.public_bytes(serialization.Encoding.PEM), 0o644)
        contents[f"{role}-key.pem"] = (private, 0o600)
    for name, (data, mode) in contents.items():
        descriptor = os.open(
            folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode
        )
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
    return ClusterCertificates(folder.resolve())


def local_cluster(
    certificates: ClusterCertificates, *, workers: int = 1, processes: bool = True
) -> Any:
    """Start a Dask cluster on this machine in Python, over mutual TLS only.

    Scheduler and workers listen on ``127.0.0.1`` with the certificates of
    ``certificates`` (encryption required), their HTTP endpoints on this
    machine only; give the sweep ``tls=certificates.tls("client")``.

    Parameters
    ----------
    certificates : ClusterCertificates
    workers : int
        Workers, one thread each (a run is a notebook kernel).
    processes : bool
        Workers in processes of their own (a notebook kernel needs one), or
        threads of this process.

    Returns
    -------
    distributed.LocalCluster
        Running; close it (or use it as a context manager).
    """
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=processes,
        protocol="tls://",
        host="127.0.0.1",
        security=certificates.security(),
        dashboard_address="127.0.0.1:0",
    )


def commands(
    certificates: ClusterCertificates,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    workers: int = 2,
    sweep_file: str = "sweeps/sensitivity.yaml",
) -> dict[str, list[str]]:
    """Return the command lines of a TLS cluster and of a sweep on it.

    Scheduler and workers listen with mutual TLS only; their plain-HTTP
    endpoints (health, metrics, read-only pages; the dashboard is off) listen
    on this machine only.

    Parameters
    ----------
    certificates : ClusterCertificates
    host : str
        Where the scheduler listens; the workers listen on it too when it is
        this machine's loopback address.
    port : int
    workers : int
        Worker processes (one thread each: a run is a notebook kernel).
    sweep_file : str

    Returns
    -------
    dict
        ``scheduler``, ``worker`` and ``sweep``: each an argument list.
    """
    beside = Path(sys.executable).with_name("dask")
    dask = str(beside) if beside.is_file() else "dask"
    local = ["--dashboard-address", "127.0.0.1:0", "--no-dashboard"]
    address = f"tls://{host}:{port}"
    on_host = ["--host", host] if on_loopback(host) else []
    return {
        "scheduler": [
            dask,
            "scheduler",
            "--protocol",
            "tls",
            "--host",
            host,
            "--port",
            str(port),
            *certificates.options("scheduler"),
            *local,
        ],
        "worker": [
            dask,
            "worker",
            address,
            *on_host,
            "--nworkers",
            str(workers),
            "--nthreads",
            "1",
            *certificates.options("worker"),
            *local,
        ],
        "sweep": [
            sys.executable,
            "-m",
            "analysis_utils",
            "sweep",
            "-f",
            sweep_file,
            "--scheduler",
            address,
            *certificates.options("client"),
        ],
    }


def describe(certificates: ClusterCertificates, days: int, *, host: str, port: int) -> list[str]:
    """Return the lines ``sweep-certs`` prints: what was written and the commands to run.

    Parameters
    ----------
    certificates : ClusterCertificates
    days : int
    host : str
    port : int

    Returns
    -------
    list of str
    """
    lines = [
        f"wrote {certificates.folder}/: {CA_FILE} (the cluster's authority), "
        + ", ".join(f"{role}.pem" for role in ROLES)
        + f" and their private keys *-key.pem (mode 0600, folder 0700), valid {days} days",
        "start the scheduler, the workers and the sweep, each in a terminal of its own:",
    ]
    lines += [
        "  " + shlex.join(argv) for argv in commands(certificates, host=host, port=port).values()
    ]
    lines.append(
        "only peers with a certificate of this authority can connect (mutual TLS); whoever can "
        "read a *-key.pem file runs code on the cluster: keep the folder private"
    )
    if not on_loopback(host):
        lines.append(
            "copy the folder to every machine over a channel you trust (a worker needs ca.pem, "
            "worker.pem, worker-key.pem) and add --host ITS_ADDRESS to each worker command"
        )
    return lines


def on_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address of this machine."""
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower().rstrip(".") == "localhost"

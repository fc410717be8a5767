"""Sweeps on a Dask cluster: refused addresses, silent schedulers, TLS, --retries."""

import contextlib
import http.server
import os
import signal
import socket
import stat
import threading
import time

import pytest
from conftest import LOOPBACK_ANY_PORT, run_cli

from analysis_utils import cli
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import cluster, sweep

pytestmark = pytest.mark.heavy  # runs the runner and dask clusters: not in make test-fast

ONE_RUN = "name: sec\nnotebooks: ['03']\ngrid:\n  n_candidates: [[9]]\nfixed:\n  draws: 300\n"


def _spec(tmp_path, text=ONE_RUN):
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    return path


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "address",
    [
        "tcp://127.0.0.1:8786",
        "tcp://127.3.4.5:8786",
        "127.0.0.1:8786",
        "tcp://localhost:8786",
        "tcp://[::1]:8786",
    ],
)
def test_plain_tcp_on_this_machine_is_accepted(address):
    assert cluster.check_address(address, None).startswith("tcp://")


@pytest.mark.parametrize(
    "address",
    ["tcp://192.0.2.10:8786", "tcp://0.0.0.0:8786", "tcp://scheduler.example:8786", "[::]:8786"],
)
def test_plain_tcp_to_another_machine_needs_allow_insecure(address):
    with pytest.raises(ParameterError, match="allow-insecure"):
        cluster.check_address(address, None)
    assert cluster.check_address(address, None, allow_insecure=True).startswith("tcp://")


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("tls://192.0.2.10:8786", "needs --tls-ca-file"),
        ("ucx://127.0.0.1:8786", "protocol 'ucx'"),
        ("tcp://127.0.0.1", "HOST:PORT"),
        ("tcp://127.0.0.1:99999", "not an address"),
    ],
)
def test_malformed_or_unprotected_addresses_are_refused(address, message):
    with pytest.raises(ParameterError, match=message):
        cluster.check_address(address, None)


def test_tls_files_go_together_and_must_exist(tmp_path):
    assert cluster.tls_files(None, None, None) is None
    with pytest.raises(ParameterError, match="missing"):
        cluster.tls_files(tmp_path / "ca.pem", None, None)
    with pytest.raises(ParameterError, match="not a readable file"):
        cluster.tls_files(tmp_path / "a", tmp_path / "b", tmp_path / "c")


def test_a_non_loopback_tcp_scheduler_is_refused_before_anything_is_written(
    project, tmp_path, capsys
):
    code = cli.main(["sweep", "-f", str(_spec(tmp_path)), "--scheduler", "tcp://192.0.2.10:8786"])
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--allow-insecure" in err
    assert not (project.reports / "sweeps").exists()


def test_tls_options_without_a_tls_scheduler_are_refused(project, tmp_path, capsys):
    files = cluster.write_certificates(tmp_path / "certs")
    options = ["--tls-ca-file", str(files[0]), "--tls-cert", str(files[1]), "--tls-key"]
    assert cli.main(["sweep", "-f", str(_spec(tmp_path)), *options, str(files[2])]) == 2
    assert "need --scheduler" in capsys.readouterr().err
    address = ["--scheduler", "tcp://127.0.0.1:8786"]
    assert cli.main(["sweep", "-f", str(_spec(tmp_path)), *address, *options, str(files[2])]) == 2
    assert "use tls://" in capsys.readouterr().err
    assert not (project.reports / "sweeps").exists()


def _fails_fast(project, tmp_path, address):
    start = time.monotonic()
    done = run_cli("sweep", "-f", str(_spec(tmp_path)), "--scheduler", address, root=project.root)
    elapsed = time.monotonic() - start
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert not (project.reports / "sweeps").exists()  # no progress.jsonl, no folder
    return lines[0], elapsed


def test_an_unreachable_scheduler_fails_within_seconds_writing_nothing(project, tmp_path):
    line, elapsed = _fails_fast(project, tmp_path, f"tcp://127.0.0.1:{_free_port()}")
    assert "no Dask scheduler answered within 5 s" in line
    assert elapsed < 12, elapsed


def test_an_http_server_as_scheduler_fails_within_seconds_writing_nothing(project, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        address = f"tcp://127.0.0.1:{server.server_address[1]}"
        line, elapsed = _fails_fast(project, tmp_path, address)
    finally:
        server.shutdown()
        server.server_close()
    assert "no Dask scheduler answered" in line
    assert elapsed < 12, elapsed


def test_certificates_are_written_privately_and_never_replaced(tmp_path):
    folder = tmp_path / "certs"
    ca, cert, key = cluster.write_certificates(folder, days=2)
    assert [p.name for p in (ca, cert, key)] == ["ca.pem", "cluster.pem", "cluster-key.pem"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key.read_bytes()
    assert b"PRIVATE KEY" not in ca.read_bytes() + cert.read_bytes()
    with pytest.raises(ParameterError, match="not a new or empty folder"):
        cluster.write_certificates(folder)
    with pytest.raises(ParameterError, match="days"):
        cluster.write_certificates(tmp_path / "other", days=0)


def _security(ca, cert, key):
    from distributed.security import Security

    return Security(
        tls_ca_file=str(ca),
        tls_scheduler_cert=str(cert),
        tls_scheduler_key=str(key),
        tls_worker_cert=str(cert),
        tls_worker_key=str(key),
        tls_client_cert=str(cert),
        tls_client_key=str(key),
        require_encryption=True,
    )


@contextlib.contextmanager
def _tls_cluster(tmp_path, processes):
    distributed = pytest.importorskip("distributed")
    files = cluster.write_certificates(tmp_path / "certs")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=processes,
        protocol="tls://",
        host="127.0.0.1",
        security=_security(*files),
        dashboard_address=LOOPBACK_ANY_PORT,
    ) as local:
        yield local, files


@pytest.fixture
def tls_cluster(tmp_path):
    """A TLS cluster in this process: scheduler and one worker thread."""
    with _tls_cluster(tmp_path, processes=False) as running:
        yield running


def test_connect_sets_allowed_failures_and_a_stranger_is_refused(tls_cluster, tmp_path):
    local, files = tls_cluster
    address = local.scheduler_address
    assert address.startswith("tls://127.0.0.1:")
    before = local.scheduler.allowed_failures
    connection = cluster.connect(address, cluster.TLSFiles(*files), retries=0)
    try:
        assert local.scheduler.allowed_failures == 0
    finally:
        connection.close()
    assert local.scheduler.allowed_failures == before
    # certificates of another authority: the handshake fails, in one line
    stranger = cluster.TLSFiles(*cluster.write_certificates(tmp_path / "stranger"))
    start = time.monotonic()
    with pytest.raises(ParameterError, match="no Dask scheduler answered"):
        cluster.connect(address, stranger, retries=0)
    assert time.monotonic() - start < 10
    # plain tcp to a tls scheduler is not a Dask answer either
    with pytest.raises(ParameterError, match="Dask scheduler"):
        cluster.connect(address.replace("tls://", "tcp://"), None, retries=0, timeout=2)


@pytest.mark.slow
def test_a_sweep_runs_on_a_tls_cluster(project, tmp_path, capsys):
    # a worker process: a notebook kernel's event loop stays in it
    with _tls_cluster(tmp_path, processes=True) as (local, (ca, cert, key)):
        code = _sweep_with_tls(tmp_path, local.scheduler_address, ca, cert, key)
        assert local.scheduler.allowed_failures == 3  # put back
    assert code == 0, capsys.readouterr().err
    base = project.reports / "sweeps" / "sec"
    assert len((base / "progress.jsonl").read_text().splitlines()) == 1
    assert (base / "run-000" / "results" / "03_test_claims.json").is_file()


def _sweep_with_tls(tmp_path, address, ca, cert, key):
    return cli.main(
        [
            "sweep",
            "-f",
            str(_spec(tmp_path)),
            "--scheduler",
            address,
            "--tls-ca-file",
            str(ca),
            "--tls-cert",
            str(cert),
            "--tls-key",
            str(key),
        ]
    )


@pytest.mark.slow
def test_retries_0_reports_a_killed_workers_run_as_failed(project, tmp_path):
    distributed = pytest.importorskip("distributed")
    spec = sweep.load_spec(_spec(tmp_path))
    started = project.reports / "sweeps" / "sec" / "run-000" / "executed"
    outcome = {}
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=LOOPBACK_ANY_PORT
    ) as local:
        runner = threading.Thread(
            target=lambda: outcome.setdefault(
                "results", sweep.sweep(project, spec, scheduler=local.scheduler_address, retries=0)
            )
        )
        runner.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not started.exists():
            time.sleep(0.1)
        assert started.exists()
        with distributed.Client(local.scheduler_address) as client:
            (pid,) = client.run(os.getpid).values()
        os.kill(pid, signal.SIGKILL)  # the worker running the only run dies
        runner.join(timeout=120)
    (result,) = outcome["results"]
    assert not result.ok
    assert "KilledWorker" in result.error
    assert "on 1 different workers" in result.error  # started once, not again

"""Sweeps on a Dask cluster: refused addresses, silent schedulers, TLS, --retries."""

import contextlib
import http.server
import os
import signal
import socket
import threading
import time

import pytest
from conftest import run_cli

from analysis_utils import cli
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import cluster, cluster_certs, sweep

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
        "tcp://192.0.2.10:8786",
        "tcp://0.0.0.0:8786",
        "tcp://scheduler.example:8786",
        "[::]:8786",
    ],
)
def test_plain_tcp_is_refused_on_this_machine_too_unless_told_explicitly(address):
    # 127.0.0.1 is no boundary: every account of the machine reaches it
    with pytest.raises(ParameterError, match=r"sweep-certs.*--insecure-plain-tcp"):
        cluster.check_address(address, None)
    assert cluster.check_address(address, None, insecure_plain_tcp=True).startswith("tcp://")


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


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://192.0.2.10:8786"])
def test_a_plain_tcp_scheduler_is_refused_with_exit_2_saying_how_to_use_tls(
    project, tmp_path, capsys, address
):
    code = cli.main(["sweep", "-f", str(_spec(tmp_path)), "--scheduler", address])
    assert code == 2
    err = capsys.readouterr().err
    (line,) = err.strip().splitlines()
    assert line.startswith(f"error: --scheduler {address}: plain tcp://")
    assert "use tls://" in line
    assert "sweep-certs" in line
    assert "--insecure-plain-tcp" in line
    assert not (project.reports / "sweeps").exists()


def test_insecure_plain_tcp_is_accepted_with_a_warning(project, tmp_path, capsys):
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens: refused after the warning
    args = ["sweep", "-f", str(_spec(tmp_path)), "--scheduler", address, "--insecure-plain-tcp"]
    assert cli.main(args) == 2
    warning, error = capsys.readouterr().err.strip().splitlines()
    assert warning.startswith(f"warning: --insecure-plain-tcp: the scheduler {address}")
    assert "every account of this machine" in warning
    assert "no Dask scheduler answered" in error
    assert not (project.reports / "sweeps").exists()


def _client_options(certificates):
    return certificates.options("client")


def test_tls_options_without_a_tls_scheduler_are_refused(project, tmp_path, capsys):
    options = _client_options(cluster_certs.write_certificates(tmp_path / "certs"))
    assert cli.main(["sweep", "-f", str(_spec(tmp_path)), *options]) == 2
    assert "need --scheduler" in capsys.readouterr().err
    address = ["--scheduler", "tcp://127.0.0.1:8786"]
    assert cli.main(["sweep", "-f", str(_spec(tmp_path)), *address, *options]) == 2
    assert "use tls://" in capsys.readouterr().err
    assert not (project.reports / "sweeps").exists()


def _fails_fast(project, tmp_path, address):
    options = _client_options(cluster_certs.write_certificates(tmp_path / "certs"))
    start = time.monotonic()
    done = run_cli(
        "sweep", "-f", str(_spec(tmp_path)), "--scheduler", address, *options, root=project.root
    )
    elapsed = time.monotonic() - start
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert not (project.reports / "sweeps").exists()  # no progress.jsonl, no folder
    return lines[0], elapsed


def test_an_unreachable_scheduler_fails_within_seconds_writing_nothing(project, tmp_path):
    line, elapsed = _fails_fast(project, tmp_path, f"tls://127.0.0.1:{_free_port()}")
    assert "no Dask scheduler answered within 5 s" in line
    assert elapsed < 12, elapsed


def test_an_http_server_as_scheduler_fails_within_seconds_writing_nothing(project, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        address = f"tls://127.0.0.1:{server.server_address[1]}"
        line, elapsed = _fails_fast(project, tmp_path, address)
    finally:
        server.shutdown()
        server.server_close()
    assert "no Dask scheduler answered" in line
    assert elapsed < 12, elapsed


@contextlib.contextmanager
def _tls_cluster(tmp_path, processes):
    pytest.importorskip("distributed")
    written = cluster_certs.write_certificates(tmp_path / "certs")
    with cluster_certs.local_cluster(written, processes=processes) as local:
        yield local, written


@pytest.fixture
def tls_cluster(tmp_path):
    """A TLS cluster in this process: scheduler and one worker thread."""
    with _tls_cluster(tmp_path, processes=False) as running:
        yield running


def test_connect_sets_allowed_failures_and_a_stranger_is_refused(tls_cluster, tmp_path):
    local, written = tls_cluster
    address = local.scheduler_address
    assert address.startswith("tls://127.0.0.1:")
    before = local.scheduler.allowed_failures
    connection = cluster.connect(address, written.tls("client"), retries=0)
    try:
        assert local.scheduler.allowed_failures == 0
    finally:
        connection.close()
    assert local.scheduler.allowed_failures == before
    # certificates of another authority: the handshake fails, in one line
    stranger = cluster_certs.write_certificates(tmp_path / "stranger").tls("client")
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
    with _tls_cluster(tmp_path, processes=True) as (local, written):
        code = cli.main(
            [
                "sweep",
                "-f",
                str(_spec(tmp_path)),
                "--scheduler",
                local.scheduler_address,
                *written.options("client"),
            ]
        )
        assert local.scheduler.allowed_failures == 3  # put back
    assert code == 0, capsys.readouterr().err
    base = project.reports / "sweeps" / "sec"
    assert len((base / "progress.jsonl").read_text().splitlines()) == 1
    assert (base / "run-000" / "results" / "03_test_claims.json").is_file()


@pytest.mark.slow
def test_retries_0_reports_a_killed_workers_run_as_failed(project, tmp_path):
    distributed = pytest.importorskip("distributed")
    spec = sweep.load_spec(_spec(tmp_path))
    started = project.reports / "sweeps" / "sec" / "run-000" / "executed"
    outcome = {}
    with _tls_cluster(tmp_path, processes=True) as (local, written):
        runner = threading.Thread(
            target=lambda: outcome.setdefault(
                "results",
                sweep.sweep(
                    project,
                    spec,
                    scheduler=local.scheduler_address,
                    tls=written.tls("client"),
                    retries=0,
                ),
            )
        )
        runner.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not started.exists():
            time.sleep(0.1)
        assert started.exists()
        with distributed.Client(local.scheduler_address, security=written.security()) as client:
            (pid,) = client.run(os.getpid).values()
        os.kill(pid, signal.SIGKILL)  # the worker running the only run dies
        runner.join(timeout=120)
    (result,) = outcome["results"]
    assert not result.ok
    assert "KilledWorker" in result.error
    assert "on 1 different workers" in result.error  # started once, not again

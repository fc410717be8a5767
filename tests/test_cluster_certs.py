"""A sweep cluster's certificates, its documented recipes, and a second local account."""

import contextlib
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from analysis_utils import cli
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import cluster, cluster_certs

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_certificates_are_written_privately_and_never_replaced(tmp_path):
    folder = tmp_path / "certs"
    written = cluster_certs.write_certificates(folder, days=2)
    assert written.folder == folder.resolve()
    assert sorted(p.name for p in folder.iterdir()) == [
        "ca.pem",
        "client-key.pem",
        "client.pem",
        "scheduler-key.pem",
        "scheduler.pem",
        "worker-key.pem",
        "worker.pem",
    ]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert folder.stat().st_uid == os.getuid()
    for role in cluster_certs.ROLES:
        key = written.key(role)
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert b"PRIVATE KEY" in key.read_bytes()
        assert b"PRIVATE KEY" not in written.cert(role).read_bytes()
    assert b"PRIVATE KEY" not in written.ca_file.read_bytes()  # the authority's key is not kept
    with pytest.raises(ParameterError, match="not a new or empty folder"):
        cluster_certs.write_certificates(folder)
    with pytest.raises(ParameterError, match="days"):
        cluster_certs.write_certificates(tmp_path / "other", days=0)


def test_each_role_has_its_own_certificate_signed_by_the_cluster_authority(tmp_path):
    from cryptography import x509

    written = cluster_certs.write_certificates(tmp_path / "certs")
    ca = x509.load_pem_x509_certificate(written.ca_file.read_bytes())
    certificates = [
        x509.load_pem_x509_certificate(written.cert(role).read_bytes())
        for role in cluster_certs.ROLES
    ]
    assert len({c.public_key().public_numbers() for c in certificates}) == 3
    for certificate in certificates:
        certificate.verify_directly_issued_by(ca)


def test_a_key_other_accounts_can_read_is_refused(tmp_path):
    written = cluster_certs.write_certificates(tmp_path / "certs")
    files = written.tls("client")
    assert cluster.tls_files(files.ca_file, files.cert, files.key) == files
    files.key.chmod(0o644)
    with pytest.raises(ParameterError, match=r"readable by other accounts \(mode 0644\)"):
        cluster.tls_files(files.ca_file, files.cert, files.key)


def _neighbour():
    """The uid and gid of an unprivileged local account, or skip."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("acting as a second local account needs root (the CI job runs as root)")
    try:
        account = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no 'nobody' account on this machine to act as the second local account")
    if account.pw_uid == 0:
        pytest.skip("'nobody' is root here")
    return account.pw_uid, account.pw_gid


def test_certificates_in_a_folder_of_another_account_are_refused(tmp_path):
    uid, gid = _neighbour()
    folder = tmp_path / "theirs"
    folder.mkdir()
    os.chown(folder, uid, gid)
    with pytest.raises(ParameterError, match="owned by another account"):
        cluster_certs.write_certificates(folder)
    assert not any(folder.iterdir())


def test_sweep_certs_prints_the_tls_commands_of_a_cluster_on_this_machine(
    project, tmp_path, capsys
):
    folder = tmp_path / "certs"
    assert cli.main(["sweep-certs", str(folder), "--days", "3"]) == 0
    out = capsys.readouterr().out
    written = cluster_certs.ClusterCertificates(folder.resolve())
    commands = cluster_certs.commands(written)
    for argv in commands.values():
        assert shlex.join(argv) in out
    scheduler, worker, run = (commands[k] for k in ("scheduler", "worker", "sweep"))
    assert scheduler[1:8] == [
        "scheduler",
        "--protocol",
        "tls",
        "--host",
        "127.0.0.1",
        "--port",
        "8786",
    ]
    assert worker[1:5] == ["worker", "tls://127.0.0.1:8786", "--host", "127.0.0.1"]
    assert run[-8:] == ["--scheduler", "tls://127.0.0.1:8786", *written.options("client")]
    for role, argv in (("scheduler", scheduler), ("worker", worker), ("client", run)):
        assert argv[argv.index("--tls-key") + 1] == str(written.key(role))
    assert not any("tcp://" in part for argv in commands.values() for part in argv)


def _recipes():
    """Every command line of the documentation that starts a Dask cluster or a sweep on one."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"```(?:bash|sh|console)?\n(.*?)```", text, re.S):
            found += [(path.name, line) for line in block.replace("\\\n", " ").splitlines()]
    for path in sorted((ROOT / "sweeps").glob("*.yaml")):
        text = path.read_text(encoding="utf-8").replace("\\\n#", " ")
        found += [(path.name, line.lstrip("# ")) for line in text.splitlines()]
    return [
        (name, line)
        for name, line in found
        if re.search(r"dask[ -](scheduler|worker)|--scheduler ", line)
    ]


def test_every_documented_cluster_recipe_uses_tls_with_the_packages_certificates():
    recipes = _recipes()
    assert any("dask scheduler" in line for _, line in recipes)
    for name, line in recipes:
        assert "tcp://" not in line, (name, line)
        assert "--tls-ca-file" in line, (name, line)
        assert "--tls-key" in line, (name, line)
        if "dask scheduler" in line or "dask-scheduler" in line:
            assert "--protocol tls" in line, (name, line)


def _owner_client(address, security):
    from distributed import Client

    client = Client(address, security=security, timeout="30s")
    client.wait_for_workers(1, timeout=60)
    return client


@contextlib.contextmanager
def _started(tmp_path, *argvs):
    """Run command lines (each in a session of its own), stopped on leaving."""
    processes = []
    try:
        for i, argv in enumerate(argvs):
            log = (tmp_path / f"process-{i}.log").open("wb")
            processes.append(
                subprocess.Popen(argv, cwd=tmp_path, stdout=log, stderr=log, start_new_session=True)
            )
            log.close()
        yield processes
    finally:
        for process in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


#: What the second local account tries: read the keys, run code through the
#: scheduler (with certificates of its own, not checking the server's, or with
#: none), and talk to the workers and nannies directly. Prints a JSON report.
ATTACK = """
import asyncio, json, os, ssl, sys
from distributed import Client
from distributed.comm import connect
from distributed.security import Security

config = json.loads(sys.argv[1])
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
report = {"uid": os.getuid(), "caps": status["CapEff"].strip(), "read": {}, "ran": {}}
report["answered"] = {}
for path in config["files"]:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
        report["read"][path] = "read"
    except OSError as exc:
        report["read"][path] = type(exc).__name__


class Unchecking(Security):
    def get_connection_args(self, role):
        args = super().get_connection_args(role)
        args["ssl_context"].check_hostname = False
        args["ssl_context"].verify_mode = ssl.CERT_NONE
        return args


def run_code(address, security):
    try:
        with Client(address, security=security, timeout="5s") as client:
            return client.submit(os.getuid, pure=False).result(timeout=30)
    except Exception as exc:
        return type(exc).__name__


def hello(address, args):
    async def ask():
        comm = await connect(address, timeout=5, **args)
        try:
            await comm.write({"op": "identity", "reply": True})
            return (await comm.read()).get("type")
        finally:
            comm.abort()

    try:
        return asyncio.run(asyncio.wait_for(ask(), 15))
    except Exception as exc:
        return type(exc).__name__


own = Unchecking.temporary()
address = config["scheduler"]
hostport = address.split("://")[1]
if address.startswith("tls://"):
    report["ran"]["own certificates"] = run_code(address, own)
report["ran"]["plain tcp"] = run_code("tcp://" + hostport, None)
for peer in config["peers"]:
    if peer.startswith("tls://"):
        report["answered"][peer] = hello(peer, own.get_connection_args("client"))
    else:
        report["answered"][peer] = hello(peer, {})
print(json.dumps(report))
"""


@contextlib.contextmanager
def _walkable(path):
    """Let other accounts walk (not list) down to ``path`` while the attack runs, then restore.

    The neighbour runs this environment's interpreter and libraries; a checkout in a folder
    only its owner may enter (a fresh ``mktemp -d``) would otherwise stop it at the imports.
    """
    changed = []
    for folder in [path, *path.parents]:
        mode = stat.S_IMODE(folder.stat().st_mode)
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
            changed.append((folder, mode))
    try:
        yield
    finally:
        for folder, mode in changed:
            folder.chmod(mode)


def _attack(uid, gid, scheduler, peers, files):
    with _walkable(Path(sys.prefix)):
        return _attack_as(uid, gid, scheduler, peers, files)


def _attack_as(uid, gid, scheduler, peers, files):
    config = {"scheduler": scheduler, "peers": peers, "files": [str(f) for f in files]}
    argv = [sys.executable, "-c", ATTACK, json.dumps(config)]
    setpriv = shutil.which("setpriv")
    # setpriv drops the capabilities at exec (the interpreter may lie in a folder
    # only root can enter); without it, subprocess changes the account itself
    as_neighbour = (
        {"args": [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *argv]}
        if setpriv
        else {"args": argv, "user": uid, "group": gid, "extra_groups": []}
    )
    done = subprocess.run(
        **as_neighbour,
        cwd="/",
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["uid"] == uid  # the attack really ran as the other account,
    assert int(report["caps"], 16) == 0  # with no privilege at all
    return report


def _peers(client):
    workers = client.scheduler_info()["workers"]
    return sorted(set(workers) | {w["nanny"] for w in workers.values() if w.get("nanny")})


@pytest.mark.heavy  # a Dask cluster, and processes of another account
def test_a_second_local_account_cannot_use_the_documented_tls_cluster(tmp_path):
    """A real second account (``nobody``) attacks the cluster ``sweep-certs`` describes.

    Against the TLS cluster it can read no key and run nothing; against the
    plain-tcp cluster of the former recipe the same attack runs code as the
    cluster's owner, which is what this guards.
    """
    uid, gid = _neighbour()
    shared = Path(tempfile.mkdtemp(prefix="sweep-neighbour-"))
    try:
        shared.chmod(0o755)  # the neighbour may walk up to the certificates' folder
        written = cluster_certs.write_certificates(shared / "certs")
        port = _free_port()
        commands = cluster_certs.commands(written, port=port, workers=1)
        keys = [written.key(role) for role in cluster_certs.ROLES]
        with _started(tmp_path, commands["scheduler"], commands["worker"]):
            address = f"tls://127.0.0.1:{port}"
            with _owner_client(address, written.security()) as owner:
                assert owner.submit(os.getuid, pure=False).result(timeout=60) == os.getuid()
                peers = _peers(owner)
            assert peers
            assert all(p.startswith("tls://127.0.0.1:") for p in peers)
            report = _attack(uid, gid, address, peers, [*keys, written.ca_file])
        assert set(report["read"].values()) == {"PermissionError"}, report
        for how, outcome in report["ran"].items():
            assert not isinstance(outcome, int), (how, report)  # no code of theirs ran
        for peer, outcome in report["answered"].items():
            assert outcome not in ("Worker", "Nanny", "Scheduler"), (peer, report)

        # the former recipe: plain tcp on 127.0.0.1, and the same attack
        port = _free_port()
        local = ["--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0", "--no-dashboard"]
        dask = commands["scheduler"][0]
        plain = [
            [dask, "scheduler", "--port", str(port), *local],
            [
                dask,
                "worker",
                f"tcp://127.0.0.1:{port}",
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                *local,
            ],
        ]
        with _started(tmp_path, *plain):
            address = f"tcp://127.0.0.1:{port}"
            with _owner_client(address, None) as owner:
                peers = _peers(owner)
            report = _attack(uid, gid, address, peers, [])
        assert report["ran"]["plain tcp"] == os.getuid(), report  # code ran as the owner
        assert "Worker" in report["answered"].values(), report
    finally:
        shutil.rmtree(shared, ignore_errors=True)

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli, snapshot

from analysis_utils import cli
from analysis_utils.audit.results import ClaimTestResults
from analysis_utils.core import paths
from analysis_utils.core.errors import ParameterError
from analysis_utils.core.results import write_results
from analysis_utils.pipeline import cluster_certs, locks, sweep, sweep_points, sweep_results

ROOT = Path(__file__).resolve().parents[1]


def _spec(tmp_path, text):
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    return path


def test_the_committed_sensitivity_sweep_has_48_runs():
    spec = sweep.load_spec(ROOT / "sweeps" / "sensitivity.yaml")
    runs = sweep.expand(spec)
    assert len(runs) == 48
    assert runs[0] == {
        "draws": 4000,
        "size_draws": 4000,
        "n_candidates": [9],
        "rounding": "up_or_down",
        "readings": ["single"],
        "prior": 1.0,
    }
    assert {tuple(r["readings"]) for r in runs} == {("single",), ("multiple",)}
    assert runs[1]["prior"] == 0.5  # the last grid key varies fastest
    assert spec.notebooks == ("02_audit_reported_percentages", "03_test_claims")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "mapping"),
        ("name: x\nnotebooks: []\ngrid: {a: [1]}\n", "notebooks"),
        ("name: x\nnotebooks: [a]\ngrid: {a: 1}\n", "non-empty list"),
        ("name: x\nnotebooks: [a]\n", "grid"),
        ("name: x y\nnotebooks: [a]\ngrid: {a: [1]}\n", "name"),
        ("name: x\nnotebooks: [a]\ngrid: {a: [1]}\nfixed: {a: 2}\n", "both in grid and fixed"),
        ("name: x\nnotebooks: [a]\ngrid: {a: [1]}\ncolour: red\n", "unknown key"),
    ],
)
def test_a_bad_sweep_file_is_refused(tmp_path, text, message):
    with pytest.raises(ParameterError, match=message):
        sweep.load_spec(_spec(tmp_path, text))


def test_unquoted_notebook_prefixes_are_read_as_prefixes(tmp_path):
    spec = sweep.load_spec(_spec(tmp_path, "name: x\nnotebooks: [03]\ngrid: {alpha: [0.1]}\n"))
    assert spec.notebooks == ("03",)


def test_plan_points_every_output_folder_at_the_run(project, tmp_path):
    spec = sweep.load_spec(
        _spec(
            tmp_path, "name: t\nnotebooks: ['03']\ngrid: {alpha: [0.1, 0.2]}\nfixed: {draws: 100}\n"
        )
    )
    runs = sweep.plan(project, spec)
    assert len(runs) == 2
    values, point = runs[1]
    steps = [(step.name, step.path, step.given()) for step in point.steps]
    folder = point.executed.parent
    assert values == {"alpha": 0.2}
    # 03 reads the rounding rule from 02's results, so 02 runs in the run folder too
    assert [name for name, _, _ in steps] == ["02_audit_reported_percentages", "03_test_claims"]
    _, _, audit = steps[0]
    assert audit["results_dir"] == "reports/sweeps/t/run-001/results"
    assert "alpha" not in audit
    _, _, params = steps[1]
    assert params["results_dir"] == "reports/sweeps/t/run-001/results"
    assert params["tables_dir"] == "reports/sweeps/t/run-001/tables"
    assert params["alpha"] == 0.2
    assert params["draws"] == 100
    assert folder == project.reports / "sweeps" / "t" / "run-001"


def test_parameters_are_checked_before_anything_runs(project, tmp_path):
    bad = _spec(tmp_path, "name: t\nnotebooks: ['03']\ngrid: {alpah: [0.1]}\n")
    with pytest.raises(ParameterError, match="unknown parameter 'alpah'"):
        sweep.sweep(project, sweep.load_spec(bad))
    wrong = _spec(tmp_path, "name: t\nnotebooks: ['03']\ngrid: {draws: [many]}\n")
    with pytest.raises(ParameterError, match="expects int"):
        sweep.sweep(project, sweep.load_spec(wrong))
    assert not (project.reports / "sweeps").exists()


def test_the_command_line_refuses_a_bad_sweep_with_exit_2(project, tmp_path, capsys):
    bad = _spec(tmp_path, "name: t\nnotebooks: ['99']\ngrid: {alpha: [0.1]}\n")
    assert cli.main(["sweep", "-f", str(bad)]) == 2
    assert "matches no notebooks" in capsys.readouterr().err
    assert not (project.reports / "sweeps").exists()


def test_a_run_that_rebuilds_processed_tables_keeps_them_apart(project, tmp_path):
    spec = sweep.load_spec(
        _spec(tmp_path, "name: c\nnotebooks: ['01', '02']\ngrid: {n_max: [50, 100]}\n")
    )
    _, point = sweep.plan(project, spec)[0]
    for step in point.steps:
        assert step.given()["processed_dir"] == "reports/sweeps/c/run-000/processed"


def _claims(verdicts=None):
    return ClaimTestResults(
        candidates=[9],
        rounding="up",
        readings=["single"],
        alpha=0.05,
        confidence=0.95,
        prior=1.0,
        draws=300,
        seed=1,
        verdicts=verdicts or {},
        holds={},
        mode_test_size_max=None,
        robustness_n_max=100,
        robustness=[],
    )


def _result(index, ok=True, verdicts=None):
    results = {"03_test_claims": _claims(verdicts)}
    return sweep_results.RunResult(
        index,
        {"rounding": "up", "n_candidates": [9]},
        ok,
        "" if ok else "boom",
        results if ok else {},
        1.0,
    )


def test_collect_and_verdicts_are_tidy():
    results = [_result(0, verdicts={"H1": "undetermined", "D1": "supported"}), _result(1, False)]
    table = sweep_results.collect(results)
    assert set(table.columns) == {
        "run",
        "ok",
        "error",
        "rounding",
        "n_candidates",
        "notebook",
        "key",
        "value",
    }
    assert table.loc[table["key"] == "verdicts.H1", "value"].tolist() == ["undetermined"]
    assert table.loc[table["run"] == 1, "error"].tolist() == ["boom"]
    assert table.loc[table["key"] == "candidates", "value"].tolist() == ["[9]"]
    verdicts = sweep_results.verdict_changes(results)
    assert verdicts[["claim", "verdict"]].values.tolist() == [
        ["D1", "supported"],
        ["H1", "undetermined"],
    ]
    assert verdicts["label"].iloc[0] == "rounding=up, n_candidates=[9]"


def test_a_point_s_results_are_read_through_their_classes_and_written_back_as_read(tmp_path):
    written = write_results(_claims({"H1": "supported"}), tmp_path / "results")
    read = sweep_points.read_results(tmp_path, ["02_audit_reported_percentages", "03_test_claims"])
    assert read == {"03_test_claims": _claims({"H1": "supported"})}
    assert read["03_test_claims"].verdicts == {"H1": "supported"}
    run = sweep_results.RunResult(0, {}, True, "", read, 1.0).as_dict()
    assert run["results"]["03_test_claims"] == json.loads(written.read_text(encoding="utf-8"))


SMALL = (
    "name: small\nnotebooks: ['02', '03']\ngrid:\n  n_candidates: [[9]]\n  rounding: [{}]\n"
    "fixed:\n  draws: 300\n"
)


@pytest.mark.slow
def test_a_failed_run_is_reported_and_loses_nothing(project, tmp_path):
    spec = sweep.load_spec(_spec(tmp_path, SMALL.format("up_or_down, nonsense")))
    results = sweep.sweep(project, spec, jobs=2)
    assert [(r.index, r.ok) for r in results] == [(0, True), (1, False)]
    assert "unknown rounding 'nonsense'" in results[1].error
    assert results[1].parameters == {"n_candidates": [9], "rounding": "nonsense"}
    base = project.reports / "sweeps" / "small"
    assert len((base / "progress.jsonl").read_text().splitlines()) == 2
    assert (base / "run-000" / "results" / "03_test_claims.json").is_file()
    assert (base / "sweep_results.csv").is_file()
    assert (base / "sweep_verdicts.svg").is_file()


def _sweep_again(project, spec, **options):
    """Run ``spec``; the indices of the runs computed (not reused) and the results."""
    log = io.StringIO()
    results = sweep.sweep(project, spec, jobs=2, log=log, **options)
    assert all(r.ok for r in results)
    computed = [int(m) for m in re.findall(r"run (\d{3}) .* done$", log.getvalue(), re.M)]
    reused = re.findall(r"unchanged \(point\.json\): not run again$", log.getvalue(), re.M)
    assert len(computed) + len(reused) == len(results)
    return sorted(computed), results


@pytest.mark.slow
def test_a_grid_point_computed_before_is_reused_until_something_it_depends_on_changes(
    project, tmp_path
):
    spec = sweep.load_spec(_spec(tmp_path, SMALL.format("up_or_down, even")))
    computed, first = _sweep_again(project, spec)
    assert computed == [0, 1]
    base = project.reports / "sweeps" / "small"
    before = snapshot(base)
    computed, again = _sweep_again(project, spec)
    assert computed == []
    assert [(r.index, r.parameters, r.results) for r in again] == [
        (r.index, r.parameters, r.results) for r in first
    ]
    after = snapshot(base)
    assert {k: v for k, v in after.items() if "progress" not in k} == {
        k: v for k, v in before.items() if "progress" not in k
    }
    # a point's file changed by hand: that point again
    table = base / "run-001" / "tables" / "claim_tests.csv"
    table.write_text(table.read_text() + "\n")
    assert _sweep_again(project, spec)[0] == [1]
    # a parameter of every point changed: every point again
    other = sweep.load_spec(_spec(tmp_path, SMALL.replace("300", "200").format("up_or_down, even")))
    assert _sweep_again(project, other)[0] == [0, 1]
    # an input read from outside the points (the survey items): every point again
    items = project.processed / "survey_items.csv"
    items.write_bytes(items.read_bytes().replace(b"\n", b"\r\n", 1))
    assert _sweep_again(project, other)[0] == [0, 1]
    assert _sweep_again(project, other, force=True)[0] == [0, 1]


@pytest.fixture
def cluster(tmp_path):
    """A TLS cluster of two worker processes on this machine, and its certificates."""
    pytest.importorskip("distributed")
    written = cluster_certs.write_certificates(tmp_path / "certs")
    with cluster_certs.local_cluster(written, workers=2) as local:
        yield local, written


@pytest.mark.slow
def test_a_sweep_runs_on_a_dask_cluster_and_survives_a_killed_worker(project, tmp_path, cluster):
    from distributed import Client

    local, written = cluster
    spec = sweep.load_spec(
        _spec(
            tmp_path,
            "name: dask\nnotebooks: ['03']\n"
            "grid:\n  n_candidates: [[9], [18], [27], [54]]\n"
            "fixed:\n  draws: 300\n",
        )
    )
    progress = project.reports / "sweeps" / "dask" / "progress.jsonl"
    outcome = {}
    runner = threading.Thread(
        target=lambda: outcome.setdefault(
            "results",
            sweep.sweep(
                project,
                spec,
                scheduler=local.scheduler_address,
                tls=written.tls("client"),
                retries=3,
            ),
        )
    )
    runner.start()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not (progress.exists() and progress.read_text()):
        time.sleep(0.2)
    first = progress.read_text().splitlines()[0]
    with Client(local.scheduler_address, security=written.security()) as client:
        pids = client.run(os.getpid)
    os.kill(next(iter(pids.values())), signal.SIGKILL)  # one worker dies mid-sweep
    runner.join(timeout=300)
    results = outcome["results"]
    assert [r.index for r in results] == [0, 1, 2, 3]
    assert all(r.ok for r in results), [r.error for r in results]
    lines = progress.read_text().splitlines()
    assert lines[0] == first  # what had finished was kept
    assert sorted(json.loads(line)["index"] for line in lines) == [0, 1, 2, 3]


#: A child process that holds a sweep folder's lock until it is killed.
HOLDER = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from analysis_utils.pipeline.locks import hold_lock\n"
    "lock = hold_lock(Path(sys.argv[1]))\n"
    "print('held', flush=True)\n"
    "time.sleep(300)\n"
)


@pytest.mark.heavy
def test_a_sweep_whose_folder_another_process_writes_is_refused_naming_it(
    project, tmp_path, capsys
):
    base = project.reports / "sweeps" / "twice"
    base.mkdir(parents=True)
    progress = base / "progress.jsonl"
    progress.write_text('{"index": 0, "from": "the first sweep"}\n')
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(base)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline() == "held\n"  # returns at the child's end at the latest
            spec = _spec(tmp_path, "name: twice\nnotebooks: ['03']\ngrid: {draws: [300]}\n")
            assert cli.main(["sweep", "-f", str(spec)]) == 2
            (line,) = capsys.readouterr().err.strip().splitlines()
            assert f"is being written by process {holder.pid} " in line
            assert "reports/sweeps/twice" in line
            assert progress.read_text() == '{"index": 0, "from": "the first sweep"}\n'
            assert sorted(p.name for p in base.iterdir()) == [locks.LOCK_NAME, "progress.jsonl"]
        finally:
            holder.kill()
    # the lock went with its process
    locks.hold_lock(base).close()


@pytest.mark.slow
def test_two_sweeps_of_the_same_name_never_mix_their_progress(project, tmp_path, capsys):
    text = "name: twice\nnotebooks: ['02']\ngrid: {rounding: [up_or_down, even]}\n"
    spec = _spec(tmp_path, text)
    base = project.reports / "sweeps" / "twice"
    env = {**os.environ, paths.ROOT_ENV: str(project.root)}
    with subprocess.Popen(
        [sys.executable, "-m", "analysis_utils", "sweep", "-f", str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as first:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (base / "progress.jsonl").exists():
            time.sleep(0.05)
        assert (base / "progress.jsonl").exists()
        assert cli.main(["sweep", "-f", str(spec)]) == 2  # while the first runs
        assert f"is being written by process {first.pid} " in capsys.readouterr().err
        _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    lines = (base / "progress.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["index"] for line in lines) == [0, 1]
    assert not (base / locks.LOCK_NAME).exists()  # released at the end
    assert run_cli("sweep", "-f", str(spec), root=project.root).returncode == 0  # free again

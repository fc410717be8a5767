"""A rerun removes only the files runs wrote, as they wrote them; a user's are never lost.

The survey folders and the files written here are made up for the tests (fixtures, not data
of any study).
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, snapshot
from test_survey_output import DRAWN, FAIL, _survey, fake_executor

from analysis_utils import cli
from analysis_utils.core import io, paths, writing
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import manifest, runner, staging, surveys

pytestmark = pytest.mark.heavy  # runs the runner or subprocesses: not in make test-fast


@pytest.fixture(autouse=True)
def _reset():
    DRAWN.clear()
    FAIL.clear()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_only_a_killed_writer_s_own_partial_files_are_cleared(tmp_path):
    pid = _dead_pid()
    mine = tmp_path / ".budget.20240101.csv"  # hidden, named like the old partial writes
    live = tmp_path / f".a.csv.{writing.PARTIAL_MARKER}-{os.getpid()}-abcd1234.part"
    dead = tmp_path / f".a.csv.{writing.PARTIAL_MARKER}-{pid}-abcd1234.part"
    loose = tmp_path / ".a.csv.abcd1234.tmp"
    for path in (mine, live, dead, loose):
        path.write_text("x")
    assert writing.partial_writes(tmp_path) == [dead]
    assert staging.clear_partial_writes([tmp_path]) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (mine, live, loose))


def test_a_write_goes_through_a_partial_file_named_with_its_process(tmp_path, monkeypatch):
    staged = []
    real_replace = os.replace

    def spy(source, target):
        staged.append(Path(source).name)
        real_replace(source, target)

    monkeypatch.setattr(io.os, "replace", spy)
    io.atomic_write_bytes(tmp_path / "budget.csv", b"a\n")
    found = writing.PARTIAL.fullmatch(staged[0])
    assert found is not None
    assert (found["name"], found["pid"]) == ("budget.csv", str(os.getpid()))


def _first_run(project, folder):
    DRAWN[:] = ["fig1_role", "fig2_help"]
    outcomes = runner.run(
        project, [], {"survey_dir": str(folder)}, html=False, executor=fake_executor
    )
    assert all(o.ok for o in outcomes)
    return folder / "output"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("tables/my_counts.csv", b"question,n\nrole,12\n"),  # a CSV of the user's
        ("executed/03_test_claims-Copy1.ipynb", b"{}"),  # JupyterLab's copy
        ("results/my_notes.json", b'{"mine": true}'),  # a JSON
        ("tables/.budget.20240101.csv", b"hidden\n"),  # hidden, named like a partial write
        ("figures/fig1_role.svg", b"<svg>edited</svg>"),  # a run's figure, edited since
    ],
)
def test_a_user_s_file_in_a_survey_output_folder_is_refused_and_kept(project, tmp_path, name, data):
    out = _first_run(project, _survey(tmp_path / "s"))
    (out / name).parent.mkdir(exist_ok=True)
    (out / name).write_bytes(data)
    before = snapshot(out)
    with pytest.raises(ParameterError) as refused:
        runner.run(project, [], {"survey_dir": str(tmp_path / "s")}, executor=fake_executor)
    message = str(refused.value)
    assert f"({name})" in message
    assert "Move those files out of the folder, or give -p output_dir" in message
    assert snapshot(out) == before


def test_a_refusal_is_one_line_and_exit_2(project, tmp_path, capsys, monkeypatch):
    folder = _survey(tmp_path / "s")
    out = _first_run(project, folder)
    (out / "tables").mkdir(exist_ok=True)
    (out / "tables" / "my_counts.csv").write_text("mine\n")
    before = snapshot(out)
    real = runner.run
    monkeypatch.setattr(runner, "run", lambda *a, **k: real(*a, **k, executor=fake_executor))
    assert cli.main(["run", "-p", "survey_dir", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "tables/my_counts.csv" in err
    assert snapshot(out) == before
    (out / "tables" / "my_counts.csv").unlink()  # moved out: the rerun goes ahead
    assert cli.main(["run", "-p", "survey_dir", str(folder)]) == 0


def test_a_survey_run_records_every_file_it_wrote_with_its_hash(project, tmp_path):
    out = _first_run(project, _survey(tmp_path / "s"))
    records = manifest.load(out / "results")
    recorded = {path: digest for r in records.values() for path, digest in r.outputs.items()}
    for name in ("figures/fig1_role.svg", "executed/09_survey_tables.ipynb"):
        assert recorded[str(out / name)] == io.sha256(out / name)
    assert str(out / "figures" / "fig1_role.svg") in records["09_survey_tables"].outputs
    assert str(out / "survey_analysis.html") in records["09_survey_tables"].outputs
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {str(out / p) for p in written} - set(recorded) == {str(out / "results/manifest.json")}
    assert not [p for p in written if p.split("/")[-1].startswith(".")]  # no lock, no journal


def test_a_study_run_keeps_a_hidden_file_named_like_a_partial_write(project):
    mine = project.root / "out" / "tables" / ".budget.20240101.csv"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"my budget\n")
    given = {"tables_dir": "out/tables", "results_dir": "out/results"}
    outcomes = runner.run(project, ["02"], given, html=False, executor=fake_executor)
    assert all(o.ok for o in outcomes)
    assert mine.read_bytes() == b"my budget\n"
    assert not list((project.root / "out").rglob(".analysis-utils.lock"))


def test_a_failed_run_removes_only_what_it_wrote(project, tmp_path):
    folder = _survey(tmp_path / "s")
    out = _first_run(project, folder)
    before = snapshot(out)
    DRAWN[:] = ["fig1_role"]

    def failing(name, source, output, parameters, cwd):
        outcome = fake_executor(name, source, output, parameters, cwd)
        if name == "09_survey_tables":
            (out / "figures" / "draft.svg").write_text("<svg/>")  # the user's, while it ran
            return runner.Outcome(name, False, 0.0, 2, "ValueError: boom", "raise ValueError")
        return outcome

    outcomes = runner.run(project, [], {"survey_dir": str(folder)}, executor=failing)
    assert not outcomes[-1].ok
    assert snapshot(out) == {**before, "figures/draft.svg": b"<svg/>"}
    assert json.loads((out / "results" / "manifest.json").read_text()) == json.loads(
        before["results/manifest.json"]
    )


def test_a_run_s_folder_replaced_by_a_link_is_named_and_nothing_behind_it_moved(tmp_path):
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.svg").write_text("<svg/>")
    out.mkdir()
    (out / "figures").symlink_to(elsewhere)
    owned = {"figures/a.svg": io.sha256(elsewhere / "a.svg")}  # a manifest's record, say
    assert surveys.foreign_files(out, tmp_path) == ["figures"]
    replacement = staging.set_aside(out, owned)
    assert replacement.previous is None
    assert (elsewhere / "a.svg").read_text() == "<svg/>"


@pytest.mark.slow
def test_a_real_survey_run_killed_then_rerun_keeps_the_user_s_files(tmp_path):
    """Real kernels: what they write is journalled, so a killed run is undone file by file."""
    folder = _survey(tmp_path / "s")
    out = folder / "output"
    first = run_cli("run", "-p", "survey_dir", str(folder), root=ROOT)
    assert first.returncode == 0, first.stderr
    recorded = {p for r in manifest.load(out / "results").values() for p in r.outputs}
    written = {str(p) for p in out.rglob("*") if p.is_file()}
    assert written - recorded == {str(out / "results" / "manifest.json")}
    mine = out / "tables" / "my_counts.csv"
    mine.write_text("mine\n")
    refused = run_cli("run", "-p", "survey_dir", str(folder), root=ROOT)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "tables/my_counts.csv" in refused.stderr
    mine.rename(tmp_path / "my_counts.csv")  # moved out, as the message says
    before = snapshot(out)
    env = {**os.environ, paths.ROOT_ENV: str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis_utils", "run", "-p", "survey_dir", str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("[2/"):  # a notebook has written its files
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    time.sleep(3)  # an orphaned kernel notices its parent is gone and stops
    left = {p.name.rsplit("-", 1)[0] for p in out.iterdir() if p.name.startswith(".")}
    assert {".analysis-utils-written", ".previous"} <= left  # its journal, what it set aside
    again = run_cli("run", "-p", "survey_dir", str(folder), root=ROOT)
    assert again.returncode == 0, again.stderr
    after = snapshot(out)
    assert set(after) == set(before)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]

"""A survey run's output folder: replaced as a whole when the run succeeds; never a stranger's.

The survey folders and the files the stand-in executor writes are made up for the tests
(fixtures, not data of any study).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import snapshot
from surveys import OPTIONS, QUESTIONS, write_rows

from analysis_utils import cli
from analysis_utils.core import io, writing
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import locks, ownership, runner, staging, surveys
from analysis_utils.pipeline.plan import read_contract

pytestmark = pytest.mark.heavy  # runs the runner, kernels or subprocesses: not in make test-fast

#: Figures the stand-in executor draws in the notebook drawing a survey's charts (04 for
#: published percentages, 09 for respondent-level answers, as here), and the notebooks it fails
#: (set per test).
DRAWN: list[str] = []
FAIL: set[str] = set()


@pytest.fixture(autouse=True)
def _reset():
    DRAWN.clear()
    FAIL.clear()


def _survey(folder: Path) -> Path:
    folder.mkdir(parents=True)
    write_rows(folder / "questions.csv", QUESTIONS)
    write_rows(folder / "options.csv", OPTIONS)
    write_rows(
        folder / "responses.csv",
        [["respondent_id", "role", "help"]] + [[f"r{i}", "ngo", "shelter"] for i in range(12)],
    )
    return folder


def fake_executor(name, source, output, parameters, cwd):
    """Stands in for Papermill: writes what the notebook would, where its parameters say,
    as the notebooks write (through the library's writer)."""
    shutil.copyfile(source, output)
    root = Path(cwd).parent  # the kernel's folder is notebooks/; folders are from the root
    results = root / parameters["results_dir"]
    io.atomic_write_bytes(results / f"{name}.json", json.dumps(parameters, sort_keys=True).encode())
    if name in ("04_reproduce_figures", "09_survey_tables"):
        for stem in DRAWN:
            io.atomic_write_bytes(root / parameters["figures_dir"] / f"{stem}.svg", b"<svg/>")
    if name == "08_survey_report":
        io.atomic_write_bytes(root / parameters["report_dir"] / "survey_report.html", b"<html/>")
    if name == "09_survey_tables":
        io.atomic_write_bytes(root / parameters["report_dir"] / "survey_analysis.html", b"<html/>")
    if name in FAIL:
        return runner.Outcome(name, False, 0.0, 2, "ValueError: boom", "raise ValueError")
    return runner.Outcome(name, True, 0.0)


def _run(project, folder, names=(), **given):
    return runner.run(
        project, list(names), {"survey_dir": str(folder), **given}, executor=fake_executor
    )


def test_a_rerun_leaves_exactly_what_it_wrote(project, tmp_path):
    folder = _survey(tmp_path / "s")
    out = folder / "output"
    DRAWN[:] = ["fig1_role", "fig2_help"]
    assert all(o.ok for o in _run(project, folder))
    assert {"figures/fig1_role.svg", "figures/fig2_help.svg", "results/manifest.json"} <= set(
        snapshot(out)
    )
    DRAWN[:] = ["fig1_role"]  # the question 'help' removed
    outcomes = _run(project, folder)
    assert all(o.ok for o in outcomes)
    files = set(snapshot(out))
    assert "figures/fig2_help.svg" not in files
    assert "figures/fig1_role.svg" in files
    assert not [p for p in out.iterdir() if p.name.startswith(".previous")]
    assert [o.name for o in outcomes] == [
        "00_clean_survey",
        "07_survey_analyses",
        "09_survey_tables",
    ]
    assert outcomes[-1].pages == (str(out / "survey_analysis.html"),)


def test_a_failed_run_leaves_the_previous_output_intact(project, tmp_path):
    folder = _survey(tmp_path / "s")
    out = folder / "output"
    DRAWN[:] = ["fig1_role", "fig2_help"]
    _run(project, folder)
    before = snapshot(out)
    DRAWN[:] = ["fig1_role"]
    FAIL.add("09_survey_tables")
    outcomes = _run(project, folder)
    assert [o.name for o in outcomes if not o.ok] == ["09_survey_tables"]
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".previous")]


def test_a_failed_first_run_leaves_no_output_folder(project, tmp_path):
    folder = _survey(tmp_path / "s")
    DRAWN[:] = ["fig1_role"]
    FAIL.add("00_clean_survey")
    outcomes = _run(project, folder)
    assert not outcomes[0].ok
    assert not (folder / "output").exists()


def test_a_run_of_some_notebooks_keeps_what_the_others_wrote(project, tmp_path):
    folder = _survey(tmp_path / "s")
    out = folder / "output"
    DRAWN[:] = ["fig1_role", "fig2_help"]
    _run(project, folder)
    before = snapshot(out)
    assert all(o.ok for o in _run(project, folder, ["00", "07"]))
    after = snapshot(out)
    # what 09 wrote is carried over; 00 and 07 wrote theirs again
    assert {k for k in before if k.startswith(("figures/", "tables/"))} <= set(after)
    assert after["figures/fig2_help.svg"] == before["figures/fig2_help.svg"]
    assert set(after) == set(before)


def test_a_foreign_file_in_the_output_folder_is_refused_and_kept(project, tmp_path, capsys):
    folder = _survey(tmp_path / "s")
    out = folder / "output"
    DRAWN[:] = ["fig1_role"]
    _run(project, folder)
    (out / "notes.txt").write_text("my notes")
    (out / "figures" / "draft").mkdir()
    before = snapshot(out)
    with pytest.raises(ParameterError) as refused:
        _run(project, folder)
    message = str(refused.value)
    assert message.startswith(f"output_dir {out} holds files that no survey run wrote")
    assert "figures/draft, notes.txt" in message
    assert "Move those files out of the folder, or give -p output_dir a new or empty folder" in (
        message
    )
    assert snapshot(out) == before
    assert (out / "figures" / "draft").is_dir()
    # the same through the command line: exit 2, one line
    assert cli.main(["run", "-p", "survey_dir", str(folder)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert snapshot(out) == before


def test_a_folder_no_survey_run_wrote_is_refused(project, tmp_path):
    folder = _survey(tmp_path / "s")
    mine = tmp_path / "documents"
    (mine / "figures").mkdir(parents=True)
    (mine / "figures" / "plot.svg").write_text("<svg/>")  # a kind of file we write, no manifest
    with pytest.raises(ParameterError, match=r"no survey run wrote, or that changed since "):
        _run(project, folder, output_dir=str(mine))
    assert snapshot(mine) == {"figures/plot.svg": b"<svg/>"}
    # the survey folder's parent holds the survey itself
    with pytest.raises(ParameterError, match=r"changed since \(documents, project, s\)"):
        _run(project, folder, output_dir=str(tmp_path))
    assert (folder / "questions.csv").is_file()


def test_a_run_writing_some_outputs_elsewhere_replaces_nothing(project, tmp_path):
    folder = _survey(tmp_path / "s")
    out = folder / "output"
    DRAWN[:] = ["fig1_role", "fig2_help"]
    _run(project, folder)
    (out / "notes.txt").write_text("my notes")  # no refusal: the folder is not replaced
    DRAWN[:] = ["fig1_role"]
    elsewhere = tmp_path / "figures"
    assert all(o.ok for o in _run(project, folder, figures_dir=str(elsewhere)))
    assert (out / "figures" / "fig2_help.svg").is_file()
    assert (out / "notes.txt").read_text() == "my notes"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["fig1_role.svg"]


def test_what_a_survey_run_writes_is_read_from_the_pipeline(project):
    contract = read_contract(project.pipeline)
    files, folders = surveys.written_names(contract.steps, contract.declared)
    assert files == {
        "survey_report.csv",
        "survey_report.html",
        "survey_analysis.html",
        "survey_shared.html",
    }
    assert folders["figures"] == {".svg", ".png"}
    assert folders["results"] == {".json"}
    assert folders["processed"] == {".csv"}
    assert folders["executed"] == {".ipynb", ".html"}


def _proven_folder(tmp_path: Path) -> Path:
    """An output folder whose run manifest lists its one figure with its hash."""
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "a.svg").write_text("<svg/>")
    outputs = {str(out / "figures" / "a.svg"): io.sha256(out / "figures" / "a.svg")}
    record = {"parameters": {}, "inputs": {}, "outputs": outputs, "code": {}}
    io.atomic_write_bytes(
        out / "results" / "manifest.json",
        json.dumps(
            {"04_reproduce_figures": {"notebook": "04_reproduce_figures", **record}}
        ).encode(),
    )
    return out


def test_foreign_files_ignore_a_browser_s_files_and_a_killed_run_s(tmp_path):
    out = _proven_folder(tmp_path)
    pid = _dead_pid()
    (out / ".DS_Store").write_text("")
    partial = f".manifest.json.{writing.PARTIAL_MARKER}-{pid}-abcd1234.part"
    (out / "results" / partial).write_text("")  # a killed writer's
    (out / "figures" / locks.LOCK_NAME).write_text("")
    (out / f".previous-{pid}").mkdir()
    shutil.copytree(out / "figures", out / f".previous-{pid}" / "figures")
    shutil.copytree(out / "results", out / f".previous-{pid}" / "results")
    assert surveys.foreign_files(out, tmp_path) == []
    (out / f".previous-{pid}" / "figures" / "a.txt").write_text("")
    (out / "link").symlink_to(tmp_path)
    assert surveys.foreign_files(out, tmp_path) == [f".previous-{pid}/figures/a.txt", "link"]
    surveys.check_replaceable(tmp_path / "absent", tmp_path)  # nothing there: nothing refused


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_set_aside_then_rollback_or_commit(tmp_path):
    out = _proven_folder(tmp_path)
    (out / "notes.txt").write_text("mine")  # not the run's: never moved, never removed
    owned = ownership.proven(out, tmp_path)
    assert set(owned) == {"figures/a.svg", "results/manifest.json"}
    before = snapshot(out)
    replacement = staging.set_aside(out, owned, keep={"figures"})
    assert snapshot(out)["figures/a.svg"] == b"<svg/>"  # kept: copied back
    assert not (out / "results" / "manifest.json").exists()
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv(writing.JOURNAL_ENV, str(replacement.journal))
        io.atomic_write_bytes(out / "figures" / "new.svg", b"new")
    replacement.rollback()
    assert snapshot(out) == before
    replacement = staging.set_aside(out, ownership.proven(out, tmp_path))
    assert sorted(p.name for p in out.iterdir()) == [f".previous-{os.getpid()}", "notes.txt"]
    io.atomic_write_bytes(out / "survey_report.html", b"new page")
    replacement.commit()
    assert snapshot(out) == {"notes.txt": b"mine", "survey_report.html": b"new page"}


def test_a_killed_run_s_previous_contents_are_put_back(tmp_path):
    out = tmp_path / "out"
    pid = _dead_pid()
    (out / f".previous-{pid}" / "figures").mkdir(parents=True)
    (out / f".previous-{pid}" / "figures" / "old.svg").write_text("old")
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv(writing.JOURNAL_ENV, str(ownership.journal_path(out, pid)))
        io.atomic_write_bytes(out / "figures" / "half.svg", b"written by the killed run")
    (out / "figures" / "mine.svg").write_text("not in its journal: kept")
    assert staging.recover(out) == [out / f".previous-{pid}"]
    assert snapshot(out) == {
        "figures/mine.svg": b"not in its journal: kept",
        "figures/old.svg": b"old",
    }
    # killed while setting aside: nothing was written yet, nothing is removed
    (out / f".previous-{pid}.moving").mkdir()
    (out / f".previous-{pid}.moving" / "survey_report.html").write_text("page")
    staging.recover(out)
    assert snapshot(out)["survey_report.html"] == b"page"
    # a live run's folder is left alone
    (out / f".previous-{os.getpid()}").mkdir()
    assert staging.recover(out) == []

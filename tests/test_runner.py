import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, snapshot
from offline import external_resources

from analysis_utils import cli
from analysis_utils.core import io, paths, writing
from analysis_utils.core.errors import InputError, ParameterError
from analysis_utils.pipeline import executed, locks, manifest, preflight, runner, staging

pytestmark = pytest.mark.heavy  # runs the runner, kernels or subprocesses: not in make test-fast

PIPELINE = """notebooks:
  01_make_a:
    reads: [data/raw]
    writes: [data/processed/a.csv, reports/results/01_make_a.json]
  02_use_a:
    reads: [data/processed/a.csv]
    writes: [reports/results/02_use_a.json]
  03_other_thing:
    reads: [data/raw]
    writes: [reports/results/03_other_thing.json]
"""


def _notebook(source: str, params: str = "x: int = 1  # a number") -> dict:
    cells = [
        {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# t"},
        {
            "cell_type": "code",
            "id": "p",
            "metadata": {"tags": ["parameters"]},
            "outputs": [],
            "execution_count": None,
            "source": params,
        },
        {
            "cell_type": "code",
            "id": "c",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": source,
        },
    ]
    return {
        "cells": cells,
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    }


@pytest.fixture
def toy(project):
    """The project with a three-notebook toy pipeline (real raw data)."""
    for old in project.notebooks.glob("*.ipynb"):
        old.unlink()
    project.pipeline.write_text(PIPELINE)
    for name in ("01_make_a", "02_use_a", "03_other_thing"):
        (project.notebooks / f"{name}.ipynb").write_text(json.dumps(_notebook("x")))
    return project


@pytest.fixture(autouse=True)
def temp(tmp_path, monkeypatch):
    """A temporary folder of the test's own, so kept copies of failures do not pile up."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def fake_executor(name, source, output, parameters, cwd):
    """Stands in for Papermill: logs start and end, copies the notebook, fails on request."""
    log = Path(cwd) / "calls.log"
    with log.open("a") as handle:
        handle.write(f"start {name} {json.dumps(parameters, sort_keys=True)}\n")
    time.sleep(0.2)
    shutil.copyfile(source, output)
    with log.open("a") as handle:
        handle.write(f"end {name}\n")
    if name in parameters.get("fail_in", ()) or "fail" in Path(source).read_text():
        return runner.Outcome(name, False, 0.2, 2, "ValueError: boom", "raise ValueError")
    return runner.Outcome(name, True, 0.2)


def _calls(layout):
    return (layout.notebooks / "calls.log").read_text().splitlines()


def test_runs_in_dependency_order_and_keeps_executed_copies(toy):
    outcomes = runner.run(toy, ["03", "02", "01"], {"x": "1"}, executor=fake_executor)
    assert [o.name for o in outcomes] == ["01_make_a", "02_use_a", "03_other_thing"]
    assert all(o.ok for o in outcomes)
    assert _calls(toy)[0] == 'start 01_make_a {"x": 1}'
    assert sorted(p.name for p in toy.executed.iterdir()) == [
        "01_make_a.html",
        "01_make_a.ipynb",
        "02_use_a.html",
        "02_use_a.ipynb",
        "03_other_thing.html",
        "03_other_thing.ipynb",
    ]


def test_a_run_with_other_values_keeps_its_executed_copies_beside_its_results(toy):
    params = "x: int = 1  # a number\nresults_dir: str = 'reports/results'  # where"
    for name in ("01_make_a", "02_use_a"):
        (toy.notebooks / f"{name}.ipynb").write_text(json.dumps(_notebook("x", params)))
    with pytest.raises(ParameterError, match="is among the study's committed outputs"):
        runner.run(toy, ["01", "02"], {"x": "5"}, executor=fake_executor)
    given = {"x": "5", "results_dir": "out/results"}
    outcomes = runner.run(toy, ["01", "02"], given, html=False, executor=fake_executor)
    assert [(o.name, o.ok) for o in outcomes] == [("01_make_a", True), ("02_use_a", True)]
    assert _calls(toy)[0] == 'start 01_make_a {"results_dir": "out/results", "x": 5}'
    assert sorted(p.name for p in (toy.root / "out" / "executed").iterdir()) == [
        "01_make_a.ipynb",
        "02_use_a.ipynb",
    ]
    assert not toy.executed.exists()


def overlapping_executor(name, source, output, parameters, cwd):
    """As :func:`fake_executor`, but 01 ends only once 03 has started (or after 60 s).

    With two workers the independent 03 starts while 01 runs, however busy the
    machine; a runner that did not overlap them would start 03 only after 01 ended.
    """
    log = Path(cwd) / "calls.log"
    if name == "01_make_a":
        with log.open("a") as handle:
            handle.write(f"start {name} {json.dumps(parameters, sort_keys=True)}\n")
        deadline = time.monotonic() + 60
        while "start 03_other_thing" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.copyfile(source, output)
        with log.open("a") as handle:
            handle.write(f"end {name}\n")
        return runner.Outcome(name, True, 0.2)
    return fake_executor(name, source, output, parameters, cwd)


def test_parallel_runs_respect_dependencies(toy):
    outcomes = runner.run(toy, [], {}, jobs=2, executor=overlapping_executor)
    assert sorted(o.name for o in outcomes) == ["01_make_a", "02_use_a", "03_other_thing"]
    calls = _calls(toy)
    assert calls.index("end 01_make_a") < calls.index("start 02_use_a {}")
    # the independent notebook overlaps the first one
    assert calls.index("start 03_other_thing {}") < calls.index("end 01_make_a")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failure_stops_what_depends_on_it(toy, jobs):
    (toy.notebooks / "01_make_a.ipynb").write_text(json.dumps(_notebook("fail")))
    before = snapshot(toy.root / "reports")
    outcomes = runner.run(toy, ["01", "02"], {}, jobs=jobs, executor=fake_executor)
    assert [(o.name, o.ok) for o in outcomes] == [("01_make_a", False)]
    assert "notebook 01_make_a failed in cell 2" in outcomes[0].describe()
    assert "ValueError: boom" in outcomes[0].describe()
    assert snapshot(toy.root / "reports") == before


def test_a_failed_notebook_is_kept_in_a_fresh_private_folder(toy, tmp_path, temp):
    victim = tmp_path / "victim.txt"
    victim.write_text("not to be overwritten")
    planted = temp / "01_make_a.failed.ipynb"  # the fixed name copies went to before
    planted.symlink_to(victim)
    (toy.notebooks / "01_make_a.ipynb").write_text(json.dumps(_notebook("fail")))
    kept = []
    for _ in range(2):
        (outcome,) = runner.run(toy, ["01"], {}, executor=fake_executor)
        kept.append(Path(outcome.kept))
        assert outcome.describe().endswith(f"; executed copy kept at {outcome.kept}")
    assert victim.read_text() == "not to be overwritten"
    assert planted.is_symlink()
    assert kept[0] != kept[1]
    assert kept[0].parent != kept[1].parent
    for path in kept:
        assert path.name == "01_make_a.failed.ipynb"
        assert path.is_file()
        assert not path.is_symlink()
        assert path.parent.parent == temp
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert json.loads(path.read_text())["cells"][2]["source"] == "fail"


def test_parameters_are_checked_before_anything_runs(toy):
    with pytest.raises(ParameterError, match="unknown parameter 'y'"):
        runner.run(toy, [], {"y": 1}, executor=fake_executor)
    with pytest.raises(ParameterError, match="expects int"):
        runner.run(toy, [], {"x": "one"}, executor=fake_executor)
    with pytest.raises(ParameterError, match="at least 1"):
        runner.run(toy, [], {}, jobs=0, executor=fake_executor)
    assert not (toy.notebooks / "calls.log").exists()


def test_raw_data_are_verified_before_anything_runs(toy):
    path = toy.raw / "article_numbers.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",67,,,67,", ",67,,,x,"), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        runner.run(toy, [], {}, executor=fake_executor)
    rules = {p.rule for p in caught.value.problems}
    assert any("sha256" in r for r in rules)
    assert "type-error" in rules
    assert not (toy.notebooks / "calls.log").exists()


def test_the_claims_registry_is_loaded_unless_the_run_has_none(project):
    project.claims.write_text("claims:\n  H1: [unclosed\n", encoding="utf-8")
    planned = runner.plan(project, ["03"], {})
    with pytest.raises(ParameterError, match=r"claims_file notebooks/claims\.yaml \(read by 03"):
        preflight.check_claims(planned)
    project.claims.write_text("- H1\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="expected a mapping 'claims' of claim ids"):
        preflight.check_claims(planned)
    planned = runner.plan(project, ["03"], {"claims_file": ""})
    preflight.check_claims(planned)  # empty: no claims, nothing to read
    planned = runner.plan(project, ["02"], {})
    preflight.check_claims(planned)  # no notebook of the run reads claims
    elsewhere = project.root / "mine.yaml"
    shutil.copyfile(ROOT / "notebooks" / "claims.yaml", elsewhere)
    planned = runner.plan(project, ["03", "05"], {"claims_file": str(elsewhere)})
    preflight.check_claims(planned)


#: Output folders of a run with other values than the defaults (the committed ones are refused).
OUT = {"tables_dir": "out/tables", "results_dir": "out/results"}


def test_claim_tests_beyond_their_memory_limits_are_refused_before_any_kernel(project):
    def never(*args):
        raise AssertionError("a kernel started")

    with pytest.raises(
        ParameterError,
        match=r"03_test_claims: claim H1 at n = 1000, multiple choice .*: 11,033,033,011 "
        r"reconstructions exceed MAX_RECONSTRUCTIONS = 2,684,354 .*-p n_candidates",
    ):
        runner.run(project, ["02", "03"], {"n_candidates": [1000], **OUT}, executor=never)
    with pytest.raises(ParameterError, match=r"03_test_claims: .*MAX_SIMULATED_COUNTS"):
        runner.run(project, ["02", "03"], {"size_draws": 10**8, **OUT}, executor=never)
    planned = runner.plan(
        project,
        ["02", "03"],
        {"n_candidates": [9, 54, 1000], "readings": ["single"], "draws": 1000},
    )
    # 1,734,106 reconstructions at n = 1000: allowed (with fewer posterior draws: work)
    preflight.check_limits(planned)
    planned = runner.plan(project, ["02"], {})
    preflight.check_limits(planned)  # no claim tests in the run


def test_update_notebooks_refuses_parameters(toy):
    with pytest.raises(ParameterError, match="default parameters only"):
        runner.run(toy, [], {"x": 2}, update_sources=True, executor=fake_executor)


@pytest.mark.slow
def test_a_failing_cell_is_named(toy):
    (toy.notebooks / "01_make_a.ipynb").write_text(
        json.dumps(_notebook("raise RuntimeError('no data here')"))
    )
    (outcome,) = runner.run(toy, ["01"], {"x": "1"})
    assert not outcome.ok
    assert outcome.cell == 2
    assert outcome.error == "RuntimeError: no data here"
    assert outcome.cell_source == "raise RuntimeError('no data here')"
    assert Path(outcome.kept).is_file()
    assert not toy.executed.exists()


def test_committed_notebooks_merge_split_streams(tmp_path):
    cell = {
        "cell_type": "code",
        "metadata": {"papermill": {"duration": 1}},
        "source": "",
        "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["a\n", "b"]},
            {"output_type": "stream", "name": "stdout", "text": ["c\n"]},
            {"output_type": "stream", "name": "stderr", "text": ["w\n"]},
        ],
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [cell], "metadata": {"papermill": {}}}))
    cleaned = json.loads(executed.strip_run_metadata(path))
    (out_cell,) = cleaned["cells"]
    assert out_cell["outputs"] == [
        {"output_type": "stream", "name": "stdout", "text": ["a\n", "bc\n"]},
        {"output_type": "stream", "name": "stderr", "text": ["w\n"]},
    ]
    assert "papermill" not in cleaned["metadata"]
    assert out_cell["metadata"] == {}


def test_an_executed_notebook_renders_to_a_page_that_works_offline(tmp_path):
    import base64

    import nbformat

    png = base64.b64encode(bytes.fromhex("89504e470d0a1a0a")).decode()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "# Title\n\nA formula $x^2$ and a [source](https://example.org/table)."
        ),
        nbformat.v4.new_code_cell(
            "print('printed'); 6 * 7",
            execution_count=1,
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
                nbformat.v4.new_output(
                    "execute_result",
                    {"text/plain": "42", "image/png": png},
                    execution_count=1,
                ),
            ],
        ),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    page = executed.as_html(path).decode("utf-8")
    assert external_resources(page) == []
    assert "<script src=" not in page
    assert "<link " not in page
    assert "$x^2$" in page  # the formula stays readable as TeX
    assert "printed" in page
    assert "42" in page
    assert f"data:image/png;base64,{png}" in page
    assert '<a href="https://example.org/table">source</a>' in page  # a link, not a resource
    assert "<style" in page  # the styles are inline
    assert executed.as_html(path) == page.encode("utf-8")


def test_a_decision_given_to_a_notebook_that_reads_it_names_where_it_is_made():
    layout = paths.layout()
    with pytest.raises(ParameterError, match="'rounding' is decided in 02_audit_reported_perc"):
        runner.plan(layout, ["06_build_report"], {"rounding": "even"})
    bound = runner.plan(
        layout, ["02_audit_reported_percentages", "06_build_report"], {"rounding": "even"}
    ).bound
    assert bound["02_audit_reported_percentages"]["rounding"] == "even"
    assert "rounding" not in bound["06_build_report"]


def test_each_finished_notebook_is_recorded_in_the_run_manifest(toy):
    outcomes = runner.run(toy, [], {}, executor=fake_executor)
    assert all(o.ok for o in outcomes)
    records = manifest.load(toy.results)
    assert sorted(records) == ["01_make_a", "02_use_a", "03_other_thing"]
    assert records["01_make_a"].parameters == {"x": 1}
    assert "data/raw/SHA256SUMS" in records["03_other_thing"].inputs
    assert records["01_make_a"].code["notebook"] == io.sha256(toy.notebooks / "01_make_a.ipynb")
    assert "data/processed/a.csv" not in records["02_use_a"].inputs  # the toy writes nothing
    assert manifest.check_upstream("02_use_a", toy.pipeline, toy.results, toy.root) == []
    manifest.write(toy.results, {k: v for k, v in records.items() if k != "01_make_a"})
    assert manifest.check_upstream("02_use_a", toy.pipeline, toy.results, toy.root) == [
        "01_make_a: no record in the run manifest"
    ]
    (toy.results / manifest.MANIFEST).unlink()
    [alone] = manifest.check_upstream("02_use_a", toy.pipeline, toy.results, toy.root)
    assert alone.startswith("no run manifest")
    assert "not checked" in alone
    manifest.write(toy.results, records)
    assert manifest.check(records, toy.root) == []
    (toy.raw / "SHA256SUMS").write_text("changed\n")
    assert manifest.check(records, toy.root) == [
        f"{name}: its input data/raw/SHA256SUMS changed since it read it"
        for name in ("01_make_a", "03_other_thing")  # both read data/raw
    ]


def test_a_second_run_on_the_same_results_folder_is_refused_naming_the_first(toy, temp):
    held = staging.hold_lock(toy.results)
    try:
        with pytest.raises(ParameterError, match=r"is being written by process \d+"):
            runner.run(toy, [], {}, executor=fake_executor)
        assert not toy.executed.exists()
    finally:
        held.close()
    assert all(o.ok for o in runner.run(toy, [], {}, executor=fake_executor))


def test_a_released_lock_leaves_no_file_and_a_lock_file_is_never_followed(tmp_path):
    folder = tmp_path / "results"
    held = staging.hold_lock(folder)
    path = held.path
    assert path.is_file()
    assert f"process {os.getpid()}" in path.read_text(encoding="utf-8")
    held.close()
    held.close()  # once only
    assert not path.exists()
    again = staging.hold_lock(folder)  # taken again after its release
    again.close()
    target = tmp_path / "not-yours.txt"
    target.write_text("kept\n", encoding="utf-8")
    path.symlink_to(target)
    try:
        with pytest.raises(ParameterError, match="cannot be opened as a plain file"):
            staging.hold_lock(folder)
    finally:
        path.unlink()
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_a_lock_file_removed_by_its_releasing_run_is_taken_again(tmp_path, monkeypatch):
    """A run that opened the lock file just before its holder removed it takes the new one."""
    folder = tmp_path / "results"
    first = staging.hold_lock(folder)
    path = first.path
    stale = os.open(path, os.O_RDWR)  # opened by a second run before the first releases it
    real_open = os.open
    calls = []

    def open_then_release(name, flags, mode=0o777):
        calls.append(name)
        if len(calls) == 1:
            first.close()  # the first run releases (and removes) the file now
            return stale
        return real_open(name, flags, mode)

    with monkeypatch.context() as patched:
        patched.setattr(staging.os, "open", open_then_release)
        second = staging.hold_lock(folder)
    assert len(calls) == 2  # the removed file was noticed and the path opened again
    assert path.is_file()
    with pytest.raises(ParameterError, match="is being written by process"):
        staging.hold_lock(folder)
    second.close()


def test_the_staging_folders_of_killed_runs_are_cleared(tmp_path):
    dead = tmp_path / f"{staging.STAGING_PREFIX}999999999-abc"
    live = tmp_path / f"{staging.STAGING_PREFIX}{os.getpid()}-abc"
    other = tmp_path / "someone-elses"
    for folder in (dead / "runtime", live, other):
        folder.mkdir(parents=True)
    (dead / "runtime" / "kernel-1.json").write_text("{}")
    assert staging.clear_stale_staging(tmp_path) == [dead]
    assert not dead.exists()
    assert live.exists()
    assert other.exists()


def test_an_interrupt_prints_one_line_and_exits_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", interrupted)
    assert cli.main(["run"]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("interrupted:")
    assert "Traceback" not in err


def test_the_files_a_killed_writer_left_are_cleared_and_nothing_else(tmp_path):
    (tmp_path / "tables").mkdir()
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True
    )
    pid = int(child.stdout)  # a writer that has ended
    left = tmp_path / "tables" / f".claim_tests.csv.{writing.PARTIAL_MARKER}-{pid}-ab12_xyz.part"
    names = ("claim_tests.csv", ".hidden.csv", "a.tmp", ".claim_tests.csv.ab12_xyz.csv")
    kept = [tmp_path / "tables" / n for n in names]
    for path in [left, *kept]:
        path.write_text("x")
    assert writing.partial_writes(tmp_path / "tables") == [left]
    assert staging.clear_partial_writes([tmp_path / "tables", tmp_path / "missing"]) == [left]
    assert all(p.exists() for p in kept)


def test_runs_with_different_temporary_folders_meet_at_the_folder_s_lock(toy, tmp_path):
    elsewhere = tmp_path / "other-tmp"
    elsewhere.mkdir()
    held = staging.hold_lock(toy.results)  # a run with this test's temporary folder
    try:
        tempfile.tempdir = str(elsewhere)  # and one with another TMPDIR (or container)
        with pytest.raises(ParameterError, match=r"is being written by process \d+"):
            runner.run(toy, [], {}, executor=fake_executor)
    finally:
        held.close()
    assert not toy.executed.exists()
    assert not (toy.results / locks.LOCK_NAME).exists()  # released: no file left


def test_a_run_sharing_a_tables_folder_with_another_is_refused(project):
    shared = project.root / "shared" / "tables"
    held = staging.hold_lock(shared)  # a run writing results/ elsewhere and these tables
    given = {"tables_dir": "shared/tables", "results_dir": "b/results"}
    try:
        with pytest.raises(ParameterError, match=rf"{shared} is being written by process"):
            runner.run(project, ["02"], given, executor=fake_executor)
    finally:
        held.close()
    assert not (project.root / "b").exists()  # the folders made for the locks are removed
    assert all(o.ok for o in runner.run(project, ["02"], given, executor=fake_executor))


def test_every_output_folder_of_a_run_is_locked_in_sorted_order(project, monkeypatch):
    taken = []
    real = locks.hold_lock

    def spy(folder):
        taken.append(folder)
        return real(folder)

    monkeypatch.setattr(locks, "hold_lock", spy)
    given = {"tables_dir": "out/tables", "results_dir": "out/results"}
    runner.run(project, ["02"], given, html=False, executor=fake_executor)
    out = (project.root / "out").resolve()
    assert taken == [out / "executed", out / "results", out / "tables"]
    assert not list(out.rglob(locks.LOCK_NAME))


def test_a_fifo_at_the_lock_path_is_refused_in_one_line(toy, capsys, monkeypatch):
    toy.results.mkdir(parents=True)
    os.mkfifo(toy.results / locks.LOCK_NAME)
    real = runner.run
    monkeypatch.setattr(runner, "run", lambda *a, **k: real(*a, **k, executor=fake_executor))
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is not a plain file" in err
    assert "Traceback" not in err
    assert stat.S_ISFIFO(os.lstat(toy.results / locks.LOCK_NAME).st_mode)  # left alone


def test_a_kernel_slow_to_answer_on_a_busy_machine_is_waited_for(monkeypatch, tmp_path):
    """Papermill is asked to wait START_TIMEOUT seconds for the kernel, not nbclient's 60."""
    import papermill

    from analysis_utils.pipeline import executed, kernels

    seen = {}

    def execute_notebook(source, output, **options):
        seen.update(options)

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)
    outcome = executed.execute_one("x", "in.ipynb", "out.ipynb", {}, str(tmp_path))
    assert outcome.ok
    assert seen["start_timeout"] == kernels.START_TIMEOUT >= 120

"""Incremental runs: a notebook is executed again exactly when something that can change its
outputs changed (its source, a parameter, an input, the library, the locked versions)."""

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import snapshot
from test_runner import PIPELINE, _notebook

from analysis_utils.core import paths
from analysis_utils.core.errors import InputError
from analysis_utils.pipeline import manifest, preflight, runner
from analysis_utils.pipeline.contract import load_pipeline

pytestmark = pytest.mark.heavy  # runs the runner, kernels or subprocesses: not in make test-fast

NOTEBOOKS = ("01_make_a", "02_use_a", "03_other_thing")


@pytest.fixture
def toy(project):
    """The toy pipeline of test_runner; 03 declares y, not x."""
    for old in project.notebooks.glob("*.ipynb"):
        old.unlink()
    project.pipeline.write_text(PIPELINE)
    for name in NOTEBOOKS[:2]:
        (project.notebooks / f"{name}.ipynb").write_text(json.dumps(_notebook("x")))
    other = _notebook("y", "y: int = 1  # another number")
    (project.notebooks / "03_other_thing.ipynb").write_text(json.dumps(other))
    return project


def writer(name, source, output, parameters, cwd):
    """Stand in for Papermill: 01 writes a.csv from the raw README, every call is logged."""
    root = Path(cwd).parent
    with (root / "calls.log").open("a") as handle:
        handle.write(f"{name}\n")
    shutil.copyfile(source, output)
    if name == "01_make_a":
        readme = (root / "data" / "raw" / "README.md").read_bytes()
        (root / "data" / "processed" / "a.csv").write_bytes(b"a\n" + readme[:40] + b"\n")
    return runner.Outcome(name, True, 0.0)


def _run(toy, given=None, **options):
    log = toy.root / "calls.log"
    log.unlink(missing_ok=True)
    outcomes = runner.run(toy, [], given or {}, executor=writer, **options)
    assert all(o.ok for o in outcomes)
    executed = log.read_text().split() if log.exists() else []
    assert sorted(executed) == sorted(o.name for o in outcomes if not o.skipped)
    return executed


def _edit_raw(toy, name, text):
    """Change a raw file and its line of SHA256SUMS, as a maintainer would."""
    path = toy.raw / name
    path.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    sums = toy.raw / "SHA256SUMS"
    lines = [
        f"{digest}  {name}" if line.endswith(f"  {name}") else line
        for line in sums.read_text().splitlines()
    ]
    sums.write_text("\n".join(lines) + "\n")


def test_a_rerun_with_nothing_changed_executes_nothing_and_changes_no_byte(toy):
    assert _run(toy) == list(NOTEBOOKS)
    before = snapshot(toy.root)
    assert _run(toy) == []
    after = snapshot(toy.root)
    after.pop("calls.log", None)
    before.pop("calls.log", None)
    assert after == before


def test_changing_a_raw_file_executes_its_readers_and_what_reads_their_changed_outputs(toy):
    _run(toy)
    first = "forty bytes that 01 copies into a.csv..\n"
    _edit_raw(toy, "README.md", first + "one tail\n")
    assert _run(toy) == list(NOTEBOOKS)  # 01 wrote another a.csv, so 02 runs too
    _edit_raw(toy, "README.md", first + "another tail\n")
    assert sorted(_run(toy)) == ["01_make_a", "03_other_thing"]  # same a.csv: 02 skipped


def test_changing_a_notebook_executes_it_and_no_other(toy):
    _run(toy)
    path = toy.notebooks / "02_use_a.ipynb"
    path.write_text(json.dumps(_notebook("x + 1")))
    assert _run(toy) == ["02_use_a"]


def test_changing_a_parameter_executes_the_notebooks_that_declare_it(toy):
    _run(toy)
    for given, changed in [({}, []), ({"x": "2"}, NOTEBOOKS[:2]), ({"y": "5"}, NOTEBOOKS[2:])]:
        planned = runner.plan(toy, [], given)
        stale = [
            name
            for name in NOTEBOOKS
            if not runner.unchanged(planned, name, [toy.executed / f"{name}.ipynb"])
        ]
        assert stale == list(changed), given


def test_changing_the_locked_versions_or_the_library_executes_everything(toy, monkeypatch):
    _run(toy)
    (toy.root / "requirements" / "lock.txt").write_text("pandas==0.0.1\n")
    assert _run(toy) == list(NOTEBOOKS)
    monkeypatch.setattr(manifest, "library_hash", lambda: "edited library")
    assert _run(toy) == list(NOTEBOOKS)


def test_a_missing_or_edited_output_or_executed_copy_executes_its_notebook(toy):
    _run(toy)
    (toy.processed / "a.csv").write_text("edited by hand\n")
    assert _run(toy) == ["01_make_a"]
    (toy.executed / "03_other_thing.html").unlink()
    assert _run(toy) == ["03_other_thing"]


def test_force_executes_everything(toy):
    _run(toy)
    assert _run(toy, force=True) == list(NOTEBOOKS)


def test_a_notebook_reading_withheld_answers_is_never_skipped(toy):
    _run(toy)
    planned = runner.plan(toy, ["03_other_thing"], {})
    copies = [toy.executed / "03_other_thing.ipynb"]
    assert runner.unchanged(planned, "03_other_thing", copies)
    records = manifest.load(toy.results)
    record = records["03_other_thing"]
    withheld = {**record.inputs, "data/raw/survey/responses.csv": manifest.WITHHELD}
    records["03_other_thing"] = manifest.Record(**{**record.__dict__, "inputs": withheld})
    manifest.write(toy.results, records)
    assert not runner.unchanged(planned, "03_other_thing", copies)


def test_the_study_run_again_is_skipped_whole_and_its_outputs_stay_byte_identical(
    built, monkeypatch
):
    monkeypatch.setenv(paths.ROOT_ENV, str(built.root))
    before = {
        part: snapshot(built.root / part) for part in ("data/processed", "reports", "notebooks")
    }
    outcomes = runner.run(built, [], {}, jobs=2)
    assert [o.name for o in outcomes if not o.skipped] == []
    assert {o.name for o in outcomes} == set(load_pipeline(built.pipeline))
    after = {part: snapshot(built.root / part) for part in before}
    assert after == before


def test_a_record_of_a_notebook_no_longer_in_the_pipeline_is_dropped_by_the_next_run(toy):
    _run(toy)
    records = manifest.load(toy.results)
    gone = manifest.Record(**{**records["01_make_a"].__dict__, "notebook": "01_renamed_since"})
    manifest.write(toy.results, {**records, "01_renamed_since": gone})
    assert _run(toy) == []
    assert set(manifest.load(toy.results)) == set(NOTEBOOKS)


def test_the_raw_schemas_are_checked_again_only_for_bytes_no_run_has_read(toy, monkeypatch):
    calls = []
    real = preflight.validate_package
    monkeypatch.setattr(
        preflight, "validate_package", lambda *a, **k: calls.append(a) or real(*a, **k)
    )

    def validated():
        calls.clear()
        preflight.verify_inputs(toy)
        return len(calls) == 1

    assert validated()  # no run yet
    _run(toy)
    assert not validated()  # 01_make_a read these bytes under this library and lock
    _edit_raw(toy, "README.md", "changed since\n")
    assert validated()
    _run(toy)
    assert not validated()
    (toy.root / "requirements" / "lock.txt").write_text("pandas==0.0.1\n")
    assert validated()  # other locked versions
    _run(toy)
    listed = (toy.raw / "SHA256SUMS").read_text().split()[1]
    with (toy.raw / listed).open("a") as handle:
        handle.write("\n")  # no longer what SHA256SUMS says
    calls.clear()
    with pytest.raises(InputError, match=re.escape(listed)):
        preflight.verify_inputs(toy)
    assert len(calls) == 1  # the schemas were checked too, to report every problem at once

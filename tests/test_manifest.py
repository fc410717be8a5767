"""The run manifest: records what made each output and tells a mix of runs apart."""

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from analysis_utils.core import io
from analysis_utils.pipeline import manifest

DEFAULTS = {
    "processed_dir": "data/processed",
    "results_dir": "reports/results",
    "survey_dir": "data/raw/survey",
    "raw_dir": "data/raw",
    "alpha": 0.05,
}


def test_declared_paths_follow_the_parameters_longest_prefix_first():
    moved = manifest.actual_paths(
        [
            "data/processed/survey_items.csv",
            "data/raw/survey",
            "data/raw/article_numbers.csv",
            "reports/results/02_x.json",
            "notebooks/claims.yaml",
        ],
        {**DEFAULTS, "processed_dir": "/out/processed", "survey_dir": "/s", "raw_dir": "data/raw"},
        DEFAULTS,
    )
    assert moved == [
        "/out/processed/survey_items.csv",
        "/s",
        "data/raw/article_numbers.csv",
        "reports/results/02_x.json",
        "notebooks/claims.yaml",
    ]


@given(st.lists(st.sampled_from(["data/processed/a.csv", "reports/results/b.json", "x/y"])))
def test_default_parameters_leave_every_path_as_declared(paths):
    assert manifest.actual_paths(paths, DEFAULTS, DEFAULTS) == paths


def _record(tmp_path, name="01_b", reads=("in.csv",), writes=("out.csv",)):
    return manifest.Record(
        notebook=name,
        parameters={"alpha": 0.05},
        inputs=manifest.hashes(reads, tmp_path),
        outputs=manifest.hashes(writes, tmp_path),
        code={"notebook": "n", "library": "l", "lock": "k"},
    )


def test_hashes_expand_folders_and_leave_out_missing_files(tmp_path):
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "e" / "f.txt").write_text("x")
    (tmp_path / "g.txt").write_text("y")
    found = manifest.hashes(["d", "g.txt", "missing.csv"], tmp_path)
    assert list(found) == ["d/e/f.txt", "g.txt"]
    assert found["g.txt"] == io.sha256(tmp_path / "g.txt")


def test_a_pattern_hashes_every_file_it_matches(tmp_path):
    for name in ("analysis_a.csv", "analysis_b.csv", "other.csv"):
        (tmp_path / "t" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "t" / name).write_text(name)
    found = manifest.hashes(["t/analysis_*.csv", "absent/analysis_*.csv"], tmp_path)
    assert found == {
        f"t/{name}": hashlib.sha256(name.encode()).hexdigest()
        for name in ("analysis_a.csv", "analysis_b.csv")
    }


def test_a_folder_is_hashed_without_hidden_files_and_the_folders_left_out(tmp_path):
    survey = tmp_path / "s"
    for path in ["questions.csv", ".DS_Store", "output/results/manifest.json", ".x/y.csv"]:
        (survey / path).parent.mkdir(parents=True, exist_ok=True)
        (survey / path).write_text(path)
    (tmp_path / ".hidden.csv").write_text("named, so read")
    found = manifest.hashes(["s", ".hidden.csv"], tmp_path, left_out=["output"])
    assert list(found) == [".hidden.csv", "s/questions.csv"]
    assert list(manifest.hashes(["s"], tmp_path)) == [
        "s/output/results/manifest.json",
        "s/questions.csv",
    ]


def test_a_manifest_reads_back_and_is_byte_identical_when_rewritten(tmp_path):
    (tmp_path / "in.csv").write_text("1\n")
    (tmp_path / "out.csv").write_text("2\n")
    records = {"01_b": _record(tmp_path)}
    path = manifest.write(tmp_path, records)
    first = path.read_bytes()
    assert manifest.load(tmp_path) == records
    manifest.write(tmp_path, manifest.load(tmp_path))
    assert path.read_bytes() == first
    assert json.loads(first)["01_b"]["outputs"] == {"out.csv": io.sha256(tmp_path / "out.csv")}
    assert manifest.load(tmp_path / "elsewhere") == {}


def test_check_finds_a_changed_output_a_changed_input_and_a_missing_file(tmp_path):
    (tmp_path / "in.csv").write_text("1\n")
    (tmp_path / "out.csv").write_text("2\n")
    records = {"01_b": _record(tmp_path)}
    assert manifest.check(records, tmp_path) == []
    (tmp_path / "out.csv").write_text("3\n")  # another run replaced the output
    (tmp_path / "in.csv").unlink()
    assert manifest.check(records, tmp_path) == [
        "01_b: its output out.csv changed since it wrote it",
        "01_b: its input in.csv is missing",
    ]


def test_the_key_changes_with_what_made_the_output_not_with_the_output(tmp_path):
    (tmp_path / "in.csv").write_text("1\n")
    (tmp_path / "out.csv").write_text("2\n")
    record = _record(tmp_path)
    other_output = manifest.Record(**{**record.__dict__, "outputs": {"out.csv": "0"}})
    other_parameter = manifest.Record(**{**record.__dict__, "parameters": {"alpha": 0.01}})
    assert other_output.key == record.key
    assert other_parameter.key != record.key


def test_code_hashes_change_with_the_notebook(tmp_path):
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    before = manifest.code_hashes(notebook, tmp_path / "lock.txt")
    notebook.write_text('{"cells": []}')
    after = manifest.code_hashes(notebook, tmp_path / "lock.txt")
    assert before["library"] == after["library"]
    assert before["notebook"] != after["notebook"]
    assert before["lock"] == ""


def test_the_library_hash_follows_its_files_and_reads_them_once_while_unchanged(
    tmp_path, monkeypatch
):
    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n")
    (package / "sub" / "page.j2").write_text("{{ x }}\n")
    monkeypatch.setattr(manifest, "LIBRARY", package)
    # by hand: each file's path and content, in sorted order
    expected = hashlib.sha256(b"a.py\0A = 1\n\0sub/page.j2\0{{ x }}\n\0").hexdigest()
    assert manifest.library_hash() == expected
    reads = manifest._library_digest.cache_info().misses
    (package / "notes.txt").write_text("not code\n")
    assert manifest.library_hash() == expected
    assert manifest._library_digest.cache_info().misses == reads  # not read again
    (package / "a.py").write_text("A = 2\n")
    assert manifest.library_hash() != expected
    (package / "a.py").write_text("A = 1\n")
    (package / "b.py").write_text("")
    assert manifest.library_hash() != expected
    (package / "b.py").unlink()
    assert manifest.library_hash() == expected
    lock = tmp_path / "lock.txt"
    lock.write_text("pandas==2.2.3\n")
    assert manifest.environment_hashes(lock) == {
        "library": expected,
        "lock": hashlib.sha256(b"pandas==2.2.3\n").hexdigest(),
    }


def test_respondent_level_answers_are_never_hashed(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "responses.csv").write_text("respondent_id,q\n1,a\n")
    (tmp_path / "s" / "questions.csv").write_text("x\n")
    found = manifest.hashes(["s"], tmp_path, withheld=["responses.csv"])
    assert found["s/responses.csv"] == manifest.WITHHELD
    assert found["s/questions.csv"] == io.sha256(tmp_path / "s" / "questions.csv")
    record = manifest.Record("00_a", {}, found, {}, {})
    (tmp_path / "s" / "responses.csv").write_text("respondent_id,q\n1,b\n")
    assert manifest.check({"00_a": record}, tmp_path) == []

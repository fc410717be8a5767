"""Runs on a survey of one's own: parameters, input errors, and no leak of small cells.

The respondent-level answers here are made up for the tests (fixtures, not data of any study).
"""

import csv
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from surveys import OPTIONS, QUESTIONS, write_rows

from analysis_utils import cli
from analysis_utils.core import paths
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import runner
from analysis_utils.pipeline.contract import load_pipeline

LAYOUT = paths.layout(ROOT)

CLAIMS = """\
claims:
  C1:
    claim: most respondents work for an NGO
    evidence: survey
    question: role
    option: ngo
    test: majority
"""


def _survey(folder: Path, roles: list[str], prefix: str) -> Path:
    """Write a 15-respondent survey whose 'role' answers are ``roles``."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    write_rows(folder / "questions.csv", QUESTIONS)
    write_rows(folder / "options.csv", OPTIONS)
    helps = ["shelter"] * 10 + ["legal"] * 5
    write_rows(
        folder / "responses.csv",
        [["respondent_id", "role", "help", "organisation"]]
        + [
            [f"{prefix}{i:03d}", role, help_, f"{prefix} organisation {i}"]
            for i, (role, help_) in enumerate(zip(roles, helps, strict=True), start=1)
        ],
    )
    (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    return folder


def _outputs(folder: Path) -> dict[str, bytes]:
    """Every output file, as bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(p for p in folder.rglob("*") if p.is_file())
    }


def test_a_survey_run_writes_under_its_output_folder(tmp_path):
    folder = _survey(tmp_path / "s", ["ngo"] * 15, "x")
    names, given, executed = runner.survey_run(LAYOUT, [], {"survey_dir": str(folder)})
    out = folder.resolve() / "output"
    assert names == [n for n, s in load_pipeline(LAYOUT.pipeline).items() if s.survey]
    assert given["processed_dir"] == str(out / "processed")
    assert given["figures_dir"] == str(out / "figures")
    assert given["claims_file"] == str(folder.resolve() / "claims.yaml")
    assert given["article_claims_file"] == ""
    assert executed == out / "executed"
    (folder / "claims.yaml").unlink()
    _, given, _ = runner.survey_run(
        LAYOUT, [], {"survey_dir": str(folder), "output_dir": str(tmp_path / "o"), "min_cell": 3}
    )
    assert given["claims_file"] == ""
    assert given["min_cell"] == 3  # what the user gives wins
    assert given["tables_dir"] == str((tmp_path / "o" / "tables").resolve())


def test_a_survey_run_never_writes_into_the_raw_data(tmp_path):
    folder = _survey(tmp_path / "s", ["ngo"] * 15, "x")
    with pytest.raises(ParameterError, match="inside data/raw"):
        runner.survey_run(
            LAYOUT, [], {"survey_dir": str(folder), "output_dir": str(LAYOUT.raw / "out")}
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (CLAIMS.replace("test: majority", "test: vibes"), "claim C1: test must be one of"),
        ("claims:\n  C1: {unclosed\n", "not valid YAML at line 3, column 1"),
    ],
    ids=["unknown test kind", "YAML syntax error"],
)
def test_a_bad_survey_claims_registry_is_refused_before_any_kernel(
    tmp_path, capsys, monkeypatch, content, message
):
    folder = _survey(tmp_path / "s", ["ngo"] * 15, "x")
    (folder / "claims.yaml").write_text(content, encoding="utf-8")
    monkeypatch.setenv(paths.ROOT_ENV, str(ROOT))
    monkeypatch.delitem(sys.modules, "papermill", raising=False)
    before = _outputs(folder)
    assert cli.main(["run", "-p", "survey_dir", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: claims_file {folder.resolve() / 'claims.yaml'} (read by 03_test_claims): {message}"
    )
    assert err.count("\n") == 1
    assert "papermill" not in sys.modules  # no kernel started
    assert not (folder / "output").exists()
    assert _outputs(folder) == before


@pytest.mark.slow
def test_a_bad_survey_is_refused_before_anything_runs(tmp_path):
    folder = _survey(tmp_path / "s", ["ngo"] * 14 + ["pilot"], "x")
    result = run_cli("run", "-p", "survey_dir", str(folder), root=ROOT, timeout=120)
    assert result.returncode == 2
    assert f"{folder / 'responses.csv'}: row 16, column role:" in result.stderr
    assert not (folder / "output").exists()


@pytest.mark.slow
def test_small_cells_cannot_leak_through_any_output(tmp_path):
    """Two surveys that differ only inside withheld cells give byte-identical outputs.

    'role' has 10 NGO staff and 5 others split 2/3 in one survey and 3/2 in the
    other: both splits are below the threshold of 5 and withheld, so nothing
    written (tables, figures, results, report, executed notebooks) may tell
    them apart. Identifying free text and respondent ids appear nowhere.
    """
    folder, out = tmp_path / "survey", tmp_path / "output"
    runs = []
    for roles, prefix in (
        (["ngo"] * 10 + ["gov"] * 2 + ["other"] * 3, "qzxk"),
        (["other"] * 2 + ["ngo"] * 10 + ["gov"] * 3, "vjwq"),
    ):
        _survey(folder, roles, prefix)
        if out.exists():
            shutil.rmtree(out)
        outcomes = runner.run(
            LAYOUT, [], {"survey_dir": str(folder), "output_dir": str(out)}, jobs=2
        )
        assert all(o.ok for o in outcomes), [o.describe() for o in outcomes]
        runs.append(_outputs(out))
        for name, data in runs[-1].items():
            assert prefix.encode() not in data, f"{prefix} leaked into {name}"
    first, second = runs
    assert {"survey_report.html", "processed/survey_items.csv"} <= set(first)
    assert not any(name.endswith("responses.csv") for name in first)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    with (out / "processed" / "survey_items.csv").open(encoding="utf-8") as handle:
        status = {row["option_code"]: row["status"] for row in csv.DictReader(handle)}
    assert status == {
        "ngo": "recomputed",
        "gov": "suppressed",
        "other": "suppressed",
        "shelter": "recomputed",
        "legal": "recomputed",
    }


def test_the_template_and_its_params_file_lead_to_a_survey_run(tmp_path):
    folder = tmp_path / "new"
    made = run_cli("new-survey", str(folder), root=ROOT, timeout=60)
    assert made.returncode == 0
    assert f"run -p survey_dir {folder}" in made.stdout
    again = run_cli("new-survey", str(folder), root=ROOT, timeout=60)
    assert again.returncode == 2
    assert "not empty" in again.stderr
    # the unfilled template is valid but has nothing to analyse: refused before any kernel
    result = run_cli("run", "-f", str(folder / "params.yaml"), root=ROOT, timeout=60)
    assert result.returncode == 2
    assert f"{folder.resolve() / 'questions.csv'}: row -, column (whole file):" in result.stderr
    assert not (folder / "output").exists()

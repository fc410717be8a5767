"""Runs on a survey of one's own: parameters, input errors, and no leak of small cells.

The respondent-level answers here are made up for the tests (fixtures, not data of any study).
"""

import csv
import json
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
from analysis_utils.survey import report_tables

pytestmark = pytest.mark.heavy  # runs the runner, kernels or subprocesses: not in make test-fast

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


def test_a_survey_run_runs_the_notebooks_serving_its_kind_of_input(tmp_path):
    steps = load_pipeline(LAYOUT.pipeline)
    folder = _survey(tmp_path / "s", ["ngo"] * 15, "x")
    # a claim with evidence: survey is tested by 03 on the counts and shown by 08: all of them
    names, _, _ = runner.survey_run(LAYOUT, [], {"survey_dir": str(folder)})
    assert names == [n for n, s in steps.items() if s.survey]
    (folder / "claims.yaml").write_text(
        "claims:\n  G1: {claim: x, evidence: respondents, question: role, test: top_box, "
        "threshold: 0.5}\n",
        encoding="utf-8",
    )
    respondents = ["00_clean_survey", "07_survey_analyses", "09_survey_tables"]
    names, _, _ = runner.survey_run(LAYOUT, [], {"survey_dir": str(folder)})
    assert names == respondents
    planned = runner.plan(LAYOUT, [], {"survey_dir": str(folder), "alpha": "0.01"}, jobs=2)
    assert planned.order == respondents
    assert planned.serving == tuple(respondents)
    assert planned.concurrent() == 1  # a chain: 07 reads 00's results, 09 reads 07's
    # the tests' level reaches both notebooks testing claims, without 03
    assert [s.bound["alpha"] for s in planned.steps if "alpha" in s.declared] == [0.01, 0.01]
    (folder / "claims.yaml").unlink()
    assert runner.survey_run(LAYOUT, [], {"survey_dir": str(folder)})[0] == respondents
    (folder / "responses.csv").unlink()  # published percentages (their file is not read here)
    names, _, _ = runner.survey_run(LAYOUT, [], {"survey_dir": str(folder)})
    assert names == [n for n, s in steps.items() if s.serves_any(["percentages"])]
    assert "09_survey_tables" not in names
    assert {"02_audit_reported_percentages", "08_survey_report"} <= set(names)


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
        (
            CLAIMS.replace("question: role", "question: rôle"),
            "claim C1: question 'rôle' is not in questions.csv (its questions: role, help, ",
        ),
        (
            CLAIMS.replace("option: ngo", "option: NGO"),
            "claim C1: 'NGO' not an option of question 'role' (its option codes: ngo, gov, other)",
        ),
        (
            "claims:\n  G1: {claim: x, evidence: respondents, question: role, test: "
            "group_difference, group: help, groups: [ngo, gov]}\n",
            "claim G1: 'ngo', 'gov' not an option of question 'help' (its option codes: shelter, ",
        ),
    ],
    ids=["unknown test kind", "YAML syntax error", "question", "option", "groups"],
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
    # 03 reads it too when the run serves published percentages (claims with evidence: survey)
    assert err.startswith(f"error: claims_file {folder.resolve() / 'claims.yaml'} (read by ")
    assert f"07_survey_analyses, 09_survey_tables): {message}" in err
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


def test_a_grouping_question_not_in_the_survey_is_refused_before_any_kernel(
    tmp_path, capsys, monkeypatch
):
    folder = _survey(tmp_path / "s", ["ngo"] * 15, "x")
    monkeypatch.setenv(paths.ROOT_ENV, str(ROOT))
    monkeypatch.delitem(sys.modules, "papermill", raising=False)
    assert cli.main(["run", "-p", "survey_dir", str(folder), "-p", "group_by", "region"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: group_by 'region' is not a question of questions.csv: give one of role, "
        "or leave group_by empty\n"
    )
    assert "papermill" not in sys.modules  # no kernel started
    assert not (folder / "output").exists()


def _without_analyst_files(data: bytes) -> object:
    """A run manifest with the entries of the analyst's own files left out.

    The manifest in ``OUT/results`` names them relative to itself (``../tables/analysis_x.csv``).
    """
    prefixes = tuple(f"../{p}" for p in report_tables.ANALYST_ONLY)

    def kept(value: object) -> object:
        if isinstance(value, dict):
            return {k: kept(v) for k, v in value.items() if not str(k).startswith(prefixes)}
        return value

    return kept(json.loads(data))


@pytest.mark.slow
def test_small_cells_cannot_leak_through_any_output(tmp_path):
    """Two surveys that differ only inside withheld cells give byte-identical outputs.

    'role' has 10 NGO staff and 5 others split 2/3 in one survey and 3/2 in the
    other: both splits are below the threshold of 5 and withheld, so nothing
    written (tables, figures, results, report, executed notebooks) may tell
    them apart, but what the analyst's own report and exports show (every
    count, marked not for sharing: ``report_tables.ANALYST_ONLY``). Identifying
    free text and respondent ids appear nowhere.
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
    # the analyst's own report and exports show every count, marked not for sharing
    private = [name for name in differing if name.startswith(report_tables.ANALYST_ONLY)]
    assert "survey_analysis.html" in private
    assert "survey_shared.html" in first
    # the run manifest records those files' hashes (which proves a rerun may replace them)
    assert _without_analyst_files(first["results/manifest.json"]) == (
        _without_analyst_files(second["results/manifest.json"])
    )
    private.append("results/manifest.json")
    assert [name for name in differing if name not in private] == []
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


def _large_survey(folder: Path, respondents: int, questions: list[list[str]]) -> Path:
    """Write a survey of ``respondents`` made-up answers to the given codebook rows."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = [row[0] for row in questions[1:]]
    write_rows(folder / "questions.csv", questions)
    write_rows(folder / "options.csv", [r for r in OPTIONS if r[0] in {"question_id", *ids}])
    pattern = {"role": ["ngo", "gov", "ngo", "other"], "help": ["shelter", "legal;shelter", ""]}
    answers = [
        [f"p{i:05d}", *(pattern[q][i % len(pattern[q])] for q in ids)] for i in range(respondents)
    ]
    write_rows(folder / "responses.csv", [["respondent_id", *ids], *answers])
    return folder


@pytest.mark.slow
def test_a_large_survey_runs_without_a_search_and_a_rerun_replaces_its_output(tmp_path):
    """5,000 respondents (25 times the default n_max): n is counted, nothing searched."""
    codebook = [row[:4] for row in QUESTIONS[:3]]  # role (single), help (multiple)
    folder = _large_survey(tmp_path / "field study 2024", 5_000, codebook)
    # a claim with evidence: survey: the notebooks for published percentages run too (02 audits)
    (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    out = folder / "output"
    result = run_cli("run", "-p", "survey_dir", str(folder), root=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr
    pages = [line for line in result.stdout.splitlines() if line.startswith("report page: ")]
    named = ("survey_report.html", "survey_shared.html", "survey_analysis.html")
    assert sorted(pages) == sorted(f"report page: {out / name}" for name in named)
    assert pages[-1] == f"report page: {out / 'survey_analysis.html'}"  # the one to open
    assert (out / "survey_analysis.html").is_file()
    assert (out / "survey_shared.html").is_file()
    audit = json.loads((out / "results" / "02_audit_reported_percentages.json").read_text())
    assert audit["counts_observed"] is True
    assert audit["stated_n"] == 5_000
    assert audit["n_max"] == 200
    assert (out / "tables" / "granularity_audit.csv").read_text().count("\n") == 1  # header only
    executed = (out / "executed" / "02_audit_reported_percentages.ipynb").read_text()
    assert "counts observed; nothing reconstructed" in executed
    figures = sorted(p.name for p in (out / "figures").iterdir() if "analysis_" not in p.name)
    assert figures == ["fig1_role.png", "fig1_role.svg", "fig2_help.png", "fig2_help.svg"]
    page = (out / "survey_report.html").read_text(encoding="utf-8")
    assert "<title>field study 2024</title>" in page
    assert "<th>respondents (rows of the answers)</th><td>5000</td>" in page
    assert "No feasible-sizes figure: counts observed; nothing reconstructed" in page
    assert "article" not in page.lower()
    assert page.count('<img src="data:image/svg+xml;base64,') == 2
    assert "href=" not in page
    # the output folder inside the survey folder is not read with the survey folder (the
    # manifest in output/results names the survey's files ../../NAME, its own ./NAME)
    records = json.loads((out / "results" / "manifest.json").read_text())
    survey_files = [p for p in records["00_clean_survey"]["inputs"] if p.startswith("../../")]
    assert survey_files == list(records["00_clean_survey"]["inputs"])
    assert not [p for p in survey_files if p.startswith("../../output/")]
    assert [p for p in records["07_survey_analyses"]["inputs"] if not p.startswith("../../")] == [
        "./00_clean_survey.json"
    ]
    assert "do not all come from one run" not in page
    # the question 'help' removed: its figure goes with the rerun, nothing else stays behind
    _large_survey(folder, 5_000, codebook[:2])
    result = run_cli("run", "-p", "survey_dir", str(folder), root=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "analysis_freq_role.png",
        "analysis_freq_role.svg",
        "fig1_role.png",
        "fig1_role.svg",
    ]
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    page = (out / "survey_report.html").read_text(encoding="utf-8")
    assert "do not all come from one run" not in page

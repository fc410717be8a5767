import argparse
import re
import shutil
import sys
from pathlib import Path

import pytest
from bad_inputs import CASES
from conftest import ROOT, run_cli, snapshot

import analysis_utils
from analysis_utils import cli, cli_parser
from analysis_utils.core import io, paths
from analysis_utils.pipeline.contract import load_pipeline

pytestmark = pytest.mark.heavy  # runs the runner, kernels or subprocesses: not in make test-fast


def _state(layout):
    return snapshot(layout.processed), snapshot(layout.root / "reports")


def test_an_unknown_parameter_is_refused_before_any_kernel(project, capsys, monkeypatch):
    monkeypatch.delitem(sys.modules, "papermill", raising=False)
    before = _state(project)
    assert cli.main(["run", "-p", "alpah", "0.1"]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter 'alpah'" in err
    assert "valid parameters: " in err
    for listed in ("alpha (float)", "n_candidates (list[int])", "raw_dir (str)", "seed (int)"):
        assert listed in err
    assert "papermill" not in sys.modules
    assert _state(project) == before


def test_a_value_of_the_wrong_type_is_refused(project, capsys, tmp_path):
    (tmp_path / "p.yaml").write_text("raw_dir: 3\n")
    assert cli.main(["run", "-f", str(tmp_path / "p.yaml")]) == 2
    assert "parameter 'raw_dir' expects str, got 3" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["- a\n- b\n", "x: [unclosed\n"])
def test_a_bad_parameters_file_is_refused(project, capsys, tmp_path, content):
    (tmp_path / "p.yaml").write_text(content)
    assert cli.main(["run", "-f", str(tmp_path / "p.yaml")]) == 2
    assert "p.yaml" in capsys.readouterr().err


def test_an_unknown_notebook_is_refused(project, capsys):
    assert cli.main(["run", "99_nothing"]) == 2
    assert "matches no notebooks" in capsys.readouterr().err


def test_params_lists_type_default_and_help(project, capsys):
    assert cli.main(["params", "01"]) == 0
    out = capsys.readouterr().out
    assert "01_clean_raw_data: 3 parameter(s)" in out
    assert "  raw_dir: str = 'data/raw'  # raw data folder (datapackage.json" in out


def test_list_shows_reads_and_writes(project, capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "01_clean_raw_data:" in out
    assert "writes: data/processed/article_numbers.csv" in out


def test_verify_data_passes_on_the_committed_data(project, capsys):
    assert cli.main(["verify-data"]) == 0
    assert "checksums: every file" in capsys.readouterr().out


def test_a_changed_checksum_is_refused(project, capsys):
    before = _state(project)
    path = project.raw / "external" / "exchange_rates.csv"
    path.write_bytes(path.read_bytes().replace(b"0.80224", b"0.80225"))
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert "data/raw/external/exchange_rates.csv: row -, column (whole file): [sha256" in err
    assert _state(project) == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_raw_input_exits_2_and_writes_nothing(project, capsys, case):
    case.corrupt(project.raw / case.file)
    io.write_checksums(project.raw)  # as if the user had edited deliberately
    before = _state(project)
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    row = "-" if case.row is None else str(case.row)
    assert f"data/raw/{case.file}: row {row}, column {case.column}: [" in err
    assert case.rule in err
    assert _state(project) == before


BAD_CLAIMS = {
    "unknown test kind": (
        "claims:\n  H1:\n    claim: most say poverty\n    evidence: survey\n"
        "    question: causes\n    option: poverty\n    test: vibes\n",
        "claim H1: test must be one of ('majority', 'mode', 'some'), got 'vibes'",
    ),
    "YAML syntax error": (
        "claims:\n  H1: [unclosed\n",
        "not valid YAML at line 3, column 1: expected ',' or ']'",
    ),
}


@pytest.mark.parametrize(("content", "message"), BAD_CLAIMS.values(), ids=BAD_CLAIMS)
@pytest.mark.parametrize("notebooks", [[], ["03"]], ids=["study", "03"])
def test_a_bad_claims_registry_is_refused_before_any_kernel(
    project, capsys, monkeypatch, content, message, notebooks
):
    monkeypatch.delitem(sys.modules, "papermill", raising=False)
    project.claims.write_text(content, encoding="utf-8")
    before = _state(project)
    assert cli.main(["run", *notebooks]) == 2
    err = capsys.readouterr().err
    readers = "03_test_claims" + (
        ", 05_test_external_evidence, 07_survey_analyses, 09_survey_tables" if not notebooks else ""
    )
    where = f"claims_file notebooks/claims.yaml (read by {readers})"
    assert err.startswith(f"error: {where}: {message}")
    assert err.count("\n") == 1  # one line
    assert "papermill" not in sys.modules  # no kernel started
    assert not project.executed.exists()
    assert _state(project) == before


def test_update_checksums_rewrites_the_list(project, capsys):
    (project.raw / "SHA256SUMS").write_text("")
    assert cli.main(["update-checksums"]) == 0
    assert cli.main(["verify-data"]) == 0


def test_the_command_line_runs_the_study(built, study_run):
    # the shared study run is `python -m analysis_utils run --jobs 2` (conftest.built); each
    # notebook is executed or, where its run manifest says nothing changed, not run again
    for step in load_pipeline(built.pipeline):
        done = re.search(rf"\] {step} (done in|unchanged \(run manifest\))", study_run["stderr"])
        assert done, (step, study_run["stderr"])
        assert (built.executed / f"{step}.ipynb").is_file()
    assert study_run["stdout"].splitlines()[-1] == "report page: reports/index.html"


@pytest.mark.slow
def test_the_command_line_exits_1_naming_the_failing_notebook_and_cell(project):
    # a folder where the notebook writes its table: the write fails inside the notebook
    table = project.processed / "survey_items.csv"
    table.unlink(missing_ok=True)
    table.mkdir(parents=True)
    result = run_cli("run", "00", root=project.root)
    assert result.returncode == 1
    assert "error: notebook 00_clean_survey failed in cell" in result.stderr
    assert "written = tabulate.write(" in result.stderr


def test_an_output_folder_that_cannot_be_made_is_one_line(project):
    result = run_cli("run", "-p", "processed_dir", "notebooks/pipeline.yaml/x", root=project.root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cannot be made (Not a directory)" in result.stderr


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli_parser.build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_subcommand_s_help_has_a_description_and_an_example(capsys):
    commands = _subcommands()
    assert set(commands) == set(cli_parser.HELP)
    for name, parser in commands.items():
        with pytest.raises(SystemExit) as done:
            parser.parse_args(["--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        description, example = cli_parser.HELP[name]
        assert description.splitlines()[0] in text, name
        assert "example" in example
        assert f"python -m analysis_utils {name}" in text, name  # the example, with this name


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"python -m analysis_utils {analysis_utils.__version__}\n"


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A root like the installed package's: notebooks/ and no data/raw."""
    root = tmp_path / "analysis_utils"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    monkeypatch.setenv(paths.ROOT_ENV, str(root))
    monkeypatch.chdir(tmp_path)
    return paths.layout(root)


def test_the_study_outside_a_checkout_is_refused_in_one_line(installed, capsys):
    assert not installed.checkout
    assert paths.layout(ROOT).checkout
    for command in (["run"], ["run", "03"], ["verify-data"], ["sweep", "-f", "x.yaml"]):
        assert cli.main(command) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1, err
        assert "needs a checkout of the project with its raw data (data/raw/)" in err
        assert "new-survey DIR, then python -m analysis_utils run -p survey_dir DIR" in err
    assert not (installed.root / "reports").exists()
    assert cli.main(["list"]) == 0  # what needs no raw data still works
    assert "00_clean_survey:" in capsys.readouterr().out


def test_relative_folders_outside_a_checkout_are_taken_from_the_working_directory(installed):
    given = cli._installed_paths(
        {"survey_dir": "s", "tables_dir": "out/t", "claims_file": "", "n_max": "9", "seed": 3}
    )
    assert given == {
        "survey_dir": str(Path.cwd() / "s"),
        "tables_dir": str(Path.cwd() / "out" / "t"),
        "claims_file": "",
        "n_max": "9",
        "seed": 3,
    }


def test_new_survey_needs_no_project(tmp_path, monkeypatch, capsys):
    def nowhere():
        raise FileNotFoundError("no project root")

    monkeypatch.setattr(cli, "layout", nowhere)
    assert cli.main(["new-survey", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "questions.csv").is_file()
    assert cli.main(["list"]) == 2
    assert capsys.readouterr().err.endswith("error: no project root\n")


def test_a_run_ends_with_the_page_to_open(project):
    survey_page = "/x/output/survey_report.html"
    lines = cli._pages(project, ["reports/index.html", survey_page], {})
    assert lines == [f"report page: {survey_page}", "report page: reports/index.html"]
    analysis, shared = "/x/output/survey_analysis.html", "/x/output/survey_shared.html"
    assert cli._pages(project, [analysis, shared], {}) == [
        f"report page: {shared}",
        f"report page: {analysis}",  # a student's analysis report: the one to open
    ]
    assert cli._pages(project, [], {}) == ["executed notebooks (HTML): reports/executed"]
    (project.reports).mkdir(exist_ok=True)
    (project.reports / "index.html").write_text("<html></html>")
    assert cli._pages(project, [], {}) == [
        "report page (not rebuilt by this run): reports/index.html"
    ]
    survey = {"survey_dir": str(project.root / "s")}
    expected = (project.root / "s" / "output" / "executed").resolve()
    assert cli._pages(project, [], survey) == [f"executed notebooks (HTML): {expected}"]


def test_a_sweep_without_the_sweeps_extra_says_what_to_install(monkeypatch, tmp_path, capsys):
    """A base install (no distributed, no cryptography) is told to install the extra."""
    for name in ("cryptography", "cryptography.x509", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)
    code = cli.main(["sweep-certs", str(tmp_path / "certs")])
    err = capsys.readouterr().err
    assert code == 2
    assert "needs the package's sweeps extra" in err
    assert "[sweeps]" in err
    assert not (tmp_path / "certs").exists()


def test_a_parameters_file_names_folders_from_its_own_folder(tmp_path):
    """A survey folder's params.yaml (survey_dir: .) works wherever the command runs."""
    folder = tmp_path / "survey"
    folder.mkdir()
    read = cli._beside(
        {"survey_dir": ".", "output_dir": "out", "claims_file": "/abs/claims.yaml", "top": 2},
        folder,
    )
    assert read == {
        "survey_dir": str(folder.resolve()),
        "output_dir": str((folder / "out").resolve()),
        "claims_file": "/abs/claims.yaml",
        "top": 2,
    }


def test_the_template_parameters_file_holds_no_machine_path(tmp_path):
    from analysis_utils.survey import templates

    templates.scaffold(tmp_path / "s")
    text = (tmp_path / "s" / "params.yaml").read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert "\nsurvey_dir: .\n" in text

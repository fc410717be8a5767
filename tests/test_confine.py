"""Where a run may write: output folders refused before anything is written (issue 11)."""

import shutil
import sys

import pytest
from conftest import ROOT, snapshot

from analysis_utils import cli
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import runner, sweep
from analysis_utils.pipeline.confine import check_output_folders
from analysis_utils.pipeline.plan import executed_folder


def _check(layout, names, given):
    """Plan a run and check its output folders, as :func:`runner.run` does."""
    check_output_folders(runner.plan(layout, names, given))


def _never(*args):
    raise AssertionError("no notebook may start")


def _state(layout):
    return {
        part: snapshot(layout.root / part) for part in ("data/raw", "data/processed", "reports")
    }


@pytest.fixture
def survey(project, tmp_path):
    """A copy of the study's survey folder outside the project."""
    folder = tmp_path / "mine"
    shutil.copytree(project.raw / "survey", folder)
    return folder


def test_the_default_run_and_a_run_giving_defaults_pass(project):
    _check(project, [], {})
    _check(project, ["03"], {"alpha": "0.05", "results_dir": "reports/results"})


def test_an_output_folder_inside_the_raw_data_is_refused_before_any_kernel(
    project, capsys, monkeypatch
):
    monkeypatch.delitem(sys.modules, "papermill", raising=False)
    before = _state(project)
    assert cli.main(["run", "00", "01", "-p", "processed_dir", "data/raw"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: processed_dir data/raw, used by 00_clean_survey, ")
    assert "is inside data/raw, the raw data, which no run writes" in err
    assert "give -p processed_dir FOLDER elsewhere" in err
    assert err.count("\n") == 1
    assert "papermill" not in sys.modules
    assert _state(project) == before


@pytest.mark.parametrize("value", ["data/raw/survey", "data/processed/../raw/x", "link/sub"])
def test_raw_data_are_refused_however_they_are_reached(project, value):
    (project.root / "link").symlink_to(project.raw, target_is_directory=True)
    with pytest.raises(ParameterError, match=r"is inside data/raw"):
        _check(project, ["02"], {"tables_dir": value})


def test_a_symbolic_link_to_the_raw_data_is_refused(project):
    (project.root / "elsewhere").symlink_to(project.raw, target_is_directory=True)
    before = _state(project)
    with pytest.raises(ParameterError) as caught:
        runner.run(project, ["00", "01"], {"processed_dir": "elsewhere"}, executor=_never)
    assert str(caught.value).startswith("processed_dir elsewhere (that is data/raw), used by")
    assert _state(project) == before


def test_a_run_with_other_parameters_may_not_write_the_committed_outputs(project, tmp_path):
    before = _state(project)
    with pytest.raises(ParameterError) as caught:
        runner.run(project, ["02"], {"rounding": "even"}, executor=_never)
    message = str(caught.value)
    assert "is among the study's committed outputs" in message
    assert "this run sets rounding" in message
    assert "-p tables_dir OUT/tables" in message
    assert "-p results_dir OUT/results" in message
    assert _state(project) == before
    # redirected, it passes (it still reads data/processed, which it does not write)
    out = tmp_path / "out"
    given = {"rounding": "even", "tables_dir": f"{out}/tables", "results_dir": f"{out}/results"}
    planned = runner.plan(project, ["02"], given)
    check_output_folders(planned)
    assert executed_folder(project, planned.order, planned.bound) == out / "executed"
    assert planned.executed == out / "executed"


def test_executed_notebooks_follow_results_dir_and_are_checked_too(project, tmp_path):
    given = {"rounding": "even", "tables_dir": str(tmp_path / "t"), "results_dir": "reports/mine"}
    with pytest.raises(ParameterError, match=r"^executed notebooks .*reports/executed"):
        _check(project, ["02"], given)
    assert executed_folder(project, [], {}) == project.executed


def test_the_parameters_of_a_survey_run_do_not_override_the_guard(project, survey, monkeypatch):
    monkeypatch.chdir(project.root)
    before = _state(project)
    for given in (
        {"output_dir": "data"},
        {"processed_dir": "data/processed"},
        {"output_dir": str(survey.parent / "out"), "report_dir": "reports"},
    ):
        with pytest.raises(ParameterError, match="is among the study's committed outputs"):
            runner.run(project, [], {"survey_dir": str(survey), **given}, executor=_never)
    assert _state(project) == before


def test_a_survey_run_into_the_study_data_exits_2_and_leaves_them_alone(
    project, survey, capsys, monkeypatch
):
    monkeypatch.chdir(project.root)
    monkeypatch.delitem(sys.modules, "papermill", raising=False)
    before = _state(project)
    assert cli.main(["run", "-p", "survey_dir", str(survey), "-p", "output_dir", "data"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: processed_dir data/processed, used by 00_clean_survey")
    assert "this is a survey run: point -p output_dir (default SURVEY_DIR/output)" in err
    assert err.count("\n") == 1
    assert "papermill" not in sys.modules
    assert _state(project) == before


def test_the_survey_folder_itself_is_refused(project, survey):
    before = snapshot(survey)
    with pytest.raises(ParameterError, match="is the survey folder, where its input files are"):
        runner.run(
            project, [], {"survey_dir": str(survey), "output_dir": str(survey)}, executor=_never
        )
    with pytest.raises(ParameterError, match=r"^tables_dir .* is the survey folder"):
        runner.run(project, [], {"survey_dir": str(survey), "tables_dir": str(survey)})
    assert snapshot(survey) == before


def test_the_default_survey_output_and_the_survey_folders_parent_pass(project, survey):
    for given in ({}, {"output_dir": str(survey.parent)}):
        planned = runner.plan(project, [], {"survey_dir": str(survey), **given})
        check_output_folders(planned)
    assert executed_folder(project, planned.order, planned.bound) == survey.parent / "executed"


@pytest.mark.heavy
def test_the_committed_sweeps_pass_and_a_sweep_into_the_raw_data_does_not(project, tmp_path):
    for path in sorted((ROOT / "sweeps").glob("*.yaml")):
        assert sweep.plan(project, sweep.load_spec(path))
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: t\nnotebooks: ['03']\ngrid: {alpha: [0.1]}\n")
    spec.write_text(spec.read_text() + "fixed: {processed_dir: data/raw/survey}\n")
    with pytest.raises(ParameterError, match="processed_dir data/raw/survey, used by"):
        sweep.plan(project, sweep.load_spec(spec))


# Places no command writes: .git and data/raw, for every command that writes (issue 21).


def _git(folder):
    """A repository's own data as git lays it out (enough for the rule: no git needed)."""
    for sub in ("refs/heads", "objects"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "HEAD").write_text("ref: refs/heads/main\n")
    return folder


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (".git/refs/heads", ".git"),
        ("reports/../.git/refs", ".git"),
        ("gitlink/heads", ".git"),
        ("{tmp}/other/.git/hooks", "{tmp}/other/.git"),
        ("{tmp}/bare.git/refs", "{tmp}/bare.git"),
        ("{tmp}/other/.GIT/x", "{tmp}/other/.GIT"),
    ],
)
def test_git_data_are_refused_for_every_output_folder(
    project, tmp_path, capsys, monkeypatch, value, shown
):
    monkeypatch.delitem(sys.modules, "papermill", raising=False)
    _git(project.root / ".git")
    (project.root / "gitlink").symlink_to(project.root / ".git" / "refs", target_is_directory=True)
    _git(tmp_path / "bare.git")
    (tmp_path / "other" / ".GIT").mkdir(parents=True)
    value, shown = value.format(tmp=tmp_path), shown.format(tmp=tmp_path)
    before = snapshot(project.root / ".git"), snapshot(tmp_path / "bare.git")
    assert cli.main(["run", "02", "-p", "tables_dir", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: tables_dir {value}")
    assert f"is inside {shown}, a git repository's own data, which no run writes: " in err
    assert err.endswith("give -p tables_dir FOLDER elsewhere\n")
    assert err.count("\n") == 1
    assert "papermill" not in sys.modules
    assert (snapshot(project.root / ".git"), snapshot(tmp_path / "bare.git")) == before


def test_a_survey_run_into_git_data_is_refused(project, survey):
    _git(project.root / ".git")
    with pytest.raises(ParameterError, match=r"is inside \.git, a git repository's own data"):
        runner.run(
            project,
            [],
            {"survey_dir": str(survey), "output_dir": str(project.root / ".git" / "out")},
            executor=_never,
        )
    assert not (project.root / ".git" / "out").exists()


def test_a_file_name_parameter_may_not_be_a_path(project):
    with pytest.raises(ParameterError, match=r"^sizes_figure '\.\./\.\./\.git/x', used by 04_"):
        runner.run(project, ["04"], {"sizes_figure": "../../.git/x"}, executor=_never)


@pytest.mark.parametrize(
    "place", ["data/raw/new", "data/raw", ".git/new", "data/processed/../raw/x"]
)
def test_new_survey_refuses_the_raw_data_and_git_data(project, capsys, monkeypatch, place):
    monkeypatch.chdir(project.root)
    _git(project.root / ".git")
    before = snapshot(project.raw), snapshot(project.root / ".git")
    assert cli.main(["new-survey", place]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: new-survey {place} is inside ")
    assert err.endswith(", which no command writes: choose a folder elsewhere\n")
    assert err.count("\n") == 1
    assert (snapshot(project.raw), snapshot(project.root / ".git")) == before


def test_new_survey_from_a_file_refuses_the_raw_data_before_reading_it(
    project, capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    answers = tmp_path / "answers.csv"
    answers.write_text("id,role\n1,ngo\n2,gov\n3,ngo\n", encoding="utf-8")
    target = project.raw / "new"
    assert cli.main(["new-survey", str(target), "--from", str(answers)]) == 2
    assert f"is inside {project.raw}, the raw data, which no command" in capsys.readouterr().err
    assert not target.exists()


def test_the_template_writer_itself_refuses_a_checkout_s_raw_data(tmp_path):
    from analysis_utils.survey.templates import scaffold

    checkout = copy_project_raw(tmp_path)
    with pytest.raises(ParameterError, match=r"the raw data, which no command writes"):
        scaffold(checkout / "data" / "raw" / "mine")
    assert not (checkout / "data" / "raw" / "mine").exists()


def copy_project_raw(tmp_path):
    """Another checkout: a folder whose data/raw holds datapackage.json."""
    (tmp_path / "elsewhere" / "data" / "raw").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / "datapackage.json", tmp_path / "elsewhere" / "data" / "raw")
    return tmp_path / "elsewhere"


@pytest.mark.heavy
def test_a_sweep_into_git_data_is_refused(project, tmp_path):
    _git(project.root / ".git")
    spec = tmp_path / "s.yaml"
    spec.write_text("name: t\nnotebooks: ['03']\ngrid: {alpha: [0.1]}\n")
    (project.reports).mkdir(exist_ok=True)
    (project.reports / "sweeps").symlink_to(project.root / ".git", target_is_directory=True)
    with pytest.raises(ParameterError, match=r"is inside \.git, a git repository's own data"):
        sweep.plan(project, sweep.load_spec(spec))


def test_sweep_certs_refuses_git_data(project, capsys):
    _git(project.root / ".git")
    assert cli.main(["sweep-certs", str(project.root / ".git" / "certs")]) == 2
    assert "a git repository's own data, which no command writes" in capsys.readouterr().err
    assert not (project.root / ".git" / "certs").exists()


def test_the_replication_report_refuses_git_data(project, monkeypatch):
    from analysis_utils.report import replication

    _git(project.root / ".git")
    monkeypatch.setattr(replication, "build", lambda root, reports: {"r.md": b"x"})
    with pytest.raises(ParameterError, match=r"^--reports \.git is inside \.git"):
        replication.write(project.root, project.root / ".git")
    assert replication.main(["--reports", "data/raw"]) == 2
    assert not (project.root / ".git" / "r.md").exists()
    assert not (project.raw / "r.md").exists()


def test_the_drift_report_refuses_git_data(project, tmp_path, capsys, monkeypatch):
    from analysis_utils.pipeline import drift

    _git(project.root / ".git")
    monkeypatch.setattr(drift, "output_files", lambda root: ["x"])
    monkeypatch.setattr(drift, "compare_trees", lambda a, b: [])
    out = project.root / ".git" / "drift"
    code = drift.main(
        ["--reference", str(project.root), "--compare", str(tmp_path), "--out", str(out)]
    )
    assert code == 2
    assert "a git repository's own data, which no command writes" in capsys.readouterr().err
    assert not out.exists()

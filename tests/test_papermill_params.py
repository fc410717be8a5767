"""A notebook run with plain Papermill checks its own parameters as the runner does.

Papermill passes ``-p n_candidates "[9, 18]"`` as text and only warns about a
name the notebook does not declare; the cell after the parameters cell
(:func:`analysis_utils.pipeline.notebook_parameters.check`) converts the
text and refuses the name, with the runner's messages. These tests execute,
with Papermill's command line, the first cells of ``03_test_claims`` (its
parameters cell and that check) followed by a cell printing what the
notebook then holds.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, snapshot

from analysis_utils.core import paths
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import notebook_parameters
from analysis_utils.pipeline.contract import read_parameters

NOTEBOOK = ROOT / "notebooks" / "03_test_claims.ipynb"
SHOW = "print(repr(n_candidates), repr(alpha), repr(seed))"


def test_the_injected_names_are_those_of_papermill_s_cell_just_before():
    injected = '# Parameters\nn_candidate = "[9]"\nalpha = 0.1\n'
    assert notebook_parameters.injected_names(["", "a: int = 1", injected, "check"]) == [
        "n_candidate",
        "alpha",
    ]
    # Run All in JupyterLab: the cell before is the parameters cell itself
    assert notebook_parameters.injected_names(["", "alpha: float = 0.05\nx = 1", "check"]) == []
    assert notebook_parameters.injected_names(["check"]) == []


def test_the_check_converts_and_refuses_with_the_runner_s_messages(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.ROOT_ENV, str(ROOT))
    declared = read_parameters(NOTEBOOK)
    namespace = {name: p.default for name, p in declared.items()}
    namespace.update(n_candidates="[9, 18]", alpha=1, In=["", "params", "# Parameters\n", "c"])
    namespace.update(tables_dir=str(tmp_path / "tables"), results_dir=str(tmp_path / "results"))
    notebook_parameters.check("03_test_claims", namespace)
    assert namespace["n_candidates"] == [9, 18]
    assert namespace["alpha"] == 1.0
    assert isinstance(namespace["alpha"], float)
    bad = {**namespace, "seed": "abc"}
    with pytest.raises(ParameterError, match=r"parameter 'seed' expects int, got 'abc'"):
        notebook_parameters.check("03_test_claims", bad)
    misspelt = {
        **namespace,
        "n_candidate": "[9]",
        "In": ["", "p", '# Parameters\nn_candidate = "[9]"\n', "c"],
    }
    with pytest.raises(ParameterError, match=r"unknown parameter 'n_candidate' for notebooks"):
        notebook_parameters.check("03_test_claims", misspelt)
    # a name the notebook's own later cells define, left over in a live session, is no parameter
    leftover = {**namespace, "items": object(), "In": ["", "p", "c"]}
    notebook_parameters.check("03_test_claims", leftover)


def _elsewhere(tmp_path) -> list[str]:
    """Papermill's options that point the notebook's output folders under ``tmp_path``."""
    return ["-p", "tables_dir", str(tmp_path / "t"), "-p", "results_dir", str(tmp_path / "r")]


def _papermill(tmp_path, *parameters: str) -> subprocess.CompletedProcess[str]:
    """Run the parameters cell, the check and SHOW of 03_test_claims with Papermill's CLI."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    show = {
        "cell_type": "code",
        "execution_count": None,
        "id": "show",
        "metadata": {},
        "outputs": [],
        "source": SHOW,
    }
    notebook["cells"] = [*notebook["cells"][:3], show]
    source = tmp_path / "03_test_claims.ipynb"
    source.write_text(json.dumps(notebook), encoding="utf-8")
    env = {**os.environ, paths.ROOT_ENV: str(ROOT)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(source),
            str(tmp_path / "out.ipynb"),
            "--no-progress-bar",
            "-k",
            "python3",
            *parameters,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )


def _shown(tmp_path) -> str:
    cells = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))["cells"]
    return "".join(cells[-1]["outputs"][0]["text"])


@pytest.mark.slow
def test_plain_papermill_converts_a_list_given_as_text(tmp_path):
    given = ["-p", "n_candidates", "[9, 18]", "-p", "alpha", "0.1", *_elsewhere(tmp_path)]
    done = _papermill(tmp_path, *given)
    assert done.returncode == 0, done.stderr
    assert _shown(tmp_path) == "[9, 18] 0.1 2014\n"


@pytest.mark.slow
def test_plain_papermill_keeps_the_defaults(tmp_path):
    done = _papermill(tmp_path)
    assert done.returncode == 0, done.stderr
    assert _shown(tmp_path) == "[] 0.05 2014\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        (["-p", "n_candidate", "[9, 18]"], "unknown parameter 'n_candidate' for notebooks"),
        (["-p", "seed", "abc"], "parameter 'seed' expects int, got 'abc'"),
        (["-p", "n_candidates", "[9, x]"], "parameter 'n_candidates' expects list[int]"),
    ],
)
def test_plain_papermill_refuses_a_misspelt_name_or_a_wrong_type(tmp_path, parameters, message):
    done = _papermill(tmp_path, *parameters)
    assert done.returncode != 0
    assert message in done.stderr
    assert "valid parameters: " in done.stderr


# Non-default parameters write only to output folders given for them, as the runner requires.


def test_the_check_refuses_other_parameters_over_the_committed_outputs(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.ROOT_ENV, str(ROOT))
    notebook = ROOT / "notebooks" / "02_audit_reported_percentages.ipynb"
    namespace = {name: p.default for name, p in read_parameters(notebook).items()}
    namespace.update(rounding="even", In=["", "p", '# Parameters\nrounding = "even"\n', "c"])
    with pytest.raises(ParameterError) as caught:
        notebook_parameters.check("02_audit_reported_percentages", dict(namespace))
    message = str(caught.value)
    assert message.startswith("tables_dir reports/tables, used by 02_audit_reported_percentages,")
    assert "is among the study's committed outputs" in message
    assert "this run sets rounding" in message
    assert "-p tables_dir OUT/tables -p results_dir OUT/results" in message
    assert "executed notebooks" not in message  # Papermill puts its copy where it is told
    # the defaults, and the same parameters written elsewhere, pass
    notebook_parameters.check(
        "02_audit_reported_percentages", {**namespace, "rounding": "up_or_down"}
    )
    elsewhere = {"tables_dir": str(tmp_path / "t"), "results_dir": str(tmp_path / "r")}
    notebook_parameters.check("02_audit_reported_percentages", {**namespace, **elsewhere})


def test_the_check_refuses_git_data_and_the_raw_data_even_with_defaults(monkeypatch):
    monkeypatch.setenv(paths.ROOT_ENV, str(ROOT))
    namespace = {name: p.default for name, p in read_parameters(NOTEBOOK).items()}
    for folder, where in ((".git/refs/heads", ".git"), ("data/raw/x", "data/raw")):
        with pytest.raises(ParameterError, match=rf"^tables_dir {folder}, .* is inside {where}, "):
            notebook_parameters.check("03_test_claims", {**namespace, "tables_dir": folder})


@pytest.mark.slow
def test_papermill_with_other_parameters_leaves_the_study_s_tables_alone(project, tmp_path):
    import papermill

    shutil.copytree(ROOT / "reports" / "tables", project.tables)
    shutil.copytree(ROOT / "reports" / "results", project.results)
    before = snapshot(project.reports)
    notebook = str(project.notebooks / "02_audit_reported_percentages.ipynb")
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(
            notebook,
            str(tmp_path / "refused.ipynb"),
            parameters={"rounding": "even"},
            kernel_name="python3",
            cwd=str(project.notebooks),
            progress_bar=False,
        )
    assert caught.value.ename == "ParameterError"
    assert "-p tables_dir OUT/tables -p results_dir OUT/results" in caught.value.evalue
    assert snapshot(project.reports) == before
    # given folders of their own, the same parameters run and write there only
    out = tmp_path / "out"
    papermill.execute_notebook(
        notebook,
        str(tmp_path / "ran.ipynb"),
        parameters={
            "rounding": "even",
            "tables_dir": str(out / "tables"),
            "results_dir": str(out / "results"),
        },
        kernel_name="python3",
        cwd=str(project.notebooks),
        progress_bar=False,
    )
    assert (out / "tables" / "granularity_audit.csv").is_file()
    assert snapshot(project.reports) == before

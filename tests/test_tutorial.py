"""The tutorial 'Adapting the package to your own survey' runs start to finish."""

import json

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

TUTORIAL = ROOT / "tutorial" / "your_own_survey.ipynb"


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory):
    import papermill

    work = tmp_path_factory.mktemp("tutorial")
    executed = work / "executed.ipynb"
    papermill.execute_notebook(
        str(TUTORIAL),
        str(executed),
        parameters={"workdir": str(work / "surveys")},
        kernel_name="python3",
        cwd=str(TUTORIAL.parent),
        progress_bar=False,
    )
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    printed = "".join(
        "".join(o.get("text", ""))
        for c in cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    )
    return work / "surveys", printed


def test_each_step_ends_as_the_tutorial_says(tutorial):
    _, printed = tutorial
    codes = [line.split()[-1] for line in printed.splitlines() if line.startswith("exit code")]
    assert codes == ["0", "0", "2", "0"]  # published run, own run, a mistake, truncation
    assert "responses.csv: row 4, column role:" in printed


def test_the_published_survey_gets_its_own_audit_tests_figures_and_report(tutorial):
    surveys, _ = tutorial
    out = surveys / "published_survey" / "output"
    for name in (
        "processed/survey_items.csv",
        "tables/granularity_audit.csv",
        "tables/verdicts.csv",
        "figures/fig2_causes.svg",
        "survey_report.html",
        "executed/07_survey_report.html",
    ):
        assert (out / name).is_file(), name


def test_the_own_answers_stay_private(tutorial):
    surveys, _ = tutorial
    out = surveys / "own_survey" / "output"
    assert not list(out.rglob("responses.csv"))
    for path in out.rglob("*"):
        if path.is_file():
            assert b"(name " not in path.read_bytes(), path

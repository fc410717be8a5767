"""Paths outside the project are recorded relative to the file recording them.

The folders and files here are made up for the tests (fixtures, not data of any study).
"""

import json
from pathlib import Path

import pytest
from conftest import snapshot
from test_survey_output import DRAWN, FAIL, _survey, fake_executor

from analysis_utils.core import io
from analysis_utils.pipeline import manifest, portable, runner, surveys
from analysis_utils.pipeline.executed import strip_run_metadata


@pytest.fixture(autouse=True)
def _reset():
    DRAWN.clear()
    FAIL.clear()


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("/home/ana/survey/output/tables/a.csv", "../tables/a.csv"),
        ("/home/ana/survey/questions.csv", "../../questions.csv"),
        ("/home/ana/survey/output/results/x.json", "./x.json"),
        ("/home/ana/survey/output/results", "."),
        ("/home/ana/survey", "../.."),
        ("/elsewhere/out", "../../../../../elsewhere/out"),
        ("reports/tables/a.csv", "reports/tables/a.csv"),  # in the project: as it was
    ],
)
def test_a_path_is_written_relative_to_the_recording_folder_and_read_back(path, written):
    folder = Path("/home/ana/survey/output/results")
    assert portable.relative(path, folder) == written
    assert portable.absolute(written, folder) == path


def test_a_notebook_s_texts_name_the_places_relative_to_its_folder():
    notebook = {
        "cells": [
            {"source": ['survey_dir = "/s/anes"\n', 'tables_dir = "/s/anes/output/tables"\n']},
            {"outputs": [{"text": ["/s/anes/output/tables/a.csv\n", "/s/anes2/x /s/anes.\n"]}]},
        ]
    }
    found = portable.relative_texts(
        notebook, ["/s/anes", "/s/anes/output"], Path("/s/anes/output/executed")
    )
    assert found["cells"][0]["source"] == ['survey_dir = "../.."\n', 'tables_dir = "../tables"\n']
    # a whole name only: /s/anes2 is another folder
    assert found["cells"][1]["outputs"][0]["text"] == ["../tables/a.csv\n", "/s/anes2/x ../...\n"]


def test_a_survey_run_records_no_path_of_the_machine(project, tmp_path):
    folder = _survey(tmp_path / "s")
    (folder / "analyses.yaml").write_text("recodes: {}\n", encoding="utf-8")
    out = folder / "output"
    DRAWN[:] = ["fig1_role"]
    assert all(
        o.ok for o in runner.run(project, [], {"survey_dir": str(folder)}, executor=fake_executor)
    )
    text = (out / "results" / "manifest.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    raw = json.loads(text)["09_survey_tables"]
    assert raw["parameters"]["survey_dir"] == "../.."
    assert raw["parameters"]["tables_dir"] == "../tables"
    # the analysis-only input and 09's outputs, with their hashes
    assert raw["inputs"]["../../analyses.yaml"] == io.sha256(folder / "analyses.yaml")
    assert raw["outputs"]["../survey_analysis.html"] == io.sha256(out / "survey_analysis.html")
    assert raw["outputs"]["../figures/fig1_role.svg"] == io.sha256(
        out / "figures" / "fig1_role.svg"
    )
    # read back as the files they name, so a rerun proves them the run's and replaces them
    loaded = manifest.load(out / "results")["09_survey_tables"]
    assert loaded.parameters["survey_dir"] == str(folder.resolve())
    assert str((out / "survey_analysis.html").resolve()) in loaded.outputs
    assert surveys.foreign_files(out, project.root) == []
    before = snapshot(out)
    assert all(
        o.ok for o in runner.run(project, [], {"survey_dir": str(folder)}, executor=fake_executor)
    )
    assert set(snapshot(out)) == set(before)
    for executed in (out / "executed").glob("*.ipynb"):
        assert str(tmp_path) not in executed.read_text(encoding="utf-8"), executed.name


def test_an_executed_copy_writes_the_run_s_folders_relative_to_itself(tmp_path):
    executed = tmp_path / "n.ipynb"
    place = str(tmp_path / "survey")
    executed.write_text(
        json.dumps(
            {"cells": [{"metadata": {}, "outputs": [], "source": [f'survey_dir = "{place}"']}]}
        ),
        encoding="utf-8",
    )
    tidy = strip_run_metadata(
        executed, places=[place], folder=tmp_path / "survey" / "output" / "executed"
    )
    assert json.loads(tidy)["cells"][0]["source"] == ['survey_dir = "../.."']

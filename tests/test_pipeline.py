"""The whole study, run end to end in a copy of the project."""

import csv

import pytest
from conftest import ROOT, copy_project, snapshot

from analysis_utils.pipeline import runner
from analysis_utils.pipeline.contract import load_pipeline


def test_every_declared_output_is_written(built):
    for step in load_pipeline(built.pipeline).values():
        for written in step.writes:
            assert (built.root / written).exists(), f"{step.name} did not write {written}"
        assert (built.executed / f"{step.name}.html").is_file()


def test_committed_processed_data_are_what_the_notebooks_write(built):
    assert snapshot(built.processed) == snapshot(ROOT / "data" / "processed")


@pytest.mark.slow
def test_a_second_run_is_byte_identical(built, tmp_path, monkeypatch):
    again = copy_project(tmp_path / "again")
    monkeypatch.setenv("ANALYSIS_UTILS_ROOT", str(again.root))
    # one at a time: every notebook in a fresh kernel, none started ahead (kernels.keep_warm)
    outcomes = runner.run(again, [], {}, jobs=1)
    assert all(o.ok for o in outcomes)
    assert snapshot(again.processed) == snapshot(built.processed)
    for part in ("results", "tables", "figures"):
        first = snapshot(built.reports / part)
        assert first
        assert snapshot(again.reports / part) == first, part
    for name in ("reproduction_report.csv", "index.html"):
        assert (again.reports / name).read_bytes() == (built.reports / name).read_bytes()


def test_the_report_has_one_row_per_number_of_the_article(built):
    with (built.processed / "article_numbers.csv").open(encoding="utf-8") as handle:
        numbers = [row["id"] for row in csv.DictReader(handle)]
    with (built.reports / "reproduction_report.csv").open(encoding="utf-8") as handle:
        report = list(csv.DictReader(handle))
    ids = [row["id"] for row in report]
    assert len(ids) == len(set(ids))
    for number_id in numbers:
        assert ids.count(number_id) == 1, number_id
    assert all(row["status"] and row["reason"] for row in report)
    by_id = {row["id"]: row for row in report}
    assert by_id["survey_stated_n"]["status"] == "inconsistent"
    assert by_id["check_profit_per_year"]["status"] == "reproduced"
    assert by_id["causes_a_pct"]["status"] == "not reproducible: unreported"


def test_the_two_reports_give_a_survey_percentage_one_status(built):
    def rows(name):
        with (built.reports / name).open(encoding="utf-8") as handle:
            return {row["id"]: row for row in csv.DictReader(handle)}

    full, survey = rows("reproduction_report.csv"), rows("survey_report.csv")
    with (built.processed / "survey_items.csv").open(encoding="utf-8") as handle:
        reported = [row for row in csv.DictReader(handle) if row["status"] == "reported"]
    assert len(reported) == 5
    for item in reported:
        in_full = full[item["number_id"]]
        in_survey = survey[f"{item['question_id']}.{item['option_code']}"]
        assert in_full["value_as_printed"] == in_survey["value_as_printed"]
        assert (in_full["status"], in_full["reason"]) == (in_survey["status"], in_survey["reason"])
        assert in_full["status"] == "consistent with each other; inconsistent with the stated n"

"""The survey input format: reading, input errors, tabulation and small-cell suppression.

Respondent-level answers here are made up for the tests (test fixtures, never data of
any study).
"""

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from surveys import OPTIONS, QUESTIONS, write_rows

from analysis_utils.audit import reconstruction
from analysis_utils.core import paths
from analysis_utils.core.errors import InputError
from analysis_utils.pipeline.contract import load_pipeline, read_parameters
from analysis_utils.survey import disclosure, format, read, tabulate, templates


def _responses(roles: list[str], helps: list[str]) -> list[list[str]]:
    header = ["respondent_id", "role", "help", "organisation", "remarks"]
    return [header] + [
        [f"r{i:03d}", role, help_, f"Org {i}", "none"]
        for i, (role, help_) in enumerate(zip(roles, helps, strict=True), start=1)
    ]


@pytest.fixture
def folder(tmp_path):
    """A respondent-level survey: 15 respondents, 10 NGO, 3 government, 1 other, 1 blank."""
    target = tmp_path / "my_survey"
    target.mkdir()
    write_rows(target / "questions.csv", QUESTIONS)
    write_rows(target / "options.csv", OPTIONS)
    roles = ["ngo"] * 10 + ["gov"] * 3 + ["other"] + [""]
    helps = ["shelter;legal"] * 6 + ["shelter"] * 6 + ["legal"] * 2 + [""]
    write_rows(target / "responses.csv", _responses(roles, helps))
    return target


def _problem(folder, **where):
    with pytest.raises(InputError) as caught:
        read.read(folder)
    problems = caught.value.problems
    matching = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    assert matching, f"no problem with {where} among {problems}"
    return matching[0]


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _edit(path: Path, row: int, column: str, value: str) -> None:
    rows = _rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def test_the_study_codebook_reads_as_reported_aggregates():
    study = read.read(paths.layout().raw / "survey")
    assert not study.respondent_level
    items = tabulate.items(study)
    reported = items[items["status"] == "reported"]
    assert reported.set_index("option_code")["reported_percent_as_printed"].to_dict() == {
        "female": "67",
        "male": "33",
        "highly_educated": "78",
        "government_official": "57",
        "c": "44",
    }
    assert items.loc[items["status"] == "unreported", "reported_percent"].isna().all()
    assert items["count"].isna().all()
    assert items["stated_n"].eq(4).all()
    assert (
        items.groupby("question_id")["option_position"]
        .apply(lambda s: s.tolist() == list(range(1, len(s) + 1)))
        .all()
    )


def test_respondent_counts_are_recomputed_by_hand(folder):
    items = tabulate.items(read.read(folder), min_cell=1).set_index(["question_id", "option_code"])
    assert items["count"].to_dict() == {
        ("role", "ngo"): 10,
        ("role", "gov"): 3,
        ("role", "other"): 1,
        ("role", format.NO_ANSWER): 1,
        ("help", "shelter"): 12,
        ("help", "legal"): 8,
    }
    assert (items["status"] == "recomputed").all()
    assert items["stated_n"].eq(15).all()
    assert "organisation" not in items.index.get_level_values("question_id")


def test_small_counts_are_withheld_with_what_would_reveal_them(folder):
    items = tabulate.items(read.read(folder), min_cell=5).set_index(["question_id", "option_code"])
    status = items["status"].to_dict()
    # other (1) and no answer (1) are small; together 2 < 5, so gov (3) is withheld too
    assert status[("role", "ngo")] == "recomputed"
    assert {status[("role", c)] for c in ("gov", "other", format.NO_ANSWER)} == {"suppressed"}
    assert items.loc[("role", "ngo"), "count"] == 10
    assert items.loc[items["status"] == "suppressed", "count"].isna().all()
    # help: shelter 12 of 15 leaves 3 who did not choose it: a small complement
    assert status[("help", "shelter")] == "suppressed"
    assert status[("help", "legal")] == "recomputed"


@pytest.mark.parametrize(
    ("counts", "min_cell", "complete", "hidden"),
    [
        ([10, 3, 1, 1], 5, True, [False, True, True, True]),
        ([10, 6, 1], 5, True, [False, True, True]),  # the smallest other cell joins
        ([10, 6, 0], 5, True, [False, False, False]),  # zeros are published
        ([3, 0], 5, True, [True, True]),  # everything withheld when nothing else helps
        ([10, 3, 1], 5, False, [False, True, True]),  # multiple choice: no total to subtract from
        ([10, 3, 1], 1, True, [False, False, False]),  # 1 publishes everything
    ],
)
def test_suppress_examples(counts, min_cell, complete, hidden):
    assert disclosure.suppress(counts, min_cell=min_cell, complete=complete) == hidden


def test_suppress_refuses_a_threshold_below_one():
    with pytest.raises(ValueError, match="min_cell"):
        disclosure.suppress([1, 2], min_cell=0, complete=True)


@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=6),
    st.integers(min_value=2, max_value=10),
)
def test_no_small_count_can_be_told_from_what_is_published(counts, min_cell):
    hidden = disclosure.suppress(counts, min_cell=min_cell, complete=True)
    shown = [k for k, h in zip(counts, hidden, strict=True) if not h]
    assert all(k == 0 or k >= min_cell for k in shown)
    withheld = sum(k for k, h in zip(counts, hidden, strict=True) if h)
    assert withheld == 0 or withheld >= min_cell or all(hidden)
    # what a reader can reconstruct from the published counts and the total
    n = sum(counts)
    if n == 0 or not any(hidden) or withheld == 0:
        return
    known = [None if h else range(k, k + 1) for k, h in zip(counts, hidden, strict=True)]
    ranges = reconstruction.count_ranges([None] * len(counts), n, counts=known)
    for k, h, r in zip(counts, hidden, ranges, strict=True):
        if h:
            assert k in r
            assert len(r) >= 2, "a withheld count is determined by the published ones"


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "rule"),
    [
        ("responses.csv", 3, "role", "pilot", "constraint"),  # unknown option code
        ("responses.csv", 4, "help", "shelter;food", "constraint"),  # answer outside the codebook
        ("responses.csv", 5, "respondent_id", "r001", "primary-key"),  # duplicate respondent id
        ("options.csv", 3, "question_id", "age", "question in questions.csv"),
        ("questions.csv", 2, "choice", "several", "constraint"),
        ("questions.csv", 3, "position", "second", "type-error"),
    ],
)
def test_input_errors_name_file_row_column_and_rule(folder, file, row, column, value, rule):
    _edit(folder / file, row, column, value)
    problem = _problem(folder, file=str(folder / file), row=row, column=column)
    assert problem.rule.startswith(rule)


def test_a_missing_required_column_is_named(folder):
    rows = [r[:3] for r in QUESTIONS]  # no choice column
    write_rows(folder / "questions.csv", rows)
    problem = _problem(folder, column="choice", row=1)
    assert problem.rule == "missing-column"


def test_an_answer_to_a_question_not_in_the_codebook_is_refused(folder):
    rows = _rows(folder / "responses.csv")
    widened = [[*rows[0], "age"]] + [[*r, ""] for r in rows[1:]]
    write_rows(folder / "responses.csv", widened)
    problem = _problem(folder, column="age", row=1)
    assert problem.rule == "unexpected-column"


@pytest.mark.parametrize(
    ("percents", "message"),
    [
        (["60", "20", "10"], "sum to 90, expected 100 +/- 1.5"),  # every option reported
        (["60", "50", ""], "sum to 110, expected at most 100 + 1.0"),
    ],
)
def test_single_choice_percentages_must_sum_to_100_up_to_rounding(folder, percents, message):
    (folder / "responses.csv").unlink()
    rows = [OPTIONS[0] + ["reported_percent"]]
    rows += [[*r, p] for r, p in zip(OPTIONS[1:4], percents, strict=True)]
    rows += [[*r, ""] for r in OPTIONS[4:]]
    write_rows(folder / "options.csv", rows)
    problem = _problem(folder, row=2, column="reported_percent")
    assert message in problem.message


def test_a_percentage_above_100_is_refused_in_any_question(folder):
    (folder / "responses.csv").unlink()
    rows = [OPTIONS[0] + ["reported_percent"]] + [[*r, ""] for r in OPTIONS[1:]]
    rows[4][-1] = "101"  # help: shelter, a multiple-choice question (no sum rule)
    write_rows(folder / "options.csv", rows)
    problem = _problem(folder, row=5, column="reported_percent")
    assert problem.rule == "a percentage is at most 100"


def test_answers_with_a_header_and_no_rows_are_refused(folder):
    header = _rows(folder / "responses.csv")[:1]
    write_rows(folder / "responses.csv", header)
    problem = _problem(folder, row=2, column="respondent_id")
    assert problem.rule == "at least one respondent"
    assert "add one row per respondent" in problem.message


def test_aggregates_and_answers_together_are_refused(folder):
    rows = [OPTIONS[0] + ["reported_percent"]] + [[*r, ""] for r in OPTIONS[1:]]
    rows[1][-1] = "67"
    write_rows(folder / "options.csv", rows)
    problem = _problem(folder, file=str(folder / "options.csv"), row=2)
    assert problem.column == "reported_percent"


def test_an_empty_file_is_named(folder):
    (folder / "options.csv").write_text("", encoding="utf-8")
    assert _problem(folder, row=1).rule == "empty-file"


def test_identifying_answers_never_reach_the_respondent_table(folder):
    codebook = read.read(folder)
    assert disclosure.identifying_columns(codebook) == ["organisation"]
    table = tabulate.respondent_table(codebook)
    assert "organisation" not in table.columns
    assert list(table.columns) == ["respondent_id", "role", "help", "remarks"]


def test_answers_are_written_only_when_asked_and_removed_otherwise(folder, tmp_path):
    codebook = read.read(folder)
    items = tabulate.items(codebook)
    out = tmp_path / "processed"
    written = tabulate.write(codebook, items, out, keep_respondent_data=True)
    assert sorted(p.name for p in written) == ["responses.csv", "survey_items.csv"]
    kept = pd.read_csv(out / "responses.csv", dtype=str, keep_default_na=False)
    assert "organisation" not in kept.columns
    assert not any("Org " in cell for cell in kept.to_numpy().ravel())
    tabulate.write(codebook, items, out, keep_respondent_data=False)
    assert sorted(p.name for p in out.iterdir()) == ["survey_items.csv"]


def test_the_template_is_valid_and_never_overwrites(tmp_path):
    target = tmp_path / "new"
    written = templates.scaffold(target)
    assert {p.name for p in written} >= {"questions.csv", "options.csv", "README.md"}
    empty = read.read(target)
    assert empty.questions.empty
    assert empty.options.empty
    with pytest.raises(FileExistsError):
        templates.scaffold(target)


def test_the_raw_descriptor_describes_the_survey_files_as_the_format_does():
    raw = paths.layout().raw
    schemas = read.codebook_schemas(raw / "survey")
    assert sorted(schemas) == ["options.csv", "questions.csv"]
    descriptor = json.loads((raw / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"]: r["schema"] for r in descriptor["resources"]}
    for name, schema in schemas.items():
        kept = described[f"survey/{name}"]
        assert (kept["fields"], kept["primaryKey"]) == (schema["fields"], schema["primaryKey"]), (
            "regenerate: python -m analysis_utils update-checksums"
        )
    header = (raw / "survey" / "options.csv").read_text(encoding="utf-8").splitlines()[0]
    assert [f["name"] for f in schemas["options.csv"]["fields"]] == header.split(",")
    assert schemas["options.csv"]["fields"][0] == format.OPTION_FIELDS["question_id"][0]


def test_table_schema_follows_the_files_columns_and_leaves_out_unknown_ones():
    schema = format.table_schema(
        format.QUESTION_FIELDS, ["choice", "question_id", "extra"], key=["question_id"]
    )
    assert [f["name"] for f in schema["fields"]] == ["choice", "question_id"]
    assert schema["primaryKey"] == ["question_id"]


def test_every_parameter_the_template_params_file_names_is_a_survey_notebook_s(tmp_path):
    templates.scaffold(tmp_path / "s")
    text = (tmp_path / "s" / "params.yaml").read_text(encoding="utf-8")
    named = re.findall(r"^#? ?([a-z_]+):", text, flags=re.MULTILINE)
    layout = paths.layout(paths.find_root())
    declared = {
        name
        for step in load_pipeline(layout.pipeline).values()
        if step.survey
        for name in read_parameters(step.path)
    }
    assert {"title", "group_by", "top", "min_cell"} <= set(named)
    assert set(named) - {"survey_dir", "output_dir"} <= declared

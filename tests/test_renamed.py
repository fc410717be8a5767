"""Columns the survey format renamed: a folder with the old name read as before, with a notice."""

import shutil
from pathlib import Path

import pytest

from analysis_utils.core.errors import InputError
from analysis_utils.survey import read as survey_read
from analysis_utils.survey.renamed import RENAMED

SURVEY = Path(__file__).parents[1] / "data" / "raw" / "survey"
OLD, NEW = "labelled_in_article", "labelled_in_source"


def _folder(tmp_path: Path, header: str) -> Path:
    """The study's survey folder with its options.csv header's column NEW written as ``header``."""
    folder = tmp_path / "survey"
    shutil.copytree(SURVEY, folder)
    options = folder / "options.csv"
    first, rest = options.read_text(encoding="utf-8").split("\n", 1)
    assert NEW in first.split(",")
    options.write_text(first.replace(NEW, header) + "\n" + rest, encoding="utf-8")
    return folder


def test_the_study_s_options_have_the_new_name_and_read_without_a_notice(capsys):
    survey = survey_read.read(SURVEY)
    assert capsys.readouterr().err == ""
    assert NEW in survey.options.columns
    assert OLD not in survey.options.columns
    assert RENAMED["options.csv"] == {OLD: NEW}


def test_the_old_name_is_read_as_the_new_one_with_a_notice_naming_file_columns_and_fix(
    tmp_path, capsys
):
    folder = _folder(tmp_path, OLD)
    survey = survey_read.read(folder, root=tmp_path)
    (message,) = capsys.readouterr().err.splitlines()
    assert message.startswith(
        "notice: survey/options.csv: column 'labelled_in_article' is read as 'labelled_in_source'"
    )
    assert "rename it in the header row of survey/options.csv" in message
    expected = survey_read.read(SURVEY)
    assert survey.options.equals(expected.options)
    assert survey.questions.equals(expected.questions)


def test_a_file_with_both_names_is_refused_naming_the_old_one(tmp_path):
    folder = _folder(tmp_path, f"{NEW},{OLD}")
    options = folder / "options.csv"
    lines = options.read_text(encoding="utf-8").splitlines()
    # each data row gets the same value once more, under the old name
    rows = [lines[0]] + [
        ",".join([*(cells := r.split(","))[:4], cells[3], *cells[4:]]) for r in lines[1:]
    ]
    options.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        survey_read.read(folder)
    assert any(p.column == OLD and p.rule == "unexpected-column" for p in refused.value.problems), (
        refused.value.problems
    )


def test_the_codebook_schema_of_an_old_folder_names_the_new_column(tmp_path, capsys):
    folder = _folder(tmp_path, OLD)
    schemas = survey_read.codebook_schemas(folder)
    assert "column 'labelled_in_article' is read as" in capsys.readouterr().err
    names = [f["name"] for f in schemas["options.csv"]["fields"]]
    assert NEW in names
    assert OLD not in names

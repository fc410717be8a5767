"""The registry of input formats (survey/formats.py): every place that reads by format asks it.

A throwaway format registered here (tab-separated values, read with the csv
module) is taken by ``new-survey --from`` and by a survey folder with no other
file of the package touched: the same answers give the same codebook and the
same survey as their CSV file.
"""

from __future__ import annotations

import ast
import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from anes import answers, write_csv

from analysis_utils import cli, cli_parser
from analysis_utils.core.errors import InputError
from analysis_utils.survey import folder, format, formats, isolate, read, sources
from analysis_utils.survey.csvtext import read_csv
from analysis_utils.survey.formats import FORMATS, Format
from analysis_utils.survey.texttable import TextTable, tidy


def read_tsv(path: Path, shown: str) -> TextTable:
    """Read a tab-separated file: the csv module's reader with a tab, then the common rules."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t"))
    return tidy(TextTable(shown, rows[0] if rows else [], rows[1:]))


TSV = Format("TSV", (".tsv",), read_tsv, "tab-separated (.tsv)", description="tabs")


@pytest.fixture
def tsv() -> Iterator[Format]:
    """The throwaway format, registered for one test and taken out afterwards."""
    FORMATS.register(TSV)
    yield TSV
    FORMATS.remove(TSV.name)


def _write_tsv(path: Path) -> Path:
    answers().to_csv(path, index=False, sep="\t")
    return path


def _outputs(folder_: Path) -> dict[str, str]:
    return {
        name: (folder_ / name).read_text(encoding="utf-8")
        for name in ("questions.csv", "options.csv", "responses.csv")
    }


def test_the_built_in_formats_are_the_files_a_survey_folder_accepts() -> None:
    assert [f.name for f in FORMATS] == ["CSV", "Excel", "SPSS", "Stata"]
    assert FORMATS.suffixes() == (".csv", ".xlsx", ".sav", ".dta")
    assert FORMATS.response_files() == format.RESPONSE_FILES
    assert FORMATS.listed() == ".csv, .xlsx, .sav or .dta"
    # the isolated formats are read by the child process, and only they
    assert {s for f in FORMATS if f.isolated for s in f.suffixes} == {".xlsx", ".sav", ".dta"}
    for described in FORMATS:
        assert FORMATS.for_suffix(described.suffixes[0].upper()) is described
        if described.isolated:
            assert described.article
            assert described.resave


def test_the_command_line_help_names_the_formats_registered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli_parser.build_parser().parse_args(["new-survey", "--help"])
    assert f"({FORMATS.listed()})" in " ".join(capsys.readouterr().out.split())


def test_each_registered_format_is_accepted_by_a_survey_folder(tmp_path: Path) -> None:
    for name in FORMATS.response_files():
        (tmp_path / name).write_bytes(b"")
        found, problems = folder.contents(tmp_path)
        assert (found, problems) == (tmp_path / name, [])
        (tmp_path / name).unlink()


def test_a_registered_reader_is_the_one_read_table_calls(tmp_path: Path) -> None:
    table = sources.read_table(write_csv(tmp_path / "a.csv", labels=False), "a.csv")
    assert table == read_csv(tmp_path / "a.csv", "a.csv")


def test_an_ending_taken_or_badly_written_is_refused() -> None:
    with pytest.raises(ValueError, match="already read as CSV"):
        FORMATS.register(Format("Other", (".csv",), read_tsv, "other"))
    with pytest.raises(ValueError, match="not an ending"):
        FORMATS.register(Format("Other", ("TSV",), read_tsv, "other"))
    assert [f.name for f in FORMATS] == ["CSV", "Excel", "SPSS", "Stata"]


def test_a_format_not_registered_is_refused_with_the_formats_read(tmp_path: Path) -> None:
    source = _write_tsv(tmp_path / "answers.tsv")
    with pytest.raises(InputError, match=r"not a format read \(\.csv, \.xlsx, \.sav, \.dta\)"):
        sources.read_table(source, "answers.tsv")
    (tmp_path / "responses.tsv").write_bytes(source.read_bytes())
    _, problems = folder.contents(tmp_path)
    assert any("save it as CSV UTF-8, Excel (.xlsx)" in p.message for p in problems)


def test_new_survey_from_takes_a_format_registered_and_reads_what_its_csv_gives(
    tmp_path: Path, tsv: Format
) -> None:
    assert FORMATS.for_suffix(".tsv") is tsv
    from_csv, from_tsv = tmp_path / "from_csv", tmp_path / "from_tsv"
    csv_file = write_csv(tmp_path / "answers.csv")  # with answers.labels.csv beside it,
    tsv_file = _write_tsv(tmp_path / "answers.tsv")  # which labels the TSV file too
    assert cli.main(["new-survey", str(from_csv), "--from", str(csv_file)]) == 0
    assert cli.main(["new-survey", str(from_tsv), "--from", str(tsv_file)]) == 0
    made, expected = _outputs(from_tsv), _outputs(from_csv)
    assert "pid,0,Strong Democrat" in made["options.csv"]  # labelled by the side file
    assert made["options.csv"] == expected["options.csv"]
    assert made["responses.csv"] == expected["responses.csv"]
    # questions.csv names the file read in its source column, otherwise the same
    assert made["questions.csv"].replace("answers.tsv", "answers.csv") == expected["questions.csv"]


def test_a_survey_folder_reads_its_answers_in_a_format_registered(
    tmp_path: Path, tsv: Format
) -> None:
    survey = tmp_path / "survey"
    assert cli.main(["new-survey", str(survey), "--from", str(write_csv(tmp_path / "a.csv"))]) == 0
    as_csv = read.read(survey)
    responses = survey / "responses.csv"
    rows = list(csv.reader(responses.read_text(encoding="utf-8").splitlines()))
    with (survey / "responses.tsv").open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter="\t", lineterminator="\n").writerows(rows)
    responses.unlink()
    found, problems = folder.contents(survey)
    assert (found, problems) == (survey / "responses.tsv", [])
    as_tsv = read.read(survey)
    assert as_tsv.responses is not None
    assert as_csv.responses is not None
    assert as_tsv.responses.equals(as_csv.responses)
    assert as_tsv.questions.equals(as_csv.questions)
    assert as_tsv.options.equals(as_csv.options)


def test_a_second_file_of_answers_in_a_format_registered_is_refused(
    tmp_path: Path, tsv: Format
) -> None:
    (tmp_path / "responses.csv").write_bytes(b"")
    (tmp_path / "responses.tsv").write_bytes(b"")
    _, problems = folder.contents(tmp_path)
    assert [p.rule for p in problems] == ["one responses file"]
    assert "responses.csv and responses.tsv both give the answers" in problems[0].message


def test_a_format_read_in_a_process_of_its_own_names_its_reader_for_the_child() -> None:
    spss = FORMATS.for_suffix(".sav")
    assert spss is not None
    assert spss.reader_name == "analysis_utils.survey.workbooks:read_statistics"
    command = isolate._command(Path("a.sav"), "a.sav", Path("out"), spss, "ignored")
    assert command[3:] == [command[3], spss.reader_name, "pyreadstat", "a.sav", "a.sav", "out"]


def test_the_documentation_lists_the_formats_registered() -> None:
    text = (Path(__file__).parents[1] / "docs" / "survey-format.md").read_text(encoding="utf-8")
    start, end = "<!-- formats:start -->", "<!-- formats:end -->"
    section = text.split(start, 1)[1].split(end, 1)[0]
    assert section.strip() == formats.format_table().strip(), (
        "docs/survey-format.md is out of date: paste format_table() between its markers"
    )


def test_a_format_registered_as_isolated_is_read_by_the_child_with_its_reader(
    tmp_path: Path,
) -> None:
    # the CSV reader under another ending, read in a child process: the child imports the
    # reader the registry names, so the table is the one read_csv gives in this process
    child_csv = Format(
        "CSV in a child",
        (".csvchild",),
        read_csv,
        "CSV UTF-8",
        isolated=True,
        article="a CSV",
        resave="save it again as CSV UTF-8",
        preload=("csv",),
    )
    FORMATS.register(child_csv)
    try:
        source = write_csv(tmp_path / "a.csvchild", labels=False)
        assert sources.read_table(source, "a.csvchild") == read_csv(source, "a.csvchild")
        source.write_bytes(b"id,q\n1,\xff\n")  # not UTF-8: refused by the child's reader
        with pytest.raises(InputError) as in_child:
            sources.read_table(source, "a.csvchild")
        with pytest.raises(InputError) as here:
            read_csv(source, "a.csvchild")
        assert in_child.value.problems == here.value.problems
    finally:
        FORMATS.remove(child_csv.name)


def _branches_on_an_ending(module: Path) -> list[tuple[int, str]]:
    """Give the string constants (docstrings aside) that are an ending read or a responses name."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    endings = set(FORMATS.suffixes()) | set(FORMATS.response_files())
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and id(node) not in docstrings
        and isinstance(node.value, str)
        and node.value.lower() in endings
    ]


def test_no_module_but_the_registry_branches_on_an_ending() -> None:
    package = Path(sources.__file__).parents[1]
    modules = [*sorted((package / "survey").glob("*.py")), package / "cli_parser.py"]
    found = {m.name: _branches_on_an_ending(m) for m in modules if _branches_on_an_ending(m)}
    assert found.pop("formats.py")
    # responses.csv: the name of the answers a survey folder is given and new-survey writes;
    # .sav: the one reader of SPSS and Stata files telling them apart
    assert {name: [text for _, text in at] for name, at in found.items()} == {
        "format.py": ["responses.csv"],
        "workbooks.py": [".sav"],
    }

import pytest
from bad_inputs import CASES

from analysis_utils.core import io
from analysis_utils.core.errors import InputError
from analysis_utils.core.validate import validate_package, validate_table


def test_the_committed_raw_data_are_valid(project):
    validate_package(project.datapackage, root=project.root)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_bad_input_names_file_row_column_and_rule(project, case):
    case.corrupt(project.raw / case.file)
    with pytest.raises(InputError) as caught:
        validate_package(project.datapackage, root=project.root)
    problems = caught.value.problems
    match = [
        p
        for p in problems
        if p.file == f"data/raw/{case.file}"
        and p.row == case.row
        and p.column == case.column
        and case.rule in p.rule
    ]
    assert match, "\n".join(map(str, problems))


def test_a_missing_file_is_reported(project):
    (project.raw / "survey" / "options.csv").unlink()
    with pytest.raises(InputError, match=r"survey/options\.csv.*missing-file"):
        validate_package(project.datapackage, root=project.root)


def test_an_extra_column_is_named(project):
    path = project.raw / "survey" / "questions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0] + ",colour"] + [x + "," for x in lines[1:]]) + "\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        validate_package(project.datapackage, root=project.root)
    assert [(p.column, p.rule) for p in caught.value.problems] == [("colour", "unexpected-column")]


def test_validate_table_checks_processed_schemas(tmp_path):
    schema = {"fields": [{"name": "x", "type": "integer", "constraints": {"minimum": 0}}]}
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("x\n1\n2\n", encoding="utf-8")
    bad.write_text("x\n1\n-2\n", encoding="utf-8")
    validate_table(good, schema)
    with pytest.raises(InputError) as caught:
        validate_table(bad, schema, shown="bad.csv")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("bad.csv", 3, "x")
    assert "minimum" in problem.rule


def test_checksums_cover_every_raw_file(project):
    listed = io.verify_checksums(project.raw)
    on_disk = [p.relative_to(project.raw).as_posix() for p in io.checksum_files(project.raw)]
    assert sorted(listed) == sorted(on_disk)
    assert "datapackage.json" in listed

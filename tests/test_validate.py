import pytest
from bad_inputs import CASES
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_utils.core import io
from analysis_utils.core.errors import InputError
from analysis_utils.core.validate import (
    _plainly_valid,
    validate_package,
    validate_rows,
    validate_table,
    whole_patterns,
)
from analysis_utils.study.schemas import RAW_ROW_RULES


def test_the_committed_raw_data_are_valid(project):
    validate_package(project.datapackage, root=project.root, rules=RAW_ROW_RULES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_bad_input_names_file_row_column_and_rule(project, case):
    case.corrupt(project.raw / case.file)
    with pytest.raises(InputError) as caught:
        validate_package(project.datapackage, root=project.root, rules=RAW_ROW_RULES)
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
        validate_package(project.datapackage, root=project.root, rules=RAW_ROW_RULES)


def test_an_extra_column_is_named(project):
    path = project.raw / "survey" / "questions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0] + ",colour"] + [x + "," for x in lines[1:]]) + "\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        validate_package(project.datapackage, root=project.root, rules=RAW_ROW_RULES)
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


# The quick check of a table of text cells: it never passes what Frictionless refuses.

_SCHEMA = {
    "fields": [
        {"name": "id", "type": "string", "constraints": {"required": True}},
        {"name": "single", "type": "string", "constraints": {"enum": ["a", "b", "1"]}},
        {"name": "multiple", "type": "string", "constraints": {"pattern": "(?:a|b)(?:;(?:a|b))*"}},
        {"name": "weight", "type": "number", "constraints": {"minimum": 0}},
        {"name": "code", "type": "integer", "constraints": {"unique": True}},
    ],
    "primaryKey": ["id"],
}
_CELLS = st.sampled_from(["", "a", "b", "1", "1.0", "01", "a;b", "a;", "b;a", "-1", "2", "x", " a"])


@st.composite
def _tables(draw):
    header = draw(
        st.sampled_from(
            [
                ["id", "single", "multiple", "weight", "code"],
                ["id", "single", "multiple", "weight", "code"],
                ["id", "multiple", "single", "weight", "code"],
                ["id", "single", "multiple", "weight"],
                ["id", "single", "multiple", "weight", "code", "code"],
            ]
        )
    )
    rows = draw(
        st.lists(
            st.lists(_CELLS, min_size=len(header) - 1, max_size=len(header) + 1),
            max_size=8,
        )
    )
    return [header, *rows]


def _frictionless_errors(rows, schema):
    from frictionless import Resource, Schema

    described = Schema.from_descriptor(whole_patterns(schema))
    return Resource(data=[list(r) for r in rows], schema=described).validate().tasks[0].errors


@settings(max_examples=100, deadline=None)
@given(_tables())
def test_the_quick_check_never_passes_a_table_frictionless_refuses(rows):
    from frictionless import Schema

    errors = _frictionless_errors(rows, _SCHEMA)
    if _plainly_valid(rows, Schema.from_descriptor(whole_patterns(_SCHEMA))):
        assert not errors, errors
    refused = False
    try:
        validate_rows(rows, _SCHEMA, shown="t.csv")
    except InputError:
        refused = True
    assert refused == bool(errors)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "1", ""]),
            st.sampled_from(["a", "b;a", "a;b;b"]),
            st.sampled_from(["", "0", "2.5", "10"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_quick_check_passes_valid_tables_without_row_by_row_validation(cells):
    from frictionless import Schema

    header = ["id", "single", "multiple", "weight", "code"]
    rows = [header] + [[f"r{i}", *row, str(i)] for i, row in enumerate(cells)]
    assert not _frictionless_errors(rows, _SCHEMA)
    assert _plainly_valid(rows, Schema.from_descriptor(whole_patterns(_SCHEMA)))


def test_validating_a_table_imports_jsonschema_without_its_iri_grammar(tmp_path):
    """rfc3987-syntax builds an Earley grammar when imported (seconds): kept out, not blocked."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from analysis_utils.core import validate\n"
        "validate.validate_rows([['a'], ['1']], {'fields': [{'name': 'a', 'type': 'integer'}]},"
        " shown='t.csv')\n"
        "print('jsonschema' in sys.modules, 'rfc3987_syntax' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "False"]  # imported, the grammar not, nor blocked

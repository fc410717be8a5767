import pytest

from analysis_utils.core.errors import InputError, Problem


def test_problem_names_file_row_column_and_rule():
    text = str(Problem("data/raw/x.csv", 7, "value", "maximum", "101 > 100"))
    assert text == "data/raw/x.csv: row 7, column value: [maximum] 101 > 100"


def test_whole_file_problem_has_no_row():
    assert "row -," in str(Problem("f.csv", None, "(whole file)", "checksum", "changed"))


def test_input_error_lists_every_problem():
    error = InputError([Problem("a.csv", 2, "x", "r1", "m1"), Problem("b.csv", 3, "y", "r2", "m2")])
    assert len(error.problems) == 2
    assert "a.csv: row 2" in str(error)
    assert "b.csv: row 3" in str(error)
    assert isinstance(error, ValueError)


def test_input_error_needs_a_problem():
    with pytest.raises(ValueError, match="at least one"):
        InputError([])

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import contract

CELL = """alpha: float = 0.05  # significance level
n_values: list[int] = [9, 4]  # candidate sample sizes
rounding: str = "up_or_down"  # rounding rule
seed: int = 2014  # random seed
exact: bool = True  # exact test
"""


def test_parse_parameters_reads_types_defaults_and_help():
    params = contract.parse_parameters(CELL)
    assert list(params) == ["alpha", "n_values", "rounding", "seed", "exact"]
    assert params["alpha"] == contract.Parameter("alpha", "float", 0.05, "significance level")
    assert params["n_values"].default == [9, 4]
    assert params["exact"].type == "bool"


@pytest.mark.parametrize(
    "bad",
    [
        "alpha = 0.05  # no annotation",
        "x: dict = {}  # bad type",
        "x: int = 1 + 1  # not a literal",
        "import os",
    ],
)
def test_parse_parameters_refuses_what_breaks_the_contract(bad):
    with pytest.raises(ParameterError):
        contract.parse_parameters(bad)


def test_parse_parameters_refuses_a_default_of_the_wrong_type():
    with pytest.raises(ParameterError, match="expects int"):
        contract.parse_parameters('n: int = "four"  # n')


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("int", "9", 9),
        ("float", "0.01", 0.01),
        ("float", "1", 1.0),
        ("str", "9", "9"),
        ("bool", "false", False),
        ("bool", "1", True),
        ("list[int]", "[9, 4]", [9, 4]),
        ("list[str]", "[a, b]", ["a", "b"]),
        ("list[float]", "[1, 0.5]", [1.0, 0.5]),
    ],
)
def test_coerce_command_line_text(kind, text, value):
    coerced = contract.coerce(contract.Parameter("p", kind, None, ""), text)
    assert coerced == value
    assert type(coerced) is type(value)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("int", "nine"),
        ("int", "1.5"),
        ("int", True),
        ("float", "x"),
        ("bool", "maybe"),
        ("list[int]", "[1, x]"),
        ("list[int]", "3"),
        ("str", 3),
        ("float", "[1]"),
    ],
)
def test_coerce_refuses_wrong_types(kind, value):
    with pytest.raises(ParameterError, match=f"expects {kind.replace('[', '.').replace(']', '.')}"):
        contract.coerce(contract.Parameter("p", kind, None, ""), value)


@given(st.integers())
def test_integers_survive_the_command_line(number):
    assert contract.coerce(contract.Parameter("p", "int", 0, ""), str(number)) == number


def _steps(
    tmp_path: Path, spec: dict[str, tuple[list[str], list[str]]]
) -> dict[str, contract.Step]:
    return {
        name: contract.Step(name, tmp_path / f"{name}.ipynb", tuple(r), tuple(w), "")
        for name, (r, w) in spec.items()
    }


def test_execution_order_follows_reads_and_writes(tmp_path):
    steps = _steps(
        tmp_path,
        {
            "01_a": (["data/raw"], ["data/processed/a.csv"]),
            "02_b": (["data/processed/a.csv"], ["reports/results/b.json"]),
            "03_c": (["data/processed"], ["reports/figures"]),
            "04_d": (["data/raw"], ["reports/d.json"]),
        },
    )
    assert contract.dependencies(steps) == {
        "01_a": set(),
        "02_b": {"01_a"},
        "03_c": {"01_a"},
        "04_d": set(),
    }
    assert contract.execution_order(steps, ["03_c", "01_a", "02_b"]) == ["01_a", "02_b", "03_c"]


def test_execution_order_puts_a_reader_after_its_writer_whatever_the_file_order(tmp_path):
    steps = _steps(tmp_path, {"a": (["x/out.csv"], ["y"]), "b": ([], ["x"])})
    assert contract.execution_order(steps, ["a", "b"]) == ["b", "a"]


def test_a_cycle_is_refused(tmp_path):
    steps = _steps(tmp_path, {"a": (["x"], ["y"]), "b": (["y"], ["x"])})
    with pytest.raises(ValueError, match="cycle"):
        contract.execution_order(steps, ["a", "b"])


def test_resolve_accepts_stems_files_and_prefixes(tmp_path):
    steps = _steps(tmp_path, {"01_clean": ([], []), "02_audit": ([], []), "02_other": ([], [])})
    assert contract.resolve([], steps) == ["01_clean", "02_audit", "02_other"]
    assert contract.resolve(["notebooks/01_clean.ipynb", "02_a"], steps) == ["01_clean", "02_audit"]
    with pytest.raises(ParameterError, match="matches 2 notebooks"):
        contract.resolve(["02"], steps)
    with pytest.raises(ParameterError, match="matches no notebooks"):
        contract.resolve(["99"], steps)


def test_bind_parameters_shares_values_and_lists_valid_ones_on_error():
    declared = {
        "a": contract.parse_parameters(CELL),
        "b": contract.parse_parameters("seed: int = 1  # s"),
    }
    bound = contract.bind_parameters({"seed": "7", "alpha": "0.1"}, declared)
    assert bound == {"a": {"seed": 7, "alpha": 0.1}, "b": {"seed": 7}}
    with pytest.raises(ParameterError, match=r"unknown parameter 'sed'.*seed \(int\)"):
        contract.bind_parameters({"sed": "7"}, declared)
    with pytest.raises(ParameterError, match=r"expects int.*valid parameters"):
        contract.bind_parameters({"seed": "seven"}, declared)


def test_load_pipeline_checks_entries(tmp_path):
    (tmp_path / "01_a.ipynb").write_text("{}")
    (tmp_path / "pipeline.yaml").write_text("notebooks:\n  01_a:\n    reads: [x]\n")
    with pytest.raises(ValueError, match="reads' and 'writes"):
        contract.load_pipeline(tmp_path / "pipeline.yaml")
    (tmp_path / "pipeline.yaml").write_text("notebooks:\n  02_b:\n    reads: []\n    writes: []\n")
    with pytest.raises(ValueError, match="not found"):
        contract.load_pipeline(tmp_path / "pipeline.yaml")


@pytest.mark.parametrize(
    ("given", "served"),
    [
        ("", ()),
        ("survey: true", ("percentages", "respondents")),
        ("survey: both", ("percentages", "respondents")),
        ("survey: percentages", ("percentages",)),
        ("survey: respondents", ("respondents",)),
    ],
)
def test_load_pipeline_reads_the_kind_of_survey_input_a_notebook_serves(tmp_path, given, served):
    (tmp_path / "01_a.ipynb").write_text("{}")
    entry = f"    {given}\n" if given else ""
    (tmp_path / "pipeline.yaml").write_text(
        f"notebooks:\n  01_a:\n{entry}    reads: []\n    writes: []\n"
        "    may_write: [reports/figures/a_*.svg]\n"
    )
    step = contract.load_pipeline(tmp_path / "pipeline.yaml")["01_a"]
    assert (step.survey, step.serves) == (bool(served), served)
    assert step.serves_any(["respondents"]) == ("respondents" in served)
    assert step.may_write == ("reports/figures/a_*.svg",)


@pytest.mark.parametrize("bad", ["survey: yes please", "survey: [respondents]", "survey: 1"])
def test_load_pipeline_refuses_an_unknown_kind_of_survey_input(tmp_path, bad):
    (tmp_path / "01_a.ipynb").write_text("{}")
    (tmp_path / "pipeline.yaml").write_text(
        f"notebooks:\n  01_a:\n    {bad}\n    reads: []\n    writes: []\n"
    )
    with pytest.raises(ValueError, match="01_a: survey must be one of both, percentages"):
        contract.load_pipeline(tmp_path / "pipeline.yaml")


def test_read_parameters_refuses_two_parameters_cells(tmp_path):
    cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x: int = 1  # x"}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [cell, cell]}))
    with pytest.raises(ParameterError, match="2 cells tagged"):
        contract.read_parameters(path)


def test_with_producers_adds_the_notebooks_whose_reports_are_read(tmp_path):
    steps = _steps(
        tmp_path,
        {
            "a": ([], ["data/x.csv", "reports/results/a.json"]),
            "b": (["reports/results/a.json"], ["reports/results/b.json"]),
            "c": (["data/x.csv", "reports/results/b.json"], []),
            "d": (["data/x.csv"], []),
        },
    )
    assert contract.with_producers(steps, ["c"], under="reports/") == ["a", "b", "c"]
    assert contract.with_producers(steps, ["d"], under="reports/") == ["d"]
    assert contract.with_producers(steps, ["d", "b"], under="reports/") == ["a", "b", "d"]

"""The contract every notebook keeps (see docs/notebooks.md)."""

import ast
import json
import re

import pytest

from analysis_utils.audit import decisions, registry, robustness, tables
from analysis_utils.audit import figures as audit_figures
from analysis_utils.core import paths, plotting
from analysis_utils.pipeline import contract
from analysis_utils.study import constants, currency
from analysis_utils.survey import analyses, disclosure, question, report_answers

LAYOUT = paths.layout()
NOTEBOOKS = sorted(LAYOUT.notebooks.glob("*.ipynb"))
STEPS = contract.load_pipeline(LAYOUT.pipeline)


def _relative(path):
    return str(path.relative_to(LAYOUT.root))


def test_name_order_is_an_execution_order():
    """nbval runs the notebooks one by one in name order, on a fresh clone too."""
    after = contract.dependencies(STEPS)
    for name, needs in after.items():
        late = sorted(need for need in needs if need > name)
        assert not late, f"{name} reads what {late} write: number it after them"
    assert [p.stem for p in NOTEBOOKS] == sorted(STEPS)


#: Parameter name -> the library's value its default must equal.
LIBRARY_DEFAULTS = {
    "raw_dir": _relative(LAYOUT.raw),
    "processed_dir": _relative(LAYOUT.processed),
    "results_dir": _relative(LAYOUT.results),
    "tables_dir": _relative(LAYOUT.tables),
    "figures_dir": _relative(LAYOUT.figures),
    "report_dir": _relative(LAYOUT.reports),
    "survey_dir": _relative(LAYOUT.raw / "survey"),
    "min_cell": disclosure.DEFAULT_MIN_CELL,
    "keep_respondent_data": False,  # respondent-level data reach the outputs only when asked
    "article_claims_file": _relative(LAYOUT.processed / "article_claims.csv"),
    "figure_questions": list(constants.FIGURE_QUESTIONS),
    "sizes_figure": constants.SIZES_FIGURE,
    "robustness_figure": constants.ROBUSTNESS_FIGURE,
    "robustness_n_max": robustness.DEFAULT_N_MAX,
    "robustness_roundings": list(decisions.DEFAULT_ROBUSTNESS_ROUNDINGS),
    "robustness_priors": list(robustness.DEFAULT_PRIORS),
    "title": constants.SURVEY_TITLE,
    "figure_n": 0,  # 0: the smallest full-sample size, as tables.joint_sizes finds it
    "rate_year": constants.FUNDING_YEAR,
    "n_shown": audit_figures.DEFAULT_N_SHOWN,
    "dpi": plotting.DEFAULT_DPI,
    "svg_hashsalt": constants.SVG_HASH_SALT,
    "years": [],  # empty: every year with data
    "rate_choice": currency.DEFAULT_RATE_CHOICE,
    "claims_file": _relative(LAYOUT.claims),
    "statements_file": _relative(LAYOUT.raw / "external" / "tip_statements.csv"),
    "article_statements_file": _relative(LAYOUT.raw / "article_statements.csv"),
    "rounding": decisions.DEFAULT_ROUNDING,
    "n_max": tables.DEFAULT_N_MAX,
    "subgroup_questions": list(constants.SUBGROUP_QUESTIONS),
    "n_candidates": [],  # empty: tables.candidate_sizes decides
    "unstated_single_choice": question.DEFAULT_UNSTATED_SINGLE_CHOICE,
    "readings": list(decisions.DEFAULT_READINGS),
    "size_draws": decisions.DEFAULT_SIZE_DRAWS,
    "max_listed": registry.MAX_LISTED,
    "alpha": decisions.DEFAULT_ALPHA,
    "confidence": decisions.DEFAULT_CONFIDENCE,
    "prior": decisions.DEFAULT_PRIOR,
    "draws": decisions.DEFAULT_DRAWS,
    "seed": decisions.DEFAULT_SEED,
    "group_by": analyses.DEFAULT_GROUP_BY,
    "top": decisions.DEFAULT_TOP,
    "group_by_also": report_answers.DEFAULT_GROUP_BY_ALSO,
}


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _code(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_notebooks_and_the_pipeline_lists_exactly_them():
    assert NOTEBOOKS
    assert [p.stem for p in NOTEBOOKS] == sorted(STEPS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestContract:
    def test_name_is_number_verb_object(self, path):
        assert re.fullmatch(r"\d{2}_[a-z]+(_[a-z0-9]+)+\.ipynb", path.name)

    def test_kernel_is_python3(self, path):
        assert _load(path)["metadata"]["kernelspec"]["name"] == "python3"

    def test_first_cell_says_what_it_reproduces(self, path):
        first = _load(path)["cells"][0]
        assert first["cell_type"] == "markdown"
        text = _code(first)
        assert re.search(r"\*\*Reproduces", text)
        assert "**Reads**" in text
        assert "**Writes**" in text

    def test_second_cell_is_the_only_parameters_cell(self, path):
        assert contract.parameters_cells(_load(path)) == [1]

    def test_third_cell_checks_the_parameters(self, path):
        # after the parameters cell (and the cell Papermill injects after it): one library call
        cell = _load(path)["cells"][2]
        assert cell["cell_type"] == "code"
        assert _code(cell) == (
            "from analysis_utils.pipeline import notebook_parameters\n\n"
            f'notebook_parameters.check("{path.stem}", globals())'
        )

    def test_every_parameter_is_annotated_with_help(self, path):
        params = contract.read_parameters(path)
        assert params
        for p in params.values():
            assert p.help, f"{p.name} has no help comment"

    def test_defaults_agree_with_the_library(self, path):
        for p in contract.read_parameters(path).values():
            assert p.name in LIBRARY_DEFAULTS, f"tie {p.name} to a library value in this test"
            assert p.default == LIBRARY_DEFAULTS[p.name]

    def test_our_reader_agrees_with_papermill(self, path):
        import papermill

        theirs = papermill.inspect_notebook(str(path))
        ours = contract.read_parameters(path)
        assert list(theirs) == list(ours)
        for name, p in ours.items():
            assert theirs[name]["inferred_type_name"] == p.type
            assert ast.literal_eval(theirs[name]["default"]) == p.default
            assert theirs[name]["help"] == p.help

    def test_defines_no_functions_or_classes(self, path):
        for cell in _load(path)["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse(_code(cell))):
                assert not isinstance(
                    node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
                ), f"{path.name}: move logic to analysis_utils"

    def test_committed_executed_without_errors_or_machine_paths(self, path):
        cells = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
        assert all(c["execution_count"] is not None for c in cells), "commit it executed"
        counts = [c["execution_count"] for c in cells]
        assert counts == list(range(1, len(cells) + 1)), "execute top to bottom in one run"
        for cell in cells:
            for output in cell["outputs"]:
                assert output["output_type"] != "error"
                assert not re.search(r"(/tmp/|/root/|/home/|/Users/|/work/)", json.dumps(output))

    def test_declares_its_results_file(self, path):
        assert f"reports/results/{path.stem}.json" in STEPS[path.stem].writes

"""Results files: typed, written once, read back equal; decisions declared once."""

import dataclasses
import json

import pytest
from test_architecture import _kinds

from analysis_utils.audit import results
from analysis_utils.audit.results import ClaimTestResults, RobustnessRow
from analysis_utils.core import paths
from analysis_utils.core.results import write_results
from analysis_utils.pipeline import contract
from analysis_utils.survey.results import CleanSurveyResults

LAYOUT = paths.layout()
STEPS = contract.load_pipeline(LAYOUT.pipeline)
KINDS = _kinds()

#: Parameters several notebooks may declare: where they read or write (``*_dir``,
#: ``*_file``) and how a figure is rendered; none is an assumption of a result.
SHARED = {"dpi", "title"}  # presentation, not decisions: each page its own


def _audit(**changes):
    values = {
        "rounding": "up_or_down",
        "n_max": 200,
        "subgroup_questions": ["position"],
        "counts_observed": False,
        "stated_n": 4,
        "stated_n_consistent": False,
        "percentages_possible_at_stated_n": {"33": False},
        "smallest_n_per_percent": {"x": 9},
        "smallest_n_full_sample": 9,
        "smallest_n_all_percentages": 54,
        "subgroup_sizes_at_smallest_n": [7],
    }
    return results.AuditResults(**{**values, **changes})


def test_every_notebook_has_one_results_class_named_after_it():
    assert sorted(k.NOTEBOOK for k in KINDS) == sorted(STEPS)
    for kind in KINDS:
        declared = f"reports/results/{kind.NOTEBOOK}.json"
        assert declared in STEPS[kind.NOTEBOOK].writes


def test_written_results_read_back_equal_and_sorted(tmp_path):
    written = write_results(_audit(), tmp_path)
    assert written == tmp_path / "02_audit_reported_percentages.json"
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["notebook"] == "02_audit_reported_percentages"
    assert list(data) == sorted(data)
    assert results.AuditResults.load(tmp_path) == _audit()


def test_a_missing_results_file_says_which_notebook_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="run 02_audit_reported_percentages"):
        results.AuditResults.load(tmp_path)


def test_another_notebooks_file_or_other_fields_are_refused(tmp_path):
    path = write_results(_audit(), tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "extra": 1}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"\['extra'\] differ"):
        results.AuditResults.load(tmp_path)
    path.write_text(json.dumps({**data, "notebook": "03_test_claims"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not the results of 02"):
        results.AuditResults.load(tmp_path)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.NOTEBOOK)
def test_the_committed_run_reads_back_with_its_class(kind):
    if not kind.path(LAYOUT.results).is_file():
        pytest.skip("the study has not been run here (make reproduce)")
    loaded = kind.load(LAYOUT.results)
    assert {f.name for f in dataclasses.fields(kind)} <= set(loaded.as_dict())


def test_a_decision_is_declared_by_one_notebook_only():
    declared: dict[str, list[str]] = {}
    for name, step in STEPS.items():
        for parameter in contract.read_parameters(step.path):
            declared.setdefault(parameter, []).append(name)
    twice = {
        p: names
        for p, names in declared.items()
        if len(names) > 1 and p not in SHARED and not p.endswith(("_dir", "_file"))
    }
    assert not twice, f"declared in several notebooks (decide once, read the results): {twice}"


def test_decisions_are_recorded_where_they_are_made():
    audit = {f.name for f in dataclasses.fields(results.AuditResults)}
    cleaning = {f.name for f in dataclasses.fields(CleanSurveyResults)}
    assert {"rounding", "n_max", "subgroup_questions"} <= audit
    assert {"min_cell", "unstated_single_choice"} <= cleaning
    for parameter in ("rounding", "n_max", "subgroup_questions"):
        assert parameter in contract.read_parameters(STEPS[results.AuditResults.NOTEBOOK].path)


def _claims(**changes):
    values = {
        "candidates": [9],
        "rounding": "up_or_down",
        "readings": ["stated"],
        "alpha": 0.05,
        "confidence": 0.95,
        "prior": 1.0,
        "draws": 10,
        "seed": 1,
        "verdicts": {"C1": "holds"},
        "holds": {"C1@9@stated": [3, 4], "C1@54@stated": [0, 0], "A2@9@stated": [1, 1]},
        "mode_test_size_max": None,
        "robustness_n_max": 100,
        "robustness": [
            {
                "claim_id": "C1",
                "reading": "stated",
                "rounding": "even",
                "prior": 0.5,
                "sizes": 2,
                "n_min": 9,
                "n_max": 18,
                "holds_share_min": 0.25,
                "holds_share_max": 0.75,
                "significant_share_min": 0.0,
                "significant_share_max": 0.5,
                "posterior_min": 0.4,
                "posterior_max": 0.6,
            }
        ],
    }
    return ClaimTestResults(**{**values, **changes})


def test_claim_results_are_read_by_attribute(tmp_path):
    write_results(_claims(), tmp_path)
    loaded = ClaimTestResults.load(tmp_path)
    assert [(h.claim, h.n, h.reading, h.holds, h.of) for h in loaded.held()] == [
        ("A2", 9, "stated", 1, 1),
        ("C1", 9, "stated", 3, 4),
    ]  # sorted by claim and n; a size with no reconstruction left out
    (row,) = loaded.robustness_rows()
    assert isinstance(row, RobustnessRow)
    assert (row.claim_id, row.prior, row.n_min, row.posterior_max) == ("C1", 0.5, 9, 0.6)
    assert dataclasses.asdict(row) == loaded.robustness[0]


def test_the_committed_robustness_rows_are_typed():
    if not ClaimTestResults.path(LAYOUT.results).is_file():
        pytest.skip("the study has not been run here (make reproduce)")
    loaded = ClaimTestResults.load(LAYOUT.results)
    assert [dataclasses.asdict(r) for r in loaded.robustness_rows()] == loaded.robustness


def test_typed_parts_are_built_from_the_type_hints_and_written_back_as_read(tmp_path):
    from analysis_utils.audit.results import FigureResults, QuestionFigure

    figure = QuestionFigure(question="causes", reconstructions=21, reported={"c": 44.0})
    written = write_results(
        FigureResults(figure_n=9, figures=["a.svg"], survey_figures={"fig1_causes": figure}),
        tmp_path,
    )
    loaded = FigureResults.load(tmp_path)
    assert loaded.survey_figures["fig1_causes"] == figure
    assert loaded.survey_figures["fig1_causes"].reported == {"c": 44.0}
    assert json.loads(written.read_text(encoding="utf-8"))["survey_figures"] == {
        "fig1_causes": {"question": "causes", "reconstructions": 21, "reported": {"c": 44.0}}
    }
    assert write_results(loaded, tmp_path / "again").read_bytes() == written.read_bytes()


@dataclasses.dataclass(frozen=True)
class _Part:
    x: int


def test_typed_builds_dataclasses_inside_dicts_lists_and_optionals_and_leaves_the_rest():
    from analysis_utils.core.results import typed

    assert typed(_Part, {"x": 1}) == _Part(1)
    assert typed(dict[str, _Part], {"a": {"x": 2}}) == {"a": _Part(2)}
    assert typed(list[_Part], [{"x": 3}]) == [_Part(3)]
    assert typed(_Part | None, None) is None
    assert typed(_Part | None, {"x": 4}) == _Part(4)
    assert typed(dict[str, int], {"a": 1}) == {"a": 1}
    assert typed(int | str, 5) == 5


@pytest.mark.parametrize(
    ("kind", "field", "part"),
    [
        ("04_reproduce_figures", "survey_figures", "QuestionFigure"),
        ("05_test_external_evidence", "rate_2010", "ChosenRate"),
    ],
)
def test_the_committed_results_read_back_typed_and_write_the_same_bytes(
    kind, field, part, tmp_path
):
    (cls,) = [k for k in KINDS if kind == k.NOTEBOOK]
    if not cls.path(LAYOUT.results).is_file():
        pytest.skip("the study has not been run here (make reproduce)")
    loaded = cls.load(LAYOUT.results)
    value = getattr(loaded, field)
    parts = value.values() if isinstance(value, dict) else [value]
    assert parts
    assert all(type(p).__name__ == part for p in parts)
    again = write_results(loaded, tmp_path)
    assert again.read_bytes() == cls.path(LAYOUT.results).read_bytes()

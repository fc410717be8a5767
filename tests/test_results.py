"""Results files: typed, written once, read back equal; decisions declared once."""

import dataclasses
import json

import pytest

from analysis_utils.core import paths
from analysis_utils.pipeline import contract, results

LAYOUT = paths.layout()
STEPS = contract.load_pipeline(LAYOUT.pipeline)
KINDS = [
    c for c in vars(results).values() if isinstance(c, type) and issubclass(c, results.Results)
]
KINDS.remove(results.Results)

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
    written = results.write_results(_audit(), tmp_path)
    assert written == tmp_path / "02_audit_reported_percentages.json"
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["notebook"] == "02_audit_reported_percentages"
    assert list(data) == sorted(data)
    assert results.AuditResults.load(tmp_path) == _audit()


def test_a_missing_results_file_says_which_notebook_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="run 02_audit_reported_percentages"):
        results.AuditResults.load(tmp_path)


def test_another_notebooks_file_or_other_fields_are_refused(tmp_path):
    path = results.write_results(_audit(), tmp_path)
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
    cleaning = {f.name for f in dataclasses.fields(results.CleanSurveyResults)}
    assert {"rounding", "n_max", "subgroup_questions"} <= audit
    assert {"min_cell", "unstated_single_choice"} <= cleaning
    for parameter in ("rounding", "n_max", "subgroup_questions"):
        assert parameter in contract.read_parameters(STEPS[results.AuditResults.NOTEBOOK].path)

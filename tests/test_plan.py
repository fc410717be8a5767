"""The run plan: built once per run from pipeline.yaml, the parameters cells and the command
line; read-only; the same inputs give the same plan."""

import collections
import dataclasses
import importlib
import pkgutil
import shutil
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import analysis_utils.pipeline
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import contract, plan, runner

pytestmark = pytest.mark.heavy  # runs the runner (without kernels): not in make test-fast


def copier(name, source, output, parameters, cwd):
    """Stand in for Papermill: the executed notebook is a copy of its source."""
    shutil.copyfile(source, output)
    return runner.Outcome(name, True, 0.0)


@pytest.fixture
def reads(monkeypatch):
    """Count every reading of pipeline.yaml and of each parameters cell, wherever it is done."""
    counted: collections.Counter[str] = collections.Counter()
    load, read = contract.load_pipeline, contract.read_parameters

    def counting_load(path):
        counted[Path(path).name] += 1
        return load(path)

    def counting_read(path):
        counted[Path(path).stem] += 1
        return read(path)

    for info in pkgutil.iter_modules(analysis_utils.pipeline.__path__):
        module = importlib.import_module(f"analysis_utils.pipeline.{info.name}")
        if getattr(module, "load_pipeline", None) is load:
            monkeypatch.setattr(module, "load_pipeline", counting_load)
        if getattr(module, "read_parameters", None) is read:
            monkeypatch.setattr(module, "read_parameters", counting_read)
    return counted


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_reads_pipeline_yaml_and_each_parameters_cell_once(project, reads, jobs):
    notebooks = contract.load_pipeline(project.pipeline)
    reads.clear()
    outcomes = runner.run(project, [], {}, jobs=jobs, html=False, force=True, executor=copier)
    assert sorted(o.name for o in outcomes) == sorted(notebooks)
    assert all(o.ok and not o.skipped for o in outcomes)
    assert reads == {"pipeline.yaml": 1, **dict.fromkeys(notebooks, 1)}


def test_a_run_with_parameters_reads_each_once_too(project, reads, tmp_path):
    out = {key: str(tmp_path / key) for key in ("tables_dir", "results_dir")}
    outcomes = runner.run(project, ["02"], {"rounding": "even", **out}, executor=copier)
    assert [o.name for o in outcomes] == ["02_audit_reported_percentages"]
    assert reads["pipeline.yaml"] == 1
    assert set(reads.values()) == {1}


def test_the_plan_a_run_builds_equals_the_plan_rebuilt_from_the_same_inputs(project, monkeypatch):
    built = []
    planning = runner.plan
    monkeypatch.setattr(
        runner, "plan", lambda *a, **k: built.append(planning(*a, **k)) or built[-1]
    )
    given = {"rounding": "even", "tables_dir": "out/tables", "results_dir": "out/results"}
    runner.run(project, ["02", "03"], given, jobs=2, html=False, executor=copier)
    (used,) = built
    again = planning(project, ["02", "03"], given, jobs=2, html=False)
    assert again == used
    assert again is not used
    assert used.order == ["02_audit_reported_percentages", "03_test_claims"]
    assert used.executed == project.root / "out" / "executed"
    assert used.results == project.root / "out" / "results"
    assert used.bound["02_audit_reported_percentages"]["rounding"] == "even"
    assert used.needs() == {
        "02_audit_reported_percentages": set(),
        "03_test_claims": {"02_audit_reported_percentages"},
    }
    # another command line, another plan
    assert runner.plan(project, ["02", "03"], given, jobs=1, html=False) != used
    assert (
        runner.plan(project, ["02", "03"], {**given, "rounding": "up"}, jobs=2, html=False) != used
    )


def test_the_plan_holds_the_hashes_the_run_manifest_records(project):
    planned = runner.plan(project, ["02"], {})
    (step,) = planned.steps
    record = runner.record_now(planned, step.name)
    assert record.code["notebook"] == step.source_hash
    assert {k: record.code[k] for k in ("library", "lock")} == dict(planned.environment)
    assert record.parameters == step.used()


def test_the_plan_cannot_be_changed(project):
    planned = runner.plan(project, ["02", "03"], {"n_candidates": [9, 54]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        planned.force = True  # type: ignore[misc]
    step = planned.step("03_test_claims")
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.bound = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        step.bound["n_candidates"] = [1]  # type: ignore[index]
    with pytest.raises(TypeError):
        planned.contract.steps["x"] = step.step  # type: ignore[index]
    with pytest.raises(TypeError):
        planned.contract.declared["03_test_claims"]["alpha"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        planned.environment["library"] = ""  # type: ignore[index]
    assert step.bound["n_candidates"] == (9, 54)  # frozen inside too
    given = step.given()
    assert given["n_candidates"] == [9, 54]  # what the notebook receives: a list, as declared
    given["n_candidates"].append(1)
    planned.bound["03_test_claims"]["n_candidates"].append(1)
    assert step.given()["n_candidates"] == [9, 54]


def test_a_bad_command_line_is_refused_while_planning(project):
    with pytest.raises(ParameterError, match="--jobs must be at least 1"):
        runner.plan(project, [], {}, jobs=0)
    with pytest.raises(ParameterError, match="--update-notebooks"):
        runner.plan(project, [], {"alpha": 0.1}, update_sources=True)
    with pytest.raises(ParameterError, match="unknown parameter 'alpah'"):
        runner.plan(project, ["03"], {"alpah": 0.1})


def test_force_in_the_plan_covers_every_reason_to_execute_everything(project):
    assert not runner.plan(project, [], {}).force
    assert runner.plan(project, [], {}, force=True).force
    assert runner.plan(project, [], {}, update_sources=True).force


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(values)
def test_freezing_a_parameter_value_keeps_it_and_thawing_gives_it_back(value):
    frozen = plan.freeze(value)
    assert plan.thaw(frozen) == value
    assert plan.freeze(plan.thaw(frozen)) == frozen
    assert not _changeable(frozen)


def _changeable(value):
    """Whether a value holds a list or a dict anywhere."""
    if isinstance(value, list | dict):
        return True
    if isinstance(value, MappingProxyType):
        return any(_changeable(v) for v in value.values())
    return isinstance(value, tuple) and any(_changeable(v) for v in value)

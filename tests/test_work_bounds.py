"""Bounds on work, not only memory: each parameter that sets the work is refused beyond its
limit before anything runs, and the per-question audit does its work once per distinct
percentage (operation counts, never timings)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_cli, snapshot

from analysis_utils.audit import claim_tests, granularity, limits, mode_sizes, registry, tables
from analysis_utils.audit import schemas as audit_schemas
from analysis_utils.core import io
from analysis_utils.core.errors import InputError, ParameterError
from analysis_utils.core.paths import layout
from analysis_utils.pipeline import preflight, runner
from analysis_utils.pipeline.plan import assemble, bind, read_contract
from analysis_utils.survey import schemas


def _items(questions: int, percents: tuple[str, ...] = ("44", "31", "17", "8")) -> pd.DataFrame:
    """survey_items rows of ``questions`` single-choice questions reporting ``percents``."""
    rows = [
        {
            "question_id": f"q{k}",
            "question_text": f"Question {k}",
            "choice": "single",
            "option_code": f"o{j}",
            "option_label": f"Option {j}",
            "reported_percent_as_printed": p,
            "status": "reported",
        }
        for k in range(questions)
        for j, p in enumerate(percents)
    ]
    frame = pd.DataFrame(rows)
    for field in schemas.SURVEY_ITEMS["fields"]:
        if field["name"] not in frame:
            frame[field["name"]] = ""
    return frame


@pytest.mark.heavy
def test_cli_refuses_n_max_beyond_the_work_limit_before_any_kernel(tmp_path, project):
    out = tmp_path / "out"
    given = ["-p", "tables_dir", str(out / "tables"), "-p", "results_dir", str(out / "results")]
    done = run_cli("run", "02", "-p", "n_max", "100000", *given, root=project.root, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "02_audit_reported_percentages: n_max = 100,000" in lines[0]
    assert "MAX_SIZE_SEARCHES = 480,000" in lines[0]
    assert "give at most -p n_max 32,000" in lines[0]
    assert snapshot(out) == {}  # nothing written: no kernel started


@pytest.mark.heavy
def test_every_sample_size_search_is_bounded(project):
    def never(*args):
        raise AssertionError("a kernel started")

    out = {"tables_dir": "out/tables", "results_dir": "out/results"}
    with pytest.raises(ParameterError, match=r"^02_audit_reported_percentages: n_max = 32,001 "):
        runner.run(project, ["02"], {"n_max": 32_001, **out}, executor=never)
    planned = runner.plan(project, ["02", "03", "04"], {"n_max": 32_000, **out})
    preflight.check_limits(planned)  # the largest allowed for 5 percentages
    planned = runner.plan(project, [], {})
    preflight.check_limits(planned)  # the study's defaults


def test_the_search_limit_is_work_over_distinct_percentages():
    assert limits.MAX_SIZE_SEARCHES == limits.WORK_BUDGET_SECONDS * limits.SEARCHES_PER_SECOND
    largest = limits.MAX_SIZE_SEARCHES // (7 * limits.SEARCH_PASSES)
    limits.check_sizes_searched(largest, 7)
    with pytest.raises(ValueError, match=rf"n_max = {largest + 1:,} .*-p n_max {largest:,}$"):
        limits.check_sizes_searched(largest + 1, 7)
    limits.check_sizes_searched(10**12, 0)  # observed counts: nothing is searched
    # the library refuses too (a notebook run by plain Papermill), counting distinct percentages
    items = _items(1000)
    assert tables.distinct_percentages(items) == 4
    with pytest.raises(ValueError, match="MAX_SIZE_SEARCHES"):
        tables.sizes_searched(items, n_max=largest * 2)
    assert tables.sizes_searched(items, n_max=200) == range(1, 201)


def test_posterior_draws_are_bounded_by_work(monkeypatch):
    claims = {c.id: c for c in registry.load_claims(layout().claims)}
    items = io.read_table(layout().processed / "survey_items.csv", schemas.SURVEY_ITEMS)
    survey = [claims["D1"], claims["H1"]]
    claim_tests.check_limits(survey, items, [9, 54], rounding="up_or_down", draws=20_000)
    # H1 at n = 1000, single choice: 1,734,106 reconstructions of 4 options (about an hour)
    with pytest.raises(
        ValueError,
        match=r"20,000 posterior draws per count vector need 138,728,480,000 random numbers, "
        r"more than MAX_POSTERIOR_VALUES = 11,700,000,000 .*give at most -p draws 1,686",
    ):
        claim_tests.check_limits(
            survey, items, [1000], rounding="up_or_down", readings=["single"], draws=20_000
        )
    claim_tests.check_limits(
        survey, items, [1000], rounding="up_or_down", readings=["single"], draws=1_686
    )

    def never(*args, **kwargs):
        raise AssertionError("a claim was evaluated")

    monkeypatch.setattr(claim_tests, "evaluate", never)
    with pytest.raises(ValueError, match="MAX_POSTERIOR_VALUES"):
        claim_tests.evaluate_claims(
            survey, items, [1000], rounding="up_or_down", readings=["single"], draws=20_000
        )


def test_the_runner_refuses_posterior_draws_beyond_the_work_limit(project):
    out = {"tables_dir": "out/tables", "results_dir": "out/results"}
    planned = runner.plan(
        project, ["02", "03"], {"n_candidates": [1000], "readings": ["single"], **out}
    )
    with pytest.raises(ParameterError, match=r"^03_test_claims: .*MAX_POSTERIOR_VALUES"):
        preflight.check_limits(planned)


def _clear() -> None:
    """Forget the answers of earlier searches (kept per distinct percentage and size)."""
    cached = getattr(granularity, "_matching_counts", None)
    if cached is not None:
        cached.cache_clear()


def _counting_rounds(monkeypatch) -> list[int]:
    calls = [0]
    original = granularity._round_one

    def counted(y: Fraction, procedure: str, threshold: Fraction) -> int:
        calls[0] += 1
        return original(y, procedure, threshold)

    monkeypatch.setattr(granularity, "_round_one", counted)
    _clear()
    return calls


def test_the_audit_checks_each_distinct_percentage_once_per_size(monkeypatch):
    calls = _counting_rounds(monkeypatch)
    small = tables.feasibility(_items(10), range(1, 101), rounding="up_or_down")
    once = calls[0]
    _clear()
    calls[0] = 0
    large = tables.feasibility(_items(100), range(1, 101), rounding="up_or_down")
    assert len(large) == 10 * len(small)
    assert calls[0] == once  # ten times the questions, the same rounding checks
    _clear()
    calls[0] = 0
    sizes = tables.sizes_searched(_items(100), n_max=100)
    tables.joint_sizes(_items(100), sizes, rounding="up_or_down")
    assert calls[0] == once


def test_a_search_at_a_large_size_takes_logarithmic_checks(monkeypatch):
    calls = _counting_rounds(monkeypatch)
    found = granularity.matching_counts("44", 100_000, percent=True, rounding="up_or_down")
    assert found == range(43_500, 44_501)  # 43.5 % to 44.5 %, rounded up or down
    assert calls[0] <= 2 * 2 * 40  # two procedures, about 2 log2(1000) + 4 steps each side
    with pytest.raises(ValueError, match="n must be a positive integer"):
        granularity.matching_counts("44", True, percent=True)  # never the answer cached for 1


def test_a_large_valid_table_is_written_without_row_by_row_validation(tmp_path, monkeypatch):
    import frictionless

    validated: list[object] = []
    original = frictionless.Resource.validate

    def counted(self, *args, **kwargs):
        validated.append(self.path)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(frictionless.Resource, "validate", counted)
    frame = tables.feasibility(_items(20), range(1, 101), rounding="up_or_down")
    target = tmp_path / "granularity_audit.csv"
    io.write_tables({target: (frame, audit_schemas.GRANULARITY_AUDIT)})
    assert pd.read_csv(target).shape == (len(frame), 5)
    assert validated == [None]  # the header and first row only, not the file's 8,000 rows
    broken = frame.assign(n=frame["n"].where(frame.index != 7, -1))
    with pytest.raises(InputError):
        io.write_tables({tmp_path / "broken.csv": (broken, audit_schemas.GRANULARITY_AUDIT)})
    assert not (tmp_path / "broken.csv").exists()


def test_the_benchmark_survey_follows_the_format(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from survey_questions import aggregated_survey

    from analysis_utils.survey.read import read

    aggregated_survey(tmp_path / "survey", 12)
    survey = read(tmp_path / "survey")
    assert len(survey.questions) == 12
    assert len(survey.options) == 120


def test_figures_beyond_the_work_limit_are_left_out_and_said(monkeypatch):
    from analysis_utils.audit import figures

    assert round(limits.WORK_BUDGET_SECONDS / limits.SECONDS_PER_FIGURE) == limits.MAX_FIGURES
    monkeypatch.setattr(limits, "MAX_FIGURES", 3)
    drawn, note = figures.drawn_questions(_items(5), [])
    assert drawn == ["q0", "q1", "q2"]
    assert note.startswith("the first 3 of 5 questions drawn (MAX_FIGURES")
    assert figures.drawn_questions(_items(5), ["q4", "q1"]) == (["q4", "q1"], "")
    with pytest.raises(ValueError, match=r"^4 figure_questions are more than MAX_FIGURES = 3"):
        figures.drawn_questions(_items(5), ["q0", "q1", "q2", "q3"])


def test_the_runner_refuses_more_named_figures_than_the_limit(project):
    many = [f"q{k}" for k in range(limits.MAX_FIGURES + 1)]
    planned = runner.plan(project, ["04"], {"figure_questions": many})
    with pytest.raises(
        ParameterError, match=rf"^04_reproduce_figures: {len(many)} figure_questions are more"
    ):
        preflight.check_limits(planned)


def test_size_simulations_are_bounded_by_work(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a survey was simulated")

    monkeypatch.setattr(mode_sizes.stats, "mode_test_size", never)
    # 9 null configurations (both readings) at 3 sizes: 27 checks
    largest = limits.MAX_SIMULATED_SURVEYS // 27
    with pytest.raises(
        ValueError, match=rf"exceed MAX_SIMULATED_SURVEYS .*give at most {largest:,} draws"
    ):
        mode_sizes.mode_test_sizes([9, 54, 4], alpha=0.05, draws=largest + 1, seed=1)
    items = io.read_table(layout().processed / "survey_items.csv", schemas.SURVEY_ITEMS)
    with pytest.raises(ValueError, match="MAX_SIMULATED_SURVEYS"):
        claim_tests.check_limits([], items, [9, 54, 4], rounding="up", size_draws=largest + 1)
    claim_tests.check_limits([], items, [9, 54, 4], rounding="up", size_draws=largest)


def test_a_survey_runs_percentages_are_not_taken_from_an_earlier_run(project, tmp_path):
    survey = {"survey_dir": str(tmp_path / "survey")}
    # the project's survey_items.csv (5 distinct percentages) is not the survey's, even when
    # the survey run's processed_dir is the project's (survey_dir bound, nothing else moved)
    contract = read_contract(project.pipeline)
    planned = assemble(
        project, contract, bind(contract, ["00", "02"], {"n_max": 100_000, **survey})
    )
    preflight.check_limits(planned)
    planned = assemble(
        project, contract, bind(contract, ["00", "02"], {"n_max": 160_001, **survey})
    )
    with pytest.raises(ParameterError, match="with 1 distinct reported percentage"):
        preflight.check_limits(planned)

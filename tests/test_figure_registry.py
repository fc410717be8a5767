"""The registries of figures: the study's (study/figure_registry.py) and any survey's
(audit/figure_registry.py) against pipeline.yaml, the notebooks' parameters and the captions."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis_utils.audit import figure_registry as survey_figures
from analysis_utils.audit import tables
from analysis_utils.pipeline.contract import load_pipeline, read_parameters
from analysis_utils.study import constants, page
from analysis_utils.study import figure_registry as study_figures

ROOT = Path(__file__).parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _declared_figures() -> dict[str, set[str]]:
    steps = load_pipeline(NOTEBOOKS / "pipeline.yaml")
    return {
        name: {w for w in step.writes if w.startswith("reports/figures/")}
        for name, step in steps.items()
        if any(w.startswith("reports/figures/") for w in step.writes)
    }


def test_pipeline_yaml_declares_each_registered_figure_under_its_notebook_and_no_other():
    registered: dict[str, set[str]] = {}
    for figure in study_figures.FIGURES:
        registered.setdefault(figure.notebook, set()).update(
            f"reports/figures/{figure.stem}.{ending}" for ending in ("svg", "png")
        )
    assert _declared_figures() == registered


def test_stems_are_unique_and_numbered_once():
    stems = [f.stem for f in study_figures.FIGURES]
    numbers = [int(re.match(r"fig(\d+)_", stem).group(1)) for stem in stems]  # type: ignore[union-attr]
    assert len(set(stems)) == len(stems)
    assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_the_report_captions_are_the_registry_s():
    assert study_figures.captions() == page.FIGURE_CAPTIONS
    assert all(caption.endswith(".") for caption in page.FIGURE_CAPTIONS.values())


def test_05_draws_every_figure_registered_for_it_in_order():
    drawn = study_figures.drawn_in("05_test_external_evidence")
    assert [f.stem for f in drawn] == [
        "fig6_victims_by_form",
        "fig4_funding_2010",
        "fig7_funding_per_victim",
    ]
    assert all(f.draw is not None for f in drawn)
    assert all(f.draw is None for f in study_figures.drawn_in("04_reproduce_figures"))


def test_04_s_figures_are_the_survey_questions_and_the_survey_registry_under_its_parameters():
    parameters = read_parameters(NOTEBOOKS / "04_reproduce_figures.ipynb")
    reads = load_pipeline(NOTEBOOKS / "pipeline.yaml")["04_reproduce_figures"].reads
    stems = {f"fig{k}_{q}" for k, q in enumerate(constants.FIGURE_QUESTIONS, start=1)}
    for entry in survey_figures.SURVEY_FIGURES:
        assert entry.parameter in parameters, entry.parameter
        stems.add(str(parameters[entry.parameter].default))
        for table in entry.reads:
            assert any(r.endswith(f"/{table}") for r in reads), table
    assert {constants.SIZES_FIGURE, constants.ROBUSTNESS_FIGURE} <= stems
    assert stems == {f.stem for f in study_figures.drawn_in("04_reproduce_figures")}


@pytest.fixture
def nothing() -> survey_figures.SurveyData:
    """A survey whose counts are observed: nothing searched, nothing swept."""
    empty = pd.DataFrame()
    return survey_figures.SurveyData(
        items=empty,
        feasibility=empty,
        robustness=empty,
        n=12,
        full_sample=[],
        observed=True,
        n_shown=60,
    )


def test_a_figure_with_nothing_to_show_says_why(nothing):
    sizes, robustness = (entry.draw(nothing) for entry in survey_figures.SURVEY_FIGURES)
    assert sizes == tables.observed_note(12)
    assert robustness == "nothing was swept"

"""The registries of figures: the study's (study/figure_registry.py) and any survey's
(audit/figure_registry.py) against pipeline.yaml, the notebooks' parameters and the captions."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis_utils.audit import figure_registry as survey_figures
from analysis_utils.audit import tables
from analysis_utils.core import paths
from analysis_utils.pipeline import runner
from analysis_utils.pipeline.contract import load_pipeline, read_parameters
from analysis_utils.study import constants, page
from analysis_utils.study import figure_registry as study_figures

ROOT = Path(__file__).parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _planned_figures() -> dict[str, set[str]]:
    """The figure files each notebook of a whole run of the study writes, as its plan says."""
    planned = runner.plan(paths.layout(), [], {}, html=False)
    return {
        step.name: {w for w in step.step.writes if w.startswith("reports/figures/")}
        for step in planned.steps
        if any(w.startswith("reports/figures/") for w in step.step.writes)
    }


def _registered() -> dict[str, set[str]]:
    registered: dict[str, set[str]] = {}
    for figure in study_figures.FIGURES:
        registered.setdefault(figure.notebook, set()).update(
            f"reports/figures/{figure.stem}.{ending}" for ending in ("svg", "png")
        )
    return registered


def test_the_run_plan_writes_each_registered_figure_under_its_notebook_and_no_other():
    # what the run manifest records and a survey run's ownership proves: a figure missing
    # here would be written by no declared step
    assert _planned_figures() == _registered()
    assert {"fig1_causes.svg", "fig4_funding_2010.png"} <= {
        Path(f).name for files in _planned_figures().values() for f in files
    }


def test_pipeline_yaml_names_no_figure_file_itself():
    text = (NOTEBOOKS / "pipeline.yaml").read_text(encoding="utf-8")
    assert "reports/figures/fig" not in text
    assert text.count("figures: reports/figures") == len(_registered())


def test_a_figure_registered_in_the_test_alone_is_in_the_plan(monkeypatch):
    added = study_figures.StudyFigure(
        "fig9_extra", "05_test_external_evidence", "A figure of the test.", ("tip_azerbaijan.csv",)
    )
    monkeypatch.setattr(study_figures, "FIGURES", (*study_figures.FIGURES, added))
    planned = _planned_figures()["05_test_external_evidence"]
    assert {"reports/figures/fig9_extra.svg", "reports/figures/fig9_extra.png"} <= planned


def _one_notebook(tmp_path: Path, entry: str) -> Path:
    (tmp_path / "01_x.ipynb").write_text("{}", encoding="utf-8")
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(f"notebooks:\n  01_x:\n    reads: []\n{entry}", encoding="utf-8")
    return pipeline


def test_registered_figures_are_written_into_the_folder_named_svg_then_png(tmp_path):
    pipeline = _one_notebook(tmp_path, "    figures: out/figs\n    writes: [out/r.json]\n")
    (step,) = load_pipeline(pipeline, figures=lambda name: ("a", "b")).values()
    assert step.writes == (
        "out/figs/a.svg",
        "out/figs/a.png",
        "out/figs/b.svg",
        "out/figs/b.png",
        "out/r.json",
    )


def test_registered_figures_without_a_folder_or_a_folder_without_figures_are_refused(tmp_path):
    pipeline = _one_notebook(tmp_path, "    writes: []\n")
    with pytest.raises(ValueError, match="01_x: figures a are registered for it; add 'figures:"):
        load_pipeline(pipeline, figures=lambda name: ("a",))
    pipeline = _one_notebook(tmp_path, "    figures: out\n    writes: []\n")
    with pytest.raises(ValueError, match="01_x: 'figures:' names the folder"):
        load_pipeline(pipeline, figures=lambda name: ())


def test_a_figure_s_name_on_the_report_page_is_its_stem_s_number():
    assert study_figures.label("fig1_causes") == "Fig. 1"
    assert study_figures.label("fig12_x") == "Fig. 12"
    with pytest.raises(ValueError, match="not figN_name"):
        study_figures.label("causes")


def test_the_saved_figures_are_every_registered_one_by_name_or_a_missing_one_is_named(tmp_path):
    for figure in study_figures.FIGURES:
        (tmp_path / f"{figure.stem}.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "other.svg").write_text("<svg/>", encoding="utf-8")
    saved = study_figures.saved(tmp_path)
    assert [p.name for p in saved] == sorted(f"{f.stem}.svg" for f in study_figures.FIGURES)
    (tmp_path / "fig4_funding_2010.svg").unlink()
    with pytest.raises(FileNotFoundError, match=r"fig4_funding_2010.svg \(05_test_external"):
        study_figures.saved(tmp_path)


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


def test_reading_the_registry_imports_no_plotting_library():
    # pipeline.yaml is read on every command (a refused parameter in well under a second)
    code = (
        "import sys; from analysis_utils.pipeline import contract; "
        "contract.load_pipeline(contract.Path(sys.argv[1])); "
        "print(sorted(m for m in ('matplotlib', 'seaborn', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(NOTEBOOKS / "pipeline.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"

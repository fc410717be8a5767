import inspect

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis_utils.audit import figures as audit_figures
from analysis_utils.core import plotting
from analysis_utils.study import currency
from analysis_utils.study import figures as study_figures

PER_VICTIM = pd.DataFrame(
    {
        "year": [2015, 2016, 2017],
        "funding_azn": [109000.0, 154000.0, 150530.0],
        "victims": [63.0, 70.0, 71.0],
        "azn_per_victim": [1730.2, 2200.0, 2120.1],
    }
)
RATES = pd.DataFrame(
    {
        "period_start": ["2010-10-04", "2016-01-01"],
        "period_end": ["2010-10-08", "2016-12-31"],
        "kind": ["cba_official_weekly_average", "cba_official_annual_average"],
        "azn_per_usd": [0.80224, 1.5965],
        "source_url": ["u1", "u2"],
    }
)


@pytest.fixture
def options():
    return pd.DataFrame(
        {
            "option_code": ["a", "b", "c"],
            "option_label": ["one", "two", "three"],
            "reported_percent": [np.nan, 44.0, np.nan],
            "range_low": [0.0, 44.4, 10.0],
            "range_high": [55.6, 44.4, 30.0],
        }
    )


@pytest.fixture
def funding():
    return pd.DataFrame(
        {
            "donor": ["Ministry", "Fund"],
            "donor_type": ["domestic", "international"],
            "currency": ["AZN", "USD"],
            "azn": [52000.0, 80000.0],
            "azn_low": [52000.0, 79000.0],
            "azn_high": [52000.0, 81000.0],
            "conversion": ["reported", "derived"],
        }
    )


@pytest.fixture
def feasibility():
    return pd.DataFrame(
        {
            "number_id": ["p"] * 4 + ["q"] * 4,
            "percent": ["67"] * 4 + ["78"] * 4,
            "n": [1, 2, 3, 4] * 2,
            "consistent": [False, False, True, False, False, False, False, False],
        }
    )


def _ranges(ax):
    """The errorbar container that draws the ranges, and its (x, low, high) segments."""
    (container,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    _, _, (bars,) = container
    segments = [
        (float(seg[0][0]), float(seg[0][1]), float(seg[1][1])) for seg in bars.get_segments()
    ]
    assert all(seg[0][0] == seg[1][0] for seg in bars.get_segments())  # vertical lines
    return container, segments


def test_reported_values_are_bars_and_unreported_ones_are_ranges(options):
    figure = audit_figures.plot_survey_question(options, title="Q?", n=9, reconstructions=21)
    ax = figure.axes[0]
    solid, counted = (c for c in ax.containers if isinstance(c, BarContainer))
    assert len(counted) == 0
    assert [b.get_height() for b in solid] == [44.0]
    assert [b.get_x() + b.get_width() / 2 for b in solid] == pytest.approx([1.0])
    container, segments = _ranges(ax)
    np.testing.assert_allclose(segments, [(0.0, 0.0, 55.6), (2.0, 10.0, 30.0)])
    assert isinstance(container.lines[2][0], LineCollection)
    caps = sorted((float(x), float(y)) for cap in container.lines[1] for x, y in cap.get_xydata())
    np.testing.assert_allclose(caps, [(0.0, 0.0), (0.0, 55.6), (2.0, 10.0), (2.0, 30.0)])
    # no rectangle encodes an unreported option: the only patch is the reported bar
    rectangles = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [(r.get_x() + r.get_width() / 2, r.get_height()) for r in rectangles] == [(1.0, 44.0)]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == [
        "reported by the source",
        "not reported: range over the 21 reconstructions at n = 9",
    ]
    assert [t.get_text() for t in ax.texts] == [
        "44 %",
        "not reported\n0-55.6 %",
        "not reported\n10-30 %",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()][1] == "b) two"


def test_the_note_states_the_choice_reading(options):
    note = (
        audit_figures.plot_survey_question(options, title="Q?", n=9, reconstructions=21)
        .axes[0]
        .get_xlabel()
        .replace("\n", " ")
    )
    assert "single-choice reading" in note
    assert "unstated_single_choice = True" in note
    assert "maxima cannot all hold at once" in note
    assert "multiple-choice reading each unreported share could be anything from 0 to 100 %" in note
    multiple = (
        audit_figures.plot_survey_question(
            options, title="Q?", n=9, reconstructions=21, single_choice=False
        )
        .axes[0]
        .get_xlabel()
        .replace("\n", " ")
    )
    assert "multiple-choice reading" in multiple
    assert "cannot all hold" not in multiple
    stated = (
        audit_figures.plot_survey_question(
            options, title="Q?", n=9, reconstructions=21, choice="single"
        )
        .axes[0]
        .get_xlabel()
    )
    assert stated.startswith("Single choice (stated)")
    with pytest.raises(ValueError, match="single choice"):
        audit_figures.plot_survey_question(
            options, title="Q?", n=9, reconstructions=21, choice="single", single_choice=False
        )
    with pytest.raises(ValueError, match="choice must be one of"):
        audit_figures.plot_survey_question(
            options, title="Q?", n=9, reconstructions=21, choice="any"
        )


def test_an_option_without_a_consistent_reconstruction_draws_nothing(options):
    empty = options.assign(range_low=[np.nan, 44.4, 10.0], range_high=[np.nan, 44.4, 30.0])
    ax = audit_figures.plot_survey_question(empty, title="Q?", n=9, reconstructions=0).axes[0]
    _, segments = _ranges(ax)
    np.testing.assert_allclose(segments, [(2.0, 10.0, 30.0)])
    assert ax.texts[1].get_text() == "not reported\nno consistent reconstruction"


def test_counted_values_are_bars_and_withheld_ones_are_ranges(options):
    counted_options = options.assign(
        reported_percent=np.nan,
        range_low=[62.5, 25.0, 0.0],
        range_high=[62.5, 37.5, 12.5],
        status=["recomputed", "suppressed", "suppressed"],
    )
    figure = audit_figures.plot_survey_question(counted_options, title="Q?", n=8, reconstructions=2)
    ax = figure.axes[0]
    solid, counted = (c for c in ax.containers if isinstance(c, BarContainer))
    assert len(solid) == 0
    assert [b.get_height() for b in counted] == [62.5]
    _, segments = _ranges(ax)
    np.testing.assert_allclose(segments, [(1.0, 25.0, 37.5), (2.0, 0.0, 12.5)])
    assert len([p for p in ax.patches if isinstance(p, Rectangle)]) == 1
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["62.5 %", "withheld\n25-37.5 %", "withheld\n0-12.5 %"]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == [
        "counted from the answers (n = 8)",
        "withheld (small count): range over the 2 reconstructions at n = 8",
    ]
    stated = audit_figures.plot_survey_question(
        counted_options, title="Q?", n=8, reconstructions=2, min_cell=5
    )
    assert [t.get_text() for t in stated.legends[0].get_texts()][1] == (
        "withheld (a count below 5, or revealing one): range over the 2 reconstructions at n = 8"
    )


def test_the_funding_figure_is_in_manat_with_ranges(funding):
    figure = study_figures.plot_funding(funding, rate_text="0.80 AZN/USD")
    ax = figure.axes[0]
    widths = sorted(p.get_width() for p in ax.patches if p.get_width() > 1)
    assert widths == [52000.0, 80000.0]
    assert "0.80 AZN/USD" in ax.get_xlabel()
    # a total that includes a converted amount is rounded, never six exact digits
    assert "about 132 thousand AZN" in ax.get_title()
    assert "61% international" in ax.get_title()
    assert "share of the donor funding listed for 2010" in ax.get_title()
    assert "52,000" in [t.get_text() for t in ax.texts]
    assert "about 80.0 thousand (from USD)" in [t.get_text() for t in ax.texts]


def test_the_state_budget_is_its_own_bar_outside_the_2010_share(funding):
    figure = study_figures.plot_funding(
        funding,
        rate_text="0.80 AZN/USD",
        state_budget=400000.0,
        state_budget_period="per year (average), years not stated",
        state_budget_qualifier="about",
    )
    ax = figure.axes[0]
    widths = sorted(p.get_width() for p in ax.patches if p.get_width() > 1)
    assert widths == [52000.0, 80000.0, 400000.0]
    title = ax.get_title()
    assert "about 132 thousand AZN" in title  # the budget is not added
    assert "61% international" in title
    assert "state budget not included" in title
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert ticks[-1] == "State budget, per year (average), years not stated"
    assert "about 400,000 (reported)" in [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (642789.0, "about 643 thousand AZN"),
        (16022.3, "about 16.0 thousand AZN"),
        (1234567.0, "about 1.23 million AZN"),
        (999.6, "about 1.00 thousand AZN"),
        (12.34, "about 12.3 AZN"),
    ],
)
def test_converted_amounts_are_written_to_three_significant_digits(value, text):
    assert study_figures.about_amount(value) == text


def test_the_feasibility_figure_marks_possible_sizes(feasibility):
    figure = audit_figures.plot_feasible_sizes(feasibility, stated_n=4, joint_sizes=[3], n_shown=4)
    ax = figure.axes[0]
    (points,) = ax.collections
    assert points.get_offsets().tolist() == [[3.0, 0.0]]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["67 %  p", "78 %  q"]
    assert any(line.get_xdata()[0] == 4 for line in ax.lines)


def test_the_feasibility_figure_names_percentages_in_words_not_ids(feasibility):
    figure = audit_figures.plot_feasible_sizes(
        feasibility, stated_n=4, joint_sizes=[3], n_shown=4, names={"p": "female (gender)"}
    )
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == ["67 %  female (gender)", "78 %  q"]


def test_option_names_come_from_the_items(items):
    names = audit_figures.option_names(items)
    assert names["survey_female_pct"] == "female (gender)"
    assert names["survey_cause_financial_difficulties_pct"] == "financial difficulties (causes)"
    assert set(names) == set(items["number_id"].dropna()) - {""}
    assert audit_figures.readable_id("survey_government_officials_pct") == "government officials"


def test_plots_draw_on_a_given_axes(options):
    figure = Figure()
    ax = figure.add_subplot()
    assert (
        audit_figures.plot_survey_question(options, title="Q", n=9, reconstructions=1, ax=ax)
        is figure
    )


PLOTS = {
    "survey": lambda o, f, s: audit_figures.plot_survey_question(
        o, title="Q", n=9, reconstructions=21
    ),
    "funding": lambda o, f, s: study_figures.plot_funding(f, rate_text="0.80 AZN/USD"),
    "feasible": lambda o, f, s: audit_figures.plot_feasible_sizes(s, stated_n=4, joint_sizes=[3]),
    "victims": lambda o, f, s: study_figures.plot_victims_by_form(
        pd.DataFrame(
            {"female sex trafficking": [69, 66], "male forced labour": [1, 5]}, index=[2016, 2017]
        )
    ),
    "per_victim": lambda o, f, s: study_figures.plot_funding_per_victim(
        currency.usd_at_annual_average(PER_VICTIM, RATES)
    ),
}


@pytest.mark.heavy
@pytest.mark.parametrize("kind", ["svg", "png"])
@pytest.mark.parametrize("plot", sorted(PLOTS))
def test_rendering_twice_gives_identical_bytes(options, funding, feasibility, plot, kind):
    first = plotting.figure_bytes(PLOTS[plot](options, funding, feasibility), kind, salt="test")
    second = plotting.figure_bytes(PLOTS[plot](options, funding, feasibility), kind, salt="test")
    assert first == second
    if kind == "svg":
        assert b"<dc:date>" not in first
    else:
        assert b"Software" not in first


def test_save_writes_svg_and_png(tmp_path, options):
    figure = audit_figures.plot_survey_question(options, title="Q", n=9, reconstructions=21)
    written = plotting.save(figure, tmp_path, "fig1_test", salt="test")
    assert [p.name for p in written] == ["fig1_test.svg", "fig1_test.png"]
    assert written[0].read_bytes().startswith(b"<?xml")
    assert written[1].read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="format"):
        plotting.figure_bytes(figure, "gif", salt="test")


def test_victims_by_form_stacks_the_counts():
    counts = pd.DataFrame(
        {"female sex trafficking": [69.0, 66.0], "male forced labour": [1.0, 5.0]},
        index=[2016, 2017],
    )
    ax = study_figures.plot_victims_by_form(counts).axes[0]
    first, second = ax.containers
    assert [b.get_height() for b in first] == [69.0, 66.0]
    assert [(b.get_y(), b.get_height()) for b in second] == [(69.0, 1.0), (66.0, 5.0)]
    assert [t.get_text() for t in ax.texts] == ["70", "71"]


def test_funding_per_victim_in_manat_and_in_dollars_of_each_year():
    table = currency.usd_at_annual_average(PER_VICTIM, RATES)
    figure = study_figures.plot_funding_per_victim(table)
    manat, dollars = figure.axes
    assert [b.get_height() for b in manat.containers[0]] == [1730.2, 2200.0, 2120.1]
    # only 2016 has an official annual average: one dollar bar, 2200 / 1.5965
    (usd,) = dollars.containers
    np.testing.assert_allclose(
        [(b.get_x() + b.get_width() / 2, b.get_height()) for b in usd], [(2016.0, 2200.0 / 1.5965)]
    )
    assert "USD at each year's official annual average rate" in dollars.get_ylabel()
    assert "nominal" in manat.get_ylabel()
    assert "2015-2017" in figure.get_suptitle()
    missing = [t for t in dollars.texts if t.get_text().startswith("not converted")]
    assert [t.xy[0] for t in missing] == [2015, 2017]
    assert "no dollar bar for 2015, 2017" in figure.get_supxlabel().replace("\n", " ")
    # like with like: no budget-per-rehabilitated-victim line, no horizontal reference at all
    for ax in figure.axes:
        assert not [line for line in ax.lines if len(set(line.get_ydata())) == 1]
        assert not any("rehabilitated" in t.get_text() for t in ax.texts)
    assert not figure.legends
    assert (
        "budget_per_victim"
        not in inspect.signature(study_figures.plot_funding_per_victim).parameters
    )


def test_funding_per_victim_draws_on_given_axes():
    figure = Figure()
    pair = tuple(figure.subplots(1, 2))
    table = currency.usd_at_annual_average(PER_VICTIM, RATES)
    assert study_figures.plot_funding_per_victim(table, axes=pair) is figure


def test_a_question_with_nothing_reported_has_no_bar_in_its_legend(options):
    nothing = options.assign(reported_percent=np.nan, range_low=0.0, range_high=100.0)
    figure = audit_figures.plot_survey_question(nothing, title="Q?", n=9, reconstructions=10)
    ax = figure.axes[0]
    assert not [p for p in ax.patches if isinstance(p, Rectangle)]
    _, segments = _ranges(ax)
    np.testing.assert_allclose(segments, [(0.0, 0.0, 100.0), (1.0, 0.0, 100.0), (2.0, 0.0, 100.0)])
    assert [t.get_text() for t in figure.legends[0].get_texts()] == [
        "not reported: range over the 10 reconstructions at n = 9"
    ]

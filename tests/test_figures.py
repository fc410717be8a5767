import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis_utils import figures


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


def test_reported_values_are_bars_and_unreported_ones_are_ranges(options):
    figure = figures.plot_survey_question(options, title="Q?", n=9, reconstructions=21)
    ax = figure.axes[0]
    solid, counted, hatched = ax.containers
    assert len(counted) == 0
    assert [b.get_height() for b in solid] == [44.0]
    assert [b.get_x() + b.get_width() / 2 for b in solid] == pytest.approx([1.0])
    spans = [v for b in hatched for v in (b.get_y(), b.get_y() + b.get_height())]
    assert spans == pytest.approx([0.0, 55.6, 10.0, 30.0])
    assert all(b.get_hatch() == "///" for b in hatched)
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == [
        "reported in the article",
        "not reported: range over the 21 reconstructions at n = 9",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()][1] == "b) two"


def test_counted_values_are_bars_and_withheld_ones_are_ranges(options):
    counted_options = options.assign(
        reported_percent=np.nan,
        range_low=[62.5, 25.0, 0.0],
        range_high=[62.5, 37.5, 12.5],
        status=["recomputed", "suppressed", "suppressed"],
    )
    figure = figures.plot_survey_question(counted_options, title="Q?", n=8, reconstructions=2)
    ax = figure.axes[0]
    solid, counted, hatched = ax.containers
    assert len(solid) == 0
    assert [b.get_height() for b in counted] == [62.5]
    spans = [v for b in hatched for v in (b.get_y(), b.get_y() + b.get_height())]
    assert spans == pytest.approx([25.0, 37.5, 0.0, 12.5])
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["62.5 %", "withheld", "withheld"]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == [
        "counted from the answers (n = 8)",
        "withheld (small count): range over the 2 reconstructions at n = 8",
    ]
    stated = figures.plot_survey_question(
        counted_options, title="Q?", n=8, reconstructions=2, min_cell=5
    )
    assert [t.get_text() for t in stated.legends[0].get_texts()][1] == (
        "withheld (a count below 5, or revealing one): range over the 2 reconstructions at n = 8"
    )


def test_the_funding_figure_is_in_manat_with_ranges(funding):
    figure = figures.plot_funding(funding, rate_text="0.80 AZN/USD")
    ax = figure.axes[0]
    widths = sorted(p.get_width() for p in ax.patches if p.get_width() > 1)
    assert widths == [52000.0, 80000.0]
    assert "0.80 AZN/USD" in ax.get_xlabel()
    assert "132,000 AZN" in ax.get_title()
    assert "61% international" in ax.get_title()


def test_the_feasibility_figure_marks_possible_sizes(feasibility):
    figure = figures.plot_feasible_sizes(feasibility, stated_n=4, joint_sizes=[3], n_shown=4)
    ax = figure.axes[0]
    (points,) = ax.collections
    assert points.get_offsets().tolist() == [[3.0, 0.0]]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["67 %  (p)", "78 %  (q)"]
    assert any(line.get_xdata()[0] == 4 for line in ax.lines)


def test_plots_draw_on_a_given_axes(options):
    figure = Figure()
    ax = figure.add_subplot()
    assert figures.plot_survey_question(options, title="Q", n=9, reconstructions=1, ax=ax) is figure


PLOTS = {
    "survey": lambda o, f, s: figures.plot_survey_question(o, title="Q", n=9, reconstructions=21),
    "funding": lambda o, f, s: figures.plot_funding(f, rate_text="0.80 AZN/USD"),
    "feasible": lambda o, f, s: figures.plot_feasible_sizes(s, stated_n=4, joint_sizes=[3]),
    "victims": lambda o, f, s: figures.plot_victims_by_form(
        pd.DataFrame(
            {"female sex trafficking": [69, 66], "male forced labour": [1, 5]}, index=[2016, 2017]
        )
    ),
    "per_victim": lambda o, f, s: figures.plot_funding_per_victim(
        pd.DataFrame(
            {
                "year": [2015, 2016],
                "funding_azn": [109000.0, 154000.0],
                "victims": [63.0, 70.0],
                "azn_per_victim": [1730.2, 2200.0],
            }
        ),
        budget_per_victim=5900.0,
    ),
}


@pytest.mark.parametrize("kind", ["svg", "png"])
@pytest.mark.parametrize("plot", sorted(PLOTS))
def test_rendering_twice_gives_identical_bytes(options, funding, feasibility, plot, kind):
    first = figures.figure_bytes(PLOTS[plot](options, funding, feasibility), kind)
    second = figures.figure_bytes(PLOTS[plot](options, funding, feasibility), kind)
    assert first == second
    if kind == "svg":
        assert b"<dc:date>" not in first
    else:
        assert b"Software" not in first


def test_save_writes_svg_and_png(tmp_path, options):
    figure = figures.plot_survey_question(options, title="Q", n=9, reconstructions=21)
    written = figures.save(figure, tmp_path, "fig1_test")
    assert [p.name for p in written] == ["fig1_test.svg", "fig1_test.png"]
    assert written[0].read_bytes().startswith(b"<?xml")
    assert written[1].read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="format"):
        figures.figure_bytes(figure, "gif")


def test_victims_by_form_stacks_the_counts():
    counts = pd.DataFrame(
        {"female sex trafficking": [69.0, 66.0], "male forced labour": [1.0, 5.0]},
        index=[2016, 2017],
    )
    ax = figures.plot_victims_by_form(counts).axes[0]
    first, second = ax.containers
    assert [b.get_height() for b in first] == [69.0, 66.0]
    assert [(b.get_y(), b.get_height()) for b in second] == [(69.0, 1.0), (66.0, 5.0)]
    assert [t.get_text() for t in ax.texts] == ["70", "71"]


def test_funding_per_victim_bars_and_the_budget_line():
    table = pd.DataFrame(
        {
            "year": [2015, 2016],
            "funding_azn": [109000.0, 154000.0],
            "victims": [63.0, 70.0],
            "azn_per_victim": [1730.2, 2200.0],
        }
    )
    ax = figures.plot_funding_per_victim(table, budget_per_victim=5900.0).axes[0]
    assert [b.get_height() for b in ax.containers[0]] == [1730.2, 2200.0]
    assert ax.lines[0].get_ydata()[0] == 5900.0

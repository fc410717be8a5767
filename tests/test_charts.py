"""Charts of the survey tables on the 1996 ANES: structure, drawn values, byte-identical output."""

import numpy as np
import pandas as pd
import pytest
from anes import answers, documented
from matplotlib.figure import Figure

from analysis_utils.core.plotting import figure_bytes
from analysis_utils.survey import charts, crosstables, frequencies

DATA = answers()
LABELS = documented()[1]


def test_frequencies_bars_are_the_valid_percents_with_their_intervals():
    table = frequencies.frequency_table(DATA["PID"], labels=LABELS["PID"])
    figure = charts.plot_frequencies(table)
    ax = figure.axes[0]
    widths = [p.get_width() for p in ax.patches]  # long labels: horizontal bars
    np.testing.assert_allclose(widths, table.table["valid_percent"])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(LABELS["PID"].values())
    assert ax.get_xlim()[1] < 50  # not forced to 100 %
    (error,) = [c for c in ax.containers if hasattr(c, "has_xerr") and c.has_xerr]
    segments = error.lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], table.table["ci_low"])
    np.testing.assert_allclose([s[1][0] for s in segments], table.table["ci_high"])
    assert figure_bytes(figure, "svg", salt="test") == figure_bytes(
        charts.plot_frequencies(table), "svg", salt="test"
    )


def test_short_labels_and_few_options_stand_upright():
    table = frequencies.frequency_table(DATA["vote"], labels=LABELS["vote"])
    ax = charts.plot_frequencies(table).axes[0]
    np.testing.assert_allclose([p.get_height() for p in ax.patches], table.table["valid_percent"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Clinton", "Dole"]


def test_missing_rows_are_not_drawn_and_labels_are_plain_text():
    vote = DATA["vote"].map({0: "$Clinton$", 1: "Dole"})  # a label a student might write
    table = frequencies.frequency_table(vote.where(DATA["age"] >= 25))
    figure = charts.plot_frequencies(table, horizontal=True, ax=None)
    ax = figure.axes[0]
    assert len(ax.patches) == 2
    assert all(not t.get_parse_math() for t in ax.get_yticklabels())


def test_long_labels_are_wrapped_and_a_given_axes_is_drawn_on():
    table = crosstables.crosstable(DATA["PID"], DATA["vote"], row_labels=LABELS["PID"])
    figure = Figure()
    ax = figure.add_subplot()
    assert charts.plot_crosstable(table, ax=ax, wrap=12) is figure
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[2] == "Independent-\nDemocrat"
    assert len(ax.patches) == 14
    with pytest.raises(ValueError, match="percent must be"):
        charts.plot_crosstable(table, percent="total")


def test_stacked_row_percents_add_up_to_100_per_group():
    table = crosstables.crosstable(DATA["educ"], DATA["vote"], row_labels=LABELS["educ"])
    ax = charts.plot_crosstable(table, stacked=True).axes[0]
    ends = pd.DataFrame(
        [(p.get_y(), p.get_x() + p.get_width()) for p in ax.patches], columns=["y", "end"]
    )
    np.testing.assert_allclose(ends.groupby("y")["end"].max(), 100)


def test_several_grouping_questions_are_one_panel_each():
    tables = crosstables.crosstables(DATA, "vote", ["educ", "PID"], labels=LABELS)
    figure = charts.plot_crosstables(tables)
    assert len(figure.axes) == 2
    for ax, table in zip(figure.axes, tables.values(), strict=True):
        drawn = [p.get_width() for p in ax.patches]
        np.testing.assert_allclose(drawn, table.row_percent.to_numpy().T.ravel())
        assert table.row_name in ax.get_title()
    assert figure_bytes(figure, "svg", salt="test") == figure_bytes(
        charts.plot_crosstables(tables), "svg", salt="test"
    )
    with pytest.raises(ValueError, match="no crosstab"):
        charts.plot_crosstables({})

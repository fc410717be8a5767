"""Crosstabs and their cell suppression: no withheld cell can be recomputed from what is published.

Answers and tables are made up for the tests (never data of any study).
"""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from surveys import write_rows

from analysis_utils.survey import crosstab, disclosure, read, suppression, tabulate
from analysis_utils.survey.format import NO_ANSWER


def test_suppression_by_hand():
    # Totals: rows 24, 28, 33; columns 17, 25, 43; all >= 5, all published.
    # 1. 2 < 5 is withheld.  2. Row 0 withholds only 2 (< 5): its smallest published
    # non-zero cell, 10, too.  3. Column 0 withholds only 2: its smallest, 7 (not 8).
    # 4. The withheld cells (0,0) (0,1) (2,0) form a path row0-col0-row2, col1-row0: every
    # one a bridge. The first, (0,0), separates {row0, col1} from {col0, row2}; the one
    # published cell joining them is (2,1) = 6, withheld: a cycle row0-col0-row2-col1.
    table = np.array([[2, 10, 12], [8, 9, 11], [7, 6, 20]])
    result = suppression.suppress_table(table, min_cell=5)
    assert result.cells.astype(int).tolist() == [[1, 1, 0], [0, 0, 0], [1, 1, 0]]
    assert not any(result.rows)
    assert not any(result.columns)
    # Around the cycle, x00 = 2 + t, x01 = 10 - t, x20 = 7 - t, x21 = 6 + t with every
    # cell >= 0: -2 <= t <= 7. So x00 in [0, 9], x01 in [3, 12], x20 in [0, 9], x21 in [4, 13].
    bounds = suppression.protection_intervals(table, result)
    assert bounds[0, 0].tolist() == [0, 9]
    assert bounds[0, 1].tolist() == [3, 12]
    assert bounds[2, 0].tolist() == [0, 9]
    assert bounds[2, 1].tolist() == [4, 13]
    assert np.isnan(bounds[1]).all()


def test_two_withheld_cells_in_every_line_are_not_enough():
    # Two 2x2 blocks of withheld cells joined by one more, (0, 2): every row and column
    # with a withheld cell has two or more, yet (0, 2) is on no cycle. Adding the equations
    # of rows 0 and 1 and subtracting those of columns 0 and 1 leaves (0, 2) alone: 20.
    table = np.full((4, 4), 20)
    hidden = np.zeros((4, 4), dtype=bool)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]:
        hidden[i, j] = True
    by_lines = suppression.TableSuppression(hidden, (False,) * 4, (False,) * 4)
    bounds = suppression.protection_intervals(table, by_lines)
    assert bounds[0, 2].tolist() == [20, 20]
    assert (bounds[0, 0, 1] - bounds[0, 0, 0]) >= 1


def _brute_force_bounds(table, result):
    """Smallest and largest value of each withheld cell over every consistent integer table."""
    free = list(zip(*np.nonzero(result.cells), strict=True))
    n = int(table.sum())
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    values = np.array(list(itertools.product(range(n + 1), repeat=len(free))), dtype=np.int64)
    candidate = np.repeat(table[None, :, :], len(values), axis=0)
    for index, (i, j) in enumerate(free):
        candidate[:, i, j] = values[:, index]
    keep = candidate.sum(axis=(1, 2)) == n
    for axis, margin, withheld in ((2, rows, result.rows), (1, columns, result.columns)):
        sums = candidate.sum(axis=axis)
        for k, h in enumerate(withheld):
            if not h:
                keep &= sums[:, k] == margin[k]
    feasible = values[keep]
    return {cell: (feasible[:, i].min(), feasible[:, i].max()) for i, cell in enumerate(free)}


small_tables = st.integers(1, 3).flatmap(
    lambda r: st.integers(2, 3).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(0, 3), min_size=c, max_size=c), min_size=r, max_size=r
        )
    )
)


@pytest.mark.heavy
@settings(max_examples=60, deadline=None)
@given(small_tables, st.data())
def test_the_linear_programme_agrees_with_brute_force(rows, data):
    table = np.array(rows)
    cells = np.array(
        data.draw(st.lists(st.booleans(), min_size=table.size, max_size=table.size))
    ).reshape(table.shape)
    if cells.sum() > 4:
        return
    withheld_rows = tuple(
        data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    )
    withheld_columns = tuple(
        data.draw(st.lists(st.booleans(), min_size=table.shape[1], max_size=table.shape[1]))
    )
    result = suppression.TableSuppression(cells, withheld_rows, withheld_columns)
    bounds = suppression.protection_intervals(table, result)
    for (i, j), (low, high) in _brute_force_bounds(table, result).items():
        assert bounds[i, j].tolist() == [low, high]


counts_tables = st.integers(1, 4).flatmap(
    lambda r: st.integers(1, 4).flatmap(
        lambda c: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.sampled_from([0, 1, 2, 9, 30])),
                min_size=c,
                max_size=c,
            ),
            min_size=r,
            max_size=r,
        )
    )
)


@pytest.mark.heavy
@settings(max_examples=150, deadline=None)
@given(counts_tables, st.integers(1, 6))
def test_no_withheld_cell_can_be_recomputed_from_published_cells_and_totals(rows, min_cell):
    table = np.array(rows)
    if table.size == 1:  # one cell is the grand total, which is published
        return
    result = suppression.suppress_table(table, min_cell=min_cell)
    # primary suppression, and totals as survey_items.csv withholds them
    assert result.cells[(table > 0) & (table < min_cell)].all()
    assert list(result.rows) == disclosure.suppress(
        table.sum(axis=1).tolist(), min_cell=min_cell, complete=True
    )
    assert list(result.columns) == disclosure.suppress(
        table.sum(axis=0).tolist(), min_cell=min_cell, complete=True
    )
    # every withheld cell takes at least two values in integer tables with the same
    # published cells and totals (the bounds are reached by integer tables)
    bounds = suppression.protection_intervals(table, result)
    width = bounds[..., 1] - bounds[..., 0]
    assert (width[result.cells] >= 1).all(), (table.tolist(), result.cells.astype(int).tolist())
    # where a row or column total is published, its withheld cells add up to 0 or to
    # min_cell or more, unless no published non-zero cell is left in it
    for axis, withheld in ((1, result.rows), (0, result.columns)):
        for k, h in enumerate(withheld):
            line = np.take(table, k, axis=1 - axis)
            mask = np.take(result.cells, k, axis=1 - axis)
            total = int(line[mask].sum())
            if not h and 0 < total < min_cell:
                assert not (line[~mask] > 0).any()
    # deterministic
    again = suppression.suppress_table(table, min_cell=min_cell)
    assert (again.cells == result.cells).all()


def test_a_one_row_table_is_the_one_way_rule():
    result = suppression.suppress_table([[3, 4, 10]], min_cell=5)
    assert result.cells.tolist() == [[True, True, False]]
    assert list(result.columns) == [True, True, False]


@pytest.mark.parametrize(
    ("counts", "min_cell", "message"),
    [
        ([[1, 2], [3, 4]], 0, "min_cell must be at least 1"),
        ([1, 2, 3], 5, "a two-way table"),
        ([[1, -2], [3, 4]], 5, "whole numbers >= 0"),
        ([[1.5, 2], [3, 4]], 5, "whole numbers >= 0"),
    ],
)
def test_bad_tables_are_refused(counts, min_cell, message):
    with pytest.raises(ValueError, match=message):
        suppression.suppress_table(counts, min_cell=min_cell)


QUESTIONS = [
    ["question_id", "position", "question_text", "choice"],
    ["sector", "1", "Where you work", "single"],
    ["agree", "2", "Victims get the help they need", "single"],
    ["help", "3", "Kinds of help given", "multiple"],
]
OPTIONS = [
    ["question_id", "option_code", "option_label"],
    ["sector", "ngo", "NGO"],
    ["sector", "gov", "Government"],
    ["agree", "no", "Disagree"],
    ["agree", "neutral", "Neither"],
    ["agree", "yes", "Agree"],
    ["help", "shelter", "Shelter"],
    ["help", "legal", "Legal aid"],
]
#: sector x agree: ngo 2 no, 8 neutral, 10 yes; gov 6 no, 7 neutral, 3 yes; one gov
#: respondent left agree blank, one left sector blank and agreed.
ANSWERS = (
    [("ngo", "no")] * 2
    + [("ngo", "neutral")] * 8
    + [("ngo", "yes")] * 10
    + [("gov", "no")] * 6
    + [("gov", "neutral")] * 7
    + [("gov", "yes")] * 3
    + [("gov", ""), ("", "yes")]
)


@pytest.fixture
def survey(tmp_path):
    folder = tmp_path / "likert"
    folder.mkdir()
    write_rows(folder / "questions.csv", QUESTIONS)
    write_rows(folder / "options.csv", OPTIONS)
    write_rows(
        folder / "responses.csv",
        [["respondent_id", "sector", "agree", "help"]]
        + [[f"r{i:02d}", s, a, "shelter"] for i, (s, a) in enumerate(ANSWERS, start=1)],
    )
    return read.read(folder)


def test_crosstab_counts_by_hand(survey):
    table = crosstab.crosstab(survey, "agree", "sector", min_cell=1)
    assert table.rows == ("ngo", "gov", NO_ANSWER)
    assert table.columns == ("no", "neutral", "yes", NO_ANSWER)
    assert table.counts.tolist() == [[2, 8, 10, 0], [6, 7, 3, 1], [0, 0, 1, 0]]
    long = table.table().set_index(["group_option", "option_code"])
    # row shares: ngo 10 of 20 agree; gov 3 of 17; totals: 38 respondents, 14 agree
    assert long.loc[("ngo", "yes"), "row_share"] == 10 / 20
    assert long.loc[("gov", "yes"), "row_share"] == 3 / 17
    assert long.loc[(crosstab.TOTAL, crosstab.TOTAL), "count"] == 38
    assert long.loc[(crosstab.TOTAL, "yes"), "row_share"] == 14 / 38
    assert long.loc[("gov", crosstab.TOTAL), "row_share"] == 1.0
    assert long.loc[("ngo", "no"), "option_label"] == "Disagree"
    assert long.loc[(NO_ANSWER, "yes"), "group_label"] == "no answer"


def test_a_group_s_answers_leave_the_blanks_out(survey):
    table = crosstab.crosstab(survey, "agree", "sector")
    assert table.answers("gov") == [6, 7, 3]
    assert table.answers(NO_ANSWER) == [0, 0, 1]
    with pytest.raises(ValueError, match="'civil' is not an option of 'sector'"):
        table.answers("civil")


def test_crosstab_withholds_cells_and_its_totals_agree_with_survey_items(survey):
    table = crosstab.crosstab(survey, "agree", "sector", min_cell=5)
    long = table.table().set_index(["group_option", "option_code"])
    # The 2 NGO staff who disagree are withheld, so is what would tell them.
    assert long.loc[("ngo", "no"), "status"] == "suppressed"
    assert pd.isna(long.loc[("ngo", "no"), "count"])
    assert np.isnan(long.loc[("ngo", "no"), "row_share"])
    bounds = suppression.protection_intervals(table.counts, table.suppression)
    assert ((bounds[..., 1] - bounds[..., 0])[table.suppression.cells] >= 1).all()
    # The totals are the counts survey_items.csv gives, withheld where it withholds them.
    items = tabulate.items(survey, min_cell=5).set_index(["question_id", "option_code"])
    for question, codes, margin in (
        ("agree", table.columns, [(crosstab.TOTAL, c) for c in table.columns]),
        ("sector", table.rows, [(g, crosstab.TOTAL) for g in table.rows]),
    ):
        published = items.loc[[(question, c) for c in codes], "count"].tolist()
        ours = long.loc[margin, "count"].tolist()
        assert [None if pd.isna(x) else int(x) for x in ours] == [
            None if pd.isna(x) else int(x) for x in published
        ]


def test_a_row_share_is_withheld_with_its_row_total(survey):
    table = crosstab.crosstab(survey, "agree", "sector", min_cell=5)
    long = table.table()
    cells = long[(long["group_option"] != crosstab.TOTAL) & (long["option_code"] != crosstab.TOTAL)]
    totals = long[long["option_code"] == crosstab.TOTAL].set_index("group_option")["status"]
    for row in cells.itertuples():
        published = row.status == "shown" and totals[row.group_option] == "shown"
        assert np.isnan(row.row_share) != published


def test_weighted_row_shares_by_hand(survey):
    # NGO staff weigh 2, government staff 1, the respondent without a sector 1.
    weights = [2.0 if s == "ngo" else 1.0 for s, _ in ANSWERS]
    table = crosstab.crosstab(survey, "agree", "sector", min_cell=1, weights=weights)
    long = table.table().set_index(["group_option", "option_code"])
    # within a group every weight is equal: the weighted row share is the row share
    assert long.loc[("ngo", "yes"), "weighted_row_share"] == 20 / 40
    # all respondents: weights 40 (NGO) + 17 (government) + 1 = 58; agree 2*10 + 3 + 1 = 24
    assert long.loc[(crosstab.TOTAL, "yes"), "weighted_row_share"] == pytest.approx(24 / 58)
    unweighted = crosstab.crosstab(survey, "agree", "sector", min_cell=1).table()
    assert unweighted["weighted_row_share"].isna().all()


def test_what_is_withheld_does_not_depend_on_the_weights(survey):
    plain = crosstab.crosstab(survey, "agree", "sector", min_cell=5)
    weighted = crosstab.crosstab(
        survey, "agree", "sector", min_cell=5, weights=np.linspace(0.5, 3, len(ANSWERS))
    )
    assert (plain.suppression.cells == weighted.suppression.cells).all()
    assert plain.table()["count"].equals(weighted.table()["count"])
    hidden = weighted.table()["status"] == "suppressed"
    assert weighted.table().loc[hidden, "weighted_row_share"].isna().all()


@pytest.mark.parametrize(
    ("question", "group", "weights", "message"),
    [
        ("help", "sector", None, "multiple choice; a crosstab needs single-choice"),
        ("agree", "agree", None, "both 'agree'"),
        ("agree", "nope", None, "no question 'nope'"),
        ("agree", "sector", [1.0, 2.0], "weights must be 38 finite numbers"),
        ("agree", "sector", [-1.0] * 38, "weights must be 38 finite numbers"),
    ],
)
def test_bad_crosstabs_are_refused(survey, question, group, weights, message):
    with pytest.raises(ValueError, match=message):
        crosstab.crosstab(survey, question, group, weights=weights)

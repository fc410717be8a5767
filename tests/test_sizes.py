"""Feasible sample sizes in bulk against granularity.consistent_sizes, chunk size aside."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_utils.audit import granularity, sizes, vectorised
from analysis_utils.audit.reported import read_reported


def _intervals(values, rounding="up_or_down", percent=True):
    read = read_reported(values)
    size = len(values)
    return vectorised.intervals(
        read.units,
        read.decimals,
        percent=np.full(size, percent),
        rounding=np.full(size, granularity.ROUNDINGS.index(rounding)),
        threshold=np.full(size, 5),
    )


def _listed(runs, owner):
    chosen = runs.owner == owner
    return [
        n
        for first, last in zip(runs.first[chosen], runs.last[chosen], strict=True)
        for n in range(int(first), int(last) + 1)
    ]


def _joint(values, lo, hi, *, rounding, complete, chunk):
    size = len(values)
    pieces = sizes.Pieces(
        owner=np.array([0]),
        lowest=np.array([lo]),
        highest=np.array([hi]),
        members=np.arange(size),
        start=np.array([0, size]),
    )
    runs = sizes.feasible(
        _intervals(values, rounding),
        pieces,
        items=np.ones(size, np.int64),
        breakdown=np.zeros(size, np.int64) if complete else None,
        chunk=chunk,
    )
    return _listed(sizes.merged(runs), 0)


percentages = st.builds(
    lambda u, d: str(u) if d == 0 else f"{u // 10**d}.{u % 10**d:0{d}d}",
    st.integers(0, 100),
    st.just(0),
) | st.builds(lambda u: f"{u // 10}.{u % 10}", st.integers(0, 1000))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(percentages, min_size=1, max_size=6),
    st.integers(1, 60),
    st.integers(0, 150),
    st.sampled_from(granularity.ROUNDINGS),
    st.booleans(),
    st.sampled_from([1, 7, 64, 1 << 20]),
)
def test_joint_sizes_agree_with_consistent_sizes(values, lo, width, rounding, complete, chunk):
    expected = granularity.consistent_sizes(
        values, range(lo, lo + width + 1), rounding=rounding, complete=complete
    )
    got = _joint(values, lo, lo + width, rounding=rounding, complete=complete, chunk=chunk)
    assert got == expected


def test_the_article_s_percentages_jointly():
    # tests/test_granularity.py: the smallest n giving all five of the article's is 54
    values = ["67", "33", "78", "57", "44"]
    got = _joint(values, 1, 199, rounding="up_or_down", complete=False, chunk=1 << 20)
    assert got == granularity.consistent_sizes(values, range(1, 200))
    assert got[0] == 54


def test_complete_breakdowns_must_sum_to_n():
    assert _joint(["40", "40"], 5, 5, rounding="up_or_down", complete=False, chunk=10) == [5]
    assert _joint(["40", "40"], 5, 5, rounding="up_or_down", complete=True, chunk=10) == []
    assert _joint(["33", "33", "33"], 3, 3, rounding="up_or_down", complete=True, chunk=1) == [3]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(percentages, st.integers(1, 80), st.integers(0, 80)), min_size=1, max_size=30
    ),
    st.sampled_from([1, 5, 100, 1 << 20]),
)
def test_one_piece_per_value_agrees_with_the_scalar_test_at_every_size(rows, chunk):
    values = [v for v, _, _ in rows]
    lo = np.array([a for _, a, _ in rows])
    hi = lo + np.array([w for _, _, w in rows])
    runs = sizes.merged(
        sizes.feasible(
            _intervals(values),
            sizes.single(np.arange(len(rows)), lo, hi),
            items=np.ones(len(rows), np.int64),
            chunk=chunk,
        )
    )
    for row, value in enumerate(values):
        expected = [
            n for n in range(lo[row], hi[row] + 1) if granularity.grim(value, n, percent=True)
        ]
        assert _listed(runs, row) == expected


def test_runs_of_a_split_piece_are_merged():
    runs = sizes.Runs(np.array([0, 0, 1]), np.array([1, 5, 2]), np.array([4, 9, 2]))
    merged = sizes.merged(runs)
    assert merged.owner.tolist() == [0, 1]
    assert merged.first.tolist() == [1, 2]
    assert merged.last.tolist() == [9, 2]

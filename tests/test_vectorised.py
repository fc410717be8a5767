"""The vectorised GRIM test against the scalar one: same answers on every input."""

import numpy as np
import pytest
from grim_examples import WORKED_EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_utils.audit import granularity, vectorised
from analysis_utils.audit.reported import read_reported


def _text(units, decimals, negative=False):
    sign = "-" if negative and units else ""
    if not decimals:
        return f"{sign}{units}"
    return f"{sign}{units // 10**decimals}.{units % 10**decimals:0{decimals}d}"


def _vector(values, n, **kwargs):
    lowest, highest = vectorised.matching_counts(values, n, **kwargs)
    return [
        range(int(lo), int(hi) + 1) if lo <= hi else range(0)
        for lo, hi in zip(lowest, highest, strict=True)
    ]


# the worked examples of the scalar tests (tests/grim_examples.py) and one of anti_trunc
EXAMPLES = [*WORKED_EXAMPLES, ("0.5", 10, {"rounding": "anti_trunc"}, True)]


@pytest.mark.parametrize(("x", "n", "kwargs", "expected"), EXAMPLES)
def test_the_worked_examples_agree_with_the_scalar_test(x, n, kwargs, expected):
    assert vectorised.grim([x], [n], **kwargs).tolist() == [expected]
    assert granularity.grim(x, n, **kwargs) is expected
    (counts,) = _vector([x], [n], **kwargs)
    assert list(counts) == list(granularity.matching_counts(x, n, **kwargs))


def test_the_worked_examples_at_once():
    for kwargs in ({}, {"percent": True}):
        chosen = [(x, n, e) for x, n, k, e in EXAMPLES if k == kwargs]
        values, sizes, expected = zip(*chosen, strict=True)
        assert vectorised.grim(list(values), list(sizes), **kwargs).tolist() == list(expected)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, 3),
    st.data(),
    st.integers(1, 400),
    st.integers(1, 3),
    st.sampled_from(granularity.ROUNDINGS),
    st.sampled_from([1, 3, 5, 7, 9]),
    st.booleans(),
)
def test_means_agree_with_the_scalar_path(decimals, data, n, items, rounding, threshold, neg):
    units = data.draw(st.integers(0, 5000 * 10**decimals))
    x = _text(units, decimals, neg)
    (vector,) = _vector([x], [n], items=items, rounding=rounding, threshold=threshold)
    scalar = granularity.matching_counts(x, n, items=items, rounding=rounding, threshold=threshold)
    assert list(vector) == list(scalar)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, 3),
    st.data(),
    st.integers(1, 2000),
    st.sampled_from(granularity.ROUNDINGS),
    st.sampled_from([1, 3, 5, 7, 9]),
)
def test_percentages_agree_with_the_scalar_path(decimals, data, n, rounding, threshold):
    x = _text(data.draw(st.integers(0, 100 * 10**decimals)), decimals)
    (vector,) = _vector([x], [n], percent=True, rounding=rounding, threshold=threshold)
    scalar = granularity.matching_counts(x, n, percent=True, rounding=rounding, threshold=threshold)
    assert list(vector) == list(scalar)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 10**5), st.integers(1, 10**4)),
        min_size=1,
        max_size=60,
    ),
    st.lists(st.sampled_from(granularity.ROUNDINGS), min_size=60, max_size=60),
)
def test_a_batch_of_mixed_roundings_agrees_value_by_value(rows, roundings):
    values = [_text(min(u, 100 * 10**d), d) for d, u, _ in rows]
    sizes = [n for _, _, n in rows]
    chosen = roundings[: len(rows)]
    got = vectorised.grim(values, sizes, percent=True, rounding=chosen)
    expected = [
        granularity.grim(x, n, percent=True, rounding=r)
        for x, n, r in zip(values, sizes, chosen, strict=True)
    ]
    assert got.tolist() == expected


@settings(max_examples=60, deadline=None)
@given(
    st.integers(10, 15),
    st.data(),
    st.integers(10**8, 10**9),
    st.sampled_from(granularity.ROUNDINGS),
)
def test_products_beyond_int64_take_the_exact_python_path(decimals, data, n, rounding):
    # 15 decimals of a mean of 100 at n = 10**9: the products pass 2**62
    x = _text(data.draw(st.integers(0, 99 * 10**decimals)), decimals)
    (vector,) = _vector([x], [n], rounding=rounding)
    assert list(vector) == list(granularity.matching_counts(x, n, rounding=rounding))


def test_a_count_beyond_int64_comes_back_as_a_python_integer():
    x = "12345678901234567"  # a mean of 17 digits from a billion answers
    lowest, highest = vectorised.matching_counts([x], [10**9])
    scalar = granularity.matching_counts(x, 10**9)
    assert (int(lowest[0]), int(highest[0])) == (scalar.start, scalar.stop - 1)


def test_below_cells_are_shares_strictly_between_0_and_the_bound():
    read = read_reported(["<1", "<1", "< 0.5 %"])
    iv = vectorised.intervals(
        read.units,
        read.decimals,
        percent=np.ones(3, bool),
        rounding=np.zeros(3, np.int64),
        threshold=np.full(3, 5),
        below=read.below,
    )
    lowest, highest = vectorised.count_bounds(iv, np.arange(3), np.array([100, 101, 400]))
    # 1 of 100 is 1 %, not below it; 1 of 101 is 0.99 %; 1 of 400 is 0.25 %
    assert list(zip(lowest.tolist(), highest.tolist(), strict=True)) == [(1, 0), (1, 1), (1, 1)]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: vectorised.grim(["101"], [9], percent=True), "between 0 and 100"),
        (lambda: vectorised.grim(["44"], [0], percent=True), "positive"),
        (lambda: vectorised.grim(["forty"], [9]), "not a plain decimal"),
        (lambda: vectorised.grim(["44"], [9], rounding="bankers"), "unknown rounding"),
        (lambda: vectorised.grim(["44"], [9], threshold=10), "threshold"),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2), st.data(), st.integers(1, 3000))
def test_below_cells_agree_with_a_search_over_counts(decimals, data, n):
    bound = data.draw(st.integers(1, 100 * 10**decimals))
    text = "<" + _text(bound, decimals)
    read = read_reported([text])
    iv = vectorised.intervals(
        read.units,
        read.decimals,
        percent=np.ones(1, bool),
        rounding=np.zeros(1, np.int64),
        threshold=np.full(1, 5),
        below=read.below,
    )
    lowest, highest = vectorised.count_bounds(iv, np.arange(1), np.array([n]))
    share = granularity.parse_reported(_text(bound, decimals))
    expected = [k for k in range(n + 1) if 0 < 100 * k < share * n]
    got = list(range(int(lowest[0]), int(highest[0]) + 1))
    assert got == expected

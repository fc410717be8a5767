import math
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from grim_examples import WORKED_EXAMPLES
from hypothesis import assume, given
from hypothesis import strategies as st

from analysis_utils.audit import granularity


# Worked examples. scrutiny's grim() documentation (R/grim.R, @examples), which
# reproduces the running example of Brown & Heathers (2017), "The GRIM test",
# Social Psychological and Personality Science 8(4): a mean of 5.19 cannot come
# from 28 integers but can from 32; a two-item scale; a percentage.
@pytest.mark.parametrize(("x", "n", "kwargs", "expected"), WORKED_EXAMPLES)
def test_worked_examples(x, n, kwargs, expected):
    assert granularity.grim(x, n, **kwargs) is expected


@pytest.mark.parametrize(
    ("percents", "smallest"),
    [
        (["67"], 3),
        (["33"], 3),
        (["78"], 9),
        (["57"], 7),
        (["44"], 9),
        (["50"], 2),
        (["67", "33", "78", "44"], 9),
        (["67", "33", "78", "57", "44"], 54),
    ],
)
def test_smallest_consistent_sample_sizes(percents, smallest):
    assert granularity.consistent_sizes(percents, range(1, 200))[0] == smallest


def test_complete_breakdown_must_sum_to_n():
    # 33 % + 33 % + 33 % of 3 is fine; 40 % + 40 % of 5 cannot be complete
    assert granularity.consistent_sizes(["33", "33", "33"], [3], complete=True) == [3]
    assert granularity.consistent_sizes(["40", "40"], [5]) == [5]
    assert granularity.consistent_sizes(["40", "40"], [5], complete=True) == []


def test_subgroup_sizes():
    assert granularity.subgroup_sizes("57", 9) == [7]
    assert granularity.subgroup_sizes("50", 6) == [2, 4, 6]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: granularity.grim("101", 9, percent=True), "between 0 and 100"),
        (lambda: granularity.grim("-1", 9, percent=True), "between 0 and 100"),
        (lambda: granularity.grim("44", 0, percent=True), "positive integer"),
        (lambda: granularity.grim("44", 9, items=0), "items"),
        (lambda: granularity.grim("44", 9, rounding="bankers"), "unknown rounding 'bankers'"),
        (lambda: granularity.grim("forty", 9), "not a decimal number"),
        (lambda: granularity.grim("1e2", 9), "plain decimal"),
        (lambda: granularity.grim(44, 9), "must be a string"),
        (lambda: granularity.grim("44", 9, rounding="up_from", threshold=10), "threshold"),
        (lambda: granularity.consistent_sizes(["44"], [0]), "positive integer"),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _brute(x, n, items, percent, rounding, threshold=5):
    value = granularity.parse_reported(x)
    digits = granularity.decimal_places(x)
    if percent:
        value, digits = value / 100, digits + 2
    total = n * items
    reach = total * Fraction(1, 10**digits) + 2
    lo, hi = math.floor(value * total - reach), math.ceil(value * total + reach)
    if percent:
        lo, hi = max(lo, 0), min(hi, total)
    return [
        k
        for k in range(lo, hi + 1)
        if value
        in granularity.reround(Fraction(k, total), digits, rounding=rounding, threshold=threshold)
    ]


reported = st.builds(
    lambda units, decimals, digits: (
        f"{units}.{str(decimals).zfill(digits)}" if digits else str(units)
    ),
    st.integers(0, 100),
    st.integers(0, 999),
    st.integers(0, 3),
).filter(lambda s: len(s.split(".")[-1]) <= 3)


@given(
    reported,
    st.integers(1, 120),
    st.integers(1, 3),
    st.sampled_from(granularity.ROUNDINGS),
    st.sampled_from([1, 3, 5, 7, 9]),
)
def test_grim_agrees_with_a_brute_force_search_over_k(x, n, items, rounding, threshold):
    brute = _brute(x, n, items, False, rounding, threshold)
    counts = granularity.matching_counts(x, n, items=items, rounding=rounding, threshold=threshold)
    assert list(counts) == brute
    assert granularity.grim(x, n, items=items, rounding=rounding, threshold=threshold) is bool(
        brute
    )


@given(
    st.integers(0, 100),
    st.integers(0, 2),
    st.integers(1, 300),
    st.sampled_from(granularity.ROUNDINGS),
)
def test_percent_counts_agree_with_brute_force(units, digits, n, rounding):
    x = f"{units}.{'0' * digits}" if digits else str(units)
    assume(Decimal(x) <= 100)
    assert list(granularity.matching_counts(x, n, percent=True, rounding=rounding)) == _brute(
        x, n, 1, True, rounding
    )


MODES = {
    "even": ROUND_HALF_EVEN,
    "ceiling": ROUND_CEILING,
    "floor": ROUND_FLOOR,
    "trunc": ROUND_DOWN,
}


@given(
    st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False),
    st.integers(0, 3),
    st.sampled_from(sorted(MODES)),
)
def test_single_roundings_agree_with_the_decimal_module(value, digits, rounding):
    (ours,) = granularity.reround(Fraction(value), digits, rounding=rounding)
    theirs = value.quantize(Decimal(1).scaleb(-digits), rounding=MODES[rounding])
    assert ours == Fraction(theirs)


@given(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False), st.integers(0, 2))
def test_up_and_down_break_ties_in_opposite_directions(value, digits):
    up, down = granularity.reround(Fraction(value), digits, rounding="up_or_down")
    step = Fraction(1, 10**digits)
    assert 0 <= up - down <= step
    assert abs(Fraction(value) - up) <= step / 2
    assert abs(Fraction(value) - down) <= step / 2


def test_anti_trunc_moves_values_on_the_grid_as_scrutiny_does():
    assert granularity.reround(Fraction("8.42"), 2, rounding="anti_trunc") == (Fraction("8.43"),)
    assert granularity.reround(Fraction("-8.421"), 2, rounding="anti_trunc") == (Fraction("-8.43"),)
    # the documented difference from scrutiny: 4/10 anti-truncates to 0.5
    assert granularity.grim("0.5", 10, rounding="anti_trunc")


def test_even_takes_only_the_even_neighbour_at_an_exact_tie():
    assert granularity.reround(Fraction("0.125"), 2, rounding="even") == (Fraction("0.12"),)
    assert granularity.reround(Fraction("0.135"), 2, rounding="even") == (Fraction("0.14"),)


def test_threshold_moves_the_switch_point():
    # scrutiny's examples for round_up_from(4.28, 1, threshold = 9 / 1)
    assert granularity.reround(Fraction("4.28"), 1, rounding="up_from", threshold=9) == (
        Fraction("4.2"),
    )
    assert granularity.reround(Fraction("4.28"), 1, rounding="up_from", threshold=1) == (
        Fraction("4.3"),
    )


def test_decimal_places_keep_trailing_zeros():
    assert [granularity.decimal_places(x) for x in ("44", "44.0", "5.19", "0.500")] == [0, 1, 2, 3]

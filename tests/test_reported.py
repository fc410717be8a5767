"""Reading printed values in bulk, against Decimal and granularity.decimal_places."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis_utils.audit import granularity
from analysis_utils.audit.reported import MAX_DECIMALS, MAX_DIGITS, read_reported


def test_values_keep_their_decimals():
    read = read_reported(
        ["44", "44.0", "5.19", " 0.500 ", "-.5", "+3", "5.", "67%", "<1", "< 0.5 %"]
    )
    assert read.units.tolist() == [44, 440, 519, 500, -5, 3, 5, 67, 1, 5]
    assert read.decimals.tolist() == [0, 1, 2, 3, 1, 0, 0, 0, 0, 1]
    assert read.below.tolist() == [False] * 8 + [True, True]
    assert not read.bad.any()


@pytest.mark.parametrize(
    "text", ["", "forty", "1,5", "1.2.3", "1e2", "--1", "12 3", "%", ".", "<", "1<", "nan"]
)
def test_what_is_not_a_printed_value_is_bad(text):
    read = read_reported([text, "44"])
    assert read.bad.tolist() == [True, False]


def test_more_digits_than_int64_holds_are_refused_unless_there_are_too_many_decimals():
    read = read_reported(["1" * (MAX_DIGITS + 1), "1" * MAX_DIGITS, "0." + "3" * 16])
    assert read.bad.tolist() == [True, False, False]
    assert read.too_long.tolist() == [True, False, False]
    assert read.decimals[2] == 16 > MAX_DECIMALS


@given(
    st.integers(-(10**12), 10**12),
    st.integers(0, 5),
)
def test_reading_agrees_with_the_scalar_reader(units, decimals):
    sign = "-" if units < 0 else ""
    digits = str(abs(units)).rjust(decimals + 1, "0")
    text = f"{sign}{digits[:-decimals]}.{digits[-decimals:]}" if decimals else f"{units}"
    read = read_reported([text])
    assert read.decimals[0] == granularity.decimal_places(text)
    value = Fraction(int(read.units[0]), 10 ** int(read.decimals[0]))
    assert value == granularity.parse_reported(text) == Fraction(Decimal(text))


def test_repeated_values_are_read_once_and_given_back_in_order():
    texts = ["50", "33.3", "50", "<1", "33.3"] * 3
    read = read_reported(texts)
    assert read.units.tolist() == [50, 333, 50, 1, 333] * 3

"""The code handling the survey analyses share, on the 1996 ANES (statsmodels' anes96)."""

import numpy as np
import pandas as pd
import pytest
from anes import answers, documented
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_utils.survey import coded

DATA = answers()
LABELS = documented()[1]


def test_codes_read_from_a_file_as_floats_are_the_labelled_codes():
    assert coded.plain(3.0) == 3
    assert isinstance(coded.plain(np.int64(3)), int)
    assert coded.plain(2.5) == 2.5
    assert coded.plain("a") == "a"
    as_read = DATA["PID"].astype(float)
    assert coded.valid_codes(as_read, labels=LABELS["PID"]) == list(LABELS["PID"])
    assert coded.label(4.0, LABELS["PID"]) == "Independent-Republican"
    assert coded.label(99, LABELS["PID"]) == "99"


def test_valid_codes_list_labelled_ones_first_then_the_others_given_in_order():
    educ = DATA["educ"]
    some = {k: v for k, v in LABELS["educ"].items() if k in (7, 3)}
    assert coded.valid_codes(educ, labels=some) == [3, 7, 1, 2, 4, 5, 6]
    assert coded.valid_codes(educ, labels=some, missing={1: "declared"}) == [3, 7, 2, 4, 5, 6]
    mixed = pd.Series(["b", 2, "a", 1, np.nan], dtype=object)
    assert coded.valid_codes(mixed) == [1, 2, "a", "b"]


def test_weights_align_on_the_index_and_unusable_ones_are_refused():
    w = pd.Series(np.arange(1.0, 945.0), index=DATA.index[::-1])
    np.testing.assert_array_equal(coded.weights_of(DATA["PID"], w), np.arange(944.0, 0, -1))
    for bad in (np.zeros(944), -np.ones(944), np.full(944, np.nan), np.ones(10)):
        with pytest.raises(ValueError, match="weights"):
            coded.weights_of(DATA["PID"], bad)
    with pytest.raises(ValueError, match="weights"):
        coded.weights_of(DATA["PID"], pd.Series([1.0], index=[0]))  # the others have none


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.integers(0, 943), max_size=200),
    declared=st.sets(st.integers(0, 6), max_size=3),
    blank=st.integers(19, 91),
)
def test_each_answer_is_valid_declared_missing_or_blank_exactly_once(rows, declared, blank):
    pid = DATA["PID"].iloc[rows].astype(float).where(DATA["age"].iloc[rows] >= blank)
    valid, kinds, blanks = coded.masks(pid, missing={k: "declared" for k in declared})
    assert (valid.astype(int) + kinds.astype(int) + blanks.astype(int) == 1).all()
    assert blanks.sum() == pid.isna().sum()
    assert kinds.sum() == pid.isin(list(declared)).sum()

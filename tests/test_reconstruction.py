import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_utils.audit import granularity, reconstruction


def _all(percents, n, **kwargs):
    chunks = list(reconstruction.enumerate_vectors(percents, n, **kwargs))
    if not chunks:
        return np.zeros((0, len(percents)), dtype=np.int64)
    return np.concatenate(chunks)


def _brute(percents, n, complete, rounding="up_or_down"):
    bounds = granularity.count_bounds(percents, n, rounding=rounding)
    return [v for v in itertools.product(*bounds) if not complete or sum(v) == n]


def test_hand_counted_examples():
    # 67 % / 33 % of 9: only 6 and 3
    assert _all(["67", "33"], 9).tolist() == [[6, 3]]
    # 44 % of 9 is 4; the other 5 answers spread over 3 options: C(7, 2) = 21 ways
    assert reconstruction.count([None, None, "44", None], 9) == 21
    # 44 % of 54 is 24; 30 over 3 options: C(32, 2) = 496
    assert reconstruction.count([None, None, "44", None], 54) == 496
    # nothing is consistent with 4 respondents
    assert reconstruction.count(["67", "33"], 4) == 0
    assert _all(["67", "33"], 4).shape == (0, 2)


def test_multiple_choice_counts_each_option_independently():
    assert reconstruction.count([None, "44", None], 9, complete=False) == 10 * 1 * 10
    rows = _all([None, "44", None], 9, complete=False)
    assert rows.shape == (100, 3)
    assert (rows[:, 1] == 4).all()


def test_counts_are_exact_for_huge_numbers():
    # compositions of 10,000 into 20 non-negative parts: C(10019, 19)
    from math import comb

    assert reconstruction.count([None] * 20, 10_000) == comb(10_019, 19)


percent_text = st.one_of(st.none(), st.integers(0, 100).map(str))


@pytest.mark.heavy
@settings(max_examples=150, deadline=None)
@given(
    st.lists(percent_text, min_size=1, max_size=4),
    st.integers(1, 14),
    st.booleans(),
    st.sampled_from(["up_or_down", "even", "down", "ceiling_or_floor"]),
    st.integers(1, 50),
)
def test_enumeration_matches_count_and_brute_force(percents, n, complete, rounding, chunk):
    rows = _all(percents, n, complete=complete, rounding=rounding, chunk_rows=chunk)
    expected = _brute(percents, n, complete, rounding)
    assert reconstruction.count(percents, n, complete=complete, rounding=rounding) == len(rows)
    assert [tuple(v) for v in rows.tolist()] == sorted(expected)  # lexicographic, no repeats
    for row in rows:
        if complete:
            assert row.sum() == n
        for k, p in zip(row, percents, strict=True):
            if p is not None:
                assert granularity.grim(p, n, percent=True, rounding=rounding)
                assert k in granularity.matching_counts(p, n, percent=True, rounding=rounding)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 14)), min_size=1, max_size=5), st.integers(1, 14)
)
def test_counting_with_known_counts_matches_brute_force(known, n):
    """Respondent-level data: a count known exactly, or withheld (None, any count)."""
    counts = [None if k is None else range(k, k + 1) for k in known]
    spans = [range(n + 1) if k is None else range(k, k + 1) for k in known]
    expected = sum(1 for v in itertools.product(*spans) if sum(v) == n)
    percents = [None] * len(known)
    assert reconstruction.count(percents, n, counts=counts) == expected
    assert len(_all(percents, n, counts=counts)) == expected


def test_a_question_whose_counts_are_all_known_is_counted_whatever_n():
    # every count observed: one vector if they sum to n, none otherwise, at any n
    n = 10**9
    known = [range(k, k + 1) for k in (n // 2, n // 4, n - n // 2 - n // 4)]
    assert reconstruction.count([None] * 3, n, counts=known) == 1
    assert reconstruction.count([None] * 3, n + 1, counts=known) == 0
    # two withheld counts share the 7 respondents the published ones leave: 8 splits
    withheld = [range(n - 7, n - 6), None, None]
    assert reconstruction.count([None] * 3, n, counts=withheld) == 8
    assert reconstruction.count_ranges([None] * 3, n, counts=withheld)[1] == range(0, 8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 100).map(str), min_size=1, max_size=3), st.integers(1, 60))
def test_consistent_sizes_complete_means_a_reconstruction_exists(percents, n):
    assert (n in granularity.consistent_sizes(percents, [n], complete=True)) == (
        reconstruction.count(percents, n) > 0
    )


def test_chunks_respect_the_target_size():
    chunks = list(reconstruction.enumerate_vectors([None] * 4, 30, chunk_rows=500))
    assert sum(len(c) for c in chunks) == reconstruction.count([None] * 4, 30)
    assert max(len(c) for c in chunks) <= 500
    assert all(c.dtype == np.int64 for c in chunks)


def test_bad_arguments():
    with pytest.raises(ValueError, match="between 0 and 100"):
        reconstruction.count(["101"], 9)
    with pytest.raises(ValueError, match="positive integer"):
        reconstruction.count(["44"], 0)
    with pytest.raises(ValueError, match="unknown rounding"):
        list(reconstruction.enumerate_vectors(["44"], 9, rounding="nearest"))

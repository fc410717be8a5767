"""How the survey report writes p-values (survey/pvalues.py)."""

import math

from hypothesis import given
from hypothesis import strategies as st

from analysis_utils.survey.pvalues import p_equation, p_text


@given(st.floats(min_value=0.001, max_value=1.0))
def test_a_p_value_from_0_001_is_written_to_two_significant_digits(p):
    written = float(p_text(p))
    assert math.isclose(written, p, rel_tol=0.05)
    assert p_equation(p) == f"p = {p_text(p)}"


@given(st.floats(min_value=0.0, max_value=0.001, exclude_max=True))
def test_a_p_value_below_0_001_is_written_as_a_bound(p):
    assert p_text(p) == "< 0.001"
    assert p_equation(p) == "p < 0.001"


@given(st.integers(min_value=1, max_value=10**6))
def test_a_monte_carlo_p_value_at_its_floor_is_written_as_at_most_the_floor(resamples):
    floor = 1 / (resamples + 1)
    assert p_equation(floor, resamples=resamples) == f"p <= {floor:.2g}"
    # one table as extreme is no longer the floor
    above = 2 / (resamples + 1)
    assert "<=" not in p_text(above, resamples=resamples)


def test_nan_is_written_as_nothing():
    assert p_text(math.nan) == ""
    assert p_equation(math.nan) == "no p-value"

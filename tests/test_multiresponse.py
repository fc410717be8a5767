"""Multiple-choice questions (SPSS's MULT RESPONSE) against pandas, scipy, statsmodels and hand
computation.

No installed package ships a multiple-response survey, so the question is made from real
answers by a documented rule (tests/anes.py, ``LIBERAL``): whom each of anes96's 944 respondents
places on the liberal side (values 1-3, labelled "... liberal") of the left-right scale:
themselves, Clinton, Dole. Every count below is recomputed from the shipped answers with pandas.
Weights are seeded positive numbers (anes96 ships none; weights are no answers).
"""

import numpy as np
import pandas as pd
import pytest
from anes import LIBERAL, answers, documented, liberal_placements
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.datasets import anes96
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.core.plotting import figure_bytes
from analysis_utils.survey import group_charts
from analysis_utils.survey.multiresponse import (
    TOTAL,
    indicators,
    multiple_by_group,
    multiple_response,
)

SHIPPED = anes96.load_pandas().data.astype(int)
CHOSEN = liberal_placements().set_axis(list(LIBERAL), axis=1)
LABELS = {o: documented()[0][c] for o, c in LIBERAL.items()}
PID = documented()[1]["PID"]


def _hand():
    """Each option from the shipped placements themselves (1-3: a liberal label)."""
    return pd.DataFrame({o: SHIPPED[c].between(1, 3) for o, c in LIBERAL.items()})


def test_the_placements_are_the_shipped_answers_read_as_yes_or_no():
    assert (_hand().astype(int) == CHOSEN).all().all()
    assert CHOSEN.sum().tolist() == [
        int((SHIPPED["selfLR"] <= 3).sum()),
        int((SHIPPED["ClinLR"] <= 3).sum()),
        int((SHIPPED["DoleLR"] <= 3).sum()),
    ]


def test_counts_percents_of_responses_and_of_cases_are_pandas():
    result = multiple_response(CHOSEN, labels=LABELS, name="liberal")
    hand = _hand()
    cases = hand.any(axis=1)
    counts = hand.sum()
    table = result.table.set_index("code")
    assert table["count"].tolist() == counts.tolist()
    assert result.cases == int(cases.sum())
    assert result.n_none == int((~cases).sum())
    assert result.responses == int(counts.sum())
    assert table["percent_of_responses"].to_numpy() == pytest.approx(100 * counts / counts.sum())
    assert table["percent_of_cases"].to_numpy() == pytest.approx(100 * counts / cases.sum())
    low, high = proportion_confint(counts, cases.sum(), method="wilson")
    assert table["ci_low"].to_numpy() == pytest.approx(100 * low)
    assert table["ci_high"].to_numpy() == pytest.approx(100 * high)
    assert table["label"].tolist() == list(LABELS.values())
    totals = result.with_totals().set_index("label")
    assert totals.loc[TOTAL, "count"] == counts.sum()
    assert totals.loc[TOTAL, "percent_of_responses"] == pytest.approx(100)
    assert totals.loc[TOTAL, "percent_of_cases"] == pytest.approx(100 * counts.sum() / cases.sum())
    assert "MULT RESPONSE" in result.method


def test_the_format_codes_joined_by_semicolons_are_the_same_columns():
    joined = CHOSEN.apply(lambda r: ";".join(o for o in LIBERAL if r[o]), axis=1)
    assert (indicators(joined, list(LIBERAL)) == CHOSEN).all().all()
    with pytest.raises(ValueError, match="no option"):
        indicators(pd.Series(["self;obama"], name="liberal"), list(LIBERAL))


def test_a_missing_kind_is_its_own_row_and_makes_no_case():
    # Dole's placement declared a missing kind, as "don't know" would be
    result = multiple_response(CHOSEN, labels=LABELS, missing={"dole": "don't know"})
    hand = _hand()
    cases = hand[["self", "clinton"]].any(axis=1)
    assert result.cases == int(cases.sum())
    assert result.responses == int(hand[["self", "clinton"]].sum().sum())
    dole = result.table.set_index("code").loc["dole"]
    assert bool(dole["missing"])
    assert dole["count"] == hand["dole"].sum()
    assert np.isnan(dole["percent_of_cases"])
    assert result.with_totals()["label"].tolist()[-1] == "don't know"


def test_weighted_percents_of_cases_and_the_kish_interval_by_hand():
    w = np.random.default_rng(11).uniform(0.3, 3.0, len(CHOSEN))
    result = multiple_response(CHOSEN, labels=LABELS, weights=w)
    hand = _hand().to_numpy()
    case = hand.any(axis=1)
    share = (hand * w[:, None]).sum(axis=0) / w[case].sum()
    n_eff = w[case].sum() ** 2 / (w[case] ** 2).sum()
    assert result.n_eff == pytest.approx(n_eff)
    assert result.table["percent_of_cases"].to_numpy() == pytest.approx(100 * share)
    low, _ = proportion_confint(share * n_eff, n_eff, method="wilson")
    assert result.table["ci_low"].to_numpy() == pytest.approx(100 * low)
    assert result.table["count"].tolist() == hand.sum(axis=0).tolist()  # unweighted as ever


def test_by_group_each_option_is_a_share_of_the_groups_cases_with_a_test_per_option():
    result = multiple_by_group(
        CHOSEN, SHIPPED["PID"], labels=LABELS, group_labels=PID, name="liberal"
    )
    hand = _hand()
    cases = hand.any(axis=1)
    kept, party = hand[cases], SHIPPED.loc[cases, "PID"]
    assert result.n == int(cases.sum())
    assert result.cases.tolist() == party.value_counts().sort_index().tolist()
    for option, name in LABELS.items():
        crossed = pd.crosstab(party, kept[option]).reindex(columns=[False, True], fill_value=0)
        assert result.counts.loc[name].tolist() == crossed[True].tolist()
        assert result.percents.loc[name].to_numpy() == pytest.approx(
            100 * crossed[True] / crossed.sum(axis=1)
        )
        chi = stats.chi2_contingency(crossed.to_numpy(), correction=False)
        row = result.tests.set_index("option_code").loc[option]
        assert row["test"] == "chi2"  # every expected count >= 5 here
        assert row["statistic"] == pytest.approx(chi.statistic)
        assert row["p_value"] == pytest.approx(chi.pvalue)
    # Holm by hand: sorted p times (m - rank), made non-decreasing, at most 1
    p = result.tests["p_value"].to_numpy()
    order = np.argsort(p)
    adjusted = np.minimum(1, np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p)))))
    assert result.tests["p_holm"].to_numpy()[order] == pytest.approx(adjusted)
    assert "each option tested on its own" in result.method


def test_by_a_two_group_question_with_small_cells_fisher_is_used():
    # vote (Clinton, Dole) among the first 40 respondents: some expected counts under 5
    first = slice(0, 40)
    result = multiple_by_group(CHOSEN.iloc[first], SHIPPED["vote"].iloc[first], labels=LABELS)
    hand = _hand().iloc[first]
    cases = hand.any(axis=1)
    for option in LIBERAL:
        row = result.tests.set_index("option_code").loc[option]
        crossed = pd.crosstab(SHIPPED["vote"].iloc[first][cases], hand.loc[cases, option])
        if crossed.shape != (2, 2):
            assert row["test"] == "none"
            continue
        expected = stats.contingency.expected_freq(crossed.to_numpy())
        if (expected < 5).any():
            assert row["test"] == "fisher"
            assert row["p_value"] == pytest.approx(stats.fisher_exact(crossed.to_numpy()).pvalue)


def test_the_charts_draw_the_percents_of_cases():
    result = multiple_response(CHOSEN, labels=LABELS, name="liberal")
    figure = group_charts.plot_multiple(result)
    widths = [p.get_width() for p in figure.axes[0].patches]
    assert widths == pytest.approx(result.table["percent_of_cases"].tolist())
    assert figure_bytes(figure, "svg") == figure_bytes(group_charts.plot_multiple(result), "svg")
    grouped = multiple_by_group(CHOSEN, SHIPPED["vote"], labels=LABELS, name="liberal")
    figure = group_charts.plot_multiple_by_group(grouped)
    widths = sorted(p.get_width() for p in figure.axes[0].patches)
    assert widths == pytest.approx(sorted(grouped.percents.to_numpy().ravel()))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(st.integers(0, 1), min_size=3, max_size=3), min_size=1, max_size=40))
def test_percents_of_responses_add_to_100_and_of_cases_to_responses_per_case(rows):
    chosen = pd.DataFrame(rows, columns=["a", "b", "c"])
    result = multiple_response(chosen)
    assert result.cases + result.n_none == len(rows)
    if result.responses:
        assert result.table["percent_of_responses"].sum() == pytest.approx(100)
        assert result.table["percent_of_cases"].sum() == pytest.approx(
            100 * result.responses / result.cases
        )


def test_the_anes_answers_used_are_those_of_tests_anes():
    assert (answers()["selfLR"] == SHIPPED["selfLR"]).all()

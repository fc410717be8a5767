import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.proportion import proportion_confint

from analysis_utils import evidence

COUNTS = pd.DataFrame(
    {"part": [69, 66, 82, 85], "total": [70, 71, 98, 91]},
    index=pd.Index([2016, 2017, 2018, 2019], name="reference_year"),
)


def test_shares_with_exact_intervals_and_pooled():
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    assert table["year"].tolist() == ["2016", "2017", "2018", "2019", "pooled"]
    pooled = table.iloc[-1]
    assert (pooled["part"], pooled["total"]) == (302, 330)
    assert (pooled["cp_low"], pooled["cp_high"]) == pytest.approx(
        proportion_confint(302, 330, method="beta")
    )
    assert (table.iloc[0]["wilson_low"], table.iloc[0]["wilson_high"]) == pytest.approx(
        proportion_confint(69, 70, method="wilson")
    )
    only = evidence.shares(COUNTS, part="part", total="total", confidence=0.9, years=[2017])
    assert only["year"].tolist() == ["2017", "pooled"]


def test_the_glm_wrapper_agrees_with_a_direct_statsmodels_call():
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    result = evidence.trend(table, confidence=0.95)
    endog = np.column_stack([COUNTS["part"], COUNTS["total"] - COUNTS["part"]])
    exog = sm.add_constant(np.arange(4.0))
    direct = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    assert result.slope == pytest.approx(direct.params[1])
    assert result.std_error == pytest.approx(direct.bse[1])
    assert result.pvalue == pytest.approx(direct.pvalues[1])
    assert result.odds_ratio == pytest.approx(np.exp(direct.params[1]))
    assert result.ci_odds_ratio == pytest.approx(tuple(np.exp(direct.conf_int()[1])))
    assert result.years == 4
    with pytest.raises(ValueError, match="three years"):
        evidence.trend(table.iloc[[0, 1, 4]], confidence=0.95)


@pytest.mark.parametrize(
    ("parts", "label"),
    [
        ([69, 66, 82, 85], "supported"),
        ([40, 38, 50, 47], "holds, not significant"),
        ([69, 20, 82, 85], "undetermined"),
        ([1, 2, 3, 4], "contradicted"),
    ],
)
def test_share_verdicts(parts, label):
    counts = COUNTS.assign(part=parts)
    table = evidence.shares(counts, part="part", total="total", confidence=0.95)
    assert evidence.share_verdict(table, alpha=0.05)[0] == label


def test_female_counts_prefer_the_total():
    counts = pd.DataFrame(
        {
            "victims_female_total": [56, np.nan],
            "victims_female_sex_trafficking": [np.nan, 85],
            "victims_female_forced_labour": [np.nan, 5],
        },
        index=[2015, 2020],
    )
    assert evidence.female_counts(counts).tolist() == [56, 90]


def test_funding_per_victim_and_the_h3_verdict():
    counts = pd.DataFrame({"victims_identified_total": [63.0, 70.0]}, index=[2015, 2016])
    funding = pd.DataFrame({"funding_victim_protection": [109000.0, 154000.0]}, index=[2015, 2016])
    table = evidence.funding_per_victim(counts, funding)
    assert table["azn_per_victim"].round(0).tolist() == [1730, 2200]
    facts = evidence.FundingFacts(33, 230000, 381, 68, (63, 98), table, 0.85, 466)
    label, sentence = evidence.funding_verdict(facts)
    assert label == "not supported"
    assert "33 NGO projects" in sentence
    assert "cannot show" in sentence
    poor = evidence.FundingFacts(0, 0, 10, 68, (63, 98), table, 0.85, None)
    assert evidence.funding_verdict(poor)[0] == "undetermined"

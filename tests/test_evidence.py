import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps
from scipy.special import expit
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.audit.verdicts import Verdict
from analysis_utils.core import io, paths
from analysis_utils.study import evidence, external_schemas, hypotheses
from analysis_utils.study import statements as study_statements

COUNTS = pd.DataFrame(
    {"part": [69, 66, 82, 85], "total": [70, 71, 98, 91]},
    index=pd.Index([2016, 2017, 2018, 2019], name="reference_year"),
)


def test_shares_with_exact_intervals_and_pooled():
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    assert table["year"].tolist() == ["2016", "2017", "2018", "2019", "pooled"]
    pooled = table.iloc[-1]
    assert (pooled["part"], pooled["total"]) == (302, 330)
    assert (table.iloc[0]["wilson_low"], table.iloc[0]["wilson_high"]) == pytest.approx(
        proportion_confint(69, 70, method="wilson")
    )
    assert (table.iloc[0]["cp_low"], table.iloc[0]["cp_high"]) == pytest.approx(
        proportion_confint(69, 70, method="beta")
    )
    only = evidence.shares(COUNTS, part="part", total="total", confidence=0.9, years=[2017])
    assert only["year"].tolist() == ["2017", "pooled"]
    assert (only.iloc[-1]["pooled_low"], only.iloc[-1]["pooled_high"]) == pytest.approx(
        proportion_confint(66, 71, alpha=0.1, method="beta")
    )


def test_pooled_years_have_one_interval_the_one_the_verdict_gives():
    """The pooled row carries no single-binomial interval, only the overdispersed one."""
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    pooled = table.iloc[-1]
    assert (
        pooled[["cp_low", "cp_high", "wilson_low", "wilson_high", "pvalue_majority"]].isna().all()
    )
    endog = np.column_stack([COUNTS["part"], COUNTS["total"] - COUNTS["part"]])
    exog = np.ones((4, 1))
    binomial = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    phi = binomial.pearson_chi2 / binomial.df_resid
    quasi = sm.GLM(endog, exog, family=sm.families.Binomial()).fit(scale=phi, use_t=True)
    assert phi > 1
    assert (pooled["pooled_low"], pooled["pooled_high"]) == pytest.approx(
        tuple(expit(quasi.conf_int()[0]))
    )
    verdict = evidence.share_verdict(table, alpha=0.05, confidence=0.95)
    shown = f"{pooled['pooled_low']:.1%}-{pooled['pooled_high']:.1%}"
    assert shown in verdict.sentence
    exact = proportion_confint(302, 330, method="beta")
    assert f"{exact[0]:.1%}-{exact[1]:.1%}" not in verdict.sentence


def test_the_glm_wrapper_agrees_with_a_direct_statsmodels_call():
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    result = evidence.trend(table, confidence=0.95)
    endog = np.column_stack([COUNTS["part"], COUNTS["total"] - COUNTS["part"]])
    exog = sm.add_constant(np.arange(4.0))
    binomial = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    phi = binomial.pearson_chi2 / binomial.df_resid
    direct = sm.GLM(endog, exog, family=sm.families.Binomial()).fit(
        scale=max(phi, 1.0), use_t=phi > 1
    )
    assert result.dispersion == pytest.approx(phi)
    assert result.slope == pytest.approx(direct.params[1])
    assert result.std_error == pytest.approx(direct.bse[1])
    assert result.pvalue == pytest.approx(direct.pvalues[1])
    assert result.odds_ratio == pytest.approx(np.exp(direct.params[1]))
    assert result.ci_odds_ratio == pytest.approx(tuple(np.exp(direct.conf_int()[1])))
    assert result.years == 4
    with pytest.raises(ValueError, match="three years"):
        evidence.trend(table.iloc[[0, 1, 4]], confidence=0.95)


def test_dispersion_by_hand_and_the_widened_pooled_interval():
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    spread = evidence.dispersion(table)
    k, n = COUNTS["part"].to_numpy(float), COUNTS["total"].to_numpy(float)
    p = k.sum() / n.sum()
    chi2 = np.sum((k - n * p) ** 2 / (n * p * (1 - p)))
    assert spread.chi2 == pytest.approx(chi2)
    assert spread.df == 3
    assert spread.pvalue == pytest.approx(sps.chi2.sf(chi2, 3))
    share, low, high = evidence.pooled_interval(table, confidence=0.95, phi=spread.phi)
    assert share == pytest.approx(p)
    assert spread.phi > 1  # so the interval uses a t reference on 3 df
    half = sps.t.ppf(0.975, 3) * np.sqrt(spread.phi / (n.sum() * p * (1 - p)))
    logit = np.log(p / (1 - p))
    assert (low, high) == pytest.approx((expit(logit - half), expit(logit + half)), rel=1e-5)
    # below 1 the dispersion is not used to narrow the interval (and the reference is normal)
    _, low1, high1 = evidence.pooled_interval(table, confidence=0.95, phi=0.2)
    binomial_half = 1.959964 * np.sqrt(1 / (n.sum() * p * (1 - p)))
    assert (low1, high1) == pytest.approx(
        (expit(logit - binomial_half), expit(logit + binomial_half)), rel=1e-5
    )


@pytest.mark.heavy
def test_overdispersed_binomial_counts_are_detected_by_simulation():
    rng = np.random.default_rng(11)
    years, total = 7, 90
    rejections = 0
    for _ in range(300):
        shares = rng.beta(18, 2, size=years)  # yearly shares vary beyond binomial noise
        counts = pd.DataFrame(
            {"part": rng.binomial(total, shares), "total": total}, index=range(2015, 2015 + years)
        )
        table = evidence.shares(counts, part="part", total="total", confidence=0.95)
        rejections += evidence.dispersion(table).pvalue < 0.05
    assert rejections / 300 > 0.5
    binomial_only = 0
    for _ in range(300):
        counts = pd.DataFrame(
            {"part": rng.binomial(total, 0.9, size=years), "total": total},
            index=range(2015, 2015 + years),
        )
        table = evidence.shares(counts, part="part", total="total", confidence=0.95)
        binomial_only += evidence.dispersion(table).pvalue < 0.05
    assert binomial_only / 300 <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 300)


@pytest.mark.parametrize(
    ("parts", "label"),
    [
        ([69, 66, 82, 85], "consistent with official identification statistics, 2016-2019"),
        ([69, 20, 82, 85], "undetermined"),
        ([1, 2, 3, 4], "not consistent with official identification statistics, 2016-2019"),
    ],
)
def test_share_verdicts(parts, label):
    counts = COUNTS.assign(part=parts)
    table = evidence.shares(counts, part="part", total="total", confidence=0.95)
    verdict = evidence.share_verdict(table, alpha=0.05, confidence=0.95)
    assert isinstance(verdict, Verdict)  # one verdict type for survey and external evidence
    assert verdict.label == label
    assert verdict.period == "2016-2019"
    assert "census" in verdict.sentence


def test_period_text():
    assert evidence.period([2013, 2011]) == "2011, 2013"
    assert evidence.period([2016, 2017, 2018]) == "2016-2018"
    assert evidence.period([2020]) == "2020"


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


def test_funding_per_victim():
    counts = pd.DataFrame({"victims_identified_total": [63.0, 70.0]}, index=[2015, 2016])
    funding = pd.DataFrame({"funding_victim_protection": [109000.0, 154000.0]}, index=[2015, 2016])
    table = evidence.funding_per_victim(counts, funding)
    assert table["azn_per_victim"].round(0).tolist() == [1730, 2200]


def _statements(rows):
    return pd.DataFrame(rows, columns=["id", "reference_year", "topic", "claim", "quote"]).assign(
        report_edition=lambda t: t["reference_year"] + 1
    )


@pytest.mark.parametrize(
    ("quote", "reading"),
    [
        (
            "The government failed to provide adequate support to NGO partners.",
            "inadequate or inconsistent funding of NGO partners or NGO-run shelters",
        ),
        (
            "The government did not provide consistent funding to NGO-run shelters.",
            "inadequate or inconsistent funding of NGO partners or NGO-run shelters",
        ),
        (
            "It did not fund NGO-run shelters despite relying on them.",
            "no funding for NGO-run shelters",
        ),
        (
            "The government did not provide funding to NGO-run shelters.",
            "no funding for NGO-run shelters",
        ),
        # S15: grants whose purpose is not stated, funding with no NGO named as recipient
        (
            "The government established grants for civil society, significantly increased "
            "overall funding for victim protection.",
            "money whose recipients or purpose are not stated",
        ),
        ("It allocated fewer resources to NGOs, including shelters.", "reduced NGO funding"),
        ("Instead, foreign donors provided funding for food.", "donors instead of the state"),
        ("The ministry allocated 15,000 manat to civil society.", "funding reported"),
        ("The government increased funding for NGO-run shelters.", "funding reported"),
        # S10: money for awareness campaigns and police training is not for rehabilitation
        (
            "The government increased funding to civil society to organize awareness campaigns "
            "and funded an NGO to provide training to local police.",
            "money for awareness campaigns or training, not rehabilitation",
        ),
        # S16: one sentence reports money for NGO-run shelters and fewer resources for NGOs
        (
            "While the MIA funded repairs for an NGO-run shelter, the government allocated fewer "
            "resources to NGOs, including operational costs.",
            "reduced NGO funding, some NGO funding reported",
        ),
    ],
)
def test_funding_readings(quote, reading):
    assert study_statements.funding_reading(quote) == reading


def test_years_covered():
    assert study_statements.years_covered(
        "did not fund NGOs for the third year in a row.", 2015
    ) == [
        2013,
        2014,
        2015,
    ]
    assert study_statements.years_covered("did not fund NGOs.", 2015) == [2015]


def test_unstated_sex():
    counts = pd.DataFrame(
        {
            "victims_identified_total": [63.0, 70.0, 71.0],
            "victims_female_total": [56.0, np.nan, 66.0],
            "victims_male_total": [6.0, np.nan, 5.0],
        },
        index=[2015, 2016, 2017],
    )
    assert evidence.unstated_sex(counts).to_dict() == {2015: 1}


def test_h3_keeps_the_literal_reading_apart_from_adequacy():
    statements = _statements(
        [
            ("S0", 2009, "ngo_funding", "H3", "Instead, foreign donors provided funding for food."),
            ("S1", 2014, "ngo_funding", "H3", "It failed to provide adequate support to NGOs."),
            ("S2", 2015, "ngo_funding", "H3", "It did not fund NGO-run shelters again."),
            ("S3", 2015, "ngo_funding", "H3", "The ministry allocated 15,000 manat to society."),
            ("S4", 2018, "ngo_funding", "H3", "It allocated fewer resources to NGOs."),
            (
                "S5",
                2019,
                "ngo_funding",
                "H3",
                "While it funded an NGO-run shelter, it allocated fewer resources to NGOs.",
            ),
            ("S6", 2019, "ngo_funding", "H3", "It funded training to local police."),
        ]
    )
    civil = pd.Series({2016: 15000.0})
    verdict = hypotheses.h3_verdict(
        statements,
        ngo_projects=33,
        ngo_funding_azn=230000,
        ngo_period="2009-2013",
        civil_society=civil,
    )
    assert verdict.label == (
        "adequacy reading consistent with State Department assessments, 2014-2015; "
        "literal reading contradicted (the article, 2009-2013; TIP reports, 2016)"
    )
    assert "under-funded NGO partners or NGO-run shelters in 2014-2015: inadequate or " in (
        verdict.sentence
    )
    assert "NGO-run shelters in 2014 (S1), no funding for NGO-run shelters in 2015 (S2)" in (
        verdict.sentence
    )
    assert "fewer resources in 2018-2019 (S4, S5; S5 in the same sentence reports" in (
        verdict.sentence
    )
    assert "reported for 2015, 2019 (S3, S5); both kinds for 2015, 2019" in verdict.sentence
    assert "not rehabilitation in 2019 (S6; not weighed)" in verdict.sentence
    assert "for 2009, the article's period, foreign donors rather than the government" in (
        verdict.sentence
    )
    assert "(S0; the victims that statement discusses, not victims in general" in verdict.sentence
    assert "2016: 15,000 AZN" in verdict.sentence
    assert "not the organizations' money" in verdict.assumptions
    none = hypotheses.h3_verdict(
        statements.iloc[[3]],
        ngo_projects=33,
        ngo_funding_azn=230000,
        ngo_period="2009-2013",
        civil_society=civil,
    )
    assert none.label == "undetermined"


def test_h2_puts_contemporaneous_figures_first():
    counts = COUNTS.assign(part=[69, 66, 82, 85])
    table = evidence.shares(counts, part="part", total="total", confidence=0.95)
    investigations = pd.DataFrame(
        {
            "investigations_sex_trafficking": [17.0, np.nan, 17.0],
            "investigations_labour_trafficking": [2.0, 2.0, 4.0],
        },
        index=[2011, 2012, 2013],
    )
    statements = _statements(
        [
            (
                "S1",
                2009,
                "forced_labour_identification",
                "H2",
                "A forced labor case, involving approximately 496 victims, showed gaps.",
            )
        ]
    )
    verdict = hypotheses.h2_verdict(
        table,
        cases=484,
        forced_labour_cases=10,
        case_period="2006-2012",
        investigations=investigations,
        statements=statements,
        alpha=0.05,
        confidence=0.95,
    )
    assert verdict.label == (
        "consistent with official identification statistics, 2016-2019 "
        "(identified victims only; no victim counts by form for the article's period)"
    )
    assert (
        verdict.period
        == "2006-2012 (cases); 2011, 2013 (investigations); 2016-2019 (identified victims)"
    )
    assert verdict.sentence.startswith("contemporaneous")
    assert 'S1: a forced-labour case "involving approximately 496 victims"' in verdict.sentence
    assert "a forced-labour case exposing referral deficiencies in 2009 (S1" in verdict.sentence
    assert "shortfalls are stated for forced labour alone" in verdict.sentence
    assert "cannot say which form is most widespread among all victims" in verdict.sentence
    labour_more = investigations.assign(investigations_labour_trafficking=[20.0, 2.0, 30.0])
    assert (
        hypotheses.h2_verdict(
            table,
            cases=484,
            forced_labour_cases=10,
            case_period="2006-2012",
            investigations=labour_more,
            statements=statements,
            alpha=0.05,
            confidence=0.95,
        ).label
        == "undetermined"
    )


def _h2(table, statements, *, cases=484, forced_labour_cases=10):
    investigations = pd.DataFrame(
        {"investigations_sex_trafficking": [17.0], "investigations_labour_trafficking": [2.0]},
        index=[2011],
    )
    return hypotheses.h2_verdict(
        table,
        cases=cases,
        forced_labour_cases=forced_labour_cases,
        case_period="2006-2012",
        investigations=investigations,
        statements=statements,
        alpha=0.05,
        confidence=0.95,
    )


def test_h2_never_counts_cases_of_unknown_form_as_agreement():
    """474 "other" cases of unstated form neither support nor contradict H2."""
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    statements = _statements([])
    few_other = _h2(table, statements, cases=484, forced_labour_cases=400)
    many_other = _h2(table, statements, cases=484, forced_labour_cases=10)
    assert few_other.label == many_other.label
    assert few_other.label.startswith("consistent with official identification statistics")
    assert "the form of the other 84 is not stated" in few_other.sentence
    assert "the form of the other 474 is not stated" in many_other.sentence


def test_h2_states_what_the_tip_narratives_say_of_identification_in_their_terms():
    """Each statement's form comes from its own words; several forms: effect unknown."""
    real = io.read_table(
        paths.layout().raw / "external" / "tip_statements.csv", external_schemas.TIP_STATEMENTS
    )
    read = {
        r.id: study_statements.identification_reading(r.quote)
        for r in real[real["topic"] == "forced_labour_identification"].itertuples()
    }
    assert read == {
        "S01": "a forced-labour case exposing referral deficiencies",
        "S03": "inadequate efforts to identify forced-labour victims",
        "S04": "inadequate efforts to identify forced-labour victims",
        "S09": study_statements.FORM_NOT_STATED,
        "S12": study_statements.FORM_NOT_STATED,
        "S14": "no forced-begging victims identified",
        "S18": "internal sex trafficking cases reclassified as lesser offences",
    }
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    verdict = _h2(table, study_statements.statements_about(real, "H2"))
    assert "misses forced labour" not in verdict.sentence
    assert (
        "internal sex trafficking cases reclassified as lesser offences in 2022 "
        "(S18; S18 from a newswire copy not checked)"
    ) in verdict.sentence
    assert "stated for forced labour and for sex trafficking, so their effect" in verdict.sentence


def test_d4_weighs_the_article_period_and_says_it_has_no_counts_by_sex():
    table = evidence.shares(COUNTS, part="part", total="total", confidence=0.95)
    article = pd.DataFrame(
        {
            "id": ["A01", "A02"],
            "claim": ["D4", "D4"],
            "statement": [
                "Men from X are subjected to conditions of forced labour in Y.",
                "Women and children are subjected to forced prostitution.",
            ],
            "section": ["Overview", "Overview"],
            "text_line": [10, 12],
            "note": ["", ""],
        }
    )
    statements = _statements(
        [
            (
                "S1",
                2009,
                "forced_labour_identification",
                "H2",
                "A case involving approximately 496 victims.",
            ),
            (
                "S2",
                2016,
                "forced_labour_identification",
                "H2",
                "A case involving approximately 700 victims.",
            ),
        ]
    )
    verdict = hypotheses.d4_verdict(
        table,
        note="",
        article_statements=article,
        statements=statements,
        survey_period="survey date not stated",
        alpha=0.05,
        confidence=0.95,
    )
    assert verdict.label == (
        "consistent with official identification statistics, 2016-2019 "
        "(no contemporaneous counts by sex)"
    )
    assert verdict.period == "2016-2019 (identified victims); no counts by sex before 2016"
    assert "(Overview, lines 10: A01;" in verdict.sentence  # A02 names no men
    assert '"involving approximately 496 victims" (S1; their sex not stated)' in verdict.sentence
    assert "700" not in verdict.sentence  # 2016 has counts by sex
    assert "at most 98 victims identified in any year 2016-2019" in verdict.sentence
    assert "D4 is a finding of the survey, survey date not stated;" in verdict.sentence
    bare = hypotheses.d4_verdict(
        table,
        note="",
        article_statements=article.iloc[1:],
        statements=statements.iloc[1:],
        survey_period="survey date not stated",
        alpha=0.05,
        confidence=0.95,
    )
    assert "no counts by sex before 2016. The female majority" in bare.sentence


def test_each_funding_statement_is_read_as_it_says():
    """The package's TIP statements on NGO funding, each with the reading its words give."""
    table = pd.read_csv(paths.layout().raw / "external" / "tip_statements.csv")
    funding = table[table["topic"] == "ngo_funding"].set_index("id")["quote"]
    readings = funding.map(study_statements.funding_reading).to_dict()
    inadequate = "inadequate or inconsistent funding of NGO partners or NGO-run shelters"
    assert readings == {
        "S02": "donors instead of the state",
        "S05": inadequate,
        "S06": inadequate,
        "S07": "funding reported",
        "S08": inadequate,  # "did not provide consistent funding"
        "S10": "money for awareness campaigns or training, not rehabilitation",
        "S11": "no funding for NGO-run shelters",
        "S13": "no funding for NGO-run shelters",
        "S15": "money whose recipients or purpose are not stated",
        "S16": "reduced NGO funding, some NGO funding reported",
        "S17": "funding reported",
    }

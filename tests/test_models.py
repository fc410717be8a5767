"""Regression models and Spearman correlations on the 1996 ANES, against direct statsmodels fits.

Weights are seeded positive numbers (anes96 ships none; weights are no answers).
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from anes import answers
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from analysis_utils.survey import models, recode

DATA = answers()
PARTY = recode.Recode.from_mapping({"groups": {1: [0, 1, 2], 2: [3], 3: [4, 5, 6]}})
FRAME = DATA.assign(party=PARTY.apply(DATA["PID"]).astype(int))
W = pd.Series(np.random.default_rng(5).uniform(0.3, 3.0, len(DATA)), index=DATA.index)


def _same(table, result, *, odds=False):
    np.testing.assert_allclose(table["estimate"], result.params)
    np.testing.assert_allclose(table["std_error"], result.bse)
    np.testing.assert_allclose(table["statistic"], result.tvalues)
    np.testing.assert_allclose(table["p_value"], result.pvalues)
    np.testing.assert_allclose(table[["ci_low", "ci_high"]], result.conf_int())
    if odds:
        np.testing.assert_allclose(table["odds_ratio"][1:], np.exp(result.params)[1:])
        np.testing.assert_allclose(table["odds_ratio_low"][1:], np.exp(result.conf_int()[0])[1:])
        assert np.isnan(table["odds_ratio"][0])  # no odds ratio of the intercept


def test_ols_of_tv_news_on_age_is_statsmodels_ols():
    fit = models.fit_model(DATA, "TVnews ~ age")
    ref = smf.ols("TVnews ~ age", DATA).fit()
    _same(fit.table, ref)
    assert fit.table["term"].tolist() == ["Intercept", "age"]
    assert fit.n == 944
    assert fit.statistic_name == "t"
    assert fit.r_squared == pytest.approx(ref.rsquared)
    assert "ordinary least squares" in fit.method


def test_weighted_ols_is_wls_with_hc1():
    fit = models.fit_model(DATA, "TVnews ~ age", weights=W)
    _same(fit.table, smf.wls("TVnews ~ age", DATA, weights=W).fit(cov_type="HC1"))
    assert "HC1" in fit.method
    assert fit.statistic_name == "z"
    by_name = models.fit_model(DATA.assign(w=W), "TVnews ~ age", weights="w")
    pd.testing.assert_frame_equal(by_name.table, fit.table)


def test_logit_of_vote_on_recoded_party_is_statsmodels_logit():
    fit = models.fit_model(FRAME, "vote ~ C(party) + age", kind="logit")
    ref = smf.logit("vote ~ C(party) + age", FRAME).fit(disp=False)
    _same(fit.table, ref, odds=True)
    assert fit.r_squared == pytest.approx(ref.prsquared)
    assert fit.log_likelihood == pytest.approx(ref.llf)
    assert "odds ratios" in fit.method
    assert fit.statistic_name == "z"
    assert fit.fit_name == "McFadden's pseudo R²"


def test_terms_and_outcome_are_named_in_the_codebook_words():
    parties = {1: "Democrat", 2: "Independent", 3: "Republican"}
    votes = {0: "Clinton", 1: "Dole"}
    labels = {"party": parties, "vote": votes}
    fit = models.fit_model(FRAME, "vote ~ C(party) + age", kind="logit", labels=labels)
    assert fit.table["term"].tolist() == ["Intercept", "C(party)[T.2]", "C(party)[T.3]", "age"]
    assert fit.table["label"].tolist() == [
        "Intercept",
        "party: Independent (vs Democrat)",
        "party: Republican (vs Democrat)",
        "age",
    ]
    assert fit.outcome == "log-odds that vote is 1 (Dole) rather than 0 (Clinton)"
    # another reference category, and an interaction of a dummy with a number
    formula = "vote ~ C(party, Treatment(reference=3)) * age"
    other = models.fit_model(FRAME, formula, kind="logit", labels=labels)
    assert other.table["label"].tolist()[1:3] == [
        "party: Democrat (vs Republican)",
        "party: Independent (vs Republican)",
    ]
    assert "party: Democrat (vs Republican) x age" in other.table["label"].tolist()
    ols = models.fit_model(FRAME, "TVnews ~ C(party)", labels=labels)
    assert ols.fit_name == "R²"
    assert ols.outcome == "TVnews as a number"
    ordered = models.fit_model(
        FRAME, "educ ~ C(party)", kind="ordered_logit", labels={"educ": {1: "low", 2: "two"}}
    )
    assert ordered.table["label"].tolist()[2:4] == ["cut: low | two", "cut: two | 3"]


def test_the_export_carries_what_the_model_is():
    fit = models.fit_model(FRAME, "vote ~ C(party) + age", kind="logit")
    export = fit.export()
    assert len(export) == len(fit.table)
    assert set(export["formula"]) == {"vote ~ C(party) + age"}
    assert set(export["n"]) == {944}
    assert set(export["fit_statistic"]) == {"McFadden's pseudo R²"}
    assert export["fit_value"].iloc[0] == pytest.approx(fit.r_squared)
    assert set(export["method"]) == {fit.method}


def test_weighted_logit_is_the_pseudo_likelihood_sandwich_by_hand():
    fit = models.fit_model(FRAME, "vote ~ PID + age", kind="logit", weights=W)
    x_ = sm.add_constant(FRAME[["PID", "age"]].to_numpy(float))
    y, w = FRAME["vote"].to_numpy(float), W.to_numpy()
    ref = sm.GLM(y, x_, family=sm.families.Binomial(), var_weights=w).fit(cov_type="HC0")
    np.testing.assert_allclose(fit.table["estimate"], ref.params)
    mu = 1 / (1 + np.exp(-x_ @ ref.params))
    bread = np.linalg.inv((x_ * (w * mu * (1 - mu))[:, None]).T @ x_)
    scores = x_ * (w * (y - mu))[:, None]
    np.testing.assert_allclose(
        fit.table["std_error"], np.sqrt(np.diag(bread @ scores.T @ scores @ bread)), rtol=1e-5
    )


@given(st.lists(st.floats(min_value=-700, max_value=700), min_size=1, max_size=50))
def test_the_ordered_logits_cdf_and_pdf_are_scipys_logistic(points):
    model = models.LogisticOrderedModel.from_formula("educ ~ age", DATA, distr="logit")
    x = np.asarray(points)
    np.testing.assert_allclose(model.cdf(x), stats.logistic.cdf(x), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(model.pdf(x), stats.logistic.pdf(x), rtol=1e-9, atol=1e-300)


def test_ordered_logit_is_ordered_model_with_its_cut_points():
    fit = models.fit_model(DATA, "educ ~ age + PID", kind="ordered_logit")
    model = OrderedModel.from_formula("educ ~ age + PID", DATA, distr="logit")
    ref = model.fit(method="bfgs", disp=False, maxiter=1000)
    k = model.k_vars
    np.testing.assert_allclose(fit.table["estimate"][:k], ref.params[:k], rtol=1e-6)
    np.testing.assert_allclose(fit.table["std_error"][:k], ref.bse[:k], rtol=1e-5)
    np.testing.assert_allclose(fit.table["odds_ratio"][:k], np.exp(ref.params[:k]), rtol=1e-6)
    cuts = model.transform_threshold_params(ref.params)[1:-1]
    np.testing.assert_allclose(fit.table["estimate"][k:], cuts, rtol=1e-6)
    assert fit.table["odds_ratio"][k:].isna().all()
    assert fit.table["term"].tolist()[k:] == [f"cut {c}/{c + 1}" for c in range(1, 7)]
    assert fit.fit_name == "McFadden's pseudo R²"
    # delta method: the first cut point's SE is the first threshold parameter's
    assert fit.table["std_error"][k] == pytest.approx(ref.bse.iloc[k])
    # the cut points order the categories: each above the last
    assert (np.diff(cuts) > 0).all()
    with pytest.raises(ValueError, match="without weights"):
        models.fit_model(DATA, "educ ~ age", kind="ordered_logit", weights=W)


def test_declared_missing_codes_leave_the_respondent_out():
    # the test declares TV news 0 days missing (anes96 declares none)
    fit = models.fit_model(DATA, "TVnews ~ age", missing={"TVnews": {0: "never"}})
    kept = DATA[DATA["TVnews"] != 0]
    assert fit.n == len(kept)
    _same(fit.table, smf.ols("TVnews ~ age", kept).fit())
    with pytest.raises(ValueError, match="kind must be"):
        models.fit_model(DATA, "TVnews ~ age", kind="probit")


def test_spearman_correlations_are_scipy_spearmanr():
    result = models.spearman(DATA, columns=["PID", "educ", "income", "selfLR"])
    assert len(result.table) == 6
    for row in result.table.itertuples():
        ref = stats.spearmanr(DATA[row.first], DATA[row.second])
        assert row.rho == pytest.approx(ref.statistic)
        assert row.p_value == pytest.approx(ref.pvalue)
        assert row.n == 944
    matrix = result.matrix()
    assert matrix.loc["income", "educ"] == matrix.loc["educ", "income"]
    np.testing.assert_allclose(
        matrix.to_numpy(), stats.spearmanr(DATA[["PID", "educ", "income", "selfLR"]]).statistic
    )


def test_spearman_drops_missing_answers_pair_by_pair():
    frame = DATA[["PID", "selfLR"]].astype(float).assign(educ=DATA["educ"].where(DATA["age"] >= 30))
    result = models.spearman(frame, missing={"selfLR": {4: "middle (declared missing)"}})
    row = result.table.set_index(["first", "second"]).loc[("selfLR", "educ")]
    keep = (frame["selfLR"] != 4) & frame["educ"].notna()
    assert row["n"] == keep.sum()
    assert row["rho"] == pytest.approx(
        stats.spearmanr(frame["selfLR"][keep], frame["educ"][keep]).statistic
    )


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.integers(0, 943), min_size=10, max_size=300, unique=True))
def test_ols_on_any_subsample_matches_statsmodels_and_its_interval_holds_the_estimate(rows):
    sub = DATA.iloc[rows]
    if sub["age"].nunique() < 2:
        return
    fit = models.fit_model(sub, "TVnews ~ age")
    ref = smf.ols("TVnews ~ age", sub).fit()
    np.testing.assert_allclose(fit.table["estimate"], ref.params, rtol=1e-7, atol=1e-10)
    assert (fit.table["ci_low"] <= fit.table["estimate"]).all()
    assert (fit.table["estimate"] <= fit.table["ci_high"]).all()

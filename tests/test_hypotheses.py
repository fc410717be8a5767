import re

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.audit import (
    claim_tests,
    kinds,
    limits,
    posterior,
    registry,
    robustness,
    stats,
    verdicts,
)
from analysis_utils.audit import subgroups as audit_subgroups
from analysis_utils.audit.reconstruction import count
from analysis_utils.core import paths

LAYOUT = paths.layout()


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in registry.load_claims(LAYOUT.claims)}


def test_the_registry_covers_every_claim_of_the_article(claims, items, article_claims):
    registry.check_registry(list(claims.values()), items, article_claims)
    assert sorted(claims) == sorted(article_claims["id"])
    assert {c.evidence for c in claims.values() if c.id in {"H2", "H3", "D4"}} == {"external"}
    assert "tip_azerbaijan.csv" in claims["H2"].note


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("claims:\n  X1: [1]\n", "mapping"),
        ("claims:\n  X1:\n    evidence: rumour\n", "evidence must be"),
        ("claims:\n  X1:\n    evidence: survey\n    question: q\n", "needs 'option'"),
        (
            "claims:\n  X1:\n    evidence: survey\n    question: q\n"
            "    option: a\n    test: vibes\n",
            "test must be",
        ),
        ("claims:\n  X1:\n    evidence: external\n    colour: red\n", "unknown field"),
    ],
)
def test_a_bad_registry_is_refused_naming_the_claim(tmp_path, text, message):
    path = tmp_path / "claims.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=f"claims.yaml: claim X1: .*{message}"):
        registry.load_claims(path)


def test_an_unknown_test_kind_is_refused_naming_the_file_the_claim_and_the_kinds(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  C1:\n    evidence: survey\n    question: q\n    option: a\n    test: vibes\n"
    )
    message = "claims.yaml: claim C1: test must be one of ('majority', 'mode', 'some'), got 'vibes'"
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        registry.load_claims(path)


def test_the_registry_allows_exactly_the_test_kinds():
    assert registry.TESTS == tuple(kinds.TEST_KINDS) == ("majority", "mode", "some")
    assert claim_tests.TEST_KINDS is kinds.TEST_KINDS


def _reconstructions(rows, target=0, *, n=9, single_choice=True):
    rows = np.array(rows, dtype=np.int64)
    binomials = {int(k): stats.binomial(int(k), n, p0=0.5) for k in np.unique(rows[:, target])}
    return kinds.Reconstructions(rows, target, n, single_choice, binomials, 1.0, 20_000, 2014)


def test_majority_kind_by_hand():
    outcome = kinds.TEST_KINDS["majority"].decide(_reconstructions([[6, 3], [4, 5], [5, 4]]))
    assert outcome.holds.tolist() == [True, False, True]
    expected = [sps.binomtest(k, 9, 0.5, alternative="greater").pvalue for k in (6, 4, 5)]
    assert outcome.pvalues == pytest.approx(expected)
    assert outcome.pvalues[0] == pytest.approx(130 / 512)
    assert outcome.test == kinds.BINOMIAL_METHOD
    assert outcome.posterior.probability == pytest.approx(
        [sps.beta.sf(0.5, k + 1, 9 - k + 1) for k in (6, 4, 5)]
    )


def test_some_kind_by_hand():
    outcome = kinds.TEST_KINDS["some"].decide(_reconstructions([[0, 9], [1, 8], [6, 3]]))
    assert outcome.holds.tolist() == [False, True, True]
    majority = kinds.TEST_KINDS["majority"].decide(_reconstructions([[0, 9], [1, 8], [6, 3]]))
    # a statement about the sample: no p-value (a majority test is not this claim's test)
    assert np.isnan(outcome.pvalues).all()
    assert outcome.test == kinds.SOME_METHOD
    assert outcome.posterior.probability.tolist() == majority.posterior.probability.tolist()


def test_mode_kind_by_hand_single_and_multiple_choice():
    rows = [[4, 3, 2], [3, 4, 2], [3, 3, 3]]
    single = kinds.TEST_KINDS["mode"].decide(_reconstructions(rows))
    assert single.holds.tolist() == [True, False, False]
    assert single.pvalues == pytest.approx([stats.mode_test(r, 0).pvalue for r in rows])
    assert single.test == stats.IUT_METHOD
    expected = posterior.posterior_largest(np.array(rows), 0, prior=1.0, draws=20_000, seed=2014)
    assert single.posterior.probability.tolist() == expected.probability.tolist()
    rows = [[5, 4, 4], [4, 6, 1]]
    multiple = kinds.TEST_KINDS["mode"].decide(_reconstructions(rows, single_choice=False))
    assert multiple.holds.tolist() == [True, False]
    assert multiple.pvalues == pytest.approx(
        [stats.mode_test(r, 0, n=9, single_choice=False).pvalue for r in rows]
    )
    assert multiple.posterior.probability == pytest.approx(
        posterior.posterior_largest_multiple(np.array(rows), 0, 9).probability
    )
    alone = kinds.TEST_KINDS["mode"].decide(_reconstructions([[9]]))
    assert alone.holds.tolist() == [True]
    assert np.isnan(alone.pvalues).all()


def test_a_new_test_kind_is_one_entry(monkeypatch, tmp_path, items):
    def none(r):
        return kinds.Outcome(
            r.counts == 0, np.full(len(r.rows), np.nan), "none", kinds.some(r).posterior
        )

    monkeypatch.setitem(kinds.TEST_KINDS, "none", kinds.TestKind("nobody gave the option", none))
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  C1:\n    evidence: survey\n    question: gender\n    option: female\n"
        "    test: none\n"
    )
    (claim,) = registry.load_claims(path)
    evaluation, per = claim_tests.evaluate(claim, items, 9, rounding="up_or_down")
    assert evaluation.test == "none"
    assert evaluation.holds == 0
    assert per["holds"].tolist() == [False]


def test_evaluate_refuses_a_claim_of_unknown_kind(items):
    stranger = registry.Claim("C1", "x", "survey", "gender", "female", "vibes")
    with pytest.raises(ValueError, match=r"claim C1: test must be one of \('majority'"):
        claim_tests.evaluate(stranger, items, 9, rounding="up_or_down")


def test_check_registry_names_a_missing_option(claims, items, article_claims):
    bad = registry.Claim("H1", "x", "survey", "causes", "z", "mode")
    with pytest.raises(ValueError, match="option 'z'"):
        registry.check_registry([bad], items, article_claims)
    stranger = registry.Claim("Z9", "x", "external")
    with pytest.raises(ValueError, match="Z9"):
        registry.check_registry([stranger], items, article_claims)


def test_majority_claim_by_hand(claims, items):
    evaluation, per = claim_tests.evaluate(claims["D1"], items, 9, rounding="up_or_down")
    assert per["counts"].tolist() == ["6 3"]
    assert evaluation.reconstructions == evaluation.holds == 1
    assert evaluation.pvalue_min == pytest.approx(130 / 512)  # P(X >= 6), X ~ Bin(9, 1/2)
    assert evaluation.posterior_min == pytest.approx(sps.beta.sf(0.5, 7, 4))
    assert evaluation.significant == 0
    cp = proportion_confint(6, 9, alpha=0.05, method="beta")
    wilson = proportion_confint(6, 9, alpha=0.05, method="wilson")
    assert (evaluation.cp_low_min, evaluation.cp_high_max) == pytest.approx(cp)
    assert (evaluation.wilson_low_min, evaluation.wilson_high_max) == pytest.approx(wilson)
    assert per[["ci_cp_low", "ci_cp_high"]].iloc[0].tolist() == pytest.approx(cp)


def test_mode_claim_counts_every_reconstruction(claims, items):
    evaluation, per = claim_tests.evaluate(claims["H1"], items, 9, rounding="up_or_down")
    assert evaluation.reconstructions == count([None, None, "44", None], 9) == 21 == len(per)
    # c = 4; the other five answers spread over a, b, d; the claim holds when each is <= 3:
    # 21 compositions minus (5,0,0) x 3 and (4,1,0) x 6
    assert evaluation.holds == 12
    assert per["holds"].sum() == 12
    assert (per["share"] == 4 / 9).all()
    assert 0 < evaluation.posterior_se_max < 0.01


def test_mode_claim_uses_the_intersection_union_test(claims, items):
    evaluation, per = claim_tests.evaluate(claims["H1"], items, 9, rounding="up_or_down")
    for row in per.itertuples():
        counts = [int(c) for c in row.counts.split()]
        assert row.pvalue == pytest.approx(stats.mode_test(counts, 2).pvalue)
    assert evaluation.test == stats.IUT_METHOD
    assert evaluation.reading == "single choice (assumed: type not stated)"


def test_multiple_choice_reading(claims, items):
    evaluation, per = claim_tests.evaluate(
        claims["H1"], items, 9, rounding="up_or_down", reading="multiple"
    )
    assert evaluation.reconstructions == 10**3 == len(per)
    assert not evaluation.single_choice
    assert evaluation.reading == "multiple choice (assumed: type not stated)"
    # c = 4 of 9; the claim holds when each other option has at most 3 of 9: 4 ** 3 vectors
    assert evaluation.holds == 4**3
    row = per.iloc[0]
    counts = [int(c) for c in row["counts"].split()]
    expected = stats.mode_test(counts, 2, n=9, single_choice=False).pvalue
    assert row["pvalue"] == pytest.approx(expected)
    assert "Beta(1, 1) prior" in evaluation.posterior_method


def test_both_readings_side_by_side_and_a_stated_type_once(claims, items):
    tested, _, evaluations = claim_tests.evaluate_claims(
        [claims["D1"], claims["H1"]], items, [9], rounding="up_or_down"
    )
    assert tested[["claim_id", "reading"]].values.tolist() == [
        ["D1", "single choice (stated)"],
        ["H1", "single choice (assumed: type not stated)"],
        ["H1", "multiple choice (assumed: type not stated)"],
    ]
    found = verdicts.verdict(claims["H1"], evaluations["H1"], period="spring")
    label, sentence, assumptions = found.label, found.sentence, found.assumptions
    assert found.period == "spring"
    assert label == "undetermined"
    assert sentence.startswith("single choice (assumed: type not stated): undetermined")
    assert "multiple choice (assumed: type not stated): undetermined" in sentence
    assert "equally: the prior predictive weights of a uniform prior" in assumptions
    assert "not evidence" in assumptions
    assert "shares of respondents, not of mentions" in assumptions
    assert "Dirichlet(1) prior" in assumptions
    assert "Beta(1, 1) prior" in assumptions
    with pytest.raises(ValueError, match="readings"):
        claim_tests.evaluate_claims(
            [claims["H1"]], items, [9], rounding="up_or_down", readings=["both"]
        )


def test_descriptive_claims_are_judged_on_the_sample(claims, items, article_claims):
    candidates = [9, 54, 4]
    _, _, evaluations = claim_tests.evaluate_claims(
        [claims[c] for c in ("D1", "D2", "D3")], items, candidates, rounding="up_or_down"
    )
    subgroups = audit_subgroups.subgroup_readings(
        list(claims.values()), items, candidates, rounding="up_or_down", questions=["position"]
    )
    assert subgroups["D3"][9] == (
        "57 % can be 4 of the 7 highly-educated (4 to 6 of all 9 respondents, the other "
        "2's answers being unknown; a subgroup reading, reconstructed)"
    )
    assert set(subgroups) == {"D3"}
    table = verdicts.verdict_table(
        [claims[c] for c in ("D1", "D2", "D3")], article_claims, evaluations, subgroups=subgroups
    ).set_index("id")
    # 57 % is no whole-sample share of 9 (4 of the 7 highly educated can be); at 54 it can be
    # 31 of all or 24 of the 42 highly educated: the article does not state the base
    assert table["our_verdict"].tolist() == [
        "true of the sample at the reported percentages",
        "true of the sample at the reported percentages",
        "true of the sample where the percentage is a share of all respondents (n = 54); the "
        "article does not state its base, and at n = 9 it can only be a subgroup's share",
    ]
    assert "24 of the 42 highly-educated (24 to 36 of all 54" in table.loc["D3", "our_evidence"]
    assert "binomial" not in table.loc["D3", "our_evidence"]
    assert "4 of the 7 highly-educated" in table.loc["D3", "our_evidence"]
    assert "secondary" in table.loc["D1", "our_evidence"]
    assert claims["D3"].test == "some"
    assert claims["D3"].scope == "sample"


def test_no_reconstruction_at_the_stated_n(claims, items):
    evaluation, per = claim_tests.evaluate(claims["D1"], items, 4, rounding="up_or_down")
    assert evaluation.reconstructions == 0
    assert per.empty
    assert np.isnan(evaluation.pvalue_min)


def test_external_claims_are_not_evaluated(claims, items):
    with pytest.raises(ValueError, match="not testable"):
        claim_tests.evaluate(claims["H2"], items, 9, rounding="up_or_down")


def _evaluation(holds, total, significant, n=9, reading="single choice (stated)"):
    return claim_tests.Evaluation(
        "X",
        n,
        True,
        reading,
        "up_or_down",
        total,
        holds,
        significant,
        0.05,
        0,
        1,
        0.95,
        0,
        1,
        0,
        1,
        0.01,
        0.2,
        0.5,
        0.9,
        0.0,
        0.7,
        "t",
        "m; Dirichlet(1) prior",
    )


@pytest.mark.parametrize(
    ("evaluations", "label"),
    [
        ([_evaluation(3, 3, 3), _evaluation(0, 0, 0, n=4)], "supported"),
        ([_evaluation(3, 3, 1)], "holds, not significant"),
        ([_evaluation(1, 3, 0)], "undetermined"),
        ([_evaluation(0, 3, 0)], "contradicted"),
        ([_evaluation(0, 0, 0)], "not evaluable"),
        (
            [_evaluation(3, 3, 3), _evaluation(1, 3, 0, reading="multiple choice (assumed)")],
            "undetermined",
        ),
    ],
)
def test_verdict_labels(evaluations, label):
    claim = registry.Claim("X", "x", "survey", "q", "a", "majority")
    assert verdicts.verdict(claim, evaluations).label == label


@pytest.mark.parametrize(
    ("evaluations", "label"),
    [
        (
            [_evaluation(3, 3, 0), _evaluation(0, 0, 0, n=4)],
            "true of the sample at the reported percentages",
        ),
        ([_evaluation(0, 3, 0)], "false of the sample at the reported percentages"),
        ([_evaluation(1, 3, 0)], "undetermined"),
    ],
)
def test_sample_verdict_labels(evaluations, label):
    claim = registry.Claim("X", "x", "survey", "q", "a", "majority", scope="sample")
    assert verdicts.verdict(claim, evaluations).label == label


def test_verdict_table_puts_the_article_next_to_us(claims, items, article_claims):
    evaluations = {"D1": [claim_tests.evaluate(claims["D1"], items, 9, rounding="up_or_down")[0]]}
    chosen = [claims["D1"], claims["H2"]]
    table = verdicts.verdict_table(chosen, article_claims, evaluations)
    assert table["id"].tolist() == ["D1", "H2"]
    assert table["article_verdict"].iloc[0] == "stated"
    # the article's "proved" names no hypothesis: the verdict says that reading it as H2 is ours
    assert table["article_verdict"].iloc[1].startswith("proved (our reading: ")
    assert "names none of H1-H3" in table["article_verdict"].iloc[1]
    assert table["our_verdict"].tolist() == [
        "true of the sample at the reported percentages",
        "not testable from the survey",
    ]
    assert "true of the sample in 1 of 1 reconstructions" in table["our_evidence"].iloc[0]
    assert table["period"].iloc[0] == verdicts.SURVEY_PERIOD
    assert "rounding: up_or_down" in table["assumptions"].iloc[0]


def test_too_many_reconstructions_are_refused_before_any_is_enumerated(claims, items, monkeypatch):
    # H1 at n = 9: 1,000 multiple-choice reconstructions
    monkeypatch.setattr(limits, "MAX_RECONSTRUCTIONS", 100)

    def never(*args, **kwargs):
        raise AssertionError("enumerated")

    monkeypatch.setattr(claim_tests, "reconstructions", never)
    with pytest.raises(
        ValueError,
        match=r"claim H1 at n = 9, multiple choice .*: 1,000 "
        r"reconstructions exceed MAX_RECONSTRUCTIONS = 100 \(a memory budget of "
        r"1 GiB.*choose a smaller n \(-p n_candidates\)",
    ):
        claim_tests.evaluate(claims["H1"], items, 9, rounding="up_or_down", reading="multiple")
    # evaluate_claims counts every claim, n and reading before it evaluates any
    monkeypatch.setattr(claim_tests, "evaluate", never)
    with pytest.raises(ValueError, match="MAX_RECONSTRUCTIONS = 100"):
        claim_tests.evaluate_claims([claims["D1"], claims["H1"]], items, [9], rounding="up_or_down")


def test_check_limits_counts_without_enumerating(claims, items, monkeypatch):
    survey = [claims["D1"], claims["H1"]]
    claim_tests.check_limits(survey, items, [9, 54], rounding="up_or_down", size_draws=20_000)
    with pytest.raises(ValueError, match=r"claim H1 at n = 1000, multiple choice"):
        claim_tests.check_limits(survey, items, [1000], rounding="up_or_down")
    claim_tests.check_limits(survey, items, [1000], rounding="up_or_down", readings=["single"])
    with pytest.raises(ValueError, match=r"MAX_SIMULATED_COUNTS = 33,554,432.*-p size_draws"):
        claim_tests.check_limits(survey, items, [9], rounding="up_or_down", size_draws=10**8)
    monkeypatch.setattr(limits, "MAX_GRID_VALUES", 1000)  # 10 x 2001 points at n = 9
    with pytest.raises(ValueError, match=r"posterior at n = 9 on 2001 points .*MAX_GRID_VALUES"):
        claim_tests.check_limits(survey, items, [9], rounding="up_or_down")


def test_the_verdict_gives_the_posterior_weighed_by_the_prior(claims, items):
    """H1 at n = 9, single choice: the mean of the 21 posteriors (Dirichlet(1) weighs all alike)."""
    evaluation, per = claim_tests.evaluate(claims["H1"], items, 9, rounding="up_or_down")
    assert evaluation.reconstructions == len(per) == 21
    assert evaluation.posterior_marginal == pytest.approx(per["posterior_largest"].mean())
    exact = robustness.sweep_mode_claim(
        [None, None, "44", None], 2, 9, single_choice=True, rounding="up_or_down", prior=1.0
    )
    assert evaluation.posterior_marginal == pytest.approx(exact.posterior_largest, abs=0.005)
    found = verdicts.verdict(claims["H1"], [evaluation])
    assert f"{evaluation.posterior_marginal:.2f} over them weighed by the prior" in found.sentence

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from analysis_utils import hypotheses as h
from analysis_utils import paths
from analysis_utils.reconstruction import count

LAYOUT = paths.layout()


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in h.load_claims(LAYOUT.claims)}


def test_the_registry_covers_every_claim_of_the_article(claims, items, article_claims):
    h.check_registry(list(claims.values()), items, article_claims)
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
        h.load_claims(path)


def test_check_registry_names_a_missing_option(claims, items, article_claims):
    bad = h.Claim("H1", "x", "survey", "causes", "z", "mode")
    with pytest.raises(ValueError, match="option 'z'"):
        h.check_registry([bad], items, article_claims)
    stranger = h.Claim("Z9", "x", "external")
    with pytest.raises(ValueError, match="Z9"):
        h.check_registry([stranger], items, article_claims)


def test_majority_claim_by_hand(claims, items):
    evaluation, per = h.evaluate(claims["D1"], items, 9, rounding="up_or_down")
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
    evaluation, per = h.evaluate(claims["H1"], items, 9, rounding="up_or_down")
    assert evaluation.reconstructions == count([None, None, "44", None], 9) == 21 == len(per)
    # c = 4; the other five answers spread over a, b, d; the claim holds when each is <= 3:
    # 21 compositions minus (5,0,0) x 3 and (4,1,0) x 6
    assert evaluation.holds == 12
    assert per["holds"].sum() == 12
    assert (per["share"] == 4 / 9).all()
    assert 0 < evaluation.posterior_se_max < 0.01


def test_multiple_choice_has_no_exact_mode_test(claims, items):
    evaluation, per = h.evaluate(
        claims["H1"], items, 9, rounding="up_or_down", unstated_single_choice=False
    )
    assert evaluation.reconstructions == 10**3
    assert np.isnan(per["pvalue"]).all()
    assert "multiple-choice" in evaluation.test


def test_no_reconstruction_at_the_stated_n(claims, items):
    evaluation, per = h.evaluate(claims["D1"], items, 4, rounding="up_or_down")
    assert evaluation.reconstructions == 0
    assert per.empty
    assert np.isnan(evaluation.pvalue_min)


def test_external_claims_are_not_evaluated(claims, items):
    with pytest.raises(ValueError, match="not testable"):
        h.evaluate(claims["H2"], items, 9, rounding="up_or_down")


def _evaluation(holds, total, significant, n=9):
    return h.Evaluation(
        "X",
        n,
        True,
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
        "t",
        "m",
    )


@pytest.mark.parametrize(
    ("evaluations", "label"),
    [
        ([_evaluation(3, 3, 3), _evaluation(0, 0, 0, n=4)], "supported"),
        ([_evaluation(3, 3, 1)], "holds, not significant"),
        ([_evaluation(1, 3, 0)], "undetermined"),
        ([_evaluation(0, 3, 0)], "contradicted"),
        ([_evaluation(0, 0, 0)], "not evaluable"),
    ],
)
def test_verdict_labels(evaluations, label):
    claim = h.Claim("X", "x", "survey", "q", "a", "majority")
    assert h.verdict(claim, evaluations)[0] == label


def test_verdict_table_puts_the_article_next_to_us(claims, items, article_claims):
    evaluations = {"D1": [h.evaluate(claims["D1"], items, 9, rounding="up_or_down")[0]]}
    chosen = [claims["D1"], claims["H2"]]
    table = h.verdict_table(chosen, article_claims, evaluations)
    assert table["id"].tolist() == ["D1", "H2"]
    assert table["article_verdict"].tolist() == ["stated", "proved"]
    assert table["our_verdict"].tolist() == [
        "holds, not significant",
        "not testable from the survey",
    ]
    assert "holds in 1 of 1 reconstructions" in table["our_evidence"].iloc[0]

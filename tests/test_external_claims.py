"""External claims: declared in claims.yaml, dispatched by their kind of external test."""

import re

import pandas as pd
import pytest

from analysis_utils.audit import registry, verdicts
from analysis_utils.core import io, paths
from analysis_utils.study import evidence, external_claims, external_schemas, hypotheses, schemas
from analysis_utils.study import statements as study_statements
from analysis_utils.study import tip as study_tip
from analysis_utils.survey import templates

LAYOUT = paths.layout()


@pytest.fixture(scope="module")
def claims():
    return external_claims.load_claims(LAYOUT.claims)


@pytest.fixture(scope="module")
def found(numbers):
    """The evidence as 05_test_external_evidence builds it, from the committed tables."""
    tip = io.read_table(LAYOUT.processed / "tip_azerbaijan.csv", schemas.TIP_REPORTS)
    statements = io.read_table(
        LAYOUT.raw / "external" / "tip_statements.csv", external_schemas.TIP_STATEMENTS
    )
    counts = study_tip.wide(tip, "persons")
    female = pd.concat([evidence.female_counts(counts), counts["victims_identified_total"]], axis=1)
    return external_claims.ExternalEvidence(
        sexual_shares=evidence.shares(
            counts,
            part="victims_female_sex_trafficking",
            total="victims_identified_total",
            confidence=0.95,
        ),
        female_shares=evidence.shares(
            female, part="victims_female", total="victims_identified_total", confidence=0.95
        ),
        unstated_sex=evidence.unstated_sex(counts),
        investigations=study_tip.wide(tip, "cases")[
            ["investigations_sex_trafficking", "investigations_labour_trafficking"]
        ],
        civil_society=study_tip.wide(tip, "AZN")["funding_civil_society_victim_services"],
        statements=statements,
        article_statements=io.read_table(
            LAYOUT.raw / "article_statements.csv", external_schemas.ARTICLE_STATEMENTS
        ),
        reported=dict(zip(numbers["id"], numbers["value"], strict=True)),
        periods=dict(zip(numbers["id"], numbers["period"], strict=True)),
        alpha=0.05,
        confidence=0.95,
    )


def test_every_external_claim_of_the_registry_names_a_known_external_test(claims):
    external = [c for c in claims if c.evidence == "external"]
    assert {c.id for c in external} == {"H2", "H3", "D4"}
    assert all(c.test in external_claims.EXTERNAL_TESTS and c.sources for c in external)
    assert not any(c.sources for c in claims if c.evidence == "survey")


def test_the_dispatch_covers_exactly_the_external_claims(claims, found):
    dispatched = external_claims.external_claims(claims)
    assert sorted(c.id for c in dispatched) == sorted(
        c.id for c in claims if c.evidence == "external"
    )
    # in the order of EXTERNAL_TESTS, as the notebook presents the evidence
    assert [c.id for c in dispatched] == ["H2", "D4", "H3"]
    table = external_claims.external_verdicts(claims, found)
    assert table["id"].tolist() == ["H2", "D4", "H3"]
    assert table.columns.tolist() == [
        f["name"] for f in external_schemas.EXTERNAL_VERDICTS["fields"]
    ]


def test_the_dispatch_gives_the_verdicts_of_the_evidence_functions(claims, found):
    reported, periods = found.reported, found.periods
    direct = {
        "H2": hypotheses.h2_verdict(
            found.sexual_shares,
            cases=int(reported["cases_revealed"]),
            forced_labour_cases=int(reported["cases_forced_labour"]),
            case_period=periods["cases_revealed"],
            investigations=found.investigations,
            statements=study_statements.statements_about(found.statements, "H2"),
            alpha=0.05,
            confidence=0.95,
        ),
        "D4": hypotheses.d4_verdict(
            found.female_shares,
            note="victims whose sex is not given count as not female ("
            + ", ".join(f"{year}: {k}" for year, k in found.unstated_sex.items())
            + ")",
            article_statements=found.article_statements,
            statements=found.statements,
            survey_period=verdicts.SURVEY_PERIOD,
            alpha=0.05,
            confidence=0.95,
        ),
        "H3": hypotheses.h3_verdict(
            study_statements.statements_about(found.statements, "H3"),
            ngo_projects=int(reported["nap_ngo_council_projects"]),
            ngo_funding_azn=reported["nap_ngo_council_funding"],
            ngo_period=periods["nap_ngo_council_funding"],
            civil_society=found.civil_society,
        ),
    }
    assert external_claims.verdicts(claims, found) == direct
    assert direct["H2"].label.startswith("consistent with official identification statistics")
    table = external_claims.external_verdicts(claims, found).set_index("id")
    for claim_id, v in direct.items():
        assert table.loc[claim_id, "our_verdict"] == v.label
        assert table.loc[claim_id, "our_evidence"] == v.sentence
        assert table.loc[claim_id, "period"] == v.period
        assert table.loc[claim_id, "assumptions"] == v.assumptions
    tip_source = "external: US TIP reports (data/raw/external/tip_azerbaijan.csv)"
    statements_source = "TIP statements (data/raw/external/tip_statements.csv)"
    assert table["evidence"].to_dict() == {
        "H2": f"{tip_source}; the article's case statistics; {statements_source}",
        "D4": f"{tip_source}; the article's sentences on men in forced labour "
        f"(data/raw/article_statements.csv); {statements_source}",
        "H3": f"{statements_source}; {tip_source}; the article's funding figures",
    }


def test_the_shares_table_follows_the_dispatch(claims, found):
    shares = external_claims.external_shares(claims, found)
    expected = pd.concat(
        [found.sexual_shares.assign(claim_id="H2"), found.female_shares.assign(claim_id="D4")],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(shares, expected)


def _write(tmp_path, text):
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n  X1:\n" + text)
    return path


EXTERNAL = "    evidence: external\n"
SOURCES = "    sources: [the TIP reports]\n"


def test_an_unknown_external_test_is_refused_naming_the_file_the_claim_and_the_kinds(tmp_path):
    path = _write(tmp_path, EXTERNAL + "    test: vibes\n" + SOURCES)
    kinds = tuple(external_claims.EXTERNAL_TESTS)
    message = f"claims.yaml: claim X1: test must be one of the external tests {kinds}, got 'vibes'"
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        external_claims.load_claims(path)
    # the survey notebooks, which know no external tests, load it
    assert registry.load_claims(path)[0].test == "vibes"
    with pytest.raises(ValueError, match=r"claim X1: test must be one of the external tests"):
        external_claims.external_claims(registry.load_claims(path))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (EXTERNAL + "    test: majority\n" + SOURCES, "not a kind of external test"),
        (EXTERNAL + "    test: forms_of_trafficking\n", "needs 'sources'"),
        (EXTERNAL + "    test: forms_of_trafficking\n    sources: TIP\n", "needs 'sources'"),
        (EXTERNAL + "    sources: []\n", "needs 'sources'"),
        (
            "    evidence: survey\n    question: q\n    option: a\n    test: mode\n" + SOURCES,
            "'sources' are for external claims only",
        ),
    ],
)
def test_a_bad_external_claim_is_refused_naming_the_claim(tmp_path, text, message):
    path = _write(tmp_path, text)
    for load in (registry.load_claims, external_claims.load_claims):
        with pytest.raises(ValueError, match=f"claims.yaml: claim X1: .*{re.escape(message)}"):
            load(path)


def test_an_external_claim_without_a_test_is_left_to_its_note(tmp_path, found):
    path = _write(tmp_path, EXTERNAL + "    note: the police records could test it\n")
    claims = external_claims.load_claims(path)
    assert external_claims.external_claims(claims) == []
    assert external_claims.external_verdicts(claims, found).empty


def test_a_survey_registry_keeps_working(tmp_path, found):
    templates.scaffold(tmp_path / "survey")
    assert registry.load_claims(tmp_path / "survey" / "claims.yaml") == []
    path = _write(
        tmp_path, "    evidence: survey\n    question: role\n    option: ngo\n    test: majority\n"
    )
    for load in (registry.load_claims, external_claims.load_claims):
        (claim,) = load(path)
        assert (claim.test, claim.sources) == ("majority", ())
    claims = registry.load_claims(path)
    assert external_claims.external_verdicts(claims, found).empty
    assert external_claims.external_shares(claims, found).empty

"""The claims the survey cannot test, dispatched by their kind of external test.

An external claim of ``claims.yaml`` names a kind of external test (``test:``)
and the sources it weighs (``sources:``). :data:`EXTERNAL_TESTS` maps each kind
to the function of :mod:`analysis_utils.study.evidence` that weighs the
:class:`ExternalEvidence` (built in ``05_test_external_evidence``);
:func:`external_verdicts` and :func:`external_shares` build the external
verdicts and shares tables for every external claim of the registry. Adding a
kind is adding one entry to :data:`EXTERNAL_TESTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis_utils.audit import registry
from analysis_utils.audit.registry import Claim
from analysis_utils.audit.verdicts import SURVEY_PERIOD, Verdict
from analysis_utils.study import external_schemas, hypotheses, statements


@dataclass(frozen=True, eq=False)
class ExternalEvidence:
    """The evidence the external tests weigh.

    Attributes
    ----------
    sexual_shares : DataFrame
        :func:`evidence.shares` of sexual exploitation among identified victims.
    female_shares : DataFrame
        :func:`evidence.shares` of female victims among identified victims.
    unstated_sex : Series
        :func:`evidence.unstated_sex`: victims whose sex is not given, by year.
    investigations : DataFrame
        Index reference year; columns ``investigations_sex_trafficking``,
        ``investigations_labour_trafficking`` (external).
    civil_society : Series
        Interior-ministry money to civil society for victim support (AZN), by
        reference year (external).
    statements : DataFrame
        ``tip_statements.csv``: each claim weighs the statements that name it.
    article_statements : DataFrame
        ``article_statements.csv``: the article's sentences without numbers, by
        the claim they bear on.
    reported : mapping of str to float
        The article's numbers by id (``article_numbers.csv``).
    periods : mapping of str to str
        The years each of the article's numbers covers, by id, as transcribed.
    alpha, confidence : float
        Level of the tests and of the intervals.
    """

    sexual_shares: pd.DataFrame
    female_shares: pd.DataFrame
    unstated_sex: pd.Series
    investigations: pd.DataFrame
    civil_society: pd.Series
    statements: pd.DataFrame
    article_statements: pd.DataFrame
    reported: Mapping[str, float]
    periods: Mapping[str, str]
    alpha: float
    confidence: float


@dataclass(frozen=True)
class ExternalTest:
    """One kind of external test: what it weighs, its verdict and the shares it rests on.

    Attributes
    ----------
    weighs : str
        The evidence it weighs, in words.
    verdict : callable
        Takes the claim and the :class:`ExternalEvidence`, returns its :class:`Verdict`.
    shares : callable or None
        Takes the :class:`ExternalEvidence`, returns the yearly and pooled shares
        the verdict rests on (``None``: it rests on no shares).
    """

    weighs: str
    verdict: Callable[[Claim, ExternalEvidence], Verdict]
    shares: Callable[[ExternalEvidence], pd.DataFrame] | None = None


def _forms_of_trafficking(claim: Claim, found: ExternalEvidence) -> Verdict:
    """:func:`hypotheses.h2_verdict` on the article's cases, investigations, identified victims."""
    return hypotheses.h2_verdict(
        found.sexual_shares,
        cases=int(found.reported["cases_revealed"]),
        forced_labour_cases=int(found.reported["cases_forced_labour"]),
        case_period=found.periods["cases_revealed"],
        investigations=found.investigations,
        statements=statements.statements_about(found.statements, claim.id),
        alpha=found.alpha,
        confidence=found.confidence,
    )


def _female_share_of_identified(claim: Claim, found: ExternalEvidence) -> Verdict:
    """:func:`hypotheses.d4_verdict`: the female share, then the article's own period."""
    article = found.article_statements
    return hypotheses.d4_verdict(
        found.female_shares,
        note="victims whose sex is not given count as not female ("
        + ", ".join(f"{year}: {k}" for year, k in found.unstated_sex.items())
        + ")",
        article_statements=article[article["claim"] == claim.id],
        statements=found.statements,
        survey_period=SURVEY_PERIOD,
        alpha=found.alpha,
        confidence=found.confidence,
    )


def _rehabilitation_funding(claim: Claim, found: ExternalEvidence) -> Verdict:
    """:func:`hypotheses.h3_verdict` on the article's NGO-council funding and the TIP statements."""
    return hypotheses.h3_verdict(
        statements.statements_about(found.statements, claim.id),
        ngo_projects=int(found.reported["nap_ngo_council_projects"]),
        ngo_funding_azn=found.reported["nap_ngo_council_funding"],
        ngo_period=found.periods["nap_ngo_council_funding"],
        civil_society=found.civil_society,
    )


def _sexual_shares(found: ExternalEvidence) -> pd.DataFrame:
    """Return the shares of sexual exploitation among identified victims."""
    return found.sexual_shares


def _female_shares(found: ExternalEvidence) -> pd.DataFrame:
    """Return the shares of female victims among identified victims."""
    return found.female_shares


#: Name in ``claims.yaml`` -> the kind of external test. Verdicts and shares come
#: in this order (that of ``05_test_external_evidence``), claims of one kind in
#: registry order.
EXTERNAL_TESTS: dict[str, ExternalTest] = {
    "forms_of_trafficking": ExternalTest(
        "sexual exploitation against the other forms: the article's cases, investigations "
        "and victims identified by form, and what identification misses",
        _forms_of_trafficking,
        _sexual_shares,
    ),
    "female_share_of_identified": ExternalTest(
        "the share of identified victims who are female, by year and pooled",
        _female_share_of_identified,
        _female_shares,
    ),
    "rehabilitation_funding": ExternalTest(
        "the organizations' funding: the literal reading (no money at all) apart from the "
        "adequacy reading (the TIP narratives' statements)",
        _rehabilitation_funding,
    ),
}


#: Columns of the external verdicts table (``external_verdicts.csv``).
EXTERNAL_VERDICT_COLUMNS = [f["name"] for f in external_schemas.EXTERNAL_VERDICTS["fields"]]


def load_claims(path: Path) -> list[Claim]:
    """Read and check the claims registry, external tests included.

    Parameters
    ----------
    path : Path
        ``claims.yaml``.

    Returns
    -------
    list of Claim
        In file order.

    Raises
    ------
    ValueError
        Naming the file, the claim and the field that breaks the rules; for an
        unknown external test, the kinds of :data:`EXTERNAL_TESTS`.
    """
    return registry.load_claims(path, external_tests=tuple(EXTERNAL_TESTS))


def external_claims(claims: Sequence[Claim]) -> list[Claim]:
    """Select the external claims that name a test, in the order of :data:`EXTERNAL_TESTS`.

    Parameters
    ----------
    claims : sequence of Claim
        The registry; survey claims and external claims without a test (their
        note names the evidence that could test them) are left out.

    Returns
    -------
    list of Claim
        By kind in the order of :data:`EXTERNAL_TESTS`, then in registry order.

    Raises
    ------
    ValueError
        If a claim names a test that is not one of :data:`EXTERNAL_TESTS`.
    """
    tested = [c for c in claims if c.evidence == "external" and c.test is not None]
    for claim in tested:
        if claim.test not in EXTERNAL_TESTS:
            raise ValueError(
                f"claim {claim.id}: test must be one of the external tests "
                f"{tuple(EXTERNAL_TESTS)}, got {claim.test!r}"
            )
    kinds = list(EXTERNAL_TESTS)
    return sorted(tested, key=lambda c: kinds.index(str(c.test)))


def verdicts(claims: Sequence[Claim], found: ExternalEvidence) -> dict[str, Verdict]:
    """Weigh the evidence on each external claim by its kind of test.

    Parameters
    ----------
    claims : sequence of Claim
        The registry.
    found : ExternalEvidence

    Returns
    -------
    dict
        Claim id to its verdict, in the order of :func:`external_claims`.
    """
    return {c.id: EXTERNAL_TESTS[str(c.test)].verdict(c, found) for c in external_claims(claims)}


def external_verdicts(claims: Sequence[Claim], found: ExternalEvidence) -> pd.DataFrame:
    """Build the external verdicts table: one row per external claim with a test.

    Parameters
    ----------
    claims : sequence of Claim
        The registry.
    found : ExternalEvidence

    Returns
    -------
    DataFrame
        :data:`EXTERNAL_VERDICT_COLUMNS` in the order of :func:`external_claims`;
        ``evidence`` is the claim's sources joined by ``"; "``.
    """
    sources = {c.id: "; ".join(c.sources) for c in claims}
    return pd.DataFrame(
        [
            {
                "id": claim_id,
                "evidence": sources[claim_id],
                "period": v.period,
                "assumptions": v.assumptions,
                "our_verdict": v.label,
                "our_evidence": v.sentence,
            }
            for claim_id, v in verdicts(claims, found).items()
        ],
        columns=EXTERNAL_VERDICT_COLUMNS,
    )


def external_shares(claims: Sequence[Claim], found: ExternalEvidence) -> pd.DataFrame:
    """Build the shares table: the yearly and pooled shares each external verdict rests on.

    Parameters
    ----------
    claims : sequence of Claim
        The registry.
    found : ExternalEvidence

    Returns
    -------
    DataFrame
        The :func:`evidence.shares` tables of the claims whose kind rests on
        shares, each with its ``claim_id``, in the order of :func:`external_claims`.
    """
    tables = [
        shares(found).assign(claim_id=c.id)
        for c in external_claims(claims)
        if (shares := EXTERNAL_TESTS[str(c.test)].shares) is not None
    ]
    if not tables:
        return pd.DataFrame(columns=[f["name"] for f in external_schemas.SHARES["fields"]])
    return pd.concat(tables, ignore_index=True)

"""The claims registry: which evidence can test each claim, and how.

The registry (``notebooks/claims.yaml`` for the study, ``claims.yaml`` in a
survey folder) is data: for each hypothesis or claim it says what evidence can
test it and how. :func:`load_claims` reads and checks it, :func:`check_registry`
checks it against the survey; a claim the survey cannot test says so and
points to the evidence that can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis_utils.audit.tables import question

TESTS = ("majority", "mode", "some")


EVIDENCE = ("survey", "external")


SCOPES = ("sample", "population")


#: Readings of a question whose type (single or multiple choice) the source does not state.
READINGS = ("single", "multiple")


#: Defaults of the tests (the notebooks' parameters agree with these).
DEFAULT_ALPHA = 0.05


DEFAULT_CONFIDENCE = 0.95


DEFAULT_PRIOR = 1.0


DEFAULT_DRAWS = 20_000


DEFAULT_SEED = 2014


#: Simulated surveys per check of the mode test's size.
DEFAULT_SIZE_DRAWS = 20_000


#: Readings evaluated for a question whose type the article does not state.
DEFAULT_READINGS: tuple[str, ...] = READINGS


#: The reading whose reconstructed ranges figures and report rows draw (the
#: multiple-choice ranges of an unreported option are 0-100 %, which draw nothing).
DEFAULT_UNSTATED_SINGLE_CHOICE = True


#: Refuse to enumerate more reconstructions than this for one claim and n.
MAX_RECONSTRUCTIONS = 5_000_000


#: List the reconstructions of a claim, n and reading one per row only up to this many
#: (every one is still tested; :func:`evaluate` returns them all).
MAX_LISTED = 10_000


@dataclass(frozen=True)
class Claim:
    """One entry of the registry.

    Attributes
    ----------
    id : str
        Matches ``article_claims.csv`` (H1-H3, D1-D4).
    claim : str
        What is tested, in our words.
    evidence : str
        ``survey`` or ``external``.
    question, option : str or None
        For survey claims: the question and the option the claim is about.
    test : str or None
        ``majority`` (the option's share exceeds one half), ``mode`` (it is
        the most common answer) or ``some`` (at least one respondent gave it).
    scope : str
        ``sample`` (a statement about the respondents themselves, judged by
        whether it is true of the sample) or ``population`` (a statement about
        what experts think, judged by a test).
    note : str
        Caveats; for external claims, the evidence that can test them.
    article_verdict_note : str
        How the source's verdict was read, where that is an interpretation;
        printed beside the source's verdict.
    """

    id: str
    claim: str
    evidence: str
    question: str | None = None
    option: str | None = None
    test: str | None = None
    scope: str = "population"
    note: str = ""
    article_verdict_note: str = ""


def load_claims(path: Path) -> list[Claim]:
    """Read and check the claims registry.

    Parameters
    ----------
    path : Path
        YAML file with a ``claims`` mapping of id to fields.

    Returns
    -------
    list of Claim
        In file order.

    Raises
    ------
    ValueError
        Naming the file, the claim and the field that breaks the rules.
    """
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    claims = []
    for claim_id, fields in (data.get("claims") or {}).items():
        where = f"{path.name}: claim {claim_id}"
        if not isinstance(fields, dict):
            raise ValueError(f"{where}: expected a mapping of fields")
        unknown = set(fields) - {
            "claim",
            "evidence",
            "question",
            "option",
            "test",
            "scope",
            "note",
            "article_verdict_note",
        }
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
        if fields.get("evidence") not in EVIDENCE:
            raise ValueError(f"{where}: evidence must be one of {EVIDENCE}")
        if fields["evidence"] == "survey":
            for key in ("question", "option", "test"):
                if not fields.get(key):
                    raise ValueError(f"{where}: a survey claim needs '{key}'")
            if fields["test"] not in TESTS:
                raise ValueError(f"{where}: test must be one of {TESTS}")
        if fields.get("scope", "population") not in SCOPES:
            raise ValueError(f"{where}: scope must be one of {SCOPES}")
        claims.append(
            Claim(
                id=str(claim_id),
                claim=str(fields.get("claim", "")),
                evidence=fields["evidence"],
                question=fields.get("question"),
                option=fields.get("option"),
                test=fields.get("test"),
                scope=str(fields.get("scope", "population")),
                note=" ".join(str(fields.get("note", "")).split()),
                article_verdict_note=" ".join(str(fields.get("article_verdict_note", "")).split()),
            )
        )
    return claims


def check_registry(
    claims: Sequence[Claim], items: pd.DataFrame, article_claims: pd.DataFrame | None
) -> None:
    """Check that every claim is the source's and every survey claim's option exists.

    Parameters
    ----------
    claims : sequence of Claim
    items : DataFrame
        ``survey_items.csv``.
    article_claims : DataFrame or None
        The source's own claims (``article_claims.csv``); ``None`` where the
        source states none (a survey of one's own), then any claim id is allowed.

    Raises
    ------
    ValueError
        Naming the claim and what is missing.
    """
    for claim in claims:
        if article_claims is not None and claim.id not in set(article_claims["id"]):
            raise ValueError(f"claim {claim.id}: not in article_claims.csv")
        if claim.evidence == "survey":
            options, _, _ = question(items, str(claim.question))
            if claim.option not in options:
                raise ValueError(
                    f"claim {claim.id}: option {claim.option!r} is not an option "
                    f"of question {claim.question!r} ({options})"
                )


def reading_of(choice: str, reading: str) -> tuple[bool, str]:
    """Whether counts sum to n, and how the question's type is described.

    Parameters
    ----------
    choice : str
        The question's type in the codebook: ``single``, ``multiple`` or ``not stated``.
    reading : str
        ``single`` or ``multiple``: the reading used when the type is not stated.

    Returns
    -------
    single_choice : bool
    described : str
        For example ``single choice (assumed: type not stated)``.

    Raises
    ------
    ValueError
        If ``reading`` is not one of :data:`READINGS`.
    """
    if reading not in READINGS:
        raise ValueError(f"reading must be one of {READINGS}, got {reading!r}")
    if choice in READINGS:
        return choice == "single", f"{choice} choice (stated)"
    return reading == "single", f"{reading} choice (assumed: type not stated)"

"""The claims registry: which evidence can test each claim, and how.

The registry (``notebooks/claims.yaml`` for the study, ``claims.yaml`` in a
survey folder) is data: for each hypothesis or claim it says what evidence can
test it and how. :func:`load_claims` reads and checks it, :func:`check_registry`
checks it against the survey; a claim the survey cannot test says so and
points to the evidence that can. A survey claim names a kind of survey test
(:data:`TESTS`, the names of :data:`analysis_utils.audit.kinds.TEST_KINDS`); an
external claim may name a kind of external test and its sources, which the code
that tests it (the study's :mod:`analysis_utils.study.external_claims`) passes
to :func:`load_claims` to be checked.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils.audit.decisions import DEFAULT_TOP
from analysis_utils.audit.group_tests import KINDS as RESPONDENT_KINDS
from analysis_utils.audit.kinds import TEST_KINDS
from analysis_utils.survey.question import question

#: The kinds of survey test a claim can name: the keys of TEST_KINDS, the one list
#: (load_claims checks a claim's test against TEST_KINDS itself).
TESTS = tuple(TEST_KINDS)


#: ``survey``: tested on the survey's percentages (reconstructed where unreported);
#: ``respondents``: tested on respondent-level answers (an ordinal question, groups);
#: ``external``: evidence outside the survey.
EVIDENCE = ("survey", "respondents", "external")


#: The kinds of test a claim on respondent-level answers can name
#: (:data:`analysis_utils.audit.group_tests.KINDS`).
RESPONDENT_TESTS = tuple(RESPONDENT_KINDS)


SCOPES = ("sample", "population")


#: List the reconstructions of a claim, n and reading one per row only up to this many
#: (every one is still tested; :func:`evaluate` returns them all).
MAX_LISTED = 10_000


@dataclass(frozen=True)
class Claim:
    """One entry of the registry.

    Attributes
    ----------
    id : str
        The claim's id; where the source's own claims are given
        (``article_claims.csv``), one of theirs.
    claim : str
        What is tested, in our words.
    evidence : str
        ``survey`` or ``external``.
    question, option : str or None
        For survey claims: the question and the option the claim is about.
    test : str or None
        For survey claims, a kind of :data:`TESTS`: ``majority`` (the option's
        share exceeds one half), ``mode`` (it is the most common answer) or
        ``some`` (at least one respondent gave it). For external claims, the
        kind of external test that weighs the evidence (optional: without one
        the note says which evidence could).
    scope : str
        ``sample`` (a statement about the respondents themselves, judged by
        whether it is true of the sample) or ``population`` (a statement about
        what experts think, judged by a test).
    note : str
        Caveats; for external claims, the evidence that can test them.
    article_verdict_note : str
        How the source's verdict was read, where that is an interpretation;
        printed beside the source's verdict.
    sources : tuple of str
        For external claims with a test: the evidence it weighs, one source
        each, in the order they are named in the verdict table.
    group : str or None
        For a claim comparing groups (``evidence: respondents``): the grouping
        question.
    groups : tuple of str
        Its two options compared, A then B (the claim: A answers higher).
    threshold : float or None
        For ``top_box``: the share the top box is claimed to exceed.
    top : int
        How many of the highest options form the top box (default 2).
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
    sources: tuple[str, ...] = ()
    group: str | None = None
    groups: tuple[str, ...] = ()
    threshold: float | None = None
    top: int = DEFAULT_TOP


#: The fields a claim of the registry may have.
FIELDS = (
    "claim",
    "evidence",
    "question",
    "option",
    "test",
    "scope",
    "note",
    "article_verdict_note",
    "sources",
    "group",
    "groups",
    "threshold",
    "top",
)

#: Fields a claim on respondent-level answers needs, by its kind of test.
#: Fields naming a question or an option: a whole number written there (YAML reads ``1`` as a
#: number) is read as its text, the code as the codebook writes it; so are ``groups``.
IDENTIFIER_FIELDS = ("question", "option", "group")

RESPONDENT_FIELDS = {
    "group_difference": ("question", "group", "groups"),
    "ordinal_shift": ("question", "group", "groups"),
    "top_box": ("question", "threshold"),
    "ordinal_median": ("question", "option"),
}


def _check_test(
    where: str, fields: dict[str, object], external_tests: Collection[str] | None
) -> None:
    """Check a claim's ``test`` and ``sources`` against what its evidence allows."""
    test, sources = fields.get("test"), fields.get("sources")
    if fields["evidence"] != "respondents":
        extra = [k for k in ("group", "groups", "threshold", "top") if k in fields]
        if extra:
            raise ValueError(f"{where}: {extra} are for claims with evidence: respondents")
    if fields["evidence"] == "respondents":
        _check_respondent_test(where, fields)
        return
    if fields["evidence"] == "survey":
        for key in ("question", "option", "test"):
            if not fields.get(key):
                raise ValueError(f"{where}: a survey claim needs '{key}'")
        if not isinstance(test, str) or test not in TEST_KINDS:
            raise ValueError(f"{where}: test must be one of {tuple(TEST_KINDS)}, got {test!r}")
        if sources is not None:
            raise ValueError(f"{where}: 'sources' are for external claims only")
        return
    if test is not None:
        if not isinstance(test, str) or test in TEST_KINDS:
            raise ValueError(
                f"{where}: test {test!r} is not a kind of external test (a survey test "
                f"{tuple(TEST_KINDS)} needs evidence: survey)"
            )
        if external_tests is not None and test not in external_tests:
            raise ValueError(
                f"{where}: test must be one of the external tests {tuple(external_tests)}, "
                f"got {test!r}"
            )
    if (test is not None or sources is not None) and (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise ValueError(
            f"{where}: an external test needs 'sources', a non-empty list of texts (the "
            "evidence it weighs)"
        )


def _check_respondent_test(where: str, fields: dict[str, object]) -> None:
    """Check a claim on respondent-level answers: its kind of test and the fields it needs."""
    test = fields.get("test")
    if not isinstance(test, str) or test not in RESPONDENT_KINDS:
        raise ValueError(
            f"{where}: a claim with evidence: respondents needs test, one of {RESPONDENT_TESTS}, "
            f"got {test!r}"
        )
    for key in RESPONDENT_FIELDS[test]:
        if fields.get(key) in (None, ""):
            raise ValueError(f"{where}: a {test} claim needs '{key}'")
    if fields.get("sources") is not None:
        raise ValueError(f"{where}: 'sources' are for external claims only")
    groups = fields.get("groups")
    if "groups" in RESPONDENT_FIELDS[test] and (
        not isinstance(groups, list)
        or len(groups) != 2
        or not all(isinstance(g, str) and g for g in groups)
        or groups[0] == groups[1]
    ):
        raise ValueError(
            f"{where}: 'groups' must list two different options of the grouping question, "
            "A then B (the claim: A answers higher than B)"
        )
    threshold = fields.get("threshold")
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 < threshold < 1
    ):
        raise ValueError(f"{where}: 'threshold' must be a share strictly between 0 and 1")
    top = fields.get("top", 2)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"{where}: 'top' must be a whole number of options, at least 1")


#: Words YAML 1.1 reads, unquoted, as true or false (in any of its cases).
YAML_BOOLEANS = ("yes", "no", "on", "off", "true", "false", "y", "n")


def _whole(value: object, written: str | None = None) -> object:
    """Write a whole number as text (YAML reads ``1`` as a number, the codebook's code is "1").

    A truth value YAML 1.1 made of a bare ``yes`` or ``no`` is the word as written.
    """
    if isinstance(value, bool):
        return written if written is not None else ("yes" if value else "no")
    return str(value) if isinstance(value, int) else value


def _codes_as_text(
    fields: dict[str, Any], written: Mapping[tuple[str, int | None], str] | None = None
) -> dict[str, Any]:
    """Read identifiers and codes written as whole numbers (``option: 1``, ``groups: [1, 2]``).

    ``written`` gives the words YAML read as truth values (``option: yes``), by field and
    place in a list, so that a code ``yes`` written unquoted is the code ``yes``.
    """
    spelled = written or {}
    out = {
        key: _whole(fields[key], spelled.get((key, None))) if key in fields else None
        for key in IDENTIFIER_FIELDS
    }
    groups = fields.get("groups")
    if isinstance(groups, list):
        out["groups"] = [_whole(g, spelled.get(("groups", k))) for k, g in enumerate(groups)]
    return {**fields, **{k: v for k, v in out.items() if k in fields}}


def _booleans_as_written(text: str) -> dict[str, dict[tuple[str, int | None], str]]:
    """Find the claims' fields where YAML 1.1 read a bare word as a truth value, as written."""
    import yaml

    from analysis_utils.core import yamlfile

    found: dict[str, dict[tuple[str, int | None], str]] = {}
    root = yamlfile.compose(text, "claims")
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, claims in root.value:
        if key.value != "claims" or not isinstance(claims, yaml.MappingNode):
            continue
        for claim, fields in claims.value:
            if not isinstance(fields, yaml.MappingNode):
                continue
            for name, node in fields.value:
                items: list[tuple[int | None, Any]] = (
                    list(enumerate(node.value))
                    if isinstance(node, yaml.SequenceNode)
                    else [(None, node)]
                )
                for index, item in items:
                    if isinstance(item, yaml.ScalarNode) and item.tag.endswith(":bool"):
                        found.setdefault(str(claim.value), {})[(name.value, index)] = item.value
    return found


def _quote_hint(codes: Sequence[object]) -> str:
    """Say to quote a code YAML 1.1 reads as true or false, if one of ``codes`` is such a word."""
    words = [str(c) for c in codes if str(c).lower() in YAML_BOOLEANS]
    if not words:
        return ""
    return (
        f"; {words[0]!r} is read as written although YAML 1.1 takes a bare "
        f"{', '.join(YAML_BOOLEANS[:6])} for true or false; write one of the option codes, "
        f"quoted where it is such a word (option: '{words[0]}')"
    )


def load_claims(path: Path, *, external_tests: Collection[str] | None = None) -> list[Claim]:
    """Read and check the claims registry.

    Parameters
    ----------
    path : Path
        YAML file with a ``claims`` mapping of id to fields.
    external_tests : collection of str, optional
        The kinds of external test an external claim may name. ``None`` (the
        survey notebooks, which test survey claims only) checks only that an
        external claim's test is not a survey test and has its ``sources``;
        the code that tests external claims passes its kinds.

    Returns
    -------
    list of Claim
        In file order.

    Raises
    ------
    ValueError
        Naming the file, the claim and the field that breaks the rules; for a
        file that is not YAML, the line and column where reading stopped; or the
        file, if it is a symbolic link (its target is never read).
    """
    import yaml

    from analysis_utils.core import yamlfile

    if Path(path).is_symlink():
        raise ValueError(
            f"{path.name}: the file is a symbolic link, which is not followed; "
            "give an ordinary file"
        )
    try:
        text = path.read_text(encoding="utf-8")
        data = yamlfile.load(text, path.name) or {}
        written = _booleans_as_written(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ValueError(f"{path.name}: not valid YAML{at}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict) or not isinstance(data.get("claims") or {}, dict):
        raise ValueError(f"{path.name}: expected a mapping 'claims' of claim ids to their fields")
    claims = []
    for claim_id, fields in (data.get("claims") or {}).items():
        where = f"{path.name}: claim {claim_id}"
        if not isinstance(fields, dict):
            raise ValueError(f"{where}: expected a mapping of fields")
        fields = _codes_as_text(fields, written.get(str(claim_id)))
        unknown = set(fields) - set(FIELDS)
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
        if fields.get("evidence") not in EVIDENCE:
            raise ValueError(f"{where}: evidence must be one of {EVIDENCE}")
        _check_test(where, fields, external_tests)
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
                sources=tuple(" ".join(str(s).split()) for s in fields.get("sources") or ()),
                group=fields.get("group"),
                groups=tuple(str(g) for g in fields.get("groups") or ()),
                threshold=None if fields.get("threshold") is None else float(fields["threshold"]),
                top=int(fields.get("top", 2)),
            )
        )
    return claims


def check_codebook(claims: Sequence[Claim], questions: pd.DataFrame, options: pd.DataFrame) -> None:
    """Check that every question, option and group a claim names is in a survey's codebook.

    The same names :func:`check_registry` checks against ``survey_items.csv``,
    checked against ``questions.csv`` and ``options.csv`` before anything runs.

    Parameters
    ----------
    claims : sequence of Claim
    questions, options : DataFrame
        The checked codebook (:func:`analysis_utils.survey.read.read`).

    Raises
    ------
    ValueError
        Naming the claim, the name that is not in the codebook and the ones that are.
    """
    codes = {
        q: list(options.loc[options["question_id"] == q, "option_code"])
        for q in questions["question_id"]
    }
    for claim in claims:
        if claim.evidence not in ("survey", "respondents"):
            continue
        named = [str(claim.question)] + ([claim.group] if claim.group else [])
        for question_id in named:
            if question_id not in codes:
                raise ValueError(
                    f"claim {claim.id}: question {question_id!r} is not in questions.csv "
                    f"(its questions: {', '.join(codes)})"
                )
        wanted = [(str(claim.question), [claim.option] if claim.option else [])]
        if claim.group:
            wanted.append((claim.group, list(claim.groups)))
        for question_id, given in wanted:
            missing = [g for g in given if g not in codes[question_id]]
            if missing:
                raise ValueError(
                    f"claim {claim.id}: {', '.join(map(repr, missing))} not an option of question "
                    f"{question_id!r} (its option codes: {', '.join(codes[question_id])})"
                    + _quote_hint(missing)
                )


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
        if claim.evidence == "survey" or (claim.evidence == "respondents" and claim.option):
            options = list(question(items, str(claim.question)).options)
            if claim.option not in options:
                raise ValueError(
                    f"claim {claim.id}: option {claim.option!r} is not an option "
                    f"of question {claim.question!r} ({options})" + _quote_hint([claim.option])
                )
        if claim.evidence == "respondents":
            question(items, str(claim.question))
            if claim.group is not None:
                groups = list(question(items, claim.group).options)
                missing = [g for g in claim.groups if g not in groups]
                if missing:
                    raise ValueError(
                        f"claim {claim.id}: {missing} not options of the grouping question "
                        f"{claim.group!r} ({groups})"
                    )

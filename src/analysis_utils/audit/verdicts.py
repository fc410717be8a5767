"""Verdicts: one short, qualified sentence per claim, with its period and assumptions.

A :class:`Verdict` is shared by survey claims (:func:`verdict` sums up the
evaluations of :mod:`analysis_utils.audit.claim_tests`) and external evidence
(:mod:`analysis_utils.study.evidence`); :func:`verdict_table` and
:func:`merge_verdicts` build the verdicts table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis_utils.audit.claim_tests import Evaluation
from analysis_utils.audit.registry import Claim
from analysis_utils.audit.schemas import VERDICTS

#: How a fraction "holds in k of N reconstructions" weighs the reconstructions.
EQUAL_WEIGHT = (
    "k of N weighs every consistent count vector equally: the prior predictive weights of a "
    "uniform prior on the shares (Dirichlet(1); Beta(1, 1) per option under multiple choice), "
    "a property of that prior, not evidence"
)


def _label(evaluable: Sequence[Evaluation], scope: str) -> str:
    """Verdict label of one reading's evaluations (all with reconstructions)."""
    if not evaluable:
        return "not evaluable"
    if scope == "sample":
        if all(e.holds == e.reconstructions for e in evaluable):
            return "true of the sample at the reported percentages"
        if all(e.holds == 0 for e in evaluable):
            return "false of the sample at the reported percentages"
        return "undetermined"
    if all(e.holds == 0 for e in evaluable):
        return "contradicted"
    if any(e.holds < e.reconstructions for e in evaluable):
        return "undetermined"
    if all(e.significant == e.reconstructions for e in evaluable):
        return "supported"
    return "holds, not significant"


def _part(e: Evaluation, scope: str, subgroup: str) -> str:
    """One sample size of one reading, in words."""
    if e.reconstructions == 0:
        return f"n = {e.n}: no reconstruction is consistent with the reported percentages{subgroup}"
    if scope == "sample":
        share = (
            f"{e.share_min:.0%}"
            if e.share_min == e.share_max
            else f"{e.share_min:.0%} to {e.share_max:.0%}"
        )
        secondary = (
            ""
            if np.isnan(e.pvalue_min)
            else f" (secondary, a population majority the sampling does not define: exact "
            f"binomial p {e.pvalue_min:.3g}"
            + ("" if e.pvalue_min == e.pvalue_max else f" to {e.pvalue_max:.3g}")
            + ")"
        )
        return (
            f"n = {e.n}: share {share} of all respondents, true of the sample in {e.holds} of "
            f"{e.reconstructions} reconstructions{secondary}{subgroup}"
        )
    p = (
        ""
        if np.isnan(e.pvalue_min)
        else f"; p from {e.pvalue_min:.3g} to {e.pvalue_max:.3g}, significant at "
        f"{e.alpha:g} in {e.significant} of {e.reconstructions}"
    )
    se = f", Monte Carlo SE <= {e.posterior_se_max:.3f}" if e.posterior_se_max > 0 else ""
    return (
        f"n = {e.n}: holds in {e.holds} of {e.reconstructions} reconstructions{p}; "
        f"posterior P(largest share) {e.posterior_min:.2f} to {e.posterior_max:.2f} across "
        f"reconstructions, {e.posterior_marginal:.2f} over them weighed by the prior "
        f"({e.posterior_method.split('; ')[-1]}{se})"
    )


def _sizes(sizes: Sequence[int]) -> str:
    """``n = 9`` or ``n = 9 and 54``."""
    words = [str(n) for n in sizes]
    return "n = " + (words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1])


def _qualified(label: str, evaluations: Sequence[Evaluation], subgroups: Mapping[int, str]) -> str:
    """Say what a sample label rests on where the percentage may be a subgroup's share.

    Where a reported option can be the percentage's base (57 % of the 7 highly
    educated) the article has not said which base it is: the statement is true of
    the sample as a share of all respondents at the sizes where some whole-sample
    count gives the percentage, and at sizes where none does it can only be a
    subgroup's share. The label says both and no more.
    """
    if not label.startswith("true of the sample") or not subgroups:
        return label
    sizes = list(dict.fromkeys(e.n for e in evaluations))
    whole = [e.n for e in evaluations if e.reconstructions > 0]
    partial = [n for n in sizes if n in subgroups and n not in whole]
    if not whole:
        return label
    return (
        "true of the sample where the percentage is a share of all respondents "
        f"({_sizes(whole)}); the article does not state its base"
        + (f", and at {_sizes(partial)} it can only be a subgroup's share" if partial else "")
    )


@dataclass(frozen=True)
class Verdict:
    """A verdict on one claim, from the survey or from external evidence.

    Attributes
    ----------
    label : str
        What the evidence decides, and no more.
    sentence : str
        What the label rests on.
    period : str
        When the evidence was collected or what years it refers to.
    assumptions : str
        The assumptions the label rests on.
    """

    label: str
    sentence: str
    period: str
    assumptions: str


def verdict(
    claim: Claim,
    evaluations: Sequence[Evaluation],
    *,
    subgroups: Mapping[int, str] | None = None,
    period: str = "",
) -> Verdict:
    """Summarise a claim's evaluations in a verdict.

    A claim about the sample (``scope: sample``) is judged by whether it is
    true of the respondents as the reported percentages describe them: ``true
    of the sample at the reported percentages`` (in every reconstruction at
    every evaluable n; the sentence names each n), ``false of the sample at the
    reported percentages`` (in none), ``undetermined``.
    A claim about what experts think (``scope: population``) is judged by a
    test: ``supported`` (holds and is significant in every reconstruction at
    every evaluable n), ``holds, not significant``, ``undetermined`` (holds in
    some reconstructions only: it depends on unreported values),
    ``contradicted`` (holds in none). Either may be ``not evaluable`` (no
    reconstruction at any candidate n) or ``not testable from the survey``.
    Where the readings of a question of unstated type disagree, the label is
    ``undetermined`` and the sentence gives each reading's label.

    Parameters
    ----------
    claim : Claim
    evaluations : sequence of Evaluation
        Its evaluations at the candidate sizes, for each reading.
    subgroups : mapping of int to str, optional
        For a sample size at which the percentage cannot be a share of the whole
        sample: the subgroup reading that makes it possible, in words.
    period : str
        When the survey was carried out, as far as known.

    Returns
    -------
    Verdict
    """
    if claim.evidence != "survey":
        return Verdict("not testable from the survey", claim.note, "", "")
    subgroups = subgroups or {}
    readings = list(dict.fromkeys(e.reading for e in evaluations))
    labels, sentences = {}, []
    for reading in readings:
        these = [e for e in evaluations if e.reading == reading]
        parts = [
            _part(e, claim.scope, f"; {subgroups[e.n]}" if e.n in subgroups else "") for e in these
        ]
        labels[reading] = _label([e for e in these if e.reconstructions > 0], claim.scope)
        prefix = f"{reading}: {labels[reading]}: " if len(readings) > 1 else ""
        sentences.append(prefix + "; ".join(parts))
    distinct = set(labels.values())
    label = distinct.pop() if len(distinct) == 1 else "undetermined"
    label = _qualified(label, evaluations, subgroups)
    first = evaluations[0] if evaluations else None
    mentions = (
        ["multiple choice: percentages are shares of respondents, not of mentions"]
        if any(not e.single_choice for e in evaluations)
        else []
    )
    assumptions = "; ".join(
        [
            "question type: " + " / ".join(readings),
            *mentions,
            f"rounding: {first.rounding}" if first else "",
            "n: " + ", ".join(str(n) for n in dict.fromkeys(e.n for e in evaluations)),
            EQUAL_WEIGHT,
            *(
                [
                    f"{first.test}, alpha {first.alpha:g}",
                    "posterior: "
                    + " / ".join(
                        dict.fromkeys(e.posterior_method.split("; ")[-1] for e in evaluations)
                    ),
                ]
                if first and claim.scope == "population"
                else []
            ),
        ]
    )
    return Verdict(label, ". ".join(sentences) + ".", period, assumptions)


def merge_verdicts(survey: pd.DataFrame, external: pd.DataFrame) -> pd.DataFrame:
    """Put the external verdicts into the verdict table of the survey claims.

    Parameters
    ----------
    survey : DataFrame
        :func:`verdict_table` (external claims marked not testable from the survey).
    external : DataFrame
        ``id, evidence, period, assumptions, our_verdict, our_evidence`` for
        claims tested on external data.

    Returns
    -------
    DataFrame
        The survey table with those claims' evidence, period, assumptions and
        verdict replaced.

    Raises
    ------
    ValueError
        If an external verdict names a claim the table does not have.
    """
    unknown = set(external["id"]) - set(survey["id"])
    if unknown:
        raise ValueError(f"external verdicts for unknown claims: {sorted(unknown)}")
    merged = survey.set_index("id")
    columns = ["evidence", "period", "assumptions", "our_verdict", "our_evidence"]
    for row in external.itertuples(index=False):
        merged.loc[row.id, columns] = [getattr(row, c) for c in columns]
    return merged.reset_index()


#: Columns of the verdict table (``verdicts.csv``, ``verdict_table.csv``).
VERDICT_COLUMNS = [f["name"] for f in VERDICTS["fields"]]


#: The period of the survey evidence: the article does not date its survey.
SURVEY_PERIOD = "survey date not stated (article of about 2014)"


def verdict_table(
    claims: Sequence[Claim],
    article_claims: pd.DataFrame | None,
    evaluations: Mapping[str, Sequence[Evaluation]],
    *,
    subgroups: Mapping[str, Mapping[int, str]] | None = None,
    period: str = SURVEY_PERIOD,
) -> pd.DataFrame:
    """One row per claim: the article's statement and verdict next to ours.

    Parameters
    ----------
    claims : sequence of Claim
    article_claims : DataFrame or None
        ``article_claims.csv`` (processed); ``None`` where the source states no
        claims: the statement is then the registry's and the verdict "not stated".
    evaluations : mapping
        Claim id to its evaluations (empty for external claims).
    subgroups : mapping, optional
        Claim id to :func:`verdict`'s ``subgroups``.
    period : str
        When the survey evidence was collected, as far as known.

    Returns
    -------
    DataFrame
        :data:`VERDICT_COLUMNS`, sorted by id. Claims on respondent-level
        answers are left out (:mod:`analysis_utils.audit.respondent_claims`
        gives their verdicts).
    """
    article = (
        article_claims.set_index("id")
        if article_claims is not None
        else pd.DataFrame(
            {
                "kind": "claim",
                "statement": [c.claim for c in claims],
                "article_verdict": "not stated",
            },
            index=[c.id for c in claims],
        )
    )
    rows = []
    for claim in claims:
        if claim.evidence == "respondents":
            continue
        found = verdict(
            claim,
            evaluations.get(claim.id, []),
            subgroups=(subgroups or {}).get(claim.id),
            period=period,
        )
        rows.append(
            verdict_row(
                claim,
                found,
                kind=article.loc[claim.id, "kind"],
                statement=article.loc[claim.id, "statement"],
                article_verdict=article.loc[claim.id, "article_verdict"]
                + (f" ({claim.article_verdict_note})" if claim.article_verdict_note else ""),
            )
        )
    return verdict_frame(rows)


def verdict_row(
    claim: Claim, found: Verdict, *, kind: str, statement: str, article_verdict: str
) -> dict[str, str]:
    """One row of the verdicts table: the source's statement and verdict beside ours.

    Parameters
    ----------
    claim : Claim
    found : Verdict
    kind, statement, article_verdict : str
        What the source says of the claim.

    Returns
    -------
    dict
        :data:`VERDICT_COLUMNS` to their values.
    """
    return {
        "id": claim.id,
        "kind": kind,
        "article_statement": statement,
        "article_verdict": article_verdict,
        "tested_claim": claim.claim,
        "evidence": claim.evidence,
        "period": found.period,
        "assumptions": found.assumptions,
        "our_verdict": found.label,
        "our_evidence": found.sentence,
    }


def verdict_frame(rows: Sequence[Mapping[str, str]]) -> pd.DataFrame:
    """Make verdict rows a table sorted by claim id.

    Parameters
    ----------
    rows : sequence of mapping
        :func:`verdict_row` each.

    Returns
    -------
    DataFrame
        :data:`VERDICT_COLUMNS`.
    """
    return (
        pd.DataFrame(list(rows), columns=VERDICT_COLUMNS)
        .sort_values("id", kind="stable")
        .reset_index(drop=True)
    )

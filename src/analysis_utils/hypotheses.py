"""The claims registry and the tests of each claim across every reconstruction.

The registry (``notebooks/claims.yaml``) is data: for each hypothesis or claim
of the article (its wording and verdict are in ``data/raw/article_claims.csv``)
it says what evidence can test it and how. Survey claims are tested at each
candidate sample size across *every* count vector consistent with the reported
percentages (:mod:`analysis_utils.reconstruction`); a claim the survey cannot
test says so and points to the evidence that can.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis_utils import stats
from analysis_utils.audit import known_counts, question
from analysis_utils.reconstruction import count
from analysis_utils.reconstruction import enumerate as reconstructions
from analysis_utils.schemas import CLAIM_RECONSTRUCTIONS, CLAIM_TESTS

TESTS = ("majority", "mode")
EVIDENCE = ("survey", "external")

#: Defaults of the tests (the notebooks' parameters agree with these).
DEFAULT_ALPHA = 0.05
DEFAULT_CONFIDENCE = 0.95
DEFAULT_PRIOR = 1.0
DEFAULT_DRAWS = 20_000
DEFAULT_SEED = 2014
#: Treat a question whose type the article does not state as single choice.
DEFAULT_UNSTATED_SINGLE_CHOICE = True
#: Refuse to enumerate more reconstructions than this for one claim and n.
MAX_RECONSTRUCTIONS = 5_000_000


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
        ``majority`` (the option's share exceeds one half) or ``mode`` (it is
        the most common answer).
    note : str
        Caveats; for external claims, the evidence that can test them.
    """

    id: str
    claim: str
    evidence: str
    question: str | None = None
    option: str | None = None
    test: str | None = None
    note: str = ""


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
        unknown = set(fields) - {"claim", "evidence", "question", "option", "test", "note"}
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
        claims.append(
            Claim(
                id=str(claim_id),
                claim=str(fields.get("claim", "")),
                evidence=fields["evidence"],
                question=fields.get("question"),
                option=fields.get("option"),
                test=fields.get("test"),
                note=" ".join(str(fields.get("note", "")).split()),
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


@dataclass(frozen=True)
class Evaluation:
    """A survey claim at one sample size, across every consistent reconstruction.

    Attributes
    ----------
    claim_id : str
    n : int
    single_choice : bool
        Whether counts were required to sum to n.
    reconstructions : int
        Count vectors consistent with the reported percentages.
    holds : int
        Reconstructions in which the claim is true of the sample.
    significant : int
        Reconstructions in which the exact test rejects at ``alpha``.
    alpha : float
    share_min, share_max : float
        Range of the option's share.
    confidence : float
        Level of the intervals.
    cp_low_min, cp_high_max : float
        Widest span of the Clopper-Pearson intervals of the share.
    wilson_low_min, wilson_high_max : float
        Widest span of the Wilson intervals of the share.
    pvalue_min, pvalue_max : float
        Range of the exact p-value (NaN where no test applies).
    posterior_min, posterior_max : float
        Range of the posterior probability that the option has the largest share.
    posterior_se_max : float
        Largest Monte Carlo standard error (0 when exact).
    test : str
        What the p-value tests.
    posterior_method : str
    """

    claim_id: str
    n: int
    single_choice: bool
    reconstructions: int
    holds: int
    significant: int
    alpha: float
    share_min: float
    share_max: float
    confidence: float
    cp_low_min: float
    cp_high_max: float
    wilson_low_min: float
    wilson_high_max: float
    pvalue_min: float
    pvalue_max: float
    posterior_min: float
    posterior_max: float
    posterior_se_max: float
    test: str
    posterior_method: str

    def as_row(self) -> dict[str, Any]:
        """Return the evaluation as a flat dict (a table row)."""
        return asdict(self)


def evaluate(
    claim: Claim,
    items: pd.DataFrame,
    n: int,
    *,
    rounding: str,
    unstated_single_choice: bool = DEFAULT_UNSTATED_SINGLE_CHOICE,
    alpha: float = DEFAULT_ALPHA,
    confidence: float = DEFAULT_CONFIDENCE,
    prior: float = DEFAULT_PRIOR,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> tuple[Evaluation, pd.DataFrame]:
    """Test a survey claim at sample size ``n`` in every consistent reconstruction.

    Parameters
    ----------
    claim : Claim
        A survey claim.
    items : DataFrame
        ``survey_items.csv``.
    n : int
        Candidate sample size.
    rounding : str
        How the percentages were rounded.
    unstated_single_choice : bool
        Treat a question of unstated type as single choice.
    alpha : float
        Significance level.
    confidence : float
        Level of the Clopper-Pearson and Wilson intervals of the option's share.
    prior : float
        Dirichlet concentration of the posterior.
    draws : int
        Monte Carlo draws for the posterior (three or more options).
    seed : int
        Seed of the posterior draws.

    Returns
    -------
    evaluation : Evaluation
    per_reconstruction : DataFrame
        One row per reconstruction: the counts, the option's share with its
        exact intervals, whether the claim holds, the p-value and the posterior
        probability.

    Raises
    ------
    ValueError
        If the claim is not a survey claim, or has more reconstructions than
        :data:`MAX_RECONSTRUCTIONS`.
    """
    if claim.evidence != "survey":
        raise ValueError(f"claim {claim.id} is not testable from the survey")
    options, percents, choice = question(items, str(claim.question))
    target = options.index(str(claim.option))
    single = choice == "single" or (choice == "not stated" and unstated_single_choice)
    counts = known_counts(items, str(claim.question))
    total = count(percents, n, rounding=rounding, complete=single, counts=counts)
    if total > MAX_RECONSTRUCTIONS:
        raise ValueError(
            f"claim {claim.id} at n={n}: {total} reconstructions exceed "
            f"{MAX_RECONSTRUCTIONS}; choose a smaller n"
        )
    chunks = list(reconstructions(percents, n, rounding=rounding, complete=single, counts=counts))
    rows = np.concatenate(chunks) if chunks else np.zeros((0, len(options)), dtype=np.int64)
    k = rows[:, target]
    binomials = {
        int(x): stats.binomial(int(x), n, p0=0.5, confidence=confidence) for x in np.unique(k)
    }
    intervals = np.array(
        [binomials[int(x)].ci_clopper_pearson + binomials[int(x)].ci_wilson for x in k]
    ).reshape(-1, 4)
    if claim.test == "majority":
        holds = 2 * k > n
        pvalues = np.array([binomials[int(x)].pvalue for x in k])
        described = "exact one-sided binomial test of share > 1/2 (scipy.stats.binomtest)"
        pair = np.column_stack([k, n - k])
        posterior = stats.posterior_largest(pair, 0, prior=prior, draws=draws, seed=seed)
    else:
        others = np.delete(rows, target, axis=1).max(axis=1) if len(options) > 1 else 0 * k
        holds = k > others
        if single and len(rows):
            pvalues, _ = stats.mode_pvalues(rows, target)
            described = "exact multinomial test of the lead over the runner-up (equal shares)"
        else:
            pvalues = np.full(len(rows), np.nan)
            described = "no exact test: multiple-choice counts"
        posterior = stats.posterior_largest(rows, target, prior=prior, draws=draws, seed=seed)
    per = pd.DataFrame(
        {
            "claim_id": claim.id,
            "n": n,
            "counts": [" ".join(map(str, r)) for r in rows.tolist()],
            "share": k / n,
            "ci_cp_low": intervals[:, 0],
            "ci_cp_high": intervals[:, 1],
            "ci_wilson_low": intervals[:, 2],
            "ci_wilson_high": intervals[:, 3],
            "holds": holds,
            "pvalue": pvalues,
            "posterior_largest": posterior.probability,
        }
    )

    def span(values: np.ndarray) -> tuple[float, float]:
        finite = values[np.isfinite(values)] if len(values) else values
        return (float(finite.min()), float(finite.max())) if len(finite) else (np.nan, np.nan)

    evaluation = Evaluation(
        claim.id,
        n,
        single,
        int(total),
        int(holds.sum()),
        int(np.sum(pvalues < alpha)),
        alpha,
        *span(k / n),
        confidence,
        span(intervals[:, 0])[0],
        span(intervals[:, 1])[1],
        span(intervals[:, 2])[0],
        span(intervals[:, 3])[1],
        *span(pvalues),
        *span(posterior.probability),
        float(posterior.standard_error.max()) if len(rows) else 0.0,
        described,
        posterior.method,
    )
    return evaluation, per


def test_claims(
    claims: Sequence[Claim],
    items: pd.DataFrame,
    candidates: Sequence[int],
    **options: Any,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Evaluation]]]:
    """Evaluate every survey claim at every candidate sample size.

    Parameters
    ----------
    claims : sequence of Claim
        External claims are skipped.
    items : DataFrame
        ``survey_items.csv``.
    candidates : sequence of int
        Sample sizes.
    **options
        Passed to :func:`evaluate` (``rounding``, ``alpha``, ...).

    Returns
    -------
    claim_tests : DataFrame
        One row per claim and n (:meth:`Evaluation.as_row`).
    per_reconstruction : DataFrame
        One row per claim, n and reconstruction.
    evaluations : dict
        Claim id to its evaluations, in candidate order.
    """
    evaluations: dict[str, list[Evaluation]] = {}
    tables = []
    for claim in claims:
        if claim.evidence != "survey":
            continue
        evaluations[claim.id] = []
        for n in candidates:
            evaluation, rows = evaluate(claim, items, n, **options)
            evaluations[claim.id].append(evaluation)
            tables.append(rows)
    tested = pd.DataFrame(
        [e.as_row() for es in evaluations.values() for e in es],
        columns=[f["name"] for f in CLAIM_TESTS["fields"]],
    )
    columns = [f["name"] for f in CLAIM_RECONSTRUCTIONS["fields"]]
    per = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
    return tested, per, evaluations


def verdict(claim: Claim, evaluations: Sequence[Evaluation]) -> tuple[str, str]:
    """Summarise a claim's evaluations in a label and a sentence.

    Labels: ``supported`` (holds and is significant in every reconstruction at
    every evaluable n), ``holds, not significant``, ``undetermined`` (holds in
    some reconstructions only: it depends on unreported values),
    ``contradicted`` (holds in none), ``not evaluable`` (no reconstruction at
    any candidate n), ``not testable from the survey``.

    Parameters
    ----------
    claim : Claim
    evaluations : sequence of Evaluation
        Its evaluations at the candidate sizes.

    Returns
    -------
    label, sentence : str
    """
    if claim.evidence != "survey":
        return "not testable from the survey", claim.note
    parts = []
    for e in evaluations:
        if e.reconstructions == 0:
            parts.append(
                f"n = {e.n}: no reconstruction is consistent with the reported percentages"
            )
            continue
        p = (
            ""
            if np.isnan(e.pvalue_min)
            else f"; exact p from {e.pvalue_min:.3g} to {e.pvalue_max:.3g}, significant at "
            f"{e.alpha:g} in {e.significant} of {e.reconstructions}"
        )
        se = f" (Monte Carlo SE <= {e.posterior_se_max:.3f})" if e.posterior_se_max > 0 else ""
        parts.append(
            f"n = {e.n}: holds in {e.holds} of {e.reconstructions} reconstructions"
            f"{p}; posterior P(largest share) {e.posterior_min:.2f} to "
            f"{e.posterior_max:.2f}{se}"
        )
    sentence = "; ".join(parts) + "."
    evaluable = [e for e in evaluations if e.reconstructions > 0]
    if not evaluable:
        return "not evaluable", sentence
    if all(e.holds == 0 for e in evaluable):
        return "contradicted", sentence
    if any(e.holds < e.reconstructions for e in evaluable):
        return "undetermined", sentence
    if all(e.significant == e.reconstructions for e in evaluable):
        return "supported", sentence
    return "holds, not significant", sentence


def merge_verdicts(survey: pd.DataFrame, external: pd.DataFrame) -> pd.DataFrame:
    """Put the external verdicts into the verdict table of the survey claims.

    Parameters
    ----------
    survey : DataFrame
        :func:`verdict_table` (external claims marked not testable from the survey).
    external : DataFrame
        ``id, evidence, our_verdict, our_evidence`` for claims tested on external data.

    Returns
    -------
    DataFrame
        The survey table with those claims' evidence and verdict replaced.

    Raises
    ------
    ValueError
        If an external verdict names a claim the table does not have.
    """
    unknown = set(external["id"]) - set(survey["id"])
    if unknown:
        raise ValueError(f"external verdicts for unknown claims: {sorted(unknown)}")
    merged = survey.set_index("id")
    for row in external.itertuples(index=False):
        merged.loc[row.id, ["evidence", "our_verdict", "our_evidence"]] = [
            row.evidence,
            row.our_verdict,
            row.our_evidence,
        ]
    return merged.reset_index()


def verdict_table(
    claims: Sequence[Claim],
    article_claims: pd.DataFrame,
    evaluations: Mapping[str, Sequence[Evaluation]],
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

    Returns
    -------
    DataFrame
        ``id, kind, article_statement, article_verdict, tested_claim, evidence,
        our_verdict, our_evidence`` sorted by id.
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
        label, sentence = verdict(claim, evaluations.get(claim.id, []))
        rows.append(
            {
                "id": claim.id,
                "kind": article.loc[claim.id, "kind"],
                "article_statement": article.loc[claim.id, "statement"],
                "article_verdict": article.loc[claim.id, "article_verdict"],
                "tested_claim": claim.claim,
                "evidence": claim.evidence,
                "our_verdict": label,
                "our_evidence": sentence if claim.evidence == "survey" else claim.note,
            }
        )
    columns = [
        "id",
        "kind",
        "article_statement",
        "article_verdict",
        "tested_claim",
        "evidence",
        "our_verdict",
        "our_evidence",
    ]
    return (
        pd.DataFrame(rows, columns=columns).sort_values("id", kind="stable").reset_index(drop=True)
    )

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
from analysis_utils.audit import known_counts, question, subgroups
from analysis_utils.granularity import matching_counts
from analysis_utils.reconstruction import count
from analysis_utils.reconstruction import enumerate_vectors as reconstructions
from analysis_utils.schemas import CLAIM_RECONSTRUCTIONS, CLAIM_TESTS, VERDICTS

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


@dataclass(frozen=True)
class Evaluation:
    """A survey claim at one sample size and reading, across every consistent reconstruction.

    Attributes
    ----------
    claim_id : str
    n : int
    single_choice : bool
        Whether counts were required to sum to n.
    reading : str
        The question's type as used, and whether it is stated or assumed.
    rounding : str
        Rounding rule of the reported percentages.
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
    reading: str
    rounding: str
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


def _span(values: np.ndarray) -> tuple[float, float]:
    """Smallest and largest finite value (NaN, NaN if none)."""
    finite = values[np.isfinite(values)] if len(values) else values
    return (float(finite.min()), float(finite.max())) if len(finite) else (np.nan, np.nan)


def evaluate(
    claim: Claim,
    items: pd.DataFrame,
    n: int,
    *,
    rounding: str,
    reading: str = "single",
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
    reading : {"single", "multiple"}
        How to read the question if its type is not stated (ignored otherwise).
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
    single, described_reading = reading_of(choice, reading)
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
    if claim.test in ("majority", "some"):
        holds = 2 * k > n if claim.test == "majority" else k > 0
        pvalues = np.array([binomials[int(x)].pvalue for x in k])
        described = "exact one-sided binomial test of share > 1/2 (scipy.stats.binomtest)"
        pair = np.column_stack([k, n - k])
        posterior = stats.posterior_largest(pair, 0, prior=prior, draws=draws, seed=seed)
    else:
        others = np.delete(rows, target, axis=1).max(axis=1) if len(options) > 1 else 0 * k
        holds = k > others
        pvalues = (
            stats.mode_pvalues(rows, target, n=n, single_choice=single)[0]
            if len(rows) and len(options) > 1
            else np.full(len(rows), np.nan)
        )
        described = stats.IUT_METHOD
        posterior = (
            stats.posterior_largest(rows, target, prior=prior, draws=draws, seed=seed)
            if single
            else stats.posterior_largest_multiple(rows, target, n, prior=prior)
        )
    per = pd.DataFrame(
        {
            "claim_id": claim.id,
            "n": n,
            "reading": described_reading,
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
    evaluation = Evaluation(
        claim.id,
        n,
        single,
        described_reading,
        rounding,
        int(total),
        int(holds.sum()),
        int(np.sum(pvalues < alpha)),
        alpha,
        *_span(k / n),
        confidence,
        _span(intervals[:, 0])[0],
        _span(intervals[:, 1])[1],
        _span(intervals[:, 2])[0],
        _span(intervals[:, 3])[1],
        *_span(pvalues),
        *_span(posterior.probability),
        float(posterior.standard_error.max()) if len(rows) else 0.0,
        described,
        posterior.method,
    )
    return evaluation, per


def evaluate_claims(
    claims: Sequence[Claim],
    items: pd.DataFrame,
    candidates: Sequence[int],
    *,
    readings: Sequence[str] = DEFAULT_READINGS,
    max_listed: int = MAX_LISTED,
    **options: Any,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Evaluation]]]:
    """Evaluate every survey claim at every candidate sample size and reading.

    Parameters
    ----------
    claims : sequence of Claim
        External claims are skipped.
    items : DataFrame
        ``survey_items.csv``.
    candidates : sequence of int
        Sample sizes.
    readings : sequence of str
        Readings of a question whose type is not stated (each is evaluated);
        a question of stated type is evaluated once, as stated.
    max_listed : int
        Largest number of reconstructions of one claim, n and reading listed in
        ``per_reconstruction`` (all are tested; column ``listed`` of
        ``claim_tests`` says whether they are listed).
    **options
        Passed to :func:`evaluate` (``rounding``, ``alpha``, ...).

    Returns
    -------
    claim_tests : DataFrame
        One row per claim, n and reading (:meth:`Evaluation.as_row` and ``listed``).
    per_reconstruction : DataFrame
        One row per claim, n, reading and reconstruction, for the sets of at most
        ``max_listed`` reconstructions.
    evaluations : dict
        Claim id to its evaluations, reading by reading, in candidate order.

    Raises
    ------
    ValueError
        If ``readings`` is empty or names an unknown reading.
    """
    if not readings or any(r not in READINGS for r in readings):
        raise ValueError(f"readings must be a non-empty list of {READINGS}, got {list(readings)}")
    evaluations: dict[str, list[Evaluation]] = {}
    tables = []
    for claim in claims:
        if claim.evidence != "survey":
            continue
        evaluations[claim.id] = []
        _, _, choice = question(items, str(claim.question))
        for reading in readings if choice not in READINGS else readings[:1]:
            for n in candidates:
                evaluation, rows = evaluate(claim, items, n, reading=reading, **options)
                evaluations[claim.id].append(evaluation)
                if len(rows) <= max_listed:
                    tables.append(rows)
    tested = pd.DataFrame(
        [
            {**e.as_row(), "listed": e.reconstructions <= max_listed}
            for es in evaluations.values()
            for e in es
        ],
        columns=[f["name"] for f in CLAIM_TESTS["fields"]],
    )
    columns = [f["name"] for f in CLAIM_RECONSTRUCTIONS["fields"]]
    per = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
    return tested, per, evaluations


#: Null configurations of the mode test on the boundary of the claim's null: the
#: claimed option (first) tied with a rival (second). The test is discrete, so its
#: largest rejection rate lies near, not at, the tie with everything else at zero.
#: Under multiple choice the two are never chosen together (the least favourable
#: dependence) and the others independently.
NULL_CONFIGURATIONS: dict[str, tuple[tuple[float, ...], ...]] = {
    "single": (
        (0.5, 0.5, 0.0, 0.0),
        (0.49, 0.49, 0.01, 0.01),
        (0.45, 0.45, 0.05, 0.05),
        (0.3, 0.3, 0.2, 0.2),
        (0.25, 0.25, 0.25, 0.25),
    ),
    "multiple": (
        (0.5, 0.5, 0.1, 0.1),
        (0.49, 0.49, 0.1, 0.1),
        (0.45, 0.45, 0.3, 0.3),
        (0.3, 0.3, 0.3, 0.3),
    ),
}


def mode_test_sizes(
    candidates: Sequence[int],
    *,
    alpha: float,
    draws: int,
    seed: int,
    readings: Sequence[str] = DEFAULT_READINGS,
) -> pd.DataFrame:
    """Rejection rate of the mode test at null configurations on the boundary, by n and reading.

    Parameters
    ----------
    candidates : sequence of int
        Sample sizes.
    alpha : float
    draws : int
        Simulated surveys per n, reading and configuration.
    seed : int
    readings : sequence of str

    Returns
    -------
    DataFrame
        ``n, reading, probabilities, alpha, draws, rate, standard_error,
        within_level`` where ``within_level`` says whether the rate is at most
        alpha plus three Monte Carlo standard errors.
    """
    rows = []
    for reading in readings:
        for n in candidates:
            for probabilities in NULL_CONFIGURATIONS[reading]:
                size = stats.mode_test_size(
                    probabilities,
                    0,
                    n,
                    single_choice=reading == "single",
                    alpha=alpha,
                    draws=draws,
                    seed=seed,
                )
                rows.append(
                    {
                        "n": n,
                        "reading": f"{reading} choice",
                        "probabilities": " ".join(f"{p:g}" for p in size.probabilities),
                        "alpha": alpha,
                        "draws": draws,
                        "rate": size.rate,
                        "standard_error": size.standard_error,
                        "within_level": size.rate <= alpha + 3 * size.standard_error,
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "n",
            "reading",
            "probabilities",
            "alpha",
            "draws",
            "rate",
            "standard_error",
            "within_level",
        ],
    )


def subgroup_readings(
    claims: Sequence[Claim],
    items: pd.DataFrame,
    candidates: Sequence[int],
    *,
    rounding: str,
    questions: Sequence[str],
) -> dict[str, dict[int, str]]:
    """Subgroup readings of a claim's percentage at the sizes the whole sample cannot give it.

    Parameters
    ----------
    claims : sequence of Claim
    items : DataFrame
        ``survey_items.csv``.
    candidates : sequence of int
        Sample sizes.
    rounding : str
    questions : sequence of str
        Questions whose percentage may be of a subgroup.

    Returns
    -------
    dict
        Claim id to {n: sentence}, e.g. ``{"D3": {9: "57 % is 4 of the 7
        highly-educated (78%) (a subgroup reading, reconstructed)"}}``, for the
        survey claims on those questions at the sizes where the percentage is
        not a share of all n respondents and another reported option has a
        matching count.
    """
    out: dict[str, dict[int, str]] = {}
    for claim in claims:
        if claim.evidence != "survey" or claim.question not in questions:
            continue
        for n in candidates:
            table = subgroups(items, n, rounding=rounding, questions=[str(claim.question)])
            table = table[(~table["consistent_with_n"]) & (table["matches"] != "")]
            readings = []
            for r in table.itertuples(index=False):
                counts = " or ".join(
                    str(k)
                    for k in matching_counts(
                        str(r.percent), int(r.subgroup_size), percent=True, rounding=rounding
                    )
                )
                readings.append(
                    f"{r.percent} % is {counts} of the {r.subgroup_size} "
                    f"{r.matches.split(' (')[0]} ({counts} of all {n} respondents; a subgroup "
                    "reading, reconstructed)"
                )
            if readings:
                out.setdefault(claim.id, {})[n] = "; ".join(readings)
    return out


#: How a fraction "holds in k of N reconstructions" weighs the reconstructions.
EQUAL_WEIGHT = "k of N weighs every consistent count vector equally (a uniform prior over vectors)"


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
            f"n = {e.n}: share {share}, true of the sample in {e.holds} of "
            f"{e.reconstructions} reconstructions{secondary}"
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
        f"posterior P(largest share) {e.posterior_min:.2f} to {e.posterior_max:.2f} "
        f"({e.posterior_method.split('; ')[-1]}{se})"
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
        :data:`VERDICT_COLUMNS`, sorted by id.
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
        found = verdict(
            claim,
            evaluations.get(claim.id, []),
            subgroups=(subgroups or {}).get(claim.id),
            period=period,
        )
        rows.append(
            {
                "id": claim.id,
                "kind": article.loc[claim.id, "kind"],
                "article_statement": article.loc[claim.id, "statement"],
                "article_verdict": article.loc[claim.id, "article_verdict"]
                + (f" ({claim.article_verdict_note})" if claim.article_verdict_note else ""),
                "tested_claim": claim.claim,
                "evidence": claim.evidence,
                "period": found.period,
                "assumptions": found.assumptions,
                "our_verdict": found.label,
                "our_evidence": found.sentence,
            }
        )
    return (
        pd.DataFrame(rows, columns=VERDICT_COLUMNS)
        .sort_values("id", kind="stable")
        .reset_index(drop=True)
    )

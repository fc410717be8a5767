"""Verdicts on claims tested on respondent-level answers: ordinal questions and groups.

A claim with ``evidence: respondents`` (:mod:`analysis_utils.audit.registry`)
names one kind of :data:`analysis_utils.audit.group_tests.KINDS`. Its counts
are observed, so nothing is reconstructed: :func:`evaluate` counts the answers,
runs the kind's test and words a :class:`~analysis_utils.audit.verdicts.Verdict`.

A p-value is a function of the counts it is computed from (an exact binomial
p at a known n gives the count away), so a verdict is published only where
the counts it rests on are: the two groups' rows of the crosstab
(:func:`analysis_utils.survey.crosstab.crosstab`, cells and totals), or the
top-box count beside the ordinal distribution
(:func:`analysis_utils.survey.ordinal.top_box`). Otherwise it is ``withheld``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis_utils.audit.decisions import DEFAULT_ALPHA, DEFAULT_CONFIDENCE
from analysis_utils.audit.group_tests import (
    median_at_least,
    ordinal_shift,
    top_box_above,
    top_box_difference,
)
from analysis_utils.audit.registry import Claim
from analysis_utils.audit.verdicts import Verdict, verdict_frame, verdict_row
from analysis_utils.survey.crosstab import crosstab
from analysis_utils.survey.disclosure import DEFAULT_MIN_CELL
from analysis_utils.survey.format import Survey
from analysis_utils.survey.missing import missing_options
from analysis_utils.survey.ordinal import top_box

#: What every verdict here assumes.
OBSERVED = "respondent-level answers: counts observed, nothing reconstructed"


def ordinal(survey: Survey, question_id: str) -> bool:
    """Say whether the codebook declares a question ordinal (``scale: ordinal``).

    Parameters
    ----------
    survey : Survey
    question_id : str

    Returns
    -------
    bool
    """
    questions = survey.questions.set_index("question_id")
    if "scale" not in questions.columns or question_id not in questions.index:
        return False
    return bool(questions.loc[question_id, "scale"] == "ordinal")


def scale_codes(survey: Survey, question_id: str) -> list[str]:
    """Give a question's answer codes in codebook order, its missing kinds left out.

    A missing kind (``missing`` = ``true`` in ``options.csv``: don't know, refused) is no
    point of the scale, so no count, top box or median of a claim includes it.

    Parameters
    ----------
    survey : Survey
    question_id : str

    Returns
    -------
    list of str
        Lowest first for an ordinal question.
    """
    missing = missing_options(survey.options, question_id)
    codes = survey.options.loc[survey.options["question_id"] == question_id, "option_code"]
    return [str(code) for code in codes if code not in missing]


def ordered_counts(survey: Survey, question_id: str) -> tuple[list[int], int]:
    """Count the answers to a single-choice question per option, in codebook order.

    Parameters
    ----------
    survey : Survey
        With respondent-level answers.
    question_id : str

    Returns
    -------
    counts : list of int
        Respondents per answer option (:func:`scale_codes`: the order of
        ``options.csv``, lowest first for an ordinal question, missing kinds left out).
    no_answer : int
        Respondents who left it blank or gave one of its missing kinds.
    """
    if survey.responses is None:
        raise ValueError("counting answers needs respondent-level answers")
    codes = scale_codes(survey, question_id)
    answers = survey.responses[question_id]
    tally = answers.value_counts()
    counts = [int(tally.get(code, 0)) for code in codes]
    return counts, int(answers.size) - sum(counts)


def _label(holds: bool, pvalue: float, alpha: float, scope: str) -> str:
    """Verdict label of an observed claim."""
    if scope == "sample":
        return "true of the sample" if holds else "false of the sample"
    if not holds:
        return "contradicted"
    return "supported" if pvalue < alpha else "holds, not significant"


def _problem(claim: Claim, survey: Survey) -> str:
    """Why a claim cannot be evaluated on this survey (empty if it can)."""
    if survey.responses is None:
        return "needs respondent-level answers (responses), which this survey does not give"
    choice = survey.questions.set_index("question_id")["choice"]
    for role, qid in (("question", claim.question), ("grouping question", claim.group)):
        if qid is None:
            continue
        if qid not in choice.index:
            return f"its {role} {qid!r} is not in the codebook"
        if choice[qid] != "single":
            return f"its {role} {qid!r} is {choice[qid]} choice; the tests need single choice"
    if not ordinal(survey, str(claim.question)):
        return f"question {claim.question!r} is not declared ordinal (scale: ordinal)"
    return ""


def evaluate(
    claim: Claim,
    survey: Survey,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    alpha: float = DEFAULT_ALPHA,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Verdict:
    """Test one claim on respondent-level answers and word the verdict.

    Parameters
    ----------
    claim : Claim
        ``evidence: respondents``.
    survey : Survey
    min_cell : int
        The disclosure rule's smallest published count.
    alpha : float
        Level of the one-sided test (``scope: population``).
    confidence : float
        Level of the intervals.

    Returns
    -------
    Verdict
        ``not evaluable`` (with the reason) where the survey cannot test it,
        ``withheld`` where its counts are not published.
    """
    problem = _problem(claim, survey)
    if problem:
        return Verdict("not evaluable", problem + ".", "", OBSERVED)
    question = str(claim.question)
    counts, blank = ordered_counts(survey, question)
    codes = scale_codes(survey, question)
    missing = sorted(missing_options(survey.options, question))
    order = "options in codebook order, lowest first; blank answers left out" + (
        f", and the missing kinds {', '.join(missing)}" if missing else ""
    )
    if claim.test in ("group_difference", "ordinal_shift"):
        table = crosstab(survey, question, str(claim.group), min_cell=min_cell)
        rows = [table.rows.index(g) for g in claim.groups]
        hidden = table.suppression.cells[rows].any() or any(table.suppression.rows[i] for i in rows)
        if hidden:
            cells = [
                f"{table.row_labels[i]} x {table.column_labels[j]}"
                for i in rows
                for j in range(len(table.columns))
                if table.suppression.cells[i, j]
            ] + [f"{table.row_labels[i]} (total)" for i in rows if table.suppression.rows[i]]
            return Verdict(
                "withheld",
                f"the counts of groups {' and '.join(claim.groups)} are not all published: "
                f"the disclosure rule (parameter min_cell = {min_cell}: counts below it, and "
                "other cells so that none can be told from the margins) withholds "
                f"{'; '.join(cells)}; a test of them would tell them. The analysis report "
                "(survey_analysis.html, not for sharing) gives the verdict on every count.",
                "",
                OBSERVED,
            )
        a, b = (table.answers(g) for g in claim.groups)
        result = (
            top_box_difference(a, b, top=claim.top)
            if claim.test == "group_difference"
            else ordinal_shift(a, b)
        )
        what = (
            f"top-{claim.top} box {result.effect_a:.0%} ({claim.groups[0]}, n = {result.n_a}) "
            f"against {result.effect_b:.0%} ({claim.groups[1]}, n = {result.n_b})"
            if claim.test == "group_difference"
            else f"P(A above B) + P(tie)/2 = {result.effect_a:.2f} "
            f"(n = {result.n_a} and {result.n_b})"
        )
        holds, pvalue, method = result.holds, result.pvalue, result.method
        by = f"grouped by {claim.group}: A = {claim.groups[0]}, B = {claim.groups[1]}"
    else:
        top = claim.top if claim.test == "top_box" else len(codes) - codes.index(str(claim.option))
        box = top_box(counts, top=top, no_answer=blank, confidence=confidence, min_cell=min_cell)
        if box.withheld:
            return Verdict(
                "withheld",
                f"the top-{top} count of {question} is below the disclosure rule (parameter "
                f"min_cell = {min_cell}) or would tell a withheld count; a test of it would "
                "tell it. The analysis report (survey_analysis.html, not for sharing) gives "
                "the verdict on every count.",
                "",
                OBSERVED,
            )
        if claim.test == "top_box":
            threshold = float(claim.threshold or 0.0)
            test = top_box_above(counts, threshold, top=top, confidence=confidence)
            what = f"top-{top} box {box.share:.0%} of n = {box.n}, threshold {threshold:g}"
        else:
            test = median_at_least(counts, codes.index(str(claim.option)), confidence=confidence)
            what = f"{box.share:.0%} of n = {box.n} chose {claim.option} or higher"
        holds, pvalue = test.holds, float(test.binomial.pvalue)
        method = "exact one-sided binomial test"
        by = ""
    label = _label(holds, pvalue, alpha, claim.scope)
    sentence = f"{what}: {'holds' if holds else 'does not hold'} in the sample; p = {pvalue:.3g}"
    assumptions = "; ".join(
        part
        for part in (
            OBSERVED,
            order,
            by,
            f"{method}, alpha {alpha:g}" if claim.scope == "population" else "",
            f"disclosure: min_cell {min_cell}",
        )
        if part
    )
    return Verdict(label, sentence + ".", "", assumptions)


def verdict_table(
    claims: Sequence[Claim],
    survey: Survey,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    alpha: float = DEFAULT_ALPHA,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """One verdict row per claim on respondent-level answers (the others left out).

    Parameters
    ----------
    claims : sequence of Claim
    survey : Survey
    min_cell, alpha, confidence
        As :func:`evaluate`.

    Returns
    -------
    DataFrame
        The columns of ``verdicts.csv``, sorted by id; the source's statement
        is the claim's and its verdict ``not stated``.
    """
    rows = []
    for claim in claims:
        if claim.evidence != "respondents":
            continue
        found = evaluate(claim, survey, min_cell=min_cell, alpha=alpha, confidence=confidence)
        rows.append(
            verdict_row(
                claim, found, kind="claim", statement=claim.claim, article_verdict="not stated"
            )
        )
    return verdict_frame(rows)

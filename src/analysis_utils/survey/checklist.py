"""What ``new-survey --from`` prints: what was built from the file and what to check.

One line each, for the student: the file read (its sheet, for a workbook, and
where its labels came from), the respondent id and weights, each question's
guessed type, then the checklist: types, identifying text questions, ordered
scales (taken from the file's measure level or from labels that are bands of
numbers, or suggested for numbered options), numeric questions and their
range, kinds of missing answer, answers without a label, near-duplicate
answers (:func:`near_duplicates`), groups of 0/1 columns, renamed columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from analysis_utils.survey.convert import WEIGHT_NAMES, Conversion, _plain
from analysis_utils.survey.format import OPTIONS, QUESTIONS, RESPONSES, WEIGHT
from analysis_utils.survey.guess import FEW, Question

#: Largest edit distance at which two answers are taken for spellings of one (case and
#: spaces aside); answers holding a digit are compared only in case and spaces.
NEAR = 2

#: Shortest answer compared by edit distance (shorter ones differ by a letter legitimately).
NEAR_LENGTH = 4


def _squeezed(text: str) -> str:
    return " ".join(text.split()).casefold()


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two texts, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _alike(a: str, b: str) -> bool:
    """Whether two answers look like spellings of one: case and spaces, or an edit distance."""
    x, y = _squeezed(a), _squeezed(b)
    if x == y:
        return True
    if re.search(r"[0-9]", x + y) or min(len(x), len(y)) < NEAR_LENGTH:
        return False
    return _distance(x, y, NEAR) <= NEAR


def near_duplicates(question: Question) -> list[list[str]]:
    """Find groups of a question's options that look like spellings of one answer.

    Only options taken from the answers given are compared (value labels are
    distinct on purpose): ``Clinton``, ``clinton``, ``Clinton `` (case,
    spaces) and ``Clintn`` (edit distance 1 or 2, for answers of at least
    :data:`NEAR_LENGTH` letters without digits).

    Parameters
    ----------
    question : Question

    Returns
    -------
    list of list of str
        Groups of two or more option codes, the most given first, in the
        options' order otherwise.
    """
    if question.choice != "single" or question.labelled:
        return []
    codes = [c for c in question.labels if c not in question.missing]
    groups: list[list[str]] = []
    for code in codes:
        for group in groups:
            if any(_alike(question.labels[code], question.labels[g]) for g in group):
                group.append(code)
                break
        else:
            groups.append([code])
    rank = {code: n for n, code in enumerate(codes)}
    return [
        sorted(g, key=lambda c: (-question.counts.get(c, 0), rank[c])) for g in groups if len(g) > 1
    ]


def _near_lines(questions: Sequence[Question]) -> list[str]:
    lines = []
    for q in questions:
        for group in near_duplicates(q):
            keep, others = group[0], group[1:]
            shown = ", ".join(f"{q.labels[c]!r} ({q.counts.get(c, 0)})" for c in group)
            lines.append(
                f"  - {q.question_id}: answers that look like one ({shown}): to merge them, in "
                f"{RESPONSES} replace {', '.join(others)} by {keep} in column {q.question_id} "
                f"(find and replace), then delete the rows of {', '.join(others)} in {OPTIONS}; "
                "or correct the answers in the file and run new-survey --from again"
            )
    return lines


def _dummy_groups(questions: Sequence[Question]) -> dict[str, list[str]]:
    """Single-choice questions of codes 0 and 1 sharing a prefix ``<prefix>_``, two or more."""
    groups: dict[str, list[str]] = {}
    for q in questions:
        if q.choice == "single" and set(q.labels) <= {"0", "1"} and "_" in q.question_id:
            groups.setdefault(q.question_id.rsplit("_", 1)[0], []).append(q.question_id)
    return {prefix: group for prefix, group in groups.items() if len(group) > 1}


def _header(conversion: Conversion) -> list[str]:
    questions = conversion.questions
    named_like = [q for q in questions if _plain(q.column) in WEIGHT_NAMES]
    lines = [
        f"{conversion.respondents} respondents, {len(questions)} questions from "
        f"{conversion.source.name}"
        + ("" if conversion.sheet is None else f" (sheet {conversion.sheet!r})"),
    ]
    if conversion.labels_from:
        lines.append(f"value labels: from {conversion.labels_from}")
    lines += [
        f"respondent id: column {conversion.id_column!r}"
        if conversion.id_column
        else "respondent id: no column named like one (id, respondent_id, respondent, "
        f"participant_id, case_id, ...): the rows are numbered 1 to {conversion.respondents}",
        f"survey weights: column {conversion.weight_column!r}, as {WEIGHT}"
        if conversion.weight_column
        else f"survey weights: none (a column named {WEIGHT}, weight or wt whose every cell is a "
        "number >= 0 would be taken"
        + (
            f"; {', '.join(repr(q.column) for q in named_like)} has other cells and stays a "
            "question: fill in every weight, then name the column respondent_weight in "
            f"{RESPONSES} and remove its question)"
            if named_like
            else ")"
        ),
        "",
        f"question types guessed (single: value labels, or at most {FEW} distinct answers, each "
        "given twice on average; numeric: every answer a number; text otherwise):",
    ]
    width = max((len(q.question_id) for q in questions), default=0)
    for q in questions:
        what = (
            "free text"
            if q.choice == "text"
            else f"numbers {q.valid_min} to {q.valid_max}"
            + (f", {len(q.labels)} missing kinds" if q.labels else "")
            if q.choice == "numeric"
            else f"{len(q.labels)} options"
        )
        lines.append(
            f"  {q.question_id:<{width}}  {q.choice:<8}  {what} ({q.reason}); "
            f"{'set' if q.choice == 'multiple' else 'column'} {q.column!r}"
        )
    return lines


def summary(conversion: Conversion, folder: Path) -> list[str]:
    """Say what was built and what the student should check, one line each.

    Parameters
    ----------
    conversion : Conversion
    folder : Path
        Where it was written.

    Returns
    -------
    list of str
    """
    questions = conversion.questions
    lines = _header(conversion)
    text = [q.question_id for q in questions if q.choice == "text"]
    unlabelled = [f"{q.question_id} ({q.unlabelled})" for q in questions if q.unlabelled]
    lines += ["", f"check, in {folder / QUESTIONS} and {folder / OPTIONS}:"]
    lines.append(
        "  - choice: a guess; set single, multiple, numeric or text where it is wrong (a "
        f"multiple-choice question given as one 0/1 column per option: see {folder / 'README.md'})"
    )
    if text:
        lines.append(
            "  - identifying: the text questions are marked true, so their answers are dropped at "
            "cleaning (free text can name a person, a place or a date); set false where the "
            "answers cannot identify anyone: "
            + ", ".join(f"{q.question_id} ({q.reason})" for q in questions if q.choice == "text")
        )
    numeric = [
        f"{q.question_id} ({q.valid_min} to {q.valid_max})"
        for q in questions
        if q.choice == "numeric"
    ]
    if numeric:
        lines.append(
            "  - numeric: answers that are numbers, kept for descriptive statistics and never "
            "dropped as identifying; valid_min and valid_max are the smallest and largest "
            "answers in the file: widen them to the range the question allows (an answer "
            "outside is refused), and give the unit: " + ", ".join(numeric)
        )
    measured = [q.question_id for q in questions if q.scale and "measure" in q.scale_reason]
    banded = [q.question_id for q in questions if q.scale and "bands" in q.scale_reason]
    for said, ordinal in (
        ("the file's measure level says", measured),
        ("the value labels say: bands of numbers in increasing order", banded),
    ):
        if ordinal:
            lines.append(
                f"  - scale: ordinal as {said} (median, top-two box; options lowest first): "
                + ", ".join(ordinal)
            )
    scales = [
        q.question_id
        for q in questions
        if q.choice == "single"
        and not q.scale
        and len(answers := [c for c in q.labels if c not in q.missing]) >= 3
        and all(c.isdigit() for c in answers)
    ]
    if scales:
        lines.append(
            "  - scale: where a single-choice question's options are ordered (disagree ... agree, "
            "never ... always), set scale to ordinal for its median and top-two box; numbered "
            "options, perhaps ordinal: " + ", ".join(scales)
        )
    kinds = [
        f"{q.question_id} ({', '.join(f'{c}: {q.labels[c]}' for c in q.missing)})"
        for q in questions
        if q.missing
    ]
    if kinds:
        lines.append(
            f"  - missing: kinds of missing answer the file declares, each its own option "
            f"(missing = true in {OPTIONS}: counted apart, out of the valid percentages): "
            + "; ".join(kinds)
        )
    if unlabelled:
        lines.append(
            "  - answers without a value label, added as options labelled by the value: "
            + ", ".join(unlabelled)
        )
    lines += _near_lines(questions)
    for prefix, group in _dummy_groups(questions).items():
        lines.append(
            f"  - {', '.join(group)} hold only 0 and 1: if they are the options of one "
            f"multiple-choice question, replace their rows in {QUESTIONS} by one row {prefix} "
            f"(choice multiple) and their options in {OPTIONS} by {prefix}'s options "
            f"({', '.join(g.removeprefix(prefix + '_') for g in group)}); the 0/1 columns of "
            f"{RESPONSES} are then read as that question"
        )
    renamed = [
        f"{q.column!r} -> {q.question_id}"
        for q in questions
        if q.column != q.question_id and q.choice != "multiple"
    ]
    if renamed:
        lines.append("  - columns renamed to question ids: " + ", ".join(renamed))
    lines += ["then run:", f"  python -m analysis_utils run -p survey_dir {folder}"]
    return lines

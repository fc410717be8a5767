"""One column of a file of answers, or an SPSS multiple response set, as a question.

What ``new-survey --from`` guesses (:mod:`analysis_utils.survey.convert`): a
question id made safe from a column's name, the type (single choice, numeric or
text, by :data:`FEW`; multiple choice for a response set), the options with
their codes and labels, a numeric question's range, and an ordinal scale where
the file says so or the value labels are ordered bands of numbers.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from analysis_utils.core.text import neutral
from analysis_utils.survey.answers import integral
from analysis_utils.survey.texttable import TextTable

#: Most distinct answers a column without value labels may have to be guessed single choice.
FEW = 10

#: Fewest labelled codes whose labels, numbers in increasing order, make bands (an ordinal scale).
BANDS = 3

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
#: A number written with a leading zero (``0123``): a code such as a postal code, not a number.
_CODE_LIKE = re.compile(r"[+-]?0[0-9]")
_IN_LABEL = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Question:
    """One column of the file as a question of the survey built.

    Attributes
    ----------
    column : str
        The column's name in the file; ``$name`` for an SPSS multiple response set.
    question_id : str
    choice : str
        ``single``, ``numeric`` or ``text`` (guessed), or ``multiple`` (an SPSS
        multiple response set).
    reason : str
        Why that type was guessed.
    codes : dict
        For a single-choice question, answer as stored -> option code (empty for
        a multiple-choice question, whose answers are coded as they are read).
    labels : dict
        Option code -> label.
    unlabelled : int
        Answers given that have no value label.
    missing : tuple of str
        The codes that are kinds of missing answer (values the file declares
        missing), listed after the answers.
    counts : dict
        Option code -> respondents giving it (single choice).
    scale : str
        ``ordinal`` where the file states the measure level ordinal (SPSS) or
        the value labels are bands of numbers in increasing order (income
        bands), else ``""``.
    labelled : bool
        Whether the options come from value labels (else from the answers given).
    scale_reason : str
        Why the scale is ordinal (empty if it is not).
    valid_min, valid_max : str
        A numeric question's smallest and largest answer in the file.
    """

    column: str
    question_id: str
    choice: str
    reason: str
    codes: dict[str, str]
    labels: dict[str, str]
    unlabelled: int = 0
    missing: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    scale: str = ""
    labelled: bool = False
    scale_reason: str = ""
    valid_min: str = ""
    valid_max: str = ""


def banded(labels: dict[str, str]) -> bool:
    """Whether value labels are bands of numbers in the codes' order (an ordinal scale).

    Parameters
    ----------
    labels : dict
        Stored value -> label, the answers' labels only (no missing kind).

    Returns
    -------
    bool
        At least :data:`BANDS` integer codes, each label holding a number, the
        first number of each label (``$3,000-$4,999`` -> 3000) increasing with
        the code: income bands, age groups.
    """
    if len(labels) < BANDS or not all(re.fullmatch(r"-?[0-9]+", v) for v in labels):
        return False
    firsts = []
    for value in sorted(labels, key=int):
        found = _IN_LABEL.search(labels[value])
        if found is None:
            return False
        firsts.append(Decimal(found.group().replace(",", "")))
    return all(a < b for a, b in itertools.pairwise(firsts))


def _numeric(
    column: str, question_id: str, reason: str, cells: list[str], declared: dict[str, str]
) -> Question:
    """Make a numeric question: its missing kinds its only options, its range the file's."""
    given = set(cells)
    kinds = [v for v in _numbers_first(declared) if declared[v] or v in given]
    taken: set[str] = set()
    codes = {value: unique(safe_name(value, f"o{n}"), taken) for n, value in enumerate(kinds, 1)}
    labels = {codes[v]: neutral(declared.get(v) or v) for v in kinds}
    tally: dict[str, int] = {}
    for c in cells:
        if c in codes:
            tally[codes[c]] = tally.get(codes[c], 0) + 1
    numbers = [Decimal(c) for c in cells if c != "" and c not in declared]
    low, high = (min(numbers), max(numbers)) if numbers else (None, None)
    return Question(
        column,
        question_id,
        "numeric",
        reason,
        codes,
        labels,
        missing=tuple(codes.values()),
        counts={code: tally.get(code, 0) for code in labels},
        valid_min="" if low is None else _plain(low),
        valid_max="" if high is None else _plain(high),
    )


def _plain(number: Decimal) -> str:
    """Write a number without an exponent (``19``, ``2.5``)."""
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def safe_name(text: str, fallback: str) -> str:
    """Make a name or a value an identifier of the format (``_CODE``).

    Parameters
    ----------
    text : str
    fallback : str
        Used when nothing of ``text`` is left.

    Returns
    -------
    str
        In lower case, accents dropped, each run of characters other than
        letters and digits replaced by ``_``, ``-`` before a number written
        ``minus_``, no ``_`` at either end.
    """
    text = re.sub(r"^-(?=[0-9])", "minus_", text.strip())
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return name or fallback


def unique(name: str, taken: set[str]) -> str:
    """Give ``name``, or ``name_2``, ``name_3``, ... where it is taken, and take it.

    Parameters
    ----------
    name : str
    taken : set of str
        The names given so far; the name returned is added to it.

    Returns
    -------
    str
    """
    candidate, k = name, 1
    while candidate in taken:
        k += 1
        candidate = f"{name}_{k}"
    taken.add(candidate)
    return candidate


def _sort_key(value: str) -> tuple[int, Decimal, str]:
    try:
        return (0, Decimal(value), value)
    except InvalidOperation:
        return (1, Decimal(0), value.casefold() + "\0" + value)


def _numbers_first(values: Iterable[str]) -> list[str]:
    """Values in numeric order where all are numbers, else in the order given (never alphabetical).

    The order given is a label set's order, or the order in which answers first appear.
    """
    values = list(dict.fromkeys(values))
    keys = [_sort_key(v) for v in values]
    if all(k[0] == 0 for k in keys):
        return [v for _, v in sorted(zip(keys, values, strict=True))]
    return values


def column_question(
    table: TextTable,
    k: int,
    question_id: str,
    cells: list[str],
    *,
    single: bool = False,
    numeric: bool = False,
) -> Question:
    """Guess one column's type and, for a single-choice question, its options.

    Parameters
    ----------
    table : TextTable
        The file read (its value labels, missing values and measure levels are used).
    k : int
        The column's place in the header.
    question_id : str
        The id given to the question.
    cells : list of str
        The column's answers, one per respondent.
    single : bool
        Take the column for a single-choice question whatever its answers (the
        student said so in ``questions.csv``: ``new-survey --update``).
    numeric : bool
        Take the column for a numeric question (the student said so), if its
        answers are numbers.

    Returns
    -------
    Question
        ``single`` where the column has value labels for its answers (not only
        for missing kinds), or at most :data:`FEW` distinct answers each given
        twice on average; else ``numeric`` where every answer is a number
        (many distinct values do not make a column free text: an age, an
        income); ``text`` otherwise. The options: the value labels (codes in
        numeric order, else in the label set's order), then answers without a
        label (numeric order, else in the order they first appear), then the
        kinds of missing answer the file declares
        (:mod:`analysis_utils.survey.missing`); a numeric question's options
        are its missing kinds only. The scale is ordinal where the file's
        measure level says so or the labels are bands (:func:`banded`).
    """
    column = table.header[k]
    declared = dict(table.missing_values.get(column, {}))
    answered = [c for c in cells if c != "" and c not in declared]
    distinct = list(dict.fromkeys(answered))
    value_labels = dict(table.value_labels.get(column, {}))
    given = set(cells)
    kinds = [v for v in _numbers_first(declared) if declared[v] or v in given]
    answer_labels = {v: t for v, t in value_labels.items() if v not in declared}
    few = 0 < len(distinct) <= FEW and 2 * len(distinct) <= len(answered)
    numbers = bool(distinct) and all(
        _NUMBER.fullmatch(v) and not _CODE_LIKE.match(v) for v in distinct
    )
    if numbers and not single and (numeric or (not answer_labels and not few)):
        why = "numeric in questions.csv" if numeric else "every answer a number"
        return _numeric(
            column,
            question_id,
            f"{len(distinct)} distinct answers among {len(answered)}, {why}",
            cells,
            declared,
        )
    if value_labels or kinds:
        reason = "value labels"
        unlabelled = [v for v in distinct if v not in value_labels]
        order = _numbers_first(value_labels) + _numbers_first(unlabelled)
    elif few or (single and distinct):
        reason = f"{len(distinct)} distinct answers among {len(answered)}"
        reason += "; single in questions.csv" if single else ""
        order = _numbers_first(distinct)
    else:
        reason = f"{len(distinct)} distinct answers among {len(answered)}"
        return Question(column, question_id, "text", reason, {}, {})
    taken: set[str] = set()
    codes = {
        value: unique(safe_name(value, f"o{n}"), taken) for n, value in enumerate(order + kinds, 1)
    }
    labels = {codes[v]: neutral(value_labels.get(v) or declared.get(v) or v) for v in codes}
    tally: dict[str, int] = {}
    for c in cells:
        if c in codes:
            tally[codes[c]] = tally.get(codes[c], 0) + 1
    if table.measures.get(column) == "ordinal":
        scale = "the file's measure level"
    elif banded(answer_labels):
        scale = f"{len(answer_labels)} labelled bands of numbers, in increasing order"
    else:
        scale = ""
    return Question(
        column,
        question_id,
        "single",
        reason,
        codes,
        labels,
        len([v for v in distinct if v not in value_labels]) if value_labels else 0,
        tuple(codes[v] for v in kinds),
        {code: tally.get(code, 0) for code in labels},
        "ordinal" if scale else "",
        bool(value_labels),
        scale,
    )


def set_question(
    table: TextTable, name: str, rows: list[list[str]], taken: set[str]
) -> tuple[Question, list[str]]:
    """Make an SPSS multiple response set one multiple-choice question, and code its answers.

    Parameters
    ----------
    table : TextTable
        The file read, with its response sets.
    name : str
        The set's name (without ``$``).
    rows : list of list of str
        The answers, one row per respondent.
    taken : set of str
        The question ids given so far (the new id is added).

    Returns
    -------
    tuple of (Question, list of str)
        The question and each respondent's answer (codes joined by ``;``).

    Notes
    -----
    A set of dichotomies gives one option per variable (code: the variable's
    name made safe, without the set's name as a prefix; label: its variable
    label), chosen where the variable holds the counted value. A set of
    categories gives one option per value its variables hold (labelled by the
    value labels), chosen where any of its variables holds it.
    """
    answers_set = table.response_sets[name]
    where = [table.header.index(c) for c in answers_set.columns]
    codes: dict[str, str] = {}  # variable (dichotomies) or stored value (categories) -> code
    labels: dict[str, str] = {}
    if answers_set.counted is not None:
        for column in answers_set.columns:
            short = column.removeprefix(f"{name}_") if column != f"{name}_" else column
            code = unique(safe_name(short, f"o{len(codes) + 1}"), set(codes.values()))
            codes[column] = code
            labels[code] = neutral(table.column_labels.get(column) or column)
        chosen = [
            [
                codes[c]
                for c, k in zip(answers_set.columns, where, strict=True)
                if integral(row[k]) == integral(answers_set.counted)
            ]
            for row in rows
        ]
        reason = f"SPSS multiple response set ${name}, dichotomies counted {answers_set.counted}"
    else:
        value_labels: dict[str, str] = {}
        for column in answers_set.columns:
            value_labels.update(table.value_labels.get(column, {}))
        given = dict.fromkeys(integral(row[k]) for row in rows for k in where if row[k] != "")
        order = _numbers_first(value_labels) + _numbers_first(
            v for v in given if v not in value_labels
        )
        for value in order:
            codes[value] = unique(safe_name(value, f"o{len(codes) + 1}"), set(codes.values()))
            labels[codes[value]] = neutral(value_labels.get(value, value))
        rank = {code: n for n, code in enumerate(labels)}
        chosen = [
            sorted({codes[integral(row[k])] for k in where if row[k] != ""}, key=rank.__getitem__)
            for row in rows
        ]
        reason = f"SPSS multiple response set ${name}, categories"
    question_id = unique(safe_name(name, f"q{len(taken)}"), taken)
    question = Question(f"${name}", question_id, "multiple", reason, {}, labels)
    return question, [";".join(c) for c in chosen]

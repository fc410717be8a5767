"""One column of a file of answers, or an SPSS multiple response set, as a question.

What ``new-survey --from`` guesses (:mod:`analysis_utils.survey.convert`): a
question id made safe from a column's name, the type (single choice or text, by
:data:`FEW`; multiple choice for a response set) and the options with their codes
and labels.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Question:
    """One column of the file as a question of the survey built.

    Attributes
    ----------
    column : str
        The column's name in the file; ``$name`` for an SPSS multiple response set.
    question_id : str
    choice : str
        ``single`` or ``text`` (guessed), or ``multiple`` (an SPSS multiple
        response set).
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
        ``ordinal`` where the file states the measure level ordinal (SPSS),
        else ``""``.
    labelled : bool
        Whether the options come from value labels (else from the answers given).
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
    table: TextTable, k: int, question_id: str, cells: list[str], *, single: bool = False
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

    Returns
    -------
    Question
        ``single`` where the column has value labels, or at most :data:`FEW`
        distinct answers each given twice on average; ``text`` otherwise. The
        options: the value labels (codes in numeric order, else in the label
        set's order), then answers without a label (numeric order, else in the
        order they first appear), then the kinds of missing answer the file
        declares (:mod:`analysis_utils.survey.missing`).
    """
    column = table.header[k]
    declared = dict(table.missing_values.get(column, {}))
    answered = [c for c in cells if c != "" and c not in declared]
    distinct = list(dict.fromkeys(answered))
    value_labels = dict(table.value_labels.get(column, {}))
    given = set(cells)
    kinds = [v for v in _numbers_first(declared) if declared[v] or v in given]
    if value_labels or kinds:
        reason = "value labels"
        unlabelled = [v for v in distinct if v not in value_labels]
        order = _numbers_first(value_labels) + _numbers_first(unlabelled)
    elif (0 < len(distinct) <= FEW and 2 * len(distinct) <= len(answered)) or (single and distinct):
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
        "ordinal" if table.measures.get(column) == "ordinal" else "",
        bool(value_labels),
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

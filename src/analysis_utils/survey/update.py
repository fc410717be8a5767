"""Refreshing a survey folder from its file of answers: ``new-survey DIR --from FILE --update``.

The student edits what ``new-survey --from`` wrote: question types, texts,
scales, identifying flags, option labels, a question deleted, a multiple-choice
question made of 0/1 columns. ``--update`` reads the file again
(:func:`analysis_utils.survey.convert.convert`) and keeps every edit:

``questions.csv``
    Every row the student has, as it is. A column of the file with no
    question yet (nor taken by a multiple-choice question's 0/1 columns,
    ``<question>_<option>``) is added at the end, as ``--from`` guesses it. A
    question the student set ``single`` whose answers were free text is read as
    single choice, its options made from the answers.
``options.csv``
    Every row the student has, as it is, but the options of a question the
    student set ``text``, and those of a question set ``numeric`` that are not
    missing kinds (its answers, numbers, are then written as given); an option
    the file now gives that the codebook lacks (a new answer, or the options
    of a question newly set single) is added after its question's last option.
``responses.csv``
    Written again from the file, with the codes of the options (an option
    code the student renamed, its label kept, is the code the answers take).

The changes are shown as a diff before anything is written (the answers'
rows counted, not shown); what is written is read back as a run reads it and,
if that fails, the files are put back as they were.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

from analysis_utils.core.errors import InputError
from analysis_utils.survey.convert import Conversion, convert, csv_text
from analysis_utils.survey.format import MISSING, OPTIONS, QUESTIONS, RESPONSES


@dataclass(frozen=True)
class Update:
    """A survey folder's generated files refreshed, not yet written.

    Attributes
    ----------
    folder : Path
    conversion : Conversion
        The file read again.
    files : dict
        File name to its new text (``questions.csv``, ``options.csv``, ``responses.csv``).
    before : dict
        File name to its text now.
    added_questions : list of str
        Question ids added (columns with no question yet).
    """

    folder: Path
    conversion: Conversion
    files: dict[str, str]
    before: dict[str, str]
    added_questions: list[str]


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(text.splitlines())
    rows = [dict(row) for row in reader]
    return list(reader.fieldnames or []), rows


def _text(header: list[str], rows: list[dict[str, str]]) -> str:
    return csv_text(header, [[row.get(c) or "" for c in header] for row in rows])


def _merged_header(mine: list[str], theirs: list[str]) -> list[str]:
    return mine + [c for c in theirs if c not in mine]


def _recoded(text: str, renamed: dict[str, dict[str, str]]) -> str:
    """Give the answers with the option codes the student renamed."""
    if not renamed:
        return text
    header, rows = _rows(text)
    for row in rows:
        for question, codes in renamed.items():
            if row.get(question):
                row[question] = ";".join(codes.get(c, c) for c in row[question].split(";"))
    return _text(header, rows)


def prepare(folder: Path, source: Path, *, sheet: str | None = None) -> Update:
    """Read the file of answers again and merge it with the student's codebook, in memory.

    Parameters
    ----------
    folder : Path
        A survey folder with ``questions.csv`` and ``options.csv``.
    source : Path
        The file of answers it was made from (or its new version).
    sheet : str, optional
        A workbook's sheet of answers.

    Returns
    -------
    Update

    Raises
    ------
    FileNotFoundError
        If the folder has no ``questions.csv`` or ``options.csv`` (nothing to update).
    InputError
        What :func:`~analysis_utils.survey.convert.convert` refuses.
    """
    missing = [name for name in (QUESTIONS, OPTIONS) if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder} has no {' or '.join(missing)}: --update refreshes a survey folder that "
            "new-survey --from wrote; leave --update out to write a new one"
        )
    before = {
        name: (folder / name).read_text(encoding="utf-8")
        for name in (QUESTIONS, OPTIONS, RESPONSES)
        if (folder / name).is_file()
    }
    q_header, questions = _rows(before[QUESTIONS])
    o_header, options = _rows(before[OPTIONS])
    single = {q["question_id"] for q in questions if q.get("choice") == "single"}
    text = {q["question_id"] for q in questions if q.get("choice") == "text"}
    numeric = {q["question_id"] for q in questions if q.get("choice") == "numeric"}
    conversion = convert(source, sheet=sheet, single=single, text=text, numeric=numeric)
    g_q_header, generated_q = _rows(conversion.files[QUESTIONS])
    g_o_header, generated_o = _rows(conversion.files[OPTIONS])
    known = {q["question_id"] for q in questions}
    multiple = [q["question_id"] for q in questions if q.get("choice") == "multiple"]
    added = [
        q
        for q in generated_q
        if q["question_id"] not in known
        and not any(q["question_id"].startswith(f"{m}_") for m in multiple)
    ]
    positions = [int(q["position"]) for q in questions if (q.get("position") or "").isdigit()]
    last = max(positions, default=0)
    for offset, q in enumerate(added, start=1):
        q["position"] = str(last + offset)
    kept = known | {q["question_id"] for q in added}
    merged_o = [  # a text has no options, a numeric question only its missing kinds
        o
        for o in options
        if o["question_id"] not in text
        and (o["question_id"] not in numeric or o.get(MISSING) == "true")
    ]
    have = {(o["question_id"], o["option_code"]) for o in options}
    generated = {(o["question_id"], o["option_code"]) for o in generated_o}
    renamed: dict[str, dict[str, str]] = {}  # question -> {code generated: the student's code}
    for o in generated_o:
        key = (o["question_id"], o["option_code"])
        if o["question_id"] not in kept or key in have:
            continue
        same = [
            u["option_code"]
            for u in options
            if u["question_id"] == o["question_id"]
            and u["option_label"] == o["option_label"]
            and (u["question_id"], u["option_code"]) not in generated
        ]
        if len(same) == 1:  # the student renamed the code: the answers take the new one
            renamed.setdefault(o["question_id"], {})[o["option_code"]] = same[0]
            continue
        at = max(
            (k for k, row in enumerate(merged_o) if row["question_id"] == o["question_id"]),
            default=len(merged_o) - 1,
        )
        merged_o.insert(at + 1, o)
        have.add(key)
    files = {
        QUESTIONS: _text(_merged_header(q_header, g_q_header), questions + added),
        OPTIONS: _text(_merged_header(o_header, g_o_header), merged_o),
        RESPONSES: _recoded(conversion.files[RESPONSES], renamed),
    }
    return Update(folder, conversion, files, before, [q["question_id"] for q in added])


def diff(update: Update) -> list[str]:
    """Show what :func:`write` would change: a unified diff of the codebook, the answers counted.

    Parameters
    ----------
    update : Update

    Returns
    -------
    list of str
        Lines to print; ``["nothing changes"]`` if nothing would.
    """
    lines: list[str] = []
    for name in (QUESTIONS, OPTIONS):
        lines += [
            line.rstrip("\n")
            for line in difflib.unified_diff(
                update.before.get(name, "").splitlines(keepends=True),
                update.files[name].splitlines(keepends=True),
                fromfile=f"{name} (now)",
                tofile=f"{name} (updated)",
            )
        ]
    old = update.before.get(RESPONSES, "").splitlines()
    new = update.files[RESPONSES].splitlines()
    if old != new:
        changed = sum(a != b for a, b in zip(old, new, strict=False)) + abs(len(old) - len(new))
        header = "" if old[:1] == new[:1] else f" (columns now: {new[0] if new else ''})"
        lines.append(f"{RESPONSES}: {changed} of {len(new)} lines change{header}")
    return lines or ["nothing changes"]


def write(update: Update) -> list[Path]:
    """Write the refreshed files, read the folder back as a run does, or put everything back.

    Parameters
    ----------
    update : Update

    Returns
    -------
    list of Path
        The files written (those whose text changes).

    Raises
    ------
    InputError
        If the folder written does not read as a survey (an option code the
        student renamed, so the answers' codes are no longer options); the
        files are then as they were.
    """
    from analysis_utils.survey.read import read

    written = []
    for name, text in update.files.items():
        if update.before.get(name) != text:
            (update.folder / name).write_text(text, encoding="utf-8")
            written.append(update.folder / name)
    try:
        read(update.folder)
    except InputError:
        for path in written:
            old = update.before.get(path.name)
            if old is None:
                path.unlink()
            else:
                path.write_text(old, encoding="utf-8")
        raise
    return written

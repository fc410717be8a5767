"""A real survey in the forms students bring it: the 1996 American National Election Study.

statsmodels ships 944 respondents of it (``statsmodels.datasets.anes96``). Its answers are
used as they are; the value and variable labels are those its documentation (``anes96.NOTE``)
gives, parsed from it here, so no label text is made up. The files (SPSS, Stata, Excel with a
labels sheet, CSV with a labels file) are written by the tests into their own tmp_path.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

#: The columns used: 7-point party id, vote, education, 24 income bands, left-right, TV news
#: days, age.
COLUMNS = ("PID", "vote", "educ", "income", "selfLR", "TVnews", "age")

#: Variables whose values the documentation labels together ("the following 3 variables").
_SHARED = ("selfLR", "ClinLR", "DoleLR")


def documented() -> tuple[dict[str, str], dict[str, dict[int, str]]]:
    """Give the variable labels and value labels as ``anes96.NOTE`` writes them.

    Returns
    -------
    texts : dict
        Variable -> its description (one line, as documented).
    labels : dict
        Variable -> {value: label}, in the documentation's order.
    """
    from statsmodels.datasets import anes96

    texts: dict[str, str] = {}
    labels: dict[str, dict[int, str]] = {}
    current = ""
    for line in anes96.NOTE.splitlines():
        variable = re.match(r"^ {12}(\w+) *[-:] +(.*)$", line)
        value = re.match(r"^ {16}(\d+) *- +(.*)$", line)
        if variable:
            current = variable.group(1)
            texts[current] = variable.group(2).strip()
        elif line.strip().startswith("The following 3 variables"):
            current = "shared"
        elif value:
            labels.setdefault(current, {})[int(value.group(1))] = value.group(2).strip()
        elif line.startswith(" " * 16) and line.strip() and current in texts:
            texts[current] += " " + line.strip()  # a description continued on the next line
    for name in _SHARED:
        labels[name] = dict(labels["shared"])
    labels.pop("shared")
    return texts, labels


#: The multiple-choice question made from three real answers: whom the respondent places on
#: the liberal side of the 7-point left-right scale (themselves, Clinton, Dole). An option is
#: chosen where that placement is one of the values the documentation labels "... liberal"
#: (1-3); no answer is made up or changed, each is only read as yes or no.
LIBERAL = {"self": "selfLR", "clinton": "ClinLR", "dole": "DoleLR"}

#: The SPSS multiple response set of :data:`LIBERAL` (dichotomies counted 1).
LIBERAL_SET = "Placed on the liberal side of the scale"


def liberal_placements() -> pd.DataFrame:
    """Give :data:`LIBERAL` as one 0/1 column per option (``liberal_self``, ...).

    Returns
    -------
    DataFrame
        1 where the respondent placed that person at a value labelled liberal.
    """
    from statsmodels.datasets import anes96

    _, labels = documented()
    liberal = [v for v, t in labels["selfLR"].items() if t.lower().endswith("liberal")]
    assert liberal == [1, 2, 3]
    data = anes96.load_pandas().data
    return pd.DataFrame(
        {f"liberal_{o}": data[c].astype(int).isin(liberal).astype(int) for o, c in LIBERAL.items()}
    )


def answers() -> pd.DataFrame:
    """Give the respondents' answers to :data:`COLUMNS` as whole numbers, as shipped."""
    from statsmodels.datasets import anes96

    data = anes96.load_pandas().data
    return data[list(COLUMNS)].astype(int)


def _labelled() -> tuple[dict[str, str], dict[str, dict[int, str]]]:
    texts, labels = documented()
    return (
        {c: texts[c] for c in COLUMNS},
        {c: labels[c] for c in COLUMNS if c in labels},
    )


def write_sav(
    path: Path,
    frame: pd.DataFrame | None = None,
    *,
    missing: Mapping[str, list[int]] | None = None,
    measures: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Path:
    """Write the answers as SPSS saves them: variable labels, value labels, missing codes.

    ``labels`` gives the variable labels of columns beyond :data:`COLUMNS`.
    """
    import pyreadstat

    texts, values = _labelled()
    texts = {**texts, **(labels or {})}
    frame = answers() if frame is None else frame
    pyreadstat.write_sav(
        frame.astype(float),
        str(path),
        column_labels=texts,
        variable_value_labels={c: {float(v): t for v, t in m.items()} for c, m in values.items()},
        missing_ranges={c: [float(v) for v in vs] for c, vs in (missing or {}).items()},
        variable_measure=dict(measures) if measures else None,
    )
    return path


def write_dta(path: Path, *, extended: Mapping[str, Mapping[int, str]] | None = None) -> Path:
    """Write the answers as Stata saves them; ``extended`` moves values to ``.a``-``.z``.

    ``extended`` maps a column to {value: letter}: those answers are stored as
    Stata's extended missing value of that letter, labelled as the value was.
    """
    import pyreadstat

    texts, labels = _labelled()
    frame = answers().astype(object)
    value_labels: dict[str, dict[object, str]] = {c: dict(m) for c, m in labels.items()}
    for column, letters in (extended or {}).items():
        for value, letter in letters.items():
            frame.loc[frame[column] == value, column] = letter
            value_labels[column][letter] = value_labels[column].pop(value)
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels=texts,
        variable_value_labels=value_labels,
        missing_user_values={c: sorted(m.values()) for c, m in (extended or {}).items()},
    )
    return path


def label_rows(*, missing: Mapping[str, list[int]] | None = None) -> list[list[str]]:
    """Give the labels table (``column``, ``value``, ``label``, ``missing``) of the answers."""
    texts, labels = _labelled()
    rows = [["column", "value", "label", "missing"]]
    for column in COLUMNS:
        rows.append([column, "", texts[column], ""])
        for value, label in labels.get(column, {}).items():
            flag = "true" if value in (missing or {}).get(column, []) else ""
            rows.append([column, str(value), label, flag])
    return rows


def write_csv(path: Path, frame: pd.DataFrame | None = None, *, labels: bool = True, **kw) -> Path:
    """Write the answers as CSV, with the labels file ``NAME.labels.csv`` beside it."""
    (answers() if frame is None else frame).to_csv(path, index=False)
    if labels:
        with path.with_name(path.stem + ".labels.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(label_rows(**kw))
    return path


def write_xlsx(path: Path, *, notes: bool = False, sheet: str = "answers", **kw) -> Path:
    """Write the answers as a workbook: a sheet of answers and a sheet ``labels``.

    With ``notes``, a sheet of notes comes first (the statsmodels source line),
    as students' workbooks often have.
    """
    import openpyxl
    from statsmodels.datasets import anes96

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    if notes:
        first.title = "notes"
        first.append([anes96.SOURCE.strip()])
        data = book.create_sheet(sheet)
    else:
        first.title = sheet
        data = first
    frame = answers()
    data.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        data.append([int(v) for v in row])
    labels = book.create_sheet("labels")
    for row in label_rows(**kw):
        labels.append(row)
    book.save(path)
    return path


#: The analyses a student declares for anes96 (``analyses.yaml``): party identification in
#: three groups, and one model of each kind.
ANALYSES_YAML = """\
recodes:
  party:
    from: pid
    groups: {1: [0, 1, 2], 2: [3], 3: [4, 5, 6]}
    labels: {1: Democrat, 2: Independent, 3: Republican}
models:
  vote_by_party:
    formula: vote ~ C(party) + educ
    kind: logit
  news:
    formula: tvnews ~ educ + C(party)
    kind: ols
  leaning:
    formula: selflr ~ educ + C(party)
    kind: ordered_logit
"""

#: The questions whose options are ordered (the checklist of ``new-survey --from`` asks).
ORDINAL = ("pid", "educ", "income", "selflr", "tvnews")


def survey_folder(folder: Path, *, analyses: str = ANALYSES_YAML, multiple: bool = False) -> Path:
    """Make a survey folder of anes96 as a student does: ``new-survey --from`` an SPSS file,
    then :func:`set_up`; with ``multiple``, the file also holds :data:`LIBERAL` as an SPSS
    multiple response set (question ``liberal``)."""
    from analysis_utils import cli

    source = folder.parent / f"{folder.name}.sav"
    if multiple:
        from surveys import add_response_sets

        texts, _ = documented()
        placements = liberal_placements()
        write_sav(
            source,
            pd.concat([answers(), placements], axis=1),
            labels={f"liberal_{o}": texts[c] for o, c in LIBERAL.items()},
        )
        columns = " ".join(placements.columns)
        add_response_sets(
            source, f"$liberal=D1 1 {len(LIBERAL_SET.encode())} {LIBERAL_SET} {columns}\n"
        )
    else:
        write_sav(source)
    assert cli.main(["new-survey", str(folder), "--from", str(source)]) == 0
    return set_up(folder, analyses=analyses)


def set_up(folder: Path, *, analyses: str = ANALYSES_YAML) -> Path:
    """Set the ordinal scales in ``questions.csv`` and write ``analyses.yaml``."""
    questions = folder / "questions.csv"
    with questions.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["question_id"] in ORDINAL:
            row["scale"] = "ordinal"
    with questions.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    if analyses:
        (folder / "analyses.yaml").write_text(analyses, encoding="utf-8")
    return folder


def coded_answers(folder: Path, *, multiple: bool = False):
    """Write the survey folder (:func:`survey_folder`) and read its answers as the report does.

    Returns the coded answers (recodes applied) and the folder's ``analyses.yaml``.
    """
    from analysis_utils.survey import analysis_file, read, report_answers

    survey = read.read(survey_folder(folder, multiple=multiple))
    analyses = analysis_file.read_for(survey)
    return report_answers.coded_answers(survey, analyses), analyses

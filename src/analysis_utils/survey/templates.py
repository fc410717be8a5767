"""The empty, valid survey folder that ``new-survey`` writes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from analysis_utils.core.paths import check_writable
from analysis_utils.survey.disclosure import DEFAULT_MIN_CELL
from analysis_utils.survey.format import (
    _CITATION_COLUMNS,
    OPTION_FIELDS,
    OPTIONS,
    QUESTION_FIELDS,
    QUESTIONS,
    RESPONSE_FILES,
    format_reference,
)
from analysis_utils.survey.formats import FORMATS

_TEMPLATE_README = """\
# Survey: (title)

This folder is a survey in the survey format of the package `analysis_utils`.
Fill in the CSV files (UTF-8, a header row, `,` or `;` between cells: a spreadsheet's "CSV
UTF-8" is fine), then run from the project:

    python -m analysis_utils run -p survey_dir {folder}

or `python -m analysis_utils run -f {folder}/params.yaml`. Everything is written under
`{folder}/output/` (`-p output_dir OTHER` to change): the cleaned table, the granularity
audit, the tests of the claims in `claims.yaml`, the figures and the executed notebooks.

Give **either** the percentages a source reports (`reported_percent` in `options.csv`, exactly
as printed; empty where not reported; `stated_n` in `questions.csv` if the source states a
sample size) **or** the respondent-level answers (`responses.csv`, or the same table as
{other_files}), not both.

Keep nothing else in this folder but `output/`: a file the format does not know is refused,
so that answers saved under another name are never silently left unread.

## Confidentiality

Respondent-level answers are read by the cleaning notebook only. Every published table and
figure shows counts of at least `min_cell` respondents (default {min_cell}; `-p min_cell K`);
a smaller count is withheld, with whatever would let a reader recompute it. Mark a free-text
question `identifying` = `true` if its answers could identify someone: it is dropped at
cleaning. A question whose answers are numbers (an age, an income) is `numeric`, with its
`unit` and valid range (`valid_min`, `valid_max`), not free text: many distinct numbers do
not make it identifying. Kinds of missing answer (don't know, refused) are options marked
`missing` = `true`: each counted on its own row, left out of the valid percentages. The
answers themselves are written (to `output/processed/responses.csv`, identifying columns
dropped) only with `-p keep_respondent_data true`.

## The files

{reference}
"""


_TEMPLATE_CLAIMS = """\
# Claims to test across every count vector consistent with the survey (03_test_claims).
# One entry per claim, for example:
#
#   C1:
#     claim: most respondents work for an NGO
#     evidence: survey
#     question: role          # a question_id of questions.csv
#     option: ngo             # an option_code of that question
#     test: majority          # majority: share > 1/2; mode: the most common answer
#
claims: {}
"""


_TEMPLATE_PARAMS = """\
# Parameters of a run on this survey: python -m analysis_utils run -f PATH/params.yaml
# (python -m analysis_utils params NOTEBOOK lists every parameter of a notebook).
# Folders and files here are read from this file's folder: "." is this survey folder.
survey_dir: .
# output_dir: output                   # where everything is written
# min_cell: {min_cell}                        # smallest count published
# keep_respondent_data: false          # also write the answers (identifying columns dropped)
# rounding: up_or_down                 # how the source rounded its percentages
# title: My survey 2026                # the report's title (default: the folder's name)
# group_by: role                       # a single-choice question to cross the others by
# top: 2                               # options in the top box of an ordinal scale
"""


def scaffold(folder: Path, filled: Mapping[str, str] | None = None) -> list[Path]:
    """Write an empty, valid survey template with its documentation.

    Parameters
    ----------
    folder : Path
        A folder that does not exist yet or is empty.
    filled : mapping, optional
        File name to text written instead of the template's (a codebook and
        answers built by ``new-survey --from``; see
        :mod:`analysis_utils.survey.convert`).

    Returns
    -------
    list of Path
        The files written: ``questions.csv`` and ``options.csv`` (headers
        only, unless ``filled``), ``README.md`` (the format), ``claims.yaml``
        and ``params.yaml`` (commented), and any other file of ``filled``.

    Raises
    ------
    FileExistsError
        If the folder exists and is not empty (nothing is overwritten).
    ParameterError
        If the folder is inside raw data or a git repository's own data
        (:func:`analysis_utils.core.paths.protected`); nothing is written.
    """
    folder = Path(folder)
    check_writable(folder, f"new-survey {folder}", "choose a folder elsewhere")
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} exists and is not empty; choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    where = folder.resolve().as_posix()
    texts = {
        QUESTIONS: ",".join(c for c in QUESTION_FIELDS if c not in _CITATION_COLUMNS) + "\n",
        OPTIONS: ",".join(c for c in OPTION_FIELDS if c not in _CITATION_COLUMNS) + "\n",
        "README.md": _TEMPLATE_README.format(
            folder=where,
            min_cell=DEFAULT_MIN_CELL,
            reference=format_reference(),
            other_files=FORMATS.listed(tuple(f"`{n}`" for n in RESPONSE_FILES[1:])),
        ),
        "claims.yaml": _TEMPLATE_CLAIMS,
        "params.yaml": _TEMPLATE_PARAMS.format(min_cell=DEFAULT_MIN_CELL),
        **(filled or {}),
    }
    written = []
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

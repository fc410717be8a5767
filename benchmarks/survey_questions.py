"""Time of a survey run on reported percentages against the number of questions (on demand).

Usage: ``python benchmarks/survey_questions.py [--questions 100 1000] [--options 10]``.

For each number of questions it writes an aggregated survey (reported percentages, no
respondent data; made-up test data, seeded, in a temporary folder removed afterwards) with
the survey format's own template (:func:`analysis_utils.survey.templates.scaffold`, what
``new-survey`` writes): ``questions`` questions of ``options`` options each, two in three
single choice, the rest multiple choice, every percentage a whole number that some
n of 100 to 200 respondents gives, with a stated n on every question. It then runs every
survey notebook on it in a fresh process (``python -m analysis_utils run -p survey_dir DIR``,
one notebook at a time) and records the wall-clock time of the whole run and of each
notebook (from the run's progress lines), and the ratio of the largest survey's times to
the smallest's against the ratio of their numbers of questions (linear: about equal).

Saves the figures to ``benchmarks/results/performance.json`` (``survey_questions``,
:mod:`record`) and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import record
from survey_size import measure

from analysis_utils.survey.templates import scaffold

#: Seed of the synthetic percentages.
SEED = 2014
#: Respondents of the synthetic surveys (each question states the same n).
RESPONDENTS = 150


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def aggregated_survey(folder: Path, questions: int, options: int = 10) -> list[Path]:
    """Write an aggregated survey (reported percentages only; made-up data) to ``folder``.

    Parameters
    ----------
    folder : Path
        A folder that does not exist yet or is empty.
    questions : int
        Two in three single choice, the rest multiple choice.
    options : int
        Options per question.

    Returns
    -------
    list of Path
        The files written (the template's, with the codebook filled in).
    """
    rng = np.random.default_rng(SEED)
    shares = np.linspace(2.0, 0.2, options)
    codebook = [["question_id", "position", "question_text", "choice", "stated_n"]]
    rows = [["question_id", "option_code", "option_label", "reported_percent"]]
    for k in range(1, questions + 1):
        single = k % 3 != 0
        kind = "single" if single else "multiple"
        codebook.append([f"q{k}", str(k), f"Synthetic question {k}", kind, str(RESPONDENTS)])
        if single:
            counts = rng.multinomial(RESPONDENTS, shares / shares.sum())
        else:
            counts = rng.binomial(RESPONDENTS, np.minimum(shares / 3, 0.9))
        percents = np.floor(100 * counts / RESPONDENTS + 0.5).astype(int)
        rows += [[f"q{k}", f"o{j}", f"Option {j}", str(p)] for j, p in enumerate(percents.tolist())]
    return scaffold(folder, {"questions.csv": _csv(codebook), "options.csv": _csv(rows)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, nargs="+", default=[100, 1_000])
    parser.add_argument("--options", type=int, default=10)
    args = parser.parse_args()
    runs = []
    for questions in args.questions:
        with tempfile.TemporaryDirectory(prefix="survey-questions-") as tmp:
            folder = Path(tmp) / "aggregated_survey"
            written = time.perf_counter()
            aggregated_survey(folder, questions, args.options)
            written = time.perf_counter() - written
            measured = measure(folder)
            measured["report"] = str(measured["report"]).replace(tmp, "TMP")
        runs.append(
            {
                "questions": questions,
                "options": args.options,
                "writing_seconds": round(written, 2),
                **measured,
            }
        )
        print(f"{questions:,} questions: {runs[-1]['seconds']} s", file=sys.stderr)
    small, large = runs[0], runs[-1]
    ratios = {
        name: round(seconds / small["notebooks"][name], 2)
        for name, seconds in large["notebooks"].items()
        if small["notebooks"].get(name)
    }
    result = {
        "seed": SEED,
        "respondents": RESPONDENTS,
        "command": "python -m analysis_utils run -p survey_dir DIR (jobs 1)",
        "runs": runs,
        "questions_ratio": large["questions"] / small["questions"],
        "seconds_ratio": round(large["seconds"] / small["seconds"], 2),
        "notebook_ratios": ratios,
    }
    record.save("survey_questions", result)
    names = sorted({name for run in runs for name in run["notebooks"]})
    print("| questions | whole run | " + " | ".join(f"`{n[:2]}`" for n in names) + " |")
    print("|---|---|" + "---|" * len(names))
    for run in runs:
        cells = " | ".join(f"{run['notebooks'].get(n, 0.0):.1f} s" for n in names)
        print(f"| {run['questions']:,} | {run['seconds']:.1f} s | {cells} |")
    cells = " | ".join(f"{ratios.get(n, 0.0):.2f}x" for n in names)
    print(f"| ratio | {result['seconds_ratio']:.2f}x | {cells} |")
    print(f"\nsaved to {record.RESULTS}")


if __name__ == "__main__":
    main()

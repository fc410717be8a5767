"""A survey of one's own through the survey notebooks: ordinal, crosstab, weights, group claims.

The answers are made up for the tests (fixtures, not data of any study).
"""

import csv

import pytest
from conftest import run_cli
from scipy import stats as scipy_stats
from surveys import write_rows
from test_respondent_claims import ANSWERS, OPTIONS, QUESTIONS

CLAIMS = """\
claims:
  G1:
    claim: NGO staff agree more often than officials
    evidence: respondents
    question: agree
    test: group_difference
    group: sector
    groups: [ngo, gov]
    top: 1
"""


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_a_run_writes_the_course_tables_and_the_group_verdict(tmp_path, project):
    folder = tmp_path / "likert"
    folder.mkdir()
    write_rows(folder / "questions.csv", QUESTIONS)
    write_rows(folder / "options.csv", OPTIONS)
    write_rows(
        folder / "responses.csv",
        [["respondent_id", "sector", "agree", "role", "respondent_weight"]]
        + [
            [f"r{i:02d}", s, a, "staff", "2" if s == "ngo" else "1"]
            for i, (s, a) in enumerate(ANSWERS, start=1)
        ],
    )
    (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli(
        "run",
        "-p",
        "survey_dir",
        str(folder),
        "-p",
        "output_dir",
        str(out),
        "-p",
        "group_by",
        "sector",
        "-p",
        "min_cell",
        "1",
        root=project.root,
    )
    assert done.returncode == 0, done.stderr
    tables = out / "tables"
    [summary] = _rows(tables / "ordinal_summaries.csv")
    assert summary["median_option"] == "neutral"
    crosstab = {
        (r["question_id"], r["group_option"], r["option_code"]): r
        for r in _rows(tables / "crosstabs.csv")
    }
    assert crosstab[("agree", "gov", "yes")]["count"] == "2"
    weighted = {
        (r["question_id"], r["option_code"]): r for r in _rows(tables / "weighted_shares.csv")
    }
    assert float(weighted[("sector", "ngo")]["weighted_share"]) == pytest.approx(40 / 56)
    [verdict] = _rows(tables / "respondent_verdicts.csv")
    p = scipy_stats.fisher_exact([[10, 10], [2, 14]], alternative="greater").pvalue
    assert verdict["our_verdict"] == "supported"
    assert f"p = {p:.3g}" in verdict["our_evidence"]

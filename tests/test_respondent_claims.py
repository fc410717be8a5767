"""Claims tested on respondent-level answers: registry checks, verdicts, disclosure.

Small answer sets made up for the rules (never data of any study), and anes96 as statsmodels
ships it for missing kinds.
"""

import textwrap

import pytest
from scipy import stats as scipy_stats
from surveys import write_rows

from analysis_utils.audit import registry, respondent_claims
from analysis_utils.survey import read, tabulate

QUESTIONS = [
    ["question_id", "position", "question_text", "choice", "scale"],
    ["sector", "1", "Where you work", "single", ""],
    ["agree", "2", "Rehabilitation is adequate", "single", "ordinal"],
    ["role", "3", "Your role", "single", ""],
]
OPTIONS = [
    ["question_id", "option_code", "option_label"],
    ["sector", "ngo", "NGO"],
    ["sector", "gov", "Government"],
    ["agree", "no", "Disagree"],
    ["agree", "neutral", "Neither"],
    ["agree", "yes", "Agree"],
    ["role", "staff", "Staff"],
    ["role", "lead", "Lead"],
]
# ngo: 2 no, 8 neutral, 10 yes; gov: 6 no, 8 neutral, 2 yes.
ANSWERS = (
    [("ngo", "no")] * 2
    + [("ngo", "neutral")] * 8
    + [("ngo", "yes")] * 10
    + [("gov", "no")] * 6
    + [("gov", "neutral")] * 8
    + [("gov", "yes")] * 2
)


@pytest.fixture
def survey(tmp_path):
    folder = tmp_path / "likert"
    folder.mkdir()
    write_rows(folder / "questions.csv", QUESTIONS)
    write_rows(folder / "options.csv", OPTIONS)
    write_rows(
        folder / "responses.csv",
        [["respondent_id", "sector", "agree", "role"]]
        + [[f"r{i:02d}", s, a, "staff"] for i, (s, a) in enumerate(ANSWERS, start=1)],
    )
    return read.read(folder)


def _claims(tmp_path, text):
    path = tmp_path / "claims.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return registry.load_claims(path)


def test_a_group_difference_is_fisher_s_test_of_the_two_groups(survey, tmp_path):
    [claim] = _claims(
        tmp_path,
        """
        claims:
          G1: {claim: NGO staff agree more, evidence: respondents, question: agree,
               test: group_difference, group: sector, groups: [ngo, gov], top: 1}
        """,
    )
    found = respondent_claims.evaluate(claim, survey, min_cell=1)
    # Top-1 box ("yes"): ngo 10 of 20, gov 2 of 16; Fisher one-sided on [[10, 10], [2, 14]].
    expected = scipy_stats.fisher_exact([[10, 10], [2, 14]], alternative="greater").pvalue
    assert f"p = {expected:.3g}" in found.sentence
    assert expected < 0.05
    assert found.label == "supported"
    assert "50% (ngo, n = 20) against 12% (gov, n = 16)" in found.sentence
    assert "counts observed, nothing reconstructed" in found.assumptions
    assert "A = ngo, B = gov" in found.assumptions


def test_a_claim_false_of_the_sample_is_contradicted(survey, tmp_path):
    [claim] = _claims(
        tmp_path,
        """
        claims:
          G2: {claim: officials agree more, evidence: respondents, question: agree,
               test: ordinal_shift, group: sector, groups: [gov, ngo]}
        """,
    )
    assert respondent_claims.evaluate(claim, survey, min_cell=1).label == "contradicted"


def test_a_top_box_claim_is_the_exact_binomial_test(survey, tmp_path):
    [claim] = _claims(
        tmp_path,
        """
        claims:
          T1: {claim: most agree or are neutral, evidence: respondents, question: agree,
               test: top_box, threshold: 0.5}
        """,
    )
    found = respondent_claims.evaluate(claim, survey, min_cell=1)
    # Top two: neutral + yes = 16 + 12 = 28 of 36.
    expected = scipy_stats.binomtest(28, 36, 0.5, alternative="greater").pvalue
    assert f"p = {expected:.3g}" in found.sentence
    assert found.label == "supported"


def test_a_median_claim_counts_the_option_and_those_above(survey, tmp_path):
    [claim] = _claims(
        tmp_path,
        """
        claims:
          M1: {claim: the median answer is agree, evidence: respondents, question: agree,
               test: ordinal_median, option: "yes", scope: sample}
        """,
    )
    found = respondent_claims.evaluate(claim, survey, min_cell=1)
    # 12 of 36 chose "yes": not more than half.
    assert found.label == "false of the sample"
    assert "33% of n = 36" in found.sentence


def test_a_test_of_withheld_counts_is_withheld(survey, tmp_path):
    [claim] = _claims(
        tmp_path,
        """
        claims:
          G1: {claim: NGO staff agree more, evidence: respondents, question: agree,
               test: group_difference, group: sector, groups: [ngo, gov]}
        """,
    )
    # gov has 2 "yes" < 5: the cell is withheld, so is any p-value computed from it.
    found = respondent_claims.evaluate(claim, survey, min_cell=5)
    assert found.label == "withheld"
    assert "p =" not in found.sentence
    assert found.sentence.startswith("the counts of groups ngo and gov are not all published")


def test_claims_a_survey_cannot_test_say_why(survey, tmp_path):
    claims = _claims(
        tmp_path,
        """
        claims:
          N1: {claim: staff lead more, evidence: respondents, question: role,
               test: top_box, threshold: 0.5}
        """,
    )
    found = respondent_claims.evaluate(claims[0], survey)
    assert found.label == "not evaluable"
    assert "not declared ordinal" in found.sentence
    aggregates = read.Survey(survey.folder, survey.questions, survey.options, None, survey.files)
    found = respondent_claims.evaluate(claims[0], aggregates)
    assert "needs respondent-level answers" in found.sentence


def test_the_verdict_table_holds_only_respondent_claims(survey, tmp_path):
    claims = _claims(
        tmp_path,
        """
        claims:
          B1: {claim: most are ngo, evidence: survey, question: sector, option: ngo,
               test: majority}
          A1: {claim: most agree, evidence: respondents, question: agree, test: top_box,
               threshold: 0.5, top: 1}
        """,
    )
    table = respondent_claims.verdict_table(claims, survey, min_cell=1)
    assert table["id"].tolist() == ["A1"]
    assert table.loc[0, "evidence"] == "respondents"
    # Top-1 box: 12 of 36 is below one half.
    assert table.loc[0, "our_verdict"] == "contradicted"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("{evidence: respondents, question: agree, test: majority}", "needs test, one of"),
        ("{evidence: respondents, question: agree, test: group_difference}", "needs 'group'"),
        (
            "{evidence: respondents, question: agree, test: ordinal_shift, group: sector, "
            "groups: [ngo, ngo]}",
            "two different options",
        ),
        ("{evidence: respondents, question: agree, test: top_box, threshold: 1.5}", "strictly"),
        ("{evidence: respondents, question: agree, test: top_box}", "needs 'threshold'"),
        ("{evidence: survey, question: agree, option: yes, test: mode, top: 1}", "respondents"),
        (
            "{evidence: respondents, question: agree, test: top_box, threshold: 0.5, top: 0}",
            "'top' must be",
        ),
    ],
)
def test_the_registry_refuses_malformed_respondent_claims(tmp_path, fields, message):
    with pytest.raises(ValueError, match=message):
        _claims(tmp_path, f"claims:\n  X1: {fields}\n")


def test_the_registry_checks_groups_against_the_codebook(survey, tmp_path):
    claims = _claims(
        tmp_path,
        """
        claims:
          G1: {claim: x, evidence: respondents, question: agree, test: ordinal_shift,
               group: sector, groups: [ngo, civil]}
        """,
    )
    items = tabulate.items(survey, min_cell=1)
    with pytest.raises(ValueError, match=r"\['civil'\] not options of the grouping question"):
        registry.check_registry(claims, items, None)


def test_codes_written_as_whole_numbers_are_read_as_the_codebook_s_codes(tmp_path):
    as_numbers, as_text = (
        _claims(
            tmp_path,
            f"""
            claims:
              G1: {{claim: x, evidence: respondents, question: {q}, test: ordinal_shift,
                   group: {g}, groups: {groups}}}
              S1: {{claim: y, evidence: survey, question: {q}, option: {o}, test: majority}}
            """,
        )
        for q, g, groups, o in [(7, 8, "[1, 2]", 3), ('"7"', '"8"', '["1", "2"]', '"3"')]
    )
    assert as_numbers == as_text
    assert as_numbers[0].groups == ("1", "2")
    assert (as_numbers[1].question, as_numbers[1].option) == ("7", "3")


def test_a_weight_column_is_read_and_bad_weights_are_refused(tmp_path):
    folder = tmp_path / "weighted"
    folder.mkdir()
    write_rows(folder / "questions.csv", QUESTIONS)
    write_rows(folder / "options.csv", OPTIONS)
    header = ["respondent_id", "sector", "agree", "role", "respondent_weight"]
    write_rows(folder / "responses.csv", [header, ["r1", "ngo", "yes", "staff", "1.5"]])
    assert read.read(folder).responses["respondent_weight"].tolist() == ["1.5"]
    write_rows(folder / "responses.csv", [header, ["r1", "ngo", "yes", "staff", "-2"]])
    with pytest.raises(read.InputError, match="respondent_weight"):
        read.read(folder)
    write_rows(folder / "responses.csv", [header[:-1], ["r1", "ngo", "yes", "staff"]])
    assert "respondent_weight" not in read.read(folder).responses.columns


def test_an_ordinal_question_must_be_single_choice(tmp_path):
    folder = tmp_path / "scale"
    folder.mkdir()
    questions = [row[:] for row in QUESTIONS]
    questions[2][3] = "multiple"
    write_rows(folder / "questions.csv", questions)
    write_rows(folder / "options.csv", OPTIONS)
    with pytest.raises(read.InputError, match="an ordinal question is single choice"):
        read.read(folder)


def test_a_missing_kind_is_no_point_of_the_scale_in_a_claim(tmp_path):
    """anes96's party identification with the two leaner codes declared SPSS user-missing."""
    from anes import answers, write_sav

    from analysis_utils.survey import convert

    folder = tmp_path / "anes"
    source = write_sav(tmp_path / "anes.sav", missing={"PID": [2, 4]}, measures={"PID": "ordinal"})
    convert.write(convert.convert(source), folder)
    survey = read.read(folder)
    pid = answers()["PID"]
    counts, no_answer = respondent_claims.ordered_counts(survey, "pid")
    assert respondent_claims.scale_codes(survey, "pid") == ["0", "1", "3", "5", "6"]
    assert counts == [int((pid == code).sum()) for code in (0, 1, 3, 5, 6)]
    assert no_answer == int(pid.isin([2, 4]).sum())
    [claim] = _claims(
        tmp_path,
        """
        claims:
          R1: {claim: a third are Republicans, evidence: respondents, question: pid,
               test: top_box, threshold: 0.3333}
        """,
    )
    found = respondent_claims.evaluate(claim, survey, min_cell=5)
    # the top two of the scale are 5 and 6 (Republicans), of the 742 valid answers only
    top, valid = int(pid.isin([5, 6]).sum()), int((~pid.isin([2, 4])).sum())
    expected = scipy_stats.binomtest(top, valid, 0.3333, alternative="greater").pvalue
    assert f"of n = {valid}" in found.sentence
    assert f"p = {expected:.3g}" in found.sentence
    assert "missing kinds 2, 4" in found.assumptions

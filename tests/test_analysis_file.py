"""A survey folder's analyses.yaml: recodes and models read, and each mistake refused clearly."""

import pytest
from anes import ANALYSES_YAML

from analysis_utils.core.errors import InputError
from analysis_utils.survey import analysis_file, folder

QUESTIONS = {"pid": ["0", "1", "2", "3", "4", "5", "6"], "vote": ["0", "1"]}
NAMES = ["pid", "vote", "educ", "tvnews", "selflr"]


def _read(tmp_path, text):
    (tmp_path / "analyses.yaml").write_text(text, encoding="utf-8")
    return analysis_file.read_analyses(tmp_path, QUESTIONS, names=NAMES, shown="analyses.yaml")


def _problems(tmp_path, text):
    with pytest.raises(InputError) as caught:
        _read(tmp_path, text)
    return [(p.column, p.rule, p.message) for p in caught.value.problems]


def test_the_recodes_and_models_are_read(tmp_path):
    found = _read(tmp_path, ANALYSES_YAML)
    party = found.recodes["party"]
    assert party.source == "pid"
    assert party.lookup() == {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 3, 6: 3}
    assert [(m.name, m.kind, m.weighted) for m in found.models] == [
        ("vote_by_party", "logit", True),
        ("news", "ols", True),
        ("leaning", "ordered_logit", True),
    ]


def test_no_file_means_nothing_declared(tmp_path):
    found = analysis_file.read_analyses(tmp_path, QUESTIONS)
    assert found.recodes == {}
    assert found.models == ()


@pytest.mark.parametrize(
    ("text", "key", "rule", "says"),
    [
        (
            "recodes:\n  party:\n    from: age\n    groups: {1: [0]}\n",
            "recodes.party.from",
            "known-question",
            "give one of pid, vote",
        ),
        (
            "recodes:\n  party:\n    from: pid\n    groups: {1: [0, 9]}\n",
            "recodes.party.groups",
            "known-code",
            "9 not an option code of pid",
        ),
        (
            "recodes:\n  pid:\n    from: pid\n    groups: {1: [0]}\n",
            "recodes.pid",
            "new-name",
            "name the recode differently",
        ),
        (
            "recodes:\n  party:\n    from: pid\n    groups: {1: [0], 2: [0]}\n",
            "recodes.party",
            "recode",
            "in two groups",
        ),
        (
            "models:\n  m:\n    formula: vote ~ income\n",
            "models.m.formula",
            "known-question",
            "income not a question or recode",
        ),
        (
            "models:\n  m:\n    formula: vote ~ pid\n    kind: probit\n",
            "models.m.kind",
            "kind",
            "give one of",
        ),
        (
            "models:\n  m:\n    formula: vote ~ pid\n    weight: true\n",
            "models.m",
            "known-key",
            "weight unknown",
        ),
        ("models:\n  m:\n    kind: ols\n", "models.m", "formula", "give formula:"),
        ("recode:\n  party: {}\n", "recode", "known-key", "two sections: recodes, models"),
    ],
)
def test_each_mistake_names_the_key_the_rule_and_what_to_do(tmp_path, text, key, rule, says):
    problems = _problems(tmp_path, text)
    assert len(problems) == 1
    column, found_rule, message = problems[0]
    assert (column, found_rule) == (key, rule)
    assert says in message


def test_anchors_are_refused_by_the_safe_loader(tmp_path):
    text = "recodes:\n  a: &x {from: pid, groups: {1: [0]}}\n  b: *x\n"
    [(column, rule, message)] = _problems(tmp_path, text)
    assert (column, rule) == ("(whole file)", "yaml")
    assert "analyses.yaml" in message


def test_a_survey_folder_may_hold_analyses_yaml(tmp_path):
    for name in ("questions.csv", "options.csv", "analyses.yaml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    _, problems = folder.contents(tmp_path)
    assert problems == []

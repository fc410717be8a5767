"""YAML is read with one safe loader: no aliases (billion laughs), no duplicate keys."""

import itertools
import os
import re
import resource
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

from analysis_utils import cli
from analysis_utils.audit.registry import load_claims
from analysis_utils.core import paths, yamlfile
from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline import runner

#: Nine levels of nine aliases: a few hundred bytes standing for 9**9 (387 million) strings.
LEVELS = "abcdefghi"


def _bomb(indent: str = "  ") -> str:
    """The "billion laughs" as the items of a YAML list, each level an alias list of the last."""
    lines = [f"{indent}- &a [{', '.join(['lol'] * 9)}]"]
    for before, level in itertools.pairwise(LEVELS):
        lines.append(f"{indent}- &{level} [{', '.join([f'*{before}'] * 9)}]")
    return "\n".join(lines) + "\n"


def _never(*args):
    raise AssertionError("no notebook may start")


def _limited() -> None:
    """Cap the child's address space, so a loader that expands the aliases fails fast."""
    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _cli(*args: str, root) -> subprocess.CompletedProcess[str]:
    """``python -m analysis_utils ARGS`` against ``root``, with its memory capped."""
    env = {**os.environ, paths.ROOT_ENV: str(root), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "analysis_utils", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
        preexec_fn=_limited,
    )


@pytest.fixture
def survey(project, tmp_path):
    """A copy of the study's survey folder outside the project."""
    folder = tmp_path / "mine"
    shutil.copytree(project.raw / "survey", folder)
    return folder


def test_the_loader_reads_what_safe_load_reads_in_every_yaml_file_of_the_project():
    files = [
        ROOT / "notebooks" / "pipeline.yaml",
        ROOT / "notebooks" / "claims.yaml",
        ROOT / "CITATION.cff",
        *sorted((ROOT / "sweeps").glob("*.yaml")),
    ]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yamlfile.load(text, path.name) == yaml.safe_load(text), path


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("x: &a [1, 2]\ny: 3\n", 1, "anchor &a refused"),
        ("x: 1\ny: *a\n", 2, "alias *a refused"),
        ("x:\n" + _bomb(), 2, "anchor &a refused"),
    ],
)
def test_anchors_and_aliases_are_refused_at_the_first_one(text, line, what):
    with pytest.raises(ParameterError) as caught:
        yamlfile.load(text, "f.yaml")
    message = str(caught.value)
    assert message.startswith(f"f.yaml: line {line}: {what}")
    assert "write each value out in full" in message
    assert "\n" not in message


def test_a_merge_key_written_out_in_full_is_read():
    text = "x:\n  <<: {a: 1}\n  b: 2\n"
    assert yamlfile.load(text, "f.yaml") == yaml.safe_load(text) == {"x": {"a": 1, "b": 2}}


def test_a_key_given_twice_is_refused_naming_both_lines():
    text = "claims:\n  C1:\n    claim: first\n  C2:\n    claim: other\n  C1:\n    claim: again\n"
    with pytest.raises(ParameterError) as caught:
        yamlfile.load(text, "claims.yaml")
    assert str(caught.value).startswith(
        "claims.yaml: line 6: key 'C1' given twice in one mapping (lines 2 and 6)"
    )
    # the same key in two different mappings is fine
    assert yamlfile.load("a: {k: 1}\nb: {k: 2}\n", "f") == {"a": {"k": 1}, "b": {"k": 2}}


def test_deep_nesting_is_refused_in_one_line():
    with pytest.raises(ParameterError, match=r"^f: line 1: nested more than 100 levels"):
        yamlfile.load("[" * 5000 + "]" * 5000, "f")


def test_a_duplicate_claim_id_is_refused_naming_both_lines(tmp_path):
    claims = tmp_path / "claims.yaml"
    text = (ROOT / "notebooks" / "claims.yaml").read_text(encoding="utf-8")
    first = next(m for m in re.finditer(r"^  (\w+):\s*$", text, re.MULTILINE))
    claims.write_text(text + f"  {first.group(1)}:\n    claim: a second claim, same id\n")
    line = text[: first.start()].count("\n") + 1
    last = text.count("\n") + 1
    with pytest.raises(ValueError, match=rf"lines {line} and {last}\)"):
        load_claims(claims)


def test_a_survey_s_duplicate_claim_id_stops_the_run_before_any_kernel(project, survey):
    (survey / "claims.yaml").write_text(
        "claims:\n"
        "  C1:\n    claim: a\n    evidence: survey\n    question: causes\n"
        "    option: poverty\n    test: some\n"
        "  C1:\n    claim: b\n    evidence: survey\n    question: causes\n"
        "    option: poverty\n    test: majority\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError) as caught:
        runner.run(project, [], {"survey_dir": str(survey)}, executor=_never)
    message = str(caught.value)
    assert "claims.yaml" in message
    assert "key 'C1' given twice in one mapping (lines 2 and 8)" in message


def test_a_parameter_given_twice_in_a_parameters_file_exits_2(project, tmp_path, capsys):
    (tmp_path / "p.yaml").write_text("raw_dir: data/raw\nalpha: 0.1\nraw_dir: 3\n")
    assert cli.main(["run", "-f", str(tmp_path / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'p.yaml'}: line 3: key 'raw_dir' given twice" in err
    assert "(lines 1 and 3)" in err
    assert err.count("\n") == 1


def test_no_other_yaml_loader_in_the_package():
    loaders = re.compile(
        r"yaml\.(safe_load|load|full_load|unsafe_load|load_all|safe_load_all|full_load_all"
        r"|unsafe_load_all|SafeLoader|CSafeLoader|FullLoader|Loader|UnsafeLoader|compose)\b"
        r"|ruamel|import\s+(oyaml|strictyaml)"
    )
    sources = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "notebooks").glob("*.ipynb"))
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources
        if path.name != "yamlfile.py"
        for match in loaders.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.heavy
def test_an_alias_bomb_given_with_run_f_exits_2_in_one_line(project, tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("n_candidates:\n" + _bomb(), encoding="utf-8")
    done = _cli("run", "03", "-f", str(params), root=project.root)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr == (
        f"error: {params}: line 2: anchor &a refused: anchors and aliases are not read "
        "(a few of them can stand for billions of values); write each value out in full "
        "where it is used\n"
    )


@pytest.mark.heavy
def test_an_alias_bomb_in_a_survey_s_claims_exits_2_in_one_line(project, survey):
    (survey / "claims.yaml").write_text(
        "claims:\n  C1:\n    evidence: survey\n    question: causes\n    option: poverty\n"
        "    test: some\n    claim:\n" + _bomb("      "),
        encoding="utf-8",
    )
    done = _cli("run", "-p", "survey_dir", str(survey), root=project.root)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.startswith(f"error: claims_file {survey / 'claims.yaml'} (read by ")
    assert "line 8: anchor &a refused" in done.stderr
    assert done.stderr.count("\n") == 1
    assert not (survey / "output").exists()

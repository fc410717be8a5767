"""A release: the version agrees everywhere, and the workflow attaches what a release needs."""

import json
import re

import yaml
from conftest import ROOT

import analysis_utils

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _release():
    # PyYAML reads the key `on` as True (YAML 1.1)
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_the_version_is_the_same_in_every_file():
    version = analysis_utils.__version__
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert cff["version"] == zenodo["version"] == version
    assert str(cff["date-released"]) == zenodo["publication_date"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\S+))?$", changelog, flags=re.MULTILINE)
    assert headings[0] == ("Unreleased", "")  # the next release's section, first
    assert headings[1] == (version, str(cff["date-released"]))


def test_the_release_runs_on_version_tags_with_least_permissions():
    workflow = _release()
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write"}  # to create the release only
    assert job["container"]["image"].startswith("python:3.11")
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)@(\S+)(.*)", text)
    assert uses
    for action, ref, comment in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action} is not pinned by commit"
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{action} lacks its version"
    for step in job["steps"]:
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
        assert "${{" not in step.get("run", ""), "pass values through env, not into the script"


def test_the_release_attaches_the_sdist_the_wheel_and_the_replication_report():
    [job] = _release()["jobs"].values()
    runs = [step.get("run", "") for step in job["steps"]]
    build = next(k for k, run in enumerate(runs) if "python3 -m build" in run)
    reproduce = next(k for k, run in enumerate(runs) if run.strip() == "make reproduce")
    attach = next(k for k, run in enumerate(runs) if "gh release create" in run)
    assert build < reproduce < attach  # the sdist holds no outputs of a run
    assert "--sdist" not in runs[build]
    assert "--wheel" not in runs[build]
    for name in ("replication_report.md", "replication_report.html", "replication_report.pdf"):
        assert f"reports/{name}" in runs[attach]
    assert '"$RUNNER_TEMP"/dist/*' in runs[attach]
    checks = next(run for run in runs if "__version__" in run)
    assert "src/analysis_utils/__init__.py" in checks
    assert "CHANGELOG.md" in checks

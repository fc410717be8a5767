"""The CI files of both hosts do what .ci/run does, and the drift report never gates a change.

actionlint, zizmor and the GitLab schema check run in ``make lint``; these tests
check what those tools cannot know: that every host calls the same make targets.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"


def _make_targets(commands):
    """The make targets that shell commands call, in order."""
    targets = []
    for command in commands:
        for line in command.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["make"]:
                targets += [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return targets


def _ci_run_targets():
    return _make_targets([(ROOT / ".ci" / "run").read_text(encoding="utf-8")])


def _workflow(name):
    # PyYAML reads the key `on` as True (YAML 1.1)
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def _gitlab():
    return yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))


def _steps_targets(job):
    return _make_targets(step["run"] for step in job["steps"] if "run" in step)


def test_ci_run_is_the_readmes_two_commands_and_the_slow_tests():
    assert _ci_run_targets() == ["reproduce", "test-all"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make reproduce" in readme
    assert "make test" in readme
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ntest-all: test test-slow\n" in make


def test_the_github_workflow_calls_the_targets_of_ci_run():
    workflow = _workflow("ci.yml")
    (job,) = workflow["jobs"].values()
    assert _steps_targets(job) == _ci_run_targets()
    assert set(workflow[True]) == {"push", "pull_request"}
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.14"]


def test_the_gitlab_test_job_calls_the_targets_of_ci_run():
    config = _gitlab()
    assert _make_targets(config["test"]["script"]) == _ci_run_targets()
    (versions,) = config["test"]["parallel"]["matrix"]
    assert versions["PYTHON_VERSION"] == ["3.11", "3.14"]


def test_the_drift_report_runs_weekly_and_on_demand_only():
    workflow = _workflow("drift.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    (cron,) = workflow[True]["schedule"]
    _minute, _hour, day, month, weekday = cron["cron"].split()
    assert (day, month) == ("*", "*")
    assert weekday.isdigit()
    (job,) = workflow["jobs"].values()
    assert _steps_targets(job) == ["drift"]
    assert "drift" not in _steps_targets(_workflow("ci.yml")["jobs"]["test"])
    config = _gitlab()
    assert _make_targets(config["drift"]["script"]) == ["drift"]
    (rule,) = config["drift"]["rules"]
    assert rule["if"] == '$CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"'
    assert config["test"]["rules"][0] == {**rule, "when": "never"}


@pytest.mark.parametrize("name", ["ci.yml", "drift.yml"])
def test_workflows_have_least_permissions_and_pinned_actions(name):
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    workflow = _workflow(name)
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert "permissions" not in job
        assert job["container"]["image"].startswith("python:")
        for step in job["steps"]:
            if "uses" in step and step["uses"].startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    uses = re.findall(r"uses: (\S+)@(\S+)(.*)", text)
    assert uses
    for action, ref, comment in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action} is not pinned by commit"
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{action} lacks its version"


@pytest.mark.parametrize("name", ["ci.yml", "drift.yml"])
def test_both_hosts_keep_reports_and_cache_the_venv_on_the_lock(name):
    for job in _workflow(name)["jobs"].values():
        by_action = {s["uses"].split("@")[0]: s for s in job["steps"] if "uses" in s}
        cache = by_action["actions/cache"]["with"]
        assert cache["path"] == ".venv"
        assert "hashFiles('requirements/lock.txt', 'pyproject.toml')" in cache["key"]
        artifact = by_action["actions/upload-artifact"]
        assert artifact["if"] == "always()"
        assert artifact["with"]["path"] == "reports/"
    default = _gitlab()["default"]
    assert default["cache"]["key"]["files"] == ["requirements/lock.txt", "pyproject.toml"]
    assert default["cache"]["paths"] == [".venv/"]
    assert default["artifacts"]["paths"] == ["reports/"]


def test_make_lint_checks_the_ci_files():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:")[1].split("\n\n")[0]
    assert "actionlint .github/workflows/*.yml" in lint
    assert "zizmor --offline" in lint
    assert "--builtin-schema vendor.gitlab-ci .gitlab-ci.yml" in lint
    test = makefile.split("\ntest:")[1].split("\n")[0]
    assert "lint" in test.split()


def _recipe(makefile, target):
    """The lines of a make target's recipe (up to its first blank line)."""
    return makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]


def test_one_target_writes_the_lock_and_only_it_needs_the_lock_tool():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lock = " ".join(_recipe(makefile, "lock")).replace("\\", " ")
    assert "--require-hashes -r requirements/lock-tool.txt" in lock
    compile_ = lock.split("$(BIN)/uv pip compile", 1)[1].split()
    for option in ("pyproject.toml", "--all-extras", "--generate-hashes", "--universal"):
        assert option in compile_
    assert compile_[compile_.index("--output-file") + 1] == "requirements/lock.txt"
    assert compile_[compile_.index("--python-version") + 1].startswith("3.11")
    assert '--custom-compile-command "make lock"' in lock
    tool = (ROOT / "requirements" / "lock-tool.txt").read_text(encoding="utf-8")
    [pin] = re.findall(r"^uv==\S+", tool, flags=re.MULTILINE)
    assert re.findall(r"--hash=sha256:[0-9a-f]{64}", tool), pin
    # the set-up, the study and the tests never need uv
    for target in ("$(STAMP)", "reproduce", "test", "test-slow"):
        assert not any("uv" in line.split() or "/uv" in line for line in _recipe(makefile, target))
    # the lock says how it was made
    text = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8")
    assert text.splitlines()[1] == "#    make lock"

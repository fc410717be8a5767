"""The tutorial 'Adapting the package to your own survey' is committed executed.

nbval re-executes it (``tutorial`` is one of pytest's test paths) and compares every
output with the committed one: the exit codes of its runs, the tables it shows, that
no answer and no identifying text reaches the outputs, that it removes its folder.
"""

import json

from conftest import ROOT

TUTORIAL = ROOT / "tutorial" / "your_own_survey.ipynb"


def _cells():
    return json.loads(TUTORIAL.read_text(encoding="utf-8"))["cells"]


def test_the_tutorial_is_committed_executed_in_order():
    code = [c for c in _cells() if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1))
    assert all(c["outputs"] for c in code[2:])  # every step after the set-up shows something


def test_the_tutorial_shows_each_step_ending_as_it_says():
    printed = "".join(
        "".join(o.get("text", ""))
        for c in _cells()
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    )
    codes = [line.split()[-1] for line in printed.splitlines() if line.startswith("exit code")]
    # --from, own run, published run, a mistake, trunc; anes96 --from, its run
    assert codes == ["0", "0", "0", "2", "0", "0", "0"]
    assert "{'survey_analysis.html': True, 'survey_shared.html': True}" in printed
    assert "answers written: False" in printed
    assert "identifying text in the outputs: False" in printed
    assert "temporary folder removed" in printed


def test_pytest_collects_the_tutorial_for_nbval():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "tutorial" in config["tool"]["pytest"]["ini_options"]["testpaths"]

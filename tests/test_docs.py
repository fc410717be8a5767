"""Documentation that must not drift from the code."""

import re
import tomllib

import yaml

from analysis_utils.core import paths
from analysis_utils.pipeline import contract

LAYOUT = paths.layout()
README = (LAYOUT.root / "README.md").read_text(encoding="utf-8")


def _paper_items():
    block = README.split("<!-- paper-items:start -->")[1].split("<!-- paper-items:end -->")[0]
    rows = [line for line in block.strip().splitlines()[2:] if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_paper_item_table_matches_what_the_runner_writes():
    steps = contract.load_pipeline(LAYOUT.pipeline)
    items = _paper_items()
    assert items
    for item, _where, notebook, output, status in items:
        name, target = notebook.strip("`"), output.strip("`")
        assert name in steps, f"{item}: unknown notebook {name}"
        assert target in steps[name].writes, f"{item}: {name} does not declare {target}"
        assert status


def test_every_declared_output_appears_in_the_readme():
    for step in contract.load_pipeline(LAYOUT.pipeline).values():
        for written in step.writes:
            if written.endswith(".csv") or (written.endswith(".json") and "results" in written):
                assert f"`{written}`" in README, written


def test_readme_gives_the_two_commands():
    assert "make reproduce" in README
    assert "make test" in README


def _names(requirements):
    return {re.split(r"[<>=!\[ ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_environment_yml_has_the_same_libraries_as_pyproject():
    project = tomllib.loads((LAYOUT.root / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = _names(project["project"]["dependencies"])
    wanted |= _names(project["project"]["optional-dependencies"]["test"])
    env = yaml.safe_load((LAYOUT.root / "environment.yml").read_text(encoding="utf-8"))
    conda = _names(d for d in env["dependencies"] if isinstance(d, str))
    assert wanted == conda - {"python", "pip"}


def test_every_pinned_library_is_pinned_exactly():
    lines = (LAYOUT.root / "requirements" / "lock.txt").read_text().splitlines()
    assert lines
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^=\s]+", line) for line in lines)
    project = tomllib.loads((LAYOUT.root / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = _names(lines)
    for name in _names(project["project"]["dependencies"]):
        assert name in pinned, name


def test_citation_cites_the_package_and_the_article():
    cff = yaml.safe_load((LAYOUT.root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "software"
    (article,) = cff["references"]
    assert article["type"] == "article"
    assert article["authors"][0]["family-names"] == "Nazarova"
    assert article["journal"] == "Economic Annals-XXI"


def test_the_readme_documents_every_column_of_the_survey_format():
    from analysis_utils.survey import format

    section = README.split("## Bring your own survey")[1].split("### Confidentiality")[0]
    for name in [*format.QUESTION_FIELDS, *format.OPTION_FIELDS, format.RESPONDENT_ID]:
        assert f"`{name}`" in section, name


def test_the_readme_documents_every_status_of_the_report():
    from analysis_utils.audit import checks

    table = README.split("Status vocabulary")[1].split("\n\n")[1]
    documented = {
        row.strip("|").split("|")[0].strip(): row.strip("|").split("|")[1].strip()
        for row in table.strip().splitlines()[2:]
    }
    assert documented == checks.STATUSES


def test_the_readme_counts_the_numbers_of_the_article():
    import csv

    with (LAYOUT.raw / "article_numbers.csv").open(encoding="utf-8") as handle:
        count = sum(1 for _ in csv.DictReader(handle))
    assert f"Every number the article states ({count})" in README
    assert f"Every number the article states ({count} rows)" in README
    assert f"one row per number the article states ({count})" in README

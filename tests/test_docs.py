"""Documentation that must not drift from the code."""

import importlib
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

import analysis_utils
from analysis_utils.core import paths
from analysis_utils.pipeline import contract

LAYOUT = paths.layout()
README = (LAYOUT.root / "README.md").read_text(encoding="utf-8")
DOCS = LAYOUT.root / "docs"
PAGES = [LAYOUT.root / "README.md", *sorted(DOCS.glob("*.md"))]
PACKAGE = Path(analysis_utils.__file__).parent

#: The README's size limit in bytes (``wc -c README.md``); the rest goes to docs/.
README_LIMIT = 10_240


def _page(name):
    return (DOCS / name).read_text(encoding="utf-8")


def _between(text, start, end):
    return text.split(start)[1].split(end)[0]


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


def test_every_declared_output_appears_in_the_readme_or_the_docs():
    text = "".join(page.read_text(encoding="utf-8") for page in PAGES)
    for step in contract.load_pipeline(LAYOUT.pipeline).values():
        for written in step.writes:
            if written.endswith(".csv") or (written.endswith(".json") and "results" in written):
                assert f"`{written}`" in text, written


def test_readme_gives_the_two_commands():
    assert "make reproduce" in README
    assert "make test" in README


def test_readme_is_at_most_10_kib():
    size = len((LAYOUT.root / "README.md").read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail to docs/"


def test_readme_has_the_replication_sections():
    headings = re.findall(r"^## (.+)$", _without_code(README), flags=re.MULTILINE)
    assert headings == [
        "Quick start",
        "Data availability and provenance",
        "Rights and licences",
        "Computational requirements",
        "Paper items, notebooks and outputs",
        "Instructions to replicators",
        "Reliability",
        "Where to go next",
    ]
    where_next = README.split("## Where to go next")[1]
    for page in sorted(DOCS.glob("*.md")):
        assert f"(docs/{page.name}" in where_next, page.name


def _names(requirements):
    return {
        re.sub(r"[-_.]+", "-", re.split(r"[<>=!\[ ;]", r, maxsplit=1)[0]).lower()
        for r in requirements
    }


def _conda_environment():
    return yaml.safe_load((LAYOUT.root / "environment.yml").read_text(encoding="utf-8"))


def test_the_conda_file_installs_the_lock_as_make_does():
    env = _conda_environment()
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    [pip] = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    project = tomllib.loads((LAYOUT.root / "pyproject.toml").read_text(encoding="utf-8"))
    floor = project["project"]["requires-python"].removeprefix(">=")
    assert conda == [f"python={floor}", "pip"]
    # conda runs `pip install -U -r` on these lines: the lock alone (its hashes put pip in
    # hash-checking mode, which refuses an editable line), the package after, as make does
    assert pip == ["-r requirements/lock.txt"]
    text = (LAYOUT.root / "environment.yml").read_text(encoding="utf-8")
    assert "#   python -m pip install --no-deps -e . && python -m pip check\n" in text
    make = (LAYOUT.root / "Makefile").read_text(encoding="utf-8")
    setup = make.split("\n$(STAMP):", 1)[1].split("\n\n", 1)[0]
    installs = [
        line.split("pip install", 1)[1] for line in setup.splitlines() if "pip install" in line
    ]
    assert [i.split("--disable-pip-version-check", 1)[1].strip() for i in installs] == [
        "--require-hashes -r requirements/lock.txt",
        "--no-deps -e .",
    ]
    assert "pip check" in setup


@pytest.mark.slow
def test_the_conda_file_s_lock_line_is_what_this_environment_has(tmp_path):
    """pip, run on the conda file's lock line as conda runs it, has nothing to change here."""
    import json
    import subprocess
    import sys

    report = tmp_path / "report.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-index",
            "-U",
            "-q",
            "-r",
            str(LAYOUT.root / "requirements" / "lock.txt"),
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["install"] == []


def _lock_entries():
    """Each requirement of the lock: its text before the hashes, and its hashes."""
    text = (LAYOUT.root / "requirements" / "lock.txt").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n\s*", " ", text)  # pip joins a line ending in a backslash
    entries = []
    for line in logical.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            requirement, *hashes = line.split(" --hash=")
            entries.append((requirement.strip(), [h.strip() for h in hashes]))
    return entries


def test_the_lock_is_the_lock_tool_s_with_every_library_pinned_and_hashed():
    text = (LAYOUT.root / "requirements" / "lock.txt").read_text(encoding="utf-8")
    assert text.startswith("# This file was autogenerated by uv via the following command:\n")
    assert "#    make lock\n" in text
    entries = _lock_entries()
    assert len(entries) > 100
    for requirement, hashes in entries:
        assert re.fullmatch(r"[a-z0-9][a-z0-9.\-]*==[^=\s;]+( ; .+)?", requirement), requirement
        assert hashes, f"{requirement} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), requirement
    project = tomllib.loads((LAYOUT.root / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = _names(requirement for requirement, _ in entries)
    wanted = list(project["project"]["dependencies"])
    for extra in project["project"]["optional-dependencies"].values():
        wanted += extra
    assert _names(wanted) <= pinned, _names(wanted) - pinned


def test_the_wheel_asks_only_for_what_the_study_imports():
    """JupyterLab and the sweeps' cluster are extras: a run of the study imports neither."""
    project = tomllib.loads((LAYOUT.root / "pyproject.toml").read_text(encoding="utf-8"))
    base = _names(project["project"]["dependencies"])
    extras = {k: _names(v) for k, v in project["project"]["optional-dependencies"].items()}
    assert extras["lab"] == {"jupyterlab"}
    assert extras["sweeps"] == {"cryptography", "distributed"}
    assert not base & {"jupyterlab", "cryptography", "distributed", "dask"}
    # the sweeps' libraries are imported only inside functions, never when a module loads
    for module in sorted((PACKAGE).rglob("*.py")):
        for line in module.read_text(encoding="utf-8").splitlines():
            assert not re.match(
                r"(import|from) (dask|distributed|cryptography|jupyterlab)\b", line
            ), f"{module.relative_to(PACKAGE)}: {line}"


def test_citation_cites_the_package_and_the_article():
    cff = yaml.safe_load((LAYOUT.root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "software"
    (article,) = cff["references"]
    assert article["type"] == "article"
    assert article["authors"][0]["family-names"] == "Nazarova"
    assert article["journal"] == "Economic Annals-XXI"


SURVEY_FORMAT = ("<!-- survey-format:start -->", "<!-- survey-format:end -->")


def test_the_survey_format_page_documents_every_column():
    from analysis_utils.survey import format

    section = _between(_page("survey-format.md"), *SURVEY_FORMAT)
    for name in [*format.QUESTION_FIELDS, *format.OPTION_FIELDS, format.RESPONDENT_ID]:
        assert f"`{name}`" in section, name


def test_the_survey_format_reference_is_generated_from_the_code():
    from analysis_utils.survey import format

    section = _between(_page("survey-format.md"), *SURVEY_FORMAT)
    assert section.strip() == format.format_reference().strip(), (
        "docs/survey-format.md is out of date: paste format_reference() between its markers"
    )


def test_the_findings_document_every_status_of_the_report():
    from analysis_utils.audit import checks

    table = _page("findings.md").split("Status vocabulary")[1].split("\n\n")[1]
    documented = {
        row.strip("|").split("|")[0].strip(): row.strip("|").split("|")[1].strip()
        for row in table.strip().splitlines()[2:]
    }
    assert documented == checks.STATUSES


def test_the_docs_count_the_numbers_of_the_article():
    import csv

    with (LAYOUT.raw / "article_numbers.csv").open(encoding="utf-8") as handle:
        count = sum(1 for _ in csv.DictReader(handle))
    assert f"Every number the article states ({count})" in README
    assert f"Every number the article states ({count} rows)" in README
    assert f"one row per number the article states ({count})" in _page("findings.md")
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for stated in re.findall(r"number the article states \((\d+)", text):
            assert int(stated) == count, page.name


# Links ---------------------------------------------------------------------------------------

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", flags=re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _without_code(text):
    """Markdown without fenced code blocks (their lines are not headings or links)."""
    return _FENCE.sub("", text)


def _slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip())
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def _anchors(path):
    """Every heading anchor of a markdown file, with GitHub's -1, -2 for repeated ones."""
    seen = {}
    anchors = set()
    for line in _without_code(path.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            slug = _slug(match.group(1))
            anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
            seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _links(path):
    text = re.sub(r"`[^`\n]*`", "", _without_code(path.read_text(encoding="utf-8")))
    return _LINK.findall(text)


def _link_problems(path, root):
    """Each relative link of ``path`` that leaves ``root``, misses its file or its heading."""
    problems = []
    root = root.resolve()
    for target in _links(path):
        if _SCHEME.match(target):
            continue
        where, _, anchor = target.partition("#")
        if where.startswith("/"):
            problems.append(f"{target}: absolute path; link relatively")
            continue
        linked = (path.parent / unquote(where)).resolve() if where else path.resolve()
        if not linked.is_relative_to(root):
            problems.append(f"{target}: outside the repository")
        elif not linked.exists():
            problems.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            problems.append(f"{target}: no heading with this anchor")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(LAYOUT.root)))
def test_every_relative_link_resolves(page):
    assert _link_problems(page, LAYOUT.root) == []


def test_the_link_checker_sees_the_links_of_the_pages():
    linked = {t for page in PAGES for t in _links(page) if not _SCHEME.match(t)}
    assert len(linked) > 20
    assert any("#" in t for t in linked)


def test_the_link_checker_finds_broken_links(tmp_path):
    (tmp_path / "repo" / "docs").mkdir(parents=True)
    (tmp_path / "outside.md").write_text("# Outside\n")
    page = tmp_path / "repo" / "docs" / "page.md"
    page.write_text(
        "# A page\n\n## Set-up: `make` (twice)\n\n## Set-up: `make` (twice)\n\n"
        "```bash\n# not a heading\n[in code](missing.md)\n```\n\n"
        "[ok](#a-page) [ok](#set-up-make-twice-1) [ok](page.md#set-up-make-twice) "
        "[web](https://example.org/x) `[code](missing.md)`\n"
        "[bad anchor](#not-a-heading) [no file](missing.md) [outside](../../outside.md) "
        "[absolute](/etc/passwd)\n"
    )
    problems = _link_problems(page, tmp_path / "repo")
    assert [p.split(":")[0] for p in problems] == [
        "#not-a-heading",
        "missing.md",
        "../../outside.md",
        "/etc/passwd",
    ]


# Where things go ----------------------------------------------------------------------------

SUBPACKAGES = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}


def _where_things_go():
    return _page("development.md").split("## Where things go")[1].split("\n## ")[0]


def test_every_path_in_where_things_go_exists():
    checked = set()
    for token in re.findall(r"`([^`\s]+)`", _where_things_go()):
        if "/" not in token or "<" in token:
            continue
        base = PACKAGE if token.split("/")[0] in SUBPACKAGES else LAYOUT.root
        assert (base / token).exists(), token
        checked.add(token)
    assert {
        "audit/granularity.py",
        "audit/kinds.py",
        "survey/question.py",
        "audit/results.py",
        "core/results.py",
        "audit/figures.py",
        "study/figures.py",
        "core/schemas.py",
        "study/schemas.py",
        "notebooks/claims.yaml",
        "notebooks/pipeline.yaml",
    } <= checked


def test_every_function_in_where_things_go_exists():
    pattern = rf"`((?:{'|'.join(sorted(SUBPACKAGES))})(?:\.\w+)+)`"
    named = re.findall(pattern, _where_things_go())
    assert "core.plotting.save" in named
    for dotted in named:
        module, _, attribute = f"analysis_utils.{dotted}".rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), dotted


def test_the_allowed_imports_table_matches_the_architecture_test():
    from test_architecture import ALLOWED

    table = _between(
        _page("development.md"), "<!-- allowed-imports:start -->", "<!-- allowed-imports:end -->"
    )
    documented = {}
    for row in table.strip().splitlines()[2:]:
        layer, allowed = (cell.strip() for cell in row.strip("|").split("|"))
        documented[layer.strip("`")] = {layer.strip("`")} | set(re.findall(r"`(\w+)`", allowed))
    assert documented == ALLOWED


def test_the_package_layout_names_every_module():
    layout = (LAYOUT.root / "docs" / "development.md").read_text(encoding="utf-8")
    layout = layout.split("## Package layout")[1].split("### Allowed imports")[0]
    for sub in sorted(SUBPACKAGES):
        assert f"`{sub}/`" in layout, sub
        for module in sorted((PACKAGE / sub).glob("*.py")):
            if module.stem != "__init__":
                assert f"`{module.stem}`" in layout, f"{sub}/{module.name}"


def test_the_readme_s_performance_table_is_written_from_the_benchmarks_results():
    sys.path.insert(0, str(LAYOUT.root / "benchmarks"))
    try:
        import record
    finally:
        sys.path.pop(0)
    data = record.load()
    assert {"runs", "survey_size"} <= set(data)  # "tests" too, once bench_runs.py has timed them
    assert record.readme_block(README) == record.table(data)

"""The replication report: filled from the results, no number typed, the same bytes twice."""

import csv
import dataclasses
import json
import re
import shutil

import pandas as pd
import pytest
import yaml

import analysis_utils
from analysis_utils.audit.checks import UNCITED
from analysis_utils.audit.results import ClaimTestResults
from analysis_utils.core import paths
from analysis_utils.core.results import write_results
from analysis_utils.report import computing, findings, item_map, replication, ssrp, typst_pdf
from analysis_utils.report.results import ReportResults
from analysis_utils.study.results import ExternalResults

ROOT = paths.find_root()


def test_numbers_are_written_with_their_label():
    assert findings.number(4, "reported") == "4 (reported)"
    assert findings.number(166375, "reconstructed") == "166,375 (reconstructed)"
    assert findings.number(0.80892514, "external") == "0.809 (external)"
    assert findings.number(9.0, "derived") == "9 (derived)"
    assert findings.plain(0.0424) == "0.0424"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True])
def test_a_number_that_is_not_finite_is_refused(value):
    with pytest.raises(ValueError, match="not a finite number"):
        findings.plain(value)


def test_an_unknown_label_is_refused():
    with pytest.raises(ValueError, match="unknown label 'guessed'"):
        findings.number(1, "guessed")


def _typed_digits(template: str) -> list[str]:
    """Lines of the template's own text (placeholders and comments removed) with a digit,
    other than a section heading's number (``## 1. Summary``)."""
    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", "", template, flags=re.DOTALL)
    text = re.sub(r"(?m)^#{2,} \d+\. ", "## ", text)
    return [line for line in text.splitlines() if re.search(r"\d", line)]


def test_the_template_types_no_number():
    assert _typed_digits(replication.template_text()) == []


def test_the_digit_check_catches_a_typed_number():
    assert _typed_digits("## 2. Data\nThe article states n = 4.\n{{ n | num('reported') }}\n") == [
        "The article states n = 4."
    ]


def test_typst_text_escapes_markup():
    text = "a #b *c* _d_ $e$ <f> @g [h] ~i // j = k - l + m 'n' \"o\" \\p"
    source = f"#set document(date: none)\n{typst_pdf.typst_text(text)}\n"
    assert typst_pdf.to_pdf(source).startswith(b"%PDF-")
    assert "\\#b" in typst_pdf.typst_text(text)


def test_markdown_becomes_typst_headings_lists_and_tables():
    source = typst_pdf.to_typst(
        "# T\n\n## 1. A\n\nSome **bold** `code`.\n\n- one\n- two\n\n"
        "| a | b |\n|---|---|\n| c | d |\n",
        "T",
    )
    assert "= T" in source
    assert "== 1. A" in source
    assert '*bold* #raw("code")' in source
    assert "- one\n- two" in source
    assert "#table(columns: 2, [a], [b], [c], [d])" in source
    assert "date: none" in source


def test_citation_licences_and_zenodo_metadata_agree():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == ["MIT", "CC-BY-4.0"]
    datapackage = json.loads((ROOT / "data/raw/datapackage.json").read_text(encoding="utf-8"))
    assert datapackage["licenses"][0]["name"] == "CC-BY-4.0"
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["title"] == cff["title"]
    assert zenodo["version"] == cff["version"]
    assert zenodo["license"] == "MIT"
    assert zenodo["keywords"] == cff["keywords"]
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in cff["authors"]]
    assert zenodo["upload_type"] == "software"
    assert zenodo["description"]
    # the article's DOI and address are not confirmed (CITATION.cff): it is cited, not linked
    assert "related_identifiers" not in zenodo
    assert zenodo["references"][0].startswith("Nazarova, G. R. (2014).")
    assert zenodo["access_right"] == "open"
    cited = replication.citation(ROOT)
    assert cited["package"] == {
        "version": analysis_utils.__version__,
        "released": str(cff["date-released"]),
        "licence": "MIT",
        "data_licence": "CC-BY-4.0",
    }
    assert cited["article"]["authors"] == "Nazarova"


@pytest.fixture(scope="module")
def reports(built, tmp_path_factory):
    """A copy of a whole run's output folder, to change (CITATION.cff from this checkout)."""
    copy = tmp_path_factory.mktemp("replication") / "reports"
    shutil.copytree(built.reports, copy, ignore=shutil.ignore_patterns("executed", "sweeps"))
    return ROOT, copy


def test_the_report_follows_the_results(reports):
    root, folder = reports
    before = replication.build(root, folder)
    text = before["replication_report.md"].decode("utf-8")
    claims = ClaimTestResults.load(folder / "results")
    key = "H1@9@single choice (assumed: type not stated)"
    holds, of = claims.holds[key]
    assert f"holds in\n  {holds} (reconstructed) of {of} (reconstructed)" in text
    for heading in [
        "## 1. Summary",
        "## 2. Data and code availability",
        "## 3. Computational requirements",
        "## 4. Computational reproducibility",
        "## 5. Tables, figures and numbers: where each is made",
        "## 6. Reproducibility levels",
        "## 7. Robustness and sensitivity",
        "## 8. Conclusion",
    ]:
        assert heading in text
    # change one result and one verdict label: the text follows
    write_results(
        dataclasses.replace(claims, holds={**claims.holds, key: [holds + 1, of]}),
        folder / "results",
    )
    external = ExternalResults.load(folder / "results")
    write_results(dataclasses.replace(external, trend_pvalue=0.0123), folder / "results")
    table = folder / "tables/verdict_table.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[[r["id"] for r in rows].index("H1")]["our_verdict"] = "supported"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    after = replication.build(root, folder)
    changed = after["replication_report.md"].decode("utf-8")
    assert f"holds in\n  {holds + 1} (reconstructed) of {of} (reconstructed)" in changed
    assert "(p = 0.0123 (derived from external figures))" in changed
    assert "Here: supported." in changed
    assert "H1, supported" in changed
    assert after["replication_report.pdf"] != before["replication_report.pdf"]
    assert "Here: supported." in after["replication_report.html"].decode("utf-8")


def test_the_same_results_give_the_same_bytes(reports):
    root, folder = reports
    first, second = replication.build(root, folder), replication.build(root, folder)
    assert first == second
    assert first["replication_report.pdf"].startswith(b"%PDF-")
    assert b"CreationDate" not in first["replication_report.pdf"]


def test_a_missing_result_is_named(tmp_path):
    from analysis_utils.core.errors import InputError

    with pytest.raises(InputError, match=r"02_audit_reported_percentages\.json.*make reproduce"):
        replication.build(ROOT, tmp_path)


# --- the data editors' template: environment, run time, items, levels ---------------------


@pytest.fixture
def made(tmp_path):
    """A copy of the output folder ``make reproduce`` left in this checkout, to change."""
    if not (ROOT / "reports/results/manifest.json").is_file():
        pytest.fail("reports/results/manifest.json is missing: run make reproduce first")
    copy = tmp_path / "reports"
    shutil.copytree(ROOT / "reports", copy, ignore=shutil.ignore_patterns("executed", "sweeps"))
    return copy


def _row(kind, status, checked_in="", recomputed_by=""):
    return {
        "id": "x",
        "kind": kind,
        "status": status,
        "checked_in": checked_in,
        "recomputed_by": recomputed_by,
        "location": "l",
    }


@pytest.mark.parametrize(
    ("kind", "status", "checked_in", "expected"),
    [
        ("derived_check", "reproduced", "", ssrp.NOT_SCORED),
        ("external_check", "external check", "", ssrp.NOT_SCORED),
        ("global_estimate", "reproduced", "check_profit", "L10"),
        ("unit_cost", "consistent", "check_budget", "L2"),
        ("country_fact", "inconsistent", "check_rank", "L2"),
        ("survey_percentage", "consistent", "", "L1"),
        (
            "survey_percentage",
            "consistent with each other; inconsistent with the stated n",
            "check_sample_size",
            "L2",
        ),
        ("survey_sample_size", "inconsistent", "check_sample_size", "L2"),
        ("figure_value", "not reproducible: unreported", "", "L1"),
        ("funding", "not reproducible: cited", "check_ngo_council", "L2"),
        ("funding", "not reproducible: cited", "", "L1"),
    ],
)
def test_each_level_follows_from_kind_and_status(kind, status, checked_in, expected):
    [assessed] = ssrp.assess(pd.DataFrame([_row(kind, status, checked_in)]))
    assert assessed["level"] == expected
    assert assessed["meaning"] == ssrp.LEVELS[expected]


def test_a_check_lifts_the_number_it_recomputes_not_its_inputs():
    table = pd.DataFrame(
        [
            {**_row("derived_check", "reproduced"), "id": "check_profit"},
            {**_row("global_estimate", "not reproducible: cited", "check_profit"), "id": "input"},
            {
                **_row("global_estimate", UNCITED, "check_profit", "check_profit"),
                "id": "recomputed",
            },
        ]
    )
    levels = {row["id"]: row["level"] for row in ssrp.assess(table)}
    assert levels == {"check_profit": ssrp.NOT_SCORED, "input": "L2", "recomputed": "L10"}
    table.loc[0, "status"] = "inconsistent"
    assert {row["id"]: row["level"] for row in ssrp.assess(table)}["recomputed"] == "L2"


def test_the_levels_follow_the_reproduction_table(made):
    before = replication.build(ROOT, made)["replication_report.md"].decode("utf-8")
    assert "## 6. Reproducibility levels" in before
    table_path = made / "reproduction_report.csv"
    table = pd.read_csv(table_path, dtype=str, keep_default_na=False)
    for row in ssrp.assess(table):
        assert f"| `{row['id']}` |" in before
        line = next(x for x in before.splitlines() if x.startswith(f"| `{row['id']}` |"))
        assert line.endswith(f"| {row['level']} |"), line
    # a number recomputed by a check drops from L10 to L2 when the check stops reproducing
    check = "check_profit_per_year"
    numbers = table["kind"] == "global_estimate"
    uses = table.index[(table["recomputed_by"] == check) & numbers]
    name = table.at[uses[0], "id"]
    assert next(x for x in before.splitlines() if x.startswith(f"| `{name}` |")).endswith("| L10 |")
    table.loc[table["id"] == check, "status"] = "inconsistent"
    table.to_csv(table_path, index=False)
    after = replication.build(ROOT, made)["replication_report.md"].decode("utf-8")
    assert next(x for x in after.splitlines() if x.startswith(f"| `{name}` |")).endswith("| L2 |")
    counts = dict(re.findall(r"^\| (L\d+\*?) \| .+ \| (\d+) \|$", after, flags=re.MULTILINE))
    old = dict(re.findall(r"^\| (L\d+\*?) \| .+ \| (\d+) \|$", before, flags=re.MULTILINE))
    moved = len(uses)
    assert int(counts["L2"]) == int(old["L2"]) + moved
    assert int(counts.get("L10", 0)) == int(old["L10"]) - moved


def test_the_environment_is_the_lock_file_and_the_manifest(made, tmp_path):
    lock = (ROOT / "requirements/lock.txt").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", lock, flags=re.MULTILINE)
    assert len(pins) > 100
    text = replication.build(ROOT, made)["replication_report.md"].decode("utf-8")
    software = text.split("every line of `requirements/lock.txt`:\n", 1)[1].split(".\n", 1)[0]
    assert software.split(", ") == [f"{name} {version}" for name, version in pins]
    manifest = json.loads((made / "results/manifest.json").read_text(encoding="utf-8"))
    assert f"{len(manifest)} notebooks, the checksum" in text.replace("\n", " ")
    digest = computing.environment(ROOT, made / "results")["lock_sha256"]
    assert f"{len(manifest)} of them ran with this lock file" in text.replace("\n", " ")
    assert f"`{digest}`" in text
    # a notebook recorded with another lock file is counted out
    first = next(iter(manifest))
    manifest[first]["code"]["lock"] = "0" * 64
    (made / "results/manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    changed = replication.build(ROOT, made)["replication_report.md"].decode("utf-8")
    assert f"{len(manifest) - 1} of them ran with this lock file" in changed.replace("\n", " ")


def test_the_lock_s_hashes_markers_and_comments_are_not_versions(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "# made by a tool\n"
        "appnope==1.0.0 ; sys_platform == 'darwin' \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash=sha256:bb\n"
        "    # via ipykernel\n"
        "pandas==3.1.1 --hash=sha256:cc  # a comment\n",
        encoding="utf-8",
    )
    assert computing.locked_versions(lock) == [("appnope", "1.0.0"), ("pandas", "3.1.1")]


def test_a_lock_line_without_an_exact_version_is_named(tmp_path):
    from analysis_utils.core.errors import InputError

    lock = tmp_path / "lock.txt"
    lock.write_text("pandas==2.2.3\n# a comment\n\nnumpy>=2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"lock\.txt: row 4, column \(line\): \[pinned\]"):
        computing.locked_versions(lock)


def test_run_time_and_hardware_are_the_benchmarks_records(made):
    text = replication.build(ROOT, made)["replication_report.md"].decode("utf-8")
    flat = text.replace("\n", " ")
    record = json.loads((ROOT / "benchmarks/results/performance.json").read_text("utf-8"))
    runs = record["runs"]
    assert f"takes {findings.plain(runs['full_run_s'])} seconds" in flat
    assert f"on {record['runs']['measured_on']['cpus']} processors" in flat
    assert f"`make test` {findings.plain(record['tests']['make_test_s'])} seconds" in flat


def test_the_version_and_date_are_the_packages(made):
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == analysis_utils.__version__
    text = replication.build(ROOT, made)["replication_report.md"].decode("utf-8")
    flat = text.replace("\n", " ")
    assert f"version {analysis_utils.__version__}, released {cff['date-released']}." in flat


def test_every_item_has_its_notebook_cell_and_output(made):
    items = item_map.item_map(ROOT)
    assert len(items) == len(item_map.paper_items(ROOT / "README.md")) > 20
    text = replication.build(ROOT, made)["replication_report.md"].decode("utf-8")
    for item in items:
        index = int(item["cell"].split(" ", 1)[0])  # found and declared
        notebook = json.loads(
            (ROOT / "notebooks" / f"{item['notebook']}.ipynb").read_text(encoding="utf-8")
        )
        cell = notebook["cells"][index]
        assert cell["cell_type"] == "code"
        assert item["cell"] == f"{index} ({cell['id']})"
        named = json.dumps(cell)
        name = item["output"].rsplit("/", 1)[-1]
        assert name in named or "write_results(" in named, item
        assert f"`{item['notebook']}` | {item['cell']} | `{item['output']}` |" in text


def test_the_writing_cell_is_the_one_that_prints_the_file(tmp_path):
    cells = [
        {"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "source": "t.csv"},
        {"cell_type": "code", "id": "a", "metadata": {}, "source": "read('t.csv')", "outputs": []},
        {
            "cell_type": "code",
            "id": "b",
            "metadata": {},
            "source": "save(out)",
            "outputs": [{"output_type": "stream", "text": ["wrote t.csv\n"]}],
        },
    ]
    notebook = tmp_path / "n.ipynb"
    notebook.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert item_map.writing_cell(notebook, "reports/tables/t.csv") == {"index": 2, "id": "b"}
    assert item_map.writing_cell(notebook, "reports/tables/u.csv") is None


def test_the_figures_are_in_the_report(made):
    built_files = replication.build(ROOT, made)
    text = built_files["replication_report.md"].decode("utf-8")
    page = built_files["replication_report.html"].decode("utf-8")
    figures = ReportResults.load(made / "results").figures
    for name in figures:
        assert f"](figures/{name})" in text
        assert f'<img src="figures/{name}"' in page
    source = typst_pdf.to_typst(text, "T")
    for name in figures:
        assert f'#image("figures/{name}", width: 100%)' in source
    # the PDF draws them: without the figure files it cannot be made
    shutil.rmtree(made / "figures")
    with pytest.raises(RuntimeError, match="figures"):
        replication.build(ROOT, made)


def test_the_report_page_links_the_replication_report(made):
    from analysis_utils.report import pages

    rows = pd.read_csv(made / "reproduction_report.csv", dtype=str, keep_default_na=False)
    verdicts = pd.read_csv(made / "tables/verdict_table.csv", dtype=str, keep_default_na=False)
    page = pages.render_html(rows.head(3), verdicts, figures=[], notebooks=["01_x"], title="T")
    assert '<a href="replication_report.html">Replication report</a>' in page
    assert '<a href="replication_report.pdf">PDF</a>' in page
    assert set(replication.OUTPUTS) >= {"replication_report.html", "replication_report.pdf"}


def test_a_benchmark_not_run_is_said_not_measured(made, tmp_path):
    root = tmp_path / "root"
    for name in ("CITATION.cff", "README.md", "environment.yml", "pyproject.toml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "requirements", root / "requirements")
    text = replication.build(root, made)["replication_report.md"].decode("utf-8")
    assert "**Hardware and run time.** Not measured: `make benchmark` has not" in text
    # only the study's runs timed: the sentence stops there
    (root / "benchmarks/results").mkdir(parents=True)
    record = json.loads((ROOT / "benchmarks/results/performance.json").read_text("utf-8"))
    runs = {"runs": record["runs"]}
    (root / "benchmarks/results/performance.json").write_text(json.dumps(runs), "utf-8")
    text = replication.build(root, made)["replication_report.md"].decode("utf-8")
    flat = text.replace("\n", " ")
    assert f"nothing changed {findings.plain(runs['runs']['rerun_s'])} seconds." in flat

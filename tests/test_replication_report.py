"""The replication report: filled from the results, no number typed, the same bytes twice."""

import csv
import json
import re
import shutil

import pytest
import yaml

from analysis_utils.core import paths
from analysis_utils.report import findings, replication

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
    source = f"#set document(date: none)\n{replication.typst_text(text)}\n"
    assert replication.to_pdf(source).startswith(b"%PDF-")
    assert "\\#b" in replication.typst_text(text)


def test_markdown_becomes_typst_headings_lists_and_tables():
    source = replication.to_typst(
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
    assert "related_identifiers" not in zenodo  # none is known yet
    cited = replication.citation(ROOT)
    assert cited["package"] == {"version": "0.1.0", "licence": "MIT", "data_licence": "CC-BY-4.0"}
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
    claims = json.loads((folder / "results/03_test_claims.json").read_text(encoding="utf-8"))
    holds, of = claims["holds"]["H1@9@single choice (assumed: type not stated)"]
    assert f"holds in\n  {holds} (reconstructed) of {of} (reconstructed)" in text
    for heading in [
        "## 1. Summary",
        "## 2. Data and code availability",
        "## 3. Computational reproducibility",
        "## 4. Robustness and sensitivity",
        "## 5. Conclusion",
    ]:
        assert heading in text
    # change one result and one verdict label: the text follows
    claims["holds"]["H1@9@single choice (assumed: type not stated)"] = [holds + 1, of]
    (folder / "results/03_test_claims.json").write_text(json.dumps(claims), encoding="utf-8")
    external = json.loads(
        (folder / "results/05_test_external_evidence.json").read_text(encoding="utf-8")
    )
    external["trend_pvalue"] = 0.0123
    (folder / "results/05_test_external_evidence.json").write_text(
        json.dumps(external), encoding="utf-8"
    )
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
    assert "(p = 0.0123 (external))" in changed
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

"""The drift comparison on made-up pairs of output trees (no environment is built here)."""

import csv
import functools
import io
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis_utils.audit import figures as audit_figures
from analysis_utils.core import plotting
from analysis_utils.pipeline import drift, drift_compare, drift_report
from analysis_utils.pipeline.drift_compare import ATOL, RTOL, Change

VERDICTS = (
    "id,kind,our_verdict,our_evidence\n"
    "D1,descriptive,true of the sample,p 0.254\n"
    "H1,hypothesis,undetermined,n = 9\n"
)
SHARES = "claim_id,year,share,pvalue_majority\nD4,2015,0.931,0.000381\nD4,2016,0.9,0.0125\n"
RESULTS = {
    "notebook": "05",
    "verdicts": {"D4": "consistent"},
    "trend_pvalue": 0.41,
    "years": [1, 2],
}


def _options(second: float = 44.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "option_code": ["a", "b", "c"],
            "option_label": ["one", "two", "three"],
            "reported_percent": [np.nan, second, np.nan],
            "range_low": [0.0, second, 10.0],
            "range_high": [55.6, second, 30.0],
        }
    )


@functools.cache
def _svg(second: float = 44.0, title: str = "Q") -> bytes:
    figure = audit_figures.plot_survey_question(
        _options(second), title=title, n=9, reconstructions=21
    )
    return plotting.figure_bytes(figure, "svg", salt="test")


def _tree(root: Path, **changed: str | bytes) -> Path:
    """A made-up output tree; keyword ``a__b__c_csv`` replaces ``a/b/c.csv`` ('' removes it)."""
    files: dict[str, str | bytes] = {
        "data/processed/funding_2010.csv": "id,donor,amount\nF1,Ministry,52000\n",
        "reports/tables/verdicts.csv": VERDICTS,
        "reports/tables/external_shares.csv": SHARES,
        "reports/results/05_test_external_evidence.json": json.dumps(RESULTS),
        "reports/results/manifest.json": json.dumps({"hash": "a"}),
        "reports/figures/fig1_causes.svg": _svg(),
        "reports/figures/fig1_causes.png": b"\x89PNG one",
        "reports/index.html": "<p>one</p>",
    }
    for name, content in changed.items():
        stem, extension = name.rsplit("_", 1)
        files[f"{stem.replace('__', '/')}.{extension}"] = content
    for name, content in files.items():
        if content == "":
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def svg() -> bytes:
    return _svg()


def _compare(tmp_path: Path, **changed: str | bytes) -> list[Change]:
    return drift_compare.compare_trees(_tree(tmp_path / "ref"), _tree(tmp_path / "new", **changed))


def test_identical_trees_have_no_change(tmp_path):
    assert _compare(tmp_path) == []


def test_a_changed_text_cell_is_beyond_tolerance(tmp_path):
    changed = VERDICTS.replace("p 0.254", "p 0.255")
    (change,) = _compare(tmp_path, reports__tables__verdicts_csv=changed)
    assert change == Change(
        "reports/tables/verdicts.csv",
        "id D1, our_evidence",
        "text",
        "p 0.254",
        "p 0.255",
        None,
        True,
        False,
    )


def test_a_changed_verdict_is_marked(tmp_path):
    changed = VERDICTS.replace("undetermined", "true of the sample")
    (change,) = _compare(tmp_path, reports__tables__verdicts_csv=changed)
    assert change.key == "id H1, our_verdict"
    assert change.verdict
    assert change.beyond_tolerance
    results = json.dumps({**RESULTS, "verdicts": {"D4": "not consistent"}})
    (change,) = _compare(tmp_path / "2", reports__results__05_test_external_evidence_json=results)
    assert (change.key, change.verdict) == ("verdicts.D4", True)


def test_a_number_within_tolerance_is_listed_but_does_not_count(tmp_path):
    near = 0.931 * (1 + RTOL / 10)
    (change,) = _compare(
        tmp_path, reports__tables__external_shares_csv=SHARES.replace("0.931", repr(near))
    )
    assert change.kind == "number"
    assert not change.beyond_tolerance
    assert change.difference == pytest.approx(near - 0.931)
    assert change.key == "row 1, share"  # claim_id repeats: rows matched by position


def test_a_number_beyond_tolerance_counts(tmp_path):
    (change,) = _compare(
        tmp_path, reports__tables__external_shares_csv=SHARES.replace("0.0125", "0.0126")
    )
    assert change.beyond_tolerance
    assert change.difference == pytest.approx(0.0001)


def test_a_missing_and_a_new_file(tmp_path):
    changes = _compare(
        tmp_path, reports__tables__external_shares_csv="", reports__tables__new_csv="a\n1\n"
    )
    assert [(c.file, c.kind, c.beyond_tolerance) for c in changes] == [
        ("reports/tables/external_shares.csv", "missing file", True),
        ("reports/tables/new.csv", "new file", True),
    ]


def test_rows_and_columns_added_or_removed(tmp_path):
    changed = "id,kind,our_verdict\nD1,descriptive,true of the sample\nD5,x,undetermined\n"
    changes = _compare(tmp_path, reports__tables__verdicts_csv=changed)
    assert {(c.key, c.kind) for c in changes} == {
        ("our_evidence", "missing column"),
        ("id H1", "missing row"),
        ("id D5", "new row"),
    }
    assert all(c.beyond_tolerance for c in changes)
    assert {c.key for c in changes if c.verdict} == {"id H1", "id D5"}


def test_rows_with_a_unique_first_column_are_matched_by_it(tmp_path):
    header, first, second = VERDICTS.strip().split("\n")
    assert _compare(tmp_path, reports__tables__verdicts_csv=f"{header}\n{second}\n{first}\n") == []


def test_json_keys_missing_new_and_changed(tmp_path):
    results = {**RESULTS, "years": [1, 2, 3], "trend_pvalue": 0.5}
    del results["verdicts"]
    changes = _compare(
        tmp_path, reports__results__05_test_external_evidence_json=json.dumps(results)
    )
    assert [(c.key, c.kind, c.verdict) for c in changes] == [
        ("trend_pvalue", "number", False),
        ("verdicts.D4", "missing key", True),
        ("years[2]", "new key", False),
    ]


def test_a_figure_is_compared_by_the_values_it_draws(tmp_path):
    changes = _compare(tmp_path, reports__figures__fig1_causes_svg=_svg(second=45.0))
    keys = {c.key for c in changes}
    assert "values.axes[0].bars[0][3]" in keys  # the bar's height, 44 -> 45
    bar = next(c for c in changes if c.key == "values.axes[0].bars[0][3]")
    assert (bar.reference, bar.candidate, bar.difference) == ("44.0", "45.0", 1.0)
    assert all(c.file == "reports/figures/fig1_causes.svg" for c in changes)


def test_figure_bytes_alone_are_not_compared(tmp_path, svg):
    restyled = svg.replace(b"stroke-linejoin: miter", b"stroke-linejoin: round")
    assert restyled != svg
    png = b"\x89PNG other bytes"
    changes = _compare(
        tmp_path,
        reports__figures__fig1_causes_svg=restyled,
        reports__figures__fig1_causes_png=png,
        reports__index_html="<p>2</p>",
    )
    assert changes == []


def test_a_figure_without_recorded_values_is_a_change(tmp_path):
    bare = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    (change,) = _compare(tmp_path, reports__figures__fig1_causes_svg=bare)
    assert change.kind == "figure data"
    assert "compared" in change.candidate


def test_the_run_manifest_is_not_compared(tmp_path):
    assert _compare(tmp_path, reports__results__manifest_json=json.dumps({"hash": "b"})) == []


def test_the_svg_records_exactly_the_values_drawn(svg):
    figure = audit_figures.plot_survey_question(_options(), title="Q", n=9, reconstructions=21)
    values = plotting.recorded_values(svg)
    assert values == json.loads(json.dumps(plotting.drawn_values(figure)))
    (axes,) = values["axes"]
    assert axes["bars"] == [[0.7, 0.0, pytest.approx(0.6), 44.0]]  # the reported 44 %
    assert axes["xticks"]["labels"] == ["a) one", "b) two", "c) three"]
    assert {"at": [0.0, 55.6], "text": "not reported\n0-55.6 %"} in axes["texts"]
    assert plotting.recorded_values(b"<svg/>") is None
    with pytest.raises(ValueError, match="well-formed"):
        plotting.recorded_values(b"<svg")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_tolerance_accepts_noise_and_refuses_a_real_change(x):
    bound = ATOL + RTOL * abs(x)
    assert drift_compare.within_tolerance(x, x)
    assert drift_compare.within_tolerance(x, x + bound / 2)
    assert not drift_compare.within_tolerance(x, x + 2 * bound)
    assert drift_compare.within_tolerance(math.nan, math.nan)
    assert not drift_compare.within_tolerance(x, math.nan)


def _report(tmp_path: Path, **changed: str | bytes) -> tuple[int, Path]:
    reference, compared = _tree(tmp_path / "ref"), _tree(tmp_path / "new", **changed)
    out = tmp_path / "out"
    code = drift.main(
        ["--reference", str(reference), "--compare", str(compared), "--out", str(out)]
    )
    return code, out


def test_the_command_exits_0_without_drift_and_1_with(tmp_path, capsys):
    near = SHARES.replace("0.931", repr(0.931 * (1 + RTOL / 10)))
    code, out = _report(tmp_path / "a", reports__tables__external_shares_csv=near)
    assert code == 0
    assert "0 changes beyond tolerance in 0 files, 1 within tolerance" in capsys.readouterr().out
    changed = VERDICTS.replace("undetermined", "true of the sample")
    code, out = _report(tmp_path / "b", reports__tables__verdicts_csv=changed)
    assert code == 1
    assert "verdict or status changed: yes" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO((out / "drift.csv").read_text(encoding="utf-8"))))
    assert [(r["key"], r["beyond_tolerance"], r["verdict"]) for r in rows] == [
        ("id H1, our_verdict", "true", "true")
    ]
    assert "id H1, our_verdict" in (out / "drift.html").read_text(encoding="utf-8")


def test_the_report_is_the_same_for_the_same_changes(tmp_path):
    changed = {
        "reports__tables__verdicts_csv": VERDICTS.replace("p 0.254", "p 0.3"),
        "reports__tables__external_shares_csv": "",
    }
    _, first = _report(tmp_path / "a", **changed)
    _, second = _report(tmp_path / "b", **changed)
    for name in ("drift.csv", "drift.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_a_reference_without_outputs_is_refused(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code = drift.main(["--reference", str(tmp_path / "empty"), "--compare", str(tmp_path)])
    assert code == 2
    assert "make reproduce" in capsys.readouterr().err
    assert not (tmp_path / "empty" / "reports").exists()


def test_versions_are_listed_first_and_a_failed_run_counts():
    versions = drift_compare.compare_versions(
        {"pandas": "3.1.1", "python": "3.11.7"}, {"pandas": "3.2.0", "python": "3.11.7", "new": "1"}
    )
    result = drift_report.Drift(versions, failure="Traceback: KeyError")
    assert result.drifted
    text = drift_report.csv_text(result)
    assert text.splitlines()[1:4] == [
        "(environment),new,version,,1,,,false,false",
        "(environment),pandas,version,3.1.1,3.2.0,,,false,false",
        "(environment),python,version,3.11.7,3.11.7,,,false,false",
    ]
    assert "(run),,failure,,Traceback: KeyError" in text
    summary = drift_report.summary(result)
    assert "pandas 3.1.1 -> 3.2.0" in summary
    assert "python" not in summary.split("):")[1]
    assert summary.startswith("the study did not complete")


def test_the_copy_holds_no_output_and_no_environment(tmp_path):
    root = tmp_path / "project"
    for name in (
        "data/raw/a.csv",
        "data/processed/b.csv",
        "reports/c.csv",
        ".venv/bin/python",
        "src/pkg/__pycache__/m.pyc",
        "src/pkg/m.py",
        ".git/HEAD",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    copied = drift.copy_project(root, tmp_path / "copy")
    files = sorted(p.relative_to(copied).as_posix() for p in copied.rglob("*") if p.is_file())
    assert files == ["data/raw/a.csv", "src/pkg/m.py"]
    assert (copied / "data" / "processed").is_dir()
    shutil.rmtree(copied)

"""``audit-table`` on the command line: outputs, progress, refusals (exit 2, nothing written)."""

import pandas as pd
import pytest

from analysis_utils import cli
from analysis_utils.audit.table_command import OUTPUTS

VALUES = "paper,table,value,n,percent\nNazarova 2014,Methodology,67,4,true\nx,y,67,3,true\n"


def test_writes_the_four_files_into_the_output_folder(tmp_path, capsys):
    source = tmp_path / "values.csv"
    source.write_text(VALUES, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["audit-table", str(source), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    rows = pd.read_csv(out / "rows.csv", dtype=str, keep_default_na=False)
    assert rows["verdict"].tolist() == ["inconsistent", "consistent"]
    assert rows["value"].tolist() == ["67", "67"]
    captured = capsys.readouterr()
    assert "audit-table: read 2 rows of" in captured.err
    assert "wrote" in captured.out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "values.csv"]


def test_the_default_folder_is_beside_the_input(tmp_path):
    source = tmp_path / "values.csv"
    source.write_text(VALUES, encoding="utf-8")
    assert cli.main(["audit-table", str(source)]) == 0
    assert (tmp_path / "values_audit" / "audit.md").is_file()


def test_a_bad_row_is_refused_and_nothing_is_written(tmp_path, capsys):
    source = tmp_path / "values.csv"
    source.write_text("paper,value,n,percent\np,4.4.4,4,true\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["audit-table", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "values.csv: row 2, column value: [printed-value]" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_missing_file_is_refused(tmp_path, capsys):
    assert cli.main(["audit-table", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o")]) == 2
    assert "[missing-file]" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("protected", [".git", "data/raw"])
def test_an_output_folder_in_protected_data_is_refused(tmp_path, capsys, protected):
    source = tmp_path / "values.csv"
    source.write_text(VALUES, encoding="utf-8")
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "datapackage.json").write_text("{}")
    (tmp_path / ".git").mkdir()
    out = tmp_path / protected / "audit"
    assert cli.main(["audit-table", str(source), "--out", str(out)]) == 2
    assert "which no command writes" in capsys.readouterr().err
    assert not out.exists()


def test_an_unknown_default_rounding_is_refused(tmp_path, capsys):
    source = tmp_path / "values.csv"
    source.write_text(VALUES, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["audit-table", str(source), "--out", str(out), "--rounding", "x"]) == 2
    assert "--rounding 'x' is unknown" in capsys.readouterr().err
    assert not out.exists()


def test_help_describes_the_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["audit-table", "--help"])
    out = capsys.readouterr().out
    assert "rows.csv, tables.csv, feasible_n.csv and audit.md" in out


def test_a_long_search_says_how_far_it_is_in_a_few_lines(tmp_path, capsys, monkeypatch):
    from analysis_utils.audit import sizes

    monkeypatch.setattr(sizes, "CHUNK_CELLS", 64)
    source = tmp_path / "values.csv"
    lines = ["paper,value,n_min,n_max,percent"] + [f"p,{k},1,200,true" for k in range(50)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["audit-table", str(source), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    for search in ("sizes searched per value", "sizes searched per table"):
        progress = [line for line in err if search in line]
        assert 1 <= len(progress) <= 4  # a line a quarter at most, never one per row
        assert progress[-1].endswith("10,000 of 10,000 checks (100 %)")


def test_an_output_that_would_overwrite_the_input_is_refused(tmp_path, capsys):
    source = tmp_path / "rows.csv"
    source.write_text(VALUES, encoding="utf-8")
    assert cli.main(["audit-table", str(source), "--out", str(tmp_path)]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert source.read_text(encoding="utf-8") == VALUES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]

import hashlib
import json
import os

import pandas as pd
import pytest

from analysis_utils.core import io
from analysis_utils.core.errors import InputError


def test_sha256_agrees_with_hashlib(tmp_path):
    path = tmp_path / "f.bin"
    data = os.urandom(200_000)
    path.write_bytes(data)
    assert io.sha256(path) == hashlib.sha256(data).hexdigest()


def test_sha256_of_a_known_string(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")  # FIPS 180-2, appendix B.1
    assert io.sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_checksums_round_trip_and_detect_a_change(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "sub" / "b.csv").write_text("y\n2\n", encoding="utf-8")
    io.write_checksums(tmp_path)
    assert io.verify_checksums(tmp_path) == ["a.csv", "sub/b.csv"]
    (tmp_path / "sub" / "b.csv").write_text("y\n3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        io.verify_checksums(tmp_path)
    (problem,) = caught.value.problems
    assert problem.file == "data/raw/sub/b.csv"
    assert "sha256" in problem.rule
    assert "line 2" in problem.message


def test_checksums_report_missing_and_unlisted_files(tmp_path):
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    io.write_checksums(tmp_path)
    (tmp_path / "a.csv").unlink()
    (tmp_path / "new.csv").write_text("y\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        io.verify_checksums(tmp_path)
    assert sorted(p.rule for p in caught.value.problems) == ["missing-file", "unlisted-file"]


def test_a_malformed_checksum_line_is_named(tmp_path):
    (tmp_path / "SHA256SUMS").write_text("abc  a.csv\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 1"):
        io.read_checksums(tmp_path / "SHA256SUMS")


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "t.txt"
    target.write_bytes(b"old")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(io.os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        io.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_read_raw_csv_keeps_the_print(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,v\na,44\nb,44.0\nc,\n", encoding="utf-8")
    frame = io.read_raw_csv(path)
    assert frame["v"].tolist() == ["44", "44.0", ""]


def test_csv_and_json_bytes_are_deterministic():
    frame = pd.DataFrame({"b": [1, 2], "a": ["x", "é"]})
    assert io.csv_bytes(frame) == io.csv_bytes(frame.copy()) == "b,a\n1,x\n2,é\n".encode()
    assert io.json_bytes({"b": 1, "a": [1]}) == b'{\n  "a": [\n    1\n  ],\n  "b": 1\n}\n'


SCHEMA = {"fields": [{"name": "x", "type": "integer", "constraints": {"maximum": 10}}]}


def test_write_tables_is_all_or_nothing(tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(b"previous first\n")
    second.write_bytes(b"previous second\n")
    tables = {
        first: (pd.DataFrame({"x": [1]}), SCHEMA),
        second: (pd.DataFrame({"x": [11]}), SCHEMA),
    }
    with pytest.raises(InputError) as caught:
        io.write_tables(tables, root=tmp_path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("second.csv", 2, "x")
    assert first.read_bytes() == b"previous first\n"
    assert second.read_bytes() == b"previous second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.csv", "second.csv"]


def test_write_tables_writes_valid_tables(tmp_path):
    target = tmp_path / "out" / "t.csv"
    io.write_tables({target: (pd.DataFrame({"x": [3, 4]}), SCHEMA)})
    assert target.read_text(encoding="utf-8") == "x\n3\n4\n"


def test_the_raw_readme_lists_every_checksum():
    from analysis_utils.core import paths

    raw = paths.layout().raw
    table = io.checksum_table(io.read_checksums(raw / "SHA256SUMS"))
    assert table in (raw / "README.md").read_text(encoding="utf-8")


def test_update_checksum_table_replaces_only_the_table(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{io.checksum_table({'a.csv': '0' * 64})}\noutro\n")
    io.update_checksum_table(readme, {"b.csv": "1" * 64})
    text = readme.read_text()
    assert text.startswith("intro\n")
    assert text.endswith("\noutro\n")
    assert "b.csv" in text
    assert "a.csv" not in text
    readme.write_text("no markers")
    with pytest.raises(ValueError, match="markers"):
        io.update_checksum_table(readme, {})


def test_write_tables_orders_columns_by_schema_and_names_missing_ones(tmp_path):
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}
    target = tmp_path / "t.csv"
    io.write_tables({target: (pd.DataFrame({"b": ["x"], "a": [1]}), schema)})
    assert target.read_text(encoding="utf-8") == "a,b\n1,x\n"
    with pytest.raises(InputError) as caught:
        io.write_tables({target: (pd.DataFrame({"a": [1], "c": [2]}), schema)}, root=tmp_path)
    assert sorted((p.column, p.rule) for p in caught.value.problems) == [
        ("b", "missing-column"),
        ("c", "unexpected-column"),
    ]
    assert target.read_text(encoding="utf-8") == "a,b\n1,x\n"


def test_package_schema_updates_replace_fields_and_keep_the_rest(tmp_path):
    package = tmp_path / "datapackage.json"
    old = {"fields": [{"name": "a", "type": "string"}], "primaryKey": ["a"]}
    foreign = [{"fields": ["a"], "reference": {"resource": "x", "fields": ["id"]}}]
    descriptor = {
        "name": "p",
        "resources": [
            {"name": "q", "path": "s/q.csv", "schema": {**old, "foreignKeys": foreign}},
            {"name": "r", "path": "r.csv", "schema": old},
        ],
    }
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    new = {"fields": [{"name": "a", "type": "integer"}], "primaryKey": ["a"]}
    updated = io.package_schema_updates(package, {"s/q.csv": new})
    assert updated is not None
    assert updated["resources"][0]["schema"] == {**new, "foreignKeys": foreign}
    assert updated["resources"][1] == descriptor["resources"][1]
    assert io.package_schema_updates(package, {"s/q.csv": old}) is None
    with pytest.raises(KeyError, match=r"nope\.csv"):
        io.package_schema_updates(package, {"nope.csv": new})


def test_a_table_lacking_a_column_of_its_schema_is_refused_naming_it(tmp_path):
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "boolean"}]}
    path = tmp_path / "t.csv"
    path.write_text("a,c\n1,true\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t.csv: no column 'b' of its schema.*run the notebook"):
        io.read_table(path, schema)
    path.write_text("a,b\n1,true\n", encoding="utf-8")
    assert io.read_table(path, schema)["b"].tolist() == [True]

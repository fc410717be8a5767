"""The Table Schemas: each wing's beside the code that writes the tables, the machinery in core."""

import pytest

from analysis_utils.audit import schemas as audit_schemas
from analysis_utils.core.schemas import data_package, field
from analysis_utils.study import schemas
from analysis_utils.survey import schemas as survey_schemas


def test_the_processed_package_describes_every_table():
    package = schemas.processed_package()
    names = [r["path"] for r in package["resources"]]
    assert names == list(schemas.PROCESSED)
    for resource in package["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"]]
        assert len(fields) == len(set(fields))
        assert set(resource["schema"]["primaryKey"]) <= set(fields)
        assert all(f.get("description") for f in resource["schema"]["fields"])


def test_the_processed_package_is_a_valid_frictionless_descriptor():
    from frictionless import Package

    package = Package.from_descriptor(schemas.processed_package(), basepath=".")
    assert [r.name for r in package.resources] == [
        name.removesuffix(".csv") for name in schemas.PROCESSED
    ]


def test_the_committed_package_descriptor_is_the_one_written():
    from analysis_utils.core import io, paths

    written = paths.layout().processed / "datapackage.json"
    assert written.read_bytes() == io.json_bytes(schemas.processed_package())


@pytest.mark.parametrize("name", list(schemas.PROCESSED))
def test_committed_processed_tables_satisfy_their_schemas(name):
    from analysis_utils.core import paths
    from analysis_utils.core.validate import validate_table

    schema, _ = schemas.PROCESSED[name]
    validate_table(paths.layout().processed / name, schema)


def _checked(schema):
    """What validation reads of a schema: names, types, constraints and keys, no descriptions."""
    return (
        [(f["name"], f["type"], f.get("constraints")) for f in schema["fields"]],
        schema["primaryKey"],
    )


def test_the_study_describes_the_survey_items_it_shares_with_the_toolkit():
    assert _checked(schemas.SURVEY_ITEMS) == _checked(survey_schemas.SURVEY_ITEMS)
    assert schemas.PROCESSED["survey_items.csv"][0] is schemas.SURVEY_ITEMS
    (cited,) = [f for f in schemas.SURVEY_ITEMS["fields"] if f["name"] == "number_id"]
    assert "article_numbers.csv" in cited["description"]


def test_the_audit_reads_the_source_claims_as_the_study_writes_them():
    assert _checked(audit_schemas.SOURCE_CLAIMS) == _checked(schemas.ARTICLE_CLAIMS)


def test_a_data_package_lists_its_tables_in_order():
    table = {"fields": [field("x", "integer", "A count", minimum=0)], "primaryKey": ["x"]}
    package = data_package(
        {"b.csv": (table, "Second"), "a.csv": (table, "First")},
        name="p",
        title="P",
        description="Two tables",
    )
    assert [(r["name"], r["path"], r["description"]) for r in package["resources"]] == [
        ("b", "b.csv", "Second"),
        ("a", "a.csv", "First"),
    ]
    assert package["resources"][0]["schema"]["fields"][0]["constraints"] == {"minimum": 0}


def test_a_schema_redescribed_keeps_its_columns_types_and_constraints():
    from analysis_utils.core.schemas import redescribed

    source, article = audit_schemas.SOURCE_CLAIMS, schemas.ARTICLE_CLAIMS

    def without_descriptions(schema):
        return [{k: v for k, v in c.items() if k != "description"} for c in schema["fields"]]

    assert without_descriptions(article) == without_descriptions(source)
    assert article["primaryKey"] == source["primaryKey"]
    changed = [
        c["name"] for c, o in zip(article["fields"], source["fields"], strict=True) if c != o
    ]
    assert changed == ["id", "section", "text_line", "article_verdict", "verdict_section"]
    with pytest.raises(KeyError, match="no such column to describe: nope"):
        redescribed(source, nope="x")

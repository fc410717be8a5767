import pytest

from analysis_utils.core import schemas


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


@pytest.mark.parametrize("name", list(schemas.PROCESSED))
def test_committed_processed_tables_satisfy_their_schemas(name):
    from analysis_utils.core import paths
    from analysis_utils.core.validate import validate_table

    schema, _ = schemas.PROCESSED[name]
    validate_table(paths.layout().processed / name, schema)

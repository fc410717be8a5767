from pathlib import Path

import pytest

from analysis_utils.core import paths


def test_find_root_walks_up_from_a_subfolder(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "datapackage.json").write_text("{}")
    deep = tmp_path / "notebooks" / "sub"
    deep.mkdir(parents=True)
    assert paths.find_root(deep) == tmp_path.resolve()


def test_environment_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ROOT_ENV, str(tmp_path))
    assert paths.find_root(Path("/")) == tmp_path.resolve()


def test_source_tree_is_the_fallback(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    expected = Path(paths.__file__).resolve().parents[3]
    assert paths.find_root(tmp_path) == expected


def test_layout_names_every_folder(tmp_path):
    layout = paths.layout(tmp_path)
    assert layout.raw == tmp_path.resolve() / "data" / "raw"
    assert layout.processed == tmp_path.resolve() / "data" / "processed"
    assert layout.executed == tmp_path.resolve() / "reports" / "executed"
    assert layout.results == tmp_path.resolve() / "reports" / "results"
    assert layout.pipeline == tmp_path.resolve() / "notebooks" / "pipeline.yaml"
    assert layout.checksums.name == "SHA256SUMS"
    assert layout.tables == tmp_path.resolve() / "reports" / "tables"
    assert layout.claims == tmp_path.resolve() / "notebooks" / "claims.yaml"


def test_missing_root_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "a" / "b" / "c" / "paths.py"))
    with pytest.raises(FileNotFoundError, match=r"datapackage\.json"):
        paths.find_root(tmp_path)


def test_outside_a_checkout_the_installed_package_is_the_root(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    package = tmp_path / "lib" / "site-packages" / "analysis_utils"
    (package / "notebooks").mkdir(parents=True)
    (package / "notebooks" / "pipeline.yaml").write_text("notebooks: {}\n")
    monkeypatch.setattr(paths, "__file__", str(package / "core" / "paths.py"))
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    assert paths.find_root(elsewhere) == package.resolve()
    assert not paths.layout(package).checkout
    # a checkout found from the working directory still wins over the installed copy
    checkout = tmp_path / "checkout"
    (checkout / "data" / "raw").mkdir(parents=True)
    (checkout / "data" / "raw" / "datapackage.json").write_text("{}")
    assert paths.find_root(checkout / "data") == checkout.resolve()
    assert paths.layout(checkout).checkout

"""Where things are: the only module that knows the project layout.

The project root is found, in this order, from the ``ANALYSIS_UTILS_ROOT``
environment variable, by walking up from the working directory to the first
folder holding ``data/raw/datapackage.json``, from this file's location (an
editable install in the source tree), or, outside any checkout, as the
installed package's own folder, whose ``notebooks/`` the wheel ships (the
survey notebooks, ``pipeline.yaml`` and ``claims.yaml``). Such a root has no
raw data (:attr:`Layout.checkout` is false): the survey toolkit runs from it,
on survey folders given by absolute path, but not the study.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "ANALYSIS_UTILS_ROOT"
_MARKER = Path("data") / "raw" / "datapackage.json"
#: What an installed package's folder holds when it can serve as the root.
_INSTALLED_MARKER = Path("notebooks") / "pipeline.yaml"


def find_root(start: Path | None = None) -> Path:
    """Return the project root.

    Parameters
    ----------
    start : Path, optional
        Folder to search upwards from; the working directory by default.

    Returns
    -------
    Path
        Absolute path of the folder that holds ``data/raw/datapackage.json``,
        else of the installed package (``analysis_utils/``) when it ships
        ``notebooks/pipeline.yaml``.

    Raises
    ------
    FileNotFoundError
        If neither is found.
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / _MARKER).is_file():
            return folder
    this = Path(__file__).resolve()
    source_tree, package = this.parents[3], this.parents[1]
    if (source_tree / _MARKER).is_file():
        return source_tree
    if (package / _INSTALLED_MARKER).is_file():
        return package
    raise FileNotFoundError(
        f"no project root found above {here}: expected a folder holding {_MARKER} "
        f"(or set {ROOT_ENV})"
    )


@dataclass(frozen=True)
class Layout:
    """Paths of one project tree.

    Parameters
    ----------
    root : Path
        The project root.
    """

    root: Path

    @property
    def checkout(self) -> bool:
        """Whether this is a checkout of the project (with raw data), not an installed package."""
        return self.datapackage.is_file()

    @property
    def raw(self) -> Path:
        """Immutable inputs."""
        return self.root / "data" / "raw"

    @property
    def datapackage(self) -> Path:
        """Frictionless descriptor of the raw data."""
        return self.raw / "datapackage.json"

    @property
    def checksums(self) -> Path:
        """SHA-256 list of the raw files (``sha256sum -c`` format)."""
        return self.raw / "SHA256SUMS"

    @property
    def processed(self) -> Path:
        """Tables written by the notebooks."""
        return self.root / "data" / "processed"

    @property
    def notebooks(self) -> Path:
        """Source notebooks."""
        return self.root / "notebooks"

    @property
    def pipeline(self) -> Path:
        """Declaration of what each notebook reads and writes."""
        return self.notebooks / "pipeline.yaml"

    @property
    def reports(self) -> Path:
        """Generated reports."""
        return self.root / "reports"

    @property
    def executed(self) -> Path:
        """Executed copies of the notebooks."""
        return self.reports / "executed"

    @property
    def claims(self) -> Path:
        """Registry of the article's claims and how each is tested."""
        return self.notebooks / "claims.yaml"

    @property
    def figures(self) -> Path:
        """Figures (SVG and PNG)."""
        return self.reports / "figures"

    @property
    def tables(self) -> Path:
        """Result tables written by the notebooks."""
        return self.reports / "tables"

    @property
    def results(self) -> Path:
        """Headline results, one JSON per notebook."""
        return self.reports / "results"


def layout(root: Path | None = None) -> Layout:
    """Return the layout of the project at ``root`` (found if not given).

    Parameters
    ----------
    root : Path, optional
        Project root; :func:`find_root` is used when omitted.

    Returns
    -------
    Layout
    """
    return Layout((root or find_root()).resolve())


def shown(path: Path, root: Path | None) -> str:
    """Name a file for messages and printed output: relative to ``root`` when inside it.

    Parameters
    ----------
    path : Path
    root : Path or None

    Returns
    -------
    str
        ``path`` relative to ``root`` (POSIX separators), or as given when it
        lies outside ``root`` (a survey folder elsewhere on disk).
    """
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)

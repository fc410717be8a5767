"""Where things are: the only module that knows the project layout.

The project root is found, in this order, from the ``ANALYSIS_UTILS_ROOT``
environment variable, by walking up from the working directory to the first
folder holding ``data/raw/datapackage.json``, or from this file's location
(an editable install in the source tree).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "ANALYSIS_UTILS_ROOT"
_MARKER = Path("data") / "raw" / "datapackage.json"


def find_root(start: Path | None = None) -> Path:
    """Return the project root.

    Parameters
    ----------
    start : Path, optional
        Folder to search upwards from; the working directory by default.

    Returns
    -------
    Path
        Absolute path of the folder that holds ``data/raw/datapackage.json``.

    Raises
    ------
    FileNotFoundError
        If no such folder is found.
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / _MARKER).is_file():
            return folder
    source_tree = Path(__file__).resolve().parents[3]
    if (source_tree / _MARKER).is_file():
        return source_tree
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

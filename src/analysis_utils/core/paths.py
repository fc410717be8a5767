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

from analysis_utils.core.errors import ParameterError

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
        """The claims registry: each claim and how it is tested."""
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


def _git_data(folder: Path) -> bool:
    """Whether ``folder`` holds a git repository's own data (``.git``, or a bare repository)."""
    if folder.name.lower() == ".git":
        return True
    return (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()
    )


def protected(path: Path, root: Path | None = None) -> str | None:
    """Say why no command may write at ``path`` (or inside it), or ``None`` if one may.

    ``path`` is resolved first (symbolic links followed, ``..`` removed, from
    the working directory if relative), so a link or a detour into a protected
    folder is judged by where it leads. Protected are:

    - the raw data: ``data/raw`` of the project at ``root``, and of any
      checkout ``path`` lies in (a ``data/raw`` holding ``datapackage.json``);
    - a git repository's own data: a folder named ``.git`` (of the project or
      any other repository, however deep ``path`` lies in it), or a bare
      repository (a folder holding ``HEAD``, ``objects/`` and ``refs/``).

    Parameters
    ----------
    path : Path
        A folder or file a command would write.
    root : Path, optional
        The project root: its raw data are protected even without their
        ``datapackage.json``, and folders are named relative to it.

    Returns
    -------
    str or None
        ``"inside data/raw, the raw data"`` or ``"inside .git, a git
        repository's own data"`` (the folder named as :func:`shown` names
        it), or ``None``.
    """
    resolved = Path(path).expanduser().resolve()
    raw = (root / "data" / "raw").resolve() if root is not None else None
    for folder in (resolved, *resolved.parents):
        if folder == raw or (
            folder.name == "raw"
            and folder.parent.name == "data"
            and (folder / "datapackage.json").is_file()
        ):
            return f"inside {shown(folder, root)}, the raw data"
        if _git_data(folder):
            return f"inside {shown(folder, root)}, a git repository's own data"
    return None


def check_writable(path: Path, what: str, todo: str, *, root: Path | None = None) -> None:
    """Refuse, in one line, a place no command writes (:func:`protected`).

    Parameters
    ----------
    path : Path
        Where the command would write.
    what : str
        What names ``path`` for the user (``"new-survey DIR data/raw/new"``).
    todo : str
        What to do instead (``"choose a folder elsewhere"``).
    root : Path, optional
        The project root, as for :func:`protected`.

    Raises
    ------
    ParameterError
        ``"<what> is inside data/raw, the raw data, which no command writes: <todo>"``.
    """
    reason = protected(path, root)
    if reason is not None:
        raise ParameterError(f"{what} is {reason}, which no command writes: {todo}")

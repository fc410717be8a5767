"""The notebook contract: parameters cells and the declared pipeline.

A notebook declares its parameters in one code cell tagged ``parameters``,
one annotated literal per line with a help comment::

    alpha: float = 0.05  # significance level of the tests

This module reads that cell with :mod:`ast` (no kernel, no Papermill import),
so parameters given on the command line are checked in milliseconds. What each
notebook reads and writes is declared in ``notebooks/pipeline.yaml``; the
runner orders notebooks from it. A notebook that draws registered figures says
so once (``figures: FOLDER``); :func:`load_pipeline` adds the SVG and PNG of
each figure registered for it (:mod:`.declared_figures`, from the study's
registry) to what it writes, so a new figure is not declared twice.
"""

from __future__ import annotations

import ast
import io
import json
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis_utils.core.errors import ParameterError
from analysis_utils.pipeline.declared_figures import (
    FigureStems,
    figures_written,
    registered_figures,
)

#: Parameters naming a folder a notebook writes to; a sweep or a survey run points them elsewhere.
OUTPUT_PARAMETERS: tuple[str, ...] = (
    "processed_dir",
    "tables_dir",
    "results_dir",
    "figures_dir",
    "report_dir",
)

#: Annotations a parameter may have, with the Python types of its elements.
TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (float, int),
    "str": (str,),
    "bool": (bool,),
    "list[int]": (int,),
    "list[float]": (float, int),
    "list[str]": (str,),
}


@dataclass(frozen=True)
class Parameter:
    """One declared notebook parameter.

    Attributes
    ----------
    name : str
    type : str
        One of :data:`TYPES`.
    default : object
        The literal default.
    help : str
        The comment after the assignment.
    """

    name: str
    type: str
    default: Any
    help: str


@dataclass(frozen=True)
class Step:
    """One notebook of the pipeline.

    Attributes
    ----------
    name : str
        File stem, e.g. ``01_clean_raw_data``.
    path : Path
        The source notebook.
    reads, writes : tuple of str
        Project-relative paths (files or folders) it reads and writes.
    description : str
    survey : bool
        Whether it is a survey notebook: one that runs on any survey in the
        documented format (``run -p survey_dir PATH``).
    """

    name: str
    path: Path
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    description: str
    survey: bool = False


def parameters_cells(notebook: Mapping[str, Any]) -> list[int]:
    """Return the indices of the cells tagged ``parameters``.

    Parameters
    ----------
    notebook : mapping
        A notebook as parsed JSON.

    Returns
    -------
    list of int
    """
    return [
        i
        for i, cell in enumerate(notebook.get("cells", []))
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    ]


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def parse_parameters(source: str, *, where: str = "<parameters>") -> dict[str, Parameter]:
    """Parse the text of a parameters cell.

    Parameters
    ----------
    source : str
        Cell text: annotated literal assignments with help comments.
    where : str
        Name for messages.

    Returns
    -------
    dict
        Name to :class:`Parameter`, in cell order.

    Raises
    ------
    ParameterError
        If a line is not ``name: type = literal  # help`` with a supported type.
    """
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    found: dict[str, Parameter] = {}
    for node in ast.parse(source).body:
        if not (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            raise ParameterError(f"{where}: line {node.lineno}: expected 'name: type = literal'")
        kind = ast.unparse(node.annotation)
        name = node.target.id
        if kind not in TYPES:
            raise ParameterError(f"{where}: {name}: type {kind!r} is not one of {sorted(TYPES)}")
        try:
            default = ast.literal_eval(node.value)
        except ValueError as exc:
            raise ParameterError(f"{where}: {name}: default is not a literal") from exc
        help_text = comments.get(node.end_lineno or node.lineno, "")
        found[name] = Parameter(
            name, kind, coerce(Parameter(name, kind, None, ""), default), help_text
        )
    return found


def read_parameters(path: Path) -> dict[str, Parameter]:
    """Read the declared parameters of a notebook file.

    Parameters
    ----------
    path : Path
        The ``.ipynb`` file.

    Returns
    -------
    dict
        Name to :class:`Parameter`; empty if the notebook has no parameters cell.

    Raises
    ------
    ParameterError
        If there is more than one parameters cell or the cell breaks the contract.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = parameters_cells(notebook)
    if len(cells) > 1:
        raise ParameterError(f"{path.name}: {len(cells)} cells tagged 'parameters', expected one")
    if not cells:
        return {}
    return parse_parameters(_source(notebook["cells"][cells[0]]), where=path.name)


def coerce(param: Parameter, value: Any) -> Any:
    """Check a value against a parameter's type, converting command-line text.

    Parameters
    ----------
    param : Parameter
        The declared parameter.
    value : object
        A Python value (from a YAML file) or text (from ``-p NAME VALUE``);
        text for a list is a JSON or YAML list such as ``[9, 4]``.

    Returns
    -------
    object
        The value with the declared type (ints are accepted for floats).

    Raises
    ------
    ParameterError
        If the value cannot have the declared type.
    """
    kind = param.type
    element = TYPES[kind]
    bad = ParameterError(f"parameter {param.name!r} expects {kind}, got {value!r}")
    if isinstance(value, str) and kind != "str":
        value = _from_text(value, kind, bad)
    if kind.startswith("list["):
        if not isinstance(value, list | tuple):
            raise bad
        return [_scalar(v, element, kind, bad) for v in value]
    return _scalar(value, element, kind, bad)


def _from_text(text: str, kind: str, bad: ParameterError) -> Any:
    """Parse command-line text for a non-string type."""
    import yaml

    from analysis_utils.core import yamlfile

    if kind == "bool":
        lowered = text.strip().lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no"}:
            return False
        raise bad
    try:
        return yamlfile.load(text, "the parameter")
    except (yaml.YAMLError, ParameterError) as exc:
        raise bad from exc


def _scalar(value: Any, element: tuple[type, ...], kind: str, bad: ParameterError) -> Any:
    if isinstance(value, bool) and bool not in element:
        raise bad
    if not isinstance(value, element):
        raise bad
    if float in element and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def load_pipeline(pipeline: Path, *, figures: FigureStems = registered_figures) -> dict[str, Step]:
    """Read ``notebooks/pipeline.yaml``.

    A notebook's ``figures: FOLDER`` says that it writes, in ``FOLDER``, the SVG
    and PNG of every figure registered for it: those files are added to its
    ``writes``, before the files it lists there.

    Parameters
    ----------
    pipeline : Path
        The declaration file; notebooks are looked up beside it.
    figures : callable, optional
        ``figures(notebook)``: the stems of the figures registered for a
        notebook (:func:`registered_figures`, the study's registry).

    Returns
    -------
    dict
        Notebook name to :class:`Step`, in file order.

    Raises
    ------
    ValueError
        If an entry lacks ``reads`` or ``writes`` or names a missing notebook,
        or a notebook with registered figures declares no ``figures:`` folder
        (or one with none registered declares one).
    """
    from analysis_utils.core import yamlfile

    data = yamlfile.load(pipeline.read_text(encoding="utf-8"), pipeline.name) or {}
    steps: dict[str, Step] = {}
    for name, entry in (data.get("notebooks") or {}).items():
        path = pipeline.parent / f"{name}.ipynb"
        if not path.is_file():
            raise ValueError(f"{pipeline.name}: {name}: notebook {path.name} not found")
        if not isinstance(entry, dict) or "reads" not in entry or "writes" not in entry:
            raise ValueError(f"{pipeline.name}: {name}: needs 'reads' and 'writes' lists")
        steps[name] = Step(
            name,
            path,
            tuple(entry["reads"]),
            figures_written(pipeline.name, name, entry.get("figures"), tuple(figures(name)))
            + tuple(entry["writes"]),
            str(entry.get("description", "")),
            bool(entry.get("survey", False)),
        )
    return steps


def _covers(written: str, read: str) -> bool:
    """Whether writing ``written`` produces (part of) ``read``."""
    w, r = written.rstrip("/"), read.rstrip("/")
    return w == r or r.startswith(w + "/") or w.startswith(r + "/")


def dependencies(steps: Mapping[str, Step]) -> dict[str, set[str]]:
    """For each notebook, the notebooks whose outputs it reads.

    Parameters
    ----------
    steps : mapping
        Name to :class:`Step`.

    Returns
    -------
    dict
        Name to the set of names it must run after.
    """
    return {
        name: {
            other
            for other, before in steps.items()
            if other != name and any(_covers(w, r) for w in before.writes for r in step.reads)
        }
        for name, step in steps.items()
    }


def with_producers(steps: Mapping[str, Step], names: Iterable[str], *, under: str) -> list[str]:
    """Add to ``names``, transitively, the notebooks writing what they read under ``under``.

    A sweep run writes its ``reports/`` folders afresh, so a notebook that reads
    an earlier notebook's results there needs that notebook in the same run.

    Parameters
    ----------
    steps : mapping
        Name to :class:`Step`.
    names : iterable of str
        Notebooks asked for.
    under : str
        Folder (relative to the project root, ending in ``/``) whose files
        must be produced within the run.

    Returns
    -------
    list of str
        In execution order.
    """
    chosen = set(names)
    frontier = list(chosen)
    while frontier:
        reads = [r for r in steps[frontier.pop()].reads if r.startswith(under)]
        for other, step in steps.items():
            if other not in chosen and any(_covers(w, r) for w in step.writes for r in reads):
                chosen.add(other)
                frontier.append(other)
    return execution_order(steps, chosen)


def execution_order(steps: Mapping[str, Step], selected: Iterable[str]) -> list[str]:
    """Order the selected notebooks so each runs after those whose outputs it reads.

    Ties keep the pipeline's order.

    Parameters
    ----------
    steps : mapping
        The whole pipeline.
    selected : iterable of str
        Names to run.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If the declared reads and writes form a cycle.
    """
    chosen = [n for n in steps if n in set(selected)]
    needs = {n: deps & set(chosen) for n, deps in dependencies(steps).items() if n in chosen}
    order: list[str] = []
    while len(order) < len(chosen):
        ready = [n for n in chosen if n not in order and needs[n] <= set(order)]
        if not ready:
            raise ValueError(
                f"cycle in notebooks/pipeline.yaml among {sorted(set(chosen) - set(order))}"
            )
        order.append(ready[0])
    return order


def resolve(names: Iterable[str], steps: Mapping[str, Step]) -> list[str]:
    """Turn user-given notebook names into pipeline names.

    Accepts a stem (``01_clean_raw_data``), a file name or path
    (``notebooks/01_clean_raw_data.ipynb``) or a unique prefix (``01``).

    Parameters
    ----------
    names : iterable of str
    steps : mapping
        The pipeline.

    Returns
    -------
    list of str
        Pipeline names; all of them when ``names`` is empty.

    Raises
    ------
    ParameterError
        If a name matches no notebook or several.
    """
    given = list(names)
    if not given:
        return list(steps)
    out = []
    for raw in given:
        stem = Path(raw).name.removesuffix(".ipynb")
        matches = [n for n in steps if n == stem] or [n for n in steps if n.startswith(stem)]
        if len(matches) != 1:
            raise ParameterError(
                f"notebook {raw!r} matches {len(matches) or 'no'} notebooks; "
                f"known: {', '.join(steps)}"
            )
        out.append(matches[0])
    return out


def bind_parameters(
    given: Mapping[str, Any], declared: Mapping[str, Mapping[str, Parameter]]
) -> dict[str, dict[str, Any]]:
    """Check given parameters against the selected notebooks and share them out.

    Parameters
    ----------
    given : mapping
        Name to value (text from the command line or a value from YAML).
    declared : mapping
        Notebook name to its declared parameters.

    Returns
    -------
    dict
        Notebook name to the parameters it declares, with checked values.

    Raises
    ------
    ParameterError
        Naming the unknown parameter or the bad value, and listing the valid
        parameters with their types.
    """
    valid = sorted({(p.name, p.type) for params in declared.values() for p in params.values()})
    listing = ", ".join(f"{n} ({t})" for n, t in valid) or "none"
    bound: dict[str, dict[str, Any]] = {name: {} for name in declared}
    for name, value in given.items():
        owners = [nb for nb, params in declared.items() if name in params]
        if not owners:
            raise ParameterError(
                f"unknown parameter {name!r} for notebooks {', '.join(declared)}; "
                f"valid parameters: {listing}"
            )
        for nb in owners:
            try:
                bound[nb][name] = coerce(declared[nb][name], value)
            except ParameterError as exc:
                raise ParameterError(f"{exc} (in {nb}); valid parameters: {listing}") from None
    return bound

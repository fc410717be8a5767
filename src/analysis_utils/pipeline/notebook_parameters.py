"""The check a notebook runs on its own parameters, in the cell after its parameters cell.

The runner checks parameters before any kernel starts
(:func:`analysis_utils.pipeline.contract.bind_parameters`). A notebook run
another way, with plain Papermill or in JupyterLab, checks them itself, in
one library call right after the parameters cell (and after the cell
Papermill injects there)::

    from analysis_utils.pipeline import notebook_parameters

    notebook_parameters.check("03_test_claims", globals())

:func:`check` converts text to each parameter's declared type as the runner
does (Papermill passes ``-p n_candidates "[9, 18]"`` as the text
``"[9, 18]"``), refuses a value that cannot have that type, and refuses a
name Papermill injected that the notebook does not declare (a misspelt
parameter, which Papermill itself only warns about), with the runner's
messages. Papermill's injected cell is the cell the kernel ran just before
this one: IPython keeps what each cell ran in ``In``. After the runner,
which injects only checked values, and after "Run All" in JupyterLab, which
injects nothing, the check changes nothing.
"""

from __future__ import annotations

import ast
from collections.abc import MutableMapping, Sequence
from typing import Any

from analysis_utils.core.paths import layout
from analysis_utils.pipeline.contract import bind_parameters, read_parameters

#: How Papermill's injected cell begins.
INJECTED = "# Parameters"


def injected_names(history: Sequence[str]) -> list[str]:
    """Return the names Papermill's injected cell assigns, if it ran just before this cell.

    Parameters
    ----------
    history : sequence of str
        What the kernel's cells ran, in order (IPython's ``In``); the last is
        the running cell.

    Returns
    -------
    list of str
        Names assigned by the previous cell when it is Papermill's injected
        cell (it begins with ``# Parameters``), in order; empty otherwise.
    """
    if len(history) < 2 or not history[-2].lstrip().startswith(INJECTED):
        return []
    try:
        tree = ast.parse(history[-2])
    except SyntaxError:
        return []
    return [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]


def check(notebook: str, namespace: MutableMapping[str, Any]) -> None:
    """Check and convert a notebook's parameters in its own namespace.

    Parameters
    ----------
    notebook : str
        The notebook's name (``03_test_claims``); its declared parameters are
        read from ``notebooks/NAME.ipynb`` of the project
        (:func:`analysis_utils.core.paths.layout`).
    namespace : mutable mapping
        The notebook's ``globals()``: each declared parameter is replaced by
        its value converted to the declared type.

    Raises
    ------
    ParameterError
        For a value that cannot have its declared type, or a name Papermill
        injected that the notebook does not declare: the runner's messages,
        naming the parameter and listing the valid ones with their types.
    """
    declared = read_parameters(layout().notebooks / f"{notebook}.ipynb")
    history = namespace.get("In")
    injected = injected_names(history) if isinstance(history, list) else []
    given = {name: namespace[name] for name in declared if name in namespace}
    given.update({name: namespace[name] for name in injected if name in namespace})
    namespace.update(bind_parameters(given, {notebook: declared})[notebook])

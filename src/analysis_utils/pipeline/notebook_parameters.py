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

It then applies the runner's rule of where a run may write
(:func:`analysis_utils.pipeline.confine.check_output_folders`): never into
``data/raw/`` or ``.git/``, and, with any parameter other than its default,
never over the study's committed outputs (``reports/tables/`` and the
others): such a notebook writes only into output folders given for it
(``-p tables_dir OUT/tables -p results_dir OUT/results``), or stops here,
saying so, before it writes anything.
"""

from __future__ import annotations

import ast
from collections.abc import MutableMapping, Sequence
from typing import Any

from analysis_utils.core.paths import layout
from analysis_utils.pipeline.confine import check_output_folders
from analysis_utils.pipeline.contract import bind_parameters
from analysis_utils.pipeline.plan import assemble, read_contract

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
        naming the parameter and listing the valid ones with their types. For
        an output folder the runner would refuse: its message, naming the
        folder and the ``-p`` options that write elsewhere.
    """
    tree = layout()
    contract = read_contract(tree.pipeline, only=[notebook])
    declared = contract.declared[notebook]
    history = namespace.get("In")
    injected = injected_names(history) if isinstance(history, list) else []
    given = {name: namespace[name] for name in declared if name in namespace}
    given.update({name: namespace[name] for name in injected if name in namespace})
    checked = bind_parameters(given, {notebook: declared})[notebook]
    survey = checked.get("survey_dir")
    if "survey_dir" not in declared or survey == declared["survey_dir"].default:
        survey = None
    by_itself = assemble(
        tree,
        contract,
        {notebook: checked},
        survey_dir=None if survey is None else tree.root / str(survey),
        hashed=False,
    )
    check_output_folders(by_itself, by_itself=True)
    namespace.update(checked)

"""The run plan: what a run does, decided once, before anything starts.

A run reads ``notebooks/pipeline.yaml`` and the ``parameters`` cell of every
notebook once (:func:`read_contract`), takes the command line (notebooks,
parameters, options), and builds one immutable :class:`RunPlan`
(:func:`~analysis_utils.pipeline.runner.plan`): the notebooks in execution order,
each with the parameters it
receives and its output folders, the folder of the executed notebooks, the
results folder with the run manifest, a survey run's folders and the hashes of
the code every notebook runs on. The checks before a run
(:mod:`~analysis_utils.pipeline.confine`,
:mod:`~analysis_utils.pipeline.preflight`), the locks, the execution and the
run manifest all read this one plan; nothing re-reads the declarations while
the run lasts. :func:`assemble` makes a plan of given notebooks and
parameters (a sweep's points, a notebook checking its own parameters).

The input hashes of a notebook are not in the plan: earlier notebooks of the
run write them, so they are taken when the notebook is ready
(:mod:`~analysis_utils.pipeline.records`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from analysis_utils.core.errors import ParameterError
from analysis_utils.core.io import sha256
from analysis_utils.core.paths import Layout
from analysis_utils.pipeline import manifest
from analysis_utils.pipeline.contract import (
    OUTPUT_PARAMETERS,
    Parameter,
    Step,
    bind_parameters,
    dependencies,
    execution_order,
    load_pipeline,
    read_parameters,
    resolve,
)


def executed_folder(
    layout: Layout, order: list[str], bound: Mapping[str, Mapping[str, Any]]
) -> Path:
    """Where the executed notebooks of a run go: ``executed/`` next to ``results_dir``.

    With the default ``results_dir`` (``reports/results``) that is
    ``reports/executed``; a survey run's is ``OUTPUT/executed``, a sweep run's
    ``run-NNN/executed``, and a run that moves its results elsewhere keeps its
    executed notebooks beside them.

    Parameters
    ----------
    layout : Layout
    order : list of str
        Notebooks of the run.
    bound : mapping
        Notebook to the checked parameters it receives.

    Returns
    -------
    Path
    """
    given = [str(bound[name]["results_dir"]) for name in order if "results_dir" in bound[name]]
    if not given:
        return layout.executed
    return (layout.root / given[0]).parent / "executed"


def written_parameters(step: Step, declared: Mapping[str, Parameter]) -> set[str]:
    """Return the output-folder parameters a notebook writes into (not only reads from).

    A path of the notebook's ``writes`` (or ``may_write``) in ``pipeline.yaml`` belongs to the
    output-folder parameter whose default folder holds it most closely
    (``reports/tables/x.csv`` to ``tables_dir``, ``reports/index.html`` to
    ``report_dir``).

    Parameters
    ----------
    step : Step
    declared : mapping
        The notebook's declared parameters.

    Returns
    -------
    set of str
    """
    defaults = {
        key: str(declared[key].default).rstrip("/") for key in OUTPUT_PARAMETERS if key in declared
    }
    written: set[str] = set()
    for path in step.writes + step.may_write:
        owners = [k for k, d in defaults.items() if path == d or path.startswith(d + "/")]
        if owners:
            written.add(max(owners, key=lambda k: len(defaults[k])))
    return written


def freeze(value: Any) -> Any:
    """Return ``value`` with every list made a tuple and every mapping read-only."""
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    return value


def thaw(value: Any) -> Any:
    """Undo :func:`freeze`: tuples become lists and read-only mappings dicts again."""
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Contract:
    """The declared pipeline and every notebook's parameters cell, read once.

    Attributes
    ----------
    steps : mapping
        Notebook name to :class:`~analysis_utils.pipeline.contract.Step`, in
        ``pipeline.yaml`` order.
    declared : mapping
        Notebook name to its declared parameters.
    """

    steps: Mapping[str, Step]
    declared: Mapping[str, Mapping[str, Parameter]]


def read_contract(pipeline: Path, *, only: Collection[str] | None = None) -> Contract:
    """Read ``pipeline.yaml`` and the parameters cell of every notebook it names, once each.

    Parameters
    ----------
    pipeline : Path
        ``notebooks/pipeline.yaml``.
    only : collection of str, optional
        Read the parameters cells of these notebooks only (a notebook checking
        its own parameters reads its own).

    Returns
    -------
    Contract
        Read-only.

    Raises
    ------
    ValueError
        For a bad entry of ``pipeline.yaml``.
    ParameterError
        For a parameters cell that breaks the contract.
    """
    steps = load_pipeline(pipeline)
    declared = {
        name: MappingProxyType(read_parameters(step.path))
        for name, step in steps.items()
        if only is None or name in only
    }
    return Contract(MappingProxyType(steps), MappingProxyType(declared))


@dataclass(frozen=True)
class PlannedStep:
    """One notebook of a run, as it will run.

    Attributes
    ----------
    step : Step
        Its entry in ``pipeline.yaml``.
    declared : mapping
        Its declared parameters.
    bound : mapping
        The checked parameters it is given, frozen (:func:`freeze`);
        :meth:`given` returns them as the notebook receives them.
    source_hash : str
        SHA-256 of its source notebook when the run was planned.
    """

    step: Step
    declared: Mapping[str, Parameter]
    bound: Mapping[str, Any]
    source_hash: str

    @property
    def name(self) -> str:
        """The notebook's name."""
        return self.step.name

    @property
    def path(self) -> Path:
        """The source notebook."""
        return self.step.path

    def given(self) -> dict[str, Any]:
        """Return the parameters the notebook is given (a fresh, changeable copy)."""
        return {key: thaw(value) for key, value in self.bound.items()}

    def defaults(self) -> dict[str, Any]:
        """Return every declared parameter's default."""
        return {name: p.default for name, p in self.declared.items()}

    def used(self) -> dict[str, Any]:
        """Return every parameter the notebook runs with: the defaults, then what it is given."""
        return {**self.defaults(), **self.given()}

    def folder(self, key: str) -> str:
        """Return an output-folder parameter's value: the one given, else its default."""
        return str(self.bound.get(key, self.declared[key].default))

    def output_folders(self) -> list[tuple[str, str]]:
        """Return each output-folder parameter it declares with its value, in declared order."""
        return [(key, self.folder(key)) for key in OUTPUT_PARAMETERS if key in self.declared]

    def written(self) -> set[str]:
        """Return the output-folder parameters it writes into (:func:`written_parameters`)."""
        return written_parameters(self.step, self.declared)


@dataclass(frozen=True)
class RunPlan:
    """Everything a run does, decided before anything starts; read-only.

    Attributes
    ----------
    layout : Layout
    contract : Contract
        ``pipeline.yaml`` and every notebook's parameters cell.
    steps : tuple of PlannedStep
        The notebooks of the run, in execution order.
    executed : Path
        Where the executed notebooks go (:func:`executed_folder`).
    environment : mapping
        The hashes of what every notebook runs on: the library and the locked
        versions (:func:`~analysis_utils.pipeline.manifest.environment_hashes`).
    survey_dir : Path, optional
        A survey run's survey folder.
    output : Path, optional
        A survey run's output folder, when the run writes only inside it and
        so replaces what earlier runs wrote there.
    serving : tuple of str
        A survey run's notebooks serving its survey's kind of input
        (:func:`~analysis_utils.pipeline.surveys.serving`): what a run of
        the whole survey runs; empty for other runs.
    jobs : int
        Notebooks run at the same time at most.
    html : bool
        Render each executed notebook as HTML beside it.
    update_sources : bool
        Copy each executed notebook over its source.
    force : bool
        Execute every notebook (``--force``, ``--update-notebooks``, or a
        survey run replacing its output folder); otherwise a notebook that
        could change nothing is skipped.
    """

    layout: Layout
    contract: Contract = field(repr=False)
    steps: tuple[PlannedStep, ...]
    executed: Path
    environment: Mapping[str, str]
    survey_dir: Path | None = None
    output: Path | None = None
    serving: tuple[str, ...] = ()
    jobs: int = 1
    html: bool = True
    update_sources: bool = False
    force: bool = False

    @property
    def order(self) -> list[str]:
        """The notebooks' names in execution order."""
        return [s.name for s in self.steps]

    def step(self, name: str) -> PlannedStep:
        """Return the planned step of notebook ``name``."""
        (found,) = [s for s in self.steps if s.name == name]
        return found

    @property
    def bound(self) -> dict[str, dict[str, Any]]:
        """Notebook to the parameters it is given (fresh copies)."""
        return {s.name: s.given() for s in self.steps}

    def needs(self) -> dict[str, set[str]]:
        """For each notebook of the run, the notebooks of the run it runs after."""
        order = set(self.order)
        return {
            name: deps & order
            for name, deps in dependencies(self.contract.steps).items()
            if name in order
        }

    def concurrent(self) -> int:
        """Return how many notebooks run at the same time at most: ``jobs``, or 1 for a chain.

        In a chain (each notebook reads, directly or not, what the one before it
        writes, as a survey run on respondent-level answers: ``00``, ``07``,
        ``09``) no two notebooks are ever ready together; running them one
        after the other spares the kernels a parallel run starts ahead for
        notebooks that cannot start yet.

        Returns
        -------
        int
        """
        needs = self.needs()
        before: dict[str, set[str]] = {}
        for name in self.order:  # execution order: a notebook's needs come first
            before[name] = set().union(*({dep} | before[dep] for dep in needs[name]))
        chain = all(
            earlier in before[later]
            for i, later in enumerate(self.order)
            for earlier in self.order[:i]
        )
        return 1 if chain else self.jobs

    @property
    def results(self) -> Path:
        """The results folder, with the run manifest (the first notebook's ``results_dir``)."""
        for step in self.steps:
            if "results_dir" in step.bound:
                return self.layout.root / str(step.bound["results_dir"])
        return self.layout.results


def assemble(
    layout: Layout,
    contract: Contract,
    bound: Mapping[str, Mapping[str, Any]],
    *,
    executed: Path | None = None,
    hashed: bool = True,
    **options: Any,
) -> RunPlan:
    """Make the plan of running the notebooks of ``bound``, in its order, with its parameters.

    Parameters
    ----------
    layout : Layout
    contract : Contract
    bound : mapping
        Notebook, in execution order, to the checked parameters it receives.
    executed : Path, optional
        Where the executed notebooks go (default
        :func:`executed_folder`).
    hashed : bool
        Hash the sources and the environment (``False``: empty hashes, for a
        plan that only checks folders, as a notebook checking its own
        parameters does).
    **options
        The other fields of :class:`RunPlan` (``survey_dir``, ``output``,
        ``serving``, ``jobs``, ``html``, ``update_sources``, ``force``).

    Returns
    -------
    RunPlan
    """
    steps = tuple(
        PlannedStep(
            contract.steps[name],
            contract.declared[name],
            freeze(dict(parameters)),
            sha256(contract.steps[name].path) if hashed else "",
        )
        for name, parameters in bound.items()
    )
    order = list(bound)
    where = executed if executed is not None else executed_folder(layout, order, bound)
    lock = layout.root / "requirements" / "lock.txt"
    environment = MappingProxyType(manifest.environment_hashes(lock) if hashed else {})
    return RunPlan(layout, contract, steps, where, environment, **options)


def bind(
    contract: Contract, names: list[str], given: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Resolve notebooks and bind parameters, without starting anything.

    Parameters
    ----------
    contract : Contract
    names : list of str
        Notebooks asked for (empty: all).
    given : mapping
        Parameters given by the user.

    Returns
    -------
    dict
        Notebook, in execution order, to the checked parameters it receives.

    Raises
    ------
    ParameterError
        Unknown notebook or parameter, a value of the wrong type, or a parameter
        decided in a notebook the run does not include (a decision is made once).
    """
    steps, declared = contract.steps, contract.declared
    order = execution_order(steps, resolve(names, steps))
    for key in given:
        if not any(key in declared[name] for name in order):
            deciders = [n for n in steps if n not in order and key in declared[n]]
            if deciders:
                raise ParameterError(
                    f"parameter {key!r} is decided in {', '.join(deciders)}, which this run does "
                    f"not include; the notebooks run read it from that notebook's results. Run "
                    f"them together: python -m analysis_utils run {' '.join(deciders)} "
                    f"{' '.join(order)} -p {key} VALUE"
                )
    return bind_parameters(given, {name: declared[name] for name in order})

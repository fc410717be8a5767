"""Execute the notebooks with Papermill in dependency order.

Before any kernel starts, the runner checks the parameters against every
selected notebook's ``parameters`` cell, checks where the run would write
(:mod:`analysis_utils.pipeline.confine`), verifies the raw data (checksums,
then schemas), loads the claims registry the run will use and checks that its
tests stay within their memory limits. Notebooks whose
inputs are ready run concurrently, up to ``jobs`` at a time, each in its own
process and kernel. An executed notebook reaches ``reports/executed/`` (or
``executed/`` beside a run's own ``results_dir``) only when it ran to the
end; a failed one is kept in a fresh private folder. Everything the run
does is decided once, before any check, in its plan (:func:`plan`), which
the checks, the locks and
the execution (:mod:`~analysis_utils.pipeline.execution`) share.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from analysis_utils.core.errors import ParameterError
from analysis_utils.core.paths import Layout
from analysis_utils.core.writing import JOURNAL_ENV
from analysis_utils.pipeline import manifest
from analysis_utils.pipeline.confine import check_output_folders
from analysis_utils.pipeline.executed import Outcome, execute_one
from analysis_utils.pipeline.execution import execute
from analysis_utils.pipeline.locks import hold_locks, written_folders
from analysis_utils.pipeline.ownership import proven, read_journal, record_written
from analysis_utils.pipeline.plan import RunPlan, assemble, bind, read_contract
from analysis_utils.pipeline.preflight import check_claims, check_limits, verify_inputs
from analysis_utils.pipeline.records import record_now, record_run, unchanged
from analysis_utils.pipeline.staging import Replacement, recover, set_aside
from analysis_utils.pipeline.surveys import (
    SURVEY_OUTPUTS,
    check_replaceable,
    kept_entries,
    owns_output,
    serving,
    survey_run,
)

__all__ = [
    "SURVEY_OUTPUTS",
    "Outcome",
    "execute_one",
    "plan",
    "record_now",
    "record_run",
    "run",
    "survey_run",
    "unchanged",
]


def plan(
    layout: Layout,
    names: list[str],
    given: Mapping[str, Any],
    *,
    jobs: int = 1,
    html: bool = True,
    update_sources: bool = False,
    force: bool = False,
) -> RunPlan:
    """Build the plan of a run from ``pipeline.yaml``, the parameters cells and the command line.

    The one place a run reads ``pipeline.yaml`` and the parameters cells
    (:func:`~analysis_utils.pipeline.plan.read_contract`), before anything
    is checked or started.

    Parameters
    ----------
    layout : Layout
    names : list of str
        Notebooks asked for (empty: all; with ``survey_dir``, the survey notebooks).
    given : mapping
        Parameters given by the user. With ``survey_dir``, a survey run
        (:func:`~analysis_utils.pipeline.surveys.survey_run`).
    jobs : int
        Notebooks run at the same time at most.
    html : bool
        Render each executed notebook as HTML.
    update_sources : bool
        Copy each executed notebook back over its source; default parameters only.
    force : bool
        Execute every notebook.

    Returns
    -------
    RunPlan

    Raises
    ------
    ParameterError
        For ``jobs`` below 1, ``update_sources`` with parameters, a bad
        notebook name or parameter, or a survey folder refused by
        :func:`~analysis_utils.pipeline.surveys.survey_run`.
    InputError
        For a survey folder that is a symbolic link.
    """
    if jobs < 1:
        raise ParameterError(f"--jobs must be at least 1, got {jobs}")
    if update_sources and any(given):
        raise ParameterError(
            "--update-notebooks refreshes the committed notebooks: "
            "run it with default parameters only"
        )
    contract = read_contract(layout.pipeline)
    survey_dir = output = None
    serves: tuple[str, ...] = ()
    if "survey_dir" in given:
        names, given, executed = survey_run(layout, names, given, contract=contract)
        survey_dir, output = Path(str(given["survey_dir"])), executed.parent
        serves = tuple(serving(contract.steps, survey_dir))
    bound = bind(contract, names, given)
    if output is not None and not owns_output(output, bound, layout.root):
        output = None  # some outputs go elsewhere (-p): written in place, nothing replaced
    return assemble(
        layout,
        contract,
        bound,
        survey_dir=survey_dir,
        output=output,
        serving=serves,
        jobs=jobs,
        html=html,
        update_sources=update_sources,
        force=force or update_sources or output is not None,
    )


def run(
    layout: Layout,
    names: list[str],
    given: Mapping[str, Any],
    *,
    jobs: int = 1,
    update_sources: bool = False,
    html: bool = True,
    force: bool = False,
    log: TextIO = sys.stderr,
    executor: Callable[..., Outcome] = execute_one,
) -> list[Outcome]:
    """Check everything, then execute the notebooks that could change something.

    Parameters
    ----------
    layout : Layout
    names : list of str
        Notebooks to run (empty: all), in any order.
    given : mapping
        Parameters (name to value). With ``survey_dir``, a run on one's own
        survey (:func:`survey_run`), which replaces the files earlier runs
        wrote in its output folder: they are set aside
        (:func:`~analysis_utils.pipeline.staging.set_aside`) and dropped only
        when every notebook succeeds, put back otherwise.
    jobs : int
        Notebooks run at the same time at most.
    update_sources : bool
        Also copy each executed notebook back over its source (to refresh the
        outputs that nbval compares against); only with default parameters.
    html : bool
        Also render each executed notebook as ``<name>.html`` beside it
        (:func:`~analysis_utils.pipeline.plan.executed_folder`:
        ``reports/executed/`` by default).
    force : bool
        Execute every notebook. Otherwise a notebook is skipped when
        :func:`~analysis_utils.pipeline.records.unchanged` says running it
        again could change nothing (its inputs are ready by then: the
        notebooks before it ran or were skipped). A survey run, which
        replaces what earlier runs wrote in its output folder, and
        ``update_sources`` always execute.
    log : text stream
        Where progress is written.
    executor : callable
        Runs one notebook (replaceable in tests).

    Returns
    -------
    list of Outcome
        One per notebook started; a notebook after a failure is not started.
        A finished notebook's ``pages`` name the report pages it wrote.

    Raises
    ------
    ParameterError
        Before anything runs, for ``jobs`` below 1, ``update_sources`` with
        parameters, a bad notebook name or parameter, an output
        folder that :func:`~analysis_utils.pipeline.confine.check_output_folders`
        refuses, a claims registry that fails :func:`check_claims`, claim
        tests that would exceed their memory limits (:func:`check_limits`), or
        a survey output folder holding files no run can be shown to have
        written (:func:`~analysis_utils.pipeline.surveys.check_replaceable`),
        or an output folder another run is writing
        (:func:`~analysis_utils.pipeline.locks.hold_locks`).
    InputError
        Before anything runs, for raw data that fail verification.
    """
    planned = plan(
        layout, names, given, jobs=jobs, html=html, update_sources=update_sources, force=force
    )
    check_output_folders(planned)
    if planned.survey_dir is not None:
        from analysis_utils.survey.analyses import check_group_by
        from analysis_utils.survey.read import read, require_questions

        checked = read(planned.survey_dir)
        require_questions(checked)
        group_by = [s.bound["group_by"] for s in planned.steps if "group_by" in s.bound]
        check_group_by(checked, str(group_by[0] or "") if group_by else "")
        codebook = (checked.questions, checked.options)
    else:
        verify_inputs(layout, code=planned.environment)
        codebook = None
    check_claims(planned, codebook=codebook)
    check_limits(planned)
    if planned.output is not None:
        check_replaceable(planned.output, layout.root)

    locks = hold_locks(written_folders(planned))
    replacement = None
    try:
        manifest.forget_unknown(planned.results, planned.contract.steps)
        if planned.output is not None:  # the files earlier runs wrote there are replaced
            recover(planned.output)
            owned = proven(planned.output, layout.root)
            replacement = set_aside(planned.output, owned, kept_entries(planned))
            os.environ[JOURNAL_ENV] = str(replacement.journal)  # kernels inherit it
        outcomes = execute(planned, log=log, executor=executor)
    except BaseException:
        _finish(replacement, planned, ok=False)
        raise
    else:
        ok = len(outcomes) == len(planned.steps) and all(o.ok for o in outcomes)
        _finish(replacement, planned, ok=ok)
    finally:
        os.environ.pop(JOURNAL_ENV, None)
        locks.close()
    return outcomes


def _finish(replacement: Replacement | None, planned: RunPlan, *, ok: bool) -> None:
    """Record and keep what a run wrote in the output folder it replaces, or undo it."""
    if replacement is None:
        return
    if ok:
        written = read_journal(replacement.journal, replacement.output)
        record_written(replacement.output, written, planned)
        replacement.commit()
    else:
        replacement.rollback()

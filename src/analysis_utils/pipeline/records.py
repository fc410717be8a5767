"""A planned notebook's run manifest record: what reuse decisions and the manifest compare.

A notebook's record (:class:`~analysis_utils.pipeline.manifest.Record`) is made
of its plan (:class:`~analysis_utils.pipeline.plan.PlannedStep`: its
parameters, its declared reads and writes, the hash of its source) and the
run's (:attr:`~analysis_utils.pipeline.plan.RunPlan.environment`: the library
and the locked versions), and of the hashes of the files it reads, taken when
it is ready to run (earlier notebooks of the run write them). :func:`unchanged`
compares it with the record of the notebook's last run; :func:`record_run`
writes it once the notebook has finished.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analysis_utils.pipeline import manifest
from analysis_utils.pipeline.plan import PlannedStep, RunPlan
from analysis_utils.survey.format import OUTPUT as SURVEY_OUTPUT
from analysis_utils.survey.format import RESPONSE_FILES


def _record(
    plan: RunPlan, step: PlannedStep, *, outputs: bool, source: str | None = None
) -> tuple[manifest.Record, Path]:
    """Describe a notebook's run as the manifest records it, and where its manifest is."""
    root = plan.layout.root
    defaults = step.defaults()
    used = step.used()
    record = manifest.Record(
        notebook=step.name,
        parameters=used,
        inputs=manifest.hashes(
            manifest.actual_paths(step.step.reads, used, defaults),
            root,
            withheld=RESPONSE_FILES,
            left_out=[SURVEY_OUTPUT],
        ),
        outputs=(
            manifest.hashes(
                manifest.actual_paths(step.step.writes + step.step.may_write, used, defaults),
                root,
            )
            if outputs
            else {}
        ),
        code={"notebook": source or step.source_hash, **plan.environment},
    )
    return record, root / str(used.get("results_dir", plan.layout.results))


def record_now(plan: RunPlan, name: str) -> manifest.Record:
    """Describe a notebook's run as :func:`record_run` would record it, before it runs.

    Parameters
    ----------
    plan : RunPlan
    name : str
        A notebook of the plan.

    Returns
    -------
    manifest.Record
        Its ``outputs`` are empty; its
        :attr:`~analysis_utils.pipeline.manifest.Record.key` is the key a run
        now would have.
    """
    return _record(plan, plan.step(name), outputs=False)[0]


def record_run(plan: RunPlan, name: str, *, source: str | None = None) -> manifest.Record:
    """Record a finished notebook in its results folder's run manifest.

    Parameters
    ----------
    plan : RunPlan
    name : str
        A notebook of the plan.
    source : str, optional
        SHA-256 of its source notebook when the run rewrote it
        (``--update-notebooks``); default the plan's.

    Returns
    -------
    manifest.Record
        What was recorded; its ``outputs`` name the files the notebook wrote.
    """
    record, folder = _record(plan, plan.step(name), outputs=True, source=source)
    records = manifest.load(folder)
    records[name] = record
    manifest.write(folder, records)
    return record


def unchanged(plan: RunPlan, name: str, executed: Sequence[Path]) -> bool:
    """Say whether running a notebook again could change nothing.

    True only when its run manifest record has the same
    :attr:`~analysis_utils.pipeline.manifest.Record.key` as a run now would
    (the notebook's source, every parameter, the hash of every input, the
    library's source and the locked versions), every output it recorded is
    on disk with its recorded hash, and its executed copies are there. A
    notebook reading respondent-level answers, which the manifest does not
    hash (:data:`~analysis_utils.pipeline.manifest.WITHHELD`), always runs.

    Parameters
    ----------
    plan : RunPlan
    name : str
        A notebook of the plan.
    executed : sequence of Path
        Its executed copies (notebook, and page where rendered).

    Returns
    -------
    bool
    """
    return still_valid(plan, name, executed) is not None


def still_valid(plan: RunPlan, name: str, executed: Sequence[Path]) -> manifest.Record | None:
    """Return a notebook's record if :func:`unchanged` holds, else None."""
    now, folder = _record(plan, plan.step(name), outputs=False)
    before = manifest.load(folder).get(name)
    if before is None or manifest.WITHHELD in before.inputs.values() or before.key != now.key:
        return None
    if not all(path.is_file() for path in executed):
        return None
    return None if manifest.check({name: before}, plan.layout.root) else before

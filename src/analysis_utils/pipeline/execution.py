"""Executing a checked run plan: each notebook skipped, or run and kept, in dependency order.

:func:`execute` runs the notebooks of a :class:`~analysis_utils.pipeline.plan.RunPlan`
one after the other (``jobs`` 1, or notebooks of which no two can run at once:
:meth:`~analysis_utils.pipeline.plan.RunPlan.concurrent`), or up to ``jobs`` at a time
(:func:`~analysis_utils.pipeline.parallel.run_parallel`), in a fresh staging
folder; an :class:`Execution` says for each notebook whether it can be skipped
(:func:`~analysis_utils.pipeline.records.unchanged`), what its executor is
given, and what becomes of its outcome: the executed copy kept (its paths
outside the project written relative to it: :mod:`~analysis_utils.pipeline.portable`;
and rendered as HTML), its run manifest record written; a failed one kept in a private
folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from analysis_utils.core.io import atomic_write_bytes
from analysis_utils.pipeline.executed import Outcome, as_html, strip_run_metadata
from analysis_utils.pipeline.parallel import run_parallel
from analysis_utils.pipeline.plan import PlannedStep, RunPlan
from analysis_utils.pipeline.portable import is_path_parameter
from analysis_utils.pipeline.records import record_run, still_valid
from analysis_utils.pipeline.staging import (
    STAGING_PREFIX,
    clear_partial_writes,
    clear_stale_staging,
    keep_failed,
)


class Execution:
    """What happens to each notebook of a run being executed.

    Parameters
    ----------
    plan : RunPlan
    staging : Path
        The run's staging folder, where the executor writes executed notebooks.
    temporary : Path
        The temporary folder outside the staging folder (failed notebooks are kept there).
    log : text stream
        Where progress is written.
    executor : callable
        Runs one notebook: ``executor(name, source, output, parameters, cwd)``.

    Attributes
    ----------
    outcomes : list of Outcome
        One per notebook finished or skipped, in the order they were.
    """

    def __init__(
        self,
        plan: RunPlan,
        staging: Path,
        temporary: Path,
        log: TextIO,
        executor: Callable[..., Outcome],
    ) -> None:
        self.plan = plan
        self.staging = staging
        self.temporary = temporary
        self.log = log
        self.executor = executor
        self.outcomes: list[Outcome] = []
        # where the run's files are on this machine: written relative to the executed copies
        self.places = sorted(
            {
                value
                for step in plan.steps
                for key, value in step.used().items()
                if is_path_parameter(key) and isinstance(value, str) and os.path.isabs(value)
            }
        )
        # The HTML pages are rendered beside the run (a second or so each, nbconvert), so
        # the notebooks waiting for one that finished start at once; the run waits at its end.
        self.pages = ThreadPoolExecutor(max_workers=1, thread_name_prefix="executed-html")
        self.rendered: list[Future[None]] = []

    def _say(self, text: str) -> None:
        print(text, file=self.log, flush=True)

    def skip(self, step: PlannedStep) -> Outcome | None:
        """Return the outcome of a notebook that need not run (its records hold), else None."""
        plan = self.plan
        copies = [plan.executed / f"{step.name}.ipynb"] + (
            [plan.executed / f"{step.name}.html"] * plan.html
        )
        before = None if plan.force else still_valid(plan, step.name, copies)
        if before is None:
            return None
        pages = tuple(path for path in before.outputs if path.endswith(".html"))
        return Outcome(step.name, ok=True, seconds=0.0, pages=pages, skipped=True)

    def arguments(self, step: PlannedStep) -> tuple[Any, ...]:
        """Say that a notebook starts; return what its executor is given."""
        self._say(f"[start] {step.name}")
        return (
            step.name,
            str(step.path),
            str(self.staging / f"{step.name}.ipynb"),
            step.given(),
            str(self.plan.layout.notebooks),
        )

    def finish(self, outcome: Outcome) -> Outcome:
        """Keep what a notebook left (copy, page, record) and say so; return its final outcome."""
        plan = self.plan
        self.outcomes.append(outcome)
        done, total = len(self.outcomes), len(plan.steps)
        if outcome.skipped:
            self._say(f"[{done}/{total}] {outcome.name} unchanged (run manifest): not run again")
        elif outcome.ok:
            executed = self.staging / f"{outcome.name}.ipynb"
            tidy = strip_run_metadata(executed, places=self.places, folder=plan.executed)
            executed.write_bytes(tidy)
            atomic_write_bytes(plan.executed / executed.name, tidy)
            if plan.html:
                self.rendered.append(self.pages.submit(_write_page, plan.executed / executed.name))
            source = None
            if plan.update_sources:
                atomic_write_bytes(plan.step(outcome.name).path, tidy)
                source = hashlib.sha256(tidy).hexdigest()
            record = record_run(plan, outcome.name, source=source)
            written = tuple(path for path in record.outputs if path.endswith(".html"))
            outcome = Outcome(**{**outcome.__dict__, "pages": written})
            self.outcomes[-1] = outcome
            self._say(f"[{done}/{total}] {outcome.name} done in {outcome.seconds:.1f} s")
        else:
            failed = self.staging / f"{outcome.name}.ipynb"
            if failed.exists():
                kept = keep_failed(failed, outcome.name, temporary=self.temporary)
                outcome = Outcome(**{**outcome.__dict__, "kept": str(kept)})
                self.outcomes[-1] = outcome
            self._say(f"[{done}/{total}] {outcome.describe()}")
        return outcome


def execute(plan: RunPlan, *, log: TextIO, executor: Callable[..., Outcome]) -> list[Outcome]:
    """Execute the notebooks of a checked plan, holding its locks.

    Parameters
    ----------
    plan : RunPlan
    log : text stream
        Where progress is written.
    executor : callable
        Runs one notebook (replaceable in tests).

    Returns
    -------
    list of Outcome
        One per notebook started or skipped; a notebook after a failure is not started.
    """
    clear_stale_staging()
    clear_partial_writes(
        [plan.executed]
        + [plan.layout.root / value for step in plan.steps for _, value in step.output_folders()]
    )
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
    # kernel connection files (written to the temporary folder) go with the staging folder,
    # so what a killed run leaves is one folder that the next run clears
    temporary = tempfile.gettempdir()
    (staging / "runtime").mkdir()
    tempfile.tempdir = str(staging / "runtime")
    execution = Execution(plan, staging, Path(temporary), log, executor)
    jobs = plan.concurrent()
    print(f"running {len(plan.steps)} notebook(s), up to {jobs} at a time", file=log, flush=True)
    try:
        if jobs == 1:
            for step in plan.steps:
                started = execution.skip(step) or executor(*execution.arguments(step))
                if not execution.finish(started).ok:
                    break
        else:
            run_parallel(plan, execution)
        for page in execution.rendered:
            page.result()
    finally:
        execution.pages.shutdown(wait=True, cancel_futures=True)
        tempfile.tempdir = temporary
        shutil.rmtree(staging, ignore_errors=True)
    return execution.outcomes


def _write_page(executed: Path) -> None:
    """Render an executed notebook as ``<name>.html`` beside it."""
    atomic_write_bytes(executed.with_suffix(".html"), as_html(executed))

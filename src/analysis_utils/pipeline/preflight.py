"""Checks before any kernel starts: raw data, the claims registry, memory and work limits.

Each refuses with exit code 2 (:class:`~analysis_utils.core.errors.InputError`
or :class:`~analysis_utils.core.errors.ParameterError`) before anything is
written, so a bad input never leaves half a run behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis_utils.core.errors import InputError, ParameterError
from analysis_utils.core.io import verify_checksums
from analysis_utils.core.paths import Layout, shown
from analysis_utils.core.validate import validate_package
from analysis_utils.pipeline import manifest
from analysis_utils.study.schemas import RAW_ROW_RULES

if TYPE_CHECKING:
    import pandas as pd

    from analysis_utils.pipeline.plan import RunPlan


def verify_inputs(layout: Layout, *, code: Mapping[str, str] | None = None) -> None:
    """Check the raw data's checksums, then its schemas.

    The schemas (Frictionless, about two seconds) are not checked again when the run
    manifest shows a notebook that read exactly these raw files under the same library and
    locked versions (:func:`~analysis_utils.pipeline.manifest.read_before`): they passed
    then, and the same check of the same bytes passes again.

    Parameters
    ----------
    layout : Layout
    code : mapping, optional
        The library's and the locked versions' hashes
        (:func:`~analysis_utils.pipeline.manifest.environment_hashes`; a run's
        plan holds them), taken now if not given.

    Raises
    ------
    InputError
        Naming file, row, column and rule of every problem.
    """
    try:
        verify_checksums(layout.raw)
    except InputError as exc:
        problems = list(exc.problems)
    else:
        problems = []
        raw = manifest.hashes([shown(layout.raw, layout.root)], layout.root)
        if code is None:
            code = manifest.environment_hashes(layout.root / "requirements" / "lock.txt")
        if manifest.read_before(layout.results, raw, code):
            return
    try:
        validate_package(layout.datapackage, root=layout.root, rules=RAW_ROW_RULES)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)


#: The parameter naming the claims registry a notebook reads.
CLAIMS_PARAMETER = "claims_file"


def check_claims(
    plan: RunPlan, *, codebook: tuple[pd.DataFrame, pd.DataFrame] | None = None
) -> None:
    """Load the claims registry the run will use, before any kernel starts.

    Each notebook of the run that declares ``claims_file`` reads the registry
    it names (bound by the user or a survey run, else the parameter's default),
    from the project root; an empty value means no claims and is skipped. Every
    such file is read with :func:`analysis_utils.audit.registry.load_claims`,
    the loader of ``03_test_claims``, which checks the claims' fields, their
    evidence, their survey tests and the sources of external tests. Whether an
    external claim's kind of test is one the study knows is left to
    ``05_test_external_evidence`` (its loader,
    ``analysis_utils.study.external_claims.load_claims``): the pipeline never
    imports the study.

    Parameters
    ----------
    plan : RunPlan
        The run: its notebooks and the checked parameters they receive.
    codebook : tuple of DataFrame, optional
        A survey run's checked ``questions`` and ``options``: every question,
        option and group a claim names must be in them
        (:func:`analysis_utils.audit.registry.check_codebook`).

    Raises
    ------
    ParameterError
        In one line naming the file, the claim and the rule it breaks, or the
        file that cannot be read.
    """
    from analysis_utils.audit.registry import check_codebook, load_claims

    layout = plan.layout
    readers: dict[Path, list[str]] = {}
    for step in plan.steps:
        if CLAIMS_PARAMETER not in step.declared:
            continue
        value = step.folder(CLAIMS_PARAMETER)
        if value:
            readers.setdefault(layout.root / value, []).append(step.name)
    for path, names in readers.items():
        where = f"{CLAIMS_PARAMETER} {shown(path, layout.root)} (read by {', '.join(names)})"
        try:
            claims = load_claims(path)
            if codebook is not None:
                check_codebook(claims, *codebook)
        except OSError as exc:
            raise ParameterError(f"{where}: cannot read it: {exc.strerror or exc}") from None
        except ValueError as exc:
            detail = str(exc).removeprefix(f"{path.name}: ")
            raise ParameterError(f"{where}: {detail}") from None


def check_limits(plan: RunPlan) -> None:
    """Refuse, before any kernel starts, work beyond its memory or work limits.

    The granularity audit's search (``n_max``, every size from 1, for each
    distinct reported percentage of ``survey_items.csv`` when it is there, at
    least one otherwise) is checked against
    :data:`analysis_utils.audit.limits.MAX_SIZE_SEARCHES`, the questions named
    to be drawn (``figure_questions``) against ``MAX_FIGURES``. For each notebook of
    the run that tests claims (it declares ``claims_file``,
    ``n_candidates`` and ``readings``), the number of simulated surveys
    (``size_draws``) is checked, and, when sizes are given (``n_candidates``),
    the reconstructions of every claim at every size and reading are counted
    without being enumerated
    (:func:`analysis_utils.audit.claim_tests.check_limits`,
    :mod:`analysis_utils.audit.limits`). Counting needs the survey's items
    (``survey_items.csv`` in ``processed_dir``) and the rounding rule (bound to
    ``02_audit_reported_percentages`` in this run, else read from its results);
    when either is not there yet the count is left to the notebook, which
    makes it before enumerating anything.

    Parameters
    ----------
    plan : RunPlan
        The run: its notebooks and the checked parameters they receive.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter (or the claim, n and reading), the
        limit and what to do.
    """
    import pandas as pd

    from analysis_utils.audit import limits
    from analysis_utils.audit.claim_tests import check_limits as check_claim_limits
    from analysis_utils.audit.registry import load_claims
    from analysis_utils.core import io
    from analysis_utils.survey import schemas

    layout = plan.layout
    for step in plan.steps:
        name, declared, given = step.name, step.declared, step.used()
        if "n_max" in given:
            # a survey run's items are written afresh from its survey folder: not known yet
            survey_run = any("survey_dir" in other.bound for other in plan.steps)
            _check_search(layout, name, given, known=not survey_run)
        if "figure_questions" in given:
            try:
                limits.check_figures(len(given["figure_questions"]))
            except ValueError as exc:
                raise ParameterError(f"{name}: {exc}") from None
        if not {CLAIMS_PARAMETER, "n_candidates", "readings"} <= set(declared):
            continue
        candidates = [int(n) for n in given["n_candidates"]]
        rounding = _decided_rounding(plan, given.get("results_dir"))
        items_file = layout.root / str(given.get("processed_dir", "")) / "survey_items.csv"
        claims, items = [], pd.DataFrame()
        if candidates and given[CLAIMS_PARAMETER] and rounding and items_file.is_file():
            try:
                items = io.read_table(items_file, schemas.SURVEY_ITEMS)
                claims = load_claims(layout.root / str(given[CLAIMS_PARAMETER]))
            except (OSError, ValueError, InputError):
                claims = []  # the notebook that reads them reports the problem
        size_draws, draws = given.get("size_draws"), given.get("draws")
        try:
            check_claim_limits(
                claims,
                items,
                candidates,
                rounding=rounding,
                readings=list(given["readings"]),
                size_draws=None if size_draws is None else int(size_draws),
                draws=None if draws is None else int(draws),
            )
        except ValueError as exc:
            raise ParameterError(f"{name}: {exc}") from None


def _check_search(layout: Layout, name: str, given: Mapping[str, Any], *, known: bool) -> None:
    """Refuse a granularity audit's ``n_max`` beyond its work limit (see :func:`check_limits`).

    The distinct reported percentages are counted in ``survey_items.csv`` when it is
    ``known`` (there, and not to be written afresh by the run); otherwise one is assumed
    and the notebook checks again once it has read them.
    """
    from analysis_utils.audit import limits
    from analysis_utils.audit.tables import distinct_percentages
    from analysis_utils.core import io
    from analysis_utils.survey import schemas

    items_file = layout.root / str(given.get("processed_dir", "")) / "survey_items.csv"
    percentages = 1
    if known:
        try:
            percentages = distinct_percentages(io.read_table(items_file, schemas.SURVEY_ITEMS))
        except (OSError, ValueError, InputError):
            percentages = 1  # not there yet
    try:
        limits.check_sizes_searched(int(given["n_max"]), percentages)
    except ValueError as exc:
        raise ParameterError(f"{name}: {exc}") from None


def _decided_rounding(plan: RunPlan, results_dir: Any) -> str:
    """Return the rounding rule the run's claim tests will use (empty if not yet known)."""
    from analysis_utils.audit.results import AuditResults

    decider = AuditResults.NOTEBOOK
    if decider in plan.order:
        return str(plan.step(decider).used()["rounding"])
    try:
        return AuditResults.load(plan.layout.root / str(results_dir or "")).rounding
    except (OSError, ValueError):
        return ""

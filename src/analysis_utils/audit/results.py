"""The typed results of the audit's notebooks: the audit, the claim tests, the figures.

``02_audit_reported_percentages``, ``03_test_claims`` and ``04_reproduce_figures``,
each read from its results JSON by its ``load``
(:class:`analysis_utils.core.results.Results`), read by attribute downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from analysis_utils.core.results import Results


@dataclass(frozen=True)
class AuditResults(Results):
    """``02_audit_reported_percentages``: the audit's decisions and the sizes it finds."""

    NOTEBOOK: ClassVar[str] = "02_audit_reported_percentages"
    #: Decision: how the source rounded its percentages.
    rounding: str
    #: Decision: the largest sample size searched.
    n_max: int
    #: Decision: questions whose percentages may be of a subgroup.
    subgroup_questions: list[str]
    #: The counts are observed (respondent-level answers): n is the number of
    #: respondents, no sample size is searched and nothing is reconstructed.
    counts_observed: bool
    stated_n: int | None
    stated_n_consistent: bool
    percentages_possible_at_stated_n: dict[str, bool]
    smallest_n_per_percent: dict[str, int]
    smallest_n_full_sample: int | None
    smallest_n_all_percentages: int | None
    subgroup_sizes_at_smallest_n: list[int]


@dataclass(frozen=True)
class ClaimTestResults(Results):
    """``03_test_claims``: the sizes and readings tested, and the verdicts."""

    NOTEBOOK: ClassVar[str] = "03_test_claims"
    candidates: list[int]
    rounding: str
    readings: list[str]
    alpha: float
    confidence: float
    prior: float
    draws: int
    seed: int
    verdicts: dict[str, str]
    holds: dict[str, list[int]]
    mode_test_size_max: float | None
    robustness_n_max: int
    robustness: list[dict[str, Any]]

    def held(self) -> tuple[Held, ...]:
        """Return in how many reconstructions each claim holds, per size and reading.

        Returns
        -------
        tuple of Held
            One per claim, n and reading with at least one reconstruction, in
            claim, n and reading order (read from :attr:`holds`, keyed
            ``claim@n@reading``).
        """
        rows = []
        for key, (holds, of) in self.holds.items():
            claim, n, reading = key.split("@", 2)
            if of:
                rows.append(Held(claim, int(n), reading, holds, of))
        return tuple(sorted(rows, key=lambda r: (r.claim, r.n, r.reading)))

    def robustness_rows(self) -> tuple[RobustnessRow, ...]:
        """Return :attr:`robustness` (``claim_robustness.csv`` summarised) as typed rows.

        Returns
        -------
        tuple of RobustnessRow
            In the order written.
        """
        return tuple(RobustnessRow(**row) for row in self.robustness)


@dataclass(frozen=True)
class Held:
    """In how many reconstructions one claim holds at one size and reading."""

    claim: str
    n: int
    reading: str
    holds: int
    of: int


@dataclass(frozen=True)
class RobustnessRow:
    """A mode claim across the sizes, under one reading, rounding rule and prior.

    The ranges, over the feasible sizes swept, of the share of reconstructions
    in which the claim holds, in which the test rejects, and of the posterior
    probability of the largest share (``claim_robustness.csv`` summarised).
    """

    claim_id: str
    reading: str
    rounding: str
    prior: float
    sizes: int
    n_min: int
    n_max: int
    holds_share_min: float
    holds_share_max: float
    significant_share_min: float
    significant_share_max: float
    posterior_min: float
    posterior_max: float


@dataclass(frozen=True)
class QuestionFigure:
    """The figure of one choice question that ``04_reproduce_figures`` drew."""

    #: The question drawn.
    question: str
    #: Count vectors consistent with its reported percentages at the figure's n.
    reconstructions: int
    #: Option code to the percentage the source reports (options it reports only).
    reported: dict[str, float]


@dataclass(frozen=True)
class FigureResults(Results):
    """``04_reproduce_figures``: the figures drawn and the n of their ranges."""

    NOTEBOOK: ClassVar[str] = "04_reproduce_figures"
    figure_n: int
    #: The files written (SVG and PNG), by name.
    figures: list[str]
    #: File stem to the choice question its figure draws, in the order drawn.
    survey_figures: dict[str, QuestionFigure]

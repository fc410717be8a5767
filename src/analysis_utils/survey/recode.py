"""Recodes and pooled groups, as data: SPSS's ``RECODE ... INTO``, Stata's ``recode``.

A :class:`Recode` says which old codes make each new code, with the new codes' labels,
e.g. a 7-point party identification pooled into three groups::

    Recode.from_mapping({
        "groups": {1: [0, 1, 2], 2: [3], 3: [4, 5, 6]},
        "labels": {1: "Democrat", 2: "Independent", 3: "Republican"},
    })

(the form a codebook file holds: "codes 0 and 1 are Democrats"). :meth:`Recode.apply`
gives the new answers, one per respondent in the same order, so every table, chart and
claim can take them as any other question: a declared missing kind keeps its code and
stays missing, a blank stays blank, and a valid code no group lists is refused (never
silently dropped) unless the recode says ``other`` (the new code for every unlisted one).

:func:`compare_proportions` compares a yes/no outcome between two groups as a
difference of proportions, with the Newcombe hybrid score interval (Wilson intervals of
each group combined; statsmodels' ``confint_proportions_2indep(method="newcomb")``) and
the score test (statsmodels' ``test_proportions_2indep(method="score",
correction=False)``, the pooled z-test whose square is Pearson's chi-square of the 2x2
table), without reading the outcome as ordinal.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from analysis_utils.survey.coded import Labels, label, masks, plain


@dataclass(frozen=True)
class Recode:
    """Which old codes make each new code.

    Attributes
    ----------
    groups : mapping
        New code -> the old codes pooled into it (each old code in one group at most).
    labels : mapping
        New code -> its label.
    other : hashable or None
        The new code of every valid old code no group lists; ``None`` refuses them.
    source : str or None
        The question recoded, when the recode makes a new question (:func:`recode_frame`);
        ``None`` recodes the question of the same name.
    """

    groups: Mapping[Hashable, tuple[Hashable, ...]]
    labels: Mapping[Hashable, str] = field(default_factory=dict)
    other: Hashable | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        seen: dict[Hashable, Hashable] = {}
        for new, olds in self.groups.items():
            for old in olds:
                if plain(old) in seen:
                    raise ValueError(
                        f"old code {old!r} is in two groups: {seen[plain(old)]!r} and {new!r}"
                    )
                seen[plain(old)] = new
        unknown = set(map(plain, self.labels)) - set(map(plain, self.groups))
        if self.other is not None:
            unknown -= {plain(self.other)}
        if unknown:
            raise ValueError(f"labels of codes no group makes: {sorted(map(str, unknown))}")

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Any]) -> Recode:
        """Build a recode from plain data (as read from YAML or JSON).

        Parameters
        ----------
        spec : mapping
            ``groups`` (new code -> list of old codes), optional ``labels`` (new code ->
            label), ``other`` and ``from`` (the question recoded into a new one).

        Returns
        -------
        Recode

        Raises
        ------
        ValueError
            If ``groups`` is missing or an entry is not a list of codes.
        """
        unknown = set(spec) - {"groups", "labels", "other", "from"}
        if unknown or "groups" not in spec:
            raise ValueError(
                f"a recode has 'groups' and optional 'labels', 'other', 'from'; got {sorted(spec)}"
            )
        groups = {}
        for new, olds in spec["groups"].items():
            if isinstance(olds, str | bytes) or not isinstance(olds, Sequence):
                raise ValueError(f"group {new!r} must list old codes, got {olds!r}")
            groups[new] = tuple(olds)
        source = spec.get("from")
        return cls(
            groups=groups,
            labels=dict(spec.get("labels", {})),
            other=spec.get("other"),
            source=None if source is None else str(source),
        )

    def lookup(self) -> dict[Hashable, Hashable]:
        """Give old code -> new code."""
        return {plain(old): new for new, olds in self.groups.items() for old in olds}

    def apply(self, answers: pd.Series, *, missing: Labels | None = None) -> pd.Series:
        """Give the recoded answers, one per respondent, same index and name.

        Parameters
        ----------
        answers : Series
            Codes; ``NaN`` is blank.
        missing : mapping, optional
            Declared missing kinds: kept as they are (their codes must not be regrouped).

        Returns
        -------
        Series
            New codes (object dtype), missing kinds and blanks unchanged.

        Raises
        ------
        ValueError
            If a valid code no group lists is given and ``other`` is None, or a group
            lists a declared missing code.
        """
        table = self.lookup()
        kinds = {plain(k) for k in (missing or {})}
        if clash := sorted(map(str, kinds & set(table))):
            raise ValueError(f"missing kinds cannot be regrouped: {clash}")
        valid, _, _ = masks(answers, missing=missing)
        keys = answers.map(plain)
        unlisted = sorted(map(str, set(keys[valid]) - set(table)))
        if unlisted and self.other is None:
            raise ValueError(
                f"codes of {answers.name!r} in no group: {unlisted}; list them or set 'other'"
            )
        out = keys.astype(object).copy()
        out[valid] = [table.get(k, self.other) for k in keys[valid]]
        out[~valid] = answers[~valid].astype(object)
        return out.rename(answers.name)

    def value_labels(self) -> dict[Hashable, str]:
        """Give the new codes' labels (a code without one is labelled by itself)."""
        codes = list(self.groups) + ([] if self.other is None else [self.other])
        return {c: label(c, self.labels) for c in codes}


@dataclass(frozen=True, eq=False)
class ProportionComparison:
    """A yes/no outcome compared between two groups.

    Attributes
    ----------
    table : DataFrame
        One row per group: ``group``, ``label``, ``n``, ``count`` (answering yes),
        ``proportion``.
    difference : float
        Proportion of the first group minus the second's.
    ci_low, ci_high : float
        Interval of the difference.
    statistic, p_value : float
        Of the test of equal proportions.
    n : int
        Respondents in the two groups with a valid outcome.
    confidence : float
    method : str
    """

    table: pd.DataFrame
    difference: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    n: int
    confidence: float
    method: str


def compare_proportions(
    outcome: pd.Series,
    groups: pd.Series,
    *,
    success: Sequence[Hashable],
    pair: tuple[Hashable, Hashable],
    group_labels: Labels | None = None,
    outcome_missing: Labels | None = None,
    group_missing: Labels | None = None,
    confidence: float = 0.95,
) -> ProportionComparison:
    """Compare the share answering yes between two groups.

    Parameters
    ----------
    outcome : Series
        The yes/no outcome (codes; ``success`` are the yes codes, every other valid
        code is no).
    groups : Series
        The grouping question (e.g. recoded by :class:`Recode`).
    success : sequence
        Codes of the outcome counted as yes.
    pair : tuple
        The two group codes compared, first minus second.
    group_labels : mapping, optional
    outcome_missing, group_missing : mapping, optional
        Declared missing kinds, left out.
    confidence : float

    Returns
    -------
    ProportionComparison

    Raises
    ------
    ValueError
        If a group of the pair has no respondent with a valid outcome.
    """
    o_valid, _, _ = masks(outcome, missing=outcome_missing)
    g_valid, _, _ = masks(groups, missing=group_missing)
    keys, yes = groups.map(plain), outcome.map(plain).isin([plain(s) for s in success])
    rows = []
    for code in pair:
        member = (o_valid & g_valid) & (keys == plain(code)).to_numpy()
        n, k = int(member.sum()), int((yes.to_numpy() & member).sum())
        if n == 0:
            raise ValueError(f"group {code!r} has no respondent with a valid outcome")
        rows.append((code, label(code, group_labels), n, k, k / n))
    (_, _, n1, k1, p1), (_, _, n2, k2, p2) = rows
    low, high = confint_proportions_2indep(
        k1, n1, k2, n2, method="newcomb", compare="diff", alpha=1 - confidence
    )
    test = test_proportions_2indep(k1, n1, k2, n2, method="score", compare="diff", correction=False)
    return ProportionComparison(
        table=pd.DataFrame(rows, columns=["group", "label", "n", "count", "proportion"]),
        difference=p1 - p2,
        ci_low=float(low),
        ci_high=float(high),
        statistic=float(test.statistic),
        p_value=float(test.pvalue),
        n=n1 + n2,
        confidence=confidence,
        method=(
            f"difference of proportions ({rows[0][1]} minus {rows[1][1]}), Newcombe hybrid "
            f"score interval ({100 * confidence:g} %, from Wilson intervals); score test of "
            "equal proportions (z; its square is Pearson's chi-square of the 2x2 table)"
        ),
    )


def recode_frame(
    frame: pd.DataFrame,
    recodes: Mapping[str, Recode],
    *,
    missing: Mapping[str, Labels] | None = None,
) -> pd.DataFrame:
    """Give a frame with each recode applied: a question replaced, or a new one added.

    Parameters
    ----------
    frame : DataFrame
    recodes : mapping
        Question -> its recode; a recode with a ``source`` makes this question from that
        one (e.g. ``party`` from ``PID``), else it replaces the question of that name.
    missing : mapping, optional
        Question -> its missing kinds (those of the source question are kept).

    Returns
    -------
    DataFrame
        A copy; other questions unchanged.
    """
    out = frame.copy()
    for column, spec in recodes.items():
        source = spec.source or column
        out[column] = spec.apply(frame[source], missing=(missing or {}).get(source)).rename(column)
    return out


def recodes_from_mapping(specs: Mapping[str, Mapping[str, Any]]) -> dict[str, Recode]:
    """Read the recodes of a codebook file: question -> its recode as plain data.

    Parameters
    ----------
    specs : mapping
        Question -> :meth:`Recode.from_mapping`'s mapping, e.g. ``{"party": {"from": "PID",
        "groups": {...}, "labels": {...}}}``.

    Returns
    -------
    dict
        Question -> :class:`Recode`.

    Raises
    ------
    ValueError
        Naming the question whose recode is wrong.
    """
    out = {}
    for name, spec in specs.items():
        try:
            out[str(name)] = Recode.from_mapping(spec)
        except (ValueError, AttributeError, TypeError) as error:
            raise ValueError(f"recode of {name!r}: {error}") from error
    return out

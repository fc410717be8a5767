"""Reading a reported percentage as a share of a subgroup when the whole sample cannot give it.

:func:`subgroups` lists the subgroup sizes that make such a percentage possible
at a sample size, with the other reported options that can have exactly that
many respondents; :func:`subgroup_readings` says, per survey claim and size,
what the percentage then is of, and what that leaves unknown of the whole sample.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis_utils.audit.decisions import Rounding
from analysis_utils.audit.granularity import matching_counts, subgroup_sizes
from analysis_utils.audit.registry import Claim
from analysis_utils.audit.tables import reported


def subgroups(
    items: pd.DataFrame, n: int, *, rounding: Rounding, questions: Iterable[str]
) -> pd.DataFrame:
    """Subgroup sizes that would make a percentage possible when n itself does not.

    Parameters
    ----------
    items : DataFrame
    n : int
        Sample size.
    rounding : Rounding
    questions : iterable of str
        Questions whose percentage may be of a subgroup.

    Returns
    -------
    DataFrame
        One row per (percentage, subgroup size m <= n): ``number_id, percent,
        n, consistent_with_n, subgroup_size, matches`` where ``matches`` names
        other reported options that can have exactly m respondents at this n
        (the subgroup the percentage may be of).
    """
    table = reported(items)
    rows = []
    others = table[~table["question_id"].isin(set(questions))]
    for record in table[table["question_id"].isin(set(questions))].itertuples(index=False):
        whole = len(matching_counts(record.percent, n, percent=True, rounding=rounding)) > 0
        for m in subgroup_sizes(record.percent, n, rounding=rounding):
            matches = [
                f"{o.option_label} ({o.percent}%)"
                for o in others.itertuples(index=False)
                if m in matching_counts(o.percent, n, percent=True, rounding=rounding)
            ]
            rows.append(
                {
                    "number_id": record.number_id,
                    "percent": record.percent,
                    "n": n,
                    "consistent_with_n": whole,
                    "subgroup_size": m,
                    "matches": "; ".join(matches),
                }
            )
    return pd.DataFrame(
        rows, columns=["number_id", "percent", "n", "consistent_with_n", "subgroup_size", "matches"]
    )


def subgroup_readings(
    claims: Sequence[Claim],
    items: pd.DataFrame,
    candidates: Sequence[int],
    *,
    rounding: Rounding,
    questions: Sequence[str],
) -> dict[str, dict[int, str]]:
    """Subgroup readings of a claim's percentage, where a reported option can be its base.

    Parameters
    ----------
    claims : sequence of Claim
    items : DataFrame
        ``survey_items.csv``.
    candidates : sequence of int
        Sample sizes.
    rounding : Rounding
    questions : sequence of str
        Questions whose percentage may be of a subgroup.

    Returns
    -------
    dict
        Claim id to {n: sentence}, e.g. ``{"C3": {9: "57 % can be 4 of the 7
        highly-educated (4 to 6 of all 9 respondents, the other 2's answers being
        unknown; a subgroup reading, reconstructed)"}}``, for the
        survey claims on those questions at every size where another reported
        option has a matching count, whether or not the percentage can also be a
        share of all n respondents (the article need not state its base).
    """
    out: dict[str, dict[int, str]] = {}
    for claim in claims:
        if claim.evidence != "survey" or claim.question not in questions:
            continue
        for n in candidates:
            table = subgroups(items, n, rounding=rounding, questions=[str(claim.question)])
            table = table[table["matches"] != ""]
            readings = []
            for r in table.itertuples(index=False):
                ks = matching_counts(
                    str(r.percent), int(r.subgroup_size), percent=True, rounding=rounding
                )
                counts = " or ".join(str(k) for k in ks)
                others = n - int(r.subgroup_size)
                of_all = (
                    f"{min(ks)} to {max(ks) + others} of all {n} respondents, the other "
                    f"{others}'s answers being unknown"
                    if others
                    else f"{counts} of all {n} respondents"
                )
                readings.append(
                    f"{r.percent} % can be {counts} of the {r.subgroup_size} "
                    f"{r.matches.split(' (')[0]} ({of_all}; a subgroup reading, reconstructed)"
                )
            if readings:
                out.setdefault(claim.id, {})[n] = "; ".join(readings)
    return out

"""How the TIP narratives' statements are read: derived rules, in the statements' own terms.

Statements of the US TIP reports' narratives (verbatim, ``tip_statements.csv``) are
evidence on what identification misses (H2) and on the government's funding of NGOs
(H3). Each is read by a derived rule, first match wins (:data:`FUNDING_READINGS`,
:data:`IDENTIFICATION_READINGS`), and dated by the years it covers
(:func:`years_covered`). The verdicts that weigh them are in
:mod:`analysis_utils.study.hypotheses`.
"""

from __future__ import annotations

import re

import pandas as pd

#: How a TIP statement on funding is read (derived rules, first match wins): the
#: government under-funded NGO partners or NGO-run shelters; reduced what it gave
#: NGOs; left victims' assistance to foreign donors; otherwise it reports funding.
FUNDING_READINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "no funding for NGO-run shelters",
        re.compile(r"(?:did not provide funding|did not fund)[^.]*NGO"),
    ),
    (
        "inadequate or inconsistent funding of NGO partners or NGO-run shelters",
        re.compile(r"(?:failed to provide|did not provide)[^.]*(?:adequate|consistent)[^.]*NGO"),
    ),
    (
        "reduced NGO funding, some NGO funding reported",
        re.compile(r"\bfunded\b[^.]*NGO[^.]*fewer resources[^.]*NGO"),
    ),
    ("reduced NGO funding", re.compile(r"fewer resources[^.]*NGO")),
    ("donors instead of the state", re.compile(r"foreign donors provided funding")),
    (
        "money for awareness campaigns or training, not rehabilitation",
        re.compile(r"fund\w*[^.]*\b(?:awareness campaigns|training)\b"),
    ),
    (
        "money whose recipients or purpose are not stated",
        re.compile(r"grants for civil society|overall funding for victim protection"),
    ),
)
#: Readings of :data:`FUNDING_READINGS` that say the government under-funded NGO partners or
#: NGO-run shelters: inadequately or inconsistently, or not at all.
UNDER_FUNDED = (
    "inadequate or inconsistent funding of NGO partners or NGO-run shelters",
    "no funding for NGO-run shelters",
)
#: Readings that report some money for NGOs (besides "funding reported", the default) and
#: that report fewer resources for them.
REPORTS_FUNDING = ("funding reported", "reduced NGO funding, some NGO funding reported")
REPORTS_FEWER = ("reduced NGO funding", "reduced NGO funding, some NGO funding reported")
#: Readings of money not weighed on H3: not for rehabilitation, or not said to be.
NOT_WEIGHED = (
    "money for awareness campaigns or training, not rehabilitation",
    "money whose recipients or purpose are not stated",
)
#: What a statement that donors paid instead of the state says, in its own words: the
#: budget the government reported, whom it did not assist, whom the donors funded.
DONORS_BUDGET = re.compile(r"allocating (more than \$[\d,]+) for victim assistance")
DONORS_NOT_ASSISTED = re.compile(r"did not provide basic assistance for (these [^.;]*?victims)")
DONORS_PAID_FOR = re.compile(r"foreign donors provided funding for ([^.;]*?victims)")
#: What a TIP statement says of identification (derived rules, first match wins), in the
#: statement's own terms: inadequate efforts to identify forced-labour victims; a
#: forced-labour case exposing referral deficiencies; no forced-begging victims
#: identified; sex trafficking cases reclassified; otherwise shortfalls for victims of
#: a form the statement does not name.
IDENTIFICATION_READINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "inadequate efforts to identify forced-labour victims",
        re.compile(r"inadequate efforts to identify|identifying victims of forced labou?r"),
    ),
    (
        "a forced-labour case exposing referral deficiencies",
        re.compile(r"forced labou?r case", re.IGNORECASE),
    ),
    ("no forced-begging victims identified", re.compile(r"forced begging", re.IGNORECASE)),
    (
        "internal sex trafficking cases reclassified as lesser offences",
        re.compile(r"sex trafficking cases reclassified", re.IGNORECASE),
    ),
)
#: The form of trafficking each reading of :data:`IDENTIFICATION_READINGS` is about.
FORM_OF = {
    "inadequate efforts to identify forced-labour victims": "forced labour",
    "a forced-labour case exposing referral deficiencies": "forced labour",
    "no forced-begging victims identified": "forced labour",
    "internal sex trafficking cases reclassified as lesser offences": "sex trafficking",
}
#: Kinds of copy (``tip_statements.csv`` ``copy``) not checked against the State Department's.
UNVERIFIED = frozenset({"third-party copy"})
#: The reading of a statement on identification that names no form.
FORM_NOT_STATED = "shortfalls for victims of a form not stated"
#: A statement's count of victims in one case: "involving approximately 496 victims".
LARGE_CASE = re.compile(r"involving approximately (\d+) victims")
#: An article's sentence naming men among those subjected to forced labour.
MEN_IN_FORCED_LABOUR = re.compile(r"\bmen\b(?=.*forced labou?r)", re.IGNORECASE)
#: "for the third year in a row" and the like: the years a statement covers.
IN_A_ROW = re.compile(r"for the (second|third|fourth|fifth) year in a row")
ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5}


def _first_match(readings: tuple[tuple[str, re.Pattern[str]], ...], quote: str, other: str) -> str:
    """Return the first reading whose rule matches the quote, else ``other``."""
    return next((reading for reading, pattern in readings if pattern.search(quote)), other)


def funding_reading(quote: str) -> str:
    """Read a TIP statement on funding (see :data:`FUNDING_READINGS`).

    Parameters
    ----------
    quote : str

    Returns
    -------
    str
        One of the readings, or ``funding reported``.
    """
    return _first_match(FUNDING_READINGS, quote, "funding reported")


def identification_reading(quote: str) -> str:
    """Read a TIP statement on identification (see :data:`IDENTIFICATION_READINGS`).

    Parameters
    ----------
    quote : str

    Returns
    -------
    str
        The form of trafficking whose victims or cases the statement says were
        missed, or :data:`FORM_NOT_STATED`.
    """
    return _first_match(IDENTIFICATION_READINGS, quote, FORM_NOT_STATED)


def years_covered(quote: str, reference_year: int) -> list[int]:
    """List the reference year and the earlier years "for the third year in a row" implies.

    Parameters
    ----------
    quote : str
    reference_year : int

    Returns
    -------
    list of int
    """
    found = IN_A_ROW.search(quote)
    back = ORDINALS[found.group(1)] - 1 if found else 0
    return list(range(reference_year - back, reference_year + 1))


def statements_about(statements: pd.DataFrame, claim: str) -> pd.DataFrame:
    """Select the TIP statements bearing on one claim, by reference year.

    Parameters
    ----------
    statements : DataFrame
        ``tip_statements.csv``.
    claim : str

    Returns
    -------
    DataFrame
        Its rows sorted by reference year and id.
    """
    rows = statements[statements["claim"] == claim]
    return rows.sort_values(["reference_year", "id"], kind="stable").reset_index(drop=True)

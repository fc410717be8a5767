"""The shareable report's tables together: a recode's tables and its source's are linked.

A recode (``analyses.yaml``) pools its source's answers: ``party`` 1 is ``pid`` 0, 1 and 2.
So each count of a table *of* or *by* the recode is a sum of counts of the same table of or
by the source, over the same respondents: the frequencies of ``party`` add up those of
``pid``; a cell of ``income by party`` adds up cells of ``income by pid``; a group's n of
``age by party`` adds up groups' n of ``age by pid`` (and its mean, their means). Each table
protected on its own (:mod:`analysis_utils.survey.shareable`) is then not enough: with
``income by pid`` and ``income by party`` on one page, ``Democrat`` minus the published
``pid`` cells of the Democrats tells a withheld one.

The rule (:func:`shared_tables`), the simplest we could prove: a table of or by a recode
goes on the shareable page only where the same table of or by its source (computed from
the answers, whether or not it is on the page) withholds nothing of what it would link:

* when the source's table is on the page too (either way round: ``pid by vote`` is ``vote
  by pid`` turned), or another recode's of the same source (two
  poolings of one question tell their differences), the source's table must withhold
  nothing at all. Then every count of the source's table is 0 or at least ``min_cell``;
  every count of the recode's table, and every difference of the two, is a sum of such
  counts, so it is 0 or at least ``min_cell`` too, and nothing is withheld in either;
* otherwise the two share only the recode's totals (a group's respondents are the sum of
  its source groups'): the source's table must withhold none of its totals of the source
  (for a numeric or multiple-choice question by group, none of its groups; for a
  frequency table, nothing). Then the recode's totals are sums of source counts that
  every other table may publish, and its cells are linked to nothing else on the page:
  its own suppression protects them.

Where a recode's table fails this, it is left out of the shareable page, which says which
table, why, and which parameter shares it (the analysis report shows it in full). Tables
count the respondents who answered both questions: where a question has missing answers,
two tables' totals may count different respondents and are linked by no sum.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis_utils.survey.blocks import Block
from analysis_utils.survey.report_answers import Coded
from analysis_utils.survey.report_groups import group_description_block, multiple_group_block
from analysis_utils.survey.report_tables import crosstab_block, frequency_block
from analysis_utils.survey.shareable import Shared, shared, withholds
from analysis_utils.survey.suppression import suppress_table

#: The kinds of table a recode links to its source (frequencies, crosstabs, by group).
LINKED_KINDS = ("frequencies", "crosstab", "groups", "multiple_groups")


def _recodes(block: Block, coded: Coded) -> list[tuple[str, str]]:
    """Give (recode, its source) for the grouping question and the question that are recodes."""
    if block.kind not in LINKED_KINDS:
        return []
    names = [block.group, block.question] if block.group else [block.question]
    return [(name, coded.sources[name]) for name in names if name in coded.sources]


def _key(block: Block, recode: str, source: str) -> str:
    """Give the key the same table has with ``source`` in place of ``recode``."""
    question = source if block.question == recode else block.question
    if block.kind == "frequencies":
        return f"freq_{question}"
    group = source if block.group == recode else block.group
    return f"{block.key.split('_', 1)[0]}_{question}_by_{group}"


def _turned(key: str) -> str:
    """Give the key of a crosstab with its question and grouping question swapped."""
    if not key.startswith("cross_"):
        return key
    question, group = key.removeprefix("cross_").split("_by_", 1)
    return f"cross_{group}_by_{question}"


def _crosstab_withholds(
    coded: Coded, question: str, group: str, *, totals: str | None, min_cell: int
) -> bool:
    """Say whether a crosstab would withhold anything (``totals``: only that side's totals)."""
    try:  # the counts are what matter here: a quick test
        result = crosstab_block(coded, question, group, min_cell=min_cell, test="chi2").result
    except ValueError:  # fewer than two answers of one: no table, nothing to link
        return False
    rule = suppress_table(result.counts.to_numpy(dtype=np.int64), min_cell=min_cell)
    if totals == "group":
        return bool(any(rule.rows))
    if totals == "question":
        return bool(any(rule.columns))
    return bool(rule.cells.any() or any(rule.rows) or any(rule.columns))


def _source_withholds(
    block: Block, coded: Coded, recode: str, source: str, *, whole: bool, min_cell: int
) -> bool:
    """Say whether the source's table would withhold what links it to the recode's."""
    if block.kind == "frequencies":
        if coded.kinds.get(source) != "single":
            return False  # a numeric source's description sums nothing up
        other = frequency_block(coded, source, min_cell=min_cell, confidence=0.95)
        return withholds(shared(other, min_cell=min_cell))
    if block.kind == "crosstab":
        by_recode = block.group == recode
        question = block.question if by_recode else source
        group = source if by_recode else block.group
        side = None if whole else ("group" if by_recode else "question")
        return _crosstab_withholds(coded, question, group, totals=side, min_cell=min_cell)
    build = group_description_block if block.kind == "groups" else multiple_group_block
    other = build(coded, block.question, source, min_cell=min_cell)
    return withholds(shared(other, min_cell=min_cell))


def left_out(block: Block, recode: str, source: str, linked: str, *, shown: bool) -> Shared:
    """Give the shareable page's note in place of a linked table it leaves out.

    Parameters
    ----------
    block : Block
    recode, source : str
    linked : str
        The source's table it is linked to.
    shown : bool
        Whether that table is on the page too.

    Returns
    -------
    Shared
        An empty table, no chart; the summary says which table, why and which parameter.
    """
    where = " on this page" if shown else ""
    change = (
        f"to share it instead of {linked}, group by {recode} without {source} (parameters "
        "group_by and group_by_also)"
        if shown and block.group == recode
        else f"it is shared where {linked} withholds nothing (parameter min_cell)"
    )
    why = (
        f"Left out of the shareable report: {recode} is a recode of {source} (its answers pool "
        f"{source}'s), so the counts of this table are sums of those of {linked}{where}, which "
        f"withholds counts: the two together would tell them. The analysis report shows it; "
        f"{change}"
    )
    return Shared(
        display=pd.DataFrame(),
        withheld=("the whole table",),
        chart=False,
        summary=why,
        left_out=why,
    )


def shared_tables(blocks: Sequence[Block], coded: Coded, *, min_cell: int) -> dict[str, Shared]:
    """Apply the disclosure rules to every table of the shareable page, linked ones together.

    Parameters
    ----------
    blocks : sequence of Block
        The report's tables.
    coded : Coded
        The answers they were made from (a source's table is computed where it is not there).
    min_cell : int
        Smallest count published.

    Returns
    -------
    dict
        Block key -> its shareable version (:func:`~analysis_utils.survey.shareable.shared`),
        or for a recode's table that fails the module's rule, :func:`left_out`'s note.
    """
    keys = {b.key for b in blocks}
    out = {}
    for block in blocks:
        out[block.key] = shared(block, min_cell=min_cell)
        for recode, source in _recodes(block, coded):
            linked = _key(block, recode, source)
            siblings = {
                _key(block, recode, other)
                for other, of in coded.sources.items()
                if of == source and other != recode
            }
            shown = bool({linked, _turned(linked)} & keys)  # q by g is g by q turned
            whole = block.kind == "frequencies" or shown
            whole |= bool((siblings | {_turned(k) for k in siblings}) & keys)
            if _source_withholds(block, coded, recode, source, whole=whole, min_cell=min_cell):
                out[block.key] = left_out(block, recode, source, linked, shown=shown)
                break
    return out

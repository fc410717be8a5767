"""A fitted model's terms and outcome in the codebook's words.

statsmodels names a coefficient as its formula does: ``C(party)[T.2]`` is "party's code 2
against the reference code". :func:`term_labels` reads the formula's design (which categories
a factor has and which column each coefficient is) and writes ``party: Independent (vs
Democrat)``; an interaction's parts are joined by ``x``. :func:`cut_labels` names an ordered
logit's cut points by the answers they separate, and :func:`outcome_text` says what a model
predicts (a logit: the log-odds that the outcome is its code 1, with that code's label).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from analysis_utils.survey.coded import Labels, label, plain

#: The variable inside a ``C(...)`` factor: ``C(party)``, ``C(party, Treatment(reference=3))``.
_FACTOR = re.compile(r"^C\(\s*([A-Za-z_][A-Za-z0-9_.]*)")


def _design(model: Any) -> Any:
    """Give the formula's design information (patsy's ``DesignInfo``), or None."""
    data = getattr(model, "data", None)
    return getattr(data, "model_spec", None) or getattr(data, "design_info", None)


def _variable(factor_name: str) -> str:
    found = _FACTOR.match(factor_name)
    return found.group(1) if found else factor_name


def _levels(model: Any) -> dict[str, tuple[str, Hashable, Hashable | None]]:
    """Give each dummy column's factor: ``"C(party)[T.2]"`` -> (``party``, 2, reference 1)."""
    design = _design(model)
    out: dict[str, tuple[str, Hashable, Hashable | None]] = {}
    if design is None:
        return out
    for factor, info in design.factor_infos.items():
        if info.type != "categorical":
            continue
        categories = list(info.categories)
        for codings in design.term_codings.values():
            for coding in codings:
                contrast = coding.contrast_matrices.get(factor)
                if contrast is None:
                    continue
                matrix = np.asarray(contrast.matrix)
                zero = [i for i, row in enumerate(matrix) if not row.any()]
                reference = categories[zero[0]] if len(zero) == 1 else None
                for j, suffix in enumerate(contrast.column_suffixes):
                    column = matrix[:, j]
                    if sorted(column.tolist()) != [0.0] * (len(column) - 1) + [1.0]:
                        continue  # not a dummy: a contrast of another coding keeps its name
                    level = categories[int(np.argmax(column))]
                    out[f"{factor.name()}{suffix}"] = (_variable(factor.name()), level, reference)
    return out


def term_labels(model: Any, terms: Sequence[str], labels: Mapping[str, Labels]) -> list[str]:
    """Give each coefficient's name in the codebook's words.

    Parameters
    ----------
    model : statsmodels model
        Fitted from a formula.
    terms : sequence of str
        Its parameter names.
    labels : mapping
        Question -> its value labels.

    Returns
    -------
    list of str
        ``party: Independent (vs Democrat)`` for a dummy of ``C(party)``; an interaction's
        parts joined by `` x ``; any other term (a number, the intercept) as it is.
    """
    levels = _levels(model)

    def one(part: str) -> str:
        if part not in levels:
            return part
        variable, level, reference = levels[part]
        words = labels.get(variable)
        against = "" if reference is None else f" (vs {label(reference, words)})"
        return f"{variable}: {label(level, words)}{against}"

    return [" x ".join(one(p) for p in str(term).split(":")) for term in terms]


def cut_labels(levels: Sequence[Hashable], labels: Labels | None) -> tuple[list[str], list[str]]:
    """Name an ordered logit's cut points: ``cut 1/2`` and the answers each separates.

    Parameters
    ----------
    levels : sequence
        The outcome's codes in order (statsmodels' ``OrderedModel.labels``).
    labels : mapping or None
        The outcome's value labels.

    Returns
    -------
    terms : list of str
        ``cut 1/2``, ``cut 2/3``... (codes as the codebook writes them).
    names : list of str
        ``cut: Extremely liberal | Liberal``...
    """
    codes = [plain(c) for c in levels]
    pairs = list(itertools.pairwise(codes))
    terms = [f"cut {a}/{b}" for a, b in pairs]
    names = [f"cut: {label(a, labels)} | {label(b, labels)}" for a, b in pairs]
    return terms, names


def outcome_text(kind: str, outcome: str, labels: Labels | None) -> str:
    """Say what a model's estimates are of.

    Parameters
    ----------
    kind : {"ols", "logit", "ordered_logit"}
    outcome : str
        The outcome's name.
    labels : mapping or None
        Its value labels.

    Returns
    -------
    str
    """
    if kind == "logit":
        return (
            f"log-odds that {outcome} is 1 ({label(1, labels)}) rather than 0 ({label(0, labels)})"
        )
    if kind == "ordered_logit":
        return f"log-odds of a higher answer to {outcome} (its codes in the codebook's order)"
    return f"{outcome} as a number"

"""A survey folder's ``analyses.yaml``: recodes (pooled groups) and models, checked.

The file is optional. It has two sections, each optional::

    recodes:
      party:                     # a new question, usable in every table, chart and model
        from: PID                # the question it is made from (a single-choice question)
        groups: {1: [0, 1, 2], 2: [3], 3: [4, 5, 6]}
        labels: {1: Democrat, 2: Independent, 3: Republican}
    models:
      vote_by_party:
        formula: vote ~ C(party) + age
        kind: logit              # ols, logit or ordered_logit
        weights: false           # true: weighted by respondent_weight (default when present)

It is read with the project's safe YAML loader (:mod:`analysis_utils.core.yamlfile`); every
problem is one :class:`~analysis_utils.core.errors.Problem` naming the file, the key, the rule
and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis_utils.core import yamlfile
from analysis_utils.core.errors import InputError, ParameterError, Problem
from analysis_utils.survey.format import ANALYSES, Survey
from analysis_utils.survey.models import KINDS
from analysis_utils.survey.recode import Recode

#: Keys of a model entry.
MODEL_KEYS = ("formula", "kind", "weights", "title")

#: Words of a formula that are not questions: patsy's and numpy's functions a formula may use.
FORMULA_WORDS = frozenset({"C", "Q", "I", "np", "log", "exp", "sqrt", "center", "standardize"})


@dataclass(frozen=True)
class Model:
    """One model of ``analyses.yaml``.

    Attributes
    ----------
    name, formula, kind : str
    weighted : bool
        Whether to fit with the respondents' weights (when the answers carry them).
    title : str
    """

    name: str
    formula: str
    kind: str
    weighted: bool = True
    title: str = ""


@dataclass(frozen=True)
class Analyses:
    """What ``analyses.yaml`` declares (empty when the folder has no such file).

    Attributes
    ----------
    recodes : dict
        New question -> its :class:`~analysis_utils.survey.recode.Recode`.
    models : tuple of Model
    """

    recodes: Mapping[str, Recode] = field(default_factory=dict)
    models: tuple[Model, ...] = ()


def _problem(shown: str, key: str, rule: str, message: str) -> Problem:
    return Problem(shown, None, key, rule, message)


def _recodes(
    shown: str, specs: Any, questions: Mapping[str, Collection[str]], problems: list[Problem]
) -> dict[str, Recode]:
    if not isinstance(specs, Mapping):
        problems.append(
            _problem(shown, "recodes", "mapping", "give one entry per new question, e.g. party:")
        )
        return {}
    out: dict[str, Recode] = {}
    for name, spec in specs.items():
        key = f"recodes.{name}"
        if not isinstance(spec, Mapping):
            problems.append(_problem(shown, key, "mapping", "give from:, groups: and labels:"))
            continue
        source = str(spec.get("from", ""))
        if str(name) in questions:
            problems.append(
                _problem(
                    shown,
                    key,
                    "new-name",
                    f"{name} is a question of the codebook already: name the recode "
                    f"differently (e.g. {name}_groups) and give from: {name}",
                )
            )
            continue
        if source not in questions:
            problems.append(
                _problem(
                    shown,
                    f"{key}.from",
                    "known-question",
                    f"from: {source or '(none)'} is not a single-choice question of the "
                    f"codebook; give one of {', '.join(sorted(questions)) or '(none)'}",
                )
            )
            continue
        try:
            recode = Recode.from_mapping(spec)
        except (ValueError, AttributeError, TypeError) as error:
            problems.append(_problem(shown, key, "recode", f"{error}"))
            continue
        codes = {str(c) for c in questions[source]}
        unknown = sorted(str(c) for c in recode.lookup() if str(c) not in codes)
        if unknown:
            problems.append(
                _problem(
                    shown,
                    f"{key}.groups",
                    "known-code",
                    f"{', '.join(unknown)} not an option code of {source}; its codes are "
                    f"{', '.join(sorted(codes))}",
                )
            )
            continue
        out[str(name)] = recode
    return out


def _models(
    shown: str, specs: Any, names: Collection[str], problems: list[Problem]
) -> tuple[Model, ...]:
    if not isinstance(specs, Mapping):
        problems.append(
            _problem(shown, "models", "mapping", "give one entry per model, each with formula:")
        )
        return ()
    out = []
    for name, spec in specs.items():
        key = f"models.{name}"
        if not isinstance(spec, Mapping) or not isinstance(spec.get("formula"), str):
            problems.append(
                _problem(shown, key, "formula", "give formula: OUTCOME ~ PREDICTOR + ...")
            )
            continue
        extra = sorted(str(k) for k in spec if k not in MODEL_KEYS)
        if extra:
            problems.append(
                _problem(
                    shown,
                    key,
                    "known-key",
                    f"{', '.join(extra)} unknown; a model has {', '.join(MODEL_KEYS)}",
                )
            )
            continue
        formula, kind = spec["formula"], str(spec.get("kind", "ols"))
        if kind not in KINDS:
            problems.append(
                _problem(shown, f"{key}.kind", "kind", f"{kind!r}: give one of {', '.join(KINDS)}")
            )
            continue
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula)) - FORMULA_WORDS
        unknown = sorted(w for w in words if w not in names)
        if "~" not in formula or unknown:
            problems.append(
                _problem(
                    shown,
                    f"{key}.formula",
                    "known-question",
                    (f"{', '.join(unknown)} not a question or recode; " if unknown else "")
                    + "write OUTCOME ~ PREDICTOR + ... with question ids (C(q) for categories)",
                )
            )
            continue
        weighted = spec.get("weights", True)
        if not isinstance(weighted, bool):
            problems.append(_problem(shown, f"{key}.weights", "boolean", "give true or false"))
            continue
        out.append(Model(str(name), formula, kind, weighted, str(spec.get("title", ""))))
    return tuple(out)


def read_analyses(
    folder: Path,
    questions: Mapping[str, Collection[str]],
    *,
    names: Collection[str] = (),
    shown: str | None = None,
) -> Analyses:
    """Read and check a survey folder's ``analyses.yaml``.

    Parameters
    ----------
    folder : Path
        The survey folder.
    questions : mapping
        Single-choice question -> its option codes (what a recode may be made from).
    names : collection of str
        Every question a model may name besides the recodes.
    shown : str, optional
        The file as messages name it (default: its path).

    Returns
    -------
    Analyses
        Empty when the folder has no ``analyses.yaml``.

    Raises
    ------
    InputError
        Every problem of the file, each naming the file, the key, the rule and what to do.
    """
    path = folder / ANALYSES
    if not path.is_file():
        return Analyses()
    label = shown or str(path)
    try:
        data = yamlfile.load(path.read_text(encoding="utf-8"), label)
    except (ParameterError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise InputError([_problem(label, "(whole file)", "yaml", str(error))]) from error
    if data is None:
        return Analyses()
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise InputError([_problem(label, "(whole file)", "mapping", "give recodes: and models:")])
    extra = sorted(str(k) for k in data if k not in ("recodes", "models"))
    if extra:
        problems.append(
            _problem(
                label, ", ".join(extra), "known-key", "the file has two sections: recodes, models"
            )
        )
    recodes = _recodes(label, data.get("recodes") or {}, questions, problems)
    models = _models(label, data.get("models") or {}, {*names, *recodes}, problems)
    if problems:
        raise InputError(problems)
    return Analyses(recodes, models)


def read_for(survey: Survey) -> Analyses:
    """Read ``analyses.yaml`` of a survey folder, checked against its codebook.

    Parameters
    ----------
    survey : Survey

    Returns
    -------
    Analyses
        Empty when the folder has no ``analyses.yaml``.

    Raises
    ------
    InputError
        As :func:`read_analyses`.
    """
    questions = survey.questions
    single = questions.loc[questions["choice"] == "single", "question_id"]
    codes = {
        str(q): list(survey.options.loc[survey.options["question_id"] == q, "option_code"])
        for q in single
    }
    return read_analyses(
        survey.folder,
        codes,
        names=[str(q) for q in questions["question_id"]],
        shown=survey.files.get(ANALYSES, ANALYSES),
    )

"""Each decision of the audit declared once (audit/decisions.py), and typed."""

import ast
import inspect
import typing
from pathlib import Path

import pytest

import analysis_utils
from analysis_utils.audit import (
    claim_tests,
    decisions,
    granularity,
    group_tests,
    posterior,
    registry,
    robustness,
    stats,
    vectorised,
)
from analysis_utils.core import paths
from analysis_utils.survey import analyses, ordinal, question

PACKAGE = Path(analysis_utils.__file__).parent

#: Parameter names that carry a decision: their defaults and values are never literals.
DECIDED = {"rounding", "reading", "alpha", "confidence", "prior", "draws", "seed", "top"}

#: Where a rounding rule's name may stand as a literal: its declaration, and its procedure
#: (a comparison naming the procedure it implements).
PROCEDURES = {"granularity.py", "vectorised.py"}


def _modules():
    for wing in ("audit", "study"):
        for path in sorted((PACKAGE / wing).glob("*.py")):
            if path.name != "decisions.py":
                yield path


def _decided(name):
    """Whether a variable named ``name`` holds a decision (``top``, ``DEFAULT_SIZE_DRAWS``)."""
    word = name.lower().removeprefix("default_")
    return word in DECIDED or (
        name.lower().startswith("default_") and word.endswith(tuple(DECIDED))
    )


def _literal(node):
    """Whether ``node`` is a literal other than None (a constant, or a tuple/list of them)."""
    if isinstance(node, ast.Constant):
        return node.value is not None
    if isinstance(node, ast.UnaryOp):
        return _literal(node.operand)
    if isinstance(node, ast.Tuple | ast.List):
        return bool(node.elts) and all(_literal(e) for e in node.elts)
    return False


def _violations(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    comparisons = {
        id(c)
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        for c in (node.left, *node.comparators)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            pairs = list(
                zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
            )
            pairs += [
                (a, d)
                for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                if d is not None
            ]
            found += [
                f"{path.name}:{d.lineno} default of {a.arg}"
                for a, d in pairs
                if a.arg in DECIDED and _literal(d)
            ]
        elif isinstance(node, ast.Call):
            found += [
                f"{path.name}:{k.value.lineno} {k.arg}= in a call"
                for k in node.keywords
                if k.arg in DECIDED and _literal(k.value)
            ]
        elif isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            names = {t.id.lower() for t in targets if isinstance(t, ast.Name)}
            if node.value is not None and _literal(node.value) and any(map(_decided, names)):
                found.append(f"{path.name}:{node.lineno} {sorted(names)} assigned a literal")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in decisions.ROUNDINGS
            and not (path.name in PROCEDURES and id(node) in comparisons)
        ):
            found.append(f"{path.name}:{node.lineno} the rounding rule {node.value!r}")
    return found


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_decision_is_written_as_a_literal_outside_the_decisions(path):
    assert _violations(path) == []


def test_the_scan_finds_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(x, *, alpha=0.05, seed=2014, rounding='up_or_down', draws=None):\n"
        "    return g(x, confidence=0.95, top=2, rounding=rounding)\n"
        "RULES = ('even',)\n"
        "DEFAULT_SIZE_DRAWS = 20_000\n"
        "class C:\n"
        "    top: int = 2\n"
        "k = lambda a, top=2: a\n",
        encoding="utf-8",
    )
    assert sorted(v.split(" ", 1)[1] for v in _violations(bad)) == sorted(
        [
            "default of alpha",
            "default of seed",
            "default of rounding",
            "confidence= in a call",
            "top= in a call",
            "the rounding rule 'up_or_down'",
            "the rounding rule 'even'",
            "['top'] assigned a literal",
            "['default_size_draws'] assigned a literal",
            "default of top",
        ]
    )


def test_the_vocabularies_are_literal_types_whose_values_the_outputs_print():
    assert typing.get_args(decisions.Rounding) == decisions.ROUNDINGS
    assert decisions.ROUNDINGS[0] == decisions.DEFAULT_ROUNDING == "up_or_down"
    assert granularity.ROUNDINGS is decisions.ROUNDINGS
    assert set(decisions.DEFAULT_ROBUSTNESS_ROUNDINGS) <= set(decisions.ROUNDINGS)
    assert typing.get_args(decisions.Reading) == decisions.READINGS == ("single", "multiple")
    assert decisions.READINGS is question.READINGS
    for compound, (one, two) in decisions.COMPOUND.items():
        assert {compound, one, two} <= set(decisions.ROUNDINGS)
    assert decisions.DEFAULT_TOP == ordinal.DEFAULT_TOP == analyses.DEFAULT_TOP == 2


@pytest.mark.parametrize(
    ("parse", "good", "bad", "message"),
    [
        (decisions.as_rounding, "trunc", "truncate", r"unknown rounding 'truncate'; use one of"),
        (decisions.as_reading, "multiple", "both", r"reading must be one of .*'both'"),
    ],
)
def test_a_rule_given_from_outside_is_parsed_or_refused(parse, good, bad, message):
    assert parse(good) == good
    with pytest.raises(ValueError, match=message):
        parse(bad)


def _defaults(function):
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (granularity.grim, "rounding=DEFAULT_ROUNDING"),
        (vectorised.grim, "rounding=DEFAULT_ROUNDING"),
        (stats.binomial, "confidence=DEFAULT_CONFIDENCE"),
        (stats.mode_test_size, "alpha=DEFAULT_ALPHA draws=DEFAULT_SIZE_DRAWS seed=DEFAULT_SEED"),
        (posterior.posterior_largest, "prior=DEFAULT_PRIOR draws=DEFAULT_DRAWS seed=DEFAULT_SEED"),
        (
            group_tests.simulated_size,
            "alpha=DEFAULT_ALPHA draws=DEFAULT_GROUP_SIZE_DRAWS seed=DEFAULT_SEED",
        ),
        (group_tests.top_box_above, "top=DEFAULT_TOP confidence=DEFAULT_CONFIDENCE"),
        (robustness.robustness_table, "roundings=DEFAULT_ROBUSTNESS_ROUNDINGS alpha=DEFAULT_ALPHA"),
        (
            claim_tests.evaluate_claims,
            "readings=DEFAULT_READINGS alpha=DEFAULT_ALPHA confidence=DEFAULT_CONFIDENCE "
            "prior=DEFAULT_PRIOR draws=DEFAULT_DRAWS seed=DEFAULT_SEED",
        ),
    ],
    ids=lambda f: getattr(f, "__qualname__", ""),
)
def test_the_defaults_are_the_declared_decisions(function, expected):
    defaults = _defaults(function)
    for pair in expected.split():
        name, constant = pair.split("=")
        assert defaults[name] is getattr(decisions, constant), (name, constant)
    assert registry.Claim("X", "a claim", "survey").top == decisions.DEFAULT_TOP


def test_evaluate_claims_takes_typed_options_and_refuses_any_other():
    parameters = inspect.signature(claim_tests.evaluate_claims).parameters
    assert all(p.kind is not inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    options = {n for n, p in parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert options == {
        "rounding",
        "readings",
        "max_listed",
        "alpha",
        "confidence",
        "prior",
        "draws",
        "seed",
    }
    hints = typing.get_type_hints(claim_tests.evaluate_claims)
    assert hints["rounding"] == decisions.Rounding
    with pytest.raises(TypeError, match="alhpa"):
        claim_tests.evaluate_claims([], None, [9], rounding="up", alhpa=0.01)
    with pytest.raises(TypeError, match="rounding"):
        claim_tests.evaluate_claims([], None, [9])


def test_the_typed_options_reach_every_evaluation(items, monkeypatch):
    claims = {c.id: c for c in registry.load_claims(paths.layout().claims)}
    seen = []

    def evaluate(claim, items, n, **options):
        seen.append(options)
        return original(claim, items, n, **options)

    original = claim_tests.evaluate
    monkeypatch.setattr(claim_tests, "evaluate", evaluate)
    tested, _, _ = claim_tests.evaluate_claims(
        [claims["D1"]], items, [9], rounding="even", alpha=0.1, confidence=0.9, prior=0.5, seed=3
    )
    assert seen == [
        {
            "rounding": "even",
            "reading": "single",
            "alpha": 0.1,
            "confidence": 0.9,
            "prior": 0.5,
            "draws": decisions.DEFAULT_DRAWS,
            "seed": 3,
        }
    ]
    assert tested[["rounding", "alpha", "confidence"]].values.tolist() == [["even", 0.1, 0.9]]

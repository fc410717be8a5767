"""The package's layers: which subpackage may import which, and no cycles."""

import ast
from pathlib import Path

import pytest

import analysis_utils

PACKAGE = Path(analysis_utils.__file__).parent

#: Subpackage -> the subpackages it may import (itself included). The survey
#: toolkit (survey, audit) knows nothing of the study; core knows nothing above it.
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "survey": {"core", "survey"},
    "audit": {"core", "survey", "audit"},
    "study": {"core", "survey", "audit", "study"},
    "pipeline": {"core", "survey", "audit", "pipeline"},
    "report": {"core", "survey", "audit", "report"},
    "cli": {"core", "pipeline", "survey", "audit", "cli"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module of the package that ``path`` imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"{path}: relative import; import absolutely")
            if node.module.startswith("analysis_utils"):
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    found.add(child if child in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("analysis_utils")}
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    """The subpackage of ``module``; the top-level modules form the ``cli`` layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else "cli"


def test_every_module_belongs_to_a_known_layer():
    layers = {_layer(m) for m in MODULES}
    assert layers == set(ALLOWED), layers ^ set(ALLOWED)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layers(module):
    layer = _layer(module)
    wrong = sorted(t for t in GRAPH[module] if _layer(t) not in ALLOWED[layer])
    assert not wrong, f"{module} ({layer}) may not import {wrong}"


def test_the_survey_toolkit_never_imports_the_study():
    toolkit = [m for m in MODULES if _layer(m) in {"survey", "audit", "core"}]
    assert toolkit
    for module in toolkit:
        assert not any(_layer(t) == "study" for t in GRAPH[module]), module


def test_there_is_no_import_cycle():
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == 1:
            raise AssertionError(" -> ".join([*trail, module]))
        if state.get(module) == 2:
            return
        state[module] = 1
        for target in GRAPH.get(module, ()):
            if target in GRAPH:
                visit(target, [*trail, module])
        state[module] = 2

    for module in MODULES:
        visit(module, [])


def test_the_checker_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from analysis_utils.study import clean\n")
    assert _imports(bad) == {"analysis_utils.study.clean"}

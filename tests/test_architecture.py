"""The package's layers: which subpackage may import which, no cycles, and who owns what.

Each wing owns its contract: the toolkit (``core``, ``survey``, ``audit``) holds no
word of the study, and the report reads the notebooks' results only through
their typed results classes.
"""

import ast
import re
from pathlib import Path

import pytest

import analysis_utils
from analysis_utils.core.results import Results
from analysis_utils.study import clean, constants, page
from analysis_utils.study import schemas as study_schemas

PACKAGE = Path(analysis_utils.__file__).parent

#: Subpackage -> the subpackages it may import (itself included): the ground floor
#: (core) <- the toolkit (survey, audit) <- the study <- report, pipeline <- cli. The
#: toolkit knows nothing of the study; core knows nothing above it.
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "survey": {"core", "survey"},
    "audit": {"core", "survey", "audit"},
    "study": {"core", "survey", "audit", "study"},
    "pipeline": {"core", "survey", "audit", "study", "report", "pipeline"},
    "report": {"core", "survey", "audit", "study", "report"},
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


#: The most lines a module may have: past it, a module does more than one job.
MAX_MODULE_LINES = 500


def test_no_module_is_longer_than_the_limit():
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules (lines): {long}"


def test_the_checker_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from analysis_utils.study import clean\n")
    assert _imports(bad) == {"analysis_utils.study.clean"}


#: The study's vocabulary: the article's author, country, subject and currency, its
#: claims' ids, its figures' numbers and file stems, its tables' names, the column of the
#: survey format once named after it.
STUDY_WORDS = (
    r"Nazarova",
    r"Azerbaij",
    r"[Tt]rafficking",
    r"\bTIP\b",
    r"\b[Mm]anat\b",
    r"\bAZN\b",
    r"\b[HD][1-4]\b",
    r"\bFigs?\. ?\d",
    r"\bfig\d+_[a-z]",
    r"labelled_in_article",
)

#: Names the study itself defines, which the toolkit must not repeat.
STUDY_NAMES = sorted(
    {
        constants.SVG_HASH_SALT,
        constants.SIZES_FIGURE,
        constants.ROBUSTNESS_FIGURE,
        constants.SURVEY_TITLE,
        *page.FIGURE_CAPTIONS,
        *clean.RANK_PHRASES,
        *(name.removesuffix(".csv") for name in study_schemas.PROCESSED),
        *study_schemas.RAW_ROW_RULES,
        study_schemas.processed_package()["name"],
    }
    # the survey format's own tables, and the source's own claims the audit reads when given
    - {"survey_items", "survey_options", "article_claims"}
)

STUDY_VOCABULARY = re.compile("|".join([*STUDY_WORDS, *map(re.escape, STUDY_NAMES)]))

#: The toolkit: what a survey of one's own needs, and could be lifted out as a library.
TOOLKIT = ("core", "survey", "audit")


def _toolkit_files() -> list[Path]:
    return sorted(
        p
        for wing in TOOLKIT
        for p in (PACKAGE / wing).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


def test_the_study_vocabulary_finds_what_the_study_names():
    for text in (
        "Reproduction of Nazarova (2014)",
        'SVG_HASH_SALT = "nazarova2014"',
        "victims identified in Azerbaijan",
        "drug trafficking",
        "US TIP reports",
        "amounts in manat",
        "currency AZN",
        "claim H1 at n = 1000",
        "the article's Fig. 1",
        "``fig1_causes``",
        "article_numbers.csv",
        "tip_azerbaijan.csv",
        "question_id,option_code,labelled_in_article",
    ):
        assert STUDY_VOCABULARY.search(text), text
    for text in ("survey_items.csv", "<h1>", "a figure", "the article's percentages"):
        assert not STUDY_VOCABULARY.search(text), text


#: The one word of the study the toolkit may hold, once: a column's former name, read from
#: survey folders made before it was renamed, with a notice (``survey/renamed.py``).
FORMER_NAMES = {("survey/renamed.py", "labelled_in_article")}


def test_the_toolkit_holds_no_word_of_the_study():
    files = _toolkit_files()
    assert len(files) > 40
    found = [
        (path.relative_to(PACKAGE).as_posix(), number, match.group(0))
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in STUDY_VOCABULARY.finditer(line)
    ]
    former = [(where, word) for where, _, word in found if (where, word) in FORMER_NAMES]
    leaks = [f"{w}:{n}: {word!r}" for w, n, word in found if (w, word) not in FORMER_NAMES]
    assert not leaks, "the study's vocabulary in the toolkit:\n" + "\n".join(leaks)
    assert former == sorted(FORMER_NAMES), former  # named once, in the renames' mapping


def _kinds() -> list[type[Results]]:
    """Every results class of the package, from each wing's ``results`` module."""
    import importlib

    found = []
    for path in sorted(PACKAGE.glob("*/results.py")):
        module = importlib.import_module(_module_name(path))
        found += [
            k
            for k in vars(module).values()
            if isinstance(k, type) and issubclass(k, Results) and k is not Results
        ]
    return found


def test_each_notebooks_results_live_beside_the_code_of_its_wing():
    kinds = _kinds()
    assert len({k.NOTEBOOK for k in kinds}) == len(kinds)
    for kind in kinds:
        assert _layer(kind.__module__) in {"survey", "audit", "study", "report"}, kind
        assert kind.__dataclass_params__.frozen, kind  # type: ignore[attr-defined]
    assert not (PACKAGE / "pipeline" / "results.py").exists()


#: The only JSON the report reads itself (not a notebook's results): the run manifest and
#: the benchmarks' records (``computing._json``), a notebook's cells (``item_map``).
REPORT_JSON_READERS = {("computing", "_json"), ("item_map", "writing_cell")}


def _functions_calling(tree: ast.AST, names: set[str]) -> list[str]:
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and f"{node.func.value.id}.{node.func.attr}" in names
            ):
                found.append(function.name)
    return found


def test_the_report_reads_results_only_through_their_typed_classes():
    readers = set()
    for path in sorted((PACKAGE / "report").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        readers |= {(path.stem, f) for f in _functions_calling(tree, {"json.load", "json.loads"})}
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert not names & {"read_result", "load_results"}, path
    assert readers <= REPORT_JSON_READERS, readers - REPORT_JSON_READERS


#: The JSON the pipeline reads itself, none of it a notebook's results read as a dict: a
#: notebook's cells (``read_parameters``, ``executed``), pip's versions (``drift.installed``),
#: the run manifest and its journal, a sweep point's record (``recall``), and the drift
#: report's comparison of any two output trees key by key (``compare_file``): generic on
#: purpose, since the trees may come from two versions of the library, a field one has and
#: the other lacks is a change to report, where a results class would refuse the file.
PIPELINE_JSON_READERS = {
    ("contract", "read_parameters"),
    ("drift", "installed"),
    ("drift_compare", "compare_file"),
    ("executed", "_failing_cell"),
    ("executed", "strip_run_metadata"),
    ("manifest", "load"),
    ("ownership", "read_journal"),
    ("sweep_points", "recall"),
}


def test_the_pipeline_reads_results_only_through_their_typed_classes():
    from analysis_utils.pipeline import notebook_results

    readers = set()
    for path in sorted((PACKAGE / "pipeline").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        readers |= {(path.stem, f) for f in _functions_calling(tree, {"json.load", "json.loads"})}
    assert readers <= PIPELINE_JSON_READERS, readers - PIPELINE_JSON_READERS
    assert dict(notebook_results.CLASSES) == {k.NOTEBOOK: k for k in _kinds()}


def test_the_replication_report_is_filled_from_typed_results():
    from analysis_utils.report import replication

    assert all(issubclass(k, Results) for k in replication.RESULTS.values())
    assert {r: k.NOTEBOOK for r, k in replication.RESULTS.items()} == replication.NOTEBOOKS
    source = Path(replication.__file__).read_text(encoding="utf-8")
    # a result is read by attribute, never subscripted as the JSON's dict
    assert not re.search(r"\b(audit|claims|external|report)\[", source)

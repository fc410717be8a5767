"""Command line: ``python -m analysis_utils COMMAND``.

Exit codes: 0 success; 1 a notebook failed; 2 bad input (parameters, notebook
names, raw data, a refused or silent Dask scheduler), refused before any kernel
starts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis_utils.cli_parser import PROG, build_parser
from analysis_utils.core.errors import InputError, ParameterError
from analysis_utils.core.paths import Layout, check_writable, layout, shown
from analysis_utils.pipeline.lifeline import Stopped, stopping_on_signals

#: The one line that says the study cannot run from the installed package alone.
NEEDS_CHECKOUT = (
    "{what} needs a checkout of the project with its raw data (data/raw/), which the installed "
    "package does not hold: run it in a checkout, or run a survey of your own here with "
    "{prog} new-survey DIR, then {prog} run -p survey_dir DIR"
)


#: The page a run names last, the one to open: the study's, a student's analysis report.
MAIN_PAGES = frozenset({"index.html", "survey_analysis.html"})

#: Libraries of the ``sweeps`` extra, imported only by the sweep and certificate commands.
SWEEPS_EXTRA = frozenset({"distributed", "dask", "cryptography"})


def _prog() -> str:
    """How the command was called: the console script or ``python -m analysis_utils``."""
    return "analysis-utils" if Path(sys.argv[0]).name == "analysis-utils" else PROG


def _given(args: argparse.Namespace) -> dict[str, Any]:
    import yaml

    from analysis_utils.core import yamlfile

    given: dict[str, Any] = {}
    if args.parameters_file is not None:
        try:
            text = args.parameters_file.read_text(encoding="utf-8")
            loaded = yamlfile.load(text, str(args.parameters_file))
        except (OSError, yaml.YAMLError) as exc:
            raise ParameterError(f"{args.parameters_file}: cannot read parameters: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ParameterError(f"{args.parameters_file}: expected a mapping of names to values")
        given.update(_beside(loaded or {}, args.parameters_file.parent))
    given.update(dict(args.parameter))
    return given


def _beside(loaded: Mapping[str, Any], folder: Path) -> dict[str, Any]:
    """Read a parameters file's relative folders and files from the file's own folder.

    A survey folder's ``params.yaml`` says ``survey_dir: .``: it names its own
    folder wherever the folder is moved and wherever the command runs.
    """
    return {
        name: str((folder / value).resolve())
        if name.endswith(("_dir", "_file"))
        and isinstance(value, str)
        and value
        and not Path(value).is_absolute()
        else value
        for name, value in loaded.items()
    }


def _installed_paths(given: dict[str, Any]) -> dict[str, Any]:
    """Outside a checkout, take relative folders and files from the working directory.

    A checkout resolves ``*_dir`` and ``*_file`` parameters from the project
    root; the installed package's folder is no place to read a user's files
    from or to write to, so there they are taken from where the command runs.
    """
    return {
        key: str(Path(value).expanduser().absolute())
        if isinstance(value, str) and value and key.endswith(("_dir", "_file"))
        else value
        for key, value in given.items()
    }


def _checkout(tree: Layout, what: str) -> None:
    """Refuse, in one line, a command that needs the study's raw data outside a checkout."""
    if not tree.checkout:
        raise ParameterError(NEEDS_CHECKOUT.format(what=what, prog=_prog()))


def _pages(tree: Layout, pages: Sequence[str], given: Mapping[str, Any]) -> list[str]:
    """Return the lines that end a successful run: the pages to open, the main one last.

    A run that rebuilt no page names the study's report page (not rebuilt), or
    where the executed notebooks' pages are.
    """
    if pages:
        ordered = sorted(pages, key=lambda page: Path(page).name in MAIN_PAGES)
        return [f"report page: {page}" for page in ordered]
    if "survey_dir" in given:
        survey = Path(str(given["survey_dir"])).expanduser()
        executed = Path(str(given.get("output_dir") or survey / "output")) / "executed"
        return [f"executed notebooks (HTML): {executed.resolve()}"]
    main = tree.reports / "index.html"
    if main.is_file():
        return [f"report page (not rebuilt by this run): {shown(main, tree.root)}"]
    return [f"executed notebooks (HTML): {shown(tree.executed, tree.root)}"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    args = build_parser(_prog()).parse_args(argv)
    try:
        with stopping_on_signals():  # SIGTERM and SIGHUP stop a run as Ctrl-C does
            return _dispatch(args)
    except (ParameterError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        if str(exc.name).split(".")[0] not in SWEEPS_EXTRA:
            raise
        print(
            f"error: {args.command} needs the package's sweeps extra ({exc.name} is not "
            "installed): pip install 'nazarova2014-reproduction[sweeps]' (make installs it)",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return _stopped("interrupted", 130)
    except Stopped as exc:
        return _stopped(f"stopped by {exc.name}", 128 + exc.signum)


def _stopped(how: str, code: int) -> int:
    """Say in one line what a stopped run leaves; return ``code``."""
    with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
        print(
            f"{how}: a survey run's output folder holds its previous contents again; "
            "other outputs may mix this run and an earlier one, and the report pages say so "
            "until the notebooks are run again",
            file=sys.stderr,
        )
    return code


def _new_survey(folder: Path, source: Path | None, sheet: str | None = None) -> int:
    from analysis_utils.survey import checklist, convert
    from analysis_utils.survey.templates import scaffold

    if sheet is not None and source is None:
        raise ParameterError("--sheet names the sheet of a workbook given with --from FILE")
    check_writable(folder, f"new-survey {folder}", "choose a folder elsewhere")
    if folder.exists() and any(folder.iterdir()):
        raise ParameterError(
            f"{folder} exists and is not empty; choose a new folder (or, to refresh a survey "
            "folder from its file of answers, add --update)"
        )
    try:
        if source is None:
            written = scaffold(folder)
        else:
            conversion = convert.convert(source, sheet=sheet)
            written = convert.write(conversion, folder)
    except FileExistsError as exc:
        raise ParameterError(str(exc)) from None
    print(f"wrote {', '.join(p.name for p in written)} to {folder}")
    if source is not None:
        print("\n".join(checklist.summary(conversion, folder)))
        return 0
    print(f"fill them in (see {folder / 'README.md'}), then run:")
    print(f"  python -m analysis_utils run -p survey_dir {folder}")
    return 0


def _update_survey(folder: Path, source: Path | None, sheet: str | None) -> int:
    from analysis_utils.survey import update

    if source is None:
        raise ParameterError("--update refreshes a survey folder from the file given with --from")
    check_writable(folder, f"new-survey {folder}", "choose a folder elsewhere")
    try:
        refreshed = update.prepare(folder, source, sheet=sheet)
    except FileNotFoundError as exc:
        raise ParameterError(str(exc)) from None
    print("\n".join(update.diff(refreshed)))
    written = update.write(refreshed)
    print(f"wrote {', '.join(p.name for p in written) or 'nothing'} to {folder}")
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "audit-table":
        from analysis_utils.audit.table_command import run as audit_table

        given = {"rounding": args.rounding} if args.rounding else {}
        audited = audit_table(args.file, args.out, **given)
        print(f"wrote {', '.join(str(p) for p in audited)}")
        return 0
    if args.command == "new-survey":
        if args.update:
            return _update_survey(args.folder, args.source, args.sheet)
        return _new_survey(args.folder, args.source, args.sheet)
    try:
        tree = layout()
    except FileNotFoundError as exc:
        raise ParameterError(str(exc)) from None
    if args.command in ("sweep", "verify-data", "update-checksums"):
        _checkout(tree, f"{args.command} (a command of the study)")
    if args.command == "run":
        from analysis_utils.pipeline.runner import run

        given = _given(args)
        if not tree.checkout:
            given = _installed_paths(given)
            if "survey_dir" not in given:
                _checkout(tree, "run without -p survey_dir (the study)")
        outcomes = run(
            tree,
            args.notebooks,
            given,
            jobs=args.jobs,
            update_sources=args.update_notebooks,
            html=not args.no_html,
            force=args.force,
        )
        failed = [o for o in outcomes if not o.ok]
        for outcome in failed:
            print(f"error: {outcome.describe()}", file=sys.stderr)
        if not failed:
            pages = [page for outcome in outcomes for page in outcome.pages]
            sys.stderr.flush()  # the progress first, where both streams go to one place
            print("\n".join(_pages(tree, pages, given)), flush=True)
        return 1 if failed else 0
    if args.command == "sweep":
        from analysis_utils.pipeline.cluster import tls_files
        from analysis_utils.pipeline.sweep import load_spec, sweep

        if args.jobs < 1:
            raise ParameterError(f"--jobs must be at least 1, got {args.jobs}")
        results = sweep(
            tree,
            load_spec(args.file),
            jobs=args.jobs,
            scheduler=args.scheduler,
            retries=args.retries,
            tls=tls_files(args.tls_ca_file, args.tls_cert, args.tls_key),
            insecure_plain_tcp=args.insecure_plain_tcp,
            force=args.force,
        )
        failed_runs = [r for r in results if not r.ok]
        for r in failed_runs:
            print(f"error: run {r.index:03d} {r.parameters} failed: {r.error}", file=sys.stderr)
        print(
            f"{len(results) - len(failed_runs)} of {len(results)} runs finished; results in "
            f"reports/sweeps/"
        )
        return 1 if failed_runs else 0
    if args.command == "sweep-certs":
        from analysis_utils.pipeline.cluster_certs import describe, write_certificates

        check_writable(args.folder, f"sweep-certs {args.folder}", "choose a folder elsewhere")
        written = write_certificates(args.folder, days=args.days)
        print("\n".join(describe(written, args.days, host=args.host, port=args.port)))
        return 0
    if args.command == "params":
        from analysis_utils.pipeline.contract import load_pipeline, read_parameters, resolve

        steps = load_pipeline(tree.pipeline)
        (name,) = resolve([args.notebook], steps)
        declared = read_parameters(steps[name].path)
        print(f"{name}: {len(declared)} parameter(s)")
        for p in declared.values():
            print(f"  {p.name}: {p.type} = {p.default!r}  # {p.help}")
        return 0
    if args.command == "list":
        from analysis_utils.pipeline.contract import load_pipeline

        for step in load_pipeline(tree.pipeline).values():
            print(f"{step.name}: {step.description}")
            print(f"  reads:  {', '.join(step.reads)}")
            print(f"  writes: {', '.join(step.writes)}")
        return 0
    if args.command == "verify-data":
        from analysis_utils.pipeline.preflight import verify_inputs

        verify_inputs(tree)
        print("checksums: every file in data/raw matches data/raw/SHA256SUMS")
        print("schemas: every table in data/raw/datapackage.json is valid")
        return 0
    if args.command == "update-checksums":
        from analysis_utils.core.io import (
            atomic_write_bytes,
            package_schema_updates,
            read_checksums,
            update_checksum_table,
            write_checksums,
        )
        from analysis_utils.survey.read import codebook_schemas

        schemas = codebook_schemas(tree.raw / "survey")
        package = tree.raw / "datapackage.json"
        updated = package_schema_updates(
            package, {f"survey/{name}": schema for name, schema in schemas.items()}
        )
        if updated is not None:
            text = json.dumps(updated, indent=2, ensure_ascii=False) + "\n"
            atomic_write_bytes(package, text.encode("utf-8"))
            print(f"regenerated the survey schemas of {package.relative_to(tree.root)}")
        target = write_checksums(tree.raw)
        update_checksum_table(tree.raw / "README.md", read_checksums(target))
        print(f"wrote {target.relative_to(tree.root)} and the table in data/raw/README.md")
        return 0
    raise AssertionError(args.command)  # argparse restricts the choices

"""Command line: ``python -m analysis_utils COMMAND``.

Exit codes: 0 success; 1 a notebook failed; 2 bad input (parameters, notebook
names, raw data, a refused or silent Dask scheduler), refused before any kernel
starts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis_utils.core.errors import InputError, ParameterError
from analysis_utils.core.paths import layout


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis_utils",
        description="Reproduction of Nazarova (2014): run the notebooks, inspect parameters, "
        "verify the raw data.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute notebooks with Papermill in dependency order")
    run.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebook names, files or unique prefixes (default: all)",
    )
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter (repeatable); -p survey_dir DIR runs the survey notebooks on "
        "your own survey, replacing the contents of DIR/output (or -p output_dir OUT)",
    )
    run.add_argument(
        "-f",
        "--parameters-file",
        type=Path,
        metavar="PARAMS.yaml",
        help="YAML mapping of parameter names to values",
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        metavar="N",
        help="notebooks run at the same time at most (default 1)",
    )
    run.add_argument(
        "--no-html", action="store_true", help="do not render the executed notebooks as HTML"
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="execute every notebook, even one whose run manifest says nothing that can "
        "change its outputs changed (skipped otherwise)",
    )
    run.add_argument(
        "--update-notebooks",
        action="store_true",
        help="also write the executed notebooks back to notebooks/ "
        "(refreshes nbval's reference outputs; default parameters only)",
    )

    sweep = sub.add_parser("sweep", help="run notebooks over a grid of parameters")
    sweep.add_argument(
        "-f",
        "--file",
        type=Path,
        required=True,
        metavar="SWEEP.yaml",
        help="sweep file: name, notebooks, grid, fixed",
    )
    sweep.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        metavar="N",
        help="local processes (default 1; ignored with --scheduler)",
    )
    sweep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on an existing Dask cluster: tcp://127.0.0.1:8786 on this machine, "
        "tls://HOST:PORT with --tls-* on others; a scheduler that does not answer within "
        "5 s is an error (exit 2)",
    )
    sweep.add_argument(
        "--retries",
        type=int,
        default=2,
        metavar="N",
        help="with --scheduler: how often a run whose worker dies is started again on another "
        "worker (set as the scheduler's allowed-failures while the sweep is connected); 0: "
        "such a run fails (default 2). A run whose notebook fails is never rerun",
    )
    sweep.add_argument(
        "--tls-ca-file",
        type=Path,
        metavar="CA.pem",
        help="certificate authority of a tls:// cluster (see sweep-certs)",
    )
    sweep.add_argument(
        "--tls-cert", type=Path, metavar="CERT.pem", help="certificate for a tls:// cluster"
    )
    sweep.add_argument(
        "--tls-key", type=Path, metavar="KEY.pem", help="private key for a tls:// cluster"
    )
    sweep.add_argument(
        "--allow-insecure",
        action="store_true",
        help="accept a plain tcp:// scheduler on another machine: anyone who reaches it "
        "runs code on the cluster; only on a network you trust",
    )

    certs = sub.add_parser(
        "sweep-certs",
        help="write a new certificate authority and certificate for a tls:// Dask cluster",
    )
    certs.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    certs.add_argument(
        "--days", type=int, default=365, metavar="N", help="validity (default 365 days)"
    )

    new = sub.add_parser(
        "new-survey",
        help="write an empty, valid survey template (format, claims, parameters), or with "
        "--from a survey built from a file of answers",
    )
    new.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    new.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE",
        help="build the codebook and responses.csv from this file of answers, one row per "
        "respondent (.sav, .dta, .xlsx or .csv); the question types are guessed: check them",
    )

    params = sub.add_parser("params", help="list a notebook's parameters")
    params.add_argument("notebook", metavar="NOTEBOOK")

    sub.add_parser("list", help="list the notebooks with what they read and write")
    sub.add_parser("verify-data", help="check the raw data against SHA256SUMS and the schemas")
    sub.add_parser(
        "update-checksums",
        help="after a deliberate change to raw data: regenerate the survey schemas of "
        "data/raw/datapackage.json from the survey format, rewrite data/raw/SHA256SUMS",
    )
    return parser


def _given(args: argparse.Namespace) -> dict[str, Any]:
    import yaml

    given: dict[str, Any] = {}
    if args.parameters_file is not None:
        try:
            loaded = yaml.safe_load(args.parameters_file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ParameterError(f"{args.parameters_file}: cannot read parameters: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ParameterError(f"{args.parameters_file}: expected a mapping of names to values")
        given.update(loaded or {})
    given.update(dict(args.parameter))
    return given


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
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (ParameterError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "interrupted: the outputs may mix this run and an earlier one; the report pages "
            "say so until the notebooks are run again",
            file=sys.stderr,
        )
        return 130


def _new_survey(folder: Path, source: Path | None) -> int:
    from analysis_utils.survey import convert
    from analysis_utils.survey.templates import scaffold

    if folder.exists() and any(folder.iterdir()):
        raise ParameterError(f"{folder} exists and is not empty; choose a new folder")
    try:
        if source is None:
            written = scaffold(folder)
        else:
            conversion = convert.convert(source)
            written = convert.write(conversion, folder)
    except FileExistsError as exc:
        raise ParameterError(str(exc)) from None
    print(f"wrote {', '.join(p.name for p in written)} to {folder}")
    if source is not None:
        print("\n".join(convert.summary(conversion, folder)))
        return 0
    print(f"fill them in (see {folder / 'README.md'}), then run:")
    print(f"  python -m analysis_utils run -p survey_dir {folder}")
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    tree = layout()
    if args.command == "run":
        from analysis_utils.pipeline.runner import run

        outcomes = run(
            tree,
            args.notebooks,
            _given(args),
            jobs=args.jobs,
            update_sources=args.update_notebooks,
            html=not args.no_html,
            force=args.force,
        )
        failed = [o for o in outcomes if not o.ok]
        for outcome in failed:
            print(f"error: {outcome.describe()}", file=sys.stderr)
        if not failed:
            for page in (page for outcome in outcomes for page in outcome.pages):
                print(f"report page: {page}")
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
            allow_insecure=args.allow_insecure,
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
        from analysis_utils.pipeline.cluster import write_certificates

        ca, cert, key = write_certificates(args.folder, days=args.days)
        print(f"wrote {ca}, {cert} and {key} (valid {args.days} days)")
        print("copy the folder to every machine of the cluster; whoever has the key can run code")
        print("on it. Start the scheduler and the workers with")
        print(f"  --tls-ca-file {ca} --tls-cert {cert} --tls-key {key}")
        print("and the sweep with --scheduler tls://HOST:8786 and the same three options.")
        return 0
    if args.command == "new-survey":
        return _new_survey(args.folder, args.source)
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

"""The command line's parser: every subcommand, its options, its help and an example.

:func:`build_parser` builds it; :mod:`analysis_utils.cli` parses with it and
dispatches.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from analysis_utils import __version__
from analysis_utils.survey.formats import FORMATS

#: What each subcommand does at length, and an example, for its ``--help``.
HELP: dict[str, tuple[str, str]] = {
    "run": (
        "Execute notebooks with Papermill in dependency order, after checking the parameters,\n"
        "the raw data and where the run would write. With -p survey_dir DIR, run the survey\n"
        "notebooks on a survey of your own: everything goes to DIR/output (or -p output_dir).\n"
        "The study itself needs a checkout of the project (its data/raw/).",
        "examples:\n"
        "  {prog} run                                   # the whole study\n"
        '  {prog} run 03 -p n_candidates "[9, 18]"      # one notebook, a list parameter\n'
        "  {prog} run -p survey_dir my_survey           # your own survey",
    ),
    "sweep": (
        "Run notebooks over a grid of parameters, one run per combination, locally or on a\n"
        "Dask cluster; each run writes under reports/sweeps/NAME/.",
        "example:\n  {prog} sweep -f sweeps/sensitivity.yaml --jobs 2",
    ),
    "sweep-certs": (
        "Write a certificate authority and certificates for the scheduler, the workers and the\n"
        "sweep of a tls:// Dask cluster (private keys mode 0600, folder 0700), and print the\n"
        "commands that start the cluster and the sweep with them.",
        "examples:\n"
        "  {prog} sweep-certs ~/.sweep-certs               # a cluster on this machine\n"
        "  {prog} sweep-certs certs/ --host 10.0.0.5 --days 30",
    ),
    "new-survey": (
        "Write an empty, valid survey folder (questions.csv, options.csv, claims.yaml,\n"
        "params.yaml and a README describing the format), or with --from a survey built from\n"
        "a file of answers. Works anywhere, in a checkout or not.",
        "examples:\n"
        "  {prog} new-survey my_survey\n"
        "  {prog} new-survey my_survey --from answers.sav",
    ),
    "params": (
        "List a notebook's parameters: name, type, default and what it means.",
        "example:\n  {prog} params 03_test_claims",
    ),
    "list": (
        "List the notebooks of the pipeline with what each reads and writes.",
        "example:\n  {prog} list",
    ),
    "verify-data": (
        "Check data/raw/ against data/raw/SHA256SUMS and the schemas of its datapackage.json.",
        "example:\n  {prog} verify-data",
    ),
    "update-checksums": (
        "After a deliberate change to the raw data: regenerate the survey schemas of\n"
        "data/raw/datapackage.json from the survey format and rewrite data/raw/SHA256SUMS.",
        "example:\n  {prog} update-checksums",
    ),
    "audit-table": (
        "Check reported means and percentages of many papers at once (GRIM, exact): one row\n"
        "per value (paper, table, value as printed, n or n_min and n_max, percent, rounding).\n"
        "Writes rows.csv, tables.csv, feasible_n.csv and audit.md into the output folder.",
        "example:\n  {prog} audit-table values.csv --out values_audit",
    ),
}

PROG = "python -m analysis_utils"


def subparser(sub: Any, name: str, prog: str, help_text: str) -> argparse.ArgumentParser:
    """Add a subcommand with its description and example (:data:`HELP`)."""
    description, example = HELP[name]
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=example.format(prog=prog),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """Build the parser of every subcommand.

    Parameters
    ----------
    prog : str
        How the command was called (shown in usage and examples).

    Returns
    -------
    argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Reproduction of Nazarova (2014) and a toolkit for surveys of your own: run "
        "the notebooks, inspect parameters, verify the raw data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = subparser(sub, "run", prog, "execute notebooks with Papermill in dependency order")
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

    sweep = subparser(sub, "sweep", prog, "run notebooks over a grid of parameters")
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
        help="run on an existing Dask cluster: tls://HOST:PORT with --tls-* "
        "(tls://127.0.0.1:8786 on this machine; sweep-certs prints the commands); plain "
        "tcp:// is refused without --insecure-plain-tcp; a scheduler that does not answer "
        "within 5 s is an error (exit 2)",
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
        "--force",
        action="store_true",
        help="compute every run, even one computed before from the same notebooks, parameters, "
        "inputs and code (reused otherwise)",
    )
    sweep.add_argument(
        "--insecure-plain-tcp",
        action="store_true",
        help="accept a plain tcp:// scheduler: anyone who reaches it (every account of this "
        "machine included, 127.0.0.1 too) runs code as the user who started it; prints a "
        "warning",
    )

    certs = subparser(
        sub,
        "sweep-certs",
        prog,
        "write a new certificate authority and certificate for a tls:// Dask cluster",
    )
    certs.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    certs.add_argument(
        "--days", type=int, default=365, metavar="N", help="validity (default 365 days)"
    )
    certs.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="HOST",
        help="address the scheduler listens on, in the printed commands (default 127.0.0.1: "
        "this machine only)",
    )
    certs.add_argument(
        "--port", type=int, default=8786, metavar="PORT", help="its port (default 8786)"
    )

    new = subparser(
        sub,
        "new-survey",
        prog,
        "write an empty, valid survey template (format, claims, parameters), or with "
        "--from a survey built from a file of answers",
    )
    new.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    new.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE",
        help="build the codebook and responses.csv from this file of answers, one row per "
        f"respondent ({FORMATS.listed()}); the question types are guessed: check them",
    )
    new.add_argument(
        "--sheet",
        metavar="NAME",
        help="with --from a workbook: the sheet holding the answers (default: the sheet named "
        "responses, or the only sheet besides one named labels)",
    )
    new.add_argument(
        "--update",
        action="store_true",
        help="with --from: refresh the codebook and responses.csv of an existing survey folder "
        "from the file, keeping every edit made to questions.csv and options.csv (the changes "
        "are shown before they are written)",
    )

    params = subparser(sub, "params", prog, "list a notebook's parameters")
    params.add_argument("notebook", metavar="NOTEBOOK")

    subparser(sub, "list", prog, "list the notebooks with what they read and write")
    subparser(sub, "verify-data", prog, "check the raw data against SHA256SUMS and the schemas")
    subparser(
        sub,
        "update-checksums",
        prog,
        "after a deliberate change to raw data: regenerate the survey schemas of "
        "data/raw/datapackage.json from the survey format, rewrite data/raw/SHA256SUMS",
    )
    audit = subparser(sub, "audit-table", prog, "check reported values of many papers (GRIM)")
    audit.add_argument("file", type=Path, metavar="FILE", help="a CSV or Parquet table")
    audit.add_argument("--out", type=Path, metavar="DIR", help="default: FILE's stem + _audit")
    audit.add_argument(
        "--rounding",
        help="for rows that name none; default: the audit's declared rule (docs/audit-table.md)",
    )
    return parser

"""The entry point of a module run as ``python -m MODULE``: ``main(argv=None)`` -> exit status."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Protocol


class Main(Protocol):
    """``main(argv=None)``: parse ``argv`` (default: the command line), run, return the status."""

    def __call__(self, argv: Sequence[str] | None = None) -> int: ...  # noqa: D102


def entry_point(
    parser: Callable[[], argparse.ArgumentParser], run: Callable[[argparse.Namespace], int]
) -> Main:
    """Make the ``main`` of a module that runs as a command (``raise SystemExit(main())``).

    Parameters
    ----------
    parser : callable
        Builds the module's argument parser.
    run : callable
        Does the work for the parsed arguments and returns the exit status.

    Returns
    -------
    Main
        ``main(argv=None) -> int``, documented by ``run``'s docstring.
    """

    def main(argv: Sequence[str] | None = None) -> int:
        return run(parser().parse_args(argv))

    main.__doc__ = run.__doc__
    return main

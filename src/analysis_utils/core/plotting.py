"""Saving figures byte-identically, and the style every figure shares.

Every ``plot_*`` function (in :mod:`analysis_utils.audit.figures` and
:mod:`analysis_utils.study.figures`) builds a matplotlib Figure and neither
saves nor shows it. :func:`save` writes SVG and PNG byte-identically run to run
(no timestamps, no version stamps, a fixed SVG hash salt).
"""

from __future__ import annotations

import io as _io
from pathlib import Path
from typing import Any

import matplotlib
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis_utils.core.io import atomic_write_bytes

SVG_HASH_SALT = "nazarova2014"


#: Resolution of the PNG files.
DEFAULT_DPI = 150


PALETTE = sns.color_palette("colorblind")


REPORTED_COLOUR = PALETTE[0]


RANGE_COLOUR = PALETTE[7]


COUNTED_COLOUR = PALETTE[2]


STATE_BUDGET_COLOUR = PALETTE[7]


def figure_and_axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """Return the Figure to draw on: ``ax``'s own, or a new one of ``size`` inches.

    Parameters
    ----------
    ax : Axes or None
    size : tuple of float
        Width and height in inches of a new Figure.

    Returns
    -------
    tuple of (Figure, Axes)
    """
    if ax is not None:
        figure = ax.get_figure()
        assert isinstance(figure, Figure)
        return figure, ax
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def label_above(ax: Axes, x: float, y: float, text: str, **style: Any) -> None:
    """Write ``text`` just above the point ``(x, y)``.

    Parameters
    ----------
    ax : Axes
    x, y : float
        The point, in data coordinates.
    text : str
    **style
        Passed to :meth:`matplotlib.axes.Axes.annotate`.
    """
    ax.annotate(
        text,
        (x, y),
        ha="center",
        va="bottom",
        xytext=(0, 2),
        textcoords="offset points",
        fontsize=style.pop("fontsize", 8),
        **style,
    )


def figure_bytes(figure: Figure, kind: str, *, dpi: int = DEFAULT_DPI) -> bytes:
    """Render a figure to SVG or PNG bytes without timestamps or version stamps.

    Parameters
    ----------
    figure : Figure
    kind : {"svg", "png"}
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    bytes
    """
    buffer = _io.BytesIO()
    if kind == "svg":
        with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    elif kind == "png":
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    else:
        raise ValueError(f"unknown figure format {kind!r}; use 'svg' or 'png'")
    return buffer.getvalue()


def save(figure: Figure, folder: Path, stem: str, *, dpi: int = DEFAULT_DPI) -> list[Path]:
    """Write a figure as ``stem.svg`` and ``stem.png`` (atomically, deterministically).

    Parameters
    ----------
    figure : Figure
    folder : Path
    stem : str
        File name without extension (``fig1_causes``).
    dpi : int

    Returns
    -------
    list of Path
        The two files written.
    """
    paths = []
    for kind in ("svg", "png"):
        target = folder / f"{stem}.{kind}"
        atomic_write_bytes(target, figure_bytes(figure, kind, dpi=dpi))
        paths.append(target)
    return paths

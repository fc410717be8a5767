"""Saving figures byte-identically, and the style every figure shares.

Every ``plot_*`` function (in :mod:`analysis_utils.audit.figures` and
:mod:`analysis_utils.study.figures`) builds a matplotlib Figure and neither
saves nor shows it, and draws every text it takes from data as written
(:func:`plain_text`). :func:`save` writes SVG and PNG byte-identically run to run
(no timestamps, no version stamps, a fixed SVG hash salt).
"""

from __future__ import annotations

import io as _io
from pathlib import Path
from typing import Any

import matplotlib
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import LogFormatter, LogitFormatter, ScalarFormatter

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


#: Number formatters that may write mathematics on purpose (powers of ten, for one).
_MATH_FORMATTERS = (ScalarFormatter, LogFormatter, LogitFormatter)


def _formatted_labels(axis: Axis) -> list[Text]:
    """Tick labels and offset text that a number formatter writes, perhaps as mathematics."""
    labels: list[Text] = []
    for formatter, ticks in (
        (axis.get_major_formatter(), axis.get_major_ticks()),
        (axis.get_minor_formatter(), axis.get_minor_ticks()),
    ):
        if isinstance(formatter, _MATH_FORMATTERS):
            labels += [label for tick in ticks for label in (tick.label1, tick.label2)]
    return [*labels, axis.get_offset_text()]


def plain_text(figure: Figure) -> Figure:
    r"""Draw every text of a figure taken from data as plain text, never as mathematics.

    Matplotlib reads a text holding two unescaped ``$`` as mathematics: a label
    ``$x$`` would be drawn as an italic *x* and a label ``$\frac{1}{2$`` would
    stop the drawing with an error. Every text of the figure (titles, axis
    labels, annotations, legend entries, tick labels given as text) is set to
    be drawn exactly as written (``parse_math=False``), except the tick labels
    and offset text of a number formatter that may write mathematics on
    purpose (:class:`~matplotlib.ticker.ScalarFormatter`,
    :class:`~matplotlib.ticker.LogFormatter`,
    :class:`~matplotlib.ticker.LogitFormatter`), which never come from data.
    Texts without ``$`` are drawn exactly as before.

    Parameters
    ----------
    figure : Figure
        Drawn by a ``plot_*`` function, before it is saved or shown.

    Returns
    -------
    Figure
        The same figure.
    """
    formatted = {
        id(label)
        for ax in figure.axes
        for axis in (ax.xaxis, ax.yaxis)
        for label in _formatted_labels(axis)
    }
    for text in figure.findobj(Text):
        if isinstance(text, Text) and id(text) not in formatted:
            text.set_parse_math(False)
    return figure


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

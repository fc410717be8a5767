"""Saving figures byte-identically, and the style every figure shares.

Every ``plot_*`` function (such as those of :mod:`analysis_utils.audit.figures`)
builds a matplotlib Figure and neither saves nor shows it, and draws every text
it takes from data as written (:func:`plain_text`). :func:`save` writes SVG and
PNG byte-identically run to run (no timestamps, no version stamps, a fixed SVG
hash salt: the caller's, else :data:`DEFAULT_SALT`), and each SVG carries the values it draws
(:func:`drawn_values`) in its description, so two renderings can be compared by
their data rather than their bytes (:func:`recorded_values`).
"""

from __future__ import annotations

import io as _io
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import seaborn as sns
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import Collection, LineCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FixedLocator, LogFormatter, LogitFormatter, ScalarFormatter

from analysis_utils.core.io import atomic_write_bytes

#: The SVG hash salt of a figure whose caller names none (:func:`figure_bytes`). A study
#: that must keep the bytes its figures always had passes its own.
DEFAULT_SALT = "analysis_utils"


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


def _numbers(values: Any) -> list[Any]:
    """Numbers as JSON can hold them: floats, with ``None`` for NaN and infinities."""
    array: np.ndarray[Any, Any] = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan).ravel()
    return [float(v) if math.isfinite(v) else None for v in array.tolist()]


def _ticks(axis: Axis) -> dict[str, list[Any]] | None:
    """Tick positions given as data (``set_xticks``) and their labels, else None."""
    if not isinstance(axis.get_major_locator(), FixedLocator):
        return None
    labels = [label.get_text() for label in axis.get_majorticklabels()]
    return {"at": _numbers(axis.get_majorticklocs()), "labels": labels}


def _legend(legend: Legend | None) -> list[str]:
    return [] if legend is None else [text.get_text() for text in legend.get_texts()]


def _collection(collection: Collection) -> dict[str, Any]:
    """Return the points (scatter) or segments (error bars) of a collection."""
    if isinstance(collection, LineCollection):
        return {"segments": [_numbers(segment) for segment in collection.get_segments()]}
    return {"offsets": _numbers(collection.get_offsets())}


def _axes_values(ax: Axes) -> dict[str, Any]:
    """Return the values one Axes draws: bars, lines, points, images, texts, limits."""
    return {
        "title": ax.get_title(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "xlim": _numbers(ax.get_xlim()),
        "ylim": _numbers(ax.get_ylim()),
        "xticks": _ticks(ax.xaxis),
        "yticks": _ticks(ax.yaxis),
        "bars": [
            _numbers([p.get_x(), p.get_y(), p.get_width(), p.get_height()])
            for p in ax.patches
            if isinstance(p, Rectangle)
        ],
        "lines": [
            {"x": _numbers(line.get_xdata()), "y": _numbers(line.get_ydata())} for line in ax.lines
        ],
        "collections": [_collection(c) for c in ax.collections],
        "images": [_numbers(image.get_array()) for image in ax.images],
        "texts": [
            {
                "at": _numbers(t.xy if isinstance(t, Annotation) else t.get_position()),
                "text": t.get_text(),
            }
            for t in ax.texts
        ],
        "legend": _legend(ax.get_legend()),
    }


def drawn_values(figure: Figure) -> dict[str, Any]:
    """Return the values a figure draws, in data coordinates, as JSON-ready data.

    For each Axes: its title, axis labels and limits; tick positions and labels
    where they are given as data (ticks a locator chooses are left out); the
    bars (``x, y, width, height``), lines (``x`` and ``y``), points and error
    bar segments, images (their values) and annotations (position and text);
    its legend's labels. For the figure: its title and axis labels, free texts
    and the labels of its legends. What these values are drawn with (fonts,
    layout, the SVG's paths) is not part of them, so they stay the same across
    matplotlib versions unless what is drawn changes.

    Parameters
    ----------
    figure : Figure

    Returns
    -------
    dict
        ``axes`` (one dict per Axes, in order), ``texts``, ``legends``;
        NaN and infinities as ``None``.
    """
    titles = [
        artist
        for artist in (
            getattr(figure, f"_sup{part}", None) for part in ("title", "xlabel", "ylabel")
        )
        if isinstance(artist, Artist)
    ]
    return {
        "axes": [_axes_values(ax) for ax in figure.axes],
        "texts": [t.get_text() for t in [*titles, *figure.texts] if isinstance(t, Text)],
        "legends": [_legend(legend) for legend in figure.legends],
    }


#: The Dublin Core element of an SVG that holds its :func:`drawn_values`.
_DESCRIPTION = "{http://purl.org/dc/elements/1.1/}description"


def recorded_values(svg: bytes) -> Any | None:
    """Read back the values an SVG written by :func:`figure_bytes` draws.

    Parameters
    ----------
    svg : bytes
        The SVG file's content.

    Returns
    -------
    object or None
        :func:`drawn_values` of the figure, or None if the SVG holds none.

    Raises
    ------
    ValueError
        If the SVG is not well-formed XML or its description is not JSON.
    """
    try:
        element = ET.fromstring(svg).find(f".//{_DESCRIPTION}")
    except ET.ParseError as exc:
        raise ValueError(f"not a well-formed SVG: {exc}") from exc
    if element is None or not element.text:
        return None
    try:
        return json.loads(element.text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the SVG's description is not the JSON of its values: {exc}") from exc


def figure_bytes(
    figure: Figure, kind: str, *, salt: str = DEFAULT_SALT, dpi: int = DEFAULT_DPI
) -> bytes:
    """Render a figure to SVG or PNG bytes without timestamps or version stamps.

    An SVG holds the figure's :func:`drawn_values` as JSON in its description
    (Dublin Core metadata), read back by :func:`recorded_values`.

    Parameters
    ----------
    figure : Figure
    kind : {"svg", "png"}
    salt : str
        The SVG hash salt (matplotlib's ``svg.hashsalt``), which the ids of an
        SVG's clip paths and glyphs are hashed with: the same figure and salt
        give the same bytes (:data:`DEFAULT_SALT` unless the caller names its own); a
        PNG has none.
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    bytes
    """
    buffer = _io.BytesIO()
    if kind == "svg":
        values = json.dumps(
            drawn_values(figure), sort_keys=True, separators=(",", ":"), allow_nan=False
        )
        metadata = {"Date": None, "Creator": None, "Description": values}
        with matplotlib.rc_context({"svg.hashsalt": salt}):
            figure.savefig(buffer, format="svg", metadata=metadata)
    elif kind == "png":
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    else:
        raise ValueError(f"unknown figure format {kind!r}; use 'svg' or 'png'")
    return buffer.getvalue()


def save(
    figure: Figure, folder: Path, stem: str, *, salt: str = DEFAULT_SALT, dpi: int = DEFAULT_DPI
) -> list[Path]:
    """Write a figure as ``stem.svg`` and ``stem.png`` (atomically, deterministically).

    Parameters
    ----------
    figure : Figure
    folder : Path
    stem : str
        File name without extension (``feasible_sizes``).
    salt : str
        The SVG hash salt (:func:`figure_bytes`).
    dpi : int

    Returns
    -------
    list of Path
        The two files written.
    """
    paths = []
    for kind in ("svg", "png"):
        target = folder / f"{stem}.{kind}"
        atomic_write_bytes(target, figure_bytes(figure, kind, salt=salt, dpi=dpi))
        paths.append(target)
    return paths

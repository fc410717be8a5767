"""The study's report page: the article's sections and the captions of its figures.

``06_build_report`` passes them to :func:`analysis_utils.report.pages.render_html`,
which groups the reproduction table's rows by :data:`SECTIONS` and captions the
figures with :data:`FIGURE_CAPTIONS` (:mod:`analysis_utils.study.figure_registry`);
the replication report captions its figures with the same texts.
"""

from __future__ import annotations

from analysis_utils.study import figure_registry

#: The article's sections in its order, then what lies beyond it, each with the
#: prefixes of its locations (a row goes where the longest prefix begins the first
#: part of its location: :func:`analysis_utils.report.pages.section_of`).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Abstract", ("abstract",)),
    ("Introduction", ("introduction",)),
    ("Brief literature overview", ("brief literature overview", "literature overview")),
    ("Methodology", ("methodology",)),
    ("Results: the survey", ("results", "fig.")),
    ("Results: financial resources", ("results: financial", "financial resources")),
    ("Conclusion", ("conclusion",)),
    ("Beyond the article: the US TIP reports", ("us tip report",)),
)

#: Figure captions by file stem (from the registry of the study's figures); the figure's
#: number is the one in its stem (``figN_``).
FIGURE_CAPTIONS: dict[str, str] = figure_registry.captions()

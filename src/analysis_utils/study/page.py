"""The study's report page: the article's sections and the captions of its figures.

``06_build_report`` passes them to :func:`analysis_utils.report.pages.render_html`,
which groups the reproduction table's rows by :data:`SECTIONS` and captions the
figures with :data:`FIGURE_CAPTIONS`; the replication report captions its figures
with the same texts.
"""

from __future__ import annotations

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

#: Figure captions by file stem; the figure's number is the one in its stem (``figN_``).
FIGURE_CAPTIONS: dict[str, str] = {
    "fig1_causes": "Causes of human trafficking named by the experts (the article's Fig. 1): "
    "the value the article prints as a bar, each value it does not print as the range the "
    "reconstructions allow.",
    "fig2_assisted": "Whether the experts have assisted victims (the article's Fig. 2): the "
    "article prints none of its values, so each is the range the reconstructions allow.",
    "fig3_measures": "Additional rehabilitation measures the experts call for (the article's "
    "Fig. 3), as ranges the reconstructions allow.",
    "fig4_funding_2010": "Anti-trafficking funding the article lists for 2010, by source, in "
    "manat (amounts in other currencies converted, derived).",
    "fig5_feasible_sizes": "The sample sizes each reported percentage allows (derived), with "
    "the stated sample size and the sizes that give every percentage at once.",
    "fig6_victims_by_form": "Victims identified in Azerbaijan by form of exploitation, from the "
    "US Trafficking in Persons reports (external).",
    "fig8_robustness": "H1 (financial difficulties the most common cause named) at every sample "
    "size up to 100 that gives all the whole-sample percentages, under each reading, rounding "
    "rule and prior (reconstructed): the share of reconstructions in which it holds and in "
    "which the intersection-union test rejects at 0.05, each reconstruction weighed by its "
    "prior predictive probability, and the posterior probability that it has the largest share.",
    "fig7_funding_per_victim": "Government victim-protection funding per identified victim, "
    "from the US Trafficking in Persons reports (derived from external figures), in nominal "
    "manat and, where the package holds the year's official rate, US dollars. Not in constant "
    "prices: the package holds no official consumer price index with its source, so manat "
    "amounts either side of the 2015 devaluations are not deflated and compare only nominally.",
}

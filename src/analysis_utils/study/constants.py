"""The study's own constants: what the article's notebooks default to.

The survey toolkit (``survey``, ``audit``) has no defaults that name the
article's questions; a survey of one's own sets these through the notebooks'
parameters (a survey run presets them, see
:func:`analysis_utils.pipeline.runner.survey_run`).
"""

from __future__ import annotations

#: Questions whose reported percentage may be a share of a subgroup: the article
#: writes "some of them (57%) are government officials" without saying of whom.
SUBGROUP_QUESTIONS: tuple[str, ...] = ("position",)

#: Questions drawn as the article's Figs. 1-3 (``fig1_causes``, ...), in order.
FIGURE_QUESTIONS: tuple[str, ...] = ("causes", "assisted", "measures")

#: File name of the feasible-sample-size figure of the study (Fig. 5).
SIZES_FIGURE = "fig5_feasible_sizes"

#: File name of the figure of the robustness sweep of the study (Fig. 8).
ROBUSTNESS_FIGURE = "fig8_robustness"

#: Title of the study's survey page (``08_survey_report``; a survey run titles it
#: with the survey folder's name).
SURVEY_TITLE = "The survey of Nazarova (2014)"

#: The year of the article's funding-by-donor list.
FUNDING_YEAR = 2010

#: The salt of the study's SVG files (:func:`analysis_utils.core.plotting.save`): the ids
#: of their clip paths and glyphs are hashed with it, so the same figure gives the same
#: bytes. ``04_reproduce_figures`` declares it as its parameter ``svg_hashsalt``.
SVG_HASH_SALT = "nazarova2014"

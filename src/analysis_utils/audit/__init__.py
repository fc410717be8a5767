"""Auditing the reported percentages of any survey.

Granularity (GRIM-style) checks, the reconstruction of every count vector
consistent with them, the statistics, the claims registry and its tests,
verdicts, percentage checks and survey figures. Never imports
:mod:`analysis_utils.study`: the audit works on any survey.
"""

"""The survey toolkit's input side.

The survey folder format, reading and checking it, tabulating
respondent-level answers and withholding small counts. Knows nothing of any
one study: ``survey`` imports only :mod:`analysis_utils.core`.
"""

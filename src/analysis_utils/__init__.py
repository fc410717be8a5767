"""Reproduction package for Nazarova (2014): shared helpers for the notebooks.

The notebooks under ``notebooks/`` walk from the raw data in ``data/raw/`` to the
processed tables, tests and figures; this package holds the logic they share.
"""

__version__ = "0.2.0"

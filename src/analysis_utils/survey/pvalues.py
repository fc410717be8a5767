"""How a student's survey report writes a p-value.

As journals ask (APA 7th edition, 6.36) and SPSS's ``.000`` does not: exact to two significant
digits down to 0.001, below it "p < 0.001"; a Monte Carlo p-value at its floor
``1 / (resamples + 1)`` (no drawn table as extreme as the observed one) is written
"p <= floor", since the exact value is anywhere below it.
"""

from __future__ import annotations

import math

#: Below it a p-value is written as "< 0.001".
SMALLEST = 0.001


def p_text(p: float, *, resamples: int = 0) -> str:
    """Write a p-value for a reader: ``0.034``, ``0.25``, ``< 0.001``, ``<= 0.0001``.

    Parameters
    ----------
    p : float
    resamples : int, optional
        Tables drawn for a Monte Carlo p-value (0: not one).

    Returns
    -------
    str
        Without the ``p``; empty for NaN.
    """
    if math.isnan(p):
        return ""
    if resamples and p <= 1 / (resamples + 1) * (1 + 1e-9):
        return f"<= {1 / (resamples + 1):.2g}"
    if p < SMALLEST:
        return f"< {SMALLEST:g}"
    return f"{p:.2g}" if p < 0.1 else f"{p:.2f}"


def p_equation(p: float, *, resamples: int = 0) -> str:
    """Write ``p = 0.034`` or ``p < 0.001`` (see :func:`p_text`).

    Parameters
    ----------
    p : float
    resamples : int, optional

    Returns
    -------
    str
        ``no p-value`` for NaN (a test that could not be computed).
    """
    text = p_text(p, resamples=resamples)
    if not text:
        return "no p-value"
    return f"p {text}" if text[:1] in "<>" else f"p = {text}"

"""The kinds of survey input a survey notebook serves (``survey:`` in ``pipeline.yaml``).

A survey notebook serves published percentages (``percentages``: the audit of a
source's printed shares), respondent-level answers (``respondents``: a student's
analysis report), or ``both``; ``true`` reads as ``both``. A survey run runs the
notebooks serving its survey (:func:`analysis_utils.pipeline.surveys.serving`).
"""

from __future__ import annotations

#: The kinds of survey input: percentages as a source publishes them, respondent-level answers.
SURVEY_INPUTS: tuple[str, ...] = ("percentages", "respondents")

#: What ``survey:`` may say in ``pipeline.yaml``, and the kinds of input each serves.
SURVEY_KINDS: dict[object, tuple[str, ...]] = {
    True: SURVEY_INPUTS,  # as both
    "both": SURVEY_INPUTS,
    **{kind: (kind,) for kind in SURVEY_INPUTS},
}


def served(where: str, value: object) -> tuple[str, ...]:
    """Read what a notebook's ``survey:`` says into the kinds of input it serves.

    Parameters
    ----------
    where : str
        ``pipeline.yaml: NOTEBOOK``, for the message.
    value : object
        The value of ``survey:`` (``False`` when absent).

    Returns
    -------
    tuple of str
        Empty for a notebook that is no survey notebook.

    Raises
    ------
    ValueError
        For any other value.
    """
    if value is False:
        return ()
    found = SURVEY_KINDS.get(value) if isinstance(value, bool | str) else None
    if found is None:
        raise ValueError(
            f"{where}: survey must be one of both, {', '.join(SURVEY_INPUTS)} (or true: both), "
            f"not {value!r}"
        )
    return found

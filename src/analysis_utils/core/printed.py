"""Numbers as a source prints them: parse them exactly, keeping their precision.

:func:`parse_printed_number` reads a printed number (digits, grouping, decimals,
words such as "second", scales such as "million") into an exact Decimal and its
number of decimals; :func:`repair_text` undoes common text-extraction damage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

REPLACEMENT_CHAR = "\ufffd"


#: Number words a source may print instead of digits.
NUMBER_WORDS: dict[str, Decimal] = {"one": Decimal(1), "second": Decimal(2), "two fold": Decimal(2)}


#: Word multipliers printed after a number.
SCALES: dict[str, Decimal] = {
    "": Decimal(1),
    "thousand": Decimal(1_000),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
}


_GROUPED = re.compile(r"\d{1,3}(?:[ ,]\d{3})+")


_PLAIN = re.compile(r"\d+")


_DECIMAL = re.compile(r"\d+\.(\d+)")


def repair_text(text: str) -> str:
    r"""Replace the PDF-extraction artefact U+FFFD by what the print shows.

    The extraction turned soft hyphens and narrow spaces into U+FFFD. Rules,
    applied in order:

    1. at the end of a line it is a soft hyphen: the word continues on the next
       line, ``"reha\ufffd\nbilitation"`` -> ``"rehabilitation"``;
    2. before ``%`` it stood for a narrow space: ``"(in\ufffd%)"`` -> ``"(in %)"``;
    3. between two letters it is a printed hyphen: ``"re\ufffdvictimization"``
       -> ``"re-victimization"``;
    4. anywhere else it is dropped.

    Any remaining line break becomes a single space.

    Parameters
    ----------
    text : str
        Text as extracted.

    Returns
    -------
    str
        Text without U+FFFD.
    """
    text = re.sub(f"{REPLACEMENT_CHAR}[ \t]*\r?\n[ \t]*", "", text)
    text = re.sub(f"{REPLACEMENT_CHAR}(?=%)", " ", text)
    text = re.sub(f"(?<=[^\\W\\d_]){REPLACEMENT_CHAR}(?=[^\\W\\d_])", "-", text)
    text = text.replace(REPLACEMENT_CHAR, "")
    return re.sub(r"[ \t]*\r?\n[ \t]*", " ", text)


@dataclass(frozen=True)
class PrintedNumber:
    """How a printed number can be read.

    Attributes
    ----------
    readings : tuple of Decimal
        Every value the print allows (two when a period may be a decimal mark
        or a thousands separator, as in ``"30.400"``).
    decimals : int
        Digits printed after a decimal mark (``"44"`` -> 0, ``"44.0"`` -> 1).
    """

    readings: tuple[Decimal, ...]
    decimals: int

    @property
    def ambiguous(self) -> bool:
        """Whether the print allows more than one value."""
        return len(self.readings) > 1


def parse_printed_number(
    printed: str, scale: str = "", *, phrases: Mapping[str, Decimal] | None = None
) -> PrintedNumber:
    """Read a number as a source prints it.

    Parameters
    ----------
    printed : str
        E.g. ``"52,000"``, ``"87 000"``, ``"20.9"``, ``"30.400"``, ``"two fold"``,
        or one of ``phrases``.
    scale : str
        Word printed after it: ``""``, ``"thousand"``, ``"million"`` or ``"billion"``.
    phrases : mapping, optional
        Texts a source prints in place of a number, with the number each stands
        for, read besides :data:`NUMBER_WORDS` (a rank printed as the activities
        ranked above, say).

    Returns
    -------
    PrintedNumber

    Raises
    ------
    ValueError
        If ``printed`` is not a number in a form read here, or the scale word
        is unknown.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale word {scale!r}; expected one of {sorted(SCALES)}")
    factor = SCALES[scale]
    text = printed.strip()
    words = {**NUMBER_WORDS, **(phrases or {})}
    if text in words:
        return PrintedNumber((words[text] * factor,), 0)
    if _GROUPED.fullmatch(text) or _PLAIN.fullmatch(text):
        return PrintedNumber((Decimal(re.sub("[ ,]", "", text)) * factor,), 0)
    match = _DECIMAL.fullmatch(text)
    if match:
        decimal = Decimal(text) * factor
        if len(match.group(1)) == 3 and not scale:
            grouped = Decimal(text.replace(".", "")) * factor
            return PrintedNumber((decimal, grouped), 3)
        return PrintedNumber((decimal,), len(match.group(1)))
    raise ValueError(f"{printed!r} is not a printed number (digits, a number word or a phrase)")


def number_value(value: Decimal) -> int | float:
    """Turn an exact decimal into a plain Python number: int when integral.

    Parameters
    ----------
    value : Decimal

    Returns
    -------
    int or float
    """
    return int(value) if value == value.to_integral_value() else float(value)

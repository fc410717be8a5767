"""Characters that must not pass from an input into an identifier, a file name or an output.

Two kinds of character are hostile in text read from a user's file:

- control characters (Unicode category ``Cc``: NUL, tab, newline, carriage
  return, escape, DEL, the C1 controls), which end lines, truncate strings at
  the C level or drive terminals;
- bidirectional formatting characters (:data:`BIDI_CHARACTERS`), which reorder
  the text shown around them, so that what a reader sees is not what is stored.

An identifier or a code containing one is refused (:func:`hostile_character`);
a label or a free text keeps its content and is neutralised (:func:`neutral`).
"""

from __future__ import annotations

import re
import unicodedata

#: Bidirectional formatting characters: the embeddings and overrides
#: (U+202A-U+202E), the isolates (U+2066-U+2069), the left-to-right and
#: right-to-left marks (U+200E, U+200F) and the Arabic letter mark (U+061C).
BIDI_CHARACTERS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)


#: Rule of a :class:`~analysis_utils.core.errors.Problem` for a control character.
CONTROL_RULE = "control-character"


#: Rule of a :class:`~analysis_utils.core.errors.Problem` for a bidirectional character.
BIDI_RULE = "bidi-character"


_CONTROL_WHITESPACE = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f\x85]")

#: One hostile character: the control characters (category ``Cc`` is exactly
#: U+0000-U+001F and U+007F-U+009F) and :data:`BIDI_CHARACTERS`. Searching a
#: text with it is what :func:`hostile_character` does, at C speed.
HOSTILE_PATTERN = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CHARACTERS)) + "]")


def is_control(character: str) -> bool:
    """Whether one character is a control character (Unicode category ``Cc``).

    Parameters
    ----------
    character : str
        A single character.

    Returns
    -------
    bool
    """
    return unicodedata.category(character) == "Cc"


def _hostile(character: str) -> bool:
    return is_control(character) or character in BIDI_CHARACTERS


def hostile_character(text: str) -> tuple[str, str] | None:
    r"""Find the first control or bidirectional formatting character of a text.

    Parameters
    ----------
    text : str

    Returns
    -------
    tuple of (str, str) or None
        The rule broken (:data:`CONTROL_RULE` or :data:`BIDI_RULE`) and the
        character written as an escape (``\x00``, ``\u202e``); ``None`` if the
        text has neither kind.
    """
    found = HOSTILE_PATTERN.search(text)
    if found is None:
        return None
    character = found.group()
    return (CONTROL_RULE if is_control(character) else BIDI_RULE), escaped(character)


def escaped(text: str) -> str:
    r"""Write control and bidirectional formatting characters as escapes, for messages.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``text`` with each such character replaced by its Python escape
        (``\n``, ``\x00``, ``\u202e``); every other character unchanged.
    """
    return "".join(repr(c)[1:-1] if _hostile(c) else c for c in text)


def neutral(text: str) -> str:
    """Neutralise a label or a free text: keep its content, drop what could disguise it.

    Control characters that separate words (tab, newline, carriage return,
    vertical tab, form feed, the information separators U+001C-U+001F and
    next line U+0085) are **replaced** by a space, so that the words on either
    side stay apart; every other control character (NUL, escape, DEL, the
    other C1 controls) and every bidirectional formatting character
    (:data:`BIDI_CHARACTERS`) is **removed**. Nothing else changes.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    if HOSTILE_PATTERN.search(text) is None:
        return text
    spaced = _CONTROL_WHITESPACE.sub(" ", text)
    return "".join(c for c in spaced if not is_control(c) and c not in BIDI_CHARACTERS)

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


#: Latin letters that Cyrillic and Greek letters are drawn like in most fonts (those of
#: Unicode's confusables list, UTS #39, that map one letter to one Latin letter), written as
#: escapes: a reader cannot tell ``r\u043e01`` (Cyrillic o) from ``ro01``.
LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic small
        "\u0430": "a",
        "\u0435": "e",
        "\u043e": "o",
        "\u0440": "p",
        "\u0441": "c",
        "\u0443": "y",
        "\u0445": "x",
        "\u0455": "s",
        "\u0456": "i",
        "\u0458": "j",
        "\u0501": "d",
        "\u051b": "q",
        "\u051d": "w",
        "\u04bb": "h",
        "\u04cf": "l",
        # Cyrillic capital
        "\u0410": "A",
        "\u0412": "B",
        "\u0415": "E",
        "\u041a": "K",
        "\u041c": "M",
        "\u041d": "H",
        "\u041e": "O",
        "\u0420": "P",
        "\u0421": "C",
        "\u0422": "T",
        "\u0425": "X",
        "\u0423": "Y",
        "\u0406": "I",
        "\u0408": "J",
        "\u0405": "S",
        "\u051a": "Q",
        "\u051c": "W",
        # Greek small
        "\u03b1": "a",
        "\u03bf": "o",
        "\u03bd": "v",
        "\u03c1": "p",
        "\u03c5": "u",
        "\u03b9": "i",
        "\u03ba": "k",
        # Greek capital
        "\u0391": "A",
        "\u0392": "B",
        "\u0395": "E",
        "\u0396": "Z",
        "\u0397": "H",
        "\u0399": "I",
        "\u039a": "K",
        "\u039c": "M",
        "\u039d": "N",
        "\u039f": "O",
        "\u03a1": "P",
        "\u03a4": "T",
        "\u03a5": "Y",
        "\u03a7": "X",
    }
)


def _plain_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable() and text == " ".join(text.split())


def identity(text: str) -> str:
    """Give the form in which two identifiers are compared: what a reader sees, not what is stored.

    Two ids a reader cannot tell apart are one: compatibility forms are folded
    (NFKC: fullwidth digits, ligatures, no-break spaces), format characters
    (Unicode category ``Cf``: zero-width spaces and joiners, the soft hyphen,
    the byte-order mark) and combining marks (``Mn``, ``Me``) are dropped, runs
    of whitespace become one space and the ends are stripped, and Cyrillic and
    Greek letters drawn like Latin ones become those (:data:`LOOK_ALIKES`).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``text`` itself when it is printable ASCII with single inner spaces.
    """
    if _plain_ascii(text):
        return text
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text))
    kept = "".join(c for c in folded if unicodedata.category(c) not in ("Cf", "Mn", "Me"))
    return unicodedata.normalize("NFC", " ".join(kept.split()).translate(LOOK_ALIKES))


def visible(text: str) -> str:
    r"""Write an identifier so that what sets it apart from its :func:`identity` shows.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``text`` with every character that is not a space and is changed or
        dropped by :func:`identity` written as its escape (``\u200b``,
        ``\u043e``, ``\xa0``); other characters unchanged.
    """
    if _plain_ascii(text):
        return text
    return "".join(
        c if c == " " or (c.isprintable() and identity(c) == c) else f"\\u{ord(c):04x}"
        for c in text
    )

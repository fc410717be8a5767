"""GRIM worked examples shared by the scalar and the vectorised tests.

scrutiny's grim() documentation (R/grim.R, @examples, Brown and Heathers' running example:
5.19 cannot come from 28 integers but can from 32; a two-item scale; a percentage), the
article's percentages at its stated n = 4, and hand computations.
"""

WORKED_EXAMPLES = [
    ("5.19", 28, {}, False),
    ("5.19", 32, {}, True),
    ("2.84", 16, {"items": 2}, True),
    ("71", 43, {"percent": True}, False),
    # hand computations: 145/28 = 5.1786 -> 5.18; 146/28 = 5.2143 -> 5.21
    ("5.18", 28, {}, True),
    ("5.21", 28, {}, True),
    # the article: none of its percentages can come from its "4 experts"
    ("67", 4, {"percent": True}, False),
    ("33", 4, {"percent": True}, False),
    ("78", 4, {"percent": True}, False),
    ("57", 4, {"percent": True}, False),
    ("44", 4, {"percent": True}, False),
    # hand: 2/3 = 66.7 %, 7/9 = 77.8 %, 4/7 = 57.1 %, 4/9 = 44.4 %
    ("67", 3, {"percent": True}, True),
    ("78", 9, {"percent": True}, True),
    ("57", 7, {"percent": True}, True),
    ("44", 9, {"percent": True}, True),
    ("57", 9, {"percent": True}, False),
    # trailing zeros count: 44.0 % needs 0.1-point precision (4/9 = 44.4 %)
    ("44.0", 9, {"percent": True}, False),
    ("44.4", 9, {"percent": True}, True),
]

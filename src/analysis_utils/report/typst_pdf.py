"""Markdown to PDF through Typst: the replication report's PDF, with no date in it.

:func:`to_typst` translates what the report's Markdown uses (headings, paragraphs,
bullet lists, tables, strong and emphasised text, inline code, images) into Typst
markup; :func:`to_pdf` compiles it with the fonts Typst ships and no timestamp, so the
same source gives the same bytes. Images are read from the folder given as ``root``
(the report's own folder, where its Markdown links them).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

_TYPST_SPECIAL = str.maketrans({c: "\\" + c for c in "\\#*_`$<>@[]~/=-+'\""})


def typst_text(text: str) -> str:
    """Escape text for Typst markup.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        Every character with a meaning in Typst markup escaped.
    """
    return text.translate(_TYPST_SPECIAL)


def _inline(children: Sequence[Any]) -> str:
    """Typst markup of one Markdown inline run."""
    out = []
    for token in children:
        kind = token.type
        if kind == "text":
            out.append(typst_text(token.content))
        elif kind == "code_inline":
            out.append("#raw(" + _string(token.content) + ")")
        elif kind in {"strong_open", "strong_close"}:
            out.append("*")
        elif kind in {"em_open", "em_close"}:
            out.append("_")
        elif kind in {"softbreak", "hardbreak"}:
            out.append(" ")
        elif kind in {"link_open", "link_close"}:
            continue
        elif kind == "image":
            out.append("#image(" + _string(str(token.attrGet("src"))) + ", width: 100%)")
        else:
            out.append(typst_text(token.content))
    return "".join(out)


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_typst(markdown: str, title: str) -> str:
    """Translate the report's Markdown into Typst markup.

    Handles what the template uses: headings, paragraphs, bullet lists, tables,
    strong and emphasised text, inline code, images (their paths as written).

    Parameters
    ----------
    markdown : str
    title : str
        The PDF's title.

    Returns
    -------
    str
        A Typst document with no date (``date: none``).
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    lines = [
        f"#set document(title: {_string(title)}, date: none)",
        '#set page(paper: "a4", margin: 2.2cm, numbering: "1")',
        '#set text(font: "Libertinus Serif", size: 10pt, lang: "en")',
        "#set par(justify: true)",
        "#show table: set text(size: 8pt)",
        "",
    ]
    cells: list[str] = []
    columns = 0
    depth = 0
    for k, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            lines.append("=" * int(token.tag[1]) + " " + _inline(tokens[k + 1].children or []))
        elif kind == "inline" and tokens[k - 1].type == "paragraph_open" and depth == 0:
            lines.extend([_inline(token.children or []), ""])
        elif kind == "bullet_list_open":
            depth += 1
        elif kind == "bullet_list_close":
            depth -= 1
            lines.append("")
        elif kind == "inline" and depth:
            lines.append("- " + _inline(token.children or []))
        elif kind == "table_open":
            cells, columns = [], 0
        elif kind == "tr_open":
            columns = 0
        elif kind in {"th_open", "td_open"}:
            columns += 1
        elif kind == "inline" and tokens[k - 1].type in {"th_open", "td_open"}:
            cells.append("[" + _inline(token.children or []) + "]")
        elif kind == "table_close":
            lines.extend([f"#table(columns: {columns}, " + ", ".join(cells) + ")", ""])
    return "\n".join(lines) + "\n"


def to_pdf(typst_source: str, root: Path | None = None) -> bytes:
    """Compile Typst markup to PDF with the fonts Typst ships (no system font, no date).

    Parameters
    ----------
    typst_source : str
    root : Path, optional
        The folder images are read from (and nothing outside it); none if not given.

    Returns
    -------
    bytes
        The same source gives the same bytes.
    """
    import typst

    where: dict[str, Any] = {} if root is None else {"root": str(root)}
    pdf: bytes = typst.compile(
        typst_source.encode("utf-8"),
        format="pdf",
        ignore_system_fonts=True,
        timestamp=0,
        **where,
    )
    return pdf

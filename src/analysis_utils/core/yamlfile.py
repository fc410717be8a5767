"""YAML read safely: no anchors or aliases, no duplicate keys, no deep nesting.

Every YAML file the package reads (parameters given with ``-f``, claims
registries, ``pipeline.yaml``, sweep files, ``CITATION.cff``) and every
parameter value given as text goes through :func:`load`, PyYAML's safe loader
with three refusals, each made as soon as the parser reaches it, before
anything is built:

- an anchor (``&name``) or an alias (``*name``): aliases let a few hundred
  bytes stand for billions of values (the "billion laughs"), and no file of
  the package needs them;
- a key given twice in one mapping: YAML would keep the last silently, so a
  second claim with the id of the first would replace it;
- nesting deeper than :data:`MAX_DEPTH`, which would exhaust the recursion of
  the parser.

Each refusal is one line naming the file, the line and the key or alias, and
what to do.
"""

from __future__ import annotations

from typing import Any

import yaml

from analysis_utils.core.errors import ParameterError

#: The deepest nesting of mappings and lists read.
MAX_DEPTH = 100


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing anchors, aliases, duplicate keys and deep nesting."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text)
        self.source = source
        self.depth = 0

    def refuse(self, mark: yaml.Mark | None, what: str) -> ParameterError:
        line = f"line {mark.line + 1}: " if mark is not None else ""
        return ParameterError(f"{self.source}: {line}{what}")

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise self.refuse(
                event.start_mark,
                f"{'alias' if sign == '*' else 'anchor'} {sign}{anchor} refused: anchors and "
                "aliases are not read (a few of them can stand for billions of values); "
                "write each value out in full where it is used",
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.refuse(
                    event.start_mark,
                    f"nested more than {MAX_DEPTH} levels deep, which is refused: flatten the file",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # ``<<``: merged keys may be given again, which overrides them
            key = self.construct_object(key_node, deep=True)
            try:
                seen = first.get(key)
            except TypeError:  # an unhashable key: the safe loader says so
                break
            line = key_node.start_mark.line + 1
            if seen is not None:
                raise self.refuse(
                    key_node.start_mark,
                    f"key {key!r} given twice in one mapping (lines {seen} and {line}); "
                    "YAML would keep only the last: remove one, or give it another name",
                )
            first[key] = line
        return super().construct_mapping(node, deep=deep)


def load(text: str, source: str) -> Any:
    """Read one YAML document with the safe loader, refusing what :mod:`yamlfile` lists.

    Parameters
    ----------
    text : str
        The document.
    source : str
        The file (or parameter) it comes from, as the user knows it; every
        refusal begins with it.

    Returns
    -------
    Any
        What :func:`yaml.safe_load` returns for an accepted document (``None``
        for an empty one).

    Raises
    ------
    ParameterError
        For an anchor or alias, a key given twice in one mapping, or nesting
        deeper than :data:`MAX_DEPTH`: one line naming ``source``, the line
        and the key or alias, and what to do.
    yaml.YAMLError
        For text that is not YAML, as :func:`yaml.safe_load` raises it.
    """
    loader = _Loader(text, source)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def compose(text: str, source: str) -> yaml.Node | None:
    """Parse one YAML document into its nodes, each scalar as written, refusing as :func:`load`.

    For a reader that needs a word's spelling where YAML 1.1 resolves it to
    another type (a bare ``yes`` read as true).

    Parameters
    ----------
    text : str
        The document.
    source : str
        The file it comes from, as the user knows it.

    Returns
    -------
    yaml.Node or None
        The document's root node (``None`` for an empty document).

    Raises
    ------
    ParameterError
        For an anchor or alias, or nesting deeper than :data:`MAX_DEPTH`.
    yaml.YAMLError
        For text that is not YAML.
    """
    loader = _Loader(text, source)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()

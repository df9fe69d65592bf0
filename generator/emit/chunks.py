"""A large document serialised piece by piece, each piece once: the text of one ``json.dumps``/``yaml.dump``.

The OpenAPI document grows with the model (a path item per resource, a schema per type) and one edit changes
a few pieces of it. Its JSON (indent 2) and YAML (block style, no aliases) texts are joined from the texts of
its pieces, the entries of ``paths`` and ``components/schemas`` and every other top-level entry, each kept in
the cache (:mod:`generator.incremental.cache`) by its content. The join is exact: an indented JSON value is
the same text at any depth once its lines are shifted, and a block-style YAML entry is the text PyYAML writes
for it under the same keys alone (it is dumped inside those keys and cut out), so the result equals one dump of the
whole document byte for byte (tests/emit/test_chunks.py).
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Callable
from json.encoder import encode_basestring  # json's own (C) encoder of a string, as ensure_ascii=False writes it
from typing import Any

import yaml

from ..incremental import cache

SPLIT = {(), ("paths",), ("components",), ("components", "schemas")}  # the mappings whose entries are pieces
Path_ = tuple[str, ...]


def _piece(kind: str, parts: list[str | bytes], make: Callable[[], str]) -> str:
    k = cache.key(cache.source_digest(), cache.version("pyyaml"), kind, *parts)
    found = cache.get_text(kind, k)
    if found is None:
        found = make()
        cache.put_text(kind, k, found)
    return found


def _split(path: Path_, value: Any) -> bool:
    return path in SPLIT and isinstance(value, dict) and bool(value) and all(isinstance(k, str) for k in value)


KeyTexts = dict[int, tuple[Any, bytes]]  # id -> (the value, its text): the key texts of one document's pieces


def _text(value: Any) -> bytes:
    """A text of ``value`` that differs where the value does, the key of its piece: marshal's format 2 (written
    by C code, five times faster than ``repr``; it stands for the content alone, where formats 3 and up also
    note which strings are shared or interned), else (a value marshal cannot write) its ``repr``."""
    try:
        return b"m" + marshal.dumps(value, 2)
    except ValueError:
        return b"r" + repr(value).encode("utf-8", "surrogatepass")


def _key_text(value: Any, key_texts: KeyTexts | None) -> bytes:
    """:func:`_text` of ``value``, once per value of a document written as both JSON and YAML (:func:`documents`;
    the memo holds the value itself, so its id stays its own)."""
    if key_texts is None:
        return _text(value)
    hit = key_texts.get(id(value))
    if hit is None or hit[0] is not value:
        hit = key_texts[id(value)] = (value, _text(value))
    return hit[1]


def json_text(doc: Any, key_texts: KeyTexts | None = None) -> str:
    """``json.dumps(doc, indent=2, ensure_ascii=False)``."""
    return _json(doc, (), 0, key_texts)


def _json(value: Any, path: Path_, level: int, key_texts: KeyTexts | None = None) -> str:
    if _split(path, value):
        pad = "  " * (level + 1)
        items = [f"{pad}{encode_basestring(k)}: {_json(v, (*path, k), level + 1, key_texts)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    text = _piece("json-piece", [_key_text(value, key_texts)], lambda: json_indented(value))
    return text.replace("\n", "\n" + "  " * level) if level else text


def json_indented(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, about twice as fast: json's encoder leaves its C code
    for Python generators when it indents; this joins the same pieces (json's own string encoder, its number
    texts) from one list. Anything else (a key that is not a string, a value JSON has no text for) is json's."""
    out: list[str] = []
    try:
        _indented(value, "\n", out)
    except TypeError:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


def _indented(value: Any, nl: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner, opener = nl + "  ", "{"
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(k)
            out.append(f"{opener}{inner}{encode_basestring(k)}: ")
            opener = ","
            _indented(v, inner, out)
        out.append(nl + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner, opener = nl + "  ", "["
        for v in value:
            out.append(opener + inner)
            opener = ","
            _indented(v, inner, out)
        out.append(nl + "]")
    elif value is None or value is True or value is False:
        out.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(json.dumps(value))
    else:
        raise TypeError(value)


def yaml_text(doc: dict[str, Any], dump: Callable[[Any], str], key_texts: KeyTexts | None = None) -> str:
    """``dump(doc)``, where ``dump`` writes block-style YAML without aliases (a mapping entry's text does not
    depend on its neighbours)."""
    return _yaml(doc, (), dump, key_texts) if _split((), doc) else dump(doc)


def _wrapped(path: Path_, inner: dict[str, Any]) -> dict[str, Any]:
    for key in reversed(path):
        inner = {key: inner}
    return inner


def _yaml(mapping: dict[str, Any], path: Path_, dump: Callable[[Any], str], key_texts: KeyTexts | None = None) -> str:
    out = []
    for k, v in mapping.items():
        sub = (*path, k)
        if _split(sub, v):
            # the key's own line, as written above its entries
            out.append(dump(_wrapped(sub, {"x": None})).split("\n")[len(path)] + "\n")
            out.append(_yaml(v, sub, dump, key_texts))
        else:
            out.append(_piece("yaml-piece", [repr(path), repr(k), _key_text(v, key_texts)], _entry(path, k, v, dump)))
    return "".join(out)


def _entry(path: Path_, key: str, value: Any, dump: Callable[[Any], str]) -> Callable[[], str]:
    """The text of one entry: dumped under its keys, with their lines cut off."""
    return lambda: dump(_wrapped(path, {key: value})).split("\n", len(path))[-1]


# ------------------------------------------------------------------ the document files

HEADER = "# generated from spec/ by nmsgen - do not edit\n"


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style for multi-line text, no anchors/aliases for shared values."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not any(c in value for c in "\r\t") and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(tuple, yaml.SafeDumper.represent_list)  # as json writes a tuple: an array


def yaml_dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def json_document(doc: dict[str, Any], key_texts: KeyTexts | None = None) -> str:
    """The text of an OpenAPI document as JSON (indent 2), joined from cached pieces."""
    return json_text(doc, key_texts) + "\n"


def yaml_document(doc: dict[str, Any], key_texts: KeyTexts | None = None) -> str:
    """The text of an OpenAPI document as YAML (block style, no aliases) under the generated-file header."""
    return HEADER + yaml_text(doc, yaml_dump, key_texts)


def documents(doc: dict[str, Any]) -> tuple[str, str]:
    """:func:`json_document` and :func:`yaml_document` of one document, which is not changed meanwhile: each
    piece's key text (:func:`_text`) is made once for both."""
    key_texts: KeyTexts = {}
    return json_document(doc, key_texts), yaml_document(doc, key_texts)

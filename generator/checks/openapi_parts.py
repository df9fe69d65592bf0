"""The OpenAPI document cut into parts that openapi-spec-validator can judge one by one, so that a verdict
is made again only for the parts an edit changed (at 10x the whole document takes 1.7 s of CPU; one path
item a few milliseconds).

The parts: the **skeleton** (the document with no paths: its top level and every component) and one
**path document** per path item (the top level, that path item alone, and the components it reaches through
``$ref``, transitively). The validator's rules are local to these parts, with one exception:

* the JSON Schema of OpenAPI 3.0 judges each path item, each component and the top level on its own;
* the keyword rules walk the paths, then the components. A schema's rules (its default value, the
  ``required`` of an ``allOf``) run at the first visit of that schema object, and a visit walks everything the
  schema reaches; so the first visit of any schema happens, in its part, at the same point of the walk and
  with the same flags as in the whole document, and every rule that fails on the whole fails on a part;
* the exception, unique operation ids across paths, is checked here (:func:`split` returns None).

So *every part valid* implies *the whole document valid*. A part found invalid is no verdict on the whole:
the caller then validates the whole document, whose first error is the verdict (the same words as before).
A document this module cannot cut (a ``$ref`` that is not a component's, a ``$ref`` key it cannot read
exactly, two operations with one id) is judged whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_REF = re.compile(r'"\$ref": "#/components/([A-Za-z0-9._-]+)/([A-Za-z0-9._-]+)"')
_ANY_REF = '"$ref"'
_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Part:
    """One part: ``texts`` identify it (its key is made of them: JSON in the document's order, since the
    validator walks mappings in order and a schema's rules run at its first visit), ``document`` builds what
    is validated."""

    name: str
    texts: tuple[str, ...]
    document: Callable[[], dict[str, Any]]


def _refs(text: str) -> list[tuple[str, str]] | None:
    """The components a part's JSON text refers to; None when one of its ``$ref`` keys is not a component
    reference this module reads exactly."""
    found = _REF.findall(text)
    return found if len(found) == text.count(_ANY_REF) else None


def split(document: dict[str, Any]) -> list[Part] | None:
    """The skeleton and one part per path item, in the document's order; None when the document is judged
    whole (see the module's docstring)."""
    paths, components = document.get("paths"), document.get("components", {})
    if not isinstance(paths, dict) or not isinstance(components, dict):
        return None
    if not all(isinstance(section, dict) for section in components.values()):
        return None
    ids: set[Any] = set()
    for item in paths.values():
        for verb, operation in item.items() if isinstance(item, dict) else ():
            if verb in _OPERATIONS and isinstance(operation, dict) and "operationId" in operation:
                if operation["operationId"] in ids:
                    return None
                ids.add(operation["operationId"])
    top = {k: v for k, v in document.items() if k not in ("paths", "components")}
    top_text = json.dumps(top, ensure_ascii=False)
    texts: dict[tuple[str, str], str] = {}  # every component's text, once
    reaches: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for section, members in components.items():
        for name, value in members.items():
            text = texts[(section, name)] = json.dumps(value, ensure_ascii=False)
            found = _refs(text)
            if found is None:
                return None
            reaches[(section, name)] = found
    component_texts = tuple(f"{s}/{n}={t}" for (s, n), t in texts.items())
    skeleton = {**top, "paths": {}, "components": components}
    parts = [Part("skeleton", ("skeleton", top_text, *component_texts), lambda: skeleton)]
    for url, item in paths.items():
        item_text = json.dumps(item, ensure_ascii=False)
        found = _refs(item_text)
        if found is None:
            return None
        closure = _closure(found, reaches)
        if closure is None:
            return None  # a reference to no component: the whole document's verdict says where
        parts.append(
            Part(
                f"paths/{url}",
                ("path", top_text, url, item_text, *(f"{s}/{n}={texts[(s, n)]}" for s, n in closure)),
                _path_document(top, url, item, components, closure),
            )
        )
    return parts


def _closure(
    start: list[tuple[str, str]], reaches: dict[tuple[str, str], list[tuple[str, str]]]
) -> list[tuple[str, str]] | None:
    """The components reached from ``start``, in the order they appear in the document."""
    seen: set[tuple[str, str]] = set()
    todo = list(start)
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        if ref not in reaches:
            return None
        seen.add(ref)
        todo.extend(reaches[ref])
    return [ref for ref in reaches if ref in seen]


def _path_document(
    top: dict[str, Any], url: str, item: Any, components: dict[str, Any], closure: list[tuple[str, str]]
) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        reached: dict[str, dict[str, Any]] = {}
        for section, name in closure:
            reached.setdefault(section, {})[name] = components[section][name]
        return {**top, "paths": {url: item}, "components": reached}

    return build

"""Which generated files a change touches, and what implementers of the store interface must do.

"The generated files it touches" are the files that differ between the two sides whose changed parts
(a def or class of a Python module; an operation or component of the OpenAPI document) mention one of
the change's tokens (names taken from the IR: operation ids and their Python names, type names, paths,
auth names): computed from the emitters' output, never from a hand list. The traceability files
(``trace/``), the manifest and the README change with almost anything and are not attributed. The
store methods come from the index (:attr:`~generator.ir.index.Index.store_methods`, the signatures the
generated ``store.py`` declares), not from reading the generated code back.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from typing import Any

import yaml

from ...incremental import cache
from ...ir import index
from ...ir import model as m
from .changes import Change, StoreDelta

NO_FILES = ("trace/", ".nmsgen-manifest", "README.md")  # change with everything; not attributed


def _python_units(text: str) -> dict[str, str]:
    """Each line of a module belongs to its innermost def or class, or to its row of a module-level table
    (``CLAUSES['CreateObject']``), or to the module: name -> those lines."""
    lines = text.splitlines()
    owner = ["(module)"] * len(lines)

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                start = min([child.lineno] + [d.lineno for d in child.decorator_list])
                for i in range(start - 1, child.end_lineno or child.lineno):
                    owner[i] = name
                visit(child, name + ".")
            elif not prefix and isinstance(child, (ast.Assign, ast.AnnAssign)) and isinstance(child.value, ast.Dict):
                target = child.targets[0] if isinstance(child, ast.Assign) else child.target
                table = target.id if isinstance(target, ast.Name) else "(module)"
                for k, v in zip(child.value.keys, child.value.values, strict=True):
                    if isinstance(k, ast.Constant) and isinstance(k.value, str):
                        for i in range(k.lineno - 1, v.end_lineno or v.lineno):
                            owner[i] = f"{table}[{k.value!r}]"

    visit(ast.parse(text), "")
    units: dict[str, list[str]] = {}
    for name, line in zip(owner, lines, strict=True):
        units.setdefault(name, []).append(line)
    return {k: "\n".join(v) for k, v in units.items()}


_CSafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where present


def _document_units(doc: Any) -> dict[str, str]:
    """An OpenAPI document as units: each operation, each component, and the rest."""
    units: dict[str, str] = {}
    rest = dict(doc)
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            units[f"{method} {path}"] = json.dumps(op, sort_keys=True)
    for section, entries in doc.get("components", {}).items():
        for name, value in entries.items():
            units[f"{section} {name}"] = f"{name} " + json.dumps(value, sort_keys=True)
    rest.pop("paths", None)
    rest.pop("components", None)
    units["(document)"] = json.dumps(rest, sort_keys=True)
    return units


def _units(path: str, text: str) -> dict[str, str]:
    if path.endswith(".py"):
        return _python_units(text)
    if path.endswith(".json"):
        return _document_units(json.loads(text))
    if path.endswith((".yaml", ".yml")):
        return _document_units(yaml.load(text, Loader=_CSafeLoader))
    return {"(file)": text}


def changed_units(old: str | None, new: str | None, path: str) -> list[str]:
    """The text of every unit (def, class, operation, schema) that differs between two versions of a file;
    cached (kind ``units``) by the generator's source, the path and both texts (parsing a YAML document is the
    slow part of a diff whose sides were generated before)."""
    k = cache.key(cache.source_digest(), path, "-" if old is None else "+" + old, "-" if new is None else "+" + new)
    found = cache.get_text("units", k)
    if found is not None:
        units: list[str] = json.loads(found)
        return units
    a = _units(path, old) if old is not None else {}
    b = _units(path, new) if new is not None else {}
    units = [f"{k}\n{a.get(k, '')}\n{b.get(k, '')}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    cache.put_text("units", k, json.dumps(units, ensure_ascii=False))
    return units


def _mentions(text: str, token: str) -> bool:
    """Whether ``text`` mentions ``token``: a quoted token anywhere, any other as a whole name (not preceded or
    followed by a letter, digit, underscore or hyphen). The definition :class:`Mentions` answers faster."""
    if token[:1] in "\"'":
        return token in text
    return re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", text) is not None


_NAME = re.compile(r"[\w-]+")


class Mentions:
    """:func:`_mentions` over a list of texts (any of them), with the texts scanned once: a token made of name
    characters only is mentioned exactly when it is one of the maximal runs of name characters (the set built
    here); any other token is searched for, in the texts that contain it."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.names = {name for text in texts for name in _NAME.findall(text)}

    def __call__(self, token: str) -> bool:
        if token[:1] in "\"'":
            return any(token in text for text in self.texts)
        if _NAME.fullmatch(token):
            return token in self.names
        return any(_whole(text, token) for text in self.texts)


def _whole(text: str, token: str) -> bool:
    """:func:`_mentions` of a token that is not quoted: each occurrence found by ``str.find``, its neighbours
    checked (a regular expression with look-around costs far more on a long text)."""
    if not token:
        return True
    i = text.find(token)
    while i >= 0:
        end = i + len(token)
        if (i == 0 or not _NAME.match(text, i - 1)) and (end == len(text) or not _NAME.match(text, end)):
            return True
        i = text.find(token, i + 1)
    return False


def differing(old_files: dict[str, str], new_files: dict[str, str]) -> list[str]:
    """The generated files that differ between the two sides (those that change with everything left out)."""
    keep = [p for p in sorted(set(old_files) | set(new_files)) if not p.startswith(NO_FILES)]
    return [p for p in keep if old_files.get(p) != new_files.get(p)]


def attribute(changes: list[Change], old_files: dict[str, str], new_files: dict[str, str]) -> list[Change]:
    """Each change with the differing files whose changed units mention one of its tokens."""
    files = differing(old_files, new_files)
    mentions = {p: Mentions(changed_units(old_files.get(p), new_files.get(p), p)) for p in files}
    return [
        dataclasses.replace(c, files=tuple(p for p in files if any(mentions[p](t) for t in c.tokens))) for c in changes
    ]


def store_delta(old: m.Model, new: m.Model) -> StoreDelta:
    """What implementers of the generated ``MessageStore`` must add, change or may drop (the index knows each
    method's signature as ``store.py`` declares it)."""
    a, b = index.of(old).store_methods, index.of(new).store_methods
    return StoreDelta(
        add=[b[k] for k in sorted(set(b) - set(a))],
        change=[f"{a[k]}  =>  {b[k]}" for k in sorted(set(a) & set(b)) if a[k] != b[k]],
        remove=[a[k] for k in sorted(set(a) - set(b))],
    )

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
import functools
import json
import re
from collections.abc import Iterable
from typing import Any

import yaml

from ...incremental import background, cache
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


class _Unsplittable(ValueError):
    """A YAML text not laid out as :func:`generator.emit.chunks.yaml_document` writes it."""


_BLOCK_KEY = re.compile(r"[A-Za-z_/][\w/{}.-]*")  # a plain key that YAML reads as a string (but the words below)
_NOT_STRINGS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def _key(line: str) -> Any:
    """The key of a block mapping entry written on ``line`` (its indentation removed)."""
    head, sep, _ = line.partition(":")
    if sep and _BLOCK_KEY.fullmatch(head) and head.lower() not in _NOT_STRINGS:
        return head
    if line.startswith(("? ", "&", "*", "!")) or line == "?":
        raise _Unsplittable(line)
    text = line + " null" if line.endswith(":") else line
    try:
        entry = yaml.load(text, Loader=_CSafeLoader)
    except yaml.YAMLError as e:  # a key or value continued on the next lines
        raise _Unsplittable(line) from e
    if not isinstance(entry, dict) or len(entry) != 1:
        raise _Unsplittable(line)
    return next(iter(entry))


def _entries(lines: list[str], indent: int) -> list[tuple[Any, list[str]]]:
    """The entries of a block mapping whose keys start at column ``indent``: (key, its lines, the key's own
    first). A line of a sequence written under a key (``- item`` at the key's column) and an empty line (of a
    literal block) belong to the entry above them."""
    out: list[tuple[Any, list[str]]] = []
    pad = " " * indent
    for line in lines:
        body = line[indent:]
        if not line or (line.startswith(pad) and (body[:1] == " " or body[:2] == "- " or body == "-")):
            if not out:
                raise _Unsplittable(line)
            out[-1][1].append(line)
        elif line.startswith(pad) and body[:1] not in ("", "#"):
            out.append((_key(body), [line]))
        else:
            raise _Unsplittable(line)
    return out


def _yaml_slices(text: str) -> dict[str, tuple[str, int, str]]:
    """The units of a YAML document as :func:`_document_units` names them, each as the prefix of its unit, the
    column of its key and its lines (key line included), cut from the text, not parsed. The document's writer
    gives a mapping entry the same text wherever it stands (no aliases, block style), so two equal slices
    hold equal values."""
    lines = [line for line in text.split("\n") if not line.startswith("#")]
    while lines and not lines[-1]:
        lines.pop()
    slices: dict[str, tuple[str, int, str]] = {}
    rest: list[str] = []

    def add(name: str, prefix: str, indent: int, entry_lines: list[str]) -> None:
        if name in slices:
            raise _Unsplittable(name)
        slices[name] = (prefix, indent, "\n".join(entry_lines))

    for key, entry in _entries(lines, 0):
        if key in ("paths", "components") and entry[0] != f"{key}:":
            raise _Unsplittable(entry[0])
        if key == "paths":
            for path, item in _entries(entry[1:], 2):
                for method, op in _entries(item[1:], 4):
                    add(f"{method} {path}", "", 4, op)
        elif key == "components":
            for section, named in _entries(entry[1:], 2):
                for name, value in _entries(named[1:], 4):
                    add(f"{section} {name}", f"{name} ", 4, value)
        else:
            rest += entry
    add("(document)", "", 0, rest)
    return slices


def _slice_unit(name: str, prefix: str, indent: int, text: str) -> str:
    """The unit :func:`_document_units` makes of one slice of :func:`_yaml_slices`."""
    dedented = "\n".join(line[indent:] for line in text.split("\n"))
    value = yaml.load(dedented, Loader=_CSafeLoader)
    if name == "(document)":
        return json.dumps(value or {}, sort_keys=True)
    if not isinstance(value, dict) or len(value) != 1:
        raise _Unsplittable(name)
    return prefix + json.dumps(next(iter(value.values())), sort_keys=True)


def _side_units(path: str, text: str | None) -> dict[str, str]:
    """The units of one side's version of a file (none where the side has no such file)."""
    return _units(path, text) if text is not None else {}


def _changed(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return [f"{k}\n{a.get(k, '')}\n{b.get(k, '')}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def _changed_yaml(old: str | None, new: str | None) -> list[str]:
    """:func:`_changed` of the YAML documents' units, parsing only the slices whose text differs (parsing a
    whole document is the slow part of a diff); a text laid out otherwise is parsed whole."""
    try:
        a = _yaml_slices(old) if old is not None else {}
        b = _yaml_slices(new) if new is not None else {}
        differ = [k for k in set(a) | set(b) if a.get(k) != b.get(k)]
        return _changed(
            {k: _slice_unit(k, *a[k]) for k in differ if k in a},
            {k: _slice_unit(k, *b[k]) for k in differ if k in b},
        )
    except (_Unsplittable, yaml.YAMLError):
        return _changed(_side_units(".yaml", old), _side_units(".yaml", new))


def changed_units(old: str | None, new: str | None, path: str) -> list[str]:
    """The text of every unit (def, class, operation, schema) that differs between two versions of a file;
    cached (kind ``units``) by the generator's source, the path and both texts (parsing a YAML document is the
    slow part of a diff whose sides were generated before)."""
    k = _units_key(old, new, path)
    units = _cached_units(k)
    return units if units is not None else _made_units(old, new, path, k)


def _units_key(old: str | None, new: str | None, path: str) -> str:
    return cache.key(cache.source_digest(), path, "-" if old is None else "+" + old, "-" if new is None else "+" + new)


def _cached_units(k: str) -> list[str] | None:
    found = cache.get_text("units", k)
    if found is None:
        return None
    units: list[str] = json.loads(found)
    return units


def _made_units(old: str | None, new: str | None, path: str, k: str) -> list[str]:
    """:func:`changed_units` not found in the cache: computed, and kept there."""
    if path.endswith((".yaml", ".yml")):
        units = _changed_yaml(old, new)
    else:
        units = _changed(_side_units(path, old), _side_units(path, new))
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
    here, or given: :func:`_names`); any other token is searched for, in the texts that contain it."""

    def __init__(self, texts: list[str], names: Iterable[str] | None = None) -> None:
        self.texts = texts
        self.names = set(_names(texts) if names is None else names)

    def __call__(self, token: str) -> bool:
        if token[:1] in "\"'":
            return any(token in text for text in self.texts)
        if _NAME.fullmatch(token):
            return token in self.names
        return any(_whole(text, token) for text in self.texts)


def _names(texts: list[str]) -> set[str]:
    return {name for text in texts for name in _NAME.findall(text)}


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


# a YAML document and the JSON document written from the same value (generator/emit/openapi.py): their units
# are the same, so the JSON one's (parsed a dozen times faster) answer for both
TWINS = {"openapi/openapi.yaml": "openapi/openapi.json"}


# the work of a file's units per character of its two versions, roughly (relative: parsing Python is the dearest);
# a diff whose units are not in the cache shares its files between this process and a child by these weights
WEIGHT = {".py": 5, ".yaml": 4, ".yml": 4, ".html": 1, ".json": 0.6}
SHARED = 400_000  # the weighted characters below which one process does it all (a fork costs a few ms)


def _split(todo: dict[str, str], old_files: dict[str, str], new_files: dict[str, str]) -> tuple[list[str], list[str]]:
    """The files of ``todo`` for this process and for a child: the dearest first, each to the side with less work
    (none for the child when there is little to do)."""
    cost = {
        p: WEIGHT.get(p[p.rfind(".") :], 1) * (len(old_files.get(p) or "") + len(new_files.get(p) or "")) for p in todo
    }
    return (list(todo), []) if sum(cost.values()) < SHARED else background.balance(cost)


def attribute(changes: list[Change], old_files: dict[str, str], new_files: dict[str, str]) -> list[Change]:
    """Each change with the differing files whose changed units mention one of its tokens."""
    files = differing(old_files, new_files)
    mentions: dict[str, Mentions] = {}
    todo: dict[str, str] = {}  # path -> the key of its units, not in the cache
    for p in sorted(files, key=lambda p: p in TWINS):  # the JSON twins first
        twin = TWINS.get(p, "")
        if (twin in mentions or twin in todo) and all(twin in side and p in side for side in (old_files, new_files)):
            continue  # answered by its twin (below)
        k = _units_key(old_files.get(p), new_files.get(p), p)
        units = _cached_units(k)
        if units is None:
            todo[p] = k
        else:
            mentions[p] = Mentions(units)
    mine, beside = _split(todo, old_files, new_files)
    theirs = (
        background.start(functools.partial(_units_and_names, beside, todo, old_files, new_files)) if beside else dict
    )
    for p in mine:
        mentions[p] = Mentions(_made_units(old_files.get(p), new_files.get(p), p, todo[p]))
    for p, (units, names) in theirs().items():
        mentions[p] = Mentions(units, names)
    for p, twin in TWINS.items():
        if p in files and p not in mentions:
            mentions[p] = mentions[twin]
    return [
        dataclasses.replace(c, files=tuple(p for p in files if any(mentions[p](t) for t in c.tokens))) for c in changes
    ]


def _units_and_names(
    paths: list[str], keys: dict[str, str], old_files: dict[str, str], new_files: dict[str, str]
) -> dict[str, tuple[list[str], list[str]]]:
    """For a child of :func:`attribute`: the changed units of ``paths`` and the names they mention."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for p in paths:
        units = _made_units(old_files.get(p), new_files.get(p), p, keys[p])
        out[p] = (units, list(_names(units)))  # a set in the end: any order
    return out


def store_delta(old: m.Model, new: m.Model) -> StoreDelta:
    """What implementers of the generated ``MessageStore`` must add, change or may drop (the index knows each
    method's signature as ``store.py`` declares it)."""
    a, b = index.of(old).store_methods, index.of(new).store_methods
    return StoreDelta(
        add=[b[k] for k in sorted(set(b) - set(a))],
        change=[f"{a[k]}  =>  {b[k]}" for k in sorted(set(a) & set(b)) if a[k] != b[k]],
        remove=[a[k] for k in sorted(set(a) - set(b))],
    )

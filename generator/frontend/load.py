"""Stage 1 — load: model files on disk -> plain data with positions.

In: a spec folder (every ``*.yaml`` below it, sorted) or a single YAML file.
Out: one :class:`LoadedFile` per file: plain Python data (dict/list/str/int/float/bool/None)
and an index from each node's path to its :class:`Position` (the key's position for mapping
entries, so errors point at the name a person typed).

The YAML parser is PyYAML's (libyaml where present); the tree is composed here, iteratively,
so that duplicate keys, alias expansion, nesting depth and file size are bounded and reported
as diagnostics instead of tracebacks. Scalars follow the YAML 1.2 core schema (``no`` stays a
string). Tags, complex keys and multi-document files are refused: model text is data only. Model text
is Unicode text: a scalar with a control character other than tab and line breaks, or a lone surrogate
(both only reachable through escapes of double-quoted scalars), is refused, as no generated file could carry
it faithfully (HTML, Markdown and UTF-8 have no place for them).
"""

from __future__ import annotations

import marshal
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostics, Position
from ..incremental import cache

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000  # per file, counting every node an alias expands to

NodePath = tuple[str | int, ...]

try:  # libyaml is an order of magnitude faster; the pure parser gives the same events
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


Located = dict[NodePath, tuple[int, int]]  # node -> (line, column): positions as the cache keeps them


class LoadedFile:
    """One model file: its path as shown in diagnostics, its data, and where each node of it starts
    (``positions``). A file read from the cache holds its positions as (line, column) pairs, made into
    :class:`Position` objects only when the mapping is asked for: building the model asks :meth:`where` for a
    few thousand of a 10x model's 50,000."""

    __slots__ = ("_located", "_positions", "data", "path")

    def __init__(
        self, path: str, data: Any, positions: dict[NodePath, Position] | None = None, located: Located | None = None
    ) -> None:
        self.path = path
        self.data = data
        self._located = located if positions is None else None
        self._positions = positions if positions is not None or located is not None else {}

    @property
    def positions(self) -> dict[NodePath, Position]:
        if self._positions is None:
            assert self._located is not None
            path = self.path
            self._positions = {p: Position(path, line, col) for p, (line, col) in self._located.items()}
            self._located = None
        return self._positions

    def _table(self) -> dict[NodePath, Position] | Located:
        return self._located if self._located is not None else self.positions

    def _position(self, found: Position | tuple[int, int]) -> Position:
        return found if isinstance(found, Position) else Position(self.path, *found)

    def where(self, path: NodePath) -> Position:
        """Position of ``path`` or of its nearest located ancestor."""
        table = self._table()
        p = path
        while p not in table and p:
            p = p[:-1]
        return self._position(table.get(p, (1, 1)))

    def under(self, prefix: NodePath) -> dict[NodePath, Position]:
        """The positions of the nodes under ``prefix`` (itself included), by their path below it."""
        n = len(prefix)
        return {k[n:]: self._position(v) for k, v in self._table().items() if k[:n] == prefix}


class _Abort(Exception):
    pass


def _resolve_plain(value: str) -> Any:
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _OCT.match(value):
        return int(value[2:], 8)
    if _HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value)
    return value


def _pos(display: str, mark: Any) -> Position:
    return Position(display, mark.line + 1, mark.column + 1)


def compose(text: str, display: str, diags: Diagnostics) -> LoadedFile | None:
    """Parse one YAML document into data + positions, or report why not."""
    loaded = LoadedFile(display, None)
    anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, node count of its subtree)
    budget = [0]

    def charge(n: int, mark: Any) -> None:
        budget[0] += n
        if budget[0] > MAX_NODES:
            diags.error(
                "yaml-alias-bomb",
                f"the document expands to more than {MAX_NODES} nodes",
                _pos(display, mark),
                "remove the aliases or split the file",
            )
            raise _Abort

    # Each frame: [container, path, pending_key, pending_key_mark, anchor, start_count]
    stack: list[list[Any]] = []
    root: list[Any] = []
    documents = 0
    try:
        for ev in yaml.parse(text, Loader=_Loader):
            if isinstance(ev, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    diags.error(
                        "yaml-unsupported",
                        "more than one YAML document in a model file",
                        _pos(display, ev.start_mark),
                        "keep one document per file",
                    )
                    raise _Abort
                continue
            if isinstance(ev, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            tag = getattr(ev, "tag", None)
            if tag not in (None, "!") and not isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                diags.error(
                    "yaml-unsupported",
                    f"YAML tag {tag!r} is not allowed in a model",
                    _pos(display, ev.start_mark),
                    "write plain values without tags",
                )
                raise _Abort
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)) and _expecting_key(
                stack
            ):
                diags.error(
                    "yaml-unsupported",
                    "mapping keys must be plain scalars",
                    _pos(display, ev.start_mark),
                    "use a plain name as the key",
                )
                raise _Abort
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    diags.error(
                        "yaml-too-deep",
                        f"nesting deeper than {MAX_DEPTH} levels",
                        _pos(display, ev.start_mark),
                        "flatten the structure",
                    )
                    raise _Abort
                charge(1, ev.start_mark)
                container: Any = {} if isinstance(ev, yaml.MappingStartEvent) else []
                path = _child_path(stack)
                loaded.positions.setdefault(path, _frame_pos(stack, display, ev.start_mark))
                stack.append([container, path, None, None, ev.anchor, budget[0]])
                continue
            if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frame = stack.pop()
                if frame[4]:
                    anchors[frame[4]] = (frame[0], budget[0] - frame[5] + 1)
                _attach(stack, root, frame[0])
                continue
            if isinstance(ev, yaml.AliasEvent):
                if ev.anchor not in anchors:
                    diags.error("yaml-syntax", f"unknown alias *{ev.anchor}", _pos(display, ev.start_mark))
                    raise _Abort
                value, size = anchors[ev.anchor]
                charge(size, ev.start_mark)
                path = _child_path(stack)
                loaded.positions.setdefault(path, _frame_pos(stack, display, ev.start_mark))
                _attach(stack, root, value)
                continue
            if isinstance(ev, yaml.ScalarEvent):
                charge(1, ev.start_mark)
                bad = _NOT_TEXT.search(ev.value)
                if bad:
                    c = bad.group()
                    kind = "a lone surrogate" if "\ud800" <= c <= "\udfff" else "a control character"
                    diags.error(
                        "invalid-text",
                        f"model text contains {kind}, U+{ord(c):04X}",
                        _pos(display, ev.start_mark),
                        "write printable text; tabs and line breaks are fine",
                    )
                plain = not ev.style and ev.implicit[0]
                value = _resolve_plain(ev.value) if plain else ev.value
                if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                    # a mapping key
                    if not isinstance(value, (str, int, float, bool)) or value is None:
                        diags.error(
                            "yaml-unsupported", "mapping keys must be plain scalars", _pos(display, ev.start_mark)
                        )
                        raise _Abort
                    key = value if isinstance(value, str) else str(value)
                    frame = stack[-1]
                    if key in frame[0]:
                        first = loaded.positions.get((*frame[1], key))
                        diags.error(
                            "yaml-duplicate-key",
                            f"duplicate key {key!r}" + (f" (first defined at line {first.line})" if first else ""),
                            _pos(display, ev.start_mark),
                            "each key may appear once in a mapping",
                        )
                        raise _Abort
                    frame[2] = key
                    frame[3] = ev.start_mark
                    loaded.positions[(*frame[1], key)] = _pos(display, ev.start_mark)
                    if ev.anchor:
                        anchors[ev.anchor] = (key, 1)
                    continue
                path = _child_path(stack)
                loaded.positions.setdefault(path, _frame_pos(stack, display, ev.start_mark))
                if ev.anchor:
                    anchors[ev.anchor] = (value, 1)
                _attach(stack, root, value)
                continue
    except _Abort:
        return None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        pos = _pos(display, mark) if mark else Position(display, 1, 1)
        problem = e.problem or "invalid YAML"
        ctx = f" {e.context}" if e.context else ""
        diags.error("yaml-syntax", f"{problem}{ctx}", pos, "fix the YAML syntax at this point")
        return None
    except yaml.YAMLError as e:
        diags.error("yaml-syntax", str(e).splitlines()[0], Position(display, 1, 1))
        return None
    loaded.data = root[0] if root else None
    return loaded


def _expecting_key(stack: list[list[Any]]) -> bool:
    return bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None


def _child_path(stack: list[list[Any]]) -> NodePath:
    if not stack:
        return ()
    frame = stack[-1]
    if isinstance(frame[0], dict):
        return (*frame[1], frame[2])
    return (*frame[1], len(frame[0]))


def _frame_pos(stack: list[list[Any]], display: str, mark: Any) -> Position:
    if stack and isinstance(stack[-1][0], dict) and stack[-1][3] is not None:
        return _pos(display, stack[-1][3])  # point at the key the value belongs to
    return _pos(display, mark)


def _attach(stack: list[list[Any]], root: list[Any], value: Any) -> None:
    if not stack:
        root.append(value)
        return
    frame = stack[-1]
    if isinstance(frame[0], dict):
        frame[0][frame[2]] = value
        frame[2] = None
        frame[3] = None
    else:
        frame[0].append(value)


CHANGES_DIR = "changes"


def model_files(spec: Path) -> list[Path]:
    """Every model file; ``changes/`` holds change-request overlays, which are not part of the model."""
    if spec.is_file():
        return [spec]
    return sorted(p for p in spec.rglob("*.yaml") if p.is_file() and p.relative_to(spec).parts[0] != CHANGES_DIR)


def changes_dir(spec: Path) -> Path:
    """The folder of the change-request overlays of a model (beside a single model file)."""
    return (spec.parent if spec.is_file() else spec) / CHANGES_DIR


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load(spec: Path, diags: Diagnostics) -> list[LoadedFile]:
    """Load every model file of ``spec``; problems go to ``diags``."""
    if not spec.exists():
        diags.error(
            "io-error", f"model path {display_path(spec)!r} does not exist", hint="pass a spec folder or a YAML file"
        )
        return []
    files = model_files(spec)
    if not files:
        diags.error("io-error", f"no *.yaml model files under {display_path(spec)!r}")
    out: list[LoadedFile] = []
    for f in files:
        display = display_path(f)
        try:
            raw = f.read_bytes()
        except OSError as e:
            diags.error("io-error", f"cannot read: {e.strerror}", Position(display, 1, 1))
            continue
        if len(raw) > MAX_FILE_BYTES:
            diags.error(
                "yaml-too-large",
                f"file is {len(raw)} bytes, the limit is {MAX_FILE_BYTES}",
                Position(display, 1, 1),
                "split the model into smaller files",
            )
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            diags.error("io-error", "file is not valid UTF-8", Position(display, line, col), "save the file as UTF-8")
            continue
        loaded = _compose_cached(text, display, diags)
        if loaded is not None:
            out.append(loaded)
    return out


def _compose_cached(text: str, display: str, diags: Diagnostics) -> LoadedFile | None:
    """:func:`compose`, or what it made of the same text before (a file composed without any diagnostic is kept
    in the cache, :mod:`generator.incremental.cache`, as marshalled data and positions)."""
    k = cache.key(cache.source_digest(), sys.version, display, text)
    found = cache.get("load", k)
    if found is not None:
        try:
            data, located = marshal.loads(found)
            if isinstance(located, dict):
                return LoadedFile(display, data, located=located)
        except (ValueError, EOFError, TypeError):
            pass  # not what this Python's marshal wrote: compose again
    before = len(diags.items)
    loaded = compose(text, display, diags)
    if loaded is not None and len(diags.items) == before:
        located = {p: (pos.line, pos.column) for p, pos in loaded.positions.items()}
        try:
            cache.put("load", k, marshal.dumps((loaded.data, located)))
        except ValueError:
            pass  # data marshal cannot write is composed every time
    return loaded

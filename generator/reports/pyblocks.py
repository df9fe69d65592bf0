"""Where the definitions of a generated Python module are (the spans the traceability matrix attributes a clause id
to), parsed block by block so that an edit of one method parses that method again, not its 8,000-line module.

A module is cut before each line that can start a statement at the top level or directly in the body of a
top-level class or function (``def``, ``async def``, ``class`` or a decorator at column 0 or 4; any other statement
at column 0), a decorator keeping its definition. Each block, shifted left by its indentation, is parsed on its
own and its spans kept in the cache by its text. The cuts need no tokenizer: a cut inside a string or a bracket
leaves the block before it unterminated, which does not parse, and then the whole module is parsed as before. So
when every block parses, every cut is between two statements, and the blocks' spans, joined (a block at column 4
belongs to the top-level class or function before it, whose span grows to its last statement), are the module's.
Anything else (a block at column 4 after another statement, a line left of its block other than a comment, a
carriage return) is parsed whole.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from typing import Any

from ..incremental import cache

Span = tuple[int, int, str]  # first line, last line (1-based), the symbol's name

_CUT = re.compile(r"(?:    )?(?:async def |def |class |@)|[A-Za-z_]")
_CLAUSE_GOES_ON = re.compile(r"(?:else|elif|except|finally)\b")
KIND = "trace-blocks"
JOINS = 200  # blocks joined with the next one, per module, before it is parsed whole


def visit(node: ast.AST, prefix: str, spans: list[Span], offset: int = 0, tables: bool = True) -> None:
    """The spans of the defs and classes under ``node`` (and, with ``tables``, of its module-level assignments
    and of each row of a module-level dict), lines shifted by ``offset``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = f"{prefix}{child.name}"
            spans.append((child.lineno + offset, (child.end_lineno or child.lineno) + offset, name))
            visit(child, name + ".", spans, offset, tables=False)
        elif isinstance(child, (ast.Assign, ast.AnnAssign)) and tables:
            targets = child.targets if isinstance(child, ast.Assign) else [child.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if names:
                spans.append((child.lineno + offset, (child.end_lineno or child.lineno) + offset, names[0]))
            if names and isinstance(child.value, ast.Dict):  # a table: each row is its own symbol
                for k, v in zip(child.value.keys, child.value.values, strict=True):
                    if isinstance(k, ast.Constant) and isinstance(k.value, str):
                        spans.append(
                            (k.lineno + offset, (v.end_lineno or v.lineno) + offset, f"{names[0]}[{k.value!r}]")
                        )


def whole(text: str) -> list[Span]:
    """The spans of a module, parsed whole."""
    spans: list[Span] = []
    visit(ast.parse(text), "", spans)
    return spans


def _cuts(lines: list[str]) -> list[tuple[int, int]]:
    """(line index, indentation) of each block's first line."""
    cuts: list[tuple[int, int]] = [(0, 0)]
    decorated: int | None = None  # the indentation of the decorator just seen: its definition goes with it
    for i, line in enumerate(lines):
        if _CUT.match(line) is None:
            continue
        indent = 4 if line[0] == " " else 0
        body = line[indent:]
        if indent == 0 and _CLAUSE_GOES_ON.match(body):
            continue
        if decorated != indent and i:
            cuts.append((i, indent))
        decorated = indent if body[0] == "@" else None
    return cuts


def _parse_block(text: str, tables: bool) -> list[Any]:
    """One block's facts: its spans (lines from 1, names without their owner), the last line of its last
    statement, and when that statement is a class or def, the index of its span (the owner of the blocks at
    column 4 after it), else -1."""
    tree = ast.parse(text)
    spans: list[Span] = []
    visit(tree, "", spans, tables=tables)
    last = tree.body[-1] if tree.body else None
    end = (last.end_lineno or last.lineno) if last is not None else 0
    owner = -1
    if isinstance(last, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        owner = next(i for i, s in enumerate(spans) if s[0] == last.lineno and s[2] == last.name)
    return [[list(s) for s in spans], end, owner]


def spans(path: str, text: str) -> list[Span]:
    """The spans of the module ``path`` (as :func:`whole` finds them), from its blocks: those parsed before come
    from the cache (one entry per module path, holding the blocks of its last version and some of another
    version's: :func:`_keep`). A block that does not parse (a class line whose body starts at the next cut,
    prose at column 0 in a docstring) is joined with the next one, up to :data:`JOINS` times per module; past
    that, the module is parsed whole."""
    if "\r" in text:
        return whole(text)
    lines = text.split("\n")
    cuts = _cuts(lines)
    entry_key = cache.key(cache.source_digest(), KIND, path)
    raw = cache.get(KIND, entry_key)
    try:
        known: dict[str, Any] = json.loads(raw) if raw is not None else {}
    except ValueError:
        known = {}
    used: dict[str, Any] = {}
    out: list[list[Any]] = []  # spans, mutable: an owner's end grows with its blocks
    owner: list[Any] | None = None  # the span of the top-level class or def the next column-4 block belongs to
    joins = 0
    parsed = False  # a block not in the cache entry
    i = 0
    while i < len(cuts):
        start, indent = cuts[i]
        j = i + 1
        while True:
            stop = cuts[j][0] if j < len(cuts) else len(lines)
            block = lines[start:stop]
            if indent:  # shifted left; a line at column 0 can only be blank or a comment (kept as a blank line)
                if owner is None or any(ln[:4] != "    " and ln.strip() and ln[0] != "#" for ln in block):
                    return whole(text)
                block = [ln[4:] if ln[:4] == "    " else "" for ln in block]
            block_text = "\n".join(block) + "\n"
            digest = hashlib.sha256(f"{indent}\n{block_text}".encode("utf-8", "surrogatepass")).hexdigest()
            facts = used.get(digest) or known.get(digest)
            if facts is None:
                parsed = True
                try:
                    facts = _parse_block(block_text, tables=not indent)
                except SyntaxError:
                    facts = [None]
            used[digest] = facts
            if facts[0] is not None:
                break
            joins += 1
            if j >= len(cuts) or joins > JOINS:
                return whole(text)
            j += 1
        block_spans, end, owns = facts
        prefix = f"{owner[2]}." if owner is not None and indent else ""
        base = len(out)
        for first, last, symbol in block_spans:
            out.append([first + start, last + start, prefix + symbol])
        if indent:
            assert owner is not None
            owner[1] = max(owner[1], end + start)
        else:
            owner = out[base + owns] if owns >= 0 else None
        i = j
    if parsed:
        _keep(entry_key, raw, known, used)
    return [(first, last, name) for first, last, name in out]


def _keep(entry_key: str, raw: bytes | None, known: dict[str, Any], used: dict[str, Any]) -> None:
    """Write the blocks of this version of a module, and up to as many again of the entry's other blocks: those of
    another version of the module, such as the other side of a change request's impact report, emitted meanwhile
    by a child, so that neither side evicts the other's blocks (the entry is read again: written meanwhile?)."""
    latest = cache.get(KIND, entry_key)
    if latest != raw:
        try:
            known = json.loads(latest) if latest is not None else {}
        except ValueError:
            known = {}
    kept = dict(used)
    for digest, facts in known.items():
        if len(kept) >= 2 * len(used):
            break
        kept.setdefault(digest, facts)
    cache.put(KIND, entry_key, json.dumps(kept, separators=(",", ":")).encode())

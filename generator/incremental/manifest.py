"""The manifest of an output folder: the hash of every generated file, and of every input they were made from.

``nmsgen generate`` writes it as ``.nmsgen-manifest``: first the generated files (``<sha256>  <path>``, as
``sha256sum`` prints them), then the inputs, one per line (``<kind> <sha256 or version>  <name>``):

* ``model``: each model file and change request the run reads (named as diagnostics name it);
* ``template``: each file of ``templates/``;
* ``source``: each module of the generator, whose code decides the output as much as the model does;
* ``markers``: per test file, the clause markers the traceability matrix reads from it (their digest: editing
  a test's body changes nothing, citing another clause or adding a test does);
* ``tool``: nmsgen's version and the pinned tools whose versions fix the output bytes;
* ``option``: the change requests a preview applies (``--with``) or reverts (``--without``).

:func:`fresh` compares the folder with its manifest and the inputs on disk with the recorded ones: when
both match, there is nothing to generate, and ``generate`` and ``generate --check`` stop there. This module
is on that path, so it imports nothing heavy (the traceability matrix only to read a test file whose markers
are not cached yet).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import bundled
from ..frontend.load import changes_dir, display_path, model_files
from . import cache

MANIFEST = ".nmsgen-manifest"
HEADER = "# files generated from spec/ by nmsgen - do not edit\n"
INPUTS_HEADER = "# inputs they were generated from (nmsgen generate --check compares these first)\n"
EVIDENCE = "verified-citations.json"  # the mutation evidence in the tests folder (reports/mutants.py reads it)
TEMPLATES = bundled("templates")  # the folder emit/render.py loads templates from
TOOLS = ("datamodel-code-generator", "nmsgen", "ruff")  # pinned: their versions fix the output bytes

Inputs = dict[tuple[str, str], str]  # (kind, name) -> sha256 or version


@dataclass
class Manifest:
    outputs: dict[str, str] = field(default_factory=dict)  # path -> sha256
    inputs: Inputs = field(default_factory=dict)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render(files: dict[str, bytes], inputs: Inputs | None = None) -> bytes:
    """The manifest of ``files`` (and the inputs they were made from, when known)."""
    lines = [HEADER, *(f"{_sha(files[p])}  {p}\n" for p in sorted(files))]
    if inputs:
        lines.append(INPUTS_HEADER)
        lines += [f"{kind} {value}  {name}\n" for (kind, name), value in sorted(inputs.items())]
    return "".join(lines).encode()


def outputs_part(text: bytes) -> bytes:
    """A manifest without its inputs: what depends on the generated files alone."""
    head, _, _ = text.partition(INPUTS_HEADER.encode())
    return head


def parse(text: str) -> Manifest:
    out = Manifest()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        first, _, name = line.partition("  ")
        kind, _, value = first.partition(" ")
        if value:
            out.inputs[(kind, name)] = value
        else:
            out.outputs[name] = kind
    return out


def version(tool: str) -> str:
    return cache.version(tool)


def test_files(tests_dir: Path, root: Path) -> list[tuple[Path, str]]:
    """The test files whose clause markers feed the traceability matrix, each with its name in the matrix
    (relative to ``root``): every ``test_*.py`` but those of golden copies of generated trees."""
    generated = {m.parent for m in tests_dir.rglob(MANIFEST)}
    out = []
    for path in sorted(tests_dir.rglob("test_*.py")):
        if any(g in path.parents for g in generated):
            continue
        out.append((path, _name(path, root)))
    return out


def _name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def markers(path: Path, rel: str) -> bytes:
    """The clause markers of one test file as the matrix reads them (canonical JSON), cached by its text."""
    return text_markers(rel, path.read_text(encoding="utf-8"))


def _markers_key(rel: str, text: str) -> str:
    return cache.key(cache.source_digest(), rel, text)


def text_markers(rel: str, text: str) -> bytes:
    """:func:`markers` of a test module's text (a test file's, or a generated kit module's)."""
    k = _markers_key(rel, text)
    found = cache.get("markers", k)
    if found is None:
        from ..reports import trace  # noqa: PLC0415  # only for a file not read before: ast and the IR's types

        found = trace.markers_json(rel, text)
        cache.put("markers", k, found)
    return found


Meanwhile = Callable[[Inputs], Callable[[], None] | None]


def inputs(
    spec: Path,
    tests: Path | None,
    with_: Sequence[str] = (),
    without: Sequence[str] = (),
    root: Path | None = None,
    meanwhile: Meanwhile | None = None,
) -> Inputs:
    """Every input of a run of ``generate`` on ``spec`` (with the clause markers of ``tests``). ``meanwhile``:
    given the inputs but the markers, the work this process can do while a child reads the markers a cold cache
    lacks (or None: then this process reads half of them); asked only when the cache lacks many of them."""
    found: Inputs = {}
    if spec.exists():
        change_dir = changes_dir(spec)
        changes = sorted(change_dir.glob("*.yaml")) if change_dir.is_dir() else []
        for p in [*model_files(spec), *changes]:
            found[("model", display_path(p))] = _hash_file(p)
    for p in sorted(TEMPLATES.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:  # an installed package holds compiled scenarios.py
            found[("template", f"templates/{p.relative_to(TEMPLATES).as_posix()}")] = _sha(p.read_bytes())
    found.update({("source", name): sha for name, sha in cache.source_files().items()})
    found.update({("tool", t): version(t) for t in TOOLS})
    found.update({("option", f"--with {c}"): "applied" for c in with_})
    found.update({("option", f"--without {c}"): "reverted" for c in without})
    if tests is not None and tests.is_dir():
        evidence = tests / EVIDENCE  # which citations count as tested (the matrix applies it)
        if evidence.is_file():
            found[("evidence", _name(evidence, root or Path.cwd()))] = _hash_file(evidence)
        prepare = functools.partial(meanwhile, dict(found)) if meanwhile is not None else None
        marked = _marker_hashes(test_files(tests, root or Path.cwd()), prepare)
        found.update({("markers", rel): sha for rel, sha in marked})
    return found


SHARED = 16  # test files not in the cache from which a second core reads half (or all, with work meanwhile)


def _marker_hashes(
    files: list[tuple[Path, str]], prepare: Callable[[], Callable[[], None] | None] | None = None
) -> list[tuple[str, str]]:
    """(name, hash of its clause markers) of each test file (of the file's bytes where it cannot be read as
    text or parsed: the matrix reports it, if the model gets that far). The markers of a file not in the cache
    are read with ``ast`` (2-5 ms a file) and kept there; when many are missing (a cold cache) a forked child
    reads every other one meanwhile, or every one while this process does the work ``prepare`` returns."""
    known: list[tuple[Path, str, str | None, bytes | None]] = []  # path, name, text, markers from the cache
    for path, rel in files:
        try:
            text: str | None = path.read_text(encoding="utf-8")
        except (OSError, ValueError):
            text = None
        known.append((path, rel, text, cache.get("markers", _markers_key(rel, text)) if text is not None else None))
    missing = [(rel, text) for _, rel, text, found in known if text is not None and found is None]
    made: dict[str, bytes] = {}  # markers read now, by file name
    if len(missing) >= SHARED and cache.directory() is not None:
        from ..reports import trace  # noqa: F401, PLC0415  # imported once, before the fork
        from . import background  # noqa: PLC0415

        work = prepare() if prepare is not None else None
        mine, theirs = ([], missing) if work is not None else _halves(missing)
        done = background.start(lambda: [_markers_text(rel, text) for rel, text in theirs])
        if work is not None:
            work()
        made.update((rel, m.encode()) for rel, text in mine if (m := _markers_text(rel, text)) is not None)
        made.update((rel, m.encode()) for (rel, _), m in zip(theirs, done(), strict=True) if m is not None)
    out = []
    for path, rel, text, found in known:
        try:
            if text is None:
                raise ValueError(rel)
            out.append((rel, _sha(found or made.get(rel) or text_markers(rel, text))))
        except (ValueError, SyntaxError):
            out.append((rel, _hash_file(path)))
    return out


def _halves(missing: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The test files of ``missing`` for this process and for a child, balanced by their length."""
    from . import background  # noqa: PLC0415

    texts = dict(missing)
    mine, theirs = background.balance({rel: len(text) for rel, text in missing})
    return [(rel, texts[rel]) for rel in mine], [(rel, texts[rel]) for rel in theirs]


def _markers_text(rel: str, text: str) -> str | None:
    """A test module's markers (read and kept), as text; None when it does not parse (the matrix reports it)."""
    try:
        return text_markers(rel, text).decode()
    except (ValueError, SyntaxError):
        return None


def _hash_file(path: Path) -> str:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return "unreadable"  # the run reports it; a later readable file differs


def changed(recorded: Inputs, current: Inputs) -> list[str]:
    """What differs between two records of inputs, as a reader would name it."""
    what = {"markers": " (clause markers)", "evidence": " (mutation evidence)", "tool": " (version)", "option": ""}
    out = []
    for kind, name in sorted(set(recorded) | set(current), key=lambda k: (k[1], k[0])):
        before, now = recorded.get((kind, name)), current.get((kind, name))
        if before != now:
            state = "new" if before is None else "gone" if now is None else "changed"
            out.append(f"{name}{what.get(kind, '')}: {state}")
    return out


def read(out: Path) -> Manifest | None:
    try:
        return parse((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def byproduct(rel: str) -> bool:
    """What installing the output (``pip install ./generated`` builds in place: build/, <name>.egg-info/) or
    importing from it (__pycache__/) leaves behind: not nmsgen's files, never stale, never a reason to generate."""
    parts = PurePosixPath(rel).parts
    return parts[0] == "build" or parts[0].endswith(".egg-info") or "__pycache__" in parts


def fresh(out: Path, current: Inputs) -> int | None:
    """The number of files in ``out`` when it holds exactly what its manifest lists, byte for byte, and the
    manifest's inputs are ``current``: then generating again would change nothing. None otherwise."""
    recorded = None if out.is_symlink() else read(out)
    if recorded is None or not recorded.inputs or recorded.inputs != current:
        return None
    expected = {**recorded.outputs, MANIFEST: ""}
    count = 0
    for root, dirs, files in os.walk(out, followlinks=False):
        dirs[:] = [d for d in dirs if not byproduct(Path(root, d).relative_to(out).as_posix())]
        if any(os.path.islink(os.path.join(root, d)) for d in dirs):
            return None
        for name in files:
            full = os.path.join(root, name)
            rel = Path(full).relative_to(out).as_posix()
            if rel not in expected or os.path.islink(full):
                return None
            count += 1
            if rel != MANIFEST:
                with open(full, "rb") as fh:
                    if hashlib.file_digest(fh, "sha256").hexdigest() != expected[rel]:
                        return None
    return count if count == len(expected) else None


def inputs_json(found: Inputs) -> str:
    """The inputs as one canonical text, for cache keys of work that depends on all of them."""
    return json.dumps(sorted(f"{k} {n} {v}" for (k, n), v in found.items()))

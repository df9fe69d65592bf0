"""Model text is data (issue 17): hostile or odd text anywhere in the model is refused with a positioned
diagnostic, or generated as inert data. Never code, never a traceback, never a file outside the output folder.

The property tests discover the model's text fields from its input schema (generator/frontend/schema.py), so a new
field is covered without editing this file: every ``str`` field of every element, mapping keys, and the
strings inside example values. Each field is *free text* when the model accepts hostile text there (a probe
decides), or a *name* otherwise (ids, references, paths, media types...). Hostile text (quotes of every kind,
backslashes at the end, ``\\N``/``\\x``/``\\u``, U+2028/U+2029, NUL, bidi and zero-width characters, Jinja and
f-string syntax, HTML/script, very long strings) then goes

* into every free-text field at once (``test_free_text_is_data``): generation succeeds, every generated Python
  file compiles with warnings as errors and has the AST of the baseline with only its string constants
  changed, the HTML docs contain no element or attribute the text brought in, the Markdown files keep their
  lines, the OpenAPI JSON and YAML agree;
* into one field of any kind in turn (``test_any_field_in_turn``): refused with ``file:line:col`` diagnostics,
  or generated with the checks above (for a name: the AST with names blanked too).

Nothing may be written outside the output folder, in any case.

CI runs a fixed, derandomized budget (about a minute). A longer local run explores new inputs:

    NMSGEN_TEXT_EXAMPLES=2000 .venv/bin/python -m pytest tests/frontend/test_model_text.py -k "free_text or in_turn"
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import tempfile
import typing
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from generator import pipeline
from generator.checks import naming, validate
from generator.diagnostics import Diagnostics
from generator.emit import server as emit_server
from generator.frontend import build, parse, schema
from generator.frontend.load import load
from generator.ir import index

from ..conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "minimal"
POSITIONED = re.compile(r"^[^:\n]+\.yaml:\d+:\d+: error [a-z0-9-]+: .+$")

# a form-data body for CreateThing: the minimal model has no other element with PartIn fields
EXTRA_REQUEST = {
    "media": "multipart/form-data",
    "parts": [
        {"name": "root-fields", "type": "Thing", "description": "The thing."},
        {"name": "attachments", "media": "*/*", "description": "Files.", "array": True, "required": False},
    ],
}

EXTRA_FIELD_REQUEST = {"pattern": "^.+$"}
EXTRA_RULE = {"when": {"field": "name", "values": ["big"]}, "require": ["tags"]}

# ---------------------------------------------------------------- hostile text

# each has a character no name admits: a draw is never a valid id that merely changes the model
MARKS = [
    '"', "'", '"""', "'''", "\\", "\\N", "\\x", "\\u", "\\U", "\\N{DASH}", "\\x4", "\\u20", "\\0", "\u2028",
    "\u2029", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\xa0", "\U0001f600", "{{ x }}", "{% if x %}",
    "{#", "{x}", "{", "}", 'f"{x}"', "%s", "${x}", "<script>alert(1)</script>", '"><pwn data-pwn=1>',
    "'><pwn data-pwn=1>", "<pwn data-pwn>", "<!--", "&amp;", "`", "```", "|", "# x", "> x", "- x", "1. x",
    "[x](javascript:x)", "*", "!x", "%", "&", "a b", "é",
    '""" + str(__import__("os").system("touch PWNED")) + """', "'); import os; os.system('x'); ('",
    '" + nmsgen_pwned() + "', "{nmsgen_pwned()}", "{{ nmsgen_pwned() }}", "\n__import__('os').system('x')\n",
]  # fmt: skip
SPACES = ["\n", "\n\n", "\r\n", "\r", "\t", "    ", " "]
CONTROL = ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"]  # refused by the loader
PRINTABLE = st.characters(blacklist_categories=["Cs", "Cc"])
PAYLOAD_NAMES = {"__import__", "system", "getcwd", "nmsgen_pwned", "eval", "exec"}


def hostile(controls: bool) -> st.SearchStrategy[str]:
    """Text around at least one mark (something that means something somewhere), ending in anything."""
    chunk = st.one_of(st.sampled_from(MARKS + SPACES + (CONTROL if controls else [])), st.text(PRINTABLE, max_size=8))
    text = st.tuples(st.lists(chunk, max_size=4), st.sampled_from(MARKS), st.lists(chunk, max_size=4)).map(
        lambda t: "".join(t[0]) + t[1] + "".join(t[2])
    )
    return st.one_of(text, text.map(lambda s: s + "\\"), text.map(lambda s: s + '"'))


def very_long(base: str) -> str:
    return (base * (5000 // max(1, len(base)) + 1))[:5000]


# ---------------------------------------------------------------- the model's text fields, from its schema


@dataclass(frozen=True)
class Slot:
    """One text field of the input schema and the first place the base model has it."""

    owner: str  # the schema class, e.g. "OperationIn"
    field: str  # its field, e.g. "summary"
    role: str  # "text" (the value or an item of it), "key" (a mapping key), "absent" (a field to add)
    file: str
    path: tuple[str | int, ...]  # inside the file's data

    @property
    def name(self) -> str:
        return f"{self.owner}.{self.field}:{self.role}"


def _alternatives(ann: Any) -> list[Any]:
    if typing.get_origin(ann) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return [a for arg in typing.get_args(ann) for a in _alternatives(arg)]
    return [ann]


def _takes_str(ann: Any) -> bool:
    return any(a is str for a in _alternatives(ann))


def _holds_text(ann: Any) -> bool:
    """list[str] or dict[str, str]-like: a container of text."""
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    return (origin is list and _takes_str(args[0])) or (origin is dict and _takes_str(args[1]))


def _walk(data: Any, ann: Any, file: str, path: tuple[str | int, ...], owner: str, fld: str) -> Iterator[Slot]:
    alts = _alternatives(ann)
    if isinstance(data, str) and (str in alts or object in alts or Any in alts):
        yield Slot(owner, fld, "text", file, path)
        return
    model = next((a for a in alts if isinstance(a, type) and issubclass(a, BaseModel)), None)
    if model is not None and isinstance(data, dict):
        for name, info in model.model_fields.items():
            key = info.alias or name
            if key in data:
                yield from _walk(data[key], info.annotation, file, (*path, key), model.__name__, name)
            elif _takes_str(info.annotation) or _holds_text(info.annotation):
                yield Slot(model.__name__, name, "absent", file, (*path, key))
        return
    for a in alts:
        origin, args = typing.get_origin(a), typing.get_args(a)
        if origin is list and isinstance(data, list):
            for i, item in enumerate(data):
                yield from _walk(item, args[0], file, (*path, i), owner, fld)
            return
        if origin is dict and isinstance(data, dict):
            for k, v in data.items():
                yield Slot(owner, fld, "key", file, (*path, k))
                yield from _walk(v, args[1], file, (*path, k), owner, fld)
            return
        if a in (object, Any) and isinstance(data, (list, dict)):  # example values: JSON data
            items = data.items() if isinstance(data, dict) else enumerate(data)
            for k, v in items:
                if isinstance(k, str):
                    yield Slot(owner, fld, "key", file, (*path, k))
                yield from _walk(v, object, file, (*path, k), owner, fld)
            return


PUBLICATION = {
    "name": "TS00000_Test_Api",
    "spec": "3GPP TS 00.000",
    "spec_version": "18.0.0",
    "spec_version_source": "a test model",
    "spec_title": "A test specification",
    "spec_url": "https://www.3gpp.org/ftp/Specs/archive/00_series/00.000/",
    "description": "A test API.",
    "copyright_year": 2026,
}


@cache
def _base_files() -> dict[str, Any]:
    files = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(MINIMAL.glob("*.yaml"))}
    files["resources.yaml"]["resources"][0]["operations"][0]["request"].append(EXTRA_REQUEST)
    thing = files["types.yaml"]["types"]["Thing"]
    thing["fields"]["name"]["request"] = EXTRA_FIELD_REQUEST  # a request variant, and a conditional rule
    thing["rules"] = [EXTRA_RULE]
    files["api.yaml"]["api"]["publication"] = dict(PUBLICATION)  # the 3GPP profile's text too
    return files


def base_files() -> dict[str, Any]:
    """The minimal model plus a form-data request body, as data (a fresh copy)."""
    return copy.deepcopy(_base_files())


@cache
def all_slots() -> tuple[Slot, ...]:
    seen: dict[tuple[str, str, str], Slot] = {}
    for name, data in base_files().items():
        for slot in _walk(data, schema.SpecFile, name, (), "SpecFile", ""):
            seen.setdefault((slot.owner, slot.field, slot.role), slot)
    return tuple(seen.values())


def schema_text_fields() -> set[tuple[str, str]]:
    """Every (class, field) of the schema reachable from SpecFile whose values hold text."""
    out: set[tuple[str, str]] = set()
    todo: list[type[BaseModel]] = [schema.SpecFile]
    done: set[type[BaseModel]] = set()
    while todo:
        cls = todo.pop()
        if cls in done:
            continue
        done.add(cls)
        for name, info in cls.model_fields.items():
            stack = [info.annotation]
            while stack:
                a = stack.pop()
                for alt in _alternatives(a):
                    if isinstance(alt, type) and issubclass(alt, BaseModel):
                        todo.append(alt)
                    elif alt in (str, object):
                        out.add((cls.__name__, name))
                    stack += [x for x in typing.get_args(alt) if typing.get_origin(alt) in (list, dict)]
    return out


def _set(data: Any, slot: Slot, text: str) -> None:
    *parents, last = slot.path
    node = data
    for p in parents:
        node = node[p]
    if slot.role == "key":
        items = list(node.items())
        node.clear()
        node.update({(text if k == last else k): v for k, v in items})
    elif slot.role == "absent":
        ann = next(f.annotation for n, f in getattr(schema, slot.owner).model_fields.items() if n == slot.field)
        origin = typing.get_origin(ann)
        node[last] = [text] if origin is list else {text: text} if origin is dict else text
    else:
        node[last] = text


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


_Dumper.add_representer(
    str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style='"')
)  # every string double-quoted: read back exactly by the YAML 1.2 loader, whatever it looks like


def write_model(root: Path, edits: list[tuple[Slot, str]]) -> Path:
    files = base_files()
    # values first, then mapping keys, the deepest first: renaming a key must not lose a path still to edit
    for slot, text in sorted(edits, key=lambda e: (e[0].role == "key", -len(e[0].path))):
        _set(files[slot.file], slot, text)
    model = root / "model"
    model.mkdir(parents=True)
    for name, data in files.items():
        (model / name).write_text(
            yaml.dump(data, Dumper=_Dumper, allow_unicode=False, width=2**31 - 1, sort_keys=False), encoding="utf-8"
        )
    return model


# ---------------------------------------------------------------- what generated output must keep


class _Blank(ast.NodeTransformer):
    """String constants (and, for names, identifiers) blanked; docstrings dropped."""

    def __init__(self, names: bool) -> None:
        self.names = names

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant("") if isinstance(node.value, str) else node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                body.pop(0)
        if self.names:
            for attr in ("id", "attr", "name", "arg", "module", "asname"):
                if isinstance(getattr(node, attr, None), str):
                    setattr(node, attr, "_")
        return super().generic_visit(node)


def shape(source: str, names: bool = False) -> str:
    """The AST without its text: what model text may never change."""
    return ast.dump(_Blank(names).visit(ast.parse(source)))


def names_used(source: str) -> set[str]:
    nodes = list(ast.walk(ast.parse(source)))
    return {n.id for n in nodes if isinstance(n, ast.Name)} | {n.attr for n in nodes if isinstance(n, ast.Attribute)}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs |= {a for a, _ in attrs}


def elements(html: str) -> _Elements:
    p = _Elements()
    p.feed(html)
    p.close()
    return p


def _pipes(line: str) -> int:
    """Cell borders of a Markdown table row: the '|' not escaped by a backslash."""
    count, escaped = 0, False
    for c in line:
        count += c == "|" and not escaped
        escaped = c == "\\" and not escaped
    return count


def md_lines(markdown: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", markdown)  # CommonMark's line ends


def tables_intact(markdown: str) -> bool:
    """Every row of every table is one line with its header's cells."""
    lines = md_lines(markdown)
    cells = None
    for i, line in enumerate(lines):
        if cells is None:
            if line.startswith("|") and i + 1 < len(lines) and re.fullmatch(r"\|(?:\s*:?-+:?\s*\|)+", lines[i + 1]):
                cells = _pipes(line)
        elif not line.strip():
            cells = None
        elif not line.startswith("|") or _pipes(line) != cells:
            return False
    return True


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@dataclass
class Baseline:
    files: dict[str, str]

    @property
    def python(self) -> dict[str, str]:
        return {k: v for k, v in self.files.items() if k.endswith(".py")}


def generate_baseline(edits: list[tuple[Slot, str]]) -> Baseline:
    with tempfile.TemporaryDirectory() as tmp:
        result = pipeline.generate(write_model(Path(tmp), edits), Path(tmp) / "out")
        assert result.ok and result.plan is not None, result.diagnostics.render()
        return Baseline({k: v.decode() for k, v in result.files.items()})


@cache
def original() -> Baseline:
    return generate_baseline([])


@cache
def filled() -> Baseline:
    """Every free-text field holding plain text: the same template branches as when they hold hostile text."""
    return generate_baseline([(slot, "x") for slot in free_text_slots()])


def check_generated(files: dict[str, str], like: Baseline | None, names: bool) -> None:
    """The output of a model that validated: the model text is inert data. ``like``: the baseline whose code
    (text blanked; for ``names``, identifiers too) and Markdown lines the output must have."""
    base = original()
    payload = PAYLOAD_NAMES - {n for source in base.python.values() for n in names_used(source)}
    for path, source in files.items():
        if not path.endswith(".py"):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(source, path, "exec")
        assert all(c == "\n" or c.isprintable() for c in source), f"{path}: invisible characters in code"
        assert not names_used(source) & payload, f"{path}: model text became code"
    if like is not None and names:
        got = sorted(shape(v, names=True) for k, v in files.items() if k.endswith(".py"))
        assert got == sorted(shape(v, names=True) for v in like.python.values()), "a name changed the code"
    elif like is not None:
        assert set(files) == set(like.files)
        for path, source in like.python.items():
            assert shape(files[path]) == shape(source), f"{path}: model text changed the code, not just a string"
        for path, text in like.files.items():
            if path.endswith(".md"):
                assert len(md_lines(files[path])) == len(md_lines(text)), f"{path}: model text made lines"
    for path, text in files.items():
        if path.endswith(".md"):
            assert tables_intact(text), f"{path}: model text broke a table"
    html = elements(files["docs/index.html"])
    assert "pwn" not in html.tags and "data-pwn" not in html.attrs, "model text became HTML"
    assert html.tags.count("script") == elements(base.files["docs/index.html"]).tags.count("script")
    assert json.loads(files["openapi/openapi.json"]) == yaml.safe_load(files["openapi/openapi.yaml"])


def run(edits: list[tuple[Slot, str]], like: Baseline | None, names: bool) -> pipeline.Result:
    """Generate the base model with ``edits`` in a fresh folder: refused with positioned diagnostics and nothing
    written, or generated with inert text; nothing written outside the output folder either way."""
    before_cwd = set(os.listdir(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        model = write_model(root, edits)
        outside = tree(root)
        out = root / "out"
        result = pipeline.generate(model, out)
        if result.diagnostics.has_errors:
            rendered = result.diagnostics.render()
            assert rendered and all(POSITIONED.match(line) for line in rendered.splitlines()), rendered
            assert not out.exists(), "a refused model wrote output"
        else:
            assert result.plan is not None and tree(out) >= set(result.files)
            check_generated({k: v.decode() for k, v in result.files.items()}, like, names)
        assert {p for p in tree(root) if p != "out" and not p.startswith("out/")} == outside
    assert set(os.listdir(ROOT)) == before_cwd, "generation wrote into the working directory"
    return result


# ---------------------------------------------------------------- slot discovery and classification


PROBE = 'It\'s "quoted" \\N{x} \\ {{ x }} <b>x</b> \u2028\u202e\u200b (1) | `x` [x](y) end\\'


def validates(model: Path) -> bool:
    """load -> parse -> build -> validate without errors (check() minus the OpenAPI document and its checks)."""
    diags = Diagnostics()
    built = build.build(parse.parse(load(model, diags), diags), diags)
    if built is not None and not diags.has_errors:
        validate.validate(built, diags)
    return built is not None and not diags.has_errors


@cache
def free_text_slots() -> tuple[Slot, ...]:
    """The slots where the model takes hostile text: the probe validates there, and the OpenAPI document made
    with it passes verify (whose checks are slower: only for what validates)."""
    free = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, slot in enumerate(all_slots()):
            model = write_model(Path(tmp) / str(i), [(slot, PROBE)])
            if validates(model) and not pipeline.check(model).diagnostics.has_errors:
                free.append(slot)
    return tuple(free)


def test_every_text_field_of_the_schema_is_covered() -> None:
    """The property tests reach every text field of the input schema (a field added to schema.py is drawn
    into without editing this file, or this test names it)."""
    reached = {(s.owner, s.field) for s in all_slots()}
    assert sorted(schema_text_fields() - reached) == []


def test_free_text_fields_are_the_prose() -> None:
    """The probe sorts fields as expected: prose is free text; ids, references, paths and media types are names
    (and so is a WWW-Authenticate template: its {setting} references must resolve)."""
    free = {(s.owner, s.field) for s in free_text_slots() if s.role != "key"}
    prose = [("OperationIn", "summary"), ("TypeIn", "description"), ("ChallengeIn", "condition"), ("ApiIn", "title"),
             ("ClauseIn", "text"), ("OpenPointIn", "question"), ("PartIn", "description"), ("ExampleIn", "summary"),
             ("ExceptionIn", "text"), ("FieldIn", "default"), ("ExampleIn", "value")]  # fmt: skip
    names = [("ResourceIn", "path"), ("OperationIn", "operation_id"), ("InterfaceIn", "name"), ("ApiIn", "package"),
             ("InterfaceIn", "box_claim"), ("ChallengeIn", "id"), ("FieldIn", "type"), ("BodyIn", "media"),
             ("ChallengeIn", "www_authenticate"), ("EnumValueIn", "value"), ("PartIn", "name")]  # fmt: skip
    assert [f for f in prose if f not in free] == []
    assert [f for f in names if f in free] == []


EXAMPLES = int(os.environ.get("NMSGEN_TEXT_EXAMPLES", "0"))  # a longer local run: see the module docstring
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]  # no explain phase: each run is seconds


@pytest.fixture(scope="module")
def prepared() -> tuple[tuple[Slot, ...], Baseline]:
    """The free-text slots and the baselines, computed once (outside the examples' time)."""
    original()
    return free_text_slots(), filled()


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES or 5,
    derandomize=not EXAMPLES,
    deadline=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(st.data())
def test_free_text_is_data(prepared: tuple[tuple[Slot, ...], Baseline], data: st.DataObject) -> None:
    """Hostile text in every free-text field at once (one of them very long): generated, and inert."""
    slots, like = prepared
    texts = data.draw(st.lists(hostile(controls=False), min_size=len(slots), max_size=len(slots)), label="texts")
    # one very long text, not in an example value: that one is data of a type whose strings have a length limit
    longest = data.draw(st.sampled_from([i for i, s in enumerate(slots) if s.owner != "ExampleIn"]), label="long")
    texts[longest] = very_long(texts[longest])
    result = run(list(zip(slots, texts, strict=True)), like, names=False)
    assert result.ok, result.diagnostics.render()  # free text is never refused


@pytest.mark.slow  # a long property test
@settings(
    max_examples=EXAMPLES or 30,
    derandomize=not EXAMPLES,
    deadline=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(st.sampled_from(all_slots()), hostile(controls=True), st.booleans())
def test_any_field_in_turn(prepared: tuple[tuple[Slot, ...], Baseline], slot: Slot, text: str, long: bool) -> None:
    """Hostile text (control characters included) in one field of any kind: refused at its position, or
    generated and inert. The code keeps the baseline's shape where the text replaced text (for a name:
    identifiers blanked too); a field the base model did not have may add a keyword (a pattern, a default)."""
    free, _ = prepared
    like = None if slot.role == "absent" else original()
    run([(slot, very_long(text) if long else text)], like, names=slot not in free)


# ---------------------------------------------------------------- the reproductions


def _spec_copy(tmp_path: Path) -> Path:
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec, ignore=shutil.ignore_patterns("changes"))
    return spec


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@cache
def _spec_baseline() -> dict[str, str]:
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None
    return pipeline.emit(result.model, result.document).files


def _compiled_like_the_baseline(files: dict[str, str], baseline_files: dict[str, str]) -> None:
    for path, source in files.items():
        if path.endswith(".py"):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                compile(source, path, "exec")
            assert shape(source) == shape(baseline_files[path]), path


@pytest.mark.slow
def test_summary_ending_in_a_quote_and_line_separators(tmp_path: Path) -> None:
    """Reproduction 3: an operation summary ending in '"' crashed generate (ruff: missing closing quote in the
    conformance kit's test docstring); U+2028/U+2029 and bidi characters are written as escapes."""
    spec = _spec_copy(tmp_path)
    hostile = 'summary: "Retrieve a stored object. \\u2028\\u2029\\u202e\\""'
    _edit(spec / "resources" / "objects.yaml", "summary: Retrieve a stored object.", hostile)
    result = pipeline.check(spec)
    assert result.ok and result.model is not None, result.diagnostics.render()
    files = pipeline.emit(result.model, result.document).files
    _compiled_like_the_baseline(files, _spec_baseline())
    kit = ast.parse(files["conformance/test_operations.py"])
    docs = [ast.get_docstring(f, clean=False) or "" for f in kit.body if isinstance(f, ast.FunctionDef)]
    assert any(d.endswith('Retrieve a stored object. \u2028\u2029\u202e"') for d in docs)
    assert "\\u2028\\u2029\\u202e\\" in files["mcdata_store/store.py"]


def test_auth_docstring_text_stays_text(tmp_path: Path) -> None:
    """Reproduction 2, free-text side: auth.py's module docstring lists each challenge's WWW-Authenticate value;
    one ending in a backslash or holding '\"\"\" + ... + \"\"\"' stays inside the docstring."""
    model = tmp_path / "m"
    shutil.copytree(MINIMAL, model)
    hostile = '\'Bearer """ + str(__import__("os").getcwd()) + """ \\\''  # YAML single quotes: ends in \\
    _edit(model / "auth.yaml", "www_authenticate: 'Bearer realm=\"{realm}\"', exception: SVC2003",
          f"www_authenticate: {hostile}, exception: SVC2003")  # fmt: skip
    result = pipeline.check(model)
    assert result.ok and result.model is not None, result.diagnostics.render()
    auth = emit_server.emit(index.of(result.model))["mcdata_store/auth.py"]
    base = pipeline.check(MINIMAL)
    assert base.model is not None
    _compiled_like_the_baseline(
        {"auth.py": auth}, {"auth.py": emit_server.emit(index.of(base.model))["mcdata_store/auth.py"]}
    )
    assert 'Bearer """ + str(__import__("os").getcwd()) + """ \\``' in (ast.get_docstring(ast.parse(auth)) or "")


def test_escaping_alone_keeps_a_hostile_path_inert(tmp_path: Path) -> None:
    """Reproduction 1, second line of defence: validation refuses the bulkUpdate path injection
    (tests/cases/invalid/unsafe-path); emitted without validation, the store interface still has it as text only."""
    model = tmp_path / "m"
    shutil.copytree(MINIMAL, model)
    _edit(model / "resources.yaml", "path: /things\n",
          "path: '/things\"\"\" + str(__import__(\"os\").system(\"touch PWNED\")) + \"\"\"\\N'\n")  # fmt: skip
    diags = Diagnostics()
    built = build.build(parse.parse(load(model, diags), diags), diags)
    assert built is not None and not diags.has_errors
    validate.validate(built, diags)
    assert [d.code for d in diags.items] == ["unsafe-path"]
    base = pipeline.check(MINIMAL)
    assert base.model is not None
    _compiled_like_the_baseline(emit_server.emit(index.of(built)), emit_server.emit(index.of(base.model)))
    assert not (tmp_path / "PWNED").exists() and not (ROOT / "PWNED").exists()


@pytest.mark.parametrize(
    ("package", "problem"),
    [
        ("a/b", "is not a dotted Python identifier"),
        ("..", "is not a dotted Python identifier"),
        ("../../etc/passwd", "is not a dotted Python identifier"),
        ("mcdata store", "is not a dotted Python identifier"),
        ("os", "would shadow 'os', a module of the standard library"),
        ("json.store", "would shadow 'json', a module of the standard library"),
        ("fastapi", "a dependency of the generated code"),
        ("pydantic", "a dependency of the generated code"),
        ("jwt", "a dependency of the generated code"),
        ("conformance", "a folder or module of the generated output"),
        ("class", "is not a dotted Python identifier"),
    ],
)
def test_package_names_that_cannot_work_are_refused(package: str, problem: str, tmp_path: Path) -> None:
    """Reproduction 4: api.package crashed datamodel-code-generator with a traceback (a/b, .., ../../etc/passwd,
    'mcdata store') or generated a package that cannot be imported (os)."""
    model = tmp_path / "m"
    shutil.copytree(MINIMAL, model)
    _edit(model / "api.yaml", "  version: 0.0.1\n", f"  version: 0.0.1\n  package: {json.dumps(package)}\n")
    result = pipeline.generate(model, tmp_path / "out")
    assert [d.code for d in result.diagnostics.items] == ["unsafe-package"]
    (d,) = result.diagnostics.items
    assert d.position is not None and (d.position.line, d.position.column) == (4, 3)
    assert problem in d.message
    assert not (tmp_path / "out").exists()


def test_a_dotted_package_is_generated_into_its_folder(tmp_path: Path) -> None:
    model = tmp_path / "m"
    shutil.copytree(MINIMAL, model)
    _edit(model / "api.yaml", "  version: 0.0.1\n", "  version: 0.0.1\n  package: acme.nms_store\n")
    result = pipeline.generate(model, tmp_path / "out")
    assert result.ok, result.diagnostics.render()
    assert {"acme/nms_store/server.py", "acme/nms_store/models.py", "acme/nms_store/client.py"} <= set(result.files)
    assert not any(p.startswith("mcdata_store/") for p in result.files)


def test_generated_code_imports_only_what_the_package_rule_protects() -> None:
    """naming.DEPENDENCIES covers every third-party top-level module the generated code imports, so no package
    name can shadow one."""
    import sys  # noqa: PLC0415

    imported = set()
    for path, source in _spec_baseline().items():
        if path.endswith(".py"):
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"mcdata_store"}
    assert third_party <= naming.DEPENDENCIES | naming.RESERVED_PACKAGES


def test_control_characters_are_refused_where_they_are_written(tmp_path: Path) -> None:
    """NUL and other control characters (only reachable through escapes of double-quoted YAML) are refused at the
    scalar that holds them; tab and line breaks are text."""
    model = tmp_path / "m"
    shutil.copytree(MINIMAL, model)
    _edit(model / "types.yaml", "description: A thing.", 'description: "A\\0thing\\x85"')
    result = pipeline.check(model)
    (d,) = result.diagnostics.items
    assert d.code == "invalid-text" and "U+0000" in d.message
    assert POSITIONED.match(d.render()) and str(d.position).startswith(f"{model / 'types.yaml'}:")

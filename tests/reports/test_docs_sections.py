"""The docs page's sections are cached one by one: each operation's and each schema's HTML is kept by everything it
is rendered from (its data, the open-point statuses and change requests it shows, its template and the macros it
calls, the generator and the Markdown tools). A one-operation edit renders that section only, and whatever input
of a section changes, the page is the page rendered without the cache: no stale section."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from generator import escape, pipeline
from generator.incremental import cache as nmscache
from generator.ir import index
from generator.reports import docs, trace

from ..conftest import FIXTURES

OPERATION, SCHEMA, MACROS = "docs/_operation.html.jinja", "docs/_schema.html.jinja", "docs/_macros.html.jinja"
TRACE_ROW = "docs/_trace_row.html.jinja"

CHANGE = """change:
  id: {id}
  title: Read it differently
  spec: Test
  cr: "0043"
  revision: "1"
  meeting: "TEST#1"
  tdoc: T-0043
  state: proposed
  summary: Changes what GetThing says.
operations:
  - replace: operation:GetThing
    set: {{summary: Read it.}}
"""


def page(spec: Path) -> str:
    """The docs page of ``spec`` (its change requests listed), as a new process renders it: only the cache
    remembers. The matrix is made from the model and the document alone (no generated files): the same for
    the cached and the uncached render, which is all these tests compare."""
    result = pipeline.check(spec)
    assert result.ok and result.model is not None, result.diagnostics.render()
    escape.MARKDOWN_MEMO.clear()
    matrix = trace.compute(result.model, {}, result.document, None, spec)
    return docs.emit(index.of(result.model), result.document, matrix, spec)[docs.PATH]


def section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def uncached(spec: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> str:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    try:
        return page(spec)
    finally:
        monkeypatch.setenv("NMSGEN_CACHE_DIR", str(cache))


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """The minimal model, GetThing flagged with the open point OP-1 and touched by a change request."""
    spec = shutil.copytree(FIXTURES / "minimal", tmp_path / "spec")
    resources = spec / "resources.yaml"
    text = resources.read_text().replace("oma_scope: read\n", "oma_scope: read\n        open_points: [OP-1]\n")
    resources.write_text(text)
    (spec / "changes").mkdir()
    (spec / "changes" / "read_it.yaml").write_text(CHANGE.format(id="read_it"))
    return spec


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The sections rendered (cache misses): (template, operation id, schema name or clause id)."""
    calls: list[tuple[str, str]] = []
    render = docs._render_section

    def spy(template: jinja2.Template, data: dict[str, Any], *args: Any) -> str:
        calls.append((str(template.name), str(data.get("id") or data.get("name") or data.get("clause"))))
        return render(template, data, *args)

    monkeypatch.setattr(docs, "_render_section", spy)
    return calls


def test_the_section_cache_changes_no_byte(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    cold = page(spec)
    assert page(spec) == cold == uncached(spec, monkeypatch, tmp_path / "cache")
    assert 'class="flag flag-open" href="#openpoint-OP-1"' in section(cold, "operation-GetThing")
    assert '<a class="cr" href="#change-read_it">read_it (proposed)</a>' in cold


def test_one_edited_operation_renders_only_its_section(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rendered: list[tuple[str, str]]
) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    before = page(spec)
    operations = re.findall(r'data-operation="([^"]+)"', before)
    schemas = re.findall(r'<section class="schema" id="schema-([^"]+)"', before)
    assert {"CreateThing", "GetThing", "DeleteThing"} <= set(operations) and "Thing" in schemas
    clauses = re.findall(r'<tr id="clause-([^"]+)"', before)
    assert clauses == ["C-1", "C-2"]
    assert sorted(rendered) == sorted(
        [(OPERATION, o) for o in operations] + [(SCHEMA, s) for s in schemas] + [(TRACE_ROW, c) for c in clauses]
    ), "a cold cache renders every section"
    rendered.clear()
    assert page(spec) == before and rendered == [], "nothing changed: every section from the cache"
    resources = spec / "resources.yaml"
    resources.write_text(resources.read_text().replace("summary: Read a thing.", "summary: Read one <thing>."))
    written: list[str] = []
    put = nmscache.put
    monkeypatch.setattr(nmscache, "put", lambda kind, k, payload: (written.append(kind), put(kind, k, payload)))
    after = page(spec)
    assert rendered == [(OPERATION, "GetThing")]
    assert written.count(docs.SECTIONS) == 1, "one entry of sections written again, not all"
    assert after == uncached(spec, monkeypatch, tmp_path / "cache") != before
    assert "<p><strong>Read one &lt;thing&gt;.</strong></p>" in after


def edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(spec: Path) -> None:
        text = (spec / path).read_text()
        assert old in text
        (spec / path).write_text(text.replace(old, new))

    return apply


def add_change(spec: Path) -> None:
    (spec / "changes" / "read_more.yaml").write_text(CHANGE.format(id="read_more"))


def rename_change(spec: Path) -> None:
    (spec / "changes" / "read_it.yaml").unlink()
    (spec / "changes" / "read_again.yaml").write_text(CHANGE.format(id="read_again"))


def resolve_open_point(spec: Path) -> None:
    auth = yaml.safe_load((spec / "auth.yaml").read_text())
    auth["open_points"][0]["status"] = "unverified"
    (spec / "auth.yaml").write_text(yaml.safe_dump(auth, sort_keys=False))


MODEL_EDITS: dict[str, Callable[[Path], None]] = {
    "operation description": edit("resources.yaml", "description: Reads a thing.", "description: Reads *one* thing."),
    "parameter description": edit("resources.yaml", "description: Filter.", "description: Filter by colour."),
    "response status": edit("resources.yaml", "status: 204, description: Deleted.", "status: 200, description: Gone."),
    "schema description": edit("types.yaml", "description: Exception details.", "description: The details."),
    "schema field": edit("types.yaml", "description: Its name., required: true", "description: Its name."),
    "enum value": edit("types.yaml", "{value: Blue}", "{value: Green}"),
    "clause text": edit("clauses.yaml", "text: The first clause.", "text: The <first> clause."),
    "clause kind": edit("clauses.yaml", "kind: normative, status: stable", "kind: informative, status: stable"),
    "open point status": resolve_open_point,
    "change request added": add_change,
    "change request renamed": rename_change,
}


@pytest.mark.parametrize("mutate", MODEL_EDITS.values(), ids=MODEL_EDITS.keys())
def test_each_model_input_of_a_section_changes_the_page_as_without_cache(
    mutate: Callable[[Path], None], spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    before = page(spec)
    mutate(spec)
    assert page(spec) == uncached(spec, monkeypatch, tmp_path / "cache") != before


TEMPLATE_EDITS = {  # (template, text, its replacement, what the page then shows)
    "operation template": (OPERATION, "<p><strong>{{ op.summary }}", "<p><strong>edited {{ op.summary }}", "edited"),
    "schema template": (SCHEMA, "<h3><code>{{ s.name }}</code>", "<h3><code>edited {{ s.name }}</code>", "edited"),
    "trace row template": (TRACE_ROW, '<td data-label="kind / status">', '<td data-label="kind edited">', "edited"),
    "macros": (MACROS, '<a class="clause" ', '<a class="clause edited" ', "clause edited"),
}


@pytest.mark.parametrize(("name", "old", "new", "shown"), TEMPLATE_EDITS.values(), ids=TEMPLATE_EDITS.keys())
def test_each_template_of_a_section_changes_the_page_as_without_cache(
    name: str, old: str, new: str, shown: str, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    before = page(spec)
    base = docs._env()
    source = base.loader.get_source(base, name)[0] if base.loader is not None else ""
    assert old in source
    edited = base.overlay(
        loader=jinja2.ChoiceLoader([jinja2.DictLoader({name: source.replace(old, new)}), base.loader]),  # type: ignore[list-item]
        bytecode_cache=None,
    )
    monkeypatch.setattr(docs, "_env", lambda: edited)
    after = page(spec)
    assert after == uncached(spec, monkeypatch, tmp_path / "cache") != before
    anchors = {OPERATION: ["operation-GetThing"], SCHEMA: ["schema-Thing"], TRACE_ROW: ["clause-C-1"]}.get(
        name, ["operation-GetThing", "schema-Thing"]
    )
    assert all(shown in section(after, a) for a in anchors)


def test_a_damaged_section_entry_is_rendered_again(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    before = page(spec)
    entries = [p for p in (tmp_path / "cache" / docs.SECTIONS).rglob("*") if p.is_file()]
    assert entries, "the sections are kept"
    for p in entries:
        p.write_bytes(p.read_bytes().replace(b"Read a thing.", b"Read a lie!!."))
    assert page(spec) == before


def test_the_other_sides_sections_are_kept(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rendered: list[tuple[str, str]]
) -> None:
    """Two pages of one model rendered in turn (a run's page and its impact child's page of the other side) share
    the entry of sections: the second keeps the first's besides its own, so going back renders nothing. (One entry
    for all sections here, so that the first's and the second's GetThing share it.)"""
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(docs, "SHARDS", 1)
    resources = spec / "resources.yaml"
    one = resources.read_text()
    first = page(spec)
    resources.write_text(one.replace("summary: Read a thing.", "summary: Read one thing."))
    rendered.clear()
    second = page(spec)
    assert rendered == [(OPERATION, "GetThing")] and second != first
    resources.write_text(one)
    rendered.clear()
    assert page(spec) == first and rendered == []

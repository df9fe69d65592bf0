"""The caches of rendering: the Markdown table of the docs page and the compiled templates. Each is a shortcut
only: an input it covers changed (a text, a template's source, the environment), the output changes as it
would without the cache; a damaged entry is compiled or rendered again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jinja2
import pytest

from generator import escape, pipeline
from generator.incremental import cache

from ..conftest import FIXTURES


def docs_page(spec: Path) -> str:
    result = pipeline.check(spec)
    assert result.ok and result.model is not None, result.diagnostics.items
    escape.MARKDOWN_MEMO.clear()  # as in a new process: only the cache remembers
    return pipeline.docs_page(result.model, result.document)


def test_markdown_table_renders_an_edited_text_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = shutil.copytree(FIXTURES / "minimal", tmp_path / "spec")
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    before = docs_page(spec)
    assert [p for p in (tmp_path / "cache" / "markdown").rglob("*") if p.is_file()], "the table is kept"
    assert "<p>A thing.</p>" in before
    types = spec / "types.yaml"
    types.write_text(types.read_text().replace("description: A thing.", "description: A `thing`, *edited*."))
    warm = docs_page(spec)
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    cold = docs_page(spec)
    assert warm == cold != before
    assert "<p>A <code>thing</code>, <em>edited</em>.</p>" in warm and "<p>A thing.</p>" not in warm


def test_markdown_table_damaged_changes_no_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    first = docs_page(FIXTURES / "minimal")
    for p in (tmp_path / "cache" / "markdown").rglob("*"):
        if p.is_file():
            p.write_bytes(p.read_bytes().replace(b"<p>A thing.</p>", b"<p>A lie.</p>"))
    assert docs_page(FIXTURES / "minimal") == first


def markdown_table(root: Path) -> dict[str, str]:
    (entry,) = [p for p in (root / "markdown").rglob("*") if p.is_file()]
    table: dict[str, str] = json.loads(entry.read_bytes()[32:])
    return table


def test_markdown_table_keeps_the_page_written_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two pages rendered in turn (a run's page and its impact child's page of the other side) share the table:
    the second adds its texts to the first's instead of replacing them, up to as many again as its own."""
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = shutil.copytree(FIXTURES / "minimal", tmp_path / "spec")
    docs_page(spec)
    first = markdown_table(tmp_path / "cache")
    types = spec / "types.yaml"
    types.write_text(types.read_text().replace("description: A thing.", "description: A `thing`, *edited*."))
    docs_page(spec)
    both = markdown_table(tmp_path / "cache")
    assert "A thing." in both and "A `thing`, *edited*." in both, "each page's texts are kept"
    assert set(first) < set(both) <= set(first) | {"A `thing`, *edited*."}
    for n in range(3):  # more edits: the table holds the last page's texts and at most as many again
        types.write_text(types.read_text().replace("*edited*", f"*edited {n}*").replace(f"{n - 1}*", f"{n}*"))
        docs_page(spec)
        table = markdown_table(tmp_path / "cache")
        assert len(table) <= 2 * len(first)
        assert f"*edited {n}*" in "".join(table)


def test_markdown_memo_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-lived process renders page after page: past the limit, the memo keeps the last page's texts."""
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    result = pipeline.check(FIXTURES / "minimal")
    assert result.ok and result.model is not None
    page = pipeline.docs_page(result.model, result.document)
    used = set(escape.MARKDOWN_USED)
    monkeypatch.setattr(escape, "MARKDOWN_MEMO_LIMIT", len(used) + 5)
    escape.MARKDOWN_MEMO.update({f"text {i}": f"<p>text {i}</p>" for i in range(50)})
    assert pipeline.docs_page(result.model, result.document) == page
    assert set(escape.MARKDOWN_MEMO) == used
    escape.MARKDOWN_MEMO.update({f"text {i}": f"<p>text {i}</p>" for i in range(3)})  # within the limit: kept
    assert pipeline.docs_page(result.model, result.document) == page
    assert len(escape.MARKDOWN_MEMO) == len(used) + 3


def render(name: str, source: str, **options: bool) -> str:
    """A new environment (as in a new process) with the cache of compiled templates of ``name``."""
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"t.jinja": source}), bytecode_cache=cache.jinja_bytecode(name), **options
    )
    return env.get_template("t.jinja").render(x=1)


def entries(root: Path) -> list[Path]:
    return [p for p in (root / "jinja").rglob("*") if p.is_file()]


def test_compiled_templates_follow_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    assert render("code", "A {{ x }}") == "A 1"
    assert len(entries(tmp_path)) == 1, "compiled once, kept"
    assert render("code", "A {{ x }}") == "A 1"
    assert render("code", "B {{ x }}") == "B 1", "an edited template is compiled again"


def test_compiled_templates_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two environments whose settings compile the same source differently never share an entry."""
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    source = "{% if x %}\nyes\n{% endif %}\n"
    assert render("code", source, trim_blocks=True) == "yes\n"
    assert render("docs", source) == "\nyes\n"
    assert len(entries(tmp_path)) == 2


def test_compiled_template_damaged_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    assert render("code", "A {{ x }} and more text") == "A 1 and more text"
    for p in entries(tmp_path):
        data = bytearray(p.read_bytes())
        data[-3] ^= 0xFF
        p.write_bytes(bytes(data))
    assert render("code", "A {{ x }} and more text") == "A 1 and more text"

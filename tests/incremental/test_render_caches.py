"""The caches of rendering: the Markdown table of the docs page and the compiled templates. Each is a shortcut
only: an input it covers changed (a text, a template's source, the environment), the output changes as it
would without the cache; a damaged entry is compiled or rendered again."""

from __future__ import annotations

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

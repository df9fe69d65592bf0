"""The spans of a Python module found block by block (generator/reports/pyblocks.py) are the spans of the module
parsed whole, for any module the pieces below make (cuts inside strings and brackets, decorators, class bodies
with comments at column 0, definitions under a module-level ``if``), before and after an edit; and an edit of one
method parses that method's block again, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.reports import pyblocks

from ..conftest import ROOT

PIECES = [
    '"""Module docstring.\n\nProse at column 0:\ndef not_a_function():\nclass NotAClass:\n@not_a_decorator\n"""\n',
    "import os\nfrom typing import Any\n",
    "X = 1\n",
    'TABLE = {\n    "a": 1,\n    "b": [\n        2,\n    ],\n}\n',
    "def f(a: int) -> int:\n    return a\n",
    '@decorator(\n    "arg",\n)\nasync def g() -> None:\n    """Doc.\n\ndef at column 0 in a docstring\n    """\n',
    "class A:\n    x = 1\n\n    def m(self) -> None:\n        pass\n\n    @property\n    def p(self) -> int:\n"
    "        def inner() -> int:\n            return 1\n\n        return inner()\n",
    "class B:\n    def only(self) -> None:\n        pass\n# a comment at column 0 inside the class\n"
    "    def after(self) -> None:\n        pass\n",
    "if True:\n    def hidden() -> None:\n        pass\nelse:\n    X = 2\n",
    "try:\n    import json\nexcept ImportError:\n    json = None\n",
    "def outer():\n    @wrap\n    def route():\n        return 1\n\n    app.add(route)\n    return app\n",
    'S = """\ncontinued\n    def inside_a_string():\n"""\n',
    "call(\n    1,\n)\n",
    "class C(Base):\n    pass\n",
    "Y: int = 2\n",
]


def same(text: str, path: str = "m.py") -> None:
    assert pyblocks.spans(path, text) == pyblocks.whole(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.lists(st.sampled_from(range(len(PIECES))), min_size=1, max_size=10),
    edit=st.integers(0, 9),
)
def test_blocks_give_the_spans_of_the_whole_module(
    order: list[int], edit: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NMSGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        text = "\n".join(PIECES[i] for i in order)
        same(text)
        same(text)  # from the cache
        pieces = [PIECES[i] for i in order]
        k = edit % len(pieces)
        pieces[k] = "# edited\n" + pieces[k].replace("pass", "return None").replace("Doc.", "Doc, edited.\nMore.")
        same("\n".join(pieces))  # an edited version: some blocks cached, some new


def test_generated_modules_are_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    parsed_whole: list[str] = []
    real = pyblocks.whole

    def spy(text: str) -> list[pyblocks.Span]:
        parsed_whole.append(text)
        return real(text)

    monkeypatch.setattr(pyblocks, "whole", spy)
    for name in ("server.py", "client.py", "store.py", "auth.py", "models.py"):
        text = (ROOT / "generated" / "mcdata_store" / name).read_text()
        assert pyblocks.spans(name, text) == real(text), name
    assert parsed_whole == [], "every generated module is cut into blocks"


def spy_on_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The blocks pyblocks parses from now on (the list fills as it parses)."""
    parsed: list[str] = []
    real = pyblocks._parse_block

    def spy(block: str, tables: bool) -> list[object]:
        parsed.append(block)
        return real(block, tables)

    monkeypatch.setattr(pyblocks, "_parse_block", spy)
    return parsed


def test_an_edited_method_is_the_only_block_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    text = (ROOT / "generated" / "mcdata_store" / "client.py").read_text()
    pyblocks.spans("client.py", text)
    parsed = spy_on_parses(monkeypatch)
    edited = text.replace('"""Retrieve a stored object.', '"""Retrieve one stored object.', 1)
    assert edited != text
    assert pyblocks.spans("client.py", edited) == pyblocks.whole(edited)
    assert len(parsed) == 1 and "Retrieve one stored object." in parsed[0]


def test_two_versions_of_a_module_keep_each_others_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The baseline and the other side of a change request (an impact child) make two versions of a module in
    one run: after each has been parsed once, neither parses a block again (one entry per module path holds the
    blocks of both), and the entry stays bounded (twice one version's blocks)."""
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    text = (ROOT / "generated" / "mcdata_store" / "client.py").read_text()
    other = text.replace('"""Retrieve a stored object.', '"""Retrieve one stored object.', 1)
    assert other != text
    pyblocks.spans("client.py", text)
    pyblocks.spans("client.py", other)
    parsed = spy_on_parses(monkeypatch)
    for version in (text, other, text, other):
        assert pyblocks.spans("client.py", version) == pyblocks.whole(version)
    assert parsed == []
    entries = list((tmp_path / pyblocks.KIND).rglob("*"))
    (entry,) = [e for e in entries if e.is_file()]
    blocks = json.loads(entry.read_bytes()[32:])
    assert len(pyblocks._cuts(text.split("\n"))) < len(blocks) <= 2 * len(pyblocks._cuts(text.split("\n")))

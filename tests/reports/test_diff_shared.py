"""A diff whose units are not in the cache shares its files between the process and a child
(generator/reports/diff/attribute.py: ``_split``); the attribution is the same whoever made the units."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.reports.diff.changes import Change

attr = importlib.import_module("generator.reports.diff.attribute")  # the package's `attribute` is the function

OLD = {
    "pkg/server.py": "def get_thing():\n    return Thing\n\n\nclass Store:\n    def put(self):\n        return 1\n",
    "pkg/client.py": "def list_things():\n    return []\n",
    "openapi/openapi.json": '{"paths": {"/things": {"get": {"operationId": "GetThing"}}}}',
    "openapi/openapi.yaml": "paths:\n  /things:\n    get:\n      operationId: GetThing\n",
    "openapi/profile.yaml": "components:\n  schemas:\n    Thing:\n      type: string\n",
    "docs/index.html": "<h2>GetThing</h2><p>Thing</p>",
    "README.md": "any",
}
NEW = {
    "pkg/server.py": "def get_thing():\n    return Widget\n\n\nclass Store:\n    def put(self):\n        return 2\n",
    "pkg/client.py": "def list_things():\n    return ['Widget']\n",
    "openapi/openapi.json": '{"paths": {"/things": {"get": {"operationId": "GetWidget"}}}}',
    "openapi/openapi.yaml": "paths:\n  /things:\n    get:\n      operationId: GetWidget\n",
    "openapi/profile.yaml": "components:\n  schemas:\n    Thing:\n      type: integer\n",
    "docs/index.html": "<h2>GetWidget</h2><p>Thing</p>",
    "pkg/new.py": "WIDGET = 'Widget'\n",
}
CHANGES = [
    Change("type", "type:Thing", "changed", "breaking", "Thing", tokens=("Thing",)),
    Change("type", "type:Widget", "added", "compatible", "Widget", tokens=("Widget", "GetWidget")),
    Change("operation", "operation:Put", "changed", "breaking", "put", tokens=("put", "'Widget'")),
    Change("operation", "operation:Gone", "removed", "breaking", "gone", tokens=("Gone",)),
]


@pytest.mark.parametrize("shared", [0, 10**9], ids=["child", "alone"])
def test_the_attribution_is_the_same_whoever_makes_the_units(
    shared: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    expected = attr.attribute(CHANGES, OLD, NEW)  # the default split: these texts are small, no child
    monkeypatch.setattr(attr, "SHARED", shared)
    started: list[object] = []
    start = attr.background.start
    monkeypatch.setattr(attr.background, "start", lambda fn, **kw: started.append(fn) or start(fn, **kw))
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    assert attr.attribute(CHANGES, OLD, NEW) == expected
    assert len(started) == (1 if shared == 0 else 0)
    assert attr.attribute(CHANGES, OLD, NEW) == expected, "read back from the cache"
    assert len(started) == (1 if shared == 0 else 0), "every unit in the cache: no child"
    assert [c.files for c in expected] == [
        ("docs/index.html", "openapi/profile.yaml", "pkg/server.py"),
        (
            "docs/index.html",
            "openapi/openapi.json",
            "openapi/openapi.yaml",
            "pkg/client.py",
            "pkg/new.py",
            "pkg/server.py",
        ),
        ("pkg/client.py", "pkg/new.py", "pkg/server.py"),
        (),
    ]


def test_a_child_makes_units_only_when_the_work_is_worth_a_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    todo = {p: f"key-{p}" for p in attr.differing(OLD, NEW)}
    mine, theirs = attr._split(todo, OLD, NEW)
    assert sorted(mine) == sorted(todo) and theirs == []
    monkeypatch.setattr(attr, "SHARED", 0)
    mine, theirs = attr._split(todo, OLD, NEW)
    assert mine and theirs and sorted(mine + theirs) == sorted(todo)


@given(
    st.dictionaries(
        st.sampled_from(["a.py", "b.yaml", "c.html", "d.json", "e.md", "f.py", "g.yml"]), st.integers(0, 5000)
    )
)
def test_the_split_keeps_every_file_once_and_balances_the_work(sizes: dict[str, int]) -> None:
    old = {p: "x" * n for p, n in sizes.items()}
    todo = dict.fromkeys(sizes, "k")
    mine, theirs = attr._split(todo, old, {})
    assert sorted(mine + theirs) == sorted(todo)
    if theirs:
        cost = {p: attr.WEIGHT.get(p[p.rfind(".") :], 1) * sizes[p] for p in sizes}
        loads = sorted([sum(cost[p] for p in mine), sum(cost[p] for p in theirs)])
        assert loads[1] - loads[0] <= max(cost.values())  # greedy, dearest first: within one file's work

"""The layout tells the architecture, and the imports keep to it (read statically with ast, never imported):

- ``generator/`` holds at most 8 modules at its top level; the stages are packages (frontend, ir, checks, emit,
  reports);
- an emitter imports only the IR and the render helpers (``emit/render.py``, ``escape.py``): never another
  emitter, never a later stage; and emitting leaves the IR as it was;
- no generator module imports the generated package, the reference store or the runtime;
- no hand-written source file is over 800 lines.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
from pathlib import Path

import pytest

from generator import pipeline

from ..conftest import FIXTURES, ROOT

GENERATOR = ROOT / "generator"
MAX_TOP_LEVEL = 8
MAX_LINES = 800
# the generated package, the reference store and the runtime: the generator never imports them
NOT_FROM_THE_GENERATOR = ("mcdata_store", "refstore", "nmsrun")
# the IR, the escapes, the render helpers (render: templates and ruff; chunks: document texts joined from cached
# pieces) and the cache of work done before (a key-value store that never changes
# what an emitter writes); "generator.incremental" is only the package that holds the cache
EMITTER_MAY_IMPORT = (
    "generator.ir",
    "generator.escape",
    "generator.emit.render",
    "generator.emit.chunks",
    "generator.emit.openapi_rules",  # the OpenAPI emitter's rule schemas: a helper, not an emitter
    "generator.incremental.cache",
)
EMITTER_MAY_IMPORT_PACKAGES = ("generator.incremental",)
HAND_WRITTEN = ("generator", "nmsrun", "refstore", "benchmarks", "tests", "templates")
NOT_HAND_WRITTEN = ("golden", "__pycache__", ".work", "node_modules")  # copies of generated trees, caches


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (functions too), relative imports made absolute; and the
    constant names given to ``importlib.import_module`` or ``__import__``."""
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([node.module] if node.module else [])])
            if node.module:
                found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x` imports module x
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def first_party(names: set[str]) -> set[str]:
    """Names that are modules of the generator (``from .render import format_python`` also yields
    ``generator.emit.render.format_python``: reduced to the module)."""
    out = set()
    for name in names:
        if not name.startswith("generator"):
            continue
        parts = name.split(".")
        while parts and not (
            (ROOT / Path(*parts)).with_suffix(".py").is_file() or (ROOT / Path(*parts) / "__init__.py").is_file()
        ):
            parts.pop()
        out.add(".".join(parts))
    return out


def test_generator_has_at_most_eight_top_level_modules() -> None:
    modules = sorted(p.name for p in GENERATOR.glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL, f"generator/ has {len(modules)} top-level modules: {modules}"
    stages = {p.name for p in GENERATOR.iterdir() if (p / "__init__.py").is_file()}
    assert {"frontend", "ir", "checks", "emit", "reports"} <= stages


EMITTERS = sorted(
    p
    for p in (GENERATOR / "emit").glob("*.py")
    if p.name not in ("__init__.py", "render.py", "chunks.py", "openapi_rules.py")
)


def test_the_test_finds_every_emitter_and_reads_relative_imports() -> None:
    assert {p.stem for p in EMITTERS} >= {"openapi", "models", "server", "client", "conformance"}
    assert "generator.emit.render" in first_party(imports(GENERATOR / "emit" / "server.py"))
    assert "generator.ir.index" in first_party(imports(GENERATOR / "emit" / "server.py"))


@pytest.mark.parametrize("path", EMITTERS, ids=lambda p: p.stem)
def test_an_emitter_imports_only_the_ir_and_the_render_helpers(path: Path) -> None:
    wrong = sorted(
        m
        for m in first_party(imports(path))
        if not m.startswith(EMITTER_MAY_IMPORT) and m not in EMITTER_MAY_IMPORT_PACKAGES
    )
    assert wrong == [], f"{path.relative_to(ROOT)} imports {wrong}: an emitter reads only {EMITTER_MAY_IMPORT}"


def test_the_generator_never_imports_its_output_the_reference_store_or_the_runtime() -> None:
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted(GENERATOR.rglob("*.py"))
        for name in imports(path)
        if name.split(".")[0] in NOT_FROM_THE_GENERATOR
    }
    assert sorted(found) == []


def test_emitting_leaves_the_ir_as_it_was() -> None:
    result = pipeline.check(FIXTURES / "minimal")
    assert result.model is not None and result.index is not None and result.ok, result.diagnostics.render()
    model, ix = result.model, result.index
    before = copy.deepcopy((model, ix))
    pipeline.emit(model, result.document)
    for f in dataclasses.fields(model):
        assert getattr(model, f.name) == getattr(before[0], f.name), f"emitting changed model.{f.name}"
    for f in dataclasses.fields(ix):
        if f.name != "model":
            assert getattr(ix, f.name) == getattr(before[1], f.name), f"emitting changed index.{f.name}"


def hand_written() -> list[Path]:
    return sorted(
        p
        for root in HAND_WRITTEN
        for p in (ROOT / root).rglob("*")
        if p.suffix in (".py", ".jinja") and p.is_file() and not set(p.relative_to(ROOT).parts) & set(NOT_HAND_WRITTEN)
    )


def test_no_hand_written_file_is_over_800_lines() -> None:
    lengths = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in hand_written()}
    assert "generator/pipeline.py" in lengths and "templates/server/server.py.jinja" in lengths
    over = {f: n for f, n in lengths.items() if n > MAX_LINES}
    assert over == {}, f"over {MAX_LINES} lines (split by concern): {over}"

"""Golden output: the minimal model's generated tree, compared as file sets both ways.

`pytest --regen` rewrites tests/cases/golden/minimal from the current output.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.escape import yaml_scalar
from generator.incremental import manifest

from ..conftest import FIXTURES, REGEN_HINT, ROOT

GOLDEN = ROOT / "tests" / "cases" / "golden" / "minimal"


def tree(root: Path) -> dict[str, bytes]:
    """The files of a generated tree; of the manifest only the generated files' part (its inputs name the
    generator's own modules and change with every edit of it: tests/test_manifest.py checks them)."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    if manifest.MANIFEST in files:
        files[manifest.MANIFEST] = manifest.outputs_part(files[manifest.MANIFEST])
    return files


def test_minimal_model_matches_golden(tmp_path: Path, regen: bool) -> None:
    out = tmp_path / "out"
    result = pipeline.generate(FIXTURES / "minimal", out)
    assert not result.diagnostics.has_errors, result.diagnostics.render()
    if regen:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
        (GOLDEN / manifest.MANIFEST).write_bytes(tree(out)[manifest.MANIFEST])
    got, want = tree(out), tree(GOLDEN)
    assert sorted(set(got) - set(want)) == [], f"new files not in the golden; {REGEN_HINT}"
    assert sorted(set(want) - set(got)) == [], f"golden files no longer generated; {REGEN_HINT}"
    changed = sorted(k for k in got if got[k] != want[k])
    assert changed == [], f"changed: {changed}; {REGEN_HINT}"


@pytest.mark.slow  # a property test: the pipeline 40 times
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], whitelist_characters="\t\n\r"), min_size=1,
               max_size=80))  # fmt: skip
def test_model_text_lands_verbatim_and_inert(tmp_path: Path, text: str) -> None:
    """Any description text (quotes, newlines, Jinja syntax, YAML syntax) is data in both documents. (Control
    characters but tab and line breaks are refused by the loader: tests/frontend/test_model_text.py.)"""
    model = tmp_path / "m"
    shutil.rmtree(model, ignore_errors=True)
    shutil.copytree(FIXTURES / "minimal", model)
    data = yaml.safe_load((model / "types.yaml").read_text())
    data["types"]["Thing"]["description"] = "NMSGEN_TEXT_PLACEHOLDER"
    # the text as one double-quoted scalar, non-ASCII escaped: plain, PyYAML (YAML 1.1) would leave e.g. 1e5
    # unquoted, which YAML 1.2 (our loader) reads as a float; and it writes raw NEL/LS characters otherwise
    dumped = yaml.safe_dump(data).replace("NMSGEN_TEXT_PLACEHOLDER", yaml_scalar(text), 1)
    (model / "types.yaml").write_text(dumped)
    result = pipeline.check(model)
    assert result.model is not None and not result.diagnostics.has_errors, result.diagnostics.render()
    files = pipeline.emit(result.model, result.document).files
    doc_json = json.loads(files["openapi/openapi.json"])
    doc_yaml = yaml.safe_load(files["openapi/openapi.yaml"])
    assert doc_json == doc_yaml
    assert doc_json["components"]["schemas"]["Thing"]["description"].startswith(text.strip())
    for path, source in files.items():
        if path.endswith(".py"):
            tree = ast.parse(source, filename=path)  # model text never breaks out of its literal
            calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            assert not calls & {"eval", "exec", "__import__", "open", "print"}, path

"""Published documentation: generated/docs/index.html is one self-contained HTML file (no network, no CDN)
that a real headless browser (Debian's chromium) renders, whose every in-page link resolves, and that shows
every operation, schema, open point and clause of the model."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from ..conftest import FIXTURES, ROOT, run_nmsgen

DOCS = ROOT / "generated" / "docs" / "index.html"
DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
TRACE = json.loads((ROOT / "generated" / "trace" / "trace.json").read_text())
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--host-resolver-rules=MAP * ~NOTFOUND"]  # fmt: skip


class Elements(HTMLParser):
    """Ids, in-page links, and for each operation section the open-point flags it shows."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.root: dict[str, str | None] = {}
        self.section: str | None = None
        self.flags: dict[str, set[str]] = {}
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.root = a
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "section" and a.get("data-operation"):
            self.section = a["data-operation"]
            self.flags[str(self.section)] = set()
        href = a.get("href") or ""
        if tag == "a" and href.startswith("#"):
            self.links.append(href[1:])
            if self.section and href.startswith("#openpoint-"):
                self.flags[self.section].add(href.removeprefix("#openpoint-"))
        if tag in ("script", "img", "link", "iframe", "source") and (a.get("src") or (tag == "link" and href)):
            self.resources.append(f"{tag} {a.get('src') or href}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.section = None


def rendered_dom(path: Path) -> str:
    if CHROMIUM is None:
        pytest.fail("chromium is needed for the docs test: apt-get install chromium (.ci/run installs it)")
    r = subprocess.run(
        [CHROMIUM, *FLAGS, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


@pytest.mark.external  # chromium
def test_docs_render_in_a_real_browser_and_every_link_resolves(tmp_path: Path) -> None:
    dom = rendered_dom(DOCS)
    page = Elements()
    page.feed(dom)
    # the page's own script ran in the browser and checked every in-page link against the rendered DOM
    assert page.root.get("data-rendered") == "yes"
    assert page.root.get("data-broken-links") == ""
    assert int(page.root.get("data-links") or 0) == len(page.links) > 500
    # and the same check again, here, on the DOM the browser produced
    assert sorted({link for link in page.links if link not in page.ids}) == []
    assert page.resources == [], "the page loads nothing from outside itself"
    shot = tmp_path / "docs.png"
    subprocess.run(
        [CHROMIUM or "", *FLAGS, "--window-size=1280,900", f"--screenshot={shot}", DOCS.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_docs_show_every_operation_schema_clause_and_open_point() -> None:
    page = Elements()
    page.feed(DOCS.read_text())
    ops = {
        op["operationId"]: op
        for item in DOC["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert set(page.flags) == set(ops)
    for op_id, op in ops.items():
        assert {f"operation-{op_id}"} <= page.ids
        assert page.flags[op_id] == set(op.get("x-nmsgen-open-points", [])), op_id  # each open point flagged
        for clause in op["x-nmsgen-clauses"]:
            assert f"clause-{clause}" in page.ids
    assert {f"schema-{name}" for name in DOC["components"]["schemas"]} <= page.ids
    assert {f"clause-{row['id']}" for row in TRACE["clauses"]} <= page.ids
    open_points = yaml.safe_load((ROOT / "spec" / "open-points.yaml").read_text())["open_points"]
    assert {f"openpoint-{p['id']}" for p in open_points} <= page.ids
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", DOCS.read_text())


@pytest.mark.slow
def test_nmsgen_docs_writes_the_same_file(tmp_path: Path) -> None:
    r = run_nmsgen("docs", "-o", str(tmp_path / "site"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "site" / "index.html").read_bytes() == DOCS.read_bytes()


def test_model_text_is_escaped(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(FIXTURES / "minimal", model)
    api = yaml.safe_load((model / "api.yaml").read_text())
    api["api"]["description"] = 'Tricky <script>alert("x")</script> & <b>bold</b>'
    (model / "api.yaml").write_text(yaml.safe_dump(api))
    r = run_nmsgen("docs", "--spec", str(model), "-o", str(tmp_path / "site"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "site" / "index.html").read_text()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert 'alert("x")' not in html


def test_bad_model_writes_no_docs(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(FIXTURES / "minimal", model)
    (model / "api.yaml").write_text("api: [unclosed\n")
    r = run_nmsgen("docs", "--spec", str(model), "-o", str(tmp_path / "site"), cwd=tmp_path)
    assert r.returncode == 1
    assert "api.yaml:" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "site").exists()


def test_docs_page_makes_only_what_its_matrix_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """`nmsgen docs` makes in memory only what the page's traceability matrix reads (the document, the code
    targets and the conformance kit's test modules): not the kit's support files and README, the trace files or
    the generated README; and it is the page `nmsgen generate` writes."""
    from generator import pipeline  # noqa: PLC0415
    from generator.emit import render as rendering  # noqa: PLC0415
    from generator.reports import trace  # noqa: PLC0415

    templates: list[str] = []
    formatted: list[str] = []
    environment, format_python = rendering.environment, rendering.format_python

    class Recording:
        def get_template(self, name: str) -> object:
            templates.append(name)
            return environment().get_template(name)

    def formatting(*parts: rendering.Unformatted) -> dict[str, str]:
        formatted.extend(path for part in parts for path in part.files if path.endswith(".py"))
        return format_python(*parts)

    def no_trace_files(matrix: object) -> dict[str, str]:
        raise AssertionError("nmsgen docs renders the trace files")

    monkeypatch.setattr(rendering, "environment", Recording)
    monkeypatch.setattr(pipeline, "format_python", formatting)
    monkeypatch.setattr(trace, "emit", no_trace_files)
    result = pipeline.check(FIXTURES / "minimal")
    assert result.model is not None and result.ok, result.diagnostics.render()
    page = pipeline.docs_page(result.model, result.document)
    assert page == (ROOT / "tests" / "cases" / "golden" / "minimal" / "docs" / "index.html").read_text()
    kit = sorted({t for t in templates if t.startswith("conformance/")})
    assert kit == ["conformance/test_auth.py.jinja", "conformance/test_operations.py.jinja"]
    assert sorted({f for f in formatted if f.startswith("conformance/")}) == [
        "conformance/test_auth.py",
        "conformance/test_operations.py",
    ]
    assert "mcdata_store/models.py" in formatted  # the page shows where in the code each clause is realised

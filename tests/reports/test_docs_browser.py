"""The docs page as a reader meets it, in Debian's headless chromium driven by Playwright: the search box finds
operations, schemas, clauses and open points; at a phone and a desktop width no table column is narrower than
its longest word and the page does not scroll sideways; Markdown in descriptions is rendered, never shown raw;
axe-core (npm, pinned) finds no serious or critical accessibility violation. Screenshots of both widths are
written to $NMSGEN_SHOTS when it is set (for a person to look at)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT

playwright = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' installs playwright")

DOCS = ROOT / "generated" / "docs" / "index.html"
pytestmark = pytest.mark.external  # Debian's chromium driven by Playwright, axe-core from npm

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}

# Table cells whose content is wider than the cell (a word longer than its column overflows it, since words may
# break only where the browser allows: spaces, <wbr>), or that allow breaking inside words (overflow-wrap:
# anywhere / break-word, word-break: break-all: how columns collapsed to a few letters before).
NARROW_CELLS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (!cell.offsetParent) continue;
    if (cell.scrollWidth > cell.clientWidth + 1) {
      out.push(`${cell.textContent.trim().slice(0, 80)}: ${cell.scrollWidth}px of content in ${cell.clientWidth}px`);
    }
    for (const el of [cell, ...cell.querySelectorAll("*")]) {
      const st = getComputedStyle(el);
      if (st.overflowWrap !== "normal" || !["normal", "keep-all"].includes(st.wordBreak)) {
        out.push(`${el.tagName} in ${cell.textContent.trim().slice(0, 40)}: ${st.overflowWrap} ${st.wordBreak}`);
        break;
      }
    }
  }
  return out;
}"""

# Text a reader sees (not code, not the search box) that still carries Markdown syntax.
RAW_MARKDOWN = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("code, pre, script, style")) continue;
    const t = node.textContent;
    if (/`|\\*\\*|^\\s*[-*] \\S/m.test(t)) out.push(t.trim().slice(0, 120));
  }
  return out;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("chromium is needed for the docs test: apt-get install chromium (.ci/run installs it)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


def open_page(browser: Any, width: str) -> Any:
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_())
    page.goto(DOCS.as_uri())
    return page


@pytest.mark.parametrize(
    ("query", "href"),
    [
        ("CreateObject", "#operation-CreateObject"),  # an operation
        ("SelectionCriteria", "#schema-SelectionCriteria"),  # a schema
        ("24.282-21.1-CR1", "#clause-24.282-21.1-CR1"),  # a clause
        ("OP-FLAG-CASE", "#openpoint-OP-FLAG-CASE"),  # an open point
        ("ts24282_mcdata8", "#change-ts24282_mcdata8"),  # a change request
        ("search objects", "#operation-SearchObjects"),  # two words, both must match
    ],
)
def test_search_finds_and_links(browser: Any, query: str, href: str) -> None:
    page = open_page(browser, "desktop")
    page.fill("#search", query)
    hrefs = page.eval_on_selector_all("#search-results a", "els => els.map(e => e.getAttribute('href'))")
    assert href in hrefs
    page.click(f'#search-results a[href="{href}"]')
    assert page.evaluate("location.hash") == href
    assert page.evaluate(f"document.getElementById({href[1:]!r}).getBoundingClientRect().top") < 50
    page.fill("#search", "zzzz-no-such-thing")
    assert page.inner_text("#search-results") == "no match"
    page.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_tables_stay_readable_and_the_page_does_not_scroll_sideways(browser: Any, width: str) -> None:
    page = open_page(browser, width)
    assert page.evaluate(NARROW_CELLS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]
    shots = os.environ.get("NMSGEN_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"docs-{width}.png"))
        page.goto(DOCS.as_uri() + "#operation-CreateObject")
        page.screenshot(path=str(Path(shots) / f"docs-{width}-create-object.png"))
        page.fill("#search", "flag")
        page.screenshot(path=str(Path(shots) / f"docs-{width}-search.png"))
    page.close()


def test_a_squeezed_table_is_caught(browser: Any) -> None:
    """The column check is live: the old stylesheet (overflow-wrap: anywhere) fails it."""
    page = open_page(browser, "desktop")
    page.add_style_tag(content="main { overflow-wrap: anywhere; }")
    assert page.evaluate(NARROW_CELLS) != []
    page.reload()
    page.add_style_tag(content="table { table-layout: fixed; } td:first-child, th:first-child { width: 30px; }")
    assert page.evaluate(NARROW_CELLS) != []
    page.close()


def test_markdown_is_rendered_not_shown_raw(browser: Any) -> None:
    page = open_page(browser, "desktop")
    assert page.evaluate(RAW_MARKDOWN) == []
    # the enumeration descriptions are "- `value`: text" lists in the model: rendered as lists with code
    assert page.locator("#schema-NotificationFormat li code").count() >= 2
    page.close()


def test_multipart_parts_curl_and_python_call_are_shown(browser: Any) -> None:
    page = open_page(browser, "desktop")
    op = page.locator("#operation-CreateObject")
    parts = op.locator("table", has_text="content type").inner_text()
    assert "root-fields" in parts and "attachments" in parts
    assert "curl -X POST" in op.locator("pre.curl").text_content()
    assert "c.create_object(body, attachments)" in op.locator("pre.python").text_content()
    assert op.locator('a[href="#change-ts24282_mcdata8"]').count() == 1
    page.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_axe_finds_no_serious_or_critical_violation(browser: Any, width: str) -> None:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm ci`")
    page = open_page(browser, width)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    page.close()

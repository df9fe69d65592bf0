"""A diff report for people (text, Markdown) and for tools (JSON): sections in a fixed order, the store
interface's to-do list, the generated files that change."""

from __future__ import annotations

import json

from ... import escape
from .changes import IMPACTS, SECTIONS, Change, Report

STORE_UNCHANGED = "Store interface (MessageStore): no method added, changed or dropped."


def _summary_line(r: Report) -> str:
    strict = f" ({r.strict_only} of them breaking for strict third-party clients)" if r.strict_only else ""
    return (
        f"{r.count('breaking')} breaking, {r.count('compatible')} compatible{strict}, {r.count('editorial')} "
        f"editorial change(s)"
    )


def _store_lines(r: Report) -> list[str]:
    lines = []
    for label, items in (("add", r.store.add), ("change", r.store.change), ("drop (no longer called)", r.store.remove)):
        for it in items:
            lines.append(f"{label}: {it}")
    return lines


def to_text(r: Report) -> str:
    out = [f"nmsgen diff {r.old} -> {r.new}", _summary_line(r), ""]
    for title, kinds in SECTIONS:
        rows = [c for c in r.changes if c.kind in kinds]
        if not rows:
            continue
        out.append(f"{title}:")
        for c in rows:
            out.append(f"  {c.impact.upper():<10} {c.what}")
            if c.why:
                out.append(f"  {'':<10} why: {c.why}")
            if c.strict:
                out.append(f"  {'':<10} strict clients: breaking: {c.strict}")
            if c.clauses:
                out.append(f"  {'':<10} clauses: {', '.join(c.clauses)}")
            if c.files:
                out.append(f"  {'':<10} files: {', '.join(c.files)}")
        out.append("")
    if not r.store.empty:
        out.append("Store interface (MessageStore): implementers must")
        out += [f"  {line}" for line in _store_lines(r)]
        out.append("")
    elif r.files:
        out += [STORE_UNCHANGED, ""]
    if r.files:
        out.append(f"Generated files that change: {', '.join(r.files)}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


_md = escape.markdown  # model text in a table cell or list item
STRICT_MARK = " (generated client)"  # compatible for our client; breaking for strict third-party clients


def _why(c: Change) -> str:
    return f"{c.why}; strict third-party clients: breaking: {c.strict}" if c.strict else c.why


def to_markdown(r: Report, title: str = "", preamble: str = "") -> str:
    out = [f"# {title or 'API impact'}", ""]
    if preamble:
        out += [preamble.rstrip("\n"), ""]
    out += [f"Compared: `{r.old}` -> `{r.new}`.", "", f"**{_summary_line(r)}.**", ""]
    if not r.store.empty:
        out += ["## Store implementers must", ""]
        for label, items in (
            ("add", r.store.add),
            ("change", r.store.change),
            ("drop (no longer called)", r.store.remove),
        ):
            out += [f"- **{label}** {escape.markdown_code(it)}" for it in items]
        out.append("")
    elif r.files:
        out += [STORE_UNCHANGED, ""]
    api = [c for c in r.changes if c.impact != "editorial"]
    out += ["## API changes (breaking and compatible)", ""]
    if not api:
        out += ["None.", ""]
    for title_, kinds in SECTIONS:
        rows = [c for c in api if c.kind in kinds]
        if rows:
            out += [
                f"### {title_}",
                "",
                "| impact | change | why | clauses | generated files |",
                "|---|---|---|---|---|",
            ]
            out += [
                f"| **{c.impact}**{STRICT_MARK if c.strict else ''} | {_md(c.what)} | {_md(_why(c))} | "
                f"{', '.join(c.clauses)} | "
                f"{', '.join(f'`{f}`' for f in c.files)} |"
                for c in rows
            ]
            out.append("")
    editorial = [c for c in r.changes if c.impact == "editorial"]
    if editorial:
        out += ["## Editorial changes (text, citations, open points: no effect on the wire)", ""]
        for title_, kinds in SECTIONS:
            rows = [c for c in editorial if c.kind in kinds]
            if rows:
                out += [f"### {title_}", "", "| change | clauses |", "|---|---|"]
                out += [f"| {_md(c.what)} | {', '.join(c.clauses)} |" for c in rows]
                out.append("")
    if r.files:
        out += ["## Generated files that change", ""] + [f"- `{f}`" for f in r.files] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def to_json(r: Report) -> str:
    doc = {
        "old": r.old,
        "new": r.new,
        "breaking": r.breaking,
        "summary": {i: r.count(i) for i in IMPACTS},
        "changes": [c.to_json() for c in r.changes],
        "store_interface": {"add": r.store.add, "change": r.store.change, "remove": r.store.remove},
        "files": r.files,
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"

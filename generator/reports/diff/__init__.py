"""diff: two built models (IR) -> the changes between them, classified for API consumers.

In: the old and the new :class:`~generator.ir.model.Model` (each loaded, overlaid, built and validated by the
normal pipeline) and, optionally, the files each one generates. Out: a :class:`Report` — every change to
clauses, open points, operations, parameters, request bodies, responses, types, fields, enumerations,
exceptions and the auth model, each with the clauses behind it, the generated files it touches and an
impact:

* ``breaking`` — a client or server written against OLD can fail against NEW;
* ``compatible`` — the wire contract grows in a way existing clients and servers accept;
* ``editorial`` — text, citations and open points: no effect on the wire.

Impacts are judged by what the generated client and server do: the client reads answers forward-compatibly
(unknown members kept in ``model_extra``, unknown enumeration values kept), but still checks lengths,
patterns, required and nullable members and choice groups; the server checks requests strictly. A compatible
change that only a forward-compatible client accepts (a new enumeration value or member in answers, a type
opened to extra members) carries what a strict third-party client does with it (``Change.strict``); the
report shows it and ``Report.breaking`` (the exit status) follows our classification.

Direction matters, so types are classified by where they travel: **request** (client -> store; a
new required field, a removed optional one in a closed type, a narrower constraint or a removed enum
value break clients), **response** (store -> client, and the R19 notification the store sends; a
removed required field, a field that becomes optional or nullable, or a wider constraint break clients),
or both; a read-only member travels only in answers, a write-only one only in requests.
Examples are not compared (they are documentation, and a changed example that no longer fits its type
fails validation anyway).

The stages: :mod:`.compare` pairs the elements and classifies each difference by a row of its rule table;
:mod:`.attribute` finds the generated files each change touches and the store methods implementers must
write; :mod:`.render` writes the report as text, Markdown or JSON. :mod:`.changes` holds what they pass on.
"""

from __future__ import annotations

from ...ir import model as m
from .attribute import attribute, differing, store_delta
from .changes import IMPACTS, SECTIONS, Change, Report, StoreDelta
from .compare import compare
from .render import to_json, to_markdown, to_text
from .rules import RULES

__all__ = [
    "IMPACTS",
    "RULES",
    "SECTIONS",
    "Change",
    "Report",
    "StoreDelta",
    "diff",
    "to_json",
    "to_markdown",
    "to_text",
]


def diff(
    old: m.Model,
    new: m.Model,
    old_label: str,
    new_label: str,
    old_files: dict[str, str] | None = None,
    new_files: dict[str, str] | None = None,
) -> Report:
    """Compare two built models; with their generated files, attribute changes to the files they touch."""
    changes = compare(old, new)
    report = Report(old_label, new_label, [])
    if old_files is not None and new_files is not None:
        changes = attribute(changes, old_files, new_files)
        report.files = differing(old_files, new_files)
        report.store = store_delta(old, new)
    report.changes = sorted(changes, key=Change.sort_key)
    return report

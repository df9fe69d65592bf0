"""A Schemathesis check, loaded by ``tests/crosschecks/test_interop.py``: the only schema-valid requests our
server may refuse with 400 are those that break a rule the document states in words, because it depends on
what the server issued or stores (cursors, restart tokens, names taken) or on its configuration (preset
names, its limit on criteria), or relates parts JSON Schema cannot relate (payload parts and objects). For
each operation where such a rule exists, :data:`PROSE_RULES` lists them: the message part the refusal names
(the NMS error's first variable) and, where the request alone shows it, a test that the request breaks the
rule. A 400 that no listed rule explains fails the run, whatever Schemathesis' own
``positive_data_acceptance`` allows for these operations."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import schemathesis

Request = dict[str, Any]  # {"body": ..., "query": ...} of the case
Test = Callable[[Request], bool]

MAX_CRITERIA = 64  # the reference store's limit ("their number MAY be limited by the server", TS14 5.3.2.16)
_WORD = re.compile(r"[^\W_]")


def _always(_: Request) -> bool:
    return True  # the refusal depends on the store's state, not on the request alone


def _at(node: Any, *path: str) -> Any:
    """The member at ``path`` of nested JSON objects (None where the request has none)."""
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _items(node: Any, *path: str) -> list[Any]:
    """The array at ``path`` ([] where the request has none)."""
    found = _at(node, *path)
    return found if isinstance(found, list) else []


def _criteria(r: Request, *path: str) -> list[dict[str, Any]]:
    return [c for c in _items(r["body"], *path, "criterion") if isinstance(c, dict)]


def _store_criteria(kind: str, *path: str) -> Test:
    """Criteria whose acceptance depends on the store: preset names (TS14 6.7 defines none, ours has none),
    creation cursors (only the server issues them; a filter's CreatedObjects value is "", which the document
    says), a WholeWord value with no word, VanishedObjects not standing alone (TS14 6.7), more criteria than the
    store takes. The criterion types a folder search or a filter refuses are rules of the document
    (OP-CRITERIA-CONTEXTS), not excused here."""

    def test(r: Request) -> bool:
        crits = _criteria(r, *path)
        vanished = any(c.get("type") == "VanishedObjects" for c in crits)
        return (
            len(crits) > MAX_CRITERIA
            or any(c.get("type") == "PresetSearch" for c in crits)
            or (kind != "filter" and any(c.get("type") == "CreatedObjects" and c.get("value") for c in crits))
            or any(c.get("type") == "WholeWord" and not _WORD.search(str(c.get("value", ""))) for c in crits)
            or (vanished and (len(crits) > 1 or _at(r["body"], *path, "operator") == "Not"))
        )

    return test


def _has(*path: str) -> Test:
    """The request has the member at ``path`` (of the body, or of the query when path starts with "query")."""

    def test(r: Request) -> bool:
        if path[0] == "query":
            return _at(r["query"], *path[1:]) is not None
        return _at(r["body"], *path) is not None

    return test


def _vanished_with_scope(r: Request) -> bool:
    sel = _at(r["body"], "selectionCriteria")
    return isinstance(sel, dict) and "searchScope" in sel and _asks_vanished(r)


def _asks_vanished(r: Request) -> bool:
    return any(c.get("type") == "VanishedObjects" for c in _criteria(r, *_SELECTION))


def _reserved_folder_attributes(r: Request) -> bool:
    """App. J: Name and Root are the server's; with them the list keeps its 1000 entries."""
    items = _items(r["body"], "folder", "attributes", "attribute")
    named = [str(a.get("name", "")).casefold() for a in items if isinstance(a, dict)]
    return len(items) > 998 or any(n in ("name", "root") for n in named)


def _more_payloads_than_objects(r: Request) -> bool:
    """A bulk creation's payload parts go to its objects in order: one more than there are objects has none.
    (A part labelled multipart/* must be a multipart entity too, but the document's encoding labels the
    parts */*, so a fuzzer never sends one.)"""
    parts = _at(r["body"], "attachments")
    return isinstance(parts, list) and len(parts) > len(_items(r["body"], "root-fields", "objectList", "object"))


_SELECTION = ("selectionCriteria", "searchCriteria")
_CURSOR = ("fromCursor", _has("selectionCriteria", "fromCursor"), "a cursor only the server issues")
_STATE = "depends on the store's state"
URL = "<a resource URL of the request>"  # the part a copy or move names when one of its sources is refused

# operationId -> [(message part, test of the request, why)]
PROSE_RULES: dict[str, list[tuple[str, Test, str]]] = {
    "SearchObjects": [
        _CURSOR,
        ("searchCriteria", _store_criteria("object", *_SELECTION), "criteria the store decides"),
        ("searchScope", _vanished_with_scope, "VanishedObjects has no folder (TS14 6.7)"),
    ],
    "SearchFolders": [
        _CURSOR,
        ("searchCriteria", _store_criteria("folder", *_SELECTION), "criteria the store decides"),
    ],
    "BulkUpdateObjects": [
        _CURSOR,
        ("searchCriteria", _store_criteria("object", *_SELECTION), "criteria the store decides"),
    ],
    "BulkDeleteObjects": [
        _CURSOR,
        ("searchCriteria", _store_criteria("object", *_SELECTION), "criteria the store decides"),
    ],
    "GetFolder": [("fromCursor", _has("query", "fromCursor"), "a cursor only the server issues")],
    "CreateSubscription": [
        ("filter", _store_criteria("filter", "nmsSubscription", "filter"), "criteria the store decides"),
        ("restartToken", _has("nmsSubscription", "restartToken"), "a restart token only the server issues"),
    ],
    "UpdateSubscription": [
        ("restartToken", _has("nmsSubscriptionUpdate", "restartToken"), "a restart token only the server issues")
    ],
    "CreateFolder": [
        ("attributes", _reserved_folder_attributes, "Name and Root are the server's (App. J)"),
        ("name", _always, "a folder of that name is already in the parent (" + _STATE + ")"),
        ("path (too long)", _always, "the folder's path would exceed 1024 characters (" + _STATE + ")"),
    ],
    "RenameFolder": [
        ("name", _always, "a folder of that name is already in the parent (" + _STATE + ")"),
        ("path (too long)", _always, "the folder's path would exceed 1024 characters (" + _STATE + ")"),
    ],
    "BulkCreateObjects": [("attachments", _more_payloads_than_objects, "a payload part for each object at most")],
    "CopyToFolder": [
        (URL, _always, "the folder named is the root, or its name is taken in the target (" + _STATE + ")")
    ],
    "MoveToFolder": [
        (URL, _always, "the folder named is the root, or its name is taken in the target (" + _STATE + ")")
    ],
}


def _part(response: Any) -> tuple[str, str] | None:
    """(messageId, first variable) of an NMS service exception answer."""
    try:
        error = json.loads(response.content)["requestError"]["serviceException"]
        return str(error["messageId"]), str((error.get("variables") or [""])[0])
    except (ValueError, KeyError, TypeError, IndexError):
        return None


@schemathesis.check
def refusals_follow_prose_rules(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request refused with 400: only for a rule of PROSE_RULES that the request breaks."""
    meta = case.meta
    if response.status_code != 400 or meta is None or not meta.generation.mode.is_positive:
        return None
    op = case.operation.definition.raw.get("operationId", "")
    found = _part(response)
    request = {"body": case.body if isinstance(case.body, dict) else {}, "query": case.query or {}}
    for part, test, _why in PROSE_RULES.get(op, []):
        if found is None:
            break
        named = (
            found[1].startswith(("https://", "http://"))
            if part == URL
            else found[1].split(" (")[0] == part.split(" (")[0]
        )
        if named and test(request):
            return None
    raise AssertionError(
        f"{op}: a schema-valid request refused with 400 ({found}) that no rule stated in words explains"
    )

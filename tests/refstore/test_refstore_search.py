"""Search of the reference store (refstore/search.py): every search type, And/Or/Not, scopes, sorting,
keyset paging and bulk operations by criteria - over HTTPS through the generated server, by direct store
calls, and as property tests against a plain in-memory oracle.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from mcdata_store import models
from mcdata_store.store import Context, Payload, StoreError
from refstore import SqliteStore
from refstore import search as engine
from refstore.tx import Db

from ..https_server import Running, ServerOptions
from ..runtime.test_e2e_https import Api, last_segment
from ..support import ALICE, Keys, user_token

BASE = "https://example.com/nms/v1"
A = Context("myStore", "mcdata:alice@example.org", "MCData-7", "alice", f"{BASE}/myStore/mcdata%3Aalice%40example.org")
T0 = 1_700_000_000.0
KEYS = Keys()


# ------------------------------------------------------------------------------------------ helpers


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(make_store: Callable[..., SqliteStore], clock: Clock) -> SqliteStore:
    """The store under test: SQLite and PostgreSQL (tests/refstore/conftest.py ``make_store``)."""
    return make_store(clock=clock)


def attrs(**values: str | list[str]) -> dict[str, Any]:
    return {
        "attribute": [
            {"name": n.replace("_", "-"), "value": v if isinstance(v, list) else [v]} for n, v in values.items()
        ]
    }


def create(store: SqliteStore, payload: Payload | None = None, **fields: Any) -> str:
    data: dict[str, Any] = {"attributes": {"attribute": []}, "flags": {"flag": []}, **fields}
    ref = store.create_object(A, models.Object.model_validate(data), payload)
    assert isinstance(ref, models.Reference)
    return last_segment(ref.resourceURL)


def sel(*crits: dict[str, str], operator: str | None = None, max_entries: int = 100, **more: Any) -> Any:
    data: dict[str, Any] = {"maxEntries": max_entries, **more}
    if crits:
        data["searchCriteria"] = {"criterion": list(crits)}
        if operator:
            data["searchCriteria"]["operator"] = operator
    return models.SelectionCriteria.model_validate(data)


def ids(
    result: models.ObjectList | models.ObjectReferenceList | models.FolderList | models.FolderReferenceList,
) -> list[str]:
    if isinstance(result, models.ObjectList):
        return [last_segment(o.resourceURL or "") for o in result.object or []]
    if isinstance(result, models.FolderList):
        return [f.path or "" for f in result.folder or []]
    raise AssertionError(f"unexpected {type(result).__name__}")


def find(store: SqliteStore, *crits: dict[str, str], **more: Any) -> list[str]:
    return ids(store.search_objects(A, sel(*crits, **more)))


def folder_url(store: SqliteStore, path: str) -> str:
    return store.get_folder_id_by_path(A, path).resourceURL


def attr(name: str, value: str) -> dict[str, str]:
    return {"type": "Attribute", "name": name, "value": value}


# ------------------------------------------------------------------------------------------ each search type


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-5.3.2.17", "OMA-NMS-App.I", "OMA-NMS-5.3.2.5")
def test_attribute_search_case_rules(store: SqliteStore) -> None:
    one = create(store, attributes=attrs(Direction="In", Subject="Hello", From=["tel:+1", "tel:+2"]))
    two = create(store, attributes=attrs(Direction="OUT", Subject="hello", Message_Context="Pager-Message"))
    assert find(store, attr("direction", "in")) == [one]  # App. I: Direction compares case-insensitively
    assert find(store, attr("DIRECTION", "out")) == [two]
    assert find(store, attr("subject", "hello")) == [two]  # other values: exact, case-sensitive
    assert find(store, attr("Subject", "Hell")) == []  # not a substring search
    assert find(store, attr("From", "tel:+2")) == [one]  # any of the values
    assert find(store, attr("message-context", "pager-message")) == [two]
    with pytest.raises(ValueError, match="name must be given when type is Attribute"):  # the model's rule
        find(store, {"type": "Attribute", "value": "x"})
    unchecked = models.SearchCriterion.model_construct(type=models.SearchTypeEnum.Attribute, value="x")
    criteria = models.SelectionCriteria.model_construct(
        maxEntries=10, searchCriteria=models.SearchCriteria.model_construct(criterion=[unchecked])
    )
    with pytest.raises(StoreError) as exc:  # and the store checks anyway
        store.search_objects(A, criteria)
    assert exc.value.exception_id == "SVC0002"


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-6.13", "OMA-NMS-5.3.3.1")
def test_all_text_attributes_is_a_case_insensitive_substring_search(store: SqliteStore) -> None:
    greek = create(store, attributes=attrs(Subject="Meet at the GATE", TextContent="Straße 5"))
    other = create(store, attributes=attrs(Subject="gatekeeper", From="tel:+4915"))
    split = create(store, attributes=attrs(Subject="ab", To="cd"))
    assert find(store, {"type": "AllTextAttributes", "value": "gate"}) == [other, greek]  # both cases, both lengths
    assert find(store, {"type": "AllTextAttributes", "value": "THE g"}) == [greek]
    assert find(store, {"type": "AllTextAttributes", "value": "STRASSE"}) == [greek]  # Unicode casefolding
    assert find(store, {"type": "AllTextAttributes", "value": "+49"}) == [other]
    assert find(store, {"type": "AllTextAttributes", "value": "e"}) == [other, greek]  # short: no trigram
    assert find(store, {"type": "AllTextAttributes", "value": "bc"}) == []  # never across two values
    assert find(store, {"type": "AllTextAttributes", "value": "b\nc"}) == []
    assert find(store, {"type": "AllTextAttributes", "value": "ab"}) == [split]
    assert find(store, {"type": "AllTextAttributes", "value": 'a"b'}) == []  # FTS5 syntax is quoted away
    store.create_folder(
        A, models.Folder.model_validate({"parentFolderPath": "/", "name": "Gateway", "attributes": attrs(Note="x")})
    )
    found = store.search_folders(A, sel({"type": "AllTextAttributes", "value": "TEW"}))
    assert ids(found) == ["/Gateway"]  # folders: the name and the client attributes


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-6.13", "OMA-NMS-5.3.3.1")
def test_whole_word_searches_text_attributes_and_textual_payload_parts(store: SqliteStore) -> None:
    body = (
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe quick brown fox\r\n"
        b"--b\r\nContent-Type: application/octet-stream\r\n\r\nhidden words\r\n--b--\r\n"
    )
    mixed = create(store, Payload(body, "multipart/mixed; boundary=b"), attributes=attrs(Subject="Gatekeeper"))
    plain = create(store, Payload("Grüße aus Köln".encode(), "text/plain"), attributes=attrs(Subject="the gate"))
    assert find(store, {"type": "WholeWord", "value": "gate"}) == [plain]  # a word, not a substring
    assert find(store, {"type": "WholeWord", "value": "GATEKEEPER"}) == [mixed]
    assert find(store, {"type": "WholeWord", "value": "brown"}) == [mixed]  # a text/plain part
    assert find(store, {"type": "WholeWord", "value": "hidden"}) == []  # not a textual part
    assert find(store, {"type": "WholeWord", "value": "köln"}) == [plain]  # a text/plain payload
    assert find(store, {"type": "WholeWord", "value": "fox, quick"}) == [mixed]  # every word, any order
    assert find(store, {"type": "WholeWord", "value": "fox gate"}) == []
    with pytest.raises(StoreError) as exc:
        find(store, {"type": "WholeWord", "value": " -- "})  # no word to search for
    assert exc.value.variables == ["searchCriteria"]
    store.create_folder(
        A, models.Folder.model_validate({"parentFolderPath": "/", "name": "Team notes", "attributes": {}})
    )
    assert ids(store.search_folders(A, sel({"type": "WholeWord", "value": "NOTES"}))) == ["/Team notes"]
    assert ids(store.search_folders(A, sel({"type": "WholeWord", "value": "note"}))) == []
    folder_id = last_segment(folder_url(store, "/Team notes"))
    store.rename_folder(A, folder_id, models.FolderName("Team minutes"))  # the words follow a rename
    assert ids(store.search_folders(A, sel({"type": "WholeWord", "value": "notes"}))) == []
    assert ids(store.search_folders(A, sel({"type": "WholeWord", "value": "minutes"}))) == ["/Team minutes"]


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-5.3.3.1", "OMA-NMS-5.3.2.3")
def test_flag_and_date_searches(store: SqliteStore, clock: Clock) -> None:
    made = []
    for i in range(4):
        clock.now = T0 + 60 * i
        made.append(create(store, flags={"flag": ["\\Seen"] if i % 2 else []}))
    assert find(store, {"type": "Flag", "name": "\\seen", "value": "true"}) == [made[3], made[1]]
    assert find(store, {"type": "Flag", "name": "\\SEEN", "value": ""}) == [made[3], made[1]]  # default true
    assert find(store, {"type": "Flag", "name": "\\Seen", "value": "0"}) == [made[2], made[0]]
    stamp = datetime.fromtimestamp(T0 + 60, UTC).isoformat()
    assert find(store, {"type": "Date", "value": f"minDate={stamp}"}) == made[1:][::-1]  # inclusive
    assert find(store, {"type": "Date", "value": f"maxDate={stamp}"}) == [made[0]]  # exclusive
    bad_values = [("Date", v) for v in ("minDate=yesterday", "since=2024-01-01T00:00:00Z", "", "minDate=x&minDate=x")]
    for kind, bad in [*bad_values, ("Flag", "maybe")]:
        crit = {"type": kind, "name": "\\Seen", "value": bad}
        with pytest.raises(ValidationError, match="does not match"):  # the model refuses it: 400 before the store
            find(store, crit)
        unchecked = models.SearchCriteria.model_construct(criterion=[models.SearchCriterion.model_construct(**crit)])
        with pytest.raises(StoreError):  # and the store, called without the model's check
            store.search_objects(A, models.SelectionCriteria.model_construct(maxEntries=10, searchCriteria=unchecked))


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-5.3.3.2", "OMA-NMS-5.3.2.16")
def test_and_or_not(store: SqliteStore) -> None:
    a = create(store, attributes=attrs(Subject="a", Direction="In"))
    b = create(store, attributes=attrs(Subject="b", Direction="In"))
    c = create(store, attributes=attrs(Subject="c", Direction="Out"))
    both = (attr("Direction", "In"), attr("Subject", "a"))
    assert find(store, *both) == [a]  # absent operator = And
    assert find(store, *both, operator="Or") == [b, a]
    assert find(store, *both, operator="Not") == [c, b]  # NOT(c1 AND c2)
    assert find(store, attr("Direction", "In"), operator="Not") == [c]


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-6.13", "OMA-NMS-5.3.2.15")
def test_search_scope_with_and_without_recursion(store: SqliteStore) -> None:
    top = create(store, parentFolderPath="/In")
    deep = create(store, parentFolderPath="/In/Team/Old")
    create(store, parentFolderPath="/Out")
    scope = {"resourceURL": folder_url(store, "/In")}
    assert find(store, searchScope=scope) == [deep, top]
    assert find(store, searchScope=scope, nonRecursiveScope=True) == [top]
    assert ids(store.search_folders(A, sel(searchScope=scope))) == ["/In/Team/Old", "/In/Team"]
    assert ids(store.search_folders(A, sel(searchScope=scope, nonRecursiveScope=True))) == ["/In/Team"]
    with pytest.raises(StoreError) as exc:
        find(store, searchScope={"resourceURL": f"{A.box_url}/folders/fld-nope"})
    assert exc.value.exception_id == "SVC0004"


@pytest.mark.clause("OMA-NMS-5.3.2.18", "OMA-NMS-5.3.2.19", "OMA-NMS-5.3.3.3", "OMA-NMS-5.3.3.4")
def test_sort_criteria(store: SqliteStore, clock: Clock) -> None:
    rows = [("b", "x"), ("a", None), (None, "y"), ("b", "w"), ("a", "z")]
    made = []
    for i, (subject, sender) in enumerate(rows):
        clock.now = T0 + i
        values: dict[str, str] = {}
        if subject is not None:
            values["Subject"] = subject
        if sender is not None:
            values["From"] = sender
        made.append(create(store, attributes=attrs(**values)))
    by = functools.partial(dict, type="Attribute")
    asc = find(store, sortCriteria={"criterion": [by(name="subject", order="Ascending")]})
    assert asc == [made[1], made[4], made[0], made[3], made[2]]  # ties: creation order, in the sort's direction
    desc = find(store, sortCriteria={"criterion": [by(name="Subject")]})  # absent order = Descending
    assert desc == [made[3], made[0], made[4], made[1], made[2]]  # absent values last either way
    two = find(
        store,
        sortCriteria={"criterion": [by(name="Subject", order="Ascending"), by(name="From", order="Ascending")]},
    )
    assert two == [made[4], made[1], made[3], made[0], made[2]]  # From z, then From absent (last)
    third_ignored = find(
        store,
        sortCriteria={
            "criterion": [
                by(name="Subject", order="Ascending"),
                by(name="From", order="Ascending"),
                {"type": "Date", "order": "Descending"},
            ]
        },
    )
    assert third_ignored == two  # at most two sort criteria are used (TS: extra ones MAY be ignored)
    legacy = find(store, sortCriterion={"type": "Date", "order": "Ascending"})
    assert legacy == made
    assert find(store) == made[::-1]  # no sort criteria: newest first


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-5.3.2.2", "OMA-NMS-5.3.2.12")
def test_vanished_and_created_objects(store: SqliteStore) -> None:
    kept = create(store)
    gone = create(store)
    first = store.search_objects(A, sel({"type": "CreatedObjects", "value": ""}))
    assert isinstance(first, models.ObjectList) and first.creationCursor
    store.delete_object(A, gone)
    newer = create(store)
    since = store.search_objects(A, sel({"type": "CreatedObjects", "value": first.creationCursor}))
    assert isinstance(since, models.ObjectList) and ids(since) == [newer]
    assert ids(store.search_objects(A, sel({"type": "CreatedObjects", "value": ""}))) == [newer, kept]
    vanished = store.search_objects(A, sel({"type": "VanishedObjects", "value": ""}))
    assert isinstance(vanished, models.ObjectReferenceList)  # SHALL be an ObjectReferenceList (TS14 6.7)
    assert [last_segment(r.resourceURL) for r in vanished.objectReference or []] == [gone]
    for combined in ("And", "Not"):  # VanishedObjects cannot be negated or combined
        with pytest.raises(StoreError):
            store.search_objects(A, sel({"type": "VanishedObjects", "value": ""}, attr("x", "y"), operator=combined))
    with pytest.raises(StoreError):
        store.search_objects(A, sel({"type": "CreatedObjects", "value": "yesterday"}))


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-5.3.3.1")
def test_unknown_preset_search_is_refused_clearly(store: SqliteStore) -> None:
    assert engine.PRESETS == frozenset()
    with pytest.raises(StoreError) as exc:
        find(store, {"type": "PresetSearch", "name": "UPOneDotO", "value": ""})
    assert exc.value.exception_id == "SVC0003"
    assert "UPOneDotO" in exc.value.variables[0] and exc.value.variables[1] == "none"


@pytest.mark.clause("OMA-NMS-6.13", "OMA-NMS-App.J")
def test_folder_search_flag_and_created_objects_are_refused(store: SqliteStore) -> None:
    for crit in ({"type": "Flag", "name": "\\Seen", "value": "true"}, {"type": "CreatedObjects", "value": ""}):
        with pytest.raises(StoreError) as exc:
            store.search_folders(A, sel(crit))
        assert exc.value.variables == ["searchCriteria"]
    store.create_folder(A, models.Folder.model_validate({"parentFolderPath": "/", "name": "B", "attributes": {}}))
    store.create_folder(A, models.Folder.model_validate({"parentFolderPath": "/", "name": "A", "attributes": {}}))
    by_name = sel(sortCriteria={"criterion": [{"type": "Attribute", "name": "Name", "order": "Ascending"}]})
    assert ids(store.search_folders(A, by_name)) == ["", "/A", "/B"]  # the root is named ""
    assert ids(store.search_folders(A, sel(attr("root", "No")))) == ["/A", "/B"]


@pytest.mark.clause("OMA-NMS-5.1.10", "OMA-NMS-6.7")
def test_cursor_checks(store: SqliteStore) -> None:
    for _ in range(3):
        create(store, attributes=attrs(Subject="s"))
    page = store.search_objects(A, sel(max_entries=1))
    assert isinstance(page, models.ObjectList) and page.cursor
    with pytest.raises(StoreError) as exc:  # other criteria with the cursor
        store.search_objects(A, sel(attr("Subject", "s"), max_entries=1, fromCursor=page.cursor))
    assert exc.value.variables == ["fromCursor"]
    for forged in ("!!", engine.encode_cursor({"d": engine.criteria_digest(sel()), "k": ["x", 1]})):
        with pytest.raises(StoreError) as exc:
            store.search_objects(A, sel(max_entries=1, fromCursor=forged))
        assert exc.value.variables == ["fromCursor"]
    assert len(ids(store.search_objects(A, sel(max_entries=5000)))) == 3  # maxEntries above the cap


@pytest.mark.clause("OMA-NMS-LATER-bulkUpdate", "OMA-NMS-LATER-bulkDelete", "OMA-NMS-5.3.2.32")
def test_bulk_update_and_delete_by_selection_criteria(store: SqliteStore, clock: Clock) -> None:
    made = []
    for i in range(5):
        clock.now = T0 + i
        made.append(create(store, attributes=attrs(Direction="In" if i < 4 else "Out")))
    unseen = {
        "maxEntries": 3,
        "searchCriteria": {
            "criterion": [attr("Direction", "in"), {"type": "Flag", "name": "\\Seen", "value": "false"}]
        },
        "sortCriteria": {"criterion": [{"type": "Date", "order": "Ascending"}]},
    }
    update = {"selectionCriteria": unseen, "operation": "AddFlag", "flags": {"flag": ["\\Seen"]}}
    answer = store.bulk_update_objects(A, models.BulkUpdate.model_validate(update))
    assert [(r.code, last_segment(r.success.resourceURL if r.success else "")) for r in answer.response] == [
        (200, made[0]),
        (200, made[1]),
        (200, made[2]),
    ]  # one response per selected object, in the criteria's sort order, at most maxEntries
    again = store.bulk_update_objects(A, models.BulkUpdate.model_validate(update))
    assert [last_segment(r.success.resourceURL if r.success else "") for r in again.response] == [made[3]]
    with pytest.raises(StoreError) as exc:  # nothing left to select
        store.bulk_update_objects(A, models.BulkUpdate.model_validate(update))
    assert (exc.value.exception_id, exc.value.variables) == ("SVC0004", ["selectionCriteria"])
    assert store.get_object_flags(A, made[4]).to_wire()["flag"] == []

    delete = {"selectionCriteria": {"maxEntries": 10, "searchCriteria": {"criterion": [attr("Direction", "IN")]}}}
    deleted = store.bulk_delete_objects(A, models.BulkDelete.model_validate(delete))
    assert [last_segment(r.success.resourceURL if r.success else "") for r in deleted.response] == made[:4][::-1]
    assert find(store) == [made[4]]
    vanished = {"maxEntries": 1, "searchCriteria": {"criterion": [{"type": "VanishedObjects", "value": ""}]}}
    with pytest.raises(ValidationError, match="VanishedObjects is not allowed here"):  # a rule of the model
        models.BulkDelete.model_validate({"selectionCriteria": vanished})
    with pytest.raises(StoreError) as exc:  # and the store's own check, for a value no model validated
        selection = models.SelectionCriteria.model_validate(vanished)
        store.bulk_delete_objects(A, models.BulkDelete.model_construct(selectionCriteria=selection))
    assert exc.value.variables == ["selectionCriteria"]


def test_selective_searches_use_indexes(tmp_path: Path, clock: Clock) -> None:
    """SQLite's plans (EXPLAIN QUERY PLAN)."""
    store = SqliteStore(tmp_path / "store.db", clock=clock)
    for i in range(30):
        create(store, parentFolderPath=f"/F{i % 3}", attributes=attrs(Subject=f"subject {i}", Direction="In"))
    conn = sqlite3.connect(store._path)
    conn.row_factory = sqlite3.Row
    engine.register_functions(conn)
    box = int(conn.execute("SELECT pk FROM box").fetchone()[0])
    scope = engine.Scope(int(conn.execute("SELECT pk FROM folder WHERE name = 'F1'").fetchone()[0]), True)
    selective = [
        (sel(attr("Subject", "subject 7")), None),
        (sel({"type": "WholeWord", "value": "subject"}), None),
        (sel({"type": "AllTextAttributes", "value": "ject 1"}), None),
        (sel({"type": "Flag", "name": "\\Flagged", "value": "true"}), None),
        (sel({"type": "CreatedObjects", "value": "cc-20"}), None),
        (sel({"type": "Date", "value": "minDate=2030-01-01T00:00:00Z"}), None),
        (sel(), scope),
    ]
    try:
        for body, where in selective:
            plan = engine.explain(Db(conn), "object", box, body, where, 10)
            assert "SCAN o" not in plan, plan  # never a full scan of the object table
            assert any("USING" in line for line in plan), plan
    finally:
        conn.close()
        store.close()


def test_a_version_1_store_is_reindexed_on_open(tmp_path: Path) -> None:
    """A file of schema version 1 (no search tables) written as that version wrote it: opening it runs the
    migrations to the latest version, which index what it holds."""
    from refstore.schema import create_schema  # noqa: PLC0415

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    create_schema(conn, str(path), up_to=1)
    conn.execute("INSERT INTO box (pk, store_name, box_id, mod_seq) VALUES (1, 'st', 'alice', 2)")
    conn.execute("INSERT INTO folder VALUES (1, 1, 'fld-0000000000000001', NULL, '', '{\"attribute\":[]}', 1, 0)")
    attributes = '{"attribute":[{"name":"Subject","value":["Old times"]}]}'
    conn.execute(
        "INSERT INTO object (pk, box_pk, id, folder_pk, attributes, payload, payload_type, last_mod_seq, created_seq,"
        " created_us) VALUES (1, 1, 'obj-0000000000000001', 1, ?, ?, 'text/plain', 2, 2, 0)",
        (attributes, b"plain words here"),
    )
    conn.close()
    s = SqliteStore(path)
    try:
        ctx = Context("st", "alice", "MCData-7", "alice", "https://h/nms/v1/st/alice")
        made = "https://h/nms/v1/st/alice/objects/obj-0000000000000001"
        for criterion in (
            {"type": "WholeWord", "value": "words"},
            {"type": "AllTextAttributes", "value": "OLD T"},
            attr("subject", "Old times"),
        ):
            found = s.search_objects(ctx, sel(criterion))
            assert isinstance(found, models.ObjectList)
            assert [o.resourceURL for o in found.object or []] == [made]
    finally:
        s.close()


# ------------------------------------------------------------------------------------------ over HTTPS


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS)


def http_create(api: Api, path: str, attributes: dict[str, Any], flags: list[str], text: str | None = None) -> str:
    root = {"object": {"parentFolderPath": path, "flags": {"flag": flags}, "attributes": attributes}}
    files: dict[str, Any] = {"root-fields": (None, json.dumps(root), "application/json")}
    if text is not None:
        files["attachments"] = ("", text.encode(), "text/plain")
    return last_segment(api("CreateObject", 201, files=files).headers["location"])


def http_search(api: Api, op: str = "SearchObjects", **selection: Any) -> dict[str, Any]:
    selection.setdefault("maxEntries", 100)
    answer: dict[str, Any] = api(op, 200, json={"selectionCriteria": selection}).json()
    return answer


def listed(answer: dict[str, Any]) -> list[str]:
    return [last_segment(o["resourceURL"]) for o in answer["objectList"].get("object", [])]


@pytest.mark.clause(
    "OMA-NMS-6.7",
    "OMA-NMS-6.13",
    "OMA-NMS-5.1.10",
    "OMA-NMS-5.3.2.15",
    "OMA-NMS-5.3.3.1",
    "OMA-NMS-5.3.3.2",
    reason="the end-to-end search test: every search type (5.3.3.1) and operator (5.3.3.2), a scope with and "
    "without recursion (5.3.2.15), sorting and batches with a cursor (5.1.10), on objects (6.7) and folders "
    "(6.13), each answer compared with the expected objects",
)
def test_searches_over_https(running: Running) -> None:
    api = Api(running, user_token(KEYS, ALICE))
    a = http_create(api, "/Inbox", attrs(Direction="In", Subject="Lunch plans"), ["\\Seen"], "Meet at noon")
    b = http_create(api, "/Inbox/Work", attrs(Direction="In", Subject="Budget"), [], "numbers attached")
    c = http_create(api, "/Sent", attrs(Direction="Out", Subject="Re: lunch"), ["\\Seen"])
    inbox = api("GetFolderIdByPath", 200, params={"path": "/Inbox"}).json()["reference"]["resourceURL"]

    def crit(*c: dict[str, str], op: str = "And") -> dict[str, Any]:
        return {"criterion": list(c), "operator": op}

    assert listed(http_search(api, searchCriteria=crit(attr("direction", "IN")))) == [b, a]
    assert listed(http_search(api, searchCriteria=crit({"type": "AllTextAttributes", "value": "LUNCH"}))) == [c, a]
    assert listed(http_search(api, searchCriteria=crit({"type": "WholeWord", "value": "noon"}))) == [a]
    unseen = crit({"type": "Flag", "name": "\\Seen", "value": "true"}, op="Not")
    assert listed(http_search(api, searchCriteria=unseen)) == [b]
    either = crit(attr("Subject", "Budget"), attr("Direction", "Out"), op="Or")
    assert listed(http_search(api, searchCriteria=either)) == [c, b]
    assert listed(http_search(api, searchScope={"resourceURL": inbox})) == [b, a]
    assert listed(http_search(api, searchScope={"resourceURL": inbox}, nonRecursiveScope=True)) == [a]
    by_subject = {"criterion": [{"type": "Attribute", "name": "Subject", "order": "Ascending"}]}
    assert listed(http_search(api, sortCriteria=by_subject)) == [b, a, c]
    assert listed(http_search(api, sortCriterion={"type": "Date", "order": "Ascending"})) == [a, b, c]
    span = "minDate=2000-01-01T00:00:00Z&maxDate=2999-01-01T00:00:00+01:00"
    assert listed(http_search(api, searchCriteria=crit({"type": "Date", "value": span}))) == [c, b, a]
    assert (
        listed(http_search(api, searchCriteria=crit({"type": "Date", "value": "maxDate=2000-01-01T00:00:00Z"}))) == []
    )

    pages, cursor = [], None  # batches of one: a cursor after each, none after the last
    while True:
        selection: dict[str, Any] = {"maxEntries": 1, "sortCriterion": {"type": "Date", "order": "Ascending"}}
        if cursor:
            selection["fromCursor"] = cursor
        answer = http_search(api, **selection)
        assert len(answer["objectList"].get("object", [])) <= 1
        pages += listed(answer)
        cursor = answer["objectList"].get("cursor")
        if cursor is None:
            break
    assert pages == [a, b, c]

    created = http_search(api, searchCriteria=crit({"type": "CreatedObjects", "value": ""}))
    assert created["objectList"]["creationCursor"]
    folders = http_search(api, "SearchFolders", searchCriteria=crit({"type": "AllTextAttributes", "value": "wor"}))
    assert [f["path"] for f in folders["folderList"]["folder"]] == ["/Inbox/Work"]

    refused = api(
        "SearchObjects",
        400,
        json={
            "selectionCriteria": {
                "maxEntries": 5,
                "searchCriteria": crit({"type": "PresetSearch", "name": "RemoteParty", "value": ""}),
            }
        },
    ).json()
    assert refused["requestError"]["serviceException"]["messageId"] == "SVC0003"

    api("DeleteObject", 204, {"objectId": c})
    vanished = http_search(api, searchCriteria=crit({"type": "VanishedObjects", "value": ""}))
    assert [last_segment(r["resourceURL"]) for r in vanished["objectReferenceList"]["objectReference"]] == [c]


@pytest.mark.clause("OMA-NMS-LATER-bulkUpdate", "OMA-NMS-LATER-bulkDelete", "OMA-NMS-5.3.2.32")
def test_bulk_by_criteria_over_https(running: Running) -> None:
    api = Api(running, user_token(KEYS, "carol@example.test"), box="carol@example.test")
    made = [http_create(api, "/Spam", attrs(Subject=f"offer {i}"), []) for i in range(3)]
    keep = http_create(api, "/Inbox", attrs(Subject="offer 4"), [])
    spam = api("GetFolderIdByPath", 200, params={"path": "/Spam"}).json()["reference"]["resourceURL"]
    selection = {"maxEntries": 10, "searchScope": {"resourceURL": spam}}
    updated = api(
        "BulkUpdateObjects",
        200,
        json={"bulkUpdate": {"selectionCriteria": selection, "operation": "AddFlag", "flags": {"flag": ["\\Deleted"]}}},
    ).json()["bulkResponseList"]["response"]
    assert [(r["code"], last_segment(r["success"]["resourceURL"])) for r in updated] == [(200, m) for m in made[::-1]]
    flagged = {"criterion": [{"type": "Flag", "name": "\\deleted", "value": "true"}]}
    deleted = api(
        "BulkDeleteObjects",
        200,
        json={"bulkDelete": {"selectionCriteria": {"maxEntries": 10, "searchCriteria": flagged}}},
    ).json()["bulkResponseList"]["response"]
    assert sorted(last_segment(r["success"]["resourceURL"]) for r in deleted) == sorted(made)
    assert listed(http_search(api)) == [keep]
    nothing = api(
        "BulkDeleteObjects",
        404,
        json={"bulkDelete": {"selectionCriteria": {"maxEntries": 10, "searchCriteria": flagged}}},
    ).json()
    assert nothing["requestError"]["serviceException"]["messageId"] == "SVC0004"

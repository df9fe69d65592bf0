"""Search of the reference store (refstore/search.py) as property tests against a plain in-memory oracle:
object searches, paging while the box changes, and folder searches."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mcdata_store import models
from mcdata_store.store import Payload, StoreError
from refstore import SqliteStore
from refstore import search as engine

from .test_refstore_search import T0, A, Clock, create, folder_url, ids

# ------------------------------------------------------------------------------------------ the oracle

FIXTURE = HealthCheck.function_scoped_fixture  # fresh_store gives each example its own empty store
FOLDERS = ["", "/In", "/In/Sub", "/Out"]  # "" = the root folder
NAMES = ["Subject", "subject", "Direction", "Message-Context", "From", "TextContent"]
VALUES = ["In", "in", "OUT", "Hello world", "hello", "Straße", "STRASSE", "a_b c", "x", "xy", "tel:+123", "émile Zola"]
VALUES += ["", "L" * 50 + "a", "L" * 50 + "b"]
NEEDLES = ["", "l", "ll", "LLO", "hello w", "stra", "ss", "ß", "a_b", "ÉMILE", "zz", "+12", "o\nw"]
WORDS = ["hello", "HELLO", "world", "a", "b", "strasse", "straße", "zola", "tel", "123", "hello world", "quick", "fox"]
FLAGS = ["\\Seen", "\\seen", "\\Flagged", "$MDNSent"]
TEXTS = [None, "the quick brown fox", "Hello payload"]
CASE_INSENSITIVE = {"direction", "message-context"}


@dataclass
class Obj:
    idx: int
    id: str
    folder: str
    created_us: int
    created_seq: int
    attributes: list[tuple[str, list[str]]]
    flags: set[str] = field(default_factory=set)
    text: str | None = None


def oracle_words(text: str) -> set[str]:
    return {w for w in re.split(r"[\W_]+", text.casefold()) if w}


def oracle_match(crit: dict[str, str], o: Obj) -> bool:
    kind, value, name = crit["type"], crit["value"], crit.get("name", "")
    values = [v for _, vs in o.attributes for v in vs]
    if kind == "Attribute":
        fold = name.casefold() in CASE_INSENSITIVE
        return any(
            n.casefold() == name.casefold()
            and any(v == value or (fold and v.casefold() == value.casefold()) for v in vs)
            for n, vs in o.attributes
        )
    if kind == "AllTextAttributes":
        return any(value.casefold() in v.casefold() for v in values)
    if kind == "WholeWord":
        return oracle_words(value) <= oracle_words(" ".join([*values, o.text or ""]))
    if kind == "Flag":
        return (name.casefold() in o.flags) == (value in ("", "true", "1"))
    if kind == "Date":
        bounds = dict(item.split("=", 1) for item in value.split("&"))
        micros = {k: datetime.fromisoformat(v).timestamp() * 1e6 for k, v in bounds.items()}
        return micros.get("minDate", -1) <= o.created_us < micros.get("maxDate", float("inf"))
    if kind == "CreatedObjects":
        return value == "" or o.created_seq > int(value.removeprefix("cc-"))
    raise AssertionError(kind)


def oracle_selects(body: dict[str, Any], o: Obj) -> bool:
    scope = body.get("_scope")
    if scope is not None:
        path, recursive = scope
        inside = o.folder == path or (recursive and (path == "" or o.folder.startswith(path + "/")))
        if not inside:
            return False
    criteria = body.get("searchCriteria")
    if criteria is None:
        return True
    results = [oracle_match(c, o) for c in criteria["criterion"]]
    op = criteria.get("operator", "And")
    return any(results) if op == "Or" else (not all(results) if op == "Not" else all(results))


def dedup(keys: list[tuple[str, str | None, bool]]) -> list[tuple[str, str | None, bool]]:
    """Sort criteria without repeats: a repeated criterion (same type, same attribute) is dropped."""
    out: list[tuple[str, str | None, bool]] = []
    for kind, name, descending in keys:
        if not any(
            k == kind and (kind == "Date" or (n or "").casefold() == (name or "").casefold()) for k, n, _ in out
        ):
            out.append((kind, name, descending))
    return out


def oracle_compare(body: dict[str, Any], a: Obj, b: Obj) -> int:
    given = body.get("sortCriteria", {}).get("criterion") or (
        [body["sortCriterion"]] if "sortCriterion" in body else []
    )
    keys = dedup([(s["type"], s.get("name"), s.get("order", "Descending") == "Descending") for s in given[:2]])
    keys = keys or [("Date", None, True)]

    def value(o: Obj, kind: str, name: str | None) -> Any:
        if kind == "Date":
            return o.created_us
        for n, vs in o.attributes:
            if n.casefold() == (name or "").casefold() and vs:
                return vs[0][:48]
        return None

    for kind, name, descending in keys:
        x, y = value(a, kind, name), value(b, kind, name)
        if x == y:
            continue
        if x is None or y is None:
            return 1 if x is None else -1
        order = -1 if x < y else 1
        return -order if descending else order
    order = (a.idx > b.idx) - (a.idx < b.idx)
    return -order if keys[-1][2] else order


def oracle_search(box: dict[str, Obj], body: dict[str, Any]) -> list[str]:
    found = [o for o in box.values() if oracle_selects(body, o)]
    found.sort(key=functools.cmp_to_key(functools.partial(oracle_compare, body)))
    return [o.id for o in found]


# ------------------------------------------------------------------------------------------ strategies

object_specs = st.lists(
    st.tuples(
        st.sampled_from(FOLDERS),
        st.sampled_from([0, 0, 1, 30]),  # clock steps: equal dates happen
        st.lists(st.tuples(st.sampled_from(NAMES), st.lists(st.sampled_from(VALUES), max_size=2)), max_size=3),
        st.lists(st.sampled_from(FLAGS), max_size=2),
        st.sampled_from(TEXTS),
    ),
    max_size=14,
)


def stamp(seconds: int) -> str:
    return datetime.fromtimestamp(T0 + seconds, UTC).isoformat().replace("+00:00", "Z")


criterion_st = st.one_of(
    st.builds(
        lambda n, v: {"type": "Attribute", "name": n, "value": v}, st.sampled_from(NAMES), st.sampled_from(VALUES)
    ),
    st.builds(lambda v: {"type": "AllTextAttributes", "value": v}, st.sampled_from(NEEDLES)),
    st.builds(lambda v: {"type": "WholeWord", "value": v}, st.sampled_from(WORDS)),
    st.builds(
        lambda n, v: {"type": "Flag", "name": n, "value": v},
        st.sampled_from(FLAGS),
        st.sampled_from(["true", "false", "", "0", "1"]),
    ),
    st.builds(
        lambda lo, hi: {"type": "Date", "value": "&".join(p for p in (lo, hi) if p) or f"minDate={stamp(0)}"},
        st.one_of(st.none(), st.integers(0, 200).map(lambda s: f"minDate={stamp(s)}")),
        st.one_of(st.none(), st.integers(0, 200).map(lambda s: f"maxDate={stamp(s)}")),
    ),
    st.builds(lambda n: {"type": "CreatedObjects", "value": "" if n < 0 else f"cc-{n}"}, st.integers(-1, 30)),
)
sort_st = st.builds(
    lambda t, n, o: {"type": t, **({"name": n} if t == "Attribute" else {}), **({"order": o} if o else {})},
    st.sampled_from(["Date", "Attribute"]),
    st.sampled_from(NAMES),
    st.sampled_from([None, "Ascending", "Descending"]),
)
body_st = st.fixed_dictionaries(
    {},
    optional={
        "searchCriteria": st.builds(
            lambda cs, op: {"criterion": cs, **({"operator": op} if op else {})},
            st.lists(criterion_st, min_size=1, max_size=3),
            st.sampled_from([None, "And", "Or", "Not"]),
        ),
        "sortCriteria": st.builds(lambda cs: {"criterion": cs}, st.lists(sort_st, min_size=1, max_size=3)),
        "_scope": st.tuples(st.sampled_from(FOLDERS), st.booleans()),
    },
).flatmap(
    lambda b: (
        st.just(b) if "sortCriteria" in b else st.one_of(st.just(b), sort_st.map(lambda s: {**b, "sortCriterion": s}))
    )
)


@dataclass
class Box:
    store: SqliteStore
    clock: Clock
    objects: dict[str, Obj] = field(default_factory=dict)
    gone: dict[str, Obj] = field(default_factory=dict)  # deleted objects, for the order check
    made: int = 0

    def add(
        self, folder: str, step: int, attributes: list[tuple[str, list[str]]], flags: list[str], text: str | None
    ) -> str:
        self.clock.now += step
        payload = Payload(text.encode(), "text/plain") if text is not None else None
        object_id = create(
            self.store,
            payload,
            parentFolderPath=folder or "/",
            attributes={"attribute": [{"name": n, "value": v} for n, v in attributes]},
            flags={"flag": flags},
        )
        seq = self.store.get_object(A, object_id).lastModSeq or 0
        self.objects[object_id] = Obj(
            self.made,
            object_id,
            folder,
            int(self.clock.now * 1e6),
            seq,
            attributes,
            {f.casefold() for f in flags},
            text,
        )
        self.made += 1
        return object_id

    def selection(self, body: dict[str, Any], **more: Any) -> models.SelectionCriteria:
        data = {k: v for k, v in body.items() if k != "_scope"}
        if "_scope" in body:
            path, recursive = body["_scope"]
            data["searchScope"] = {"resourceURL": folder_url(self.store, path or "/")}
            if not recursive:
                data["nonRecursiveScope"] = True
        return models.SelectionCriteria.model_validate({**data, **more})


@contextmanager
def query_strategy(drive_max: int) -> Iterator[None]:
    """Both query shapes: 0 = always walk the sort order, testing each row; large = drive by the index."""
    saved = engine.DRIVE_MAX
    engine.DRIVE_MAX = drive_max
    try:
        yield
    finally:
        engine.DRIVE_MAX = saved


def new_box(fresh_store: Callable[..., SqliteStore]) -> Box:
    clock = Clock()
    box = Box(fresh_store(clock=clock), clock)
    for path in FOLDERS[1:]:
        parent, _, name = path.rpartition("/")
        box.store.create_folder(
            A, models.Folder.model_validate({"parentFolderPath": parent or "/", "name": name, "attributes": {}})
        )
    return box


def all_pages(box: Box, body: dict[str, Any], page_size: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(200):
        extra: dict[str, Any] = {"maxEntries": page_size}
        if cursor:
            extra["fromCursor"] = cursor
        page = box.store.search_objects(A, box.selection(body, **extra))
        assert isinstance(page, models.ObjectList)
        assert len(page.object or []) <= page_size  # maxEntries is never exceeded
        seen += ids(page)
        cursor = page.cursor
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ends")


def oracle_or_error(box: Box, body: dict[str, Any]) -> list[str] | None:
    """The oracle's answer, or None where the store must refuse (a WholeWord value without a word)."""
    for c in body.get("searchCriteria", {}).get("criterion", []):
        if c["type"] == "WholeWord" and not oracle_words(c["value"]):
            return None
    return oracle_search(box.objects, body)


@pytest.mark.slow  # a property test over many generated boxes
@pytest.mark.clause(
    "OMA-NMS-6.7",
    "OMA-NMS-5.3.2.15",
    "OMA-NMS-5.3.2.16",
    "OMA-NMS-5.3.2.17",
    "OMA-NMS-5.3.2.18",
    "OMA-NMS-5.3.3.2",
    reason="a differential test: random selection criteria (criteria 5.3.2.16/17 and their operator 5.3.3.2, "
    "scope 5.3.2.15, sort 5.3.2.18) over random boxes, each search (6.7) compared with an independent oracle",
)
@pytest.mark.parametrize("drive_max", [0, 10_000], ids=["walk-sort-order", "index-driven"])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, FIXTURE])
@given(specs=object_specs, bodies=st.lists(body_st, min_size=1, max_size=4), page_size=st.integers(1, 20))
def test_search_matches_the_oracle(
    fresh_store: Callable[..., SqliteStore],
    drive_max: int,
    specs: list[Any],
    bodies: list[dict[str, Any]],
    page_size: int,
) -> None:
    with query_strategy(drive_max):
        box = new_box(fresh_store)
        try:
            for spec in specs:
                box.add(*spec)
            for body in bodies:
                expected = oracle_or_error(box, body)
                if expected is None:
                    with pytest.raises(StoreError):
                        all_pages(box, body, page_size)
                    continue
                assert all_pages(box, body, 1000) == expected, body
                assert all_pages(box, body, page_size) == expected, body
        finally:
            box.store.close()


mutation_st = st.lists(
    st.one_of(
        st.tuples(st.just("create"), object_specs.map(lambda specs: specs[:2])),
        st.tuples(st.just("delete"), st.integers(0, 1000)),
        st.tuples(st.just("flag"), st.tuples(st.integers(0, 1000), st.sampled_from(FLAGS), st.booleans())),
    ),
    max_size=4,
)


@pytest.mark.slow  # a property test over many generated boxes
@pytest.mark.clause("OMA-NMS-5.1.10", "OMA-NMS-6.7")
@pytest.mark.parametrize("drive_max", [0, 10_000], ids=["walk-sort-order", "index-driven"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, FIXTURE])
@given(
    specs=object_specs,
    body=body_st,
    sizes=st.lists(st.integers(0, 5), min_size=1, max_size=6),
    mutations=st.lists(mutation_st, max_size=8),
)
def test_paging_while_the_box_changes(
    fresh_store: Callable[..., SqliteStore],
    drive_max: int,
    specs: list[Any],
    body: dict[str, Any],
    sizes: list[int],
    mutations: list[list[Any]],
) -> None:
    if oracle_words_missing(body):
        return
    with query_strategy(drive_max):
        box = new_box(fresh_store)
        try:
            for spec in specs:
                box.add(*spec)
            start = set(box.objects)
            always = set(oracle_search(box.objects, body))  # matched at every point of the walk (narrowed below)
            returned: list[str] = []
            cursor = None
            for turn in range(300):
                extra: dict[str, Any] = {"maxEntries": sizes[turn % len(sizes)] or (1 if turn > 50 else 0)}
                if cursor:
                    extra["fromCursor"] = cursor
                page = box.store.search_objects(A, box.selection(body, **extra))
                assert isinstance(page, models.ObjectList)
                got = ids(page)
                assert len(got) <= extra["maxEntries"]
                matching_now = set(oracle_search(box.objects, body))
                assert set(got) <= matching_now  # every entry matches when it is returned
                returned += got
                cursor = page.cursor
                if cursor is None:
                    break
                for kind, arg in mutations[turn] if turn < len(mutations) else []:
                    apply_mutation(box, kind, arg)
                always &= set(oracle_search(box.objects, body))
            else:
                raise AssertionError("the cursor never ends")
            assert len(returned) == len(set(returned))  # nothing twice
            survivors = always & start & set(box.objects)
            assert survivors <= set(returned)  # nothing skipped that existed and matched throughout
            order = [box_obj for box_obj in (lookup(box, i) for i in returned) if box_obj is not None]
            for x, y in itertools.pairwise(order):
                assert oracle_compare(body, x, y) < 0  # the batches follow the sort order
        finally:
            box.store.close()


def oracle_words_missing(body: dict[str, Any]) -> bool:
    return any(
        c["type"] == "WholeWord" and not oracle_words(c["value"])
        for c in body.get("searchCriteria", {}).get("criterion", [])
    )


def lookup(box: Box, object_id: str) -> Obj | None:
    return box.objects.get(object_id) or box.gone.get(object_id)


def apply_mutation(box: Box, kind: str, arg: Any) -> None:
    if kind == "create":
        for spec in arg:
            box.add(*spec)
        return
    if not box.objects:
        return
    if kind == "delete":
        victim = sorted(box.objects)[arg % len(box.objects)]
        box.store.delete_object(A, victim)
        box.gone[victim] = box.objects.pop(victim)
        return
    index, flag, on = arg
    target = box.objects[sorted(box.objects)[index % len(box.objects)]]
    if on:
        box.store.set_object_flag(A, target.id, flag)
        target.flags.add(flag.casefold())
    else:
        box.store.delete_object_flag(A, target.id, flag)
        target.flags.discard(flag.casefold())


# ------------------------------------------------------------------------------------------ folders vs oracle

FOLDER_NAMES = ["Inbox", "inbox", "Work notes", "Straße", "a_b", "x", "Hello world"]


@dataclass
class Fld:
    idx: int
    path: str
    parent: str | None  # None: the root
    name: str
    created_us: int
    attributes: list[tuple[str, list[str]]]

    def pairs(self) -> list[tuple[str, list[str]]]:
        """As the store answers them (App. J): Root, the client's attributes, Name."""
        return [("Root", ["Yes" if self.parent is None else "No"]), *self.attributes, ("Name", [self.name])]


def folder_match(crit: dict[str, str], f: Fld) -> bool:
    kind, value, name = crit["type"], crit["value"], crit.get("name", "")
    texts = [v for _, vs in f.attributes for v in vs] + [f.name]
    if kind == "Attribute":
        fold = name.casefold() in CASE_INSENSITIVE
        return any(
            n.casefold() == name.casefold()
            and any(v == value or (fold and v.casefold() == value.casefold()) for v in vs)
            for n, vs in f.pairs()
        )
    if kind == "AllTextAttributes":
        return any(value.casefold() in t.casefold() for t in texts)
    if kind == "WholeWord":
        return oracle_words(value) <= oracle_words(" ".join(texts))
    if kind == "Date":
        bounds = dict(item.split("=", 1) for item in value.split("&"))
        micros = {k: datetime.fromisoformat(v).timestamp() * 1e6 for k, v in bounds.items()}
        return micros.get("minDate", -1) <= f.created_us < micros.get("maxDate", float("inf"))
    raise AssertionError(kind)


folder_criterion_st = st.one_of(
    st.builds(
        lambda n, v: {"type": "Attribute", "name": n, "value": v},
        st.sampled_from(["Name", "name", "Root", "ROOT", "Subject", "direction"]),
        st.sampled_from([*FOLDER_NAMES, "Yes", "No", "yes", "In", "in", ""]),
    ),
    st.builds(lambda v: {"type": "AllTextAttributes", "value": v}, st.sampled_from([*NEEDLES, "box", "NOTES"])),
    st.builds(lambda v: {"type": "WholeWord", "value": v}, st.sampled_from([*WORDS, "notes", "inbox"])),
    st.builds(
        lambda s: {"type": "Date", "value": f"minDate={stamp(s)}"},
        st.integers(0, 60),
    ),
)
folder_body_st = st.fixed_dictionaries(
    {},
    optional={
        "searchCriteria": st.builds(
            lambda cs, op: {"criterion": cs, **({"operator": op} if op else {})},
            st.lists(folder_criterion_st, min_size=1, max_size=3),
            st.sampled_from([None, "And", "Or", "Not"]),
        ),
        "sortCriteria": st.builds(
            lambda cs: {"criterion": cs},
            st.lists(
                st.builds(
                    lambda t, n, o: {"type": t, **({"name": n} if t == "Attribute" else {}), "order": o},
                    st.sampled_from(["Date", "Attribute"]),
                    st.sampled_from(["Name", "Root", "Subject"]),
                    st.sampled_from(["Ascending", "Descending"]),
                ),
                min_size=1,
                max_size=2,
            ),
        ),
        "_scope": st.tuples(st.integers(0, 20), st.booleans()),
    },
)


def folder_oracle(folders: list[Fld], body: dict[str, Any]) -> list[str]:
    def selected(f: Fld) -> bool:
        if "_scope" in body:
            scope, recursive = folders[body["_scope"][0] % len(folders)], body["_scope"][1]
            if recursive:
                if not (f.path.startswith(scope.path + "/") and f is not scope):
                    return False
            elif f.parent != scope.path:
                return False
        criteria = body.get("searchCriteria")
        if criteria is None:
            return True
        results = [folder_match(c, f) for c in criteria["criterion"]]
        op = criteria.get("operator", "And")
        return any(results) if op == "Or" else (not all(results) if op == "Not" else all(results))

    given = body.get("sortCriteria", {}).get("criterion", [])
    keys = dedup([(s["type"], s.get("name"), s["order"] == "Descending") for s in given[:2]])
    keys = keys or [("Date", None, True)]

    def value(f: Fld, kind: str, name: str | None) -> Any:
        if kind == "Date":
            return f.created_us
        return next((vs[0][:48] for n, vs in f.pairs() if n.casefold() == (name or "").casefold() and vs), None)

    def compare(a: Fld, b: Fld) -> int:
        for kind, name, descending in keys:
            x, y = value(a, kind, name), value(b, kind, name)
            if x == y:
                continue
            if x is None or y is None:
                return 1 if x is None else -1
            order = -1 if x < y else 1
            return -order if descending else order
        order = (a.idx > b.idx) - (a.idx < b.idx)
        return -order if keys[-1][2] else order

    found = sorted((f for f in folders if selected(f)), key=functools.cmp_to_key(compare))
    return [f.path for f in found]


@pytest.mark.slow  # a long property test
@pytest.mark.clause("OMA-NMS-6.13", "OMA-NMS-App.J", "OMA-NMS-5.3.2.16", "OMA-NMS-5.3.2.18")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, FIXTURE])
@given(
    tree=st.lists(
        st.tuples(
            st.integers(0, 20),
            st.sampled_from(FOLDER_NAMES),
            st.lists(
                st.tuples(st.sampled_from(["Subject", "Direction"]), st.lists(st.sampled_from(VALUES), max_size=2)),
                max_size=2,
            ),
            st.sampled_from([0, 1, 5]),
        ),
        max_size=10,
    ),
    bodies=st.lists(folder_body_st, min_size=1, max_size=4),
    page_size=st.integers(1, 6),
)
@example(  # Or of a one-word and a two-word WholeWord: the union of their drivers once lost the first branch
    tree=[(0, "Inbox", [("Subject", ["tel:+123"])], 0)],
    bodies=[
        {
            "searchCriteria": {
                "criterion": [{"type": "WholeWord", "value": "tel"}, {"type": "WholeWord", "value": "hello world"}],
                "operator": "Or",
            }
        }
    ],
    page_size=1,
)
def test_folder_search_matches_the_oracle(
    fresh_store: Callable[..., SqliteStore], tree: list[Any], bodies: list[dict[str, Any]], page_size: int
) -> None:
    clock = Clock()
    store = fresh_store(clock=clock)
    try:
        store.get_folder_id_by_path(A, None)  # the box and its root folder are made on first contact
        folders = [Fld(0, "", None, "", int(clock.now * 1e6), [])]
        for parent_index, name, attributes, step in tree:
            parent = folders[parent_index % len(folders)]
            path = f"{parent.path}/{name}"
            if any(f.path == path for f in folders):
                continue  # sibling names are unique
            clock.now += step
            store.create_folder(
                A,
                models.Folder.model_validate(
                    {
                        "parentFolderPath": parent.path or "/",
                        "name": name,
                        "attributes": {"attribute": [{"name": n, "value": v} for n, v in attributes]},
                    }
                ),
            )
            folders.append(Fld(len(folders), path, parent.path, name, int(clock.now * 1e6), attributes))
        for body in bodies:
            data = {k: v for k, v in body.items() if k != "_scope"}
            if "_scope" in body:
                scope = folders[body["_scope"][0] % len(folders)]
                data["searchScope"] = {"resourceURL": folder_url(store, scope.path or "/")}
                data["nonRecursiveScope"] = not body["_scope"][1]
            expected = None
            for c in body.get("searchCriteria", {}).get("criterion", []):
                if c["type"] == "WholeWord" and not oracle_words(c["value"]):
                    expected = "refused"
            seen: list[str] = []
            cursor = None
            try:
                for _ in range(100):
                    more = {"maxEntries": page_size, **({"fromCursor": cursor} if cursor else {})}
                    page = store.search_folders(A, models.SelectionCriteria.model_validate({**data, **more}))
                    assert isinstance(page, models.FolderList) and len(page.folder or []) <= page_size
                    seen += ids(page)
                    cursor = page.cursor
                    if cursor is None:
                        break
            except StoreError:
                assert expected == "refused", body
                continue
            assert expected is None, body
            assert seen == folder_oracle(folders, body), body
    finally:
        store.close()

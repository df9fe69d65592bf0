"""Notifications over HTTPS end to end: the generated server over TLS on the reference store, which
POSTs NmsEventLists to a TLS notification receiver (its CA given to the store as the notify CA bundle).

Every wait is on a condition (the receiver's, or the store's state) with a generous timeout; nothing
asserts on timing.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from pydantic import ValidationError

from mcdata_store import models
from mcdata_store.store import Context, StoreError
from refstore import SqliteStore, open_store
from refstore.notify import NotifySettings

from ..conftest import StartServer, child_env
from ..https_server import Running, ServerOptions
from ..notify_receiver import Receiver, receiver
from ..support import Keys, user_token
from ..sync_client import SyncClient, read_state

MakeStore = Callable[..., SqliteStore]
KEYS = Keys()
WAIT = 60.0
CLIENTS: list[httpx.Client] = []  # closed before the server stops (uvicorn waits for keep-alive connections)


def close_clients() -> None:
    while CLIENTS:
        CLIENTS.pop().close()


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory, store_kind: str) -> Iterator[Receiver]:
    """The notification receiver, one per store kind (each store's run starts from an empty record)."""
    with receiver(tmp_path_factory.mktemp("receiver")) as r:
        yield r


@pytest.fixture(scope="module")
def server_options(rec: Receiver) -> ServerOptions:
    settings = NotifySettings(ca_file=rec.ca_file, retry_base=0.05, retry_max=0.2, max_attempts=3, poll_interval=0.2)
    return ServerOptions(KEYS, {"notify": settings}, before_stop=close_clients)


class Box:
    """One user's box over HTTPS, and the store's view of it."""

    def __init__(self, running: Running, user: str) -> None:
        self.user = user
        self.url = f"{running.base_url}/{quote(user, safe='')}"
        self.http = httpx.Client(
            verify=running.client_context(), headers={"Authorization": f"Bearer {user_token(KEYS, user)}"}
        )
        CLIENTS.append(self.http)
        self.store: SqliteStore = running.store
        self.ctx = Context("myStore", user, "MCData-7", user, self.url)

    def call(self, method: str, rel: str, expect: int, **kw: Any) -> httpx.Response:
        r = self.http.request(method, self.url + rel, **kw)
        assert r.status_code == expect, f"{method} {rel}: {r.status_code} {r.text[:300]}"
        return r

    def folder(self, name: str, parent: str = "/") -> str:
        body = {"folder": {"parentFolderPath": parent, "name": name, "attributes": {}}}
        return str(self.call("POST", "/folders", 201, json=body).headers["location"])

    def obj(self, folder_path: str = "/", flags: tuple[str, ...] = (), **fields: Any) -> str:
        root = {"object": {"parentFolderPath": folder_path, "flags": {"flag": list(flags)}, "attributes": {}, **fields}}
        files = {"root-fields": (None, json.dumps(root), "application/json")}
        return str(self.call("POST", "/objects", 201, files=files).headers["location"])

    def rel(self, url: str) -> str:
        return url.removeprefix(self.url)

    def move(self, target: str, objects: tuple[str, ...] = (), folders: tuple[str, ...] = ()) -> None:
        body = {
            "targetSourceRef": {
                "targetRef": {"resourceURL": target},
                "sourceRefs": {
                    "folders": {"folderReference": [{"resourceURL": u} for u in folders]},
                    "objects": {"objectReference": [{"resourceURL": u} for u in objects]},
                },
            }
        }
        r = self.call("POST", "/folders/operations/moveToFolder", 200, json=body).json()
        assert all(item["code"] == 200 for item in r["bulkResponseList"]["response"]), r

    def token(self) -> str:
        return self.store.current_restart_token(self.ctx)

    def subscription(self, sub_url: str, expect: int = 200) -> httpx.Response:
        return self.call("GET", self.rel(sub_url), expect)


def received(rec: Receiver, name: str) -> list[dict[str, Any]]:
    with rec.changed:
        return list(rec.received.get(name, []))


def last_token(rec: Receiver, name: str) -> Callable[[], str | None]:
    def get() -> str | None:
        got = rec.received.get(name, [])
        return got[-1]["nmsEventList"]["restartToken"] if got else None

    return get


def wait_caught_up(rec: Receiver, name: str, box: Box) -> list[dict[str, Any]]:
    token = box.token()
    assert rec.wait_for(lambda: last_token(rec, name)() == token, WAIT), (token, received(rec, name)[-1:])
    return received(rec, name)


def wait_until(check: Callable[[], bool], timeout: float = WAIT) -> bool:
    """Poll the store's state (a condition in another process's terms) until true or the timeout."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.clause("OMA-NMS-6.19", "OMA-NMS-5.1.4", "OMA-NMS-5.3.2.24", "OMA-NMS-5.3.4")
def test_changes_are_notified_over_https_in_index_order(running: Running, rec: Receiver) -> None:
    box = Box(running, "n1@example.test")
    client = SyncClient(box.http, box.url)
    sub = client.subscribe(rec.url("n1"))
    inbox = box.folder("Inbox")
    archive = box.folder("Archive")
    first = box.obj("/Inbox", ("\\Seen",), correlationId="c-1")
    second = box.obj("/")
    box.call("PUT", box.rel(first) + "/flags/%5CFlagged", 201, json={"empty": None})
    box.move(archive, objects=(first,))
    box.call("DELETE", box.rel(second), 204)
    box.call("PUT", box.rel(inbox) + "/folderName", 200, json={"name": "In"})

    notes = wait_caught_up(rec, "n1", box)
    for note in notes:
        client.apply(note)
        events = note["nmsEventList"]
        assert events["callbackData"] == "sync"  # echoed (TS14 5.3.2.24)
        assert events["link"] == [{"rel": "nmsSubscription", "href": sub["resourceURL"]}]
    assert [n["nmsEventList"]["index"] for n in notes] == list(range(1, len(notes) + 1))
    assert client.gaps == []
    assert (client.objects, client.folders) == read_state(box.http, box.url)
    assert client.objects[first][1] == ("\\Seen", "\\Flagged") and client.objects[first][0] == archive
    assert second not in client.objects and client.folders[inbox][1] == "In"
    seqs = [e[k]["lastModSeq"] for n in notes for e in n["nmsEventList"]["nmsEvent"] for k in e]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))  # strictly increasing across the stream
    # the store records an acknowledgement just after the receiver answered: wait for it, then read
    assert wait_until(lambda: box.subscription(sub["resourceURL"]).json()["nmsSubscription"]["index"] > len(notes))
    got = box.subscription(sub["resourceURL"]).json()["nmsSubscription"]
    assert got["index"] == len(notes) + 1 and got["restartToken"] == box.token()  # the next index, the current point
    deleted = [e for n in notes for e in n["nmsEventList"]["nmsEvent"] if "deletedObject" in e]
    assert [e["deletedObject"]["resourceURL"] for e in deleted] == [second]


@pytest.mark.clause("OMA-NMS-5.1.4", "OMA-NMS-5.3.2.27", "OMA-NMS-5.3.2.25")
def test_events_since_a_restart_token_are_compressed_to_their_net_effect(running: Running, rec: Receiver) -> None:
    box = Box(running, "n2@example.test")
    start = box.token()
    team = box.folder("Team")
    kept = box.obj("/")
    for flag in ("%5CSeen", "%5CFlagged", "%24Forwarded"):
        box.call("PUT", box.rel(kept) + f"/flags/{flag}", 201, json={"empty": None})
    box.call("DELETE", box.rel(kept) + "/flags/%5CFlagged", 204)
    box.move(team, objects=(kept,))
    gone = box.obj("/Team")
    box.call("DELETE", box.rel(gone), 204)
    end = box.token()

    client = SyncClient(box.http, box.url, restart_token=start)
    client.subscribe(rec.url("n2"))
    notes = wait_caught_up(rec, "n2", box)
    assert len(notes) == 1 and notes[0]["nmsEventList"]["restartToken"] == end
    events = notes[0]["nmsEventList"]["nmsEvent"]
    assert [next(iter(e)) for e in events] == ["changedFolder", "changedObject", "deletedObject"]
    assert events[1]["changedObject"]["flags"]["flag"] == ["\\Seen", "$Forwarded"]  # one event, the final state
    assert events[1]["changedObject"]["parentFolder"] == team
    assert events[2]["deletedObject"]["resourceURL"] == gone  # created and deleted: only the deletion
    client.apply(notes[0])
    assert (client.objects, client.folders) == read_state(box.http, box.url)


@pytest.mark.clause("OMA-NMS-5.1.4", "OMA-NMS-5.3.2.29")
def test_reset_box_when_the_changes_cannot_be_produced(running: Running, rec: Receiver) -> None:
    box = Box(running, "n3@example.test")
    old = box.token()
    victim = box.obj("/")
    box.call("DELETE", box.rel(victim), 204)
    box.obj("/")
    assert box.store.purge_tombstones(box.ctx) == 1  # the deletion since `old` is forgotten

    client = SyncClient(box.http, box.url, restart_token=old)
    client.subscribe(rec.url("n3"))
    notes = wait_caught_up(rec, "n3", box)
    assert [n["nmsEventList"]["nmsEvent"] for n in notes] == [[{"resetBox": None}]]
    for note in notes:
        client.apply(note)
    assert client.resets == 1 and (client.objects, client.folders) == read_state(box.http, box.url)

    # after the reset, changes flow again with the next index
    box.obj("/")
    notes = wait_caught_up(rec, "n3", box)
    assert [n["nmsEventList"]["index"] for n in notes] == [1, 2]
    # a token the store never issued: resetBox too
    strange = SyncClient(box.http, box.url, restart_token="not-a-token")
    strange.subscribe(rec.url("n3b"))
    notes = wait_caught_up(rec, "n3b", box)
    assert notes[0]["nmsEventList"]["nmsEvent"] == [{"resetBox": None}]


@pytest.mark.clause("OMA-NMS-6.19", "OMA-NMS-5.1.4")
def test_failed_notifications_are_retried_then_the_subscription_expires(running: Running, rec: Receiver) -> None:
    box = Box(running, "n4@example.test")
    client = SyncClient(box.http, box.url)
    sub = client.subscribe(rec.url("n4"))
    rec.answer["n4"] = 503  # temporary: retried with back-off, the index is not used up
    box.obj("/")
    assert rec.wait_for(lambda: rec.refused.get("n4", 0) >= 2, WAIT)
    rec.answer["n4"] = 204
    notes = wait_caught_up(rec, "n4", box)
    assert [n["nmsEventList"]["index"] for n in notes] == [1]

    for note in notes:
        client.apply(note)
    refused = rec.refused["n4"]
    rec.answer["n4"] = 404  # permanent (TS14 6.19): the subscription expires at once
    box.obj("/")
    assert wait_until(lambda: box.http.get(sub["resourceURL"]).status_code == 404)
    assert rec.refused["n4"] == refused + 1

    # the client re-subscribes with the restart token it received before the gap and gets what it missed
    rec.answer["n4"] = 204
    box.obj("/")
    again = client.subscribe(rec.url("n4"))
    assert again["resourceURL"] != sub["resourceURL"]
    notes = wait_caught_up(rec, "n4", box)
    assert [n["nmsEventList"]["index"] for n in notes] == [1, 1]  # the new subscription starts at 1 again
    client.apply(notes[1])
    assert client.gaps == [] and (client.objects, client.folders) == read_state(box.http, box.url)

    rec.answer["n4b"] = 503  # persistent temporary failures: max_attempts in a row, then expiry
    doomed = SyncClient(box.http, box.url).subscribe(rec.url("n4b"), restartToken="rt-0")
    assert wait_until(lambda: box.http.get(doomed["resourceURL"]).status_code == 404)
    assert rec.refused["n4b"] == 3


@pytest.mark.clause("OMA-NMS-5.3.2.20", "OMA-NMS-6.17", "OMA-NMS-5.3.2.16")
def test_filter_keeps_only_matching_objects_and_deletions(running: Running, rec: Receiver) -> None:
    box = Box(running, "n5@example.test")
    criteria = {
        "criterion": [
            {"type": "Attribute", "name": "Message-Context", "value": "pager-message"},
            {"type": "VanishedObjects", "value": ""},
        ],
        "operator": "Or",
    }
    sub = SyncClient(box.http, box.url).subscribe(rec.url("n5"), filter=criteria)
    pager = {"attributes": {"attribute": [{"name": "Message-Context", "value": ["Pager-Message"]}]}}
    sds = box.obj("/", **pager)
    box.obj("/")  # not a pager message: no event
    box.folder("Other")  # folders have no Message-Context: no event
    box.call("DELETE", box.rel(sds), 204)
    wait_caught_up(rec, "n5", box)
    events = [e for n in received(rec, "n5") for e in n["nmsEventList"]["nmsEvent"]]
    assert [(next(iter(e)), next(iter(e.values()))["resourceURL"]) for e in events] in (
        [("changedObject", sds), ("deletedObject", sds)],
        [("deletedObject", sds)],  # created and deleted before the first notification: the net effect
    )
    assert sub["filter"] == criteria
    bad = {
        "callbackReference": {"notifyURL": rec.url("x")},
        "filter": {"criterion": [{"type": "WholeWord", "value": "a"}]},
    }
    r = box.call("POST", "/subscriptions", 400, json={"nmsSubscription": bad})
    assert r.json()["requestError"]["serviceException"]["messageId"] == "SVC0002"


@pytest.mark.clause("OMA-NMS-6.19")
def test_delivery_never_blocks_requests_and_survives_client_updates(
    running: Running, rec: Receiver, tmp_path: Path
) -> None:
    box = Box(running, "n6@example.test")
    release = threading.Event()
    rec.hold["n6"] = release  # the receiver does not answer until released
    client = SyncClient(box.http, box.url)
    sub = client.subscribe(rec.url("n6"))
    box.obj("/")
    assert rec.wait_for(lambda: rec.waiting.get("n6", 0) == 1, WAIT)  # a notification is in flight, stuck
    made = [box.obj("/") for _ in range(5)]  # requests are answered meanwhile
    assert len(made) == 5
    got = box.subscription(sub["resourceURL"]).json()["nmsSubscription"]
    assert got["index"] == 1  # nothing acknowledged yet
    release.set()
    notes = wait_caught_up(rec, "n6", box)
    for note in notes:
        client.apply(note)
    assert client.gaps == [] and (client.objects, client.folders) == read_state(box.http, box.url)
    del rec.hold["n6"]


@pytest.mark.clause("OMA-NMS-6.19", "24.282-21.1-R3")
def test_a_notify_url_with_an_untrusted_certificate_gets_nothing(
    make_store: MakeStore, store_kind: str, rec: Receiver
) -> None:
    """TLS is verified: without the receiver's CA (system trust store only) every attempt fails before
    any HTTP request, and the subscription expires after max_attempts."""
    store = make_store(
        "s.db", notify=NotifySettings(retry_base=0.01, retry_max=0.02, max_attempts=2, poll_interval=0.1)
    )
    try:
        name = f"n7-{store_kind}"
        ctx = Context("myStore", name, "MCData-7", name, f"https://h/nms/v1/myStore/{name}")
        sub = store.create_subscription(
            ctx, models.NmsSubscription.model_validate({"callbackReference": {"notifyURL": rec.url(name)}})
        )
        store.create_folder(ctx, models.Folder.model_validate({"parentFolderPath": "/", "name": "A", "attributes": {}}))
        sid = (sub.resourceURL or "").rsplit("/", 1)[1]

        def expired() -> bool:
            return not store.list_subscriptions(ctx).subscription

        assert wait_until(expired)
        assert name not in rec.received and name not in rec.refused  # no request reached the receiver
        with pytest.raises(StoreError):
            store.get_subscription(ctx, sid)
    finally:
        store.close()


@pytest.mark.clause("OMA-NMS-6.19", "OMA-NMS-5.1.4")
def test_two_delivering_stores_on_one_database_send_each_index_once(
    make_store: MakeStore, store_kind: str, rec: Receiver
) -> None:
    """Two store instances on the same database file (as two server processes would be), both with
    notifiers: the lease in the database lets one deliver at a time, so indices are 1, 2, 3, … once each."""
    settings = NotifySettings(ca_file=rec.ca_file, retry_base=0.05, poll_interval=0.1)
    one = make_store("shared.db", notify=settings)
    two = make_store("shared.db", notify=settings)
    name = f"n8-{store_kind}"
    ctx = Context("myStore", name, "MCData-7", name, f"https://h/nms/v1/myStore/{name}")
    try:
        one.create_subscription(
            ctx, models.NmsSubscription.model_validate({"callbackReference": {"notifyURL": rec.url(name)}})
        )
        body = models.Object.model_validate({"parentFolderPath": "/", "attributes": {}, "flags": {"flag": []}})
        for i in range(40):
            (one if i % 2 else two).create_object(ctx, body, None)
        token = one.current_restart_token(ctx)
        assert rec.wait_for(lambda: last_token(rec, name)() == token, WAIT)
        notes = received(rec, name)
        assert [n["nmsEventList"]["index"] for n in notes] == list(range(1, len(notes) + 1))
        events = [e["changedObject"]["lastModSeq"] for n in notes for e in n["nmsEventList"]["nmsEvent"]]
        assert len(events) == len(set(events)) == 40  # every creation notified once
    finally:
        one.close()
        two.close()


DYING_SENDER = r"""
import sys, time
from mcdata_store import models
from mcdata_store.store import Context
from refstore import NotifySettings, open_store

location, ca, url, name = sys.argv[1:5]
store = open_store(location, notify=NotifySettings(ca_file=ca, timeout=1.0, poll_interval=0.1))
ctx = Context("myStore", name, "MCData-7", name, f"https://h/nms/v1/myStore/{name}")
store.create_subscription(ctx, models.NmsSubscription.model_validate({"callbackReference": {"notifyURL": url}}))
store.create_object(ctx, models.Object.model_validate({"parentFolderPath": "/", "attributes": {}, "flags": {}}), None)
print("created", flush=True)
time.sleep(600)
"""


@pytest.mark.slow  # waits for the dead sender's lease to run out (8 s)
@pytest.mark.clause("OMA-NMS-6.19")
def test_a_sender_killed_mid_delivery_leaves_the_notification_to_another_process(
    store_location: str, store_kind: str, rec: Receiver
) -> None:
    """A server process killed (``kill -9``) while its POST is in flight holds the subscription's lease; once
    the lease runs out another process on the same database delivers the notification (index 1, the change)."""
    name = f"dying-{store_kind}"
    release = threading.Event()
    rec.hold[name] = release  # the dying process's POST gets no answer
    child = subprocess.Popen(
        [sys.executable, "-c", DYING_SENDER, store_location, str(rec.ca_file), rec.url(name), name],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    survivor = None
    try:
        assert child.stdout is not None and child.stdout.readline() == "created\n"
        assert rec.wait_for(lambda: rec.waiting.get(name, 0) == 1, WAIT)  # its POST is in flight, held
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        del rec.hold[name]
        survivor = open_store(
            store_location, notify=NotifySettings(ca_file=rec.ca_file, timeout=1.0, poll_interval=0.1)
        )
        assert rec.wait_for(lambda: bool(rec.received.get(name)), WAIT)
        notes = received(rec, name)
        assert [n["nmsEventList"]["index"] for n in notes] == [1]
        assert [next(iter(e)) for e in notes[0]["nmsEventList"]["nmsEvent"]] == ["changedObject"]
    finally:
        release.set()  # the dead process's request ends (its answer goes nowhere)
        if child.poll() is None:
            child.kill()
            child.wait(30)
        if survivor is not None:
            survivor.close()


@pytest.mark.clause("OMA-NMS-5.3.2.20", "OMA-NMS-5.3.2.17")
def test_filter_criteria_on_the_change_log(make_store: MakeStore) -> None:
    """SubscriptionFilter over change_batch: Flag, CreatedObjects (after the subscription), Date, Not, Attribute
    on folders, VanishedObjects; criteria a filter cannot evaluate are refused."""
    from refstore.notify import SubscriptionFilter, parse_token  # noqa: PLC0415

    store = make_store("f.db")
    ctx = Context("myStore", "n9", "MCData-7", "n9", "https://h/nms/v1/myStore/n9")
    try:

        def make(flags: list[str]) -> str:
            body = {"parentFolderPath": "/", "attributes": {}, "flags": {"flag": flags}}
            ref = store.create_object(ctx, models.Object.model_validate(body), None)
            return ref.resourceURL

        old = make(["\\Seen"])
        start = parse_token(store.current_restart_token(ctx)) or 0
        seen, unseen = make(["\\Seen"]), make([])
        store.set_object_flag(ctx, old.rsplit("/", 1)[1], "\\Flagged")  # an old object changes
        store.create_folder(
            ctx, models.Folder.model_validate({"parentFolderPath": "/", "name": "Box", "attributes": {}})
        )
        store.delete_object(ctx, unseen.rsplit("/", 1)[1])

        def urls(criteria: dict[str, Any]) -> list[str]:
            keep = SubscriptionFilter(models.SearchCriteria.model_validate(criteria), start)
            batch = store.changes(ctx, start, keep)
            return [next(iter(e.to_wire().values()))["resourceURL"].rsplit("/", 2)[-1] for e in batch.events]

        def ids(*u: str) -> list[str]:
            return [x.rsplit("/", 1)[1] for x in u]

        flag = {"type": "Flag", "name": "\\seen", "value": "true"}
        assert urls({"criterion": [flag]}) == ids(seen, old)
        assert urls({"criterion": [{"type": "CreatedObjects", "value": ""}]}) == ids(seen)  # unseen is deleted
        not_seen = urls({"criterion": [flag], "operator": "Not"})
        assert ids(seen, old)[0] not in not_seen and len(not_seen) == 2  # the folder and the deletion
        assert urls({"criterion": [{"type": "VanishedObjects", "value": ""}]}) == ids(unseen)
        assert len(urls({"criterion": [{"type": "Attribute", "name": "Name", "value": "Box"}]})) == 1
        dated = urls({"criterion": [{"type": "Date", "value": "minDate=2000-01-01T00:00:00Z"}]})
        assert len(dated) == 3 and ids(unseen)[0] not in dated  # a deletion has no date left
        assert urls({"criterion": [{"type": "Date", "value": "maxDate=2000-01-01T00:00:00Z"}]}) == []
        for bad in (
            {"type": "WholeWord", "value": "x"},
            {"type": "PresetSearch", "name": "p", "value": ""},
            {"type": "CreatedObjects", "value": "cc-1"},
        ):
            with pytest.raises(StoreError):
                SubscriptionFilter(models.SearchCriteria.model_validate({"criterion": [bad]}), 0)
        for bad in (
            {"type": "Flag", "name": "\\Seen", "value": "maybe"},
            {"type": "Date", "value": "minDate=yesterday"},
        ):
            with pytest.raises(ValidationError, match="does not match"):  # the model refuses them before any store
                models.SearchCriteria.model_validate({"criterion": [bad]})
    finally:
        store.close()


@pytest.mark.clause("OMA-NMS-6.18", "OMA-NMS-5.3.2.22", "OMA-NMS-5.1.4", "OMA-NMS-5.3.2.20")
def test_update_with_a_restart_token_replays_and_keeps_the_index(running: Running, rec: Receiver) -> None:
    """A client that saw a gap POSTs NmsSubscriptionUpdate with the token received before it: the changes since
    then come again, under the next index (not reset); a short duration expires the subscription."""
    box = Box(running, "n10@example.test")
    client = SyncClient(box.http, box.url)
    sub = client.subscribe(rec.url("n10"))
    first = box.obj("/")
    notes = wait_caught_up(rec, "n10", box)
    before_gap = notes[-1]["nmsEventList"]["restartToken"]
    second = box.folder("Later")
    notes = wait_caught_up(rec, "n10", box)
    index = notes[-1]["nmsEventList"]["index"]
    assert wait_until(lambda: box.subscription(sub["resourceURL"]).json()["nmsSubscription"]["index"] > index)
    # pretend the last notification was lost: restart from the token received before it
    update = {"nmsSubscriptionUpdate": {"restartToken": before_gap, "duration": 3600}}
    got = box.call("POST", box.rel(sub["resourceURL"]), 200, json=update).json()["nmsSubscription"]
    assert got["restartToken"] == before_gap and got["index"] == index + 1  # index not reset (TS14 6.18.5)
    assert rec.wait_for(lambda: len(rec.received["n10"]) > len(notes), WAIT)  # the replay arrives
    replay = received(rec, "n10")[-1]["nmsEventList"]
    assert replay["index"] == index + 1
    assert [e["changedFolder"]["resourceURL"] for e in replay["nmsEvent"]] == [second]
    assert first not in json.dumps(replay)

    short = SyncClient(box.http, box.url).subscribe(rec.url("n10b"), duration=1)
    assert short["duration"] <= 1
    assert wait_until(lambda: box.http.get(short["resourceURL"]).status_code == 404)  # expired (duration)
    box.obj("/")
    wait_caught_up(rec, "n10", box)  # the live subscription got it; the expired one gets nothing
    assert "n10b" not in rec.received and "n10b" not in rec.refused


@pytest.mark.clause("OMA-NMS-5.1.4", "OMA-NMS-5.3.2.29")
def test_tombstone_retention_moves_the_reset_point(make_store: MakeStore) -> None:
    """purge_tombstones_before(t): deletions before t are forgotten in every box; a restart token before the
    newest forgotten deletion gets a resetBox, a later one the changes (rows and the remaining tombstones)."""
    from refstore.notify import parse_token  # noqa: PLC0415

    now = [1000.0]
    store = make_store("r.db", clock=lambda: now[0])
    ctx = Context("myStore", "n11", "MCData-7", "n11", "https://h/nms/v1/myStore/n11")
    other = Context("myStore", "n12", "MCData-7", "n12", "https://h/nms/v1/myStore/n12")
    body = models.Object.model_validate({"parentFolderPath": "/", "attributes": {}, "flags": {"flag": []}})
    try:

        def make_and_delete(c: Context) -> None:
            oid = store.create_object(c, body, None).resourceURL.rsplit("/", 1)[1]
            store.delete_object(c, oid)

        t0 = store.current_restart_token(ctx)
        make_and_delete(ctx)
        make_and_delete(other)
        t1 = store.current_restart_token(ctx)
        now[0] = 2000.0
        make_and_delete(ctx)
        assert store.purge_tombstones_before(1500.0) == 2  # one deletion of each box

        def batch(token: str) -> list[str]:
            b = store.changes(ctx, parse_token(token))
            return [next(iter(e.to_wire())) for e in b.events]

        assert batch(t0) == ["resetBox"]
        assert batch(t1) == ["deletedObject"]  # the later deletion is still known
        with pytest.raises(StoreError):
            store.purge_tombstones(ctx, "nonsense")
    finally:
        store.close()


def _warnings_about(caplog: pytest.LogCaptureFixture, url: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "refstore.notify" and url in r.getMessage()]


def test_failed_deliveries_are_logged_rate_limited(
    running: Running, rec: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    """Each failed delivery is a warning naming the subscription, its notifyURL and the reason, at most one per
    subscription per log_interval (60 s) with the failures in between counted, and always the expiry."""
    caplog.set_level("WARNING", logger="refstore.notify")
    box = Box(running, "n9@example.test")
    url = rec.url("n9")
    rec.answer["n9"] = 503
    sub = SyncClient(box.http, box.url).subscribe(url, restartToken="rt-0")
    sid = sub["resourceURL"].rsplit("/", 1)[1]
    box.obj("/")
    assert wait_until(lambda: box.http.get(sub["resourceURL"]).status_code == 404)  # max_attempts (3) failures
    assert rec.refused["n9"] == 3
    assert wait_until(lambda: len(_warnings_about(caplog, url)) == 2)
    first, last = _warnings_about(caplog, url)
    assert f"subscription {sid} to {url} failed: HTTP 503" in first and "failure 1 in a row" in first
    assert "subscription expires" in last and "1 more failure(s) since the last warning" in last


def test_a_certificate_failure_names_notify_ca(
    start_server: StartServer, rec: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING", logger="refstore.notify")
    settings = NotifySettings(retry_base=0.05, retry_max=0.2, max_attempts=1, poll_interval=0.2)  # no receiver CA
    with start_server(KEYS, {"notify": settings}) as store:
        box = Box(store, "n10@example.test")
        url = rec.url("n10")
        sub = SyncClient(box.http, box.url).subscribe(url, restartToken="rt-0")
        box.obj("/")
        assert wait_until(lambda: box.http.get(sub["resourceURL"]).status_code == 404)
        assert wait_until(lambda: len(_warnings_about(caplog, url)) == 1)
        (warning,) = _warnings_about(caplog, url)
        assert "CERTIFICATE_VERIFY_FAILED" in warning and "nmsgen serve --notify-ca" in warning

"""The synchronisation property (OMA NMS §5.1.4): a client that follows notifications, and after a gap
re-subscribes with its last restartToken, ends with exactly the server's state, whatever the changes.

Hypothesis draws a sequence of creates, flag changes, moves, copies, renames and deletes of objects and
folders over HTTPS, with gaps (the client's receiver answers 503 until the subscription expires; the
client re-subscribes with the token it had) and tombstone purges (a client behind the purge gets a
resetBox and re-reads the box). Each example uses a fresh box; waits are on conditions, never sleeps.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from refstore.notify import NotifySettings

from ..https_server import Running, ServerOptions
from ..notify_receiver import Receiver, receiver
from ..sync_client import SyncClient, read_state
from .test_notify import KEYS, WAIT, Box, close_clients, wait_until

pytestmark = pytest.mark.slow  # a property test over a server and its notifications

FLAGS = ("%5CSeen", "%5CFlagged", "%24Forwarded")
_boxes = itertools.count(1)
STATS = {"examples": 0, "resets": 0, "resubscribed": 0}  # what the examples exercised (printed with -s)


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory, store_kind: str) -> Iterator[Receiver]:
    """The notification receiver, one per store kind."""
    with receiver(tmp_path_factory.mktemp("receiver")) as r:
        yield r


@pytest.fixture(scope="module")
def server_options(rec: Receiver) -> ServerOptions:
    settings_ = NotifySettings(ca_file=rec.ca_file, retry_base=0.02, retry_max=0.1, max_attempts=3, poll_interval=0.2)
    return ServerOptions(KEYS, {"notify": settings_}, before_stop=close_clients)


OPS = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 9), st.sets(st.sampled_from(FLAGS), max_size=2)),
    st.tuples(st.just("flag"), st.integers(0, 9), st.sampled_from(FLAGS), st.booleans()),
    st.tuples(st.just("move"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("mkfolder"), st.integers(0, 9)),
    st.tuples(st.just("movefolder"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("rename"), st.integers(0, 9)),
    st.tuples(st.just("rmfolder"), st.integers(0, 9)),
    st.tuples(st.just("copy"), st.integers(0, 9), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("gap")),
    st.tuples(st.just("heal")),
    st.tuples(st.just("purge")),
)


class Scenario:
    def __init__(self, running: Running, rec: Receiver) -> None:
        n = next(_boxes)
        self.rec, self.name = rec, f"sync{n}"
        self.box = Box(running, f"sync{n}@example.test")
        self.client = SyncClient(self.box.http, self.box.url)
        self.consumed = 0
        self.in_gap = False
        self.names = itertools.count(1)
        self.root = self.box.call("GET", "/folders/operations/pathToId", 200).json()["reference"]["resourceURL"]

    # what the box holds now, from the server (the test's own bookkeeping would be a second oracle)
    def objects(self) -> list[str]:
        return sorted(read_state(self.box.http, self.box.url)[0])

    def folders(self) -> list[str]:
        return [self.root, *sorted(read_state(self.box.http, self.box.url)[1])]

    def consume(self) -> None:
        with self.rec.changed:
            new = self.rec.received.get(self.name, [])[self.consumed :]
            self.consumed += len(new)
        for note in new:
            self.client.apply(note)

    def op(self, op: tuple[Any, ...]) -> None:
        box, kind = self.box, op[0]
        if kind == "gap":
            self.rec.answer[self.name], self.in_gap = 503, True
        elif kind == "heal":
            if self.in_gap:
                self.heal()
        elif kind == "purge":
            box.store.purge_tombstones(box.ctx)
        elif kind in ("create", "mkfolder"):
            parent = pick(self.folders(), op[1])
            if kind == "create":
                url = box.obj("/")
                if parent != self.root:
                    box.move(parent, objects=(url,))
                for flag in op[2]:
                    box.call("PUT", box.rel(url) + f"/flags/{flag}", 201, json={"empty": None})
            else:
                body = {"folder": {"parentFolder": parent, "name": f"f{next(self.names)}", "attributes": {}}}
                box.call("POST", "/folders", 201, json=body)
        elif kind == "copy":
            sources = self.folders()[1:] if op[3] else self.objects()
            if not sources:
                return
            refs = [{"resourceURL": pick(sources, op[1])}]
            r = box.http.post(
                box.url + "/folders/operations/copyToFolder",
                json={
                    "targetSourceRef": {
                        "targetRef": {"resourceURL": pick(self.folders(), op[2])},
                        "sourceRefs": {
                            "folders": {"folderReference": refs if op[3] else []},
                            "objects": {"objectReference": [] if op[3] else refs},
                        },
                    }
                },
            )
            assert r.status_code in (200, 403), r.text  # 403 POL1031: a folder into itself or below
        elif kind in ("flag", "move", "delete"):
            objects = self.objects()
            if not objects:
                return
            url = pick(objects, op[1])
            if kind == "flag":
                method = "PUT" if op[3] else "DELETE"
                r = box.http.request(method, box.url + box.rel(url) + f"/flags/{op[2]}", json={"empty": None})
                assert r.status_code in (201, 204, 404), r.text
            elif kind == "move":
                box.move(pick(self.folders(), op[2]), objects=(url,))
            else:
                box.call("DELETE", box.rel(url), 204)
        else:  # folder operations, on non-root folders
            folders = self.folders()[1:]
            if not folders:
                return
            url = pick(folders, op[1])
            if kind == "rename":
                box.call("PUT", box.rel(url) + "/folderName", 200, json={"name": f"r{next(self.names)}"})
            elif kind == "rmfolder":
                box.call("DELETE", box.rel(url), 204)
            else:
                target = pick(self.folders(), op[2])
                r = box.http.post(
                    box.url + "/folders/operations/moveToFolder",
                    json={
                        "targetSourceRef": {
                            "targetRef": {"resourceURL": target},
                            "sourceRefs": {"folders": {"folderReference": [{"resourceURL": url}]}, "objects": {}},
                        }
                    },
                )
                assert r.status_code in (200, 403), r.text  # 403 POL1031: into itself or below

    def heal(self) -> None:
        """End a gap: wait until the subscription expired (if there was anything to deliver), re-subscribe."""
        sub = self.client.subscription
        assert sub is not None
        self.consume()
        if self.client.restart_token != self.box.token():
            assert wait_until(lambda: self.box.http.get(sub).status_code == 404), "no expiry after failures"
        self.rec.answer[self.name], self.in_gap = 204, False
        if self.box.http.get(sub).status_code == 404:
            self.consume()
            self.client.subscribe(self.rec.url(self.name))

    def finish(self) -> None:
        if self.in_gap:
            self.heal()
        token = self.box.token()

        def caught_up() -> bool:
            got = self.rec.received.get(self.name, [])
            return self.client.restart_token == token or (
                bool(got) and got[-1]["nmsEventList"]["restartToken"] == token
            )

        assert self.rec.wait_for(caught_up, WAIT), "the notifications did not reach the box's current point"
        self.consume()
        assert self.client.gaps == []
        assert (self.client.objects, self.client.folders) == read_state(self.box.http, self.box.url)


def pick(items: list[str], i: int) -> str:
    return items[i % len(items)]


@pytest.mark.clause("OMA-NMS-5.1.4", "OMA-NMS-6.19", "OMA-NMS-5.3.2.29", "23.282-7.13-R5")
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
    derandomize=True,
)
@given(ops=st.lists(OPS, min_size=1, max_size=14))
@example(ops=[("create", 0, set()), ("gap",), ("create", 1, {"%5CSeen"}), ("delete", 0), ("heal",), ("mkfolder", 0)])
@example(ops=[("mkfolder", 0), ("gap",), ("create", 1, set()), ("rmfolder", 0), ("purge",), ("heal",)])
@example(ops=[("create", 0, set()), ("purge",), ("delete", 0), ("movefolder", 0, 0), ("purge",), ("rename", 0)])
def test_a_client_following_notifications_ends_with_the_server_state(
    running: Running, rec: Receiver, ops: list[tuple[Any, ...]]
) -> None:
    s = Scenario(running, rec)
    s.box.obj("/Before")  # the box is not empty when the client starts
    # the client's start: subscribe (the token marks the point), then read the box; events at or below
    # what was read are ignored by their lastModSeq
    first = s.client.subscribe(rec.url(s.name))["resourceURL"]
    s.client.objects, s.client.folders = read_state(s.box.http, s.box.url)
    for op in ops:
        s.op(op)
    s.finish()
    STATS["examples"] += 1
    STATS["resets"] += s.client.resets > 0
    STATS["resubscribed"] += s.client.subscription != first


def test_the_sync_examples_exercised_gaps_and_resets() -> None:
    """Runs after the property (file order): its examples included re-subscriptions and resetBoxes."""
    print(STATS)
    if STATS["examples"]:  # the property ran in this session (not deselected)
        assert STATS["resubscribed"] >= 1 and STATS["resets"] >= 1, STATS

"""A message store client that keeps a mirror of a box by following notifications (OMA NMS §5.1.4).

It applies each NmsEventList as §5.1.4 tells a client to: events with a lastModSeq at or below the
stored one are ignored, deletions remove, ``resetBox`` discards the mirror and re-reads the box; it
checks that the indices of one subscription go 1, 2, 3, … and keeps the last restartToken, to
re-subscribe with after a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from mcdata_store import models

State = tuple[dict[str, tuple[str, tuple[str, ...], int]], dict[str, tuple[str, str, int]]]


@dataclass
class SyncClient:
    http: httpx.Client  # authenticated for the box, TLS verified
    box_url: str
    objects: dict[str, tuple[str, tuple[str, ...], int]] = field(default_factory=dict)  # url -> parent, flags, seq
    folders: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # url -> parent, name, seq
    restart_token: str | None = None
    subscription: str | None = None
    next_index: int = 1
    notifications: int = 0
    resets: int = 0
    gaps: list[str] = field(default_factory=list)  # index problems seen (must stay empty)

    def subscribe(self, notify_url: str, **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"callbackReference": {"notifyURL": notify_url, "callbackData": "sync"}, **extra}
        if self.restart_token is not None:
            body["restartToken"] = self.restart_token
        r = self.http.post(f"{self.box_url}/subscriptions", json={"nmsSubscription": body})
        assert r.status_code == 201, r.text
        sub: dict[str, Any] = r.json()["nmsSubscription"]
        assert sub["index"] == 1
        if self.restart_token is not None:
            assert sub["restartToken"] == self.restart_token  # TS14 6.17.5
        else:
            self.restart_token = sub["restartToken"]
        self.subscription, self.next_index = sub["resourceURL"], 1
        return sub

    def apply(self, wire: dict[str, Any]) -> None:
        """One notification as received (checked against the model first)."""
        events = models.NmsEventListBody.model_validate(wire).nmsEventList
        links = [link.href for link in events.link or []]
        if links != [self.subscription]:
            return  # a late notification of an earlier subscription: superseded by the restart token
        if events.index != self.next_index:
            self.gaps.append(f"expected index {self.next_index}, got {events.index}")
        self.next_index = (events.index or 0) + 1
        self.notifications += 1
        for event in events.nmsEvent or []:
            self._event(event)
        self.restart_token = events.restartToken

    def _event(self, event: models.NmsEvent) -> None:
        if "resetBox" in event.model_fields_set:
            self.resets += 1
            self.objects, self.folders = read_state(self.http, self.box_url)
        elif (o := event.changedObject) is not None:
            seq = o.lastModSeq or 0
            if o.resourceURL not in self.objects or self.objects[o.resourceURL][2] < seq:
                self.objects[o.resourceURL] = (o.parentFolder, tuple(f.root for f in o.flags.flag or []), seq)
        elif (f := event.changedFolder) is not None:
            seq = f.lastModSeq or 0
            if f.resourceURL not in self.folders or self.folders[f.resourceURL][2] < seq:
                self.folders[f.resourceURL] = (f.parentFolder, f.name, seq)
        elif (d := event.deletedObject or event.expiredObject) is not None:
            self.objects.pop(d.resourceURL, None)
        elif (g := event.deletedFolder or event.expiredFolder) is not None:
            self.folders.pop(g.resourceURL, None)


def read_state(http: httpx.Client, box_url: str) -> State:
    """The box as the server has it: every object (parent, flags, lastModSeq) and non-root folder."""
    objects: dict[str, tuple[str, tuple[str, ...], int]] = {}
    folders: dict[str, tuple[str, str, int]] = {}
    cursor: str | None = None
    while True:
        criteria: dict[str, Any] = {"maxEntries": 1000, **({"fromCursor": cursor} if cursor else {})}
        r = http.post(f"{box_url}/objects/operations/search", json={"selectionCriteria": criteria})
        assert r.status_code == 200, r.text
        page = r.json()["objectList"]
        for o in page.get("object", []):
            objects[o["resourceURL"]] = (o["parentFolder"], tuple(o["flags"].get("flag", [])), o["lastModSeq"])
        cursor = page.get("cursor")
        if not cursor:
            break
    while True:
        criteria = {"maxEntries": 1000, **({"fromCursor": cursor} if cursor else {})}
        r = http.post(f"{box_url}/folders/operations/search", json={"selectionCriteria": criteria})
        assert r.status_code == 200, r.text
        page = r.json()["folderList"]
        for f in page.get("folder", []):
            if "parentFolder" in f:  # the root folder never changes and is never notified
                folders[f["resourceURL"]] = (f["parentFolder"], f["name"], f["lastModSeq"])
        cursor = page.get("cursor")
        if not cursor:
            break
    return objects, folders

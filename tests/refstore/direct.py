"""Helpers of the tests that call the reference store (refstore.SqliteStore) directly: contexts of two boxes,
payloads, and short ways to create objects and folders and name their URLs."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import pytest

from mcdata_store import models
from mcdata_store.store import Context, Payload, StoreError
from refstore import SqliteStore

BASE = "https://example.com/nms/v1"
A = Context("myStore", "mcdata:alice@example.org", "MCData-7", "alice", f"{BASE}/myStore/mcdata%3Aalice%40example.org")
B = Context("myStore", "mcdata:bob@example.org", "MCData-7", "bob", f"{BASE}/myStore/mcdata%3Abob%40example.org")
A_OTHER_STORE = Context("otherStore", A.box_id, "MCData-8", "server", f"{BASE}/otherStore/mcdata%3Aalice%40example.org")

MULTIPART = (
    b"--frontier\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-ID: <body@example.org>\r\n"
    b"\r\n"
    b"Meet at the gate\r\n"
    b"--frontier\r\n"
    b"Content-Type: image/jpeg\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"Content-Location: photo.jpg\r\n"
    b"\r\n"
    b"/9j/4AAQSkZJRgABAQ==\r\n"
    b"--frontier\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"\r\n"
    b"\x00\x01\xff\r\n\r\nbinary\r\n"
    b"--frontier--\r\n"
)
MULTIPART_TYPE = 'multipart/related; boundary="frontier"; type="text/plain"'
JPEG = base64.b64decode("/9j/4AAQSkZJRgABAQ==")
BINARY = b"\x00\x01\xff\r\n\r\nbinary"


def obj(**fields: Any) -> models.Object:
    data: dict[str, Any] = {"attributes": {"attribute": []}, "flags": {"flag": []}}
    data.update(fields)
    return models.Object.model_validate(data)


def unchecked_obj(**fields: Any) -> models.Object:
    """An Object the model would refuse (built without validation): what only the store's own checks see."""
    base = {"attributes": models.AttributeList(attribute=[]), "flags": models.FlagList(flag=[])}
    return models.Object.model_construct(_fields_set={*base, *fields}, **base, **fields)


def folder(**fields: Any) -> models.Folder:
    data: dict[str, Any] = {"attributes": {"attribute": []}}
    data.update(fields)
    return models.Folder.model_validate(data)


def last(url: str) -> str:
    return url.rsplit("/", 1)[1]


def create(store: SqliteStore, ctx: Context = A, payload: Payload | None = None, **fields: Any) -> str:
    ref = store.create_object(ctx, obj(**fields), payload)
    assert isinstance(ref, models.Reference)
    return last(ref.resourceURL)


def mkfolder(store: SqliteStore, ctx: Context = A, **fields: Any) -> str:
    ref = store.create_folder(ctx, folder(**fields))
    assert isinstance(ref, models.Reference)
    return last(ref.resourceURL)


def root_id(store: SqliteStore, ctx: Context = A) -> str:
    return last(store.get_folder_id_by_path(ctx, None).resourceURL)


def refusal(exc: pytest.ExceptionInfo[StoreError]) -> tuple[str, list[str]]:
    return exc.value.exception_id, exc.value.variables


def criteria(
    *crits: dict[str, str], operator: str = "And", max_entries: int = 100, **more: Any
) -> models.SelectionCriteria:
    data: dict[str, Any] = {"maxEntries": max_entries, **more}
    if crits:
        data["searchCriteria"] = {"criterion": list(crits), "operator": operator}
    return models.SelectionCriteria.model_validate(data)


def refs(*urls: str) -> dict[str, Any]:
    return {"objectReference": [{"resourceURL": u} for u in urls]}


def target_source(target: str, folders: Sequence[str] = (), objects: Sequence[str] = ()) -> models.TargetSourceRef:
    return models.TargetSourceRef.model_validate(
        {
            "targetRef": {"resourceURL": target},
            "sourceRefs": {
                "folders": {"folderReference": [{"resourceURL": u} for u in folders]},
                "objects": {"objectReference": [{"resourceURL": u} for u in objects]},
            },
        }
    )


def furl(ctx: Context, fid: str) -> str:
    return f"{ctx.box_url}/folders/{fid}"


def ourl(ctx: Context, oid: str) -> str:
    return f"{ctx.box_url}/objects/{oid}"

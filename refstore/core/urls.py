"""The resource URLs of a box (``Context.box_url``, e.g. ``https://h/nms/v1/{storeName}/{boxId}``): built
for answers and notifications, and parsed where a request names a resource by its URL."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote, unquote, urlsplit

__all__ = [
    "flag_url",
    "flags_url",
    "folder_url",
    "object_url",
    "part_url",
    "payload_url",
    "ref_id",
    "subscription_url",
    "subscriptions_url",
]


def object_url(box_url: str, object_id: str) -> str:
    return f"{box_url}/objects/{quote(object_id, safe='')}"


def folder_url(box_url: str, folder_id: str) -> str:
    return f"{box_url}/folders/{quote(folder_id, safe='')}"


def flags_url(box_url: str, object_id: str) -> str:
    return f"{object_url(box_url, object_id)}/flags"


def flag_url(box_url: str, object_id: str, flag_name: str) -> str:
    return f"{flags_url(box_url, object_id)}/{quote(flag_name, safe='')}"


def payload_url(box_url: str, object_id: str) -> str:
    return f"{object_url(box_url, object_id)}/payload"


def part_url(box_url: str, object_id: str, part_id: str) -> str:
    return f"{object_url(box_url, object_id)}/payloadParts/{quote(part_id, safe='')}"


def subscriptions_url(box_url: str) -> str:
    return f"{box_url}/subscriptions"


def subscription_url(box_url: str, subscription_id: str) -> str:
    return f"{subscriptions_url(box_url)}/{quote(subscription_id, safe='')}"


def ref_id(box_url: str, url: str | None, kind: Literal["objects", "folders"]) -> str | None:
    """The id named by a resource URL of the box (``{box_url}/{kind}/{id}``), else None.

    Matched on the percent-decoded path segments, so that scheme and host spellings do not matter; a URL
    of another box (another storeName or boxId) never matches: ids are only ever looked up in the box.
    """
    if not url:
        return None
    try:
        target, base = urlsplit(url), urlsplit(box_url)
    except ValueError:
        return None
    if target.query or target.fragment:
        return None
    segments = [unquote(s) for s in target.path.split("/")]
    box_segments = [unquote(s) for s in base.path.rstrip("/").split("/")]
    n = len(box_segments)
    if len(segments) != n + 2 or segments[:n] != box_segments or segments[n] != kind or not segments[n + 1]:
        return None
    return segments[n + 1]

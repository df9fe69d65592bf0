"""Attributes of objects and folders: how they are stored (the client's ``AttributeList`` as NMS JSON)
and read back as ``(name, values)`` pairs, which compare case-insensitively (App. I), and the folder
attributes the server maintains (``Name``, ``Root``: App. J) or computes on request (App. K)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from mcdata_store import models

from .answers import bad

__all__ = [
    "CASE_INSENSITIVE_ATTRIBUTES",
    "COUNT_ATTRIBUTES",
    "MAX_CLIENT_FOLDER_ATTRIBUTES",
    "READ_ONLY_FOLDER_ATTRIBUTES",
    "Pairs",
    "attribute_list",
    "check_client_folder_attributes",
    "folder_pairs",
    "pairs",
    "stored_pairs",
    "value_key",
]

Pairs = list[tuple[str, list[str]]]

# App. I: attributes whose values compare case-insensitively
CASE_INSENSITIVE_ATTRIBUTES = frozenset({"direction", "message-context"})
READ_ONLY_FOLDER_ATTRIBUTES = frozenset({"name", "root"})  # App. J: server-maintained
MAX_CLIENT_FOLDER_ATTRIBUTES = 1000 - len(READ_ONLY_FOLDER_ATTRIBUTES)  # AttributeList holds at most 1000
# TS14 App. K (RCS folder attributes, informative): computed on request through attrFilter
COUNT_ATTRIBUTES = ("MsgCount", "UnreadMsgCount", "Size", "SubtreeMsgCount", "SubtreeUnreadMsgCount", "SubtreeSize")


def value_key(name: str, value: str) -> str:
    """The form an attribute value is matched in: casefolded for the case-insensitive attributes (App. I)."""
    return value.casefold() if name.casefold() in CASE_INSENSITIVE_ATTRIBUTES else value


def pairs(attributes: models.AttributeList) -> Pairs:
    """The (name, values) pairs of an AttributeList, in order."""
    return [(a.name, [v.root for v in (a.value or [])]) for a in (attributes.attribute or [])]


def stored_pairs(raw: str) -> Pairs:
    """The (name, values) pairs of a stored AttributeList (its NMS JSON, as ``model_dump_json`` wrote it)."""
    stored = json.loads(raw)
    return [(str(a["name"]), [str(v) for v in a.get("value") or []]) for a in stored.get("attribute") or []]


def attribute_list(items: Iterable[tuple[str, list[str]]]) -> models.AttributeList:
    return models.AttributeList(attribute=[models.Attribute(name=n, value=v) for n, v in items])


def folder_pairs(is_root: bool, raw: str, name: str) -> Pairs:
    """A folder's attributes: the server-maintained Root (Yes/No), the client's, and Name (App. J)."""
    return [("Root", ["Yes" if is_root else "No"]), *stored_pairs(raw), ("Name", [name])]


def check_client_folder_attributes(attributes: models.AttributeList) -> None:
    """SVC0002 ``attributes`` for Name or Root given by a client (App. J), or more than leave room for them."""
    given = attributes.attribute or []
    if any(a.name.casefold() in READ_ONLY_FOLDER_ATTRIBUTES for a in given):
        raise bad("attributes")  # Name and Root are maintained by the server (App. J)
    if len(given) > MAX_CLIENT_FOLDER_ATTRIBUTES:
        raise bad("attributes")  # room for Name and Root within the model's list limit

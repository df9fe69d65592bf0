"""The formats of what the store hands out and reads back: resource ids, restart tokens (``rt-N``),
creation cursors (``cc-N``) and the opaque paging cursors (base64url of JSON)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from typing import Any, Literal

from .answers import bad

__all__ = [
    "FOLDER_PREFIX",
    "OBJECT_PREFIX",
    "SUBSCRIPTION_PREFIX",
    "box_key",
    "candidate_id",
    "creation_cursor",
    "decode_cursor",
    "decode_listing_cursor",
    "encode_cursor",
    "encode_listing_cursor",
    "parse_creation_cursor",
    "parse_token",
    "restart_token",
]

OBJECT_PREFIX, FOLDER_PREFIX, SUBSCRIPTION_PREFIX = "obj-", "fld-", "sub-"
_TOKEN = re.compile(r"rt-([0-9]{1,19})")
_CREATION_CURSOR = re.compile(r"cc-([0-9]{1,19})")


def candidate_id(prefix: str) -> str:
    """A random id (prefix + 16 hex digits); the store records it and draws again if the box ever used it."""
    return prefix + secrets.token_hex(8)


def box_key(store_name: str, box_id: str) -> int:
    """The key of a box computed from its name alone: the first 63 bits of SHA-256 of the pair. A store
    keyed by it finds a box's rows without a lookup in a table of every box (the distribution column of a
    sharded store); the box row keeps the names, and a clash of two names on one key is refused."""
    digest = hashlib.sha256(json.dumps([store_name, box_id]).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


# ------------------------------------------------------------------------------------------ box points


def restart_token(seq: int) -> str:
    """The restart token of point ``seq`` of a box's modification sequence (opaque to clients)."""
    return f"rt-{seq}"


def parse_token(token: str | None) -> int | None:
    """The box point of a restart token of this store, else None."""
    match = _TOKEN.fullmatch(token or "")
    return int(match.group(1)) if match else None


def creation_cursor(seq: int) -> str:
    """The creationCursor of point ``seq``: objects created later have a higher creation sequence."""
    return f"cc-{seq}"


def parse_creation_cursor(value: str) -> int | None:
    """The point of a creationCursor of this store, else None."""
    match = _CREATION_CURSOR.fullmatch(value)
    return int(match.group(1)) if match else None


# ------------------------------------------------------------------------------------------ paging cursors


def encode_cursor(data: Any) -> str:
    """An opaque cursor: base64url of compact JSON, without padding."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    """The JSON inside a cursor; anything else is SVC0002 ``fromCursor``."""
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise bad("fromCursor") from None


def encode_listing_cursor(phase: Literal["F", "O"], after: int) -> str:
    """The cursor of a folder listing: the list it stopped in (subfolders, objects) and the last key listed."""
    return base64.urlsafe_b64encode(json.dumps([phase, after]).encode()).decode().rstrip("=")


def decode_listing_cursor(cursor: str) -> tuple[Literal["F", "O"], int]:
    """(phase, last key) of a folder listing cursor; anything else is SVC0002 ``fromCursor``."""
    state = decode_cursor(cursor)
    if not (isinstance(state, list) and len(state) == 2 and state[0] in ("F", "O") and isinstance(state[1], int)):
        raise bad("fromCursor")
    phase: Literal["F", "O"] = "F" if state[0] == "F" else "O"
    return phase, state[1]

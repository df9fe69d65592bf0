"""Flags of objects in SQLite (table ``flag``: one row per flag, ``key`` its casefolded name) and the
operations on ``/objects/{id}/flags``. A change of an object's flags gives it a new lastModSeq; setting a
flag already set, or removing one not set, is no change.

The Empty outcomes (404 of GET/DELETE, 201 of PUT) answer ``body=None``: ``models.Empty`` is a
RootModel, not an NmsModel, so ``Answer.body`` cannot carry it; the server renders ``{"empty": null}``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mcdata_store import models
from mcdata_store.store import Answer

from .core.flags import flag_key
from .core.urls import flag_url, flags_url
from .tree import require_object
from .tx import Tx

__all__ = [
    "add",
    "change",
    "copy",
    "delete_object_flag",
    "get_object_flag",
    "get_object_flags",
    "names",
    "replace_object_flags",
    "set_object_flag",
]


# ------------------------------------------------------------------------------------------ flag rows


def names(tx: Tx, object_pk: int) -> list[str]:
    """The object's flags in the order they were set, each in the spelling first given."""
    return [
        str(r[0])
        for r in tx.all("SELECT name FROM flag WHERE box_pk = ? AND object_pk = ? ORDER BY pk", (tx.box, object_pk))
    ]


def add(tx: Tx, object_pk: int, flags: Sequence[str]) -> None:
    """Store the flags of an object that has none (normalised: no case-insensitive duplicates)."""
    tx.run_many(
        "INSERT INTO flag (box_pk, object_pk, key, name) VALUES (?, ?, ?, ?)",
        [(tx.box, object_pk, flag_key(f), f) for f in flags],
    )


def copy(tx: Tx, source_pk: int, target_pk: int) -> None:
    """Give a copied object the flags of its source, in their order."""
    tx.run(
        "INSERT INTO flag (box_pk, object_pk, key, name) SELECT box_pk, ?, key, name FROM flag"
        " WHERE box_pk = ? AND object_pk = ? ORDER BY pk",
        (target_pk, tx.box, source_pk),
    )


def change(tx: Tx, object_pk: int, adding: Sequence[str], removing: Sequence[str]) -> bool:
    """Add and remove flags (case-insensitively); bump the object's lastModSeq if anything changed."""
    changed = False
    for name in removing:
        changed |= (
            tx.run(
                "DELETE FROM flag WHERE box_pk = ? AND object_pk = ? AND key = ?", (tx.box, object_pk, flag_key(name))
            ).rowcount
            > 0
        )
    for name in adding:
        changed |= (
            tx.run(
                "INSERT INTO flag (box_pk, object_pk, key, name) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (tx.box, object_pk, flag_key(name), name),
            ).rowcount
            > 0
        )
    if changed:
        tx.run("UPDATE object SET last_mod_seq = ? WHERE box_pk = ? AND pk = ?", (tx.bump(), tx.box, object_pk))
    return changed


# ------------------------------------------------------------------------------------------ operations


def get_object_flags(tx: Tx, object_id: str) -> models.FlagList:
    row = require_object(tx, object_id, "/flags")
    return models.FlagList(
        flag=[models.Flag(f) for f in names(tx, int(row["pk"]))], resourceURL=flags_url(tx.box_url, object_id)
    )


def replace_object_flags(tx: Tx, object_id: str, wanted: Sequence[str]) -> models.FlagList:
    """PUT .../flags: the set becomes ``wanted`` (normalised); a new lastModSeq only if the set changed."""
    row = require_object(tx, object_id, "/flags")
    pk = int(row["pk"])
    if {flag_key(f) for f in names(tx, pk)} != {flag_key(f) for f in wanted}:
        tx.run("DELETE FROM flag WHERE box_pk = ? AND object_pk = ?", (tx.box, pk))
        add(tx, pk, wanted)
        tx.run("UPDATE object SET last_mod_seq = ? WHERE box_pk = ? AND pk = ?", (tx.bump(), tx.box, pk))
    return models.FlagList(flag=[models.Flag(f) for f in names(tx, pk)], resourceURL=flags_url(tx.box_url, object_id))


def get_object_flag(tx: Tx, object_id: str, flag_name: str) -> Answer:
    row = require_object(tx, object_id, "/flags")
    found = tx.one(
        "SELECT 1 FROM flag WHERE box_pk = ? AND object_pk = ? AND key = ?",
        (tx.box, int(row["pk"]), flag_key(flag_name)),
    )
    return Answer(204) if found else Answer(404)


def set_object_flag(tx: Tx, object_id: str, name: str) -> Answer:
    """201 with the flag's URL when it was not set, else 204 (``name``: normalised, not empty)."""
    row = require_object(tx, object_id, "/flags")
    if change(tx, int(row["pk"]), [name], []):
        return Answer(201, location=flag_url(tx.box_url, object_id, name))
    return Answer(204)


def delete_object_flag(tx: Tx, object_id: str, flag_name: str) -> Answer:
    row = require_object(tx, object_id, "/flags")
    return Answer(204) if change(tx, int(row["pk"]), [], [flag_name]) else Answer(404)

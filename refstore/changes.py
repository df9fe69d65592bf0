"""The change log of a box in SQLite (OMA NMS 5.1.4): what changed after a point, as NMS events.

The change log is the store's own data: every object and folder row carries the box-wide
``last_mod_seq`` of its latest change and every deletion leaves a tombstone with its own
``last_mod_seq`` (ids are never reused). The changes since a point ``N`` of the box are the rows and
tombstones with ``last_mod_seq > N``; each object or folder appears once, in its current state, so
several events on one object compress to their net effect (§5.1.4.1). A restart token is ``rt-{N}``.
When the store cannot produce the changes since a token (unknown token, a point ahead of the box, or
before the tombstones purged by ``retention.py``) the answer is a ``resetBox``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from mcdata_store import models

from .core import events
from .core.attributes import folder_pairs, stored_pairs
from .core.delivery import EVENTS_MAX
from .core.subscriptions import Item
from .tx import Db, Row

__all__ = ["CHANGES_SQL", "ChangeBatch", "change_batch"]

# The change log of a box after a point, in sequence order; each of the three index range scans is
# served by its (box_pk, last_mod_seq) index (EXPLAIN QUERY PLAN in benchmarks/results-notify.md).
# Parameters: box, since, box, since, box, since, limit.
CHANGES_SQL = """
    SELECT 'o' AS k, pk, last_mod_seq AS seq FROM object WHERE box_pk = ? AND last_mod_seq > ?
    UNION ALL
    SELECT 'f', pk, last_mod_seq FROM folder WHERE box_pk = ? AND last_mod_seq > ? AND parent_pk IS NOT NULL
    UNION ALL
    SELECT 't', pk, last_mod_seq FROM tombstone WHERE box_pk = ? AND last_mod_seq > ?
    ORDER BY seq LIMIT ?
"""


@dataclass(frozen=True)
class ChangeBatch:
    events: list[models.NmsEvent]  # after the filter
    end: int  # the box point after these changes (the batch's restart token)
    reset: bool  # the store cannot produce the changes: one resetBox event
    more: bool  # changes after ``end`` already exist


def _rows(db: Db, box_pk: int, sql: str, pks: Sequence[int], size: int = 500) -> Iterator[Row]:
    """The rows of ``sql`` (its first ``?``: the box; its ``{marks}``: the placeholders of ``pk IN (...)``)
    for the keys, 500 at a time."""
    for i in range(0, len(pks), size):
        chunk = list(pks[i : i + size])
        yield from db.all(sql.format(marks=",".join("?" * len(chunk))), [box_pk, *chunk])


def change_batch(
    db: Db,
    box_pk: int,
    box_url: str,
    since: int | None,
    *,
    limit: int = EVENTS_MAX,
    keep: Callable[[Item], bool] = lambda _: True,
) -> ChangeBatch:
    """The changes of the box after point ``since`` (at most ``limit`` items), as NMS events.

    Must run inside one read transaction (one snapshot): the end point and the rows come from the same
    state. ``since`` None (an unknown token), ahead of the box, or before its purged tombstones → resetBox.
    """
    box_row = db.one("SELECT mod_seq FROM box WHERE pk = ?", (box_pk,))
    assert box_row is not None
    mod_seq = int(box_row[0])
    floor_row = db.one("SELECT seq FROM change_floor WHERE box_pk = ?", (box_pk,))
    floor = int(floor_row[0]) if floor_row else 0
    if since is None or since > mod_seq or since < floor:
        return ChangeBatch([events.reset_box()], mod_seq, True, False)
    rows = db.all(CHANGES_SQL, (box_pk, since, box_pk, since, box_pk, since, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    end = int(rows[-1][2]) if more else mod_seq
    by_kind: dict[str, list[int]] = {"o": [], "f": [], "t": []}
    for kind, pk, _ in rows:
        by_kind[str(kind)].append(int(pk))
    reader = _Events(db, box_pk, box_url, keep)
    reader.objects(by_kind["o"])
    reader.folders(by_kind["f"])
    reader.tombstones(by_kind["t"])
    return ChangeBatch([reader.found[s] for s in sorted(reader.found)], end, False, more)


@dataclass
class _Events:
    """The events of the changed items a filter keeps, by lastModSeq (so that the list is in change order)."""

    db: Db
    box_pk: int
    box_url: str
    keep: Callable[[Item], bool]
    found: dict[int, models.NmsEvent] = field(default_factory=dict)

    def objects(self, pks: Sequence[int]) -> None:
        rows = list(
            _rows(
                self.db,
                self.box_pk,
                "SELECT o.pk, o.id, o.attributes, o.correlation_id, o.correlation_tag, o.last_mod_seq, o.created_seq,"
                " o.created_us, f.id AS folder_id FROM object o JOIN folder f ON f.box_pk = o.box_pk"
                " AND f.pk = o.folder_pk WHERE o.box_pk = ? AND o.pk IN ({marks})",
                pks,
            )
        )
        flags: dict[int, list[str]] = {}
        for object_pk, name in _rows(
            self.db,
            self.box_pk,
            "SELECT object_pk, name FROM flag WHERE box_pk = ? AND object_pk IN ({marks}) ORDER BY pk",
            pks,
        ):
            flags.setdefault(int(object_pk), []).append(str(name))
        for r in rows:
            names = flags.get(int(r["pk"]), [])
            item = Item(
                "object",
                stored_pairs(str(r["attributes"])),
                frozenset(n.casefold() for n in names),
                int(r["created_us"]),
                int(r["created_seq"]),
            )
            if self.keep(item):
                self.found[int(r["last_mod_seq"])] = events.changed_object(
                    self.box_url,
                    str(r["id"]),
                    str(r["folder_id"]),
                    names,
                    int(r["last_mod_seq"]),
                    _text(r["correlation_id"]),
                    _text(r["correlation_tag"]),
                )

    def folders(self, pks: Sequence[int]) -> None:
        for r in _rows(
            self.db,
            self.box_pk,
            "SELECT f.id, f.name, f.attributes, f.last_mod_seq, f.created_us, p.id AS parent_id"
            " FROM folder f JOIN folder p ON p.box_pk = f.box_pk AND p.pk = f.parent_pk"
            " WHERE f.box_pk = ? AND f.pk IN ({marks})",
            pks,
        ):
            attributes = folder_pairs(False, str(r["attributes"]), str(r["name"]))  # never the root
            if self.keep(Item("folder", attributes, created_us=int(r["created_us"]))):
                self.found[int(r["last_mod_seq"])] = events.changed_folder(
                    self.box_url, str(r["id"]), str(r["parent_id"]), str(r["name"]), int(r["last_mod_seq"])
                )

    def tombstones(self, pks: Sequence[int]) -> None:
        for r in _rows(
            self.db,
            self.box_pk,
            "SELECT kind, id, last_mod_seq, correlation_id, correlation_tag FROM tombstone"
            " WHERE box_pk = ? AND pk IN ({marks})",
            pks,
        ):
            if not self.keep(Item("vanished")):
                continue
            seq = int(r["last_mod_seq"])
            if r["kind"] == "folder":
                self.found[seq] = events.deleted_folder(self.box_url, str(r["id"]), seq)
            else:
                self.found[seq] = events.deleted_object(
                    self.box_url, str(r["id"]), seq, _text(r["correlation_id"]), _text(r["correlation_tag"])
                )


def _text(value: object) -> str | None:
    return None if value is None else str(value)

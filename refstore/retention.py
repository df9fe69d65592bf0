"""Retention of deletions in SQLite: forgetting tombstones (operator calls, not in the API). Each purge
moves the box's purge point (``change_floor``): restart tokens before it get a resetBox, and
VanishedObjects searches no longer find the purged objects."""

from __future__ import annotations

from .core.answers import bad
from .core.ids import parse_token
from .tx import Db, Tx

__all__ = ["boxes_to_purge", "purge_box", "purge_box_before"]


def _raise_floor(db: Db, box_pk: int, seq: int) -> None:
    """Move the box's purge point up to ``seq`` (never down)."""
    db.run(
        "INSERT INTO change_floor (box_pk, seq) VALUES (?, ?) ON CONFLICT (box_pk) DO UPDATE SET seq ="
        " CASE WHEN excluded.seq > change_floor.seq THEN excluded.seq ELSE change_floor.seq END",
        (box_pk, seq),
    )


def purge_box(tx: Tx, up_to: str | None) -> int:
    """Forget the deletions of the box up to a restart token (default: all); how many were purged."""
    point = tx.mod_seq() if up_to is None else parse_token(up_to)
    if point is None:
        raise bad("restartToken")
    purged = tx.run("DELETE FROM tombstone WHERE box_pk = ? AND last_mod_seq <= ?", (tx.box, point)).rowcount
    _raise_floor(tx, tx.box, point)
    return int(purged)


def boxes_to_purge(db: Db, when: float) -> list[int]:
    """The boxes with deletions made before ``when`` (the one scan over every box: sharded, each shard's)."""
    cutoff = int(when * 1_000_000)
    return [int(r[0]) for r in db.all("SELECT DISTINCT box_pk FROM tombstone WHERE deleted_us < ?", (cutoff,))]


def purge_box_before(db: Db, box_pk: int, when: float) -> int:
    """Forget the deletions of one box made before ``when``; its purge point moves to the newest of them."""
    cutoff = int(when * 1_000_000)
    row = db.one("SELECT max(last_mod_seq) FROM tombstone WHERE box_pk = ? AND deleted_us < ?", (box_pk, cutoff))
    if row is None or row[0] is None:
        return 0
    _raise_floor(db, box_pk, int(row[0]))
    purged = db.run("DELETE FROM tombstone WHERE box_pk = ? AND last_mod_seq <= ?", (box_pk, int(row[0]))).rowcount
    return int(purged)

"""Retention of deletions in SQLite: forgetting tombstones (operator calls, not in the API). Each purge
moves the box's purge point (``change_floor``): restart tokens before it get a resetBox, and
VanishedObjects searches no longer find the purged objects."""

from __future__ import annotations

import sqlite3

from .connection import transaction
from .core.answers import bad
from .core.ids import parse_token
from .tx import Tx

__all__ = ["purge_before", "purge_box"]


def _raise_floor(conn: sqlite3.Connection, box_pk: int, seq: int) -> None:
    """Move the box's purge point up to ``seq`` (never down)."""
    conn.execute(
        "INSERT INTO change_floor (box_pk, seq) VALUES (?, ?)"
        " ON CONFLICT (box_pk) DO UPDATE SET seq = max(seq, excluded.seq)",
        (box_pk, seq),
    )


def purge_box(tx: Tx, up_to: str | None) -> int:
    """Forget the deletions of the box up to a restart token (default: all); how many were purged."""
    point = tx.mod_seq() if up_to is None else parse_token(up_to)
    if point is None:
        raise bad("restartToken")
    purged = tx.run("DELETE FROM tombstone WHERE box_pk = ? AND last_mod_seq <= ?", (tx.box, point)).rowcount
    _raise_floor(tx.conn, tx.box, point)
    return int(purged)


def purge_before(conn: sqlite3.Connection, when: float) -> int:
    """Forget the deletions of every box made before ``when`` (seconds since the epoch, the store's clock),
    in one write transaction; how many were purged. Each box's purge point moves to its newest purged
    deletion."""
    with transaction(conn, write=True):
        cutoff = int(when * 1_000_000)
        rows = conn.execute(
            "SELECT box_pk, max(last_mod_seq) FROM tombstone WHERE deleted_us < ? GROUP BY box_pk", (cutoff,)
        ).fetchall()
        for box_pk, seq in rows:
            _raise_floor(conn, int(box_pk), int(seq))
        purged = conn.execute(
            "DELETE FROM tombstone WHERE box_pk IN (SELECT box_pk FROM change_floor) AND last_mod_seq <="
            " (SELECT seq FROM change_floor WHERE change_floor.box_pk = tombstone.box_pk)"
        ).rowcount
    return int(purged)

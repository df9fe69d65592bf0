"""The hand-written reference message store of nmsgen: :class:`SqliteStore` implements the generated
:class:`mcdata_store.store.MessageStore` on SQLite (stdlib ``sqlite3``)."""

from __future__ import annotations

from .sqlite import SqliteStore

__all__ = ["SqliteStore"]

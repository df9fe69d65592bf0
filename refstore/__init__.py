"""The hand-written reference message store of nmsgen: :class:`SqliteStore` implements the generated
:class:`mcdata_store.store.MessageStore` on SQLite (stdlib ``sqlite3``), ``refstore.pg.PgStore`` on
PostgreSQL (psycopg 3); :func:`open_store` opens either from a location. ``core/`` holds what does not
depend on the database (see README.md for the layout)."""

from __future__ import annotations

from .core.answers import StoreFileError
from .core.delivery import NotifySettings
from .open import open_store
from .sqlite import SqliteStore

__all__ = ["NotifySettings", "SqliteStore", "StoreFileError", "open_store"]

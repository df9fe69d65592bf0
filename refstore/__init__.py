"""The hand-written reference message store of nmsgen: :class:`SqliteStore` implements the generated
:class:`mcdata_store.store.MessageStore` on SQLite (stdlib ``sqlite3``). ``core/`` holds what does not
depend on SQLite (see README.md for the layout)."""

from __future__ import annotations

from .core.answers import StoreFileError
from .core.delivery import NotifySettings
from .sqlite import SqliteStore

__all__ = ["NotifySettings", "SqliteStore", "StoreFileError"]

"""One store from a location: a SQLite file (a path, or ``sqlite:///path``) or a PostgreSQL database
(``postgresql://…``). What ``nmsgen serve --store`` and the tests open stores with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .core.answers import StoreFileError
from .sqlite import SqliteStore

__all__ = ["is_postgresql", "open_store", "sqlite_path"]

_PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgresql(location: str | Path) -> bool:
    return str(location).startswith(_PG_SCHEMES)


def sqlite_path(location: str | Path) -> Path:
    """The file a SQLite location names: ``sqlite:///relative.db``, ``sqlite:////absolute.db`` (as SQLAlchemy
    writes them), or a plain path."""
    text = str(location)
    if text.startswith("sqlite:///"):
        return Path(text[len("sqlite:///") :])
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreFileError(
            text.rsplit("@", maxsplit=1)[-1],
            "store-unknown-scheme",
            f"'{scheme}://' is no store this server knows; name a SQLite file (a path or sqlite:///path) or a"
            " PostgreSQL database (postgresql://user@host:port/database)",
        )
    return Path(text)


def open_store(location: str | Path, **options: Any) -> Any:
    """The store at ``location`` (``SqliteStore`` or ``PgStore``), with the store options (clock, notify, …).
    A location it cannot use raises ``StoreFileError`` (one line: what is wrong and what would be right)."""
    if is_postgresql(location):
        from .pg import PgStore  # noqa: PLC0415 - psycopg only when PostgreSQL is used

        return PgStore(str(location), **options)
    return SqliteStore(sqlite_path(location), **options)

"""The message store on PostgreSQL: :class:`PgStore` (``pg/store.py``), its schema (``pg/schema.py``) and
the statements' adapter to the concern modules shared with the SQLite store (``pg/tx.py``)."""

from .store import PgStore

__all__ = ["PgStore"]

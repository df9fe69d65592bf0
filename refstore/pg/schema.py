"""The PostgreSQL schema of the message store, its versions and their ordered migrations.

Ready to be distributed by box (``refstore/SCALING.md``): every table but ``schema_version`` has the box
key ``box_pk`` (``box.pk``, computed from the box's names: ``core.ids.box_key``) as the first column of its
primary key, every unique constraint and every foreign key includes it, and no foreign key leaves the
box. Keys of rows (``pk``) come from sequences and are unique only together with ``box_pk``.

``schema_version`` records the version; :func:`migrate` runs the steps after it in order, each in its own
transaction, under an advisory lock so that workers starting together migrate once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import search
from ..core.answers import StoreFileError
from .tx import PgDb

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "V1", "V2", "V3", "migrate", "schema_version"]

_LOCK = 0x6E6D7367656E  # pg_advisory_xact_lock key of schema changes ("nmsgen")

# version 1: boxes, folders, objects, flags, payload parts, tombstones, subscriptions and their delivery
V1: tuple[str, ...] = (
    """
    CREATE TABLE box (
        pk BIGINT PRIMARY KEY,  -- core.ids.box_key(store_name, box_id): the distribution column
        store_name TEXT NOT NULL,
        box_id TEXT NOT NULL,
        mod_seq BIGINT NOT NULL DEFAULT 0 CHECK (mod_seq >= 0)  -- box-wide change counter (lastModSeq)
    )
    """,
    """
    CREATE TABLE used_id (
        box_pk BIGINT NOT NULL REFERENCES box (pk),
        id TEXT NOT NULL,
        PRIMARY KEY (box_pk, id)
    )
    """,
    """
    CREATE TABLE folder (
        box_pk BIGINT NOT NULL REFERENCES box (pk),
        pk BIGSERIAL,
        id TEXT NOT NULL,
        parent_pk BIGINT,
        name TEXT NOT NULL,
        name_fold TEXT NOT NULL DEFAULT '',  -- the name casefolded (AllTextAttributes of folders)
        attributes TEXT NOT NULL,
        last_mod_seq BIGINT NOT NULL,
        created_us BIGINT NOT NULL,
        PRIMARY KEY (box_pk, pk),
        UNIQUE (box_pk, id),
        FOREIGN KEY (box_pk, parent_pk) REFERENCES folder (box_pk, pk),
        CHECK (parent_pk IS NOT NULL OR name = '')
    )
    """,
    "CREATE UNIQUE INDEX folder_sibling_name ON folder (box_pk, parent_pk, name) WHERE parent_pk IS NOT NULL",
    "CREATE UNIQUE INDEX folder_one_root ON folder (box_pk) WHERE parent_pk IS NULL",
    "CREATE INDEX folder_changes ON folder (box_pk, last_mod_seq)",
    """
    CREATE TABLE object (
        box_pk BIGINT NOT NULL REFERENCES box (pk),
        pk BIGSERIAL,
        id TEXT NOT NULL,
        folder_pk BIGINT NOT NULL,
        attributes TEXT NOT NULL,
        correlation_id TEXT,
        correlation_tag TEXT,
        payload BYTEA,
        payload_type TEXT,
        last_mod_seq BIGINT NOT NULL,
        created_seq BIGINT NOT NULL,
        created_us BIGINT NOT NULL,
        PRIMARY KEY (box_pk, pk),
        UNIQUE (box_pk, id),
        FOREIGN KEY (box_pk, folder_pk) REFERENCES folder (box_pk, pk),
        CHECK ((payload IS NULL) = (payload_type IS NULL))
    )
    """,
    "CREATE INDEX object_folder ON object (box_pk, folder_pk, pk)",
    "CREATE INDEX object_created ON object (box_pk, created_us, pk)",
    "CREATE INDEX object_created_seq ON object (box_pk, created_seq)",
    "CREATE INDEX object_folder_created ON object (box_pk, folder_pk, created_us)",
    "CREATE INDEX object_changes ON object (box_pk, last_mod_seq)",
    """
    CREATE TABLE flag (
        box_pk BIGINT NOT NULL,
        object_pk BIGINT NOT NULL,
        pk BIGSERIAL,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (box_pk, pk),
        UNIQUE (box_pk, object_pk, key),
        FOREIGN KEY (box_pk, object_pk) REFERENCES object (box_pk, pk) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX flag_key ON flag (box_pk, key, object_pk)",
    """
    CREATE TABLE payload_part (
        box_pk BIGINT NOT NULL,
        object_pk BIGINT NOT NULL,
        part_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        content_id TEXT,
        content_location TEXT,
        content BYTEA NOT NULL,
        PRIMARY KEY (box_pk, object_pk, part_id),
        FOREIGN KEY (box_pk, object_pk) REFERENCES object (box_pk, pk) ON DELETE CASCADE
    )
    """,
    """
    CREATE TABLE tombstone (
        box_pk BIGINT NOT NULL REFERENCES box (pk),
        pk BIGSERIAL,
        kind TEXT NOT NULL CHECK (kind IN ('object', 'folder')),
        id TEXT NOT NULL,
        last_mod_seq BIGINT NOT NULL,
        correlation_id TEXT,
        correlation_tag TEXT,
        deleted_us BIGINT NOT NULL,
        PRIMARY KEY (box_pk, pk)
    )
    """,
    "CREATE INDEX tombstone_changes ON tombstone (box_pk, last_mod_seq)",
    "CREATE INDEX tombstone_box ON tombstone (box_pk, kind, last_mod_seq)",
    "CREATE INDEX tombstone_deleted ON tombstone (deleted_us)",  # the retention job's scan
    """
    CREATE TABLE change_floor (
        box_pk BIGINT PRIMARY KEY REFERENCES box (pk),
        seq BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE subscription (
        box_pk BIGINT NOT NULL REFERENCES box (pk),
        pk BIGSERIAL,
        id TEXT NOT NULL,
        request TEXT NOT NULL,
        client_correlator TEXT,
        subject TEXT NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL,
        next_index BIGINT NOT NULL,
        restart_token TEXT NOT NULL,
        PRIMARY KEY (box_pk, pk),
        UNIQUE (box_pk, id)
    )
    """,
    """
    CREATE TABLE delivery (
        box_pk BIGINT NOT NULL,
        subscription_pk BIGINT NOT NULL,
        box_url TEXT NOT NULL,
        start_seq BIGINT NOT NULL,
        generation BIGINT NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        next_attempt DOUBLE PRECISION NOT NULL DEFAULT 0,
        lease_until DOUBLE PRECISION NOT NULL DEFAULT 0,
        lease_owner TEXT,
        PRIMARY KEY (box_pk, subscription_pk),
        FOREIGN KEY (box_pk, subscription_pk) REFERENCES subscription (box_pk, pk) ON DELETE CASCADE
    )
    """,
)

# version 2: the search tables (refstore/search.py; filled from the rows when a version-1 database is
# upgraded), the trigram index of AllTextAttributes (pg_trgm)
V2: tuple[str, ...] = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE TABLE object_attr (
        box_pk BIGINT NOT NULL,
        object_pk BIGINT NOT NULL,
        ord INTEGER NOT NULL,
        name_key TEXT NOT NULL,
        value TEXT NOT NULL,
        value_key TEXT NOT NULL,
        value_fold TEXT NOT NULL,  -- casefolded (Python's str.casefold): AllTextAttributes
        PRIMARY KEY (box_pk, object_pk, ord),
        FOREIGN KEY (box_pk, object_pk) REFERENCES object (box_pk, pk) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX object_attr_match ON object_attr (box_pk, name_key, value_key, object_pk)",
    "CREATE INDEX object_attr_text ON object_attr USING gin (value_fold gin_trgm_ops)",
    """
    CREATE TABLE folder_attr (
        box_pk BIGINT NOT NULL,
        folder_pk BIGINT NOT NULL,
        ord INTEGER NOT NULL,
        name_key TEXT NOT NULL,
        value TEXT NOT NULL,
        value_key TEXT NOT NULL,
        value_fold TEXT NOT NULL,
        PRIMARY KEY (box_pk, folder_pk, ord),
        FOREIGN KEY (box_pk, folder_pk) REFERENCES folder (box_pk, pk) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX folder_attr_match ON folder_attr (box_pk, name_key, value_key, folder_pk)",
    """
    CREATE TABLE object_word (
        box_pk BIGINT NOT NULL,
        word TEXT NOT NULL,
        object_pk BIGINT NOT NULL,
        PRIMARY KEY (box_pk, word, object_pk),
        FOREIGN KEY (box_pk, object_pk) REFERENCES object (box_pk, pk) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX object_word_object ON object_word (box_pk, object_pk)",
    """
    CREATE TABLE folder_word (
        box_pk BIGINT NOT NULL,
        word TEXT NOT NULL,
        folder_pk BIGINT NOT NULL,
        PRIMARY KEY (box_pk, word, folder_pk),
        FOREIGN KEY (box_pk, folder_pk) REFERENCES folder (box_pk, pk) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX folder_word_folder ON folder_word (box_pk, folder_pk)",
)

# version 3: the indexes of the searches that grew with the box (benchmarks/results-stores.md): objects sorted
# by an attribute are read in order from object_attr_sort (refstore/search.py, _sorted_by_attribute); the
# candidates of a driven search (e.g. an Or of two senders) get their date sort key from object_key_created
# alone, without reading the object rows (at 1M objects: 16 -> 9 ms for one sender's 1 000 matches)
V3: tuple[str, ...] = (
    f"CREATE INDEX object_attr_sort ON object_attr"
    f' (box_pk, name_key, (substr(value, 1, {search.SORT_VALUE_CHARS})) COLLATE "C", object_pk)',
    "CREATE INDEX object_key_created ON object (box_pk, pk) INCLUDE (created_us)",
)

SCHEMA_VERSION = 3


def _statements(statements: tuple[str, ...]) -> Callable[[PgDb], None]:
    def step(db: PgDb) -> None:
        for statement in statements:
            db.run(statement)

    return step


def _to_v2(db: PgDb) -> None:
    _statements(V2)(db)
    search.reindex(db)


# the step to each version: MIGRATIONS[n - 1] brings a database of version n - 1 to version n
MIGRATIONS: tuple[Callable[[PgDb], None], ...] = (_statements(V1), _to_v2, _statements(V3))


def schema_version(db: PgDb) -> int:
    """The recorded version (0: a database without the store's tables)."""
    if db.one("SELECT to_regclass('schema_version')")[0] is None:  # type: ignore[index]
        return 0
    row = db.one("SELECT version FROM schema_version")
    return 0 if row is None else int(row[0])


def migrate(conn: Any, where: str, *, up_to: int = SCHEMA_VERSION) -> None:
    """Bring the database to version ``up_to`` (default: the latest), one transaction per step, under an
    advisory lock (several workers may start at once). A database of a newer version is refused."""
    db = PgDb(conn)
    for target, step in enumerate(MIGRATIONS, 1):
        if target > up_to:
            break
        with conn.transaction():
            db.run("SELECT pg_advisory_xact_lock(?)", (_LOCK,))
            db.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            version = schema_version(db)
            if version > SCHEMA_VERSION:
                raise StoreFileError(
                    where,
                    "store-newer-schema",
                    f"the database has schema version {version}, newer than this store's {SCHEMA_VERSION};"
                    " use the version of the store that wrote it, or name another database",
                )
            if version >= target:
                continue
            step(db)
            db.run("DELETE FROM schema_version")
            db.run("INSERT INTO schema_version (version) VALUES (?)", (target,))

"""The SQLite schema of the reference store (inline, so that it ships with the package's code).

Every table hangs off ``box``: a box is the pair (store_name, box_id) of the request context, and every
row of a box carries its ``box_pk``. Composite foreign keys ``(pk, box_pk)`` make it impossible for an
object or folder to sit in a folder of another box. :func:`create_schema` creates the schema in a new
file and upgrades the file of an earlier version (``PRAGMA user_version``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from . import search
from .connection import transaction
from .core.answers import StoreFileError
from .tx import Db

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "STATEMENTS", "V1", "V2", "V3", "V4", "create_schema"]

SCHEMA_VERSION = 4

# The schema as each version created it; a file is brought from its version to the latest by running the
# steps after it in order (MIGRATIONS), each step in the one write transaction of create_schema.

# version 1: boxes, folders, objects, flags, payload parts, tombstones, subscriptions
V1: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS box (
        pk INTEGER PRIMARY KEY,
        store_name TEXT NOT NULL,
        box_id TEXT NOT NULL,
        mod_seq INTEGER NOT NULL DEFAULT 0 CHECK (mod_seq >= 0),  -- box-wide change counter (lastModSeq)
        UNIQUE (store_name, box_id)
    )
    """,
    # every id ever handed out in a box (objects, folders, subscriptions): never reused
    """
    CREATE TABLE IF NOT EXISTS used_id (
        box_pk INTEGER NOT NULL REFERENCES box (pk),
        id TEXT NOT NULL,
        PRIMARY KEY (box_pk, id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS folder (
        pk INTEGER PRIMARY KEY AUTOINCREMENT,
        box_pk INTEGER NOT NULL REFERENCES box (pk),
        id TEXT NOT NULL,
        parent_pk INTEGER,
        name TEXT NOT NULL,
        attributes TEXT NOT NULL,  -- the client's AttributeList, NMS JSON
        last_mod_seq INTEGER NOT NULL,
        created_us INTEGER NOT NULL,  -- NMS internal date, microseconds since the epoch (UTC)
        UNIQUE (box_pk, id),
        UNIQUE (pk, box_pk),
        FOREIGN KEY (parent_pk, box_pk) REFERENCES folder (pk, box_pk),
        CHECK (parent_pk IS NOT NULL OR name = '')
    )
    """,
    # folder names are unique among siblings (paths resolve to one folder); one root folder per box
    "CREATE UNIQUE INDEX IF NOT EXISTS folder_sibling_name ON folder (parent_pk, name) WHERE parent_pk IS NOT NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS folder_one_root ON folder (box_pk) WHERE parent_pk IS NULL",
    """
    CREATE TABLE IF NOT EXISTS object (
        pk INTEGER PRIMARY KEY AUTOINCREMENT,
        box_pk INTEGER NOT NULL REFERENCES box (pk),
        id TEXT NOT NULL,
        folder_pk INTEGER NOT NULL,
        attributes TEXT NOT NULL,  -- the client's AttributeList, NMS JSON
        correlation_id TEXT,
        correlation_tag TEXT,
        payload BLOB,
        payload_type TEXT,
        last_mod_seq INTEGER NOT NULL,
        created_seq INTEGER NOT NULL,  -- the box's mod_seq at creation (CreatedObjects searches)
        created_us INTEGER NOT NULL,  -- NMS internal date, microseconds since the epoch (UTC)
        UNIQUE (box_pk, id),
        FOREIGN KEY (folder_pk, box_pk) REFERENCES folder (pk, box_pk),
        CHECK ((payload IS NULL) = (payload_type IS NULL))
    )
    """,
    "CREATE INDEX IF NOT EXISTS object_folder ON object (folder_pk)",
    # search: Date ranges and the default sort walk these; scoped searches use (folder_pk, created_us)
    "CREATE INDEX IF NOT EXISTS object_created ON object (box_pk, created_us)",
    "CREATE INDEX IF NOT EXISTS object_created_seq ON object (box_pk, created_seq)",
    "CREATE INDEX IF NOT EXISTS object_folder_created ON object (folder_pk, created_us)",
    """
    CREATE TABLE IF NOT EXISTS flag (
        pk INTEGER PRIMARY KEY,
        object_pk INTEGER NOT NULL REFERENCES object (pk) ON DELETE CASCADE,
        key TEXT NOT NULL,  -- casefolded name: flag names are case-insensitive
        name TEXT NOT NULL,  -- as given
        UNIQUE (object_pk, key)
    )
    """,
    "CREATE INDEX IF NOT EXISTS flag_key ON flag (key, object_pk)",  # Flag searches driven by the flag
    """
    CREATE TABLE IF NOT EXISTS payload_part (
        object_pk INTEGER NOT NULL REFERENCES object (pk) ON DELETE CASCADE,
        part_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        content_id TEXT,
        content_location TEXT,
        content BLOB NOT NULL,
        PRIMARY KEY (object_pk, part_id)
    )
    """,
    # deleted objects and folders (VanishedObjects searches; later: deletedObject/deletedFolder events)
    """
    CREATE TABLE IF NOT EXISTS tombstone (
        pk INTEGER PRIMARY KEY,
        box_pk INTEGER NOT NULL REFERENCES box (pk),
        kind TEXT NOT NULL CHECK (kind IN ('object', 'folder')),
        id TEXT NOT NULL,
        last_mod_seq INTEGER NOT NULL,
        correlation_id TEXT,
        correlation_tag TEXT,
        deleted_us INTEGER NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS tombstone_box ON tombstone (box_pk, kind, last_mod_seq)",
    """
    CREATE TABLE IF NOT EXISTS subscription (
        pk INTEGER PRIMARY KEY,
        box_pk INTEGER NOT NULL REFERENCES box (pk),
        id TEXT NOT NULL,
        request TEXT NOT NULL,  -- callbackReference, filter, clientCorrelator as sent, NMS JSON
        client_correlator TEXT,
        subject TEXT NOT NULL,
        expires_at REAL NOT NULL,  -- seconds since the epoch
        next_index INTEGER NOT NULL,
        restart_token TEXT NOT NULL,
        UNIQUE (box_pk, id)
    )
    """,
)

# version 2: the search tables (refstore/search.py, filled from the rows by _reindex), notification delivery
# state of a subscription (refstore/notify.py), the purge point of a box's tombstones (restart tokens before
# it get a resetBox), the change log's indexes
V2: tuple[str, ...] = (
    # ---- search indexes (refstore/search.py), maintained by the store next to the JSON they derive from
    # one row per attribute value, in the order given (ord): Attribute searches and Attribute sorts
    """
    CREATE TABLE IF NOT EXISTS object_attr (
        object_pk INTEGER NOT NULL REFERENCES object (pk) ON DELETE CASCADE,
        box_pk INTEGER NOT NULL,
        ord INTEGER NOT NULL,
        name_key TEXT NOT NULL,  -- casefolded name: attribute names are case-insensitive
        value TEXT NOT NULL,  -- as given
        value_key TEXT NOT NULL,  -- casefolded for the case-insensitive attributes of App. I, else as given
        PRIMARY KEY (object_pk, ord)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS object_attr_match ON object_attr (box_pk, name_key, value_key, object_pk)",
    """
    CREATE TABLE IF NOT EXISTS folder_attr (
        folder_pk INTEGER NOT NULL REFERENCES folder (pk) ON DELETE CASCADE,
        box_pk INTEGER NOT NULL,
        ord INTEGER NOT NULL,
        name_key TEXT NOT NULL,
        value TEXT NOT NULL,
        value_key TEXT NOT NULL,
        PRIMARY KEY (folder_pk, ord)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS folder_attr_match ON folder_attr (box_pk, name_key, value_key, folder_pk)",
    # the casefolded words of the text attributes and textual payload parts: WholeWord searches
    """
    CREATE TABLE IF NOT EXISTS object_word (
        box_pk INTEGER NOT NULL,
        word TEXT NOT NULL,
        object_pk INTEGER NOT NULL REFERENCES object (pk) ON DELETE CASCADE,
        PRIMARY KEY (box_pk, word, object_pk)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS object_word_object ON object_word (object_pk)",
    """
    CREATE TABLE IF NOT EXISTS folder_word (
        box_pk INTEGER NOT NULL,
        word TEXT NOT NULL,
        folder_pk INTEGER NOT NULL REFERENCES folder (pk) ON DELETE CASCADE,
        PRIMARY KEY (box_pk, word, folder_pk)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS folder_word_folder ON folder_word (folder_pk)",
    # the casefolded text attributes of each object (rowid = object pk), trigram-indexed: AllTextAttributes
    # searches of 3 characters or more find their candidates here (FTS5 is a prefilter, the exact test is
    # done on object_attr)
    "CREATE VIRTUAL TABLE IF NOT EXISTS object_text USING fts5 (text, tokenize = 'trigram case_sensitive 1')",
    """
    CREATE TRIGGER IF NOT EXISTS object_text_delete AFTER DELETE ON object BEGIN
        DELETE FROM object_text WHERE rowid = old.pk;
    END
    """,
    """
    CREATE TABLE IF NOT EXISTS delivery (
        subscription_pk INTEGER PRIMARY KEY REFERENCES subscription (pk) ON DELETE CASCADE,
        box_url TEXT NOT NULL,  -- the box's absolute URL when subscribed: events carry resource URLs
        start_seq INTEGER NOT NULL,  -- the box's mod_seq at creation (CreatedObjects filter)
        generation INTEGER NOT NULL DEFAULT 0,  -- bumped by a client update: an in-flight result yields to it
        failures INTEGER NOT NULL DEFAULT 0,  -- failed deliveries in a row
        next_attempt REAL NOT NULL DEFAULT 0,  -- back-off: not before (seconds since the epoch)
        lease_until REAL NOT NULL DEFAULT 0,  -- a sender (of any process) is delivering until then
        lease_owner TEXT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS change_floor (
        box_pk INTEGER PRIMARY KEY REFERENCES box (pk),
        seq INTEGER NOT NULL  -- tombstones with last_mod_seq <= seq were purged
    )
    """,
    # the change log: rows changed after a point, in sequence order (refstore/changes.py CHANGES_SQL)
    "CREATE INDEX IF NOT EXISTS object_changes ON object (box_pk, last_mod_seq)",
    "CREATE INDEX IF NOT EXISTS folder_changes ON folder (box_pk, last_mod_seq)",
    "CREATE INDEX IF NOT EXISTS tombstone_changes ON tombstone (box_pk, last_mod_seq)",
    "CREATE INDEX IF NOT EXISTS subscription_box ON subscription (box_pk)",
)

# version 3: every row names its box (box_pk), so that every statement is filtered by box (the tables of
# flags, payload parts and delivery records were keyed by their owner's key alone)
V3: tuple[str, ...] = (
    "ALTER TABLE flag ADD COLUMN box_pk INTEGER NOT NULL DEFAULT 0",
    "UPDATE flag SET box_pk = (SELECT o.box_pk FROM object o WHERE o.pk = flag.object_pk)",
    "DROP INDEX IF EXISTS flag_key",
    "CREATE INDEX flag_key ON flag (box_pk, key, object_pk)",  # Flag searches driven by the flag
    "ALTER TABLE payload_part ADD COLUMN box_pk INTEGER NOT NULL DEFAULT 0",
    "UPDATE payload_part SET box_pk = (SELECT o.box_pk FROM object o WHERE o.pk = payload_part.object_pk)",
    "ALTER TABLE delivery ADD COLUMN box_pk INTEGER NOT NULL DEFAULT 0",
    "UPDATE delivery SET box_pk = (SELECT s.box_pk FROM subscription s WHERE s.pk = delivery.subscription_pk)",
)

# version 4: the flags of one object by its key. Version 3's flag_key (box, key, object) led SQLite, which keeps
# no statistics, to read an object's flags by scanning every flag of its box (box_pk = ? matched its first
# column as well as the unique (object, key) did): reading 100 objects of a 100k box took 0.6 s instead of 10 ms
V4: tuple[str, ...] = ("CREATE INDEX IF NOT EXISTS flag_object ON flag (box_pk, object_pk, key)",)

# every statement of every version, in order (what a new file runs)
STATEMENTS: tuple[str, ...] = V1 + V2 + V3 + V4


def create_schema(conn: sqlite3.Connection, path: str, *, up_to: int = SCHEMA_VERSION) -> None:
    """Bring the file to schema version ``up_to`` (default: the latest) in one write transaction: a new file
    runs every step from version 1, a file of an earlier version the steps after its own (``PRAGMA
    user_version``). A file of a newer version is refused (``store-newer-schema``)."""
    with transaction(conn, write=True):
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreFileError(
                path,
                "store-newer-schema",
                f"the store file has schema version {version}, newer than this store's {SCHEMA_VERSION};"
                " open it with the version of the store that wrote it, or name another file",
            )
        for target, step in enumerate(MIGRATIONS, 1):
            if version < target <= up_to:
                step(conn)
                version = target
        conn.execute(f"PRAGMA user_version={version}")  # also a write: a file the store cannot write is refused now


def _statements(statements: tuple[str, ...]) -> Callable[[sqlite3.Connection], None]:
    def step(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return step


def _to_v2(conn: sqlite3.Connection) -> None:
    _statements(V2)(conn)
    search.reindex(Db(conn))


# the step to each version: MIGRATIONS[n - 1] brings a file of version n - 1 to version n
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _statements(V1),
    _to_v2,
    _statements(V3),
    _statements(V4),
)

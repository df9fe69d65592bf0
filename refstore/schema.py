"""The SQLite schema of the reference store (inline, so that it ships with the package's code).

Every table hangs off ``box``: a box is the pair (store_name, box_id) of the request context, and every
row of a box carries its ``box_pk``. Composite foreign keys ``(pk, box_pk)`` make it impossible for an
object or folder to sit in a folder of another box.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

STATEMENTS: tuple[str, ...] = (
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
    """
    CREATE TABLE IF NOT EXISTS flag (
        pk INTEGER PRIMARY KEY,
        object_pk INTEGER NOT NULL REFERENCES object (pk) ON DELETE CASCADE,
        key TEXT NOT NULL,  -- casefolded name: flag names are case-insensitive
        name TEXT NOT NULL,  -- as given
        UNIQUE (object_pk, key)
    )
    """,
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

# Notification delivery state of a subscription (refstore/notify.py), and the point up to which a box's
# tombstones were purged (restart tokens before it get a resetBox). New tables, so that databases of an
# earlier version gain them on open (CREATE ... IF NOT EXISTS).
STATEMENTS += (
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
    # the change log: rows changed after a point, in sequence order (refstore/notify.py CHANGES_SQL)
    "CREATE INDEX IF NOT EXISTS object_changes ON object (box_pk, last_mod_seq)",
    "CREATE INDEX IF NOT EXISTS folder_changes ON folder (box_pk, last_mod_seq)",
    "CREATE INDEX IF NOT EXISTS tombstone_changes ON tombstone (box_pk, last_mod_seq)",
    "CREATE INDEX IF NOT EXISTS subscription_box ON subscription (box_pk)",
)

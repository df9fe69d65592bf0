"""The folder tree of a box in SQLite: finding folders and objects (by id, key, path or URL), folder
paths, new folders, subtrees, and the references (URL and path) the answers carry."""

from __future__ import annotations

from mcdata_store import models

from . import search
from .core.answers import bad, not_found
from .core.attributes import pairs
from .core.ids import FOLDER_PREFIX
from .core.paths import MAX_FOLDER_PATH, MalformedPath, split_object_path, split_path
from .core.urls import folder_url, object_url, ref_id
from .tx import Row, Tx

__all__ = [
    "OBJECT_SELECT",
    "SUBTREE",
    "check_path_room",
    "display_path",
    "find_folder",
    "folder_at_url",
    "folder_by_pk",
    "folder_path",
    "folder_ref",
    "insert_folder",
    "object_at",
    "object_by_pk",
    "object_from_ref",
    "object_ref",
    "object_row",
    "parent_for_create",
    "require_folder",
    "require_object",
    "resolve_path",
    "root",
    "scope",
    "sibling_exists",
    "subtree",
]

OBJECT_SELECT = (
    "SELECT o.*, f.id AS folder_id FROM object o JOIN folder f ON f.box_pk = o.box_pk AND f.pk = o.folder_pk"
)

# the folder ? of the box ? and every folder below it, with its depth below ? (prefix of a query on "sub")
SUBTREE = """
    WITH RECURSIVE sub(pk, depth) AS (
        SELECT CAST(? AS BIGINT), 0 UNION ALL
        SELECT f.pk, sub.depth + 1 FROM folder f JOIN sub ON f.parent_pk = sub.pk WHERE f.box_pk = ?
    )
"""


# ------------------------------------------------------------------------------------------ folders


def find_folder(tx: Tx, folder_id: str) -> Row | None:
    return tx.one("SELECT * FROM folder WHERE box_pk = ? AND id = ?", (tx.box, folder_id))


def require_folder(tx: Tx, folder_id: str, what: str = "") -> Row:
    """The folder, else SVC0004 naming its URL (+ ``what``) with the link ``folder`` (TS14 D.36)."""
    row = find_folder(tx, folder_id)
    if row is None:
        url = folder_url(tx.box_url, folder_id)
        raise not_found(url + what, [("folder", url)])
    return row


def folder_at_url(tx: Tx, url: str, part: str) -> Row:
    """The folder a request names by URL in ``part``: an unknown folder, or a URL that names no folder of this
    box (another box, host or kind), is SVC0004 with the URL (``part`` names the field for readers)."""
    folder_id = ref_id(tx.box_url, url, "folders")
    if folder_id is None:  # a URL that names no folder of this box
        raise not_found(url)
    row = find_folder(tx, folder_id)
    if row is None:
        raise not_found(url)
    return row


def folder_by_pk(tx: Tx, pk: int) -> Row:
    row = tx.one("SELECT * FROM folder WHERE pk = ? AND box_pk = ?", (pk, tx.box))
    assert row is not None
    return row


def root(tx: Tx) -> Row:
    row = tx.one("SELECT * FROM folder WHERE box_pk = ? AND parent_pk IS NULL", (tx.box,))
    assert row is not None, "every box has its root folder"
    return row


def sibling_exists(tx: Tx, parent_pk: int, name: str, except_pk: int | None = None) -> bool:
    row = tx.one("SELECT pk FROM folder WHERE box_pk = ? AND parent_pk = ? AND name = ?", (tx.box, parent_pk, name))
    return row is not None and int(row[0]) != except_pk


def subtree(tx: Tx, pk: int) -> list[tuple[int, int]]:
    """(pk, depth) of the folder and every folder below it, parents before children."""
    rows = tx.all(SUBTREE + "SELECT pk, depth FROM sub ORDER BY depth, pk", (pk, tx.box))
    return [(int(r[0]), int(r[1])) for r in rows]


def insert_folder(tx: Tx, parent_pk: int | None, name: str | None, attributes: models.AttributeList) -> tuple[int, str]:
    """A new folder (key, id) with a new lastModSeq, indexed for searches. Without a name the server
    assigns one: the folder id (suffixed if a sibling has it)."""
    folder_id = tx.new_id(FOLDER_PREFIX)
    if name is None:
        name, n = folder_id, 1
        while tx.one("SELECT 1 FROM folder WHERE box_pk = ? AND parent_pk = ? AND name = ?", (tx.box, parent_pk, name)):
            n += 1
            name = f"{folder_id}-{n}"
    seq = tx.bump()
    row = tx.run(
        "INSERT INTO folder (box_pk, id, parent_pk, name, attributes, last_mod_seq, created_us)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING pk",
        (tx.box, folder_id, parent_pk, name, attributes.model_dump_json(exclude_unset=True), seq, tx.now_us()),
    ).fetchone()
    search.index_folder(tx, tx.box, int(row[0]), name, pairs(attributes))
    return int(row[0]), folder_id


def parent_for_create(tx: Tx, parent_url: str | None, parent_path: str | None, *, required: bool) -> int:
    """The folder named by parentFolder (URL of this box) or parentFolderPath (created if missing); without
    either the root folder (the default folder of objects) unless ``required``."""
    if parent_url is not None:
        return int(folder_at_url(tx, parent_url, "parentFolder")["pk"])
    if parent_path is not None:
        try:
            pk = resolve_path(tx, parent_path, create=True)
        except MalformedPath:
            raise bad("parentFolderPath") from None
        if pk is None:  # the path names a root folder that does not exist (only "" exists)
            raise bad("parentFolderPath")
        return pk
    if required:
        raise bad("parentFolder")
    return int(root(tx)["pk"])


def scope(tx: Tx, body: models.SelectionCriteria) -> search.Scope | None:
    """The folder a search starts from (None: the whole box), recursive unless nonRecursiveScope."""
    if body.searchScope is None:
        return None
    row = folder_at_url(tx, body.searchScope.resourceURL, "searchScope")
    return search.Scope(int(row["pk"]), recursive=not body.nonRecursiveScope)


# ------------------------------------------------------------------------------------------ paths


def folder_path(tx: Tx, pk: int) -> str:
    """Folder names from the root joined by "/": "" for the root (named ""), "/Inbox/Team" below it."""
    if pk not in tx.paths:
        rows = tx.all(
            """
            WITH RECURSIVE up(pk, parent_pk, name, depth) AS (
                SELECT pk, parent_pk, name, 0 FROM folder WHERE pk = ? AND box_pk = ?
                UNION ALL
                SELECT f.pk, f.parent_pk, f.name, up.depth + 1 FROM folder f JOIN up ON f.pk = up.parent_pk
                WHERE f.box_pk = ?
            )
            SELECT name FROM up ORDER BY depth DESC
            """,
            (pk, tx.box, tx.box),
        )
        tx.paths[pk] = "/".join(str(r[0]) for r in rows)
    return tx.paths[pk]


def display_path(tx: Tx, pk: int) -> str:
    """The folder's path as exceptions name it ("/" for the root)."""
    return folder_path(tx, pk) or "/"


def resolve_path(tx: Tx, path: str, *, create: bool) -> int | None:
    """The folder at path in the box (created with its missing ancestors when create), else None; raises
    MalformedPath for a malformed path."""
    names = split_path(path)
    top = tx.one("SELECT pk FROM folder WHERE box_pk = ? AND parent_pk IS NULL AND name = ?", (tx.box, names[0]))
    if top is None:
        return None
    pk = int(top[0])
    for name in names[1:]:
        child = tx.one("SELECT pk FROM folder WHERE box_pk = ? AND parent_pk = ? AND name = ?", (tx.box, pk, name))
        if child is not None:
            pk = int(child[0])
        elif create:
            check_path_room(tx, pk, name)
            pk = insert_folder(tx, pk, name, models.AttributeList(attribute=[]))[0]
        else:
            return None
    return pk


def check_path_room(tx: Tx, parent_pk: int, name: str, subtree_pk: int | None = None) -> None:
    """Refuse a folder whose path (or a path below it) would not fit a Reference (4096 characters)."""
    below = 0
    if subtree_pk is not None:
        row = tx.one(
            """
            WITH RECURSIVE sub(pk, len) AS (
                SELECT CAST(? AS BIGINT), 0 UNION ALL
                SELECT f.pk, sub.len + 1 + length(f.name) FROM folder f JOIN sub ON f.parent_pk = sub.pk
                WHERE f.box_pk = ?
            ) SELECT max(len) FROM sub
            """,
            (subtree_pk, tx.box),
        )
        below = int(row[0]) if row is not None and row[0] is not None else 0
    if len(folder_path(tx, parent_pk)) + 1 + len(name) + below > MAX_FOLDER_PATH:
        raise bad("path (too long)")


# ------------------------------------------------------------------------------------------ objects


def object_row(tx: Tx, object_id: str) -> Row | None:
    return tx.one(OBJECT_SELECT + " WHERE o.box_pk = ? AND o.id = ?", (tx.box, object_id))


def require_object(tx: Tx, object_id: str, what: str = "") -> Row:
    """The object, else SVC0004 naming its URL (+ ``what``, e.g. "/flags")."""
    row = object_row(tx, object_id)
    if row is None:
        raise not_found(object_url(tx.box_url, object_id) + what)
    return row


def object_by_pk(tx: Tx, pk: int) -> Row:
    row = tx.one(OBJECT_SELECT + " WHERE o.pk = ? AND o.box_pk = ?", (pk, tx.box))
    assert row is not None
    return row


def object_from_ref(tx: Tx, url: str) -> Row | None:
    """The object a resource URL of this box names, else None."""
    object_id = ref_id(tx.box_url, url, "objects")
    return None if object_id is None else object_row(tx, object_id)


def object_at(tx: Tx, path: str) -> Row | None:
    """The object at "{folder path}/{objectId}"; raises MalformedPath for a malformed path."""
    path_of_folder, object_id = split_object_path(path)
    folder_pk = resolve_path(tx, path_of_folder, create=False)
    if folder_pk is None:
        return None
    return tx.one(
        OBJECT_SELECT + " WHERE o.box_pk = ? AND o.id = ? AND o.folder_pk = ?", (tx.box, object_id, folder_pk)
    )


# ------------------------------------------------------------------------------------------ references


def folder_ref(tx: Tx, row: Row) -> models.Reference:
    path = folder_path(tx, int(row["pk"]))
    return models.Reference(resourceURL=folder_url(tx.box_url, str(row["id"])), path=path or None)


def object_ref(tx: Tx, object_id: str, folder_pk: int) -> models.Reference:
    path = f"{folder_path(tx, folder_pk)}/{object_id}"
    return models.Reference(resourceURL=object_url(tx.box_url, object_id), path=path)

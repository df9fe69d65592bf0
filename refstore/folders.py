"""Folders in SQLite: the Folder model answered (attributes, App. K counts, the listing of subfolders
and objects with its cursor) and the operations on ``/folders``: create, get, delete (recursive, one
tombstone per folder and object), name, rename, search, pathToId."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from mcdata_store import models
from mcdata_store.store import StoreError

from . import search
from .core.answers import PAGE_MAX, bad, failure, not_found, success
from .core.attributes import COUNT_ATTRIBUTES, attribute_list, folder_pairs, stored_pairs
from .core.flags import flag_key
from .core.ids import decode_listing_cursor, encode_listing_cursor
from .core.paths import MalformedPath, valid_folder_name
from .core.urls import folder_url
from .objects import delete_rows
from .tree import (
    SUBTREE,
    check_path_room,
    folder_by_pk,
    folder_path,
    folder_ref,
    insert_folder,
    object_ref,
    parent_for_create,
    require_folder,
    resolve_path,
    scope,
    sibling_exists,
    subtree,
)
from .tx import Row, Tx

__all__ = [
    "create_folder",
    "delete_folder",
    "delete_subtree",
    "get_folder",
    "get_folder_id_by_path",
    "get_folder_ids_by_paths",
    "get_folder_name",
    "model",
    "rename_folder",
    "search_folders",
]


def model(
    tx: Tx,
    row: Row,
    *,
    with_path: bool,
    list_filter: models.ListFilterEnum | None = None,
    from_cursor: str | None = None,
    max_entries: int | None = None,
    attr_filter: Sequence[str] = (),
) -> models.Folder:
    """The Folder answered for a folder row: with its path if asked, and its listing if ``list_filter``."""
    fields: dict[str, Any] = {}
    if row["parent_pk"] is not None:
        fields["parentFolder"] = folder_url(tx.box_url, str(folder_by_pk(tx, int(row["parent_pk"]))["id"]))
    fields["attributes"] = _attributes(tx, row, attr_filter)
    fields["resourceURL"] = folder_url(tx.box_url, str(row["id"]))
    if with_path:
        fields["path"] = folder_path(tx, int(row["pk"])) or None
    fields["name"] = str(row["name"])
    fields["lastModSeq"] = int(row["last_mod_seq"])
    if list_filter is not None:
        fields.update(_children(tx, int(row["pk"]), list_filter, from_cursor, max_entries))
    return models.Folder(**fields)


def _attributes(tx: Tx, row: Row, attr_filter: Sequence[str] = ()) -> models.AttributeList:
    """The client's attributes with Root and Name (App. J); only those named when ``attr_filter``, which
    may also name the App. K counts."""
    found = folder_pairs(row["parent_pk"] is None, str(row["attributes"]), str(row["name"]))
    if attr_filter:
        wanted = {a.casefold() for a in attr_filter}
        found = [p for p in found if p[0].casefold() in wanted]
        counted = [name for name in COUNT_ATTRIBUTES if name.casefold() in wanted]
        if counted:  # computed only when asked for (TS14 1.4: never without attrFilter)
            values = _counts(tx, int(row["pk"]))
            found += [(name, [str(values[name])]) for name in counted]
    return attribute_list(found)


def _counts(tx: Tx, pk: int) -> dict[str, int]:
    """The RCS folder attributes of TS14 App. K: objects, unread objects (no \\Seen flag) and payload bytes,
    directly in the folder and in its whole subtree."""
    select = (
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM flag WHERE flag.box_pk = o.box_pk"
        " AND flag.object_pk = o.pk AND flag.key = ?) THEN 0 ELSE 1 END), 0), COALESCE(SUM(LENGTH(o.payload)), 0)"
        " FROM object o WHERE o.box_pk = ? AND "
    )
    seen = flag_key("\\Seen")
    here = tx.one(select + "o.folder_pk = ?", (seen, tx.box, pk))
    tree = tx.one(SUBTREE + select + "o.folder_pk IN (SELECT pk FROM sub)", (pk, tx.box, seen, tx.box))
    assert here is not None and tree is not None
    return {
        "MsgCount": int(here[0]),
        "UnreadMsgCount": int(here[1]),
        "Size": int(here[2]),
        "SubtreeMsgCount": int(tree[0]),
        "SubtreeUnreadMsgCount": int(tree[1]),
        "SubtreeSize": int(tree[2]),
    }


def _children(
    tx: Tx, pk: int, list_filter: models.ListFilterEnum, from_cursor: str | None, max_entries: int | None
) -> dict[str, Any]:
    """subFolders then objects, by creation, at most max_entries in all; cursor = where to go on."""
    want_folders = list_filter in (models.ListFilterEnum.Subfolders, models.ListFilterEnum.All)
    want_objects = list_filter in (models.ListFilterEnum.Objects, models.ListFilterEnum.All)
    phase: Literal["F", "O"] = "F" if want_folders else "O"
    after = 0
    if from_cursor:
        phase, after = decode_listing_cursor(from_cursor)
        if phase == "F" and not want_folders:
            phase, after = "O", 0
    remaining = min(PAGE_MAX if max_entries is None else max_entries, PAGE_MAX)
    out: dict[str, Any] = {}
    folders: list[models.Reference] = []
    objects: list[models.Reference] = []
    cursor: tuple[Literal["F", "O"], int] | None = None
    if want_folders and phase == "F":
        rows = tx.all(
            "SELECT * FROM folder WHERE box_pk = ? AND parent_pk = ? AND pk > ? ORDER BY pk LIMIT ?",
            (tx.box, pk, after, remaining + 1),
        )
        if len(rows) > remaining:
            rows = rows[:remaining]
            cursor = ("F", int(rows[-1]["pk"]) if rows else after)
        folders = [folder_ref(tx, r) for r in rows]
        remaining -= len(rows)
        phase, after = "O", 0
    if want_objects and cursor is None:
        rows = tx.all(
            "SELECT pk, id FROM object WHERE box_pk = ? AND folder_pk = ? AND pk > ? ORDER BY pk LIMIT ?",
            (tx.box, pk, after, remaining + 1),
        )
        if len(rows) > remaining:
            rows = rows[:remaining]
            cursor = ("O", int(rows[-1]["pk"]) if rows else after)
        objects = [object_ref(tx, str(r["id"]), pk) for r in rows]
    if cursor is not None:
        out["cursor"] = encode_listing_cursor(*cursor)
    if want_folders:
        out["subFolders"] = models.FolderReferenceList(folderReference=folders)
    if want_objects:
        out["objects"] = models.ObjectReferenceList(objectReference=objects)
    return out


def delete_subtree(tx: Tx, pk: int) -> None:
    """Delete a folder with everything below it, in the current transaction (all or nothing): objects
    first, then folders deepest first, each leaving a tombstone with its own lastModSeq."""
    folders = subtree(tx, pk)
    objects = tx.all(
        SUBTREE + "SELECT o.* FROM object o JOIN sub ON o.folder_pk = sub.pk WHERE o.box_pk = ?"
        " ORDER BY sub.depth DESC, o.pk",
        (pk, tx.box, tx.box),
    )
    delete_rows(tx, objects)
    deepest_first = sorted(folders, key=lambda pd: (-pd[1], pd[0]))
    last = tx.bump(len(deepest_first))
    now = tx.now_us()
    ids = {
        int(r["pk"]): str(r["id"])
        for r in tx.all(
            SUBTREE + "SELECT f.pk, f.id FROM folder f JOIN sub ON f.pk = sub.pk WHERE f.box_pk = ?",
            (pk, tx.box, tx.box),
        )
    }
    tx.run_many(
        "INSERT INTO tombstone (box_pk, kind, id, last_mod_seq, deleted_us) VALUES (?, 'folder', ?, ?, ?)",
        [(tx.box, ids[p], last - len(deepest_first) + 1 + i, now) for i, (p, _) in enumerate(deepest_first)],
    )
    tx.run(SUBTREE + "DELETE FROM folder WHERE box_pk = ? AND pk IN (SELECT pk FROM sub)", (pk, tx.box, tx.box))
    tx.paths.clear()


# ------------------------------------------------------------------------------------------ operations


def create_folder(tx: Tx, body: models.Folder) -> models.Reference:
    """A new folder below the parent the body names (``core.attributes`` checked the attributes and name)."""
    name = body.name
    parent = parent_for_create(tx, body.parentFolder, body.parentFolderPath, required=True)
    if name is not None:
        if sibling_exists(tx, parent, name):
            raise bad("name")
        check_path_room(tx, parent, name)
    else:
        check_path_room(tx, parent, "x" * 24)  # room for the name the server gives (the folder id)
    pk, _ = insert_folder(tx, parent, name, body.attributes)
    return folder_ref(tx, folder_by_pk(tx, pk))


def get_folder(
    tx: Tx,
    folder_id: str,
    from_cursor: str | None,
    max_entries: int | None,
    list_filter: models.ListFilterEnum | None,
    path: models.YesEnum | None,
    attr_filter: list[str],
) -> models.Folder:
    return model(
        tx,
        require_folder(tx, folder_id),
        with_path=path == models.YesEnum.Yes,
        list_filter=list_filter,
        from_cursor=from_cursor,
        max_entries=max_entries,
        attr_filter=attr_filter,
    )


def delete_folder(tx: Tx, folder_id: str) -> None:
    row = require_folder(tx, folder_id)
    if row["parent_pk"] is None:
        raise StoreError("POL0001", ["root folder deletion"])
    delete_subtree(tx, int(row["pk"]))


def get_folder_name(tx: Tx, folder_id: str) -> models.FolderName:
    return models.FolderName(str(require_folder(tx, folder_id, "/folderName")["name"]))


def rename_folder(tx: Tx, folder_id: str, name: str) -> models.FolderName:
    row = require_folder(tx, folder_id, "/folderName")
    if row["parent_pk"] is None:
        raise StoreError("POL1030")
    if not valid_folder_name(name):
        raise bad("name")
    pk, parent = int(row["pk"]), int(row["parent_pk"])
    if name != row["name"]:
        if sibling_exists(tx, parent, name, except_pk=pk):
            raise bad("name")
        check_path_room(tx, parent, name, subtree_pk=pk)
        tx.run(
            "UPDATE folder SET name = ?, last_mod_seq = ? WHERE box_pk = ? AND pk = ?", (name, tx.bump(), tx.box, pk)
        )
        search.index_folder(tx, tx.box, pk, name, stored_pairs(str(row["attributes"])))
        tx.paths.clear()
    return models.FolderName(name)


def search_folders(tx: Tx, body: models.SelectionCriteria) -> models.FolderList:
    """One batch of the folders the criteria select, with their paths; root folders with their children
    (TS14 5.3.2.8)."""
    pks, cursor = search.search(tx, "folder", body, scope(tx, body), PAGE_MAX)
    found = []
    for pk in pks:
        row = folder_by_pk(tx, pk)
        is_root = row["parent_pk"] is None
        found.append(model(tx, row, with_path=True, list_filter=models.ListFilterEnum.All if is_root else None))
    fields: dict[str, Any] = {"folder": found}
    if cursor is not None:
        fields["cursor"] = cursor
    return models.FolderList(**fields)


def get_folder_id_by_path(tx: Tx, path: str | None) -> models.Reference:
    """The folder at path (malformed and unknown: SVC0004); without a path the root (SVC1009 if the box
    ever had more or fewer than one)."""
    if path is None:
        roots = tx.all("SELECT * FROM folder WHERE box_pk = ? AND parent_pk IS NULL", (tx.box,))
        if len(roots) != 1:
            raise StoreError("SVC1009")
        return folder_ref(tx, roots[0])
    try:
        pk = resolve_path(tx, path, create=False)
    except MalformedPath:
        pk = None
    if pk is None:
        raise not_found(path)
    return folder_ref(tx, folder_by_pk(tx, pk))


def get_folder_ids_by_paths(tx: Tx, body: models.PathList) -> models.BulkResponseList:
    """Per path in request order: 200 + Reference; malformed 400 SVC0002; unknown 404 SVC2008 (TS14 D.51)."""
    responses = []
    for item in body.path:
        path = item.root
        try:
            pk = resolve_path(tx, path, create=False)
        except MalformedPath:
            responses.append(failure(bad(path)))
            continue
        if pk is None:
            responses.append(failure(StoreError("SVC2008", ["path", path])))  # as TS14 D.51
        else:
            responses.append(success(200, folder_ref(tx, folder_by_pk(tx, pk))))
    return models.BulkResponseList(response=responses)

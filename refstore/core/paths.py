"""Paths in a box's folder tree: folder names from the root joined by "/" (the root's name is "", so its
children are ``/Inbox``), and an object's path ``{folder path}/{objectId}``."""

from __future__ import annotations

__all__ = [
    "MAX_FOLDER_PATH",
    "MAX_NAME",
    "MalformedPath",
    "split_object_path",
    "split_path",
    "valid_folder_name",
]

MAX_FOLDER_PATH = 4096 - 64  # room for "/" + an object id under the deepest folder (Reference.path <= 4096)
MAX_NAME = 1024  # the longest folder name a path may hold


class MalformedPath(Exception):
    """A path that is not a path (empty component, too long name)."""


def valid_folder_name(name: str) -> bool:
    """A folder name is not empty and holds no "/"."""
    return bool(name) and "/" not in name


def split_path(path: str) -> list[str]:
    """The folder names of a folder path, the root's ("") first. "" and "/" name the root folder."""
    if path in ("", "/"):
        return [""]
    names = path.split("/")
    if any(not n or len(n) > MAX_NAME for n in names[1:]):
        raise MalformedPath(path)
    return names


def split_object_path(path: str) -> tuple[str, str]:
    """(folder path, object id) of an object path "{folder path}/{objectId}" ("/{objectId}" in the root)."""
    folder_path, sep, object_id = path.rpartition("/")
    if not sep or not object_id:
        raise MalformedPath(path)
    if folder_path == "/":
        raise MalformedPath(path)  # "//{objectId}"
    if folder_path == "":
        folder_path = "/"  # an object of the root folder: "/{objectId}"
    return folder_path, object_id

"""Stage 1b — overlay: change requests (``spec/changes/<id>.yaml``) applied to the loaded model files.

In: the loaded model files (plain data with positions) and the ids of the changes to apply (``with``) or
to revert (``without``). Out: the same files, edited in place, plus one file per overlay holding the
elements it adds to top-level sections; everything an overlay writes keeps the overlay's own positions,
so parse/build/validate point at ``spec/changes/<id>.yaml:line:col`` for a bad element it brought in.

An overlay is a list of operations on model elements named by key (``type:Object``,
``field:Object.flags``, ``operation:CreateObject``, ``interface:MCData-8``, ...):

* ``add: KEY`` with ``value:`` (the element) — the element must not exist yet;
* ``replace: KEY`` with ``set:`` (new values of some of the element's fields) — the element must exist;
* ``remove: KEY`` — the element must exist.

A change is ``proposed`` (the model does not contain it yet: ``with`` applies it) or ``incorporated``
(the model already contains it: ``without`` reverts it, giving the pre-change model). An incorporated
change records what it replaced and removed (``was:``) so that it can be reverted; its ``add`` entries
carry no value (the element is in the model), and its ``set`` values must equal the model's current ones.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..diagnostics import Diagnostics, Position
from .load import LoadedFile, NodePath, changes_dir, compose, display_path

CHANGE_ID = re.compile(r"[A-Za-z0-9_.]+")  # no '+' or '-': `spec+ID` / `spec-ID` stay unambiguous


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ChangeIn(_In):
    """The change request's identity, as on its cover page."""

    id: str  # equals the file name without .yaml
    title: str
    spec: str  # e.g. "3GPP TS 24.282"
    cr: str  # CR number ("pending" until allocated)
    revision: str  # CR revision ("-" for the first)
    category: str = ""  # 3GPP CR category (A, B, C, D, F)
    release: str = ""
    meeting: str  # source meeting
    tdoc: str  # source TDoc ("pending" until allocated)
    state: Literal["proposed", "incorporated"]
    summary: str


class OperationIn(_In):
    add: str | None = None
    replace: str | None = None
    remove: str | None = None
    resource: str | None = None  # add of an operation: the resource id it belongs to
    value: Any = None
    set: dict[str, Any] | None = None
    was: Any = None
    reason: str = ""


class OverlayIn(_In):
    change: ChangeIn
    operations: list[OperationIn] = Field(min_length=1)


@dataclass
class Op:
    verb: Literal["add", "replace", "remove"]
    key: str
    position: Position
    src: NodePath  # path of the operation inside the overlay file
    resource: str | None = None
    value: Any = None
    value_src: NodePath = ()
    set: dict[str, Any] = field(default_factory=dict)
    set_src: NodePath = ()
    was_set: dict[str, Any] = field(default_factory=dict)  # replace of an incorporated change: the old values
    expect: dict[str, Any] | None = None  # reverting a replace: the values the model must hold now


@dataclass
class Overlay:
    change: ChangeIn
    file: LoadedFile
    ops: list[Op]  # forward: what approving the change does

    @property
    def id(self) -> str:
        return self.change.id


# key kind -> (section path, how items are named: a mapping key, or the list item's id field)
_SECTIONS: dict[str, tuple[NodePath, str | None]] = {
    "clause": (("clauses",), "id"),
    "open-point": (("open_points",), "id"),
    "exception": (("exceptions",), None),
    "enum": (("enums",), None),
    "type": (("types",), None),
    "resource": (("resources",), "id"),
    "example": (("examples",), "name"),
    "interface": (("auth", "interfaces"), "name"),
    "scheme": (("auth", "schemes"), None),
    "profile": (("auth", "profiles"), "name"),
    "rule": (("auth", "validation"), "id"),
    "challenge": (("auth", "challenges"), "id"),
    "setting": (("auth", "settings"), None),
    "base-parameter": (("api", "base_parameters"), "name"),
}
KINDS = (*_SECTIONS, "field", "operation", "section")


def available(spec: Path) -> list[str]:
    d = changes_dir(spec)
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def read(spec: Path, change_id: str, diags: Diagnostics) -> Overlay | None:
    """Load and check the shape of one overlay file; None (with diagnostics) when it is unusable."""
    path = changes_dir(spec) / f"{change_id}.yaml"
    present = available(spec)
    if not CHANGE_ID.fullmatch(change_id) and change_id in present:  # a file of spec/changes/ named badly
        display = display_path(path)
        try:
            f = compose(path.read_text(encoding="utf-8", errors="replace"), display, Diagnostics())
        except OSError:
            f = None
        diags.error(
            "unsafe-name",
            f"change id {change_id!r} (the name of {display}) has characters other than letters, digits, '_' and '.'",
            f.where(("change", "id")) if f is not None else Position(display, 1, 1),
            "rename the file and its change.id, e.g. ts24282_mcdata8; '+' and '-' would make spec+ID and spec-ID "
            "ambiguous",
        )
        return None
    if not CHANGE_ID.fullmatch(change_id) or not path.is_file():
        known = ", ".join(c for c in present if CHANGE_ID.fullmatch(c)) or "none"
        diags.error(
            "overlay-unknown-change", f"no change {change_id!r} in {display_path(changes_dir(spec))} (known: {known})"
        )
        return None
    display = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        diags.error("io-error", f"cannot read: {e}", Position(display, 1, 1))
        return None
    f = compose(text, display, diags)
    if f is None:
        return None
    try:
        spec_in = OverlayIn.model_validate(f.data)
    except ValidationError as e:
        for err in e.errors():
            loc = tuple(err["loc"])
            where = loc[:-1] if err["type"] == "missing" else loc
            name = loc[-1] if loc else ""
            msg = (
                f"unknown field {name!r}"
                if err["type"] == "extra_forbidden"
                else f"missing required field {name!r}"
                if err["type"] == "missing"
                else f"{name!r}: {err['msg']}"
            )
            diags.error("schema", msg, f.where(where))
        return None
    if spec_in.change.id != change_id:
        diags.error(
            "overlay-invalid",
            f"change id {spec_in.change.id!r} differs from the file name {change_id!r}",
            f.where(("change", "id")),
        )
        return None
    ops: list[Op] = []
    ok = True
    for i, o in enumerate(spec_in.operations):
        verbs = [(v, k) for v, k in (("add", o.add), ("replace", o.replace), ("remove", o.remove)) if k is not None]
        pos = f.where(("operations", i))
        if len(verbs) != 1:
            diags.error("overlay-invalid", "an operation has exactly one of add, replace, remove", pos)
            ok = False
            continue
        verb, key = verbs[0]
        kpos = f.where(("operations", i, verb))
        kind = key.split(":", 1)[0]
        if ":" not in key or kind not in KINDS or not key.split(":", 1)[1]:
            diags.error(
                "overlay-invalid",
                f"{key!r} is not an element key",
                kpos,
                f"write KIND:NAME, KIND one of {', '.join(KINDS)}",
            )
            ok = False
            continue
        ok &= _check_op_shape(spec_in.change.state, verb, key, o, kpos, diags)
        ops.append(
            Op(
                "add" if verb == "add" else "replace" if verb == "replace" else "remove",
                key,
                kpos,
                ("operations", i),
                o.resource,
                o.value if verb == "add" else o.was,
                ("operations", i, "value" if verb == "add" else "was"),
                dict(o.set or {}),
                ("operations", i, "set"),
                dict(o.was) if verb == "replace" and isinstance(o.was, dict) else {},
            )
        )
    return Overlay(spec_in.change, f, ops) if ok else None


def _check_op_shape(state: str, verb: str, key: str, o: OperationIn, pos: Position, diags: Diagnostics) -> bool:
    """The fields an operation needs depend on its verb and on whether the change is in the model yet."""
    problems = []
    if verb == "add" and state == "proposed" and o.value is None:
        problems.append("an add of a proposed change needs 'value' (the new element)")
    if verb == "add" and state == "incorporated" and o.value is not None:
        problems.append("an add of an incorporated change takes no 'value' (the element is in the model)")
    if verb == "add" and key.startswith("operation:") and o.resource is None:
        problems.append("an add of an operation needs 'resource' (the id of its resource)")
    if key.startswith("section:") and (verb != "replace" or key not in ("section:api", "section:auth")):
        problems.append("sections (section:api, section:auth) are only replaced, never added or removed")
    if verb == "replace" and not o.set:
        problems.append("a replace needs 'set' (the new values of the fields it changes)")
    if (
        verb == "replace"
        and state == "incorporated"
        and (not isinstance(o.was, dict) or set(o.was) != set(o.set or {}))
    ):
        problems.append("a replace of an incorporated change needs 'was' with the old value of every field in 'set'")
    if verb == "remove" and state == "incorporated" and o.was is None:
        problems.append("a remove of an incorporated change needs 'was' (the removed element, to revert it)")
    if verb not in ("remove", "replace") and o.was is not None:
        problems.append("'was' belongs to replace and remove only")
    if verb != "add" and o.value is not None:
        problems.append("'value' belongs to add only")
    for p in problems:
        diags.error("overlay-invalid", p, pos)
    return not problems


def inverse(ov: Overlay) -> list[Op]:
    """The operations that take the model with the change back to the model without it."""
    out: list[Op] = []
    for op in reversed(ov.ops):
        if op.verb == "add":
            out.append(Op("remove", op.key, op.position, op.src))
        elif op.verb == "remove":
            out.append(Op("add", op.key, op.position, op.src, op.resource, op.value, op.value_src))
        else:
            out.append(
                Op("replace", op.key, op.position, op.src, set=op.was_set, set_src=(*op.src, "was"), expect=op.set)
            )
    return out


# ---------------------------------------------------------------- applying operations to loaded files


@dataclass
class _Found:
    file: LoadedFile
    container_path: NodePath
    container: Any  # list or dict
    slot: str | int  # key in the dict, index in the list

    @property
    def path(self) -> NodePath:
        return (*self.container_path, self.slot)

    @property
    def element(self) -> Any:
        return self.container[self.slot]


def _get(data: Any, path: NodePath) -> Any:
    for p in path:
        if isinstance(data, dict) and isinstance(p, str) and p in data:
            data = data[p]
        elif isinstance(data, list) and isinstance(p, int) and p < len(data):
            data = data[p]
        else:
            return None
    return data


def _find_in(f: LoadedFile, cpath: NodePath, id_field: str | None, name: str) -> _Found | None:
    container = _get(f.data, cpath)
    if id_field is None and isinstance(container, dict) and name in container:
        return _Found(f, cpath, container, name)
    if id_field is not None and isinstance(container, list):
        for i, item in enumerate(container):
            if isinstance(item, dict) and item.get(id_field) == name:
                return _Found(f, cpath, container, i)
    return None


def find(files: list[LoadedFile], key: str) -> _Found | None:
    kind, name = key.split(":", 1)
    for f in files:
        if kind in _SECTIONS:
            cpath, id_field = _SECTIONS[kind]
            hit = _find_in(f, cpath, id_field, name)
        elif kind == "field":
            tname, _, fname = name.partition(".")
            hit = _find_in(f, ("types", tname, "fields"), None, fname)
        elif kind == "section":  # section:api, section:auth (their own fields, e.g. clauses)
            hit = (
                _Found(f, (), f.data, name)
                if name in ("api", "auth") and isinstance(f.data, dict) and name in f.data
                else None
            )
        else:  # operation
            hit = None
            for ri, r in enumerate(_get(f.data, ("resources",)) or []):
                if isinstance(r, dict):
                    hit = _find_in(f, ("resources", ri, "operations"), "operation_id", name)
                    if hit:
                        break
        if hit is not None:
            return hit
    return None


def _graft(dst: LoadedFile, dst_path: NodePath, src: LoadedFile, src_path: NodePath) -> None:
    """Give the node at ``dst_path`` the positions its value had in the overlay file."""
    for k in [k for k in dst.positions if k[: len(dst_path)] == dst_path]:
        del dst.positions[k]
    n = len(src_path)
    for k, pos in src.positions.items():
        if k[:n] == src_path:
            dst.positions[(*dst_path, *k[n:])] = pos


def _drop(f: LoadedFile, found: _Found) -> None:
    """Remove an element and keep the positions of its list siblings right."""
    cp, slot = found.container_path, found.slot
    if isinstance(found.container, dict):
        del found.container[slot]
        for k in [k for k in f.positions if k[: len(cp) + 1] == (*cp, slot)]:
            del f.positions[k]
        return
    assert isinstance(slot, int)
    del found.container[slot]
    n = len(cp)
    moved: dict[NodePath, Position] = {}
    for k, pos in list(f.positions.items()):
        index = k[n] if k[:n] == cp and len(k) > n else None
        if isinstance(index, int) and index >= slot:
            del f.positions[k]
            if index > slot:
                moved[(*cp, index - 1, *k[n + 1 :])] = pos
    f.positions.update(moved)


def _insert(
    dst: LoadedFile, cpath: NodePath, name: str, id_field: str | None, value: Any, ov: LoadedFile, src: NodePath
) -> None:
    container = _get(dst.data, cpath)
    if container is None:  # create the section (and its parents) in the overlay's own file
        parent = dst.data
        for i, p in enumerate(cpath):
            assert isinstance(p, str)
            nxt: Any = [] if (i == len(cpath) - 1 and id_field is not None) else {}
            parent = parent.setdefault(p, nxt)
            dst.positions.setdefault(cpath[: i + 1], ov.where(src))
        container = parent
    value = copy.deepcopy(value)
    if isinstance(container, dict):
        container[name] = value
        _graft(dst, (*cpath, name), ov, src)
    else:
        container.append(value)
        _graft(dst, (*cpath, len(container) - 1), ov, src)


def apply(files: list[LoadedFile], ov: Overlay, ops: list[Op], diags: Diagnostics) -> list[LoadedFile]:
    """Apply ``ops`` of ``ov`` to ``files``; returns the files plus the overlay's file of new elements."""
    own = LoadedFile(ov.file.path, {}, {})
    everything = [*files, own]
    for op in ops:
        kind, name = op.key.split(":", 1)
        found = find(everything, op.key)
        if op.verb == "add":
            if found is not None:
                first = found.file.where(found.path)
                diags.error("overlay-duplicate-element", f"{op.key} already exists (at {first})", op.position)
                continue
            if not isinstance(op.value, dict):
                diags.error("overlay-invalid", f"the value of {op.key} must be a mapping", op.position)
                continue
            value = dict(op.value)
            if kind in _SECTIONS:
                cpath, id_field = _SECTIONS[kind]
                if id_field is not None and value.get(id_field, name) != name:
                    diags.error(
                        "overlay-invalid", f"{op.key}: the value's {id_field} is {value.get(id_field)!r}", op.position
                    )
                    continue
                if id_field is not None:
                    value[id_field] = name
                host = own
                if cpath[0] == "auth":  # the auth section is one element: its parts join the file that holds it
                    host = next((f for f in files if isinstance(f.data, dict) and "auth" in f.data), own)
                _insert(host, cpath, name, id_field, value, ov.file, op.value_src)
            elif kind == "field":
                tname, _, fname = name.partition(".")
                t = find(everything, f"type:{tname}")
                if t is None:
                    diags.error(
                        "overlay-unknown-element", f"{op.key}: no type {tname!r} to add the field to", op.position
                    )
                    continue
                t.element.setdefault("fields", {})
                _insert(t.file, (*t.path, "fields"), fname, None, value, ov.file, op.value_src)
            else:
                r = find(everything, f"resource:{op.resource}")
                if r is None:
                    diags.error("overlay-unknown-element", f"{op.key}: no resource {op.resource!r}", op.position)
                    continue
                value["operation_id"] = name
                r.element.setdefault("operations", [])
                _insert(r.file, (*r.path, "operations"), name, "operation_id", value, ov.file, op.value_src)
            continue
        if found is None:
            diags.error(
                "overlay-unknown-element", f"cannot {op.verb} {op.key}: the model has no such element", op.position
            )
            continue
        if op.verb == "remove":
            _drop(found.file, found)
            continue
        element = found.element
        if not isinstance(element, dict):
            diags.error("overlay-invalid", f"{op.key} has no fields to replace", op.position)
            continue
        expect = op.expect
        for fname, fvalue in op.set.items():
            if expect is not None and element.get(fname) != expect.get(fname):
                diags.error(
                    "overlay-mismatch",
                    f"{op.key}.{fname} in the model differs from the change's value: the model moved on since "
                    "the change was recorded",
                    found.file.where((*found.path, fname)),
                    f"update 'set' of this change at {op.position}",
                )
                continue
            element[fname] = copy.deepcopy(fvalue)
            _graft(found.file, (*found.path, fname), ov.file, (*op.set_src, fname))
    return everything if own.data else files


def overlay(
    spec: Path, files: list[LoadedFile], with_: list[str], without: list[str], diags: Diagnostics
) -> list[LoadedFile]:
    """Revert each ``without`` change (incorporated), then apply each ``with`` change (proposed), in order."""
    for cid in without:
        ov = read(spec, cid, diags)
        if ov is None:
            continue
        if ov.change.state != "incorporated":
            diags.error(
                "overlay-invalid",
                f"change {cid!r} is proposed: the model does not contain it, so it cannot be reverted",
                ov.file.where(("change", "state")),
                f"use `+{cid}` / `--with {cid}`",
            )
            continue
        files = apply(files, ov, inverse(ov), diags)
    for cid in with_:
        ov = read(spec, cid, diags)
        if ov is None:
            continue
        if ov.change.state != "proposed":
            diags.error(
                "overlay-invalid",
                f"change {cid!r} is incorporated: the model already contains it",
                ov.file.where(("change", "state")),
                f"use `-{cid}` / `--without {cid}` for the model before it",
            )
            continue
        files = apply(files, ov, ov.ops, diags)
    return files

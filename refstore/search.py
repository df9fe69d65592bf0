"""The search engine of the reference store: OMA NMS ``SelectionCriteria`` translated into SQL.

In: a ``SelectionCriteria`` (TS14 5.3.2.15-19, the per-type table of 6.7), the kind of element searched
(objects or folders), the box and the search scope. Out: one batch of matching row keys (``pk``) in sort
order, at most ``maxEntries``, and the keyset cursor of the next batch. Every value reaches SQLite as a
bound parameter; only fixed SQL fragments chosen here are concatenated.

The derived search tables (``object_attr``, ``folder_attr``, ``object_word``, ``folder_word`` and the FTS5
trigram table ``object_text``, see ``schema.py``) are written by :func:`index_object`,
:func:`index_folder` and :func:`copy_object_index`, which the store calls next to every write of the
JSON they derive from (object attributes and payloads never change after creation; folders change name).
The rules of the criteria that do not depend on SQL (date bounds, words, limits, sort criteria, cursor
digests) are in ``core/criteria.py``, shared with other stores; their names are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mcdata_store import models
from mcdata_store.store import Payload

from .core.answers import bad
from .core.attributes import CASE_INSENSITIVE_ATTRIBUTES, stored_pairs, value_key
from .core.criteria import (
    MAX_CRITERIA,
    MAX_SORT_KEYS,
    PRESETS,
    SORT_VALUE_CHARS,
    AttributeIs,
    Condition,
    CreatedAfter,
    DateIn,
    FlagIs,
    HasWords,
    TextContains,
    conditions,
    criteria_digest,
    sort_order,
    words,
)
from .core.ids import decode_cursor, encode_cursor
from .core.payloads import payload_texts
from .tx import Db, Tx

__all__ = [
    "CASE_INSENSITIVE_ATTRIBUTES",
    "MAX_CRITERIA",
    "MAX_SORT_KEYS",
    "PRESETS",
    "SORT_VALUE_CHARS",
    "Scope",
    "build_query",
    "copy_object_index",
    "criteria_digest",
    "decode_cursor",
    "encode_cursor",
    "explain",
    "index_folder",
    "index_object",
    "register_functions",
    "reindex",
    "search",
    "value_key",
    "words",
]

Kind = Literal["object", "folder"]
Param = int | str | None

DRIVE_MAX = 10_000  # a criterion with at most this many matches drives the query (see _pick_driver)
TRIGRAM = 3  # AllTextAttributes needles this long or longer are looked up in the trigram index
_TEXT_SEPARATOR = "\n"  # between the values of object_text; a needle holding it is tested value by value


# ------------------------------------------------------------------------------------------ indexing


def register_functions(conn: Any) -> None:
    """SQL functions the queries use on SQLite (never the schema, so other tools can still open the file);
    PostgreSQL stores the casefolded text instead (``value_fold``, ``name_fold``)."""
    conn.create_function("nms_casefold", 1, lambda s: None if s is None else str(s).casefold(), deterministic=True)


def _attr_rows(db: Db, owner: int, box: int, pairs: Iterable[tuple[str, Sequence[str]]]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for name, values in pairs:
        for value in values:
            row = (owner, box, len(rows), name.casefold(), value, value_key(name, value))
            rows.append((*row, value.casefold()) if db.dialect == "postgresql" else row)
    return rows


def _insert_attrs(db: Db, table: str, owner: str, rows: list[tuple[Any, ...]]) -> None:
    fold = ", value_fold" if db.dialect == "postgresql" else ""
    marks = ", ?" if fold else ""
    db.run_many(
        f"INSERT INTO {table} ({owner}, box_pk, ord, name_key, value, value_key{fold})"
        f" VALUES (?, ?, ?, ?, ?, ?{marks})",
        rows,
    )


def index_object(
    db: Db,
    box: int,
    object_pk: int,
    pairs: Sequence[tuple[str, Sequence[str]]],
    texts: Iterable[str] = (),
) -> None:
    """Index a new object: its attribute values, its words (attributes and textual payload parts) and
    its casefolded text (AllTextAttributes: SQLite's FTS5 table; PostgreSQL's ``value_fold`` column)."""
    _insert_attrs(db, "object_attr", "object_pk", _attr_rows(db, object_pk, box, pairs))
    values = [v for _, vs in pairs for v in vs]
    found = words(" ".join([*values, *texts]))
    db.run_many(
        "INSERT INTO object_word (box_pk, word, object_pk) VALUES (?, ?, ?)", [(box, w, object_pk) for w in found]
    )
    if db.dialect == "sqlite":
        db.run(
            "INSERT INTO object_text (rowid, text) VALUES (?, ?)",
            (object_pk, _TEXT_SEPARATOR.join(v.casefold() for v in values)),
        )


def copy_object_index(tx: Tx, source_pk: int, target_pk: int) -> None:
    """The search index rows of a copied object (same box, same attributes and payload)."""
    fold = ", value_fold" if tx.dialect == "postgresql" else ""
    tx.run(
        f"INSERT INTO object_attr (object_pk, box_pk, ord, name_key, value, value_key{fold})"
        f" SELECT ?, box_pk, ord, name_key, value, value_key{fold} FROM object_attr WHERE box_pk = ? AND object_pk = ?",
        (target_pk, tx.box, source_pk),
    )
    tx.run(
        "INSERT INTO object_word (box_pk, word, object_pk) SELECT box_pk, word, ? FROM object_word"
        " WHERE box_pk = ? AND object_pk = ?",
        (target_pk, tx.box, source_pk),
    )
    if tx.dialect == "sqlite":
        tx.run(
            "INSERT INTO object_text (rowid, text) SELECT ?, text FROM object_text WHERE rowid = ?",
            (target_pk, source_pk),
        )


def index_folder(db: Db, box: int, folder_pk: int, name: str, pairs: Sequence[tuple[str, Sequence[str]]]) -> None:
    """(Re)index a folder: its client attributes and the words of those and of its name."""
    db.run("DELETE FROM folder_attr WHERE box_pk = ? AND folder_pk = ?", (box, folder_pk))
    db.run("DELETE FROM folder_word WHERE box_pk = ? AND folder_pk = ?", (box, folder_pk))
    _insert_attrs(db, "folder_attr", "folder_pk", _attr_rows(db, folder_pk, box, pairs))
    found = words(" ".join([*(v for _, vs in pairs for v in vs), name]))
    db.run_many(
        "INSERT INTO folder_word (box_pk, word, folder_pk) VALUES (?, ?, ?)", [(box, w, folder_pk) for w in found]
    )
    if db.dialect == "postgresql":
        db.run("UPDATE folder SET name_fold = ? WHERE box_pk = ? AND pk = ?", (name.casefold(), box, folder_pk))


def reindex(db: Db) -> None:
    """Fill the search tables from the objects and folders of every box (a schema upgrade that adds them)."""
    for row in db.all("SELECT pk, box_pk, name, attributes FROM folder"):
        index_folder(db, int(row["box_pk"]), int(row["pk"]), str(row["name"]), stored_pairs(str(row["attributes"])))
    for row in db.all("SELECT pk, box_pk, attributes, payload, payload_type FROM object"):
        texts = []
        if row["payload"] is not None:
            texts = payload_texts(Payload(bytes(row["payload"]), str(row["payload_type"])))
        index_object(db, int(row["box_pk"]), int(row["pk"]), stored_pairs(str(row["attributes"])), texts)


# ------------------------------------------------------------------------------------------ SQL pieces


@dataclass(frozen=True)
class _Sql:
    """A SQL fragment and its bound parameters, in the order they appear."""

    text: str
    params: tuple[Param, ...] = ()

    def __add__(self, other: _Sql) -> _Sql:
        return _Sql(self.text + other.text, self.params + other.params)


def _join(parts: Sequence[_Sql], sep: str) -> _Sql:
    return _Sql(sep.join(p.text for p in parts), tuple(p for part in parts for p in part.params))


@dataclass(frozen=True)
class _Table:
    """How one kind of element is stored: the alias, its attribute, word and key columns."""

    kind: Kind
    table: str
    alias: str
    attr_table: str
    word_table: str
    owner: str  # the attribute/word tables' column naming the element


_TABLES: dict[Kind, _Table] = {
    "object": _Table("object", "object", "o", "object_attr", "object_word", "object_pk"),
    "folder": _Table("folder", "folder", "f", "folder_attr", "folder_word", "folder_pk"),
}


@dataclass(frozen=True)
class _Crit:
    """One criterion: a condition on the element row, tested row by row (cheap while walking an index in
    sort order), and where an index can list the matches, the ``SELECT`` of their pks (the driver)."""

    cond: _Sql
    driver: _Sql | None = None


def _date(t: _Table, c: DateIn) -> _Crit:
    """TS14 6.7: minDate inclusive, maxDate exclusive, on the NMS internal date."""
    parts = []
    if c.low is not None:
        parts.append(_Sql(f"{t.alias}.created_us >= ?", (c.low,)))
    if c.high is not None:
        parts.append(_Sql(f"{t.alias}.created_us < ?", (c.high,)))
    return _Crit(_join(parts, " AND "))


def _end(db: Db) -> str:
    """The end of a per-row ``EXISTS`` test. On PostgreSQL ``OFFSET 0``: the planner would otherwise turn the
    test into a semi-join and, misjudging how many rows match (the attribute's name and value are correlated),
    hash every match in the box before walking it (the And of Direction, \\Seen and the last day read all
    50 000 "Direction in" rows of a 100k box: 12x per 10x). Kept a probe of one index entry per row, the
    test costs what the walk designed here costs (``_pick_driver``: few matches drive the query instead)."""
    return " OFFSET 0)" if db.dialect == "postgresql" else ")"


def _attribute(db: Db, t: _Table, box: int, c: AttributeIs) -> _Crit:
    key = c.name.casefold()
    if t.kind == "folder" and key == "root":  # App. J, server-maintained: Yes for a root folder, else No
        if c.value not in ("Yes", "No"):
            return _Crit(_Sql("FALSE"))
        return _Crit(_Sql(f"{t.alias}.parent_pk IS {'NULL' if c.value == 'Yes' else 'NOT NULL'}"))
    if t.kind == "folder" and key == "name":  # App. J: the folder's name
        return _Crit(_Sql(f"{t.alias}.name = ?", (c.value,)))
    wanted = value_key(c.name, c.value)
    return _Crit(
        _Sql(
            f"EXISTS (SELECT 1 FROM {t.attr_table} a WHERE a.box_pk = {t.alias}.box_pk AND a.{t.owner} = {t.alias}.pk"
            f" AND a.name_key = ? AND a.value_key = ?{_end(db)}",
            (key, wanted),
        ),
        _Sql(
            f"SELECT {t.owner} FROM {t.attr_table} WHERE box_pk = ? AND name_key = ? AND value_key = ?",
            (box, key, wanted),
        ),
    )


def _contains(db: Db, folded: str, plain: str) -> str:
    """SQL testing that the casefolded text (PostgreSQL: the stored column ``folded``; SQLite: the column
    ``plain`` casefolded by ``nms_casefold``) holds the needle ``?``."""
    if db.dialect == "postgresql":
        return f"strpos({folded}, ?) > 0"
    return f"instr(nms_casefold({plain}), ?) > 0"


def _like_pattern(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _all_text(db: Db, t: _Table, box: int, c: TextContains) -> _Crit:
    """Case-insensitive substring of any text attribute value (folders: also the name)."""
    needle = c.needle
    cond = _Sql(
        f"EXISTS (SELECT 1 FROM {t.attr_table} a WHERE a.box_pk = {t.alias}.box_pk AND a.{t.owner} = {t.alias}.pk"
        f" AND {_contains(db, 'a.value_fold', 'a.value')}{_end(db)}",
        (needle,),
    )
    if t.kind == "folder":
        return _Crit(_Sql("(") + cond + _Sql(f" OR {_contains(db, 'f.name_fold', 'f.name')})", (needle,)))
    if len(needle) >= TRIGRAM and db.dialect == "postgresql":  # the trigram index on value_fold (pg_trgm)
        return _Crit(
            cond,
            _Sql(
                "SELECT object_pk FROM object_attr WHERE box_pk = ? AND value_fold LIKE ? ESCAPE '\\'",
                (box, _like_pattern(needle)),
            ),
        )
    if len(needle) >= TRIGRAM and _TEXT_SEPARATOR not in needle:
        phrase = '"' + needle.replace('"', '""') + '"'  # an FTS5 string: the trigram index finds the substring
        return _Crit(cond, _Sql("SELECT rowid FROM object_text WHERE object_text MATCH ?", (phrase,)))
    return _Crit(cond)


def _whole_word(db: Db, t: _Table, box: int, c: HasWords) -> _Crit:
    """Every word is a whole word of the element's text (order and adjacency not required)."""
    conds = [
        _Sql(
            f"EXISTS (SELECT 1 FROM {t.word_table} w WHERE w.box_pk = ? AND w.word = ? AND w.{t.owner} = {t.alias}.pk"
            + _end(db),
            (box, w),
        )
        for w in c.words
    ]
    drivers = [_Sql(f"SELECT {t.owner} FROM {t.word_table} WHERE box_pk = ? AND word = ?", (box, w)) for w in c.words]
    return _Crit(_join(conds, " AND "), _join(drivers, " INTERSECT "))


def _flag(db: Db, box: int, c: FlagIs) -> _Crit:
    has = _Sql(
        "EXISTS (SELECT 1 FROM flag g WHERE g.box_pk = o.box_pk AND g.object_pk = o.pk AND g.key = ?" + _end(db),
        (c.key,),
    )
    if c.is_set:
        return _Crit(has, _Sql("SELECT object_pk FROM flag WHERE box_pk = ? AND key = ?", (box, c.key)))
    return _Crit(_Sql("NOT ") + has)


def _created(c: CreatedAfter) -> _Crit:
    return _Crit(_Sql("TRUE") if c.seq is None else _Sql("o.created_seq > ?", (c.seq,)))


def _criterion(db: Db, t: _Table, box: int, c: Condition) -> _Crit:
    if isinstance(c, DateIn):
        return _date(t, c)
    if isinstance(c, AttributeIs):
        return _attribute(db, t, box, c)
    if isinstance(c, TextContains):
        return _all_text(db, t, box, c)
    if isinstance(c, HasWords):
        return _whole_word(db, t, box, c)
    if isinstance(c, FlagIs):
        return _flag(db, box, c)
    return _created(c)


def _where(db: Db, t: _Table, box: int, criteria: models.SearchCriteria | None) -> tuple[_Sql, list[_Sql]]:
    """The criteria as one SQL condition - And, Or, or Not = NOT(c1 AND ... AND cN) (TS14 5.3.3) - and the
    candidate drivers: SELECTs of a superset of the matches, any one of which may drive the query."""
    if criteria is None:
        return _Sql("TRUE"), []
    crits = [_criterion(db, t, box, c) for c in conditions(t.kind, criteria)]
    parts = [_Sql("(") + c.cond + _Sql(")") for c in crits]
    if criteria.operator == models.LogicalOperatorEnum.Or:
        drivers = [c.driver for c in crits if c.driver is not None]
        # every branch has an index; each is a subquery, as SQLite evaluates compound SELECTs left to right with
        # equal precedence (a UNION b INTERSECT c is (a UNION b) INTERSECT c: a WholeWord driver is an INTERSECT)
        branches = [_Sql("SELECT * FROM (") + d + _Sql(f") AS d{i}") for i, d in enumerate(drivers)]
        union = [_join(branches, " UNION ")] if len(drivers) == len(crits) else []
        return _Sql("(") + _join(parts, " OR ") + _Sql(")"), union
    if criteria.operator == models.LogicalOperatorEnum.Not:
        return _Sql("NOT (") + _join(parts, " AND ") + _Sql(")"), []
    return _Sql("(") + _join(parts, " AND ") + _Sql(")"), [c.driver for c in crits if c.driver is not None]


def _pick_driver(db: Db, box: int, drivers: Sequence[_Sql], limit: int) -> _Sql | None:
    """The driver listing the fewest rows if few enough, else None (walk the box in sort order).

    SQLite keeps no statistics of how selective a value is, so the store counts (at most DRIVE_MAX + 1
    index entries). Driving costs about one row fetch per match; walking tests about limit * N / matches
    rows of a box of N objects until the batch is full. Measured per row, a fetch costs about three
    tests, so driving wins below sqrt(limit * N / 3) matches; N is bounded by the box's mod_seq (every
    creation advances it), never more than DRIVE_MAX."""
    row = db.one("SELECT mod_seq FROM box WHERE pk = ?", (box,))
    size = int(row[0]) if row is not None else 0
    cap = min(DRIVE_MAX, math.isqrt(max(limit, 1) * size // 3))
    best: tuple[int, _Sql] | None = None
    for driver in drivers:
        probe = _Sql("SELECT count(*) FROM (") + driver + _Sql(" LIMIT ?) AS d", (cap + 1,))
        found = db.one(probe.text, probe.params)
        count = int(found[0]) if found is not None else 0
        if count <= cap and (best is None or count < best[0]):
            best = (count, driver)
    return None if best is None else best[1]


# ------------------------------------------------------------------------------------------ sorting


@dataclass(frozen=True)
class _SortKey:
    expr: _Sql
    descending: bool
    nullable: bool
    is_text: bool


def _sort_keys(db: Db, t: _Table, body: models.SelectionCriteria) -> list[_SortKey]:
    """The ORDER BY keys of the sort order (``core.criteria.sort_order``: newest first when no criterion is
    given); the last one is the pk, in the direction of the last criterion used."""
    keys: list[_SortKey] = []
    collate = ' COLLATE "C"' if db.dialect == "postgresql" else ""  # by code point, whatever the cluster's locale
    for s in sort_order(body):
        if s.attribute is None:
            keys.append(_SortKey(_Sql(f"{t.alias}.created_us"), s.descending, nullable=False, is_text=False))
            continue
        if t.kind == "folder" and s.attribute == "root":
            expr = _Sql("(CASE WHEN f.parent_pk IS NULL THEN 'Yes' ELSE 'No' END)")
        elif t.kind == "folder" and s.attribute == "name":
            expr = _Sql(f"substr(f.name, 1, {SORT_VALUE_CHARS}){collate}")
        else:  # the first value of the attribute, as given
            expr = _Sql(
                f"(SELECT substr(a.value, 1, {SORT_VALUE_CHARS}){collate} FROM {t.attr_table} a"
                f" WHERE a.box_pk = {t.alias}.box_pk AND a.{t.owner} = {t.alias}.pk AND a.name_key = ?"
                " ORDER BY a.ord LIMIT 1)",
                (s.attribute,),
            )
        keys.append(_SortKey(expr, s.descending, nullable=True, is_text=True))
    keys.append(_SortKey(_Sql(f"{t.alias}.pk"), keys[-1].descending, nullable=False, is_text=False))
    return keys


def _order_by(keys: Sequence[_SortKey]) -> _Sql:
    parts = []
    for k in keys:
        suffix = " DESC" if k.descending else " ASC"
        if k.nullable:
            suffix += " NULLS LAST"  # absent attribute values sort last in either direction
        parts.append(k.expr + _Sql(suffix))
    return _join(parts, ", ")


def _after(keys: Sequence[_SortKey], anchor: Sequence[Param]) -> _Sql:
    """Rows strictly after the anchor key in the ORDER BY of keys (keyset paging)."""
    if all(not k.nullable and k.descending == keys[0].descending for k in keys):
        # one direction, no NULLs: a row-value comparison, which SQLite answers with an index range
        op = "<" if keys[0].descending else ">"
        lhs = _Sql("(") + _join([k.expr for k in keys], ", ") + _Sql(")")
        return lhs + _Sql(f" {op} (" + ", ".join("?" * len(keys)) + ")", tuple(anchor))
    return _after_from(keys, anchor, 0)


def _after_from(keys: Sequence[_SortKey], anchor: Sequence[Param], i: int) -> _Sql:
    k, a = keys[i], anchor[i]
    if a is None:  # NULLS LAST: nothing sorts after NULL but other NULLs
        beyond = _Sql("FALSE")
        equal = k.expr + _Sql(" IS NULL")
    else:
        beyond = k.expr + _Sql(" < ?" if k.descending else " > ?", (a,))
        if k.nullable:
            beyond = _Sql("(") + beyond + _Sql(" OR ") + k.expr + _Sql(" IS NULL)")
        equal = k.expr + _Sql(" = ?", (a,))
    if i == len(keys) - 1:
        return beyond
    return _Sql("(") + beyond + _Sql(" OR (") + equal + _Sql(" AND ") + _after_from(keys, anchor, i + 1) + _Sql("))")


def _valid_anchor(anchor: Any, keys: Sequence[_SortKey]) -> bool:
    """A cursor's sort key has the shape of the criteria's: ints for dates and pk, str or null for text."""
    if not isinstance(anchor, list) or len(anchor) != len(keys):
        return False
    for value, k in zip(anchor, keys, strict=True):
        if k.is_text:
            if value is not None and not isinstance(value, str):
                return False
        elif not isinstance(value, int) or isinstance(value, bool):
            return False
    return True


# ------------------------------------------------------------------------------------------ the query


@dataclass(frozen=True)
class Scope:
    """Where a search looks: the subtree of folder ``pk`` (objects in it and below; folders below it), or
    with ``recursive=False`` only its own objects / its direct subfolders."""

    pk: int
    recursive: bool


def _scope(t: _Table, box: int, scope: Scope | None) -> tuple[_Sql, _Sql]:
    """(WITH clause, condition) restricting the search to scope."""
    if scope is None:
        return _Sql(""), _Sql("TRUE")
    column = "o.folder_pk" if t.kind == "object" else "f.parent_pk"
    if not scope.recursive:
        return _Sql(""), _Sql(f"{column} = ?", (scope.pk,))
    cte = _Sql(
        "WITH RECURSIVE scope(pk) AS (SELECT CAST(? AS BIGINT) UNION ALL"
        " SELECT c.pk FROM folder c JOIN scope s ON c.parent_pk = s.pk WHERE c.box_pk = ?) ",
        (scope.pk, box),
    )
    return cte, _Sql(f"{column} IN (SELECT pk FROM scope)")


def build_query(
    db: Db, kind: Kind, box: int, body: models.SelectionCriteria, scope: Scope | None, limit: int
) -> tuple[_Sql, list[_SortKey]]:
    """The SELECT of one batch: pk then the sort key values, at most limit rows."""
    t = _TABLES[kind]
    keys = _sort_keys(db, t, body)
    where, drivers = _where(db, t, box, body.searchCriteria)
    cte, in_scope = _scope(t, box, scope)
    driver = _pick_driver(db, box, drivers, limit)
    hint = "+" if db.dialect == "sqlite" else ""
    if driver is None:  # walk the box in sort order (index object_created for dates), testing each row
        conditions = [_Sql(f"{t.alias}.box_pk = ?", (box,)), in_scope, where]
        order = _order_by(keys)
    else:  # fetch the few candidates by pk, then sort them; "+" keeps SQLite from walking another index
        conditions = [
            _Sql(f"{t.alias}.pk IN (") + driver + _Sql(")"),
            _Sql(f"{hint}{t.alias}.box_pk = ?", (box,)),
            in_scope,
            where,
        ]
        order = _Sql(hint) + _order_by(keys)
    anchor = _anchor(body, keys)
    if anchor is not None:
        conditions.append(_after(keys, anchor))
    name = _attribute_sort(t, body) if db.dialect == "postgresql" and driver is None else None
    if name is not None:
        return _sorted_by_attribute(box, name, keys, cte, in_scope, where, anchor, limit), keys
    select = _join([_Sql(f"{t.alias}.pk"), *(k.expr for k in keys)], ", ")
    sql = (
        cte
        + _Sql("SELECT ")
        + select
        + _Sql(f" FROM {t.table} {t.alias} WHERE ")
        + _join(conditions, " AND ")
        + _Sql(" ORDER BY ")
        + order
        + _Sql(" LIMIT ?", (limit,))
    )
    return sql, keys


def _attribute_sort(t: _Table, body: models.SelectionCriteria) -> str | None:
    """The attribute (casefolded name) objects are sorted by, when it is the only sort key."""
    order = sort_order(body)
    if t.kind != "object" or len(order) != 1 or order[0].attribute is None:
        return None
    return order[0].attribute


def _anchor(body: models.SelectionCriteria, keys: Sequence[_SortKey]) -> list[Param] | None:
    if not body.fromCursor:
        return None
    state = decode_cursor(body.fromCursor)
    if not isinstance(state, dict) or state.get("d") != criteria_digest(body):
        raise bad("fromCursor")  # a cursor of other criteria (TS14 5.1.10: they MUST be identical)
    anchor = state.get("k")
    if anchor is not None and not _valid_anchor(anchor, keys):
        raise bad("fromCursor")
    return anchor


def _sorted_by_attribute(
    box: int,
    name: str,
    keys: list[_SortKey],
    cte: _Sql,
    in_scope: _Sql,
    where: _Sql,
    anchor: list[Param] | None,
    limit: int,
) -> _Sql:
    """PostgreSQL, objects sorted by one attribute, walking the box: the batch read in sort order from the index
    ``object_attr_sort`` (schema version 3: box, attribute name, first SORT_VALUE_CHARS characters, object),
    so a batch costs about the same at any box size, instead of the first value of every object of the box
    computed and sorted (``_sort_keys``' subquery). Two parts, the same order as ``_order_by``:

    * ``sorted``: objects having the attribute, each by its first value (the row of least ``ord`` of that
      name), in (value, pk) order, at most ``limit``;
    * objects without it (NULLS LAST) by pk, read only when ``sorted`` came short: the count of ``sorted``
      is an uncorrelated subquery, which PostgreSQL tests once before reading anything of that part.
    """
    descending = keys[0].descending
    op, way = ("<", "DESC") if descending else (">", "ASC")
    value = f'substr(sa.value, 1, {SORT_VALUE_CHARS}) COLLATE "C"'
    after_sorted, after_absent = _Sql(""), _Sql("")
    if anchor is not None and anchor[0] is None:  # past every object having the attribute
        after_sorted = _Sql(" AND FALSE")
        after_absent = _Sql(f" AND o.pk {op} ?", (anchor[1],))
    elif anchor is not None:
        after_sorted = _Sql(f" AND ({value}, sa.object_pk) {op} (?, ?)", (anchor[0], anchor[1]))
    with_ = _Sql(cte.text.rstrip() + ", ", cte.params) if cte.text else _Sql("WITH ")
    return (
        with_
        + _Sql(
            f"sorted AS MATERIALIZED (SELECT o.pk, {value} AS k FROM object_attr sa JOIN object o"
            " ON o.box_pk = sa.box_pk AND o.pk = sa.object_pk WHERE sa.box_pk = ? AND sa.name_key = ?"
            " AND NOT EXISTS (SELECT 1 FROM object_attr sb WHERE sb.box_pk = sa.box_pk"
            " AND sb.object_pk = sa.object_pk AND sb.name_key = sa.name_key AND sb.ord < sa.ord) AND ",
            (box, name),
        )
        + in_scope
        + _Sql(" AND ")
        + where
        + after_sorted
        + _Sql(f" ORDER BY {value} {way}, sa.object_pk {way} LIMIT ?)", (limit,))
        + _Sql(" SELECT pk, k, pk FROM (SELECT pk, k FROM sorted UNION ALL (SELECT o.pk, NULL FROM object o")
        + _Sql(
            " WHERE (SELECT count(*) FROM sorted) < ? AND o.box_pk = ? AND NOT EXISTS (SELECT 1 FROM object_attr sb"
            " WHERE sb.box_pk = o.box_pk AND sb.object_pk = o.pk AND sb.name_key = ?) AND ",
            (limit, box, name),
        )
        + in_scope
        + _Sql(" AND ")
        + where
        + after_absent
        + _Sql(f" ORDER BY o.pk {way} LIMIT ?)) AS s ORDER BY k {way} NULLS LAST, pk {way} LIMIT ?", (limit, limit))
    )


def search(
    tx: Tx,
    kind: Kind,
    body: models.SelectionCriteria,
    scope: Scope | None,
    page_max: int,
) -> tuple[list[int], str | None]:
    """One batch of matches in sort order after fromCursor, at most min(maxEntries, page_max), and the
    cursor of the next batch (None when this batch is the last).

    The cursor holds the criteria digest and the sort key of the last entry returned, so entries added or
    removed between batches neither shift nor repeat the others (keyset paging).
    """
    limit = min(body.maxEntries, page_max)
    sql, _ = build_query(tx, kind, tx.box, body, scope, limit + 1)
    rows = tx.all(sql.text, sql.params)
    batch = rows[:limit]
    cursor = None
    if len(rows) > limit:
        if batch:
            cursor = encode_cursor({"d": criteria_digest(body), "k": list(batch[-1][1:])})
        else:  # maxEntries 0: the cursor stays where it was
            cursor = body.fromCursor or encode_cursor({"d": criteria_digest(body), "k": None})
    return [int(r[0]) for r in batch], cursor


def explain(db: Db, kind: Kind, box: int, body: models.SelectionCriteria, scope: Scope | None, limit: int) -> list[str]:
    """The plan of the batch query (benchmarks and tests show that searches use indexes): SQLite's EXPLAIN
    QUERY PLAN details, PostgreSQL's EXPLAIN lines."""
    sql, _ = build_query(db, kind, box, body, scope, limit + 1)
    if db.dialect == "postgresql":
        return [str(r[0]) for r in db.all("EXPLAIN " + sql.text, sql.params)]
    return [str(r[3]) for r in db.all("EXPLAIN QUERY PLAN " + sql.text, sql.params)]

"""The rules of ``SelectionCriteria`` (TS14 5.3.2.15-19, the per-type table of 6.7) that do not depend on
how a store runs a search: each criterion checked and read into a :data:`Condition`, the sort order as
:class:`SortBy` keys, limits, presets, VanishedObjects, and the digest a paging cursor is bound to.
``refstore/search.py`` turns conditions and sort keys into SQL; subscription filters
(``subscriptions.py``) evaluate criteria on changed items."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from mcdata_store import models
from mcdata_store.store import StoreError

from .answers import bad
from .flags import FLAG_VALUES
from .ids import parse_creation_cursor

__all__ = [
    "MAX_CRITERIA",
    "MAX_SORT_KEYS",
    "PRESETS",
    "SORT_VALUE_CHARS",
    "AttributeIs",
    "Condition",
    "CreatedAfter",
    "DateIn",
    "FlagIs",
    "HasWords",
    "SortBy",
    "TextContains",
    "asks_vanished",
    "check_vanished",
    "conditions",
    "criteria_digest",
    "date_bounds",
    "preset_refusal",
    "refuse_vanished_selection",
    "sort_criteria",
    "sort_order",
    "words",
]

MAX_SORT_KEYS = 2  # further sort criteria are ignored (TS: "the server MAY ignore extra ones")
SORT_VALUE_CHARS = 48  # attribute values sort by their first 48 characters (keeps cursors short)
MAX_CRITERIA = 64  # "their number MAY be limited by the server" (TS14 5.3.2.16): keeps the SQL small
PRESETS: frozenset[str] = frozenset()  # TS14 6.7: "This specification defines no PresetSearch names"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WORD = re.compile(r"[^\W_]+")  # a word: a run of letters and digits (any script), casefolded


def words(text: str) -> list[str]:
    """The distinct casefolded words of text, in order of first appearance (WholeWord searches)."""
    return list(dict.fromkeys(_WORD.findall(text.casefold())))


def date_bounds(value: str, part: str) -> tuple[int | None, int | None]:
    """(minDate, maxDate) of a Date criterion value ``minDate=…&maxDate=…`` (either may be absent) as
    microseconds since the epoch: xsd:dateTimeStamp with a time zone. Anything else is SVC0002 ``part``."""
    bounds: dict[str, int] = {}
    for item in value.split("&"):
        key, sep, stamp = item.partition("=")
        if not sep or key not in ("minDate", "maxDate") or key in bounds:
            raise bad(part)
        try:
            when = datetime.fromisoformat(stamp)
        except ValueError:
            raise bad(part) from None
        if when.tzinfo is None:
            raise bad(part)
        bounds[key] = (when - _EPOCH) // timedelta(microseconds=1)
    return bounds.get("minDate"), bounds.get("maxDate")


def preset_refusal(criterion: models.SearchCriterion) -> StoreError:
    """SVC0003 for a PresetSearch: TS14 6.7 defines no preset names and this store configures none."""
    return StoreError("SVC0003", [f"searchCriteria (PresetSearch {criterion.name or ''!r})", "none"])


# ------------------------------------------------------------------------------------------ conditions

Kind = Literal["object", "folder"]


@dataclass(frozen=True)
class DateIn:
    """Date: the NMS internal date (creation time) in [low, high), microseconds since the epoch (None:
    unbounded)."""

    low: int | None
    high: int | None


@dataclass(frozen=True)
class AttributeIs:
    """Attribute: a value of the attribute ``name`` (case-insensitive) equals ``value`` (compared by
    ``attributes.value_key``); on folders ``Name`` and ``Root`` are the server-maintained ones (App. J)."""

    name: str
    value: str


@dataclass(frozen=True)
class TextContains:
    """AllTextAttributes: ``needle`` (casefolded) is a substring of an attribute value (folders: or name)."""

    needle: str


@dataclass(frozen=True)
class HasWords:
    """WholeWord: every one of ``words`` (casefolded, at least one) is a word of the element's text."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class FlagIs:
    """Flag (objects): the flag ``key`` (casefolded name) is set, or not."""

    key: str
    is_set: bool


@dataclass(frozen=True)
class CreatedAfter:
    """CreatedObjects (objects): created after creation point ``seq`` (None: any object)."""

    seq: int | None


Condition = DateIn | AttributeIs | TextContains | HasWords | FlagIs | CreatedAfter


def conditions(kind: Kind, criteria: models.SearchCriteria) -> list[Condition]:
    """The criteria of a search of objects or folders, each checked, in order (at most MAX_CRITERIA).

    Refused with SVC0002 ``searchCriteria``: a malformed value, a missing name, a criterion the kind
    cannot have (Flag and CreatedObjects on folders), VanishedObjects with other criteria (a store
    answers it alone); PresetSearch with SVC0003.
    """
    if len(criteria.criterion) > MAX_CRITERIA:
        raise bad("searchCriteria")
    return [_condition(kind, c) for c in criteria.criterion]


def _condition(kind: Kind, crit: models.SearchCriterion) -> Condition:
    t = crit.type
    if t == models.SearchTypeEnum.Date:
        return DateIn(*date_bounds(crit.value, "searchCriteria"))
    if t == models.SearchTypeEnum.Attribute:
        if not crit.name:
            raise bad("searchCriteria")
        return AttributeIs(crit.name, crit.value)
    if t == models.SearchTypeEnum.AllTextAttributes:
        return TextContains(crit.value.casefold())
    if t == models.SearchTypeEnum.WholeWord:
        found = words(crit.value)
        if not found:
            raise bad("searchCriteria")  # no word to search for
        return HasWords(tuple(found))
    if t == models.SearchTypeEnum.PresetSearch:
        raise preset_refusal(crit)
    if kind == "object" and t == models.SearchTypeEnum.Flag:
        if not crit.name:
            raise bad("searchCriteria")
        wanted = FLAG_VALUES.get(crit.value.strip().lower())
        if wanted is None:
            raise bad("searchCriteria")
        return FlagIs(crit.name.casefold(), wanted)
    if kind == "object" and t == models.SearchTypeEnum.CreatedObjects:
        if crit.value == "":
            return CreatedAfter(None)
        seq = parse_creation_cursor(crit.value)
        if seq is None:
            raise bad("searchCriteria")
        return CreatedAfter(seq)
    # VanishedObjects combined with others (the store answers it alone), Flag/CreatedObjects on folders
    raise bad("searchCriteria")


# ------------------------------------------------------------------------------------------ sorting


@dataclass(frozen=True)
class SortBy:
    """A sort key: the first value of an attribute (``attribute``: its casefolded name; absent values
    last), or the NMS internal date (``attribute`` None)."""

    attribute: str | None
    descending: bool


def sort_order(body: models.SelectionCriteria) -> list[SortBy]:
    """The sort keys of a search: the first MAX_SORT_KEYS criteria, a criterion repeating an earlier one
    dropped (it can never break a tie, so it sets no tie order); none: newest first. An Attribute
    criterion without a name is SVC0002 ``sortCriteria``."""
    keys: list[SortBy] = []
    seen: set[tuple[str, str]] = set()
    for s in sort_criteria(body):
        ident = (str(s.type), (s.name or "").casefold() if s.type == models.SortTypeEnum.Attribute else "")
        if ident in seen:
            continue
        seen.add(ident)
        descending = s.order != models.SortOrderEnum.Ascending
        if s.type == models.SortTypeEnum.Date:
            keys.append(SortBy(None, descending))
            continue
        if not s.name:
            raise bad("sortCriteria")
        keys.append(SortBy(s.name.casefold(), descending))
    return keys or [SortBy(None, True)]


def sort_criteria(body: models.SelectionCriteria) -> list[models.SortCriterion]:
    """sortCriteria, or the legacy single sortCriterion; the first MAX_SORT_KEYS of them."""
    if body.sortCriteria is not None:
        return list(body.sortCriteria.criterion)[:MAX_SORT_KEYS]
    if body.sortCriterion is not None:
        return [body.sortCriterion]
    return []


def criteria_digest(body: models.SelectionCriteria) -> str:
    """What a cursor is bound to: everything in the criteria but fromCursor and maxEntries."""
    data = body.model_dump(mode="json", exclude={"fromCursor", "maxEntries"}, exclude_unset=True)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------------ VanishedObjects


def asks_vanished(criteria: models.SearchCriteria | None) -> bool:
    """Whether the criteria hold a VanishedObjects criterion (answered from the deletions, not the objects)."""
    return criteria is not None and any(c.type == models.SearchTypeEnum.VanishedObjects for c in criteria.criterion)


def check_vanished(body: models.SelectionCriteria) -> None:
    """A VanishedObjects search stands alone: not negated, not combined, no searchScope (SVC0002)."""
    criteria = body.searchCriteria
    assert criteria is not None
    if len(criteria.criterion) != 1 or criteria.operator == models.LogicalOperatorEnum.Not:
        raise bad("searchCriteria")  # VanishedObjects cannot be negated or combined
    if body.searchScope is not None:
        raise bad("searchScope")  # deletions do not keep their folder


def refuse_vanished_selection(body: models.SelectionCriteria) -> None:
    """Bulk operations select existing objects: VanishedObjects is SVC0002 ``selectionCriteria``."""
    if asks_vanished(body.searchCriteria):
        raise bad("selectionCriteria")  # deleted objects can be neither updated nor deleted

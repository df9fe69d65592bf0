"""The rules of ``SelectionCriteria`` (TS14 5.3.2.15-19, the per-type table of 6.7) that do not depend on
how a store runs a search: limits, date bounds, words, sort criteria, presets, VanishedObjects, and the
digest a paging cursor is bound to. ``refstore/search.py`` turns the criteria into SQL; subscription
filters (``subscriptions.py``) evaluate them on changed items."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

from mcdata_store import models
from mcdata_store.store import StoreError

from .answers import bad

__all__ = [
    "MAX_CRITERIA",
    "MAX_SORT_KEYS",
    "PRESETS",
    "SORT_VALUE_CHARS",
    "asks_vanished",
    "check_vanished",
    "criteria_digest",
    "date_bounds",
    "preset_refusal",
    "refuse_vanished_selection",
    "sort_criteria",
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

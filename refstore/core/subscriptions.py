"""Subscriptions (OMA NMS 6.17-6.18): what is stored of a request, how long one lives, how it is
answered, and its ``filter`` evaluated on the current state of each changed item."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mcdata_store import models

from .answers import bad
from .attributes import value_key
from .criteria import date_bounds
from .flags import FLAG_VALUES
from .urls import subscription_url

__all__ = ["Item", "Lifetimes", "SubscriptionFilter", "stored_request", "subscription_model"]


@dataclass(frozen=True)
class Lifetimes:
    """How long a subscription lives (seconds): ``default`` when the request gives no duration (or 0), and
    at most ``maximum``."""

    default: int
    maximum: int

    def expiry(self, now: float, duration: int | None) -> float:
        """When a subscription created or updated at ``now`` with ``duration`` expires."""
        seconds = self.default if not duration else min(duration, self.maximum)
        return now + seconds


def stored_request(body: models.NmsSubscription) -> dict[str, Any]:
    """What the store keeps of a subscription request (the rest is the store's: id, index, token, expiry)."""
    return body.model_dump(mode="json", include={"callbackReference", "filter", "clientCorrelator"}, exclude_unset=True)


def subscription_model(
    request: str, box_url: str, subscription_id: str, expires_at: float, now: float, index: int, token: str
) -> models.NmsSubscription:
    """A stored subscription as answered: the request (JSON) with the remaining seconds, index and token."""
    fields: dict[str, Any] = json.loads(request)
    fields["resourceURL"] = subscription_url(box_url, subscription_id)
    fields["duration"] = max(0, math.ceil(expires_at - now))
    fields["index"] = index
    fields["restartToken"] = token
    return models.NmsSubscription.model_validate(fields)


# ------------------------------------------------------------------------------------------ filters


@dataclass(frozen=True)
class Item:
    """What a subscription filter is evaluated on: an object, a folder, or a deleted object/folder."""

    kind: Literal["object", "folder", "vanished"]
    attributes: Sequence[tuple[str, list[str]]] = ()
    flags: frozenset[str] = frozenset()  # casefolded names
    created_us: int = 0
    created_seq: int = 0


class SubscriptionFilter:
    """A subscription ``filter`` (SearchCriteria) evaluated on the current state of each changed item.

    Per criterion: ``Date`` and ``Attribute`` on objects and folders, ``Flag`` on objects,
    ``CreatedObjects`` (value "") on objects created after the subscription, ``VanishedObjects`` on
    deletions only (TS14 §6.17 table). A deleted item has no state left, so it matches only
    ``VanishedObjects`` (and the negations of the other criteria). ``AllTextAttributes``, ``WholeWord`` and
    ``PresetSearch`` are refused when the subscription is created (SVC0002 ``filter``).
    """

    def __init__(self, criteria: models.SearchCriteria | None, start_seq: int) -> None:
        self._tests = [self._criterion(c, start_seq) for c in (criteria.criterion if criteria else [])]
        self._operator = criteria.operator if criteria else None

    @staticmethod
    def _criterion(crit: models.SearchCriterion, start_seq: int) -> Callable[[Item], bool]:
        t = crit.type
        if t == models.SearchTypeEnum.Date:
            low, high = date_bounds(crit.value, "filter")
            return lambda i: (
                i.kind != "vanished" and (low is None or i.created_us >= low) and (high is None or i.created_us < high)
            )
        if t == models.SearchTypeEnum.Attribute and crit.name:
            name, wanted = crit.name.casefold(), value_key(crit.name, crit.value)

            def attribute(i: Item) -> bool:
                return any(
                    n.casefold() == name and any(value_key(n, v) == wanted for v in vs) for n, vs in i.attributes
                )

            return attribute
        if t == models.SearchTypeEnum.Flag and crit.name:
            wanted_set = FLAG_VALUES.get(crit.value.strip().lower())  # as a search reads it (the document's pattern)
            if wanted_set is not None:
                key = crit.name.casefold()
                return lambda i: i.kind == "object" and (key in i.flags) == wanted_set
        if t == models.SearchTypeEnum.CreatedObjects and crit.value == "":
            return lambda i: i.kind == "object" and i.created_seq > start_seq
        if t == models.SearchTypeEnum.VanishedObjects:
            return lambda i: i.kind == "vanished"
        raise bad("filter")

    def __call__(self, item: Item) -> bool:
        if not self._tests:
            return True
        if self._operator == models.LogicalOperatorEnum.Or:
            return any(t(item) for t in self._tests)
        if self._operator == models.LogicalOperatorEnum.Not:
            return not all(t(item) for t in self._tests)
        return all(t(item) for t in self._tests)

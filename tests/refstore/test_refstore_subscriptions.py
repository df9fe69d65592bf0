"""Subscriptions of the reference store called directly: their life from creation to expiry."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mcdata_store import models
from mcdata_store.store import StoreError
from refstore import SqliteStore

from .direct import A, B, last

# ------------------------------------------------------------------------------------------ subscriptions


@pytest.mark.clause("OMA-NMS-6.17", "OMA-NMS-6.18", "OMA-NMS-5.3.2.20", "OMA-NMS-5.3.2.22")
def test_subscription_lifecycle(make_store: Callable[..., SqliteStore]) -> None:
    now = [1_000_000.0]
    store = make_store("s.db", clock=lambda: now[0])
    try:
        request = {
            "callbackReference": {"notifyURL": "https://client.example.org/cb", "callbackData": "abc"},
            "duration": 3600,
            "filter": {"criterion": [{"type": "Flag", "name": "\\Seen", "value": "false"}]},
        }
        made = store.create_subscription(
            A, models.NmsSubscription.model_validate({**request, "restartToken": "rt-from-client"})
        )
        wire = made.to_wire()
        assert wire["index"] == 1 and wire["restartToken"] == "rt-from-client" and wire["duration"] == 3600
        assert wire["callbackReference"] == request["callbackReference"] and wire["filter"] == request["filter"]
        sid = last(wire["resourceURL"])
        assert wire["resourceURL"] == f"{A.box_url}/subscriptions/{sid}"

        fresh = store.create_subscription(
            A, models.NmsSubscription.model_validate({"callbackReference": {"notifyURL": "https://c/2"}})
        )
        assert fresh.restartToken and fresh.index == 1 and fresh.duration == 24 * 3600  # server policy
        listed = store.list_subscriptions(A)
        assert listed.resourceURL == f"{A.box_url}/subscriptions" and len(listed.subscription or []) == 2
        assert store.list_subscriptions(B).to_wire() == {
            "subscription": [],
            "resourceURL": f"{B.box_url}/subscriptions",
        }

        now[0] += 600
        assert store.get_subscription(A, sid).duration == 3000  # remaining validity
        updated = store.update_subscription(
            A, sid, models.NmsSubscriptionUpdate(duration=7200, restartToken="rt-again")
        )
        assert (updated.index, updated.restartToken, updated.duration) == (1, "rt-again", 7200)
        kept = store.update_subscription(A, sid, models.NmsSubscriptionUpdate(duration=60))
        assert kept.restartToken == "rt-again"

        with pytest.raises(StoreError) as exc:
            store.get_subscription(B, sid)
        assert exc.value.exception_id == "SVC0004"
        store.delete_subscription(A, sid)
        for call in (
            lambda: store.get_subscription(A, sid),
            lambda: store.update_subscription(A, sid, models.NmsSubscriptionUpdate()),
            lambda: store.delete_subscription(A, sid),
        ):
            with pytest.raises(StoreError) as exc:
                call()
            assert exc.value.exception_id == "SVC0004"
            assert exc.value.links == [("NmsSubscription", f"{A.box_url}/subscriptions/{sid}")]

        now[0] += 24 * 3600  # the second one expired
        assert store.list_subscriptions(A).subscription == []

        corr = {"callbackReference": {"notifyURL": "https://c/3"}, "clientCorrelator": "corr-7"}
        one = store.create_subscription(A, models.NmsSubscription.model_validate(corr))
        two = store.create_subscription(A, models.NmsSubscription.model_validate(corr))
        assert one.resourceURL == two.resourceURL and two.clientCorrelator == "corr-7"
    finally:
        store.close()

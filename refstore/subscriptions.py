"""Subscriptions in SQLite (OMA NMS 6.17-6.18): stored per box with their delivery record (table
``delivery``, read by the notifier in ``notify.py``); expired ones are gone (SVC0004)."""

from __future__ import annotations

import json
from typing import Any

from mcdata_store import models

from .core.answers import PAGE_MAX, not_found
from .core.ids import SUBSCRIPTION_PREFIX
from .core.subscriptions import Lifetimes, subscription_model
from .core.urls import subscription_url, subscriptions_url
from .tx import Row, Tx

__all__ = [
    "create_subscription",
    "delete_subscription",
    "get_subscription",
    "list_subscriptions",
    "update_subscription",
]


def _live(tx: Tx, subscription_id: str) -> Row:
    row = tx.one(
        "SELECT * FROM subscription WHERE box_pk = ? AND id = ? AND expires_at > ?",
        (tx.box, subscription_id, tx.clock()),
    )
    if row is None:
        url = subscription_url(tx.box_url, subscription_id)
        raise not_found(url, [("NmsSubscription", url)])  # TS14 D.61
    return row


def _model(tx: Tx, row: Row) -> models.NmsSubscription:
    return subscription_model(
        str(row["request"]),
        tx.box_url,
        str(row["id"]),
        float(row["expires_at"]),
        tx.clock(),
        int(row["next_index"]),
        str(row["restart_token"]),
    )


def list_subscriptions(tx: Tx) -> models.NmsSubscriptionList:
    rows = tx.all(
        "SELECT * FROM subscription WHERE box_pk = ? AND expires_at > ? ORDER BY pk LIMIT ?",
        (tx.box, tx.clock(), PAGE_MAX),
    )
    return models.NmsSubscriptionList(
        subscription=[_model(tx, r) for r in rows], resourceURL=subscriptions_url(tx.box_url)
    )


def create_subscription(
    tx: Tx, body: models.NmsSubscription, request: dict[str, Any], lifetimes: Lifetimes
) -> models.NmsSubscription:
    """A new subscription (``request``: what is kept of the body, its filter already checked), or the one
    with the same clientCorrelator (idempotent creation). Its delivery starts at the box's current point."""
    tx.run("DELETE FROM subscription WHERE box_pk = ? AND expires_at <= ?", (tx.box, tx.clock()))
    if body.clientCorrelator is not None:
        existing = tx.one(
            "SELECT * FROM subscription WHERE box_pk = ? AND client_correlator = ?", (tx.box, body.clientCorrelator)
        )
        if existing is not None:
            return _model(tx, existing)
    subscription_id = tx.new_id(SUBSCRIPTION_PREFIX)
    tx.run(
        "INSERT INTO subscription (box_pk, id, request, client_correlator, subject, expires_at, next_index,"
        " restart_token) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
        (
            tx.box,
            subscription_id,
            json.dumps(request),
            body.clientCorrelator,
            tx.ctx.subject,
            lifetimes.expiry(tx.clock(), body.duration),
            body.restartToken if body.restartToken is not None else tx.restart_token(),
        ),
    )
    row = tx.one("SELECT * FROM subscription WHERE box_pk = ? AND id = ?", (tx.box, subscription_id))
    assert row is not None
    tx.run(
        "INSERT INTO delivery (box_pk, subscription_pk, box_url, start_seq) VALUES (?, ?, ?, ?)",
        (tx.box, int(row["pk"]), tx.box_url, tx.mod_seq()),
    )
    return _model(tx, row)


def get_subscription(tx: Tx, subscription_id: str) -> models.NmsSubscription:
    return _model(tx, _live(tx, subscription_id))


def update_subscription(
    tx: Tx, subscription_id: str, body: models.NmsSubscriptionUpdate, lifetimes: Lifetimes
) -> models.NmsSubscription:
    """A new duration, and the requested restart token (delivery restarts from it at once) or the current."""
    row = _live(tx, subscription_id)
    token = body.restartToken if body.restartToken is not None else str(row["restart_token"])
    tx.run(
        "UPDATE subscription SET expires_at = ?, restart_token = ? WHERE box_pk = ? AND pk = ?",
        (lifetimes.expiry(tx.clock(), body.duration), token, tx.box, int(row["pk"])),
    )
    # a delivery in flight keeps its index but no longer moves the restart point; retry at once
    tx.run(
        "UPDATE delivery SET generation = generation + 1, failures = 0, next_attempt = 0"
        " WHERE box_pk = ? AND subscription_pk = ?",
        (tx.box, int(row["pk"])),
    )
    return _model(tx, _live(tx, subscription_id))


def delete_subscription(tx: Tx, subscription_id: str) -> None:
    row = _live(tx, subscription_id)
    tx.run("DELETE FROM subscription WHERE box_pk = ? AND pk = ?", (tx.box, int(row["pk"])))

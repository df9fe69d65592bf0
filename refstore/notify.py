"""Notification delivery of the SQLite store (OMA NMS §6.17–6.19), in background threads.

:class:`Notifier` delivers: one dispatcher thread finds subscriptions with pending changes and hands each
to a small pool of sender threads, which build one ``NmsEventList`` from the change log
(``changes.change_batch``, filtered by the subscription's filter) and POST it (``core.delivery``). A
success advances the subscription's ``index`` by one and its restart token to the batch's end; a failure
is retried with exponential back-off, and 404/410 or ``max_attempts`` failures in a row expire the
subscription. Requests never wait for delivery: writes only wake the dispatcher. A lease in the database
keeps two store instances or processes on one file from delivering the same subscription.

The names tests and benchmarks import from here (settings, filter, change log, tokens) live in the
modules that own them and are re-exported.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from mcdata_store import models

from .changes import CHANGES_SQL, ChangeBatch, change_batch
from .core.delivery import HttpsPoster, NotifySettings, backoff, gives_up
from .core.events import notification
from .core.ids import parse_token, restart_token
from .core.subscriptions import SubscriptionFilter
from .tx import Db

# a transaction on the store's database: write or read-only; committed when the block ends
Session = Callable[[bool], AbstractContextManager[Db]]

__all__ = [
    "CHANGES_SQL",
    "ChangeBatch",
    "Notifier",
    "NotifySettings",
    "Session",
    "SubscriptionFilter",
    "change_batch",
    "parse_token",
    "restart_token",
]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Due:
    box: int
    pk: int
    generation: int
    index: int


def _write(session: Session, sql: str, params: Sequence[Any], *more: tuple[str, Sequence[Any]]) -> int:
    """Run the statements in one write transaction; the number of rows the first one changed."""
    with session(True) as db:
        count = db.run(sql, params).rowcount
        for other, other_params in more:
            db.run(other, other_params)
    return int(count)


class Notifier:
    """The background delivery of a store's subscriptions (started by ``SqliteStore(notify=...)``).

    ``session`` opens one transaction on the store's database (SQLite: the calling thread's connection;
    PostgreSQL: a pooled one); ``clock`` is the store's clock (subscription expiry and back-off times are
    stored in its seconds).
    """

    def __init__(
        self,
        session: Session,
        settings: NotifySettings,
        clock: Callable[[], float],
    ) -> None:
        self._session = session
        self._settings = settings
        self._clock = clock
        self._owner = secrets.token_hex(8)  # whose lease a claimed subscription is (several processes may deliver)
        self._wake = threading.Condition()
        self._woken = False
        self._stopping = False
        self._in_flight: set[int] = set()
        self._poster = HttpsPoster(settings)
        self._log_lock = threading.Lock()
        self._logged: dict[int, tuple[float, int]] = {}  # subscription pk -> (last warning, failures not logged)
        self._pool = ThreadPoolExecutor(max_workers=max(1, settings.senders), thread_name_prefix="nms-notify-send")
        self._thread = threading.Thread(target=self._run, name="nms-notify", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Something changed: look for pending notifications now (never blocks the caller)."""
        with self._wake:
            self._woken = True
            self._wake.notify()

    def stop(self) -> None:
        """Stop the dispatcher, finish the POSTs in flight (bounded by the timeout), close the HTTP client."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._poster.close()

    # ----------------------------------------------------------------------- dispatcher

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._stopping:
                    return
                self._woken = False
            try:
                wait = self._dispatch()
            except Exception:  # e.g. disk full or an I/O error: the dispatcher lives on and looks again later
                _log.exception("looking for pending notifications failed")
                wait = self._settings.poll_interval  # look again later
            with self._wake:
                if not self._woken and not self._stopping:
                    self._wake.wait(timeout=wait)

    def _dispatch(self) -> float:
        """Hand every due subscription to a sender; the seconds until the next look."""
        now = self._clock()
        with self._session(False) as db:
            # the one statement over every box (sharded: a parallel scan of the subscriptions of each shard)
            rows = db.all(
                "SELECT s.box_pk, s.pk, s.next_index, s.restart_token, d.generation, d.next_attempt, d.lease_until,"
                " b.mod_seq FROM subscription s JOIN delivery d ON d.box_pk = s.box_pk AND d.subscription_pk = s.pk"
                " JOIN box b ON b.pk = s.box_pk WHERE s.expires_at > ?",
                (now,),
            )
        wait = self._settings.poll_interval
        for r in rows:
            pk = int(r["pk"])
            start = parse_token(str(r["restart_token"]))
            if start == int(r["mod_seq"]):
                continue  # nothing new
            ready = max(float(r["next_attempt"]), float(r["lease_until"]))
            if ready > now:
                wait = min(wait, ready - now)
                continue
            with self._wake:
                if self._stopping:
                    break
                if pk in self._in_flight:
                    continue  # being sent by this process
                self._in_flight.add(pk)
            self._pool.submit(self._send, _Due(int(r["box_pk"]), pk, int(r["generation"]), int(r["next_index"])))
        return max(wait, 0.005)

    # ----------------------------------------------------------------------- sender

    def _send(self, due: _Due) -> None:
        try:
            self._deliver(due)
        except Exception:  # a broken round must not kill the sender: logged, retried after the first back-off
            _log.exception("notification of subscription %s failed", due.pk)
            try:
                _write(
                    self._session,
                    "UPDATE delivery SET lease_until = 0, next_attempt = ?"
                    " WHERE box_pk = ? AND subscription_pk = ? AND lease_owner = ?",
                    (self._clock() + self._settings.retry_base, due.box, due.pk, self._owner),
                )
            except Exception:  # the lease runs out by itself
                _log.exception("releasing the lease of subscription %s failed", due.pk)
        finally:
            with self._wake:
                self._in_flight.discard(due.pk)
                self._woken = True  # more may be pending (a batch was full, or changes arrived meanwhile)
                self._wake.notify()

    def _deliver(self, due: _Due) -> None:
        session, box, pk = self._session, due.box, due.pk
        now = self._clock()
        # the lease outlasts what a live sender can take: one POST (httpx's timeout bounds connect, send and
        # answer each: 3 x timeout) and its few statements (5 s); `nmsgen serve --notify-timeout` sets it
        lease = now + self._settings.timeout * 3 + 5
        # the lease: a row lock makes concurrent claims of one subscription (any process) wait, and the loser
        # finds the lease taken; a sender that dies leaves the lease to run out, then any process takes over
        claimed = _write(
            session,
            "UPDATE delivery SET lease_until = ?, lease_owner = ? WHERE box_pk = ? AND subscription_pk = ?"
            " AND generation = ? AND lease_until <= ? AND next_attempt <= ?",
            (lease, self._owner, box, pk, due.generation, now, now),
        )
        if not claimed:
            return  # another process holds it, or the client updated the subscription meanwhile
        with session(False) as db:
            row = db.one(
                "SELECT s.id, s.box_pk, s.request, s.next_index, s.restart_token, s.expires_at, d.box_url,"
                " d.start_seq, d.failures FROM subscription s JOIN delivery d ON d.box_pk = s.box_pk"
                " AND d.subscription_pk = s.pk WHERE s.box_pk = ? AND s.pk = ?",
                (box, pk),
            )
            if row is None or float(row["expires_at"]) <= now:
                return
            request = json.loads(str(row["request"]))
            criteria = request.get("filter")
            keep = SubscriptionFilter(
                models.SearchCriteria.model_validate(criteria) if criteria else None, int(row["start_seq"])
            )
            box_url = str(row["box_url"])
            batch = change_batch(
                db,
                int(row["box_pk"]),
                box_url,
                parse_token(str(row["restart_token"])),
                limit=self._settings.batch_max,
                keep=keep,
            )
        if not batch.events:  # everything filtered out: move on without a notification
            _write(
                session,
                "UPDATE subscription SET restart_token = ? WHERE box_pk = ? AND pk = ? AND pk IN"
                " (SELECT subscription_pk FROM delivery WHERE box_pk = ? AND generation = ?)",
                (restart_token(batch.end), box, pk, box, due.generation),
                ("UPDATE delivery SET lease_until = 0 WHERE box_pk = ? AND subscription_pk = ?", (box, pk)),
            )
            return
        callback = request["callbackReference"]
        token = restart_token(batch.end)
        body = notification(batch.events, callback, int(row["next_index"]), token, box_url, str(row["id"]))
        notify_url = str(callback["notifyURL"])
        status, reason = self._poster.post(notify_url, body)
        if status is not None and 200 <= status < 300:
            _write(
                session,
                "UPDATE subscription SET next_index = next_index + 1,"
                " restart_token = CASE WHEN (SELECT generation FROM delivery WHERE box_pk = ? AND subscription_pk = ?)"
                " = ? THEN ? ELSE restart_token END WHERE box_pk = ? AND pk = ?",
                (box, pk, due.generation, token, box, pk),
                (
                    "UPDATE delivery SET failures = 0, next_attempt = 0, lease_until = 0"
                    " WHERE box_pk = ? AND subscription_pk = ?",
                    (box, pk),
                ),
            )
            return
        failures = int(row["failures"]) + 1
        final = gives_up(self._settings, status, failures)
        self._log_failure(due.pk, str(row["id"]), notify_url, reason, failures, final)
        if final:
            # §6.19: the subscription expires; the client notices (404) and re-subscribes with its restartToken
            _write(
                session,
                "UPDATE subscription SET expires_at = ? WHERE box_pk = ? AND pk = ?",
                (self._clock(), box, pk),
                ("UPDATE delivery SET lease_until = 0 WHERE box_pk = ? AND subscription_pk = ?", (box, pk)),
            )
            return
        _write(
            session,
            "UPDATE delivery SET failures = ?, next_attempt = ?, lease_until = 0"
            " WHERE box_pk = ? AND subscription_pk = ?",
            (failures, self._clock() + backoff(self._settings, failures), box, pk),
        )

    def _log_failure(self, pk: int, sid: str, url: str, reason: str, failures: int, final: bool) -> None:
        """A warning naming the subscription, its notifyURL and the reason; for one subscription at most one per
        ``log_interval`` seconds (the failures in between are counted in the next one), and always its end."""
        now = self._clock()
        with self._log_lock:
            last, skipped = self._logged.get(pk, (float("-inf"), 0))
            if not final and now - last < self._settings.log_interval:
                self._logged[pk] = (last, skipped + 1)
                return
            self._logged[pk] = (now, 0)
            if final:
                self._logged.pop(pk, None)
        more = f"; {skipped} more failure(s) since the last warning" if skipped else ""
        what = (
            "the subscription expires (the client re-subscribes with its restartToken)"
            if final
            else f"failure {failures} in a row, retried with back-off"
        )
        _log.warning("notification of subscription %s to %s failed: %s; %s%s", sid, url, reason, what, more)

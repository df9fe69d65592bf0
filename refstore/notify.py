"""Change tracking and notification delivery of the reference store (OMA NMS §5.1.4, §6.17–6.19).

The change log is the store's own data: every object and folder row carries the box-wide ``last_mod_seq``
of its latest change and every deletion leaves a tombstone with its own ``last_mod_seq`` (ids are never
reused). The changes since a point ``N`` of the box are the rows and tombstones with ``last_mod_seq > N``;
each object or folder appears once, in its current state, so several events on one object compress to
their net effect (§5.1.4.1). A restart token is ``rt-{N}``. When the store cannot produce the changes
since a token (unknown token, a point ahead of the box, or before the tombstones purged by
``purge_tombstones``) the next notification is a ``resetBox``.

:class:`Notifier` delivers: one dispatcher thread finds subscriptions with pending changes and hands each
to a small pool of sender threads, which POST one ``NmsEventList`` (JSON) to the notifyURL over HTTPS
(httpx, certificates verified against the system trust store or ``NotifySettings.ca_file``). A success
advances the subscription's ``index`` by one and its restart token to the batch's end; a failure is
retried with exponential back-off, and 404/410 or ``max_attempts`` failures in a row expire the
subscription (§6.19 leaves retry, buffer or expiry to server policy). Requests never wait for delivery:
writes only wake the dispatcher.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sqlite3
import ssl
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import httpx

from mcdata_store import models
from mcdata_store.store import StoreError

__all__ = [
    "ChangeBatch",
    "Notifier",
    "NotifySettings",
    "SubscriptionFilter",
    "change_batch",
    "parse_token",
    "restart_token",
]

EVENTS_MAX = 1000  # NmsEventList.nmsEvent holds at most 1000 events (the models' list limit)
BUSY_RETRIES = 3
PERMANENT_FAILURES = frozenset({404, 410})  # §6.19: e.g. 404 is permanent, 503 temporary
CASE_INSENSITIVE_ATTRIBUTES = frozenset({"direction", "message-context"})  # App. I
_TOKEN = re.compile(r"rt-([0-9]{1,19})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotifySettings:
    """How the store delivers notifications (``SqliteStore(..., notify=NotifySettings(...))``)."""

    ca_file: Path | None = None  # CA bundle the notifyURL servers' certificates are verified with; None: system
    timeout: float = 10.0  # seconds per POST (connect, read, write)
    retry_base: float = 1.0  # first back-off in seconds, doubled per failure in a row
    retry_max: float = 300.0  # back-off ceiling in seconds
    max_attempts: int = 8  # failures in a row after which the subscription expires
    poll_interval: float = 1.0  # seconds between looks at the database (writes of other processes)
    senders: int = 4  # threads POSTing notifications (one subscription is never sent to concurrently)
    batch_max: int = EVENTS_MAX  # events per NmsEventList
    log_interval: float = 60.0  # seconds between two warnings about the failed deliveries of one subscription


def restart_token(seq: int) -> str:
    return f"rt-{seq}"


def parse_token(token: str | None) -> int | None:
    """The box point of a restart token of this store, else None."""
    match = _TOKEN.fullmatch(token or "")
    return int(match.group(1)) if match else None


def _rollback(conn: sqlite3.Connection) -> None:
    """End a failed transaction without hiding its error: a ROLLBACK that fails as well (I/O error) leaves
    the transaction open, and the store replaces such a connection on its thread's next call."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            _log.warning("rolling back a failed transaction failed", exc_info=True)


def _object_url(box_url: str, object_id: str) -> str:
    return f"{box_url}/objects/{quote(object_id, safe='')}"


def _folder_url(box_url: str, folder_id: str) -> str:
    return f"{box_url}/folders/{quote(folder_id, safe='')}"


def _attributes(raw: str) -> list[tuple[str, list[str]]]:
    stored = json.loads(raw)
    return [(str(a["name"]), [str(v) for v in a.get("value") or []]) for a in stored.get("attribute") or []]


# ------------------------------------------------------------------------------------------ filters


@dataclass(frozen=True)
class _Item:
    """What a subscription filter is evaluated on: an object, a folder, or a deleted object/folder."""

    kind: Literal["object", "folder", "vanished"]
    attributes: Sequence[tuple[str, list[str]]] = ()
    flags: frozenset[str] = frozenset()
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
    def _criterion(crit: models.SearchCriterion, start_seq: int) -> Callable[[_Item], bool]:
        t = crit.type
        if t == models.SearchTypeEnum.Date:
            low, high = _date_bounds(crit.value)
            return lambda i: (
                i.kind != "vanished" and (low is None or i.created_us >= low) and (high is None or i.created_us < high)
            )
        if t == models.SearchTypeEnum.Attribute and crit.name:
            name, value = crit.name.casefold(), crit.value
            fold = name in CASE_INSENSITIVE_ATTRIBUTES

            def attribute(i: _Item) -> bool:
                return any(
                    n.casefold() == name and any((v.casefold() == value.casefold()) if fold else v == value for v in vs)
                    for n, vs in i.attributes
                )

            return attribute
        if t == models.SearchTypeEnum.Flag and crit.name:
            wanted = {"": True, "true": True, "1": True, "false": False, "0": False}.get(crit.value.strip())
            if wanted is not None:
                key = crit.name.casefold()
                return lambda i: i.kind == "object" and (key in i.flags) == wanted
        if t == models.SearchTypeEnum.CreatedObjects and crit.value == "":
            return lambda i: i.kind == "object" and i.created_seq > start_seq
        if t == models.SearchTypeEnum.VanishedObjects:
            return lambda i: i.kind == "vanished"
        raise StoreError("SVC0002", ["filter"])

    def __call__(self, item: _Item) -> bool:
        if not self._tests:
            return True
        if self._operator == models.LogicalOperatorEnum.Or:
            return any(t(item) for t in self._tests)
        if self._operator == models.LogicalOperatorEnum.Not:
            return not all(t(item) for t in self._tests)
        return all(t(item) for t in self._tests)


def _date_bounds(value: str) -> tuple[int | None, int | None]:
    bounds: dict[str, int] = {}
    for part in value.split("&"):
        key, sep, stamp = part.partition("=")
        if not sep or key not in ("minDate", "maxDate") or key in bounds:
            raise StoreError("SVC0002", ["filter"])
        try:
            when = datetime.fromisoformat(stamp)
        except ValueError:
            raise StoreError("SVC0002", ["filter"]) from None
        if when.tzinfo is None:
            raise StoreError("SVC0002", ["filter"])
        bounds[key] = (when - _EPOCH) // timedelta(microseconds=1)
    return bounds.get("minDate"), bounds.get("maxDate")


# ------------------------------------------------------------------------------------------ change batches

# The change log of a box after a point, in sequence order; each of the three index range scans is
# served by its (box_pk, last_mod_seq) index (EXPLAIN QUERY PLAN in benchmarks/results-notify.md).
CHANGES_SQL = """
    SELECT 'o' AS k, pk, last_mod_seq AS seq FROM object WHERE box_pk = :box AND last_mod_seq > :since
    UNION ALL
    SELECT 'f', pk, last_mod_seq FROM folder WHERE box_pk = :box AND last_mod_seq > :since AND parent_pk IS NOT NULL
    UNION ALL
    SELECT 't', pk, last_mod_seq FROM tombstone WHERE box_pk = :box AND last_mod_seq > :since
    ORDER BY seq LIMIT :limit
"""


@dataclass(frozen=True)
class ChangeBatch:
    events: list[models.NmsEvent]  # after the filter
    end: int  # the box point after these changes (the batch's restart token)
    reset: bool  # the store cannot produce the changes: one resetBox event
    more: bool  # changes after ``end`` already exist


def _chunks(values: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def change_batch(
    conn: sqlite3.Connection,
    box_pk: int,
    box_url: str,
    since: int | None,
    *,
    limit: int = EVENTS_MAX,
    keep: Callable[[_Item], bool] = lambda _: True,
) -> ChangeBatch:
    """The changes of the box after point ``since`` (at most ``limit`` items), as NMS events.

    Must run inside one read transaction (one snapshot): the end point and the rows come from the same
    state. ``since`` None (an unknown token), ahead of the box, or before its purged tombstones → resetBox.
    """
    mod_seq = int(conn.execute("SELECT mod_seq FROM box WHERE pk = ?", (box_pk,)).fetchone()[0])
    floor_row = conn.execute("SELECT seq FROM change_floor WHERE box_pk = ?", (box_pk,)).fetchone()
    floor = int(floor_row[0]) if floor_row else 0
    if since is None or since > mod_seq or since < floor:
        reset = models.NmsEvent.model_validate({"resetBox": None})  # the empty element: JSON null
        return ChangeBatch([reset], mod_seq, True, False)
    rows = conn.execute(CHANGES_SQL, {"box": box_pk, "since": since, "limit": limit + 1}).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    end = int(rows[-1][2]) if more else mod_seq
    by_kind: dict[str, list[int]] = {"o": [], "f": [], "t": []}
    for kind, pk, _ in rows:
        by_kind[str(kind)].append(int(pk))
    events: dict[int, models.NmsEvent] = {}  # by seq, so that the list is in change order
    objects: list[sqlite3.Row] = []
    flags: dict[int, list[str]] = {}
    for chunk in _chunks(by_kind["o"]):
        marks = ",".join("?" * len(chunk))
        objects += conn.execute(
            "SELECT o.pk, o.id, o.attributes, o.correlation_id, o.correlation_tag, o.last_mod_seq, o.created_seq,"
            " o.created_us, f.id AS folder_id FROM object o JOIN folder f ON f.pk = o.folder_pk"
            f" WHERE o.pk IN ({marks})",
            list(chunk),
        ).fetchall()
        for object_pk, name in conn.execute(
            f"SELECT object_pk, name FROM flag WHERE object_pk IN ({marks}) ORDER BY pk", list(chunk)
        ):
            flags.setdefault(int(object_pk), []).append(str(name))
    for r in objects:
        names = flags.get(int(r["pk"]), [])
        item = _Item(
            "object",
            _attributes(str(r["attributes"])),
            frozenset(n.casefold() for n in names),
            int(r["created_us"]),
            int(r["created_seq"]),
        )
        if not keep(item):
            continue
        fields: dict[str, Any] = {
            "parentFolder": _folder_url(box_url, str(r["folder_id"])),
            "flags": models.FlagList(flag=[models.Flag(n) for n in names]),
            "resourceURL": _object_url(box_url, str(r["id"])),
            "lastModSeq": int(r["last_mod_seq"]),
        }
        if r["correlation_id"] is not None:
            fields["correlationId"] = str(r["correlation_id"])
        if r["correlation_tag"] is not None:
            fields["correlationTag"] = str(r["correlation_tag"])
        events[int(r["last_mod_seq"])] = models.NmsEvent(changedObject=models.ChangedObject(**fields))
    for chunk in _chunks(by_kind["f"]):
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            "SELECT f.id, f.name, f.attributes, f.last_mod_seq, f.created_us, p.id AS parent_id"
            f" FROM folder f JOIN folder p ON p.pk = f.parent_pk WHERE f.pk IN ({marks})",
            list(chunk),
        ):
            pairs = [("Root", ["No"]), *_attributes(str(r["attributes"])), ("Name", [str(r["name"])])]
            if not keep(_Item("folder", pairs, created_us=int(r["created_us"]))):
                continue
            events[int(r["last_mod_seq"])] = models.NmsEvent(
                changedFolder=models.ChangedFolder(
                    parentFolder=_folder_url(box_url, str(r["parent_id"])),
                    resourceURL=_folder_url(box_url, str(r["id"])),
                    name=str(r["name"]),
                    lastModSeq=int(r["last_mod_seq"]),
                )
            )
    for chunk in _chunks(by_kind["t"]):
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            f"SELECT kind, id, last_mod_seq, correlation_id, correlation_tag FROM tombstone WHERE pk IN ({marks})",
            list(chunk),
        ):
            if not keep(_Item("vanished")):
                continue
            seq = int(r["last_mod_seq"])
            if r["kind"] == "folder":
                events[seq] = models.NmsEvent(
                    deletedFolder=models.DeletedFolder(resourceURL=_folder_url(box_url, str(r["id"])), lastModSeq=seq)
                )
                continue
            fields = {"resourceURL": _object_url(box_url, str(r["id"])), "lastModSeq": seq}
            if r["correlation_id"] is not None:
                fields["correlationId"] = str(r["correlation_id"])
            if r["correlation_tag"] is not None:
                fields["correlationTag"] = str(r["correlation_tag"])
            events[seq] = models.NmsEvent(deletedObject=models.DeletedObject(**fields))
    return ChangeBatch([events[s] for s in sorted(events)], end, False, more)


# ------------------------------------------------------------------------------------------ delivery


@dataclass(frozen=True)
class _Due:
    pk: int
    generation: int
    index: int


class Notifier:
    """The background delivery of a store's subscriptions (started by ``SqliteStore(notify=...)``).

    ``connect`` returns the calling thread's connection to the store's database (the store's own
    per-thread connections); ``clock`` is the store's clock (subscription expiry and back-off times are
    stored in its seconds).
    """

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        settings: NotifySettings,
        clock: Callable[[], float],
    ) -> None:
        self._connect = connect
        self._settings = settings
        self._clock = clock
        self._owner = secrets.token_hex(8)  # whose lease a claimed subscription is (several processes may deliver)
        self._wake = threading.Condition()
        self._woken = False
        self._stopping = False
        self._in_flight: set[int] = set()
        self._log_lock = threading.Lock()
        self._logged: dict[int, tuple[float, int]] = {}  # subscription pk -> (last warning, failures not logged)
        verify: ssl.SSLContext = ssl.create_default_context(
            cafile=str(settings.ca_file) if settings.ca_file is not None else None
        )
        self._http = httpx.Client(verify=verify, timeout=settings.timeout, follow_redirects=False, trust_env=False)
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
        self._http.close()

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
        conn = self._connect()
        conn.execute("BEGIN")
        try:
            rows = conn.execute(
                "SELECT s.pk, s.next_index, s.restart_token, d.generation, d.next_attempt, d.lease_until, b.mod_seq"
                " FROM subscription s JOIN delivery d ON d.subscription_pk = s.pk JOIN box b ON b.pk = s.box_pk"
                " WHERE s.expires_at > ?",
                (now,),
            ).fetchall()
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
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
            self._pool.submit(self._send, _Due(pk, int(r["generation"]), int(r["next_index"])))
        return max(wait, 0.005)

    # ----------------------------------------------------------------------- sender

    @staticmethod
    def _write(conn: sqlite3.Connection, sql: str, params: Sequence[Any], *more: tuple[str, Sequence[Any]]) -> int:
        """Run the statements in one write transaction; the number of rows the first one changed."""
        for attempt in range(BUSY_RETRIES):  # as the store's writes: the busy handler waits, then a retry
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if attempt == BUSY_RETRIES - 1 or not ("locked" in str(exc) or "busy" in str(exc)):
                    raise
        try:
            count = conn.execute(sql, params).rowcount
            for other, other_params in more:
                conn.execute(other, other_params)
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        return int(count)

    def _send(self, due: _Due) -> None:
        try:
            self._deliver(due)
        except Exception:  # a broken round must not kill the sender: logged, retried after the first back-off
            _log.exception("notification of subscription %s failed", due.pk)
            try:
                self._write(
                    self._connect(),
                    "UPDATE delivery SET lease_until = 0, next_attempt = ?"
                    " WHERE subscription_pk = ? AND lease_owner = ?",
                    (self._clock() + self._settings.retry_base, due.pk, self._owner),
                )
            except Exception:  # the lease runs out by itself
                _log.exception("releasing the lease of subscription %s failed", due.pk)
        finally:
            with self._wake:
                self._in_flight.discard(due.pk)
                self._woken = True  # more may be pending (a batch was full, or changes arrived meanwhile)
                self._wake.notify()

    def _deliver(self, due: _Due) -> None:
        conn = self._connect()
        now = self._clock()
        lease = now + self._settings.timeout * 3 + 5
        claimed = self._write(
            conn,
            "UPDATE delivery SET lease_until = ?, lease_owner = ? WHERE subscription_pk = ? AND generation = ?"
            " AND lease_until <= ? AND next_attempt <= ?",
            (lease, self._owner, due.pk, due.generation, now, now),
        )
        if not claimed:
            return  # another process holds it, or the client updated the subscription meanwhile
        conn.execute("BEGIN")
        try:
            row = conn.execute(
                "SELECT s.id, s.box_pk, s.request, s.next_index, s.restart_token, s.expires_at, d.box_url,"
                " d.start_seq, d.failures FROM subscription s JOIN delivery d ON d.subscription_pk = s.pk"
                " WHERE s.pk = ?",
                (due.pk,),
            ).fetchone()
            if row is None or float(row["expires_at"]) <= now:
                conn.execute("COMMIT")
                return
            request = json.loads(str(row["request"]))
            criteria = request.get("filter")
            keep = SubscriptionFilter(
                models.SearchCriteria.model_validate(criteria) if criteria else None, int(row["start_seq"])
            )
            box_url = str(row["box_url"])
            batch = change_batch(
                conn,
                int(row["box_pk"]),
                box_url,
                parse_token(str(row["restart_token"])),
                limit=self._settings.batch_max,
                keep=keep,
            )
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        index = int(row["next_index"])
        if not batch.events:  # everything filtered out: move on without a notification
            self._write(
                conn,
                "UPDATE subscription SET restart_token = ? WHERE pk = ? AND pk IN"
                " (SELECT subscription_pk FROM delivery WHERE generation = ?)",
                (restart_token(batch.end), due.pk, due.generation),
                ("UPDATE delivery SET lease_until = 0 WHERE subscription_pk = ?", (due.pk,)),
            )
            return
        callback = request["callbackReference"]
        body: dict[str, Any] = {"nmsEvent": batch.events}
        if callback.get("callbackData") is not None:
            body["callbackData"] = callback["callbackData"]
        body["index"] = index
        body["restartToken"] = restart_token(batch.end)
        body["link"] = [
            models.Link(rel="nmsSubscription", href=f"{box_url}/subscriptions/{quote(str(row['id']), safe='')}")
        ]
        payload = models.NmsEventListBody(nmsEventList=models.NmsEventList(**body)).to_wire()
        notify_url = str(callback["notifyURL"])
        status, reason = self._post(notify_url, payload)
        if status is not None and 200 <= status < 300:
            self._write(
                conn,
                "UPDATE subscription SET next_index = next_index + 1,"
                " restart_token = CASE WHEN (SELECT generation FROM delivery WHERE subscription_pk = ?) = ?"
                " THEN ? ELSE restart_token END WHERE pk = ?",
                (due.pk, due.generation, restart_token(batch.end), due.pk),
                (
                    "UPDATE delivery SET failures = 0, next_attempt = 0, lease_until = 0 WHERE subscription_pk = ?",
                    (due.pk,),
                ),
            )
            return
        failures = int(row["failures"]) + 1
        final = status in PERMANENT_FAILURES or failures >= self._settings.max_attempts
        self._log_failure(due.pk, str(row["id"]), notify_url, reason, failures, final)
        if final:
            # §6.19: the subscription expires; the client notices (404) and re-subscribes with its restartToken
            self._write(
                conn,
                "UPDATE subscription SET expires_at = ? WHERE pk = ?",
                (self._clock(), due.pk),
                ("UPDATE delivery SET lease_until = 0 WHERE subscription_pk = ?", (due.pk,)),
            )
            return
        backoff = min(self._settings.retry_base * 2 ** (failures - 1), self._settings.retry_max)
        self._write(
            conn,
            "UPDATE delivery SET failures = ?, next_attempt = ?, lease_until = 0 WHERE subscription_pk = ?",
            (failures, self._clock() + backoff, due.pk),
        )

    def _post(self, url: str, payload: dict[str, Any]) -> tuple[int | None, str]:
        """POST the notification: its HTTP status (None when no answer came: refused, TLS, timeout) and, for a
        failure, the reason in a few words."""
        if urlsplit(url).scheme.lower() != "https":  # notifications go over TLS only (TS 24.282 21.1)
            return 404, "the notifyURL is not https"
        try:
            with self._http.stream("POST", url, json=payload) as response:
                return response.status_code, f"HTTP {response.status_code}"  # content ignored (TS14 6.19.5)
        except httpx.HTTPError as e:
            detail = str(e) or type(e).__name__
            hint = " (a private CA? nmsgen serve --notify-ca)" if "CERTIFICATE_VERIFY_FAILED" in detail else ""
            return None, f"{type(e).__name__}: {detail[:200]}{hint}"

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

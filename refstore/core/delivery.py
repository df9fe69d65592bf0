"""How notifications are delivered (OMA NMS 6.19 leaves retry, buffer and expiry to server policy): the
settings, the policy on failures, and the HTTPS POST itself (httpx, certificates verified against the
system trust store or ``NotifySettings.ca_file``; no redirects, no proxy variables)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .answers import PAGE_MAX

__all__ = ["EVENTS_MAX", "PERMANENT_FAILURES", "HttpsPoster", "NotifySettings", "backoff", "gives_up"]

EVENTS_MAX = PAGE_MAX  # NmsEventList.nmsEvent holds at most 1000 events (the models' list limit)
PERMANENT_FAILURES = frozenset({404, 410})  # §6.19: e.g. 404 is permanent, 503 temporary


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


def gives_up(settings: NotifySettings, status: int | None, failures: int) -> bool:
    """Whether a failed delivery (``failures`` in a row, this one included) expires the subscription: a
    permanent failure (404, 410) at once, any other after ``max_attempts``."""
    return status in PERMANENT_FAILURES or failures >= settings.max_attempts


def backoff(settings: NotifySettings, failures: int) -> float:
    """Seconds to wait before the next attempt after ``failures`` in a row: doubled each time, capped."""
    delay: float = settings.retry_base * 2 ** (failures - 1)
    return min(delay, settings.retry_max)


class HttpsPoster:
    """POSTs notifications over HTTPS only; one client (connection pool) shared by the sender threads."""

    def __init__(self, settings: NotifySettings) -> None:
        verify: ssl.SSLContext = ssl.create_default_context(
            cafile=str(settings.ca_file) if settings.ca_file is not None else None
        )
        self._http = httpx.Client(verify=verify, timeout=settings.timeout, follow_redirects=False, trust_env=False)

    def post(self, url: str, payload: dict[str, Any]) -> tuple[int | None, str]:
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

    def close(self) -> None:
        self._http.close()

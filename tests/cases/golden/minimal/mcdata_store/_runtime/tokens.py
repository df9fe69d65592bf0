# copied unchanged from nmsgen's templates/runtime/ - do not edit
"""The clients' token handling: the MCData-7 Bearer token auth, and how a refusal is recognised."""

from __future__ import annotations

from collections.abc import Callable, Generator

import httpx

OAUTH_ERRORS = (  # RFC 6749 section 5.2
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
)


class BearerTokenAuth(httpx.Auth):
    """MCData-7: the user's MCData access token (from the identity management server), sent as a Bearer
    token. On ``401 invalid_token`` the ``refresh`` callback is asked once for a new token and the request
    is retried."""

    def __init__(self, token: str | Callable[[], str], refresh: Callable[[], str] | None = None) -> None:
        self._token = token if callable(token) else (lambda: token)
        self._refresh = refresh
        self._current: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._current is None:
            self._current = self._token()
        request.headers["Authorization"] = f"Bearer {self._current}"
        response = yield request
        if self._refresh is not None and invalid_token(response):
            self._current = self._refresh()
            request.headers["Authorization"] = f"Bearer {self._current}"
            yield request


def invalid_token(response: httpx.Response) -> bool:
    """The answer refuses the token itself (expired, revoked, rotated keys): a fresh token may succeed."""
    return response.status_code == 401 and 'error="invalid_token"' in response.headers.get("www-authenticate", "")


def grant_error(e: Exception) -> tuple[str, str]:
    """The OAuth error code and the text of a refused token request."""
    text = str(e)
    code = text.split(":", 1)[0].strip() if ":" in text else "invalid_request"
    found = next((k for k in OAUTH_ERRORS if k in text), code)
    return found, text

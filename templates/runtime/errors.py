# copied unchanged from nmsgen's templates/runtime/ - do not edit
"""What the generated clients raise: an answer that is not a success, or a token the token endpoint refused."""

from __future__ import annotations

from ..models import RequestError


class NmsApiError(Exception):
    """An answer that is not a success of the operation: the HTTP status and the NMS requestError."""

    def __init__(self, status: int, error: RequestError | None, www_authenticate: str = "") -> None:
        self.status = status
        self.error = error
        self.www_authenticate = www_authenticate
        detail = (error.serviceException or error.policyException) if error is not None else None
        self.message_id = detail.messageId if detail is not None else ""
        self.text = detail.text if detail is not None else ""
        self.variables = [v.root for v in detail.variables or []] if detail is not None else []
        super().__init__(f"{status} {self.message_id}: {self.text}".strip())


class TokenError(Exception):
    """The token endpoint refused to issue a token (RFC 6749 section 5.2): ``error`` is its error code."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description

"""What a store answers besides its models: refusals (``StoreError``), the items of bulk answers, and the
start-up refusal of a store that cannot use its database (:class:`StoreFileError`)."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus

from mcdata_store import models
from mcdata_store.store import EXCEPTIONS, StoreError, request_error

__all__ = ["PAGE_MAX", "StoreFileError", "bad", "failure", "not_found", "success"]

PAGE_MAX = 1000  # the models' list limit: no page (search, folder listing, bulk answer, event list) is longer


class StoreFileError(Exception):
    """The store file cannot be used (raised by the constructor): which file, what is wrong, what would be right.

    ``str()`` is one line: ``{path}: error {code}: {message}``.
    """

    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(f"{path}: error {code}: {message}")
        self.path, self.code, self.message = path, code, message


def bad(part: str) -> StoreError:
    """400 SVC0002: the named part of the request is invalid."""
    return StoreError("SVC0002", [part])


def not_found(part: str, links: Sequence[tuple[str, str]] = ()) -> StoreError:
    """404 SVC0004: the named resource (usually its URL) does not exist."""
    return StoreError("SVC0004", [part], links=list(links))


def failure(err: StoreError) -> models.Response:
    """A bulk answer item for a refusal (text with its placeholders, variables apart, as in TS14 App. D)."""
    status = err.status or EXCEPTIONS[err.exception_id][2]
    failure = request_error(err.exception_id, err.variables, err.links, expand=False)
    return models.Response(code=status, reason=HTTPStatus(status).phrase, failure=failure)


def success(status: int, reference: models.Reference) -> models.Response:
    """A bulk answer item for a success."""
    return models.Response(code=status, reason=HTTPStatus(status).phrase, success=reference)

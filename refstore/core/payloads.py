"""Object payloads: a ``multipart/*`` payload split into its first-level parts (stdlib ``email`` parser),
and the textual content of a payload that WholeWord searches index."""

from __future__ import annotations

from dataclasses import dataclass
from email import errors as email_errors
from email import policy as email_policy
from email.message import Message
from email.parser import BytesParser

from mcdata_store import models
from mcdata_store.store import Payload

from .answers import bad

__all__ = ["Part", "bulk_payloads", "payload_texts", "split_payload"]


@dataclass(frozen=True)
class Part:
    """A first-level part of a multipart payload, its content decoded (Content-Transfer-Encoding undone)."""

    content_type: str
    content_id: str | None
    content_location: str | None
    content: bytes


def _header(message: Message, name: str) -> str | None:
    value = message.get(name)
    if value is None:
        return None
    return " ".join(str(value).split())


def split_payload(payload: Payload) -> list[Part] | None:
    """The first-level parts of a multipart payload (None when the payload is not multipart).

    A broken multipart (no or wrong boundary, CR/LF or non-ASCII in the media type) is SVC0002
    ``attachments``. A nested multipart part keeps its body, re-serialised with CRLF line ends.
    """
    media_type = payload.media_type.strip()
    if not media_type.lower().startswith("multipart/"):
        return None
    if "\r" in media_type or "\n" in media_type or not media_type.isascii():
        raise bad("attachments")
    message = BytesParser().parsebytes(b"Content-Type: " + media_type.encode() + b"\r\n\r\n" + payload.content)
    broken = (email_errors.NoBoundaryInMultipartDefect, email_errors.StartBoundaryNotFoundDefect)
    if not message.is_multipart() or any(isinstance(d, broken) for d in message.defects):
        raise bad("attachments")
    parts: list[Part] = []
    for part in message.get_payload():
        assert isinstance(part, Message)
        if part.is_multipart():  # a nested multipart: its body, re-serialised with CRLF line ends
            flat = part.as_bytes(policy=email_policy.compat32.clone(linesep="\r\n"))
            content = flat.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in flat else b""
        else:
            decoded = part.get_payload(decode=True)
            content = decoded if isinstance(decoded, bytes) else b""
        content_id = _header(part, "Content-ID")
        if content_id is not None:
            content_id = content_id.strip().removeprefix("<").removesuffix(">")
        parts.append(
            Part(_header(part, "Content-Type") or "text/plain", content_id, _header(part, "Content-Location"), content)
        )
    return parts


def payload_texts(payload: Payload, parts: list[Part] | None = None) -> list[str]:
    """The textual content of a payload for WholeWord searches: a text/* payload, or its text/* parts
    (``parts``: the payload's parts when already split), each decoded with its charset."""
    if parts is None:
        parts = split_payload(payload)
    if parts is None:
        found = [(payload.media_type, payload.content)]
    else:
        found = [(p.content_type, p.content) for p in parts]
    texts = []
    for media_type, content in found:
        if media_type.strip().lower().startswith("text/"):
            message = Message()
            message["Content-Type"] = media_type
            charset = message.get_content_charset() or "utf-8"
            try:
                texts.append(content.decode(charset, errors="replace"))
            except LookupError:  # an unknown charset: read it as UTF-8
                texts.append(content.decode("utf-8", errors="replace"))
    return texts


def bulk_payloads(items: list[models.Object], attachments: list[Payload | None]) -> list[Payload | None]:
    """The payload of each object of a bulk creation, in order (attachments beyond the objects: SVC0002
    ``attachments``; fewer: the last objects have none). No object at all: SVC0002 ``objectList``."""
    if not items:
        raise bad("objectList")
    if len(attachments) > len(items):
        raise bad("attachments")
    return list(attachments) + [None] * (len(items) - len(attachments))

"""The longest URL the document allows reaches the application: uvicorn's own text/plain refusal (h11's 16 KiB
default for a request head) never answers a request the document allows (nmsrun.serve.MAX_REQUEST_HEAD)."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import quote

import httpx

from ..conftest import ROOT, StartServer
from ..support import ALICE, Keys, user_token

KEYS = Keys()
DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())


def test_the_longest_query_the_document_allows_gets_an_nms_answer(start_server: StartServer) -> None:
    op = DOC["paths"]["/{storeName}/{boxId}/folders/{folderId}"]["get"]
    attr = next(p for p in op["parameters"] if p["name"] == "attrFilter")["schema"]
    cursor = next(p for p in op["parameters"] if p["name"] == "fromCursor")["schema"]
    wide = "\U0001f600"  # 4 bytes in UTF-8: 12 characters percent-encoded
    query = "&".join(
        [f"attrFilter={quote(wide * attr['items']['maxLength'])}"] * attr["maxItems"]
        + [f"fromCursor={quote(wide * cursor['maxLength'])}"]
    )
    assert len(query) > 200_000
    token = user_token(KEYS, ALICE, exp=int(time.time()) + 600)
    with start_server(KEYS) as r:  # by hand: HTTP clients refuse URLs this long themselves
        url = httpx.URL(r.base_url)
        target = f"{url.path}/{quote(ALICE)}/folders/fld-x?{query}"
        head = f"GET {target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        with socket.create_connection(("127.0.0.1", url.port or 443), timeout=30) as raw:
            with r.client_context().wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(head.encode())
                answer = b""
                while chunk := tls.recv(65536):
                    answer += chunk
    status, _, rest = answer.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in headers.lower(), answer[:300]
    assert json.loads(body)["requestError"]["serviceException"]["messageId"] in ("SVC0002", "SVC0004"), status

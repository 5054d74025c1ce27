"""The classroom's request guard: one ASGI middleware in front of every route.

Why one layer and not per-route checks: a class network is a shared network, and a rule that
each handler must remember is a rule one handler forgets (OWASP ASVS level 1, V3/V4/V12/V14).
The guard, for every request:

- sets the security headers on every answer: a Content Security Policy (``default-src 'self'``,
  ``frame-ancestors 'none'``: no inline script or style but a page's own nonce, no framing),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` (a token in a URL never
  leaves in a Referer) and ``Cache-Control: no-store`` on every page but the static files
  (a token page is never kept in a shared browser's cache);
- refuses a POST whose ``Sec-Fetch-Site`` or ``Origin`` says it comes from another site:
  403, so a page elsewhere on the network cannot pause, end or move for a logged-in browser.
  Under ``Referrer-Policy: no-referrer`` a browser's own form posts say ``Origin: null``; that
  is accepted only with ``Sec-Fetch-Site: same-origin``, which no page can forge;
- caps a request body at :data:`MAX_BODY` bytes (413, before the framework reads it) and
  refuses any file part (413): no form here takes a file.

Plain ASGI (no web framework import): the framework lives in :mod:`sim.classroom.web` alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 64 * 1024
"""Largest request body accepted, in bytes: the biggest form (a pasted roster) fits many times."""
STATIC = "/static/"
"""Paths under this prefix are the same for everyone and may be cached."""
NONCE_KEY = "negsim_nonce"
"""Where the guard leaves the request's script nonce in the ASGI scope's ``state``."""


def policy(nonce: str) -> str:
    """The Content Security Policy of an answer whose inline scripts carry *nonce*.

    ``style-src`` allows inline styles because plotly.js writes its own ``<style>`` rules into
    the debrief when it draws; every style of the pages themselves is the served stylesheet.
    Scripts run only from this server or with the answer's nonce.
    """
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def request_nonce(scope: Scope) -> str:
    """The nonce the guard gave this request (pages put it on their inline scripts)."""
    state = scope.get("state") or {}
    return str(state.get(NONCE_KEY, ""))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Guard:
    """The middleware: *origins* are the server's own origins (``http://host:port``)."""

    def __init__(self, app: App, origins: frozenset[str]) -> None:
        self.app = app
        self.origins = frozenset(_origin(o) for o in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Guard one request: refuse it early, or pass it on with the headers added."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})[NONCE_KEY] = nonce
        path = str(scope.get("path", ""))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        secured = self._headers(path, nonce)

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() not in {h for h, _ in secured}
                ]
                message["headers"] = kept + [(k.encode(), v.encode()) for k, v in secured]
            await send(message)

        if scope["method"] == "POST":
            refusal = self._refusal(headers)
            if refusal is not None:
                await _answer(send_secured, *refusal)
                return
            body = await _read_body(receive)
            if body is None:
                await _answer(send_secured, 413, f"a request body is at most {MAX_BODY} bytes")
                return
            if _has_file_part(headers.get("content-type", ""), body):
                await _answer(send_secured, 413, "no form here takes a file")
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send_secured)

    @staticmethod
    def _headers(path: str, nonce: str) -> list[tuple[str, str]]:
        headers = [
            ("content-security-policy", policy(nonce)),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("x-frame-options", "DENY"),
        ]
        if not path.startswith(STATIC):
            headers.append(("cache-control", "no-store"))
        return headers

    def _refusal(self, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, why) when the POST must not reach the app before its body is read."""
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site")
        foreign = (403, "a form of another site cannot post here")
        if site is not None and site not in ("same-origin", "none"):
            return foreign
        if origin == "null" and site is None:
            return foreign  # an opaque origin with nothing to vouch for it
        if origin not in (None, "null") and _origin(origin) not in self.origins:
            return foreign
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return 413, f"a request body is at most {MAX_BODY} bytes"
        return None


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None as soon as it grows past :data:`MAX_BODY`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = bytes(message.get("body", b""))
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _has_file_part(content_type: str, body: bytes) -> bool:
    """True when a multipart body carries a file (a part with a ``filename``)."""
    if not content_type.lower().startswith("multipart/"):
        return False
    return b"filename=" in body.lower() or b"filename*=" in body.lower()


def _replay(body: bytes, original: Receive) -> Receive:
    """A receive channel that hands the app the body already read, then the client's own."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


async def _answer(send: Send, status: int, why: str) -> None:
    """A short plain-text refusal: one line saying why, and where to go back."""
    text = f"{why}. Go back to the page you came from and try again.\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(text)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": text})

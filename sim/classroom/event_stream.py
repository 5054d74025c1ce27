"""The server-sent event stream that tells a page to reload: one loop for every live page.

A page's fingerprint is polled off the event loop (in the threadpool) every *poll* seconds; a
new fingerprint is sent as an event, and a comment every *keep_alive* seconds of quiet keeps
proxies from closing the connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

KEEP_ALIVE = 15.0
"""Seconds of quiet before a keep-alive comment."""


def event_stream(
    request: Request, look: Callable[[], str], poll: float, keep_alive: float = KEEP_ALIVE
) -> StreamingResponse:
    """Stream *look*'s fingerprint to the page each time it changes, until the page goes."""

    async def stream() -> AsyncIterator[str]:
        last, quiet = "", 0.0
        while not await request.is_disconnected():
            mark = await run_in_threadpool(look)
            if mark != last:
                last, quiet = mark, 0.0
                yield f"data: {mark}\n\n"
            elif quiet >= keep_alive:
                quiet = 0.0
                yield ": keep-alive\n\n"
            await asyncio.sleep(poll)
            quiet += poll

    return StreamingResponse(stream(), media_type="text/event-stream")

"""Serving the console with uvicorn inside the bot's own event loop (or its own, alone)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator

import uvicorn
from starlette.applications import Starlette


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # The bot owns SIGINT and SIGTERM: it stops the channels and then us, in order.
        yield


async def serve_console(app: Starlette, host: str, port: int, stop: asyncio.Event,
                        started: asyncio.Event | None = None) -> None:
    """Serve until `stop` is set; `started` is set once the port is listening."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off",
                            access_log=False, proxy_headers=True, server_header=False,
                            forwarded_allow_ips="127.0.0.1", timeout_graceful_shutdown=3)
    server = _Server(config)

    async def run() -> None:
        try:
            await server.serve()
        except SystemExit:   # uvicorn's answer to a port it cannot bind
            raise OSError(f"the web console could not listen on {host}:{port} (is the port "
                          "taken? set web.port)") from None

    task = asyncio.create_task(run())
    while not server.started and not task.done():
        await asyncio.sleep(0.02)
    if task.done():
        await task   # raises why it could not listen
        raise OSError(f"the web console could not listen on {host}:{port}")
    if started is not None:
        started.set()
    try:
        await stop.wait()
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task

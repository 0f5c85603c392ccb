"""Outbox actions the runtime carries out itself, not a platform: today, /reload.

A moderator's /reload is decided like any command (a typed `Reload` action), persisted in the
outbox under the RUNTIME channel, and executed here: the files are read, validated and indexed
in a worker thread while the event loop goes on answering members; the new knowledge is then
put in force in one assignment, and only after that is the moderator told. One reload runs at
a time; a second one waits for it and then reads the files again.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterable

from handlers.core import Knowledge

from .service import RUNTIME, OutboxItem, SupportService


class RuntimeActions:
    """Registered in the dispatcher under RUNTIME, the way a channel is under its name."""

    name = RUNTIME

    def __init__(self, service: SupportService,
                 deliver: Callable[[Iterable[OutboxItem]], Awaitable[None]] | None = None) -> None:
        self.service = service
        self.deliver = deliver
        self._lock = asyncio.Lock()            # one reload at a time on the event loop...
        self._blocking = threading.Lock()      # ...and in the console, which has no loop

    async def execute(self, item: OutboxItem) -> str | None:
        op = item.payload.get("op")
        if op != "reload":
            raise ValueError(f"unknown runtime action {op!r}")
        outcome = await self.reload()
        if self.deliver is not None:
            await self.deliver(self.service.reload_finished(item, outcome))
        return None

    async def reload(self) -> Knowledge | str:
        """Load off the loop, swap on it: the new knowledge, or why the files were refused."""
        async with self._lock:
            outcome = await asyncio.to_thread(self.service.load_files)
            if isinstance(outcome, Knowledge):
                self.service.swap(outcome)
            return outcome

    def execute_blocking(self, item: OutboxItem) -> list[OutboxItem]:
        """The same for the console channel, which runs no event loop: the reload happens in
        line, and the confirmation items are returned for the console to print."""
        with self._blocking:
            outcome = self.service.load_files()
            if isinstance(outcome, Knowledge):
                self.service.swap(outcome)
        return self.service.reload_finished(item, outcome)


__all__ = ["RuntimeActions"]

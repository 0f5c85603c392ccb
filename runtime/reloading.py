"""Outbox actions the runtime carries out itself, not a platform: today, /reload.

A moderator's /reload is decided like any command (a typed `Reload` action), persisted in the
outbox under the RUNTIME channel, and executed here: the files are read, validated and indexed
in a worker thread while the event loop goes on answering members; the new knowledge is then
put in force in one assignment, and only after that is the moderator told. One reload runs at
a time; a second one waits for it and then reads the files again. A change of the files on
disk is reloaded the same way (`watch`), and the staff chat hears the outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from handlers.context import Knowledge

from .knowledge import file_stamps
from .outgoing import ReloadFiles
from .ports import Channel, OutboxItem, handles
from .service import RUNTIME, SupportService


class RuntimeActions(Channel):
    """Registered in the dispatcher under RUNTIME, the way a channel is under its name."""

    name = RUNTIME

    def __init__(self, service: SupportService,
                 deliver: Callable[[Iterable[OutboxItem]], Awaitable[None]] | None = None) -> None:
        self.service = service
        self.deliver = deliver
        self._lock = asyncio.Lock()            # one reload at a time on the event loop...
        self._blocking = threading.Lock()      # ...and in the console, which has no loop
        self._paths: tuple[Path, ...] = ()     # what `watch` looks at

    @handles(ReloadFiles)
    async def reload_files(self, action: ReloadFiles, item: OutboxItem) -> None:
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

    async def watch(self, stop: asyncio.Event, every: float) -> None:
        """Until `stop`: every `every` seconds, reload if the config, the FAQ or one of the
        word overlays the config names changed on disk (size or modification time; the
        content decides what the reload does). A change is reloaded once it has stayed the
        same for one more look, so a file caught half-written by an editor is not read."""
        if self.service.files is None or every <= 0:
            return
        files = self.service.files
        self._paths = await asyncio.to_thread(files.watched, self.service.kb)
        # Compared with the files as they were when read, so an edit made while the bot was
        # starting is not taken for the state in force.
        seen = tuple(files.stamps_at_load.get(now[0], now) for now in self._signature())
        changed = None
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            if stop.is_set():
                return
            now = self._signature()
            if now == seen or now != changed:
                changed = None if now == seen else now
                continue
            changed = None
            outcome = await self.reload()
            # The FAQ or an overlay may be another file now; a refused file is not tried
            # again until it changes.
            self._paths = await asyncio.to_thread(self.service.files.watched, self.service.kb)
            seen = self._signature()
            if self.deliver is not None:
                await self.deliver(self.service.reload_notice(outcome))

    def _signature(self) -> tuple:
        return file_stamps(self._paths)

    def poll_blocking(self) -> Knowledge | str | None:
        """One look at the files for the console channel, which has no event loop (`watch`
        does this on the loop): a change that stayed the same since the last look is reloaded;
        returns the outcome, or None when there was nothing to reload."""
        files = self.service.files
        if files is None:
            return None
        if not self._paths:
            self._paths = files.watched(self.service.kb)
            self._seen = tuple(files.stamps_at_load.get(now[0], now) for now in self._signature())
            self._changed: tuple | None = None
            return None
        now = self._signature()
        if now == self._seen or now != self._changed:
            self._changed = None if now == self._seen else now
            return None
        self._changed = None
        with self._blocking:
            outcome = self.service.load_files()
            if isinstance(outcome, Knowledge):
                self.service.swap(outcome)
        self._paths = files.watched(self.service.kb)
        self._seen = self._signature()
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

"""The real bot (`App.serve`, as `python bot.py run` starts it, with `web.enabled`) against the
fake Telegram server, on an event loop in a background thread, so that a browser driven from
the test's thread (Playwright, the system Chromium) can use the console meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from app import App
from runtime.knowledge import KnowledgeFiles

from .conftest import CONFIG, FAQ
from .fake_telegram import FakeTelegram
from .telegram_harness import ADMIN_ID, GROUP_ID, STAFF_ID

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = os.environ.get("WEB_SCREENSHOTS", "")   # a folder: the README's pictures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveConsole:
    """The fake server, the bot and its web console; `call` runs a coroutine on their loop."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fake: FakeTelegram = self.call(FakeTelegram().start())
        self.group = self.fake.group(GROUP_ID, admins=[ADMIN_ID])
        self.fake.group(STAFF_ID, title="Aurora staff")
        self.faq = folder / "faq.yaml"
        shutil.copy(FAQ, self.faq)
        raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
        raw.update(database=str(folder / "bot.db"), faq_file=str(self.faq),
                   web={"enabled": True, "port": self.port})
        raw["telegram"] = {"api_base_url": self.fake.base_url, "staff_chat_id": STAFF_ID,
                           "poll_timeout": 1, "managed_groups": [GROUP_ID]}
        config = folder / "config.yaml"
        config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        files = KnowledgeFiles(config)
        self.app = App(files.load(), files, telegram_token=self.fake.token, maintenance_seconds=2)
        self.store = self.app.service.store
        self.stop_event = self.call(self._event())
        self.task = asyncio.run_coroutine_threadsafe(self.app.serve(self.stop_event), self.loop)
        self.call(self.fake.wait_for(lambda: any(c.method == "getMe" for c in self.fake.calls), 20))
        self.call(self._listening(), timeout=30)

    async def _event(self) -> asyncio.Event:
        return asyncio.Event()

    async def _listening(self) -> None:
        while True:
            with contextlib.suppress(OSError):
                _reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.05)

    def call(self, coro: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def do(self, action: Callable[[], Any]) -> Any:
        """A fake-server method (it touches the loop's objects) run on the loop."""
        async def run() -> Any:
            return action()
        return self.call(run())

    def say(self, chat: dict, user: dict, text: str, **kw: Any) -> dict:
        message = self.do(lambda: self.fake.send_message(chat, user, text, **kw))
        self.settle()
        return message

    def settle(self) -> None:
        self.call(self.fake.settle(quiet=0.3, timeout=30))

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15) -> None:
        self.call(self.fake.wait_for(predicate, timeout), timeout + 5)

    def sent_to(self, chat_id: int) -> list[dict]:
        return [s for s in self.fake.sent("sendMessage") if str(s["chat_id"]) == str(chat_id)]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop_event.set)
        with contextlib.suppress(Exception):
            self.task.result(60)
        self.store.close()
        self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """Headless system Chromium through Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def screenshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)

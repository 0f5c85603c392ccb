"""Runs the real bot (python-telegram-bot Application, started by app.App.serve, the
same function `python bot.py run` uses) against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from app import App
from handlers.answering.faq import load_faq
from handlers.config import parse_config
from handlers.context import Knowledge
from runtime.embedding import with_semantics

from .conftest import CONFIG, FAQ
from .fake_telegram import FakeTelegram

GROUP_ID = -1001234567890
STAFF_ID = -1009999999999
ADMIN_ID = 900


@dataclass
class Bot:
    fake: FakeTelegram
    service: object
    group: dict
    task: asyncio.Task
    stop_event: asyncio.Event
    app: App | None = None

    async def stop(self) -> None:
        self.stop_event.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, 60)
        self.service.store.close()


def make_config(fake: FakeTelegram, db: Path, **overrides) -> object:
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    raw["database"] = str(db)
    raw["telegram"] = {"api_base_url": fake.base_url, "staff_chat_id": STAFF_ID, "poll_timeout": 1,
                       "managed_groups": [GROUP_ID], **overrides.pop("telegram", {})}
    for key, value in overrides.items():
        raw[key] = value
    return parse_config(raw)


async def start_bot(fake: FakeTelegram, db: Path, encoder: bool = False, **overrides) -> Bot:
    """The bot as `bot.py run` starts it; `encoder` adds the sentence encoder and the learned
    answer model (most tests leave it out: they are about the platform, not about matching)."""
    group = fake.group(GROUP_ID, admins=[ADMIN_ID])
    fake.group(STAFF_ID, title="Aurora staff")
    maintenance = overrides.pop("maintenance_seconds", 30.0)
    config = make_config(fake, db, **overrides)
    kb = Knowledge.build(config, load_faq(FAQ))
    if encoder:
        kb = with_semantics(kb, config.cache_path())
    app = App(kb, telegram_token=fake.token, maintenance_seconds=maintenance)
    service = app.service
    stop = asyncio.Event()
    task = asyncio.create_task(app.serve(stop))
    await fake.wait_for(lambda: any(c.method == "getMe" for c in fake.calls), timeout=10)
    await asyncio.sleep(0.2)   # the first long poll is in flight
    return Bot(fake, service, group, task, stop, app)


@contextlib.asynccontextmanager
async def running_bot(tmp_path: Path, **overrides):
    """The fake server and the bot, started; both stopped however the test ends."""
    fake = await FakeTelegram().start()
    bot = await start_bot(fake, tmp_path / "bot.db", **overrides)
    try:
        yield fake, bot
    finally:
        await bot.stop()
        await fake.stop()


def run(coro):
    return asyncio.run(coro)

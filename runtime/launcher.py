"""`python bot.py run`: open the store, build the service, start every configured channel."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Mapping

from handlers.answering.faq import Faq
from handlers.config import Config
from handlers.context import Knowledge
from store import Store

from .commands import CommandRunner
from .knowledge import KnowledgeFiles
from .service import SupportService

log = logging.getLogger("bot")


def build_service(config: Config, kb: Knowledge, staff_channel: str = "console",
                  files: KnowledgeFiles | None = None) -> SupportService:
    """`files`: where /reload reads config and FAQ from (without them it says so)."""
    store = Store(config.resolve(config.database))
    service = SupportService(kb, store, staff_channel=staff_channel, files=files)
    CommandRunner(service)
    return service


X_KEYS = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")


def run(files: KnowledgeFiles, kb: Knowledge, args: argparse.Namespace,
        env: Mapping[str, str]) -> int:
    """Every channel whose credentials are set; the console when there are none."""
    config, faq = kb.config, kb.faq
    telegram_token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    x_credentials = {key: env.get(key, "").strip() for key in X_KEYS}
    x_missing = [k for k, v in x_credentials.items() if not v]
    platform = bool(telegram_token) or not x_missing
    logging.basicConfig(level=logging.INFO if platform and not args.console else logging.WARNING,
                        stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)   # its lines carry the bot token
    if 0 < len(x_missing) < len(X_KEYS):
        log.error("X is not started: %s missing from the environment", ", ".join(x_missing))
    service = build_service(config, kb, files=files)
    try:
        if args.console or not platform:
            return _console(service, config, faq)
        return asyncio.run(serve(service, config, telegram_token,
                                 x_credentials if not x_missing else None))
    except KeyboardInterrupt:
        return 0
    finally:
        service.store.close()


def _console(service: SupportService, config: Config, faq: Faq) -> int:
    from channels.console import ConsoleChannel

    if sys.stdin.isatty():
        print(f"No platform tokens set: starting the local console channel for "
              f"{config.brand.name} ({len(faq)} FAQ entries). Set TELEGRAM_BOT_TOKEN or the "
              "X_* variables to go live (see README).")
    return ConsoleChannel(service).run()


async def serve(service: SupportService, config: Config, telegram_token: str,
                x_credentials: dict[str, str] | None, stop: asyncio.Event | None = None) -> int:
    """Run the platform channels until `stop` is set (or SIGINT/SIGTERM)."""
    from .dispatch import Dispatcher

    channels: dict = {}
    dispatcher = Dispatcher(service, channels)
    if telegram_token:
        from channels.telegram import TelegramChannel

        channels["telegram"] = TelegramChannel(service, config, telegram_token, dispatcher)
    if x_credentials:
        from channels.twitter import TwitterChannel

        channels["twitter"] = TwitterChannel(service, config, x_credentials, dispatcher)
    dispatcher.channels.update(channels)
    service.staff_channel = "telegram" if ("telegram" in channels and config.telegram.staff_chat_id) \
        else "log"
    service.channel_health = lambda: [ch.health() for ch in channels.values()]
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    started = []
    try:
        for name, channel in channels.items():
            await channel.start()
            started.append(channel)
            log.info("%s channel running", name)
        service.recover_interrupted()
        await dispatcher.retry_pending()   # actions decided before a restart, not yet done
        maintenance = asyncio.create_task(dispatcher.run_maintenance(stop))
        watcher = asyncio.create_task(dispatcher.runtime.watch(stop, config.reload_check_seconds))
        await stop.wait()
        # Let a pass in progress finish before the channels close (no send cut in half).
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(maintenance, 20)
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(watcher, 60)
    finally:
        for channel in reversed(started):
            with contextlib.suppress(Exception):
                await channel.stop()
    return 0

"""The wiring, at the top: open the store, build the service, the dispatcher and every
configured channel, and run them. The only module that knows both the runtime and the
channels (`python bot.py run` calls it)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from channels.console import ConsoleChannel
from channels.telegram import TelegramChannel
from channels.twitter import TwitterChannel
from handlers.context import Knowledge
from handlers.detectors.redaction import redact
from runtime.dispatch import Dispatcher
from runtime.knowledge import KnowledgeFiles
from runtime.ports import Channel
from runtime.reloading import RuntimeActions
from runtime.service import SupportService
from store import Store
from web.app import create_app
from web.backend import ConsoleBackend
from web.server import serve_console

log = logging.getLogger("bot")
X_KEYS = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")


def _why(exc: BaseException | None) -> str:
    return f"{type(exc).__name__}: {redact(str(exc))[:300]}" if exc else "unknown"


def _unreachable(exc: BaseException) -> bool:
    """Worth another try: the network or the platform, not our token or settings."""
    refused = ("InvalidToken", "Unauthorized", "Forbidden", "BadRequest", "ConfigError")
    return not any(name in type(exc).__name__ for name in refused) and \
        not isinstance(exc, (ValueError, TypeError))


class App:
    """One bot: the store, the service, the dispatcher and the platform channels, built once
    with everything they need (nothing is plugged in afterwards)."""

    def __init__(self, kb: Knowledge, files: KnowledgeFiles | None = None,
                 telegram_token: str = "", x_credentials: Mapping[str, str] | None = None,
                 maintenance_seconds: float = 30.0, staff_channel: str | None = None) -> None:
        config = kb.config
        # Retries, overdue reminders and on-call pages, pruning: every this many seconds.
        self.maintenance_seconds = maintenance_seconds
        live = bool(telegram_token or x_credentials)
        # Staff posts go to the Telegram staff chat when there is one, else to the log (the
        # console prints them).
        staff = staff_channel or ("telegram" if telegram_token and config.telegram.staff_chat_id
                                  else "log" if live else "console")
        self.channels: dict[str, Channel] = {}
        self.store = Store(config.resolve(config.database))
        self.service = SupportService(kb, self.store, staff_channel=staff, files=files,
                                      health=lambda: [c.health() for c in self.channels.values()])
        self.service.load_lessons()   # what moderators taught, before the first message
        self.dispatcher = Dispatcher(self.service, self.channels)
        if telegram_token:
            self.channels["telegram"] = TelegramChannel(self.service, config, telegram_token,
                                                        self.dispatcher)
        if x_credentials:
            self.channels["twitter"] = TwitterChannel(self.service, config, dict(x_credentials),
                                                      self.dispatcher)

    def console(self) -> int:
        channel = ConsoleChannel(self.service)
        if self.service.kb.config.web.enabled:
            # The web console beside the typed one: its actions take the console's turn, and
            # what they send is printed by the console's reminder pass.
            self._web_thread(self.console_backend(lock=channel.turn, health=lambda: [
                "console: running (what the web console sends is printed within seconds)"]))
        return channel.run()

    # --- the web console -----------------------------------------------------------------------

    def console_backend(self, lock: threading.RLock | None = None,
                        health: Callable[[], list[str]] | None = None,
                        apart: bool = False) -> ConsoleBackend:
        live = bool(self.channels)
        return ConsoleBackend(
            self.service, deliver=self.dispatcher.deliver if live else None,
            reload=self.dispatcher.runtime.reload if live else None,
            is_moderator=self._is_moderator, lock=lock, apart=apart,
            health=health or (lambda: [c.health() for c in self.channels.values()]))

    async def _is_moderator(self, channel: str, user_id: str) -> bool | None:
        platform_channel = self.channels.get(channel)
        return None if platform_channel is None else \
            await platform_channel.is_moderator_anywhere(user_id)

    async def serve_web(self, backend: ConsoleBackend, stop: asyncio.Event) -> asyncio.Task:
        """Start the web console; returns its task once it listens (raises OSError if not)."""
        web = self.service.kb.config.web
        started = asyncio.Event()
        task = asyncio.create_task(serve_console(create_app(backend), web.host, web.port, stop,
                                                 started))
        waiter = asyncio.create_task(started.wait())
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if task.done():
            await task   # raises why it could not listen
        print(f"Web console on {web.base_url()} (sign in: send /console to the bot, or run "
              "`python bot.py web-login --user ID`)", file=sys.stderr)
        return task

    def _web_thread(self, backend: ConsoleBackend) -> None:
        def run() -> None:
            async def main() -> None:
                await (await self.serve_web(backend, asyncio.Event()))
            try:
                asyncio.run(main())
            except OSError as exc:
                print(f"error: {exc}", file=sys.stderr)
        threading.Thread(target=run, daemon=True, name="web-console").start()

    async def web_only(self, stop: asyncio.Event | None = None) -> int:
        """`bot.py web`: the console alone; what it decides is sent by the running bot."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        try:
            task = await self.serve_web(self.console_backend(apart=True), stop)
        except OSError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        # Its own copy of the config and FAQ follows the files (a moderator taken out of the
        # config, an FAQ edited by hand); the running bot tells staff about reloads, not this.
        watcher = asyncio.create_task(RuntimeActions(self.service).watch(
            stop, self.service.kb.config.reload_check_seconds))
        await task
        watcher.cancel()
        return 0

    async def serve(self, stop: asyncio.Event | None = None) -> int:
        """Run the platform channels until `stop` is set (or SIGINT/SIGTERM)."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        started: list[Channel] = []
        # Before any channel starts: what a crash cut off mid-send is settled first, never an
        # item the new run has just begun sending.
        self.service.recover_interrupted()
        try:
            for name, channel in self.channels.items():
                try:
                    await self._start(name, channel)
                except Exception as exc:  # noqa: BLE001 - one clear line, not a traceback
                    # No network, a refused token: the operator needs the reason, and a
                    # supervisor (systemd, Docker) a failing exit to try again later.
                    print(f"error: the {name} channel could not start: {_why(exc)}",
                          file=sys.stderr)
                    return 2
                started.append(channel)
                log.info("%s channel running", name)
            web = None
            if self.service.kb.config.web.enabled:
                try:
                    web = await self.serve_web(self.console_backend(), stop)
                except OSError as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return 2
            await self.dispatcher.retry_pending()   # decided before a restart, not yet done
            maintenance = asyncio.create_task(self.dispatcher.run_maintenance(
                stop, self.maintenance_seconds))
            watcher = asyncio.create_task(self.dispatcher.runtime.watch(
                stop, self.service.kb.config.reload_check_seconds))
            await stop.wait()
            # Let a pass in progress finish before the channels close (no send cut in half).
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(maintenance, 20)
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(watcher, 60)
            if web is not None:
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(web, 10)
        finally:
            for channel in reversed(started):
                with contextlib.suppress(Exception):
                    await channel.stop()
        return 0

    async def _start(self, name: str, channel: Channel) -> None:
        """Start a channel; an unreachable platform is tried again with growing waits
        (tenacity), a refused token or bad settings are not."""
        attempts = self.service.kb.config.start_attempts

        def report(state: RetryCallState) -> None:
            wait = state.next_action.sleep if state.next_action else 0
            print(f"the {name} channel could not start ({_why(state.outcome.exception())}); "
                  f"trying again in {wait:.0f} s (attempt {state.attempt_number + 1} of "
                  f"{attempts})", file=sys.stderr)

        async for attempt in AsyncRetrying(
                stop=stop_after_attempt(attempts), reraise=True,
                wait=wait_exponential(multiplier=1, min=2, max=60),
                retry=retry_if_exception(_unreachable), before_sleep=report):
            with attempt:
                await channel.start()

    def close(self) -> None:
        self.store.close()


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
        # Half the keys is a mistake, not a wish for the console: say so and stop.
        print(f"error: X needs all four keys; {', '.join(x_missing)} missing from the "
              "environment (set them all, or none to run without X)", file=sys.stderr)
        return 2
    console = args.console or not platform
    app = App(kb, files, "" if console else telegram_token,
              None if console or x_missing else x_credentials)
    try:
        if console:
            if sys.stdin.isatty():
                print(f"No platform tokens set: starting the local console channel for "
                      f"{config.brand.name} ({len(faq)} FAQ entries). Set TELEGRAM_BOT_TOKEN or "
                      "the X_* variables to go live (see README).")
            return app.console()
        return asyncio.run(app.serve())
    except KeyboardInterrupt:
        return 0
    finally:
        app.close()


def web_only(files: KnowledgeFiles, kb: Knowledge, env: Mapping[str, str]) -> int:
    """`bot.py web`: the console on the bot's database. Staff posts its actions make go where
    the running bot sends them (the Telegram staff chat, else the log)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    telegram = bool(env.get("TELEGRAM_BOT_TOKEN", "").strip())
    x = all(env.get(key, "").strip() for key in X_KEYS)
    staff = "telegram" if telegram and kb.config.telegram.staff_chat_id else \
        "log" if telegram or x else "console"
    app = App(kb, files, staff_channel=staff)
    try:
        return asyncio.run(app.web_only())
    except KeyboardInterrupt:
        return 0
    finally:
        app.close()

"""`python bot.py run`: open the store, build the service, start every configured channel."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping

from handlers.config import Config
from handlers.core import Knowledge
from handlers.faq import Faq
from store import Store

from .commands import CommandRunner
from .service import SupportService

log = logging.getLogger("bot")


def build_service(config: Config, kb: Knowledge, staff_channel: str = "console") -> SupportService:
    store = Store(config.resolve(config.database))
    service = SupportService(kb, store, staff_channel=staff_channel)
    CommandRunner(service)
    return service


def run(config: Config, faq: Faq, kb: Knowledge, args: argparse.Namespace,
        env: Mapping[str, str]) -> int:
    from channels.console import ConsoleChannel

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    service = build_service(config, kb)
    try:
        if not sys.stdin.isatty():
            pass
        else:
            print(f"No platform tokens set: starting the local console channel for "
                  f"{config.brand.name} ({len(faq)} FAQ entries). Set TELEGRAM_BOT_TOKEN or the "
                  "X_* variables to go live (see README).")
        return ConsoleChannel(service).run()
    finally:
        service.store.close()

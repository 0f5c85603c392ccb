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


def enable_reload(service: SupportService, config_path: str, faq_path: str | None) -> None:
    """/reload re-reads both files; a bad file leaves the running ones in place."""
    from handlers.config import load_config
    from handlers.faq import load_faq
    from handlers.loading import ConfigError

    def reload() -> tuple[bool, str]:
        try:
            config = load_config(config_path)
            faq = load_faq(faq_path or config.resolve(config.faq_file))
        except ConfigError as exc:
            return False, str(exc)
        service.reload(Knowledge.build(config, faq))
        return True, str(len(faq))

    service.reload_from_files = reload


def run(config: Config, faq: Faq, kb: Knowledge, args: argparse.Namespace,
        env: Mapping[str, str]) -> int:
    from channels.console import ConsoleChannel

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    service = build_service(config, kb)
    enable_reload(service, args.config, args.faq)
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

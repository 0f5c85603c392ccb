"""What the console's pages do, independent of HTTP: run a moderator's command through the
service, look up whether someone is still a moderator, edit the FAQ file and reload it."""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from handlers.context import Knowledge
from handlers.detectors.vetting import link_hosts, vet
from handlers.model import Message, User
from runtime.embedding import embed_message
from runtime.outgoing import Post
from runtime.ports import OutboxItem
from runtime.service import SupportService

from .faq_file import FaqEdit, save_faq

log = logging.getLogger("bot.web")
WEB_CHAT = "web-console"   # the "chat" a web action is said in: its answers show on the page

Deliver = Callable[[Iterable[OutboxItem]], Awaitable[None]]
Reload = Callable[[], Awaitable["Knowledge | str"]]
IsModerator = Callable[[str, str], Awaitable["bool | None"]]


@dataclass(frozen=True)
class Moderator:
    """The signed-in moderator, as the session knows them."""

    channel: str
    user_id: str
    username: str | None
    csrf: str

    @property
    def handle(self) -> str:
        return f"@{self.username}" if self.username else f"user {self.user_id}"


class ConsoleBackend:
    """The service the bot runs (or, for `bot.py web` alone, one on the same database whose
    outbox the running bot sends), and how to deliver, reload and check moderators."""

    def __init__(self, service: SupportService, deliver: Deliver | None = None,
                 reload: Reload | None = None, is_moderator: IsModerator | None = None,
                 lock: threading.RLock | None = None, health: Callable[[], list[str]] = list,
                 apart: bool = False) -> None:
        self.service = service
        self.store = service.store
        self.deliver = deliver          # None: the running bot's outbox pass sends the items
        # Here after an FAQ edit; with `bot.py web` alone, the running bot's file watcher
        # reloads its own copy too.
        self.reload = reload or self._local_reload
        self.is_moderator = is_moderator
        self.lock = lock                # the console channel's turn, when it runs beside us
        self.health = health
        # `bot.py web` alone: another process (the running bot) sends what is decided here.
        self.apart = apart
        self._faq_lock = asyncio.Lock()

    @property
    def kb(self) -> Knowledge:
        return self.service.kb


    async def still_moderator(self, channel: str, user_id: str) -> bool:
        """Checked again when a link is used: an admin demoted since the link was sent is
        refused. Configured ids always count; otherwise the channel decides, and where it
        cannot tell (no platform in this process), the link's issue minutes ago stands."""
        configured = getattr(self.kb.config.moderators, channel, [])
        if str(user_id) in configured:
            return True
        if self.is_moderator is not None:
            verdict = await self.is_moderator(channel, str(user_id))
            if verdict is not None:
                return verdict
        return channel != "console"

    async def act(self, who: Moderator, text: str, reply_to: Message | None = None,
                  nonce: str = "") -> tuple[str, str]:
        """Run `text` (a moderator command) as `who` said it in the staff chat. Returns what
        the bot answered the moderator, and "sent", "queued" (the running bot sends it) or
        "repeat" (this form's nonce was acted on before: nothing done twice)."""
        message = Message(channel=who.channel, chat_id=WEB_CHAT,
                          message_id=f"web-{nonce or secrets.token_hex(8)}",
                          user=User(id=who.user_id, username=who.username), text=text,
                          public=True, staff_chat=True, moderator=True, reply_to=reply_to)
        items = await self._handle(message)
        if items is None:
            return "", "repeat"
        told, rest = [], []
        for item in items:
            action = item.action
            if isinstance(action, Post) and action.chat_id == WEB_CHAT:
                told.append(action.text)
                self.service.done(item)   # shown on the page: nothing to send
            else:
                rest.append(item)
        if rest and self.deliver is not None:
            await self.deliver(rest)
        return "\n".join(told), "queued" if rest and self.apart else "sent"

    async def _handle(self, message: Message) -> list[OutboxItem] | None:
        if self.lock is None:
            return await self.service.handle_off_loop(message, f"web:{message.message_id}")

        def locked() -> list[OutboxItem] | None:
            assert self.lock is not None
            with self.lock:   # the console's turn: one message at a time, as typed
                return self.service.handle(message, f"web:{message.message_id}")
        return await asyncio.to_thread(locked)

    async def write_faq(self, edit: FaqEdit, dry_run: bool = False) -> str:
        """Apply an edit to the FAQ file: validated first, a backup kept, then reloaded (here,
        or by the running bot's file watcher). '' when done (or, `dry_run`, when it would be
        accepted), else why not."""
        async with self._faq_lock:
            path = Path(self.kb.faq.source)
            brand = self.kb.config.brand
            hosts = link_hosts(self.kb.faq, tuple(filter(None, (brand.help_center,))))
            for text in edit.answer.values():
                problem = await asyncio.to_thread(self._vet_answer, text)
                if problem:
                    return f"the answer is not saved: {problem}"
            problem = await asyncio.to_thread(save_faq, path, edit, hosts, dry_run)
            if problem or dry_run:
                return problem
            outcome = await self.reload()
            if isinstance(outcome, str):
                # Written: the file is right; the bot's reload will take it once the rest of
                # its files are in order (the operator's log and the staff chat say why not).
                log.warning("FAQ saved from the web console, but the reload was refused: %s",
                            outcome)
            return ""

    def _vet_answer(self, text: str) -> str:
        kb = self.kb
        return vet(text, kb, lambda t: embed_message(kb.config.embedding, t), answer=True)

    async def _local_reload(self) -> Knowledge | str:
        outcome = await asyncio.to_thread(self.service.load_files)
        if isinstance(outcome, Knowledge):
            self.service.swap(outcome)
        return outcome

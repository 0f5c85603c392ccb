"""Telegram on python-telegram-bot 22: updates in as core Messages, outbox actions out as Bot
API calls. Nothing is decided here.

Long polling by default, webhooks when `telegram.webhook` is configured (secret token
enforced); `telegram.api_base_url` points the bot at a self-hosted Bot API server (or the
tests' fake). Moderators are the groups' admins (fetched with getChatAdministrators and cached)
plus configured ids, and anyone in the staff chat. A reply to the bot's ticket post in the
staff chat reaches the member — mapped from our own records, never from `forward_from`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from typing import Any

# Opt in to PTB's coming timedelta values (RetryAfter.retry_after); handled either way below.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from aiolimiter import AsyncLimiter  # noqa: E402
from telegram import (  # noqa: E402
    ChatPermissions,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram import Message as TgMessage  # noqa: E402
from telegram import User as TgUser  # noqa: E402
from telegram.constants import ChatType  # noqa: E402
from telegram.error import (  # noqa: E402
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from handlers.commands.slash import MODERATOR_COMMANDS, TEACHING_COMMANDS  # noqa: E402
from handlers.commands.slash import parse as parse_command  # noqa: E402
from handlers.config import Config  # noqa: E402
from handlers.detectors.redaction import redact  # noqa: E402
from handlers.model import Message, User  # noqa: E402
from handlers.platforms import PLATFORMS  # noqa: E402
from runtime.outgoing import (  # noqa: E402
    BanMember,
    CopyMedia,
    HandoffPost,
    LiftMember,
    Post,
    PrivateMessage,
    RemoveMessage,
    RestrictMember,
    StaffPost,
)
from runtime.ports import Channel, Delivered, DeliveryError, OutboxItem, handles  # noqa: E402
from runtime.service import SupportService  # noqa: E402

log = logging.getLogger("bot.telegram")
UNMANAGED_REPORTS_PER_HOUR = 10
GLOBAL_PER_SECOND = 25   # under Telegram's ~30 messages a second per bot
ALLOWED_UPDATES = ["message", "edited_message", "chat_member", "my_chat_member", "callback_query"]


MAX_TEXT = PLATFORMS["telegram"].max_text


class InOrderPerSender(BaseUpdateProcessor):
    """Concurrent updates, except that one sender's updates in one chat run one after another:
    a double-tapped /start link or two quick questions are answered in the order they were
    sent. Waiting updates hold a slot of `max_concurrent_updates`, hence the generous bound."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        # sender -> [lock, updates holding or awaiting it]; dropped when the count is 0
        self._queues: dict[tuple[int, int], list] = {}

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        chat = getattr(update, "effective_chat", None)
        user = getattr(update, "effective_user", None)
        if chat is None:
            await coroutine
            return
        key = (chat.id, user.id if user else 0)
        entry = self._queues.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:   # asyncio.Lock wakes waiters first come, first served
                await coroutine
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._queues[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class TelegramChannel(Channel):
    name = "telegram"

    def __init__(self, service: SupportService, config: Config, token: str, dispatcher) -> None:
        self.service = service
        self.config = config
        self.token = token
        self.dispatcher = dispatcher
        self.app: Application | None = None
        self.bot_id = 0
        self.bot_username = ""
        self._admins: dict[str, tuple[float, frozenset[str]]] = {}
        self._admin_locks: dict[str, asyncio.Lock] = {}
        self._refreshing: set[str] = set()
        self._reported_groups: set[str] = set()
        self._stopping = asyncio.Event()
        self._poller: asyncio.Task | None = None
        self._report_times: list[float] = []
        self.staff_chat = str(config.telegram.staff_chat_id) if config.telegram.staff_chat_id else None
        self._global_limit = AsyncLimiter(GLOBAL_PER_SECOND, 1)
        self.state = "not started"

    # --- start and stop ------------------------------------------------------------------------

    def build(self) -> Application:
        settings = self.config.telegram
        # trust_env off: proxy variables in the environment must not reroute the bot.
        request = HTTPXRequest(connection_pool_size=64, read_timeout=settings.request_timeout_seconds,
                               write_timeout=settings.request_timeout_seconds,
                               httpx_kwargs={"trust_env": False})
        updates_request = HTTPXRequest(read_timeout=settings.poll_timeout + 10,
                                       httpx_kwargs={"trust_env": False})
        # Updates are handled concurrently: one member's slow send must not hold up every
        # other member's update; one member's own messages in one chat keep their order.
        # Each decision is still one store transaction, so budgets and cooldowns stay exact.
        # No rate limiter inside the library: a call queued there would
        # count as "being sent" and a crash would drop it; the dispatcher keeps the per-chat
        # budgets and `admit` the global one before an item is marked as sending.
        builder = (ApplicationBuilder().token(self.token).request(request)
                   .get_updates_request(updates_request)
                   .concurrent_updates(InOrderPerSender(256)))
        if settings.api_base_url:
            base = settings.api_base_url.rstrip("/")
            builder = builder.base_url(base if base.endswith("/bot") else base + "/bot")
        app = builder.build()
        # All handlers in one place; each callback only translates.
        # Words, and in private chats (or the staff chat, answering a ticket) photos and files
        # without any: a screenshot on a ticket reaches staff.
        media = filters.PHOTO | filters.Document.ALL | filters.VIDEO | filters.VOICE | \
            filters.AUDIO | filters.ANIMATION
        app.add_handler(MessageHandler(
            filters.UpdateType.MESSAGES & (filters.TEXT | filters.CAPTION | media), self.on_message))
        app.add_handler(ChatMemberHandler(self.on_member, ChatMemberHandler.CHAT_MEMBER))
        app.add_handler(ChatMemberHandler(self.on_my_member, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_handler(CallbackQueryHandler(self.on_callback))
        app.add_error_handler(self.on_error)
        return app

    async def start(self) -> None:
        self.app = self.build()
        await self.app.initialize()
        me = self.app.bot.bot
        self.bot_id, self.bot_username = me.id, me.username or ""
        await self.app.start()
        hook = self.config.telegram.webhook
        if hook:
            secret = os.environ.get(hook.secret_token_env, "")
            if not secret:
                raise SystemExit(f"telegram.webhook is set but {hook.secret_token_env} is empty: "
                                 "a webhook without its secret token would accept forged updates")
            await self.app.updater.start_webhook(
                listen=hook.listen, port=hook.port, url_path=hook.path, webhook_url=hook.url,
                secret_token=secret, allowed_updates=ALLOWED_UPDATES)
            self.state = f"running (webhook on port {hook.port})"
        else:
            await self.app.bot.delete_webhook()
            self._poller = asyncio.create_task(self._poll())
            self.state = "running (long polling)"

    async def _poll(self) -> None:
        """Long polling driven here rather than by PTB's Updater, which confirms updates to
        Telegram (the next getUpdates offset) before they are handled: a crash then loses them.
        The offset moves past an update only once it has been handled, i.e. its decision and
        actions are committed; after a crash Telegram hands the rest over again and the
        processed ids stop a second answer."""
        in_flight: dict[int, asyncio.Task] = {}
        next_offset = 0
        failures = 0
        while not self._stopping.is_set():
            offset = min(in_flight) if in_flight else next_offset
            # With updates in flight the same ones come back at once: don't hold the poll.
            poll = asyncio.ensure_future(self.app.bot.get_updates(
                offset=offset, timeout=0 if in_flight else self.config.telegram.poll_timeout,
                allowed_updates=ALLOWED_UPDATES))
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait((poll, stopping), return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not poll.done():   # stopping: what it would fetch is not confirmed, comes again
                poll.cancel()
                with contextlib.suppress(BaseException):
                    await poll
                break
            try:
                updates = poll.result()
                failures = 0
            except Exception as exc:  # noqa: BLE001 - polling must outlive any bad answer
                # A Telegram error, or an answer the library cannot read: wait and ask again.
                failures += 1
                log.warning("polling error (retrying): %s", redact(str(exc)))
                await self._pause(min(30.0, 0.5 * 2 ** min(failures, 6)))
                continue
            fresh = [u for u in updates if u.update_id >= next_offset and u.update_id not in in_flight]
            for update in fresh:
                in_flight[update.update_id] = asyncio.create_task(self._process(update))
            next_offset = max([next_offset, *(u.update_id + 1 for u in fresh)])
            if in_flight:
                # Asking again returns the in-flight ones too (they are not confirmed yet): at
                # most four times a second, or the loop spends its time re-reading them.
                done, _ = await asyncio.wait(in_flight.values(), timeout=0.25)
                for update_id in [i for i, t in in_flight.items() if t in done]:
                    del in_flight[update_id]
        if in_flight:   # a clean stop lets what was started finish before the offset moves
            await asyncio.wait(in_flight.values(), timeout=20)
            finished = [i for i, t in in_flight.items() if t.done()]
            unfinished = [i for i in in_flight if i not in finished]
            confirm = min(unfinished) if unfinished else next_offset
            with contextlib.suppress(TelegramError):
                await self.app.bot.get_updates(offset=confirm, timeout=0,
                                               allowed_updates=ALLOWED_UPDATES)

    async def _process(self, update: Update) -> None:
        app = self.app
        await app.update_processor.process_update(update, app.process_update(update))

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def stop(self) -> None:
        if not self.app:
            return
        self._stopping.set()
        if self._poller is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._poller, 30)
        with contextlib.suppress(Exception):
            if self.app.updater and self.app.updater.running:
                await self.app.updater.stop()
        with contextlib.suppress(Exception):
            await self.app.stop()
        with contextlib.suppress(Exception):
            await self.app.shutdown()
        self.state = "stopped"

    def health(self) -> str:
        return f"Telegram: {self.state}"

    # --- incoming -------------------------------------------------------------------------------

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tg = update.effective_message
        if tg is None or tg.from_user is None or tg.from_user.id == self.bot_id:
            return
        if tg.is_automatic_forward:
            return   # the group's linked channel, set up by its admins: not a member's message
        if self.staff_chat and str(tg.chat_id) == self.staff_chat and tg.reply_to_message:
            if await self._staff_reply(update, tg):
                return
        if tg.chat.type != ChatType.PRIVATE and not self.config.manages("telegram", str(tg.chat_id)):
            if await self._unmanaged_group(tg.chat, None):
                return
        message = await self.to_message(tg, edited=update.edited_message is not None)
        items = await self.service.handle_off_loop(message, update_key=f"u{update.update_id}")
        await self.dispatcher.deliver(items)

    async def on_my_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot itself was added to a chat. Anyone can add a bot to a group of their own."""
        change = update.my_chat_member
        if change is None or change.chat.type == ChatType.PRIVATE:
            return
        added = change.old_chat_member.status in ("left", "kicked") and \
            change.new_chat_member.status in ("member", "administrator", "restricted")
        if added and not self.config.manages("telegram", str(change.chat.id)):
            await self._unmanaged_group(change.chat, self._user(change.from_user))

    async def _unmanaged_group(self, chat, added_by: User | None) -> bool:
        """Tell the staff chat (once per group, a few per hour at most: a stranger creating
        groups must not flood it) and leave if the operator said so. True if the bot left."""
        chat_id = str(chat.id)
        leave = self.config.telegram.leave_unmanaged_groups
        if chat_id not in self._reported_groups:
            self._reported_groups.add(chat_id)
            now = time.monotonic()
            self._report_times = [t for t in self._report_times if now - t < 3600]
            if len(self._report_times) < UNMANAGED_REPORTS_PER_HOUR:
                self._report_times.append(now)
                items = self.service.unmanaged_group(
                    "telegram", chat_id, chat.title or "", added_by,
                    self.config.unmanaged_policy("telegram"), leave)
                await self.dispatcher.deliver(items)
            else:
                log.warning("bot seen in unmanaged group %s (staff not told: too many this hour)",
                            chat_id)
        if leave:
            try:
                await self.app.bot.leave_chat(int(chat_id))
            except TelegramError as exc:
                log.warning("could not leave unmanaged group %s: %s", chat_id, redact(str(exc)))
            return True
        return False

    async def on_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.chat_member
        if change is None:
            return
        joined = change.old_chat_member.status in ("left", "kicked") and \
            change.new_chat_member.status in ("member", "restricted")
        if not joined:
            return
        user = self._user(change.new_chat_member.user)
        message = Message(channel="telegram", chat_id=str(change.chat.id),
                          message_id=f"join:{user.id}:{update.update_id}", user=user, text="",
                          public=True, joined=True, date=change.date.timestamp(),
                          from_official=self._is_official(user.id),
                          managed=self.config.manages("telegram", str(change.chat.id)))
        items = await self.service.handle_off_loop(message, update_key=f"u{update.update_id}")
        await self.dispatcher.deliver(items)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A staff alert's button: run the same command a moderator could type. Only in the
        staff chat (a forwarded copy of the alert elsewhere must not work) and only for a
        moderator; anything else is answered so the client stops spinning."""
        query = update.callback_query
        if query is None:
            return
        chat = query.message.chat if query.message else None
        member = _MEMBER_BUTTON.match(query.data or "")
        if member is not None and chat is not None and chat.type == ChatType.PRIVATE:
            await self._member_button(update, member.group(1))
            return
        match = _CASE_BUTTON.match(query.data or "")
        if match is None or chat is None or str(chat.id) != self.staff_chat:
            with contextlib.suppress(TelegramError):
                await query.answer()
            return
        user = self._user(query.from_user)
        if not await self.is_moderator(str(chat.id), user.id, True):
            with contextlib.suppress(TelegramError):
                await query.answer(self.service.say("not_moderator", "en"), show_alert=True)
            return
        case, op = match.groups()
        message = Message(channel="telegram", chat_id=str(chat.id),
                          message_id=f"button:{query.id}", user=user, text=f"/{op} #{case}",
                          public=True, moderator=True, staff_chat=True, date=time.time())
        items = await self.service.handle_off_loop(message, update_key=f"u{update.update_id}")
        with contextlib.suppress(TelegramError):
            await query.answer()
            if items:   # decided now (not a repeat of an update seen before): buttons go
                await query.edit_message_reply_markup(reply_markup=None)
        await self.dispatcher.deliver(items)

    async def _member_button(self, update: Update, command: str) -> None:
        """A button under the bot's private message: the command it names, sent as the member
        who tapped it, in their own private chat (what they could have typed themselves)."""
        query = update.callback_query
        user = self._user(query.from_user)
        message = Message(channel="telegram", chat_id=str(query.message.chat.id),
                          message_id=f"button:{query.id}", user=user, text=command, public=False,
                          date=time.time())
        items = await self.service.handle_off_loop(message, update_key=f"u{update.update_id}")
        with contextlib.suppress(TelegramError):
            await query.answer()
            if items:
                await query.edit_message_reply_markup(reply_markup=None)
        await self.dispatcher.deliver(items)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("handling an update failed: %s: %s", type(context.error).__name__,
                  redact(str(context.error)))

    async def _staff_reply(self, update: Update, tg: TgMessage) -> bool:
        """A reply to the bot's ticket post in the staff chat: relay it to the member."""
        replied = tg.reply_to_message
        if replied.from_user is None or replied.from_user.id != self.bot_id:
            return False
        ref = self.service.ticket_for_staff_post("telegram", str(tg.chat_id), str(replied.message_id))
        text = (tg.text or tg.caption or "").strip()
        media = _media_kind(tg)
        if not ref or (not text and not media) or text.startswith("/"):
            return False
        user = self._user(tg.from_user)
        # A file with no words still reaches the member, under a line naming the ticket.
        message = Message(channel="telegram", chat_id=str(tg.chat_id), message_id=str(tg.message_id),
                          user=user, text=f"/reply {ref} {text or '📎'}", public=False,
                          moderator=True, date=tg.date.timestamp(), media=media)
        items = await self.service.handle_off_loop(message, update_key=f"u{update.update_id}")
        await self.dispatcher.deliver(items)
        return True

    async def to_message(self, tg: TgMessage, edited: bool = False, nested: bool = False,
                         fetch: bool = False) -> Message:
        user = self._sender(tg)
        public = tg.chat.type != ChatType.PRIVATE
        text = tg.text or tg.caption or ""
        reply_to = None
        if tg.reply_to_message and not nested:
            # /report must know whether the reported author is a moderator (their posts are
            # never hidden by members): it waits for a real admin list, as commands do.
            reply_to = await self.to_message(tg.reply_to_message, nested=True,
                                             fetch=_names_a_target(text))
        forwarded_from = None
        origin = getattr(tg, "forward_origin", None)
        if origin is not None and getattr(origin, "sender_user", None) is not None:
            forwarded_from = self._user(origin.sender_user)
        chat_id = str(tg.chat_id)
        # The group itself as sender is an anonymous admin: only admins can post as the group.
        anonymous_admin = tg.sender_chat is not None and str(tg.sender_chat.id) == chat_id
        if nested:   # the message replied to: is its author one of ours (from the cache)?
            moderator = public and await self.is_moderator(chat_id, user.id, public, fetch=fetch)
        else:
            moderator = (anonymous_admin and self._managed(chat_id)) or \
                await self.is_moderator(chat_id, user.id, public, fetch=_moderator_command(text))
        return Message(
            channel="telegram", chat_id=str(tg.chat_id), message_id=str(tg.message_id), user=user,
            text=text, public=public, reply_to=reply_to, chat_title=tg.chat.title or "",
            media=_media_kind(tg),
            reply_to_bot=bool(tg.reply_to_message and tg.reply_to_message.from_user
                              and tg.reply_to_message.from_user.id == self.bot_id),
            mentions_bot=bool(self.bot_username) and f"@{self.bot_username.lower()}" in text.lower(),
            thread_id=str(tg.message_thread_id) if tg.is_topic_message and tg.message_thread_id else None,
            edited=edited, from_official=self._is_official(user.id), moderator=moderator,
            managed=not public or self.config.manages("telegram", chat_id),
            staff_chat=chat_id == self.staff_chat,
            date=tg.date.timestamp() if tg.date else time.time(), link=self._link(tg),
            forwarded_from=forwarded_from if not public else None)

    def _sender(self, tg: TgMessage) -> User:
        """Who wrote it. A message posted on behalf of a channel or of the group carries a
        placeholder bot user in `from` (Channel_Bot, GroupAnonymousBot): the real sender is
        `sender_chat`, and it is a person to check like any other, not a bot to ignore."""
        chat = tg.sender_chat
        if chat is not None:
            return User(id=str(chat.id), username=chat.username,
                        name=chat.title or chat.full_name or "", is_bot=False)
        return self._user(tg.from_user) if tg.from_user else User(id="unknown")

    def _user(self, u: TgUser) -> User:
        return User(id=str(u.id), username=u.username, name=u.full_name or "", is_bot=u.is_bot)

    def _is_official(self, user_id: str) -> bool:
        return any(a.id == str(user_id) for a in self.config.official.telegram)

    def _link(self, tg: TgMessage) -> str | None:
        if tg.chat.type == ChatType.PRIVATE:
            return None
        if tg.chat.username:
            return f"https://t.me/{tg.chat.username}/{tg.message_id}"
        internal = str(tg.chat_id).removeprefix("-100")
        return f"https://t.me/c/{internal}/{tg.message_id}"

    def _managed(self, chat_id: str) -> bool:
        return chat_id in self.config.telegram.managed_groups

    async def is_moderator(self, chat_id: str, user_id: str, public: bool, fetch: bool = True) -> bool:
        """Rights come only from the operator's configuration (SPEC §2a): configured ids, the
        staff chat, and the admins of the groups listed in `telegram.managed_groups`. An admin
        of any other group is nobody here, in that group and in private.

        Commands (`fetch`) wait, within `admin_wait_seconds`, for a real admin list; ordinary
        messages use what is cached and refresh it in the background, because each lookup
        counts against the group's rate budget."""
        if user_id in self.config.moderators.telegram:
            return True
        if self.staff_chat and chat_id == self.staff_chat:
            return True
        groups = [chat_id] if public else list(self.config.telegram.managed_groups)
        groups = [g for g in groups if self._managed(g)]
        if not fetch:
            for group in groups:
                self._refresh_later(group)
            return any(user_id in self._admins[g][1] for g in groups if g in self._admins)
        lists = await asyncio.gather(*(self._admins_within_wait(g) for g in groups))
        return any(user_id in admins for admins in lists)

    async def is_moderator_anywhere(self, user_id: str) -> bool:
        """A configured id, a member of the staff chat, or an admin of a managed group: asked
        of Telegram now, not from the cache (a demoted admin's sign-in link stops working)."""
        if user_id in self.config.moderators.telegram:
            return True
        if self.staff_chat:
            try:
                member = await self.app.bot.get_chat_member(int(self.staff_chat), int(user_id))
                if member.status in ("creator", "administrator", "member") or \
                        (member.status == "restricted" and getattr(member, "is_member", False)):
                    return True
            except (TelegramError, ValueError) as exc:
                log.warning("could not ask Telegram whether %s is in the staff chat: %s",
                            user_id, redact(str(exc)))
        groups = [g for g in self.config.telegram.managed_groups if self._managed(g)]
        for group in groups:
            self._admins.pop(group, None)
        lists = await asyncio.gather(*(self._admins_within_wait(g) for g in groups))
        return any(user_id in admins for admins in lists)

    def _refresh_later(self, chat_id: str) -> None:
        cached = self._admins.get(chat_id)
        if (cached is None or self._stale(cached)) and chat_id not in self._refreshing:
            self._refreshing.add(chat_id)
            task = asyncio.get_running_loop().create_task(self._admins_of(chat_id))
            task.add_done_callback(lambda _t: self._refreshing.discard(chat_id))

    async def _admins_within_wait(self, chat_id: str) -> frozenset[str]:
        try:
            return await asyncio.wait_for(self._admins_of(chat_id),
                                          self.config.telegram.admin_wait_seconds)
        except TimeoutError:
            cached = self._admins.get(chat_id)
            log.warning("admin list of %s not fetched in time; %s", chat_id,
                        "using the previous one" if cached else "nobody is treated as its admin")
            return cached[1] if cached else frozenset()

    def _stale(self, cached: tuple[float, frozenset[str]]) -> bool:
        return time.monotonic() - cached[0] >= self.config.telegram.admin_cache_minutes * 60

    async def _admins_of(self, chat_id: str) -> frozenset[str]:
        """The group's admins, from a real getChatAdministrators answer (cached until stale).
        Nothing is cached when the lookup fails: a later command asks again rather than
        judging from an empty list."""
        lock = self._admin_locks.setdefault(chat_id, asyncio.Lock())
        async with lock:   # one lookup per chat at a time: the rest wait for its answer
            cached = self._admins.get(chat_id)
            if cached and not self._stale(cached):
                return cached[1]
            members = None
            for attempt in range(2):   # one more try: a refused moderator must not be a blip
                try:
                    members = await self.app.bot.get_chat_administrators(int(chat_id))
                    break
                except TelegramError as exc:
                    log.warning("could not fetch admins of %s (try %d): %s", chat_id, attempt + 1,
                                redact(str(exc)))
                    await asyncio.sleep(0.5)
            if members is None:
                return cached[1] if cached else frozenset()
            admins = frozenset(str(m.user.id) for m in members)
            self._admins[chat_id] = (time.monotonic(), admins)
            return admins

    # --- outgoing -------------------------------------------------------------------------------

    async def admit(self, item: OutboxItem) -> None:
        """Telegram takes about 30 messages a second from one bot: wait for a place before the
        item is marked as being sent (a crash while waiting loses nothing)."""
        await self._global_limit.acquire()

    async def execute(self, item: OutboxItem) -> Delivered | None:
        """One outbox item through its `@handles` method; Telegram's refusals become
        DeliveryErrors the dispatcher understands."""
        action = item.action
        try:
            return await super().execute(item)
        except RetryAfter as exc:
            retry = exc.retry_after
            seconds = retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)
            raise DeliveryError(f"rate limited by Telegram for {seconds:.0f} s",
                                retry_after=seconds, rate_limited=True) from None
        except Forbidden as exc:
            private = isinstance(action, PrivateMessage) or not getattr(action, "public", True)
            raise DeliveryError(f"forbidden: {exc.message}", permanent=True,
                                unreachable=private) from None
        except BadRequest as exc:
            if isinstance(action, (RemoveMessage, RestrictMember, BanMember, LiftMember)):
                await self._tell_staff_cannot(action, exc.message)
            raise DeliveryError(f"bad request: {exc.message}", permanent=True) from None
        except InvalidToken as exc:
            raise DeliveryError(f"invalid token: {exc.message}", permanent=True) from None
        except TimedOut as exc:   # Telegram may have sent it and answered too late
            raise DeliveryError(f"timed out: {exc.message}", maybe_sent=True) from None
        except NetworkError as exc:   # 5xx, connection refused or reset
            raise DeliveryError(f"network: {exc.message}") from None

    @handles(Post)
    async def post(self, action: Post, item: OutboxItem) -> Delivered:
        if not action.public and not str(action.chat_id).lstrip("-").isdigit():
            return await self._send(int(action.user_id), action.text)
        return await self._send(int(action.chat_id), action.text,
                                action.reply_to if action.quote else None, action.thread_id)

    @handles(PrivateMessage)
    async def private_message(self, action: PrivateMessage, item: OutboxItem) -> Delivered:
        markup = None
        if action.choices:   # one button per row: a ticket's label is too long to share one
            markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"do:{command}")]
                                           for label, command in action.choices
                                           if len(f"do:{command}".encode()) <= 64])
        return await self._send(int(action.user_id), action.text, markup=markup)

    @handles(CopyMedia)
    async def copy_media(self, action: CopyMedia, item: OutboxItem) -> Delivered:
        """A photo or file as it is: copied (not forwarded, so the member's name and chat stay
        out of it) to the staff chat, or from the staff chat to the member."""
        target = int(action.chat_id) if action.chat_id else int(self.staff_chat or 0)
        if not target:
            raise DeliveryError("no staff chat to copy the file to", permanent=True)
        copied = await self.app.bot.copy_message(
            chat_id=target, from_chat_id=int(action.from_chat_id),
            message_id=int(action.message_id), caption=action.caption[:1024] or None)
        return Delivered(None, str(target), str(copied.message_id))

    @handles(HandoffPost)
    async def handoff(self, action: HandoffPost, item: OutboxItem) -> Delivered:
        """Public pointer with a deep-link button; a direct DM too when the member started the
        bot before. If the DM is refused, the button is still there."""
        if not action.public:
            return await self._send(int(action.user_id), action.private_text or action.text)
        markup = None
        if action.token and self.bot_username:
            url = create_deep_linked_url(self.bot_username, action.token)
            lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in action.text) else "en"
            button = InlineKeyboardButton(self.service.say("button_dm", lang), url=url)
            markup = InlineKeyboardMarkup([[button]])
        sent = await self._send(int(action.chat_id), action.text, action.reply_to, action.thread_id,
                                markup)
        if action.user_started and action.private_text and self.config.telegram.handoff_dm_directly:
            try:
                await self._send(int(action.user_id), action.private_text)
            except Forbidden:
                log.info("member %s blocked the bot; the deep-link button remains", action.user_id)
        return sent

    @handles(RemoveMessage)
    async def remove(self, action: RemoveMessage, item: OutboxItem) -> None:
        if str(action.message_id).isdigit():
            await self.app.bot.delete_message(int(action.chat_id), int(action.message_id))

    @handles(RestrictMember)
    async def restrict(self, action: RestrictMember, item: OutboxItem) -> None:
        until = int(time.time() + float(action.seconds or 3600))
        await self.app.bot.restrict_chat_member(
            int(action.chat_id), int(action.user_id),
            ChatPermissions(can_send_messages=False, can_send_other_messages=False,
                            can_add_web_page_previews=False), until_date=until)

    @handles(BanMember)
    async def ban(self, action: BanMember, item: OutboxItem) -> None:
        await self.app.bot.ban_chat_member(int(action.chat_id), int(action.user_id))

    @handles(LiftMember)
    async def lift(self, action: LiftMember, item: OutboxItem) -> None:
        if action.unban:   # only_if_banned: never kicks a member who is still in the group
            await self.app.bot.unban_chat_member(int(action.chat_id), int(action.user_id),
                                                 only_if_banned=True)
        else:
            await self.app.bot.restrict_chat_member(int(action.chat_id), int(action.user_id),
                                                    ChatPermissions.all_permissions())

    @handles(StaffPost)
    async def staff_post(self, action: StaffPost, item: OutboxItem) -> Delivered | None:
        if not self.staff_chat:
            log.warning("staff: %s", redact(action.text))
            return None
        markup = None
        if action.case_id:
            # The staff alert's decisions, as buttons (the same as /undo, /ban, /notscam #case).
            say = self.service.say
            markup = InlineKeyboardMarkup([[
                InlineKeyboardButton(say("button_undo", "en"), callback_data=f"case:{action.case_id}:undo"),
                InlineKeyboardButton(say("button_ban", "en"), callback_data=f"case:{action.case_id}:ban"),
                InlineKeyboardButton(say("button_notscam", "en"),
                                     callback_data=f"case:{action.case_id}:notscam")]])
        return await self._send(int(self.staff_chat), action.text, markup=markup)

    async def _send(self, chat_id: int, text: str, reply_to: Any = None, thread_id: Any = None,
                    markup: InlineKeyboardMarkup | None = None) -> Delivered:
        params = ReplyParameters(message_id=int(reply_to), allow_sending_without_reply=True) \
            if reply_to and str(reply_to).isdigit() else None
        sent = await self.app.bot.send_message(
            chat_id=chat_id, text=text[:MAX_TEXT], reply_parameters=params,
            message_thread_id=int(thread_id) if thread_id else None, reply_markup=markup,
            disable_web_page_preview=True)
        return Delivered(self._link(sent), str(sent.chat_id), str(sent.message_id))

    async def _tell_staff_cannot(self, action: RemoveMessage | RestrictMember | BanMember | LiftMember,
                                 reason: str) -> None:
        """The bot lacks the right (not an admin, message too old): moderators must act."""
        op = {"remove": "delete"}.get(action.kind, action.kind)
        if not self.staff_chat:
            log.warning("could not %s in %s: %s", op, action.chat_id, reason)
            return
        text = self.service.say("staff_cannot", "en", op=op, chat=action.chat_id, user=action.user_id,
                   check=action.check, reason=reason)
        with contextlib.suppress(TelegramError):
            await self.app.bot.send_message(chat_id=int(self.staff_chat), text=text)


def _moderator_command(text: str) -> bool:
    """Only a moderator command waits for an admin list (a lookup costs rate budget)."""
    parsed = parse_command(text)
    return parsed is not None and parsed[0] in MODERATOR_COMMANDS


def _names_a_target(text: str) -> bool:
    """A command that acts on the message it replies to according to who wrote it."""
    parsed = parse_command(text)
    return parsed is not None and parsed[0] in ("report", *TEACHING_COMMANDS)


def _media_kind(tg: TgMessage) -> str:
    """What came with the message besides words ("" for none)."""
    for kind in ("photo", "document", "video", "voice", "audio", "animation", "video_note",
                 "sticker"):
        if getattr(tg, kind, None):
            return kind.replace("_", " ")
    return ""


_CASE_BUTTON = re.compile(r"^case:(\d{1,9}):(undo|ban|notscam)$")
_MEMBER_BUTTON = re.compile(r"^do:(/move [A-Za-z0-9-]{1,20} #\d{1,12})$")   # member commands only


__all__ = ["TelegramChannel"]

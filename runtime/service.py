"""Between adapters and the core: dedupe, decide, persist, and hand back what to do.

    adapter → Message → SupportService.handle() → [core decide] → one transaction:
        processed mark + tickets + hand-off tokens + cooldowns + outbox rows
    → adapter executes the outbox rows, marking each done.

Because the outbox is written in the same transaction as the processed mark, a crash at any
point either leaves the update unprocessed (it is decided again on restart) or leaves its
actions pending in the outbox (they are executed on restart) — nothing is lost, and a
ticket's reference is only ever announced from a row that already exists.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from handlers.core import Knowledge, decide
from handlers.detectors.redaction import redact
from handlers.loading import ConfigError
from handlers.model import (
    Action,
    Ban,
    Command,
    Decision,
    Delete,
    HandOff,
    Hide,
    Message,
    NotifyStaff,
    OpenTicket,
    PointToEarlier,
    Relay,
    Reload,
    Remind,
    Reply,
    Restrict,
    SendPrivate,
    User,
    Warn,
)
from store import Store

from .history import StoreHistory, faq_key, reminder_key, unsettled_key
from .recent import RecentMessages

if TYPE_CHECKING:
    from .knowledge import KnowledgeFiles

log = logging.getLogger("bot.service")
# The outbox "channel" of actions the runtime carries out itself (a /reload), not a platform.
RUNTIME = "runtime"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    payload: dict[str, Any]
    ref: str | None = None   # a ticket reference: this action must arrive (retried, resent)


def answer(message: Message, text: str, private: bool = False) -> tuple[str, dict[str, Any]]:
    """(channel, payload) answering a message in its chat; moderator output asked for in
    public goes to the moderator privately (the staff chat is the staff's own room)."""
    if private and message.public and not message.staff_chat:
        return message.channel, {"op": "dm", "user_id": message.user.id, "chat_id": message.chat_id,
                                 "text": text, "public": False}
    return message.channel, {"op": "reply", "chat_id": message.chat_id,
                             "reply_to": message.message_id, "thread_id": message.thread_id,
                             "user_id": message.user.id, "public": message.public, "text": text}


class SupportService:
    def __init__(self, kb: Knowledge, store: Store, clock: Callable[[], float] = time.time,
                 staff_channel: str = "console", files: KnowledgeFiles | None = None) -> None:
        self.kb = kb
        self.store = store
        self.clock = clock
        self.staff_channel = staff_channel
        self.files = files                  # where /reload reads config and FAQ from
        self.command_runner: Any = None     # set by runtime.commands (tickets, stats)
        self.channel_health: Any = None     # set by the launcher: one line per channel
        self._worker: ThreadPoolExecutor | None = None
        self.recent = RecentMessages()      # members' last messages: memory only, never stored

    def say(self, key: str, lang: str, **values: object) -> str:
        """A sentence in the running knowledge's words (the operator's overrides included)."""
        return self.kb.texts.say(key, lang, **values)

    def reply_language(self, lang: str) -> str:
        return self.kb.texts.reply_language(lang)

    # --- /reload: load off the event loop, then swap ----------------------------------------

    def load_files(self) -> Knowledge | str:
        """Read config and FAQ again: the new knowledge, or why the files were refused.
        Blocking (seconds for a large FAQ not in the cache): the runtime calls it in a worker
        thread. It changes nothing; `swap` does."""
        if self.files is None:
            return "no files to reload from"
        try:
            return self.files.load()
        except ConfigError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - the running knowledge must survive anything
            log.exception("reloading the config and FAQ failed")
            return f"unexpected error ({type(exc).__name__})"

    def swap(self, kb: Knowledge) -> None:
        """Put new knowledge in force. One assignment; `handle()` reads `self.kb` once, so each
        message is decided wholly by the old knowledge or wholly by the new."""
        self.kb = kb

    def reload_notice(self, outcome: Knowledge | str) -> list[OutboxItem]:
        """Staff hear what a change of the files on disk did."""
        if isinstance(outcome, Knowledge):
            log.info("files changed on disk: reloaded, %d FAQ entries", len(outcome.faq))
            text = self.say("staff_reloaded_on_change", "en", entries=len(outcome.faq))
        else:
            log.warning("files changed on disk but were refused: %s", outcome)
            text = self.say("staff_reload_refused_on_change", "en", error=outcome)
        payload = {"op": "staff", "text": text, "kind": "alert", "origin_channel": RUNTIME}
        item_id = self.store.add_outbox(self.staff_channel, payload, None, self.clock())
        return [OutboxItem(item_id, self.staff_channel, payload)]

    def reload_finished(self, item: OutboxItem, outcome: Knowledge | str) -> list[OutboxItem]:
        """The moderator's confirmation (or the refusal, naming file, entry and field), after
        the swap."""
        p = item.payload
        words = p.get("lang", "en")
        if isinstance(outcome, Knowledge):
            log.info("reloaded: config and %d FAQ entries from %s", len(outcome.faq), outcome.faq.source)
            text = self.say("reloaded", words, entries=len(outcome.faq))
        else:
            log.warning("reload refused, the running config and FAQ stay: %s", outcome)
            text = self.say("reload_failed", words, error=outcome)
        payload = {**p["confirm"], "text": text, "check": "reload"}
        item_id = self.store.add_outbox(p["confirm_channel"], payload, None, self.clock())
        return [OutboxItem(item_id, p["confirm_channel"], payload)]

    # --- the main path ----------------------------------------------------------------------

    async def handle_off_loop(self, message: Message,
                              update_key: str | None = None) -> list[OutboxItem] | None:
        """`handle` in the core's own worker thread, so the event loop keeps polling and
        sending while a message is judged. One thread: decisions stay in arrival order and
        each sees the previous one's budgets and cooldowns, as on the loop."""
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="core")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, self.handle, message, update_key)

    def handle(self, message: Message, update_key: str | None = None) -> list[OutboxItem] | None:
        """Decide about a message and persist everything; None if it was handled before."""
        now = self.clock()
        kb = self.kb   # read once: a /reload swapping it meanwhile never mixes old and new
        history = StoreHistory(self.store, kb.config, now, self.recent)
        decision = decide(message, kb, history)
        self.recent.add(message, now)
        key = update_key or f"{message.chat_id}:{message.message_id}" + (":e" if message.edited else "")
        with self.store.atomic():
            if not self.store.mark_processed(message.channel, key, now):
                return None
            self.store.note_user(message.channel, message.user.id, message.user.username,
                                 started=not message.public and message.channel == "telegram",
                                 lang=decision.lang)
            if message.public:
                self.store.remember_message(message.channel, message.chat_id, message.message_id,
                                            message.user.id, message.user.username, message.link, now)
            self._count(decision)
            if message.public and (decision.scam or decision.impersonator):
                # Counted per member and chat, so the next offence takes the next step.
                check = next((f.check for f in decision.findings
                              if f.label in ("scam", "impersonator")), "scam")
                self.store.add_strike(message.channel, message.chat_id, message.user.id, check, now)
            items = self._materialize(message, decision, now)
        self._log(message, decision)
        return items

    def _count(self, decision: Decision) -> None:
        """Counters for /stats (numbers only, nothing about anyone)."""
        self.store.bump("messages")
        names = set(decision.action_names)
        for label in ("secret", "scam", "urgent", "impersonator", "sensitive"):
            if getattr(decision, label):
                self.store.bump(label)
        if decision.faq and names & {"reply", "dm_handoff", "point_to_earlier"}:
            self.store.bump("faq_answers")
        if "dm_handoff" in names:
            self.store.bump("handoffs")
        if names & {"delete", "hide"}:
            self.store.bump("removed")

    def _log(self, message: Message, decision: Decision) -> None:
        # Log lines name checks and labels, never the text: it may carry secrets or data.
        labels = [k for k in ("sensitive", "secret", "scam", "urgent", "impersonator")
                  if getattr(decision, k)]
        log.info("%s %s msg %s from %s: faq=%s labels=%s actions=%s (%s)", message.channel,
                 "public" if message.public else "private", message.message_id, message.user.id,
                 decision.faq, ",".join(labels) or "-", ",".join(decision.action_names) or "-",
                 _clean(decision, decision.reason))

    # --- turning actions into persisted, executable outbox rows ------------------------------

    def _materialize(self, message: Message, decision: Decision, now: float) -> list[OutboxItem]:
        items: list[OutboxItem] = []
        words = self.reply_language(decision.lang)
        for action in decision.actions:
            for channel, payload, ref in self._payloads(message, decision, action, words, now):
                payload.setdefault("check", action.check)
                item_id = self.store.add_outbox(channel, payload, ref, now)
                items.append(OutboxItem(item_id, channel, payload, ref))
        return items

    def _payloads(self, message: Message, decision: Decision, action: Action, words: str,
                  now: float) -> list[tuple[str, dict[str, Any], str | None]]:
        ch = message.channel
        base = {"chat_id": message.chat_id, "reply_to": message.message_id,
                "thread_id": message.thread_id, "user_id": message.user.id, "public": message.public}
        config = self.kb.config
        if isinstance(action, (Reply, PointToEarlier, Remind)):
            payload = {**base, "op": "reply", "text": action.text}
            if action.text and not self._book(message, payload, now):
                return []
            faq_id = getattr(action, "faq_id", None)
            if isinstance(action, Reply) and faq_id and message.public:
                until = now + config.answering.faq_cooldown_minutes * 60
                self.store.set_cooldown(faq_key(message, faq_id), until, "")
            if isinstance(action, Reply) and action.check == "no-answer":
                # Remember the miss for half an hour: a second one opens a ticket.
                self.store.set_cooldown(unsettled_key(message), now + 1800, "1")
            if isinstance(action, Remind):
                until = now + config.answering.reminder_hours * 3600
                self.store.set_cooldown(reminder_key(message), until, "1")
                if not action.text:
                    return []   # the reminder rode along in the answer itself
            if isinstance(action, Reply) and faq_id and message.public:
                payload["faq_cooldown_key"] = faq_key(message, faq_id)
            return [(ch, payload, None)]
        if isinstance(action, HandOff):
            payload = self._handoff_payload(message, decision, action, base, now)
            return [(ch, payload, None)] if self._book(message, payload, now) else []
        if isinstance(action, SendPrivate):
            return [(ch, {**base, "op": "dm", "text": action.text}, None)]
        if isinstance(action, Delete):
            return [(ch, {**base, "op": "delete", "message_id": action.message_id or message.message_id},
                     None)]
        if isinstance(action, Hide):
            return [(ch, {**base, "op": "hide", "message_id": action.message_id or message.message_id},
                     None)]
        if isinstance(action, Warn):
            payload = {**base, "op": "send", "text": action.text}
            if message.public and decision.scam and not decision.impersonator:
                # A raid is answered with one warning a minute, not one per scam message.
                payload["merge"] = "scam-warning"
                if self.store.warned_since(ch, message.chat_id, now - 60):
                    log.info("%s: scam warning in %s merged into the one posted this minute", ch,
                             message.chat_id)
                    return []
            self._book(message, payload, now, droppable=False)   # warnings wait, never vanish
            return [(ch, payload, None)]
        if isinstance(action, (Restrict, Ban)):
            op = "restrict" if isinstance(action, Restrict) else "ban"
            return [(ch, {**base, "op": op, "seconds": getattr(action, "seconds", 0)}, None)]
        if isinstance(action, NotifyStaff):
            return [(self.staff_channel, {"op": "staff", "text": _clean(decision, action.text),
                                          "kind": action.kind, "origin_channel": ch}, None)]
        if isinstance(action, OpenTicket):
            return self._open_ticket(message, decision, action, words, now)
        if isinstance(action, Relay):
            return self._relay(message, decision, action, now)
        if isinstance(action, Command) and self.command_runner is not None:
            return self.command_runner(message, decision, action, now)
        if isinstance(action, Reload):
            # Not done here, inside the store transaction and on the event loop: the runtime
            # carries it out (runtime.reloading) and then confirms to this moderator.
            channel, confirm = answer(message, "", private=True)
            return [(RUNTIME, {"op": "reload", "lang": words, "confirm_channel": channel,
                               "confirm": confirm}, None)]
        return []

    def _book(self, message: Message, payload: dict[str, Any], now: float,
              droppable: bool = True) -> bool:
        """A public post takes a place in the chat's budget: now, or later (`not_before`; the
        dispatcher waits). An answer that would wait longer than `stale_after_minutes` is
        dropped, and the log says so; False then."""
        if not message.public:
            return True
        answering = self.kb.config.answering
        max_wait = answering.stale_after_minutes * 60 if droppable else None
        at = self.store.reserve_slot(message.channel, message.chat_id, now,
                                     answering.replies_per_minute, max_wait)
        if at is None:
            log.warning("%s: chat %s is over its reply budget for more than %.0f min: %s to msg %s "
                        "dropped as stale", message.channel, message.chat_id,
                        answering.stale_after_minutes, payload.get("op"), message.message_id)
            return False
        if at > now + 0.5:
            payload["not_before"] = at
            log.info("%s: chat %s is over its reply budget: %s to msg %s waits %.0f s",
                     message.channel, message.chat_id, payload.get("op"), message.message_id,
                     at - now)
        return True

    def _handoff_payload(self, message: Message, decision: Decision, action: HandOff,
                         base: dict[str, Any], now: float) -> dict[str, Any]:
        payload = {**base, "op": "handoff", "text": action.public_text,
                   "private_text": action.private_text, "topic": action.topic}
        if message.public:
            ttl = self.kb.config.handoff.token_ttl_minutes * 60
            payload["token"] = self.store.create_handoff(
                message.channel, message.chat_id, message.message_id, message.user.id,
                action.topic, action.summary or _member_text(decision, message.text)[:300], ttl,
                context=action.private_text, now=now)
            user = self.store.user(message.channel, message.user.id)
            payload["user_started"] = bool(user and user["started"])
        return payload

    def _open_ticket(self, message: Message, decision: Decision, action: OpenTicket, words: str,
                     now: float) -> list[tuple[str, dict[str, Any], str | None]]:
        config = self.kb.config
        subject = action.subject_user or message.user
        origin = action.subject_message or message
        summary = action.summary or _member_text(decision, origin.text)[:300]
        ticket, created = self.store.open_ticket(
            prefix=config.tickets.prefix, channel=message.channel, user_id=subject.id,
            username=subject.username, lang=decision.lang, topic=action.topic or "general",
            summary=summary, priority=action.priority,
            sla_seconds=config.tickets.sla_minutes.seconds(action.priority),
            chat_id=origin.chat_id, origin_link=origin.link, origin_chat_id=origin.chat_id,
            origin_message_id=origin.message_id,
            opened_by="member" if subject.id == message.user.id else f"mod:{message.user.handle}",
            reopen_window=config.tickets.reopen_window_hours * 3600, now=now)
        ref = ticket.ref
        out: list[tuple[str, dict[str, Any], str | None]] = []
        base = {"chat_id": message.chat_id, "reply_to": message.message_id,
                "thread_id": message.thread_id, "user_id": subject.id}
        note = "" if created else self.say("ticket_added", words, ref=ref)
        self.store.bump("tickets_opened" if created else "tickets_added_to")
        if action.announce_public and message.public:
            out.append((message.channel, {**base, "op": "reply",
                                          "text": action.announce_public.format(ref=ref) +
                                          (f" {note}" if note else "")}, ref))
        if action.announce_private:
            out.append((message.channel, {**base, "op": "dm", "user_id": subject.id,
                                          "text": action.announce_private.format(ref=ref) +
                                          (f" {note}" if note else "")}, ref))
        icon = "🆘" if ticket.priority == "urgent" else "🎫"
        staff = self.say("staff_ticket", "en", icon=icon, ref=ref, priority=ticket.priority,
                         state="new" if created else "updated", channel=message.channel,
                         user=subject.handle, topic=ticket.topic, reason=_clean(decision, action.reason),
                         summary=ticket.summary, link=origin.link or "-")
        out.append((self.staff_channel, {"op": "staff", "text": staff, "kind": "ticket", "ref": ref,
                                         "origin_channel": message.channel}, ref))
        return out

    def _relay(self, message: Message, decision: Decision, action: Relay, now: float
               ) -> list[tuple[str, dict[str, Any], str | None]]:
        """The member's private message joins their ticket (redacted) and reaches staff."""
        reopen = action.status in ("resolved", "closed")
        clean = _member_text(decision, message.text)
        ticket = self.store.add_ticket_message(
            action.ref, message.user.handle, "in", clean, now,
            new_status="open" if action.status != "open" else None)
        if ticket is None:
            return []
        if reopen:
            self.store._event(action.ref, message.user.handle, "reopened", "member wrote again", now)
        text = self.say("staff_member_wrote", "en", ref=ticket.ref, user=message.user.handle,
                        state=" (reopened)" if reopen else "", text=clean[:800])
        return [(self.staff_channel, {"op": "staff", "text": text, "kind": "ticket",
                                      "ref": ticket.ref, "origin_channel": message.channel}, ticket.ref)]

    def unmanaged_group(self, channel: str, chat_id: str, title: str, added_by: User | None,
                        policy: str, leaving: bool) -> list[OutboxItem]:
        """The bot is in a group the operator does not manage: staff hear of it (persisted
        before it is posted, like every staff post)."""
        what = ("I am leaving it." if leaving else
                "I only remove leaked secrets and scams there; I answer nothing and obey no "
                "command." if policy == "safety" else "I ignore everything said there.")
        text = self.say("staff_unmanaged_group", "en", title=redact(title)[:80] or "(no title)",
                        chat=chat_id, what=what,
                        added_by=f", added by {added_by.handle} (id {added_by.id})" if added_by else "")
        payload = {"op": "staff", "kind": "unmanaged-group", "origin_channel": channel, "text": text}
        with self.store.atomic():
            item_id = self.store.add_outbox(self.staff_channel, payload, None, self.clock())
        log.warning("%s: in unmanaged group %s (%s)", channel, chat_id,
                    "leaving" if leaving else policy)
        return [OutboxItem(item_id, self.staff_channel, payload)]

    def maybe_delivered(self, item: OutboxItem) -> list[OutboxItem]:
        """A staff answer the platform confirmed too late: not sent again (it may have arrived),
        and staff hear that it may not have."""
        if not item.ref or item.payload.get("op") == "staff":
            return []
        text = self.say("staff_maybe_delivered", "en", ref=item.ref)
        payload = {"op": "staff", "kind": "alert", "text": text, "ref": item.ref,
                   "origin_channel": item.channel}
        item_id = self.store.add_outbox(self.staff_channel, payload, item.ref, self.clock())
        return [OutboxItem(item_id, self.staff_channel, payload, item.ref)]

    def member_unreachable(self, item: OutboxItem, error: str) -> list[OutboxItem]:
        """A private message the platform refused (the member never started the bot, blocked
        it, or closes DMs). When it came from a public conversation, the member gets a public
        reply with a button to open the private chat, which then shows what was refused; staff
        are told either way."""
        p = item.payload
        if p.get("op") not in ("dm", "reply", "send", "handoff") or p.get("unreachable_of"):
            return []
        now = self.clock()
        user_id = str(p.get("user_id") or "")
        member = self.store.user(item.channel, user_id) or {}
        words = self.reply_language(member.get("lang") or "en")
        who = f"@{member['username']}" if member.get("username") else self.say("topic_general", words)
        origin = str(p.get("chat_id") or "")
        public_origin = bool(origin) and origin != user_id and not origin.startswith("dm") \
            and bool(p.get("reply_to"))
        text = p.get("private_text") or p.get("text") or ""
        out: list[tuple[str, dict[str, Any], str | None]] = []
        with self.store.atomic():
            if public_origin:
                ttl = self.kb.config.handoff.token_ttl_minutes * 60
                token = self.store.create_handoff(item.channel, origin, str(p["reply_to"]), user_id,
                                                  "unreachable", "", ttl, context=text, now=now)
                at = self.store.reserve_slot(item.channel, origin, now,
                                             self.kb.config.answering.replies_per_minute)
                out.append((item.channel, {
                    "op": "handoff", "chat_id": origin, "reply_to": p["reply_to"],
                    "thread_id": p.get("thread_id"), "user_id": user_id, "public": True,
                    "token": token, "text": self.say("dm_unreachable_public", words, who=who),
                    "not_before": at,
                    # X has no buttons: its hand-off tries the DM once more, then asks publicly
                    # with a compose link.
                    "private_text": text,
                    "unreachable_of": item.id, "check": "dm-refused"}, item.ref))
            if public_origin and not self.kb.config.manages(item.channel, origin):
                items = [OutboxItem(self.store.add_outbox(ch, payload, ref, now), ch, payload, ref)
                         for ch, payload, ref in out]
                return items   # a stranger's group: staff are not paged for what happens there
            what = self.say("staff_dm_failed_button" if public_origin else "staff_dm_failed_nothing", "en")
            staff = self.say("staff_dm_failed", "en", user=member.get("username") and f"@{member['username']}"
                             or f"user {user_id}", ref=f" about {item.ref}" if item.ref else "",
                             error=redact(error)[:120], what=what)
            out.append((self.staff_channel, {"op": "staff", "kind": "alert", "text": staff,
                                             "origin_channel": item.channel, "ref": item.ref,
                                             "unreachable_of": item.id}, item.ref))
            items = [OutboxItem(self.store.add_outbox(ch, payload, ref, now), ch, payload, ref)
                     for ch, payload, ref in out]
        log.warning("%s: member %s cannot be messaged privately; %s", item.channel, user_id,
                    "button posted publicly" if public_origin else "staff told")
        return items

    def overdue_reports(self, now: float | None = None) -> list[OutboxItem]:
        """Tickets past their first-response target, reported to staff once each."""
        now = now or self.clock()
        items = []
        for ticket in self.store.overdue_unreported(now):
            with self.store.atomic():
                self.store.mark_overdue_reported(ticket.ref, now)
                late = int((now - (ticket.first_response_due or now)) // 60)
                payload = {"op": "staff", "kind": "overdue", "ref": ticket.ref,
                           "origin_channel": ticket.channel,
                           "text": self.say("staff_overdue", "en", ref=ticket.ref, priority=ticket.priority,
                                            user=ticket.username or ticket.user_id, minutes=late,
                                            topic=ticket.topic)}
                item_id = self.store.add_outbox(self.staff_channel, payload, ticket.ref, now)
            items.append(OutboxItem(item_id, self.staff_channel, payload, ticket.ref))
        return items

    def begin(self, item: OutboxItem) -> None:
        self.store.begin_outbox(item.id)

    def recover_interrupted(self) -> None:
        resent, dropped = self.store.recover_interrupted()
        if resent or dropped:
            log.warning("after a restart: %d ticket announcement(s) will be sent again, %d reply(ies) "
                        "cut off mid-send were dropped rather than risk answering twice", resent, dropped)

    def pending(self, channel: str) -> list[OutboxItem]:
        """Actions decided but not yet carried out (e.g. before a crash): done on start."""
        return [OutboxItem(r["id"], r["channel"], r["payload"], r["ref"])
                for r in self.store.pending_outbox(channel)]

    # --- after execution ---------------------------------------------------------------------

    def done(self, item: OutboxItem, link: str | None = None) -> None:
        """Mark an outbox row executed; remember where an FAQ answer landed for the cooldown."""
        self.store.finish_outbox(item.id)
        key = item.payload.get("faq_cooldown_key")
        if key and link:
            row = self.store.cooldown(key, self.clock())
            if row:
                self.store.set_cooldown(key, row["until"], link)

    def failed(self, item: OutboxItem, error: str, permanent: bool, status: str = "failed") -> None:
        if permanent:
            self.store.finish_outbox(item.id, status, error)
        else:
            self.store.retry_outbox(item.id, error)



def _clean(decision: Decision, text: str | None) -> str:
    """Text derived from a member's message, as it may be stored, logged or shown to staff."""
    return redact(text, strict=decision.strict_redaction)


def _member_text(decision: Decision, text: str | None) -> str:
    """The member's own words as stored or relayed: none of them when the message is a piece of
    a secret sent bit by bit."""
    if decision.withhold_text and text:
        return "[withheld: looked like a piece of a secret]"
    return _clean(decision, text)

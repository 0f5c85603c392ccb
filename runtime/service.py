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
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from handlers.answering.intent import wants_human
from handlers.core import Knowledge, decide, needs_embedding
from handlers.detectors.redaction import redact, redact_secrets
from handlers.learned import NO_MEMORY
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
    Report,
    Restrict,
    SendPrivate,
    User,
    Warn,
)
from handlers.platforms import platform
from store import Store, redacted_conversation

from .commands import CommandRunner, Planned
from .decision_log import decision_row
from .embedding import embed_message
from .history import StoreHistory, faq_key, reminder_key, unsettled_key
from .learning import add_lesson, lessons_from_store
from .outgoing import (
    BanMember,
    CopyMedia,
    HandoffPost,
    Outgoing,
    Post,
    PrivateMessage,
    ReloadFiles,
    RemoveMessage,
    RestrictMember,
    StaffPost,
    UnknownOutgoing,
    answer,
    from_row,
)
from .ports import Delivered, OutboxItem
from .recent import WITHHELD, RecentMessages

if TYPE_CHECKING:
    from handlers.config import EmbeddingSettings

    from .knowledge import KnowledgeFiles

log = logging.getLogger("bot.service")
# Done again after a crash cut them off: they must arrive, or a second time changes nothing.
# Messages whose embeddings may be under way at once: the encoder takes up to 8 per batch.
EMBED_AHEAD = 8
RESENT_AFTER_CRASH = (StaffPost, HandoffPost, RemoveMessage, RestrictMember, BanMember)
# The outbox "channel" of actions the runtime carries out itself (a /reload), not a platform.
RUNTIME = "runtime"


class SupportService:
    def __init__(self, kb: Knowledge, store: Store, clock: Callable[[], float] = time.time,
                 staff_channel: str = "console", files: KnowledgeFiles | None = None,
                 health: Callable[[], list[str]] = list) -> None:
        self.kb = kb
        self.store = store
        self.clock = clock
        self.staff_channel = staff_channel
        self.files = files                  # where /reload reads config and FAQ from
        # Moderator commands that need the store (tickets, stats); `health` is one line per
        # running channel, for /stats.
        self._worker: ThreadPoolExecutor | None = None
        self._embedders: ThreadPoolExecutor | None = None
        self.recent = RecentMessages()      # members' last messages: memory only, never stored
        self.commands = CommandRunner(store, lambda: self.kb, staff_channel, health, self.recent)
        self.learned = NO_MEMORY            # what moderators taught (see load_lessons)
        self._lessons_seen: tuple[int, int] | None = None   # the store's lessons when read

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
            kb = self.files.load()
            # The lessons as stored now (a drop from the command line counts from here on).
            kb.learned = lessons_from_store(self.store, kb)
            return kb
        except ConfigError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - the running knowledge must survive anything
            log.exception("reloading the config and FAQ failed")
            return f"unexpected error ({type(exc).__name__})"

    def swap(self, kb: Knowledge) -> None:
        """Put new knowledge in force. One assignment; `handle()` reads `self.kb` once, so each
        message is decided wholly by the old knowledge or wholly by the new."""
        if kb.learned.model_id or len(kb.learned):
            # Read while the files loaded; what was taught meanwhile is kept too.
            self.learned = kb.learned.with_newer(self.learned)
        self.kb = kb

    def reload_notice(self, outcome: Knowledge | str) -> list[OutboxItem]:
        """Staff hear what a change of the files on disk did."""
        if isinstance(outcome, Knowledge):
            log.info("files changed on disk: reloaded, %d FAQ entries", len(outcome.faq))
            text = self.say("staff_reloaded_on_change", "en", entries=len(outcome.faq))
        else:
            log.warning("files changed on disk but were refused: %s", outcome)
            text = self.say("staff_reload_refused_on_change", "en", error=outcome)
        post = StaffPost(text=text, topic="alert", origin_channel=RUNTIME, priority="routine")
        return [self._add(self.staff_channel, post, None, self.clock())]

    def reload_finished(self, item: OutboxItem, outcome: Knowledge | str) -> list[OutboxItem]:
        """The moderator's confirmation (or the refusal, naming file, entry and field), after
        the swap."""
        reload = item.action
        assert isinstance(reload, ReloadFiles) and reload.confirm is not None
        words = reload.lang
        if isinstance(outcome, Knowledge):
            log.info("reloaded: config and %d FAQ entries from %s", len(outcome.faq), outcome.faq.source)
            text = self.say("reloaded", words, entries=len(outcome.faq))
        else:
            log.warning("reload refused, the running config and FAQ stay: %s", outcome)
            text = self.say("reload_failed", words, error=outcome)
        confirm = reload.confirm.replace(text=text, check="reload")
        return [self._add(reload.confirm_channel, confirm, None, self.clock())]

    # --- the main path ----------------------------------------------------------------------

    async def handle_off_loop(self, message: Message,
                              update_key: str | None = None) -> list[OutboxItem] | None:
        """`handle` in the core's own worker thread, so the event loop keeps polling and
        sending while a message is judged. One thread: decisions stay in arrival order and
        each sees the previous one's budgets and cooldowns, as on the loop."""
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="core")
            # The embedding starts at once, beside the queue for the core: in a busy group
            # the texts waiting there are encoded together, which costs half as much per text.
            self._embedders = ThreadPoolExecutor(max_workers=EMBED_AHEAD,
                                                 thread_name_prefix="embed")
        ahead = None
        settings = self.kb.config.embedding
        if self.kb.semantic is not None and needs_embedding(message) and self._embedders:
            ahead = (settings, self._embedders.submit(embed_message, settings, message.text))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, self.handle, message, update_key, ahead)

    def handle(self, message: Message, update_key: str | None = None,
               ahead: tuple[EmbeddingSettings, Future[Any]] | None = None,
               ) -> list[OutboxItem] | None:
        """Decide about a message and persist everything; None if it was handled before.
        `ahead`: its embedding, already under way with these settings."""
        now = self.clock()
        kb = self.kb   # read once: a /reload swapping it meanwhile never mixes old and new
        if kb.learned is not self.learned:
            kb.learned = self.learned
        history = StoreHistory(self.store, kb.config, now, self.recent)
        vector = None
        if kb.semantic is not None and needs_embedding(message):
            # Embedded ahead with the encoder now in force, or (after a /reload that changed
            # it, or without the event loop) here.
            vector = ahead[1].result() if ahead and ahead[0] == kb.config.embedding \
                else embed_message(kb.config.embedding, message.text)
        decision = decide(message, kb, history, vector)
        self.recent.add(message, now, secret=decision.secret or decision.withhold_text,
                        parts=decision.secret_parts)
        key = update_key or f"{message.chat_id}:{message.message_id}" + (":e" if message.edited else "")
        with self.store.atomic():
            if not self.store.mark_processed(message.channel, key, now):
                return None
            command = any(f.check == "command" for f in decision.findings)
            self.store.note_user(message.channel, message.user.id, message.user.username,
                                 started=not message.public and platform(message.channel).dm_after_start,
                                 lang=None if command else decision.lang)
            if message.public:
                self.store.remember_message(message.channel, message.chat_id, message.message_id,
                                            message.user.id, message.user.username, message.link, now)
            self._count(decision)
            case_id, check = None, ""
            if message.public and (decision.scam or decision.impersonator):
                # Counted per member and chat, so the next offence takes the next step.
                check = next((f.check for f in decision.findings
                              if f.label in ("scam", "impersonator")), "scam")
                self.store.add_strike(message.channel, message.chat_id, message.user.id, check, now)
                case_id = self._open_case(message, decision, check, now)
            self.commands.pending.clear()
            self.commands.dropped.clear()
            try:
                items = self._materialize(message, decision, now, case_id, check)
            except BaseException:
                self.commands.pending.clear()   # rolled back: nothing was learned
                self.commands.dropped.clear()
                raise
            row = decision_row(message, decision, _member_text(decision, message.text), vector,
                               now, case_id)
            if row is not None:
                self.store.record_decision(row)
            if decision.secret_parts:   # what was logged of the earlier parts goes too
                self.store.withhold_decisions(message.channel, message.chat_id,
                                              decision.secret_parts, WITHHELD)
        if any(isinstance(a, (OpenTicket, Relay)) for a in decision.actions):
            # On a ticket now (quoted or relayed): a later ticket does not quote it again.
            self.recent.file(message.channel, message.chat_id, message.user.id, now)
        self._apply_lessons()
        self._log(message, decision)
        return items

    # --- what moderators taught ----------------------------------------------------------------

    def _open_case(self, message: Message, decision: Decision, check: str, now: float) -> int | None:
        """A moderation the bot did on its own, kept so staff can undo it from the alert."""
        done = tuple(dict.fromkeys(
            {"delete": "hide" if platform(message.channel).removes == "hide" else "delete",
             "hide": "hide", "restrict": "restrict", "ban": "ban"}[a.name]
            for a in decision.actions
            if isinstance(a, (Delete, Hide, Restrict, Ban)) and not getattr(a, "message_id", None)))
        if not done:
            return None   # warned only, or a dry run: nothing to undo
        label = "scam" if decision.scam else "impersonator"
        return self.store.open_case(message.channel, message.chat_id, message.message_id,
                                    message.user.id, message.user.username, label, check,
                                    _member_text(decision, message.text), done, now)

    def _apply_lessons(self) -> None:
        """Examples a moderator's command stored (and the transaction committed) count from
        the next message on."""
        lessons, self.commands.pending[:] = list(self.commands.pending), []
        dropped, self.commands.dropped[:] = list(self.commands.dropped), []
        for example_id in dropped:
            self.learned = self.learned.without(example_id)
        for example in lessons:
            if example.id not in dropped:
                self.learned = add_lesson(self.learned.without(example.id), example, self.kb)

    def load_lessons(self) -> None:
        """Everything moderators taught before, from the store (at start and after a reload
        that changed the encoder)."""
        self._lessons_seen = self.store.examples_stamp()
        self.learned = lessons_from_store(self.store, self.kb)

    def refresh_lessons(self) -> None:
        """Read the lessons again if another process (`bot.py web`, `bot.py examples drop`)
        changed them; what this process taught is in memory already and changes nothing."""
        stamp = self.store.examples_stamp()
        if stamp != self._lessons_seen and stamp != self._lessons_taught():
            self.load_lessons()
        self._lessons_seen = stamp

    def _lessons_taught(self) -> tuple[int, int]:
        return (len(self.learned), max((e.id for e in self.learned.examples), default=0))


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

    def _add(self, channel: str, action: Outgoing, ref: str | None, now: float) -> OutboxItem:
        return OutboxItem(self.store.add_outbox(channel, action.to_row(), ref, now), channel, action, ref)

    def _materialize(self, message: Message, decision: Decision, now: float,
                     case_id: int | None = None, case_check: str = "") -> list[OutboxItem]:
        words = self.reply_language(decision.lang)
        items: list[OutboxItem] = []
        for action in decision.actions:
            for channel, out, ref in self._outgoing(message, decision, action, words, now):
                # The case's own alert (not, say, the alert about a secret in the same message).
                if case_id is not None and isinstance(out, StaffPost) and out.topic == "alert" \
                        and action.check == case_check:
                    out = out.replace(case_id=case_id, text=out.text + "\n" + self.say(
                        "case_alert_hint", "en", case=case_id))
                if not out.check:
                    out = out.replace(check=action.check)
                items.append(self._add(channel, out, ref, now))
        return items

    def _outgoing(self, message: Message, decision: Decision, action: Action, words: str,
                  now: float) -> list[Planned]:
        """The platform work one core action takes, with its place in the chat's budget."""
        ch = message.channel
        here = {"chat_id": message.chat_id, "reply_to": message.message_id,
                "thread_id": message.thread_id, "user_id": message.user.id}
        config = self.kb.config
        if isinstance(action, (Reply, PointToEarlier, Remind)):
            faq_id = getattr(action, "faq_id", None)
            cooldown = faq_key(message, faq_id, self.reply_language(decision.lang)) \
                if isinstance(action, Reply) and faq_id and message.public else None
            answered = isinstance(action, Reply) and faq_id and not decision.withhold_text
            post = Post(**here, public=message.public, text=action.text, faq_cooldown_key=cooldown,
                        answers_faq=faq_id if answered else None,
                        question=_clean(decision, message.text)[:500] if answered else None)
            booked = self._book(message, post, now) if action.text else post
            if booked is None:
                return []
            if cooldown:
                self.store.set_cooldown(cooldown, now + config.answering.faq_cooldown_minutes * 60, "")
            if isinstance(action, Reply) and action.check == "no-answer":
                # Remember the miss for half an hour: a second one opens a ticket.
                self.store.set_cooldown(unsettled_key(message), now + 1800, "1")
            if isinstance(action, Remind):
                until = now + config.answering.reminder_hours * 3600
                self.store.set_cooldown(reminder_key(message), until, "1")
            if not action.text:
                return []   # the reminder rode along in the answer itself
            return [(ch, booked, None)]
        if isinstance(action, HandOff):
            handoff = self._book(message, self._handoff(message, decision, action, now), now)
            return [(ch, handoff, None)] if handoff else []
        if isinstance(action, SendPrivate):
            return [(ch, PrivateMessage(**here, text=action.text), None)]
        if isinstance(action, (Delete, Hide)):
            return [(ch, RemoveMessage(chat_id=message.chat_id, user_id=message.user.id,
                                       message_id=action.message_id or message.message_id), None)]
        if isinstance(action, Warn):
            merge = "scam-warning" if message.public and decision.scam and not decision.impersonator \
                else None
            if merge and self.store.warned_since(ch, message.chat_id, now - 60):
                # A raid is answered with one warning a minute, not one per scam message.
                log.info("%s: scam warning in %s merged into the one posted this minute", ch,
                         message.chat_id)
                return []
            warning = Post(**here, public=message.public, text=action.text, quote=False,
                           merge=merge)
            # Not booked behind the answers already waiting: the dispatcher gives a warning
            # the chat's next free place.
            return [(ch, warning, None)]
        if isinstance(action, Restrict):
            return [(ch, RestrictMember(chat_id=message.chat_id, user_id=message.user.id,
                                        seconds=action.seconds), None)]
        if isinstance(action, Ban):
            return [(ch, BanMember(chat_id=message.chat_id, user_id=message.user.id), None)]
        if isinstance(action, Report):
            self.store.add_report(ch, message.chat_id, action.message_id, message.user.id, now)
            return []
        if isinstance(action, NotifyStaff):
            return [(self.staff_channel, StaffPost(text=_clean(decision, action.text),
                                                   topic=action.kind, origin_channel=ch), None)]
        if isinstance(action, OpenTicket):
            return self._open_ticket(message, decision, action, words, now)
        if isinstance(action, Relay):
            return self._relay(message, decision, action, now)
        if isinstance(action, Command):
            return self.commands.run(message, decision, action, now)
        if isinstance(action, Reload):
            # Not done here, inside the store transaction and on the event loop: the runtime
            # carries it out (runtime.reloading) and then confirms to this moderator.
            channel, confirm = answer(message, "", private=True)
            return [(RUNTIME, ReloadFiles(lang=words, confirm_channel=channel, confirm=confirm), None)]
        raise TypeError(f"no outgoing form for the core action {action.name!r}")

    def _book(self, message: Message, out: Outgoing, now: float) -> Outgoing | None:
        """A public post takes a place in the chat's budget: now, or later (`not_before`; the
        dispatcher waits). An answer that would wait longer than `stale_after_minutes` is
        dropped, and the log says so: None then."""
        if not message.public:
            return out
        answering = self.kb.config.answering
        at = self.store.reserve_slot(message.channel, message.chat_id, now,
                                     answering.replies_per_minute,
                                     answering.stale_after_minutes * 60)
        if at is None:
            log.warning("%s: chat %s is over its reply budget for more than %g min: %s to msg %s "
                        "dropped as stale", message.channel, message.chat_id,
                        answering.stale_after_minutes, out.kind, message.message_id)
            return None
        if at > now + 0.5:
            log.info("%s: chat %s is over its reply budget: %s to msg %s waits %.0f s",
                     message.channel, message.chat_id, out.kind, message.message_id, at - now)
            return out.replace(not_before=at)
        return out

    def _handoff(self, message: Message, decision: Decision, action: HandOff,
                 now: float) -> HandoffPost:
        token, started = None, False
        if message.public:
            ttl = self.kb.config.handoff.token_ttl_minutes * 60
            token = self.store.create_handoff(
                message.channel, message.chat_id, message.message_id, message.user.id,
                action.topic, action.summary or _member_text(decision, message.text)[:300], ttl,
                context=action.private_text, now=now)
            user = self.store.user(message.channel, message.user.id)
            started = bool(user and user["started"])
        # An FAQ answer (or the pointer to a private one): /wrong on it teaches the entry.
        answered = bool(decision.faq) and action.topic == decision.faq and message.public \
            and not decision.withhold_text
        return HandoffPost(chat_id=message.chat_id, reply_to=message.message_id,
                           thread_id=message.thread_id, user_id=message.user.id,
                           public=message.public, text=action.public_text,
                           private_text=action.private_text, topic=action.topic, token=token,
                           user_started=started, answers_faq=decision.faq if answered else None,
                           question=_clean(decision, message.text)[:500] if answered else None)

    def _open_ticket(self, message: Message, decision: Decision, action: OpenTicket, words: str,
                     now: float) -> list[Planned]:
        config = self.kb.config
        subject = action.subject_user or message.user
        origin = action.subject_message or message
        said = self.recent.conversation(message.channel, origin.chat_id, subject.id, now,
                                        without=origin.message_id)
        summary = action.summary or _member_text(decision, origin.text)[:300]
        staff_summary = action.summary or self._staff_text(decision, origin.text)[:300]
        if said and (_bare_command(origin.text) or _only_asks_for_a_person(origin.text)):
            # "/human", "转人工" say nothing: what the member said before it is the case.
            summary = redacted_conversation(said[-1:])[0][1][:300]
            staff_summary = self._staff_text(decision, said[-1][1])[:300]
            said = said[:-1]
        ticket, created = self.store.open_ticket(
            prefix=config.tickets.prefix, channel=message.channel, user_id=subject.id,
            username=subject.username, lang=decision.lang, topic=action.topic or "general",
            summary=summary, priority=action.priority,
            sla_seconds=config.tickets.sla_minutes.seconds(action.priority),
            chat_id=origin.chat_id, origin_link=action.origin_link or origin.link,
            origin_chat_id=origin.chat_id, origin_message_id=origin.message_id,
            opened_by="member" if subject.id == message.user.id else f"mod:{message.user.handle}",
            reopen_window=config.tickets.reopen_window_hours * 3600, conversation=said,
            staff_summary=staff_summary if self.store.sealer.enabled else None, now=now)
        ref = ticket.ref
        if action.check == "handoff-follow-up":   # the next messages continue this ticket
            self.store.handoff_followed(message.channel, subject.id, now)
        out: list[Planned] = []
        here = {"chat_id": message.chat_id, "reply_to": message.message_id,
                "thread_id": message.thread_id, "user_id": subject.id}
        # Added to a ticket the member already has: said once, not "opened … (added to …)".
        added = None if created else self.say("added_to_ticket", words, ref=ref)
        self.store.bump("tickets_opened" if created else "tickets_added_to")
        if action.announce_public and message.public:
            out.append((message.channel, Post(**here, public=True,
                                              text=added or action.announce_public.format(ref=ref)), ref))
        if action.announce_private:
            out.append((message.channel, PrivateMessage(
                **here, text=added or action.announce_private.format(ref=ref)), ref))
        urgent = ticket.priority == "urgent"
        staff = self.say("staff_ticket", "en", icon="🆘" if urgent else "🎫", ref=ref,
                    priority=ticket.priority, state="new" if created else "updated",
                    channel=message.channel, user=subject.handle, topic=ticket.topic,
                    reason=_clean(decision, action.reason),
                    summary=staff_summary if created and self.store.sealer.enabled
                    else ticket.summary,
                    link=action.origin_link or origin.link or "-",
                    said=self.commands.conversation_lines(said) if created else "")
        if urgent and config.tickets.on_call:   # urgent: the on-call staff are paged at once
            staff += "\n" + self.commands.paging_line()
            out += self.commands.pages(ticket, _clean(decision, action.reason) or "urgent")
        out.append((self.staff_channel, StaffPost(text=staff, topic="ticket", ref=ref,
                                                  origin_channel=message.channel,
                                                  priority="urgent" if urgent else "normal"), ref))
        return out

    def _relay(self, message: Message, decision: Decision, action: Relay, now: float
               ) -> list[Planned]:
        """The member's private message joins their ticket (redacted) and reaches staff."""
        reopen = action.status in ("resolved", "closed")
        clean = _member_text(decision, message.text)
        staff = self._staff_text(decision, message.text)
        # The file itself goes to staff below; the transcript names it. Not when its caption
        # held a secret: the picture is most likely of the same thing.
        copy_media = bool(message.media) and not (decision.secret or decision.withhold_text)
        if message.media:
            kind = message.media if copy_media else f"{message.media} withheld: it came with a secret"
            clean, staff = f"[{kind}] {clean}".strip(), f"[{kind}] {staff}".strip()
        ticket = self.store.add_ticket_message(
            action.ref, message.user.handle, "in", clean, now,
            new_status="open" if action.status != "open" else None,
            staff_text=staff if staff != clean else None)
        if ticket is None:
            return []
        if reopen:
            self.store.ticket_event(action.ref, message.user.handle, "reopened", "member wrote again", now)
        text = self.say("staff_member_wrote", "en", ref=ticket.ref, user=message.user.handle,
                   state=" (reopened)" if reopen else "", text=staff[:800])
        out: list[Planned] = [(self.staff_channel, StaffPost(
            text=text, topic="ticket", ref=ticket.ref, origin_channel=message.channel,
            priority="urgent" if ticket.priority == "urgent" else "normal"), ticket.ref)]
        if copy_media and message.channel == self.staff_channel:
            # Same platform: the photo or file itself, under the ticket's reference (staff
            # may answer by replying to it, as to the post).
            out.append((self.staff_channel, CopyMedia(
                from_chat_id=message.chat_id, message_id=message.message_id,
                caption=f"{ticket.ref} · {message.user.handle}"), ticket.ref))
        row = self.store.last_member_message(ticket.ref, now)
        if action.others and row:
            words = self.reply_language(decision.lang)
            key = "ticket_which" if not reopen else "ticket_which_reopened"
            choices = tuple((self.say("ticket_choice", words, ref=ref, topic=topic,
                                      status=self.say(f"status_{status}", words)),
                             f"/move {ref} #{row['id']}") for ref, topic, status in action.others)
            out.append((message.channel, PrivateMessage(
                user_id=message.user.id, chat_id=message.chat_id, reply_to=message.message_id,
                text=self.say(key, words, ref=ticket.ref, topic=ticket.topic),
                choices=choices), ticket.ref))
        return out

    # --- what adapters and the dispatcher report back ----------------------------------------

    def _staff_text(self, decision: Decision, text: str | None) -> str:
        """A member's words as staff read them: with the operator's data key, their UIDs,
        order numbers, TxIDs and emails stay (secrets are always masked; the copy is stored
        sealed); without it, redacted like everything stored."""
        if decision.withhold_text or decision.strict_redaction or not self.store.sealer.enabled:
            return _member_text(decision, text)
        return redact_secrets(text)

    def staff_alert(self, text: str, origin_channel: str, priority: str = "normal") -> OutboxItem:
        """A staff post an adapter needs (a platform limit reached), persisted before it is sent."""
        with self.store.atomic():
            return self._add(self.staff_channel, StaffPost(text=text, topic="alert",
                                                           origin_channel=origin_channel,
                                                           priority=priority), None, self.clock())

    def fold_into_digest(self, channel: str, folded: list[OutboxItem], text: str) -> OutboxItem:
        """Staff posts the staff chat has no room for, as one digest: the digest is stored
        before the posts it replaces are closed, so a crash loses neither."""
        now = self.clock()
        with self.store.atomic():
            digest = self._add(channel, StaffPost(text=text, topic="digest"), None, now)
            for item in folded:
                self.store.finish_outbox(item.id, "digested", f"in digest {digest.id}")
        return digest

    def ticket_for_staff_post(self, channel: str, chat_id: str, message_id: str) -> str | None:
        return self.store.ticket_for_staff_post(channel, chat_id, message_id)

    def member(self, channel: str, user_id: str) -> dict[str, Any]:
        """What the bot remembers of a member (username, language, whether they started it)."""
        return self.store.user(channel, user_id) or {}

    def cursor(self, name: str) -> str | None:
        return self.store.get_cursor(name)

    def set_cursor(self, name: str, value: str) -> None:
        self.store.set_cursor(name, value)

    def bump_cursor(self, name: str) -> int:
        """Add one to a counter kept as a cursor (an API's calls today); the new value."""
        with self.store.atomic():
            value = self.store.get_cursor(name)
            used = (int(value) if value and value.isdigit() else 0) + 1
            self.store.set_cursor(name, str(used))
        return used

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
        post = StaffPost(topic="unmanaged-group", origin_channel=channel, text=text)
        with self.store.atomic():
            item = self._add(self.staff_channel, post, None, self.clock())
        log.warning("%s: in unmanaged group %s (%s)", channel, chat_id,
                    "leaving" if leaving else policy)
        return [item]

    def maybe_delivered(self, item: OutboxItem) -> list[OutboxItem]:
        """A staff answer the platform confirmed too late: not sent again (it may have arrived),
        and staff hear that it may not have."""
        if not item.ref or isinstance(item.action, StaffPost):
            return []
        text = self.say("staff_maybe_delivered", "en", ref=item.ref)
        post = StaffPost(topic="alert", text=text, ref=item.ref, origin_channel=item.channel)
        return [self._add(self.staff_channel, post, item.ref, self.clock())]

    def member_unreachable(self, item: OutboxItem, error: str) -> list[OutboxItem]:
        """A private message the platform refused (the member never started the bot, blocked
        it, or closes DMs). When it came from a public conversation, the member gets a public
        reply with a button to open the private chat, which then shows what was refused; staff
        are told either way."""
        refused = item.action
        if not isinstance(refused, (PrivateMessage, Post, HandoffPost)) or \
                getattr(refused, "unreachable_of", None):
            return []
        now = self.clock()
        user_id = str(refused.user_id or "")
        if refused.check == "console-link":
            # A moderator who never opened a private chat with the bot: told where they asked,
            # and the link is not kept.
            self.store.forget_outbox_text(item.id)
            if not refused.chat_id:
                return []
            post = Post(chat_id=refused.chat_id, user_id=user_id, public=True,
                        text=self.say("console_dm_refused", "en"), check="console-link")
            return [self._add(item.channel, post, None, now)]
        member = self.member(item.channel, user_id)
        words = self.reply_language(member.get("lang") or "en")
        who = f"@{member['username']}" if member.get("username") else self.say("topic_general", words)
        origin = str(refused.chat_id or "")
        public_origin = bool(origin) and origin != user_id and not origin.startswith("dm") \
            and bool(refused.reply_to)
        text = getattr(refused, "private_text", "") or refused.text or ""
        out: list[Planned] = []
        with self.store.atomic():
            if public_origin:
                ttl = self.kb.config.handoff.token_ttl_minutes * 60
                token = self.store.create_handoff(item.channel, origin, str(refused.reply_to),
                                                  user_id, "unreachable", "", ttl, context=text,
                                                  now=now)
                at = self.store.reserve_slot(item.channel, origin, now,
                                             self.kb.config.answering.replies_per_minute)
                # X has no buttons: its hand-off tries the DM once more, then asks publicly
                # with a compose link.
                out.append((item.channel, HandoffPost(
                    chat_id=origin, reply_to=refused.reply_to, thread_id=refused.thread_id,
                    user_id=user_id, public=True, token=token,
                    text=self.say("dm_unreachable_public", words, who=who), not_before=at,
                    private_text=text, unreachable_of=item.id, check="dm-refused"), item.ref))
            if not (public_origin and not self.kb.config.manages(item.channel, origin)):
                # (A stranger's group: staff are not paged for what happens there.)
                what = self.say("staff_dm_failed_button" if public_origin else "staff_dm_failed_nothing",
                           "en")
                staff = self.say("staff_dm_failed", "en",
                            user=member.get("username") and f"@{member['username']}"
                            or f"user {user_id}", ref=f" about {item.ref}" if item.ref else "",
                            error=redact(error)[:120], what=what)
                out.append((self.staff_channel, StaffPost(
                    topic="alert", text=staff, origin_channel=item.channel, ref=item.ref,
                    unreachable_of=item.id), item.ref))
            items = [self._add(ch, action, ref, now) for ch, action, ref in out]
        log.warning("%s: member %s cannot be messaged privately; %s", item.channel, user_id,
                    "button posted publicly" if public_origin else "staff told")
        return items

    def overdue_reports(self, now: float | None = None) -> list[OutboxItem]:
        """Tickets past their first-response target with no answer: reported to staff at the
        target and again every `tickets.remind_every_minutes`; from the second reminder on,
        the on-call staff are paged. The schedule lives in the store (a restart picks it up);
        the maintenance loop runs this every 30 s whatever the channels do."""
        now = now or self.clock()
        tickets = self.kb.config.tickets
        items = []
        for ticket in self.store.overdue_due(tickets.remind_every_minutes * 60, now):
            with self.store.atomic():
                count = self.store.mark_overdue_reported(ticket.ref, now)
                late = _late(now - (ticket.first_response_due or now))
                text = self.say("staff_overdue", "en", ref=ticket.ref, priority=ticket.priority,
                                user=ticket.username or ticket.user_id, late=late,
                                topic=ticket.topic, count=count)
                paged = count >= 2 and bool(tickets.on_call)
                pages = self.commands.pages(ticket, f"no first response, {late} past its "
                                            "target") if paged else []
                if paged:
                    text += "\n" + self.commands.paging_line()
                post = StaffPost(topic="overdue", ref=ticket.ref, origin_channel=ticket.channel,
                                 priority="urgent" if ticket.priority == "urgent" or count >= 2
                                 else "normal", text=text)
                items.append(self._add(self.staff_channel, post, ticket.ref, now))
                items += [self._add(ch, action, ref, now) for ch, action, ref in pages]
        return items

    def begin(self, item: OutboxItem) -> None:
        self.store.begin_outbox(item.id)

    def recover_interrupted(self) -> None:
        """After a crash, what was cut off mid-send: sent again when it must arrive (a ticket
        reference, a staff post, a member's way to a private chat) or when doing it twice is
        harmless (removing, muting, banning); an answer or a private message is dropped
        rather than said twice."""
        resend, drop = [], []
        for row in self.store.interrupted_outbox():
            try:
                action = from_row(row["payload"])
            except (UnknownOutgoing, TypeError):
                drop.append(row["id"])
                continue
            again = row["ref"] or isinstance(action, RESENT_AFTER_CRASH)
            (resend if again else drop).append(row["id"])
        self.store.settle_interrupted(resend, drop)
        if resend or drop:
            log.warning("after a restart: %d action(s) cut off mid-send will be done again (ticket "
                        "announcements, staff posts, hand-offs, removals); %d answer(s) were "
                        "dropped rather than risk saying them twice", len(resend), len(drop))

    def pending(self, channel: str | None = None) -> list[tuple[OutboxItem, dict[str, Any]]]:
        """Actions decided but not yet carried out (before a crash, waiting for the budget, or
        failed for now), with their row. A row of a type this version does not know is
        recorded as failed, loudly, never skipped in silence."""
        out = []
        for row in self.store.pending_outbox(channel):
            try:
                action = from_row(row["payload"])
            except (UnknownOutgoing, TypeError) as exc:
                log.error("outbox %s on %s cannot be carried out: %s", row["id"], row["channel"], exc)
                self.store.finish_outbox(row["id"], "failed", str(exc))
                continue
            out.append((OutboxItem(row["id"], row["channel"], action, row["ref"]), row))
        return out

    # --- after execution ---------------------------------------------------------------------

    def done(self, item: OutboxItem, delivered: Delivered | None = None) -> None:
        """Mark an outbox row executed; remember where an FAQ answer landed (for the cooldown)
        and which staff post is about which ticket (staff answer by replying to it)."""
        action = item.action
        with self.store.atomic():
            self.store.finish_outbox(item.id)
            if action.check == "console-link":
                self.store.forget_outbox_text(item.id)   # a sign-in link is kept nowhere
            if delivered is None:
                return
            key = getattr(action, "faq_cooldown_key", None)
            if key and delivered.link:
                row = self.store.cooldown(key, self.clock())
                if row:
                    self.store.set_cooldown(key, row["until"], delivered.link)
            if isinstance(action, CopyMedia) and item.ref and delivered.message_id:
                remember = self.store.remember_ticket_post if action.chat_id else \
                    self.store.remember_staff_post
                remember(item.channel, str(delivered.chat_id), delivered.message_id, item.ref)
            if isinstance(action, PrivateMessage) and item.ref and delivered.message_id:
                # A member who replies to it is writing about this ticket.
                self.store.remember_ticket_post(item.channel, str(delivered.chat_id),
                                                delivered.message_id, item.ref)
            if isinstance(action, StaffPost) and action.ref and delivered.message_id:
                self.store.remember_staff_post(item.channel, str(delivered.chat_id),
                                               delivered.message_id, action.ref)
            if isinstance(action, StaffPost) and action.case_id and delivered.message_id:
                self.store.remember_case_post(item.channel, str(delivered.chat_id),
                                              delivered.message_id, action.case_id)
            if isinstance(action, (Post, HandoffPost)) and action.answers_faq and \
                    delivered.message_id:
                # Which question the answer was for: a moderator's /wrong on it teaches that.
                self.store.remember_answer(item.channel, str(delivered.chat_id),
                                           delivered.message_id, action.answers_faq,
                                           action.question or "", None, self.clock())

    def failed(self, item: OutboxItem, error: str, permanent: bool, status: str = "failed") -> None:
        if permanent and item.action.check == "console-link":
            self.store.forget_outbox_text(item.id)
        if permanent:
            self.store.finish_outbox(item.id, status, error)
        else:
            self.store.retry_outbox(item.id, error)


def _late(seconds: float) -> str:
    """"3 min", "2 h 5 min": never "0 min" (a report comes once the target has passed)."""
    minutes = max(1, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24} days"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _only_asks_for_a_person(text: str | None) -> bool:
    """"human", "转人工", "can I talk to someone": a request with no case in it."""
    return wants_human(text or "") and len((text or "").split()) <= 6 and len(text or "") <= 40


def _bare_command(text: str | None) -> bool:
    """A command with nothing after it ("/human", "/human@bot")."""
    words = (text or "").split()
    return len(words) == 1 and words[0].startswith("/")


def _clean(decision: Decision, text: str | None) -> str:
    """Text derived from a member's message, as it may be stored, logged or shown to staff."""
    return redact(text, strict=decision.strict_redaction)


def _member_text(decision: Decision, text: str | None) -> str:
    """The member's own words as stored or relayed: none of them when the message is a piece of
    a secret sent bit by bit, or a secret only a learned head saw."""
    if decision.withhold_text and text:
        return WITHHELD
    return _clean(decision, text)

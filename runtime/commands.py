"""Commands that need the store: /start <token>, /ticket, and the moderator ticket commands.

The core validates a command into a `Command` action; this runner executes it against the
store and returns typed outgoing items, inside the same transaction as the processed mark. Every
ticket change is posted to the staff channel; the member hears, privately and in their
language, when their ticket is answered, closed or reopened.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.answering.lint import asks_for_secrets
from handlers.config import Config
from handlers.context import Knowledge
from handlers.detectors.redaction import redact, redact_secrets
from handlers.detectors.vetting import link_hosts, vet
from handlers.model import Command, Decision, Message
from handlers.platforms import platform
from handlers.replies.texts import Texts
from store import Store, Ticket, normalize_reference, redacted_conversation

from .embedding import embed_message
from .outgoing import CopyMedia, Outgoing, Post, PrivateMessage, StaffPost, answer
from .recent import RecentMessages
from .teaching import Teaching

CONVERSATION_SHOWN = 5   # earlier messages quoted in a new ticket's staff post (all are stored)

# One item of platform work: (channel, what, ticket reference that makes it must-arrive).
Planned = tuple[str, Outgoing, "str | None"]


class CommandRunner(Teaching):
    def __init__(self, store: Store, knowledge: Callable[[], Knowledge], staff_channel: str,
                 health: Callable[[], list[str]] = list,
                 recent: RecentMessages | None = None) -> None:
        self.pending = []
        self.dropped = []
        self.store = store
        self._knowledge = knowledge    # the knowledge in force (a /reload swaps it)
        self.staff_channel = staff_channel
        self.recent = recent or RecentMessages()   # what members said lately (memory only)
        self.health = health

    def run(self, message: Message, decision: Decision, action: Command,
            now: float) -> list[Planned]:
        handler = getattr(self, f"cmd_{action.command}", None)
        if handler is None:   # the core validated it: a command without a runner is a bug
            raise ValueError(f"no runner for the command /{action.command}")
        return handler(message, action, self.reply_language(decision.lang), now)

    # --- helpers -----------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self._knowledge().config

    def say(self, key: str, lang: str, **values: object) -> str:
        """A sentence in the running knowledge's words (the operator's overrides included)."""
        return self._knowledge().texts.say(key, lang, **values)

    def reply_language(self, lang: str) -> str:
        return self._knowledge().texts.reply_language(lang)

    def _reply(self, message: Message, text: str, private: bool = False) -> Planned:
        """Answer in the same chat; moderator output asked for in public goes privately (the
        staff chat is the staff's own room: answered there)."""
        return (*answer(message, text, private), None)

    def _to_member(self, ticket: Ticket, text: str, resend_on_timeout: bool = True) -> Planned:
        """A private message to the ticket's member, on the ticket's own channel; `chat_id` and
        `reply_to` say where a button goes if the member cannot be DMed."""
        return (ticket.channel, PrivateMessage(user_id=ticket.user_id, chat_id=ticket.chat_id or "",
                                               text=text, reply_to=ticket.origin_message_id,
                                               resend_on_timeout=resend_on_timeout), ticket.ref)

    def _staff(self, text: str, ref: str, origin: str, priority: str = "normal") -> Planned:
        return (self.staff_channel, StaffPost(text=text, topic="ticket", ref=ref,
                                              origin_channel=origin, priority=priority), ref)

    def _ticket(self, ref_text: str) -> Ticket | None:
        ref = normalize_reference(ref_text, self.config.tickets.prefix)
        return self.store.ticket(ref) if ref else None

    def _changed(self, ticket: Ticket, what: str, actor: str) -> Planned:
        return self._staff(self.say("staff_ticket_changed", "en", ref=ticket.ref, what=what, actor=actor),
                           ticket.ref, ticket.channel, priority="routine")

    # --- paging the on-call staff ---------------------------------------------------------------

    def paging_line(self) -> str:
        return self.say("staff_paging", "en",
                        who=" ".join(f"@{h.lstrip('@')}" for h in self.config.tickets.on_call))

    def pages(self, ticket: Ticket, why: str) -> list[Planned]:
        """A private message to each on-call staff member who has started the bot on the staff
        chat's platform (the others are reached by the mention in the staff chat)."""
        out: list[Planned] = []
        if self.staff_channel not in ("telegram", "console"):   # the log: the mention is all
            return out
        for handle in self.config.tickets.on_call:
            person = self.store.user_by_username(self.staff_channel, handle.lstrip("@"))
            reachable = person and (person.get("started") or
                                    not platform(self.staff_channel).dm_after_start)
            if reachable:
                out.append((self.staff_channel, PrivateMessage(
                    user_id=str(person["user_id"]), check="on-call",
                    text=self.say("staff_page", "en", ref=ticket.ref, priority=ticket.priority,
                                  topic=ticket.topic, why=why)), ticket.ref))
        return out

    # --- member commands -----------------------------------------------------------------------

    def cmd_start(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        """`/start <token>` from a deep link: carry the group conversation into the DM."""
        if message.public:
            return []
        self.store.note_user(message.channel, message.user.id, message.user.username, started=True)
        status, row = self.store.claim_handoff(action.args[0], message.user.id, now)
        if status == "ok" and row:
            return [self._reply(message, row["context"] or self.say("handoff_resumed", words))]
        key = {"used": "handoff_used", "expired": "handoff_expired"}.get(status, "handoff_unknown")
        return [self._reply(message, self.say(key, words))]

    def cmd_ticket(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        """A member's own tickets; a reference that is not theirs reveals nothing."""
        if message.public:
            return [self._reply(message, self.say("ticket_in_private", words))]
        if action.args:
            ticket = self._ticket(action.args[0])
            if ticket is None or ticket.user_id != message.user.id or ticket.channel != message.channel:
                return [self._reply(message, self.say("ticket_not_found", words))]
            return [self._reply(message, describe_ticket(ticket, words, self._knowledge().texts))]
        tickets = self.store.tickets_of(message.channel, message.user.id)
        if not tickets:
            return [self._reply(message, self.say("no_tickets", words))]
        lines = [describe_ticket(t, words, self._knowledge().texts, short=True) for t in tickets]
        return [self._reply(message, self.say("your_tickets", words) + "\n" + "\n".join(lines))]

    def cmd_move(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        """The member's message goes to another of their tickets (the button under "About
        another of your tickets?"): added there, noted on the one it left, staff told."""
        target = self._ticket(action.args[0])
        window = self.config.tickets.reopen_window_hours * 3600
        if target is None or target.user_id != message.user.id or target.channel != message.channel \
                or not (target.is_open or (target.closed_at or 0) >= now - window):
            return [self._reply(message, self.say("ticket_not_found", words))]
        row = self._movable(message, action, target, now)
        if row is None:
            return [self._reply(message, self.say("ticket_move_nothing", words))]
        handle = message.user.handle
        reopen = not target.is_open
        staff = self.store.sealer.open(row["sealed"])   # with the key: as the member wrote it
        moved = self.store.add_ticket_message(target.ref, handle, "in", row["text"], now,
                                              new_status="open" if target.status != "open" else None,
                                              staff_text=staff)
        self.store.mark_moved(row["id"], target.ref)
        self.store.ticket_event(row["ref"], handle, "moved", f"a message to {target.ref}", now)
        if reopen:
            self.store.ticket_event(target.ref, handle, "reopened", "member wrote again", now)
        state = f" (moved from {row['ref']}{', reopened' if reopen else ''})"
        post = self.say("staff_member_wrote", "en", ref=target.ref, user=handle, state=state,
                        text=(staff or row["text"])[:800])
        urgent = moved is not None and moved.priority == "urgent"
        return [self._staff(post, target.ref, target.channel,
                            priority="urgent" if urgent else "normal"),
                self._changed(self.store.ticket(row["ref"]) or target,
                              f"a message of the member moved to {target.ref}", handle),
                (message.channel, PrivateMessage(
                    user_id=message.user.id, chat_id=message.chat_id, reply_to=message.message_id,
                    text=self.say("ticket_moved", words, ref=target.ref)), target.ref)]

    def _movable(self, message: Message, action: Command, target: Ticket,
                 now: float) -> dict | None:
        """The member's message the command names (#row), or their latest one within the
        hour, on another of their own tickets."""
        mine = {t.ref for t in self.store.tickets_of(message.channel, message.user.id, limit=50)}
        if len(action.args) > 1:
            rows = [self.store.ticket_message(int(action.args[1].lstrip("#")))]
        else:
            rows = [self.store.last_member_message(ref, now - 3600) for ref in mine]
        rows = [r for r in rows if r and r["ref"] in mine and r["ref"] != target.ref
                and r["direction"] == "in" and r["author"] == message.user.handle
                and not r["moved_to"]]   # moved once: a second tap changes nothing
        return max(rows, key=lambda r: r["id"]) if rows else None

    # --- moderator commands --------------------------------------------------------------------

    def cmd_escalate(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        target = message.reply_to
        subject_id = subject_name = origin_chat = origin_id = link = None
        staff_summary: str | None = None
        if target is not None:
            subject_id, subject_name = target.user.id, target.user.username
            origin_chat, origin_id, link = target.chat_id, target.message_id, target.link
            summary = redact(target.text)[:300]
            staff_summary = self._staff_words(target.text)
        elif action.param("username"):
            known = self.store.user_by_username(message.channel, action.param("username"))
            if known is None:
                return [self._reply(message, self.say("escalate_unknown_user", words,
                                                 name=action.param("username")), private=True)]
            subject_id, subject_name = known["user_id"], known["username"]
            summary = ""
            # Their latest message here is the one escalated: its link and its words.
            seen = self.store.last_message_of(message.channel, message.chat_id, subject_id) \
                if message.public else None
            if seen is not None:
                origin_chat, origin_id, link = seen["chat_id"], seen["message_id"], seen["link"]
        else:
            seen = self.store.message_by_link(action.param("link"))
            if seen is None:
                return [self._reply(message, self.say("escalate_unknown_link", words), private=True)]
            subject_id, subject_name = seen["user_id"], seen["username"]
            origin_chat, origin_id, link = seen["chat_id"], seen["message_id"], seen["link"]
            summary = ""
        said: list[tuple[float, str]] = []
        if origin_chat:
            said = self.recent.conversation(message.channel, origin_chat, subject_id, now,
                                            without=origin_id)
            if not summary and origin_id:
                said_there = self.recent.text_of(message.channel, origin_chat, subject_id,
                                                 origin_id, now) or ""
                summary = redact(said_there)[:300]
                staff_summary = self._staff_words(said_there)
        if origin_chat:
            self.recent.file(message.channel, origin_chat, subject_id, now)
        reason = action.param("reason") or "escalated by a moderator"
        priority = action.param("priority", "normal")
        member = self.store.user(message.channel, subject_id) or {}
        lang = member.get("lang") or "en"
        ticket, created = self.store.open_ticket(
            prefix=self.config.tickets.prefix, channel=message.channel, user_id=subject_id,
            username=subject_name, lang=lang, topic="escalated", summary=summary or reason,
            priority=priority, sla_seconds=self.config.tickets.sla_minutes.seconds(priority),
            chat_id=origin_chat or message.chat_id, origin_link=link, origin_chat_id=origin_chat,
            origin_message_id=origin_id, opened_by=f"mod:{message.user.handle}",
            reopen_window=self.config.tickets.reopen_window_hours * 3600, conversation=said,
            staff_summary=staff_summary, now=now)
        self.store.bump("tickets_opened" if created else "tickets_added_to")
        member_words = self.reply_language(lang)
        who = f"@{subject_name}" if subject_name else self.say("topic_general", words)
        out = []
        public_origin = message.public or (target is None and origin_id is not None)
        if public_origin:
            # The reference goes under the escalated message, without details (SPEC §2).
            out.append((message.channel, Post(chat_id=origin_chat or message.chat_id,
                                              reply_to=origin_id or message.message_id,
                                              thread_id=message.thread_id if message.public else None,
                                              user_id=subject_id or "", public=True,
                                              text=self.say("escalated_public", member_words,
                                                       ref=ticket.ref, who=who)), ticket.ref))
        if not message.public:
            out.append(self._reply(message, self.say("mod_done", words, ref=ticket.ref,
                                                what=f"opened for {who}" if created else
                                                f"added to the open ticket of {who}")))
        told = self.say("escalated_private" if created else "escalated_added", member_words,
                        ref=ticket.ref)
        out.append(self._to_member(ticket, told))
        staff = self.say("staff_ticket", "en", icon="🆘" if priority == "urgent" else "🎫", ref=ticket.ref,
                    priority=ticket.priority, state="new" if created else "updated",
                    channel=ticket.channel, user=who, topic=ticket.topic,
                    reason=f"{redact(reason)} (by {message.user.handle})",
                    summary=staff_summary if created and staff_summary else ticket.summary,
                    link=link or "-", said=self.conversation_lines(said) if created else "")
        if ticket.priority == "urgent" and self.config.tickets.on_call:
            staff += "\n" + self.paging_line()
            out += self.pages(ticket, f"escalated by {message.user.handle}")
        out.append(self._staff(staff, ticket.ref, ticket.channel,
                               priority="urgent" if priority == "urgent" else "normal"))
        return out

    def _staff_words(self, text: str | None) -> str | None:
        """A member's words with their personal data, for staff: only with the data key."""
        return redact_secrets(text)[:300] if self.store.sealer.enabled and text else None

    def conversation_lines(self, said: list[tuple[float, str]]) -> str:
        """What the member said before the ticket, for the staff post: the last few, redacted
        (as the transcript keeps them), each cut to a line or two."""
        if not said:
            return ""
        # With the data key staff see the member's UIDs and order numbers (secrets masked).
        mask = redact_secrets if self.store.sealer.enabled else redact
        quoted = redacted_conversation(said, mask)[-CONVERSATION_SHOWN:]
        lines = [f"› {_cut(' '.join(text.split()), 200)}" for _, text in quoted]
        return "\n" + self.say("staff_conversation", "en") + "\n" + "\n".join(lines)

    def cmd_tickets(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        which = action.param("which", "open")
        tickets = self.store.list_tickets(which, assignee=message.user.username or message.user.id,
                                          now=now)
        if not tickets:
            key = "mod_list_empty_mine" if which == "mine" else "mod_list_empty"
            return [self._reply(message, self.say(key, words, which=which), private=True)]
        lines = "\n".join(
            f"{t.ref} [{t.priority}] {t.status} · {t.username or t.user_id} · {t.topic} · "
            f"{_age(now - t.created_at)}" + (f" · @{t.assignee}" if t.assignee else "") +
            (" · overdue" if t.first_response_at is None and t.first_response_due
             and t.first_response_due < now else "")
            for t in tickets)
        return [self._reply(message, self.say("mod_list", words, which=which, count=len(tickets),
                                         lines=lines), private=True)]

    def _with_ticket(self, message: Message, action: Command, words: str):
        ticket = self._ticket(action.param("ref"))
        if ticket is None:
            return None, [self._reply(message, self.say("no_such_ticket", words, ref=action.param("ref")),
                                      private=True)]
        return ticket, []

    def cmd_assign(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        ticket, problem = self._with_ticket(message, action, words)
        if ticket is None:
            return problem
        ticket = self.store.assign_ticket(ticket.ref, action.param("assignee"), message.user.handle, now)
        what = f"assigned to @{action.param('assignee')}"
        return [self._reply(message, self.say("mod_done", words, ref=ticket.ref, what=what), private=True),
                self._changed(ticket, what, message.user.handle)]

    def cmd_reply(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        ticket, problem = self._with_ticket(message, action, words)
        if ticket is None:
            return problem
        asking = asks_for_secrets(action.param("text"))
        if asking:
            # Staff never ask: an answer that does (by habit, or from a hijacked staff account)
            # would teach members to hand secrets over. Not sent; the moderator is told why.
            return [self._reply(message, self.say("reply_asks_secret", words, ref=ticket.ref,
                                                  sentence=redact_secrets(asking[0])[:200]),
                                private=True)]
        kb = self._knowledge()
        hosts = link_hosts(kb.faq, (*filter(None, (kb.config.brand.help_center,)),
                                    *kb.config.tickets.reply_link_hosts))
        flagged = vet(action.param("text"), kb,
                      lambda text: embed_message(kb.config.embedding, text), hosts=hosts)
        if flagged:
            # What the bot's own checks would call a scam from a member is not sent in its name.
            return [self._reply(message, self.say("reply_flagged", words, ref=ticket.ref,
                                                  why=redact_secrets(flagged)[:300]),
                                private=True)]
        return self.staff_reply(ticket, action.param("text"), message.user.handle, now,
                                confirm_to=message, words=words,
                                media=message if message.media else None)

    def staff_reply(self, ticket: Ticket, text: str, actor: str, now: float,
                    confirm_to: Message | None = None, words: str = "en",
                    media: Message | None = None) -> list[Planned]:
        """A moderator's answer reaches the member privately; the ticket waits on them.
        A secret in it (pasted by mistake, or quoted back) is masked before it goes anywhere;
        data meant for the member stays in their copy, the ticket stores it redacted."""
        text = redact_secrets(text)
        stored = f"[{media.media}] {text}" if media else text
        ticket = self.store.add_ticket_message(ticket.ref, actor, "out", stored, now,
                                               first_response=True, new_status="pending",
                                               staff_text=stored)
        member_words = self.reply_language(ticket.lang or "en")
        # Not resent after a timeout: a staff answer twice confuses; staff are told instead.
        out = [self._to_member(ticket, self.say("staff_reply_to_member", member_words, ref=ticket.ref,
                                           text=text), resend_on_timeout=False),
               self._changed(ticket, "answered (waiting on the member)", actor)]
        if media is not None:
            if media.channel == ticket.channel:   # the file itself, before the words about it
                out.insert(0, (ticket.channel, CopyMedia(
                    from_chat_id=media.chat_id, message_id=media.message_id,
                    chat_id=ticket.user_id, caption=ticket.ref), ticket.ref))
            else:
                out.append(self._changed(ticket, f"not sent: a file cannot go to {ticket.channel} "
                                         "from here; describe it in words", actor))
        if confirm_to is not None:
            out.insert(0, self._reply(confirm_to, self.say("mod_done", words, ref=ticket.ref,
                                                      what="sent to the member"), private=True))
        return out

    def cmd_note(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        ticket, problem = self._with_ticket(message, action, words)
        if ticket is None:
            return problem
        note = redact_secrets(action.param("text"))
        self.store.add_ticket_message(ticket.ref, message.user.handle, "note", note, now)
        return [self._reply(message, self.say("mod_done", words, ref=ticket.ref, what="note added"),
                            private=True),
                self._changed(ticket, f"note: {redact(note)[:300]}", message.user.handle)]

    def cmd_close(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        ticket, problem = self._with_ticket(message, action, words)
        if ticket is None:
            return problem
        if not ticket.is_open:   # closed already: the member is not told twice
            return [self._reply(message, self.say("mod_done", words, ref=ticket.ref,
                                                  what=f"already {ticket.status}"), private=True)]
        # The note is for staff ("resolved", "dup of …"): kept in the log, never sent to the
        # member, who hears the closing sentence (/reply first to tell them something).
        note = redact(action.param("note"))
        ticket = self.store.set_ticket_status(ticket.ref, "closed", message.user.handle, note, now)
        member_words = self.reply_language(ticket.lang or "en")
        hours = int(self.config.tickets.reopen_window_hours)
        told = self.say("closed_to_member", member_words, ref=ticket.ref, note="", hours=hours)
        done = self.say("mod_done", words, ref=ticket.ref,
                        what="closed (the note stays with staff)" if note else "closed")
        return [self._reply(message, done, private=True),
                self._to_member(ticket, told),
                self._changed(ticket, "closed" + (f": {redact(note)[:200]}" if note else ""),
                              message.user.handle)]

    def cmd_reopen(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        ticket, problem = self._with_ticket(message, action, words)
        if ticket is None:
            return problem
        if ticket.is_open:
            return [self._reply(message, self.say("mod_done", words, ref=ticket.ref,
                                                  what="already open"), private=True)]
        ticket = self.store.set_ticket_status(ticket.ref, "open", message.user.handle, "", now)
        member_words = self.reply_language(ticket.lang or "en")
        done = self.say("mod_done", words, ref=ticket.ref, what="reopened")
        return [self._reply(message, done, private=True),
                self._to_member(ticket, self.say("reopened_to_member", member_words, ref=ticket.ref)),
                self._changed(ticket, "reopened", message.user.handle)]

    def cmd_stats(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        counters = self.store.counters()
        shown = ", ".join(f"{k} {v}" for k, v in sorted(counters.items())) or "nothing yet"
        tickets = self.store.count_tickets()
        overdue = len(self.store.list_tickets("overdue", now=now, limit=1000))
        ticket_line = ", ".join(f"{k} {v}" for k, v in sorted(tickets.items())) or "none"
        text = self.say("stats", words, counters=shown, tickets=f"{ticket_line}; overdue {overdue}")
        lines = self.health()
        if lines:
            text += "\n" + "\n".join(lines)
        return [self._reply(message, text, private=True)]

    def cmd_console(self, message: Message, action: Command, words: str,
                    now: float) -> list[Planned]:
        """A one-time sign-in link to the web console, bound to this moderator, sent to them
        privately (never in a chat others read)."""
        web = self.config.web
        token = self.store.create_login_link(message.channel, message.user.id,
                                             message.user.username, web.link_minutes * 60, now)
        text = self.say("console_link", "en", minutes=f"{web.link_minutes:g}",
                        link=f"{web.base_url()}/login/{token}")
        link = (message.channel, PrivateMessage(
            user_id=message.user.id, chat_id=message.chat_id if message.public else "",
            text=text, check="console-link", resend_on_timeout=False), None)
        if message.public and message.staff_chat:
            return [self._reply(message, self.say("console_sent", "en")), link]
        return [link]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} d"


def describe_ticket(ticket: Ticket, words: str, texts: Texts, short: bool = False) -> str:
    status = texts.say(f"status_{ticket.status}", words)
    if short:
        return f"{ticket.ref} · {status} · {ticket.topic}"
    return texts.say("ticket_detail", words, ref=ticket.ref, status=status, topic=ticket.topic,
                     priority=ticket.priority)


__all__ = ["CommandRunner", "describe_ticket"]

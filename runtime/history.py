"""The core's view of recent activity (cooldowns, reminders, reply budget), read from the store,
and of the member's last few messages (from memory: runtime.recent)."""

from __future__ import annotations

from handlers.config import Config
from handlers.model import Earlier, Message
from store import Store, Ticket

from .recent import RecentMessages


def faq_key(message: Message, faq_id: str, lang: str) -> str:
    """Per answer language: a Chinese asker is not pointed to the English answer."""
    return f"faq:{message.channel}:{message.chat_id}:{message.thread_id or ''}:{faq_id}:{lang}"


def unsettled_key(message: Message) -> str:
    return f"unsettled:{message.channel}:{message.user.id}"


def reminder_key(message: Message) -> str:
    return f"remind:{message.channel}:{message.user.id}"


HANDOFF_FOLLOW_UP = 1800.0   # seconds after the link is used in which the DM continues that case


class StoreHistory:
    def __init__(self, store: Store, config: Config, now: float,
                 recent: RecentMessages | None = None) -> None:
        self.store = store
        self.config = config
        self.now = now
        self._recent = recent

    def earlier_answer(self, message: Message, faq_id: str, lang: str = "en") -> str | None:
        row = self.store.cooldown(faq_key(message, faq_id, lang), self.now)
        return None if row is None else (row["value"] or "")

    def reminded_recently(self, message: Message) -> bool:
        return self.store.cooldown(reminder_key(message), self.now) is not None

    def member_ticket(self, message: Message) -> tuple[str, str] | None:
        ticket = self._replied_ticket(message) or self.store.current_ticket(
            message.channel, message.user.id, self._reopen_window, self.now)
        return (ticket.ref, ticket.status) if ticket else None

    def ticket_choices(self, message: Message) -> tuple[tuple[str, str, str], ...]:
        if message.public or self._replied_ticket(message) is not None:
            return ()
        tickets = self.store.member_tickets(message.channel, message.user.id,
                                            self._reopen_window, self.now)
        return tuple((t.ref, t.topic, t.status) for t in tickets) if len(tickets) > 1 else ()

    @property
    def _reopen_window(self) -> float:
        return self.config.tickets.reopen_window_hours * 3600

    def _replied_ticket(self, message: Message) -> Ticket | None:
        """The member's ticket whose bot message this private message replies to, while it is
        open or within the reopen window."""
        if message.public or message.reply_to is None:
            return None
        ref = self.store.ticket_for_member_post(message.channel, message.chat_id,
                                                message.reply_to.message_id)
        ticket = self.store.ticket(ref) if ref else None
        if ticket is None or ticket.user_id != message.user.id:
            return None
        recent = ticket.closed_at is not None and ticket.closed_at >= self.now - self._reopen_window
        return ticket if ticket.is_open or recent else None

    def unsettled_recently(self, message: Message) -> bool:
        return self.store.cooldown(unsettled_key(message), self.now) is not None

    def strikes(self, message: Message) -> int:
        since = self.now - self.config.safety.window_hours * 3600
        return self.store.strikes_since(message.channel, message.chat_id, message.user.id, since)

    def recent(self, message: Message) -> tuple[Earlier, ...]:
        return self._recent.earlier(message, self.now) if self._recent else ()

    def reporters(self, message: Message) -> frozenset[str]:
        since = self.now - self.config.reports.window_minutes * 60
        return self.store.reporters_since(message.channel, message.chat_id, message.message_id,
                                          since)

    def language(self, message: Message) -> str | None:
        member = self.store.user(message.channel, message.user.id)
        return member.get("lang") if member else None

    def handed_off(self, message: Message) -> tuple[str, str, str] | None:
        if message.public:
            return None
        row = self.store.claimed_handoff(message.channel, message.user.id,
                                         self.now - HANDOFF_FOLLOW_UP)
        if row is None:
            return None
        seen = self.store.seen_message(row["channel"], row["chat_id"], row["message_id"])
        return row["topic"] or "", row["summary"] or "", (seen or {}).get("link") or ""

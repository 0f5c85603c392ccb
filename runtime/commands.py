"""Commands that need the store: /start <token>, /ticket and the moderator ticket commands.

The core parses a command into a `Command` action; this runner executes it against the store
and returns outbox payloads, inside the same transaction as the processed mark."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.model import Command, Decision, Message
from handlers.replies import reply_language, say
from store import normalize_reference

if TYPE_CHECKING:
    from .service import SupportService

Payload = tuple[str, dict[str, Any], "str | None"]


class CommandRunner:
    def __init__(self, service: SupportService) -> None:
        self.service = service
        service.command_runner = self

    def __call__(self, message: Message, decision: Decision, action: Command,
                 now: float) -> list[Payload]:
        words = reply_language(decision.lang)
        handler = getattr(self, f"cmd_{action.command}", None)
        if handler is None:
            if message.public:
                return []  # unknown commands in a group are for other bots
            return [self._reply(message, say("unknown_command", words))]
        return handler(message, list(action.args), words, now)

    # --- helpers -----------------------------------------------------------------------------

    def _reply(self, message: Message, text: str, **extra: Any) -> Payload:
        return (message.channel, {"op": "reply", "chat_id": message.chat_id,
                                  "reply_to": message.message_id, "thread_id": message.thread_id,
                                  "user_id": message.user.id, "public": message.public,
                                  "text": text, **extra}, None)

    # --- member commands -----------------------------------------------------------------------

    def cmd_start(self, message: Message, args: list[str], words: str, now: float) -> list[Payload]:
        """`/start <token>` from a deep link: carry the group conversation into the DM."""
        store = self.service.store
        if message.public:
            return []
        store.note_user(message.channel, message.user.id, message.user.username, started=True)
        if not args:
            config = self.service.kb.config
            help_center = f" ({config.brand.help_center})" if config.brand.help_center else ""
            return [self._reply(message, say("help", words, brand=config.brand.name,
                                             help_center=help_center))]
        status, row = store.claim_handoff(args[0], message.user.id, now)
        if status == "ok" and row:
            return [self._reply(message, row["context"] or say("handoff_resumed", words))]
        key = {"used": "handoff_used", "expired": "handoff_expired"}.get(status, "handoff_unknown")
        return [self._reply(message, say(key, words))]

    def cmd_ticket(self, message: Message, args: list[str], words: str, now: float) -> list[Payload]:
        """A member's own tickets; a reference that is not theirs reveals nothing."""
        store = self.service.store
        prefix = self.service.kb.config.tickets.prefix
        if message.public:
            return [self._reply(message, say("ticket_in_private", words))]
        if args:
            ref = normalize_reference(args[0], prefix)
            ticket = store.ticket(ref) if ref else None
            if ticket is None or ticket.user_id != message.user.id or ticket.channel != message.channel:
                return [self._reply(message, say("ticket_not_found", words))]
            return [self._reply(message, describe_ticket(ticket, words))]
        tickets = store.tickets_of(message.channel, message.user.id)
        if not tickets:
            return [self._reply(message, say("no_tickets", words))]
        lines = [describe_ticket(t, words, short=True) for t in tickets]
        return [self._reply(message, say("your_tickets", words) + "\n" + "\n".join(lines))]


def describe_ticket(ticket: Any, words: str, short: bool = False) -> str:
    status = say(f"status_{ticket.status}", words)
    if short:
        return f"{ticket.ref} · {status} · {ticket.topic}"
    return say("ticket_detail", words, ref=ticket.ref, status=status, topic=ticket.topic,
               priority=ticket.priority)

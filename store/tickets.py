"""Tickets in the store: references, lifecycle, transcript and the append-only event log."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from handlers.detectors.redaction import redact, redact_secrets

from .connection import Connection

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"   # no I, L, O, U: nothing to misread
REF_LENGTH = 6                                  # 32^6 ≈ 1.07 billion references per prefix
PRIORITIES = ("urgent", "high", "normal", "low")
OPEN_STATES = ("open", "pending")
_DECODE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(CROCKFORD) for _ in range(REF_LENGTH))
    return f"{prefix}-{body}" if prefix else body


def normalize_reference(text: str, prefix: str) -> str | None:
    """Read a reference the way people type it ("neb-7k3qx9", "7K3QX9", "NEB 7K3QXQ")."""
    raw = re.sub(r"[\s_]", "", text.strip().upper()).lstrip("#")
    if prefix and raw.startswith(prefix.upper()):
        raw = raw[len(prefix):].lstrip("-")
    raw = raw.replace("-", "").translate(_DECODE)
    if len(raw) != REF_LENGTH or any(ch not in CROCKFORD for ch in raw):
        return None
    return f"{prefix}-{raw}" if prefix else raw


@dataclass(frozen=True)
class Ticket:
    ref: str
    channel: str
    chat_id: str | None
    user_id: str
    username: str | None
    lang: str
    topic: str
    summary: str
    origin_link: str | None
    priority: str
    status: str
    assignee: str | None
    created_at: float
    updated_at: float
    first_response_due: float | None
    first_response_at: float | None
    closed_at: float | None
    opened_by: str | None = None
    origin_chat_id: str | None = None
    origin_message_id: str | None = None
    overdue_reported: int = 0

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Ticket:
        fields = cls.__dataclass_fields__
        return cls(**{k: row[k] for k in fields if k in row})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


def redacted_conversation(said: Sequence[tuple[float, str]],
                          mask: Callable[[str], str] = redact) -> list[tuple[float, str]]:
    """Each message masked (`redact`, or `redact_secrets` for the staff copy); a secret split
    over several (half a phrase in each) is only seen when they are read together, and is
    then quoted as one text, masked."""
    one = [mask(text) for _, text in said]
    together = mask("\n".join(text for _, text in said))
    if said and together != "\n".join(one):
        return [(said[-1][0], together)]
    return [(at, text) for (at, _), text in zip(said, one, strict=True)]


class TicketStore(Connection):
    """Ticket operations (the Store builds on them). Every change writes its event in the same
    transaction, so the log never misses a step."""

    def open_ticket(self, *, prefix: str, channel: str, user_id: str,
                    username: str | None, lang: str, topic: str, summary: str,
                    priority: str = "normal", sla_seconds: float | None = None,
                    chat_id: str | None = None, origin_link: str | None = None,
                    origin_chat_id: str | None = None, origin_message_id: str | None = None,
                    opened_by: str = "member", reopen_window: float = 0.0,
                    conversation: Sequence[tuple[float, str]] = (),
                    staff_summary: str | None = None,
                    now: float | None = None) -> tuple[Ticket, bool]:
        """(ticket, created). One open ticket per user and topic: a second escalation of the
        same case is added to the open one (created False), and a recently closed one within
        the reopen window is reopened instead of starting over. `conversation`: (time, text)
        of what the member said before, which a new ticket's transcript starts with.
        `staff_summary`: the summary with personal data kept (secrets masked); it, and such a
        copy of the conversation, are stored only sealed (see `store.sealing`)."""
        if priority not in PRIORITIES:
            raise ValueError(f"priority must be one of {', '.join(PRIORITIES)}")
        now = now or time.time()
        summary = redact(summary)[:500]
        with self.atomic():
            existing = self._one(
                "SELECT * FROM tickets WHERE channel = ? AND user_id = ? AND topic = ? AND "
                "(status IN ('open','pending') OR (status IN ('resolved','closed') AND "
                "closed_at >= ?)) ORDER BY created_at DESC LIMIT 1",
                (channel, str(user_id), topic, now - reopen_window if reopen_window else now + 1))
            if existing:
                ticket = Ticket.from_row(existing)
                higher = PRIORITIES.index(priority) < PRIORITIES.index(ticket.priority)
                updates = {"updated_at": now}
                if higher:
                    updates["priority"] = priority
                if not ticket.is_open:
                    updates.update(status="open", closed_at=None)
                self._update_ticket(ticket.ref, updates)
                kind = "added" if ticket.is_open else "reopened"
                self.ticket_event(ticket.ref, opened_by, kind, summary, now)
                if summary:
                    self._transcript(ticket.ref, f"@{username}" if username else str(user_id),
                                     "in", summary, now, staff_summary)
                return self.ticket(ticket.ref), False
            ref = self._unused_reference(prefix)
            self.db.execute(
                "INSERT INTO tickets (ref, channel, chat_id, user_id, username, lang, topic, "
                "summary, origin_link, origin_chat_id, origin_message_id, priority, status, "
                "opened_by, created_at, updated_at, first_response_due, sealed_summary) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)",
                (ref, channel, chat_id, str(user_id), username, lang, topic, summary,
                 origin_link, origin_chat_id, origin_message_id, priority, opened_by, now, now,
                 now + sla_seconds if sla_seconds else None,
                 self.sealer.seal(staff_summary[:500] if staff_summary else None)))
            self.ticket_event(ref, opened_by, "opened", f"{priority}: {summary}", now)
            author = f"@{username}" if username else str(user_id)
            shown = redacted_conversation(conversation)
            # The staff copy keeps personal data (sealed, so only with a key); row by row
            # only when both read the messages alike (a split secret makes one row of both).
            staff = redacted_conversation(conversation, redact_secrets) \
                if self.sealer.enabled else []
            if len(staff) != len(shown):
                staff = [(at, None) for at, _ in shown]
            for (at, text), (_, full) in zip(shown, staff, strict=True):
                self._transcript(ref, author, "in", text, at, full)
            if summary:
                self._transcript(ref, author, "in", summary, now, staff_summary)
            return self.ticket(ref), True

    def _unused_reference(self, prefix: str) -> str:
        for _ in range(20):
            ref = new_reference(prefix)
            if not self._one("SELECT 1 AS x FROM tickets WHERE ref = ?", (ref,)):
                return ref
        raise RuntimeError("could not find an unused ticket reference; widen the prefix")

    def ticket(self, ref: str) -> Ticket | None:
        row = self._one("SELECT * FROM tickets WHERE ref = ?", (ref,))
        return Ticket.from_row(row) if row else None

    def tickets_of(self, channel: str, user_id: str, open_only: bool = False,
                   limit: int = 10) -> list[Ticket]:
        sql = "SELECT * FROM tickets WHERE channel = ? AND user_id = ?"
        if open_only:
            sql += " AND status IN ('open','pending')"
        rows = self._rows(sql + " ORDER BY updated_at DESC LIMIT ?", (channel, str(user_id), limit))
        return [Ticket.from_row(r) for r in rows]

    def current_ticket(self, channel: str, user_id: str, reopen_window: float,
                       now: float | None = None) -> Ticket | None:
        """The member's open ticket, or the one closed within the reopen window."""
        now = now or time.time()
        row = self._one(
            "SELECT * FROM tickets WHERE channel = ? AND user_id = ? AND (status IN "
            "('open','pending') OR closed_at >= ?) ORDER BY (status IN ('open','pending')) DESC, "
            "updated_at DESC LIMIT 1", (channel, str(user_id), now - reopen_window))
        return Ticket.from_row(row) if row else None

    def member_tickets(self, channel: str, user_id: str, reopen_window: float,
                       now: float | None = None, limit: int = 5) -> list[Ticket]:
        """The member's open tickets and those closed within the reopen window, the most
        recently active first."""
        now = now or time.time()
        rows = self._rows(
            "SELECT * FROM tickets WHERE channel = ? AND user_id = ? AND (status IN "
            "('open','pending') OR closed_at >= ?) ORDER BY (status IN ('open','pending')) DESC, "
            "updated_at DESC LIMIT ?", (channel, str(user_id), now - reopen_window, limit))
        return [Ticket.from_row(r) for r in rows]

    def last_member_message(self, ref: str, since: float) -> dict[str, Any] | None:
        """The member's latest message on a ticket since `since`."""
        return self._one("SELECT id, ref, at, author, direction, text, sealed, moved_to FROM "
                         "ticket_messages WHERE ref = ? AND direction = 'in' AND at >= ? "
                         "ORDER BY id DESC LIMIT 1",
                         (ref, since))

    def ticket_message(self, row_id: int) -> dict[str, Any] | None:
        return self._one("SELECT id, ref, at, author, direction, text, sealed, moved_to FROM "
                         "ticket_messages WHERE id = ?", (row_id,))

    def mark_moved(self, row_id: int, ref: str) -> None:
        self._exec("UPDATE ticket_messages SET moved_to = ? WHERE id = ?", (ref, row_id))

    def list_tickets(self, which: str = "open", assignee: str | None = None,
                     now: float | None = None, limit: int = 20) -> list[Ticket]:
        now = now or time.time()
        where, params = "status IN ('open','pending')", []
        if which == "mine":
            where += " AND assignee = ?"
            params.append(assignee or "")
        elif which == "overdue":
            where += " AND first_response_at IS NULL AND first_response_due < ?"
            params.append(now)
        elif which == "urgent":
            where += " AND priority = 'urgent'"
        elif which == "all":
            where = "1 = 1"
        order = ("CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 "
                 "ELSE 3 END, created_at")
        rows = self._rows(f"SELECT * FROM tickets WHERE {where} ORDER BY {order} LIMIT ?",
                          (*params, limit))
        return [Ticket.from_row(r) for r in rows]

    def count_tickets(self) -> dict[str, int]:
        rows = self._rows("SELECT status, COUNT(*) AS n FROM tickets GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    def set_ticket_status(self, ref: str, status: str, actor: str, note: str = "",
                          now: float | None = None) -> Ticket | None:
        now = now or time.time()
        with self.atomic():
            ticket = self.ticket(ref)
            if ticket is None:
                return None
            updates: dict[str, Any] = {"status": status, "updated_at": now}
            if status in ("resolved", "closed"):
                updates["closed_at"] = now
            else:
                updates["closed_at"] = None
            self._update_ticket(ref, updates)
            self.ticket_event(ref, actor, status if status != "open" else "reopened", redact(note), now)
            return self.ticket(ref)

    def assign_ticket(self, ref: str, assignee: str, actor: str,
                      now: float | None = None) -> Ticket | None:
        now = now or time.time()
        with self.atomic():
            if self.ticket(ref) is None:
                return None
            self._update_ticket(ref, {"assignee": assignee, "updated_at": now})
            self.ticket_event(ref, actor, "assigned", assignee, now)
            return self.ticket(ref)

    def add_ticket_message(self, ref: str, author: str, direction: str, text: str,
                           now: float | None = None, first_response: bool = False,
                           new_status: str | None = None,
                           staff_text: str | None = None) -> Ticket | None:
        """Append to the transcript (redacted): direction "in" from the member, "out" to them,
        "note" internal. A staff reply is the first response; a member reply to a pending
        ticket makes it open again."""
        now = now or time.time()
        with self.atomic():
            ticket = self.ticket(ref)
            if ticket is None:
                return None
            clean = redact(text)[:2000]
            self._transcript(ref, author, direction, clean, now, staff_text)
            updates: dict[str, Any] = {"updated_at": now}
            if first_response and ticket.first_response_at is None:
                updates["first_response_at"] = now
            if new_status:
                updates["status"] = new_status
            self._update_ticket(ref, updates)
            kind = {"in": "member_message", "out": "staff_reply", "note": "note"}[direction]
            self.ticket_event(ref, author, kind, clean[:200], now)
            return self.ticket(ref)

    def ticket_events(self, ref: str) -> list[dict[str, Any]]:
        return self._rows("SELECT at, actor, kind, detail FROM ticket_events WHERE ref = ? "
                          "ORDER BY id", (ref,))

    def ticket_transcript(self, ref: str) -> list[dict[str, Any]]:
        return self._rows("SELECT at, author, direction, text FROM ticket_messages WHERE ref = ? "
                          "ORDER BY id", (ref,))

    def overdue_due(self, every: float, now: float | None = None) -> list[Ticket]:
        """Open tickets with no first response whose next overdue reminder is due: the first
        at the target, then one every `every` seconds (`overdue_reported` counts them)."""
        rows = self._rows("SELECT * FROM tickets WHERE status IN ('open','pending') AND "
                          "first_response_at IS NULL AND first_response_due IS NOT NULL AND "
                          "first_response_due + overdue_reported * ? <= ? "
                          "ORDER BY first_response_due", (every, now or time.time()))
        return [Ticket.from_row(r) for r in rows]

    def mark_overdue_reported(self, ref: str, now: float | None = None) -> int:
        """Count one more overdue reminder; returns how many there have been."""
        with self.atomic():
            self.db.execute("UPDATE tickets SET overdue_reported = overdue_reported + 1 "
                            "WHERE ref = ?", (ref,))
            count = self._one("SELECT overdue_reported AS n FROM tickets WHERE ref = ?", (ref,))
            n = int(count["n"]) if count else 0
            self.ticket_event(ref, "bot", "overdue_reported", f"reminder {n}", now or time.time())
            return n

    def export_tickets(self, status: str | None = None) -> list[dict[str, Any]]:
        """Ticket rows without the sealed personal data (exports leave the machine)."""
        sql = "SELECT * FROM tickets"
        params: tuple = ()
        if status:
            sql += " WHERE status = ?"
            params = (status,)
        rows = self._rows(sql + " ORDER BY created_at", params)
        for row in rows:
            row.pop("sealed_summary", None)
        return rows

    def _update_ticket(self, ref: str, updates: dict[str, Any]) -> None:
        columns = ", ".join(f"{k} = ?" for k in updates)
        self.db.execute(f"UPDATE tickets SET {columns} WHERE ref = ?", (*updates.values(), ref))

    def ticket_event(self, ref: str, actor: str, kind: str, detail: str, now: float) -> None:
        self.db.execute("INSERT INTO ticket_events (ref, at, actor, kind, detail) "
                        "VALUES (?, ?, ?, ?, ?)", (ref, now, actor, kind, redact(detail)[:500]))

    def _transcript(self, ref: str, author: str, direction: str, text: str,
                    now: float, staff_text: str | None = None) -> None:
        """`staff_text`: the same with personal data kept; stored sealed, or not at all."""
        sealed = self.sealer.seal(redact_secrets(staff_text)[:2000]) if staff_text else None
        self.db.execute("INSERT INTO ticket_messages (ref, at, author, direction, text, sealed) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (ref, now, author, direction, redact(text), sealed))

    def staff_transcript(self, ref: str) -> list[dict[str, Any]]:
        """The transcript as staff may see it: personal data opened where the key allows,
        else the redacted text. Each row says which ("personal": True when opened)."""
        rows = self._rows("SELECT at, author, direction, text, sealed FROM ticket_messages "
                          "WHERE ref = ? ORDER BY id", (ref,))
        out = []
        for row in rows:
            opened = self.sealer.open(row.pop("sealed"))
            out.append({**row, "text": opened if opened is not None else row["text"],
                        "personal": opened is not None})
        return out

    def staff_summary(self, ticket: Ticket) -> str:
        row = self._one("SELECT sealed_summary FROM tickets WHERE ref = ?", (ticket.ref,))
        opened = self.sealer.open(row["sealed_summary"]) if row else None
        return opened if opened is not None else ticket.summary

    def purge_personal(self, closed_before: float) -> int:
        """Drop the sealed personal data of tickets closed before `closed_before`."""
        with self.atomic():
            closed = "SELECT ref FROM tickets WHERE closed_at IS NOT NULL AND closed_at < ?"
            count = self.db.execute(f"UPDATE ticket_messages SET sealed = NULL WHERE sealed IS NOT "
                                    f"NULL AND ref IN ({closed})", (closed_before,)).rowcount
            self.db.execute("UPDATE tickets SET sealed_summary = NULL WHERE sealed_summary IS NOT "
                            "NULL AND closed_at IS NOT NULL AND closed_at < ?", (closed_before,))
            return count

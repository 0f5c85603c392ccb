"""What the web console reads and writes: the log of the bot's decisions (texts redacted), the
numbers its charts show, one-time sign-in links and sessions (only their hashes are stored:
a copy of the database signs nobody in), and the moderators' web actions."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

from handlers.detectors.redaction import redact

from .connection import Connection

DAY = 86400.0
DECISION_TEXT = 500   # characters of a member's message kept in the decision log


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ConsoleStore(Connection):
    # --- the decision log -------------------------------------------------------------------

    def record_decision(self, row: dict[str, Any]) -> int:
        """One member message and what the bot did with it; the text is redacted again here."""
        row = {**row, "text": redact(row.get("text") or "")[:DECISION_TEXT]}
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        labels = f" {row.get('labels') or ''} "
        counts = (int(row["at"] // DAY), int(bool(row.get("asked") or row.get("answered") or
                                                  row.get("human"))),
                  int(bool(row.get("answered"))), int(bool(row.get("human"))),
                  int(" scam " in labels), int(" secret " in labels))
        with self.atomic():
            cur = self.db.execute(f"INSERT INTO decisions ({columns}) VALUES ({marks})",
                                  tuple(row.values()))
            self.db.execute(
                "INSERT INTO decision_days (day, asked, answered, human, scams, secrets) VALUES "
                "(?, ?, ?, ?, ?, ?) ON CONFLICT(day) DO UPDATE SET asked = asked + excluded.asked, "
                "answered = answered + excluded.answered, human = human + excluded.human, "
                "scams = scams + excluded.scams, secrets = secrets + excluded.secrets", counts)
            return int(cur.lastrowid)

    def decisions(self, label: str | None = None, chat: str | None = None,
                  before: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The newest decisions first (without their embeddings), filtered by a label ("faq",
        "scam", "secret", "urgent", "sensitive", "impersonator", "human", "silent") and chat."""
        where, params = ["1 = 1"], []
        if label == "human":
            where.append("human = 1")
        elif label == "silent":
            where.append("actions = ''")
        elif label:
            where.append("(' ' || labels || ' ') LIKE ?")
            params.append(f"% {label} %")
        if chat:
            where.append("chat_id = ?")
            params.append(chat)
        if before:
            where.append("id < ?")
            params.append(before)
        return self._rows(
            "SELECT id, at, channel, chat_id, chat_title, message_id, user_id, username, public, "
            "asked, lang, labels, faq_id, answered, human, gap, check_name, score, actions, text, "
            "case_id, handled_by "
            f"FROM decisions WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?",
            (*params, limit))

    def decision(self, decision_id: int) -> dict[str, Any] | None:
        if not 0 < decision_id < 2 ** 62:
            return None
        return self._one("SELECT * FROM decisions WHERE id = ?", (decision_id,))

    def handle_decision(self, decision_id: int, by: str) -> bool:
        """Claim a decision for a moderator's undo or teach: False if someone did already."""
        return self._exec("UPDATE decisions SET handled_by = ? WHERE id = ? AND handled_by IS "
                          "NULL", (by, decision_id)) == 1

    def release_decision(self, decision_id: int) -> None:
        self._exec("UPDATE decisions SET handled_by = NULL WHERE id = ?", (decision_id,))

    def decision_undone(self, channel: str, chat_id: str, message_id: str) -> None:
        """A moderator undid the bot's scam decision: the log and the day's count say so."""
        with self.atomic():
            rows = self.db.execute(
                "SELECT id, at, labels FROM decisions WHERE channel = ? AND chat_id = ? AND "
                "message_id = ? AND (' ' || labels || ' ') LIKE '% scam %'",
                (channel, chat_id, message_id)).fetchall()
            for row_id, at, labels in rows:
                kept = " ".join(label for label in labels.split() if label != "scam")
                self.db.execute("UPDATE decisions SET labels = ? WHERE id = ?",
                                ((kept + " undone").strip(), row_id))
                self.db.execute("UPDATE decision_days SET scams = MAX(scams - 1, 0) WHERE day = ?",
                                (int(at // DAY),))

    def withhold_decisions(self, channel: str, chat_id: str, message_ids: tuple[str, ...],
                           text: str) -> None:
        """Earlier messages that turned out to hold part of a secret: their text goes."""
        with self.atomic():
            for message_id in message_ids:
                self.db.execute("UPDATE decisions SET text = ?, vector = NULL, gap = 0 WHERE "
                                "channel = ? AND chat_id = ? AND message_id = ?",
                                (text, channel, chat_id, message_id))

    def decision_chats(self, since: float) -> list[dict[str, Any]]:
        return self._rows("SELECT chat_id, MAX(chat_title) AS title, COUNT(*) AS n FROM decisions "
                          "WHERE at >= ? GROUP BY chat_id ORDER BY n DESC LIMIT 50", (since,))

    def gap_stamp(self, since: float) -> tuple[int, int]:
        """(how many, the newest id) of the gap questions since `since`: what the grouping
        of them depends on."""
        row = self._one("SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top FROM decisions "
                        "WHERE gap = 1 AND at >= ?", (since,))
        return (int(row["n"]), int(row["top"])) if row else (0, 0)

    def gap_questions(self, since: float, limit: int = 2000) -> list[dict[str, Any]]:
        """Questions the bot left unanswered or to humans since `since`, newest first, with
        their embeddings (float16 bytes)."""
        return self._rows("SELECT id, at, channel, chat_id, lang, text, vector FROM decisions "
                          "WHERE gap = 1 AND at >= ? AND vector IS NOT NULL "
                          "ORDER BY at DESC LIMIT ?", (since, limit))

    def mark_gap_settled(self, ids: list[int]) -> None:
        """Questions now covered by the FAQ: no longer shown as a gap."""
        with self.atomic():
            for chunk in range(0, len(ids), 500):
                part = ids[chunk:chunk + 500]
                self.db.execute(f"UPDATE decisions SET gap = 0 WHERE id IN "
                                f"({', '.join('?' for _ in part)})", tuple(part))

    def faq_hits(self, since: float) -> dict[str, int]:
        rows = self._rows("SELECT faq_id, COUNT(*) AS n FROM decisions WHERE answered = 1 AND "
                          "faq_id IS NOT NULL AND at >= ? GROUP BY faq_id", (since,))
        return {r["faq_id"]: int(r["n"]) for r in rows}

    def wrong_counts(self) -> dict[str, int]:
        rows = self._rows("SELECT faq_id, COUNT(*) AS n FROM learned_examples WHERE "
                          "kind = 'negative' GROUP BY faq_id")
        return {r["faq_id"]: int(r["n"]) for r in rows if r["faq_id"]}

    # --- the numbers the charts show ----------------------------------------------------------

    def daily_decisions(self, since: float) -> list[dict[str, Any]]:
        """Per UTC day since `since`: questions asked, answered by the bot, handed to humans,
        scams and secrets caught."""
        return self._rows("SELECT day, asked, answered, human, scams, secrets FROM decision_days "
                          "WHERE day >= ? ORDER BY day", (int(since // DAY),))

    def daily_tickets(self, since: float) -> dict[str, list[dict[str, Any]]]:
        opened = self._rows("SELECT CAST(created_at / 86400 AS INTEGER) AS day, COUNT(*) AS n "
                            "FROM tickets WHERE created_at >= ? GROUP BY day", (since,))
        closed = self._rows("SELECT CAST(closed_at / 86400 AS INTEGER) AS day, COUNT(*) AS n "
                            "FROM tickets WHERE closed_at >= ? GROUP BY day", (since,))
        return {"opened": opened, "closed": closed}

    def first_responses(self, since: float) -> list[dict[str, Any]]:
        """Each ticket opened since `since`: its first-response time and target (seconds)."""
        return self._rows("SELECT priority, created_at, first_response_at, first_response_due "
                          "FROM tickets WHERE created_at >= ? AND first_response_due IS NOT NULL",
                          (since,))

    def inbox(self, status: str = "open", priority: str | None = None,
              assignee: str | None = None, channel: str | None = None, now: float | None = None,
              limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Tickets, most urgent and most overdue first, and how many match in all."""
        now = now or time.time()
        where, params = [], []
        if status == "open":
            where.append("status IN ('open','pending')")
        elif status in ("pending", "resolved", "closed"):
            where.append("status = ?")
            params.append(status)
        if priority:
            where.append("priority = ?")
            params.append(priority)
        if assignee == "-":
            where.append("assignee IS NULL")
        elif assignee:
            where.append("assignee = ?")
            params.append(assignee.lstrip("@"))
        if channel:
            where.append("channel = ?")
            params.append(channel)
        clause = " AND ".join(where) or "1 = 1"
        # Urgent first; within a priority, the longest past its first-response target first,
        # then the oldest; closed ones after every open one.
        order = ("status IN ('resolved','closed'), CASE priority WHEN 'urgent' THEN 0 WHEN 'high' "
                 "THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, "
                 "CASE WHEN first_response_at IS NULL AND first_response_due < ? "
                 "THEN first_response_due ELSE 1e18 END, created_at")
        rows = self._rows(f"SELECT ref, channel, username, user_id, topic, summary, priority, "
                          f"status, assignee, created_at, updated_at, first_response_due, "
                          f"first_response_at, closed_at FROM tickets WHERE {clause} "
                          f"ORDER BY {order} LIMIT ? OFFSET ?", (*params, now, limit, offset))
        total = self._one(f"SELECT COUNT(*) AS n FROM tickets WHERE {clause}", tuple(params))
        return rows, int(total["n"]) if total else 0

    def assignees(self) -> list[str]:
        return [r["assignee"] for r in self._rows(
            "SELECT DISTINCT assignee FROM tickets WHERE assignee IS NOT NULL ORDER BY assignee "
            "LIMIT 100")]

    def outbox_waiting(self) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')")
        return int(row["n"]) if row else 0

    def last_outbox_error(self) -> dict[str, Any] | None:
        return self._one("SELECT id, channel, last_error, COALESCE(done_at, created_at) AS at "
                         "FROM outbox WHERE last_error IS NOT NULL AND last_error != '' "
                         "ORDER BY id DESC LIMIT 1")

    # --- sign-in links and sessions -----------------------------------------------------------

    def create_login_link(self, channel: str, user_id: str, username: str | None, ttl: float,
                          now: float | None = None) -> str:
        """A random one-time token for this moderator; only its hash is kept."""
        now = now or time.time()
        token = secrets.token_urlsafe(32)
        self._exec("INSERT INTO login_links (token_hash, channel, user_id, username, created_at, "
                   "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                   (_hash(token), channel, str(user_id), username, now, now + ttl))
        return token

    def login_link(self, token: str, now: float | None = None) -> dict[str, Any] | None:
        """The link's moderator while it is unused and unexpired (nothing is changed)."""
        return self._one("SELECT channel, user_id, username FROM login_links WHERE token_hash = ? "
                         "AND used_at IS NULL AND expires_at > ?", (_hash(token), now or time.time()))

    def use_login_link(self, token: str, now: float | None = None) -> dict[str, Any] | None:
        """Spend the link: its moderator, once; None when used, expired or unknown."""
        now = now or time.time()
        with self.atomic():
            row = self.login_link(token, now)
            if row is None:
                return None
            self.db.execute("UPDATE login_links SET used_at = ? WHERE token_hash = ?",
                            (now, _hash(token)))
            return row

    def create_session(self, channel: str, user_id: str, username: str | None, ttl: float,
                       now: float | None = None) -> tuple[str, str]:
        """(session id for the cookie, CSRF token for the forms)."""
        now = now or time.time()
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        self._exec("INSERT INTO web_sessions (id_hash, channel, user_id, username, csrf, "
                   "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (_hash(sid), channel, str(user_id), username, csrf, now, now + ttl))
        return sid, csrf

    def session(self, sid: str, now: float | None = None) -> dict[str, Any] | None:
        return self._one("SELECT channel, user_id, username, csrf, expires_at FROM web_sessions "
                         "WHERE id_hash = ? AND expires_at > ?", (_hash(sid), now or time.time()))

    def end_session(self, sid: str) -> None:
        self._exec("DELETE FROM web_sessions WHERE id_hash = ?", (_hash(sid),))

    def end_sessions_of(self, channel: str, user_id: str) -> int:
        with self.atomic():
            self.db.execute("DELETE FROM login_links WHERE channel = ? AND user_id = ?",
                            (channel, str(user_id)))
            return self.db.execute("DELETE FROM web_sessions WHERE channel = ? AND user_id = ?",
                                   (channel, str(user_id))).rowcount

    def add_faq_draft(self, author: str, entry_id: str, payload: dict[str, Any],
                      ids: list[int], now: float | None = None) -> int:
        with self.lock:
            cur = self.db.execute(
                "INSERT INTO faq_drafts (at, author, entry_id, payload, ids, status) VALUES "
                "(?, ?, ?, ?, ?, 'pending')", (now or time.time(), author, entry_id,
                                               json.dumps(payload, ensure_ascii=False),
                                               ",".join(map(str, ids))))
            return int(cur.lastrowid)

    def faq_drafts(self, status: str = "pending") -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM faq_drafts WHERE status = ? ORDER BY id", (status,))
        return [{**r, "payload": json.loads(r["payload"])} for r in rows]

    def faq_draft(self, draft_id: int) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM faq_drafts WHERE id = ?", (draft_id,)) \
            if 0 < draft_id < 2 ** 62 else None
        return {**row, "payload": json.loads(row["payload"])} if row else None

    def decide_faq_draft(self, draft_id: int, status: str, by: str) -> bool:
        """Approve or reject a pending draft, once (False if decided already)."""
        return self._exec("UPDATE faq_drafts SET status = ?, decided_by = ?, decided_at = ? "
                          "WHERE id = ? AND status = 'pending'",
                          (status, by, time.time(), draft_id)) == 1

    def log_web_action(self, actor: str, what: str, detail: str = "",
                       now: float | None = None) -> None:
        self._exec("INSERT INTO web_actions (at, actor, what, detail) VALUES (?, ?, ?, ?)",
                   (now or time.time(), actor, what, redact(detail)[:500]))

    def web_actions(self, limit: int = 50) -> list[dict[str, Any]]:
        return self._rows("SELECT at, actor, what, detail FROM web_actions ORDER BY id DESC "
                          "LIMIT ?", (limit,))

    def prune_console(self, now: float, decision_days: float) -> None:
        with self.atomic():
            self.db.execute("DELETE FROM decisions WHERE at < ?", (now - decision_days * DAY,))
            self.db.execute("DELETE FROM decision_days WHERE day < ?", (int(now // DAY) - 400,))
            self.db.execute("DELETE FROM login_links WHERE expires_at < ?", (now - DAY,))
            self.db.execute("DELETE FROM web_sessions WHERE expires_at < ?", (now,))

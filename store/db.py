"""The store: one SQLite file in WAL mode, written only through the intent-named methods here.

Nothing secret or personal is stored in clear: callers pass text through `redact` first, and
the methods that take free text redact it again, so a mistake upstream cannot leak into a row.
The personal data staff need is kept only sealed with the operator's key (`store.sealing`).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from typing import Any

from handlers.detectors.redaction import redact

from .console import ConsoleStore
from .learning import ANSWERS_KEPT_DAYS, LearningStore
from .sealing import KEY_ENV, PREFIX
from .tickets import TicketStore

log = logging.getLogger("bot.store")


class Store(LearningStore, TicketStore, ConsoleStore):
    """Everything the bot persists, through intent-named methods."""

    # --- processed updates and polling cursors --------------------------------------------

    def mark_processed(self, channel: str, key: str, now: float | None = None) -> bool:
        """Record that an update was handled; False if it already was (never answer twice)."""
        cursor = self._exec("INSERT OR IGNORE INTO processed (channel, key, at) VALUES (?, ?, ?)",
                            (channel, str(key), now or time.time()))
        return cursor == 1

    def was_processed(self, channel: str, key: str) -> bool:
        return self._one("SELECT 1 AS x FROM processed WHERE channel = ? AND key = ?",
                         (channel, str(key))) is not None

    def get_cursor(self, name: str) -> str | None:
        row = self._one("SELECT value FROM cursors WHERE name = ?", (name,))
        return row["value"] if row else None

    def set_cursor(self, name: str, value: str) -> None:
        self._exec("INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?) "
                   "ON CONFLICT(name) DO UPDATE SET value = excluded.value, "
                   "updated_at = excluded.updated_at", (name, str(value), time.time()))

    # --- cooldowns, reminders and reply budgets -------------------------------------------

    def cooldown(self, key: str, now: float | None = None) -> dict[str, Any] | None:
        """The live cooldown row for `key` ({"until", "value"}), or None once it expired."""
        return self._one("SELECT until, value FROM cooldowns WHERE key = ? AND until > ?",
                         (key, now or time.time()))

    def set_cooldown(self, key: str, until: float, value: str = "") -> None:
        self._exec("INSERT INTO cooldowns (key, until, value) VALUES (?, ?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET until = excluded.until, value = excluded.value",
                   (key, until, value))

    def record_reply(self, channel: str, chat_id: str, now: float | None = None) -> None:
        self._exec("INSERT INTO replies (channel, chat_id, at) VALUES (?, ?, ?)",
                   (channel, str(chat_id), now or time.time()))

    def reserve_slot(self, channel: str, chat_id: str, now: float, per_minute: int,
                     max_wait: float | None = None) -> float | None:
        """When the next post in this chat may go out within its budget (`per_minute` posts in
        any 60 s), booked at once: now, or when the oldest of the last `per_minute` posts
        (those already booked for later included) leaves the window. None, booking nothing,
        when that is more than `max_wait` seconds away."""
        with self.lock:
            rows = self._rows("SELECT at FROM replies WHERE channel = ? AND chat_id = ? AND at > ? "
                              "ORDER BY at DESC LIMIT ?", (channel, str(chat_id), now - 60, per_minute))
            at = now if len(rows) < per_minute else max(now, rows[-1]["at"] + 60.0)
            if max_wait is not None and at - now > max_wait:
                return None
            self.record_reply(channel, chat_id, at)
            return at

    def warned_since(self, channel: str, chat_id: str, since: float) -> bool:
        """Was a scam warning posted (or booked) in this chat since then?"""
        return self._one("SELECT 1 AS x FROM outbox WHERE channel = ? AND created_at >= ? AND "
                         "json_extract(payload, '$.type') = 'post' AND "
                         "json_extract(payload, '$.chat_id') = ? AND "
                         "json_extract(payload, '$.merge') = 'scam-warning' LIMIT 1",
                         (channel, since, str(chat_id))) is not None

    def prune(self, now: float | None = None, personal_days: float = 30.0,
              decision_days: float = 30.0) -> None:
        """Forget what no rule needs any more (expired cooldowns, old reply counts), the
        sealed personal data of tickets closed more than `personal_days` ago, and decisions
        older than `decision_days`."""
        now = now or time.time()
        self.purge_personal(now - personal_days * 86400)
        self.prune_console(now, decision_days)
        with self.atomic():
            self.db.execute("DELETE FROM cooldowns WHERE until < ?", (now,))
            self.db.execute("DELETE FROM replies WHERE at < ?", (now - 3600,))   # booked ones are later
            self.db.execute("DELETE FROM handoffs WHERE expires_at < ?", (now - 86400,))
            self.db.execute("DELETE FROM processed WHERE at < ?", (now - 30 * 86400,))
            self.db.execute("DELETE FROM seen_messages WHERE at < ?", (now - 7 * 86400,))
            # Which question an answer was for: /wrong is said within days, not months.
            self.db.execute("DELETE FROM bot_answers WHERE at < ?", (now - ANSWERS_KEPT_DAYS * 86400,))
            # Sent actions hold the bot's own texts (staff posts quote members, redacted): a
            # month is enough to answer "what did the bot say?"; pending ones are kept.
            self.db.execute("DELETE FROM outbox WHERE status NOT IN ('pending', 'sending') AND "
                            "created_at < ?", (now - min(30.0, personal_days) * 86400,))

    # --- DM hand-off tokens -----------------------------------------------------------------

    def create_handoff(self, channel: str, chat_id: str, message_id: str, user_id: str,
                       topic: str, summary: str, ttl: float, context: str = "",
                       now: float | None = None) -> str:
        """A random single-use token (URL-safe, 32 chars) for the deep link. `context` is what
        the bot says first in the private chat: bot-written, never the member's own words."""
        now = now or time.time()
        token = secrets.token_urlsafe(24)
        self._exec("INSERT INTO handoffs (token, channel, chat_id, message_id, user_id, topic, "
                   "summary, context, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (token, channel, str(chat_id), str(message_id), str(user_id), topic,
                    redact(summary), context, now, now + ttl))
        return token

    def claim_handoff(self, token: str, user_id: str, now: float | None = None
                      ) -> tuple[str, dict[str, Any] | None]:
        """("ok", row) once for the right user; ("used"|"expired"|"other_user"|"unknown", …)."""
        now = now or time.time()
        with self.atomic():
            row = self._one("SELECT * FROM handoffs WHERE token = ?", (token,))
            if row is None:
                return "unknown", None
            if row["user_id"] != str(user_id):
                return "other_user", None
            if row["used_at"] is not None:
                return "used", row
            if row["expires_at"] < now:
                return "expired", row
            self.db.execute("UPDATE handoffs SET used_at = ? WHERE token = ?", (now, token))
            return "ok", row

    def claimed_handoff(self, channel: str, user_id: str, since: float) -> dict[str, Any] | None:
        """The member's latest hand-off whose link they used since `since` and whose details
        have not yet gone to a ticket."""
        return self._one("SELECT * FROM handoffs WHERE channel = ? AND user_id = ? AND "
                         "used_at >= ? AND followed_at IS NULL ORDER BY used_at DESC LIMIT 1",
                         (channel, str(user_id), since))

    def handoff_followed(self, channel: str, user_id: str, now: float) -> None:
        """The member's details after their hand-off went to a ticket."""
        self._exec("UPDATE handoffs SET followed_at = ? WHERE channel = ? AND user_id = ? AND "
                   "used_at IS NOT NULL AND followed_at IS NULL", (now, channel, str(user_id)))

    # --- users the bot can write to ---------------------------------------------------------

    def note_user(self, channel: str, user_id: str, username: str | None, started: bool = False,
                  lang: str | None = None) -> None:
        """Remember a member (and whether they opened a private chat with the bot)."""
        self._exec(
            "INSERT INTO users (channel, user_id, username, started, lang, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(channel, user_id) DO UPDATE SET "
            "username = COALESCE(excluded.username, users.username), "
            "started = MAX(users.started, excluded.started), "
            "lang = COALESCE(excluded.lang, users.lang), updated_at = excluded.updated_at",
            (channel, str(user_id), username, int(started), lang, time.time()))

    def user(self, channel: str, user_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM users WHERE channel = ? AND user_id = ?",
                         (channel, str(user_id)))

    def user_by_username(self, channel: str, username: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM users WHERE channel = ? AND lower(username) = lower(?) "
                         "ORDER BY updated_at DESC", (channel, username.lstrip("@")))

    # --- outbox: what the bot still has to say or do ---------------------------------------

    def add_outbox(self, channel: str, payload: dict[str, Any], ref: str | None = None,
                   now: float | None = None) -> int:
        with self.lock:
            cur = self.db.execute(
                "INSERT INTO outbox (channel, payload, ref, status, created_at, attempts) "
                "VALUES (?, ?, ?, 'pending', ?, 0)",
                (channel, self._seal_payload(payload), ref, now or time.time()))
            return int(cur.lastrowid)

    def _seal_payload(self, payload: dict[str, Any]) -> str:
        """Staff posts quote members (with the key, their UIDs and order numbers): the whole
        outbox row is sealed when there is a data key."""
        raw = json.dumps(payload, ensure_ascii=False)
        return self.sealer.seal(raw) or raw

    def _opened(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows with their payload read; one sealed with a key this run lacks stays pending
        (it goes out once the key is back) and is left out here."""
        out = []
        for row in rows:
            raw = row["payload"]
            if raw.startswith(PREFIX):
                raw = self.sealer.open(raw)
                if raw is None:
                    log.warning("outbox item %s is sealed with a data key this run does not "
                                "have (%s): left pending", row["id"], KEY_ENV)
                    continue
            row["payload"] = json.loads(raw)
            out.append(row)
        return out

    def pending_outbox(self, channel: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM outbox WHERE status = 'pending'"
        params: tuple = ()
        if channel:
            sql += " AND channel = ?"
            params = (channel,)
        return self._opened(self._rows(sql + " ORDER BY id", params))

    def outbox_attempts(self, item_id: int) -> int:
        row = self._one("SELECT attempts FROM outbox WHERE id = ?", (item_id,))
        return int(row["attempts"]) if row else 0

    def begin_outbox(self, item_id: int) -> None:
        """Mark an action as being sent (committed before the platform call)."""
        self._exec("UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?",
                   (item_id,))

    def interrupted_outbox(self) -> list[dict[str, Any]]:
        """Actions a crash cut off mid-send: the platform may or may not have them."""
        return self._opened(self._rows("SELECT * FROM outbox WHERE status = 'sending' ORDER BY id"))

    def settle_interrupted(self, resend: list[int], drop: list[int]) -> None:
        with self.atomic():
            for item_id in resend:
                self.db.execute("UPDATE outbox SET status = 'pending' WHERE id = ?", (item_id,))
            for item_id in drop:
                self.db.execute("UPDATE outbox SET status = 'interrupted' WHERE id = ?", (item_id,))

    def finish_outbox(self, item_id: int, status: str = "done", error: str = "") -> None:
        self._exec("UPDATE outbox SET status = ?, last_error = ?, "
                   "done_at = ? WHERE id = ?", (status, redact(error)[:500], time.time(), item_id))

    def forget_outbox_text(self, item_id: int) -> None:
        """Blank the text of a sent (or refused) item that held a credential."""
        row = self._one("SELECT payload FROM outbox WHERE id = ?", (item_id,))
        if row is None:
            return
        opened = self._opened([{"id": item_id, "payload": row["payload"]}])
        if not opened:
            return
        payload = {**opened[0]["payload"], "text": "[sign-in link: not kept]"}
        self._exec("UPDATE outbox SET payload = ? WHERE id = ?",
                   (self._seal_payload(payload), item_id))

    def retry_outbox(self, item_id: int, error: str) -> None:
        self._exec("UPDATE outbox SET status = 'pending', last_error = ? WHERE id = ?",
                   (redact(error)[:500], item_id))

    # --- staff chat posts ↔ tickets (for replies to the bot's post) -----------------------

    def remember_staff_post(self, channel: str, chat_id: str, message_id: str, ref: str) -> None:
        self._exec("INSERT OR REPLACE INTO staff_posts (channel, chat_id, message_id, ref) "
                   "VALUES (?, ?, ?, ?)", (channel, str(chat_id), str(message_id), ref))

    def ticket_for_staff_post(self, channel: str, chat_id: str, message_id: str) -> str | None:
        row = self._one("SELECT ref FROM staff_posts WHERE channel = ? AND chat_id = ? AND "
                        "message_id = ?", (channel, str(chat_id), str(message_id)))
        return row["ref"] if row else None

    def remember_ticket_post(self, channel: str, chat_id: str, message_id: str, ref: str) -> None:
        self._exec("INSERT OR REPLACE INTO ticket_posts (channel, chat_id, message_id, ref) "
                   "VALUES (?, ?, ?, ?)", (channel, str(chat_id), str(message_id), ref))

    def ticket_for_member_post(self, channel: str, chat_id: str, message_id: str) -> str | None:
        row = self._one("SELECT ref FROM ticket_posts WHERE channel = ? AND chat_id = ? AND "
                        "message_id = ?", (channel, str(chat_id), str(message_id)))
        return row["ref"] if row else None

    # --- moderation strikes (graduated scam/impersonation policy) -------------------------

    def add_strike(self, channel: str, chat_id: str, user_id: str, check: str,
                   now: float | None = None) -> None:
        self._exec("INSERT INTO strikes (channel, chat_id, user_id, check_name, at) "
                   "VALUES (?, ?, ?, ?, ?)", (channel, str(chat_id), str(user_id), check,
                                              now or time.time()))

    def strikes_since(self, channel: str, chat_id: str, user_id: str, since: float) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM strikes WHERE channel = ? AND chat_id = ? "
                        "AND user_id = ? AND at >= ?", (channel, str(chat_id), str(user_id), since))
        return int(row["n"]) if row else 0

    # --- members' reports of a message --------------------------------------------------

    def add_report(self, channel: str, chat_id: str, message_id: str, reporter_id: str,
                   now: float | None = None) -> None:
        """One report per member and message (a second /report of the same member is not
        counted twice)."""
        self._exec("INSERT OR IGNORE INTO reports (channel, chat_id, message_id, reporter_id, at) "
                   "VALUES (?, ?, ?, ?, ?)", (channel, str(chat_id), str(message_id),
                                              str(reporter_id), now or time.time()))

    def reporters_since(self, channel: str, chat_id: str, message_id: str,
                        since: float) -> frozenset[str]:
        rows = self._rows("SELECT reporter_id FROM reports WHERE channel = ? AND chat_id = ? AND "
                         "message_id = ? AND at >= ?", (channel, str(chat_id), str(message_id),
                                                        since))
        return frozenset(r["reporter_id"] for r in rows)

    # --- authors of recent public messages (for /escalate with a message link) ------------

    def remember_message(self, channel: str, chat_id: str, message_id: str, user_id: str,
                         username: str | None, link: str | None, now: float | None = None) -> None:
        self._exec("INSERT OR REPLACE INTO seen_messages (channel, chat_id, message_id, user_id, "
                   "username, link, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (channel, str(chat_id), str(message_id), str(user_id), username, link,
                    now or time.time()))

    def seen_message(self, channel: str, chat_id: str, message_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM seen_messages WHERE channel = ? AND chat_id = ? AND "
                         "message_id = ?", (channel, str(chat_id), str(message_id)))

    def last_message_of(self, channel: str, chat_id: str, user_id: str) -> dict[str, Any] | None:
        """The member's latest public message the bot saw in this chat (within a week)."""
        return self._one("SELECT * FROM seen_messages WHERE channel = ? AND chat_id = ? AND "
                         "user_id = ? ORDER BY at DESC LIMIT 1", (channel, str(chat_id), str(user_id)))

    def message_by_link(self, link: str) -> dict[str, Any] | None:
        """The message a pasted link points to: exact link, or an X post by its status id
        (x.com and twitter.com links, any username), or a Telegram t.me/c/<chat>/<id> link."""
        link = link.strip().rstrip("/").split("?")[0]
        status = re.search(r"(?:x|twitter)\.com/[^/]+/status/(\d+)", link)
        if status:
            return self._one("SELECT * FROM seen_messages WHERE channel = 'twitter' AND "
                             "message_id = ? ORDER BY at DESC", (status.group(1),))
        private = re.search(r"t\.me/c/(\d+)/(?:\d+/)?(\d+)$", link)
        if private:   # t.me/c/<chat without -100>/<message>
            return self._one("SELECT * FROM seen_messages WHERE channel = 'telegram' AND "
                             "chat_id = ? AND message_id = ?", (f"-100{private.group(1)}",
                                                                 private.group(2)))
        return self._one("SELECT * FROM seen_messages WHERE link = ? OR link = ? ORDER BY at DESC",
                         (link, link.split("://", 1)[-1]))

    # --- counters for /stats -----------------------------------------------------------------

    def bump(self, name: str, by: int = 1) -> None:
        self._exec("INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) "
                   "DO UPDATE SET value = value + excluded.value", (name, by))

    def counters(self) -> dict[str, int]:
        return {r["name"]: int(r["value"]) for r in self._rows("SELECT name, value FROM counters")}

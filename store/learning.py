"""What moderators taught the bot, the moderation cases they can undo, and which FAQ answer
each of the bot's posts was. Every text here is a member's message, redacted before it is
written (and again here, so a mistake upstream cannot leak into a row)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from handlers.detectors.redaction import redact, redact_lesson

from .connection import Connection

EXAMPLE_KINDS = ("scam", "ham", "paraphrase", "negative")
ANSWERS_KEPT_DAYS = 14


@dataclass(frozen=True)
class Case:
    """One moderation the bot carried out on its own (a scam or a look-alike account): what
    it did, so staff can undo it or go further from the alert."""

    id: int
    channel: str
    chat_id: str
    message_id: str
    user_id: str
    username: str | None
    label: str
    check: str
    text: str
    done: tuple[str, ...]      # "delete", "hide", "restrict", "ban"
    at: float
    closed_at: float | None
    closed_by: str | None
    outcome: str | None
    example_id: int | None = None   # the lesson a moderator's /scam stored with it

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Case:
        return cls(int(row["id"]), row["channel"], row["chat_id"], row["message_id"],
                   row["user_id"], row["username"], row["label"], row["check_name"], row["text"],
                   tuple(d for d in (row["done"] or "").split(",") if d), float(row["at"]),
                   row["closed_at"], row["closed_by"], row["outcome"], row.get("example_id"))


def _normal(text: str) -> str:
    """Texts that differ only in case, spacing or end punctuation are one lesson."""
    return " ".join(text.casefold().split()).rstrip(" ?？!！.。")


class LearningStore(Connection):
    # --- learned examples ------------------------------------------------------------------

    def examples_stamp(self) -> tuple[int, int]:
        """(how many lessons, the newest id): changes whenever one is added or dropped."""
        row = self._one("SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top FROM learned_examples")
        return (int(row["n"]), int(row["top"])) if row else (0, 0)

    def add_example(self, kind: str, text: str, added_by: str, faq_id: str | None = None,
                    lang: str | None = None, channel: str | None = None,
                    chat_id: str | None = None, message_id: str | None = None,
                    now: float | None = None) -> tuple[int, list[int]]:
        """(the example's id, ids of lessons it replaced). The same lesson twice is stored
        once; a lesson contradicting an earlier one on the same text replaces it (the later
        decision stands)."""
        if kind not in EXAMPLE_KINDS:
            raise ValueError(f"unknown example kind {kind!r}")
        clean = redact_lesson(text)
        key = _normal(clean)
        rows = [r for r in self._rows("SELECT id, kind, faq_id, text FROM learned_examples")
                if _normal(r["text"]) == key]
        for r in rows:
            if r["kind"] == kind and (r["faq_id"] or "") == (faq_id or ""):
                return int(r["id"]), []
        # What the same text was taught before and this lesson contradicts: scam and not
        # scam; an entry's paraphrase and its negative; the same question given to another
        # entry (a question has one answer: the later lesson stands).
        replaced = [int(r["id"]) for r in rows if
                    {r["kind"], kind} == {"scam", "ham"} or
                    ({r["kind"], kind} == {"paraphrase", "negative"} and r["faq_id"] == faq_id) or
                    (r["kind"] == kind == "paraphrase" and r["faq_id"] != faq_id)]
        for old in replaced:
            self.drop_example(old)
        cur = self.db.execute(
            "INSERT INTO learned_examples (kind, faq_id, lang, text, channel, chat_id, message_id, "
            "added_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, faq_id, lang, clean, channel, chat_id, message_id, added_by,
             now or time.time()))
        return int(cur.lastrowid), replaced

    def examples(self, kind: str | None = None) -> list[dict[str, Any]]:
        if kind:
            return self._rows("SELECT * FROM learned_examples WHERE kind = ? ORDER BY id", (kind,))
        return self._rows("SELECT * FROM learned_examples ORDER BY id")

    def last_example_id(self) -> int:
        """The highest id ever handed out (dropped ones included)."""
        row = self._one("SELECT seq FROM sqlite_sequence WHERE name = 'learned_examples'")
        return int(row["seq"]) if row else 0

    def example(self, example_id: int) -> dict[str, Any] | None:
        return self._one("SELECT * FROM learned_examples WHERE id = ?", (int(example_id),))

    def drop_example(self, example_id: int) -> bool:
        return self._exec("DELETE FROM learned_examples WHERE id = ?", (int(example_id),)) > 0

    # --- moderation cases ------------------------------------------------------------------

    def open_case(self, channel: str, chat_id: str, message_id: str, user_id: str,
                  username: str | None, label: str, check: str, text: str,
                  done: tuple[str, ...], now: float | None = None,
                  example_id: int | None = None) -> int:
        cur = self.db.execute(
            "INSERT INTO cases (channel, chat_id, message_id, user_id, username, label, check_name, "
            "text, done, at, example_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (channel, str(chat_id), str(message_id), str(user_id), username, label, check,
             redact(text), ",".join(done), now or time.time(), example_id))
        return int(cur.lastrowid)

    def case(self, case_id: int) -> Case | None:
        row = self._one("SELECT * FROM cases WHERE id = ?", (int(case_id),))
        return Case.from_row(row) if row else None

    def case_for_message(self, channel: str, chat_id: str, message_id: str) -> Case | None:
        row = self._one("SELECT * FROM cases WHERE channel = ? AND chat_id = ? AND message_id = ? "
                        "ORDER BY id DESC", (channel, str(chat_id), str(message_id)))
        return Case.from_row(row) if row else None

    def close_case(self, case_id: int, outcome: str, by: str, now: float | None = None,
                   again: bool = False) -> bool:
        """False when the case was already decided (a second button press changes nothing).
        `again`: a ban is taken back (the only decision that may be)."""
        where = "outcome = 'banned'" if again else "closed_at IS NULL"
        return self._exec(f"UPDATE cases SET closed_at = ?, closed_by = ?, outcome = ? "   # noqa: S608
                          f"WHERE id = ? AND {where}",
                          (now or time.time(), by, outcome, int(case_id))) > 0

    def remember_case_post(self, channel: str, chat_id: str, message_id: str, case_id: int) -> None:
        self._exec("INSERT OR REPLACE INTO case_posts (channel, chat_id, message_id, case_id) "
                   "VALUES (?, ?, ?, ?)", (channel, str(chat_id), str(message_id), int(case_id)))

    def case_for_staff_post(self, channel: str, chat_id: str, message_id: str) -> Case | None:
        row = self._one("SELECT case_id FROM case_posts WHERE channel = ? AND chat_id = ? AND "
                        "message_id = ?", (channel, str(chat_id), str(message_id)))
        return self.case(row["case_id"]) if row else None

    def lift_strike(self, channel: str, chat_id: str, user_id: str, at: float) -> None:
        """The strike a case counted, taken back (the next offence is a first one again)."""
        self._exec("DELETE FROM strikes WHERE rowid IN (SELECT rowid FROM strikes WHERE "
                   "channel = ? AND chat_id = ? AND user_id = ? AND at <= ? ORDER BY at DESC "
                   "LIMIT 1)", (channel, str(chat_id), str(user_id), at))

    # --- which FAQ answer each of the bot's posts was ------------------------------------------

    def remember_answer(self, channel: str, chat_id: str, message_id: str, faq_id: str,
                        question: str, lang: str | None, now: float | None = None) -> None:
        self._exec("INSERT OR REPLACE INTO bot_answers (channel, chat_id, message_id, faq_id, "
                   "question, lang, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (channel, str(chat_id), str(message_id), faq_id, redact(question), lang,
                    now or time.time()))

    def answer_post(self, channel: str, chat_id: str, message_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM bot_answers WHERE channel = ? AND chat_id = ? AND "
                         "message_id = ?", (channel, str(chat_id), str(message_id)))

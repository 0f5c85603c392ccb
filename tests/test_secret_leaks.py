"""Issue 9: secrets must not reach the database, a log line or the staff chat — a Chinese phrase
written together, an English phrase sent in two halves, a secret in a moderator's /reply or
/close. Each scenario drives the real bot (python-telegram-bot against the fake Bot API, or the
console channel through `python bot.py run`) and then reads everything it left behind."""

from __future__ import annotations

import logging
import random
import re
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from mnemonic import Mnemonic

from .fake_telegram import FakeTelegram
from .telegram_harness import GROUP_ID, STAFF_ID, run, running_bot
from .test_tickets_console import REF, console

ALICE = FakeTelegram.user(101, "alice", "Alice")


def phrase(lang: str, entropy_bytes: int, seed: int) -> list[str]:
    return Mnemonic(lang).to_mnemonic(random.Random(seed).randbytes(entropy_bytes)).split()


def stored_texts(db: Path, only: tuple[str, ...] = ()) -> list[str]:
    """Every text value of every row of every table of the database (or of the tables `only`)."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if not only or r[0] in only]
        return [value for table in tables for row in conn.execute(f'SELECT * FROM "{table}"')
                for value in row if isinstance(value, str)]
    finally:
        conn.close()


def pieces(words: list[str], joiner: str) -> list[str]:
    """Every 3 consecutive words (characters, for Chinese) of a phrase."""
    return [joiner.join(words[i:i + 3]) for i in range(len(words) - 2)]


def leaked(words: list[str], texts: list[str]) -> list[str]:
    joiner = "" if len(words[0]) == 1 else " "
    flat = [re.sub(r"\s+", " ", t).lower() if joiner else re.sub(r"\s+", "", t) for t in texts]
    return [p for p in pieces(words, joiner) if any(p in t for t in flat)]


def staff_texts(fake: FakeTelegram) -> list[str]:
    return [s["text"] for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]


def outbox_checks(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT json_extract(payload, '$.check') FROM outbox")]
    finally:
        conn.close()


# --- a Chinese phrase written together, privately, on an open ticket --------------------------

@pytest.mark.parametrize("lang, seed", [("chinese_simplified", 11), ("chinese_traditional", 12)])
def test_chinese_phrase_written_together_reaches_no_table_log_or_staff_chat(tmp_path, caplog, lang,
                                                                               seed):
    words = phrase(lang, 16, seed)
    caplog.set_level(logging.INFO)

    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            dm = fake.private_chat(ALICE)
            fake.send_message(dm, ALICE, "/human")
            await fake.settle()
            assert bot.service.store.tickets_of("telegram", "101", open_only=True)
            fake.send_message(dm, ALICE, "".join(words))
            await fake.settle()
            return fake
    fake = run(scenario())
    assert leaked(words, stored_texts(tmp_path / "bot.db")) == []
    assert leaked(words, [r.getMessage() for r in caplog.records]) == []
    assert leaked(words, [fake.texts()]) == []                # nothing the bot sent, staff included
    assert any("[seed phrase]" in t for t in staff_texts(fake))  # staff hear that it came, not what
    assert "seed-phrase" in outbox_checks(tmp_path / "bot.db")  # the member was told: never send it


# --- an English phrase sent in two halves ------------------------------------------------------

def test_english_phrase_in_two_halves_in_a_group_is_deleted_whole(tmp_path, caplog):
    words = phrase("english", 16, 21)
    caplog.set_level(logging.INFO)

    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            first = fake.send_message(bot.group, ALICE, " ".join(words[:6]))
            await fake.settle()
            assert fake.sent("deleteMessage") == []           # half a phrase is not yet one
            second = fake.send_message(bot.group, ALICE, " ".join(words[6:]))
            await fake.settle()
            deleted = {d["message_id"] for d in fake.sent("deleteMessage")}
            assert deleted == {str(first["message_id"]), str(second["message_id"])}
            assert any(s["chat_id"] == str(GROUP_ID) for s in fake.sent("sendMessage"))   # a warning
            # What she writes next is not a leak, though the window still holds the halves.
            fake.send_message(bot.group, ALICE, "oops sorry, thanks for removing it")
            await fake.settle()
            assert len(fake.sent("deleteMessage")) == 2
            return fake
    fake = run(scenario())
    assert staff_texts(fake)                                   # staff were alerted
    assert leaked(words, stored_texts(tmp_path / "bot.db")) == []
    assert leaked(words, [r.getMessage() for r in caplog.records]) == []
    assert leaked(words, [fake.texts()]) == []


@pytest.mark.parametrize("how", ["labelled", "hex halves"])
def test_a_secret_in_labelled_pieces_with_chatter_between_is_deleted_piece_by_piece(tmp_path, caplog,
                                                                                    how):
    if how == "labelled":
        words = phrase("english", 16, 23)
        texts = [f"ok my words part 1: {' '.join(words[:6])}", "hold on, finding the paper",
                 f"part 2 is {' '.join(words[6:])}"]
    else:
        key = random.Random(5).randbytes(32).hex()
        words = [key[i:i + 8] for i in range(0, 64, 8)]
        texts = [f"key first half {key[:32]}", "wait", f"second half {key[32:]}"]
    caplog.set_level(logging.INFO)

    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            sent = []
            for text in texts:
                sent.append(fake.send_message(bot.group, ALICE, text))
                await fake.settle()
            deleted = {d["message_id"] for d in fake.sent("deleteMessage")}
            assert deleted == {str(sent[0]["message_id"]), str(sent[2]["message_id"])}
            return fake
    fake = run(scenario())
    assert staff_texts(fake)
    kept = stored_texts(tmp_path / "bot.db") + [r.getMessage() for r in caplog.records] + [fake.texts()]
    if how == "labelled":
        assert leaked(words, kept) == []
    else:
        assert not any(key[:32] in t or key[32:] in t for t in kept)


def test_english_phrase_in_two_halves_in_private_on_a_ticket_is_masked_everywhere(tmp_path, caplog):
    words = phrase("english", 16, 22)
    caplog.set_level(logging.INFO)

    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            dm = fake.private_chat(ALICE)
            fake.send_message(dm, ALICE, "/human")
            await fake.settle()
            fake.send_message(dm, ALICE, " ".join(words[:6]))
            await fake.settle()
            fake.send_message(dm, ALICE, " ".join(words[6:]))
            await fake.settle()
            # Still inside the window: even four list words in a row stay out of the record.
            fake.send_message(dm, ALICE, f"sorry, the last ones were {' '.join(words[8:])}")
            await fake.settle()
            return fake
    fake = run(scenario())
    assert len(staff_texts(fake)) >= 4                          # every message reached staff...
    assert leaked(words, staff_texts(fake)) == []               # ...none with the phrase
    assert leaked(words, stored_texts(tmp_path / "bot.db")) == []
    assert leaked(words, [r.getMessage() for r in caplog.records]) == []
    assert leaked(words, [fake.texts()]) == []
    assert "seed-phrase" in outbox_checks(tmp_path / "bot.db")


# --- secrets in what a moderator writes ------------------------------------------------------

WIF = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"


def bot_output(stdout: str) -> list[str]:
    """What the console bot printed, one entry per post (continuation lines joined); the lines
    echoing what was typed ("[private] @mod: /reply …") are left out."""
    posts: list[str] = []
    for line in stdout.splitlines():
        if line.startswith("["):
            posts.append("")          # typed input: ends the post before it
        elif line.startswith(("  bot", "  [staff")) or not posts:
            posts.append(line)
        else:
            posts[-1] += "\n" + line
    return [p for p in posts if p]


def test_secrets_in_a_moderators_reply_and_close_note_go_nowhere(config_file):
    path = config_file()
    words = phrase("english", 16, 31)
    ref = REF.search(console(path, ":dm", "human").stdout).group(0)
    out = console(
        path, ":mod", ":dm",
        f"/reply {ref} Your order 778812345 is refunded. Is this your phrase? {' '.join(words)}",
        f"/note {ref} she pasted her key {WIF} earlier",
        f"/close {ref} never share this key again: {WIF}",
    )
    said = bot_output(out.stdout)
    to_member = [s for s in said if s.startswith("  bot → private to @alice")]
    assert len(to_member) == 2 and "778812345" in to_member[0]   # data meant for her stays
    assert "never share this key again" not in to_member[1]      # a close note is internal
    assert any(f"{ref} closed: " in line for line in said)       # staff see it, redacted
    bot_said = said
    assert leaked(words, bot_said) == [] and not any(WIF[:12] in line for line in bot_said)
    stored = stored_texts(path.parent / "data" / "bot.db")
    assert leaked(words, stored) == [] and not any(WIF[:12] in t for t in stored)
    tickets = stored_texts(path.parent / "data" / "bot.db", ("tickets", "ticket_messages", "ticket_events"))
    assert any("is refunded" in t for t in tickets) and not any("778812345" in t for t in tickets)
    assert leaked(words, [out.stderr]) == [] and WIF[:12] not in out.stderr


GROUPED_KEY = "0x 3a4f60fc b59c4cf7 1d2e3f40 5a6b7c8d 9e0f1a2b 3c4d5e6f 7a8b9c0d 1e2f3a4b"


@pytest.mark.parametrize("disguise", ["full-width", "zero-width", "grouped hex key"])
def test_disguised_secrets_on_a_ticket_reach_no_table_output_or_log(config_file, disguise):
    """Found by an outside tester: full-width letters, zero-width marks inside words and a key
    written in groups were stored and relayed to staff as written."""
    path = config_file()
    words = phrase("english", 16, 47)
    if disguise == "full-width":
        text = "\u3000".join("".join(chr(ord(c) + 0xFEE0) for c in w) for w in words)
    elif disguise == "zero-width":
        text = " ".join(w[:2] + "\u200b" + w[2:] for w in words)
    else:
        text = f"is this my wallet key? {GROUPED_KEY}"
    console(path, ":dm", "human")
    out = console(path, ":dm", text)
    outputs = [*stored_texts(path.parent / "data" / "bot.db"), *bot_output(out.stdout), out.stderr]
    if disguise == "grouped hex key":
        assert not any("b59c4cf7 1d2e3f40" in t for t in outputs)
    else:
        # Read back as plain words: no 3 consecutive words of the phrase anywhere.
        plain = [unicodedata.normalize("NFKC", t.replace("\u200b", "")) for t in outputs]
        assert leaked(words, plain) == []


@pytest.mark.parametrize("how", ["two words at a time", "one word at a time", "password on its own"])
def test_a_secret_sent_piece_by_piece_on_a_ticket_is_not_stored_or_relayed(config_file, how):
    """Found by an outside tester: pieces too short to look like anything were stored and sent
    to staff one by one, so the transcript read back the whole secret."""
    path = config_file()
    words = phrase("english", 16, 53)
    if how == "password on its own":
        lines = ["my password is", "Vv1SYvZnkFRVw"]
    else:
        step = 2 if how.startswith("two") else 1
        lines = [" ".join(words[i:i + step]) for i in range(0, len(words), step)]
    console(path, ":dm", "human")
    out = console(path, ":dm", *lines)
    outputs = [*stored_texts(path.parent / "data" / "bot.db"), *bot_output(out.stdout), out.stderr]
    if how == "password on its own":
        assert not any("Vv1SYvZnkFRVw" in t for t in outputs)
    else:
        # At most the first piece (two words) may be kept: nothing to rebuild the phrase from.
        assert leaked(words, outputs) == []
        assert sum(" ".join(words[i:i + 2]) in " ".join(outputs) for i in range(2, 11)) == 0

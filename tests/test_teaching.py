"""Moderators teach the bot and decide its cases: /scam, /notscam, /faq ID, /wrong and the staff
alert's buttons, through the real python-telegram-bot against the fake Bot API (with the real
sentence encoder where a lesson must carry over to another member's wording)."""

from __future__ import annotations

import subprocess
import sys

import yaml

from .conftest import ROOT
from .fake_telegram import FakeTelegram
from .telegram_harness import ADMIN_ID, GROUP_ID, STAFF_ID, run, running_bot, start_bot

ADMIN = FakeTelegram.user(ADMIN_ID, "boss", "Boss")
SPAMMER = FakeTelegram.user(401, "alloc_andy", "Andy")
SPAMMER2 = FakeTelegram.user(402, "presale_pete", "Pete")
MEMBER = FakeTelegram.user(403, "curious_cat", "Cat")
MEMBER2 = FakeTelegram.user(404, "quiet_quinn", "Quinn")

# Written for these tests: a presale pitch no rule knows and the scam head lets through, a
# member's own rewording of it, and an obvious scam the rules catch.
PRESALE = "Whoever wants in on the presale before listing, the allocation link is in my bio, " \
          "spots close tonight"
PRESALE_AGAIN = "anyone wanting presale allocation before the listing, link in my bio, closing tonight"
OBVIOUS = "Support here: send 0.5 ETH to 0x4b2f9c8e1d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c and we " \
          "double it back within the hour, limited time giveaway"


def deleted(fake) -> set[int]:
    return {int(c["message_id"]) for c in fake.sent("deleteMessage")}


def staff_posts(fake) -> list[dict]:
    return [m for m in fake.posted if str(m["chat"]["id"]) == str(STAFF_ID)]


def answers_to(fake, msg: dict) -> list[dict]:
    return [s for s in fake.sent("sendMessage")
            if (s.get("reply_parameters") or {}).get("message_id") == msg["message_id"]]


def test_scam_from_a_moderator_removes_the_message_and_catches_a_rewording(tmp_path):
    async def scenario():
        async with running_bot(tmp_path, encoder=True) as (fake, bot):
            fake.started_users.add(ADMIN_ID)
            pitch = fake.send_message(bot.group, SPAMMER, PRESALE)
            await fake.settle()
            assert pitch["message_id"] not in deleted(fake)        # the bot let it through

            fake.send_message(bot.group, MEMBER, "/scam", reply_to=pitch)   # not a moderator
            await fake.settle()
            assert pitch["message_id"] not in deleted(fake)
            assert "only moderators" in fake.texts()
            assert bot.service.store.examples() == []

            fake.send_message(bot.group, ADMIN, "/spam", reply_to=pitch)
            await fake.settle()
            assert pitch["message_id"] in deleted(fake)
            told = [s for s in fake.sent("sendMessage") if s["chat_id"] == str(ADMIN_ID)]
            assert told and "Marked as scam (deleted)" in told[-1]["text"]
            alert = staff_posts(fake)[-1]
            assert "@boss marked @alloc_andy's message" in alert["text"]
            assert "presale" in alert["text"]                       # staff can review it
            assert [b["text"] for b in alert["reply_markup"]["inline_keyboard"][0]] == \
                ["↩️ Undo", "⛔ Ban", "✅ Not scam"]
            assert [e["kind"] for e in bot.service.store.examples()] == ["scam"]

            again = fake.send_message(bot.group, SPAMMER2, PRESALE_AGAIN)
            await fake.settle()
            assert again["message_id"] in deleted(fake)             # caught by itself
            assert "marked as scam by @boss" in staff_posts(fake)[-1]["text"]
            question = fake.send_message(bot.group, MEMBER, "is there a presale for the new "
                                                            "token or is that fake?")
            await fake.settle()
            assert question["message_id"] not in deleted(fake)
    run(scenario())


def test_not_scam_on_the_alert_lifts_the_mute_and_the_same_text_passes_next_time(tmp_path):
    async def scenario():
        async with running_bot(tmp_path, encoder=True,
                               safety={"scam_steps": ["mute"], "mute_minutes": 60}) as (fake, bot):
            fake.started_users.add(ADMIN_ID)
            post = fake.send_message(bot.group, SPAMMER, OBVIOUS)
            await fake.settle()
            assert post["message_id"] in deleted(fake)
            mute = fake.sent("restrictChatMember")
            assert len(mute) == 1 and mute[0]["permissions"]["can_send_messages"] is False
            alert = staff_posts(fake)[-1]
            assert "Case #1" in alert["text"]

            staff_chat = fake.chats[str(STAFF_ID)]
            fake.send_message(staff_chat, ADMIN, "/notscam", reply_to=alert)
            await fake.settle()
            lifted = fake.sent("restrictChatMember")[-1]
            assert lifted["user_id"] in (401, "401")
            assert lifted["permissions"]["can_send_messages"] is True
            texts = [m["text"] for m in staff_posts(fake)]
            assert any("Not a scam: mute lifted" in t for t in texts)
            assert any("Case #1" in t and "not a scam" in t and "@boss" in t for t in texts)

            fake.send_message(staff_chat, ADMIN, "/notscam #1")      # decided already
            await fake.settle()
            assert len(fake.sent("restrictChatMember")) == 2
            assert "already decided" in staff_posts(fake)[-1]["text"]

            repost = fake.send_message(bot.group, SPAMMER, OBVIOUS)
            await fake.settle()
            assert repost["message_id"] not in deleted(fake)        # a moderator cleared it
    run(scenario())


def test_buttons_on_the_staff_alert_ban_once_and_only_from_the_staff_chat(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(bot.group, SPAMMER, OBVIOUS)
            await fake.settle()
            alert = staff_posts(fake)[-1]
            buttons = {b["text"]: b["callback_data"]
                       for b in alert["reply_markup"]["inline_keyboard"][0]}
            # A copy of the alert shown elsewhere (forwarded into the group) does nothing.
            fake.press(alert, buttons["⛔ Ban"], MEMBER, chat=bot.group)
            await fake.settle()
            assert not fake.sent("banChatMember")

            fake.press(alert, buttons["⛔ Ban"], ADMIN)
            await fake.settle()
            bans = fake.sent("banChatMember")
            assert len(bans) == 1 and int(bans[0]["user_id"]) == 401
            assert int(bans[0]["chat_id"]) == GROUP_ID
            assert fake.sent("editMessageReplyMarkup")              # the buttons went away
            assert any("banned, by @boss" in m["text"] for m in staff_posts(fake))

            fake.press(alert, buttons["⛔ Ban"], ADMIN)             # a stale button, pressed late
            await fake.settle()
            assert len(fake.sent("banChatMember")) == 1
            assert "already decided: banned" in staff_posts(fake)[-1]["text"]

            # A ban by mistake is taken back (the Ban button sits next to Undo).
            fake.send_message(fake.chats[str(STAFF_ID)], ADMIN, "/undo #1")
            await fake.settle()
            unbans = fake.sent("unbanChatMember")
            assert len(unbans) == 1 and int(unbans[0]["user_id"]) == 401
            assert any("undone: ban lifted" in m["text"] for m in staff_posts(fake))
    run(scenario())


def test_faq_from_a_moderator_answers_and_the_next_wording_is_answered_even_after_restart(tmp_path):
    async def scenario():
        fake = await FakeTelegram().start()
        bot = await start_bot(fake, tmp_path / "bot.db", encoder=True)
        try:
            fake.started_users.add(ADMIN_ID)
            asked = fake.send_message(bot.group, MEMBER, "how much do you charge me to take coins out")
            await fake.settle()
            assert not answers_to(fake, asked)                      # not sure enough alone

            fake.send_message(bot.group, MEMBER2, "/faq withdrawal-fees", reply_to=asked)
            fake.send_message(bot.group, ADMIN, "/faq no-such-entry", reply_to=asked)
            await fake.settle()
            assert "There is no FAQ entry no-such-entry" in fake.texts()
            assert not answers_to(fake, asked)
            fake.send_message(bot.group, ADMIN, "/faq withdrawal-fees", reply_to=asked)
            await fake.settle()
            answer = answers_to(fake, asked)
            assert len(answer) == 1 and "fee" in answer[0]["text"].lower()
            assert [(e["kind"], e["faq_id"]) for e in bot.service.store.examples()] == \
                [("paraphrase", "withdrawal-fees")]
        finally:
            await bot.stop()
        bot = await start_bot(fake, tmp_path / "bot.db", encoder=True)   # lessons survive
        try:
            later = fake.send_message(bot.group, MEMBER2, "whats the charge for taking my coins out")
            await fake.settle()
            reply = answers_to(fake, later)
            assert len(reply) == 1 and reply[0]["text"] == answer[0]["text"]
        finally:
            await bot.stop()
            await fake.stop()
    run(scenario())


def test_wrong_on_the_bots_answer_removes_it_and_the_question_is_then_left_alone(tmp_path):
    async def scenario():
        async with running_bot(tmp_path, encoder=True) as (fake, bot):
            fake.started_users.add(ADMIN_ID)
            question = "sent my usdt on the wrong chain, can it be recovered?"
            asked = fake.send_message(bot.group, MEMBER, question)
            await fake.settle()
            reply = [m for m in fake.posted if m["text"] and str(m["chat"]["id"]) == str(GROUP_ID)]
            assert len(reply) == 1

            fake.send_message(bot.group, MEMBER, "/wrong", reply_to=reply[0])   # not a moderator
            await fake.settle()
            assert reply[0]["message_id"] not in deleted(fake)

            fake.send_message(bot.group, ADMIN, "/wrong", reply_to=reply[0])
            await fake.settle()
            assert reply[0]["message_id"] in deleted(fake)
            told = [s for s in fake.sent("sendMessage") if s["chat_id"] == str(ADMIN_ID)]
            assert "Removed that answer (deposit-wrong-network)" in told[-1]["text"]
            examples = bot.service.store.examples()
            assert [(e["kind"], e["faq_id"]) for e in examples] == [("negative", "deposit-wrong-network")]
            assert examples[0]["text"] == question

            again = fake.send_message(bot.group, MEMBER2, question)
            await fake.settle()
            # The entry is not given again (the member's own case still goes to a DM).
            wrong_answer = reply[0]["text"].split("\n")[0]
            assert all(wrong_answer not in a["text"] for a in answers_to(fake, again))
            assert asked["message_id"] not in deleted(fake)
    run(scenario())


def test_examples_can_be_listed_exported_and_dropped_from_the_command_line(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.started_users.add(ADMIN_ID)
            pitch = fake.send_message(bot.group, SPAMMER, PRESALE + " or write to andy.alloc@gmail.com")
            await fake.settle()
            fake.send_message(bot.group, ADMIN, "/scam", reply_to=pitch)
            await fake.settle()
    run(scenario())
    raw = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    raw.update(database=str(tmp_path / "bot.db"), faq_file=str(ROOT / "faq.yaml"))
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(raw), encoding="utf-8")

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "bot.py"), "examples", *args,
                               "--config", str(config)], capture_output=True, text=True, timeout=120)

    listed = cli("list")
    assert listed.returncode == 0, listed.stderr
    assert "scam" in listed.stdout and "@boss" in listed.stdout and "presale" in listed.stdout
    assert "andy.alloc" not in listed.stdout                        # stored redacted
    exported = cli("export")
    assert '"kind": "scam"' in exported.stdout
    assert cli("drop", "1").returncode == 0
    assert "presale" not in cli("list").stdout
    missing = cli("drop", "99")
    assert missing.returncode == 1 and "no example #99" in missing.stderr


def test_a_reload_reads_the_lessons_as_stored_and_keeps_what_was_taught_meanwhile():
    import numpy as np

    from handlers.learned import Example, LearnedMemory

    def vec(i: int) -> np.ndarray:
        v = np.zeros(4, dtype=np.float32)
        v[i] = 1.0
        return v

    running = LearnedMemory(model_id="m")
    for i, kind in enumerate(("scam", "ham", "scam")):
        running = running.with_example(Example(i + 1, kind, f"text {i}"), vec(i))
    # Read from the store while the files loaded: #2 was dropped from the command line, and
    # #3 was taught after the read.
    stored = LearnedMemory(model_id="m", read_up_to=2).with_example(Example(1, "scam", "text 0"),
                                                                    vec(0))
    merged = stored.with_newer(running)
    assert [e.id for e in merged.examples] == [1, 3]
    assert merged.nearest(vec(1), "ham") is None
    assert merged.nearest(vec(2), "scam").example.id == 3
    assert LearnedMemory(model_id="other").with_newer(running).examples == ()

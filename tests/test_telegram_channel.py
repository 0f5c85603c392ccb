"""Telegram scenarios through the real python-telegram-bot against a fake Bot API server.
Each test asserts the exact calls the platform saw."""

from __future__ import annotations

import asyncio

from mnemonic import Mnemonic

from .fake_telegram import FakeTelegram
from .telegram_harness import ADMIN_ID, GROUP_ID, STAFF_ID, run, running_bot, start_bot

ALICE = FakeTelegram.user(101, "alice", "Alice")
BOB = FakeTelegram.user(102, None, "Bob")
SCAMMER = FakeTelegram.user(666, "helpdesk_sam", "Sam")
ADMIN = FakeTelegram.user(ADMIN_ID, "boss", "Boss")


def test_faq_answer_in_a_group_in_english_and_chinese(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            q1 = fake.send_message(bot.group, ALICE, "how do I reset my 2FA? lost my phone")
            q2 = fake.send_message(bot.group, BOB, "提币一般多久到账？", thread_id=7)
            await fake.settle()
            sent = fake.sent("sendMessage")
            assert [s["chat_id"] for s in sent] == [str(GROUP_ID)] * 2
            # Two members' answers may reach Telegram in either order: each quotes its question.
            to = {s["reply_parameters"]["message_id"]: s for s in sent}
            assert set(to) == {q1["message_id"], q2["message_id"]}
            assert "help.aurora.example" in to[q1["message_id"]]["text"]
            assert to[q2["message_id"]]["message_thread_id"] == "7"     # forum topic kept
            assert any("\u4e00" <= ch <= "\u9fff" for ch in to[q2["message_id"]]["text"])
    run(scenario())


def test_sensitive_question_gets_a_deep_link_and_start_carries_the_context(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(bot.group, ALICE, "my withdrawal of 2 ETH is stuck for 3 days, UID "
                                                "39920017, why?")
            await fake.settle()
            (pointer,) = fake.sent("sendMessage")
            assert pointer["chat_id"] == str(GROUP_ID) and "39920017" not in pointer["text"]
            button = pointer["reply_markup"]["inline_keyboard"][0][0]
            assert button["url"].startswith("https://t.me/AuroraExBot?start=")
            token = button["url"].split("start=")[1]
            # Mallory cannot use Alice's link; Alice can, once.
            mallory = FakeTelegram.user(103, "mallory")
            fake.send_message(fake.private_chat(mallory), mallory, f"/start {token}")
            fake.send_message(fake.private_chat(ALICE), ALICE, f"/start {token}")
            fake.send_message(fake.private_chat(ALICE), ALICE, f"/start {token}")
            await fake.settle()
            to_mallory, first, second = fake.sent("sendMessage")[1:]
            assert to_mallory["chat_id"] == "103" and "couldn't match" in to_mallory["text"]
            assert first["chat_id"] == "101" and "You asked in the group" in first["text"]
            assert "already used" in second["text"]
    run(scenario())


def test_one_members_messages_are_answered_in_the_order_she_sent_them(tmp_path):
    """Updates run concurrently, but one member's messages in one chat are handled in order:
    a slow send for her first question must not let her second answer jump ahead of it."""
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(fake.private_chat(ALICE), ALICE, "/start")   # she can be DMed
            await fake.settle()
            fake.answer_slowly("sendMessage", 1.0)
            fake.send_message(bot.group, ALICE, "my withdrawal of 2 ETH is stuck for 3 days, "
                                                "UID 39920017, why?")
            fake.send_message(bot.group, ALICE, "how do I reset my 2FA? lost my phone")
            await fake.settle()
            pointer, dm, answer = fake.sent("sendMessage")[1:]
            assert pointer["chat_id"] == str(GROUP_ID) and "39920017" not in pointer["text"]
            assert dm["chat_id"] == "101"
            assert answer["chat_id"] == str(GROUP_ID) and "help.aurora.example" in answer["text"]
    run(scenario())


def test_leaked_seed_phrase_is_deleted_warned_without_the_phrase_and_dmd(tmp_path):
    phrase = Mnemonic("english").generate(128)

    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(fake.private_chat(ALICE), ALICE, "/start")   # she can be DMed
            await fake.settle()
            msg = fake.send_message(bot.group, ALICE, f"is this my seed? {phrase}")
            await fake.settle()
            assert fake.sent("deleteMessage") == [{"chat_id": str(GROUP_ID),
                                                   "message_id": str(msg["message_id"])}]
            sent = fake.sent("sendMessage")
            warning = next(s for s in sent if s["chat_id"] == str(GROUP_ID))
            dm = next(s for s in sent if s["chat_id"] == "101" and "compromised" in s["text"])
            staff = next(s for s in sent if s["chat_id"] == str(STAFF_ID))
            assert "removed a message" in warning["text"] and dm
            assert "recovery phrase" in staff["text"]
            words = phrase.split()
            assert not any(" ".join(words[i:i + 2]) in fake.texts() for i in range(len(words) - 1))
    run(scenario())


def test_scam_is_deleted_warned_and_reported_then_muted_then_banned(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            for i in range(3):
                fake.send_message(bot.group, SCAMMER, f"withdrawal problems? DM me, I'm support #{i}")
                await fake.settle()
            assert len(fake.sent("deleteMessage")) == 3
            assert len(fake.sent("restrictChatMember")) == 1
            assert fake.sent("banChatMember") == [{"chat_id": str(GROUP_ID), "user_id": "666"}]
            warnings = [s for s in fake.sent("sendMessage") if s["chat_id"] == str(GROUP_ID)]
            # One warning for the burst (SPEC §2: a burst merges into one post), every step taken.
            assert len(warnings) == 1 and "@AuroraEx" in warnings[0]["text"]
            staff = [s for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]
            assert len(staff) == 3 and "private chat" in staff[0]["text"]
    run(scenario())


def test_impersonator_joining_is_warned_or_muted_per_policy(tmp_path):
    fake_admin = FakeTelegram.user(555, "AuroraEx_Admln", "Aurora Admin")

    async def scenario():
        async with running_bot(tmp_path, safety={"impersonator_steps": ["mute"]}) as (fake, bot):
            fake.join(bot.group, fake_admin)
            fake.join(bot.group, FakeTelegram.user(556, "just_a_fan", "Crypto Fan"))
            await fake.settle()
            (muted,) = fake.sent("restrictChatMember")
            assert muted["user_id"] == "555" and muted["permissions"]["can_send_messages"] is False
            warning = next(s for s in fake.sent("sendMessage") if s["chat_id"] == str(GROUP_ID))
            assert "@AuroraEx_Admln is not part of the Aurora Exchange team" in warning["text"]
            assert any("resembles @AuroraEx_Admin" in s["text"] for s in fake.sent("sendMessage")
                       if s["chat_id"] == str(STAFF_ID))
    run(scenario())


def test_urgent_takeover_opens_a_ticket_and_alerts_staff_at_once(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(bot.group, ALICE, "SOMEONE JUST WITHDREW ALL MY USDT, I didn't do it!!")
            await fake.settle()
            (ticket,) = bot.service.store.list_tickets("urgent")
            sent = fake.sent("sendMessage")
            public = next(s for s in sent if s["chat_id"] == str(GROUP_ID))
            staff = next(s for s in sent if s["chat_id"] == str(STAFF_ID))
            assert ticket.ref in public["text"] and "change your password" in public["text"]
            assert staff["text"].startswith(f"🆘 {ticket.ref} [urgent]")
    run(scenario())


def test_escalate_by_admin_and_refusal_for_a_member_then_staff_reply_is_relayed(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            question = fake.send_message(bot.group, ALICE, "my deposit never arrived, it's been a week")
            await fake.settle()
            fake.send_message(bot.group, BOB, "/escalate", reply_to=question)
            await fake.settle()
            refusal = fake.sent("sendMessage")[-1]
            assert "only moderators" in refusal["text"] and not bot.service.store.list_tickets("all")
            fake.send_message(bot.group, ADMIN, "/escalate !high deposit missing", reply_to=question)
            await fake.settle()
            (ticket,) = bot.service.store.list_tickets("all")
            assert ticket.user_id == "101" and ticket.priority == "high"
            sent = fake.sent("sendMessage")
            notice = next(s for s in sent if s["chat_id"] == str(GROUP_ID) and ticket.ref in s["text"])
            assert notice["reply_parameters"]["message_id"] == question["message_id"]
            staff_post = next(s for s in sent if s["chat_id"] == str(STAFF_ID) and ticket.ref in s["text"])
            # A moderator replies to the bot's post in the staff chat: the member hears it.
            posted = bot.service.store._rows("SELECT message_id FROM staff_posts WHERE ref = ?",
                                             (ticket.ref,))
            bot_post = {"message_id": int(posted[0]["message_id"]), "date": 0,
                        "chat": fake.chats[str(STAFF_ID)],
                        "from": {"id": 7000000001, "is_bot": True, "first_name": "Bot",
                                 "username": "AuroraExBot"}, "text": staff_post["text"]}
            fake.send_message(fake.chats[str(STAFF_ID)], ADMIN, "Found it, credited now.",
                              reply_to=bot_post)
            await fake.settle()
            to_member = [s for s in fake.sent("sendMessage") if s["chat_id"] == "101"]
            assert any("Found it, credited now." in s["text"] and ticket.ref in s["text"]
                       for s in to_member)
            assert bot.service.store.ticket(ticket.ref).status == "pending"
    run(scenario())


def test_forbidden_dm_keeps_the_button_and_never_crashes(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            # Alice started the bot once (so a direct DM is tried), then blocked it.
            fake.send_message(fake.private_chat(ALICE), ALICE, "/start")
            await fake.settle()
            fake.blocked_users.add(101)
            fake.send_message(bot.group, ALICE, "my account is frozen, UID 39920017, please check")
            await fake.settle()
            group_msgs = [s for s in fake.sent("sendMessage") if s["chat_id"] == str(GROUP_ID)]
            assert group_msgs[-1]["reply_markup"]["inline_keyboard"][0][0]["url"]
            assert any(c.method == "sendMessage" and c.params["chat_id"] == "101" for c in fake.calls[2:])
            # The bot is still alive and answering.
            fake.send_message(bot.group, BOB, "how do I turn on 2FA?")
            await fake.settle()
            assert "2fa" in fake.sent("sendMessage")[-1]["text"].lower()
    run(scenario())


def test_retry_after_is_honoured(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
            fake.send_message(bot.group, ALICE, "how do I turn on 2FA?")
            await fake.settle(quiet=1.5)
            attempts = [c for c in fake.calls if c.method == "sendMessage"]
            assert len(attempts) == 2
            assert attempts[1].at - attempts[0].at >= 0.95
    run(scenario())


def test_restart_mid_stream_never_answers_twice(tmp_path):
    async def scenario():
        fake = await FakeTelegram().start()
        bot = await start_bot(fake, tmp_path / "bot.db")
        questions = ["how do I turn on 2FA?", "what are the withdrawal fees?", "how do I reset my password?"]
        for q in questions:
            fake.send_message(bot.group, ALICE, q)
        await fake.settle()
        answered = len(fake.sent("sendMessage"))
        assert answered == 3
        # Stop before the next poll confirms the offset: the server still holds the updates.
        fake.confirmed_offset = 0
        await bot.stop()
        bot = await start_bot(fake, tmp_path / "bot.db")
        try:
            await fake.settle(quiet=0.5)
            assert len(fake.sent("sendMessage")) == answered
            fake.send_message(bot.group, BOB, "what are the maker and taker fees?")
            await fake.settle()
            assert len(fake.sent("sendMessage")) == answered + 1
        finally:
            await bot.stop()
            await fake.stop()

    # Keep every update on the fake so a restart sees them again.
    original = FakeTelegram._m_getUpdates

    async def no_prune(self, params):
        params = dict(params)
        offset = int(params.pop("offset", 0) or 0)
        self.confirmed_offset = max(self.confirmed_offset, offset)
        return [u for u in await original(self, params) if u["update_id"] >= offset]
    FakeTelegram._m_getUpdates = no_prune
    try:
        run(scenario())
    finally:
        FakeTelegram._m_getUpdates = original


def test_forwarded_scam_dm_is_reported_to_moderators(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake_support = FakeTelegram.user(777, "Aurora_Support_Team", "Aurora Support")
            fake.send_message(fake.private_chat(ALICE), ALICE,
                              "Hello, I am Aurora support. DM me your seed phrase to fix your withdrawal",
                              forward_from=fake_support)
            await fake.settle()
            to_alice = [s["text"] for s in fake.sent("sendMessage") if s["chat_id"] == "101"]
            staff = [s["text"] for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]
            assert any("NOT one of our accounts" in t for t in to_alice)
            assert any("forwarded a private message from @Aurora_Support_Team" in t for t in staff)
    run(scenario())


def test_bots_are_ignored_and_edits_are_checked(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            other_bot = FakeTelegram.user(4242, "price_bot", "Price", is_bot=True)
            fake.send_message(bot.group, other_bot, "how do I turn on 2FA? DM me for support")
            msg = fake.send_message(bot.group, SCAMMER, "hello everyone")
            await fake.settle()
            assert fake.sent("sendMessage") == [] and fake.sent("deleteMessage") == []
            fake.edit_message(msg, "hello everyone, withdrawal issues? DM me, I'm from support")
            await fake.settle()
            assert fake.sent("deleteMessage") == [{"chat_id": str(GROUP_ID),
                                                   "message_id": str(msg["message_id"])}]
    run(scenario())


def test_missing_admin_rights_are_reported_instead_of_crashing(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.fail_next("deleteMessage", 400, "Bad Request: message can't be deleted")
            fake.send_message(bot.group, SCAMMER, "DM me for withdrawal support, I'm an admin")
            await fake.settle()
            staff = [s["text"] for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]
            assert any("could not delete" in t and "act by hand" in t for t in staff)
    run(scenario())


def test_one_instance_serves_several_groups(tmp_path):
    async def scenario():
        managed = {"managed_groups": [GROUP_ID, -1002000000000]}
        async with running_bot(tmp_path, telegram=managed) as (fake, bot):
            other = fake.group(-1002000000000, "Aurora 中文群", username="aurora_cn")
            fake.send_message(bot.group, ALICE, "how do I turn on 2FA?")
            fake.send_message(other, BOB, "怎么开启谷歌验证？")
            await fake.settle()
            chats = sorted(s["chat_id"] for s in fake.sent("sendMessage"))
            assert chats == sorted([str(GROUP_ID), "-1002000000000"])
    run(scenario())


def test_webhook_enforces_the_secret_token(tmp_path, monkeypatch):
    import socket

    import aiohttp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-token_1")

    async def scenario():
        fake = await FakeTelegram().start()
        bot = await start_bot(fake, tmp_path / "bot.db", telegram={"webhook": {
            "url": "https://bot.example/tg", "listen": "127.0.0.1", "port": port, "path": "tg"}})
        try:
            await fake.wait_for(lambda: fake.webhook is not None)
            assert fake.webhook["secret_token"] == "s3cret-token_1"
            update = {"update_id": 1, "message": fake.message(bot.group, ALICE, "how do I turn on 2FA?")}
            url = f"http://127.0.0.1:{port}/tg"
            async with aiohttp.ClientSession() as http:
                for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                    async with http.post(url, json=update, headers=headers) as resp:
                        assert resp.status == 403
                await asyncio.sleep(0.3)
                assert fake.sent("sendMessage") == []
                async with http.post(url, json=update,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_1"}) as resp:
                    assert resp.status == 200
            await fake.wait_for(lambda: fake.sent("sendMessage"))
        finally:
            await bot.stop()
            await fake.stop()
    run(scenario())


def test_python_bot_py_run_serves_telegram_and_restarts_without_double_replies(tmp_path):
    import os
    import signal
    import sys

    import yaml

    from .conftest import CONFIG, FAQ, ROOT

    async def scenario():
        fake = await FakeTelegram().start()
        group = fake.group(-1001234567890, admins=[ADMIN_ID])
        raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
        raw.update(database=str(tmp_path / "bot.db"), faq_file=str(FAQ),
                   telegram={"api_base_url": fake.base_url, "poll_timeout": 1,
                             "managed_groups": [-1001234567890]})
        config = tmp_path / "config.yaml"
        config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "X_"))}
        env["TELEGRAM_BOT_TOKEN"] = fake.token

        async def start():
            proc = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "bot.py"), "run", "--config", str(config), env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
            await fake.wait_for(lambda: sum(c.method == "getMe" for c in fake.calls) >= started + 1,
                                timeout=20)
            return proc

        started = 0
        proc = await start()
        try:
            fake.send_message(group, ALICE, "how do I turn on 2FA?")
            await fake.wait_for(lambda: len(fake.sent("sendMessage")) == 1, timeout=10)
            proc.send_signal(signal.SIGKILL)            # killed, not stopped
            await proc.wait()
            started = 1
            proc = await start()
            fake.send_message(group, BOB, "what are the withdrawal fees?")
            await fake.wait_for(lambda: len(fake.sent("sendMessage")) == 2, timeout=10)
            await asyncio.sleep(1.5)
            assert len(fake.sent("sendMessage")) == 2   # the first question was not answered again
            proc.send_signal(signal.SIGTERM)            # a clean stop on SIGTERM
            assert await asyncio.wait_for(proc.wait(), 15) == 0
            stderr = (await proc.stderr.read()).decode()
            assert "Traceback" not in stderr and fake.token not in stderr
        finally:
            if proc.returncode is None:
                proc.kill()
            await fake.stop()
    run(scenario())


async def ask_for_a_person(fake: FakeTelegram, user: dict, case: str) -> dict:
    """The member tells their case privately, then sends /human; returns the private chat."""
    dm = fake.private_chat(user)
    fake.send_message(dm, user, case)
    fake.send_message(dm, user, "/human")
    await fake.settle()
    return dm


def test_a_member_with_two_tickets_routes_by_reply_and_moves_a_message_with_a_button(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            dm = await ask_for_a_person(fake, ALICE, "my kyc was rejected twice")
            question = fake.send_message(bot.group, ALICE, "withdrawal of 2 ETH stuck since monday")
            await fake.settle()
            fake.send_message(bot.group, ADMIN, "/escalate !high withdrawal stuck", reply_to=question)
            await fake.settle()
            human, escalated = sorted(bot.service.store.list_tickets("all"),
                                      key=lambda t: t.created_at)
            opened = next(m for m in fake.posted if m["chat"]["id"] == ALICE["id"]
                          and human.ref in m["text"])
            # A reply to the bot's message about the older ticket goes to that ticket.
            fake.send_message(dm, ALICE, "resubmitted with a new selfie", reply_to=opened)
            await fake.settle()
            said = [m["text"] for m in bot.service.store.ticket_transcript(human.ref)]
            assert "resubmitted with a new selfie" in said
            assert not any("[" in str(m.get("reply_markup", "")) for m in fake.posted[-2:]
                           if m["chat"]["id"] == ALICE["id"])
            # No reply: it goes to the most recently active ticket, and a button offers the other.
            fake.send_message(dm, ALICE, "the photo of my passport had glare")
            await fake.settle()
            asked = next(m for m in reversed(fake.posted) if m["chat"]["id"] == ALICE["id"])
            (row,) = asked["reply_markup"]["inline_keyboard"]
            # (The reply made the older ticket the most recently active one.)
            assert f"Added to your ticket {human.ref}" in asked["text"]
            button = row[0]
            assert button["text"].startswith(escalated.ref)
            # Bob cannot use Alice's button (the message is only in her chat; a forged tap
            # from his own chat names a message that is not his).
            fake.press(asked, button["callback_data"], BOB, chat=fake.private_chat(BOB))
            await fake.settle()
            fake.press(asked, button["callback_data"], ALICE)
            await fake.settle()
            target = escalated.ref
            moved = [m["text"] for m in bot.service.store.ticket_transcript(target)]
            assert moved.count("the photo of my passport had glare") == 1
            assert any(f"Moved to your ticket {target}" in m["text"] for m in fake.posted
                       if m["chat"]["id"] == ALICE["id"])
            assert fake.sent("editMessageReplyMarkup")               # the button went away
    run(scenario())


def test_an_unanswered_ticket_is_reported_again_and_pages_on_call_without_new_messages(tmp_path):
    tickets = {"sla_minutes": {"urgent": 0.01, "high": 0.01, "normal": 0.01, "low": 0.01},
               "remind_every_minutes": 0.02, "on_call": ["boss", "night_owl"]}

    async def scenario():
        async with running_bot(tmp_path, tickets=tickets, maintenance_seconds=0.2) as (fake, bot):
            fake.send_message(fake.private_chat(ADMIN), ADMIN, "/start")   # boss can be DMed
            await ask_for_a_person(fake, ALICE, "my deposit from last week never arrived")
            (ticket,) = bot.service.store.list_tickets("all")
            # Nobody writes anything: the maintenance loop reminds, then pages.
            await fake.wait_for(lambda: sum(f"⏰ {ticket.ref}" in m["text"] for m in fake.posted) >= 2,
                                timeout=10)
            overdue = [m["text"] for m in fake.posted if f"⏰ {ticket.ref}" in m["text"]]
            assert "(reminder 1)" in overdue[0] and "Paging" not in overdue[0]
            assert "(reminder 2)" in overdue[1] and "Paging on-call: @boss @night_owl" in overdue[1]
            assert " 0 min" not in overdue[0]
            def pages() -> list[dict]:
                return [m for m in fake.posted if m["chat"]["id"] == ADMIN_ID and "🚨" in m["text"]]
            await fake.wait_for(pages)              # night_owl never started the bot: mention only
            assert ticket.ref in pages()[0]["text"]
            # Answered: the reminders stop.
            fake.send_message(fake.chats[str(STAFF_ID)], ADMIN, f"/reply {ticket.ref} Checking now.")
            await fake.settle()
            before = sum(f"⏰ {ticket.ref}" in m["text"] for m in fake.posted)
            await asyncio.sleep(2.0)
            assert sum(f"⏰ {ticket.ref}" in m["text"] for m in fake.posted) == before
    run(scenario())


def test_an_urgent_ticket_pages_on_call_at_once(tmp_path):
    async def scenario():
        async with running_bot(tmp_path, tickets={"on_call": ["boss"]}) as (fake, bot):
            fake.send_message(fake.private_chat(ADMIN), ADMIN, "/start")
            # A takeover the bot recognises, and an ordinary case a moderator marks urgent.
            fake.send_message(bot.group, ALICE, "someone is withdrawing from my account right now")
            question = fake.send_message(bot.group, BOB, "my deposit has not arrived for a week")
            await fake.settle()
            fake.send_message(bot.group, ADMIN, "/escalate !urgent big client", reply_to=question)
            await fake.settle()
            tickets = bot.service.store.list_tickets("all")
            assert len(tickets) == 2 and {t.priority for t in tickets} == {"urgent"}
            for ticket in tickets:
                staff = next(m["text"] for m in fake.posted if m["chat"]["id"] == STAFF_ID
                             and ticket.ref in m["text"] and "🆘" in m["text"])
                assert "Paging on-call: @boss" in staff
                await fake.wait_for(lambda t=ticket: any(
                    m["chat"]["id"] == ADMIN_ID and t.ref in m["text"] and "🚨" in m["text"]
                    for m in fake.posted))
    run(scenario())


def test_a_platform_down_at_start_is_tried_again_and_the_bot_then_runs(tmp_path, capsys):
    async def scenario():
        fake = await FakeTelegram().start()
        fake.fail_next("getMe", 502, "Bad Gateway")          # Telegram is having a moment
        bot = await start_bot(fake, tmp_path / "bot.db", start_attempts=3)
        try:
            await fake.wait_for(lambda: sum(c.method == "getMe" for c in fake.calls) >= 2,
                                timeout=15)
            await asyncio.sleep(0.5)
            dm = fake.private_chat(ALICE)
            fake.send_message(dm, ALICE, "how long do withdrawals take?")
            await fake.wait_for(lambda: any(m["chat"]["id"] == ALICE["id"] for m in fake.posted),
                                timeout=15)
        finally:
            await bot.stop()
            await fake.stop()
    run(scenario())
    said = capsys.readouterr().err
    assert "the telegram channel could not start (" in said and "attempt 2 of 3" in said


def test_a_screenshot_reaches_staff_and_a_moderators_file_reaches_the_member(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            dm = await ask_for_a_person(fake, ALICE, "my deposit from last week never arrived")
            (ticket,) = bot.service.store.list_tickets("all")
            # A screenshot with no words: the bot cannot read it, staff get it as it is.
            shot = fake.send_message(dm, ALICE, "", caption=True)
            await fake.settle()
            copies = [m for m in fake.posted if m.get("copied_from")]
            assert [(c["chat"]["id"], c["copied_from"]) for c in copies] == \
                [(STAFF_ID, [ALICE["id"], shot["message_id"]])]
            assert ticket.ref in copies[0]["caption"] and "@alice" in copies[0]["caption"]
            told = [m["text"] for m in fake.posted if m["chat"]["id"] == ALICE["id"]]
            assert any(f"your {ticket.ref} ticket has it" in t for t in told)
            said = [m["text"] for m in bot.service.store.ticket_transcript(ticket.ref)]
            assert "[photo]" in said
            # A moderator answers the copy with a file of their own: the member gets both.
            staff = fake.chats[str(STAFF_ID)]
            guide = fake.send_message(staff, ADMIN, "here is how to find the TxID", caption=True,
                                      reply_to=copies[0])
            await fake.settle()
            to_alice = [m for m in fake.posted if m["chat"]["id"] == ALICE["id"]]
            assert any(m.get("copied_from") == [STAFF_ID, guide["message_id"]] for m in to_alice)
            assert any("here is how to find the TxID" in m["text"] for m in to_alice)
    run(scenario())


def test_a_picture_without_a_ticket_gets_asked_for_words(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            dm = fake.private_chat(BOB)
            fake.send_message(dm, BOB, "", caption=True)
            await fake.settle()
            reply = [m["text"] for m in fake.posted if m["chat"]["id"] == BOB["id"]]
            assert any("can't look at pictures" in t for t in reply)
            assert not [m for m in fake.posted if m.get("copied_from")]
    run(scenario())

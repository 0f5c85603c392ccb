"""Delivery outcomes are facts (SPEC §2, §4): a member who never started the bot cannot be
messaged by it, as on real Telegram. The group then gets a button to open the private chat,
never a claim that a DM was sent, and staff see that the DM failed."""

from __future__ import annotations

from mnemonic import Mnemonic

from .fake_telegram import FakeTelegram
from .telegram_harness import ADMIN_ID, GROUP_ID, STAFF_ID, run, running_bot

ALICE = FakeTelegram.user(101, "alice", "Alice")
ADMIN = FakeTelegram.user(ADMIN_ID, "boss", "Boss")
FALSE_CLAIMS = ("check your private messages", "i've messaged you", "i've sent you",
                "查看我发给你的私信", "我已私信")


def _group_posts(fake) -> list[dict]:
    return [s for s in fake.sent("sendMessage") if s["chat_id"] == str(GROUP_ID)]


async def _assert_button_then_context(fake, expected_in_dm: str) -> None:
    posts = _group_posts(fake)
    assert not any(claim in p["text"].lower() for p in posts for claim in FALSE_CLAIMS)
    button_post = [p for p in posts if p.get("reply_markup")][-1]
    url = button_post["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url.startswith("https://t.me/AuroraExBot?start=")
    staff = [s["text"] for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]
    assert any("could not message @alice privately" in t for t in staff)
    # Alice taps the button: the private chat opens with what could not be delivered.
    fake.send_message(fake.private_chat(ALICE), ALICE, f"/start {url.split('start=')[1]}")
    await fake.settle()
    assert expected_in_dm in [s for s in fake.sent("sendMessage") if s["chat_id"] == "101"][-1]["text"]


def test_a_member_who_never_started_the_bot_leaks_a_phrase(tmp_path):
    phrase = Mnemonic("english").generate(128)

    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(bot.group, ALICE, f"is this my seed? {phrase}")
            await fake.settle()
            assert len(fake.sent("deleteMessage")) == 1
            await _assert_button_then_context(fake, "compromised")
            assert phrase.split()[0] + " " + phrase.split()[1] not in fake.texts()
    run(scenario())


def test_a_member_who_never_started_the_bot_is_escalated(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            asked = fake.send_message(bot.group, ALICE, "my deposit never arrived, it's been a week")
            await fake.settle()
            fake.send_message(bot.group, ADMIN, "/escalate", reply_to=asked)
            await fake.settle()
            (ticket,) = bot.service.store.list_tickets("all")
            await _assert_button_then_context(fake, ticket.ref)
    run(scenario())


def test_a_member_who_never_started_the_bot_reports_a_takeover(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(bot.group, ALICE, "SOMEONE JUST WITHDREW ALL MY USDT, I didn't do it!!")
            await fake.settle()
            (ticket,) = bot.service.store.list_tickets("urgent")
            staff = [s["text"] for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]
            assert staff[0].startswith(f"🆘 {ticket.ref}")     # the alert goes first
            await _assert_button_then_context(fake, ticket.ref)
    run(scenario())


def test_a_minute_long_staff_chat_outage_loses_no_staff_post(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.outage(STAFF_ID, 60)
            fake.send_message(bot.group, ALICE, "SOMEONE JUST WITHDREW ALL MY USDT, I didn't do it!!")
            await fake.settle()
            (ticket,) = bot.service.store.list_tickets("urgent")
            assert any(ticket.ref in p["text"] for p in _group_posts(fake))   # the member heard

            def delivered() -> list[str]:
                return [c.params["text"] for c in fake.calls if c.method == "sendMessage"
                        and c.params["chat_id"] == str(STAFF_ID)
                        and fake.outages[str(STAFF_ID)] <= c.at]

            await fake.wait_for(lambda: any(t.startswith(f"🆘 {ticket.ref}") for t in delivered()),
                                timeout=150)
            attempts = [c for c in fake.calls if c.method == "sendMessage"
                        and c.params["chat_id"] == str(STAFF_ID)]
            assert len(attempts) < 15      # backed off, not hammered every 2 s
    run(scenario())


QUESTIONS = ["how do I turn on 2FA?", "what are the withdrawal fees?", "how do I reset my password?",
             "提币一般多久到账？", "how long does KYC verification take?", "how do I create an API key?",
             "what is the minimum deposit?", "怎么开启谷歌验证？"]


def test_a_burst_of_questions_is_answered_in_full_at_the_budgets_pace(tmp_path):
    async def scenario():
        async with running_bot(tmp_path, answering={"replies_per_minute": 5}) as (fake, bot):
            asked = [fake.send_message(bot.group, FakeTelegram.user(200 + i, f"m{i}"), q)
                     for i, q in enumerate(QUESTIONS)]
            await fake.settle()
            answered_at = {}

            def answers() -> dict:
                for c in fake.calls:
                    to = (c.params.get("reply_parameters") or {}).get("message_id")
                    if c.method == "sendMessage" and to and c.params["chat_id"] == str(GROUP_ID):
                        answered_at.setdefault(to, c.at)
                return answered_at

            answered_now = [m for m in asked if m["message_id"] in answers()]
            assert 0 < len(answered_now) <= 5          # the budget, not more
            await fake.wait_for(lambda: len(answers()) == len(asked), timeout=90)
            times = sorted(answered_at.values())
            assert all(times[i + 5] - times[i] >= 59 for i in range(len(times) - 5))
    run(scenario())


def test_a_scam_raid_gets_one_warning_and_every_scam_removed(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            for i in range(8):
                fake.send_message(bot.group, FakeTelegram.user(600 + i, f"helpdesk_{i}"),
                                  f"withdrawal problems? DM me, I'm support #{i}")
            await fake.settle()
            assert len(fake.sent("deleteMessage")) == 8
            warnings = [p for p in _group_posts(fake) if "scam" in p["text"]]
            assert len(warnings) == 1
    run(scenario())


def test_a_busy_staff_chat_gets_the_urgent_post_first_and_the_rest_in_one_digest(tmp_path):
    def staff_calls(fake) -> list:
        return [c for c in fake.calls
                if c.method == "sendMessage" and c.params["chat_id"] == str(STAFF_ID)]

    async def scenario():
        async with running_bot(tmp_path, telegram={"staff_posts_per_minute": 3}) as (fake, bot):
            bot.app.dispatcher.window = 4.0    # Telegram's minute, shortened for the test
            for i in range(8):
                fake.send_message(bot.group, FakeTelegram.user(600 + i, f"helpdesk_{i}"),
                                  f"withdrawal problems? DM me, I'm support #{i}")
            await fake.settle()
            asked = fake.send_message(bot.group, FakeTelegram.user(640, "carol"),
                                      "my deposit never arrived, it's been a week")
            fake.send_message(bot.group, ADMIN, "/escalate", reply_to=asked)
            fake.send_message(bot.group, ALICE, "someone just withdrew all my USDT and I didn't "
                                                "do it!! help")

            def everything_told() -> bool:
                told = "\n".join(c.params["text"] for c in staff_calls(fake))
                return "🆘" in told and "@carol" in told and \
                    all(f"helpdesk_{i}" in told for i in range(8))

            await fake.wait_for(everything_told, timeout=40)
            calls = staff_calls(fake)
            times = [c.at for c in calls]
            # Never more than the chat's budget within its window (a little slack for clocks).
            assert all(times[i + 3] - times[i] >= 3.5 for i in range(len(times) - 3))
            texts = [c.params["text"] for c in calls]
            urgent = next(i for i, t in enumerate(texts) if "🆘" in t)
            digest = next(i for i, t in enumerate(texts) if t.startswith("📋"))
            assert urgent < digest     # the emergency did not wait behind routine alerts
            assert texts[digest].count("helpdesk_") >= 2
            assert len(calls) < 10     # folded, not one post per alert
            # A ticket keeps a post of its own: staff answer the member by replying to it.
            assert any(t.startswith("🎫") and "@carol" in t for t in texts)
            assert "@carol" not in texts[digest]
    run(scenario())


def test_a_scam_warning_takes_the_chats_next_free_place_before_waiting_answers(tmp_path):
    async def scenario():
        async with running_bot(tmp_path, answering={"replies_per_minute": 3}) as (fake, bot):
            bot.app.dispatcher.window = 4.0    # Telegram's minute, shortened for the test
            asked = [fake.send_message(bot.group, FakeTelegram.user(200 + i, f"m{i}"), q)
                     for i, q in enumerate(QUESTIONS[:6])]
            await fake.settle()
            fake.send_message(bot.group, FakeTelegram.user(650, "helpdesk_x"),
                              "withdrawal problems? DM me, I'm support")
            await fake.wait_for(lambda: any("scam" in p["text"] for p in _group_posts(fake)),
                                timeout=20)
            answered = {(p.get("reply_parameters") or {}).get("message_id")
                        for p in _group_posts(fake)}
            # Three answers went at once; the other three wait for their booked places, and
            # the warning did not queue behind them.
            assert len([m for m in asked if m["message_id"] in answered]) == 3
    run(scenario())

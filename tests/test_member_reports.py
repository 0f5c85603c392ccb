"""Members /report a message: through the real python-telegram-bot against the fake Bot API."""

from __future__ import annotations

from .fake_telegram import FakeTelegram
from .telegram_harness import ADMIN_ID, GROUP_ID, STAFF_ID, run, running_bot

AUTHOR = FakeTelegram.user(301, "loud_larry", "Larry")
ADMIN = FakeTelegram.user(ADMIN_ID, "boss", "Boss")
MEMBERS = [FakeTelegram.user(302 + i, f"member{i}", f"Member {i}") for i in range(3)]
# A message the detectors let through (nothing in it is a scam or a secret pattern).
POST = "everyone come to my channel for real alpha, trust me bro, better than this group"


def deleted(fake) -> set[int]:
    return {int(c["message_id"]) for c in fake.sent("deleteMessage")}


def test_reports_from_three_members_take_a_message_out_of_view_and_tell_staff(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            post = fake.send_message(bot.group, AUTHOR, POST)
            await fake.settle()
            fake.send_message(bot.group, MEMBERS[0], "/report", reply_to=post)
            fake.send_message(bot.group, MEMBERS[0], "/report", reply_to=post)   # counted once
            fake.send_message(bot.group, MEMBERS[1], "/report", reply_to=post)
            await fake.settle()
            assert post["message_id"] not in deleted(fake)
            staff = [s for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]
            assert len(staff) == 1 and "@member0 reported a message by @loud_larry" in staff[0]["text"]
            thanks = [s for s in fake.sent("sendMessage") if s["chat_id"] == str(GROUP_ID)]
            assert len(thanks) == 2        # member0's repeat is not thanked again
            assert all("moderators have been told" in s["text"] for s in thanks)

            fake.send_message(bot.group, MEMBERS[2], "/report", reply_to=post)
            await fake.settle()
            assert post["message_id"] in deleted(fake)
            staff = [s for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]
            assert "3 members reported @loud_larry's message" in staff[-1]["text"]
            assert POST[:30] in staff[-1]["text"]          # staff can review what was hidden
    run(scenario())


def test_report_without_a_reply_or_of_an_official_account_or_a_moderator_hides_nothing(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(bot.group, MEMBERS[0], "/report")
            official = FakeTelegram.user(7000000002, "AuroraEx_Admin", "Aurora Admin")
            notice = fake.send_message(bot.group, official, "Maintenance tonight 02:00-03:00 UTC")
            await fake.settle()
            admin_post = fake.send_message(bot.group, ADMIN, "Please keep this chat in English")
            await fake.settle()
            for member in MEMBERS:
                fake.send_message(bot.group, member, "/report", reply_to=notice)
                fake.send_message(bot.group, member, "/report", reply_to=admin_post)
            await fake.settle()
            texts = [s["text"] for s in fake.sent("sendMessage")]
            assert any("Usage: /report (as a reply to the message" in t for t in texts)
            # (The group's reply budget, 6 a minute, holds some of these answers back.)
            assert any("from one of our official accounts or moderators" in t for t in texts)
            assert not deleted(fake)
            assert not [s for s in fake.sent("sendMessage") if s["chat_id"] == str(STAFF_ID)]
    run(scenario())

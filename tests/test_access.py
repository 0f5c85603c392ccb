"""Who may command the bot (SPEC §2a), tried as an outsider would: through the real
python-telegram-bot against the fake Bot API, where anyone can add the bot to a group of
their own and admins are per chat."""

from __future__ import annotations

import logging

from mnemonic import Mnemonic

from .fake_telegram import FakeTelegram
from .telegram_harness import ADMIN_ID, GROUP_ID, STAFF_ID, run, running_bot

ALICE = FakeTelegram.user(101, "alice", "Alice")
MALLORY = FakeTelegram.user(777, "mallory", "Mallory")
ADMIN = FakeTelegram.user(ADMIN_ID, "boss", "Boss")
THEIR_GROUP = -1005550000001
SCAM_TEXT = "Our security team needs your 12 words, send them to t.me/aurora_recovery_desk"


async def _alice_has_a_ticket(fake, bot) -> str:
    fake.send_message(bot.group, ALICE, "SOMEONE JUST WITHDREW ALL MY USDT, I didn't do it!!")
    await fake.settle()
    (ticket,) = bot.service.store.list_tickets("all")
    return ticket.ref


def _texts_to(fake, chat_id) -> list[str]:
    return [s["text"] for s in fake.sent("sendMessage") if str(s["chat_id"]) == str(chat_id)]


def test_an_outsider_who_adds_the_bot_to_their_group_commands_nothing(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            ref = await _alice_has_a_ticket(fake, bot)
            before = bot.service.store.ticket(ref)
            theirs = fake.group(THEIR_GROUP, title="Aurora Support Desk", admins=[777])
            fake.add_bot(theirs, MALLORY)
            await fake.settle()
            bait = fake.send_message(theirs, ALICE, "hello")
            await fake.settle(quiet=0.5)
            for command in ("/tickets all", f"/reply {ref} {SCAM_TEXT}", f"/assign {ref} @mallory",
                            f"/note {ref} handled", f"/close {ref} done", f"/reopen {ref}", "/stats",
                            "/reload"):
                fake.send_message(theirs, MALLORY, command)
            fake.send_message(theirs, MALLORY, "/escalate !urgent", reply_to=bait)
            await fake.settle(quiet=0.5)
            dm = fake.private_chat(MALLORY)
            for command in ("/tickets all", f"/reply {ref} {SCAM_TEXT}", f"/close {ref}"):
                fake.send_message(dm, MALLORY, command)
            await fake.wait_for(lambda: len(_texts_to(fake, 777)) == 3)
            await fake.settle(quiet=0.5)

            # Nothing reached Alice, nothing about the ticket reached Mallory, nothing changed.
            assert not any("12 words" in t for t in _texts_to(fake, 101))
            assert not any(ref in t for t in _texts_to(fake, 777) + _texts_to(fake, THEIR_GROUP))
            after = bot.service.store.ticket(ref)
            assert (after.status, after.assignee) == (before.status, before.assignee)
            assert len(bot.service.store.list_tickets("all")) == 1
            # Her group is not the operator's: no admin lookups there, nothing said there.
            assert not [c for c in fake.sent("getChatAdministrators")
                        if str(c["chat_id"]) == str(THEIR_GROUP)]
            assert _texts_to(fake, THEIR_GROUP) == []
            # Staff hear once that the bot sits in a group nobody configured, and who added it.
            (told,) = [t for t in _texts_to(fake, STAFF_ID) if str(THEIR_GROUP) in t]
            assert "@mallory" in told and "managed_groups" in told
            # Her DM commands were refused like any member's.
            assert _texts_to(fake, 777) and all("only moderators" in t for t in _texts_to(fake, 777))
    run(scenario())


def test_the_bot_leaves_unmanaged_groups_when_told_to(tmp_path):
    async def scenario():
        async with running_bot(tmp_path, telegram={"leave_unmanaged_groups": True}) as (fake, bot):
            theirs = fake.group(THEIR_GROUP, admins=[777])
            fake.add_bot(theirs, MALLORY)
            # Added before this setting existed: its first message makes the bot leave too.
            older = fake.group(-1005550000002, admins=[777])
            fake.send_message(older, MALLORY, "/tickets all")
            await fake.settle(quiet=0.5)
            assert sorted(fake.left_chats) == sorted([str(THEIR_GROUP), "-1005550000002"])
            assert _texts_to(fake, THEIR_GROUP) == _texts_to(fake, -1005550000002) == []
            assert sum("leaving" in t for t in _texts_to(fake, STAFF_ID)) == 2
    run(scenario())


def test_safety_only_in_unmanaged_groups_when_the_operator_opts_in(tmp_path):
    phrase = Mnemonic("english").generate(128)

    async def scenario():
        async with running_bot(tmp_path, telegram={"unmanaged_groups": "safety"}) as (fake, bot):
            theirs = fake.group(THEIR_GROUP, admins=[777])
            leak = fake.send_message(theirs, ALICE, f"is this my seed? {phrase}")
            fake.send_message(theirs, ALICE, "how do I turn on 2FA?")
            fake.send_message(theirs, MALLORY, "/tickets all")
            await fake.settle(quiet=0.5)
            assert fake.sent("deleteMessage") == [{"chat_id": str(THEIR_GROUP),
                                                   "message_id": str(leak["message_id"])}]
            in_group = _texts_to(fake, THEIR_GROUP)
            # The warning, and (Alice never opened a chat with the bot) the button to do so.
            assert "removed a message" in in_group[0] and len(in_group) == 2
            assert not any("2fa" in t.lower() for t in in_group)
            assert not [t for t in _texts_to(fake, STAFF_ID) if "privately" in t]
            assert not fake.sent("restrictChatMember") and not fake.sent("banChatMember")
    run(scenario())


def test_an_admin_of_a_managed_group_is_a_moderator_even_while_the_cache_is_cold(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            # Telegram answers the admin lookup slowly; a member's message starts one first.
            fake.answer_slowly("getChatAdministrators", 0.6)
            question = fake.send_message(bot.group, ALICE, "my deposit never arrived, it's been a week")
            fake.send_message(bot.group, ADMIN, "/escalate deposit missing", reply_to=question)
            await fake.settle(quiet=1.5)
            (ticket,) = bot.service.store.list_tickets("all")
            assert ticket.user_id == "101"
            assert not any("only moderators" in t for t in _texts_to(fake, GROUP_ID))
    run(scenario())


def test_one_failed_admin_lookup_does_not_refuse_a_real_admin(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            # Right after start nothing is cached; Telegram fails the first lookup once.
            fake.fail_next("getChatAdministrators", 500, "Internal Server Error")
            fake.send_message(fake.private_chat(ADMIN), ADMIN, "/tickets")
            await fake.settle(quiet=1.0)
            (answer,) = _texts_to(fake, ADMIN_ID)
            assert "only moderators" not in answer
    run(scenario())


def test_ticket_commands_run_in_the_staff_chat_or_a_moderators_dm_only(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            ref = await _alice_has_a_ticket(fake, bot)
            fake.send_message(bot.group, ADMIN, "/tickets all")
            await fake.settle(quiet=0.6)
            in_group = _texts_to(fake, GROUP_ID)[-1]
            assert ref not in in_group and "staff chat" in in_group
            # The same admin in a private chat: an admin of a managed group is a moderator there.
            fake.send_message(fake.private_chat(ADMIN), ADMIN, "/tickets all")
            fake.send_message(fake.chats[str(STAFF_ID)], ADMIN, "/tickets all")
            await fake.settle(quiet=0.6)
            assert any(ref in t for t in _texts_to(fake, ADMIN_ID))
            assert ref in _texts_to(fake, STAFF_ID)[-1] and "tickets (1)" in _texts_to(fake, STAFF_ID)[-1]
    run(scenario())


def test_admin_lookup_that_fails_refuses_without_crashing_and_the_next_command_works(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            # The lookups for the member's message and for the command fail, retried once each.
            fake.fail_next("getChatAdministrators", 500, "Internal Server Error", times=4)
            question = fake.send_message(bot.group, ALICE, "my deposit never arrived, it's been a week")
            await fake.settle()
            fake.send_message(bot.group, ADMIN, "/escalate", reply_to=question)
            await fake.settle()
            assert not bot.service.store.list_tickets("all")     # could not be verified: refused
            fake.send_message(bot.group, ADMIN, "/escalate", reply_to=question)
            await fake.settle()
            assert len(bot.service.store.list_tickets("all")) == 1   # asked again, not cached empty
    run(scenario())


def test_a_reply_that_times_out_is_not_sent_twice(tmp_path, caplog):
    async def scenario():
        async with running_bot(tmp_path, telegram={"request_timeout_seconds": 0.5}) as (fake, bot):
            fake.answer_slowly("sendMessage", 1.5)   # Telegram sends it, but answers too late
            fake.send_message(bot.group, ALICE, "how do I turn on 2FA?")
            await fake.settle(quiet=4)
            assert len([s for s in fake.sent("sendMessage") if s["chat_id"] == str(GROUP_ID)]) == 1
    with caplog.at_level(logging.WARNING):
        run(scenario())
    assert "may have been delivered" in caplog.text


def test_a_ticket_announcement_that_times_out_is_sent_again_and_the_log_says_so(tmp_path, caplog):
    async def scenario():
        async with running_bot(tmp_path, telegram={"request_timeout_seconds": 0.5}) as (fake, bot):
            fake.answer_slowly("sendMessage", 1.5)
            fake.send_message(bot.group, ALICE, "SOMEONE JUST WITHDREW ALL MY USDT, I didn't do it!!")
            await fake.settle(quiet=5)
            (ticket,) = bot.service.store.list_tickets("all")
            public = [t for t in _texts_to(fake, GROUP_ID) if ticket.ref in t]
            assert len(public) == 2      # better twice than a lost reference
    with caplog.at_level(logging.WARNING):
        run(scenario())
    assert "may arrive twice" in caplog.text


CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                   "username": "GroupAnonymousBot"}


def test_a_scam_posted_as_a_channel_is_not_waved_through_as_a_bot(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            # Telegram puts a placeholder bot in `from` when someone posts as a channel.
            scam = fake.message(bot.group, CHANNEL_BOT, "withdrawal problems? DM me, I'm support")
            scam["sender_chat"] = {"id": -1007770000001, "type": "channel", "title": "Aurora Help",
                                   "username": "aurora_help_desk"}
            fake.push("message", scam)
            await fake.settle(quiet=0.5)
            assert fake.sent("deleteMessage") == [{"chat_id": str(GROUP_ID),
                                                   "message_id": str(scam["message_id"])}]
    run(scenario())


def test_an_anonymous_admin_of_a_managed_group_can_escalate(tmp_path):
    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            question = fake.send_message(bot.group, ALICE, "my deposit never arrived, it's been a week")
            await fake.settle()
            command = fake.message(bot.group, ANONYMOUS_ADMIN, "/escalate", reply_to=question)
            command["sender_chat"] = bot.group
            fake.push("message", command)
            await fake.settle(quiet=0.5)
            (ticket,) = bot.service.store.list_tickets("all")
            assert ticket.user_id == "101"
    run(scenario())


def test_admins_are_per_group_an_admin_elsewhere_is_a_member_here(tmp_path):
    other_id = -1002000000000
    carol = FakeTelegram.user(303, "carol", "Carol")

    async def scenario():
        async with running_bot(tmp_path, telegram={"managed_groups": [GROUP_ID, other_id]}) as (fake, bot):
            other = fake.group(other_id, "Aurora 中文群", admins=[303])
            question = fake.send_message(bot.group, ALICE, "my deposit never arrived, it's been a week")
            await fake.settle()
            # Carol runs the other group; in this one she is a member.
            fake.send_message(bot.group, carol, "/escalate", reply_to=question)
            await fake.settle(quiet=0.5)
            assert not bot.service.store.list_tickets("all")
            assert "only moderators" in _texts_to(fake, GROUP_ID)[-1]
            bob_q = fake.send_message(other, ALICE, "我的充值一周了还没到账")
            await fake.settle()
            fake.send_message(other, carol, "/escalate", reply_to=bob_q)
            await fake.settle(quiet=0.5)
            assert len(bot.service.store.list_tickets("all")) == 1
    run(scenario())


def test_a_staff_answer_that_times_out_is_not_sent_twice_and_staff_are_told(tmp_path):
    async def scenario():
        async with running_bot(tmp_path, telegram={"request_timeout_seconds": 0.5}) as (fake, bot):
            fake.send_message(fake.private_chat(ALICE), ALICE, "/human")
            await fake.settle()
            (ticket,) = bot.service.store.list_tickets("all")
            fake.answer_slowly("sendMessage", 1.5, times=2)   # the confirmation, then the answer
            fake.send_message(fake.chats[str(STAFF_ID)], ADMIN, f"/reply {ticket.ref} we fixed it")
            await fake.settle(quiet=4)
            answers = [t for t in _texts_to(fake, 101) if "we fixed it" in t]
            assert len(answers) == 1
            assert any("too late" in t and ticket.ref in t for t in _texts_to(fake, STAFF_ID))
    run(scenario())

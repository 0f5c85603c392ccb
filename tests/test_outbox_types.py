"""One typed path from decision to platform call: the outbox gives back what was stored, with
its type; a type nobody handles fails loudly instead of vanishing."""

from __future__ import annotations

import asyncio
import logging

import pytest

from channels.console import ConsoleChannel
from channels.telegram import TelegramChannel
from channels.twitter import TwitterChannel
from handlers.answering.faq import load_faq
from handlers.config import load_config
from handlers.context import Knowledge, NoHistory
from handlers.core import decide
from handlers.model import Message, User
from handlers.platforms import platform
from runtime.dispatch import Dispatcher
from runtime.outgoing import (
    BanMember,
    HandoffPost,
    Post,
    PrivateMessage,
    ReloadFiles,
    RemoveMessage,
    RestrictMember,
    StaffPost,
)
from runtime.ports import Channel, OutboxItem, handles
from runtime.service import SupportService
from store import Store

from .conftest import CONFIG, FAQ

SAMPLES = [
    Post(chat_id="-100", text="answer", reply_to="7", thread_id="3", user_id="42",
         faq_cooldown_key="faq:x", not_before=123.5, check="faq-match"),
    Post(chat_id="-100", text="careful", reply_to="7", quote=False, merge="scam-warning"),
    PrivateMessage(user_id="42", text="hi", chat_id="-100", reply_to="7", resend_on_timeout=False),
    HandoffPost(chat_id="-100", text="tap", private_text="ctx", reply_to="7", user_id="42",
                topic="kyc", token="tok", user_started=True, unreachable_of=9),
    RemoveMessage(chat_id="-100", message_id="7", user_id="42"),
    RestrictMember(chat_id="-100", user_id="42", seconds=600),
    BanMember(chat_id="-100", user_id="42"),
    StaffPost(text="🆘 SUP-1", topic="ticket", origin_channel="telegram", ref="SUP-1",
              priority="urgent"),
    ReloadFiles(lang="zh", confirm_channel="telegram",
                confirm=PrivateMessage(user_id="5", text="", chat_id="-100")),
]


@pytest.fixture
def service(tmp_path):
    kb = Knowledge.build(load_config(CONFIG), load_faq(FAQ))
    store = Store(tmp_path / "bot.db")
    yield SupportService(kb, store)
    store.close()


def test_every_outgoing_type_comes_back_from_the_outbox_as_it_went_in(service):
    for action in SAMPLES:
        service.store.add_outbox("telegram", action.to_row(), None, 1.0)
    back = [item.action for item, _row in service.pending()]
    assert back == SAMPLES


def test_a_row_of_unknown_type_is_failed_loudly_and_the_rest_still_run(service, caplog):
    service.store.add_outbox("telegram", {"type": "carrier-pigeon", "text": "?"}, None, 1.0)
    service.store.add_outbox("telegram", SAMPLES[0].to_row(), None, 1.0)
    with caplog.at_level(logging.ERROR):
        pending = service.pending()
    assert [item.action for item, _ in pending] == [SAMPLES[0]]
    assert "carrier-pigeon" in caplog.text
    assert service.store.pending_outbox() == [pending[0][1]]   # not retried for ever


class OnlyPosts(Channel):
    name = "telegram"

    def __init__(self) -> None:
        self.posted: list[str] = []

    @handles(Post)
    def post(self, action: Post, item: OutboxItem) -> None:
        self.posted.append(action.text)


def test_an_adapter_given_a_type_it_has_no_method_for_fails_the_item_loudly(service, caplog):
    adapter = OnlyPosts()
    dispatcher = Dispatcher(service, {"telegram": adapter})
    ban = OutboxItem(service.store.add_outbox("telegram", SAMPLES[6].to_row()), "telegram",
                     SAMPLES[6])
    post = OutboxItem(service.store.add_outbox("telegram", SAMPLES[4].to_row()), "telegram",
                      Post(chat_id="1", text="still sent", public=False))
    with caplog.at_level(logging.ERROR):
        asyncio.run(dispatcher.deliver([ban, post]))
    assert "cannot carry out 'ban'" in caplog.text
    assert adapter.posted == ["still sent"]
    assert service.store.pending_outbox() == []


def test_each_adapter_handles_what_its_platform_can_do():
    member_facing = {Post, PrivateMessage, HandoffPost, RemoveMessage}
    for adapter in (TelegramChannel, ConsoleChannel):
        assert all(adapter.supports(t) for t in member_facing | {RestrictMember, BanMember, StaffPost})
    assert all(TwitterChannel.supports(t) for t in member_facing)
    # X cannot mute or ban: the platform table keeps the core from asking.
    assert not platform("twitter").can_restrict and not TwitterChannel.supports(RestrictMember)


class Strikes(NoHistory):
    def __init__(self, earlier: int) -> None:
        self.earlier = earlier

    def strikes(self, message: Message) -> int:
        return self.earlier


def test_a_scammer_on_x_is_hidden_never_muted(service):
    scam = Message(channel="twitter", chat_id="c1", message_id="99",
                   user=User("7", "helpdesk_fix"), text="withdrawal problems? DM me, I'm support",
                   reply_to_bot=True)
    names = []
    for earlier in range(3):   # the strikes that would delete, mute, then ban on Telegram
        names += decide(scam, service.kb, Strikes(earlier)).action_names
    assert "hide" in names and not {"restrict", "ban", "delete"} & set(names)


def test_after_a_crash_mid_send_what_must_arrive_is_sent_again_and_answers_are_not(tmp_path):
    kb = Knowledge.build(load_config(CONFIG), load_faq(FAQ))
    store = Store(tmp_path / "bot.db")
    cut_off = {
        "answer": Post(chat_id="-100", text="an answer", reply_to="5"),
        "announce": PrivateMessage(user_id="42", text="ticket SUP-7K3QX9"),
        "button": HandoffPost(chat_id="-100", text="tap to continue privately", reply_to="6"),
        "removal": RemoveMessage(chat_id="-100", message_id="7"),
    }
    ids = {name: store.add_outbox("telegram", action.to_row(),
                                  ref="SUP-7K3QX9" if name == "announce" else None)
           for name, action in cut_off.items()}
    queued = store.add_outbox("telegram", Post(chat_id="-100", text="queued").to_row())
    for item_id in ids.values():
        store.begin_outbox(item_id)    # the process dies during these sends
    store.close()
    store = Store(tmp_path / "bot.db")
    SupportService(kb, store).recover_interrupted()
    pending = {row["id"] for row in store.pending_outbox()}
    assert pending == {ids["announce"], ids["button"], ids["removal"], queued}
    store.close()

"""Everyday messages that look like secrets or scams to a pattern, and must be left alone
(each found by an outside tester deleting innocent members' messages), next to the real
thing, which must still be caught."""

from __future__ import annotations

import pytest
from mnemonic import Mnemonic

from handlers.core import decide
from handlers.model import Message, User

MEMBER = User(id="42", username="member42", name="M")


def judge(kb, text: str):
    return decide(Message(channel="telegram", chat_id="-100", message_id="1", user=MEMBER,
                          text=text, public=True), kb)


@pytest.mark.parametrize("text", [
    "busy day again, market open early, coffee ready, good time to relax after work",
    "wait wait wait what happened, price fall again, seriously, this market is crazy",
    " ".join(["hello"] * 12),
    "what's a good password manager for a family?",
    "密码是多少位的？",
])
def test_chat_made_of_common_words_is_not_a_leaked_secret(kb, text):
    d = judge(kb, text)
    assert not d.secret and "delete" not in d.action_names


def test_a_real_phrase_is_still_caught_however_it_is_separated(kb):
    phrase = Mnemonic("english").generate(128).split()
    for text in (" ".join(phrase), ", ".join(phrase), "\n".join(phrase),
                 "my words: " + " ".join(phrase[:6]) + "  " + " ".join(phrase[6:])):
        assert judge(kb, text).secret


@pytest.mark.parametrize("text", ["get the installer aurora-setup-3.0.2.exe from the site",
                                  "where is aurora.apk for android", "opened aurora-trades.csv"])
def test_a_file_name_with_the_brand_in_it_is_not_a_scam_link(kb, text):
    assert not judge(kb, text).scam


def test_a_look_alike_site_is_still_a_scam_link(kb):
    assert judge(kb, "claim your bonus at aurora-bonus-claim.com now").scam


@pytest.mark.parametrize("text", [
    "刚才有人冒充客服私信我，要我的助记词，大家小心，官方不会主动私信",
    "群里有人说找黑客能把被骗的币追回来，这是真的吗？",
])
def test_a_chinese_warning_or_question_about_a_scam_is_not_a_scam(kb, text):
    assert not judge(kb, text).scam


def test_a_chinese_fake_support_offer_is_still_a_scam(kb):
    assert judge(kb, "提币有问题的私信我，我是极光官方客服，马上帮你处理").scam

"""FAQ matching a community can trust in public: answers the clear cases in the asker's
language, abstains when unsure or out of scope."""

from __future__ import annotations

import pytest

from handlers.answering.faq import parse_faq
from handlers.core import Knowledge, decide
from handlers.model import Message, User

from .conftest import CONFIG


def ask(kb, text: str, public: bool = True, channel: str = "telegram"):
    return decide(Message(channel=channel, chat_id="-100", message_id="1", user=User(id="7"),
                          text=text, public=public), kb)


@pytest.mark.parametrize("text, entry", [
    ("how do I reset 2FA? lost my phone", "reset-2fa"),
    ("how do i reset my 2fa, my fone got stolen", "reset-2fa"),                 # typo
    ("how long does a withdrawl take?", "withdrawal-time"),                     # typo
    ("why does it cost me like 5 usdt to send usdt out?", "withdrawal-fees"),   # paraphrase
    ("提币手续费怎么算？", "withdrawal-fees"),
    ("提现额度怎么提高？", "withdrawal-limits"),
    ("KYC 要准备哪些资料？proof of address 也要吗", "kyc-documents"),            # mixed language
    ("@AuroraEx @someone how do I turn on 2FA?", "enable-2fa"),                # X mention
    ("my limit order is not filled even though the price touched it, why?", "order-not-filled"),
    ("what's the difference between a market order and a limit order?", "order-types"),
])
def test_answers_clear_questions(kb, text, entry):
    assert ask(kb, text).faq == entry


@pytest.mark.parametrize("text", [
    "when will you list PEPE2 on Aurora?",                # listing: near deposit/trading topics
    "is Aurora licensed in France?",
    "what's the max leverage on eth perps?",
    "do you have a testnet for the api?",
    "can I buy crypto with a credit card on Aurora?",
    "gm fam", "btc to the moon 🚀", "thanks admin, sorted!",
    "what's the weather in paris tomorrow", "how do i install new cabinets",
    "can you tell me some fake news", "you got any mail?",
    "I want a refund for my trade #887120034519",          # needs a human, not an article
])
def test_abstains_when_out_of_scope_or_not_a_question(kb, text):
    assert ask(kb, text).faq is None


def test_reply_is_in_the_askers_language_and_carries_the_link(kb):
    en = ask(kb, "how do I reset my password?")
    zh = ask(kb, "忘记密码怎么办？")
    assert en.lang == "en" and zh.lang == "zh"
    assert en.faq == zh.faq == "reset-password"
    assert "https://help.aurora.example" in en.reply
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.reply)


def test_falls_back_to_the_faqs_first_language():
    faq = parse_faq({"version": 1, "entries": [{
        "id": "fees", "questions": {"en": ["What are the trading fees?"], "zh": ["交易手续费是多少？"]},
        "keywords": {"en": ["trading fees"]}, "answer": {"en": "Maker 0.1%, taker 0.1%."},
        "links": ["https://help.example/fees"]}]})
    from handlers.config import load_config

    kb = Knowledge.build(load_config(CONFIG), faq)
    d = ask(kb, "交易手续费是多少？")
    assert d.faq == "fees" and d.lang == "zh"
    assert d.reply.startswith("Maker 0.1%") and "help.example/fees" in d.reply


def test_private_entries_move_to_a_dm_in_public(kb):
    d = ask(kb, "my withdrawal is stuck on processing, what should I do?")
    assert "dm_handoff" in d.action_names


def test_a_human_request_beats_the_contact_support_entry(kb):
    assert ask(kb, "human", public=False).action_names == ["open_ticket"]
    assert ask(kb, "转人工", public=False).action_names == ["open_ticket"]


def test_in_private_an_unanswerable_question_offers_a_human(kb):
    d = ask(kb, "what is the meaning of life?", public=False)
    assert d.faq is None and "/human" in d.reply

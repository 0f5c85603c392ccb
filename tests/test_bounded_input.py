"""What the per-message bounds of issue 9 keep (speed is measured in bench/bench_worst_case.py,
not here): the anchored patterns still find what they found, a long message is still judged
on what the core reads, and nothing past it leaks into what is stored or logged."""

from __future__ import annotations

import pytest
from mnemonic import Mnemonic

from handlers.core import decide
from handlers.detectors.redaction import redact
from handlers.model import Message, User
from handlers.text import MAX_TEXT_CHARS, has_url

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16, 32)))


def message(text: str, public: bool = True) -> Message:
    return Message(channel="telegram", chat_id="g", message_id="1",
                   user=User(id="7", username="member"), text=text, public=public)


@pytest.mark.parametrize("text", [
    "claim your airdrop at --auroraa.com now",      # leading dashes
    "claim your airdrop at x.-aurora-help.com now",  # after a label that cannot continue
    "claim your airdrop at ...auroraa.com now",      # after an ellipsis
    "claim your airdrop at a..auroraa.com now",      # after an empty label
    "claim your airdrop at https://auroraa.com/x now",
])
def test_look_alike_domains_are_found_wherever_the_host_starts(kb, text):
    decision = decide(message(text), kb)
    assert decision.scam and any(f.check == "lookalike-domain" for f in decision.findings)


@pytest.mark.parametrize("text, link", [
    ("is aurora.example legit?", True), ("see ...aurora.example", True),
    ("-aurora.example is down", True), ("e.g. this", False), ("3.14 btc", False),
])
def test_links_are_recognised_where_they_start(text, link):
    assert has_url(text) is link


def test_a_secret_at_the_start_of_a_huge_message_is_still_caught(kb):
    decision = decide(message(f"my phrase is {PHRASE} " + "spam " * 40_000), kb)
    assert decision.secret and "delete" in decision.action_names


def test_typos_are_still_corrected_next_to_words_too_long_to_correct(kb):
    decision = decide(message("how long does a withdrawl take? " + "z" * 600), kb)
    assert decision.faq == "withdrawal-time"


def test_redaction_drops_what_the_core_does_not_read():
    tail_secret = f"my phrase is {PHRASE}"
    clean = redact("gm " * (MAX_TEXT_CHARS // 3 + 10) + tail_secret)
    assert clean.endswith("[…]")
    assert not any(word in clean for word in PHRASE.split() if len(word) > 4)

"""What a moderator's lesson carries over to, and what it must not (the real sentence
encoder; every message here is written for this test)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers.core import decide
from handlers.detectors.redaction import redact, redact_lesson
from handlers.learned import NO_MEMORY, Example
from handlers.model import Message, User
from runtime.embedding import embed_message
from runtime.knowledge import KnowledgeFiles
from runtime.learning import _scored

from .conftest import CONFIG, FAQ


@pytest.fixture(scope="module")
def kb():
    return KnowledgeFiles(CONFIG, FAQ).load()


def taught(kb, *lessons: tuple[str, str, str | None]):
    """The knowledge with these (kind, text, entry) lessons, stored as the bot stores them."""
    memory = NO_MEMORY
    for i, (kind, text, entry) in enumerate(lessons, start=1):
        clean = redact_lesson(text)
        vector = embed_message(kb.config.embedding, clean)
        memory = memory.with_example(_scored(Example(i, kind, clean, entry, "@mod"), vector, kb),
                                     vector)
    return replace(kb, learned=memory)


def judge(kb, text: str, user: str = "8"):
    message = Message(channel="telegram", chat_id="-100", message_id="1",
                      user=User(user, f"member{user}"), text=text, public=True)
    return decide(message, kb, vector=embed_message(kb.config.embedding, text))


def test_a_scam_lesson_with_a_link_does_not_make_the_same_question_without_one_a_scam(kb):
    lesson = taught(kb, ("scam", "Forgot your 2FA and locked out? Don't wait for support, the "
                                 "instant reset is at aurora-unlock-2fa.site", None))
    assert judge(lesson, "Forgot my 2FA and I'm locked out, don't want to wait for support. "
                         "the instant reset is at aurora-unlock-2fa.site").scam
    for question in ("forgot my 2fa and I'm locked out, how do I reset it?",
                     "2FA丢了登不上去，怎么重置？"):
        assert not judge(lesson, question).scam, question


def test_not_scam_clears_only_the_text_it_was_given_and_never_a_request_for_a_seed_phrase(kb):
    cleared = "Aurora support team here, DM me your account details and I will sort out the " \
              "withdrawal delay for you"
    assert judge(kb, cleared).scam                       # the rules catch it
    lesson = taught(kb, ("ham", cleared, None))
    assert not judge(lesson, cleared).scam               # a moderator cleared this very text
    assert judge(lesson, "Aurora support team here, DM me your seed phrase and I will sort out "
                         "the withdrawal delay for you").scam


def test_the_later_of_two_contradicting_lessons_on_one_text_wins(kb):
    text = "Selling my old trading bot licence, works on aurora, pm me for the price"
    assert judge(taught(kb, ("ham", text, None), ("scam", text, None)), text).scam
    assert not judge(taught(kb, ("scam", text, None), ("ham", text, None)), text).scam


def test_an_entry_marked_wrong_is_not_given_again_but_others_still_are(kb):
    question = "what are the withdrawal fees?"
    first = judge(kb, question).faq
    assert first is not None
    lesson = taught(kb, ("negative", question, first))
    assert judge(lesson, question).faq != first
    assert judge(lesson, "how do I reset my 2FA? lost my phone").faq is not None


def test_a_password_in_a_taught_message_is_not_stored():
    assert "Tr0ub4dor" not in redact("write to me, login pass Tr0ub4dor&3 if you want the bot")


def test_the_brands_own_accounts_and_links_are_no_lure(kb):
    lesson = taught(kb, ("scam", "Locked out of 2FA? skip the queue, t.me/unlock_2fa_now fixes it "
                                 "in minutes", None))
    for question in ("Locked out of 2FA, can @AuroraEx_Admin help me skip the queue?",
                     "Locked out of 2FA, does help.aurora.example say how to skip the queue?"):
        assert not judge(lesson, question).scam, question


def test_a_cleared_notice_does_not_cover_one_that_also_asks_for_the_recovery_words(kb):
    notice = "Our help desk moved to Signal, message +44 7700 900555 for quicker help"
    worse = notice + " and have your 12 recovery words ready to verify"
    lesson = taught(kb, ("ham", notice, None))
    assert not judge(lesson, notice).scam
    assert judge(lesson, worse).scam


def test_a_password_in_a_lesson_is_masked_even_unannounced():
    for text, password in (("can't log in with dave_r / Tq72!mZp8 since this morning", "Tq72!mZp8"),
                           ("my current one is Hs@ppy2031 and it fails", "Hs@ppy2031"),
                           ("dave@x.example:Autumn2029!", "Autumn2029")):
        kept = redact_lesson(text)
        assert password not in kept and "[password]" in kept, kept

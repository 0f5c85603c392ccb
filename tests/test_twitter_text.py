"""Fitting answers into X posts: X's weighted count, threads, and the link always kept."""

from __future__ import annotations

from channels.twitter_text import split_for_x, weighted_length
from handlers.answering.choice import answer_text
from handlers.answering.faq import load_faq
from handlers.replies.texts import SHIPPED, say

from .conftest import FAQ

LINK = "https://help.aurora.example/security/reset-2fa-after-losing-the-device-and-more"


def test_links_count_23_and_cjk_and_emoji_count_2():
    assert weighted_length("hello") == 5
    assert weighted_length(f"see {LINK}") == 4 + 23
    assert weighted_length("提币") == 4
    assert weighted_length("⚠️ ok") >= 5
    assert weighted_length("help.aurora.example") >= 23     # a bare domain may become a link


def test_a_short_answer_is_one_post_unchanged():
    assert split_for_x(f"Reset it in Security. {LINK}") == [f"Reset it in Security. {LINK}"]


def test_a_long_answer_becomes_a_numbered_thread_cut_at_sentences():
    text = " ".join(f"Sentence number {i} explains one more step of the process." for i in range(12))
    parts = split_for_x(f"{text} {LINK}")
    assert 2 <= len(parts) <= 3
    assert all(weighted_length(p) <= 280 for p in parts)
    assert [p.rsplit(" ", 1)[1] for p in parts] == [f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)]
    assert all(p.rsplit(" ", 1)[0].endswith(".") for p in parts[:-1])
    assert LINK in parts[-1]


def test_an_answer_too_long_for_three_posts_is_cut_and_keeps_its_link():
    text = f"Start here: {LINK} and read on. " + "This goes on and on. " * 80 + f"Again: {LINK}x"
    parts = split_for_x(text)
    assert len(parts) == 3 and all(weighted_length(p) <= 280 for p in parts)
    assert LINK in parts[0] and f"{LINK}x" in parts[-1] and "…" in parts[-1]


def test_chinese_without_spaces_is_split_and_links_are_never_broken():
    parts = split_for_x("请先检查网络。" * 30 + "到账时效：" + LINK + "。" + "提醒：官方不会私信你。" * 10)
    assert all(weighted_length(p) <= 280 for p in parts)
    assert any(LINK in p for p in parts)


def test_every_shipped_faq_answer_fits_with_its_link_in_both_languages():
    faq = load_faq(FAQ)
    for entry in faq.entries:
        for lang in ("en", "zh"):
            text, link = answer_text(entry, lang, faq, SHIPPED)
            parts = split_for_x(f"{text}\n\n{say('reminder', lang)}")
            assert len(parts) <= 3 and all(weighted_length(p) <= 280 for p in parts), entry.id
            assert link is None or any(link in p for p in parts), entry.id

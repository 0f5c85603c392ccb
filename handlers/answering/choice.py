"""Whether to answer from the FAQ, and how the answer is said (SPEC §2, first rows)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.answering.faq import Faq, FaqEntry
from handlers.answering.intent import Intent
from handlers.answering.matcher import Match
from handlers.answering.semantic import AbstentionModel, Scored
from handlers.model import HandOff, Message, PointToEarlier, Reply
from handlers.replies.texts import Texts
from handlers.text import han_count, normalize, sentences, stem, words

# A second entry this close to the first means the matcher cannot tell them apart.
MIN_MARGIN = 0.03


@dataclass(frozen=True)
class FaqChoice:
    entry: FaqEntry | None
    reason: str


def choose_entry(match: Match, intent: Intent, message: Message, public_threshold: float,
                 private_threshold: float, blocked_by: str = "") -> FaqChoice:
    """The one entry whose answer fully serves the message, or None with the reason why."""
    best = match.best
    if not match.anchored:
        return FaqChoice(None, "not about this exchange (no unambiguous domain term)")
    if best is None:
        return FaqChoice(None, "no FAQ entry shares anything with the message")
    if blocked_by:
        return FaqChoice(None, blocked_by)
    if intent.needs_human:
        return FaqChoice(None, "asks staff to act on their own case")
    if intent.small_talk:
        return FaqChoice(None, "small talk")
    if message.public and not intent.asks:
        return FaqChoice(None, "not a question")
    threshold = public_threshold if message.public else private_threshold
    if best.score < threshold:
        return FaqChoice(None, f"unsure: best {best.entry.id} at {best.score:.2f} < {threshold:.2f}")
    if len(match.candidates) > 1 and best.score - match.candidates[1].score < MIN_MARGIN:
        second = match.candidates[1]
        return FaqChoice(None, f"ambiguous: {best.entry.id} {best.score:.2f} vs "
                               f"{second.entry.id} {second.score:.2f}")
    return FaqChoice(best.entry, f"{best.entry.id} at {best.score:.2f} "
                                 f"(covers {best.query_coverage:.0%} of the message)")


def choose_ranked(ranked: list[Scored], model: AbstentionModel, public: bool,
                  blocked_by: str = "") -> FaqChoice:
    """The learned decision: the most probable entry, if its probability clears the threshold
    held-out data set for public (or private) answers."""
    if blocked_by:
        return FaqChoice(None, blocked_by)
    if not ranked:
        return FaqChoice(None, "the FAQ has no example questions")
    best = ranked[0]
    threshold = model.public_threshold if public else model.private_threshold
    if best.probability < threshold:
        return FaqChoice(None, f"unsure: best {best.entry.id} at p={best.probability:.2f} < "
                               f"{threshold:.2f}")
    return FaqChoice(best.entry, f"{best.entry.id} at p={best.probability:.2f} "
                                 f"(similarity {best.features[1]:.2f})")


def answer_text(entry: FaqEntry, lang: str, faq: Faq, texts: Texts) -> tuple[str, str | None]:
    """The entry's answer in the asker's language (else the FAQ's first), with its link."""
    used, text = entry.answer_in(lang, faq.default_language)
    link = entry.links[0] if entry.links else None
    if link and link not in text:
        text = f"{text}\n{texts.say('more', used, link=link)}"
    return text, link


def phone_sized(text: str, link: str | None, limit: int, lang: str, texts: Texts,
                question: str = "", reserve: int = 0) -> str:
    """A public answer a phone shows without scrolling: the sentences that best fit the
    `question` (most words in common, two at least; the first ones on a tie), in their order, up to `limit`
    characters (a Chinese character counts two: it is twice as wide), then the help link (the
    answer's own link line, or "More: …"), or, with no link, where to get the whole answer (a
    private chat answers in full). 0: never cut. `reserve`: room for what follows the answer
    (the reminder), given up only for the one sentence that fits the question best."""
    if limit <= 0 or _width(text) + reserve <= limit:
        return text
    said = sentences(text)
    with_link = [s for s in said if link and link in s]
    body = [s for s in said if not (link and link in s)]
    tail = with_link[-1] if with_link else texts.say("more", lang, link=link) if link \
        else texts.say("more_in_private", lang)
    room = max(40, limit - _width(tail) - 1)
    joiner = "" if lang == "zh" else " "
    asked = _terms(question)

    def fit(i: int) -> int:
        # One word in common is mostly the topic itself ("2fa" in "how do I set up 2fa" and in
        # the answer's closing safety note): the answer's own order, its first steps, wins then.
        shared = len(asked & _terms(body[i]))
        return shared if shared >= 2 else 0

    by_fit = sorted(range(len(body)), key=lambda i: (-fit(i), i))
    kept: set[int] = set()
    if body and _width(body[by_fit[0]]) <= room:
        kept.add(by_fit[0])          # the best sentence, even if the reminder then runs long
    for i in by_fit:
        if _width(joiner.join(body[j] for j in sorted(kept | {i}))) <= room - reserve:
            kept.add(i)
    if not kept and body:   # one long sentence: cut at a word (or character) boundary
        first = body[by_fit[0]][:(room - 1) // (2 if han_count(body[by_fit[0]]) else 1)]
        return (first.rsplit(" ", 1)[0] if " " in first else first) + "…\n" + tail
    return joiner.join(body[i] for i in sorted(kept)) + "\n" + tail


def _width(text: str) -> int:
    """How wide a text is on a screen, in Latin letters: Chinese characters count two."""
    return len(text) + han_count(text)


# Words every sentence has: they say nothing about which sentence answers the question.
_FUNCTION_WORDS = frozenset((
    "the are is was were be been how what when where why who which does did do can could would "
    "should will shall may might must with from that this these those your you our its and for "
    "not but have has had there their they them then than about into any all some also just "
    "very much many more most please thanks after before once each other only own same so too "
    "here out over under again further while until").split())


def _terms(text: str) -> set[str]:
    """Stemmed content words and Chinese character pairs: what a question and a sentence
    share ("manually reviewed" meets "manual review")."""
    out: set[str] = set()
    for word in words(normalize(text)):
        if han_count(word):
            out.update(word[i:i + 2] for i in range(len(word) - 1))
        elif len(word) > 2 and word not in _FUNCTION_WORDS:
            out.add(stem(word[:-2] if word.endswith("ly") and len(word) > 5 else word))
    return out


def faq_actions(entry: FaqEntry, message: Message, lang: str, faq: Faq,
                earlier: str | None, texts: Texts, public_max_chars: int = 0,
                reserve: int = 0) -> list:
    """Reply, point to the earlier answer, or hand off to a DM for a `private` entry. In
    public, a long answer is cut to `public_max_chars` (in private it is always whole)."""
    text, link = answer_text(entry, lang, faq, texts)
    check = "faq-match"
    if not message.public:
        return [Reply(check=check, text=text, link=link, faq_id=entry.id)]
    say = texts.say
    words = texts.reply_language(lang)
    if entry.private:
        return [HandOff(check=check, public_text=say("private_pointer", words),
                        private_text=text, topic=entry.id, summary="")]
    if earlier is not None:
        where = earlier or say("earlier_here", words)
        return [PointToEarlier(check="faq-cooldown", text=say("earlier_answer", words, where=where),
                               faq_id=entry.id)]
    short = phone_sized(text, link, public_max_chars, texts.reply_language(lang), texts,
                        message.text or "", reserve)
    return [Reply(check=check, text=short, link=link, faq_id=entry.id)]

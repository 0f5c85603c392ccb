"""Advice on an FAQ for its operator (`python bot.py check-config`): problems that are not
errors (the file loads and the bot runs) but make the bot answer worse or unsafely.

- an entry with too few example questions: members' own wordings are not recognised;
- two entries the bot cannot tell apart: it answers with either, or abstains on both;
- an answer that asks members for a secret or sends them to a private chat: what scammers
  say, now said by the official bot;
- an entry so broad that it answers messages it does not cover (group chatter, other topics).

Pure: the caller loads the FAQ, its semantic index and the probe messages (with their
embeddings) and prints the warnings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from handlers.answering.faq import Faq
from handlers.answering.semantic import SemanticIndex, examples
from handlers.context import NO_HISTORY, Knowledge
from handlers.core import decide, needs_embedding
from handlers.detectors.credentials import API_SECRET_LABELS, CODE_WORDS
from handlers.detectors.scams import (
    CONTACT_VERBS,
    HAND_OVER_VERBS,
    HAND_OVER_ZH,
    PRIVATE_CHAT_ZH,
    SECRET_WORDS,
    SECRET_WORDS_ZH,
    STAFF_ROLES,
    STAFF_ROLES_ZH,
)
from handlers.model import Message, User
from handlers.text import sentences

# Fewer example questions than this (all languages together) and members who word the
# question their own way are not recognised.
MIN_EXAMPLES = 3
# Two example questions of different entries this similar are the same question to the
# encoder. Measured on the project's nine FAQs (2,306 questions): the closest questions of two
# different entries reach 0.985 ("P2P怎么买U" / "P2P买的U在哪里"); a reworded copy ("How do I" /
# "How can I reset my password?") scores 0.998.
SAME_QUESTION = 0.99
# Two entries overlap when their example questions are, on average, closer to the other
# entry's than to their own by more than this (leave-one-out, nearest question). The project's
# FAQs: 3,407 pairs of entries, none below -0.009 (contact-support / support-email); reworded
# duplicates of shipped entries: -0.015 to -0.068.
OVERLAP_MARGIN = -0.012
# Of the probe messages (chatter and other communities' questions) an entry answers at most
# this many and is not called too broad. On 400 probes, the project's FAQs answer at most 2
# with one entry (mostly questions they rightly answer); an entry of greetings answers 6-8.
MAX_STRAY_ANSWERS = 3
SHOWN = 2   # example messages shown per warning


@dataclass(frozen=True)
class FaqWarning:
    """One piece of advice about the FAQ, in a community manager's words."""

    check: str   # few-examples, overlap, asks-for-secrets, sends-to-private-chat, too-broad
    entries: tuple[str, ...]    # the entry ids concerned
    problem: str                # what is wrong and what it does to members
    advice: str                 # what to do about it
    evidence: tuple[str, ...] = ()   # the questions, answer sentences or messages that show it


@dataclass(frozen=True)
class Probe:
    """A message the FAQ should not answer: chatter, or another community's question."""

    text: str
    kind: str            # "offtopic" or "uncovered"
    community: str = ""


# --- too few example questions ----------------------------------------------------------------

def few_examples(faq: Faq) -> list[FaqWarning]:
    out = []
    for entry in faq.entries:
        count = len({q for questions in entry.questions.values() for q in questions})
        if count >= MIN_EXAMPLES:
            continue
        have = "no example question" if count == 0 else \
            f"only {count} example question{'s' if count > 1 else ''}"
        out.append(FaqWarning(
            "few-examples", (entry.id,),
            f"{have}: members who ask in their own words will often not be recognised, and "
            "the bot stays silent",
            f"add at least {MIN_EXAMPLES} (5 is better) per language your members write in, "
            "phrased the way they really ask"))
    return out


# --- entries the bot cannot tell apart --------------------------------------------------------

_BLOCK = 512   # rows of the similarity matrix computed at once: bounded memory for big FAQs


def _normal(text: str) -> str:
    """The question without case, spacing or punctuation: a copied question, re-typed."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def overlaps(index: SemanticIndex) -> list[FaqWarning]:
    """Pairs of entries whose example questions collide (the same question in both) or that,
    question for question, sit closer to each other than to themselves."""
    texts, owner = examples(index.entries)
    vectors = index.vectors
    n = len(texts)
    if n < 2:
        return []
    ids = [e.id for e in index.entries]
    own_best = np.full(n, -np.inf, dtype=np.float32)    # nearest other question of the same entry
    collisions: dict[tuple[int, int], tuple[float, int, int]] = {}
    candidates: set[tuple[int, int]] = set()
    for start in range(0, n, _BLOCK):
        rows = np.arange(start, min(n, start + _BLOCK))
        sims = vectors[rows] @ vectors.T
        sims[np.arange(len(rows)), rows] = -np.inf
        same = owner[rows, None] == owner[None, :]
        own_best[rows] = np.where(same, sims, -np.inf).max(axis=1)
        other = np.where(same, -np.inf, sims)
        nearest = other.argmax(axis=1)
        for i, j in zip(rows, nearest):
            score = float(other[i - start, j])
            if score == -np.inf:
                continue
            pair = (int(min(owner[i], owner[j])), int(max(owner[i], owner[j])))
            candidates.add(pair)
            if score >= SAME_QUESTION:
                _keep_closest(collisions, pair, score, int(i), int(j))
    # The same words typed differently ("How much…?" / "how much…") may embed below the cut.
    by_text: dict[str, int] = {}
    for i, text in enumerate(texts):
        first = by_text.setdefault(_normal(text), i)
        if owner[first] != owner[i]:
            pair = (int(min(owner[first], owner[i])), int(max(owner[first], owner[i])))
            _keep_closest(collisions, pair, 2.0, first, i)   # above any similarity: shown first
    out = []
    for (a, b), (score, i, j) in sorted(collisions.items()):
        note = "the same question" if score > 1.0 else f"similarity {score:.2f}"
        out.append(_overlap_warning(ids, texts, owner, (a, b), (i, j), "they share a question",
                                    note))
    for a, b in sorted(candidates - collisions.keys()):
        margin, i, j, score = _pair_margin(vectors, owner, own_best, a, b)
        if margin is not None and margin <= OVERLAP_MARGIN:
            out.append(_overlap_warning(
                ids, texts, owner, (a, b), (i, j),
                "their example questions are closer to each other's than to their own",
                f"similarity {score:.2f}"))
    return out


def _keep_closest(found: dict, pair: tuple[int, int], score: float, i: int, j: int) -> None:
    if pair not in found or score > found[pair][0]:
        found[pair] = (score, i, j)


def _pair_margin(vectors: np.ndarray, owner: np.ndarray, own_best: np.ndarray, a: int,
                 b: int) -> tuple[float | None, int, int, float]:
    """The mean, over both entries' questions, of (nearest question of its own entry) minus
    (nearest question of the other entry); and the closest pair of questions across them."""
    in_a, in_b = np.flatnonzero(owner == a), np.flatnonzero(owner == b)
    cross = vectors[in_a] @ vectors[in_b].T
    best = np.unravel_index(int(cross.argmax()), cross.shape)
    i, j, score = int(in_a[best[0]]), int(in_b[best[1]]), float(cross[best])
    if len(in_a) < 2 or len(in_b) < 2:
        return None, i, j, score   # nothing to compare with: the few-examples warning says so
    margins = np.concatenate([own_best[in_a] - cross.max(axis=1), own_best[in_b] - cross.max(axis=0)])
    return float(margins.mean()), i, j, score


def _overlap_warning(ids: list[str], texts: list[str], owner: np.ndarray, pair: tuple[int, int],
                     questions: tuple[int, int], why: str, note: str) -> FaqWarning:
    a, b = pair
    i, j = questions
    first, second = (i, j) if owner[i] == a else (j, i)
    return FaqWarning(
        "overlap", (ids[a], ids[b]),
        f"the bot cannot tell these two entries apart ({why}), so a member may get either "
        "answer, or none",
        "if they answer the same question, merge them into one entry; if not, reword their "
        "example questions so each asks only about its own topic",
        (f'"{texts[first]}" ({ids[a]})', f'"{texts[second]}" ({ids[b]}): {note}'))


# --- answers that ask for secrets or send members to a private chat -------------------------

_HANDLE = r"@[A-Za-z0-9_]{3,32}"
# 'recovery' alone names requests and forms in answers ("submit the recovery request"); the
# phrase itself is still caught by 'phrase'.
_SECRET_EN = "|".join(w for w in SECRET_WORDS.split("|") if w != "recovery")
# A secret is handed over when its word ends the phrase ("send us your password so…"), not
# when it names something else ("submit your 2FA reset request", "提交密码重置申请").
_PHRASE_ENDS = (r"(?=\s*(?:$|[^\w\s]|(?:to|with|so|and|or|in|on|at|via|for|from|by|as|here|there|"
                r"now|then|first|please|directly|privately|immediately|that|which|because|if|when|"
                r"we|you|they|it|is|are|will|can)\b))")
_SECRET = (rf"(?:(?:{_SECRET_EN}|{API_SECRET_LABELS}|(?:{CODE_WORDS})[ -]?codes?){_PHRASE_ENDS}|"
           rf"(?:{SECRET_WORDS_ZH}|{API_SECRET_LABELS})(?!重置|修改|找回|设置|管理))")
# Who a member would hand something to: us, our staff, a handle.
_TO_US = (rf"\b(?:us|me|our (?:\w+ )?(?:{STAFF_ROLES}|mods?|moderators?|admins?|team|staff|agents?|"
          rf"support)|(?:an?|the|any) (?:{STAFF_ROLES}|mod|team|support|agent))\b|{_HANDLE}")
_PRIVATELY = (r"\b(?:privately|in private|"
              r"(?:in|by|via|over|through) (?:a )?(?:dm|pm|private (?:message|chat)))\b")
_TO_US_ZH = rf"(?:我们|我(?!们)|{STAFF_ROLES_ZH}|{_HANDLE})"
_ASKS = tuple(re.compile(p, re.IGNORECASE) for p in (
    # "send us your seed phrase", "DM our admin your password", "reply with your 2FA code"
    rf"\b(?:{HAND_OVER_VERBS}|{CONTACT_VERBS}|tell|reply with)\b[^.!?\n]{{0,40}}?"
    rf"\b(?:your|ur|the|their)\b[^.!?\n]{{0,15}}?{_SECRET}",
    # "an admin will ask for your seed phrase", "we need your password"
    rf"\b(?:ask(?:s|ing)?|need(?:s|ed)?|require(?:s|d)?|request(?:s|ed)?)\b(?: you)?(?: for)?"
    rf"\s+(?:your|ur|the|their)\b[^.!?\n]{{0,15}}?{_SECRET}",
    # "把助记词发给客服", "请提供验证码", "需要你的私钥"
    rf"{_SECRET}[^，。！？；\n]{{0,10}}?(?:发给|发送给|发到|告诉|交给|提供给|私信)",
    rf"(?:{HAND_OVER_ZH}|发给|告诉|交给)[^，。！？；\n]{{0,10}}?{_SECRET}",
    rf"(?:索要|要求提供|需要你的|需要您的)[^，。！？；\n]{{0,10}}?{_SECRET}",
))
_TO_PRIVATE = tuple(re.compile(p, re.IGNORECASE) for p in (
    # "DM our admin", "PM a moderator", "DM @someone"
    rf"\b(?:dm|pm|inbox)\s+(?:{_TO_US})",
    # "message the admin privately", "send us the hash in a private message"
    rf"\b(?:{CONTACT_VERBS}|send|reach)\b[^.!?\n]{{0,50}}?{_PRIVATELY}",
    rf"\b(?:{CONTACT_VERBS})\s+{_HANDLE}",
    # "私信管理员", "私聊客服", "请私信发送交易哈希", "加我微信"
    rf"(?:私信|私聊|私下联系|单独联系)(?:给)?(?:{_TO_US_ZH}|发送|发给)",
    rf"(?:{PRIVATE_CHAT_ZH})(?!们)",
))
# Where a request's negation stops reaching back: clause and sentence ends, and "but".
_CLAUSE = re.compile(r"[.!?;:,\n。！？；：，]|\bbut\b|但是?", re.IGNORECASE)
# "Staff will NEVER ask for your password", "私钥千万不要发给别人": a warning, not a request.
_NEGATION = re.compile(
    r"\b(?:never|not|no|nobody|no one|none|neither|nor|avoid|beware|don'?t|doesn'?t|won'?t|"
    r"can'?t|cannot|shouldn'?t|mustn'?t)\b|n't\b|[不别勿无]|没有人", re.IGNORECASE)
# "Anyone who asks you to DM them is a scammer", "私信兜售的都是骗子": a description of scams.
_SCAM_TALK = re.compile(r"\b(?:scam\w*|fraud\w*|fake|phishing|impersonat\w*)|骗|假冒|冒充|仿冒|钓鱼",
                        re.IGNORECASE)
# Said to a member in a chat, "confirm your password" means "tell it to me" (in an FAQ answer,
# "confirm the change with your 2FA code" is about the app).
_ASKS_IN_CHAT = (*_ASKS, re.compile(
    rf"\b(?:confirm|verify|read out|repeat|type)\b[^.!?\n]{{0,40}}?"
    rf"\b(?:your|ur|the|their)\b[^.!?\n]{{0,15}}?{_SECRET}", re.IGNORECASE), re.compile(
    # "reply to this bot with your password"
    rf"\b(?:reply|respond|answer|write back)\b[^.!?\n]{{0,25}}?\bwith (?:your|ur)\b"
    rf"[^.!?\n]{{0,15}}?{_SECRET}", re.IGNORECASE))


# A message to a member that names a secret and asks for something about it ("what's your
# seed phrase?", "type your 12 words here", "пришлите пароль"), with no "never" or "don't".
_SECRET_NAMED = re.compile(
    r"seed|recovery (?:phrase|words)|mnemonic|\b(?:12|24|twelve|twenty[- ]four)[- ]words?\b|"
    r"private key|passw|passcode|\bpin\b|\b2fa\b|\botp\b|(?:sms|2fa|verification|auth\w*|"
    r"google|email|security|login|\d-digit) code|api (?:key|secret)|secret key|"
    r"助记词|私钥|密码|验证码|密钥|сид|фраз[уаы]? восстановлен|парол|код (?:из|подтвержд)|"
    r"приватн\w* ключ", re.IGNORECASE)
_ASKING = re.compile(
    r"\b(?:send|share|give|tell|type|paste|post|provide|confirm|verify|read out|repeat|"
    r"reply with|what(?:'s| is| are| was)|which is|need)\b|пришл|отправ|скаж|напиш|сообщ|"
    r"дайте|нуж[ен]|发给|告诉|提供|给我|输入|是多少|是什么", re.IGNORECASE)
_NOT_ASKING = re.compile(r"\b(?:never|don'?t|do not|nobody|no one|won'?t|will not|not)\b|"
                         r"никогда|\bне\b|绝不|不要|不会|别|切勿", re.IGNORECASE)


def asks_for_secrets(text: str) -> list[str]:
    """The sentences of a message to a member that ask them for a password, phrase, key or
    code ("we will never ask for …", "reset your password in the app" are not asking)."""
    return [sentence for sentence in sentences(text) if _says(sentence, _ASKS_IN_CHAT) or (
        _SECRET_NAMED.search(sentence) and _ASKING.search(sentence)
        and not _NOT_ASKING.search(sentence))]


def secret_requests(faq: Faq) -> list[FaqWarning]:
    out = []
    for entry in faq.entries:
        secrets, private = [], []
        for lang, text in entry.answer.items():
            for sentence in sentences(text):
                if _says(sentence, _ASKS):
                    secrets.append(f"[{lang}] {sentence}")
                elif _says(sentence, _TO_PRIVATE):
                    private.append(f"[{lang}] {sentence}")
        if secrets:
            out.append(FaqWarning(
                "asks-for-secrets", (entry.id,),
                "the answer asks members for a password, seed phrase, private key, code or API "
                "secret. That is what scammers ask; said by the official bot, it teaches members "
                "to hand their secrets over",
                "remove the request: nobody, staff included, ever needs these. Say instead that "
                "staff never ask for them",
                tuple(secrets)))
        if private:
            out.append(FaqWarning(
                "sends-to-private-chat", (entry.id,),
                "the answer tells members to message someone privately. Impersonators wait for "
                "exactly that: a member told to 'DM support' will DM whoever answers first",
                "send members to the help centre, a ticket form or the in-app chat instead, and "
                "say that staff never DM first",
                tuple(private)))
    return out


def _says(sentence: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
    """Whether one of the patterns matches where no negation or talk of scams surrounds it."""
    for pattern in patterns:
        for m in pattern.finditer(sentence):
            starts = [c.end() for c in _CLAUSE.finditer(sentence, 0, m.start())]
            clause_start = starts[-1] if starts else 0
            after = _CLAUSE.search(sentence, m.end())
            clause = sentence[clause_start:after.start() if after else len(sentence)]
            if _NEGATION.search(sentence[clause_start:m.end()]) or _SCAM_TALK.search(clause):
                continue
            return True
    return False


# --- answers too long for the platform or a phone screen --------------------------------------

PLATFORM_LIMIT = 4096   # characters in one Telegram message (X threads and DMs hold more)


def long_answers(faq: Faq, public_max_chars: int) -> list[FaqWarning]:
    out = []
    for entry in faq.entries:
        for lang, text in entry.answer.items():
            if len(text) > PLATFORM_LIMIT:
                out.append(FaqWarning(
                    "too-long", (entry.id,),
                    f"the {lang} answer has {len(text)} characters: Telegram cuts a message at "
                    f"{PLATFORM_LIMIT}, so members would get it cut off",
                    "shorten it and put the details on the help page it links to"))
                continue
            said = sentences(text)
            if public_max_chars and said and len(said[0]) > public_max_chars - 40 \
                    and not entry.private:
                out.append(FaqWarning(
                    "long-first-sentence", (entry.id,),
                    f"the {lang} answer's first sentence has {len(said[0])} characters: in a "
                    f"group, where answers are cut to {public_max_chars} (a phone screen), it "
                    "would end mid-sentence",
                    "open with one short sentence that answers the question; details after it "
                    "are shown in private chats and on the linked page",
                    (said[0][:120] + "…",)))
    return out


# --- entries that answer what they do not cover ----------------------------------------------

def too_broad(kb: Knowledge, probes: Sequence[Probe], vectors: np.ndarray) -> list[FaqWarning]:
    """Each probe asked in a group, decided by the bot itself: an entry that answers more
    than a few of them would answer members' chatter and questions it does not cover."""
    answered: dict[str, list[Probe]] = defaultdict(list)
    for number, (probe, vector) in enumerate(zip(probes, vectors, strict=True)):
        message = Message(channel="telegram", chat_id="faq-lint", message_id=str(number),
                          user=User(id="faq-lint"), text=probe.text, public=True)
        decision = decide(message, kb, NO_HISTORY, vector if needs_embedding(message) else None)
        if decision.faq:
            answered[decision.faq].append(probe)
    out = []
    for entry in kb.faq.entries:
        hits = answered.get(entry.id, [])
        if len(hits) <= MAX_STRAY_ANSWERS:
            continue
        shown = sorted(hits, key=lambda p: p.kind != "offtopic")[:SHOWN]   # chatter first
        out.append(FaqWarning(
            "too-broad", (entry.id,),
            f"too broad: in a group it would answer {len(hits)} of {len(probes)} test messages "
            "that are not about it (chatter, and questions from other communities)",
            "make its example questions and keywords specific to what the answer says; drop "
            "greetings, thanks and one-word questions",
            tuple(f'"{p.text}"' for p in shown)))
    return out


def lint(kb: Knowledge, probes: Sequence[Probe] = (), probe_vectors: np.ndarray | None = None,
         ) -> list[FaqWarning]:
    """Every warning about `kb`'s FAQ: the semantic checks only when it has a semantic index
    (and the broadness check only with probes and the answer-or-abstain model)."""
    out = few_examples(kb.faq)
    if kb.semantic is not None:
        out += overlaps(kb.semantic)
    out += secret_requests(kb.faq)
    out += long_answers(kb.faq, kb.config.answering.public_max_chars)
    if kb.semantic is not None and kb.abstention is not None and probe_vectors is not None \
            and len(probes):
        out += too_broad(kb, probes, probe_vectors)
    return out


__all__ = ["MAX_STRAY_ANSWERS", "MIN_EXAMPLES", "OVERLAP_MARGIN", "SAME_QUESTION", "FaqWarning",
           "Probe", "asks_for_secrets", "few_examples", "lint", "long_answers", "overlaps",
           "secret_requests", "too_broad"]

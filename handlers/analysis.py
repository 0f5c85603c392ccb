"""Turn a message into what the matcher compares: concepts, leftover words, Chinese bigrams."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from mnemonic import Mnemonic

from .lexicon import CONCEPTS, QUESTION_CUES_EN, QUESTION_CUES_ZH, STOPWORDS_EN
from .text import (
    detect_language,
    expand_negations,
    has_url,
    normalize,
    stem,
    strip_leading_handles,
    without_urls_and_handles,
    words,
)

_QUESTION_EN = re.compile(
    r"\b(?:how|what|why|where|which|when)\b(?! a | an )|\b(?:can|could|should|do|does|did|is|are)"
    r" (?:i|you|we|it|there|they|my)\b|\bany ?(?:one|body) know\b|\bwondering\b")
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")  # 够不够, 是不是, 要不要: a yes/no question
_STOP_STEMS = frozenset(stem(w) for w in STOPWORDS_EN) | STOPWORDS_EN


@dataclass
class Analysis:
    text: str                                   # normalised, handles and links removed
    lang: str
    concepts: dict[str, int] = field(default_factory=dict)
    strong: set[str] = field(default_factory=set)       # concepts named unambiguously
    residual: list[str] = field(default_factory=list)   # stems no concept explained
    bigrams: set[str] = field(default_factory=set)      # Chinese bigrams no concept explained
    question: bool = False

    def features(self) -> set[str]:
        return ({"c:" + c for c in self.concepts} | {"w:" + w for w in self.residual}
                | {"b:" + b for b in self.bigrams})


class _PhraseIndex:
    """English phrases as stem tuples, longest first per first token; Chinese as substrings.

    Each phrase maps to {concept: strong?}; "~" in the lexicon marks a weak form.
    """

    def __init__(self) -> None:
        en: dict[tuple[str, ...], dict[str, bool]] = defaultdict(dict)
        zh: dict[str, dict[str, bool]] = defaultdict(dict)
        for name, concept in CONCEPTS.items():
            for phrase in concept.en:
                strong = not phrase.startswith("~")
                key = tuple(t if t == "*" else ("=" + t[1:]) if t.startswith("=") else stem(t)
                            for t in _phrase_tokens(phrase.lstrip("~")))
                if key:
                    en[key][name] = en[key].get(name, False) or strong
            for phrase in concept.zh:
                strong = not phrase.startswith("~")
                phrase = normalize(phrase.lstrip("~"))
                if not phrase.isascii():  # pure-Latin variants are covered by the English side
                    zh[phrase][name] = zh[phrase].get(name, False) or strong
        self.by_first: dict[str, list[tuple[tuple[str, ...], tuple[tuple[str, bool], ...]]]] = (
            defaultdict(list))
        for key, names in en.items():
            self.by_first[key[0]].append((key, tuple(names.items())))
        for options in self.by_first.values():
            options.sort(key=lambda item: -len(item[0]))
        self.zh = {k: tuple(v.items()) for k, v in zh.items()}
        self.zh_max = max((len(k) for k in self.zh), default=1)
        self.zh_first = frozenset(k[0] for k in self.zh)
        self.surface = frozenset(t.lstrip("=") for c in CONCEPTS.values() for p in c.en
                                 for t in _phrase_tokens(p.lstrip("~")))


def _phrase_tokens(phrase: str) -> list[str]:
    out = []
    for raw in normalize(phrase).split():
        if raw == "*":  # any one word: "pull * out" meets "pull my usdt out"
            out.append("*")
            continue
        marker = raw.startswith("=")
        for tok in words(raw.lstrip("=")):
            out.append(("=" if marker else "") + tok)
    return out


_INDEX = _PhraseIndex()
_COMMON_EN = frozenset(Mnemonic("english").wordlist)


# Real typos of real words are short: no domain word is over 20 letters, and the cost of
# looking up a word's two-edit variants grows with the cube of its length (a 600-letter
# "word" took 19 s). Longer tokens are left as they are.
MAX_CORRECTED_LETTERS = 20
# Words corrected per message at most: a message is a few sentences; a wall of unknown words
# is not a question worth more than this much of the event loop.
MAX_CORRECTIONS = 40


class Speller:
    """Corrects likely typos of domain words ("withdrawl", "pasword"), nothing else.

    Only words of six to twenty letters, unknown to the lexicon, the FAQ and a list of 2,048
    common English words, are corrected: one edit away (two from nine letters), same first
    letter, to the closest domain word. Shorter words are too often other real words.
    """

    def __init__(self, extra_words: set[str] | frozenset[str] = frozenset()) -> None:
        targets = {w for w in _INDEX.surface | set(extra_words)
                   if w.isalpha() and 6 <= len(w) <= MAX_CORRECTED_LETTERS + 2}
        self.known = {stem(w) for w in targets} | targets | _COMMON_EN | _STOP_STEMS
        self.deletes: dict[str, set[str]] = defaultdict(set)
        for target in targets:
            for variant in _deletes(target, 2 if len(target) >= 9 else 1):
                self.deletes[variant].add(target)
        self.correct = lru_cache(maxsize=16384)(self._correct)

    def may_correct(self, token: str) -> bool:
        """Cheap test: is `token` a word the speller would look up at all?"""
        return (6 <= len(token) <= MAX_CORRECTED_LETTERS and token.isalpha()
                and token not in self.known and stem(token) not in self.known)

    def _correct(self, token: str) -> str | None:
        if not self.may_correct(token):
            return None
        best: tuple[int, str] | None = None
        budget = 2 if len(token) >= 9 else 1
        for variant in _deletes(token, budget):
            for target in self.deletes.get(variant, ()):
                if target[0] != token[0]:
                    continue
                distance = _levenshtein(token, target)
                if distance <= budget and (best is None or distance < best[0]):
                    best = (distance, target)
        return best[1] if best else None


def _deletes(word: str, depth: int) -> set[str]:
    """The word with up to `depth` letters dropped (never below three letters)."""
    out = {word}
    layer = {word}
    for _ in range(depth):
        layer = {w[:i] + w[i + 1:] for w in layer if len(w) > 3 for i in range(len(w))}
        out |= layer
    return out


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def analyze(text: str, speller: Speller | None = None,
            max_corrections: int = MAX_CORRECTIONS) -> Analysis:
    """Concepts, residual words and bigrams of a message (or of an FAQ question)."""
    norm = normalize(strip_leading_handles(text))
    clean = expand_negations(without_urls_and_handles(norm))
    has_link = has_url(norm)
    result = Analysis(text=clean, lang=detect_language(clean))
    concepts: dict[str, int] = defaultdict(int)
    strong = result.strong
    tokens = [t for t in words(clean) if t.isascii()]
    stems = []
    budget = max_corrections
    for tok in tokens:
        fixed = None
        if speller and budget and speller.may_correct(tok):
            budget -= 1
            fixed = speller.correct(tok)
        stems.append(stem(fixed or tok))
    _match_english(tokens, stems, concepts, strong, result.residual)
    _match_chinese(clean, concepts, strong, result.bigrams)
    if has_link:  # a link is part of what the message is about ("is this site real?")
        concepts["website"] += 1
    result.concepts = dict(concepts)
    result.question = bool("?" in clean or _QUESTION_EN.search(clean) or _A_NOT_A.search(clean)
                           or (tokens[:1] and tokens[0] in QUESTION_CUES_EN)
                           or any(cue in clean for cue in QUESTION_CUES_ZH))
    return result


def _match_english(tokens: list[str], stems: list[str], concepts: dict[str, int],
                   strong: set[str], residual: list[str]) -> None:
    i = 0
    while i < len(tokens):
        matched = 0
        matched_key: tuple[str, ...] = ()
        for first in ("=" + tokens[i], stems[i]):  # exact surface wins ties ("funding" vs "funds")
            for key, names in _INDEX.by_first.get(first, ()):
                n = len(key)
                if n <= matched or i + n > len(tokens):
                    continue
                if all(k == "*" or k == stems[i + j] or k == "=" + tokens[i + j]
                       for j, k in enumerate(key)):
                    for name, is_strong in names:
                        concepts[name] += 1
                        if is_strong:
                            strong.add(name)
                    matched = n
                    matched_key = key
                    break
        if matched:
            for j, k in enumerate(matched_key):
                if k == "*":
                    _match_one(tokens[i + j], stems[i + j], concepts, strong, residual)
            i += matched
            continue
        if stems[i] not in _STOP_STEMS and tokens[i] not in STOPWORDS_EN and not tokens[i].isdigit():
            residual.append(stems[i])
        i += 1


def _match_one(token: str, stem_: str, concepts: dict[str, int], strong: set[str],
               residual: list[str]) -> None:
    """A single word on its own (the one under a "*" in a phrase)."""
    for first in ("=" + token, stem_):
        for key, names in _INDEX.by_first.get(first, ()):
            if len(key) == 1:
                for name, is_strong in names:
                    concepts[name] += 1
                    if is_strong:
                        strong.add(name)
                return
    if stem_ not in _STOP_STEMS and token not in STOPWORDS_EN and not token.isdigit():
        residual.append(stem_)


def _match_chinese(text: str, concepts: dict[str, int], strong: set[str],
                   bigrams: set[str]) -> None:
    covered = [False] * len(text)
    any_han = False
    for i, ch in enumerate(text):
        if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff":
            any_han = True
        if ch not in _INDEX.zh_first:
            continue
        for length in range(min(_INDEX.zh_max, len(text) - i), 0, -1):
            names = _INDEX.zh.get(text[i:i + length])
            if names:
                for name, is_strong in names:
                    concepts[name] += 1
                    if is_strong:
                        strong.add(name)
                for j in range(i, i + length):
                    covered[j] = True
    if not any_han:
        return
    run = ""
    for ch, done in zip(text + " ", covered + [True]):
        if not done and ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
            run += ch
            continue
        bigrams.update(run[k:k + 2] for k in range(len(run) - 1))
        run = ""

"""The matcher's vocabulary: concepts and the ways people say them, read from data files.

Members rarely use the FAQ's words: "pull my usdt out", "authenticator", "提币", "爆仓".
Each concept lists the ways people say it; the matcher maps both the member's message and the
FAQ entries onto these concepts, so a paraphrase meets its entry even with no word in common.

The words live in YAML next to this module, not in code:

- `language.yaml`: English stopwords and the question cues of both languages;
- `packs/<name>.yaml`: a *domain pack*, the concepts of one domain (`crypto-exchange`);
- the operator's overlay (config `vocabulary.overlay`), in the same format: it adds patterns
  to a concept, adds concepts, and adds stopwords or question cues. It never removes any.

Pattern syntax, one pattern per list item. English patterns (`en`) are matched on light word
stems, consecutive; "=word" must match the surface word exactly (keeps "funding" apart from
"funds"); "*" is any one word between two others ("~pull * out"). Chinese patterns (`zh`) are
substrings. A leading "~" marks a weak form: a word with everyday meanings ("close", "mail",
"fake", "app") that counts only next to an unambiguous domain term, the brand or a coin — so
"is cnn fake news" or "you got any mail?" never reach an FAQ answer. "{brand}" stands for each
of the brand's names from config (`brand.name`, `brand.aliases`): the Latin ones in English
patterns, the Chinese ones in Chinese patterns.

Kinds: "topic" (what the question is about), "aspect" (what about it), "generic" (says little),
"noise" (idioms holding domain words: "caps lock", "goes wrong").

Reading and checking the files happens when knowledge is loaded; the matcher only ever sees a
finished `Vocabulary`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
)

from handlers.loading import ConfigError, none_is_empty, read_yaml, validated
from handlers.text import normalize, words

HERE = Path(__file__).resolve().parent
PACKS_DIR = HERE / "packs"
LANGUAGE_FILE = HERE / "language.yaml"
DEFAULT_PACKS = ("crypto-exchange",)
KINDS = ("topic", "aspect", "generic", "noise")
BRAND = "{brand}"
FORMAT_DOC = "handlers/answering/packs/crypto-exchange.yaml"   # named in error messages


class Concept(NamedTuple):
    kind: str
    en: tuple[str, ...]
    zh: tuple[str, ...]


# --- the file format ------------------------------------------------------------------------

_BRACES = re.compile(r"\{[^{}]*\}|[{}]")


def _body(pattern: str) -> str:
    """The pattern without its weak marker, with a placeholder read as a word."""
    body = pattern.strip()
    if body.startswith("~"):
        body = body[1:].strip()
    if not body:
        raise ValueError("empty pattern")
    if "|" in body:
        raise ValueError(f"{pattern!r}: one pattern per list item (no '|')")
    if "~" in body:
        raise ValueError(f"{pattern!r}: '~' marks a weak form and goes first, once")
    for found in _BRACES.findall(body):
        if found != BRAND:
            raise ValueError(f"{pattern!r}: {found!r} is not a placeholder (the only one is "
                             f"{BRAND})")
    return body.replace(BRAND, " brand ").strip()


def _english(pattern: str) -> str:
    body = normalize(_body(pattern))
    if not body.isascii():
        raise ValueError(f"{pattern!r}: English patterns are Latin words (Chinese goes under zh)")
    tokens = body.split()
    if tokens[0] == "*" or tokens[-1] == "*":
        raise ValueError(f"{pattern!r}: '*' stands for one word between two others; it cannot "
                         "start or end a pattern")
    for token in tokens:
        if token != "*" and "*" in token:
            raise ValueError(f"{pattern!r}: '*' must be a word of its own")
        if token.startswith("=") and not words(token[1:]):
            raise ValueError(f"{pattern!r}: '=' must be followed by a word")
        if token.count("=") > int(token.startswith("=")):
            raise ValueError(f"{pattern!r}: '=' goes only at the start of a word")
    if not any(words(t.lstrip("=")) for t in tokens if t != "*"):
        raise ValueError(f"{pattern!r}: no word in it")
    return pattern


def _chinese(pattern: str) -> str:
    raw = pattern.strip().lstrip("~").strip()
    body = normalize(_body(pattern)) if raw != BRAND else "中"
    if "*" in body or "=" in body:
        raise ValueError(f"{pattern!r}: '*' and '=' only mean something in English patterns")
    if body.isascii():
        raise ValueError(f"{pattern!r}: no Chinese in it (Latin words go under en)")
    return pattern


def _split_words(value: object) -> object:
    # stopwords and cues may be written as one whitespace-separated string
    return value.split() if isinstance(value, str) else [] if value is None else value


def _concept_name(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value):
        raise ValueError(f"{value!r}: a concept name is lower-case letters, digits and '_'")
    return value


Name = Annotated[StrictStr, AfterValidator(_concept_name)]
NonEmpty = Annotated[StrictStr, Field(min_length=1)]
WordList = Annotated[list[NonEmpty], BeforeValidator(_split_words)]


class ConceptSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["topic", "aspect", "generic", "noise"] | None = None
    en: list[Annotated[StrictStr, AfterValidator(_english)]] = Field(default_factory=list)
    zh: list[Annotated[StrictStr, AfterValidator(_chinese)]] = Field(default_factory=list)


class VocabularyFile(BaseModel):
    """A domain pack, language.yaml or an operator's overlay: every key is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(1, ge=1, le=1)
    concepts: Annotated[dict[Name, ConceptSpec], BeforeValidator(none_is_empty)] = Field(
        default_factory=dict)
    context_concepts: WordList = Field(default_factory=list)
    stopwords_en: WordList = Field(default_factory=list)
    question_cues_en: WordList = Field(default_factory=list)
    question_cues_zh: WordList = Field(default_factory=list)


# --- the vocabulary -------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Concepts in file order (the order phrases are tried in), and the language data."""

    concepts: Mapping[str, Concept]
    context_concepts: frozenset[str] = frozenset()
    stopwords_en: frozenset[str] = frozenset()
    question_cues_en: frozenset[str] = frozenset()
    question_cues_zh: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()      # the files it was read from, in order

    def merged(self, raw: object, source: str) -> Vocabulary:
        """This vocabulary with a pack or overlay added (parsed YAML from `source`). Raises
        ConfigError naming the file, concept and field of every problem."""
        parsed = validated(VocabularyFile, raw, source, "'concepts'", entry_map="concepts",
                           noun="concept", see=FORMAT_DOC)
        problems = []
        concepts = dict(self.concepts)
        for name, spec in parsed.concepts.items():
            old = concepts.get(name)
            if old is None and spec.kind is None:
                problems.append(f"{source}: concept {name!r}, field kind: required for a new "
                                f"concept (one of {', '.join(KINDS)})")
                continue
            if old is not None and spec.kind is not None and spec.kind != old.kind:
                problems.append(f"{source}: concept {name!r}, field kind: it is a {old.kind!r} "
                                f"concept already; a file can add patterns to it, not change "
                                "its kind")
                continue
            if old is None and not spec.en and not spec.zh:
                problems.append(f"{source}: concept {name!r}, field en: a new concept needs at "
                                "least one pattern (en or zh)")
                continue
            if old is None:
                concepts[name] = Concept(spec.kind or "", tuple(spec.en), tuple(spec.zh))
            else:
                concepts[name] = Concept(old.kind, old.en + tuple(spec.en), old.zh + tuple(spec.zh))
        context = self.context_concepts | frozenset(parsed.context_concepts)
        for name in parsed.context_concepts:
            if name not in concepts:
                problems.append(f"{source}: field context_concepts: {name!r} is not a concept")
        if problems:
            raise ConfigError("\n".join(problems))
        return Vocabulary(
            concepts=concepts, context_concepts=context,
            stopwords_en=self.stopwords_en | frozenset(parsed.stopwords_en),
            question_cues_en=self.question_cues_en | frozenset(parsed.question_cues_en),
            question_cues_zh=self.question_cues_zh + tuple(
                c for c in dict.fromkeys(parsed.question_cues_zh) if c not in self.question_cues_zh),
            sources=(*self.sources, source))

    def with_brand(self, names: Iterable[str]) -> Vocabulary:
        """"{brand}" replaced by each of the brand's names: Latin names in English patterns,
        Chinese ones in Chinese patterns. A pattern with no name to stand in is dropped."""
        latin, han = [], []
        for name in names:
            text = normalize(name).strip() if isinstance(name, str) else ""
            if text.isascii():
                phrase = " ".join(words(text))
                if len(phrase) >= 3 and phrase not in latin:
                    latin.append(phrase)
            elif text and text not in han:
                han.append(text)
        if not any(BRAND in p for c in self.concepts.values() for p in (*c.en, *c.zh)):
            return self
        concepts = {name: Concept(c.kind, _expand(c.en, latin), _expand(c.zh, han))
                    for name, c in self.concepts.items()}
        return Vocabulary(concepts, self.context_concepts, self.stopwords_en,
                          self.question_cues_en, self.question_cues_zh, self.sources)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A hash of everything matching depends on (not of where it was read from)."""
        data = [[[n, c.kind, c.en, c.zh] for n, c in self.concepts.items()],
                sorted(self.context_concepts), sorted(self.stopwords_en),
                sorted(self.question_cues_en), list(self.question_cues_zh)]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and other.fingerprint == self.fingerprint


def _expand(patterns: tuple[str, ...], names: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for pattern in patterns:
        if BRAND in pattern:
            out += [pattern.replace(BRAND, name) for name in names]
        else:
            out.append(pattern)
    return tuple(out)


# --- the shipped files ----------------------------------------------------------------------


def pack_names() -> list[str]:
    """The domain packs shipped with the code."""
    return sorted(p.stem for p in PACKS_DIR.glob("*.yaml"))


def pack_path(name: str) -> Path:
    if name not in pack_names():
        raise ConfigError(f"vocabulary.packs: no domain pack {name!r} (shipped: "
                          f"{', '.join(pack_names())})")
    return PACKS_DIR / f"{name}.yaml"


@functools.cache
def shipped_vocabulary(packs: tuple[str, ...] = DEFAULT_PACKS) -> Vocabulary:
    """language.yaml and the named packs, read once per process."""
    vocabulary = Vocabulary({}).merged(read_yaml(LANGUAGE_FILE), str(LANGUAGE_FILE))
    for name in packs:
        path = pack_path(name)
        vocabulary = vocabulary.merged(read_yaml(path), str(path))
    return vocabulary


def load_overlay(vocabulary: Vocabulary, path: str | Path) -> Vocabulary:
    """`vocabulary` with the operator's overlay file added; ConfigError on any problem."""
    return vocabulary.merged(read_yaml(path), str(path))


__all__ = ["BRAND", "DEFAULT_PACKS", "KINDS", "Concept", "Vocabulary", "load_overlay",
           "pack_names", "shipped_vocabulary"]

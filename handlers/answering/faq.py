"""The FAQ file: schema, validation and loading (SPEC §6)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, field_validator

from handlers.loading import ConfigError, read_yaml, validated

_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NonEmpty = Annotated[StrictStr, Field(min_length=1)]


def _check_langs(value: dict[str, object]) -> dict[str, object]:
    for lang in value:
        if not _LANG.match(lang):
            raise ValueError(f"{lang!r} is not a language code (use en, zh, ...)")
    return value


class FaqEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: NonEmpty
    category: StrictStr = ""
    questions: dict[StrictStr, list[NonEmpty]] = Field(default_factory=dict)
    keywords: dict[StrictStr, list[NonEmpty]] = Field(default_factory=dict)
    answer: dict[StrictStr, StrictStr]
    links: list[NonEmpty] = Field(default_factory=list)
    private: StrictBool = False

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use letters, digits, '-', '_' or '.', at most 64 characters")
        return value

    @field_validator("questions", "keywords", "answer")
    @classmethod
    def _lang_keys(cls, value: dict) -> dict:
        return _check_langs(value)

    @field_validator("answer")
    @classmethod
    def _some_answer(cls, value: dict[str, str]) -> dict[str, str]:
        if not any(text.strip() for text in value.values()):
            raise ValueError("the entry has no answer in any language")
        return {lang: text.strip() for lang, text in value.items() if text.strip()}

    @field_validator("links")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not re.match(r"^https?://\S+$", url):
                raise ValueError(f"{url!r} is not an http(s) link")
        return value

    def answer_in(self, lang: str, fallback: str) -> tuple[str, str]:
        """(language used, text): the asker's language, else the FAQ's first, else any."""
        for code in (lang, fallback):
            if code in self.answer:
                return code, self.answer[code]
        code = next(iter(self.answer))
        return code, self.answer[code]


class FaqFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(1, ge=1, le=1)
    entries: list[FaqEntry] = Field(min_length=1)


class Faq:
    """A validated FAQ: entries in file order, and the language to fall back to."""

    def __init__(self, entries: list[FaqEntry], source: str = "") -> None:
        self.entries = entries
        self.source = source
        self.default_language = next(iter(entries[0].answer)) if entries else "en"

    def __len__(self) -> int:
        return len(self.entries)


def parse_faq(raw: object, source: str = "faq.yaml") -> Faq:
    """Validate parsed YAML; raises ConfigError naming the file, entry and field."""
    parsed = validated(FaqFile, raw, source, "'version' and 'entries'", empty_ok=False,
                       entry_list="entries")
    seen: dict[str, int] = {}
    problems = []
    for index, entry in enumerate(parsed.entries, start=1):
        if entry.id in seen:
            problems.append(f"{source}: entry {index} (id {entry.id!r}), field id: "
                            f"duplicate of entry {seen[entry.id]}")
        seen.setdefault(entry.id, index)
        if not entry.questions and not entry.keywords:
            problems.append(f"{source}: entry {index} (id {entry.id!r}), field questions: "
                            "give at least one question or keyword, or the entry can never match")
    if problems:
        raise ConfigError("\n".join(problems))
    return Faq(list(parsed.entries), source)


def load_faq(path: str | Path) -> Faq:
    return parse_faq(read_yaml(path), str(path))


def faq_records(faq: Faq) -> list[dict]:
    """The validated entries as plain data, for the index cache."""
    return [entry.model_dump() for entry in faq.entries]


def faq_from_records(records: list[dict], source: str) -> Faq:
    """A Faq from `faq_records` output: entries that passed `parse_faq` when they were stored
    (the cache is checksummed), so they are not validated again."""
    return Faq([FaqEntry.model_construct(**record) for record in records], source)

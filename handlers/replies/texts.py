"""Every sentence the bot says, per language: read from texts.yaml next to this module, with
the operator's overrides (config `texts_overlay`) on top, and said through `Texts.say`.

The core says its sentences through the `Texts` its Knowledge carries, so an operator's
override reaches the members' answers and is taken up by /reload. The module-level `say` and
`reply_language` use the shipped sentences, for callers that have no Knowledge at hand.

Members' sentences exist in every language the file lists (Chinese and English); any other
language reads English. Staff sentences are English, other languages optional.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictStr

from handlers.loading import ConfigError, none_is_empty, read_yaml, validated

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yaml"
FORMAT_DOC = "handlers/replies/texts.yaml"   # named in error messages
DEFAULT_LANGUAGE = "en"
_FORMATTER = string.Formatter()


def placeholders(template: str) -> frozenset[str]:
    """The `{name}` values a sentence needs. Only plain names: no positions, attributes,
    indexes, conversions or formats (a sentence must not reach into the values it is given)."""
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as exc:
        raise ValueError(f"bad braces ({exc}); write a literal brace as {{{{ or }}}}") from None
    names = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "") + "}"
            raise ValueError(f"{shown} is not a placeholder: use a plain name such as {{ref}}")
        names.add(name)
    return frozenset(names)


def _template(value: str) -> str:
    placeholders(value)
    return value


def _key(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", value):
        raise ValueError(f"{value!r}: a text key is lower-case letters, digits and '_'")
    return value


def _language(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}", value):
        raise ValueError(f"{value!r} is not a language code (en, zh, ...)")
    return value


Key = Annotated[StrictStr, AfterValidator(_key)]
Language = Annotated[StrictStr, AfterValidator(_language)]
Template = Annotated[StrictStr, Field(min_length=1), AfterValidator(_template)]
Sentences = Annotated[dict[Key, dict[Language, Template]], BeforeValidator(none_is_empty)]


class TextsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(1, ge=1, le=1)
    languages: list[Language] = Field(min_length=1)
    member: Sentences = Field(default_factory=dict)
    staff: Sentences = Field(default_factory=dict)


class TextsOverlay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(1, ge=1, le=1)
    texts: Sentences = Field(default_factory=dict)


class Texts:
    """The sentences by language and key; `say` fills one in."""

    __slots__ = ("languages", "table", "needs", "sources", "_default")

    def __init__(self, table: Mapping[str, Mapping[str, str]], languages: tuple[str, ...],
                 needs: Mapping[str, frozenset[str]], sources: tuple[str, ...] = ()) -> None:
        self.table = {lang: dict(sentences) for lang, sentences in table.items()}
        self.languages = languages
        self.needs = dict(needs)          # key -> its placeholders
        self.sources = sources
        self._default = self.table[DEFAULT_LANGUAGE]

    def say(self, key: str, lang: str, **values: object) -> str:
        """The sentence `key` in `lang` (English when the language has none), filled in."""
        template = (self.table.get(lang) or self._default).get(key) or self._default[key]
        return template.format(**values) if values else template

    def reply_language(self, lang: str) -> str:
        """The language the bot answers someone writing in `lang`."""
        return lang if lang in self.table else DEFAULT_LANGUAGE

    def with_overlay(self, raw: object, source: str) -> Texts:
        """These sentences with the operator's overrides (parsed YAML from `source`); raises
        ConfigError naming the file, text and language of every problem."""
        parsed = validated(TextsOverlay, raw, source, "'texts'", entry_map="texts", noun="text",
                           see=FORMAT_DOC)
        problems = []
        table = {lang: dict(sentences) for lang, sentences in self.table.items()}
        for key, sentences in parsed.texts.items():
            if key not in self.needs:
                problems.append(f"{source}: text {key!r}: unknown text (check the spelling; see "
                                f"{FORMAT_DOC})")
                continue
            for lang, template in sentences.items():
                where = f"{source}: text {key!r}, field {lang}"
                if lang not in self.languages:
                    problems.append(f"{where}: not a language of the bot's texts "
                                    f"({', '.join(self.languages)})")
                    continue
                problem = _placeholder_problem(template, self.needs[key])
                if problem:
                    problems.append(f"{where}: {problem}")
                    continue
                table[lang][key] = template
        if problems:
            raise ConfigError("\n".join(problems))
        return Texts(table, self.languages, self.needs, (*self.sources, source))


def _placeholder_problem(template: str, needed: frozenset[str],
                         who: str = "the sentence") -> str:
    found = placeholders(template)
    if found == needed:
        return ""
    shown = ", ".join("{" + n + "}" for n in sorted(needed)) or "none"
    parts = []
    if needed - found:
        parts.append("missing " + ", ".join("{" + n + "}" for n in sorted(needed - found)))
    if found - needed:
        parts.append("unknown " + ", ".join("{" + n + "}" for n in sorted(found - needed)))
    return f"{who} must keep its placeholders ({shown}): {'; '.join(parts)}"


def parse_texts(raw: object, source: str) -> Texts:
    """The shipped sentences from parsed YAML; ConfigError naming file, text and language."""
    parsed = validated(TextsFile, raw, source, "'languages', 'member' and 'staff'",
                       empty_ok=False, see=FORMAT_DOC)
    languages = tuple(dict.fromkeys(parsed.languages))
    problems = []
    if DEFAULT_LANGUAGE not in languages:
        problems.append(f"{source}: field languages: must include {DEFAULT_LANGUAGE!r}")
    table: dict[str, dict[str, str]] = {lang: {} for lang in languages}
    needs: dict[str, frozenset[str]] = {}
    for section, required in (("member", languages), ("staff", (DEFAULT_LANGUAGE,))):
        for key, sentences in getattr(parsed, section).items():
            where = f"{source}: {section} text {key!r}"
            if key in needs:
                problems.append(f"{where}: also listed under member")
                continue
            for lang in required:
                if lang not in sentences:
                    problems.append(f"{where}, field {lang}: missing (every {section} sentence is "
                                    f"in {', '.join(required)})")
            first = sentences.get(DEFAULT_LANGUAGE) or next(iter(sentences.values()), "")
            needs[key] = placeholders(first)
            for lang, template in sentences.items():
                if lang not in table:
                    problems.append(f"{where}, field {lang}: not one of the languages "
                                    f"({', '.join(languages)})")
                    continue
                problem = _placeholder_problem(template, needs[key], "each language")
                if problem:
                    problems.append(f"{where}, field {lang}: {problem}")
                table[lang][key] = template
    if problems:
        raise ConfigError("\n".join(problems))
    return Texts(table, languages, needs, (source,))


def load_texts(path: str | Path = TEXTS_FILE) -> Texts:
    return parse_texts(read_yaml(path), str(path))


def load_overlay(texts: Texts, path: str | Path) -> Texts:
    """`texts` with the operator's overrides from the file at `path`."""
    return texts.with_overlay(read_yaml(path), str(path))


# Read once, at import: the shipped sentences, for callers without Knowledge (and its default).
SHIPPED = load_texts()


def say(key: str, lang: str, **values: object) -> str:
    """A shipped sentence (no operator override): for callers without Knowledge."""
    return SHIPPED.say(key, lang, **values)


def reply_language(lang: str) -> str:
    return SHIPPED.reply_language(lang)


__all__ = ["SHIPPED", "Texts", "load_overlay", "load_texts", "parse_texts", "placeholders",
           "reply_language", "say"]

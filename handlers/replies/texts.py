"""Every sentence the bot says, per language: read from the gettext catalogues in `locale/`
next to this module (`messages.pot`: the English source, each sentence's key its msgctxt;
`<lang>.po`: one per language, the translators' files, plural forms where a number is said),
with the operator's overrides (config `texts_overlay`) on top, and said through `Texts.say`.

The core says its sentences through the `Texts` its Knowledge carries, so an operator's
override reaches the members' answers and is taken up by /reload. The module-level `say` and
`reply_language` use the shipped sentences, for callers that have no Knowledge at hand.

Members' sentences exist in every language with a catalogue (English, Chinese, Russian); a
member writing in another language reads English. Staff sentences are English, other
languages optional.
"""

from __future__ import annotations

import gettext
import re
import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictStr

from handlers.loading import ConfigError, none_is_empty, read_yaml, validated

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
FORMAT_DOC = "handlers/replies/locale/messages.pot"   # named in error messages
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

    __slots__ = ("languages", "table", "needs", "sources", "plurals", "_default")

    def __init__(self, table: Mapping[str, Mapping[str, str]], languages: tuple[str, ...],
                 needs: Mapping[str, frozenset[str]], sources: tuple[str, ...] = (),
                 plurals: Mapping[str, Plural] | None = None) -> None:
        self.table = {lang: dict(sentences) for lang, sentences in table.items()}
        self.languages = languages
        self.needs = dict(needs)          # key -> its placeholders
        self.sources = sources
        self.plurals = dict(plurals or {})   # "lang:key" -> its forms and the language's rule
        self._default = self.table[DEFAULT_LANGUAGE]

    def say(self, key: str, lang: str, **values: object) -> str:
        """The sentence `key` in `lang` (English when the language has none), filled in; a
        sentence with plural forms takes the one its number needs ("1 hour", "3 часа")."""
        if key not in (self.table.get(lang) or {}):
            lang = DEFAULT_LANGUAGE
        template = self.table[lang].get(key) or self._default[key]
        plural = self.plurals.get(f"{lang}:{key}")
        if plural is not None:
            template = plural.form(values)
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
        overridden: set[str] = set()   # an override is one sentence: it drops plural forms
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
                overridden.add(f"{lang}:{key}")
        if problems:
            raise ConfigError("\n".join(problems))
        plurals = {k: v for k, v in self.plurals.items() if k not in overridden}
        return Texts(table, self.languages, self.needs, (*self.sources, source), plurals)


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


class Plural:
    """A sentence's plural forms in one language and that language's gettext rule."""

    __slots__ = ("forms", "rule")

    def __init__(self, forms: tuple[str, ...], rule: Callable[[int], int]) -> None:
        self.forms = forms
        self.rule = rule

    def form(self, values: Mapping[str, object]) -> str:
        """The form for the sentence's number: `count`, else its first whole-number value."""
        number = values.get("count")
        if not isinstance(number, int):
            number = next((v for v in values.values() if isinstance(v, int)
                           and not isinstance(v, bool)), 1)
        index = self.rule(int(number))
        return self.forms[min(max(index, 0), len(self.forms) - 1)]


def read_catalogues(folder: str | Path = LOCALE_DIR) -> tuple[dict, dict[str, Plural]]:
    """The catalogues as the sentences table `parse_texts` checks (English from the template,
    one language per `.po`), and the plural forms. A fuzzy or empty translation counts as
    missing, so a half-done file is refused with each missing sentence named."""
    from babel.messages.pofile import read_po

    folder = Path(folder)
    raw: dict = {"version": 1, "languages": [DEFAULT_LANGUAGE], "member": {}, "staff": {}}
    plurals: dict[str, Plural] = {}
    sections: dict[str, str] = {}

    def read(path: Path, lang: str):
        with path.open("rb") as f:
            return read_po(f, locale=lang, abort_invalid=True)

    template = read(folder / "messages.pot", DEFAULT_LANGUAGE)
    for m in template:
        if not m.id or not m.context:
            continue
        section = "staff" if "staff" in m.auto_comments else "member"
        sections[m.context] = section
        if isinstance(m.id, tuple):   # (singular, plural): English's two forms
            raw[section][m.context] = {DEFAULT_LANGUAGE: m.id[-1]}
            plurals[f"{DEFAULT_LANGUAGE}:{m.context}"] = Plural(
                tuple(m.id), gettext.c2py(template.plural_expr))
        else:
            raw[section][m.context] = {DEFAULT_LANGUAGE: m.id}
    for path in sorted(folder.glob("*.po")):
        lang = path.stem
        catalog = read(path, lang)
        raw["languages"].append(lang)
        rule = gettext.c2py(catalog.plural_expr)
        for m in catalog:
            key = m.context
            if not m.id or key not in sections or m.fuzzy:
                continue
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if not all(strings):
                continue
            raw[sections[key]][key][lang] = strings[-1]
            if isinstance(m.id, tuple):
                plurals[f"{lang}:{key}"] = Plural(tuple(strings), rule)
    return raw, plurals


def load_texts(folder: str | Path = LOCALE_DIR) -> Texts:
    raw, plurals = read_catalogues(folder)
    texts = parse_texts(raw, str(folder))
    problems = [f"{folder}/{key.split(':')[0]}.po: text {key.split(':')[1]!r}: "
                f"{_placeholder_problem(form, texts.needs[key.split(':')[1]], 'each plural form')}"
                for key, plural in plurals.items() for form in plural.forms
                if _placeholder_problem(form, texts.needs[key.split(':')[1]])]
    if problems:
        raise ConfigError("\n".join(problems))
    return Texts(texts.table, texts.languages, texts.needs, texts.sources, plurals)


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

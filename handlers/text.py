"""Text normalisation shared by every detector: one place decides what a "word" is."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Zero-width and bidi controls: invisible, so they must never split or join words.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060,
     0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
     # strike-through and slash marks laid over letters ("h̷e̷l̷p̷"): decoration, not text
     *range(0x0334, 0x0339)]
)
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_]{1,32}")
_LEADING_HANDLES = re.compile(r"^(?:\s*@[A-Za-z0-9_]{1,32}[\s,:]*)+")
# A bare domain is tried only where a run of host characters starts: after anything else,
# after an empty label ("...site.com"), or after one to three leading dashes. A start inside
# a run finds nothing the run's start did not (the chain of labels reaches it), and trying
# every position of "a.a.a.…" or "a-a-a-…" made the search quadratic.
_URL_START = (r"(?:(?<![a-z0-9.-])|(?<=\.)(?<![a-z0-9-]\.)|(?<=-)(?<![a-z0-9.-]-)"
              r"|(?<=--)(?<![a-z0-9.-]--)|(?<=---)(?<![a-z0-9.-]---))")
_URL = re.compile(r"(?:https?://|www\.)\S+|" + _URL_START +
                  r"\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/\S*)?", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]")
_CONTRACTION = re.compile(r"['’](?:t|s|re|ve|ll|d|m)$")


# How much of one message the core reads: three Telegram messages' worth (4,096 characters
# each). X long posts and `triage` lines can be longer; what follows is not looked at, so no
# text, however long, costs more than this much to judge.
MAX_TEXT_CHARS = 3 * 4096


def bounded(text: str) -> str:
    """The part of a message the core reads (see MAX_TEXT_CHARS)."""
    return text[:MAX_TEXT_CHARS]


_INVISIBLE_CHARS = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")


def canonical(text: str) -> str:
    """NFKC with invisible characters removed, case kept: what the safety checks and the
    redaction read, so a secret written in full-width forms or split by zero-width marks is
    still found (and masked) as that secret."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_INVISIBLE) if _INVISIBLE_CHARS.search(text) else text
    return _MIXED_WORD.sub(_latin_word, text) if _CYRILLIC_LOOKALIKE.search(text) else text


# Cyrillic letters that look like Latin ones, written inside Latin words to slip past filters
# ("Cоntаct suppоrt оn WhаtsApp"): read as the Latin letters they imitate. One letter for one,
# so positions stay; a word of Cyrillic only (Russian) is left as it is.
_LOOKALIKE_LATIN = str.maketrans("аеорсухіјѕԁӏАВЕКМНОРСТХУІЈЅ", "aeopcyxijsdlABEKMHOPCTXYIJS")
_CYRILLIC_LOOKALIKE = re.compile("[аеорсухіјѕԁӏАВЕКМНОРСТХУІЈЅ]")
# (Never inside a link, a domain or a handle: "аurora.example" must stay the look-alike it is.)
_MIXED_WORD = re.compile(r"(?<![@/.\w])(?=\w*[A-Za-z])(?=\w*[аеорсухіјѕԁӏАВЕКМНОРСТХУІЈЅ])\w+"
                         r"(?![\w@/]|[.\-]\w)")


def _latin_word(m: re.Match[str]) -> str:
    return m.group().translate(_LOOKALIKE_LATIN)


@lru_cache(maxsize=1)
def _simplified_table() -> dict[int, str]:
    """OpenCC's traditional-to-simplified characters, one character for one (the first
    reading), so every position in a text stays where it was."""
    import opencc_purepy  # its dictionaries ship with it: nothing is downloaded

    path = Path(opencc_purepy.__file__).parent / "dicts" / "TSCharacters.txt"
    table = {}
    for line in path.read_text("utf-8").splitlines():
        source, _, targets = line.partition("\t")
        first = targets.split()[0] if targets.split() else ""
        if len(source) == 1 and len(first) == 1 and source != first:
            table[ord(source)] = first
    table[ord("矽")] = "硅"   # BIP39's two Chinese lists write this one word differently
    return table


# Written Cantonese's particles as Mandarin's ("俾人hack咗" is "被人hack了", "冇做過" is
# "没做过"). Not for recovery phrases: Cantonese read as Mandarin runs of common characters
# together, and a chance checksum would make a sentence a phrase.
_CANTONESE = str.maketrans({"俾": "被", "咗": "了", "冇": "没", "嘅": "的", "唔": "不", "嗰": "那",
                            "係": "是", "系": "是", "佢": "他", "喺": "在", "啲": "些", "睇": "看"})


def mandarin(text: str) -> str:
    """`simplified`, then Cantonese particles as Mandarin ones, position for position: what
    the emergency check reads."""
    text = simplified(text)
    return text.translate(_CANTONESE) if _HAN.search(text) else text


def simplified(text: str) -> str:
    """Traditional Chinese characters as simplified ones, position for position: what the
    safety checks read, so "驗證碼", "密鑰" and "帳號被盜" are the words they know, and a
    traditional recovery phrase is the simplified phrase with the same indices."""
    if text.isascii() or not _HAN.search(text):
        return text
    return text.translate(_simplified_table())


# Cyrillic and Greek letters drawn like Latin ones ("abаndon" with a Cyrillic а): a secret
# written with a few of them is still that secret to a wallet's reader, a person's eyes and a
# thief. Folded only inside words that also hold Latin letters, or made wholly of look-alikes,
# in a text that has Latin letters: Russian or Greek prose keeps its own words.
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝкАВЕКМНОРСТХУІЈЅοαικνρυχΑΒΕΖΗΙΚΜΝΟΡΤΧΥ",
    "aeopcyxijsdhlqwkABEKMHOPCTXYIJSoaikvpuxABEZHIKMNOPTXY")
_LOOKALIKE_CHARS = "аеорсухіјѕԁһӏԛԝкАВЕКМНОРСТХУІЈЅοαικνρυχΑΒΕΖΗΙΚΜΝΟΡΤΧΥ"
_HAS_LOOKALIKE = re.compile(f"[{_LOOKALIKE_CHARS}]")
_LETTERS = re.compile(r"[^\W\d_]+")
_LATIN_OR_LOOKALIKE = re.compile(f"[A-Za-z{_LOOKALIKE_CHARS}]+")
_OTHER_CYRILLIC_OR_GREEK = re.compile(f"(?![{_LOOKALIKE_CHARS}])[\u0370-\u03ff\u0400-\u04ff]")


def latin_lookalikes(text: str) -> str:
    """Look-alike Cyrillic and Greek letters as the Latin ones they imitate, position for
    position, in words that mix them with Latin letters ("abаndon"), and in words made only
    of look-alikes when no word of the text uses any other Cyrillic or Greek letter (a
    Russian phrase or sentence is left as it is)."""
    if text.isascii() or not _HAS_LOOKALIKE.search(text) or not _LATIN.search(text.lower()):
        return text
    whole = _OTHER_CYRILLIC_OR_GREEK.search(text) is None

    def fold(m: re.Match[str]) -> str:
        word = m.group()
        if _HAS_LOOKALIKE.search(word) and _LATIN_OR_LOOKALIKE.fullmatch(word) and \
                (whole or _LATIN.search(word.lower())):
            return word.translate(_LOOKALIKES)
        return word

    return _LETTERS.sub(fold, text)


def normalize(text: str) -> str:
    """NFKC, lower case, invisible characters removed: full-width forms become ASCII."""
    if text.isascii():
        return text.lower()   # NFKC leaves ASCII as it is, and no invisible mark is ASCII
    text = unicodedata.normalize("NFKC", text)
    if _INVISIBLE_CHARS.search(text):
        text = text.translate(_INVISIBLE)
    # Traditional characters as simplified: "提幣" and "提币" are one word to the matcher.
    return simplified(text).lower()


_NEGATION = re.compile(r"\b([a-z]+)n['’]t\b")
_NEGATION_HEADS = {"ca": "can", "wo": "will", "ai": "is", "sha": "shall"}


def expand_negations(text: str) -> str:
    """ "hasn't" -> "has not", so "not filled" and "hasn't filled" meet. Expects lower case."""
    if "'" not in text and "’" not in text:
        return text   # the common case, without running the pattern
    return _NEGATION.sub(lambda m: _NEGATION_HEADS.get(m.group(1), m.group(1)) + " not", text)


def strip_leading_handles(text: str) -> str:
    """Drop the "@brand @other" prefix X puts in front of every reply."""
    return _LEADING_HANDLES.sub("", text) if "@" in text else text


def _may_hold_url(text: str) -> bool:
    # Every link the pattern knows has a dot or "://": most chat lines need no regex at all.
    return "." in text or "://" in text


def has_url(text: str) -> bool:
    return _may_hold_url(text) and bool(_URL.search(text))


def without_urls_and_handles(text: str) -> str:
    """Text with links and @handles removed, for matching on what the person wrote."""
    return links_removed(text)[0]


def links_removed(text: str) -> tuple[str, bool]:
    """(text with links and @handles removed, whether it held a link): one pass for both."""
    found = 0
    if _may_hold_url(text):
        text, found = _URL.subn(" ", text)
    return (_HANDLE.sub(" ", text) if "@" in text else text), found > 0


_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


def sentences(text: str) -> list[str]:
    """The sentences of a text, in order. A dot inside a link or a number
    ("help.example.com", "0.5") does not end one."""
    protected = re.sub(r"(?<=\w)\.(?=\w)", "\0", text)
    return [s.replace("\0", ".").strip() for s in _SENTENCE.findall(protected) if s.strip()]


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def latin_count(text: str) -> int:
    return len(_LATIN.findall(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stem: plurals and -ed/-ing only, so "activity" never meets "activate".

    Both sides of every comparison use it, so "charged", "charges" and "charge" all meet.
    """
    word = _CONTRACTION.sub("", word)
    if word[:-1].isdigit() and word.endswith("s"):
        return word[:-1]  # "429s" -> "429"
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    elif word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # stopp -> stop, logg -> log
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Latin words (lower case) and runs of Han characters, in order. Expects normalized text."""
    return _WORD.findall(text)


# Script → language code, for replies. Chinese wins over Latin because a Chinese speaker
# writing "KYC" or "funding" in a sentence is common; the reverse is rare.
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
)


def detect_language(text: str) -> str:
    """Best guess of the language to answer in: "zh", "en", or another ISO code by script."""
    han = han_count(text)
    if han >= 2 or (han == 1 and latin_count(text) < 4):
        for code, pattern in _SCRIPTS[:1]:  # kana next to Han means Japanese
            if pattern.search(text):
                return code
        return "zh"
    latin = None
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(text)) < 2:
            continue
        if code != "ru":
            return code
        # Cyrillic letters inside Latin words are look-alikes ("mу раsswоrd", a trick to slip
        # past filters), not Russian: only whole Cyrillic words count, and they must not be a
        # stray few in an English message.
        cyrillic = sum(len(w) for w in _CYRILLIC_WORD.findall(text))
        latin = latin_count(text) if latin is None else latin
        if cyrillic >= 2 and cyrillic * 3 >= latin:
            return code
    return "en"


# A word of Cyrillic letters only (no Latin letter inside it).
_CYRILLIC_WORD = re.compile(r"(?<![A-Za-z\u0400-\u04ff])[\u0400-\u04ff]+(?![A-Za-z\u0400-\u04ff])")

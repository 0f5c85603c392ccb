"""One function that masks every secret and piece of personal data in a text.

Used for everything stored and logged. It errs on the side of masking: a stored transcript
that says "[number]" where an amount was is a small loss; a stored seed phrase is a theft.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from mnemonic import Mnemonic

from handlers.detectors.credentials import find_secrets, looks_like_password
from handlers.detectors.personal_data import find_personal_data
from handlers.text import MAX_TEXT_CHARS, bounded, canonical


@lru_cache(maxsize=1)
def _bip39_en() -> frozenset[str]:
    return frozenset(Mnemonic("english").wordlist)


@lru_cache(maxsize=1)
def _bip39_zh() -> frozenset[str]:
    return frozenset(Mnemonic("chinese_simplified").wordlist) | frozenset(
        Mnemonic("chinese_traditional").wordlist)


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[A-Za-z]")


def _key_like(m: re.Match[str]) -> str:
    token = m.group()
    return "[key]" if _DIGIT.search(token) and _LETTER.search(token) else token


_HEX = re.compile(r"[0-9a-fA-F]")


def _grouped_hex(m: re.Match[str]) -> str:
    # A key or hash written in groups ("0x 3a4f60fc b59c4cf7 …"): 40+ hex digits in all.
    return "[key]" if len(_HEX.findall(m.group())) >= 40 else m.group()


# Order matters: the most specific shapes first, so a private key is not left half-masked as
# a "number".
_PATTERNS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    # Credentials stated as such: "password: x", "pw is x", "密码是 x", "2fa code 123456".
    (re.compile(r"(?i)((?:password|passwd|passcode|pwd|\bpw|密码|口令)\s*(?:\bis\b|\bwas\b|=|:|：|是|为)\s*)"
                r"(\S+)"), r"\1[password]"),
    (re.compile(r"(?i)((?:api[ _-]?)?(?:secret(?:[ _-]?key)?|private[ _-]?key|api[ _-]?key|"
                r"apikey|密钥|私钥)\s*(?:is|=|:|：|是|为)?\s*)([A-Za-z0-9+/=_\-]{16,})"),
     r"\1[key]"),
    (re.compile(r"\b[xyzt]prv[1-9A-HJ-NP-Za-km-z]{100,112}\b"), "[key]"),
    (re.compile(r"\b[5KLc9][1-9A-HJ-NP-Za-km-z]{50,51}\b"), "[key]"),
    (re.compile(r"(?<![0-9A-Za-z])(?:0x\s?)?[0-9a-fA-F]{4,16}(?:[ \t:\n-]{1,2}[0-9a-fA-F]{4,16}){3,}"
                r"(?![0-9A-Za-z])"), _grouped_hex),
]
# Credentials written as such ("password: x", "api key x", extended and WIF private keys).
_STATED_SECRETS = list(_PATTERNS)
_PATTERNS += [
    # Hashes, keys and addresses.
    (re.compile(r"\b0x[0-9a-fA-F]{64}\b"), "[hash]"),
    (re.compile(r"\b[0-9a-fA-F]{64}\b"), "[key]"),
    (re.compile(r"\b0x[0-9a-fA-F]{40}\b"), "[address]"),
    (re.compile(r"\b(?:bc1|tb1|ltc1)[02-9ac-hj-np-z]{11,87}\b", re.IGNORECASE), "[address]"),
    (re.compile(rf"\b[13][{_B58}]{{25,34}}\b"), "[address]"),
    (re.compile(rf"\bT[{_B58}]{{33}}\b"), "[address]"),
    (re.compile(rf"\b[{_B58}]{{32,44}}\b"), "[address]"),
    # Long random-looking tokens (API keys and secrets): letters and digits mixed, 20+ chars,
    # the whole run masked (see _key_like). A lookahead from every word boundary in the run
    # was quadratic on "a-a-a-…".
    (re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{20,}"), _key_like),
    # Contact data. The local part is read from its start in one go (was quadratic).
    (re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<![\w/])\+\d[\d\s().-]{7,17}\d"), "[phone]"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "[phone]"),
    (re.compile(r"\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b"), "[phone]"),
    # Dates of birth and ID numbers.
    (re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"), "[date]"),
    (re.compile(r"(?i)\b(?:born|dob|birthday|birth date)\b[:\s]*\S+(?:\s+\S+){0,2}"), "[date]"),
    (re.compile(r"(?<![\d])\d{17}[\dXx](?![\d])"), "[id number]"),
    # Any other long number: UIDs, order numbers, codes.
    (re.compile(r"(?<![\d.,])\d{6,}(?![\d])"), "[number]"),
]

_WORD = re.compile(r"[a-z]+", re.IGNORECASE)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Eight or more single Han characters separated by spaces, commas or numbers: how Chinese
# mnemonics are written down ("的 一 是 在 …").
_ZH_RUN = re.compile(r"(?<![\u4e00-\u9fff])(?:[\u4e00-\u9fff][\s,，、.。;；\d]+){7,}[\u4e00-\u9fff]"
                     r"(?![\u4e00-\u9fff])")
_ZH_RUN_STRICT = re.compile(r"(?<![\u4e00-\u9fff])(?:[\u4e00-\u9fff][\s,，、.。;；\d]+){3,}[\u4e00-\u9fff]"
                            r"(?![\u4e00-\u9fff])")


def redact(text: str | None, strict: bool = False) -> str:
    """The text with secrets and personal data replaced by [kind] markers.

    First every span the detectors find (the same checks that label messages: seed phrases in
    any BIP39 language, keys, passwords, codes, addresses, emails, phones, IDs), then a net of
    broader patterns for anything shaped like a secret or an identifier that they let pass.
    `strict`: the member just leaked a phrase over several messages, so runs of 4+ wordlist
    words are masked too (see _mask_seed_words)."""
    if not text:
        return ""
    text = canonical(text)
    if len(text) > MAX_TEXT_CHARS:
        # What the core reads, and far more than any caller keeps: the rest is dropped, not
        # passed through unmasked.
        text = bounded(text) + " […]"
    spans = [(s.start, s.end, _SECRET_MARK.get(s.finding.check, "[secret]"))
             for s in find_secrets(text)]
    spans += [(d.start, d.end, f"[{d.kind}]") for d in find_personal_data(text)]
    for start, end, mark in sorted(_merge(spans), reverse=True):
        text = text[:start] + mark + text[end:]
    text = _mask_seed_words(text, strict)
    for pattern, replacement in _PATTERNS:
        if replacement != "[email]" or "@" in text:
            text = pattern.sub(replacement, text)
    return text


def redact_secrets(text: str | None) -> str:
    """Only the secrets masked (seed phrases, keys, API secrets, passwords, codes): for text a
    moderator writes to a member, whose order number or email may be meant for them."""
    if not text:
        return ""
    text = canonical(text)
    for s in sorted(find_secrets(text), key=lambda s: s.start, reverse=True):
        text = text[:s.start] + _SECRET_MARK.get(s.finding.check, "[secret]") + text[s.end:]
    text = _mask_seed_words(text, False, fragments=False)   # a moderator writes sentences
    for pattern, replacement in _STATED_SECRETS:
        text = pattern.sub(replacement, text)
    return text


_TOKEN = re.compile(r"\S{6,60}")
_TOKEN_EDGES = "\"'`“”‘’()[]{}<>,.;:!?"


def redact_lesson(text: str | None) -> str:
    """Redacted for keeping indefinitely (a moderator's lesson): also every token shaped like a
    password, said to be one or not ("bob_k / Kj83!xPq9", "[email]:Winter2023!")."""
    def mask(m: re.Match[str]) -> str:
        token = m.group()
        for part in re.split(r"[:/]", token):
            core = part.strip(_TOKEN_EDGES)
            if core and not core.startswith(("@", "#", "[")) and looks_like_password(core):
                token = token.replace(core, "[password]")
        return token
    return _TOKEN.sub(mask, redact(text))


_SECRET_MARK = {"seed-phrase": "[seed phrase]", "private-key": "[key]", "api-secret": "[key]",
                "password": "[password]", "2fa-code": "[code]", "card-number": "[card]"}


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans become one (the earliest-starting one's marker wins)."""
    out: list[tuple[int, int, str]] = []
    for start, end, mark in sorted(spans):
        if out and start < out[-1][1]:
            prev = out[-1]
            out[-1] = (prev[0], max(prev[1], end), prev[2])
        else:
            out.append((start, end, mark))
    return out


_SEED_WORDS_CONTEXT = re.compile(r"(?i)seed|phrase|mnemonic|recovery|\bwords\b|助记词|助記詞|种子|種子")


def _mask_seed_words(text: str, strict: bool = False, fragments: bool = True) -> str:
    """Mask runs of English BIP39 words, and of separated single Chinese list characters.

    Eight or more in a row always. Four or more (a third of a 12-word phrase, which is how a
    phrase split over messages arrives) when `strict`, when the text names seed phrases, or
    when the run is nearly the whole text (a message of nothing but list words is a fragment,
    not a sentence: 13 of 8,871 ordinary English messages — SMS, CLINC — look like that)."""
    words = _bip39_en()
    found = list(_WORD.finditer(text))
    short = 4 if strict or _SEED_WORDS_CONTEXT.search(text) else 8
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for m in [*found, None]:
        if m is not None and m.group().lower() in words and (
                not run or re.fullmatch(r"[\s,.;:\-\d)(\n]*", text[run[-1].end():m.start()])):
            run.append(m)
            continue
        if len(run) >= short or (fragments and len(run) >= 4 and len(run) >= 0.8 * len(found)):
            spans.append((run[0].start(), run[-1].end()))
        run = [m] if m is not None and m.group().lower() in words else []
    zh_words = _bip39_zh()
    for m in (_ZH_RUN_STRICT if strict else _ZH_RUN).finditer(text):
        chars = _HAN.findall(m.group())
        if sum(ch in zh_words for ch in chars) >= len(chars) - (0 if strict else 1):
            spans.append(m.span())
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + "[seed phrase]" + text[end:]
    return text

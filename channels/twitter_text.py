"""Fitting the bot's answers into X posts: 280 weighted characters each, links kept.

X counts text the way twitter-text v3 does: most Latin and punctuation count 1, CJK and emoji
count 2, and every link counts 23 whatever its length. A longer answer becomes a short numbered
thread; one too long even for that is cut at a sentence and keeps its link(s), because the help
article is the part that must survive.
"""

from __future__ import annotations

import re
import unicodedata

LIMIT = 280
MAX_PARTS = 3
URL_WEIGHT = 23
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))   # twitter-text v3 weight-1 ranges
_URL = re.compile(r"https?://\S+|(?<![@\w.-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/\S*)?")
_TRAILING = ".,;:!?)]}'\"。，；：！？）」』"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])")
_NUMBER_ROOM = 8          # " 10/10" and a margin


def _char_weight(ch: str) -> int:
    code = ord(ch)
    return 1 if any(lo <= code <= hi for lo, hi in _LIGHT) else 2


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _TRAILING:
            end -= 1
        spans.append((m.start(), end))
    return spans


def weighted_length(text: str) -> int:
    """The length X checks against 280 (links 23, CJK and emoji 2). Errs on the long side."""
    text = unicodedata.normalize("NFC", text)
    total, pos = 0, 0
    for start, end in _url_spans(text):
        total += sum(_char_weight(c) for c in text[pos:start])
        bare = not text.startswith("http", start)
        # X shortens every link it recognises to 23; a bare domain it may not recognise.
        total += max(URL_WEIGHT, end - start) if bare else URL_WEIGHT
        pos = end
    return total + sum(_char_weight(c) for c in text[pos:])


def links(text: str) -> list[str]:
    return [text[s:e] for s, e in _url_spans(text)]


def split_for_x(text: str, limit: int = LIMIT, max_parts: int = MAX_PARTS) -> list[str]:
    """One post if it fits; else a numbered thread of at most `max_parts` posts; beyond that,
    the text is cut at a sentence and every link of the original is kept."""
    text = unicodedata.normalize("NFC", text).strip()
    if weighted_length(text) <= limit:
        return [text]
    room = limit - _NUMBER_ROOM
    parts = _pack(_pieces(text, room), room)
    if len(parts) > max_parts:
        parts = parts[:max_parts]
        parts[-1] = _with_links(parts[-1], [u for u in links(text) if not any(u in p for p in parts)],
                                room)
    if len(parts) == 1:
        return parts
    return [f"{part} {i}/{len(parts)}" for i, part in enumerate(parts, 1)]


def _pieces(text: str, room: int) -> list[tuple[str, str]]:
    """(piece, separator before it): sentences, or the words of an over-long sentence."""
    out: list[tuple[str, str]] = []
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    for p_index, paragraph in enumerate(paragraphs):
        sentences = [s for s in _SENTENCE_END.split(paragraph) if s.strip()]
        for s_index, sentence in enumerate(sentences):
            if s_index == 0:
                sep = "\n\n" if p_index else ""
            else:
                sep = "" if sentences[s_index - 1][-1:] in "。！？；" else " "
            if weighted_length(sentence) <= room:
                out.append((sentence, sep))
                continue
            words = _words(sentence, room)
            out.append((words[0][0], sep))
            out.extend(words[1:])
    return out


_TOKEN = re.compile(r"(\s*)(\S+)")


def _words(sentence: str, room: int) -> list[tuple[str, str]]:
    """Words with their separators; a word still too long (a CJK run) is cut into characters,
    never inside a link."""
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(sentence):
        sep, word = (" " if m.group(1) else ""), m.group(2)
        if weighted_length(word) <= room:
            out.append((word, sep))
            continue
        pos = 0
        for start, end in [*_url_spans(word), (len(word), len(word))]:
            for chunk in _cut(word[pos:start], room):
                out.append((chunk, sep))
                sep = ""
            if end > start:
                out.append((word[start:end], sep))
                sep = ""
            pos = end
    return out


def _cut(word: str, room: int) -> list[str]:
    pieces, current, weight = [], "", 0
    for ch in word:
        w = _char_weight(ch)
        if weight + w > room:
            pieces.append(current)
            current, weight = "", 0
        current += ch
        weight += w
    if current:
        pieces.append(current)
    return pieces


def _pack(pieces: list[tuple[str, str]], room: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for piece, sep in pieces:
        candidate = f"{current}{sep}{piece}" if current else piece
        if current and weighted_length(candidate) > room:
            parts.append(current.strip())
            current = piece
        else:
            current = candidate
    if current.strip():
        parts.append(current.strip())
    return parts


def _with_links(part: str, missing: list[str], room: int) -> str:
    """Cut `part` until the missing links fit after it, marking the cut with an ellipsis."""
    if not missing:
        return part
    tail = " ".join(dict.fromkeys(missing))
    body = part
    while body and weighted_length(f"{body}… {tail}") > room:
        cut = max(body.rfind(" "), body.rfind("。"), body.rfind("，"))
        body = body[:cut] if cut > len(body) // 2 else body[:-1]
    return f"{body.rstrip()}… {tail}" if body.strip() else tail

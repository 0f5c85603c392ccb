#!/usr/bin/env python3
"""Builds handlers/detectors/data/zh_char_pairs.txt: how ordinary Chinese strings BIP39 characters together.

A Chinese seed phrase written without spaces is 12-24 characters drawn uniformly from the 2,048
of the BIP39 list; ordinary Chinese is made of those same characters (98% of running text), but
in words. The detector (handlers/detectors/chinese_seeds.py) tells the two apart with a character bigram
model of ordinary text, built here from jieba's dictionary (jieba 0.42.1, MIT licence: 349,046
words with corpus frequencies):

- a unigram frequency for each of the 2,048 characters (simplified and traditional lists share
  indices, so one table serves both), and
- for each pair of list characters that occurs inside a dictionary word of frequency >= 30,
  P(second | first) within words, kept when it at least doubles the unigram odds.

    pip install --target /tmp/jieba jieba==0.42.1
    python bench/research/build_zh_char_pairs.py /tmp/jieba/jieba/dict.txt

Deterministic: the same dictionary gives the same file.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

from mnemonic import Mnemonic

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "handlers" / "detectors" / "data" / "zh_char_pairs.txt"
MIN_WORD_FREQ = 30      # rarer dictionary words are names and jargon, not how people write
MIN_GAIN = 2.0          # keep a pair only if P(b | a) beats P(b) at least this much


def main(dict_path: str) -> None:
    simplified = Mnemonic("chinese_simplified").wordlist
    traditional = Mnemonic("chinese_traditional").wordlist
    index = {c: i for i, c in enumerate(traditional)} | {c: i for i, c in enumerate(simplified)}
    n = len(simplified)
    unigram: Counter[int] = Counter()
    bigram: Counter[tuple[int, int]] = Counter()
    for line in Path(dict_path).read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        f = int(freq)
        ids = [index.get(ch) for ch in word]
        for i in ids:
            if i is not None:
                unigram[i] += f
        if len(word) >= 2 and f >= MIN_WORD_FREQ:
            for a, b in zip(ids, ids[1:]):
                if a is not None and b is not None:
                    bigram[a, b] += f
    total = sum(unigram.values())
    p_uni = [(unigram[i] + 1) / (total + n) for i in range(n)]
    left: Counter[int] = Counter()
    for (a, _), f in bigram.items():
        left[a] += f
    pairs: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    kept = 0
    for (a, b), f in sorted(bigram.items()):
        p = f / left[a]
        if p >= MIN_GAIN * p_uni[b]:
            pairs[a][min(15, round(-math.log2(p)))].append(b)
            kept += 1
    lines = [
        "# Ordinary Chinese around the 2,048 BIP39 characters: a character bigram model.",
        "# Built by bench/research/build_zh_char_pairs.py from jieba 0.42.1's dict.txt (MIT licence).",
        "# One line per list index, in list order: the simplified character, the unigram",
        "# probability as -2*log2(p) (half bits), then groups 'Q:chars': the characters that follow",
        "# it inside words with P(next | this) about 2**-Q.",
        f"# {n} characters, {kept} pairs.",
    ]
    for i, ch in enumerate(simplified):
        groups = " ".join(f"{q}:{''.join(simplified[b] for b in bs)}"
                          for q, bs in sorted(pairs[i].items()))
        lines.append(f"{ch} {round(-2 * math.log2(p_uni[i]))} {groups}".rstrip())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, {kept} pairs)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dict.txt")

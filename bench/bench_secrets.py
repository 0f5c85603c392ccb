#!/usr/bin/env python3
"""Secret detection: precision and recall on labelled messages, flags on ordinary ones, cost.

    python bench/bench_secrets.py [--labelled corpus/safety/train-validation.jsonl] [-v]

- labelled: `bool(find_secrets(canonical(text)))` against each row's `secret` label, overall
  and per split, per family with -v (the misses and false flags listed);
- ordinary: how many messages of the FAQ corpora (corpus/*/messages.jsonl, none of them
  secrets) and of the FAQ texts (faq.yaml, corpus/*/faq.yaml) are flagged;
- cost: milliseconds per find_secrets call on 4,096-character messages built against each
  rule (spaced digits, numerals, "password is" again and again, hex chunks, cue words + Han).
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from mnemonic import Mnemonic  # noqa: E402

from handlers.detectors.credentials import find_secrets  # noqa: E402
from handlers.text import canonical  # noqa: E402

LIMIT = 4096


def flagged(text: str) -> bool:
    return bool(find_secrets(canonical(text)))


def labelled(path: Path, verbose: bool) -> None:
    if not path.exists():
        print(f"labelled: {path} not here")
        return
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for split in (None, *sorted({r.get("split") for r in rows if r.get("split")})):
        counts = Counter()
        for r in rows:
            if split is None or r.get("split") == split:
                counts[(flagged(r["text"]), bool(r["secret"]))] += 1
        tp, fp, fn = counts[(True, True)], counts[(True, False)], counts[(False, True)]
        print(f"labelled {split or 'all'}: {sum(counts.values())} rows, P {tp / max(1, tp + fp):.3f} "
              f"R {tp / max(1, tp + fn):.3f} (tp {tp}, fp {fp}, fn {fn})")
    if verbose:
        for r in rows:
            got = flagged(r["text"])
            if got != bool(r["secret"]):
                print(f"  {'false flag' if got else 'miss'} [{r.get('family')}] {r['text'][:160]!r}")


def _strings(node: object):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def ordinary(verbose: bool) -> None:
    for path in sorted(glob.glob(str(ROOT / "corpus" / "*" / "messages.jsonl"))):
        texts = [json.loads(line)["text"] for line in Path(path).read_text("utf-8").splitlines()]
        hits = [t for t in texts if flagged(t)]
        print(f"ordinary {Path(path).parent.name}: {len(hits)}/{len(texts)} flagged")
        for t in hits if verbose else ():
            print(f"  {t[:160]!r}")
    texts = [t for p in [ROOT / "faq.yaml", *map(Path, glob.glob(str(ROOT / "corpus" / "*" / "faq.yaml")))]
             for t in _strings(yaml.safe_load(p.read_text("utf-8")))]
    hits = [t for t in texts if flagged(t)]
    print(f"ordinary FAQ texts: {len(hits)}/{len(texts)} flagged")
    for t in hits if verbose else ():
        print(f"  {t[:160]!r}")


def _fill(unit: str) -> str:
    return (unit * (LIMIT // len(unit) + 1))[:LIMIT]


def cost() -> None:
    rng = random.Random(5)
    zh = Mnemonic("chinese_simplified").wordlist
    cases = {
        "spaced digits": " ".join(rng.choice("0123456789") for _ in range(LIMIT // 2)),
        "code word + spaced digits": _fill("code 4 8 2 9 1 7 "),
        "验证码 + Chinese numerals": _fill("验证码是二八四七一九 "),
        "Chinese numerals": "".join(rng.choice("零一二三四五六七八九") for _ in range(LIMIT)),
        "keycap digits": _fill("otp 5\ufe0f\u20e31\ufe0f\u20e3 "),
        "number words": " ".join(rng.choice(["one", "two", "six", "nine"]) for _ in range(LIMIT // 4)),
        "'password is' again and again": _fill("password is "),
        "pw: tokens": _fill("pw: Ab1! "),
        "PIN to digits": _fill("pin to 1234 "),
        "密码是 tokens": _fill("密码是 abc123 "),
        "hex chunks on lines": "\n".join(f"{rng.getrandbits(64):016x}" for _ in range(LIMIT // 17)),
        "secret fields": _fill('"secret": "'),
        "card numbers + cvc": _fill("4111 1111 1111 1111 exp 12/26 cvv 123 "),
        "助记词 + Han blocks": _fill("助记词是" + "".join(rng.choice(zh) for _ in range(24)) + " "),
        "list Han, uneven spaces": "".join(rng.choice(zh) + (" " if rng.random() < 0.3 else "")
                                           for _ in range(LIMIT))[:LIMIT],
        "Han runs": "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(LIMIT)),
    }
    worst = 0.0
    for name, text in cases.items():
        text = canonical(text)
        find_secrets(text)
        start = time.perf_counter()
        for _ in range(5):
            find_secrets(text)
        ms = (time.perf_counter() - start) / 5 * 1000
        worst = max(worst, ms)
        print(f"cost {name:<32} {ms:7.2f} ms")
    print(f"cost worst: {worst:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labelled", default=str(ROOT / "corpus" / "safety" / "train-validation.jsonl"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    labelled(Path(args.labelled), args.verbose)
    ordinary(args.verbose)
    cost()


if __name__ == "__main__":
    main()

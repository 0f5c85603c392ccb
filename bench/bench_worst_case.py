#!/usr/bin/env python3
"""Benchmark of the worst messages we can build (not a test): one line per adversarial class.

    python bench/bench_worst_case.py            # shipped faq.yaml and config.example.yaml
    python bench/bench_worst_case.py --rounds 5

SPEC §8: no input may make one message cost more than a few tens of milliseconds through the
core. Each class below is built to hit one per-message step where its cost could grow faster
than the text: the typo corrector (long words), regexes with gaps and repeats, domain and
handle scans, phone parsing of digit runs, BIP39 windows, Chinese n-grams, redaction, and
texts far over Telegram's 4,096 characters (triage and X threads are not capped by a
platform). Each round builds fresh texts (other random words and numbers, so no cache
helps); for each class it prints the median and the worst CPU time of `handlers.core.decide`
(the whole decision, public and private) and of `handlers.detectors.redaction.redact` (what the runtime
stores and logs), then the worst class overall. The target: the worst decide stays under
50 ms. CPU time, not wall time, so other work on the machine does not count against it.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT = 4096          # Telegram's message length: what a member can send in one go
BUDGET_MS = 50.0      # the worst decide() allowed


def _words(rng: random.Random, low: int, high: int, size: int = LIMIT) -> str:
    out: list[str] = []
    n = 0
    while n < size:
        word = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(low, high)))
        out.append(word)
        n += len(word) + 1
    return " ".join(out)[:size]


def _fill(unit: str, size: int = LIMIT) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _numbered(template: str, rng: random.Random, size: int = LIMIT) -> str:
    """`template` repeated with a running number from a random start (fresh every round)."""
    out: list[str] = []
    i = rng.randint(0, 10**6)
    n = 0
    while n < size:
        part = template.format(i=i)
        out.append(part)
        n += len(part)
        i += 1
    return "".join(out)[:size]


def _pick(rng: random.Random, words: list[str], sep: str, size: int = LIMIT) -> str:
    return sep.join(rng.choice(words) for _ in range(size // 3))[:size]


def _broken_runs(rng: random.Random, wordlist: list[str], size: int = LIMIT) -> str:
    """Eight list words, then two random ones, again and again: every run of list words
    nearly makes a phrase, and each random word is tried as a typo of a list word."""
    out: list[str] = []
    n = 0
    while n < size:
        words = [rng.choice(wordlist) for _ in range(8)]
        words += ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 9))) for _ in range(2)]
        out.append(" ".join(words))
        n += len(out[-1]) + 1
    return " ".join(out)[:size]


def cases(seed: int = 9) -> list[tuple[str, str]]:
    """(class, text): each a message a member (or a triage line) could send. Another seed
    gives other random words and numbers, so no cache remembers the last round."""
    from mnemonic import Mnemonic

    rng = random.Random(seed)
    english = Mnemonic("english").wordlist
    chinese = Mnemonic("chinese_simplified").wordlist
    han = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(LIMIT))
    scripts = "".join(rng.choice("aбвгдあいうアイウ가나다مرحبا中文字😀\u200b1 ") for _ in range(LIMIT))
    zh_phrase = "".join(rng.choice(chinese) for _ in range(24))
    n = rng.randint(0, 10**6)
    return [
        ("one 600-letter word", "".join(rng.choices(string.ascii_lowercase, k=600))),
        ("one 4096-letter word", "".join(rng.choices(string.ascii_lowercase, k=LIMIT))),
        ("random words of 20-200 letters", _words(rng, 20, 200)),
        ("random words of 9-19 letters", _words(rng, 9, 19)),
        ("random words of 6-8 letters", _words(rng, 6, 8)),
        ("typos of domain words", _fill("withdrawl pasword verifcation depositt authenticater ")),
        ("one letter x4096", "a" * LIMIT),
        ("one digit x4096", str(n % 10) * LIMIT),
        ("one Han character x4096", "提" * LIMIT),
        ("random Han x4096", han),
        ("dots x4096", "." * LIMIT),
        ("a.a.a. x4096", _fill("a.")),
        ("a-a-a- x4096", _fill("a-")),
        ("@ x4096", "@" * LIMIT),
        ("a@a@ x4096", _fill("a@")),
        ("letters then @", "a" * (LIMIT - 1) + "@"),
        ("letters.letters no TLD", _fill("abcdefgh.") + "1"),
        ("many distinct URLs", _numbered("https://aurora{i}.example/x?y={i} ", rng)),
        ("many look-alike domains", _numbered("auror{i}a.com ", rng)),
        ("many bare domains", _numbered("x{i}.io ", rng)),
        ("many t.me links", _numbered("t.me/aurora_help{i} ", rng)),
        ("many @handles", _numbered("@member{i} ", rng)),
        ("many look-alike @handles + help",
         _numbered("@aurora_help{i} ", rng, LIMIT - 20) + " help withdraw"),
        ("many emails", _numbered("user{i}@mail{i}.com ", rng)),
        ("digit groups", _numbered("{i}234567 ", rng)),
        ("distinct phone-like numbers", _numbered("555 0{i:06d}, ", rng)),
        ("distinct invalid numbers", _numbered("(0{i:06d}) 55, ", rng)),
        ("+44 numbers", _numbered("+44 20 7{i:07d}, ", rng)),
        ("digits with separators", _fill("1-2 3.4(5)6 ")),
        ("labelled ids", _numbered("uid {i}9920017 order 88{i}1234 ", rng)),
        ("hex x4096", _fill("0123456789abcdef")),
        ("0x + hex runs", _numbered("0x{i:064x} ", rng)),
        ("base58 x4096", _fill("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")),
        ("bc1 + 4093", "bc1" + _fill("qpzry9x8gf2tvdw0s3jn54khce6mua7l", LIMIT - 3)),
        ("BIP39 words x4096", _pick(rng, english, " ")),
        ("BIP39 words, comma separated", _pick(rng, english, ", ")),
        ("BIP39 words with typos", _pick(rng, [w[:-1] + "q" for w in english], " ")),
        ("BIP39 runs broken by random words", _broken_runs(rng, english)),
        ("Chinese BIP39 separated", _pick(rng, chinese, " ")),
        ("seed context + Chinese BIP39", _fill("助记词是" + zh_phrase + " ")),
        ("password labels", _numbered("password is hunter{i}x password ", rng)),
        ("code words + digits", _numbered("2fa code {i} sms ", rng)),
        # Secrets in the forms members write them (credentials.py: digit views, password
        # windows, split keys, config fields, cards, announced Chinese phrases).
        ("code word + spaced digits", _numbered("code {i} 4 8 2 9 1 7 ", rng)),
        ("spaced single digits", " ".join(rng.choice(string.digits) for _ in range(LIMIT // 2))),
        ("验证码 + Chinese numerals", _fill("验证码是二八四 七一九 ")),
        ("Chinese numerals x4096", "".join(rng.choice("零一二三四五六七八九") for _ in range(LIMIT))),
        ("keycap digits", _fill("otp 5\ufe0f\u20e31\ufe0f\u20e39\ufe0f\u20e3 ")),
        ("number words", " ".join(rng.choice(["one", "two", "six", "nine", "zero"])
                                  for _ in range(LIMIT // 4))),
        ("pw: tokens", _numbered("pw: Ab{i}! ", rng)),
        ("PIN to digits", _numbered("pin to {i} ", rng)),
        ("密码是 tokens", _numbered("密码是 abc{i} ", rng)),
        ("hex chunks on lines", "\n".join(f"{rng.getrandbits(64):016x}" for _ in range(LIMIT // 17))),
        ("secret fields", _numbered('"secret": "Ab{i}Cd{i}Ef{i}Gh", ', rng)),
        ("card numbers + cvc", _fill("4111 1111 1111 1111 exp 12/26 cvv 123 ")),
        ("助记词 + Han blocks", _fill("助记词是" + zh_phrase[:12] + " ")),
        ("numbered Han", _fill("1.民 2.车 3.线 4.黄 5.牛 6.草 ")),
        ("list Han, uneven spaces", "".join(rng.choice(chinese) + (" " if rng.random() < 0.3 else "")
                                           for _ in range(LIMIT))[:LIMIT]),
        ("scam cue words",
         _fill("dm me support send your seed phrase airdrop claim recover funds guaranteed ")),
        ("can someone can someone", _fill("can someone ")),
        ("urgency cue words", _fill("someone hacked withdrawal not me funds gone ")),
        ("own-case cue words", _fill("my account my withdrawal stuck 我的账户 冻结 ")),
        ("question words", _fill("how what why where is it ")),
        ("negations", _fill("can't won't doesn't isn't ")),
        ("mixed scripts", scripts),
        ("zero-width between letters", _fill("w\u200bi\u200bt\u200bh\u200bd\u200br\u200ba\u200bw ")),
        ("zero-width x4096", "\u200b" * (LIMIT - 1) + "a"),
        ("combining marks", _fill("e\u0301\u0302\u0303 ")),
        ("emoji x4096", _fill("😀🚀🔥 ")),
        ("full-width letters", _fill("ｗｉｔｈｄｒａｗ ")),
        ("newlines x4096", "a" + "\n" * (LIMIT - 2) + "a"),
        ("100 KB random long words", _words(rng, 20, 200, 100_000)),
        ("100 KB one letter", "a" * 100_000),
        ("100 KB a.a.a.", _fill("a.", 100_000)),
        ("100 KB letters then @", "a" * 99_999 + "@"),
        ("100 KB digits", "7" * 100_000),
        ("100 KB mixed scripts", scripts * 25),
        ("100 KB BIP39 words", _pick(rng, english, " ", 100_000)),
        ("100 KB digit groups", _numbered("{i}234567 ", rng, 100_000)),
        ("100 KB BIP39 runs broken by random words", _broken_runs(rng, english, 100_000)),
    ]


def cpu_ms(fn: Callable[[], object]) -> float:
    """CPU time of one call: the cost of a message, whatever else the machine is doing.
    The garbage collector waits until after (a full collection of a warm process costs tens
    of milliseconds whichever message triggers it; bench_core.py measures the same way)."""
    gc.collect()
    gc.disable()
    start = time.thread_time()
    try:
        fn()
    finally:
        spent = (time.thread_time() - start) * 1000
        gc.enable()
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=str(ROOT / "config.example.yaml"))
    parser.add_argument("--faq", default=str(ROOT / "faq.yaml"))
    parser.add_argument("--rounds", type=int, default=5, help="fresh texts per class")
    parser.add_argument("--only", default="", help="run the classes whose name contains this")
    parser.add_argument("--exact", action="store_true", help="--only names one class exactly")
    args = parser.parse_args()

    from handlers.answering.faq import load_faq
    from handlers.config import load_config
    from handlers.core import Knowledge, decide
    from handlers.detectors.redaction import redact
    from handlers.model import Message, User

    kb = Knowledge.build(load_config(args.config), load_faq(args.faq))
    # Warm what a running bot has warm (word lists, phone metadata for every region tried).
    for text in ("how do I reset my 2FA?", "call me on 555 0100 or 020 7946 0958",
                 "abandon ability able about above absent absorb abstract absurd abuse",
                 "my seed phrase: abandon ability able about xbove absent absorb abstract"):
        decide(Message("telegram", "bench", "0", User("u", "u"), text), kb)
        redact(text)
    rounds = [dict(cases(seed)) for seed in range(9, 9 + args.rounds)]
    print(f"CPU ms per message over {args.rounds} fresh texts per class, public and private "
          "(median / max)")
    print(f"{'class':<40} {'chars':>7} {'decide':>15} {'redact':>15}")
    worst: list[tuple[float, float, str]] = []
    for i, label in enumerate(rounds[0]):
        if args.only and (args.only != label if args.exact else args.only not in label):
            continue
        decided: list[float] = []
        redacted: list[float] = []
        for texts in rounds:
            text = texts[label]
            for public in (True, False):
                message = Message("telegram", "bench", str(i), User(f"u{i}", f"member{i}", "Member"),
                                  text, public=public)
                decided.append(cpu_ms(lambda m=message: decide(m, kb)))
            redacted.append(cpu_ms(lambda t=text: redact(t)))
        med, top = statistics.median(decided), max(decided)
        print(f"{label:<40} {len(rounds[0][label]):>7} {med:>6.1f} / {top:>6.1f} "
              f"{statistics.median(redacted):>6.1f} / {max(redacted):>6.1f}", flush=True)
        worst.append((top, med, label))
    top, med, label = max(worst)
    verdict = "ok" if top < BUDGET_MS else f"OVER the {BUDGET_MS:.0f} ms budget"
    print(f"worst decide: {top:.1f} ms CPU (median {med:.1f} ms), {label} — {verdict}")
    return 0 if top < BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())

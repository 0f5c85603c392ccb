#!/usr/bin/env python3
"""Benchmark of the decision core (not a test): cost per message, start-up, peak memory.

    python bench/bench_core.py                 # shipped FAQ and a generated 500-entry FAQ
    python bench/bench_core.py --messages FILE # your own JSON Lines ({"text", "public"?})

Reports median and p99 microseconds per message through `handlers.core.decide` (matching,
intent, safety checks and action building: everything but I/O), the start-up cost (import,
load and index), and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mnemonic import Mnemonic  # noqa: E402

SAMPLES = [
    "how do I reset my 2FA? lost my phone", "提币一般多久到账？", "gm fam",
    "my deposit hasn't arrived after 2 hours, tx "
    "0x24ea7cfac386b406908b79fe9dcb460a988f2e0c84a245bee3fc8d21d7490625",
    "withdraw fee for usdt trc20?", "wen listing PEPE2 🚀", "admin here, DM me for support",
    "my account got frozen UID 39920017 please check", "怎么开通子账户？划转要手续费吗",
    "what's the difference between limit and market orders", "btc going to the moon",
    "someone just logged into my account and withdrew everything!!!", "is there a live chat?",
    "api 一直返回 429 是什么意思", "the reset password link says expired 怎么办",
    "funding 是每几个小时收一次?", "can US residents sign up?", "thanks admin, sorted",
    "how do i get rid of my account", "KYC 要准备哪些资料？proof of address 也要吗",
]

COINS = ["BTC", "ETH", "USDT", "USDC", "SOL", "XRP", "TRX", "DOGE", "ADA", "DOT", "LTC", "BNB",
         "ATOM", "XLM", "TON", "ARB", "OP", "MATIC", "AVAX", "LINK"]


def generated_faq(base: dict, size: int) -> dict:
    """A realistic large FAQ: per-coin variants of the shipped entries, up to `size` entries."""
    entries = list(base["entries"])
    out = [copy.deepcopy(e) for e in entries]
    i = 0
    while len(out) < size:
        entry = copy.deepcopy(entries[i % len(entries)])
        coin = COINS[(i // len(entries)) % len(COINS)]
        entry["id"] = f"{entry['id']}-{coin.lower()}-{i}"
        entry["questions"] = {lang: [f"{q} ({coin})" for q in qs]
                              for lang, qs in entry.get("questions", {}).items()}
        entry["keywords"] = {lang: [f"{coin} {k}" for k in ks]
                             for lang, ks in entry.get("keywords", {}).items()}
        entry["answer"] = {lang: f"[{coin}] {a}" for lang, a in entry["answer"].items()}
        out.append(entry)
        i += 1
    return {"version": 1, "entries": out[:size]}


def measure(kb, messages: list[dict], rounds: int) -> list[float]:
    from handlers.core import decide
    from handlers.model import Message, User

    built = [Message(channel=m.get("channel", "telegram"), chat_id="bench", message_id=str(i),
                     user=User(id="u", username="u"), text=m["text"], public=m.get("public", True))
             for i, m in enumerate(messages)]
    for msg in built:  # warm caches once, as a running bot would be
        decide(msg, kb)
    times = []
    gc.disable()
    for _ in range(rounds):
        for msg in built:
            start = time.perf_counter_ns()
            decide(msg, kb)
            times.append((time.perf_counter_ns() - start) / 1000)
    gc.enable()
    return times


def measure_safety(kb, messages: list[dict], rounds: int) -> list[float]:
    """Only the safety checks (secrets, personal data, own case, scams, urgency, account)."""
    from handlers.detectors.safety import assess
    from handlers.model import Message, User

    built = [Message(channel="telegram", chat_id="bench", message_id=str(i),
                     user=User(id=str(i), username=f"user{i}"), text=m["text"])
             for i, m in enumerate(messages)]
    for msg in built:
        assess(msg, kb.safety, on_domain=True)
    times = []
    for _ in range(rounds):
        for msg in built:
            start = time.perf_counter_ns()
            assess(msg, kb.safety, on_domain=True)
            times.append((time.perf_counter_ns() - start) / 1000)
    return times


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"{label:<28} median {statistics.median(times):8.1f} us   p99 {p99:8.1f} us   "
          f"max {times[-1]:8.1f} us   ({len(times)} decisions)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=str(ROOT / "config.example.yaml"))
    parser.add_argument("--faq", default=str(ROOT / "faq.yaml"))
    parser.add_argument("--messages", default=None, help="JSON Lines with a 'text' field")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--size", type=int, default=500, help="entries in the generated FAQ")
    args = parser.parse_args()

    t0 = time.perf_counter()
    import yaml

    from handlers.answering.faq import load_faq, parse_faq
    from handlers.config import load_config
    from handlers.context import Knowledge
    t_import = time.perf_counter() - t0

    t1 = time.perf_counter()
    config = load_config(args.config)
    faq = load_faq(args.faq)
    kb = Knowledge.build(config, faq)
    t_start = time.perf_counter() - t1

    if args.messages:
        messages = [json.loads(line) for line in open(args.messages, encoding="utf-8") if line.strip()]
    else:
        messages = [{"text": t} for t in SAMPLES]
        messages += [{"text": t, "public": False} for t in SAMPLES[:5]]
    random.Random(7).shuffle(messages)

    print(f"start-up: imports {t_import * 1000:.0f} ms, config + {len(faq)}-entry FAQ + index "
          f"{t_start * 1000:.0f} ms")
    report(f"shipped FAQ ({len(faq)} entries)", measure(kb, messages, args.rounds))

    raw = yaml.safe_load(Path(args.faq).read_text(encoding="utf-8"))
    big = parse_faq(generated_faq(raw, args.size), f"generated-{args.size}")
    t2 = time.perf_counter()
    big_kb = Knowledge.build(config, big)
    t_big = time.perf_counter() - t2
    print(f"start-up with the {len(big)}-entry FAQ: index {t_big * 1000:.0f} ms")
    report(f"generated FAQ ({len(big)} entries)", measure(big_kb, messages, args.rounds))

    report("safety checks only, typical", measure_safety(kb, messages, args.rounds))
    long_texts = [
        {"text": ("my withdrawal is stuck, please help " * 120)[:4096]},
        {"text": ("hi admin, my 2000 usdt withdrawal to 0x42d8ea4383ff0d33d747db3ea06f8d6abcff78e0 "
                  "is stuck since monday, please check, uid 39920017. see aurora-help.com " * 40)[:4096]},
        {"text": ("提币一直没到账，已经等了三个小时了，请帮忙看看是什么问题，谢谢 " * 100)[:4096]},
        # The Chinese seed-phrase check's worst case: every character from the BIP39 list, in
        # random order, so every window reads as a phrase (bench_zh_seeds.py has more).
        {"text": "".join(random.Random(9).choice(Mnemonic("chinese_simplified").wordlist)
                         for _ in range(4096))},
    ]
    report("safety checks, 4096 chars", measure_safety(big_kb, long_texts, 100))
    report("whole core, 4096 chars", measure(big_kb, long_texts, 100))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS): {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()

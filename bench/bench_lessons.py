#!/usr/bin/env python3
"""Benchmark of what moderators' lessons cost (not a test): the core's time per message with
no lessons and with 1,000 and 10,000 taught examples (a quarter of each kind), the encoder's
time left out (vectors are computed once beforehand), and the time to add one lesson.

    python bench/bench_lessons.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_core import SAMPLES  # noqa: E402


def main() -> int:
    import yaml

    from handlers.answering.faq import load_faq
    from handlers.config import parse_config
    from handlers.context import Knowledge
    from handlers.core import decide
    from handlers.learned import NO_MEMORY, Example, LearnedMemory
    from handlers.model import Message, User
    from runtime.embedding import embedder_for, with_semantics

    raw = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    raw["database"] = ":memory:"
    config = parse_config(raw)
    kb = with_semantics(Knowledge.build(config, load_faq(ROOT / "faq.yaml")), config.cache_path())
    texts = list(SAMPLES)
    vectors = embedder_for(config.embedding).embed(texts)
    entries = [e.id for e in kb.faq.entries]
    rng = np.random.default_rng(7)
    kinds = ("scam", "ham", "paraphrase", "negative")

    def memory(size: int) -> LearnedMemory:
        if not size:
            return NO_MEMORY
        # Taught texts are near the messages members send: each a sample's vector plus noise.
        base = vectors[rng.integers(0, len(vectors), size)]
        noisy = base + rng.normal(0, 0.02, base.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        examples = tuple(Example(i + 1, kinds[i % 4], "taught", entries[i % len(entries)]
                                 if kinds[i % 4] in ("paraphrase", "negative") else None, "@mod")
                         for i in range(size))
        return LearnedMemory(examples, noisy.astype(np.float32), kb.semantic.model_id)

    for size in (0, 1_000, 10_000):
        kb.learned = memory(size)
        times = []
        for _ in range(3):
            for i, text in enumerate(texts):
                message = Message(channel="telegram", chat_id="-100", message_id=str(i),
                                  user=User("7", "member"), text=text, public=True)
                start = time.perf_counter()
                decide(message, kb, vector=vectors[i])
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"{size:>6} lessons: core without the encoder mean {statistics.mean(times):.2f} ms, "
              f"p99 {times[int(len(times) * 0.99)]:.2f} ms, worst {times[-1]:.2f} ms "
              f"({len(times)} decisions)")
    grown = kb.learned
    start = time.perf_counter()
    for i in range(100):
        grown = grown.with_example(Example(10_001 + i, "scam", "x"), vectors[i % len(vectors)])
    print(f"adding one lesson to 10,000: {(time.perf_counter() - start) * 10:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

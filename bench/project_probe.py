"""Ranking diagnostics from the project's own matcher, for bench/compare_retrieval.py.

Run with the project's venv from the project's root (read-only use of handlers/):
    .venv/bin/python bench/project_probe.py --config CONFIG --faq FAQ < rows.jsonl > probe.jsonl

For every message line (same fields as `bot.py triage` takes) it prints one JSON line:
  id, addressed, public, anchored, ranking [[entry_id, score], ...] (all candidates, best
  first), faq and reason (core.decide with the configured thresholds, as in triage),
  faq_at {t: faq} (core.decide with the matching thresholds set to public t and private
  t + (configured private - public), for each --grid value), gate_ok (with both thresholds
  at 0 the project answers or calls it ambiguous: every non-score condition - anchored,
  not asking staff to act, not asking for a human, not small talk, a question when public -
  passes), decide_us (time of one core.decide call, after a warm-up).
Every decision comes from core.decide itself, so the bench follows the code as it changes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dataclasses  # noqa: E402

from handlers.answering.faq import load_faq  # noqa: E402
from handlers.config import Matching, load_config  # noqa: E402
from handlers.core import NO_HISTORY, Knowledge, decide  # noqa: E402
from handlers.triage import _message  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--faq", required=True)
    ap.add_argument("--grid", default="", help="comma-separated public thresholds")
    args = ap.parse_args()
    config = load_config(args.config)
    kb = Knowledge.build(config, load_faq(args.faq))
    settings = kb.config.matching
    offset = settings.private_threshold - settings.public_threshold

    def with_threshold(t: float) -> Knowledge:
        m = Matching(public_threshold=min(max(t, 0.0), 1.0),
                     private_threshold=min(max(t + offset if t else 0.0, 0.0), 1.0))
        return dataclasses.replace(kb, config=kb.config.model_copy(update={"matching": m}))

    grid = [float(x) for x in args.grid.split(",") if x.strip()]
    kb_at = {t: with_threshold(t) for t in grid}
    kb_zero = with_threshold(0.0)
    n_entries = len(kb.faq.entries)
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    messages = [(row, _message(row, kb)) for row in rows]
    for _, msg in messages[:50]:  # warm-up (caches, speller)
        decide(msg, kb, NO_HISTORY)
    out = sys.stdout
    for row, msg in messages:
        t0 = time.perf_counter()
        decision = decide(msg, kb, NO_HISTORY)
        decide_us = (time.perf_counter() - t0) * 1e6
        text = (msg.text or "").strip()
        match = kb.matcher.match(text, addressed=msg.addressed, limit=n_entries)
        zero = decide(msg, kb_zero, NO_HISTORY)
        gate_ok = zero.faq is not None or zero.reason.startswith("ambiguous")
        out.write(json.dumps({
            "id": row["id"],
            "addressed": msg.addressed,
            "public": msg.public,
            "anchored": match.anchored,
            "ranking": [[c.entry.id, round(c.score, 6)] for c in match.candidates],
            "gate_ok": gate_ok,
            "faq": decision.faq,
            "reason": decision.reason,
            "faq_at": {f"{t:.2f}": decide(msg, k, NO_HISTORY).faq for t, k in kb_at.items()},
            "decide_us": round(decide_us, 1),
            "thresholds": [settings.public_threshold, settings.private_threshold],
        }, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Ranking diagnostics from the project's own matcher, for bench/compare_retrieval.py.

Run with the project's venv from the project's root (read-only use of handlers/):
    .venv/bin/python bench/project_probe.py --config CONFIG --faq FAQ < rows.jsonl > probe.jsonl

For every message line (same fields as `bot.py triage` takes) it prints one JSON line:
  id, addressed, anchored, ranking [[entry_id, score], ...] (all candidates, best first),
  gate_ok (every non-threshold condition of answering.choose_entry passes: anchored, a
  candidate, not needs_human, not small talk, a question when public), reason (the default
  decision's reason), faq (the default decision, as in triage), decide_us (time of one
  core.decide call, after a warm-up).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.answering import choose_entry  # noqa: E402
from handlers.config import load_config  # noqa: E402
from handlers.core import NO_HISTORY, Knowledge, decide  # noqa: E402
from handlers.faq import load_faq  # noqa: E402
from handlers.intent import read_intent  # noqa: E402
from handlers.triage import _message  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--faq", required=True)
    args = ap.parse_args()
    config = load_config(args.config)
    kb = Knowledge.build(config, load_faq(args.faq))
    settings = kb.config.matching
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
        intent = read_intent(match.analysis)
        gate = choose_entry(match, intent, msg, 0.0, 0.0)  # thresholds off: only the gates
        gate_ok = gate.entry is not None or gate.reason.startswith("ambiguous")
        out.write(json.dumps({
            "id": row["id"],
            "addressed": msg.addressed,
            "public": msg.public,
            "anchored": match.anchored,
            "ranking": [[c.entry.id, round(c.score, 6)] for c in match.candidates],
            "gate_ok": gate_ok,
            "faq": decision.faq,
            "reason": decision.reason,
            "decide_us": round(decide_us, 1),
            "thresholds": [settings.public_threshold, settings.private_threshold],
        }, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

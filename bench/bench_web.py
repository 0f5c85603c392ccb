#!/usr/bin/env python3
"""Benchmark (not a test): the web console's pages with 10,000 tickets and 50,000 decisions
in the store (3,000 of them unanswered questions with embeddings, for the FAQ gaps).

    python bench/bench_web.py [--tickets 10000] [--decisions 50000] [--rounds 20]

Each page is requested through the real app (Starlette, templates, the store) and timed from
request to the last byte; the line per page gives the median, p95 and worst in ms. The goal:
every page under 200 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("deposit withdrawal card fee limit verify account login app transfer order staking "
         "refund network memo address balance p2p futures api email phone").split()


def fill(store, tickets: int, decisions: int, gaps: int, now: float) -> None:
    """Rows as the bot writes them, inserted in bulk (the bot's own path is per message)."""
    rng = random.Random(7)
    vectors = np.random.default_rng(7)
    centres = vectors.normal(size=(120, 384)).astype(np.float32)
    with store.atomic():
        db = store.db
        db.conn.executemany(
            "INSERT INTO tickets (ref, channel, chat_id, user_id, username, lang, topic, summary, "
            "priority, status, assignee, opened_by, created_at, updated_at, first_response_due, "
            "first_response_at, closed_at) VALUES (?, ?, ?, ?, ?, 'en', ?, ?, ?, ?, ?, 'member', "
            "?, ?, ?, ?, ?)",
            [(f"SUP-{i:06d}", rng.choice(("telegram", "twitter")), str(i), str(1000 + i),
              f"member{i}", rng.choice(WORDS), " ".join(rng.choices(WORDS, k=8)),
              rng.choice(("urgent", "high", "normal", "normal", "low")),
              rng.choice(("open", "pending", "closed", "closed", "closed")),
              rng.choice((None, "ann", "ben")), now - i * 60, now - i * 30, now - i * 60 + 3600,
              None if i % 3 else now - i * 60 + 600, None if i % 2 else now - i * 20)
             for i in range(tickets)])
        rows = []
        for i in range(decisions):
            gap = i < gaps
            vector = None
            if gap:
                v = centres[i % len(centres)] + vectors.normal(scale=0.35, size=384)
                vector = (v / np.linalg.norm(v)).astype(np.float16).tobytes()
            labels = rng.choice(("faq", "", "", "scam", "secret", "sensitive", ""))
            rows.append((now - i * 12, "telegram", f"-100{i % 5}", f"Group {i % 5}", str(i),
                         str(2000 + i % 3000), f"user{i % 3000}", 1, "en", labels,
                         "reset-2fa" if labels == "faq" else None, int(gap or labels == "faq"),
                         int(labels == "faq"), int(i % 17 == 0), int(gap), "faq-match", 0.42,
                         "reply" if labels == "faq" else "", " ".join(rng.choices(WORDS, k=9)),
                         vector))
        db.conn.executemany(
            "INSERT INTO decisions (at, channel, chat_id, chat_title, message_id, user_id, "
            "username, public, lang, labels, faq_id, asked, answered, human, gap, check_name, "
            "score, actions, text, vector) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("INSERT INTO decision_days SELECT CAST(at / 86400 AS INTEGER), "
                   "SUM(asked OR answered OR human), SUM(answered), SUM(human), "
                   "SUM(labels = 'scam'), SUM(labels = 'secret') FROM decisions GROUP BY 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=50_000)
    parser.add_argument("--gaps", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    from starlette.testclient import TestClient

    from runtime.knowledge import KnowledgeFiles
    from runtime.service import SupportService
    from store import Store
    from web.app import create_app
    from web.backend import ConsoleBackend

    kb = KnowledgeFiles(ROOT / "config.example.yaml").load()   # with the encoder's FAQ index
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        now = time.time()
        started = time.perf_counter()
        fill(store, args.tickets, args.decisions, args.gaps, now)
        print(f"store: {args.tickets:,} tickets, {args.decisions:,} decisions ({args.gaps:,} "
              f"unanswered questions), filled in {time.perf_counter() - started:.1f} s")
        service = SupportService(kb, store, staff_channel="console")
        client = TestClient(create_app(ConsoleBackend(service)), base_url="http://127.0.0.1:8321")
        token = store.create_login_link("console", "mod", "mod", 600)
        client.post(f"/login/{token}")
        pages = ["/tickets", "/tickets?status=all&priority=urgent", "/tickets?assignee=ann",
                 "/tickets/SUP-000042", "/gaps", "/gaps?days=30", "/faq", "/decisions",
                 "/decisions?label=scam", "/stats"]
        worst_page = 0.0
        for page in pages:
            times = []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                answer = client.get(page)
                times.append((time.perf_counter() - t0) * 1000)
                assert answer.status_code == 200, (page, answer.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            worst_page = max(worst_page, times[-1])
            print(f"{page:<40} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   "
                  f"worst {times[-1]:6.1f} ms")
        print(f"slowest single load: {worst_page:.1f} ms (goal: under 200 ms)")
        client.close()
        store.close()


if __name__ == "__main__":
    main()

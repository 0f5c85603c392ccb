#!/usr/bin/env python3
"""Benchmark (not a test): ticket commands with 10,000 tickets in the store.

    python bench/bench_tickets.py [--tickets 10000]

Times the whole path a moderator or member triggers — decide, the store transaction, the
command runner — for `/tickets open`, `/tickets overdue` and a member's `/ticket REF`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    from handlers.answering.faq import load_faq
    from handlers.config import load_config
    from handlers.context import Knowledge
    from handlers.model import Message, User
    from runtime.service import SupportService
    from store import Store

    config = load_config(ROOT / "config.example.yaml")
    kb = Knowledge.build(config, load_faq(ROOT / "faq.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bot.db")
        rng = random.Random(1)
        start = time.perf_counter()
        refs = []
        now = time.time()
        for i in range(args.tickets):
            ticket, _ = store.open_ticket(
                prefix="SUP", channel="telegram", user_id=f"u{i}", username=f"user{i}", lang="en",
                topic=rng.choice(["human", "escalated", "takeover", "account"]),
                summary=f"case {i}", priority=rng.choice(["urgent", "high", "normal", "low"]),
                sla_seconds=rng.choice([900, 3600, 14400]), now=now - rng.randint(0, 30 * 86400))
            if rng.random() < 0.6:
                store.set_ticket_status(ticket.ref, "closed", "mod", "", now)
            refs.append(ticket)
        print(f"created {args.tickets} tickets in {time.perf_counter() - start:.1f} s "
              f"({store.count_tickets()})")

        service = SupportService(kb, store)
        mod = User(id="m1", username="mod")

        def timed(label: str, make) -> None:
            times = []
            for i in range(args.rounds):
                message = make(i)
                t0 = time.perf_counter()
                items = service.handle(message)
                times.append((time.perf_counter() - t0) * 1000)
                assert items, label
            times.sort()
            print(f"{label:<24} median {statistics.median(times):6.2f} ms   "
                  f"p99 {times[int(len(times) * 0.99) - 1]:6.2f} ms")

        timed("/tickets open (mod)", lambda i: Message(
            channel="telegram", chat_id="staff", message_id=f"a{i}", user=mod, text="/tickets open",
            public=False, moderator=True))
        timed("/tickets overdue (mod)", lambda i: Message(
            channel="telegram", chat_id="staff", message_id=f"b{i}", user=mod,
            text="/tickets overdue", public=False, moderator=True))

        def member_lookup(i: int) -> Message:
            ticket = refs[rng.randrange(len(refs))]
            return Message(channel="telegram", chat_id=f"dm{ticket.user_id}", message_id=f"c{i}",
                           user=User(id=ticket.user_id, username=ticket.username),
                           text=f"/ticket {ticket.ref}", public=False)
        timed("/ticket REF (member)", member_lookup)
        store.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Load test (also run by tests/test_telegram_load.py): N group messages from M users through
the real python-telegram-bot against the fake Bot API server.

    python bench/bench_telegram_load.py [--messages 2000] [--users 200] [--rate 400] [--encoder]

Reports updates/s, p50/p99 from an update being available to the bot's first API call about
it, errors, lost updates, and the most replies the bot sent to the group in any minute.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = ["how do I turn on 2FA?", "what are the withdrawal fees?", "提币一般多久到账？",
             "how do I reset my password?", "what are the maker and taker fees?",
             "my deposit has not arrived after 2 hours, what should I check?"]
CHATTER = ["gm fam", "btc to the moon 🚀", "lol", "anyone trading eth today?", "新人报道",
           "this market is wild", "thanks admin!", "wen lambo", "gn everyone", "哈哈哈"]
TAILS = ["pls", "thx", "anyone?", "😅", "请问", "guys", "again", "today"]
SCAMS = ["withdrawal problems? DM me, I'm from the support team", "🎁 AIRDROP: connect your wallet "
         "at aurora-airdrop.app to claim 500 USDT"]


async def load(messages: int = 2000, users: int = 200, rate: float = 400.0, quiet: bool = False,
               encoder: bool = False) -> dict:
    from tests.fake_telegram import FakeTelegram
    from tests.telegram_harness import start_bot

    rng = random.Random(7)
    fake = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as tmp:
        bot = await start_bot(fake, Path(tmp) / "bot.db", encoder=encoder)
        members = [FakeTelegram.user(10_000 + i, f"member{i}", f"Member {i}") for i in range(users)]
        scammers = [FakeTelegram.user(90_000 + i, f"helper{i}", "Helper") for i in range(5)]
        pushed_at: dict[int, float] = {}
        start = time.monotonic()
        for i in range(messages):
            roll = rng.random()
            if roll < 0.005:
                user, text = rng.choice(scammers), rng.choice(SCAMS)
            elif roll < 0.205:
                user, text = rng.choice(members), rng.choice(QUESTIONS)
            else:
                user, text = rng.choice(members), rng.choice(CHATTER)
            if encoder:   # every text new: each message pays for its embedding
                text = f"{text} {rng.choice(TAILS)} {i}"
            msg = fake.send_message(bot.group, user, text)
            pushed_at[msg["message_id"]] = time.monotonic()
            if rate and i % 20 == 19:
                await asyncio.sleep(20 / rate)
        def processed_count() -> int:
            return bot.service.store._one(
                "SELECT COUNT(*) AS n FROM processed WHERE channel = 'telegram'")["n"]

        # Throughput: until every update is decided. Answers over the group's budget go out
        # later, at the budget's pace, and are not part of it.
        deadline = time.monotonic() + 120
        while processed_count() < messages and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - start
        processed = processed_count()
        await fake.settle(quiet=1.0, timeout=30)
        first_call: dict[int, float] = {}
        for call in fake.calls:
            ref = call.params.get("message_id") if call.method == "deleteMessage" else \
                (call.params.get("reply_parameters") or {}).get("message_id")
            if ref is not None and int(ref) in pushed_at and int(ref) not in first_call:
                first_call[int(ref)] = call.at
        latencies = sorted((first_call[m] - pushed_at[m]) * 1000 for m in first_call)
        group_replies = sorted(c.at for c in fake.calls if c.method == "sendMessage"
                               and c.params.get("chat_id") == str(bot.group["id"]))
        busiest = max((sum(1 for t in group_replies if s <= t < s + 60) for s in group_replies), default=0)
        errors = [c for c in fake.calls if c.method == "sendMessage" and not c.params.get("text")]
        result = {
            "messages": messages, "users": users, "processed": processed,
            "lost": messages - processed, "seconds": round(elapsed, 2),
            "updates_per_s": round(processed / max(elapsed, 1e-9), 1),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
            "measured": len(latencies), "api_calls": len(fake.calls),
            "group_messages_busiest_minute": busiest,
            "reply_budget": bot.service.kb.config.answering.replies_per_minute,
            "errors": len(errors),
        }
        await bot.stop()
    await fake.stop()
    if not quiet:
        for key, value in result.items():
            print(f"{key:>30}: {value}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rate", type=float, default=400.0, help="messages per second pushed")
    parser.add_argument("--encoder", action="store_true",
                        help="with the sentence encoder; every message text is made unique")
    args = parser.parse_args()
    asyncio.run(load(args.messages, args.users, args.rate, encoder=args.encoder))


if __name__ == "__main__":
    main()

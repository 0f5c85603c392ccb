"""2,000 group messages from 200 members through the real bot and the fake Bot API server:
nothing lost, no error, never more replies than the group's budget."""

from __future__ import annotations

import asyncio

from bench.bench_telegram_load import load


def test_two_thousand_messages_from_two_hundred_members():
    result = asyncio.run(load(messages=2000, users=200, rate=400.0, quiet=True))
    assert result["processed"] == 2000 and result["lost"] == 0
    assert result["errors"] == 0
    assert result["group_messages_busiest_minute"] <= result["reply_budget"]
    assert result["updates_per_s"] > 50

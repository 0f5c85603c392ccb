"""Telegram and X in one process (as `python bot.py run` with both sets of credentials):
each platform is answered on its own, and X's alerts and tickets reach the Telegram staff chat."""

from __future__ import annotations

import asyncio

import yaml

from app import App
from handlers.answering.faq import load_faq
from handlers.config import parse_config
from handlers.context import Knowledge

from .conftest import CONFIG, FAQ, ROOT
from .fake_telegram import FakeTelegram
from .fake_x_api import FakeXApi
from .test_twitter_channel import CREDENTIALS

STAFF = -1009999999999


def test_one_process_serves_both_and_staff_hears_about_x_in_telegram(tmp_path):
    x_api = FakeXApi().start()

    async def scenario():
        tg = await FakeTelegram().start()
        group = tg.group(-1001234567890, admins=[900])
        tg.group(STAFF, title="staff")
        raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
        raw.update(database=str(tmp_path / "bot.db"), faq_file=str(FAQ))
        raw["telegram"] = {"api_base_url": tg.base_url, "staff_chat_id": STAFF, "poll_timeout": 1,
                           "managed_groups": [group["id"]]}
        raw["twitter"] = {"api_base_url": x_api.url, "poll_interval_seconds": 0.05,
                          "dm_poll_interval_seconds": 0.05}
        config = parse_config(raw, "test config", str(ROOT))
        app = App(Knowledge.build(config, load_faq(FAQ)), telegram_token=tg.token,
                  x_credentials=dict(CREDENTIALS))
        service = app.service
        stop = asyncio.Event()
        task = asyncio.create_task(app.serve(stop))
        try:
            await tg.wait_for(lambda: any(c.method == "getMe" for c in tg.calls), timeout=10)
            alice = FakeTelegram.user(101, "alice")
            tg.send_message(group, alice, "how do I turn on 2FA?")
            erin = x_api.add_user("erin")
            x_api.post(erin, "@AuroraEx someone just withdrew all my USDT and I didn't do it!!")
            await tg.wait_for(lambda: any(s["chat_id"] == str(STAFF) and "🆘" in s["text"]
                                          for s in tg.sent("sendMessage")), timeout=10)
            group_answer = next(s for s in tg.sent("sendMessage") if s["chat_id"] == str(group["id"]))
            assert "2fa" in group_answer["text"].lower()
            (ticket,) = service.store.list_tickets("urgent")
            assert ticket.channel == "twitter" and ticket.user_id == erin["id"]
            staff = next(s["text"] for s in tg.sent("sendMessage") if s["chat_id"] == str(STAFF))
            assert staff.startswith(f"🆘 {ticket.ref} [urgent] new · twitter")
            for _ in range(200):
                if any(ticket.ref in text for _, text in x_api.replies()):
                    break
                await asyncio.sleep(0.05)
            assert any(ticket.ref in text for _, text in x_api.replies())   # told on X, publicly
            assert all(str(s["chat_id"]) != erin["id"] for s in tg.sent("sendMessage"))
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
            service.store.close()
            await tg.stop()

    try:
        asyncio.run(scenario())
    finally:
        x_api.stop()

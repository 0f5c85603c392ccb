"""One member's message must not stall the bot for everyone else (issue 9, defect 4).

The bot decides on its only event loop: a message that costs seconds to judge makes every
member behind it wait. Through the real python-telegram-bot and the fake Bot API server, a
member floods the group with the worst text we know (a wall of random long words, a
600-letter "word"), and another member's FAQ question right after must still be answered
within a second — the time a member notices.
"""

from __future__ import annotations

import random
import string
import time

from .fake_telegram import FakeTelegram
from .telegram_harness import GROUP_ID, run, running_bot

MALLORY = FakeTelegram.user(131, "mallory", "Mallory")
BOB = FakeTelegram.user(102, None, "Bob")
QUESTION = "how do I reset my 2FA? lost my phone"   # the shipped FAQ's reset-2fa entry


def _long_words(rng: random.Random, size: int = 4096) -> str:
    """Random lower-case words of 20 to 200 letters, `size` characters in all."""
    out, n = [], 0
    while n < size:
        word = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(20, 200)))
        out.append(word)
        n += len(word) + 1
    return " ".join(out)[:size]


def test_a_wall_of_long_words_does_not_delay_the_next_members_answer(tmp_path):
    rng = random.Random(4096)
    wall = _long_words(rng)
    one_word = "".join(rng.choices(string.ascii_lowercase, k=600))
    assert len(wall) == 4096

    async def scenario():
        async with running_bot(tmp_path) as (fake, bot):
            fake.send_message(bot.group, MALLORY, wall)
            fake.send_message(bot.group, MALLORY, one_word)
            question = fake.send_message(bot.group, BOB, QUESTION)
            asked_at = time.monotonic()

            def answer():
                return next((c for c in fake.calls if c.method == "sendMessage"
                             and c.params.get("reply_parameters", {}).get("message_id")
                             == question["message_id"]), None)

            await fake.wait_for(lambda: answer() is not None, timeout=120)
            reply = answer()
            assert reply.params["chat_id"] == str(GROUP_ID)
            assert "help.aurora.example" in reply.params["text"]   # the reset-2fa answer
            assert reply.at - asked_at < 1.0, f"answered {reply.at - asked_at:.1f} s after asking"

    run(scenario())

"""A test seam for restart tests: make the process die at a named point.

Set BOT_CRASH_AT=<point> and the process exits abruptly (no cleanup, like a kill) the first
time it reaches that point. Unset, it does nothing. The restart tests use it to stop the bot
between writing a ticket and announcing it.
"""

from __future__ import annotations

import os


def crash_point(name: str) -> None:
    if os.environ.get("BOT_CRASH_AT") == name:
        os._exit(75)

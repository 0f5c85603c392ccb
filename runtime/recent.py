"""Each member's last few messages per chat, in memory only.

A seed phrase sent in parts ("first half: …", then "…") is only a secret when the parts are
read together, so the core sees the member's recent messages with each new one. These texts
may hold half a secret: they live in this process and nowhere else (never in the store, never
in a log line) and are forgotten after a few minutes.
"""

from __future__ import annotations

import threading
from collections import deque

from handlers.model import Earlier, Message

WINDOW_MESSAGES = 5          # a 24-word phrase in five parts is about as split as people go
WINDOW_SECONDS = 180.0


class RecentMessages:
    def __init__(self, size: int = WINDOW_MESSAGES, seconds: float = WINDOW_SECONDS) -> None:
        self.size = size
        self.seconds = seconds
        self._by_member: dict[tuple[str, str, str], deque[tuple[float, Earlier]]] = {}
        self._added = 0
        self._lock = threading.Lock()     # decisions may run off the event loop's thread

    @staticmethod
    def _key(message: Message) -> tuple[str, str, str]:
        return message.channel, message.chat_id, message.user.id

    def earlier(self, message: Message, now: float) -> tuple[Earlier, ...]:
        """The member's messages in this chat within the window, oldest first, without this one."""
        with self._lock:
            kept = tuple(self._by_member.get(self._key(message), ()))
        return tuple(e for at, e in kept if now - at <= self.seconds and e.message_id != message.message_id)

    def add(self, message: Message, now: float) -> None:
        """Remember a member's message (an edit replaces the text it had)."""
        if message.joined or not message.text or message.text.lstrip().startswith("/"):
            return
        with self._lock:
            kept = self._by_member.setdefault(self._key(message), deque(maxlen=self.size))
            for i, (_, e) in enumerate(kept):
                if e.message_id == message.message_id:
                    del kept[i]
                    break
            kept.append((now, Earlier(message.message_id, message.text, message.public)))
            self._added += 1
            if self._added % 256 == 0:
                self._forget_old(now)

    def _forget_old(self, now: float) -> None:
        """Drop what is past the window, so memory follows the active members only."""
        for key in list(self._by_member):
            kept = self._by_member[key]
            while kept and now - kept[0][0] > self.seconds:
                kept.popleft()
            if not kept:
                del self._by_member[key]

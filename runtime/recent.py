"""Each member's last few messages per chat, in memory only.

A seed phrase sent in parts ("first half: …", then "…") is only a secret when the parts are
read together, so the core sees the member's recent messages with each new one. These texts
may hold half a secret: they live in this process and nowhere else (never in the store, never
in a log line) and are forgotten after half an hour. A ticket opened meanwhile carries them as
its conversation, redacted as one text (so a phrase split over messages is masked too).
"""

from __future__ import annotations

import threading
from collections import deque

from handlers.model import Earlier, Message

WINDOW_MESSAGES = 5          # a 24-word phrase in five parts is about as split as people go
WINDOW_SECONDS = 180.0
CONVERSATION_MESSAGES = 10   # what a ticket carries of what the member said before it
CONVERSATION_SECONDS = 1800.0
WITHHELD = "[withheld: looked like a secret]"


class RecentMessages:
    def __init__(self, size: int = WINDOW_MESSAGES, seconds: float = WINDOW_SECONDS,
                 kept: int = CONVERSATION_MESSAGES, kept_seconds: float = CONVERSATION_SECONDS
                 ) -> None:
        self.size = size
        self.seconds = seconds
        self.kept = max(kept, size)
        self.kept_seconds = max(kept_seconds, seconds)
        self._by_member: dict[tuple[str, str, str], deque[tuple[float, Earlier]]] = {}
        # Messages that held a secret, or completed one with the ones before: never quoted.
        self._withheld: set[tuple[str, str, str, str]] = set()
        # Messages already on a ticket: the next ticket does not quote them again.
        self._filed: set[tuple[str, str, str, str]] = set()
        self._added = 0
        self._lock = threading.Lock()     # decisions may run off the event loop's thread

    @staticmethod
    def _key(message: Message) -> tuple[str, str, str]:
        return message.channel, message.chat_id, message.user.id

    def earlier(self, message: Message, now: float) -> tuple[Earlier, ...]:
        """The member's messages in this chat within the window, oldest first, without this one."""
        with self._lock:
            kept = tuple(self._by_member.get(self._key(message), ()))
        return tuple(e for at, e in kept[-self.size:]
                     if now - at <= self.seconds and e.message_id != message.message_id)

    def conversation(self, channel: str, chat_id: str, user_id: str, now: float,
                     without: str | None = None) -> list[tuple[float, str]]:
        """(time, text) of what the member said in this chat within the last half hour,
        oldest first, without message `without`."""
        key = (channel, chat_id, user_id)
        with self._lock:
            kept = tuple(self._by_member.get(key, ()))
            # A secret is never quoted, but staff see that one was sent (the wallet may be at
            # risk): its place says so.
            return [(at, WITHHELD if (*key, e.message_id) in self._withheld else e.text)
                    for at, e in kept
                    if now - at <= self.kept_seconds and e.message_id != without
                    and (*key, e.message_id) not in self._filed]

    def file(self, channel: str, chat_id: str, user_id: str, now: float) -> None:
        """Everything the member said in this chat so far is on a ticket now."""
        key = (channel, chat_id, user_id)
        with self._lock:
            self._filed.update((*key, e.message_id) for _, e in self._by_member.get(key, ()))

    def text_of(self, channel: str, chat_id: str, user_id: str, message_id: str,
                now: float) -> str | None:
        """What the member's message `message_id` said, if it is remembered and quotable."""
        key = (channel, chat_id, user_id)
        with self._lock:
            kept = tuple(self._by_member.get(key, ()))
            withheld = (*key, message_id) in self._withheld
        return next((e.text for at, e in kept if e.message_id == message_id
                     and now - at <= self.kept_seconds and not withheld), None)

    def add(self, message: Message, now: float, secret: bool = False,
            parts: tuple[str, ...] = ()) -> None:
        """Remember a member's message (an edit replaces the text it had). `secret`: it held
        a secret, never quoted; `parts`: the earlier messages it completed one with, none of
        which is quoted either."""
        if message.joined or not message.text or message.text.lstrip().startswith("/"):
            return
        key = self._key(message)
        if secret or parts:
            with self._lock:
                self._withheld.add((*key, message.message_id))
                self._withheld.update((*key, part) for part in parts)
        with self._lock:
            kept = self._by_member.setdefault(self._key(message), deque(maxlen=self.kept))
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
            while kept and now - kept[0][0] > self.kept_seconds:
                kept.popleft()
            if not kept:
                del self._by_member[key]
        live = {(*key, e.message_id) for key, kept in self._by_member.items() for _, e in kept}
        self._withheld &= live
        self._filed &= live

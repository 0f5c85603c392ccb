"""What every platform adapter provides. Adding a platform is one module implementing this."""

from __future__ import annotations

from typing import Protocol

from runtime.service import OutboxItem


class DeliveryError(Exception):
    """An action could not be carried out. `permanent` ones are not retried (the message is
    gone, the bot lacks the right); others are (network, 5xx, rate limit). `maybe_sent` ones
    (a timeout) are retried only when they must arrive: a ticket reference."""

    def __init__(self, message: str, permanent: bool = False, retry_after: float | None = None,
                 maybe_sent: bool = False, unreachable: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        # The platform did not answer in time: the call may well have gone through.
        self.maybe_sent = maybe_sent
        # The member cannot be messaged privately (never started the bot, blocked it, DMs
        # closed): the runtime falls back to a public button and tells staff.
        self.unreachable = unreachable


class Channel(Protocol):
    name: str

    async def start(self) -> None:
        """Begin receiving updates; returns once running."""

    async def stop(self) -> None:
        """Stop receiving and release connections."""

    async def execute(self, item: OutboxItem) -> str | None:
        """Carry out one outbox action; return a link to what was sent, if any. Raises
        DeliveryError when it cannot."""

    def health(self) -> str:
        """One line for /stats: running, stopped by a limit, and why."""

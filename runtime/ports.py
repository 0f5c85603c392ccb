"""The channel interface: what the runtime asks of every platform adapter, the console included.

The runtime owns this contract and knows no adapter; the adapters (channels/) implement it and
the top-level wiring (app.py) plugs them in. An adapter declares one method per outgoing type
with `@handles(Type)`; an item of a type its class does not handle raises UnsupportedOutgoing,
which the dispatcher records as a failure, loudly.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from .outgoing import Outgoing


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    action: Outgoing
    ref: str | None = None   # a ticket reference: this item must arrive (retried, resent)


@dataclass(frozen=True)
class Delivered:
    """What the platform confirmed: a link to the post and its id, when there is one."""

    link: str | None = None
    chat_id: str | None = None
    message_id: str | None = None


class DeliveryError(Exception):
    """An action could not be carried out. `permanent` ones are not retried (the message is
    gone, the bot lacks the right); others are (network, 5xx, rate limit). `maybe_sent` ones
    (a timeout) are retried only when they must arrive: a ticket reference."""

    def __init__(self, message: str, permanent: bool = False, retry_after: float | None = None,
                 maybe_sent: bool = False, unreachable: bool = False, rate_limited: bool = False):
        super().__init__(message)
        self.permanent = permanent
        # At least this long before the next try; with `rate_limited`, the platform's own
        # answer (HTTP 429): exactly this long, not the backoff's longer wait.
        self.retry_after = retry_after
        self.rate_limited = rate_limited
        # The platform did not answer in time: the call may well have gone through.
        self.maybe_sent = maybe_sent
        # The member cannot be messaged privately (never started the bot, blocked it, DMs
        # closed): the runtime falls back to a public button and tells staff.
        self.unreachable = unreachable


class UnsupportedOutgoing(TypeError):
    """An adapter was given an outgoing type it has no method for."""


def handles(*types: type[Outgoing]) -> Callable[[Callable], Callable]:
    """Mark an adapter method as the one that carries out these outgoing types."""
    def mark(method: Callable) -> Callable:
        method.__handles__ = types  # type: ignore[attr-defined]
        return method
    return mark


class Channel:
    """Base of every adapter. Subclasses set `name` and implement start/stop/health and one
    `@handles` method per outgoing type they support: `method(self, action, item)`, sync or
    async, returning a Delivered or None."""

    name: ClassVar[str] = ""
    _methods: ClassVar[dict[type[Outgoing], str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        methods: dict[type[Outgoing], str] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for kind in getattr(value, "__handles__", ()):
                    methods[kind] = attr
        cls._methods = methods

    @classmethod
    def supports(cls, kind: type[Outgoing]) -> bool:
        return kind in cls._methods

    def method_for(self, action: Outgoing) -> Callable[..., Any]:
        name = self._methods.get(type(action))
        if name is None:
            raise UnsupportedOutgoing(f"the {self.name} channel cannot carry out {action.kind!r}")
        return getattr(self, name)

    async def admit(self, item: OutboxItem) -> None:
        """Wait until the platform may take the item (a global rate limit); called before the
        item is marked as being sent, so a crash while waiting loses nothing."""

    async def execute(self, item: OutboxItem) -> Delivered | None:
        """Carry out one outbox item; raises DeliveryError when the platform refuses."""
        result = self.method_for(item.action)(item.action, item)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def start(self) -> None:
        """Begin receiving updates; returns once running."""

    async def stop(self) -> None:
        """Stop receiving and release connections."""

    def health(self) -> str:
        """One line for /stats: running, stopped by a limit, and why."""
        return f"{self.name}: running"

    async def is_moderator_anywhere(self, user_id: str) -> bool | None:
        """Is this account one of our moderators now (for the web console's sign-in)? None:
        this platform cannot tell beyond the configured ids."""
        return None


__all__ = ["Channel", "Delivered", "DeliveryError", "OutboxItem", "UnsupportedOutgoing", "handles"]

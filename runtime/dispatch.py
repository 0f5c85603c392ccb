"""Carrying out outbox actions on the right channel, with retries that never loop forever.

Each action was written to the outbox before anything was sent (runtime.service). Here it is
executed; a temporary failure (network, 5xx, rate limit) leaves it pending for the retry loop,
a permanent one (message deleted, not enough rights) is recorded and, for actions that matter,
reported to the staff channel. Nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Iterable

from handlers.detectors.redaction import redact

from .reloading import RuntimeActions
from .service import RUNTIME, OutboxItem, SupportService

log = logging.getLogger("bot.dispatch")
# Retries match the stakes. A ticket reference or a staff post must arrive: it backs off
# exponentially (capped) and keeps trying for a day. An ordinary reply is worth little once
# the conversation has moved on: a few tries within minutes.
MAX_ATTEMPTS = 8                 # ordinary replies
GIVE_UP_AFTER = 24 * 3600        # must-arrive items
BACKOFF_CAP = 60.0
WINDOW = 62.0                    # the per-chat budget's minute, with a margin
ALARM_AFTER = 5 * 60             # a must-arrive item failing this long raises the alarm


def must_arrive(item: OutboxItem) -> bool:
    return bool(item.ref) or item.payload.get("op") == "staff"


def backoff(attempts: int) -> float:
    """2, 4, 8 … seconds, at most BACKOFF_CAP."""
    return min(2.0 * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


class LogStaffSink:
    """The staff channel when no staff chat is configured: the log (tickets are in the store)."""

    name = "log"

    async def execute(self, item: OutboxItem) -> str | None:
        log.warning("staff: %s", redact(item.payload.get("text", "")))
        return None


class Dispatcher:
    def __init__(self, service: SupportService, channels: dict, staff_sink=None) -> None:
        self.service = service
        self.channels = dict(channels)
        self.channels.setdefault("log", staff_sink or LogStaffSink())
        self.runtime = RuntimeActions(service, self.deliver)   # carries out /reload
        self.channels.setdefault(RUNTIME, self.runtime)
        self._retry_at: dict[int, float] = {}
        self._lock = asyncio.Lock()
        self._claimed: set[int] = set()   # items being executed right now: never twice at once
        self._alarmed: set[int] = set()
        self._sent: dict[tuple[str, str], deque[float]] = {}   # public posts in the last minute

    async def deliver(self, items: Iterable[OutboxItem] | None) -> None:
        """Execute items in order (one message's actions keep their order); what a failure
        adds (a public button for a member who cannot be DMed) comes after them."""
        queue = list(items or ())
        while queue:
            queue += await self._one(queue.pop(0))

    async def _one(self, item: OutboxItem) -> list[OutboxItem]:
        if item.id in self._claimed:
            return []
        self._claimed.add(item.id)
        try:
            return await self._execute(item)
        finally:
            self._claimed.discard(item.id)

    async def _execute(self, item: OutboxItem) -> list[OutboxItem]:
        from channels.base import DeliveryError

        channel = self.channels.get(item.channel)
        if channel is None:
            log.error("outbox %s: no channel %r running; kept for later", item.id, item.channel)
            self._retry_at[item.id] = time.monotonic() + 60
            return []
        due = item.payload.get("not_before")
        if due and due > time.time():
            # Over the chat's reply budget: it waits for its booked place, kept in the outbox.
            self._wake_at(item, due - time.time())
            return []
        wait = self._budget_wait(item)
        if wait > 0:
            # Booked places are a plan; what was really sent in the last minute decides.
            self._wake_at(item, wait)
            return []
        self.service.begin(item)   # committed first: a crash mid-send is known on restart
        try:
            link = await channel.execute(item)
        except DeliveryError as exc:
            if exc.maybe_sent and (not item.ref or item.payload.get("resend_on_timeout") is False):
                # Resending could answer the member twice; an ordinary reply is not worth it.
                log.warning("outbox %s (%s on %s) timed out and may have been delivered: not sent "
                            "again", item.id, item.payload.get("op"), item.channel)
                self.service.failed(item, str(exc), permanent=True, status="unconfirmed")
                return self.service.maybe_delivered(item)
            if exc.maybe_sent:
                log.warning("outbox %s (%s on %s) timed out; ticket %s must reach its reader, so it "
                            "is sent again and may arrive twice", item.id, item.payload.get("op"),
                            item.channel, item.ref)
            if exc.permanent:
                log.warning("outbox %s (%s on %s) failed for good: %s", item.id, item.payload.get("op"),
                            item.channel, redact(str(exc)))
                self.service.failed(item, str(exc), permanent=True)
                if exc.unreachable:
                    # Never leave a member believing a DM is waiting: a public button, and staff know.
                    return self.service.member_unreachable(item, str(exc))
            else:
                delay = max(exc.retry_after or 0.0, backoff(self.service.store.outbox_attempts(item.id)))
                log.warning("outbox %s (%s on %s) will be retried in %.0f s: %s", item.id,
                            item.payload.get("op"), item.channel, delay, redact(str(exc)))
                self.service.failed(item, str(exc), permanent=False)
                self._wake_at(item, delay)
        except Exception as exc:  # noqa: BLE001 - an adapter bug must not stop the bot
            log.exception("outbox %s (%s on %s) crashed the adapter; recorded as failed", item.id,
                          item.payload.get("op"), item.channel)
            self.service.failed(item, f"{type(exc).__name__}: {exc}", permanent=True)
        else:
            self._retry_at.pop(item.id, None)
            self.service.done(item, link)
        return []

    def _budget_wait(self, item: OutboxItem) -> float:
        """Seconds until a public post fits the chat's budget (0: now, and it is counted)."""
        p = item.payload
        if p.get("op") not in ("reply", "send", "handoff") or not p.get("public", True) \
                or not p.get("chat_id"):
            return 0.0
        sent = self._sent.setdefault((item.channel, str(p["chat_id"])), deque())
        now = time.monotonic()
        # A 2 s margin: the platform sees a post a moment after it is counted here.
        while sent and now - sent[0] >= WINDOW:
            sent.popleft()
        if len(sent) >= self.service.kb.config.answering.replies_per_minute:
            return sent[0] + WINDOW - now + 0.05
        sent.append(now)
        return 0.0

    def _stale_after(self) -> float:
        """Ordinary replies late by more than this are not sent any more (answering config)."""
        return self.service.kb.config.answering.stale_after_minutes * 60

    def _wake_at(self, item: OutboxItem, delay: float) -> None:
        """Try this one again as soon as its wait is over (the maintenance pass is a backstop)."""
        self._retry_at[item.id] = time.monotonic() + delay
        asyncio.get_running_loop().call_later(
            delay, lambda: asyncio.ensure_future(self.retry_pending()))

    async def retry_pending(self, now: float | None = None) -> None:
        """Pending actions (from a restart, or a temporary failure) whose wait is over."""
        async with self._lock:
            mono = time.monotonic()
            wall = now or time.time()
            for row in self.service.store.pending_outbox():
                item = OutboxItem(row["id"], row["channel"], row["payload"], row["ref"])
                if row["channel"] not in self.channels:
                    continue
                age = wall - row["created_at"]
                if must_arrive(item):
                    expired = age > GIVE_UP_AFTER
                    if age > ALARM_AFTER and row["attempts"] and item.id not in self._alarmed:
                        self._alarmed.add(item.id)
                        log.error("ALARM: outbox %s (%s on %s%s) has failed for %.0f min and is "
                                  "still being retried: %s", item.id, item.payload.get("op"),
                                  item.channel, f", {item.ref}" if item.ref else "", age / 60,
                                  redact(row.get("last_error") or ""))
                else:
                    waited = wall - max(row["created_at"], item.payload.get("not_before") or 0)
                    expired = row["attempts"] >= MAX_ATTEMPTS or waited > self._stale_after()
                if expired:
                    self.service.failed(item, "gave up after repeated failures", permanent=True)
                    log.error("outbox %s (%s on %s) given up after %s attempts over %.0f min",
                              item.id, item.payload.get("op"), item.channel, row["attempts"], age / 60)
                    continue
                if self._retry_at.get(item.id, 0) > mono:
                    continue
                await self.deliver([item])

    async def run_maintenance(self, stop: asyncio.Event, every: float = 30.0) -> None:
        """Until `stop`: retry pending actions, report overdue tickets, prune old rows. A pass
        in progress is finished before returning, so nothing is left half-sent."""
        last_prune = 0.0
        while not stop.is_set():
            try:
                await self.retry_pending()
                await self.deliver(self.service.overdue_reports())
                if time.monotonic() - last_prune > 3600:
                    self.service.store.prune()
                    last_prune = time.monotonic()
            except Exception:  # noqa: BLE001 - keep the loop alive, say why
                log.exception("maintenance pass failed; trying again shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)

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

from .outgoing import PRIORITIES, HandoffPost, Post, PrivateMessage, StaffPost
from .ports import Channel, Delivered, DeliveryError, OutboxItem, handles
from .reloading import RuntimeActions
from .service import RUNTIME, SupportService

log = logging.getLogger("bot.dispatch")
# Retries match the stakes. A ticket reference or a staff post must arrive: it backs off
# exponentially (capped) and keeps trying for a day. An ordinary reply is worth little once
# the conversation has moved on: a few tries within minutes.
MAX_ATTEMPTS = 8                 # ordinary replies
GIVE_UP_AFTER = 24 * 3600        # must-arrive items
BACKOFF_CAP = 60.0
WINDOW = 62.0                    # the per-chat budget's minute, with a margin
ALARM_AFTER = 5 * 60             # a must-arrive item failing this long raises the alarm


DIGEST_LINE = 400                # characters of each post folded into a digest
DIGEST_TEXT = 3800               # a digest stays one Telegram message


def must_arrive(item: OutboxItem) -> bool:
    return bool(item.ref) or isinstance(item.action, StaffPost)


def urgency(item: OutboxItem) -> int:
    """Which waiting item takes a free place first (lower first): urgent staff posts and the
    chat's safety warnings, then answers and ordinary staff posts, then routine ones."""
    action = item.action
    if isinstance(action, StaffPost):
        return PRIORITIES.get(action.priority, 1)
    if isinstance(action, Post) and not action.quote:
        return 0   # a warning to the chat: never behind the answers queued before it
    return 1


def backoff(attempts: int) -> float:
    """2, 4, 8 … seconds, at most BACKOFF_CAP."""
    return min(2.0 * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


class LogStaffSink(Channel):
    """The staff channel when no staff chat is configured: the log (tickets are in the store)."""

    name = "log"

    @handles(StaffPost)
    def staff_post(self, action: StaffPost, item: OutboxItem) -> None:
        log.warning("staff: %s", redact(action.text))


class Dispatcher:
    def __init__(self, service: SupportService, channels: dict[str, Channel],
                 staff_sink: Channel | None = None, window: float = WINDOW) -> None:
        self.service = service
        self.platforms = channels         # the wiring's own registry: read, never copied
        self.runtime = RuntimeActions(service, self.deliver)   # carries out /reload
        self.own: dict[str, Channel] = {"log": staff_sink or LogStaffSink(), RUNTIME: self.runtime}
        self.window = window              # the platforms' budgets are per minute (plus a margin)
        self._retry_at: dict[int, float] = {}
        self._lock = asyncio.Lock()
        self._claimed: set[int] = set()   # items being executed right now: never twice at once
        self._alarmed: set[int] = set()
        self._sent: dict[tuple[str, str], deque[float]] = {}   # posts per chat in the last window

    def channel(self, name: str) -> Channel | None:
        return self.platforms.get(name) or self.own.get(name)

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
        channel = self.channel(item.channel)
        what = f"{item.action.kind} on {item.channel}"
        if channel is None:
            log.error("outbox %s: no channel %r running; kept for later", item.id, item.channel)
            self._retry_at[item.id] = time.monotonic() + 60
            return []
        due = item.action.not_before
        if due and due > time.time():
            # Over the chat's reply budget: it waits for its booked place, kept in the outbox.
            self._wake_at(item, due - time.time())
            return []
        wait = self._budget_wait(item)
        if wait > 0:
            # Booked places are a plan; what was really sent in the last minute decides.
            self._wake_at(item, wait)
            return []
        await channel.admit(item)
        self.service.begin(item)   # committed first: a crash mid-send is known on restart
        try:
            delivered = await channel.execute(item)
        except DeliveryError as exc:
            resend = not isinstance(item.action, PrivateMessage) or item.action.resend_on_timeout
            if exc.maybe_sent and (not item.ref or not resend):
                # Resending could answer the member twice; an ordinary reply is not worth it.
                log.warning("outbox %s (%s) timed out and may have been delivered: not sent "
                            "again", item.id, what)
                self.service.failed(item, str(exc), permanent=True, status="unconfirmed")
                return self.service.maybe_delivered(item)
            if exc.maybe_sent:
                log.warning("outbox %s (%s) timed out; ticket %s must reach its reader, so it "
                            "is sent again and may arrive twice", item.id, what, item.ref)
            if exc.permanent:
                log.warning("outbox %s (%s) failed for good: %s", item.id, what, redact(str(exc)))
                self.service.failed(item, str(exc), permanent=True)
                if exc.unreachable:
                    # Never leave a member believing a DM is waiting: a public button, and staff know.
                    return self.service.member_unreachable(item, str(exc))
            else:
                delay = exc.retry_after if exc.rate_limited and exc.retry_after is not None else \
                    max(exc.retry_after or 0.0, backoff(self.service.store.outbox_attempts(item.id)))
                log.warning("outbox %s (%s) will be retried in %.0f s: %s", item.id, what, delay,
                            redact(str(exc)))
                self.service.failed(item, str(exc), permanent=False)
                self._wake_at(item, delay)
        except Exception as exc:  # noqa: BLE001 - an adapter bug (or an unsupported type) is loud
            log.exception("outbox %s (%s) crashed the adapter; recorded as failed", item.id, what)
            self.service.failed(item, f"{type(exc).__name__}: {exc}", permanent=True)
        else:
            self._retry_at.pop(item.id, None)
            self.service.done(item, delivered if isinstance(delivered, Delivered) else None)
        return []

    def _budget_key(self, item: OutboxItem) -> tuple[tuple[str, str], int] | None:
        """Which per-minute budget an item spends, and its size: a public post spends its chat's
        reply budget, a staff post the staff chat's; other work spends none."""
        action = item.action
        if isinstance(action, StaffPost):
            return (item.channel, "staff"), self.service.kb.config.telegram.staff_posts_per_minute
        if isinstance(action, (Post, HandoffPost)) and action.public and action.chat_id:
            return (item.channel, str(action.chat_id)), \
                self.service.kb.config.answering.replies_per_minute
        return None

    def _budget_wait(self, item: OutboxItem) -> float:
        """Seconds until the item fits its budget (0: now, and it is counted)."""
        budget = self._budget_key(item)
        if budget is None:
            return 0.0
        key, limit = budget
        sent = self._recent(key)
        if len(sent) >= limit:
            return sent[0] + self.window - time.monotonic() + 0.05
        sent.append(time.monotonic())
        return 0.0

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        """Posts counted against this budget within the window (older ones forgotten)."""
        sent = self._sent.setdefault(key, deque())
        now = time.monotonic()
        while sent and now - sent[0] >= self.window:
            sent.popleft()
        return sent

    def _stale_after(self) -> float:
        """Ordinary replies late by more than this are not sent any more (answering config)."""
        return self.service.kb.config.answering.stale_after_minutes * 60

    def _wake_at(self, item: OutboxItem, delay: float) -> None:
        """Try this one again as soon as its wait is over (the maintenance pass is a backstop)."""
        self._retry_at[item.id] = time.monotonic() + delay
        asyncio.get_running_loop().call_later(
            delay, lambda: asyncio.ensure_future(self.retry_pending()))

    async def retry_pending(self, now: float | None = None) -> None:
        """Pending actions (from a restart, a temporary failure, or a budget) whose wait is
        over. Staff posts go urgent first; a backlog larger than the staff chat's budget is
        folded into one digest."""
        async with self._lock:
            mono = time.monotonic()
            wall = now or time.time()
            ready: list[OutboxItem] = []
            for item, row in self.service.pending():
                if self.channel(item.channel) is None or item.id in self._claimed:
                    continue
                age = wall - row["created_at"]
                if must_arrive(item):
                    expired = age > GIVE_UP_AFTER
                    if age > ALARM_AFTER and row["attempts"] and item.id not in self._alarmed:
                        self._alarmed.add(item.id)
                        log.error("ALARM: outbox %s (%s on %s%s) has failed for %.0f min and is "
                                  "still being retried: %s", item.id, item.action.kind,
                                  item.channel, f", {item.ref}" if item.ref else "", age / 60,
                                  redact(row.get("last_error") or ""))
                else:
                    waited = wall - max(row["created_at"], item.action.not_before or 0)
                    expired = row["attempts"] >= MAX_ATTEMPTS or waited > self._stale_after()
                if expired:
                    self.service.failed(item, "gave up after repeated failures", permanent=True)
                    log.error("outbox %s (%s on %s) given up after %s attempts over %.0f min",
                              item.id, item.action.kind, item.channel, row["attempts"], age / 60)
                    continue
                if self._retry_at.get(item.id, 0) > mono and not self._budget_bound(item):
                    continue
                ready.append(item)
            ready = self._fold_staff_backlog(ready)
            ready.sort(key=lambda i: (urgency(i), i.id))
            for item in ready:
                await self.deliver([item])

    def _budget_bound(self, item: OutboxItem) -> bool:
        """Is the item only waiting for a budget that has room again? (Then it may go before
        its wake-up call, in priority order.)"""
        budget = self._budget_key(item)
        if budget is None or self.service.store.outbox_attempts(item.id):
            return False
        key, limit = budget
        return len(self._recent(key)) < limit and not (
            item.action.not_before and item.action.not_before > time.time())

    def _fold_staff_backlog(self, ready: list[OutboxItem]) -> list[OutboxItem]:
        """More staff posts waiting than the staff chat takes this minute: the urgent ones stay
        single, the rest become one digest (persisted before the folded posts are closed)."""
        staff = [i for i in ready if isinstance(i.action, StaffPost)
                 and not self.service.store.outbox_attempts(i.id)]
        if not staff:
            return ready
        budget = self._budget_key(staff[0])
        assert budget is not None
        key, limit = budget
        room = limit - len(self._recent(key))
        # Ticket posts stay single (staff answer a member by replying to the ticket's own post),
        # and so do urgent ones; alerts about no ticket are what a digest can carry.
        routine = [i for i in staff if i.action.priority != "urgent" and not i.action.ref
                   and i.action.topic != "digest"]
        if len(staff) <= room or len(routine) < 2:
            return ready
        folded: list[OutboxItem] = []
        lines: list[str] = []
        size = 0
        for item in sorted(routine, key=lambda i: i.id):
            line = "• " + " ".join(item.action.text.split())[:DIGEST_LINE]
            if size + len(line) + 1 > DIGEST_TEXT:
                break
            lines.append(line)
            size += len(line) + 1
            folded.append(item)
        if len(folded) < 2:
            return ready
        digest = self.service.fold_into_digest(
            staff[0].channel, folded, self.service.say("staff_digest", "en", count=len(folded)) + "\n" +
            "\n".join(lines))
        log.warning("staff chat busy: %d staff posts folded into one digest (outbox %s)",
                    len(folded), digest.id)
        gone = {i.id for i in folded}
        return [i for i in ready if i.id not in gone] + [digest]

    async def run_maintenance(self, stop: asyncio.Event, every: float = 30.0) -> None:
        """Until `stop`: retry pending actions, report overdue tickets, prune old rows. A pass
        in progress is finished before returning, so nothing is left half-sent."""
        last_prune = 0.0
        while not stop.is_set():
            try:
                await self.retry_pending()
                await self.deliver(self.service.overdue_reports())
                # Lessons a separate `bot.py web` stored count here too.
                await asyncio.to_thread(self.service.refresh_lessons)
                if time.monotonic() - last_prune > 3600:
                    config = self.service.kb.config
                    self.service.store.prune(personal_days=config.tickets.personal_data_days,
                                             decision_days=config.web.decision_days)
                    last_prune = time.monotonic()
            except Exception:  # noqa: BLE001 - keep the loop alive, say why
                log.exception("maintenance pass failed; trying again shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)

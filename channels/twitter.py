"""The X (Twitter) channel: mentions and DMs polled through tweepy, actions carried out as posts,
replies, hidden replies and DMs.

    poll mentions / DM events (cursors in the store) → Message → service.handle → dispatcher
    dispatcher → execute(item) → create_tweet / create_direct_message / hide_reply

X bills per request and rate-limits per endpoint: every call goes through `XApi`, which counts
it against the daily budget and refuses while a limit holds. When the budget or a limit stops
polling, moderators are told once and `health()` (shown in /stats) says why; polling resumes
on its own. X keeps only the latest 800 mentions: after a longer outage the older are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import requests
import tweepy

from runtime.outgoing import HandoffPost, Post, PrivateMessage, RemoveMessage, RestoreMessage
from runtime.ports import Channel, Delivered, DeliveryError, OutboxItem, handles

from .twitter_api import LimitHit, XApi, describe_error, make_client
from .twitter_stoppages import Stoppages
from .twitter_text import split_for_x
from .twitter_updates import (
    DM_EVENT_FIELDS,
    MENTION_EXPANSIONS,
    MENTION_TWEET_FIELDS,
    USER_FIELDS,
    Json,
    Me,
    dm_message,
    mention_message,
    timestamp,
)

log = logging.getLogger("bot.twitter")

MENTIONS_CURSOR = "twitter:mentions:since_id"
DMS_CURSOR = "twitter:dms:last_event_id"
MENTION_PAGES = 8            # × 100 per page: X serves only the latest 800 mentions anyway
DM_PAGES = 5
DM_PAGE_SIZE = 50
FIRST_RUN_LOOKBACK = 3600    # first start ever: answer what was posted in the hour before
STOP_GRACE = 10.0            # let a poll finish what it started (a reply half-sent is a duplicate)
DM_MAX_CHARS = 10_000


class TwitterChannel(Channel):
    name = "twitter"

    def __init__(self, service, config, credentials: dict[str, str], dispatcher) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self.credentials = dict(credentials)
        self.base_url = config.twitter.api_base_url
        self.client: tweepy.Client | None = None
        self.api: XApi | None = None
        self.me: Me | None = None
        self._tasks: list[asyncio.Task] = []
        self._stopping = asyncio.Event()
        self._running = False
        self.stoppages = Stoppages(service, dispatcher)
        self._progress: dict[int, dict[str, Any]] = {}   # outbox id -> steps already done
        self._done: OrderedDict[int, Delivered | None] = OrderedDict()
        self._executing: set[int] = set()
        self._handle_failures: dict[str, int] = {}

    # --- settings follow /reload ------------------------------------------------------------

    @property
    def config(self):
        return self.service.kb.config

    @property
    def settings(self):
        return self.service.kb.config.twitter

    # --- Channel protocol -------------------------------------------------------------------

    async def start(self) -> None:
        self.client = make_client(self.credentials, self.base_url)
        self.api = XApi(self.client, self.service, lambda: self.settings)
        self._stopping = asyncio.Event()
        try:
            await self._identity()
        except (LimitHit, tweepy.TweepyException, requests.RequestException) as exc:
            log.warning("X: could not confirm our account yet (%s); the pollers keep trying",
                        describe_error(exc))
        self._warn_if_polling_exceeds_budget()
        self._tasks = [
            asyncio.create_task(self._loop("mentions", self._poll_mentions,
                                           lambda: self.settings.poll_interval_seconds)),
            asyncio.create_task(self._loop("DMs", self._poll_dms,
                                           lambda: self.settings.dm_poll_interval_seconds)),
        ]
        self._running = True

    async def stop(self) -> None:
        self._stopping.set()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._tasks = []
        deadline = time.monotonic() + STOP_GRACE
        while self.api and self.api.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)   # a worker thread still inside a request
        if self.client is not None:
            self.client.session.close()
        self._running = False

    def health(self) -> str:
        if not self._running or self.api is None:
            return "X: not running"
        who = f"@{self.me.username}" if self.me else "account not confirmed yet"
        usage = f"API calls today {self.api.calls_today()}/{self.api.budget}"
        why = self.stoppages.describe()
        if why:
            return f"X ({who}): polling STOPPED — {why} · {usage}"
        return (f"X ({who}): running, mentions every {self.settings.poll_interval_seconds:g} s, "
                f"DMs every {self.settings.dm_poll_interval_seconds:g} s · {usage}")

    async def execute(self, item: OutboxItem) -> Delivered | None:
        """Carry out one outbox action on X; DeliveryError when it cannot."""
        if item.id in self._done:
            return self._done[item.id]     # the retry loop caught up with a delivered item
        if item.id in self._executing:
            raise DeliveryError("already being sent", retry_after=5)
        if self.client is None or self.api is None:
            raise DeliveryError("the X channel is not started", retry_after=30)
        self._executing.add(item.id)
        try:
            delivered = await super().execute(item)
        except LimitHit as hit:
            raise DeliveryError(str(hit), retry_after=max(1.0, hit.until - time.time()),
                                rate_limited=True) from hit
        except (tweepy.TweepyException, requests.RequestException) as exc:
            error = _delivery_error(exc)
            action = item.action
            if isinstance(exc, tweepy.Forbidden) and (isinstance(action, PrivateMessage)
                                                      or not getattr(action, "public", True)):
                error.unreachable = True   # DMs closed to us: the runtime asks publicly instead
            if error.permanent:
                self._progress.pop(item.id, None)
            raise error from exc
        finally:
            self._executing.discard(item.id)
        self._progress.pop(item.id, None)
        self._done[item.id] = delivered
        while len(self._done) > 2000:
            self._done.popitem(last=False)
        return delivered

    # --- executing actions ----------------------------------------------------------------

    @handles(Post)
    async def post(self, action: Post, item: OutboxItem) -> Delivered | None:
        if action.public:
            return Delivered(await self._post(item.id, action.text, action.reply_to))
        await self._dm(action.user_id, action.text)
        return None

    @handles(PrivateMessage)
    async def private_message(self, action: PrivateMessage, item: OutboxItem) -> None:
        text = action.text
        if action.choices:   # X DMs have no buttons here: the member sends the command
            lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
            text += "\n" + self.service.say("choices_by_command", lang) + "".join(
                f"\n{command}  ({label})" for label, command in action.choices)
        await self._dm(action.user_id, text)

    @handles(RemoveMessage)
    async def remove(self, action: RemoveMessage, item: OutboxItem) -> None:
        if action.own:   # the bot's own post (a moderator's /wrong): deleted
            await self.api.call("delete", self.client.delete_tweet, str(action.message_id),
                                user_auth=True)
            return
        # X has no deleting others' posts: hiding the reply is what the owner of the
        # conversation can do.
        await self._hide(action.message_id)

    @handles(RestoreMessage)
    async def restore(self, action: RestoreMessage, item: OutboxItem) -> None:
        """Staff found a hidden reply was not a scam: shown again."""
        await self.api.call("hide", self.client.unhide_reply, str(action.message_id),
                            user_auth=True)

    async def _post(self, item_id: int, text: str, reply_to: str | None) -> str:
        """A public reply: one post, or a short thread, each ≤ 280 characters."""
        if not reply_to:
            raise DeliveryError("no post to reply to: the bot never posts on its own timeline",
                                permanent=True)
        me = await self._identity()
        posted: list[str] = self._progress.setdefault(item_id, {}).setdefault("posted", [])
        for index, part in enumerate(split_for_x(text)):
            if index < len(posted):
                continue        # sent before a failure: a retry continues the thread
            target = reply_to if index == 0 else posted[-1]
            response = await self.api.call("post", self.client.create_tweet, text=part,
                                           in_reply_to_tweet_id=target, user_auth=True)
            posted.append(str(response.data["id"]))
        return me.status_link(posted[0])

    async def _dm(self, user_id: str, text: str) -> None:
        await self.api.call("dm_send", self.client.create_direct_message,
                            participant_id=str(user_id), text=text[:DM_MAX_CHARS],
                            user_auth=True)

    async def _hide(self, post_id: str | None) -> None:
        if not post_id:
            raise DeliveryError("no post to hide", permanent=True)
        try:
            await self.api.call("hide", self.client.hide_reply, str(post_id), user_auth=True)
        except tweepy.Forbidden as exc:
            raise DeliveryError("X hides replies only in the brand's own conversations; this "
                                "post is elsewhere", permanent=True) from exc

    @handles(HandoffPost)
    async def handoff(self, action: HandoffPost, item: OutboxItem) -> Delivered | None:
        """DM the member the context; if X refuses (DMs closed), ask them publicly to DM us."""
        if not action.public:
            await self._dm(action.user_id, action.private_text or action.text)
            return None
        progress = self._progress.setdefault(item.id, {})
        if "dm" not in progress:
            if action.private_text:
                try:
                    await self._dm(action.user_id, action.private_text)
                    progress["dm"] = "sent"
                except tweepy.Forbidden:
                    progress["dm"] = "closed"
            else:
                progress["dm"] = "sent"
        if progress["dm"] == "sent":
            return Delivered(await self._post(item.id, action.text, action.reply_to))
        me = await self._identity()
        member = self.service.member("twitter", action.user_id)
        who = f"@{member['username']}" if member.get("username") else ""
        lang = self.service.reply_language(member.get("lang") or "en")
        text = self.service.say("x_dm_closed", lang, who=who, link=me.compose_link).strip()
        log.info("X: user %s does not accept DMs; asked publicly to DM us", action.user_id)
        return Delivered(await self._post(item.id, text, action.reply_to))

    # --- who we are -----------------------------------------------------------------------

    async def _identity(self) -> Me:
        """Our account: config.twitter.user_id (+ its official username), else get_me once."""
        if self.me is not None:
            return self.me
        configured = self.settings.user_id
        username = next((a.username for a in self.config.official.twitter
                         if configured and a.id == configured), None)
        if not (configured and username):
            response = await self.api.call("me", self.client.get_me, user_auth=True)
            account = response.data.data
            if configured and configured != str(account["id"]):
                log.warning("X: twitter.user_id %s is not the account of the X credentials (%s); "
                            "using the credentials' account", configured, account["id"])
            configured, username = str(account["id"]), account["username"]
        self.me = Me(configured, username)
        log.info("X: running as @%s (%s)", username, configured)
        return self.me

    # --- polling --------------------------------------------------------------------------

    async def _loop(self, name: str, poll: Callable[[], Awaitable[None]],
                    interval: Callable[[], float]) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                await poll()
            except LimitHit as hit:
                delay = await self.stoppages.limited(name, hit, interval(), self.api)
            except Exception as exc:  # noqa: BLE001 - a poller must survive anything, and say so
                failures += 1
                delay = await self.stoppages.failed(name, exc, failures, interval())
            else:
                failures = 0
                self.stoppages.resumed(name)
                delay = interval()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=max(delay, 0.01))

    async def _poll_mentions(self) -> None:
        me = await self._identity()
        since = self.service.cursor(MENTIONS_CURSOR)
        # Before the first mention ever read there is no since_id: ask from when the channel
        # was first started (an hour before it, so a fresh install answers the last hour only).
        start = None if since else self._first_start(MENTIONS_CURSOR)
        tweets: dict[str, Json] = {}
        users: dict[str, Json] = {}
        referenced: dict[str, Json] = {}
        token = None
        for _ in range(MENTION_PAGES):
            params = {"since_id": since, "pagination_token": token,
                      "start_time": dt.datetime.fromtimestamp(start, dt.UTC) if start else None}
            response = await self.api.call(
                "mentions", self.client.get_users_mentions, me.id,
                reserve=self.api.polling_reserve(), max_results=100,
                expansions=MENTION_EXPANSIONS, tweet_fields=MENTION_TWEET_FIELDS,
                user_fields=USER_FIELDS, user_auth=True,
                **{k: v for k, v in params.items() if v is not None})
            tweets.update((str(t.id), t.data) for t in response.data or ())
            users.update((str(u.id), u.data) for u in response.includes.get("users", ()))
            referenced.update((str(t.id), t.data) for t in response.includes.get("tweets", ()))
            token = response.meta.get("next_token")
            if not token:
                break
        else:
            log.warning("X: over %d new mentions since the last poll; X serves only the latest "
                        "800, older ones were not read", MENTION_PAGES * 100)
        self.stoppages.resumed("mentions")
        for post_id in sorted(tweets, key=int):
            if self._stopping.is_set():
                return
            tweet = tweets[post_id]
            ours = str(tweet.get("author_id")) == me.id
            if not ours and timestamp(tweet.get("created_at")) >= (start or 0.0):
                message = mention_message(tweet, users, referenced, me, self.config)
                await self._handle(message, f"mention:{post_id}")
            self._advance(MENTIONS_CURSOR, post_id)

    async def _poll_dms(self) -> None:
        me = await self._identity()
        last = self.service.cursor(DMS_CURSOR)
        start = None if last else self._first_start(DMS_CURSOR)   # no since_id for DM events
        events: dict[str, Json] = {}
        users: dict[str, Json] = {}
        token = None
        for _ in range(DM_PAGES):
            extra = {"pagination_token": token} if token else {}
            response = await self.api.call(
                "dm_events", self.client.get_direct_message_events,
                reserve=self.api.polling_reserve(), event_types="MessageCreate",
                dm_event_fields=DM_EVENT_FIELDS, expansions=["sender_id"],
                user_fields=USER_FIELDS, max_results=DM_PAGE_SIZE, user_auth=True, **extra)
            page = [e.data for e in response.data or ()]
            fresh = [e for e in page if int(e["id"]) > int(last)] if last else [
                e for e in page if timestamp(e.get("created_at")) >= (start or 0.0)]
            events.update((str(e["id"]), e) for e in fresh)
            users.update((str(u.id), u.data) for u in response.includes.get("users", ()))
            token = response.meta.get("next_token")
            if len(fresh) < len(page) or not token:
                break               # reached what was read before (newest first)
        else:
            log.warning("X: over %d new DM events since the last poll; the older ones were not "
                        "read", DM_PAGES * DM_PAGE_SIZE)
        self.stoppages.resumed("DMs")
        for event_id in sorted(events, key=int):
            if self._stopping.is_set():
                return
            event = events[event_id]
            theirs = str(event.get("sender_id")) != me.id      # not a DM we sent
            if theirs and event.get("event_type", "MessageCreate") == "MessageCreate":
                await self._handle(dm_message(event, users, self.config), f"dm:{event_id}")
            self._advance(DMS_CURSOR, event_id)

    def _first_start(self, cursor: str) -> float:
        """When this channel first ran (minus the look-back), remembered in the store."""
        key = f"{cursor}:first_start"
        value = self.service.cursor(key)
        if value is None:
            value = str(time.time() - FIRST_RUN_LOOKBACK)
            self.service.set_cursor(key, value)
        return float(value)

    async def _handle(self, message, key: str) -> None:
        try:
            items = await self.service.handle_off_loop(message, update_key=key)
        except Exception:
            # Retried on the next polls (the cursor stays); after three failures it is skipped,
            # so one unreadable post cannot stop the channel.
            failures = self._handle_failures[key] = self._handle_failures.get(key, 0) + 1
            if failures < 3:
                raise
            log.exception("X: %s could not be handled %d times; skipped", key, failures)
            return
        self._handle_failures.pop(key, None)
        await self.dispatcher.deliver(items)

    def _advance(self, cursor: str, item_id: str) -> None:
        current = self.service.cursor(cursor)
        if current is None or int(item_id) > int(current):
            self.service.set_cursor(cursor, item_id)

    def _warn_if_polling_exceeds_budget(self) -> None:
        s = self.settings
        per_day = 86400 / s.poll_interval_seconds + 86400 / s.dm_poll_interval_seconds
        allowed = s.daily_call_budget - self.api.polling_reserve()
        if per_day > allowed:
            hours = 24 * allowed / per_day
            log.warning("X: polling every %g s (mentions) and %g s (DMs) takes about %d calls a "
                        "day, more than the daily budget of %d leaves for polling (%d): polling "
                        "will pause after about %.1f h each day. Raise twitter.daily_call_budget "
                        "or the poll intervals.", s.poll_interval_seconds,
                        s.dm_poll_interval_seconds, per_day, s.daily_call_budget, allowed, hours)


def _delivery_error(exc: BaseException) -> DeliveryError:
    """tweepy's errors as the dispatcher understands them: retry, or give up for good."""
    if isinstance(exc, (tweepy.BadRequest, tweepy.Forbidden, tweepy.NotFound)):
        return DeliveryError(f"X refused: {describe_error(exc)}", permanent=True)
    if isinstance(exc, tweepy.Unauthorized):   # keys revoked or wrong: retry once fixed
        return DeliveryError(f"X rejected the credentials: {describe_error(exc)}", retry_after=300)
    if isinstance(exc, tweepy.TwitterServerError):
        return DeliveryError(f"X server error: {describe_error(exc)}", retry_after=30)
    if isinstance(exc, tweepy.HTTPException):
        status = getattr(exc.response, "status_code", 0) or 0
        return DeliveryError(f"X said: {describe_error(exc)}", permanent=400 <= status < 500,
                             retry_after=30)
    if isinstance(exc, requests.ReadTimeout):   # X may have posted it and answered too late
        return DeliveryError(f"X did not answer in time: {describe_error(exc)}", retry_after=15,
                             maybe_sent=True)
    return DeliveryError(f"network error talking to X: {describe_error(exc)}", retry_after=15)

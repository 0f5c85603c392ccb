"""The X API as the channel uses it: tweepy's client on a redirectable, time-limited session,
with every call counted against the daily budget and every rate limit honoured.

X bills per request, so each call is counted (and persisted per UTC day) before it is made; a
429 blocks that endpoint until its reset, never longer than `rate_limit_max_wait_seconds`, and
without a reset header the wait doubles from 60 s up to that bound. Nothing here loops: callers
get a `LimitHit` saying until when, and decide whether to wait or to retry later.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

from handlers.detectors.redaction import redact

log = logging.getLogger("bot.twitter")

X_HOSTS = ("https://api.twitter.com/", "https://api.x.com/")
TIMEOUT = (5.0, 30.0)            # connect, read: a stuck request must not hold a loop forever
FIRST_BACKOFF = 60.0             # a 429 without x-rate-limit-reset: wait this, then double
BACKOFF_CEILING = 3600.0


class RedirectingAdapter(HTTPAdapter):
    """Sends requests meant for api.twitter.com / api.x.com to `base_url` (a proxy, or the tests'
    fake X API), and gives every request a timeout (tweepy sets none)."""

    def __init__(self, base_url: str | None = None) -> None:
        super().__init__()
        self.base = base_url.rstrip("/") if base_url else None

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self.base and request.url:
            parts = urlsplit(request.url)
            request.url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = TIMEOUT
        return super().send(request, **kwargs)


def make_client(credentials: dict[str, str], base_url: str | None) -> tweepy.Client:
    """tweepy's v2 client with OAuth 1.0a user context (replies and DMs need it)."""
    client = tweepy.Client(consumer_key=credentials["X_API_KEY"],
                           consumer_secret=credentials["X_API_SECRET"],
                           access_token=credentials["X_ACCESS_TOKEN"],
                           access_token_secret=credentials["X_ACCESS_TOKEN_SECRET"],
                           wait_on_rate_limit=False)   # it can wait forever; we bound it
    client.session.trust_env = False                   # no proxy or netrc from the environment
    adapter = RedirectingAdapter(base_url)
    for host in X_HOSTS:
        client.session.mount(host, adapter)
    return client


class Counters(Protocol):
    """Where the day's call count is kept (the runtime's store, through the service)."""

    def cursor(self, name: str) -> str | None: ...

    def bump_cursor(self, name: str) -> int: ...


class LimitHit(Exception):
    """The call was not made (or was refused): the daily budget is spent, or X rate-limited
    this endpoint. `until` is when it may be tried again (unix seconds)."""

    def __init__(self, kind: str, endpoint: str, until: float, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind            # "budget" | "rate-limit"
        self.endpoint = endpoint
        self.until = until


def utc_day(now: float) -> str:
    return dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%d")


def next_utc_midnight(now: float) -> float:
    day = dt.datetime.fromtimestamp(now, dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()


def clock_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%H:%M:%S UTC")


class XApi:
    """Counted, budgeted, rate-limit-aware calls to the sync tweepy client, in worker threads."""

    def __init__(self, client: tweepy.Client, counters: Counters, settings: Callable[[], Any],
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.counters = counters
        self.settings = settings             # () -> config.twitter, re-read so /reload applies
        self.clock = clock
        self.blocked: dict[str, float] = {}  # endpoint -> unix time it may be called again
        self._backoff: dict[str, float] = {}
        self._lock = threading.Lock()
        self.in_flight = 0

    # --- the daily budget -----------------------------------------------------------------------

    def _day_key(self, now: float) -> str:
        return f"twitter:calls:{utc_day(now)}"

    def calls_today(self, now: float | None = None) -> int:
        value = self.counters.cursor(self._day_key(now or self.clock()))
        return int(value) if value and value.isdigit() else 0

    @property
    def budget(self) -> int:
        return int(self.settings().daily_call_budget)

    def polling_reserve(self) -> int:
        """Calls kept back from polling so what was already read can still be answered."""
        return self.budget // 10

    def _count(self, now: float) -> int:
        # The store holds the count (not memory), so a restart, or an operator resetting it,
        # is seen at once.
        return self.counters.bump_cursor(self._day_key(now))

    # --- one call -------------------------------------------------------------------------------

    async def call(self, endpoint: str, method: Callable[..., Any], *args: Any, reserve: int = 0,
                   **kwargs: Any) -> Any:
        """`method(*args, **kwargs)` in a worker thread, if the budget and X's limits allow.
        Raises LimitHit instead of calling (or on a 429), and tweepy/requests errors as they are."""
        now = self.clock()
        until = self.blocked.get(endpoint, 0.0)
        if until > now:
            raise LimitHit("rate-limit", endpoint, until,
                           f"X rate limit on {endpoint} until {clock_time(until)}")
        used = self.calls_today(now)
        if used + reserve >= self.budget:
            midnight = next_utc_midnight(now)
            raise LimitHit("budget", endpoint, midnight,
                           f"daily API call budget spent ({used}/{self.budget} calls today)")
        self._count(now)

        def run() -> Any:
            try:
                return method(*args, **kwargs)
            finally:
                with self._lock:
                    self.in_flight -= 1

        with self._lock:
            self.in_flight += 1     # worker threads inside a request; stop() lets them finish
        try:
            result = await asyncio.to_thread(run)
        except tweepy.TooManyRequests as exc:
            wait = self._rate_limit_wait(endpoint, exc.reset_time)
            self.blocked[endpoint] = self.clock() + wait
            how = "reset header" if exc.reset_time else "no reset header, backing off"
            log.warning("X rate limit on %s (%s): not calling it for %.1f s", endpoint, how, wait)
            raise LimitHit("rate-limit", endpoint, self.blocked[endpoint],
                           f"X rate limit on {endpoint} until "
                           f"{clock_time(self.blocked[endpoint])}") from exc
        self._backoff.pop(endpoint, None)
        return result

    def _rate_limit_wait(self, endpoint: str, reset_time: int | None) -> float:
        bound = float(self.settings().rate_limit_max_wait_seconds)
        if reset_time:
            return min(max(reset_time - self.clock() + 1.0, 1.0), bound)
        backoff = self._backoff.get(endpoint, FIRST_BACKOFF)
        self._backoff[endpoint] = min(backoff * 2, BACKOFF_CEILING)
        return min(backoff, bound)


def describe_error(exc: BaseException) -> str:
    """One line about an error, with what X said (its `detail`/`message`), redacted."""
    if isinstance(exc, tweepy.HTTPException):
        status = getattr(exc.response, "status_code", "")
        said = "; ".join(str(m) for m in exc.api_messages) or getattr(exc.response, "reason", "")
        text = f"{status} {said}".strip()
    else:
        lines = str(exc).strip().splitlines()
        text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return redact(text)[:200]


__all__ = ["LimitHit", "RedirectingAdapter", "XApi", "clock_time", "describe_error", "make_client",
           "next_utc_midnight"]

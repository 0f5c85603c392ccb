"""Why X polling is stopped, per poller, and telling moderators once per stoppage.

A stoppage is the budget spent, a rate limit, X refusing a request (401/403: keys or access
level), or repeated errors. Each is shown by `describe()` (in /stats via the channel's health)
and reported to the staff channel once, however many polls it lasts; when the poller gets an
answer again it is cleared, so the next stoppage is reported again.
"""

from __future__ import annotations

import logging
import time

import requests
import tweepy

from .twitter_api import LimitHit, XApi, clock_time, describe_error

log = logging.getLogger("bot.twitter")

ERRORS_BEFORE_ALERT = 5      # consecutive failed polls (5xx, network) before moderators hear
MAX_ERROR_BACKOFF = 900.0


class Stoppages:
    def __init__(self, service, dispatcher) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self.paused: dict[str, str] = {}            # poller -> why it is not polling
        self.alerted: dict[str, set[str]] = {}      # alert key -> pollers still affected

    def describe(self) -> str:
        return "; ".join(f"{loop}: {reason}" for loop, reason in sorted(self.paused.items()))

    async def limited(self, loop: str, hit: LimitHit, interval: float, api: XApi) -> float:
        """A poll refused for the budget or a rate limit: note it, tell moderators once, and
        return how long to wait."""
        if hit.kind == "budget":
            used, budget = api.calls_today(), api.budget
            self.paused[loop] = (f"daily X API call budget spent ({used}/{budget}); resumes at "
                                 "00:00 UTC")
            await self.alert_once("budget", loop,
                                  why=f"the daily X API call budget is spent ({used}/{budget} "
                                      "calls today)",
                                  what="Mentions and DMs are not read until 00:00 UTC, when "
                                       "polling resumes by itself (or raise "
                                       "twitter.daily_call_budget and /reload). X serves only the "
                                       "latest 800 mentions, so a long pause can lose older ones.")
            return interval            # re-checking the budget costs no API call
        self.paused[loop] = f"X rate limit on {hit.endpoint} until {clock_time(hit.until)}"
        await self.alert_once(f"rate:{hit.endpoint}", loop, why=f"X rate limit on {hit.endpoint}",
                              what=f"Polling resumes by itself at about {clock_time(hit.until)}.")
        return hit.until - time.time()

    async def failed(self, loop: str, exc: Exception, failures: int, interval: float) -> float:
        delay = min(interval * 2 ** failures, MAX_ERROR_BACKOFF)
        refused = isinstance(exc, (tweepy.Unauthorized, tweepy.Forbidden))
        if isinstance(exc, (tweepy.TweepyException, requests.RequestException)):
            log.warning("X: %s poll failed (%s); next try in %.1f s", loop, describe_error(exc), delay)
        else:
            log.exception("X: %s poll failed; next try in %.1f s", loop, delay)
        if refused or failures >= ERRORS_BEFORE_ALERT:
            said = describe_error(exc)
            why = (f"X refused the {loop} request ({said}): check the app's access level and keys"
                   if refused else f"{failures} failed {loop} polls in a row ({said})")
            self.paused[loop] = why
            await self.alert_once(f"error:{loop}", loop, why=why,
                                  what=f"Retrying with back-off (next try in {delay:.3g} s).")
        return delay

    def resumed(self, loop: str) -> None:
        if self.paused.pop(loop, None) is not None:
            log.info("X: %s polling resumed", loop)
        for key in list(self.alerted):
            self.alerted[key].discard(loop)
            if not self.alerted[key]:
                del self.alerted[key]

    async def alert_once(self, key: str, loop: str, why: str, what: str) -> None:
        """One staff alert per stoppage, however many polls it lasts (and for the budget, however
        many restarts the same day)."""
        if key in self.alerted:
            self.alerted[key].add(loop)
            return
        self.alerted[key] = {loop}
        persisted = f"twitter:alerted:{key}:{time.strftime('%Y-%m-%d', time.gmtime())}"
        if key == "budget":
            if self.service.cursor(persisted):
                return
            self.service.set_cursor(persisted, "1")
        log.warning("X: polling stopped: %s", why)
        item = self.service.staff_alert(
            self.service.say("staff_channel_stopped", "en", channel="X", why=why, what=what), "twitter",
            priority="urgent")
        await self.dispatcher.deliver([item])

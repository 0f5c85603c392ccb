"""A fake X API v2 on 127.0.0.1 for the X channel's tests: the endpoints the bot uses, with the
real JSON shapes and error bodies, a record of every call, and hooks to inject posts, DMs and
failures. It runs in its own thread and event loop, so the bot's sync tweepy client (called in
worker threads) and the test's plain code can both talk to it.

    fake = FakeXApi().start()
    alice = fake.add_user("alice")
    post = fake.post(alice, "@AuroraEx how do I reset 2FA?")
    ...   # run the bot with twitter.api_base_url = fake.url
    assert fake.replies() == [(post, "...")]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Json = dict[str, Any]

TWEET_FIELDS = {"attachments", "author_id", "context_annotations", "conversation_id", "created_at",
                "edit_controls", "edit_history_tweet_ids", "entities", "geo", "id",
                "in_reply_to_user_id", "lang", "public_metrics", "possibly_sensitive",
                "referenced_tweets", "reply_settings", "source", "text", "withheld"}
USER_FIELDS = {"created_at", "description", "entities", "id", "location", "name",
               "pinned_tweet_id", "profile_image_url", "protected", "public_metrics", "url",
               "username", "verified", "verified_type", "withheld"}
MENTION_EXPANSIONS = {"author_id", "referenced_tweets.id", "referenced_tweets.id.author_id",
                      "in_reply_to_user_id", "entities.mentions.username", "attachments.media_keys"}
DM_FIELDS = {"id", "text", "event_type", "created_at", "dm_conversation_id", "sender_id",
             "participant_ids", "referenced_tweets", "attachments"}
LATEST_MENTIONS = 800     # X serves only the most recent 800 mentions


@dataclass
class Call:
    method: str
    endpoint: str          # the route's name: "me", "mentions", "post", "hide", "dm_events", "dm_send"
    path: str
    params: dict[str, str]
    json: Json | None
    status: int = 0
    response: Json | None = None   # what the fake answered (2xx only)


@dataclass
class Failure:
    endpoint: str
    status: int
    times: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Json | None = None


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def problem(status: int, detail: str | None = None) -> Json:
    """X's error bodies: RFC 7807 problems, and {"errors": [...]} for invalid requests."""
    titles = {400: "Invalid Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
              429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
    title = titles.get(status, "Error")
    if status == 400:
        return {"errors": [{"message": detail or "Invalid request"}], "title": title,
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request"}
    return {"title": title, "detail": detail or title, "type": "about:blank", "status": status}


class FakeXApi:
    def __init__(self, my_id: str = "1500000000000000001", my_username: str = "AuroraEx",
                 my_name: str = "Aurora Exchange") -> None:
        self.lock = threading.Lock()
        self.users: dict[str, Json] = {}
        self.tweets: dict[str, Json] = {}
        self.dm_events: list[Json] = []
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.closed_dms: set[str] = set()
        self._ids = itertools.count(1_900_000_000_000_000_000, 7919)
        self._user_ids = itertools.count(4_000_000_001)
        self.me = self.add_user(my_username, my_name, user_id=my_id)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- running ---------------------------------------------------------------------------

    def start(self) -> FakeXApi:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._serve())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fake-x-api", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake X API did not start")
        return self

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/2/users/me", self._me, name="me")
        app.router.add_get("/2/users/{id}/mentions", self._mentions, name="mentions")
        app.router.add_post("/2/tweets", self._create_tweet, name="post")
        app.router.add_put("/2/tweets/{id}/hidden", self._hide, name="hide")
        app.router.add_get("/2/dm_events", self._dm_events, name="dm_events")
        app.router.add_post("/2/dm_conversations/with/{id}/messages", self._send_dm, name="dm_send")
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- what the test injects ----------------------------------------------------------------

    def add_user(self, username: str, name: str | None = None, user_id: str | None = None) -> Json:
        user = {"id": user_id or str(next(self._user_ids)), "username": username,
                "name": name if name is not None else username.capitalize()}
        with self.lock:
            self.users[user["id"]] = user
        return user

    def post(self, author: Json, text: str, reply_to: str | None = None,
             ago: float = 0.0) -> str:
        """Someone posts (`ago` seconds ago). A reply starts with the replied-to author's @handle,
        as on X, and joins that post's conversation."""
        with self.lock:
            return self._post(author["id"], text, reply_to, time.time() - ago)

    def _post(self, author_id: str, text: str, reply_to: str | None, at: float | None = None) -> str:
        post_id = str(next(self._ids))
        tweet = {"id": post_id, "text": text, "author_id": author_id,
                 "created_at": _iso(at or time.time()),
                 "conversation_id": post_id, "edit_history_tweet_ids": [post_id]}
        if reply_to is not None:
            parent = self.tweets[reply_to]
            handle = "@" + self.users[parent["author_id"]]["username"]
            if not text.lower().startswith(handle.lower()):
                tweet["text"] = f"{handle} {text}"
            tweet.update(conversation_id=parent["conversation_id"],
                         in_reply_to_user_id=parent["author_id"],
                         referenced_tweets=[{"type": "replied_to", "id": reply_to}])
        self.tweets[post_id] = tweet
        return post_id

    def dm(self, sender: Json, text: str) -> str:
        """Someone sends us a direct message."""
        with self.lock:
            return self._dm_event(sender["id"], self.me["id"], text)

    def _dm_event(self, sender_id: str, recipient_id: str, text: str) -> str:
        event_id = str(next(self._ids))
        low, high = sorted((sender_id, recipient_id), key=int)
        self.dm_events.append({"id": event_id, "event_type": "MessageCreate", "text": text,
                               "sender_id": sender_id, "created_at": _iso(time.time()),
                               "dm_conversation_id": f"{low}-{high}",
                               "participant_ids": [sender_id, recipient_id]})
        return event_id

    def close_dms(self, user: Json) -> None:
        """This user does not accept DMs from us: sending one gets a 403."""
        with self.lock:
            self.closed_dms.add(user["id"])

    def fail(self, endpoint: str, status: int, times: int = 1, headers: dict[str, str] | None = None,
             detail: str | None = None) -> None:
        """The next `times` calls to `endpoint` answer `status` with X's error body."""
        with self.lock:
            self.failures.append(Failure(endpoint, status, times, dict(headers or {}),
                                         problem(status, detail)))

    # --- what the test inspects ----------------------------------------------------------------

    def requests(self, endpoint: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if endpoint is None or c.endpoint == endpoint]

    def count(self, endpoint: str) -> int:
        return len(self.requests(endpoint))

    def replies(self) -> list[tuple[str, str]]:
        """(post replied to, text) of every post the bot made, in order."""
        return [(c.json.get("reply", {}).get("in_reply_to_tweet_id"), c.json.get("text"))
                for c in self.requests("post") if c.status == 201]

    def sent_dms(self) -> list[tuple[str, str]]:
        """(recipient id, text) of every DM the bot managed to send."""
        return [(c.path.rsplit("/", 2)[-2], c.json.get("text"))
                for c in self.requests("dm_send") if c.status == 201]

    def hidden(self) -> list[str]:
        return [c.path.split("/")[3] for c in self.requests("hide") if c.status == 200]

    def all_text_sent(self) -> str:
        return "\n".join([t for _, t in self.replies()] + [t for _, t in self.sent_dms()])

    # --- the endpoints ---------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> tuple[Call, web.Response | None]:
        body = None
        if request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        endpoint = request.match_info.route.name
        call = Call(request.method, endpoint, request.path, dict(request.query), body)
        with self.lock:
            self.calls.append(call)
            failure = next((f for f in self.failures if f.endpoint == endpoint and f.times > 0), None)
            if failure is not None:
                failure.times -= 1
        auth = request.headers.get("Authorization", "")
        if not (auth.startswith("OAuth ") and "oauth_consumer_key" in auth and "oauth_token" in auth):
            return call, self._error(call, 401, detail="Unauthorized")   # user context only
        if failure is not None:
            call.status = failure.status
            return call, web.json_response(failure.body, status=failure.status,
                                           headers=failure.headers)
        return call, None

    def _error(self, call: Call, status: int, detail: str | None = None) -> web.Response:
        call.status = status
        return web.json_response(problem(status, detail), status=status)

    def _ok(self, call: Call, payload: Json, status: int = 200) -> web.Response:
        call.status = status
        call.response = payload
        return web.json_response(payload, status=status)

    async def _me(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        return early or self._ok(call, {"data": dict(self.me)})

    def _fields(self, call: Call, name: str, allowed: set[str]) -> tuple[list[str], str | None]:
        values = [v for v in call.params.get(name, "").split(",") if v]
        wrong = [v for v in values if v not in allowed]
        return values, (f"The `{name}` query parameter value [{wrong[0]}] is not one of "
                        f"{sorted(allowed)}" if wrong else None)

    async def _mentions(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early:
            return early
        known = {"since_id", "until_id", "max_results", "pagination_token", "expansions",
                 "tweet.fields", "user.fields", "start_time", "end_time"}
        unknown = sorted(set(call.params) - known)
        if unknown:
            return self._error(call, 400, f"The query parameter [{unknown[0]}] is not one of {sorted(known)}")
        if request.match_info["id"] != self.me["id"]:
            return self._error(call, 403, "You can only read the mentions of the authenticated user.")
        max_results = call.params.get("max_results", "10")
        since = call.params.get("since_id", "0")
        if not (max_results.isdigit() and 5 <= int(max_results) <= 100) or not since.isdigit():
            return self._error(call, 400, "The `max_results` or `since_id` query parameter value "
                                          "is not valid")
        tweet_fields, bad = self._fields(call, "tweet.fields", TWEET_FIELDS)
        user_fields, bad2 = self._fields(call, "user.fields", USER_FIELDS)
        expansions, bad3 = self._fields(call, "expansions", MENTION_EXPANSIONS)
        if bad or bad2 or bad3:
            return self._error(call, 400, bad or bad2 or bad3)
        handle = re.compile(rf"(?<![\w@])@{re.escape(self.me['username'])}\b", re.IGNORECASE)
        with self.lock:
            mentions = sorted((t for t in self.tweets.values() if handle.search(t["text"])),
                              key=lambda t: int(t["id"]), reverse=True)[:LATEST_MENTIONS]
            newer = [t for t in mentions if int(t["id"]) > int(since)
                     and t["created_at"] >= call.params.get("start_time", "").replace("Z", ".000Z")]
            offset = int(call.params.get("pagination_token", "p0")[1:] or 0)
            page = newer[offset:offset + int(max_results)]
            data = [self._shape(t, tweet_fields) for t in page]
            includes: Json = {}
            referenced = []
            if "referenced_tweets.id" in expansions:
                referenced = [self.tweets[r["id"]] for t in page for r in t.get("referenced_tweets", ())
                              if r["id"] in self.tweets]
                if referenced:
                    includes["tweets"] = [self._shape(t, tweet_fields) for t in referenced]
            user_ids: list[str] = []
            if "author_id" in expansions:
                user_ids += [t["author_id"] for t in page]
            if "referenced_tweets.id.author_id" in expansions:
                user_ids += [t["author_id"] for t in referenced]
            if user_ids:
                includes["users"] = [self._shape(self.users[u], user_fields, base=("id", "name", "username"))
                                     for u in dict.fromkeys(user_ids)]
        meta: Json = {"result_count": len(data)}
        if data:
            meta.update(newest_id=data[0]["id"], oldest_id=data[-1]["id"])
        return self._page(call, data, includes, meta, offset + int(max_results) < len(newer),
                          offset + int(max_results))

    def _shape(self, obj: Json, fields: list[str], base: tuple[str, ...] = ("id", "text",
                                                                                "edit_history_tweet_ids")
               ) -> Json:
        """Only the default fields and the ones asked for, as X does."""
        return {k: v for k, v in obj.items() if k in base or k in fields}

    async def _create_tweet(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early:
            return early
        body = call.json or {}
        text = body.get("text", "")
        if not text or _weighted(text) > 280:
            return self._error(call, 400, "Your Tweet text is empty or too long.")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        with self.lock:
            if reply_to is not None and reply_to not in self.tweets:
                return self._error(call, 400, "The Tweet you are replying to does not exist.")
            if any(t["author_id"] == self.me["id"] and t["text"] == text for t in self.tweets.values()):
                return self._error(call, 403, "You are not allowed to create a Tweet with duplicate content.")
            post_id = self._post(self.me["id"], text, reply_to)
            tweet = self.tweets[post_id]
        return self._ok(call, {"data": {"id": post_id, "text": tweet["text"],
                                        "edit_history_tweet_ids": [post_id]}}, status=201)

    async def _hide(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early:
            return early
        with self.lock:
            tweet = self.tweets.get(request.match_info["id"])
            root = self.tweets.get(tweet["conversation_id"]) if tweet else None
        if tweet is None:
            return self._error(call, 404, "Could not find tweet.")
        if (call.json or {}).get("hidden") is not True:
            return self._error(call, 400, "`hidden` must be true or false")
        if root is None or root["author_id"] != self.me["id"] or tweet["id"] == root["id"]:
            return self._error(call, 403, "You attempted to hide a reply to a conversation you did "
                                          "not start. Only the conversation's author can hide replies.")
        return self._ok(call, {"data": {"hidden": True}})

    async def _dm_events(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early:
            return early
        fields, bad = self._fields(call, "dm_event.fields", DM_FIELDS)
        user_fields, bad2 = self._fields(call, "user.fields", USER_FIELDS)
        max_results = call.params.get("max_results", "100")
        if bad or bad2 or not (max_results.isdigit() and 1 <= int(max_results) <= 100):
            return self._error(call, 400, bad or bad2 or "The `max_results` query parameter value "
                                                         "is not valid")
        kinds = call.params.get("event_types", "")
        with self.lock:
            events = [e for e in reversed(self.dm_events) if not kinds or e["event_type"] in kinds.split(",")]
            offset = int(call.params.get("pagination_token", "p0")[1:] or 0)
            page = events[offset:offset + int(max_results)]
            data = [self._shape(e, fields, base=("id", "event_type", "text")) for e in page]
            includes: Json = {}
            if "sender_id" in call.params.get("expansions", "").split(",") and page:
                includes["users"] = [self._shape(self.users[e["sender_id"]], user_fields,
                                                 base=("id", "name", "username"))
                                     for e in page if e["sender_id"] in self.users]
        meta = {"result_count": len(data)}
        return self._page(call, data, includes, meta, offset + int(max_results) < len(events),
                          offset + int(max_results))

    def _page(self, call, data: list, includes: Json, meta: Json, more: bool, next_offset: int):
        """A list response in X's shape: data, includes and meta (with next_token if more)."""
        if more:
            meta["next_token"] = f"p{next_offset}"
        payload: Json = {"meta": meta}
        if data:
            payload["data"] = data
        if includes:
            payload["includes"] = includes
        return self._ok(call, payload)

    async def _send_dm(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early:
            return early
        recipient = request.match_info["id"]
        text = (call.json or {}).get("text", "")
        if not text:
            return self._error(call, 400, "text or attachments is required")
        with self.lock:
            if recipient not in self.users:
                return self._error(call, 404, "Could not find the recipient.")
            if recipient in self.closed_dms:
                return self._error(call, 403, "You are not permitted to send Direct Messages to this "
                                              "user.")
            event_id = self._dm_event(self.me["id"], recipient, text)
            conversation = self.dm_events[-1]["dm_conversation_id"]
        return self._ok(call, {"data": {"dm_conversation_id": conversation, "dm_event_id": event_id}},
                        status=201)


def _weighted(text: str) -> int:
    """X's count, independently of the bot's own: links 23, CJK and emoji 2."""
    light = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
    text = re.sub(r"https?://\S+", "x" * 23, text)
    return sum(1 if any(lo <= ord(c) <= hi for lo, hi in light) else 2 for c in text)

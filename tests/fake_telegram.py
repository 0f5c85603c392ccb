"""A fake Telegram Bot API server on 127.0.0.1 for tests: the real python-telegram-bot talks
to it over HTTP exactly as it would to api.telegram.org.

It serves the methods the bot uses with the real JSON envelopes and error shapes, holds
getUpdates open like the real long poll, records every call, and lets a test inject updates
(messages, edits, joins) and errors (403, 400, 429 with retry_after, 5xx).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

BOT = {"id": 7000000001, "is_bot": True, "first_name": "Aurora Support Bot",
       "username": "AuroraExBot", "can_join_groups": True, "can_read_all_group_messages": True,
       "supports_inline_queries": False}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-TOKEN"
    calls: list[Call] = field(default_factory=list)
    admins: dict[str, list[int]] = field(default_factory=dict)
    chats: dict[str, dict] = field(default_factory=dict)
    errors: dict[str, list[tuple[int, str, dict | None]]] = field(default_factory=dict)
    blocked_users: set[int] = field(default_factory=set)   # users who blocked the bot
    # Like Telegram, a bot can message a user only after the user wrote to it privately.
    started_users: set[int] = field(default_factory=set)
    # method -> seconds: the call takes effect, but the answer comes this much later (like a
    # Telegram that is slow to answer: past the client's timeout, the message was still sent).
    delays: dict[str, list[float]] = field(default_factory=dict)
    left_chats: list[str] = field(default_factory=list)
    members: dict[str, set[int]] = field(default_factory=dict)   # chat id -> members (not admins)
    outages: dict[str, float] = field(default_factory=dict)   # chat id -> down until (monotonic)

    def __post_init__(self) -> None:
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(50_000)
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.confirmed_offset = 0
        self._delivered_at = 0.0
        self.webhook: dict | None = None
        self.posted: list[dict] = []    # the bot's messages as Telegram stored them

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]   # noqa: SLF001 - aiohttp has no API
        return self

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what tests use -----------------------------------------------------------------------

    def group(self, chat_id: int, title: str = "Aurora Community", username: str | None = None,
              admins: list[int] | None = None) -> dict:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        if username:
            chat["username"] = username
        self.chats[str(chat_id)] = chat
        self.admins[str(chat_id)] = list(admins or [])
        return chat

    @staticmethod
    def user(user_id: int, username: str | None = None, first_name: str = "Member",
             is_bot: bool = False) -> dict:
        u = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if username:
            u["username"] = username
        return u

    def message(self, chat: dict, user: dict, text: str, reply_to: dict | None = None,
                thread_id: int | None = None, caption: bool = False,
                forward_from: dict | None = None) -> dict:
        msg = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
               "from": user}
        msg["caption" if caption else "text"] = text
        if caption:
            msg["photo"] = [{"file_id": "f1", "file_unique_id": "u1", "width": 10, "height": 10}]
        if text.startswith("/"):
            cmd = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(cmd)}]
        if reply_to:
            msg["reply_to_message"] = reply_to
        if thread_id:
            msg["message_thread_id"] = thread_id
            msg["is_topic_message"] = True
        if forward_from:
            msg["forward_origin"] = {"type": "user", "date": int(time.time()) - 60,
                                     "sender_user": forward_from}
        return msg

    def private_chat(self, user: dict) -> dict:
        chat = {"id": user["id"], "type": "private", "first_name": user.get("first_name", "")}
        if user.get("username"):
            chat["username"] = user["username"]
        return chat

    def push(self, kind: str, payload: dict) -> int:
        chat = payload.get("chat") or {}
        if chat.get("type") == "private" and payload.get("from"):
            self.started_users.add(payload["from"]["id"])
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: payload})
        self._new_update.set()
        return update_id

    def send_message(self, chat: dict, user: dict, text: str, **kw) -> dict:
        msg = self.message(chat, user, text, **kw)
        self.push("message", msg)
        return msg

    def edit_message(self, msg: dict, text: str) -> dict:
        edited = dict(msg, text=text, edit_date=int(time.time()))
        self.push("edited_message", edited)
        return edited

    def join(self, chat: dict, user: dict) -> None:
        self.push("chat_member", {
            "chat": chat, "from": user, "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": user},
            "new_chat_member": {"status": "member", "user": user}})

    def add_bot(self, chat: dict, by: dict, status: str = "member") -> None:
        """Anyone can add the bot to a group of their own: Telegram sends a my_chat_member."""
        self.push("my_chat_member", {
            "chat": chat, "from": by, "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": BOT},
            "new_chat_member": _admin(BOT) if status == "administrator" else
            {"status": status, "user": BOT}})

    def press(self, posted: dict, data: str, user: dict, chat: dict | None = None) -> None:
        """A user taps an inline button of one of the bot's messages (`chat`: where the copy
        of the message they tapped is)."""
        message = dict(posted, chat=chat or posted["chat"])
        self.push("callback_query", {"id": str(next(self._update_ids) + 10_000), "from": user,
                                     "chat_instance": "ci-1", "data": data, "message": message})

    def outage(self, chat_id: int, seconds: float) -> None:
        """Sending to this chat fails with 500 for a while, as in a Telegram incident."""
        self.outages[str(chat_id)] = time.monotonic() + seconds

    def answer_slowly(self, method: str, seconds: float, times: int = 1) -> None:
        self.delays.setdefault(method, []).extend([seconds] * times)

    def fail_next(self, method: str, code: int, description: str, retry_after: int | None = None,
                  times: int = 1) -> None:
        params = {"retry_after": retry_after} if retry_after is not None else None
        self.errors.setdefault(method, []).extend([(code, description, params)] * times)

    def sent(self, method: str | None = None) -> list[dict]:
        return [c.params for c in self.calls if method is None or c.method == method]

    def texts(self) -> str:
        return "\n".join(str(c.params.get("text", "")) for c in self.calls)

    async def wait_for(self, predicate, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("timed out waiting for the bot; calls were:\n" +
                             "\n".join(f"{c.method} {c.params}" for c in self.calls))

    async def settle(self, quiet: float = 0.25, timeout: float = 10.0) -> None:
        """Wait until every pushed update was fetched and the bot made no call for `quiet` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = [u for u in self._updates if u["update_id"] >= max(self.confirmed_offset, 1)]
            # Quiet since the last call and since updates were handed over: python-telegram-bot
            # confirms updates before it has handled them.
            last = max(self.calls[-1].at if self.calls else 0, self._delivered_at)
            if not pending and time.monotonic() - last > quiet:
                return
            await asyncio.sleep(0.02)

    # --- the HTTP side --------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        queued = self.errors.get(method)
        if method != "getUpdates":
            self.calls.append(Call(method, params, time.monotonic()))
        if queued:
            code, description, extra = queued.pop(0)
            return _error(code, description, extra)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _ok(True)
        result = handler(params)
        if asyncio.iscoroutine(result):
            result = await result
        delays = self.delays.get(method)
        if delays:
            await asyncio.sleep(delays.pop(0))
        if isinstance(result, web.Response):
            return result
        return _ok(result)

    def _m_getMe(self, params: dict) -> dict:
        return BOT

    def _m_deleteWebhook(self, params: dict) -> bool:
        self.webhook = None
        return True

    def _m_setWebhook(self, params: dict) -> bool:
        self.webhook = params
        return True

    async def _m_getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed_offset = offset
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), 1.0)   # hold the poll briefly
        deadline = time.monotonic() + timeout
        while True:
            ready = [u for u in self._updates if u["update_id"] >= offset]
            if ready or time.monotonic() >= deadline:
                if ready:
                    self._delivered_at = time.monotonic()
                return ready[: int(params.get("limit") or 100)]
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                pass

    def _m_sendMessage(self, params: dict) -> dict | web.Response:
        chat_id = int(params["chat_id"])
        if self.outages.get(str(chat_id), 0) > time.monotonic():
            return _error(500, "Internal Server Error")
        if chat_id in self.blocked_users:
            return _error(403, "Forbidden: bot was blocked by the user")
        if str(chat_id) not in self.chats and chat_id not in self.started_users:
            return _error(403, "Forbidden: bot can't initiate conversation with a user")
        chat = self.chats.get(str(chat_id)) or {"id": chat_id, "type": "private", "first_name": "U"}
        msg = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
               "from": BOT, "text": params.get("text", "")}
        if params.get("message_thread_id"):
            msg["message_thread_id"] = int(params["message_thread_id"])
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        self.posted.append(msg)
        return msg

    def _m_copyMessage(self, params: dict) -> dict | web.Response:
        """A copy of a message (photo, file) into another chat; Telegram answers with its id."""
        chat_id = int(params["chat_id"])
        if str(chat_id) not in self.chats and chat_id not in self.started_users:
            return _error(403, "Forbidden: bot can't initiate conversation with a user")
        chat = self.chats.get(str(chat_id)) or {"id": chat_id, "type": "private", "first_name": "U"}
        msg = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
               "from": BOT, "caption": params.get("caption") or "", "text": "",
               "copied_from": [int(params["from_chat_id"]), int(params["message_id"])],
               "photo": [{"file_id": "f1", "file_unique_id": "u1", "width": 10, "height": 10}]}
        self.posted.append(msg)
        return {"message_id": msg["message_id"]}

    def _m_deleteMessage(self, params: dict) -> bool:
        return True

    def _m_restrictChatMember(self, params: dict) -> bool:
        return True

    def _m_banChatMember(self, params: dict) -> bool:
        return True

    def _m_answerCallbackQuery(self, params: dict) -> bool:
        return True

    def _m_leaveChat(self, params: dict) -> bool:
        self.left_chats.append(str(params["chat_id"]))
        return True

    def _m_getChatAdministrators(self, params: dict) -> list[dict]:
        return [_admin(self.user(uid, f"admin{uid}", "Admin")) for uid in
                self.admins.get(str(params["chat_id"]), [])]

    def _m_getChatMember(self, params: dict) -> dict:
        chat, uid = str(params["chat_id"]), int(params["user_id"])
        user = self.user(uid, f"user{uid}")
        if uid in self.admins.get(chat, []):
            return _admin(user)
        if uid in self.members.get(chat, set()):
            return {"status": "member", "user": user}
        return {"status": "left", "user": user}

    def _m_getChat(self, params: dict) -> dict:
        return self.chats.get(str(params["chat_id"])) or {"id": int(params["chat_id"]), "type": "private"}


async def _params(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw:
        return dict(request.query)
    if request.content_type == "application/json":
        return json.loads(raw)
    out: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True):
        try:
            out[key] = json.loads(value) if value[:1] in "[{" or value in ("true", "false") else value
        except json.JSONDecodeError:
            out[key] = value
    return out


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def _admin(user: dict) -> dict:
    return {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False,
            "can_manage_chat": True, "can_delete_messages": True, "can_manage_video_chats": True,
            "can_restrict_members": True, "can_promote_members": False, "can_change_info": True,
            "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
            "can_delete_stories": False}

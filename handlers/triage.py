"""The `triage` contract (SPEC §7): one JSON line in, one JSON line out, judged on its own."""

from __future__ import annotations

import json
from typing import Any

from .core import NO_HISTORY, Knowledge, decide
from .model import Message, User

CHANNELS = ("telegram", "twitter")


class BadLine(ValueError):
    """The input line does not follow the contract; the message says how."""


def triage_line(line: str, kb: Knowledge, explain: bool = False) -> dict[str, Any]:
    """Judge one input line; never raises on bad input (answers with an error line)."""
    row_id: Any = None
    try:
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(row, dict):
            raise BadLine("expected a JSON object")
        row_id = row.get("id")
        if row_id is None or isinstance(row_id, (dict, list, bool)):
            raise BadLine("missing 'id' (a string or number)")
        if "text" in row:
            return _message_result(row_id, _message(row, kb), kb, explain)
        if "user" in row:
            return _user_result(row_id, row, kb)
        raise BadLine("a message needs 'text'; an account check needs 'user' and 'platform'")
    except BadLine as exc:
        return {"id": row_id, "error": str(exc)}


def _user(raw: Any) -> User:
    if not isinstance(raw, dict):
        raise BadLine("'user' must be an object with 'id', 'username' and 'name'")
    uid = raw.get("id")
    if uid is None or isinstance(uid, (dict, list, bool)):
        raise BadLine("'user.id' must be a string or number")
    username, name = raw.get("username"), raw.get("name", "")
    if username is not None and not isinstance(username, str):
        raise BadLine("'user.username' must be a string or null")
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise BadLine("'user.name' must be a string")
    return User(id=str(uid), username=username or None, name=name,
                is_bot=bool(raw.get("is_bot", False)))


def _message(row: dict[str, Any], kb: Knowledge) -> Message:
    text = row.get("text")
    if not isinstance(text, str):
        raise BadLine("'text' must be a string")
    channel = row.get("channel", "telegram")
    if channel not in CHANNELS:
        raise BadLine(f"'channel' must be one of {', '.join(CHANNELS)}")
    public = row.get("public", True)
    if not isinstance(public, bool):
        raise BadLine("'public' must be true or false")
    user = _user(row.get("user", {"id": "anonymous"}))
    return Message(channel=channel, chat_id=str(row.get("chat", "triage")),
                   message_id=str(row["id"]), user=user, text=text, public=public,
                   mentions_bot=_mentions_us(text, channel, kb))


def _mentions_us(text: str, channel: str, kb: Knowledge) -> bool:
    handles = {"@" + a.username.lower() for a in kb.config.official_for(channel)}
    return any(word.lower().rstrip(".,:;!?") in handles for word in text.split() if word.startswith("@"))


def _message_result(row_id: Any, message: Message, kb: Knowledge,
                    explain: bool = False) -> dict[str, Any]:
    decision = decide(message, kb, NO_HISTORY)
    result = {
        "id": row_id,
        "faq": decision.faq,
        "sensitive": decision.sensitive,
        "secret": decision.secret,
        "scam": decision.scam,
        "urgent": decision.urgent,
        "impersonator": decision.impersonator,
        "lang": decision.lang,
        "actions": decision.action_names,
        "reply": decision.reply,
    }
    if explain:
        # Which check fired and why — never the secret or the data itself.
        result["findings"] = [{"check": f.check, "label": f.label, "detail": f.detail}
                              for f in decision.findings]
        result["checks"] = [a.check for a in decision.actions]
    return result


def _user_result(row_id: Any, row: dict[str, Any], kb: Knowledge) -> dict[str, Any]:
    platform = row.get("platform", "telegram")
    if platform not in CHANNELS:
        raise BadLine(f"'platform' must be one of {', '.join(CHANNELS)}")
    verdict = kb.safety.impersonation.check(_user(row.get("user")), platform)
    return {"id": row_id, "impersonator": verdict.impersonator,
            "resembles": verdict.resembles if verdict.impersonator else None}

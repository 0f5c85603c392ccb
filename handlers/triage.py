"""The `triage` contract (SPEC §7): one JSON line in, one JSON line out, judged on its own.

Whatever a line holds, it gets exactly one valid UTF-8 JSON line back: a result, or
`{"id": …|null, "error": "…"}`. Bytes that are not UTF-8 read as U+FFFD; a BOM, CR LF line
ends and surrounding whitespace are ignored; NaN and Infinity are not JSON; lone surrogates
(U+D800 written "\\ud800") are echoed escaped. The core reads the first MAX_TEXT_CHARS of a text (see
handlers.text); a line over MAX_LINE_BYTES is answered with an error without being read.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from handlers.core import NO_HISTORY, Knowledge, decide, needs_embedding
from handlers.model import Message, User

log = logging.getLogger(__name__)

CHANNELS = ("telegram", "twitter")
MAX_LINE_BYTES = 16 * 1024 * 1024   # 16 MiB: a 1 MB text escaped six bytes a character fits
_BOM = "\ufeff"
# Written escaped: lone surrogates cannot be encoded as UTF-8, and line and paragraph
# separators or NEL would split the line for consumers that use str.splitlines().
_ESCAPE_IN_OUTPUT = re.compile("[\ud800-\udfff\u2028\u2029\x85]")


class BadLine(ValueError):
    """The input line does not follow the contract; the message says how."""


def triage_line(line: str | bytes, kb: Knowledge, explain: bool = False,
                embed: Callable[[str], np.ndarray | None] | None = None) -> dict[str, Any]:
    """Judge one input line; never raises (bad input, or a bug, answers with an error line).
    `embed`: the runtime's sentence encoder, for semantic FAQ matching."""
    row_id: Any = None
    try:
        row = _parse(line)
        row_id = _row_id(row)
        if "text" in row:
            return _message_result(row_id, _message(row, kb), kb, explain, embed)
        if "user" in row:
            return _user_result(row_id, row, kb)
        raise BadLine("a message needs 'text'; an account check needs 'user' and 'platform'")
    except BadLine as exc:
        return {"id": row_id, "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - one line must never end the run
        log.error("triage: judging a line failed: %s", type(exc).__name__)
        return {"id": row_id, "error": f"internal error ({type(exc).__name__}); line not judged"}


def line_too_long(size: int) -> dict[str, Any]:
    """The answer to a line that was not read because it is over MAX_LINE_BYTES."""
    return {"id": None, "error": f"line too long ({size:,} bytes; at most {MAX_LINE_BYTES:,})"}


def encode_line(result: dict[str, Any]) -> bytes:
    """One output line: JSON, valid UTF-8, ending in exactly one newline."""
    try:
        text = json.dumps(result, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError, RecursionError) as exc:
        text = json.dumps({"id": None, "error": f"result not writable as JSON ({type(exc).__name__})"})
    return _ESCAPE_IN_OUTPUT.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8") + b"\n"


def _parse(line: str | bytes) -> dict[str, Any]:
    if isinstance(line, bytes):
        line = line.decode("utf-8", errors="replace")
    line = line.strip()
    if line.startswith(_BOM):
        line = line[1:].strip()
    if not line:
        raise BadLine("empty line")
    try:
        row = json.loads(line, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise BadLine("JSON nested too deeply") from None
    except BadLine:
        raise
    except ValueError as exc:   # e.g. an integer over Python's 4,300-digit limit
        what = "a number too long to read" if "digits" in str(exc) else type(exc).__name__
        raise BadLine(f"not valid JSON ({what})") from None
    if not isinstance(row, dict):
        raise BadLine("expected a JSON object")
    return row


def _not_json(name: str) -> Any:
    raise BadLine(f"not valid JSON ({name} is not a JSON value)")


def _row_id(row: dict[str, Any]) -> Any:
    row_id = row.get("id")
    if isinstance(row_id, float) and not math.isfinite(row_id):
        raise BadLine("'id' must be a finite number or a string")
    if row_id is None or isinstance(row_id, (dict, list, bool)):
        raise BadLine("missing 'id' (a string or number)")
    return row_id


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
    chat = row.get("chat", "triage")
    if isinstance(chat, bool) or not isinstance(chat, (str, int, float)):
        raise BadLine("'chat' must be a string or number")
    return Message(channel=channel, chat_id=str(chat),
                   message_id=str(row["id"]), user=user, text=text, public=public,
                   mentions_bot=_mentions_us(text, channel, kb))


def _mentions_us(text: str, channel: str, kb: Knowledge) -> bool:
    handles = {"@" + a.username.lower() for a in kb.config.official_for(channel)}
    return any(word.lower().rstrip(".,:;!?") in handles for word in text.split() if word.startswith("@"))


def _message_result(row_id: Any, message: Message, kb: Knowledge, explain: bool = False,
                    embed: Callable[[str], np.ndarray | None] | None = None) -> dict[str, Any]:
    vector = embed(message.text) if embed and kb.semantic is not None and \
        needs_embedding(message) else None
    decision = decide(message, kb, NO_HISTORY, vector)
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
        # Why this entry, or why none: the model's top candidates against the threshold.
        result["faq_reason"] = decision.reason
        if kb.abstention is not None:
            result["threshold"] = (kb.abstention.public_threshold if message.public
                                   else kb.abstention.private_threshold)
        result["candidates"] = [{"faq": c.faq, "p": round(c.probability, 3),
                                 "similarity": round(c.similarity, 3),
                                 "lexical": round(c.lexical, 3)} for c in decision.candidates]
        # The learned safety checks' scores, fired or not (a rule's finding has no score).
        result["safety_scores"] = {label: {"p": round(p, 3), "threshold": round(t, 4)}
                                   for label, p, t in decision.safety_scores}
    return result


def _user_result(row_id: Any, row: dict[str, Any], kb: Knowledge) -> dict[str, Any]:
    platform = row.get("platform", "telegram")
    if platform not in CHANNELS:
        raise BadLine(f"'platform' must be one of {', '.join(CHANNELS)}")
    verdict = kb.safety.impersonation.check(_user(row.get("user")), platform)
    return {"id": row_id, "impersonator": verdict.impersonator,
            "resembles": verdict.resembles if verdict.impersonator else None}

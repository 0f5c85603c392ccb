"""Slash commands: parsed and validated here; those that need the store become `Command`
actions that the runtime executes (tickets, stats, reload)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .model import Command, Decision, Finding, HandOff, Message, OpenTicket, Reply
from .replies import reply_language, say
from .text import detect_language

if TYPE_CHECKING:
    from .core import Knowledge, State

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+(.*))?$", re.DOTALL)


def parse(text: str) -> tuple[str, str] | None:
    """("escalate", "rest of the line") for "/escalate@MyBot rest of the line"."""
    m = _COMMAND.match(text.strip())
    if not m:
        return None
    return m.group(1).lower(), (m.group(3) or "").strip()


def decide_command(message: Message, kb: Knowledge, state: State) -> Decision:
    parsed = parse(message.text)
    lang = detect_language(message.text)
    words = reply_language(lang)
    if parsed is None:
        return Decision(lang=lang, reason="not a command")
    name, rest = parsed
    finding = Finding("command", "intent", f"/{name}")
    if name in ("help", "start") and not (name == "start" and rest):
        text = say("help", words, brand=kb.config.brand.name,
                   help_center=f" ({kb.config.brand.help_center})" if kb.config.brand.help_center else "")
        return Decision(lang=lang, findings=(finding,), actions=(Reply(check="command", text=text),),
                        reason="/help")
    if name == "human":
        if message.public:
            action = HandOff(check="asks-human", public_text=say("handoff_human", words),
                             private_text=say("handoff_private", words,
                                              place=say("place_group", words),
                                              topic=say("topic_general", words)),
                             topic="human")
        else:
            action = OpenTicket(check="asks-human", topic="human", reason="asked for a human",
                                announce_private=say("ticket_opened", words))
        return Decision(lang=lang, findings=(finding,), actions=(action,), reason="/human")
    # Everything else needs the store or the platform (start tokens, tickets): the runtime.
    return Decision(lang=lang, findings=(finding,),
                    actions=(Command(check="command", command=name, args=tuple(rest.split())),),
                    reason=f"/{name}")

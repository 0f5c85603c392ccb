"""What the bot is about to say to members on a person's word (a staff reply, an FAQ answer
written in the web console) is judged like a member's message first: a hijacked staff account
or a careless sentence must not make the official bot ask for secrets or send members to a
scammer."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from handlers.answering.lint import _NOT_ASKING, _SECRET_NAMED, asks_for_secrets
from handlers.context import Knowledge
from handlers.detectors.safety import add_learned, assess
from handlers.model import Message, User
from handlers.text import sentences

# A number someone is to call or write to: the bot's own answers never send members to one.
_PHONE = re.compile(r"(?:\+|\b00)\d[\d\s().-]{6,}\d")
_MESSENGER = re.compile(r"\b(?:whats\s?app|signal|wechat|viber|line id|telegram @|skype)\b|微信|"
                        r"电报|ватсап|вотсап", re.IGNORECASE)


_HANDLE = re.compile(r"(?<![\w.])@([A-Za-z0-9_]{3,32})\b")


def _contacts(text: str, kb: Knowledge) -> str:
    """A phone number, another messenger or an account that is not one of the brand's."""
    official = {a.username.lstrip("@").casefold() for a in
                (*kb.config.official.telegram, *kb.config.official.twitter)}
    foreign = [h for h in _HANDLE.findall(text) if h.casefold() not in official]
    if foreign:
        return f"@{foreign[0]}"
    found = _PHONE.search(text) or _MESSENGER.search(text)
    return found.group(0) if found else ""


def vet(text: str, kb: Knowledge, embed: Callable[[str], np.ndarray | None] | None = None,
        answer: bool = False) -> str:
    """Why the bot must not say `text` to members, or "" when it may. A staff reply is refused
    when it asks for a secret, or when the bot's scam checks flag it and it names a secret or
    sends the member to someone (those checks alone misjudge staff wording: "we escalated
    your withdrawal" reads like fake support). A standing FAQ answer (`answer`) is stricter: it
    may name a secret only to say never to share it, and sends no one to a phone number,
    another messenger or an account that is not the brand's. `embed`: the sentence encoder,
    called only when the learned scam head is needed."""
    asking = asks_for_secrets(text)
    if asking:
        return f"it asks members for a password, code, recovery phrase or key (“{asking[0][:120]}”)"
    named = next((sentence for sentence in sentences(text) if _SECRET_NAMED.search(sentence)
                  and not _NOT_ASKING.search(sentence)), "")
    contact = _contacts(text, kb)
    if answer and named:
        return (f"it names a password, code, recovery phrase or key without saying never to "
                f"share it (“{named[:120]}”); the operator can write such an answer in faq.yaml")
    if answer and contact:
        return (f"it sends members to {contact}, not one of the official accounts: impersonators "
                "wait there")
    if not (named or contact):
        return ""
    message = Message(channel="console", chat_id="vetting", message_id="vetting",
                      user=User(id="vetting"), text=text, public=True)
    safety = assess(message, kb.safety, on_domain=True)
    vector = embed(text) if embed is not None and kb.heads is not None else None
    if vector is not None and kb.heads is not None:
        safety = add_learned(safety, message, kb.safety, kb.heads, vector)
    if safety.scam:
        check = next((f.check for f in safety.findings if f.label == "scam"), "scam model")
        return (f"the bot's own scam check flags it ({check}) and it "
                + (f"sends the member to {contact}" if contact else "names a secret"))
    return ""

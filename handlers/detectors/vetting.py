"""What the bot is about to say to members on a person's word (a staff reply, an FAQ answer
written in the web console) is judged like a member's message first: a hijacked staff account
or a careless sentence must not make the official bot ask for secrets or send members to a
scammer."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from handlers.answering.faq import Faq
from handlers.answering.lint import _NOT_ASKING, _SECRET_NAMED, asks_for_secrets
from handlers.context import Knowledge
from handlers.detectors.safety import add_learned, assess
from handlers.model import Message, User
from handlers.text import canonical, sentences

# A number someone is to call or write to: the bot's own answers never send members to one.
_PHONE = re.compile(r"(?:\+|\b00)\d[\d\s().-]{6,}\d")
_MESSENGER = re.compile(r"\b(?:whats\s?app|signal|we\s?chat|viber|line (?:id|account|app)|"
                        r"telegram @|skype|discord|"
                        r"t\.me|wa\.me)\b|微信|电报|ватсап|вотсап|телеграм", re.IGNORECASE)


# More ways to name a secret and to ask for it than the FAQ lint knows (staff write in many
# languages and in haste): Chinese, Russian, and codes described by where they come from.
_SECRET_MORE = re.compile(
    r"单词|助记|短信|验证码|动态码|口令|支付密码|登录密码|恢复短语|恢复词|私钥|мнемон|смс|\bsms\b|"
    r"код\w* из|\d+ слов|слов\w* восстановл|фраз\w* восстановл|сид-?фраз|\bpass ?words?\b|"
    r"passphrase|\bpw\b|\bpwd\b|"
    r"authenticator|\d[- ]digit|\bdigits\b|code (?:we|i|you) (?:just )?(?:text(?:ed)?|sen[dt]|e?mail(?:ed)?)|"
    r"\botp\b|backup (?:words|phrase|codes?)|wallet (?:words|backup)", re.IGNORECASE)
_ASK_MORE = re.compile(
    r"发(?:一下|送|给|过来|我)|回复|告诉|提供|给我|报一下|报给|输入|скин|назов|продикт|напиш|пришл|"
    r"отправ|сообщ|скаж|дайте|\b(?:what'?s|what is|tell me|give (?:me|us|them)|reply with|"
    r"read me|send (?:me|us|it)|share)\b", re.IGNORECASE)
# Letters look-alike across scripts, and words spelt out letter by letter ("p-a-s-s w o r d").
_CONFUSABLE = str.maketrans("аеорсхукмтвнАЕОРСХУКМТВНροαεικντυχΡΟΑΕΙΚΝΤΥΧ",
                            "aeopcxykmtbhAEOPCXYKMTBHpoaeikvtuxPOAEIKNTYX")
_SPELT = re.compile(r"\b(?:[A-Za-z][\s.\-_*·]){3,}[A-Za-z]\b")


def _readings(text: str) -> tuple[str, ...]:
    """The text as written (NFKC), with look-alike letters made Latin, and with words spelt
    out letter by letter joined: a check that reads all three is not fooled by either trick."""
    plain = canonical(text)
    latin = plain.translate(_CONFUSABLE)
    joined = _SPELT.sub(lambda m: re.sub(r"[\s.\-_*·]", "", m.group(0)), latin)
    return tuple(dict.fromkeys((plain, latin, joined)))


def _asks_in_any_wording(text: str) -> str:
    for reading in _readings(text):
        asking = asks_for_secrets(reading)
        if asking:
            return asking[0]
        for sentence in sentences(reading):
            if (_SECRET_NAMED.search(sentence) or _SECRET_MORE.search(sentence)) and \
                    (_ASK_MORE.search(sentence)) and not _NOT_ASKING.search(sentence):
                return sentence
    return ""


# A web address with or without its scheme ("evil.com/x", "https://help.example.com"), and the
# domain of an email address: where a reader of the answer could be sent.
URL = re.compile(r"(?<![\w.-])(?:https?://)?(?:[^\s@/]+@)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?![\w-])",
                 re.IGNORECASE)


def link_hosts(faq: Faq, extra: tuple[str, ...] = ()) -> set[str]:
    """The hosts the operator's FAQ already links to (and `extra` addresses or hosts)."""
    texts = [*extra, *(link for e in faq.entries for link in e.links),
             *(text for e in faq.entries for text in e.answer.values())]
    return {m.lower() for text in texts for m in URL.findall(text)}


def foreign_hosts(text: str, hosts: set[str]) -> list[str]:
    """Sites `text` sends readers to that are not among `hosts` (defanged "[.]" read too)."""
    plain = canonical(text).replace("[.]", ".").replace("(.)", ".")
    return sorted({m.lower() for m in URL.findall(plain)} - hosts)


_HANDLE = re.compile(r"(?<![\w.])@([A-Za-z0-9_]{3,32})\b")


def _contacts(text: str, kb: Knowledge) -> str:
    """A phone number, another messenger or an account that is not one of the brand's."""
    official = {a.username.lstrip("@").casefold() for a in
                (*kb.config.official.telegram, *kb.config.official.twitter)}
    text = canonical(text)
    foreign = [h for h in _HANDLE.findall(text) if h.casefold() not in official]
    if foreign:
        return f"@{foreign[0]}"
    found = _PHONE.search(text) or _MESSENGER.search(text)
    return found.group(0) if found else ""


def vet(text: str, kb: Knowledge, embed: Callable[[str], np.ndarray | None] | None = None,
        answer: bool = False, hosts: set[str] | None = None) -> str:
    """Why the bot must not say `text` to members, or "" when it may. A staff reply is refused
    when it asks for a secret, or when the bot's scam checks flag it and it names a secret or
    sends the member to someone (those checks alone misjudge staff wording: "we escalated
    your withdrawal" reads like fake support). A standing FAQ answer (`answer`) is stricter: it
    may name a secret only to say never to share it, and sends no one to a phone number,
    another messenger or an account that is not the brand's. `embed`: the sentence encoder,
    called only when the learned scam head is needed."""
    foreign = foreign_hosts(text, hosts) if hosts is not None else []
    if foreign:
        return (f"it links to {', '.join(foreign[:3])}, a site the FAQ never links to (the operator "
                "can allow more sites: tickets.reply_link_hosts)")
    asking = _asks_in_any_wording(text)
    if asking:
        return f"it asks members for a password, code, recovery phrase or key (“{asking[:120]}”)"
    named = next((sentence for reading in _readings(text) for sentence in sentences(reading)
                  if (_SECRET_NAMED.search(sentence) or _SECRET_MORE.search(sentence))
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

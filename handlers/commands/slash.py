"""Slash commands: parsed and validated here (pure); the ones that need the store become a
`Command` action with clean parameters, which the runtime executes.

Garbage arguments get a usage line; moderator commands from anyone else get a polite refusal
and change nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from handlers.detectors.redaction import redact
from handlers.model import (
    Command,
    Decision,
    Delete,
    Finding,
    HandOff,
    Hide,
    Message,
    NotifyStaff,
    OpenTicket,
    Relay,
    Reload,
    Reply,
    Report,
    SendPrivate,
)
from handlers.platforms import platform
from handlers.replies.texts import Texts
from handlers.text import detect_language, han_count

if TYPE_CHECKING:
    from handlers.context import Knowledge, State

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+(.*))?$", re.DOTALL)
_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{2,32})$")
_REF = re.compile(r"^#?[A-Za-z0-9]{1,8}-?[0-9A-Za-z]{6}$")
_LINK = re.compile(r"^(?:https?://)?(?:t\.me/(?:c/)?[\w-]+/\d+(?:/\d+)?|(?:x|twitter)\.com/\w+/status/\d+|"
                   r"console://[\w:-]+/\d+)\S*$", re.IGNORECASE)
PRIORITY_FLAGS = {"!urgent": "urgent", "!high": "high", "!normal": "normal", "!low": "low"}
TICKET_FILTERS = ("open", "mine", "overdue", "urgent", "all")

TICKET_COMMANDS = ("tickets", "assign", "reply", "note", "close", "reopen", "reload", "stats")
# Moderators teach the bot, as a reply to the message in question.
TEACHING_COMMANDS = ("scam", "spam", "notscam", "faq", "wrong")
# Decisions on one of the bot's moderation cases (the staff alert's buttons run these); only in
# the staff chat or a DM, so another bot's /ban in a group is none of ours.
CASE_COMMANDS = ("undo", "ban")
MODERATOR_COMMANDS = ("escalate", "console", *TICKET_COMMANDS, *TEACHING_COMMANDS, *CASE_COMMANDS)
_CASE = re.compile(r"^#?(\d{1,9})$")
_ROW = re.compile(r"^#(\d{1,12})$")   # one of the member's messages on a ticket (/move)


def parse(text: str) -> tuple[str, str] | None:
    """("escalate", "rest of the line") for "/escalate@MyBot rest of the line"."""
    m = _COMMAND.match(text.strip())
    if not m:
        return None
    return m.group(1).lower(), (m.group(3) or "").strip()


def decide_command(message: Message, kb: Knowledge, state: State) -> Decision:
    parsed = parse(message.text)
    # "/ticket" says nothing of its writer's language: answer in the one they last wrote in.
    lang = "zh" if han_count(message.text) else \
        state.language(message) or detect_language(message.text)
    say = kb.texts.say
    words = kb.texts.reply_language(lang)
    if parsed is None:
        return Decision(lang=lang, reason="not a command")
    name, rest = parsed
    finding = Finding("command", "intent", f"/{name}")

    def done(*actions, reason: str = f"/{name}") -> Decision:
        return Decision(lang=lang, findings=(finding,), actions=tuple(actions), reason=reason)

    if name in CASE_COMMANDS and message.public and not message.staff_chat:
        return Decision(lang=lang, reason=f"/{name} in a group: not ours (case decisions run "
                                          "in the staff chat)")
    if name in MODERATOR_COMMANDS:
        if not message.moderator:
            return done(Reply(check="not-a-moderator", text=say("not_moderator", words)),
                        reason=f"/{name} from a non-moderator: refused, nothing changed")
        if name in TICKET_COMMANDS and message.public and not message.staff_chat:
            # Ticket lists and replies stay among staff: never run where members read along.
            return done(Reply(check="wrong-place", text=say("ticket_commands_place", words)),
                        reason=f"/{name} in a group: ticket commands run in the staff chat or a DM")
        params, problem = _teaching_params(name, rest, message, kb) \
            if name in TEACHING_COMMANDS or name in CASE_COMMANDS else \
            _moderator_params(name, rest, message)
        # A moderator's slip in a group is told to them alone, not to the members.
        tell = SendPrivate if name in TEACHING_COMMANDS and message.public and \
            not message.staff_chat else Reply
        if problem == "member-only":
            return done(tell(check="teach-refused", text=say("teach_not_member", words)),
                        reason=f"/{name}: the message is from the bot, staff or an official account")
        if problem.startswith("unknown entry"):
            return done(tell(check="usage", text=say(
                "faq_unknown_entry", words, entry=params["faq"],
                entries=", ".join(e.id for e in kb.faq.entries[:40]))),
                reason=f"/{name}: {problem}")
        if problem and name in TEACHING_COMMANDS:
            return done(tell(check="usage", text=say("usage", words, usage=USAGE[name])),
                        reason=f"/{name}: {problem}")
        if problem:
            return done(Reply(check="usage", text=say("usage", words, usage=USAGE[name])),
                        reason=f"/{name}: {problem}")
        if name == "reload":
            return done(Reload(check="command"))
        if name == "spam":
            name = "scam"
        return done(Command(check="command", command=name, args=tuple(rest.split()),
                            moderator=True, params=tuple(sorted(params.items()))))
    if name in ("help", "start") and not (name == "start" and rest):
        text = say("help", words, brand=kb.config.brand.name,
                   help_center=f" ({kb.config.brand.help_center})" if kb.config.brand.help_center else "")
        if message.moderator:
            text += "\n" + say("help_mod", words)
        return done(Reply(check="command", text=text))
    if name == "human":
        return done(*_human(message, words, kb.texts, state))
    if name == "verify":
        return done(_verify(message, rest, kb, words))
    if name == "report":
        return done(*_report(message, kb, state, words))
    if name == "move":
        args = rest.split()
        if message.public:
            return done(Reply(check="usage", text=say("ticket_in_private", words)))
        if not 1 <= len(args) <= 2 or not _REF.match(args[0]) or \
                (len(args) == 2 and not _ROW.match(args[1])):
            return done(Reply(check="usage", text=say("usage", words, usage=USAGE["move"])))
        return done(Command(check="command", command="move", args=tuple(args)))
    if name == "ticket" and rest and not _REF.match(rest.split()[0]):
        return done(Reply(check="usage", text=say("usage", words, usage=USAGE["ticket"])))
    if name in ("start", "ticket"):
        return done(Command(check="command", command=name, args=tuple(rest.split()[:1])))
    if message.public:
        return Decision(lang=lang, reason=f"/{name}: not ours (another bot's command)")
    return done(Reply(check="unknown-command", text=say("unknown_command", words)))


USAGE = {
    "escalate": "/escalate (as a reply to the message, or with @user or a message link) [reason] "
                "[!urgent|!high|!low]",
    "tickets": "/tickets [open|mine|overdue|urgent|all]",
    "assign": "/assign REF @moderator",
    "reply": "/reply REF your answer to the member",
    "note": "/note REF internal note",
    "close": "/close REF [internal note] (the member is told it is closed; /reply first to "
             "tell them more)",
    "reopen": "/reopen REF",
    "reload": "/reload",
    "stats": "/stats",
    "console": "/console (a sign-in link to the web console, sent privately)",
    "ticket": "/ticket [REF]",
    "move": "/move REF (in our private chat: your last message goes to ticket REF)",
    "verify": "/verify @username",
    "report": "/report (as a reply to the message, in the group)",
    "scam": "/scam (alias /spam) as a reply to the member's message",
    "spam": "/spam (alias of /scam) as a reply to the member's message",
    "notscam": "/notscam as a reply to the member's message or to the bot's alert, or /notscam #CASE",
    "faq": "/faq ENTRY_ID as a reply to the member's question",
    "wrong": "/wrong as a reply to the bot's answer",
    "undo": "/undo #CASE (the number in the bot's alert)",
    "ban": "/ban #CASE (the number in the bot's alert)",
}


def _teaching_params(name: str, rest: str, message: Message, kb: Knowledge) -> tuple[dict, str]:
    """(parameters, "") when the command can be carried out, else ({}, what is wrong)."""
    args = rest.split()
    target = message.reply_to
    if name in CASE_COMMANDS or (name == "notscam" and args):
        m = _CASE.match(args[0]) if len(args) == 1 else None
        return ({"case": m.group(1)}, "") if m else ({}, "expected a case number")
    if target is None or target.message_id == message.message_id:
        return {}, "not a reply"
    if name == "wrong":
        if not message.reply_to_bot:
            return {}, "not a reply to the bot's answer"
        return {}, ""
    if name == "notscam" and message.reply_to_bot:
        return {"alert": target.message_id}, ""   # the bot's alert about the case
    if target.user.is_bot or target.moderator or kb.safety.is_official(target):
        return {}, "member-only"
    if name == "faq":
        if len(args) != 1:
            return {}, "expected one entry id"
        if not any(e.id == args[0] for e in kb.faq.entries):
            return {"faq": args[0]}, f"unknown entry {args[0]!r}"
        return {"faq": args[0]}, ""
    return ({}, "") if not args else ({}, "takes no arguments")


def _moderator_params(name: str, rest: str, message: Message) -> tuple[dict, str]:
    """(parameters, "") when the arguments are valid, else ({}, what is wrong)."""
    args = rest.split()
    if name == "escalate":
        priority = "high"
        kept = []
        for arg in args:
            if arg.lower() in PRIORITY_FLAGS:
                priority = PRIORITY_FLAGS[arg.lower()]
            else:
                kept.append(arg)
        params = {"priority": priority}
        if message.reply_to is not None:
            params["reason"] = " ".join(kept)
            return params, ""
        if kept and _HANDLE.match(kept[0]) and kept[0].startswith("@"):
            params.update(username=kept[0].lstrip("@"), reason=" ".join(kept[1:]))
            return params, ""
        if kept and _LINK.match(kept[0]):
            params.update(link=kept[0], reason=" ".join(kept[1:]))
            return params, ""
        return {}, "no message, @user or link to escalate"
    if name == "tickets":
        which = args[0].lower() if args else "open"
        if which not in TICKET_FILTERS or len(args) > 1:
            return {}, f"unknown filter {which!r}"
        return {"which": which}, ""
    if name in ("reload", "stats", "console"):
        return ({}, "") if not args else ({}, "takes no arguments")
    if not args or not _REF.match(args[0]):
        return {}, "missing or malformed ticket reference"
    params = {"ref": args[0]}
    if name == "assign":
        if len(args) != 2 or not _HANDLE.match(args[1]):
            return {}, "expected REF @moderator"
        params["assignee"] = args[1].lstrip("@")
    elif name in ("reply", "note"):
        text = rest.split(None, 1)[1].strip() if len(args) > 1 else ""
        if not text:
            return {}, "nothing to send"
        params["text"] = text
    elif name == "close":
        params["note"] = rest.split(None, 1)[1].strip() if len(args) > 1 else ""
    elif name == "reopen" and len(args) > 1:
        return {}, "takes only a reference"
    return params, ""


def _human(message: Message, words: str, texts: Texts, state: State) -> list:
    say = texts.say
    if message.public:
        # The private chat opens with what they asked just before, if anything.
        earlier = [e for e in state.recent(message) if e.text and not e.text.startswith("/")]
        private = say("handoff_resumed", words)
        if earlier:
            asked = " ".join(redact(earlier[-1].text).split())
            asked = asked if len(asked) <= 160 else asked[:159].rstrip() + "…"
            private = say("handoff_private", words, topic=asked,
                          place=say(platform(message.channel).place_key, words))
        return [HandOff(check="asks-human", public_text=say("handoff_human", words),
                        private_text=private, topic="human")]
    current = state.member_ticket(message)
    if current is not None and current[1] in ("open", "pending"):
        # Already with the team (an urgent case, say): one reference, not a second ticket.
        # Staff see the member asked again.
        ref = current[0]
        return [Relay(check="asks-human", ref=ref, status=current[1]),
                Reply(check="asks-human", text=say("ticket_already", words, ref=ref))]
    return [OpenTicket(check="asks-human", topic="human", reason="asked for a human",
                       announce_private=say("ticket_opened", words))]


def _report(message: Message, kb: Knowledge, state: State, words: str) -> list:
    """A member reports a message: staff hear of the first report with a link; when
    `reports.hide_after` different members reported it within the window, it is taken out
    of view pending the moderators' review."""
    say = kb.texts.say
    target = message.reply_to
    if not message.public or target is None or target.message_id == message.message_id:
        return [Reply(check="usage", text=say("usage", words, usage=USAGE["report"]))]
    if target.user.is_bot or target.moderator or kb.safety.is_official(target):
        return [Reply(check="report-official", text=say("report_official", words))]
    earlier = state.reporters(target)
    if message.user.id in earlier:
        return []   # already counted and thanked: a repeat adds nothing, not even a post
    count = len(earlier) + 1
    base = {"user": message.user.handle, "author": target.user.handle,
            "channel": message.channel, "text": target.text or "", "link": target.link or ""}
    actions: list = [Report(check="report", message_id=target.message_id),
                     Reply(check="report", text=say("report_thanks", words))]
    limit = kb.config.reports.hide_after
    if count == 1:
        actions.append(NotifyStaff(check="report", kind="report",
                                   text=say("staff_report", "en", **base)))
    if limit and count == limit:
        remove = Hide if platform(message.channel).removes == "hide" else Delete
        actions.append(remove(check="report", message_id=target.message_id))
        actions.append(NotifyStaff(check="report", kind="report",
                                   text=say("staff_report_hidden", "en", count=count, **base)))
    return actions


def _verify(message: Message, rest: str, kb: Knowledge, words: str) -> Reply:
    """Says plainly whether an account is official staff, with the list of real accounts."""
    from handlers.model import User

    say = kb.texts.say
    args = rest.split()
    if len(args) != 1 or not _HANDLE.match(args[0]):
        return Reply(check="usage", text=say("usage", words, usage=USAGE["verify"]))
    username = args[0].lstrip("@")
    accounts_of = platform(message.channel).accounts
    accounts = kb.config.official_for(accounts_of)
    listed = ", ".join(f"@{a.username}" for a in accounts) or kb.config.brand.name
    if any(a.username.lower() == username.lower() for a in accounts):
        return Reply(check="verify", text=say("verify_official", words, name=username, accounts=listed))
    # The brand's account on the other platform is real too: say where it is, not "fake"
    # (a look-alike of it here is still an imitation, below).
    for other in ("telegram", "twitter"):
        if other != accounts_of and any(a.username.lower() == username.lower()
                                        for a in kb.config.official_for(other)):
            return Reply(check="verify", text=say(
                "verify_official_elsewhere", words, name=username, accounts=listed,
                where=say(f"platform_{other}", words)))
    verdict = kb.safety.impersonation.check(User(id="?", username=username, name=""), accounts_of)
    key = "verify_imitation" if verdict.impersonator and verdict.resembles else "verify_not_official"
    return Reply(check="verify", text=say(key, words, name=username, accounts=listed,
                                          resembles=verdict.resembles or ""))

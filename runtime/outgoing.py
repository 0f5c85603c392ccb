"""What the bot will do on a platform, as typed records: the outbox stores them and gives them
back typed, and every adapter has one method per type (runtime.ports.handles).

The core's actions (handlers.model) say *what* should happen; these say *where and with what*:
the chat, the message to quote, the booked place in the chat's budget, the ticket reference that
makes an item must-arrive. An outbox row holds `{"type": <kind>, <fields>}`; a row of a type
nobody registered is an error, never a silent no-op.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from handlers.model import Message

_TYPES: dict[str, type[Outgoing]] = {}


class UnknownOutgoing(ValueError):
    """An outbox row names a type this version does not know."""


@dataclass(frozen=True)
class Outgoing:
    kind: ClassVar[str] = ""
    check: str = ""                 # the finding that led here (logs, dry runs)
    not_before: float | None = None  # a booked place in the chat's budget (unix seconds)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            _TYPES[cls.kind] = cls

    def to_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {"type": self.kind}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Outgoing):
                value = value.to_row()
            if value != f.default:
                row[f.name] = value
        return row

    def replace(self, **changes: Any) -> Outgoing:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Post(Outgoing):
    """A message in a chat: an answer to the member's message (`reply_to`), or a warning that
    does not quote it (`quote` off: on Telegram it stands alone; X still threads it under the
    post, where the conversation is). In a private chat `chat_id` is the member's DM."""

    kind: ClassVar[str] = "post"
    chat_id: str = ""
    text: str = ""
    reply_to: str | None = None
    thread_id: str | None = None
    user_id: str = ""
    public: bool = True
    quote: bool = True
    faq_cooldown_key: str | None = None   # where the answer lands is remembered for the cooldown
    merge: str | None = None              # "scam-warning": one per minute per chat
    answers_faq: str | None = None        # the FAQ entry this answer is (for /wrong)
    question: str | None = None           # what it answered, redacted (for /wrong)


@dataclass(frozen=True)
class PrivateMessage(Outgoing):
    """A DM to a member. `chat_id`/`reply_to` name the public message it came from, where a
    button goes if the platform refuses the DM."""

    kind: ClassVar[str] = "private"
    user_id: str = ""
    text: str = ""
    chat_id: str = ""
    reply_to: str | None = None
    thread_id: str | None = None
    resend_on_timeout: bool = True   # a staff answer is not sent twice; staff are told instead
    # Buttons: (label, the command a tap sends as the member, e.g. "/move SUP-7K3QX9 #12").
    # Where a platform has none, the text lists the commands to send.
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class HandoffPost(Outgoing):
    """A public pointer to a private chat (a deep-link button where the platform has one), and
    the context the DM continues with."""

    kind: ClassVar[str] = "handoff"
    chat_id: str = ""
    text: str = ""
    private_text: str = ""
    reply_to: str | None = None
    thread_id: str | None = None
    user_id: str = ""
    public: bool = True
    topic: str = ""
    token: str | None = None
    user_started: bool = False
    unreachable_of: int | None = None   # the outbox item whose DM was refused
    answers_faq: str | None = None      # the FAQ entry it carries or points to (for /wrong)
    question: str | None = None         # what it answered, redacted (for /wrong)


@dataclass(frozen=True)
class RemoveMessage(Outgoing):
    """Take a message out of view: deleted, or hidden where the platform can only hide."""

    kind: ClassVar[str] = "remove"
    chat_id: str = ""
    message_id: str = ""
    user_id: str = ""
    own: bool = False     # the bot's own post (/wrong): deleted, on X too


@dataclass(frozen=True)
class RestoreMessage(Outgoing):
    """Show again a message the bot hid (X), when staff found it was not a scam."""

    kind: ClassVar[str] = "restore"
    chat_id: str = ""
    message_id: str = ""
    user_id: str = ""


@dataclass(frozen=True)
class LiftMember(Outgoing):
    """Take back a mute (and a ban, with `unban`) the bot applied."""

    kind: ClassVar[str] = "lift"
    chat_id: str = ""
    user_id: str = ""
    unban: bool = False


@dataclass(frozen=True)
class RestrictMember(Outgoing):
    kind: ClassVar[str] = "restrict"
    chat_id: str = ""
    user_id: str = ""
    seconds: int = 3600


@dataclass(frozen=True)
class BanMember(Outgoing):
    kind: ClassVar[str] = "ban"
    chat_id: str = ""
    user_id: str = ""


@dataclass(frozen=True)
class CopyMedia(Outgoing):
    """A photo or file passed on as it is (the bot cannot read it): a member's screenshot to
    the staff chat (`chat_id` ""), or a moderator's file to the member (`chat_id` their id)."""

    kind: ClassVar[str] = "copy"
    from_chat_id: str = ""
    message_id: str = ""
    chat_id: str = ""
    caption: str = ""


# Staff posts are sent urgent first; routine ones may be folded into a digest.
PRIORITIES = {"urgent": 0, "normal": 1, "routine": 2}


@dataclass(frozen=True)
class StaffPost(Outgoing):
    kind: ClassVar[str] = "staff"
    text: str = ""
    topic: str = "alert"       # "ticket", "alert", "overdue", "unmanaged-group", "digest"
    origin_channel: str = ""
    ref: str | None = None     # the ticket it is about: staff may answer by replying to it
    priority: str = "normal"
    unreachable_of: int | None = None
    case_id: int | None = None  # a moderation case staff can undo from the post (buttons)


@dataclass(frozen=True)
class ReloadFiles(Outgoing):
    """A moderator's /reload, carried out by the runtime; `confirm` is what the moderator is
    told afterwards (its text filled in then), on `confirm_channel`."""

    kind: ClassVar[str] = "reload"
    lang: str = "en"
    confirm_channel: str = ""
    confirm: Outgoing | None = None


def from_row(row: dict[str, Any]) -> Outgoing:
    """The typed record of an outbox row; UnknownOutgoing for a type nobody registered."""
    data = dict(row)
    kind = data.pop("type", None)
    cls = _TYPES.get(str(kind))
    if cls is None:
        raise UnknownOutgoing(f"outbox row of unknown type {kind!r}")
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise UnknownOutgoing(f"outbox row of type {kind!r} has unknown fields {sorted(unknown)}")
    if isinstance(data.get("confirm"), dict):
        data["confirm"] = from_row(data["confirm"])
    return cls(**data)


def answer(message: Message, text: str, private: bool = False) -> tuple[str, Outgoing]:
    """(channel, item) answering a message in its chat; moderator output asked for in public
    goes to the moderator privately (the staff chat is the staff's own room: answered there)."""
    if private and message.public and not message.staff_chat:
        return message.channel, PrivateMessage(user_id=message.user.id, text=text,
                                               chat_id=message.chat_id)
    return message.channel, Post(chat_id=message.chat_id, reply_to=message.message_id,
                                 thread_id=message.thread_id, user_id=message.user.id,
                                 public=message.public, text=text)


__all__ = ["PRIORITIES", "BanMember", "HandoffPost", "LiftMember", "Outgoing", "Post",
           "PrivateMessage", "ReloadFiles", "RemoveMessage", "RestoreMessage", "RestrictMember",
           "StaffPost", "UnknownOutgoing", "answer", "from_row"]

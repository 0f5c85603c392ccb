"""The core's vocabulary: messages in; findings, decisions and actions out. Plain data only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class User:
    id: str
    username: str | None = None
    name: str = ""
    is_bot: bool = False

    @property
    def handle(self) -> str:
        return f"@{self.username}" if self.username else (self.name or f"user {self.id}")


@dataclass(frozen=True)
class Message:
    """One message as the core sees it, whatever platform it came from."""

    channel: str                      # "telegram" | "twitter" | "console"
    chat_id: str
    message_id: str
    user: User
    text: str
    public: bool = True
    reply_to: Message | None = None   # the message this one answers, if any
    reply_to_bot: bool = False
    mentions_bot: bool = False
    thread_id: str | None = None      # forum topic (Telegram) or conversation id (X)
    edited: bool = False
    from_official: bool = False       # sent by one of the brand's official accounts
    moderator: bool = False           # the sender may run moderator commands here
    managed: bool = True              # a public chat the operator runs (else: a stranger's group)
    staff_chat: bool = False          # the operator's private staff chat
    joined: bool = False              # not a message: the user just joined the chat
    forwarded_from: User | None = None   # a message the member forwarded to the bot
    date: float = 0.0                 # unix seconds
    link: str | None = None           # a link to the message, when the platform has one
    chat_title: str = ""              # the group's name, for staff ("Aurora Community")
    media: str = ""                   # "photo", "document", "video"…: what came with the text

    @property
    def addressed(self) -> bool:
        """Spoken to the bot: a DM, a mention or a reply to the bot."""
        return not self.public or self.mentions_bot or self.reply_to_bot


@dataclass(frozen=True)
class Earlier:
    """One of the member's last few messages in the same chat (the runtime keeps them in memory
    only): a secret split over several messages is seen by reading them together."""

    message_id: str
    text: str
    public: bool = True


@dataclass(frozen=True)
class Finding:
    """One check that fired, and why — never the secret or the data itself."""

    check: str      # "seed-phrase", "lookalike-domain", "faq-match", ...
    label: str      # "faq", "secret", "scam", "sensitive", "urgent", "impersonator", "intent"
    detail: str


# --- actions: what should happen; adapters decide how on their platform --------------------

@dataclass(frozen=True)
class Action:
    name: ClassVar[str] = "action"
    check: str = ""          # the finding that led here, for moderators and dry runs


@dataclass(frozen=True)
class Reply(Action):
    """Answer in the same chat (in the thread, quoting the message)."""

    name: ClassVar[str] = "reply"
    text: str = ""
    link: str | None = None
    faq_id: str | None = None


@dataclass(frozen=True)
class PointToEarlier(Action):
    """The same FAQ was answered here moments ago: point to it instead of repeating it."""

    name: ClassVar[str] = "point_to_earlier"
    text: str = ""
    faq_id: str | None = None


@dataclass(frozen=True)
class HandOff(Action):
    """Move to a private chat: a public pointer (with a deep link where the platform has one)
    and, in the DM, the context carried over. `summary` is already redacted."""

    name: ClassVar[str] = "dm_handoff"
    public_text: str = ""
    private_text: str = ""
    topic: str = ""
    summary: str = ""


@dataclass(frozen=True)
class SendPrivate(Action):
    """A private message to the author (e.g. "treat your seed phrase as compromised")."""

    name: ClassVar[str] = "dm"
    text: str = ""


@dataclass(frozen=True)
class Delete(Action):
    name: ClassVar[str] = "delete"
    message_id: str | None = None   # another message of the same member (a secret's earlier part)


@dataclass(frozen=True)
class Hide(Action):
    """Hide a reply in our own conversation (X)."""

    name: ClassVar[str] = "hide"
    message_id: str | None = None   # another message of the same member (a secret's earlier part)


@dataclass(frozen=True)
class Warn(Action):
    """A public warning in the chat; repeats nothing from the offending message."""

    name: ClassVar[str] = "warn"
    text: str = ""


@dataclass(frozen=True)
class Remind(Action):
    """The once-a-day reminder that staff never DM first or ask for secrets."""

    name: ClassVar[str] = "remind_no_dm"
    text: str = ""


@dataclass(frozen=True)
class Report(Action):
    """Record a member's report of a message (the runtime stores who reported it, when)."""

    name: ClassVar[str] = "report"
    message_id: str = ""


@dataclass(frozen=True)
class NotifyStaff(Action):
    name: ClassVar[str] = "notify_staff"
    text: str = ""
    kind: str = "alert"       # "alert", "ticket", "report"


@dataclass(frozen=True)
class OpenTicket(Action):
    """Open (or add to) a ticket; the reference is filled in once the row exists."""

    name: ClassVar[str] = "open_ticket"
    priority: str = "normal"
    topic: str = ""
    summary: str = ""         # redacted
    reason: str = ""
    subject_user: User | None = None       # whose ticket (for /escalate: the member, not the mod)
    subject_message: Message | None = None
    origin_link: str = ""                   # where the case began, if not this message
    announce_public: str = ""               # template with {ref}; no details
    announce_private: str = ""              # template with {ref}


@dataclass(frozen=True)
class Relay(Action):
    """A member's private message on their ticket: into the transcript and the staff chat."""

    name: ClassVar[str] = "relay_to_staff"
    ref: str = ""
    status: str = "open"
    others: tuple[tuple[str, str, str], ...] = ()   # (ref, topic, status) the member may mean


@dataclass(frozen=True)
class Restrict(Action):
    name: ClassVar[str] = "restrict"
    seconds: int = 3600


@dataclass(frozen=True)
class Ban(Action):
    name: ClassVar[str] = "ban"


@dataclass(frozen=True)
class Command(Action):
    """A parsed command that needs the store (tickets, stats): the runtime executes it."""

    name: ClassVar[str] = "command"
    command: str = ""
    args: tuple[str, ...] = ()
    moderator: bool = False
    params: tuple[tuple[str, str], ...] = ()   # validated arguments, by name

    def param(self, key: str, default: str = "") -> str:
        return dict(self.params).get(key, default)


@dataclass(frozen=True)
class Reload(Action):
    """Re-read config and FAQ (a moderator's /reload). The runtime loads them off the event
    loop, puts them in force at once, and only then confirms; refused files change nothing
    and the moderator is told the file, entry and field."""

    name: ClassVar[str] = "reload"


@dataclass(frozen=True)
class Candidate:
    """An FAQ entry the model weighed: the probability that it answers the message, the
    similarity of its closest example question and its word-match score."""

    faq: str
    probability: float
    similarity: float
    lexical: float


@dataclass(frozen=True)
class Decision:
    """Everything the core concluded about one message."""

    faq: str | None = None
    lang: str = "en"
    sensitive: bool = False
    secret: bool = False
    scam: bool = False
    urgent: bool = False
    impersonator: bool = False
    findings: tuple[Finding, ...] = ()
    actions: tuple[Action, ...] = ()
    confidence: float = 0.0
    reason: str = ""
    # The member's recent messages, read together, hold a seed phrase: whatever is stored or
    # relayed from this message masks every run of 4+ wordlist words, not only runs of 8+.
    strict_redaction: bool = False
    secret_parts: tuple[str, ...] = ()   # the member's earlier messages that held part of it
    # The whole message is a piece of a secret sent bit by bit (a few recovery words after
    # others, the password after "my password is"): store and relay none of its text.
    withhold_text: bool = False
    # The FAQ entries the learned model weighed, most probable first (for `triage --explain`).
    candidates: tuple[Candidate, ...] = ()
    # Each safety head's probability and threshold: (label, p, threshold), for `--explain`.
    safety_scores: tuple[tuple[str, float, float], ...] = ()
    # Asks something, reports a problem or wants staff to act (the FAQ gaps are made of these).
    asks: bool = False

    @property
    def action_names(self) -> list[str]:
        return [a.name for a in self.actions]

    @property
    def reply(self) -> str | None:
        """The text the asker sees first (public pointer in public, the answer in private)."""
        for action in self.actions:
            if isinstance(action, (Reply, PointToEarlier)) and action.text:
                return action.text
            if isinstance(action, HandOff):
                return action.public_text or action.private_text
            if isinstance(action, (Warn, SendPrivate)) and action.text:
                return action.text
        return None

"""What a decision is made with: the operator's knowledge (config, FAQ, word tables, indexes)
and the recent activity the runtime remembers. Shared by the core and the command parser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from handlers.answering.analysis import Lexicon, compiled
from handlers.answering.faq import Faq
from handlers.answering.matcher import FaqMatcher
from handlers.answering.semantic import AbstentionModel, SemanticIndex
from handlers.config import Config
from handlers.detectors.heads import SafetyHeads
from handlers.detectors.safety import SafetyKit
from handlers.learned import NO_MEMORY, LearnedMemory
from handlers.model import Earlier, Message
from handlers.replies.texts import Texts
from handlers.tables import Tables, shipped_tables


class State(Protocol):
    """What the core may ask about recent activity; the runtime answers from the store."""

    def earlier_answer(self, message: Message, faq_id: str, lang: str = "en") -> str | None:
        """A link (or "") to this FAQ's answer in language `lang` in this chat within the
        cooldown, else None."""

    def reminded_recently(self, message: Message) -> bool:
        """Has this member had the "staff never DM first" reminder within the window?"""

    def strikes(self, message: Message) -> int:
        """Earlier scam/impersonation offences of this member in this chat, within the window."""

    def member_ticket(self, message: Message) -> tuple[str, str] | None:
        """(reference, status) of the ticket a private message belongs to: the one whose bot
        message it replies to, else the member's most recently active open ticket, else one
        closed within the reopen window, on this channel; None if there is none."""

    def ticket_choices(self, message: Message) -> tuple[tuple[str, str, str], ...]:
        """(reference, topic, status) of each ticket the member could mean, when a private
        message replies to none of them and they have several (open, or closed within the
        reopen window); () otherwise."""

    def unsettled_recently(self, message: Message) -> bool:
        """Did the bot already fail to answer this member's private question a moment ago?"""

    def recent(self, message: Message) -> tuple[Earlier, ...]:
        """The member's last few messages in this chat before this one, oldest first."""

    def reporters(self, message: Message) -> frozenset[str]:
        """Who has /report-ed this message within the reports window (user ids)."""

    def language(self, message: Message) -> str | None:
        """The language the member last wrote in (a bare command carries none), if known."""

    def handed_off(self, message: Message) -> tuple[str, str, str] | None:
        """(topic, the question redacted, its link or "") of a public question this member
        carried into this private chat through the hand-off link within the last half hour."""


class NoHistory:
    """No memory at all: what `triage` uses, so each line is judged on its own."""

    def earlier_answer(self, message: Message, faq_id: str, lang: str = "en") -> str | None:
        return None

    def reminded_recently(self, message: Message) -> bool:
        return False

    def strikes(self, message: Message) -> int:
        return 0

    def member_ticket(self, message: Message) -> tuple[str, str] | None:
        return None

    def unsettled_recently(self, message: Message) -> bool:
        return False

    def recent(self, message: Message) -> tuple[Earlier, ...]:
        return ()

    def reporters(self, message: Message) -> frozenset[str]:
        return frozenset()

    def language(self, message: Message) -> str | None:
        return None

    def handed_off(self, message: Message) -> tuple[str, str, str] | None:
        return None

    def ticket_choices(self, message: Message) -> tuple[tuple[str, str, str], ...]:
        return ()


NO_HISTORY = NoHistory()


def matcher_lexicon(config: Config, tables: Tables) -> Lexicon:
    """The vocabulary the matcher reads with: the tables' packs and overlay, "{brand}" filled
    in with the config's brand names. Its fingerprint is part of the FAQ index's cache key."""
    return compiled(tables.vocabulary.with_brand(config.brand_names()))


@dataclass
class Knowledge:
    """Config, FAQ, word tables and the indexes built from them; rebuilt on /reload."""

    config: Config
    faq: Faq
    matcher: FaqMatcher
    safety: SafetyKit
    tables: Tables
    # The example questions' embeddings and the learned answer-or-abstain model: without them
    # (no encoder configured, or it failed) the core answers from the lexical matcher alone.
    semantic: SemanticIndex | None = None
    abstention: AbstentionModel | None = None
    # The learned safety heads (they read the same embedding); None without the encoder.
    heads: SafetyHeads | None = None
    # What moderators taught (/scam, /notscam, /faq ID, /wrong), embedded by the runtime.
    learned: LearnedMemory = NO_MEMORY

    @property
    def texts(self) -> Texts:
        """The bot's sentences, with the operator's overrides."""
        return self.tables.texts

    @classmethod
    def build(cls, config: Config, faq: Faq, index: dict[str, Any] | None = None,
              tables: Tables | None = None) -> Knowledge:
        """`index`: a `FaqMatcher.index_state()` of this very FAQ and vocabulary, to skip
        re-analysing it. `tables`: the word tables with the config's overlays
        (`handlers.tables.load_tables`); without them, the shipped ones, and then the config
        must name no overlay (it would be silently ignored)."""
        if tables is None:
            if config.overlays():
                raise ValueError("the config names word overlays: load them with "
                                 "handlers.tables.load_tables(config) and pass tables=")
            tables = shipped_tables(config)
        names = (*config.brand_names(),
                 *(a.username for a in config.official.telegram),
                 *(a.username for a in config.official.twitter))
        matcher = FaqMatcher(faq, tuple(names), index, matcher_lexicon(config, tables))
        return cls(config, faq, matcher, SafetyKit(config, tables.roles, tables.texts), tables)

"""Moderators teach the bot and decide its moderation cases: /scam (alias /spam), /notscam,
/faq ID, /wrong, and /undo and /ban on a case (the staff alert's buttons send those).

The core checked who may do it and what the command points at; this runs it against the
store inside the message's transaction: the example is stored (redacted) before anyone is
told it was learned, and the lesson counts in memory once the transaction is committed
(`Lessons.pending`, applied by the service).
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.answering.choice import answer_text, phone_sized
from handlers.config import Config
from handlers.context import Knowledge
from handlers.detectors.redaction import redact, redact_lesson
from handlers.learned import Example
from handlers.model import Command, Message
from handlers.platforms import platform
from handlers.text import detect_language
from store import Case, Store
from store.learning import ANSWERS_KEPT_DAYS

from .history import faq_key
from .outgoing import (
    BanMember,
    LiftMember,
    Post,
    PrivateMessage,
    RemoveMessage,
    RestoreMessage,
    RestrictMember,
    StaffPost,
    answer,
)

Planned = tuple[str, object, "str | None"]


class Teaching:
    """Mixed into the command runner (it provides store, knowledge, staff channel, say)."""

    store: Store
    staff_channel: str
    _knowledge: Callable[[], Knowledge]
    say: Callable[..., str]
    config: Config
    # Examples stored (and ids dropped) in the current transaction, for the service to apply
    # to the memory once it is committed.
    pending: list[Example]
    dropped: list[int]

    def _told(self, message: Message, text: str) -> Planned:
        """The moderator's confirmation: privately when asked in a group (members need not
        read it), in place in the staff chat or a DM."""
        return (*answer(message, text, private=True), None)

    def _learn(self, kind: str, text: str, message: Message, faq_id: str | None = None,
               now: float = 0.0) -> int:
        clean = redact_lesson(text)
        example_id, replaced = self.store.add_example(
            kind, clean, message.user.handle, faq_id=faq_id, lang=detect_language(clean),
            channel=message.channel, chat_id=message.chat_id,
            message_id=message.reply_to.message_id if message.reply_to else None, now=now)
        self.dropped += replaced
        if not any(e.id == example_id for e in self.pending):
            self.pending.append(Example(example_id, kind, clean, faq_id, message.user.handle))
        return example_id

    def _unlearn(self, example_id: int | None) -> None:
        """A lesson taken back with its case (a moderator's /scam undone)."""
        if example_id and self.store.drop_example(example_id):
            self.dropped.append(example_id)

    # --- /scam: remove, strike, learn ----------------------------------------------------------

    def cmd_scam(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        target = message.reply_to
        assert target is not None    # the core checked
        earlier = self.store.case_for_message(target.channel, target.chat_id, target.message_id)
        if earlier is not None and not _undone(earlier):
            # Once per message: a second /scam (or one on what the bot already removed) is no
            # second strike.
            return [self._told(message, self.say("case_exists", words, case=earlier.id,
                                                 done=_said(list(earlier.done))))]
        config = self.config
        _dry, steps, _imp = config.safety.for_chat(target.chat_id)
        since = now - config.safety.window_hours * 3600
        strikes = self.store.strikes_since(target.channel, target.chat_id, target.user.id, since)
        step = steps[min(strikes, len(steps) - 1)]
        where = platform(target.channel)
        ids = {"chat_id": target.chat_id, "user_id": target.user.id}
        # A moderator said so: the message goes whatever the first step is.
        out: list[Planned] = [(target.channel, RemoveMessage(**ids, message_id=target.message_id,
                                                             check="moderator-scam"), None)]
        done = ["hide" if where.removes == "hide" else "delete"]
        if step == "mute" and where.can_restrict:
            minutes = int(config.safety.mute_minutes)
            out.append((target.channel, RestrictMember(**ids, seconds=minutes * 60,
                                                       check="moderator-scam"), None))
            done.append("restrict")
        if step == "ban" and where.can_ban:
            out.append((target.channel, BanMember(**ids, check="moderator-scam"), None))
            done.append("ban")
        self.store.add_strike(target.channel, target.chat_id, target.user.id, "moderator-scam", now)
        example = self._learn("scam", target.text or "", message, now=now)
        case_id = self.store.open_case(target.channel, target.chat_id, target.message_id,
                                       target.user.id, target.user.username, "scam",
                                       "moderator-scam", target.text or "", tuple(done), now,
                                       example_id=example)
        said = _said(done)
        out.insert(0, self._told(message, self.say("taught_scam", words, done=said, example=example)))
        staff = self.say("staff_taught_scam", "en", case=case_id, mod=message.user.handle,
                         author=target.user.handle, place=target.chat_id, channel=target.channel,
                         text=redact(target.text)[:300], done=said, example=example)
        out.append((self.staff_channel, StaffPost(text=staff, topic="alert", case_id=case_id,
                                                  origin_channel=target.channel), None))
        return out

    # --- /notscam, /undo, /ban: decide a case --------------------------------------------------

    def _case(self, message: Message, action: Command) -> Case | None:
        if action.param("case"):
            return self.store.case(int(action.param("case")))
        if action.param("alert"):
            return self.store.case_for_staff_post(message.channel, message.chat_id,
                                                  action.param("alert"))
        target = message.reply_to
        return self.store.case_for_message(target.channel, target.chat_id, target.message_id) \
            if target else None

    def _decide_case(self, message: Message, action: Command, words: str, now: float,
                     outcome: str) -> tuple[Case | None, list[Planned]]:
        """The case the command is about, closed with `outcome`; or the moderator's answer
        why not (unknown, or decided before: a second press of a button changes nothing)."""
        case = self._case(message, action)
        if case is None:
            key = "case_not_an_alert" if action.param("alert") else "case_unknown"
            return None, [self._told(message, self.say(key, words,
                                                       case=action.param("case") or "?"))]
        # A ban by mistake can be taken back (a Ban button sits next to Undo); nothing else
        # is decided twice.
        again = case.outcome == "banned" and outcome != "banned"
        if (case.closed_at is not None and not again) or \
                not self.store.close_case(case.id, outcome, message.user.handle, now, again=again):
            case = self.store.case(case.id) or case
            return None, [self._told(message, self.say("case_already", words, case=case.id,
                                                       outcome=case.outcome or "-",
                                                       by=case.closed_by or "-"))]
        return case, []

    def _undo(self, case: Case) -> tuple[list[Planned], list[str]]:
        """What lifts what the bot did: unmute, unban, unhide (a deleted Telegram message cannot
        come back: the member may post it again)."""
        ids = {"chat_id": case.chat_id, "user_id": case.user_id, "check": "undo"}
        out: list[Planned] = []
        said = []
        banned = "ban" in case.done or case.outcome == "banned"
        if "restrict" in case.done or banned:
            out.append((case.channel, LiftMember(**ids, unban=banned), None))
            said.append("ban lifted" if banned else "mute lifted")
        if "hide" in case.done:
            out.append((case.channel, RestoreMessage(**ids, message_id=case.message_id), None))
            said.append("post unhidden")
        elif "delete" in case.done:
            said.append("the deleted message cannot be restored (the member may post it again)")
        self.store.lift_strike(case.channel, case.chat_id, case.user_id, case.at)
        self.store.decision_undone(case.channel, case.chat_id, case.message_id)
        if case.example_id:
            self._unlearn(case.example_id)
            said.append(f"scam example #{case.example_id} taken back")
        return out, said

    def _case_decided(self, case: Case, what: str, message: Message) -> Planned:
        text = self.say("staff_case_decided", "en", case=case.id,
                        author=f"@{case.username}" if case.username else f"user {case.user_id}",
                        place=case.chat_id, channel=case.channel, what=what,
                        mod=message.user.handle)
        return (self.staff_channel, StaffPost(text=text, topic="alert", origin_channel=case.channel,
                                              priority="routine"), None)

    def cmd_notscam(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        if not action.param("case") and not action.param("alert") and \
                self._case(message, action) is None:
            # Nothing was done to it (the bot let it through, or only warned): a lesson only.
            target = message.reply_to
            example = self._learn("ham", target.text if target else "", message, now=now)
            return [self._told(message, self.say("case_none_for_message", words, example=example))]
        case, refused = self._decide_case(message, action, words, now, "not a scam: undone")
        if case is None:
            return refused
        out, said = self._undo(case)
        example = self._learn("ham", case.text, message, now=now)
        undone = "; ".join(said) or "nothing to lift"
        return [self._told(message, self.say("taught_notscam", words, undone=undone,
                                             example=example)),
                *out, self._case_decided(case, f"not a scam: {undone}; example #{example}", message)]

    def cmd_undo(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        case, refused = self._decide_case(message, action, words, now, "undone")
        if case is None:
            return refused
        out, said = self._undo(case)
        undone = "; ".join(said) or "nothing to lift"
        return [self._told(message, self.say("mod_done", words, ref=f"#{case.id}", what=undone)),
                *out, self._case_decided(case, f"undone: {undone}", message)]

    def cmd_ban(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        case, refused = self._decide_case(message, action, words, now, "banned")
        if case is None:
            return refused
        if not platform(case.channel).can_ban:
            return [self._told(message, self.say("mod_done", words, ref=f"#{case.id}",
                                                 what=f"{case.channel} has no ban; block the "
                                                      "account there"))]
        ban = BanMember(chat_id=case.chat_id, user_id=case.user_id, check="moderator-ban")
        return [self._told(message, self.say("mod_done", words, ref=f"#{case.id}", what="banned")),
                (case.channel, ban, None), self._case_decided(case, "banned", message)]

    # --- /faq ID and /wrong: answers -----------------------------------------------------------

    def cmd_faq(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        kb = self._knowledge()
        target = message.reply_to
        assert target is not None
        entry = next(e for e in kb.faq.entries if e.id == action.param("faq"))
        lang = detect_language(target.text or "")
        text, link = answer_text(entry, lang, kb.faq, kb.texts)
        question = redact(target.text)
        if target.public and not entry.private:   # as the bot answers it by itself
            text = phone_sized(text, link, kb.config.answering.public_max_chars,
                               kb.texts.reply_language(lang), kb.texts, target.text or "")
        out: list[Planned] = []
        if entry.private and target.public:
            # An entry the operator keeps out of public threads: the member hears it privately.
            out.append((target.channel, PrivateMessage(user_id=target.user.id, text=text,
                                                       chat_id=target.chat_id,
                                                       reply_to=target.message_id,
                                                       check="moderator-faq"), None))
        else:
            out.append((target.channel, Post(chat_id=target.chat_id, reply_to=target.message_id,
                                             thread_id=message.thread_id, user_id=target.user.id,
                                             public=target.public, text=text,
                                             answers_faq=entry.id, question=question,
                                             check="moderator-faq"), None))
        example = self._learn("paraphrase", question, message, faq_id=entry.id, now=now)
        out.insert(0, self._told(message, self.say("taught_faq", words, entry=entry.id,
                                                   example=example)))
        return out

    def cmd_wrong(self, message: Message, action: Command, words: str, now: float) -> list[Planned]:
        target = message.reply_to
        assert target is not None
        remove = (target.channel, RemoveMessage(chat_id=target.chat_id, message_id=target.message_id,
                                                own=True, check="moderator-wrong"), None)
        row = self.store.answer_post(target.channel, target.chat_id, target.message_id)
        if row is None:
            # A warning, a hand-off or an answer older than the record: left where it is.
            return [self._told(message, self.say("wrong_unknown", words, days=ANSWERS_KEPT_DAYS))]
        example = self._learn("negative", row["question"], message, faq_id=row["faq_id"], now=now)
        # Nobody is pointed to the removed answer ("answered here a few minutes ago").
        for lang in self._knowledge().texts.languages:
            self.store.set_cooldown(faq_key(target, row["faq_id"], lang), 0.0, "")
        return [self._told(message, self.say("taught_wrong", words, entry=row["faq_id"],
                                             example=example)), remove]


def _undone(case: Case) -> bool:
    return bool(case.outcome) and not case.outcome.startswith("banned")


def _said(done: list[str]) -> str:
    names = {"delete": "deleted", "hide": "hidden", "restrict": "muted", "ban": "banned"}
    return ", ".join(names.get(d, d) for d in done)


__all__ = ["Teaching"]

"""The one function that turns a message into a decision and actions. Pure: no I/O.

What it needs to know about the past (was this FAQ answered here a minute ago? has this member
had the safety reminder today?) arrives through a `State` the caller fills from the store.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from handlers.answering.choice import (
    FaqChoice,
    answer_text,
    choose_entry,
    choose_ranked,
    faq_actions,
    phone_sized,
)
from handlers.answering.intent import read_intent, wants_human
from handlers.answering.semantic import FEATURES, rank
from handlers.commands.slash import decide_command
from handlers.context import NO_HISTORY, Knowledge, State
from handlers.detectors.complaints import complaint
from handlers.detectors.redaction import redact
from handlers.detectors.safety import (
    SafetyResult,
    add_learned,
    apply_taught,
    assess,
    plan,
    sensitive_handoff,
)
from handlers.detectors.scams import lookalike_domains, shown_site
from handlers.model import (
    Candidate,
    Decision,
    Delete,
    Finding,
    HandOff,
    Hide,
    Message,
    NotifyStaff,
    OpenTicket,
    Relay,
    Remind,
    Reply,
    SendPrivate,
    Warn,
)
from handlers.platforms import platform
from handlers.replies.texts import Texts
from handlers.text import MAX_TEXT_CHARS, bounded, han_count, strip_leading_handles

QUOTED_CHARS = 160   # of the member's public question, quoted when the private chat opens


def decide(message: Message, kb: Knowledge, state: State = NO_HISTORY,
           vector: np.ndarray | None = None) -> Decision:
    """Everything the bot concludes about one message, and what it should do. `vector`: the
    message's sentence embedding (the runtime computes it; see `needs_embedding`)."""
    if message.user.is_bot:
        return Decision(reason="sent by a bot: never answered")
    if message.public and not message.managed:
        return _decide_unmanaged(message, kb, state)
    if message.joined:
        return _decide_join(message, kb, state)
    if len(message.text or "") > MAX_TEXT_CHARS:
        # Longer than three Telegram messages (an X long post, a triage line): judged on the
        # part the core reads, so no text costs more than that.
        message = replace(message, text=bounded(message.text))
    text = (message.text or "").strip()
    if not text and message.media and not message.public:
        return _media_in_private(message, kb, state)
    if not text:
        return Decision(reason="no text")
    bare = strip_leading_handles(text).strip()
    if bare.startswith("/"):   # "@brand /escalate …" on X is still a command
        return decide_command(replace(message, text=bare) if bare != text else message, kb, state)

    semantic = vector is not None and kb.semantic is not None and kb.abstention is not None
    match = kb.matcher.match(text, addressed=message.addressed, gate=not semantic)
    analysis = match.analysis
    lang = analysis.lang
    texts = kb.texts
    words = texts.reply_language(lang)
    intent = read_intent(analysis)
    safety = assess(message, kb.safety, on_domain=match.anchored, earlier=state.recent(message))
    if vector is not None and kb.heads is not None:
        safety = add_learned(safety, message, kb.safety, kb.heads, vector)
    if vector is not None and len(kb.learned):
        safety = apply_taught(safety, message, kb.safety, kb.heads, kb.learned, vector)

    settings = kb.config.matching
    # Someone who asks for a person gets one, even if an FAQ entry is about contacting support;
    # a scam or an account emergency is never answered with an article.
    blocked = ("a scam message" if safety.scam else "an account emergency" if safety.urgent
               else "asks for a human" if wants_human(text) else "")
    choice = choose_entry(match, intent, message, settings.public_threshold,
                          settings.private_threshold, blocked_by=blocked)
    ranked: list = []
    if semantic:
        # The word matcher's pick is one signal; the learned model decides.
        ranked = rank(kb.learned.extend(kb.semantic), kb.abstention, vector, kb.matcher, match,
                      intent, message.public, _length(text),
                      choice.entry.id if choice.entry else None)
        choice = choose_ranked(ranked, kb.abstention, message.public, blocked)
        if len(kb.learned):
            choice = _taught_choice(choice, ranked, kb, vector, message.public, blocked)
    entry = choice.entry
    # A member asking about a site that imitates ours is told that, not given an article.
    named = [] if safety.scam or safety.secret or safety.urgent else _named_sites(message, text, kb, words)
    if named:
        entry = None
    findings = [*safety.findings, Finding("faq-match", "faq", choice.reason)]
    faq_text = answer_text(entry, lang, kb.faq, texts)[0] if entry else None

    strikes = state.strikes(message) if (safety.scam or safety.impersonator) else 0
    safety_plan = plan(message, safety, kb.safety, words, strikes,
                       faq_text=faq_text if safety.secret else None)
    actions: list = list(safety_plan.actions)
    # The per-chat reply budget is the runtime's: over it, answers wait (never vanish) and
    # warnings of a burst merge into one post.
    quiet = message.public and not _may_answer(message, kb)

    if named:
        actions += named
    elif not safety_plan.handled and not (message.public and safety.scam):
        if entry is not None and message.public and safety.sensitive and not quiet:
            link = entry.links[0] if entry.links else None
            short = phone_sized(faq_text or "", link, kb.config.answering.public_max_chars,
                                words, texts, text)
            actions.append(sensitive_handoff(message, words, short, entry.id,
                                             _handoff_intro(message, words, texts), texts))
        elif entry is not None and not quiet:
            earlier = state.earlier_answer(message, entry.id, words) if message.public else None
            actions += faq_actions(entry, message, lang, kb.faq, earlier, texts,
                                   kb.config.answering.public_max_chars,
                                   _reminder_room(message, intent, words, kb, state))
        elif entry is None and not quiet:
            if message.public and safety.sensitive and (intent.asks or intent.needs_human or safety.data):
                actions.append(sensitive_handoff(message, words, None, "account",
                                                 _handoff_intro(message, words, texts), texts))
            else:
                actions += _unanswered(message, text, intent, words, kb, state, match.anchored)
        elif entry is not None:
            findings.append(Finding("answer-mode", "intent",
                                    "not addressed to the bot, or reply budget spent"))
    if message.public and message.addressed and platform(message.channel).complaints_to_staff \
            and not (safety.scam or safety.impersonator):
        angry = complaint(text)
        if angry:
            findings.append(angry)
            actions.append(NotifyStaff(check="complaint", kind="report", text=texts.say(
                "staff_complaint", "en", user=message.user.handle, channel=message.channel,
                why=angry.detail, link=message.link or "")))
    if not message.public:
        followed = None
        if not safety_plan.handled:
            # Even with another ticket open: the hand-off's question is its own case.
            followed = _after_handoff(message, entry.id if entry else None, intent, actions,
                                      words, state, texts)
        actions = followed if followed is not None else \
            _onto_open_ticket(message, actions, words, state, texts)
        if message.forwarded_from is not None:
            actions += _forwarded_report(message, kb, safety, words)
    actions = _with_reminder(message, actions, intent, words, state, texts)
    return Decision(faq=entry.id if entry else None, lang=lang, sensitive=safety.sensitive,
                    secret=safety.secret, scam=safety.scam, urgent=bool(safety.urgent),
                    impersonator=safety.impersonator, findings=tuple(findings),
                    actions=tuple(actions), confidence=match.confidence, reason=choice.reason,
                    strict_redaction=safety.window_phrase, withhold_text=safety.withheld,
                    secret_parts=tuple(e.message_id for e in safety.earlier_parts),
                    candidates=tuple(Candidate(c.entry.id, c.probability, c.features[1],
                                               c.features[FEATURES.index("lex")])
                                     for c in ranked[:3]),
                    safety_scores=tuple((label, p, kb.heads.heads[label].threshold)
                                        for label, p in safety.scores.items()) if kb.heads else (),
                    asks=intent.asks or intent.needs_human)


def _taught_choice(choice, ranked: list, kb: Knowledge, vector: np.ndarray, public: bool,
                   blocked: str):
    """What moderators taught about answers: an entry marked wrong for a question like this
    one (/wrong) is not given; a near copy of a question they answered with an entry
    (/faq ID) gets that entry."""
    wrong = kb.learned.wrong_entries(vector)
    if choice.entry is not None and choice.entry.id in wrong:
        near = wrong[choice.entry.id]
        rest = [c for c in ranked if c.entry.id not in wrong]
        choice = choose_ranked(rest, kb.abstention, public, blocked)
        if choice.entry is None:
            choice = FaqChoice(None, f"{near.example.faq_id} was marked wrong for a question "
                                     f"like this by {near.example.added_by} (example "
                                     f"#{near.example.id}, similarity {near.similarity:.2f})")
    if choice.entry is None and not blocked:
        taught = kb.learned.taught_answer(vector, {e.id for e in kb.faq.entries})
        if taught is not None and taught.example.faq_id not in wrong:
            entry = next(e for e in kb.faq.entries if e.id == taught.example.faq_id)
            choice = FaqChoice(entry, f"{entry.id}: taught by {taught.example.added_by} for a "
                                      f"question like this (example #{taught.example.id}, "
                                      f"similarity {taught.similarity:.2f})")
    return choice


# What the bot may do as a guest in a group the operator does not run: protect the member who
# leaked a secret or the people a scam aims at; never answer, obey a command or open tickets
# (a stranger's group must not be a way to make the official bot speak or reach the staff).
_GUEST_ACTIONS = (Delete, Hide, Warn, SendPrivate)


def _decide_unmanaged(message: Message, kb: Knowledge, state: State) -> Decision:
    if kb.config.unmanaged_policy(message.channel) != "safety" or message.joined:
        return Decision(reason="a group the operator does not manage: ignored")
    text = (message.text or "").strip()
    if not text and message.media and not message.public:
        return _media_in_private(message, kb, state)
    if not text:
        return Decision(reason="no text")
    match = kb.matcher.match(text, addressed=False)
    safety = assess(message, kb.safety, on_domain=match.anchored, earlier=state.recent(message))
    words = kb.texts.reply_language(match.analysis.lang)
    strikes = state.strikes(message) if (safety.scam or safety.impersonator) else 0
    actions = [a for a in plan(message, safety, kb.safety, words, strikes).actions
               if isinstance(a, _GUEST_ACTIONS)]
    return Decision(lang=match.analysis.lang, sensitive=safety.sensitive, secret=safety.secret,
                    scam=safety.scam, urgent=bool(safety.urgent), impersonator=safety.impersonator,
                    findings=tuple(safety.findings), actions=tuple(actions),
                    reason="a group the operator does not manage: safety only",
                    strict_redaction=safety.window_phrase, withhold_text=safety.withheld)


def _media_in_private(message: Message, kb: Knowledge, state: State) -> Decision:
    """A screenshot or file with no words, in a private chat: the bot cannot read it. On a
    ticket it goes to the team as it is; otherwise the member is asked to say it in words."""
    words = kb.texts.reply_language(state.language(message) or "en")
    current = state.member_ticket(message)
    if current is None:
        actions: list = [Reply(check="media", text=kb.texts.say("media_no_ticket", words))]
    else:
        ref, status = current
        actions = [Relay(check="media", ref=ref, status=status),
                   Reply(check="media", text=kb.texts.say("media_added", words, ref=ref))]
    return Decision(lang=words, reason=f"a {message.media} in private", actions=tuple(actions))


def _after_handoff(message: Message, answered: str | None, intent, actions: list, words: str,
                   state: State, texts: Texts) -> list | None:
    """A member who came over from a public question through the hand-off link was asked to
    tell what happened: what they tell now is that case, and goes to the team with the
    question (instead of the same article again). A new question the FAQ answers is answered;
    a thank-you is not a case. None when there is no such hand-off to follow."""
    handed = state.handed_off(message)
    if handed is None:
        return None
    topic, question, link = handed
    # After "can I talk to someone" (or an own case), what follows is for a person; after a
    # sensitive question an FAQ entry covers, another entry's question is answered.
    for_a_person = topic in ("human", "account")
    if (answered is not None and answered != topic and not for_a_person) or \
            (intent.small_talk and not wants_human(message.text or "")):
        return None
    kept = [a for a in actions if not isinstance(a, (Reply, OpenTicket, SendPrivate))]
    place = texts.say(platform(message.channel).place_key, "en")
    return [*kept, OpenTicket(
        check="handoff-follow-up", topic=topic or "account",
        reason=f"continued from a question in {place}: “{question[:200]}”", origin_link=link,
        announce_private=texts.say("ticket_after_handoff", words))]


def _onto_open_ticket(message: Message, actions: list, words: str, state: State,
                      texts: Texts) -> list:
    """A member with an open (or recently closed) ticket who writes privately is continuing
    that case: the message goes to the ticket and the staff chat, instead of a new ticket or
    a "no answer" reply. A closed ticket reopens."""
    current = state.member_ticket(message)
    if current is None:
        return actions
    ref, status = current
    kept = [a for a in actions if not isinstance(a, OpenTicket)
            and not (isinstance(a, Reply) and a.check in ("no-answer", "off-topic", "small-talk",
                                                          "case-action"))]
    key = "added_to_ticket" if status in ("open", "pending") else "ticket_reopened_by_member"
    # Several tickets and no reply to one of them: the message goes to the most recently
    # active one at once (nothing waits on the member), and the runtime asks, with a button
    # per other ticket, whether it belongs elsewhere.
    others = tuple(c for c in state.ticket_choices(message) if c[0] != ref)
    relay = Relay(check="open-ticket", ref=ref, status=status, others=others)
    if others or any(isinstance(a, Reply) for a in kept):
        return [*kept, relay]
    return [*kept, relay, Reply(check="open-ticket", text=texts.say(key, words, ref=ref))]


_ALREADY_REMINDS = ("dm first", "dm you first", "主动私信")


def _decide_join(message: Message, kb: Knowledge, state: State) -> Decision:
    """A new member: checked for impersonation on entry (SPEC §2)."""
    verdict = kb.safety.impersonation.check(message.user, platform(message.channel).accounts)
    if not verdict.impersonator or kb.safety.is_official(message):
        return Decision(reason="joined; not an impersonator")
    result = SafetyResult(account=verdict)
    strikes = state.strikes(message)
    safety_plan = plan(message, result, kb.safety, "en", strikes)
    return Decision(impersonator=True, findings=tuple(result.findings),
                    actions=tuple(safety_plan.actions), reason="joined with a look-alike name")


def _forwarded_report(message: Message, kb: Knowledge, safety, words: str) -> list:
    """A member forwarded a DM they received: moderators hear about a scam or a fake account,
    and the member hears whether the sender is one of us."""
    say = kb.texts.say
    sender = message.forwarded_from
    verdict = kb.safety.impersonation.check(sender, "telegram")
    official = any(a.id == sender.id for a in kb.config.official.telegram)
    out: list = []
    if verdict.impersonator and not official:
        out.append(Reply(check="forwarded-impersonator", text=say(
            "verify_imitation" if verdict.resembles else "verify_not_official", words,
            name=sender.username or sender.name, resembles=verdict.resembles or "",
            accounts=kb.safety.accounts_for(message.channel))))
    if (safety.scam or verdict.impersonator) and not official:
        why = "; ".join(f.detail for f in safety.findings if f.label == "scam") or (
            verdict.finding.detail if verdict.finding else "look-alike account")
        out.append(NotifyStaff(check="forwarded-dm", kind="report", text=say(
            "staff_forwarded", "en", user=message.user.handle, sender=sender.handle, why=why)))
    return out


def _named_sites(message: Message, text: str, kb: Knowledge, words: str) -> list:
    """A member asking about, or warning of, a site that imitates ours ("is aurora-validate.top
    one of yours?"): the answer is that it is not ours and which are, and moderators hear of
    it. The site is written so that no chat turns it into a link."""
    sites = lookalike_domains(text, kb.safety.marks) if "." in text else []
    if not sites:
        return []
    shown = ", ".join(shown_site(host) for host, _ in sites[:3])
    out: list = []
    if kb.safety.marks.domains:
        out.append(Reply(check="site-not-ours", text=kb.texts.say(
            "site_not_ours", words, site=shown, sites=", ".join(sorted(kb.safety.marks.domains)))))
    out.append(NotifyStaff(check="site-named", kind="report", text=kb.texts.say(
        "staff_site_named", "en", user=message.user.handle, site=shown, channel=message.channel,
        link=message.link or "")))
    return out


def _reminder_room(message: Message, intent, words: str, kb: Knowledge, state: State) -> int:
    """The width of the once-a-day reminder when it will follow a public answer (the whole
    reply should fit a phone screen, not the answer alone)."""
    if message.public and intent.asks and not state.reminded_recently(message):
        return len(kb.texts.say("reminder", words)) + 2
    return 0


def _with_reminder(message: Message, actions: list, intent, words: str, state: State,
                   texts: Texts) -> list:
    """Someone asking for help in public gets, with the answer, the once-a-day reminder that
    staff never DM first: the people who ask in public are the ones scammers DM."""
    if not message.public or not intent.asks or state.reminded_recently(message):
        return actions
    said = " ".join(getattr(a, "text", "") or getattr(a, "public_text", "") for a in actions).lower()
    if any(p in said for p in _ALREADY_REMINDS):
        return actions
    reminder = texts.say("reminder", words)
    out = []
    added = False
    for action in actions:
        if not added and isinstance(action, Reply) and action.text:
            action = replace(action, text=f"{action.text}\n\n{reminder}")
            added = True
        elif not added and isinstance(action, HandOff) and action.public_text:
            action = replace(action, public_text=f"{action.public_text}\n\n{reminder}")
            added = True
        out.append(action)
    if added:
        out.append(Remind(check="staff-never-dm"))
    return out


def _may_answer(message: Message, kb: Knowledge) -> bool:
    """Per-group answer mode (safety actions ignore it)."""
    return kb.config.answering.mode_for(message.chat_id) != "addressed" or message.addressed


def _unanswered(message: Message, text: str, intent, words: str, kb: Knowledge,
                state: State, on_domain: bool = True) -> list:
    """No FAQ answer: hand off, open a ticket, say what we can do, or stay silent."""
    say = kb.texts.say
    asked_for_human = wants_human(text)
    if message.public:
        # Asking for a person is asking us, words of the domain or not; off-topic chatter
        # ("can you check my voicemail") is not a case for our team.
        if asked_for_human:
            return [HandOff(check="asks-human", public_text=say("handoff_human", words),
                            private_text=_handoff_intro(message, words, kb.texts), topic="human")]
        if intent.needs_human and on_domain:
            return [HandOff(check="case-action", public_text=say("handoff_public", words),
                            private_text=_handoff_intro(message, words, kb.texts), topic="account")]
        return []
    if asked_for_human or intent.needs_human:
        return [OpenTicket(check="asks-human" if asked_for_human else "case-action",
                           priority="normal", topic="human" if asked_for_human else "account",
                           reason="asked for a human" if asked_for_human else "needs staff action",
                           announce_private=say("ticket_opened", words))]
    if intent.only_small_talk:
        return [Reply(check="small-talk", text=say("dm_small_talk", words, brand=kb.config.brand.name))]
    if not on_domain:
        return [Reply(check="off-topic", text=say("dm_unmatched", words))]
    if intent.asks and state.unsettled_recently(message):
        # Second question in a row the bot cannot answer: a person takes over.
        return [OpenTicket(check="unsettled", topic="unanswered", reason="the bot could not answer",
                           announce_private=say("ticket_unsettled", words))]
    return [Reply(check="no-answer", text=say("dm_unmatched", words))]


def needs_embedding(message: Message) -> bool:
    """Whether the core may use the message's embedding: not for what cannot be a question or
    a scam (commands, empty or emoji-only text, joins, bots), so no encoder time is spent."""
    text = strip_leading_handles((message.text or "").strip()).strip()
    return bool(text) and not text.startswith("/") and not message.joined and \
        not message.user.is_bot and any(ch.isalnum() for ch in text)


def _length(text: str) -> int:
    """Words, counting two Chinese characters as one."""
    return max(len(text.split()), han_count(text) // 2)


def _handoff_intro(message: Message, words: str, texts: Texts) -> str:
    """What the private chat opens with: the member's own question (redacted, cut to a line
    or two), so they see where they are and need not type it again."""
    say = texts.say
    place = say(platform(message.channel).place_key, words)
    question = " ".join(redact(strip_leading_handles(message.text or "")).split())
    if len(question) > QUOTED_CHARS:
        question = question[:QUOTED_CHARS - 1].rstrip() + "…"
    return say("handoff_private", words, place=place,
               topic=question or say("topic_general", words))

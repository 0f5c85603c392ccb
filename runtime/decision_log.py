"""One row of the decision log per member message: what the bot concluded, which check or
model decided it and with what score, and what it did. The web console shows these, undoes
and teaches from them, and groups the questions nobody answered into FAQ gaps."""

from __future__ import annotations

from typing import Any

import numpy as np

from handlers.answering.intent import wants_human
from handlers.model import Decision, Message

# The label a row is filed under, most serious first.
LABELS = ("secret", "scam", "impersonator", "urgent", "sensitive")
ANSWERS = {"reply", "point_to_earlier", "dm_handoff"}
TO_HUMANS = {"open_ticket", "relay_to_staff"}


def primary(decision: Decision) -> tuple[str, float | None]:
    """The check behind the decision and its score (a head's probability, or the answer
    model's for the best entry)."""
    heads = {label: p for label, p, _threshold in decision.safety_scores}
    for label in LABELS:
        if getattr(decision, label):
            check = next((f.check for f in decision.findings if f.label == label), label)
            return check, heads.get(label)
    best = decision.candidates[0].probability if decision.candidates else None
    if decision.faq:
        return "faq-match", best
    return ("faq-match" if decision.candidates else
            next((f.check for f in decision.findings), "")), best


def decision_row(message: Message, decision: Decision, text: str, vector: np.ndarray | None,
                 now: float, case_id: int | None = None) -> dict[str, Any] | None:
    """The row for a member's message (`text`: as it may be stored); None for what is no
    member's message: commands, the staff chat, joins nothing was found about."""
    if message.staff_chat or message.user.is_bot:
        return None
    names = set(decision.action_names)
    answered = bool(decision.faq) and bool(names & ANSWERS)
    human = bool(names & TO_HUMANS) or ("dm_handoff" in names and not decision.faq)
    command = any(f.check == "command" for f in decision.findings)
    if command and not human:
        return None   # a member's /human that reached staff counts; other commands do not
    labels = [label for label in LABELS if getattr(decision, label)]
    if message.joined and not labels:
        return None
    if answered:
        labels.insert(0, "faq")
    # A gap: a question the FAQ did not answer (scams, secrets and look-alikes are not
    # questions to add to it).
    # Nor is a request for a person ("can I talk to someone"): the FAQ cannot answer it.
    gap = not answered and not command and (decision.asks or human) and \
        not (decision.scam or decision.secret or decision.impersonator) and bool(text.strip()) \
        and not (wants_human(text) and len(text.split()) <= 8)
    check, score = primary(decision)
    return {
        "at": now, "channel": message.channel, "chat_id": message.chat_id,
        "chat_title": message.chat_title or ("private" if not message.public else ""),
        "message_id": message.message_id, "user_id": message.user.id,
        "username": message.user.username, "public": int(message.public), "lang": decision.lang,
        "labels": " ".join(labels), "faq_id": decision.faq,
        "asked": int(decision.asks or answered or human), "answered": int(answered),
        "human": int(human), "gap": int(gap), "check_name": check,
        "score": None if score is None else round(float(score), 4),
        "actions": ",".join(decision.action_names), "text": text,
        "vector": np.asarray(vector, dtype=np.float16).tobytes()
        if gap and vector is not None else None,
        "case_id": case_id,
    }

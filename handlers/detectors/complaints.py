"""An angry public complaint about the brand ("withdrawals down again?? #scam"): on X it is
the brand's reputation in front of everyone, so staff hear of it even when the bot has
nothing to answer. Not a scam: the author is a member, not a fraudster."""

from __future__ import annotations

import re

from handlers.model import Finding

# Anger and accusation (English, Chinese): strong words, repeated outages, demands.
_ANGRY = re.compile(
    r"(?i)#?\bscam(?:mers?|my)?\b|#?\bfraud\b|\brug(?:ged|pull)?\b|\bthie(?:f|ves)\b|\bstole\b|"
    r"\bworst\b|\bjoke\b|\bridiculous\b|\bunacceptable\b|\bdisgrace(?:ful)?\b|\bpathetic\b|"
    r"\bincompetent\b|\bshame\b|\bwtf\b|\blawyer\b|\bsue\b|\bregulator\b|\bboycott\b|"
    r"\b(?:down|stuck|broken|offline) again\b|\bagain\?{2,}|\bstill (?:no|not|nothing|waiting)\b|"
    r"\bgive (?:me )?(?:back )?my (?:money|funds|coins)\b|\bwhere(?:'s| is) my (?:money|funds)\b|"
    r"骗子|骗局|诈骗|垃圾|跑路|坑人|黑平台|割韭菜|还我|退钱|投诉|曝光|维权|报警|太差|恶心|"
    r"又(?:崩|卡|挂|宕机)|还不到账|还没到账")


def complaint(text: str) -> Finding | None:
    """An angry complaint or public accusation, else None."""
    found = _ANGRY.search(text or "")
    if found:
        return Finding("complaint", "intent", f"an angry public complaint (\"{found.group(0)}\")")
    return None


__all__ = ["complaint"]

"""What the member wants, beyond the topic: an answer, staff action on their case, or nothing.

An FAQ answer serves someone who asks how something works. It does not serve someone who asks
staff to do something to their own case (refund, reverse, check, unfreeze), complains that
their case is not handled, or is just chatting: those get a hand-off or silence, never an
article. Each cue is a named check so the decision can say why it abstained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.answering.analysis import Analysis


class _Cue:
    """Patterns behind cheap literal prefilters. Each pattern runs only when one of its trigger
    substrings occurs: `in` costs a fraction of a backtracking search over a long text."""

    def __init__(self, *rules: tuple[str, str]) -> None:
        self.rules = [(tuple(t.split("|")), re.compile(p, re.IGNORECASE)) for t, p in rules]

    def search(self, text: str) -> re.Match[str] | None:
        lowered = text.lower()
        for triggers, regex in self.rules:
            if any(t in lowered for t in triggers):
                found = regex.search(lowered)
                if found:
                    return found
        return None


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Requests that staff act on this member's own case.
CASE_ACTION = _Cue(
    ("refund|reimburs|compensat|chargeback|back",
     r"\b(?:refund(?:ed)?|reimburs\w*|compensat\w*|chargeback|money back|pay me back)\b"),
    ("revers|revert|undo|cancel|recall|retriev",
     r"\b(?:reverse|revert|undo|cancel|recall|retrieve)\b.{0,25}\b(?:it|this|that|transaction|"
     r"transfer|withdrawal|deposit|payment|tx|order)\b"),
    ("can ",
     r"\bcan (?:you|someone|somebody|anyone|u)\b.{0,20}\b(?:check|look|see|verify|investigate|"
     r"fix|sort|confirm|help me with my|unlock|unfreeze|restore|tell me why)\b"),
    ("please|pls|plz|kindly",
     r"\b(?:please|pls|plz|kindly)\b.{0,15}\b(?:check|look into|fix|investigate|unlock|"
     r"unfreeze|freeze|lock|restore|escalate|refund|cancel)\b"),
    ("check|look into|investigat",
     r"\b(?:check|look into|investigate)\b.{0,12}\b(?:my|this|the)\b.{0,20}\b(?:account|order|"
     r"deposit|withdrawal|transaction|tx|balance|case|ticket|wallet|uid)\b"),
    ("freeze|lock|unban",
     r"\b(?:freeze|lock|unfreeze|unlock|unban)\b.{0,6}\b(?:my|the|this)\b.{0,6}\b(?:account|acc|"
     r"wallet)\b"),
    ("want|need|demand|expect",
     r"\bi (?:want|need|demand|expect)\b.{0,20}\b(?:refund|compensation|my money|the difference|"
     r"it back|them back|an explanation|answers?)\b"),
    ("unbanned|unfrozen|unlocked|unblocked|reinstated",
     r"\b(?:need|want|get)\b.{0,12}\b(?:unbanned|unfrozen|unlocked|unblocked|reinstated)\b"),
    ("escalat", r"\b(?:who|how|where) (?:do|can|should) i escalate\b|\bescalate (?:this|my|it)\b"),
    ("is this|is that|are these|double",
     r"\b(?:is this|is that|are these) (?:my |the )?(?:correct|right|valid)\b.{0,30}"
     r"\b(?:address|account|uid|order|amount)\b|\bdouble[- ]check (?:my|this|that)\b"),
    ("closed my", r"\bclosed my (?:case|ticket)\b"),
    ("why ",
     r"\bwhy (?:was|were|is|did) my\b.{0,30}\b(?:taken down|removed|banned|suspended|closed|"
     r"rejected)\b.{0,40}\b(?:uid|order|id)\b"),
    ("退|赔|补偿|追回|撤回|帮我|帮忙|给我|麻烦|冻结|锁定|处理|核实|这个地址|核对",
     r"退款|退钱|赔偿|补偿|退回|追回|撤回|帮我(?:查|看|处理|冻结|解冻|解封|恢复|确认|核实)|"
     r"这个地址(?:对|是不是我的)|核对一下|帮忙(?:查|看|处理|核实|确认)|给我(?:查|处理|解决)|"
     r"麻烦(?:查|看|处理)|(?:马上|赶紧|立刻|立即|快)(?:帮我)?(?:冻结|锁定|处理)|"
     r"请.{0,4}(?:冻结|处理一下|核实)"),
)

# The member says their case is overdue or ignored: a human must follow up.
OVERDUE = _Cue((
    "replied|answered|responded|heard back|reply|got back|response|answer|nobody|no one|noone|"
    "waiting|waited|没人|一直没|没有|不回复|石沉大海|没有下文", "|".join((
    r"\b(?:still )?(?:haven'?t|hasn'?t|have not|has not|didn'?t|did not|never) (?:got(?:ten)? )?"
    r"(?:replied|answered|responded|heard back|got a reply|gotten a reply|received a reply|"
    r"got back)\b",
    r"\b(?:no|zero|not a single|not one) (?:reply|replies|response|responses|answer|word back|"
    r"one (?:replied|answered|responded))\b",
    r"\b(?:nobody|no one|noone) (?:has )?(?:replied|answered|responded|got back|helped)\b",
    r"\bstill waiting (?:for|on) (?:a |an |your )?(?:reply|response|answer|someone)\b",
    r"\b(?:waiting|waited) (?:for )?(?:\d+|a|two|three|four|five|six|several|many) "
    r"(?:days|weeks|hours) (?:for|on) (?:a |your |an? )?(?:reply|response|answer|support)\b",
    r"没人(?:回复|回|理|管)|一直没(?:有)?(?:回复|回应|人理|人管|处理)|没有(?:任何)?(?:回复|解释)|不回复|"
    r"石沉大海|没有下文",
))))

# Talking to or about the bot itself, greetings, thanks, praise: nothing to answer.
SMALL_TALK = _rx(
    r"^\W*(?:gm|gn|hi|hello|hey|yo|sup|good (?:morning|night|evening)|thanks?|thx|ty|"
    r"thank you|cheers|lol|lmao|haha|nice|cool|great|wow|ok|okay)\b[^?]{0,40}$",
    r"\bare you (?:a |an )?(?:bot|robot|human|real person|ai)\b",
    r"^\W*(?:你好|您好|大家好|早上好|晚安|谢谢|感谢|哈哈|在吗|新人报道)",
    r"你是(?:机器人|真人|人工)吗",
)
# Only a greeting or thanks, with nothing after it but a few more such words: "gm fam", "thanks
# admin!", "大家好，新人报道". SMALL_TALK also holds questions that open politely ("hi my deposit
# is missing", "你好！逾期两次有影响吗"); the answer model learned that as one of its signs, but a
# reply in private must not greet a member who asked something.
ONLY_SMALL_TALK = _rx(
    r"^\W*(?:gm|gn|hi|hello|hey|yo|sup|good (?:morning|night|evening)|thanks?|thx|ty|"
    r"thank you|cheers|lol|lmao|haha|nice|cool|great|wow|ok|okay)\b"
    r"(?:\W+(?!(?:my|me|i|i'?m|im|can|could|how|why|what|when|where|which|who|is|are|do|does|did|will|"
    r"would|should|pls|plz|please|need|want|still|can'?t|cant|not|no|anyone|any|got|lost)\b)"
    r"[\w']+){0,5}[^\w?]*$",
    r"\bare you (?:a |an )?(?:bot|robot|human|real person|ai)\b",
    r"^\W*(?:你好|您好|大家好|早上好|晚上好|晚安|谢谢|感谢|哈哈|在吗|新人报道)"
    r"(?:[^\w?？]|在吗|在不在|大家|各位|朋友们|老板们?|群友们?|老师|早|好|呀|啊|哦|哈+|了|的|啦|你们?|晚上|"
    r"早上|中午|下午|新人报道|报道|谢谢|感谢|辛苦了|多谢|_)*$",
    r"你是(?:机器人|真人|人工)吗",
)

_PROBLEM_ASPECTS = frozenset({"missing", "failed", "pending", "not_filled", "suspended", "wrong",
                              "lost_device", "reset", "frozen", "liquidation", "slippage"})
_ASKS_HELP = _rx(r"\bhelp\b|\bwhat (?:do|should|can) i do\b|\bany ?one know\b",
                 r"怎么办|求助|帮帮|请教|求解|求个|求一个")


@dataclass(frozen=True)
class Intent:
    asks: bool            # asks a question, reports a problem or asks for help
    case_action: bool     # wants staff to act on their own case
    overdue: bool         # complains their case is not being handled
    small_talk: bool
    only_small_talk: bool = False   # nothing but a greeting or thanks (see ONLY_SMALL_TALK)

    @property
    def needs_human(self) -> bool:
        return self.case_action or self.overdue


def read_intent(analysis: Analysis) -> Intent:
    text = analysis.text
    problem = any(c in analysis.concepts for c in _PROBLEM_ASPECTS)
    asks = analysis.question or problem or bool(_ASKS_HELP.search(text))
    small = bool(SMALL_TALK.search(text.strip()))
    return Intent(asks=asks, case_action=bool(CASE_ACTION.search(text)),
                  overdue=bool(OVERDUE.search(text)), small_talk=small,
                  only_small_talk=small and bool(ONLY_SMALL_TALK.search(text.strip())))


# An explicit request for a person: to talk to one, reach one, or a real one rather than a bot.
_PERSON = (r"(?:a |an |some |one of (?:the|your) |your |the )?(?:real |actual |live |human )?"
           r"(?:human(?: being)?|person|people|agent|someone|somebody|staff|rep|representative|"
           r"operator|team member|"
           r"support (?:team|staff|agent)|(?:customer )?service(?: agent)?)")
WANTS_HUMAN = _Cue((
    "human|agent|person|people|operator|someone|somebody|staff|rep|connect|transfer|escalate|"
    "bot|service|team|人工|真人|客服|工作人员|оператор|человек|сотрудник|поддержк", "|".join((
    r"^\W*(?:human|agent|real person|live agent|operator|人工|转人工|人工客服|找人工|真人)\W*$",
    rf"\b(?:talk|speak|chat)\s+(?:to|with)\s+{_PERSON}\b(?! i can\b)",
    rf"\b(?:talk|speak|chat)\s+(?:to|with)\s+{_PERSON}\s+i can\b(?=[^?]*$)",
    rf"\b(?:reach|get hold of|get in touch with|contact)\s+{_PERSON}\b(?=.{{0,40}}(?:\?|$|please|pls|asap))",
    r"\b(?:connect|transfer|escalate|put) me (?:to|through|with)?\b",
    r"\b(?:i want|i need|i'd like|get me|give me|let me (?:talk|speak) to)\s+(?:a |an |to )?"
    r"(?:real |actual |live )?(?:human|agent|person|representative)\b",
    r"\b(?:a|an)\s+(?:real|actual|live)\s+(?:human|person|agent)\b",
    r"\b(?:is|are) (?:there|any) (?:a |an |any )?(?:real |actual |live )?"
    r"(?:humans?|person|agents?|staff) (?:here|around|online|available|i can)\b",
    r"\bnot (?:a|the|this|your) (?:bot|robot|ai)\b",
    r"(?:我要|需要|帮我)?转人工|找真人|人工服务|人工客服|真人客服|(?:我|俺)?(?:想|要|需要)(?:找|联系)?(?:人工|客服)"
    r"(?![^。！？!?\n]{0,6}(?:电话|邮箱|在哪|怎么))|让(?:人工|客服|工作人员)"
    r"|(?:找|要|转|接|叫)个?(?:人工|真人|工作人员)|(?:和|跟|与|同)(?:你们的?)?(?:工作人员|客服|人工|真人)"
    r"(?:聊|说|谈|沟通|对话)|有(?:没有)?(?:人工|真人)(?:客服)?吗",
    r"(?:поговорить|общаться|соедините)\s+(?:меня\s+)?(?:с|со)\s+(?:\w+\s+)?(?:оператор|человек|"
    r"сотрудник|специалист|поддержк)|связаться\s+(?:с|со)\s+(?:\w+\s+)?(?:оператор|человек)|"
    r"живо(?:й|го|му) (?:человек|оператор)|^\W*оператор\W*$",
))))


def wants_human(text: str) -> bool:
    return bool(WANTS_HUMAN.search(text.strip()))

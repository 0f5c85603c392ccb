"""Is a message about the sender's own account, funds, orders or KYC case? (the `sensitive`
label, together with personal data). Such a message must not be discussed in public.

"How long do withdrawals take?" is a general question; "my withdrawal of 2.1 ETH is stuck"
is a case. The cues: the sender's own things ("my deposit", "我的账户", a subject-less
"认证被拒了"), their own money moves with amounts ("sent 800 USDT", "亏了3000U"), and what
went wrong with them. Hypotheticals ("what happens if I…", "如果") are not cases.
"""

from __future__ import annotations

import re

from handlers.model import Finding

_OBJECTS_EN = (r"account|acc|acct|deposits?|withdrawals?|withdraws?|orders?|funds|money|balance|"
               r"wallet|positions?|kyc|verification|id check|p2p|ads?|trades?|transfers?|coins|"
               r"usdt|usdc|btc|eth|assets|sub-?accounts?|merchant|stop[- ]loss|limit (?:buy|sell|"
               r"order)|long|short|liq(?:uidation)? price|bot|api key|referral|bonus|"
               r"rebate|payment|tx|transaction|case|ticket|appeal")
_PROBLEM_EN = (r"frozen|froze|freez|locked|restricted|limited|limitation|banned|suspended|"
               r"disabled|blocked|missing|not arrived|hasn'?t arrived|has not arrived|"
               r"not (?:been )?credited|never (?:arrived|came|showed)|not showing|doesn'?t show|"
               r"stuck|pending|processing|failed|failing|rejected|declined|bounced|liquidated|"
               r"wiped|lost|disappeared|gone|wrong|charged|deducted|not fill|didn'?t fill|unfilled|"
               r"taken down|removed|closed|hacked|compromised|drained|empty|still (?:nothing|0|"
               r"zero|not|pending|processing)|shows? (?:0|zero)|not (?:released|received)|"
               r"no (?:reply|response)|invalid|error|keeps? (?:failing|saying|getting)")
_MY_THING_PROBLEM = re.compile(
    rf"(?i)\bmy\b[^.?!\n]{{0,30}}\b(?:{_OBJECTS_EN}|buy|sell)\b[^?!\n]{{0,60}}\b(?:{_PROBLEM_EN})|"
    rf"\b(?:{_PROBLEM_EN})\b[^.?!\n]{{0,30}}\bmy\b[^.?!\n]{{0,15}}\b(?:{_OBJECTS_EN})\b|"
    rf"\bmy (?:{_PROBLEM_EN}) (?:{_OBJECTS_EN})\b")
# What went wrong, told as what is happening now ("still processing", "shut out", "stuck"),
# in a message that is not a hypothetical: the sender's own case even without "my".
_STATE_EN = re.compile(
    r"(?i)\bstill (?:processing|pending|not|nothing|no|stuck|waiting|sitting|open|showing|0|zero|"
    r"empty|under review)|\b(?:is|are|was|got|been|has been|have been|keeps? being|stays?) "
    r"(?:stuck|frozen|locked|restricted|banned|suspended|rejected|declined|bounced|liquidated|"
    r"wiped|disabled|taken down|removed|delisted|on hold|pending|processing)\b|"
    r"\b(?:shut|locked) out\b|\bnothing (?:landed|arrived|showed|came)\b|"
    r"\b(?:hasn'?t|has not|haven'?t|have not|didn'?t|did not|never) "
    r"(?:arrived|landed|shown up|showed up|been credited|come through|released|filled)\b|"
    r"\b(?:liquidated|wiped) me\b|\bi (?:got|was|have been|'ve been) (?:liquidated|rekt|wiped|"
    r"banned|locked|frozen|scammed|charged)")
_ZH_STATE = re.compile(
    r"(?:一直|还|还是|仍然|迟迟)(?:没|未|不|在|显示)(?:有)?(?:到账|到|成交|放币|收到|通过|审核|"
    r"处理|卖掉|买到|回复|理我|恢复|解封|下来)|审核中|"
    r"(?:被|给)(?:冻结|限制|封|拒|驳回|下架|平掉|平仓|爆仓|强平|盗|扣)|"
    r"(?:冻结|限制|封号|下架|平掉|爆仓|强平|被盗|卡住|卡在|失败|驳回|异常|没到账|未到账|不能用|"
    r"用不了|不放币|不理我|不见了)了|"
    r"(?:充|转|提|填|输|选)错|(?:没|忘)填|又爆仓|亏了|赔了|不成交|没成交|没卖掉|没买到|啥也没有|"
    r"什么都没有|不放币")
_REPORTED_SPEECH = re.compile(
    r"(?i)\b(?:saying|says|said|asked me to|told me to|told me|claiming|claims|pretending)\b[^.!?\n]*")
# A number is read from where its digits start, in one go (possessive): trying every digit
# of a long run as a start, and every shorter reading, was quadratic.
_AMOUNT = (r"(?:\$\s?\d[\d,.]*+\s?k?|(?<!\d)(?<!\d[,.])\d[\d,.]*+\s?(?:k\b|usdt|usdc|u\b|btc|eth|xrp|sol|"
           r"trx|bnb|doge|ada|ltc|eur|usd|gbp|bucks|dollars|xlm|eos|atom|matic|ton|个btc|个eth|个币|个))")
_MONEY_MOVE = re.compile(
    rf"(?i)\b(?:i|i've|i have|i just|just)?\s*(?:sent|send|deposited|withdrew|withdrawn|"
    rf"transferred|bought|sold|paid|lost|moved|received|staked|swapped|got liquidated for|"
    rf"put in|invested|traded)\b[^.?!\n]{{0,25}}{_AMOUNT}|"
    rf"\bwith\s+{_AMOUNT}\s+(?:in it|inside|on it|in there)|"
    rf"{_AMOUNT}[^.?!\n]{{0,20}}\b(?:stuck|missing|gone|frozen|lost|pending|not arrived)|"
    rf"\b(?:tried to|trying to|want to) (?:withdraw|take out|send|move|pull out|cash out)\b"
    rf"[^.?!\n]{{0,15}}{_AMOUNT}|\b(?:i |just )?(?:sold|bought|sent|paid|deposited|withdrew)\s+"
    rf"(?:my |some |the |all (?:my )?)?(?:usdt|usdc|btc|eth|crypto|coins|sol|xrp|trx|bnb)\b")
_OWN_POSITION = re.compile(r"(?i)\b(?:i|i've|i have|i just|my \w+) (?:got|been|was) "
                           r"(?:liquidated|rekt|wiped|margin called)|\bmy \d+x\b")
_ZH_OWN = re.compile(
    r"我的(?:账户|账号|帐户|帐号|号|币|资产|订单|提现|提币|充值|充币|余额|仓位|认证|实名|广告|钱|资金|"
    r"u|usdt|合约|子账户|邮箱|手机|工单|申诉)[^。？！?!\n]{0,30}?(?:冻结|限制|受限|封|没到|未到|不见|"
    r"卡住|卡在|审核中|失败|被拒|驳回|爆仓|强平|亏|丢|错|没收到|收不到|下架|异常|被盗|没了|还没|"
    r"一直|不能|无法|没有)")
_ZH_SUBJECTLESS = re.compile(
    r"(?:账户|账号|帐号|认证|实名|提币|提现|充值|充币|订单|广告|仓位|号)(?:被|一直|还|又|已经)?"
    r"(?:冻结|限制|封|拒|驳回|失败|下架|没到|未到账|卡住|爆仓|强平|被盗)")
_ZH_MONEY = re.compile(
    r"(?:充|提|转|买|卖|亏|赔|打|存|投|爆)(?:了|进|出去|出)\s*(?:点|大概|约)?\s*\d[\d,.]*\s*"
    r"(?:个)?\s*(?:u\b|u(?=[\u4e00-\u9fff，,。 ])|usdt|btc|eth|币|块|万|刀|元|美元|个)",
    re.IGNORECASE)
_HYPOTHETICAL = re.compile(
    r"(?i)\bwhat (?:happens|if|would happen)\b|\bif (?:i|someone|you|my)\b|\bbefore i\b|"
    r"\bplanning (?:to|a|on)\b|\bthinking (?:of|about)\b|\basking before\b|\bin case\b|"
    r"\bhypothetical|\b(?:avoid|prevent)\b|\bwho else\b|\busually\b|\bin general\b|"
    r"如果|假如|万一|打算|准备|怎么避免|如何避免|一般|通常|什么情况|哪些情况|会不会|是否会|为什么会")
_REFERENCE_CODE = re.compile(r"\b[A-Z]{2,6}(?:-[A-Z]{1,4})?-\d{4,}\b")


def own_case(text: str) -> Finding | None:
    """A Finding when the message reports the sender's own case, else None."""
    if not text:
        return None
    # Problems inside a quoted scam ("a text saying my account will be suspended") are not
    # the sender's.
    head = _REPORTED_SPEECH.sub(" ", text[:800])
    if _HYPOTHETICAL.search(head) and not _MONEY_MOVE.search(head):
        return None
    for pattern, detail in ((_MY_THING_PROBLEM, "the sender's own account or funds, with a problem"),
                            (_MONEY_MOVE, "the sender's own money moves"),
                            (_OWN_POSITION, "the sender's own trading position"),
                            (_STATE_EN, "a problem the sender is having now"),
                            (_ZH_OWN, "the sender's own account or funds, with a problem"),
                            (_ZH_SUBJECTLESS, "an account, KYC or transfer problem of the sender"),
                            (_ZH_STATE, "a problem the sender is having now"),
                            (_ZH_MONEY, "the sender's own money moves, with amounts"),
                            (_REFERENCE_CODE, "a case or ticket reference")):
        if pattern.search(head):
            return Finding("own-case", "sensitive", detail)
    return None

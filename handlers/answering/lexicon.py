"""Domain vocabulary of crypto-exchange support, in English and Chinese.

Members rarely use the FAQ's words: "pull my usdt out", "authenticator", "提币", "爆仓".
Each concept lists the ways people say it; the matcher maps both the member's message and the
FAQ entries onto these concepts, so a paraphrase meets its entry even with no word in common.

This is knowledge of the domain, not of any one FAQ: an operator's FAQ that covers staking gets
staking questions answered, and one that does not stays silent on them (the concept is then
"uncovered", which is how out-of-scope questions are recognised).

Pattern syntax: English patterns are matched on light word stems, consecutive; "=word" must
match the surface word exactly (keeps "funding" apart from "funds"). Chinese patterns are
substrings. A leading "~" marks a weak form: a word with everyday meanings ("close", "mail",
"fake", "app") that counts only next to an unambiguous domain term, the brand or a coin — so
"is cnn fake news" or "you got any mail?" never reach an FAQ answer.

Kinds: "topic" (what the question is about), "aspect" (what about it), "generic" (says little),
"noise" (idioms holding domain words: "caps lock", "goes wrong").
"""

from __future__ import annotations

from typing import NamedTuple


class Concept(NamedTuple):
    kind: str
    en: tuple[str, ...]
    zh: tuple[str, ...]


def _c(kind: str, en: str, zh: str = "") -> Concept:
    split = lambda s: tuple(p.strip() for p in s.split("|") if p.strip())  # noqa: E731
    return Concept(kind, split(en), split(zh))


CONCEPTS: dict[str, Concept] = {
    # --- money in and out -------------------------------------------------------------------
    "deposit": _c("topic",
        "deposit|deposits|deposited|depositing|crypto deposit|deposit fee|deposit fees|~top up|"
        "~topup|~topped up|"
        "~send in|~sent in|~send * in|~transfer in|~transferred in|fund my account|"
        "funded my account|"
        "~incoming|~inbound|~sent from|~send from|~transferred from|~moved from|from binance|"
        "from coinbase|from okx|from kraken|from bybit|from my wallet|from metamask|"
        "from trust wallet|from my ledger|~to my * address|~to my address|~to my deposit address|"
        "~into my account|~into my nebula",
        "充值|充币|入金|~存入|充进|充了|充到|充错|~转入|打币|转到交易所|到账|入账"),
    "withdraw": _c("topic",
        "withdraw|withdrawal|withdrawals|withdrew|withdrawn|withdrawl|withdrawls|~cash out|"
        "~cashout|~take out|~took out|~taking out|~pull out|~pulled out|~pulling out|"
        "~send out|~sent out|~move out|~moved out|~payout|~transfer out|~transferred out|"
        "~outgoing|~outbound|~get my money out|~get my funds out|get my coins out|"
        "~pull * out|~take * out|~send * out|~move * out|~get * out|~cash * out|"
        "get my crypto out|send to an external wallet|to an external wallet|external wallet|"
        "withdrawal fee|withdrawal fees|withdrawal limit|withdrawal limits|"
        "off the exchange|off exchange",
        "提现|提币|提款|出金|~转出|提到|提了|提走|提出|提u|提usdt|提不了|不能提|无法提|"
        "~往外转|~转出去|提不出"),
    "transfer": _c("topic",
        "internal transfer|transfer between|move funds between|move between accounts|"
        "funding wallet|spot wallet|futures wallet|funding account|spot account|"
        "trading account|earn wallet|~wallets",
        "划转|内部转账|互转|资金账户|现货账户|合约账户|理财账户"),
    "address": _c("topic",
        "~address|~addresses|wallet address|deposit address|receiving address|"
        "withdrawal address|destination address",
        "~地址|钱包地址|充值地址|收款地址|提币地址|提现地址"),
    "network": _c("topic",
        "~network|~networks|~chain|~chains|blockchain|mainnet|erc20|erc 20|erc-20|trc20|"
        "trc 20|trc-20|bep20|bep 20|bep-20|bsc|bnb chain|bnb smart chain|~tron|arbitrum|~arb|"
        "optimism|~polygon|~matic|solana|~sol|avalanche|avax|base chain|~ton|layer 2|"
        "~l2|~bridge|~bridged|which network|wrong network|wrong chain",
        "网络|主网|公链|链上|哪条链|跨链|什么链|链名|~链"),
    "memo": _c("topic",
        "~memo|~memos|destination tag|~tag|payment id|~comment field|xrp tag|memo tag",
        "标签|备注|数字标签|memo"),
    "confirmations": _c("aspect",
        "~confirmation|~confirmations|confirmed on chain|~on chain|block explorer|~explorer|"
        "txid|tx id|tx hash|transaction hash|~hash|etherscan|bscscan|tronscan|~confirm|"
        "~confirms|~block confirmations",
        "确认数|区块确认|个确认|区块浏览器|哈希|交易哈希|链上查询|~进余额|~到余额"),
    # --- account and security ---------------------------------------------------------------
    "account": _c("generic",
        "account|accounts|acc|acct|profile",
        "账户|账号|帐号|帐户"),
    "login": _c("topic",
        "~login|~log in|~logged in|~logging in|~log into|~log on|~sign in|~signed in|"
        "~signing in|~get in|~get into|~get back into|access my account|access to my account|"
        "~get into my account|log into my account|login to my account|"
        "~can not access|~cannot access|locked out|~session|~sessions|~new device|~device|"
        "~devices|login alert|login notification|new login",
        "登录|登陆|登不进|登不上|进不去|无法登录|异地登录|~会话|~设备"),
    "signup": _c("topic",
        "~sign up|~signup|~signed up|~register|~registration|~registered|open an account|"
        "create an account|~new account|~onboarding",
        "注册|开户|~新用户"),
    "password": _c("topic",
        "password|passwords|passwd|~pw|pwd|passcode|login password|pass word|fund password|"
        "trading password",
        "密码|登录密码|登陆密码|资金密码|交易密码"),
    "twofa": _c("topic",
        "2fa|two factor|two-factor|2 factor|two step|two-step|2 step|2-step|mfa|"
        "authenticator|authenticators|authentication app|authenticator app|google auth|"
        "google authenticator|gauth|ga code|totp|otp app|code generator|~6 digit code|"
        "~6-digit code|~six digit code|~login code|second factor|~security key|yubikey|"
        "passkey|~extra layer|verification app|authy",
        "谷歌验证|谷歌验证器|谷歌验证码|二次验证|双重验证|两步验证|二步验证|双因素|"
        "身份验证器|验证器|动态码|动态口令|~安全验证|二次认证"),
    "sms_code": _c("topic",
        "~sms|~text message|~text messages|~texts|verification code|verification codes|"
        "~confirmation code|~one time code|~one-time code|~otp|~code|~codes|email code|"
        "sms code",
        "短信|验证码|短信验证|短信验证码|邮箱验证码"),
    "email": _c("topic",
        "~email|~emails|~e-mail|~mail|~mails|~inbox|~mailbox|~email address|~emailed",
        "邮箱|邮件|电子邮件|电邮|~写信|~发信|~来信"),
    "phone": _c("topic",
        "~phone|~phones|~mobile|~cell|~cellphone|~smartphone|~iphone|~android phone|"
        "~handset|~phone number|~mobile number|~number|~carrier|~sim|~sim card",
        "手机|手机号|~电话|~号码|手机卡|换号"),
    "kyc": _c("topic",
        "kyc|~verification|~verify|~verified|~verifying|~identity|identity check|id check|"
        "id checks|id verification|identity verification|verify my identity|get verified|"
        "advanced verification|~level 2|~level 1|know your customer|proof of address|poa|"
        "~selfie|liveness|face verification|~face scan|~passport|~driving licence|"
        "~driving license|~driver's license|~drivers license|~driver license|~id card|"
        "~national id|~documents|~document|~photo id|kyc level|verification level",
        "实名|实名认证|身份认证|身份验证|认证|证件|护照|身份证|驾照|驾驶证|地址证明|"
        "人脸|~自拍|高级认证|初级认证|审核资料"),
    "frozen": _c("topic",
        "~frozen|~freeze|~froze|~freezing|~locked|~lock|~restricted|~restriction|"
        "~restrictions|suspended account|account suspended|~banned|~ban|~blocked|"
        "disabled account|account disabled|unfreeze|~unlock|limited account|account limited|"
        "~limitation|~limitations|~shut out|~locked out|~temporarily disabled|~unbanned|"
        "~unfrozen|~unlocked|~can not do anything|~cannot do anything|"
        "account frozen|frozen account|account locked|locked account|account restricted|"
        "account was frozen|account got frozen|account is frozen|account has been frozen",
        "冻结|被冻|~限制|受限|封号|被封|解封|~锁定|封禁|解冻|风控|账户异常|账号异常"),
    "close_account": _c("topic",
        "close my account|close account|closing my account|delete my account|delete account|"
        "~deactivate|deactivate my account|deactivation|cancel my account|"
        "get rid of my account|remove my account|terminate my account|erase my account|"
        "account deletion|close the account|wipe my account|wipe my profile|wipe my * profile|"
        "delete my profile|~delete|~deleting|~turn my account off|~turn * account off",
        "注销|销户|删除账户|删除账号|关闭账户|关闭账号|注销账号|注销账户"),
    "change_contact": _c("aspect",
        "change email|change my email|update email|update my email|new email|change phone|"
        "change my phone|~new number|new phone number|update my number|update my phone|"
        "~old email|~old number|~no longer use|change my number|change phone number",
        "换邮箱|更换邮箱|修改邮箱|换手机号|更换手机|修改手机|换绑|改绑"),
    "anti_phishing": _c("topic",
        "anti-phishing|anti phishing|antiphishing|anti-phishing code|phishing code|"
        "~security phrase|~code in emails|~secret word|~code word|~security word|"
        "~own code in emails",
        "防钓鱼码|防钓鱼|防伪码|~安全码"),
    "phishing": _c("topic",
        "phishing|phish|fake site|fake website|fake link|fake email|fake emails|fake app|"
        "scam|scams|scammer|scammers|scammed|~fraud|~fraudulent|~fake|~legit|~legitimate|"
        "~genuine|real site|real website|official site|official website|~real emails|"
        "lookalike|look alike|look-alike|~imposter|~impostor|impersonator|impersonating|"
        "~pretending|fake account|fake accounts|fake support|fake admin|~claiming to be|"
        "~claims to be|~said he was|~says he is|~posing as",
        "钓鱼|假网站|假冒|冒充|骗子|诈骗|被骗|防骗|真假|~官网|山寨|仿冒|骗局|~自称|~声称"),
    "official": _c("topic",
        "~official|~officials|~admin|~admins|~administrator|~mod|~mods|~moderator|"
        "~moderators|~staff|~team member|real admin|~real account|~real accounts|"
        "official account|official accounts|verified account|official channel|"
        "official channels|official telegram|official twitter",
        "~官方|管理员|~管理|版主|~工作人员|官方账号|官方推特|真的管理|真管理员|官方电报"),
    "support": _c("topic",
        "~support|customer service|customer support|help desk|helpdesk|~contact|~contact you|"
        "~reach you|contact support|reach support|~get hold of|~talk to|~speak to|~speak with|"
        "~chat with|live chat|~agent|~human|~real person|~representative|help center|"
        "help centre|support team|support agent|human agent",
        "客服|人工|人工客服|在线客服|转人工|~联系|联系方式|帮助中心|~找人|~真人|人工服务"),
    "ticket": _c("topic",
        "~ticket|~tickets|~case|~cases|case number|ticket number|support request|~reference|"
        "~reference number|~ref number|"
        "support ticket|~my request|~follow up|~follow-up|~followup|~any update|~an update",
        "工单|工单号|~进度|~跟进|提交的问题|提交的申请|~编号|~单号"),
    "security": _c("aspect",
        "~secure|~security|~safe|~safest|~safety|~protect|~protection|~protecting|~hack|"
        "~hacked",
        "安全|保护|防止"),
    # --- trading ----------------------------------------------------------------------------
    "trade": _c("topic",
        "~trade|~trades|~trading|~spot|spot trading|trading fee|trading fees|~buy|~bought|~buying|"
        "~sell|~sold|"
        "~selling|~market",
        "交易|现货|买入|卖出|~买|~卖|下单"),
    "order": _c("topic",
        "~order|~orders|limit order|limit buy|limit sell|buy order|sell order|open orders|"
        "open order|order book|orderbook",
        "订单|挂单|委托|~单子"),
    "order_type": _c("topic",
        "order type|order types|limit order|market order|stop order|stop limit|stop-limit|"
        "stop loss|stop-loss|take profit|trigger order|oco|post only|~at market",
        "市价|限价|止损|止盈|市价单|限价单|计划委托|条件单|下单方式"),
    "slippage": _c("aspect",
        "slippage|~slipped|~worse price|execution price|fill price|filled price",
        "滑点|成交价"),
    "not_filled": _c("aspect",
        "not filled|unfilled|didn't fill|not fill|never filled|not executed|didn't execute|"
        "~still open|partially filled|partial fill",
        "没成交|未成交|不成交|没有成交|一直挂着|没有执行|~没卖掉|~没卖出|~卖不出|~没买到|~买不到"),
    "fee_tier": _c("aspect",
        "maker|taker|vip|vip level|vip tier|fee tier|maker fee|taker fee|maker fees|taker fees|"
        "~discount|"
        "fee discount|lower fees|~cheaper",
        "挂单|吃单|vip|~等级|~折扣|~优惠"),
    "futures": _c("topic",
        "futures|perp|perps|perpetual|perpetuals|~contract|~contracts|derivative|derivatives|"
        "~position|~positions|~=longs|~=shorts|long position|short position|~margin|~my short|"
        "~my long|~my shorts|~my longs|"
        "~isolated|cross margin|isolated margin|~20x|~10x|~50x|~100x|~125x|~5x",
        "合约|永续|期货|多单|空单|仓位|持仓|多头|空头|保证金|逐仓|全仓"),
    "liquidation": _c("topic",
        "liquidation|liquidated|~liquidate|liquidations|~liq|liq price|~rekt|margin call|"
        "~got wiped|~wiped out|~wiped|~forced close|~closed my position|auto-deleverage|adl|"
        "mark price",
        "爆仓|强平|被爆|强制平仓|标记价格|~平仓|~平掉|~被平|~插针"),
    "funding": _c("topic",
        "~=funding|funding rate|funding fee|funding fees|funding payment|funding interval",
        "资金费|资金费率|资金费用"),
    "leverage": _c("topic",
        "~leverage|~leveraged|max leverage|maximum leverage",
        "杠杆|倍数|最高倍"),
    "api": _c("topic",
        "api|apis|api key|api keys|apikey|rest api|websocket|~ws|~endpoint|~endpoints|sdk|"
        "trading bot|~my bot|~signature|hmac|ip whitelist|whitelist ip|~server ip|"
        "~permissions|~perms|~script|~scripts|~polling|~poll|~ticker|~requests|"
        "~my code|~python|~javascript",
        "接口|~密钥|量化|~机器人|~白名单|~签名|~权限|~程序|~脚本"),
    "rate_limit": _c("aspect",
        "rate limit|rate limits|rate-limit|rate limited|ratelimit|429|418|too many requests|"
        "~throttled|~throttle|~throttling|~request limit|~requests per|~weight|~ip banned|"
        "~temporarily blocked|~temporarily banned|~request limit|~requests rejected",
        "限频|限流|~频率|~请求次数|~请求限制|~ip被封|~被封ip|请求太频繁|~太频繁|~请求太多|~频繁"),
    "subaccount": _c("topic",
        "sub-account|sub account|subaccount|sub-accounts|sub accounts|subaccounts|"
        "~separate account|~separate balance|~separate|~segregate|~split|~second account|"
        "~master account|~main account",
        "子账户|子账号|母账户|~主账户|~分开"),
    "app": _c("topic",
        "~app|~apps|apk|~application|~android|~ios|~iphone|~ipad|play store|google play|"
        "app store|~download|~install|mobile app|desktop app|~client",
        "~应用|~下载|~安卓|~苹果|应用商店|~客户端|安装包|~安装"),
    "p2p": _c("topic",
        "p2p|peer to peer|peer-to-peer|otc|~merchant|~merchants|~seller|~sellers|~buyer|"
        "~buyers|~ad|~ads|~advert|~counterparty|release the coins|release crypto|"
        "~i have paid|~i've paid|~ive paid|~marked as paid|~mark as paid|~clicked paid|"
        "~payment received|~confirm payment|~release",
        "c2c|商家|卖家|买家|放币|承兑|~广告|~已付款|~付款|~收款"),
    "dispute": _c("aspect",
        "~dispute|~disputes|~appeal|~appeals|~complaint|~file a complaint|didn't release|"
        "not released|won't release|never released|~scammed by|~went silent|~not responding|"
        "~unresponsive|~stopped replying|~ghosted|~ignoring me|~no response",
        "申诉|纠纷|~投诉|不放币|没放币|~不放|~不理我|~不回复|~失联"),
    "seed": _c("topic",
        "seed phrase|seed phrases|seed words|recovery phrase|recovery words|mnemonic|"
        "secret phrase|secret recovery phrase|12 words|12-word|24 words|24-word|wallet words|"
        "private key|private keys|~seed",
        "助记词|私钥|恢复短语|种子短语|~12个词|~24个词"),
    "options": _c("topic",
        "options|option trading|options trading|options market|~calls and puts|copy trading|"
        "~bots marketplace|~dual investment",
        "期权|跟单交易"),
    "website": _c("topic",
        "~website|~websites|~site|~sites|~web site|~url|~urls|~link|~links|~domain|"
        "~domains|~web page|~webpage|~mirror",
        "~网站|~网址|~链接|~域名|~网页"),
    # --- out-of-scope topics many exchange FAQs do not cover (recognised, so we can abstain) --
    "listing": _c("topic",
        "listing|listings|~list|~listed|delist|delisting|new coin|new token|new coins|"
        "launchpad|launchpool|ido|ieo|ico|presale|~wen|add support for|support for the|"
        "support new",
        "上币|上线|上架|下架|新币|打新|支持什么币|什么时候支持"),
    "staking": _c("topic",
        "staking|~stake|~staked|unstake|~earn|~savings|saving product|~yield|apy|apr|"
        "~interest|passive income|~lending|~lend|flexible savings|locked savings",
        "质押|理财|年化|~收益|~利息|活期|定期|借贷|赚币"),
    "license": _c("topic",
        "~license|~licence|~licensed|~licenced|~regulated|~regulation|~regulator|"
        "~regulatory|~legal in|~legal to use|~compliance|~compliant|~sec|mica|~fca|vasp|"
        "registered with",
        "牌照|监管|合规|~合法|许可证|持牌"),
    "reserves": _c("topic",
        "proof of reserves|proof-of-reserves|~por|~reserves|~reserve|~audit|~audited|"
        "~solvency|insurance fund|safu|backed 1:1",
        "储备金|准备金|~审计|保险基金|风险保障基金|保障基金|~偿付"),
    "tax": _c("topic",
        "~tax|~taxes|tax report|tax statement|~capital gains|~1099|~irs|~accountant",
        "~税|报税|纳税|税务"),
    "history": _c("topic",
        "~history|~export|~statement|~statements|~csv|~report|~records|transaction history|"
        "trade history|download my history|order history",
        "~历史|~导出|~记录|账单|流水|对账单"),
    "referral": _c("topic",
        "referral|referrals|~refer|~referred|~invite|~invited|invite code|referral code|"
        "~rebate|~rebates|affiliate|~kickback|referral bonus|~commission",
        "推荐|返佣|~邀请|邀请码|推荐码|返利|~佣金|拉新"),
    "fiat": _c("topic",
        "fiat|credit card|debit card|~card|~cards|~visa|mastercard|apple pay|google pay|"
        "paypal|bank transfer|~bank account|~wire|wire transfer|sepa|~ach|buy crypto with|"
        "on-ramp|onramp|~usd|~eur|~gbp|~cash",
        "法币|信用卡|银行卡|借记卡|银行转账|电汇|~人民币|~美元|支付宝|微信支付|快捷买币"),
    "testnet": _c("topic",
        "testnet|test net|sandbox|demo account|paper trading|test environment|demo trading",
        "测试网|模拟盘|沙盒|模拟交易|测试环境"),
    "events": _c("topic",
        "~ama|~competition|~contest|~tournament|~campaign|~event|~events|~giveaway|"
        "~lottery|~prize|~prizes|~quiz|~roadmap|~announcement|~announcements|airdrop|"
        "airdrops|~bonus|~reward|~rewards|trading competition",
        "~活动|大赛|~比赛|空投|~奖金|~奖励|~抽奖|路线图|~公告|~福利|~红包"),
    "price": _c("topic",
        "~price prediction|~pump|~dump|~dumping|~pumping|~moon|~bullish|~bearish|~bull|"
        "~bear|~ath|~all time high|~dip|~buy the dip|~to the moon|~chart|~charts|~candle|"
        "~candles|~kline|~going to zero|~going up|~going down|~trading at|~trading for|"
        "~price of|~price target",
        "~价格|~涨|~跌|抄底|牛市|熊市|大饼|二饼|~行情|k线|~走势|梭哈"),
    "region": _c("topic",
        "~country|~countries|~region|~regions|~available in|~residents|~resident|"
        "~us citizens|~us customers|~usa|~uk|~france|~germany|~canada|~australia|~india|"
        "restricted countries|~vpn|~jurisdiction",
        "~地区|~国家|~大陆|~香港|~美国|~海外|~居民|翻墙"),
    "copy_trading": _c("topic",
        "copy trading|copy trade|copytrading|~signal|~signals|signal group|lead trader|"
        "~trade for me|~managed account|~account manager",
        "带单|跟单|喊单|信号群|代操"),
    "nft": _c("topic", "nft|nfts|~mint|~minting", "铸造"),
    "loan": _c("topic",
        "~loan|~loans|~borrow|~borrowing|margin trading|margin loan|~collateral",
        "借币|~贷款|~抵押|杠杆借贷"),
    "outage": _c("topic",
        "~down|~outage|~lagging|~lag|~slow|~not loading|~will not load|~maintenance|"
        "~downtime|~server error|~502|~503|~crash|~crashing|~bug|~glitch",
        "宕机|~维护|卡顿|~卡了|~打不开|闪退|~崩溃|~很卡|~服务器"),
    # --- aspects (never enough on their own) -----------------------------------------------
    "fee": _c("aspect",
        "fee|fees|maker fee|maker fees|taker fee|taker fees|trading fee|trading fees|"
        "withdrawal fee|withdrawal fees|deposit fee|deposit fees|funding fee|funding fees|"
        "~charge|~charges|~charged|~cost|~costs|~costing|commission|"
        "~expensive|~pricey|~pay|~paying|~paid",
        "手续费|~费用|~收费|费率|~扣费|~扣了|~贵|~多少钱|~付费|~扣的钱|~扣钱|~扣多少"),
    "time": _c("aspect",
        "~how long|~long does|~how many hours|~how many days|~eta|~hours|~hour|~hrs|~hr|"
        "~days|~day|~minutes|~mins|~weeks|~when will|~when does|~when do|~wait|~waiting|"
        "~take to|~takes|~approval|~approved|~approve|~timing|~soon|~yet",
        "~多久|~多长时间|~几天|~几个小时|~小时|~时间|~什么时候|~何时|~审核|~需要多|~要多|"
        "~一般多|~等了|~几点"),
    "frequency": _c("aspect",
        "~how often|~every 8 hours|~every eight hours|~times a day|~each day|~schedule|"
        "~what time|~settle|~settlement|~settled",
        "~多久一次|~每几个小时|~几点|~结算|~每天几次|~一次"),
    "limit": _c("aspect",
        "~limit|~limits|~cap|~capped|~maximum|~max|~minimum|~min|~daily limit|~per day|"
        "~a day|~per 24h|~quota|~how much can i|~large amount|~raise|~increase|~higher limit",
        "额度|限额|~上限|~最多|~最少|~最低|~最高|~提高|~提升"),
    "reset": _c("aspect",
        "~reset|~resetting|~forgot|~forgotten|~forget|~can not remember|~cannot remember|"
        "~do not remember|~recover|~recovery|~restore|~regain|~lost access|~unbind|"
        "remove 2fa|disable 2fa|~turn off",
        "~忘记|~忘了|~重置|~找回|~恢复|~解绑|~关闭|~想不起"),
    "lost_device": _c("aspect",
        "~lost my phone|~lost phone|~phone lost|~stolen phone|~phone stolen|"
        "~phone was stolen|~stolen|~broke|~broken|~smashed|~dead phone|~new phone|"
        "~changed phones|~switched phones|~replaced my phone|~factory reset|~wiped my phone|"
        "~lost it|~lost my",
        "~手机丢|~丢了|~被偷|~坏了|~换手机|~换了手机|~新手机|~刷机|~手机没了"),
    "change": _c("aspect",
        "~change|~changing|~changed|~update|~updating|~updated|~switch|~switching|~replace|"
        "~modify|~edit",
        "~修改|~更换|~更改|~换|~改"),
    "enable": _c("aspect",
        "~enable|~enabling|~turn on|~set up|~setup|~setting up|~activate|~add|~bind|~link|"
        "~configure|~where do i",
        "~开启|~开通|~绑定|~设置|~启用|~打开"),
    "create": _c("aspect",
        "~create|~creating|~make|~generate|~new key|~open",
        "~创建|~新建|~生成|~申请|~开"),
    "failed": _c("aspect",
        "~failed|~fail|~fails|~failing|~rejected|~reject|~declined|~denied|~refused|"
        "~bounced|~not approved|~unsuccessful|~invalid|~does not work|~do not work|"
        "~not working|~will not work|~is not working|~error|~errors|~incorrect|~wrong code|"
        "~keeps saying",
        "~失败|~被拒|~拒绝|~驳回|~不通过|~没通过|~未通过|~无效|~错误|~不对|~用不了|~不能用|"
        "~提示错误"),
    "completed": _c("aspect",
        "~completed|~complete|~finished|~success|~successful|~went through|~shows confirmed|"
        "~marked completed|~says completed|~says success",
        "~已完成|~完成|~成功|~显示成功|~已成功"),
    "why": _c("aspect",
        "~why|~reason|~reasons|~how come|~what causes|~cause|~causes|~what did i do wrong",
        "~为什么|~为啥|~原因|~怎么回事"),
    "pending": _c("aspect",
        "~pending|~processing|~under review|~in review|~stuck|~still processing|"
        "~still pending|~on hold|~in progress|~queue|~queued|~reviewing",
        "~审核中|~处理中|~待处理|~卡住|~一直显示|~进行中|~排队"),
    "missing": _c("aspect",
        "~not arrived|~has not arrived|~hasnt arrived|~did not arrive|~not received|"
        "~did not receive|~have not received|~not showing|~does not show|~do not show up|"
        "~did not show up|~not credited|~is not credited|~missing|~still nothing|"
        "~never arrived|~not in my balance|~nothing in my balance|~not reflected|~still not|"
        "~not there|~do not show|~is not arriving|~not arriving|~nothing landed|~not landed|"
        "~has not landed|~never landed|~nothing in my|~still 0|~still zero|~shows 0|"
        "~showing 0|~still empty|~not in my wallet|~not in my account",
        "~没到|~未到账|~没到账|~没收到|~收不到|~还没|~不见了|~没有到|~没显示|~没有显示|~找不到|"
        "~还是没有|~啥也没有|~什么都没有|~没有收到|~还是0|~显示0"),
    "suspended": _c("aspect",
        "~suspended|~paused|~pause|~halted|~disabled|~unavailable|~greyed|~grayed|~grey|"
        "~gray|~closed|~close|~not available|~can not send|~cannot send|~can not withdraw|"
        "~resume|~resumed|~reopen",
        "~暂停|~关闭|~停止|~不可用|~灰色|~恢复|~维护中"),
    "wrong": _c("aspect",
        "~wrong|~mistake|~mistaken|~mistakenly|~accidentally|~by accident|~incorrect|"
        "~unsupported|~do not support|~not supported|~does not support|~wrong address|"
        "~forgot the tag|~without a memo|~without the tag|~did not include",
        "~错|~搞错|~弄错|~充错|~转错|~不支持|~没填|~忘填|~忘记填"),
    "documents": _c("aspect",
        "~documents|~document|~passport|~id card|~driving licence|~driving license|"
        "~driver's license|~proof of address|~utility bill|~bank statement|~selfie|~photo|"
        "~photos|~picture|~blurry",
        "~证件|~护照|~身份证|~驾照|~照片|~拍照|~模糊|~资料|~地址证明"),
    "availability": _c("aspect",
        "~24/7|~24 7|~24x7|~around the clock|~all day|~at night|~midnight|~weekend|"
        "~weekends|~holiday|~holidays|~night|~overnight|~open hours|~opening hours|"
        "~always available",
        "~24小时|~7x24|~7×24|~晚上|~夜里|~凌晨|~周末|~节假日|~全天"),
    "compare": _c("aspect",
        "~difference|~differences|~different|~vs|~versus|~compare|~comparison|"
        "~which is better|~or should i",
        "~区别|~不同|~哪个|~对比|~还是"),
    "response": _c("aspect",
        "~reply|~replies|~replied|~respond|~response|~responses|~write back|~writes back|"
        "~get back to me|~hear back|~answer me",
        "~回复|~回信|~答复|~回消息"),
    "status": _c("aspect",
        "~status|~progress|~updates|~check on|~any news|~where is my",
        "~进度|~状态|~进展|~查询|~结果"),
    # --- generic: context that the message is about crypto or this exchange -----------------
    "brand": _c("generic",
        "nebula|nebulaex|your app|your exchange|your platform|your website|your site|"
        "your support|your team|your help center",
        "星云|你们平台|你们交易所|你们的app|你们app|贵平台|你们的网站|你们网站|你们客服"),
    "crypto": _c("generic",
        "crypto|cryptocurrency|~coin|~coins|~token|~tokens|usdt|usdc|btc|bitcoin|eth|ether|"
        "ethereum|xrp|ltc|=doge|bnb|trx|sol|~ada|~dot|stablecoin|altcoin|altcoins|~alt|~alts|"
        "exchange account|on the exchange|wallet|wallets",
        "~币|usdt|比特币|以太坊|交易所|钱包|~u"),
    "money": _c("generic", "~money|~funds|~fund|~balance|~balances|~assets|~asset",
                "~资金|~余额|~资产|~钱"),
    # Idioms that contain domain words but mean nothing here.
    "idiom": _c("noise",
        "caps lock|goes wrong|go wrong|went wrong|going wrong|something wrong|anything wrong|"
        "what's wrong|whats wrong|in case|just in case|case by case|take a look|make sense|"
        "makes sense|market cap|long time|long term|short term|as long as|so long|"
        "for a long time|sign of|good sign|no worries|my bad|fair enough|check it out|"
        "in the long run|a while|after a while|at the end of the day|point of view|"
        "fake news|real estate|real life|mail order|phone call|call me|text me",
        "没事|没关系|不客气|随便"),
}

# Concepts whose presence says "this is about crypto or this exchange" (with the brand's own
# names from config, added at run time).
CONTEXT_CONCEPTS = frozenset({"brand", "crypto"})

# Words that carry no meaning for matching ("how do i ... ?"). Question words that do carry
# meaning ("why", "how long", "how often") are aspects above and not listed here.
STOPWORDS_EN = frozenset("""
a about above after again against all am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't
doing don't down during each few for from further had hadn't has hasn't have haven't having he
he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on
once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up
very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
which while who who's whom whose with won't would wouldn't you you'd you'll you're you've your
yours yourself yourselves pls please plz thx thanks thank hi hello hey guys guy ser sir lol
lmao bro fam gm gn ok okay just really actually also still now rn u ur im ive dont cant
whats hows anyone someone somebody something anything get got getting go going will shall
may might must need needs want wants like know tell say said help question q noob newbie
new one way thing things right time also even much many lot bit kinda sorta pretty
""".split())

# Interrogative and request cues: a message that asks for information, in either language.
QUESTION_CUES_EN = frozenset("""
how what why when where which who whom whose is are can could do does did should would will
any anyone way help explain wondering wonder tell
""".split())
QUESTION_CUES_ZH = ("吗", "么", "怎么", "如何", "为什么", "为啥", "什么", "哪", "多久", "几", "是否",
                    "能不能", "可不可以", "有没有", "是不是", "请问", "咋", "呢", "多少", "怎样", "求助",
                    "啥", "求教", "请教", "想问", "想知道", "求个", "求一个", "求推荐", "想换", "想改",
                    "想开", "想关", "想注销")

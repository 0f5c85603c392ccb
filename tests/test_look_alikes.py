"""Everyday messages that look like secrets or scams to a pattern, and must be left alone
(each found by an outside tester deleting innocent members' messages), next to the real
thing, which must still be caught."""

from __future__ import annotations

import pytest
from mnemonic import Mnemonic

from handlers.core import decide
from handlers.model import Message, User

MEMBER = User(id="42", username="member42", name="M")


def judge(kb, text: str):
    return decide(Message(channel="telegram", chat_id="-100", message_id="1", user=MEMBER,
                          text=text, public=True), kb)


@pytest.mark.parametrize("text", [
    "busy day again, market open early, coffee ready, good time to relax after work",
    "wait wait wait what happened, price fall again, seriously, this market is crazy",
    " ".join(["hello"] * 12),
    "what's a good password manager for a family?",
    "密码是多少位的？",
])
def test_chat_made_of_common_words_is_not_a_leaked_secret(kb, text):
    d = judge(kb, text)
    assert not d.secret and "delete" not in d.action_names


def test_a_real_phrase_is_still_caught_however_it_is_separated(kb):
    phrase = Mnemonic("english").generate(128).split()
    for text in (" ".join(phrase), ", ".join(phrase), "\n".join(phrase),
                 "my words: " + " ".join(phrase[:6]) + "  " + " ".join(phrase[6:])):
        assert judge(kb, text).secret


@pytest.mark.parametrize("text", ["get the installer aurora-setup-3.0.2.exe from the site",
                                  "where is aurora.apk for android", "opened aurora-trades.csv"])
def test_a_file_name_with_the_brand_in_it_is_not_a_scam_link(kb, text):
    assert not judge(kb, text).scam


def test_a_look_alike_site_is_still_a_scam_link(kb):
    assert judge(kb, "claim your bonus at aurora-bonus-claim.com now").scam


@pytest.mark.parametrize("text", [
    "刚才有人冒充客服私信我，要我的助记词，大家小心，官方不会主动私信",
    "群里有人说找黑客能把被骗的币追回来，这是真的吗？",
])
def test_a_chinese_warning_or_question_about_a_scam_is_not_a_scam(kb, text):
    assert not judge(kb, text).scam


def test_a_chinese_fake_support_offer_is_still_a_scam(kb):
    assert judge(kb, "提币有问题的私信我，我是极光官方客服，马上帮你处理").scam


@pytest.mark.parametrize("text", [
    "一个自称极光客服的人加了我好友，说要帮我解冻，让我提供验证码，这正常吗",
    "got a private message from 'Aurora Admin' offering to speed up my withdrawal, handle "
    "@aurora_admin_desk. is that one of you?",
    "saw a post saying send 0.5 ETH and get 1 ETH back. that is always a scam, ignore it",
    "reminder: never type your recovery phrase into any website, nobody legit will ever ask",
    "导入钱包一直提示助记词无效，是不是我抄错了顺序",
    "有人 DM 我说要我的 UID 和邮箱帮我加急，这种是不是骗子",
])
def test_a_member_telling_of_or_asking_about_a_scam_is_not_one(kb, text):
    assert not judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "can someone send me the guest wifi password for the meetup tonight",
    "pls share the zoom meeting code again, the link expired",
    "门禁密码发给我一下，我到楼下了",
])
def test_asking_for_a_household_password_is_not_a_secret_grab(kb, text):
    assert not judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "Aurora support here: send me your recovery phrase so I can verify your wallet",
    "请所有用户在下面网站输入助记词完成钱包验证，否则资产冻结",
    "withdrawal stuck? DM me, I'm from the Aurora support team and will fix it in minutes",
])
def test_the_scams_those_look_like_are_still_caught(kb, text):
    assert judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "hypothetically, if someone got my password but not my 2FA, could they withdraw?",
    "万一账号被盗了，第一步应该做什么？提前了解一下",
    "what if my phone gets stolen, can someone get into my account with it?",
    "手机钱包和冷钱包哪个好一点，总是担心被黑",
    "kinda paranoid about getting drained, is a hardware wallet worth it for 2k?",
])
def test_a_takeover_asked_about_in_advance_is_not_an_emergency(kb, text):
    assert not judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "someone withdrew all my USDT, if you don't freeze it now I lose everything",
    "我的币被转走了，要是不冻结就全没了",
])
def test_an_emergency_that_says_if_is_still_one(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "去年账号被盗过，后来客服帮我找回来了，这次换了新手机要重新绑定吗",
    "上次被人登录了我的号，已经处理好了，现在想加个提币白名单",
    "收到陌生設備登入提醒，嚇死，原來是我兒子用平板登的",
])
def test_a_takeover_long_over_or_explained_is_not_an_emergency(kb, text):
    assert not judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "剛剛有人登入咗我個帳號，仲改咗密碼，啲幣全部被轉走",
    "之前还有 3000U，刚刚被人转走了，不是我操作的",
])
def test_a_takeover_told_in_traditional_or_with_before_is_still_one(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "someone changed my password and removed the authenticator, I can't log in now",
    "my 2FA got disabled and I never requested that",
    "sign-in history shows logins from Manila, I've never been there",
    "a guy from 'support' had me install TeamViewer and now my balance is gone",
    "平板被偷了，交易所还是登录状态",
    "我从来没开过杠杆，账户里却多了几笔杠杆订单",
    "my SIM went dead an hour ago and now I'm getting login codes from the exchange",
    "刚才被假客服骗了，转了500U过去",
    "someone from vietnam logged into my acct an hour ago",
    "there's 4 sell orders on my account i aint place any of them",
])
def test_a_takeover_told_plainly_in_other_words_is_urgent(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "got a new-device alert, never mind, it was my laptop",
    "how does the exchange protect against SIM swap attacks?",
    "如果有异地登录，会发短信提醒吗？",
    "my phone was stolen two years ago and I still have the old 2FA, how do I move it",
])
def test_an_alert_explained_or_a_question_about_attacks_is_not_urgent(kb, text):
    assert not judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "Aurora customer care is now on WhatsApp, for withdrawal problems message +44 7700 900123",
    "support request? fill this form: bit.ly/aurora-help-desk and an agent replies in minutes",
    "add me on wechat aurora_fix88, I unlock frozen accounts fast",
    "admins asked me to pass this on: everyone go to aurora-refund.net to claim the outage refund",
])
def test_support_somewhere_the_brand_never_is_is_a_scam(kb, text):
    assert judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "does Aurora have a WhatsApp support line?",
    "a number +1 202 555 0143 called me saying it's Aurora support, is that you?",
    "never trust anyone who writes 'DM me for help', they are scammers",
    "is the airdrop on the official account real? https://x.com/aurora/status/1",
    "I nearly fell for the 'sync your wallet' message yesterday, glad I asked",
    "这个说能追回被盗币的团队靠谱吗？",
    "don't open aurora-refund.net, it's fake",
])
def test_questions_and_warnings_about_such_support_are_not_scams(kb, text):
    assert not judge(kb, text).scam


def test_a_member_pasting_their_own_phrase_for_help_is_a_leak_not_a_trap(kb):
    words = Mnemonic("english").generate(128)
    victim = judge(kb, f"here's my seed so you can see what went wrong: {words}")
    assert victim.secret and not victim.scam
    trap = judge(kb, f"I have 3,000 USDT stuck here and no gas, here's my seed: {words}")
    assert trap.secret and trap.scam


def test_a_pasted_key_that_happens_to_hold_a_messenger_name_or_a_plus_is_no_support_offer(kb):
    d = judge(kb, "can an admin see why my bot fails? key=Hq3vxTq82Lm0Pz secret=Wm+4412345678Kd9vxQa")
    assert d.secret and not d.scam


@pytest.mark.parametrize("text", [
    "我個錢包俾人hack咗，啲幣而家俾人轉走緊，點算好",
    "佢哋改咗我個email同密碼，我冇做過，入唔到戶口",
    "我嘅帳號有人喺度落單，唔係我落嘅，快啲幫我凍結",
    "刚收到提币成功的邮件 但我没有提币啊 3000u 没了",
])
def test_a_takeover_told_in_cantonese_or_in_passing_is_an_emergency(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "someone stole my sandwich from the office fridge again",
    "this week's market ate everything, 我的钱全亏光了",
    "someone took my seat on the train and pretended to sleep",
    "could someone log in to the web app and tell me if my order history loads for you",
])
def test_everyday_losses_are_not_account_emergencies(kb, text):
    assert not judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "part-time job, easy tasks from home, earn 80 USDT a day, dm me for details",
    "招聘兼职 刷单 日结 200U 有意私聊我",
    "stuck withdrawal? my cousin works at the exchange, text him on whatsapp +44 7700 900456",
    "outage compensation is being paid, fill in bit.ly/3xQpZk with your wallet details",
    "I got all my ETH back thanks to @ChainRescueTeam, contact them, totally legit",
])
def test_job_insider_form_and_testimonial_scams_are_caught(kb, text):
    assert judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "two charges on my card just now, £64 and £210 at an online store, card is in my wallet, not me",
    "my balance went to 0.00 overnight, i was asleep the whole time",
    "卡明明在我手上 刚被刷了两笔外币消费",
    "余额突然归零了 我什么都没操作",
])
def test_money_leaving_that_the_member_disowns_is_an_emergency(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "my roommate's account got hacked last night, I'm turning on 2FA now",
    "还以为被盗了，原来是我老公拿他手机登的",
    "楼下邻居的账号被盗了，大家注意点",
    "我之前被盗过一次，现在都用硬件密钥了",
    "总怕号被盗，怎么设置最安全",
])
def test_someone_elses_takeover_a_false_alarm_or_a_fear_is_not_an_emergency(kb, text):
    assert not judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "hacked!! all my funds gone, help",
    "刚收到提币成功的短信，但我根本没提",
    "帐户里的btc莫名其妙转出去了",
    "my futures are being opened by someone else, i'm watching it happen",
    "手機掉了 app還登著 怎麼辦 急",
    "sim卡被人补办了，现在收不到验证码，账户里还有钱",
    "someone opened 20x shorts on my account and they got liquidated, i never trade futures",
])
def test_takeovers_an_outside_tester_sent_are_emergencies(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "今天爆仓了，钱全没了",
    "got liquidated on my 50x long, balance went from 2k to 30",
    "Thanks to hacker Jason I got all my stolen funds back!! msg him on IG @jason_cyberfix",
])
def test_a_liquidation_or_a_recovery_advert_is_no_emergency(kb, text):
    assert not judge(kb, text).urgent


def test_a_member_thanking_the_brands_own_team_is_no_recovery_advert(kb):
    assert not judge(kb, "just got my stolen funds back thanks to the Aurora security team!").scam
    assert judge(kb, "Thanks to hacker Jason I got all my stolen funds back!! msg him on IG "
                     "@jason_cyberfix").scam


@pytest.mark.parametrize("text", [
    "For account problems call our official helpline 1-800-555-0199, ask for agent Mike",
    "极光客服热线 400-820-1234，提币问题打这个电话",
])
def test_support_on_a_phone_number_is_a_scam(kb, text):
    assert judge(kb, text).scam


@pytest.mark.parametrize("text, label", [
    ("Having trouble? Fill in this form to get verified: bit.ly/aurora-kyc-help", "scam"),
    ("恭喜你中奖了！联系客服领取 1000 USDT", "scam"),
    ("api被人创建了 一直在乱下单", "urgent"),
    ("acc hackd pls freeze it now", "urgent"),
])
def test_more_forms_an_outside_tester_sent_are_caught(kb, text, label):
    assert getattr(judge(kb, text), label)


def test_the_brands_own_verification_page_is_no_scam(kb):
    assert not judge(kb, "the verification form on the official site is at "
                         "help.aurora.example/kyc").scam


@pytest.mark.parametrize("text", [
    "big thanks to @TraceBack_Leo, he got my stolen ETH back in two days, tell him Sam sent you",
    "VIP pump signal tonight: coordinated pump at 20:00 UTC, join t.me/pumpcrew_vip for the coin",
    "Dear customer, please reply to this message with the verification code we just sent to "
    "keep your card active",
    "发个你资产页面截图给我，再把注册邮箱发我，我帮你看看",
    "new cashback is live, claim it at aurora-cashback-club.com, just log in with your normal "
    "account details",
])
def test_recoverers_pumps_code_requests_and_phishing_logins_are_scams(kb, text):
    assert judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "please don't post screenshots of your balance or your UID in here, scammers use them",
    "忘了密码 找回邮件一直收不到 邮箱是 lin.sf@example.com",
    "can i send to a credit card number instead of an iban?",
    "i gave the 'helper' my email and a screenshot and now my password is changed",
    "@AuroraEx thanks, I got my account back! you guys are great",
    "@AuroraEx can you get back tokens sent over a chain you don't support?",
])
def test_warnings_and_members_own_stories_are_not_those_scams(kb, text):
    assert not judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "there's a Galaxy S21 in my trusted devices since last night, I have never owned a Samsung",
    "got like 12 login code texts in the last hour and none of them were me",
    "设备列表里多了一台iPad，我家根本没有iPad",
    "一直收到验证码短信，我都没申请，是不是有人在登我的号",
])
def test_a_device_not_the_members_or_a_stream_of_unasked_codes_is_an_emergency(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "I only have an iPhone, does the app work on an iPad too?",
    "got 3 emails about the new fee schedule today, anyone read them?",
])
def test_talk_about_devices_and_emails_is_no_emergency(kb, text):
    assert not judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "I didn't make any withdrawal yet, how do I start one?",
    "I got hacked in Fortnite lol, nothing to do with Aurora",
    "游戏账号被盗了哈哈，跟极光没关系",
    "the news says hackers stole $100M from some exchange, not Aurora thankfully",
    "that trade wasn't me, it was my trading bot via API, where are its logs?",
])
def test_another_app_the_news_or_the_members_own_bot_is_no_emergency(kb, text):
    assert not judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "I didn't make this withdrawal, how do I stop it?",
    "withdrawals I didn't make went out after an unknown whitelist address was added",
])
def test_a_withdrawal_the_member_disowns_is_an_emergency_even_asking_how(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "thanks to @AuroraEx_Admin I got my account back, legend",
    "I got my account back thanks to the official support team, ticket took 3 days",
])
def test_thanking_the_official_accounts_is_no_recovery_advert(kb, text):
    assert not judge(kb, text).scam


def test_a_recoverer_tagged_in_a_story_is_a_scam(kb):
    assert judge(kb, "I was hacked too but @RecoverWithMike recovered everything in 2 days, "
                     "message him").scam


def test_a_member_asking_whether_a_login_site_is_official_is_no_phishing_post(kb):
    d = judge(kb, "Is aurora-rewards-hub.net official? it asks me to log in with my account details")
    assert "phishing-link" not in {f.check for f in d.findings}


@pytest.mark.parametrize("text", ["刚收到异地登录提醒 不是我本人 还有一笔提币在审核 求赶紧冻结",
                                  "不是我自己操作的，账户里的5000U被转走了"])
def test_not_me_in_chinese_is_an_emergency_not_a_stand_down(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "there's a withdrawal whitelist address on my account I never added, and the 24h lock is on",
    "my email on the account was switched to some address that is not mine, I can't log in",
    "app says new device 'Pixel 7' authorised, I only use an iphone",
    "API管理里多了一个key，还开了提现权限，不是我建的",
    "我妈的账户昵称被改了，提币白名单也被关了，她说她没操作",
    "my laptop got nicked at the cafe, the exchange tab was still logged in",
    "手机在地铁上被偷了，钱包app还登录着，怎么先冻结",
    "card charged 3 times in Lisbon overnight and the card is in my purse, I'm in Leeds",
    "信用卡在我手上，但是刚收到三笔境外消费的扣款，本人未消费",
    "I signed something on a claim site and now every token is gone from my wallet",
    "gave the 'support' guy the code from my sms and now my balance shows 0",
    "my sim got swapped, no signal since noon and now password reset emails keep coming",
])
def test_a_takeover_told_indirectly_is_urgent(kb, text):
    assert judge(kb, text).urgent


def test_a_long_story_that_mentions_the_news_is_still_an_emergency(kb):
    story = ("Sorry for the long message, I'm shaking. I've used this app for years and keep "
             "most of my savings here. This morning I opened it to check the price because of "
             "the news, and the app asked me to log in again, which it never does. My balance "
             "was almost zero. The history shows two withdrawals at 4:10 and 4:15 am to an "
             "address I have never seen. I was asleep. I never did any of this. Please freeze it.")
    assert judge(kb, story).urgent


@pytest.mark.parametrize("text", [
    "lol my husband drained my wallet again, new golf clubs 🙄",
    "如果有人盗了我的号，客服能帮忙找回吗？",
    "the news says another exchange got hacked, are we safe here?",
    "new device alert this morning, that was me on the office pc, all good",
    "my colleague's account got hacked last week, what should I turn on to be safe?",
    "【安全中心】检测到您的账户在异地登录，如非本人操作请点击链接冻结",
])
def test_jokes_questions_news_and_alerts_explained_are_not_emergencies(kb, text):
    assert not judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "easy fix, screenshot your security settings and send it to me, I'll check what's wrong",
    "dm me your uid and the registered email and i can fix the withdrawal",
    "把资产页面截图和UID私信给我，我帮你提交",
    "提不了币别急，先交一笔保证金激活账户就能提出来",
    "to release your withdrawal you must pay the 300 USDT tax first",
    "selling the rare skin 30% under floor, buy direct, off-platform only",
])
def test_a_helper_asking_for_details_or_money_to_unlock_and_off_platform_deals_are_scams(kb, text):
    assert judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "never send anyone a screenshot of your security page, admins don't need it",
    "is it normal that support asks for my UID in the ticket form?",
    "P2P是在平台里面做，千万不要私下交易，出事没人帮你",
    "我朋友说提现要先交税，是不是骗局？",
    "提现到账户要交税吗",
    "把那个报销单发我邮箱，我帮你一起交了",
])
def test_warnings_questions_and_everyday_requests_are_not_scams(kb, text):
    assert not judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "Hello from the Aurora security department: unusual sign-in on your account, please verify by "
    "replying with the code we just sent",
    "your payout is on hold for review. To unlock it you must first deposit 10% of the amount as a "
    "guarantee deposit",
    "profit of 8,200 USDT ready, an activation fee of 300 USDT is required before withdrawal",
    "what's the email on the account? and the code that just came to your phone, i need it to verify you",
    "just cancel the order on the platform and pay me directly by bank transfer, cheaper for both",
    "all accounts not reconfirmed by Friday get restricted, reconfirm here: bit.ly/acct-recheck",
    "Aurora anniversary doubling event: BTC sent this hour is returned 2x",
    "our support has moved to Discord for faster replies: discord.gg/aurora-support-desk",
])
def test_more_scams_seen_from_the_outside_are_scams(kb, text):
    assert judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "I approved something for 'wallet validation' on a site and my tokens got drained",
    "是不是真的有人能追回被骗的币？群里好多人在推荐追回团队",
    "a withdrawal fee of 1 USDT is required, is that normal?",
])
def test_a_victim_and_a_question_about_recovery_teams_are_not_scams(kb, text):
    assert not judge(kb, text).scam


@pytest.mark.parametrize("text", [
    "why is my anti-phishing code different today? I never touched that setting",
    "有人在我账户里加了一个提币地址，不是我加的",
    "phone was pickpocketed on the bus, the wallet app doesn't need a passcode to open",
    "there's an api key on my account I don't remember creating, it has trading enabled",
])
def test_settings_changed_and_a_phone_gone_unlocked_are_emergencies(kb, text):
    assert judge(kb, text).urgent


@pytest.mark.parametrize("text", [
    "lol my savings got 'drained' by my wife's shopping again 😂",
    "Article: attackers stole $25M from a bridge after users signed bad approvals. Stay safe",
    "in the movie the hacker sim swapped him in five minutes, is that realistic?",
    "scammers drained my neighbour's bank account with a fake courier text, told her to call the bank",
])
def test_jokes_articles_films_and_neighbours_are_not_emergencies(kb, text):
    assert not judge(kb, text).urgent


def test_a_notice_to_every_wallet_with_a_deadline_is_a_scam_and_a_warning_about_it_is_not(kb):
    assert judge(kb, "all holders must re-sync their wallets before Sunday at the sync page or lose "
                     "their balance").scam
    assert judge(kb, "lost 3 ETH to a fake site, then Sam the tracer got all of it back, look him up").scam
    assert not judge(kb, "fake notice going round: 'all wallets must be re-validated'. Ignore it, "
                         "it's phishing").scam


def in_private(kb, text: str):
    return decide(Message(channel="telegram", chat_id="42", message_id="1", user=MEMBER,
                          text=text, public=False), kb)


@pytest.mark.parametrize("text", ["你好！你们年底的线下见面会门票在哪里买",
                                  "hello, do you support withdrawals to a bank card"])
def test_a_question_that_opens_with_a_greeting_is_not_greeted_back(kb, text):
    replies = [a for a in in_private(kb, text).actions if getattr(a, "check", "") == "small-talk"]
    assert replies == []


@pytest.mark.parametrize("text", ["你好", "大家好，新人报道🙏", "thanks admin!", "gm fam"])
def test_a_bare_greeting_in_private_is_greeted_back(kb, text):
    assert [a.check for a in in_private(kb, text).actions] == ["small-talk"]


@pytest.mark.parametrize("text", [
    "is aurora-rewards.top one of yours? it wants me to connect my wallet",
    "PLEASE don't open aurora-rewards.top, it's phishing",
    "aurora-rewards.top 是你们的官网吗？",
])
def test_a_member_asking_about_or_warning_of_a_look_alike_site_is_told_it_is_not_ours(kb, text):
    d = judge(kb, text)
    assert not d.scam and "delete" not in d.action_names
    reply = next(a.text for a in d.actions if type(a).__name__ == "Reply")
    # The site is named so that no chat makes it a link again, next to the real one.
    assert "aurora-rewards[.]top" in reply and "aurora-rewards.top" not in reply
    assert any(d in reply for d in kb.safety.marks.domains)
    assert any(type(a).__name__ == "NotifyStaff" for a in d.actions)


@pytest.mark.parametrize("text", [
    "Beware of fakes! The only real site is aurora-rewards.top",
    "aurora.example is down, use our new site aurora-rewards.top instead",
    "aurora-login.top is phishing! log in at aurora-rewards.top instead",
])
def test_a_look_alike_site_pushed_beside_a_warning_is_still_a_scam(kb, text):
    d = judge(kb, text)
    assert d.scam
    said = " ".join(getattr(a, "text", "") or "" for a in d.actions if type(a).__name__ != "NotifyStaff")
    assert "aurora-rewards[.]top" in said and "aurora-rewards.top" not in said


def test_cyrillic_look_alike_letters_in_english_get_an_english_reply(kb):
    # "раsswоrd" written with Cyrillic а, о: a trick to slip past filters, not Russian
    d = judge(kb, "mу раsswоrd fоr the exchange is Tulip-Garden-2291")
    assert d.secret and d.lang == "en"
    assert judge(kb, "как вывести USDT на карту?").lang == "ru"


@pytest.mark.parametrize("text", [
    "我手机号13812345678，aurora-rewards.top 是官方网站吗？",
    "我的UID是39920017，aurora-rewards.top说我账户冻结了，是官方吗？",
])
def test_the_answer_about_a_site_repeats_only_the_site_never_the_words_around_it(kb, text):
    d = judge(kb, text)
    said = " ".join(getattr(a, "text", "") or "" for a in d.actions)
    assert "aurora-rewards[.]top" in said
    assert "13812345678" not in said and "39920017" not in said and d.faq is None


@pytest.mark.parametrize("text", [
    "¿Es aurora-rewards.top el sitio oficial?",
    "Это официальный сайт aurora-rewards.top?",
    "avoid aurora-rewards.top!!! it stole my friend's USDT",
    "was told to log in at aurora-rewards.top to unlock my account, is that ok?",
    "is aurora-rewards.top the official site?",
])
def test_a_site_named_in_a_question_or_a_warning_in_any_language_is_never_deleted(kb, text):
    d = judge(kb, text)
    assert not d.scam and "delete" not in d.action_names


@pytest.mark.parametrize("text", [
    "Beware of fakes! The only real Aurora site is aurora-rewards.top",
    "小心假网站，正确的极光网址是 aurora-rewards.top",
    "admins asked me to pass this on: everyone go to aurora-rewards.top to claim the refund",
    "Don't trust aurora-login.top, it's fake. Use aurora-rewards.top, that is the real one",
    "Scammers everywhere, only use aurora-rewards.top",
])
def test_a_site_called_the_real_one_is_a_lure_whatever_warning_comes_with_it(kb, text):
    assert judge(kb, text).scam


def test_a_lure_after_a_long_stretch_of_chatter_is_still_read(kb):
    chatter = "market looks slow today, anyone watching the eth chart? " * 40
    d = judge(kb, chatter + "withdrawal problems? our support agent answers on whatsapp +1 415 555 0134")
    assert d.scam


def test_cyrillic_letters_inside_english_words_and_struck_through_letters_are_read_as_the_words(kb):
    d = judge(kb, "Cоntаct suppоrt оn WhаtsApp +1 415 555 0199 tо fix yоur withdrаwаl")
    assert d.scam
    assert judge(kb, "Someone wіthdrew аll my USDT, I dіdn't do іt").urgent
    assert judge(kb, "m̷y̷ ̷a̷c̷c̷o̷u̷n̷t̷ ̷w̷a̷s̷ ̷h̷a̷c̷k̷e̷d̷ and everything is gone").urgent
    # a look-alike domain keeps its Cyrillic letter: it is not taken for ours
    d = judge(kb, "is аurora.example the real site?")
    assert "xn--" in " ".join(getattr(a, "text", "") or "" for a in d.actions)

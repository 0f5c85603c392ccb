"""The learned safety heads beside the rules: what they add, what they never do, and how they
are shipped (the real sentence encoder; the messages are written for this test)."""

from __future__ import annotations

import json

import pytest

from handlers.core import decide
from handlers.detectors.heads import HEADS_FILE, LABELS
from handlers.model import Message, User
from runtime import embedding
from runtime.embedding import embed_message, with_semantics
from runtime.knowledge import KnowledgeFiles

from .conftest import CONFIG, FAQ


@pytest.fixture(scope="module")
def kb():
    return KnowledgeFiles(CONFIG, FAQ).load()


def judge(kb, text: str, public: bool = True, learned: bool = True, **fields):
    message = Message(channel="telegram", chat_id="-100" if public else "7", message_id="1",
                      user=fields.pop("user", User("7", "member")), text=text, public=public,
                      **fields)
    vector = embed_message(kb.config.embedding, text) if learned else None
    return decide(message, kb, vector=vector)


def checks(decision, label: str) -> set[str]:
    return {f.check for f in decision.findings if f.label == label}


def test_the_shipped_heads_load_with_the_bot_and_read_its_encoders_vectors(kb):
    assert kb.heads is not None
    assert set(kb.heads.heads) == set(LABELS)
    assert kb.heads.embedding_model == embedding.embedder_for(kb.config.embedding).model_id


# Scams in forms the word rules were never written for: support "reachable" elsewhere, a helper
# asking for screenshots and the registered email, recovery testimonials, wallet "re-validation"
# notices. Written for this test, none from the training corpus.
UNSEEN_SCAMS = [
    "Hi all, if your withdrawal is pending the help desk can fix it fast, just message Tom "
    "on WhatsApp at +44 7700 900 412, he sorted mine in ten minutes",
    "admins are offline on weekends so I can help you myself, send me a screenshot of your "
    "balance page and the email you registered with and I will escalate it",
    "I lost 3 BTC to a fake site and thought it was gone forever, then Recovery Expert Dan "
    "got every coin back for me in 48 hours. Look him up, he is legit!!",
    "钱包需要重新验证，请所有用户今晚12点前在验证页面重新绑定钱包，否则资产将被冻结",
    "Recovered my stolen USDT thanks to @cyber_recovery_pro, I was skeptical but they got it "
    "all back. DM them if you got scammed",
    "【重要通知】系统升级，请所有用户在24小时内通过以下链接同步钱包，逾期未同步的账户将被冻结",
    "URGENT: all wallets must be re-validated after the network upgrade, connect yours at the "
    "validation portal before midnight",
    "Compliance notice: accounts without the new travel-rule verification will be restricted "
    "tonight. Complete it at the verification portal with your ID and wallet address",
    "我在交友软件上认识一个做量化的朋友，跟着他在他们平台上投了三个月，收益翻了两倍，想赚钱的可以找我拉你进群",
    # (the rules learned some of the forms above; these six were written when they did)
    "Our team is giving early access to the private round, 40 spots left, reply IN and my "
    "assistant will reach you",
    "saw your question about the stuck deposit, my cousin works in the exchange's finance team and "
    "can push it through for a small tip",
    "我是平台的风控专员，你的账户被标记了洗钱风险，需要配合做资金核查，稍后会有专员联系你",
    "Exclusive: the team is quietly buying back tokens this week, buy before Friday and it will 5x. "
    "Don't share this outside the group",
    "Limited offer from the exchange: stake any amount with our partner vault and earn 3% per day, "
    "withdraw anytime",
    "家人们 我表哥在交易所内部 能拿到下周上币的名单 想要的私聊 一个名额500U",
]


def test_the_scam_head_catches_most_scams_the_rules_miss_and_says_so(kb):
    missed_by_rules = [t for t in UNSEEN_SCAMS if not judge(kb, t, learned=False).scam]
    assert len(missed_by_rules) >= 5       # the forms the rules were not written for
    caught = [judge(kb, t) for t in missed_by_rules]
    caught = [d for d in caught if d.scam]
    # On the corpus's blind split the rules with the head catch about 4 scams in 5.
    assert len(caught) >= len(missed_by_rules) / 2
    for decision in caught:
        assert "learned-scam" in checks(decision, "scam")
        assert "delete" in decision.action_names           # acted on like any scam
    for text in UNSEEN_SCAMS:                                # what the rules catch stays caught
        if judge(kb, text, learned=False).scam:
            assert judge(kb, text).scam


EVERYDAY = [
    "careful everyone, someone pretending to be support just DMed me asking for my seed, "
    "admins never DM first",
    "is the guy offering recovery services in this chat legit? sounds too good",
    "withdrawals have been pending for 3 hours again, this is ridiculous",
    "gm! what a week, btc finally moving",
    "最近群里骗子好多，大家小心，官方不会私聊",
    "how long does a withdrawal to an external wallet usually take?",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_warnings_complaints_and_questions_are_not_scams(kb, text):
    decision = judge(kb, text)
    assert not decision.scam and not decision.secret and not decision.urgent


def test_an_official_account_or_a_moderator_is_never_called_a_scammer_by_a_head(kb):
    text = UNSEEN_SCAMS[1]
    assert judge(kb, text).scam                     # from a member, the head flags it
    assert not judge(kb, text, moderator=True).scam
    official = kb.config.official.telegram[0]
    assert not judge(kb, text, user=User(str(official.id), official.username)).scam


def test_a_secret_only_a_head_saw_is_deleted_and_none_of_its_text_is_kept(kb, monkeypatch):
    # A head that fires on this message (the real one has its own threshold): the core must
    # treat the whole text as secret, since no pattern knows where the secret is.
    text = "my backup words are on the note: maple river candle ocean stone window"
    real = kb.heads.heads["secret"]
    from dataclasses import replace

    heads = replace(kb.heads, heads={**kb.heads.heads, "secret": type(real)(
        "secret", real.weights, 50.0, 0.5)})

    decision = judge(replace(kb, heads=heads), text)
    assert decision.secret and decision.withhold_text
    assert any(a.name == "delete" for a in decision.actions)
    assert "learned-secret" in {f.check for f in decision.findings}


def test_heads_trained_on_another_encoders_vectors_are_not_used(kb, tmp_path, caplog):
    raw = json.loads(HEADS_FILE.read_text(encoding="utf-8"))
    raw["embedding_model"] = "endpoint/some-other-model/ends-512c-40c-ids"
    foreign = tmp_path / "safety_heads.json"
    foreign.write_text(json.dumps(raw), encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert with_semantics(kb, kb.config.cache_path(), heads_file=foreign).heads is None
    assert "the rules judge alone" in caplog.text


def test_a_damaged_heads_file_stops_the_bot_at_start_naming_the_file(tmp_path):
    broken = tmp_path / "safety_heads.json"
    broken.write_text('{"heads": {}}', encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"safety_heads\.json.*cannot be read"):
        embedding.load_heads(broken)


# Takeovers told indirectly and calmly, and a member's own slow transfers told with the same
# words (amounts, addresses, "didn't", "still"): written for this test, none from the corpus.
TAKEOVERS_TOLD_CALMLY = [
    "there's a withdrawal address on my whitelist that I never added and two new-device emails "
    "I didn't trigger",
    "账户里多了一个我没添加过的提币地址，还收到好几封登录提醒邮件",
    "my laptop was stolen at the airport this morning and the exchange tab was still logged in",
    "got an email that my 2FA was turned off, I did not do that, and now I get a password reset "
    "code I never asked for",
    "the security page lists a session from another country that is active right now, not me",
    "my balance dropped by 0.6 BTC overnight and the history shows a transfer I don't recognise",
    "手机卡突然没信号了，然后就收到了交易所的登录短信，不是我登的",
    "somebody changed the email on my account an hour ago and I can no longer log in",
]
SLOW_TRANSFERS = [
    "withdrawal of 500 USDT still says processing after 3 hours, is that normal",
    "提币显示已完成，但是钱包里还没到，已经两个小时了",
    "my deposit of 0.3 ETH has 40 confirmations on the explorer but my balance hasn't moved",
    "sent the money by bank transfer on Monday and it still isn't in my account",
    "forgot my password and the reset email never comes, I checked spam",
    "my KYC has been in review for two days, can someone look at it",
    "充值了1000U 半小时了还没到账",
    "how do I restrict an API key to trading only and bind it to my server IP?",
]


def urgent_and_false_alarms(kb, takeovers: list[str], calm: list[str]) -> tuple[list[str], list[str]]:
    return ([t for t in takeovers if judge(kb, t).urgent], [t for t in calm if judge(kb, t).urgent])


def test_takeovers_told_calmly_are_urgent_and_slow_transfers_are_not(kb):
    urgent, false_alarms = urgent_and_false_alarms(kb, TAKEOVERS_TOLD_CALMLY, SLOW_TRANSFERS)
    # On the corpus's blind split the rules with the head find about 5 urgent cases in 6 at a
    # precision of about 0.95.
    assert len(urgent) >= 5, set(TAKEOVERS_TOLD_CALMLY) - set(urgent)
    assert len(false_alarms) <= 1, false_alarms


TAKEOVERS_IN_OTHER_LANGUAGES = [   # written for this test
    "alguien entró a mi cuenta anoche y retiró todo el USDT, yo no hice ningún retiro",
    "me hackearon la cuenta, cambiaron el correo y ya no puedo entrar, ayuda por favor",
    "hesabıma biri girmiş, 2FA kapatılmış ve bakiyem sıfır, ben yapmadım",
    "tài khoản của tôi bị hack, có lệnh rút tiền mà tôi không hề thực hiện",
    "jemand hat sich in mein Konto eingeloggt und eine Auszahlung gemacht, das war nicht ich",
    "alguém invadiu minha conta e sacou tudo, não fui eu, o que eu faço",
    "quelqu'un a piraté mon compte et a changé mon email, je ne peux plus me connecter",
    "ktoś włamał się na moje konto i wypłacił środki, to nie ja",
]
CALM_IN_OTHER_LANGUAGES = [
    "mi retiro lleva tres horas pendiente, ¿es normal?",
    "olvidé mi contraseña y el correo de recuperación no llega",
    "para yatırdım ama hala hesabıma geçmedi, ne kadar sürer",
    "làm sao để bật xác thực hai lớp cho tài khoản?",
    "wie lange dauert die Verifizierung normalerweise?",
    "perdi muito dinheiro com a alavancagem ontem, culpa minha",
]


def test_takeovers_in_other_languages_are_urgent_and_everyday_questions_are_not(kb):
    urgent, false_alarms = urgent_and_false_alarms(kb, TAKEOVERS_IN_OTHER_LANGUAGES,
                                                   CALM_IN_OTHER_LANGUAGES)
    assert len(urgent) >= 5, set(TAKEOVERS_IN_OTHER_LANGUAGES) - set(urgent)
    assert false_alarms == []


@pytest.mark.parametrize("text", [
    "visit https://aurora.example/login and log in with your account, then go to Assets",
    "connect your wallet on aurora.example/web3 and sign the message to see the dashboard",
    "I'll send a screenshot of my email to support@aurora.example so they can verify",
])
def test_pointing_only_to_the_brands_own_site_or_email_is_never_a_scam(kb, text):
    assert not judge(kb, text).scam


def test_the_brands_site_beside_a_request_for_a_code_is_still_a_scam(kb):
    assert judge(kb, "go to aurora.example and then send me your 2fa code so i can check").scam


def test_tagging_the_brand_while_asking_for_a_dm_is_still_judged_by_the_model(kb):
    assert judge(kb, "@AuroraEx I can help you with your issue, kindly send me a DM with your "
                     "details").scam

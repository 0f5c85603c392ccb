"""`python bot.py check-config` advises on the FAQ: entries with too few example questions,
entries the bot cannot tell apart, answers that ask for secrets or send members to a private
chat, and entries so broad they answer chatter. Warnings, not errors: the command still
succeeds. Run with the real encoder, in process, so the model and the probe messages are
embedded once for the whole module."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import bot
from handlers.answering.faq import parse_faq
from handlers.answering.lint import Probe, secret_requests
from handlers.config import EmbeddingSettings
from runtime.probes import CORPUS, load_probes, own_community, read_corpus, sample

from .conftest import CONFIG, FAQ

FEES = {"id": "withdrawal-fees",
        "questions": {"en": ["How much are withdrawal fees?", "Why is the withdrawal fee so high?",
                             "What does it cost to withdraw BTC?"],
                      "zh": ["提币手续费是多少？", "为什么提币手续费这么高？"]},
        "answer": {"en": "Withdrawal fees depend on the coin and network; see the fee page.",
                   "zh": "提币手续费取决于币种和网络，请查看费率页面。"}}
TWO_FA = {"id": "reset-2fa",
          "questions": {"en": ["I lost my phone, how do I reset 2FA?",
                               "How do I reset Google Authenticator?", "My 2FA codes don't work"],
                        "zh": ["手机丢了，怎么重置谷歌验证？", "谷歌验证码一直不对怎么办？"]},
          "answer": {"en": "Use 'Reset 2FA' on the login page; withdrawals pause for 24 hours.",
                     "zh": "在登录页点“重置谷歌验证”，重置后 24 小时内暂停提币。"}}
APP = {"id": "app-download",
       "questions": {"en": ["Where can I download the app?", "Is the app on the App Store?",
                            "Is there a desktop version?"],
                     "zh": ["App 在哪里下载？", "有电脑版吗？"]},
       "answer": {"en": "Download the app from the official download page only."}}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for every FAQ here, with the probe messages embedded into it once
    (loading the encoder and embedding them is most of this module's time)."""
    folder = tmp_path_factory.mktemp("faq-lint-cache")
    assert load_probes(FAQ, EmbeddingSettings(), folder) is not None
    return folder


@pytest.fixture
def check(tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]):
    """Run `bot.py check-config` on an FAQ of these entries; returns (exit status, stdout)."""
    def run(entries: list[dict], **config: object) -> tuple[int, str]:
        raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
        raw.update(database=":memory:", cache_dir=str(cache), **config)
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
        faq = tmp_path / "faq.yaml"
        faq.write_text(yaml.safe_dump({"version": 1, "entries": entries}, allow_unicode=True),
                       "utf-8")
        capsys.readouterr()
        status = bot.main(["check-config", "--config", str(tmp_path / "config.yaml"),
                           "--faq", str(faq)])
        return status, capsys.readouterr().out
    return run


def warnings_about(out: str, entry: str) -> list[str]:
    return [line for line in out.splitlines()
            if line.startswith("warning: ") and f'"{entry}"' in line]


def test_a_duplicated_entry_is_flagged_with_both_ids(check):
    copy = {**FEES, "id": "fees-again",
            "questions": {"en": ["how much are withdrawal fees", "What are the fees to withdraw?",
                                 "Is withdrawing free?"]},
            "answer": {"en": "See the fee page."}}
    status, out = check([FEES, TWO_FA, APP, copy])
    assert status == 0
    lines = warnings_about(out, "fees-again")
    assert len(lines) == 1, out
    assert 'entries "withdrawal-fees" and "fees-again"' in lines[0]
    assert "faq.yaml" in lines[0] and "cannot tell these two entries apart" in lines[0]
    # The two questions that collide are shown, then what to do.
    assert '"How much are withdrawal fees?" (withdrawal-fees)' in out
    assert '"how much are withdrawal fees" (fees-again): the same question' in out
    assert "merge them" in out
    assert not warnings_about(out, "reset-2fa") and not warnings_about(out, "app-download")


def test_an_entry_with_one_example_question_is_flagged(check):
    lonely = {"id": "listing", "questions": {"en": ["How do I get my token listed?"]},
              "answer": {"en": "Apply with the listing form."}}
    status, out = check([FEES, TWO_FA, lonely])
    assert status == 0
    [line] = warnings_about(out, "listing")
    assert "only 1 example question" in line and "faq.yaml" in line
    assert "add at least 3" in out
    assert not warnings_about(out, "withdrawal-fees") and not warnings_about(out, "reset-2fa")


def test_an_answer_that_asks_for_a_seed_phrase_or_a_dm_is_flagged_and_a_warning_is_not(check):
    def entry(entry_id: str, answer: dict) -> dict:
        return {**FEES, "id": entry_id, "answer": answer,
                "questions": {"en": [f"{q} ({entry_id})" for q in FEES["questions"]["en"]]}}
    entries = [
        {**FEES, "answer": {"en": "DM our admin your seed phrase to verify.",
                            "zh": "请把助记词发给客服验证。"}},
        {**TWO_FA, "answer": {"en": "We will never ask for your seed phrase.",
                              "zh": "我们绝不会索要你的助记词，也不会主动私信你。"}},
        {**APP, "answer": {"en": "Download it from the official page.", "zh": "请私信管理员获取下载链接。"}},
    ]
    status, out = check(entries)
    assert status == 0
    [secret] = warnings_about(out, "withdrawal-fees")
    assert "asks members for a password, seed phrase" in secret
    assert "[en] DM our admin your seed phrase to verify." in out
    assert "[zh] 请把助记词发给客服验证。" in out
    [private] = warnings_about(out, "app-download")
    assert "message someone privately" in private and "[zh] 请私信管理员获取下载链接。" in out
    assert not warnings_about(out, "reset-2fa")   # "never ask" is the warning members need


@pytest.mark.parametrize(("answer", "flagged"), [
    ("Send us your seed phrase and we will restore the wallet.", True),
    ("An admin will ask for your password to unlock it.", True),
    ("Reply with your 2FA code here.", True),
    ("If nobody replies, DM a moderator.", True),
    ("Send us the transaction hash in a private message.", True),
    ("把私钥发给管理员。", True),
    ("请私聊客服处理。", True),
    ("Staff never DM first and will never ask for your password, seed phrase or 2FA codes.", False),
    ("Never share your seed phrase, and never DM people who offer help.", False),
    ("Anyone who asks you to send your recovery phrase to support is a scammer.", False),
    ("Tap Show private key and enter your password.", False),
    ("Submit your 2FA reset request in the app, or message us in the in-app chat.", False),
    ("私钥千万不要发给别人。", False),
    ("官方人员绝不会主动私信你，也绝不会索要密码、助记词或验证码。", False),
    ("私信兜售“VIP 升级”的都是骗子。", False),
])
def test_which_answer_sentences_count_as_asking(answer, flagged):
    faq = parse_faq({"version": 1, "entries": [{**FEES, "answer": {"en": answer}}]}, "faq.yaml")
    assert bool(secret_requests(faq)) is flagged


def test_an_entry_of_chit_chat_is_too_broad(check):
    chat = {"id": "say-hello",
            "questions": {"en": ["hi", "anyone here?", "thanks", "hello everyone", "good morning"],
                          "zh": ["有人吗", "谢谢", "大家好"]},
            "answer": {"en": "Hi! How can we help?"}}
    status, out = check([FEES, TWO_FA, APP, chat])
    assert status == 0
    assert "FAQ check: probing each entry with messages it should not answer" in out
    [line] = warnings_about(out, "say-hello")
    assert "too broad" in line and "faq.yaml" in line
    assert "drop greetings" in out
    shown = out.split(line, 1)[1].splitlines()[1:3]
    assert all(s.startswith('    "') for s in shown), out   # two of the messages it answered
    for other in ("withdrawal-fees", "reset-2fa", "app-download"):
        assert not warnings_about(out, other), out


def test_the_shipped_faq_has_no_overlaps_and_asks_for_no_secrets(capsys):
    # The shipped config caches in data/cache, as `run` and `triage` do: quick after a first run.
    assert bot.main(["check-config", "--config", str(CONFIG), "--faq", str(FAQ)]) == 0
    out = capsys.readouterr().out
    assert "FAQ check:" in out
    warnings = [line for line in out.splitlines() if line.startswith("warning: ")]
    assert not [w for w in warnings if "cannot tell these two entries apart" in w], out
    assert not [w for w in warnings if "asks members for" in w or "privately" in w], out


def test_without_the_encoder_the_semantic_checks_are_skipped_with_a_reason(check):
    lonely = {"id": "listing", "questions": {"en": ["How do I get my token listed?"]},
              "answer": {"en": "DM our admin to get listed."}}
    status, out = check([FEES, lonely], embedding={"provider": "none"})
    assert status == 0
    assert ("overlapping and too-broad entries not checked: the sentence encoder is off "
            "(embedding.provider: none)") in out
    assert "probing" not in out
    lines = warnings_about(out, "listing")
    assert len(lines) == 2 and "only 1 example question" in lines[0]
    assert "message someone privately" in lines[1]


def test_a_broken_faq_still_fails_as_before(check):
    status, out = check([FEES, {**FEES, "answer": {"en": "Again."}}])
    assert status == 2 and "warning:" not in out    # a duplicate id is an error, not advice


def test_the_probe_sample_is_fixed_and_spread_over_communities_and_languages():
    rows = read_corpus()
    probes = sample(rows)
    assert probes == sample(list(reversed(rows)))   # the order of the files does not matter
    assert len(probes) == 400
    assert {p.kind for p in probes} == {"offtopic", "uncovered"}
    communities = {p.community for p in probes}
    assert communities == {path.parent.name for path in CORPUS.glob("*/faq.yaml")}
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in p.text) for p in probes)
    assert all(isinstance(p, Probe) and p.text.strip() for p in probes)
    assert own_community(CORPUS / "wallet" / "faq.yaml") == "wallet"
    assert own_community(FAQ) is None


def test_an_answer_too_long_for_telegram_or_a_phone_screen_is_flagged(check):
    long_opening = ("Withdrawal fees depend on the network you choose and on how busy it is, "
                    "and they are shown on the withdrawal page before you confirm, together with "
                    "the minimum amount, the estimated arrival time, the network's current status "
                    "and any notice about maintenance or congestion on the chain that might delay "
                    "your withdrawal today or tomorrow. "
                    "See the fee table.")
    entries = [{**FEES, "answer": {"en": long_opening, "zh": "提币手续费见费率表。"}},
               {**TWO_FA, "answer": {"en": "Reset it from the security page. " * 130,
                                     "zh": "在安全设置页重置。"}},
               APP]
    status, out = check(entries)
    assert status == 0
    [opening] = warnings_about(out, "withdrawal-fees")
    assert "first sentence has" in opening and "end mid-sentence" in opening
    [too_long] = warnings_about(out, "reset-2fa")
    assert "Telegram cuts a message at 4096" in too_long
    assert not warnings_about(out, "app-download")

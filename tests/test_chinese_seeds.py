"""Chinese seed phrases written without spaces (issue 9): through `python bot.py triage`, and the
redaction that keeps them out of everything stored."""

from __future__ import annotations

import json
import random

import pytest
from mnemonic import Mnemonic

from handlers.detectors.credentials import find_secrets
from handlers.detectors.redaction import redact

from .conftest import CONFIG, FAQ, run_cli


def phrase(lang: str, entropy_bytes: int, seed: int) -> list[str]:
    """A real phrase (fixed entropy, so a failure can be replayed)."""
    return Mnemonic(lang).to_mnemonic(random.Random(seed).randbytes(entropy_bytes)).split()


SIMP12 = phrase("chinese_simplified", 16, 1)
SIMP24 = phrase("chinese_simplified", 32, 2)
TRAD12 = phrase("chinese_traditional", 16, 3)
TRAD18 = phrase("chinese_traditional", 24, 4)

VARIANTS = {   # name: (message, the phrase in it)
    "alone": ("".join(SIMP12), SIMP12),
    "alone, 24": ("".join(SIMP24), SIMP24),
    "commas": (",".join(SIMP12), SIMP12),
    "full-width commas": ("，".join(SIMP12), SIMP12),
    "enumeration commas": ("、".join(SIMP12), SIMP12),
    "full-width spaces": ("\u3000".join(SIMP12), SIMP12),
    "after 我的助记词是": ("我的助记词是" + "".join(SIMP12), SIMP12),
    "with text before": ("帮我看看这个对不对" + "".join(SIMP12), SIMP12),
    "with text after": ("".join(SIMP12) + "是我钱包里的", SIMP12),
    "text around": ("我刚才写下来的是" + "".join(SIMP24) + "请问这样保存安全吗", SIMP24),
    "traditional alone": ("".join(TRAD12), TRAD12),
    "traditional, text around": ("我的錢包是" + "".join(TRAD18) + "對嗎", TRAD18),
    "traditional, 、": ("、".join(TRAD18), TRAD18),
    "in groups of four": (" ".join("".join(SIMP12[i:i + 4]) for i in range(0, 12, 4)), SIMP12),
}

# Ordinary Chinese, long runs of BIP39-list characters included (written for this test).
ORDINARY = [
    "我昨天在你们平台充值了一笔钱但是一直没有到账请问是什么原因",
    "今天的天气很好我们一起去公园散步吧然后回家做饭",
    "为什么我的提现申请已经过去三个小时了还是显示正在处理中",
    "请问怎么把资产从现货账户转到合约账户里面去",
    "这个活动的规则我看了好几遍还是不太明白能不能再解释一下",
    "我的助记词写在一张纸上放在家里的抽屉里这样安全吗",
]


@pytest.fixture(scope="module")
def triaged() -> dict[str, dict]:
    rows = [{"id": name, "channel": "telegram", "public": False, "text": text,
             "user": {"id": "u1", "username": "alice", "name": "Alice"}}
            for name, text in [*((name, v[0]) for name, v in VARIANTS.items()),
                               *((f"ordinary {i}", t) for i, t in enumerate(ORDINARY))]]
    result = run_cli("triage", "--config", str(CONFIG), "--faq", str(FAQ),
                     stdin="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    assert result.returncode == 0, result.stderr
    return {o["id"]: o for o in map(json.loads, result.stdout.splitlines())}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_triage_flags_every_way_of_writing_a_chinese_phrase(triaged, variant):
    assert triaged[variant]["secret"] is True


@pytest.mark.parametrize("i", range(len(ORDINARY)))
def test_triage_leaves_ordinary_chinese_alone(triaged, i):
    assert triaged[f"ordinary {i}"]["secret"] is False


def three_in_a_row(words: list[str], text: str) -> list[str]:
    """Every 3 consecutive characters of the phrase that appear, in order, in `text` (separators
    between them ignored)."""
    bare = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return ["".join(words[i:i + 3]) for i in range(len(words) - 2) if "".join(words[i:i + 3]) in bare]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_redaction_leaves_no_three_characters_of_the_phrase(variant):
    text, words = VARIANTS[variant]
    assert three_in_a_row(words, text)          # the check can see the phrase
    assert three_in_a_row(words, redact(text)) == []


def test_a_phrase_with_a_typo_is_caught_when_the_message_says_what_it_is():
    zh = Mnemonic("chinese_simplified")
    words = list(SIMP24)
    words[5] = next(c for c in zh.wordlist                       # a typo the checksum notices
                    if not zh.check(" ".join([*words[:5], c, *words[6:]])))
    broken = "".join(words)
    found = find_secrets("这是我的助记词：" + broken)
    assert [s.finding.check for s in found] == ["seed-phrase"]
    assert three_in_a_row(words, redact("这是我的助记词：" + broken)) == []

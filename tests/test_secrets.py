"""Secrets: every BIP39 vector, the formats people paste, and the hard negatives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mnemonic import Mnemonic

from handlers.detectors.credentials import find_secrets

VECTORS = json.loads((Path(__file__).parent / "data" / "bip39-vectors.json").read_text("utf-8"))
SEED = "spawn letter number crater thing panda foot unfold decide boy cry reform"
SEED24 = ("inhale portion jeans strike federal lens milk venue tissue garden light dust title "
          "announce humor dignity near blue fly angry misery business impact arrange")


def kinds(text: str) -> list[str]:
    return [s.finding.check for s in find_secrets(text)]


@pytest.mark.parametrize("lang", sorted(VECTORS))
def test_every_reference_vector_is_caught(lang):
    for vector in VECTORS[lang]:
        phrase = vector[1]
        assert kinds(phrase) == ["seed-phrase"], (lang, phrase)
        assert kinds(f"is this right? {phrase} thanks") == ["seed-phrase"], (lang, phrase)


@pytest.mark.parametrize("text", [
    f"my phrase: {SEED}",
    "\n".join(f"{i}. {w}" for i, w in enumerate(SEED.split(), 1)),          # numbered lines
    ", ".join(SEED.split()),                                                  # commas
    SEED.replace("crater", "crateer").replace("unfold", "unfoldd"),           # two typos
    SEED.upper(),
    f"帮我看看这24个词对不对：{SEED24}",
    f"my seed words: {' '.join(SEED.split()[:9])}",                           # partial, with context
])
def test_english_phrases_in_the_ways_people_paste_them(text):
    assert "seed-phrase" in kinds(text)


def test_chinese_phrases_separated_or_with_context():
    zh = Mnemonic("chinese_simplified")
    phrase = zh.generate(128)
    assert kinds(phrase) == ["seed-phrase"]                        # space separated
    assert kinds("，".join(phrase.split())) == ["seed-phrase"]     # Chinese commas
    assert kinds(f"我的助记词是{phrase.replace(' ', '')}") == ["seed-phrase"]  # written together
    assert kinds("今天的天气很好我们一起去公园散步吧") == []          # ordinary Chinese


def test_checksum_confirms_but_a_near_miss_is_still_caught():
    finding = find_secrets(SEED)[0].finding
    assert "valid checksum" in finding.detail
    broken = SEED.replace("reform", "abandon")   # breaks the checksum: still a leak
    assert kinds(broken) == ["seed-phrase"]
    assert SEED.split()[0] not in finding.detail


@pytest.mark.parametrize("text, kind", [
    ("private key 0x6837f2e49790438adaab5bc9496c49264b1be1247e19568c46e4e8f2a17728e1", "private-key"),
    ("imported my key d79cf8cc04c20c83e2ed4ec12d0598a9ef6d298e32055b3ddb87dd9a86a24d04", "private-key"),
    ("wif 5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", "private-key"),
    ("api key: Z6Q65i1gN82PiUnaOh8QFXzijhczq2KC secret: CluP8TNKdpYroZHkr0QuvpzKK4KJABPT", "api-secret"),
    ("my password is Sunflower#1987 and it fails", "password"),
    ("密码是 Aa123456 登不上", "password"),
    ("password Summer2024!", "password"),
    ("google auth gives me 604512 and it says invalid", "2fa-code"),
    ("短信验证码 738204 输进去一直错误", "2fa-code"),
    ("the code is 482913", "2fa-code"),
])
def test_keys_passwords_and_codes(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "I think the market will go up before the end of the year, crypto winter is over",
    "abandon ship lads, this alt is going to zero. legal or not they will dump it on us",
    "tx: 0xfcef3751758c51565657973f58c67959a50fff0fbf79f7e659c297257cc0ab30 still pending",
    "hash is 3431b188cfaef7be258ac402239d1f21188a6101c841f2fa13f797036e52f3e0 on tronscan",
    "withdrew to 0x42d8ea4383ff0d33d747db3ea06f8d6abcff78e0 yesterday",
    "my deposit address bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el",
    "my password reset link expired", "the password is wrong", "密码 错误",
    "my invite code is 482913", "error code 502123", "order id 1789234451128839",
    "withdrew 2,480 USDT, 2fa was fine", "is it safe to keep my 12 words on paper?",
])
def test_hard_negatives_stay_negative(text):
    assert kinds(text) == []


def test_findings_never_contain_the_secret():
    for text in (SEED, "my password is Sunflower#1987",
                 "api secret: CluP8TNKdpYroZHkr0QuvpzKK4KJABPT5l6HheHC"):
        for secret in find_secrets(text):
            assert text[secret.start:secret.end] not in secret.finding.detail

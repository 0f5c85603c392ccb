"""Word tables as data: the shipped vocabulary, role words and sentences load from their files;
the operator's overlays named in config add words and change sentences, are checked like the
shipped files (a problem names file, entry and field), and are taken up by /reload and by the
watch on files changed on disk; the brand comes from config alone."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import yaml

from app import App
from handlers.answering.faq import parse_faq
from handlers.answering.lexicon import KINDS, Vocabulary, shipped_vocabulary
from handlers.config import load_config, parse_config
from handlers.core import Knowledge, decide
from handlers.detectors.impersonation import shipped_roles
from handlers.loading import ConfigError
from handlers.model import Message, User
from handlers.replies.texts import SHIPPED, parse_texts
from handlers.tables import load_tables
from runtime.knowledge import KnowledgeFiles
from runtime.reloading import RuntimeActions

from .conftest import CONFIG, run_cli

# A small FAQ of our own: the shipped one must not decide what these tests prove.
FAQ = {"version": 1, "entries": [
    {"id": "deposit-time", "questions": {"en": ["How long does a deposit take to arrive?"]},
     "answer": {"en": "Deposits arrive after the network confirms them, usually in minutes."}},
    {"id": "reset-2fa", "questions": {"en": ["How do I reset my 2FA?"]},
     "answer": {"en": "Use 'Lost 2FA' on the login page."},
     "links": ["https://help.example/2fa"]},
    {"id": "vault", "questions": {"en": ["How does the vault work?"]},
     "answer": {"en": "The vault keeps your coins offline for 30 days."}},
]}

VAULT_OVERLAY = {"concepts": {
    "vault": {"kind": "topic", "en": ["vault", "cold vault"], "zh": ["金库"]},   # a new concept
    "deposit": {"en": ["refill", "~top me up"]},                                 # new patterns
}}


def write(path: Path, data: object) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True),
                    encoding="utf-8")
    return path


def make_config(folder: Path, **changes: object) -> Path:
    """The example config with a folder of its own (FAQ, database, cache) and `changes`."""
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    raw.update(faq_file="faq.yaml", database="bot.db")
    raw.update(changes)
    write(folder / "faq.yaml", FAQ)
    return write(folder / "config.yaml", raw)


def ask(kb: Knowledge, text: str, public: bool = True) -> object:
    return decide(Message(channel="telegram", chat_id="-100", message_id="1", user=User(id="7"),
                          text=text, public=public), kb)


# --- the shipped files ----------------------------------------------------------------------

def test_the_shipped_tables_load_and_are_complete():
    vocabulary = shipped_vocabulary()
    assert len(vocabulary.concepts) >= 80
    assert {c.kind for c in vocabulary.concepts.values()} <= set(KINDS)
    assert vocabulary.context_concepts <= set(vocabulary.concepts)
    assert "how" in vocabulary.stopwords_en and "怎么" in vocabulary.question_cues_zh
    # The brand is a placeholder filled in from config, never a name in the pack.
    assert any("{brand}" in p for p in vocabulary.concepts["brand"].en)

    roles = shipped_roles()
    assert {"support", "admin", "mod", "official"} <= set(roles.roles)
    assert "fan" in roles.fan_words and "exchange" in roles.generic

    assert SHIPPED.languages == ("en", "ru", "zh")
    for key in ("reminder", "dm_unmatched", "more", "help"):
        assert SHIPPED.table["en"][key] and SHIPPED.table["zh"][key]
    assert SHIPPED.say("more", "zh", link="L") == "详情：L"
    assert SHIPPED.say("stats", "zh", counters="c", tickets="t").startswith("Since")  # staff: English


def test_a_shipped_texts_file_missing_a_language_or_a_placeholder_is_refused():
    raw = {"languages": ["en", "zh"],
           "member": {"ok": {"en": "Hi {who}", "zh": "你好 {who}"},
                      "half": {"en": "Only English"},
                      "drift": {"en": "Case {ref}", "zh": "工单"}},
           "staff": {"note": {"zh": "只有中文"}}}
    with pytest.raises(ConfigError) as err:
        parse_texts(raw, "texts.yaml")
    lines = str(err.value).splitlines()
    assert "texts.yaml: member text 'half', field zh: missing" in lines[0]
    assert any("member text 'drift', field zh" in line and "{ref}" in line for line in lines)
    assert any("staff text 'note', field en: missing" in line for line in lines)


# --- overlays -------------------------------------------------------------------------------

def test_a_vocabulary_overlay_lets_a_new_word_reach_its_faq_entry(tmp_path):
    plain = KnowledgeFiles(make_config(tmp_path), use_cache=False).load()
    for text in ("how does the vault work?", "can I refill with usdt? how long does it take?"):
        assert ask(plain, text).faq is None     # words nobody taught the bot

    write(tmp_path / "my-words.yaml", VAULT_OVERLAY)
    kb = KnowledgeFiles(make_config(tmp_path, vocabulary={"overlay": "my-words.yaml"}),
                        use_cache=False).load()
    assert kb.tables.files == (str(tmp_path / "my-words.yaml"),)
    assert ask(kb, "how does the vault work?").faq == "vault"
    assert ask(kb, "金库是怎么运作的？").faq == "vault"
    assert ask(kb, "how long does a refill take?").faq == "deposit-time"


def test_an_overlay_text_override_is_what_the_bot_says(tmp_path):
    write(tmp_path / "my-texts.yaml", {"texts": {
        "more": {"en": "Read on: {link}"},
        "dm_unmatched": {"en": "No idea, sorry. Try /human.", "zh": "不知道。试试 /human。"},
    }})
    kb = KnowledgeFiles(make_config(tmp_path, texts_overlay="my-texts.yaml"),
                        use_cache=False).load()
    answer = ask(kb, "how do I reset my 2FA?", public=False)
    assert answer.faq == "reset-2fa"
    assert answer.reply.endswith("Read on: https://help.example/2fa")
    assert ask(kb, "what's the best pizza topping?", public=False).reply == \
        "No idea, sorry. Try /human."
    assert ask(kb, "今天天气怎么样？", public=False).reply == "不知道。试试 /human。"
    # The shipped sentences stay as they are for everyone else.
    assert SHIPPED.say("more", "en", link="x") == "More: x"


def test_a_roles_overlay_adds_a_role_word(tmp_path):
    write(tmp_path / "my-roles.yaml", {"roles": {"support": ["kundenbetreuung"]}})
    config = make_config(tmp_path, impersonation={"roles_overlay": "my-roles.yaml"})
    kb = KnowledgeFiles(config, use_cache=False).load()
    plain = Knowledge.build(load_config(CONFIG), parse_faq(FAQ))
    fake = User(id="666", username="aurora_kundenbetreuung", name="Aurora Kundenbetreuung")
    assert kb.safety.impersonation.check(fake, "telegram").impersonator
    assert not plain.safety.impersonation.check(fake, "telegram").impersonator


@pytest.mark.parametrize("key, name, content, expected", [
    ("vocabulary", "my-words.yaml", {"concepts": {"deposit": {"en": ["* in"]}}},
     ["my-words.yaml", "concept 'deposit'", "field en[0]", "'*'"]),
    ("vocabulary", "my-words.yaml", {"concepts": {"vault": {"en": ["vault"]}}},
     ["my-words.yaml", "concept 'vault'", "field kind", "required"]),
    ("vocabulary", "my-words.yaml", {"concepts": {"vault": {"kind": "thing", "en": ["vault"]}}},
     ["my-words.yaml", "concept 'vault'", "field kind"]),
    ("vocabulary", "my-words.yaml", {"concepts": {"deposit": {"en": [""]}}},
     ["my-words.yaml", "concept 'deposit'", "field en[0]", "empty pattern"]),
    ("vocabulary", "my-words.yaml", {"concepts": {"deposit": {"zh": ["refill"]}}},
     ["my-words.yaml", "concept 'deposit'", "field zh[0]", "Latin words go under en"]),
    ("vocabulary", "my-words.yaml", {"concept": {}},
     ["my-words.yaml", "field concept", "unknown key"]),
    ("roles", "my-roles.yaml", {"roles": {"support": ["~~~"]}},
     ["my-roles.yaml", "role 'support'", "no letter or digit"]),
    ("roles", "my-roles.yaml", {"role": {"support": ["help"]}},
     ["my-roles.yaml", "field role", "unknown key"]),
    ("texts", "my-texts.yaml", {"texts": {"more": {"en": "More at {url}"}}},
     ["my-texts.yaml", "text 'more'", "field en", "missing {link}", "unknown {url}"]),
    ("texts", "my-texts.yaml", {"texts": {"moar": {"en": "x"}}},
     ["my-texts.yaml", "text 'moar'", "unknown text"]),
    ("texts", "my-texts.yaml", {"texts": {"more": {"fr": "Plus : {link}"}}},
     ["my-texts.yaml", "text 'more'", "field fr", "not a language"]),
    ("texts", "my-texts.yaml", "texts: {more: {en: 'More: {link}'\n",
     ["my-texts.yaml", "line", "not valid YAML"]),
])
def test_a_bad_overlay_is_refused_naming_file_entry_and_field(tmp_path, key, name, content,
                                                               expected):
    write(tmp_path / name, content)
    setting = {"vocabulary": {"vocabulary": {"overlay": name}},
               "roles": {"impersonation": {"roles_overlay": name}},
               "texts": {"texts_overlay": name}}[key]
    config = make_config(tmp_path, **setting)
    with pytest.raises(ConfigError) as err:
        KnowledgeFiles(config, use_cache=False).load()
    for part in expected:
        assert part in str(err.value), (part, str(err.value))
    # check-config says the same and fails.
    out = run_cli("check-config", "--config", str(config))
    assert out.returncode == 2
    assert all(part in out.stderr for part in expected), out.stderr


def test_check_config_validates_the_overlays_it_names(tmp_path):
    write(tmp_path / "my-words.yaml", VAULT_OVERLAY)
    write(tmp_path / "my-texts.yaml", {"texts": {"reminder": {"en": "Staff never DM first."}}})
    # The encoder off: this is about the overlays (the FAQ checks have test_faq_lint.py).
    config = make_config(tmp_path, vocabulary={"overlay": "my-words.yaml"},
                         texts_overlay="my-texts.yaml", embedding={"provider": "none"})
    out = run_cli("check-config", "--config", str(config))
    assert out.returncode == 0, out.stderr
    assert "my-words.yaml: ok (vocabulary overlay)" in out.stdout
    assert "my-texts.yaml: ok (texts overlay)" in out.stdout

    (tmp_path / "my-words.yaml").unlink()
    out = run_cli("check-config", "--config", str(config))
    assert out.returncode == 2 and "my-words.yaml: file not found" in out.stderr


def test_an_unknown_pack_is_refused_in_the_config(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(make_config(tmp_path, vocabulary={"packs": ["crypto-exchang"]}))
    assert "field vocabulary.packs" in str(err.value) and "crypto-exchange" in str(err.value)


def test_knowledge_without_its_overlays_is_refused_rather_than_silently_plain(tmp_path):
    config = load_config(make_config(tmp_path, texts_overlay="my-texts.yaml"))
    with pytest.raises(ValueError, match="load_tables"):
        Knowledge.build(config, parse_faq(FAQ))


def test_an_overlay_only_adds(tmp_path):
    base = shipped_vocabulary()
    grown = base.merged(VAULT_OVERLAY, "my-words.yaml")
    assert grown.concepts["deposit"].en[:len(base.concepts["deposit"].en)] == \
        base.concepts["deposit"].en
    assert grown.concepts["deposit"].en[-2:] == ("refill", "~top me up")
    assert grown.concepts["vault"].kind == "topic"
    assert grown.fingerprint != base.fingerprint
    assert Vocabulary({}).merged(None, "empty.yaml").concepts == {}
    with pytest.raises(ConfigError, match="cannot|not change its kind"):
        base.merged({"concepts": {"deposit": {"kind": "aspect"}}}, "my-words.yaml")


# --- /reload and the watch on the files -----------------------------------------------------

def reload(service) -> object:
    return asyncio.run(RuntimeActions(service).reload())


def test_reload_takes_up_a_changed_overlay_and_keeps_the_old_one_when_it_is_broken(tmp_path):
    words = write(tmp_path / "my-words.yaml", {"concepts": {}})
    texts = write(tmp_path / "my-texts.yaml", {"texts": {}})
    files = KnowledgeFiles(make_config(tmp_path, vocabulary={"overlay": "my-words.yaml"},
                                       texts_overlay="my-texts.yaml"))
    service = App(files.load(), files).service
    assert list((tmp_path / "cache").glob("*.idx")), "the index was not cached"
    assert ask(service.kb, "how does the vault work?").faq is None

    # The FAQ is unchanged: only the vocabulary tells the old index from the new one.
    write(words, VAULT_OVERLAY)
    write(texts, {"texts": {"reminder": {"en": "PSA: admins never DM first."}}})
    assert isinstance(reload(service), Knowledge)
    answer = ask(service.kb, "how does the vault work?")
    assert answer.faq == "vault"
    assert answer.reply.endswith("PSA: admins never DM first.")

    write(words, {"concepts": {"vault": {"en": ["* vault"]}}})
    refusal = reload(service)
    assert isinstance(refusal, str)
    assert "my-words.yaml" in refusal and "concept 'vault'" in refusal and "field en[0]" in refusal
    assert ask(service.kb, "how does the vault work?").faq == "vault"   # the old words stay

    write(words, {"concepts": {}})
    assert isinstance(reload(service), Knowledge)
    assert ask(service.kb, "how does the vault work?").faq is None
    service.store.close()


def test_a_changed_overlay_on_disk_is_reloaded(tmp_path):
    words = write(tmp_path / "my-words.yaml", {"concepts": {}})
    files = KnowledgeFiles(make_config(tmp_path, vocabulary={"overlay": "my-words.yaml"}))
    service = App(files.load(), files).service
    notices = []

    async def deliver(items):
        notices.extend(item.action.text for item in items)

    async def scenario():
        stop = asyncio.Event()
        watch = asyncio.create_task(RuntimeActions(service, deliver).watch(stop, 0.05))
        await asyncio.sleep(0.2)
        write(words, VAULT_OVERLAY)
        os.utime(words, ns=(0, 10**18))    # a different modification time, whatever the clock
        for _ in range(200):
            if notices:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await watch

    asyncio.run(scenario())
    assert notices and "reloaded" in notices[0]
    assert ask(service.kb, "how does the vault work?").faq == "vault"
    service.store.close()


# --- the brand comes from config --------------------------------------------------------------

def test_another_brand_in_config_is_the_brand_everywhere(tmp_path):
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    raw["brand"] = {"name": "Zephyr Markets", "aliases": ["Zephyr", "ZephyrEx", "西风交易所"]}
    raw["official"] = {"telegram": [{"id": 1, "username": "ZephyrEx", "name": "Zephyr"}]}
    config = parse_config(raw, "config.yaml", str(tmp_path))
    kb = Knowledge.build(config, parse_faq(FAQ), tables=load_tables(config))

    # The vocabulary's "{brand}" is this brand's names, in both languages.
    for text in ("does zephyr have an app?", "is zephyrex down?", "西风交易所有app吗"):
        assert "brand" in kb.matcher.match(text).analysis.strong, text
    assert "brand" not in kb.matcher.match("does aurora have an app?").analysis.strong
    assert "deposit" in kb.matcher.match("I sent it into my zephyr").analysis.concepts

    # Impersonators of this brand are caught, of another not.
    claim = kb.safety.impersonation.check(User(id="9", username="zephyr_support_desk"), "telegram")
    assert claim.impersonator
    assert not kb.safety.impersonation.check(User(id="9", username="aurora_support_desk"),
                                             "telegram").impersonator
    # And the bot introduces itself by it.
    help_text = decide(Message(channel="telegram", chat_id="5", message_id="1", user=User(id="5"),
                               text="/help", public=False), kb).reply
    assert "Zephyr Markets" in help_text


# --- the message catalogues --------------------------------------------------------------------

def test_numbers_take_each_languages_plural_forms():
    say = SHIPPED.say
    assert "within 1 hour and" in say("closed_to_member", "en", ref="R", note="", hours=1)
    assert "within 72 hours and" in say("closed_to_member", "en", ref="R", note="", hours=72)
    forms = {n: say("closed_to_member", "ru", ref="R", note="", hours=n) for n in (1, 3, 72, 21)}
    assert "1 час" in forms[1] and "3 часа" in forms[3] and "72 часа" in forms[72]
    assert "21 час" in forms[21] and "21 часа" not in forms[21]
    assert SHIPPED.say("closed_to_member", "zh", ref="R", note="", hours=1).count("小时") == 1


def test_a_translation_missing_fuzzy_or_with_a_lost_placeholder_is_refused(tmp_path):
    from babel.messages.pofile import read_po, write_po

    from handlers.replies.texts import LOCALE_DIR, load_texts

    (tmp_path / "messages.pot").write_bytes((LOCALE_DIR / "messages.pot").read_bytes())
    with (LOCALE_DIR / "zh.po").open("rb") as f:
        catalog = read_po(f, locale="zh")
    catalog.get("Added to your ticket {ref}; our team will answer here.",
                context="added_to_ticket").string = "已添加到你的工单。"          # {ref} lost
    catalog.get("More: {link}", context="more").flags.add("fuzzy")             # not reviewed
    catalog.delete("I don't know that command. Send /help to see what I can do.",
                   context="unknown_command")                                   # missing
    with (tmp_path / "zh.po").open("wb") as f:
        write_po(f, catalog)
    with pytest.raises(ConfigError) as err:
        load_texts(tmp_path)
    said = str(err.value)
    assert "member text 'added_to_ticket', field zh" in said and "missing {ref}" in said
    assert "member text 'more', field zh: missing" in said
    assert "member text 'unknown_command', field zh: missing" in said

"""A bad config or FAQ fails at start with the file, the entry and the field named."""

from __future__ import annotations

import textwrap

import pytest

from handlers.config import load_config
from handlers.faq import load_faq
from handlers.loading import ConfigError

from .conftest import CONFIG, FAQ, run_cli


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def faq_error(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as err:
        load_faq(write(tmp_path, "faq.yaml", text))
    return str(err.value)


def config_error(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, "config.yaml", text))
    return str(err.value)


ENTRY = """
  - id: reset-2fa
    questions: {en: ["How do I reset 2FA?"]}
    answer: {en: "Use the reset flow."}
"""


def test_shipped_files_are_valid():
    config = load_config(CONFIG)
    faq = load_faq(FAQ)
    assert config.brand.name
    assert len(faq) >= 30
    assert {"en", "zh"} <= {lang for e in faq.entries for lang in e.answer}


def test_duplicate_faq_id_names_both_entries(tmp_path):
    message = faq_error(tmp_path, "version: 1\nentries:" + ENTRY + ENTRY)
    assert "faq.yaml" in message
    assert "entry 2 (id 'reset-2fa'), field id: duplicate of entry 1" in message


def test_entry_without_any_answer_is_named(tmp_path):
    message = faq_error(tmp_path, """
        version: 1
        entries:
          - id: fees
            questions: {en: ["What are the fees?"]}
            answer: {en: "   ", zh: ""}
        """)
    assert "entry 1 (id 'fees'), field answer" in message
    assert "no answer in any language" in message


def test_missing_answer_and_wrong_type(tmp_path):
    message = faq_error(tmp_path, """
        version: 1
        entries:
          - id: fees
            questions: {en: ["What are the fees?"]}
          - id: limits
            questions: {en: "not a list"}
            answer: {en: "ok"}
            private: "sometimes"
        """)
    assert "entry 1 (id 'fees'), field answer: required but missing" in message
    assert "entry 2 (id 'limits'), field questions.en" in message
    assert "entry 2 (id 'limits'), field private" in message


def test_unknown_faq_key_and_bad_language_code(tmp_path):
    message = faq_error(tmp_path, """
        version: 1
        entries:
          - id: fees
            question: {en: ["typo in the key"]}
            answer: {english: "ok"}
        """)
    assert "field question: unknown key" in message
    assert "'english' is not a language code" in message


def test_unreadable_yaml_names_line(tmp_path):
    message = faq_error(tmp_path, "version: 1\nentries:\n  - id: [unclosed\n")
    assert "faq.yaml" in message and "line" in message and "not valid YAML" in message


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_faq(tmp_path / "nope.yaml")


def test_config_unknown_key_has_its_path(tmp_path):
    message = config_error(tmp_path, """
        brand: {name: X}
        answering: {mode: any, cooldown: 5}
        """)
    assert "config.yaml" in message and "field answering.cooldown: unknown key" in message


def test_config_wrong_types_are_named(tmp_path):
    message = config_error(tmp_path, """
        brand: {name: X}
        official:
          telegram:
            - {id: 1, username: 42}
        answering: {mode: sometimes}
        """)
    assert "field official.telegram[0].username" in message
    assert "field answering.mode: Input should be 'any' or 'addressed'" in message


def test_tokens_are_refused_in_the_config_file(tmp_path):
    message = config_error(tmp_path, """
        brand: {name: X}
        telegram: {bot_token: "123:abc"}
        """)
    assert "telegram.bot_token" in message and "environment variables" in message
    assert "123:abc" not in message


def test_brand_is_required(tmp_path):
    assert "field brand: required but missing" in config_error(tmp_path, "answering: {mode: any}\n")


def test_check_config_command_reports_ok():
    result = run_cli("check-config", "--config", str(CONFIG), "--faq", str(FAQ))
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout and "entries" in result.stdout


def test_check_config_fails_cleanly_without_traceback(tmp_path):
    bad = write(tmp_path, "faq.yaml", "version: 1\nentries:" + ENTRY + ENTRY)
    result = run_cli("check-config", "--config", str(CONFIG), "--faq", str(bad))
    assert result.returncode == 2
    assert "duplicate of entry 1" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout

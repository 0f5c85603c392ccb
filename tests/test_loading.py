"""A bad config or FAQ fails at start with the file, the entry and the field named."""

from __future__ import annotations

import textwrap

import pytest

from handlers.answering.faq import load_faq
from handlers.config import load_config
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


def test_an_impossible_number_of_encoder_threads_is_named_at_start(tmp_path):
    message = config_error(tmp_path, """
        brand: {name: X}
        embedding: {threads: 64}
        """)
    assert "field embedding.threads" in message and "16" in message


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
    # With a cold cache (data/cache) check-config first embeds the FAQ and its probe messages.
    result = run_cli("check-config", "--config", str(CONFIG), "--faq", str(FAQ), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout and "entries" in result.stdout
    # The shipped example has no staff chat yet: the operator is told where alerts would go.
    assert "warning: no telegram.staff_chat_id" in result.stdout


def test_check_config_fails_cleanly_without_traceback(tmp_path):
    bad = write(tmp_path, "faq.yaml", "version: 1\nentries:" + ENTRY + ENTRY)
    result = run_cli("check-config", "--config", str(CONFIG), "--faq", str(bad))
    assert result.returncode == 2
    assert "duplicate of entry 1" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
X_ACCESS_TOKEN = "1500000000000000001-Zx8pQw2LmN4rT6vB9cK1sD3fG5hJ7kL0aS2dF4g"


@pytest.mark.parametrize(("key", "yaml_text"), [
    ("telegram.api_base_url", f"telegram: {{api_base_url: 'https://tg.example/bot{TELEGRAM_TOKEN}'}}"),
    ("brand.help_center", f"brand: {{name: X, help_center: 'https://h.example/?t={TELEGRAM_TOKEN}'}}"),
    ("twitter.api_base_url", f"twitter: {{api_base_url: 'https://x.example/{X_ACCESS_TOKEN}'}}"),
    ("official.telegram[0].name",
     f"official: {{telegram: [{{id: 1, username: a, name: '{TELEGRAM_TOKEN}'}}]}}"),
])
def test_a_token_inside_any_config_value_is_refused_by_check_config(tmp_path, key, yaml_text):
    text = yaml_text if yaml_text.startswith("brand") else "brand: {name: X}\n" + yaml_text
    path = write(tmp_path, "config.yaml", text + "\n")
    result = run_cli("check-config", "--config", str(path), "--faq", str(FAQ))
    assert result.returncode == 2
    assert key in result.stderr and "environment variables" in result.stderr
    assert "AAHdqTcv" not in result.stderr + result.stdout and "Zx8pQw2" not in result.stderr
    assert "Traceback" not in result.stderr


# The configs below turn the encoder off: they are about the config, and the FAQ checks that
# need the encoder (test_faq_lint.py) would embed the whole FAQ in each test's own folder.
NO_ENCODER = "embedding: {provider: none}\n"


def test_ordinary_urls_and_ids_are_not_mistaken_for_tokens(tmp_path):
    path = write(tmp_path, "config.yaml", """
        embedding: {provider: none}
        brand: {name: X, help_center: "https://help.example/hc/en-us/articles/360000123456-How-to"}
        telegram: {api_base_url: "http://127.0.0.1:8081/bot", managed_groups: [-1001234567890]}
        official: {twitter: [{id: "1500000000000000001", username: x}]}
        """)
    result = run_cli("check-config", "--config", str(path), "--faq", str(FAQ))
    assert result.returncode == 0, result.stderr


def test_check_config_explains_who_may_command_the_bot(tmp_path):
    path = write(tmp_path, "config.yaml", """
        embedding: {provider: none}
        brand: {name: X}
        telegram: {staff_chat_id: -1009999, managed_groups: [-1001234567890]}
        moderators: {telegram: [42]}
        """)
    out = run_cli("check-config", "--config", str(path), "--faq", str(FAQ)).stdout
    assert "-1001234567890" in out and "-1009999" in out and "ignored" in out
    empty = write(tmp_path, "empty.yaml", NO_ENCODER + "brand: {name: X}\n")
    out = run_cli("check-config", "--config", str(empty), "--faq", str(FAQ)).stdout
    assert "no managed groups" in out.lower()


def test_a_percent_encoded_token_and_a_token_as_a_key_are_refused_without_printing_it(tmp_path):
    for text in (f"telegram: {{api_base_url: 'https://tg.example/bot{TELEGRAM_TOKEN.replace(':', '%3A')}'}}",
                 f"'{TELEGRAM_TOKEN}': 1",
                 f"answering: {{chats: {{'{TELEGRAM_TOKEN}': {{mode: addressed}}}}}}"):
        path = write(tmp_path, "config.yaml", "brand: {name: X}\n" + text + "\n")
        result = run_cli("check-config", "--config", str(path), "--faq", str(FAQ))
        assert result.returncode == 2 and "environment variables" in result.stderr, text
        assert "AAHdqTcv" not in result.stderr + result.stdout


def test_exponential_yaml_aliases_are_refused_quickly(tmp_path):
    lines = ["brand: {name: X}", 'a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 13)]
    path = write(tmp_path, "config.yaml", "\n".join(lines) + "\n")
    result = run_cli("check-config", "--config", str(path), "--faq", str(FAQ))
    assert result.returncode == 2 and "YAML aliases" in result.stderr


def test_a_database_path_that_cannot_be_created_is_a_clear_error(tmp_path):
    path = write(tmp_path, "config.yaml", "brand: {name: X}\ndatabase: /proc/nope/x.db\n")
    result = run_cli("run", "--config", str(path), "--faq", str(FAQ))
    assert result.returncode == 2 and "/proc/nope" in result.stderr
    assert "Traceback" not in result.stderr

"""The console channel, driven through stdin exactly as a new user would type."""

from __future__ import annotations

import re

from .conftest import CONFIG, run_cli


def console(config_path, *lines: str) -> str:
    result = run_cli("run", "--config", str(config_path), stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def bot_lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.strip().startswith(("bot", "[staff"))]


def test_group_question_is_answered_in_thread_with_link(config_file):
    out = console(config_file(), "how do I reset 2FA? I lost my phone")
    (answer,) = bot_lines(out)
    assert answer.startswith("bot (reply to #1):")
    assert "help.aurora.example" in out


def test_small_talk_and_price_talk_get_silence(config_file):
    out = console(config_file(), "gm fam", "btc to the moon 🚀", "thanks admin!")
    assert bot_lines(out) == []


def test_chinese_question_gets_a_chinese_answer(config_file):
    out = console(config_file(), "提币一般多久到账？")
    (answer,) = bot_lines(out)
    assert re.search(r"[\u4e00-\u9fff]", answer)


def test_same_faq_twice_points_to_the_earlier_answer(config_file):
    out = console(config_file(), "how do I reset 2FA? I lost my phone", ":as bob",
                  "how can I reset my 2fa, lost my phone")
    first, second = bot_lines(out)
    assert "reply to #1" in first and "reply to #2" in second
    assert "answered here a few minutes ago" in second and "#1" in second


def test_private_chat_answers_and_offers_a_human(config_file):
    out = console(config_file(), ":dm", "what are the withdrawal fees?", "tell me a joke")
    answer, fallback = bot_lines(out)
    assert answer.startswith("bot (in private):")
    assert "/human" in fallback


def test_account_request_in_public_moves_to_private_and_carries_context(config_file):
    out = console(config_file(), "my account got frozen, please check it, UID 39920017")
    lines = bot_lines(out)
    assert lines[0].startswith("bot (reply to #1):") and "private" in lines[0]
    assert "39920017" not in lines[0]
    token = re.search(r"/start (\S+)\]", out).group(1)
    out2 = console(config_file(), ":dm", f"/start {token}")
    assert "You asked in the group" in out2
    # The link is single-use and only for that member.
    again = console(config_file(), ":dm", f"/start {token}")
    assert "already used" in again
    other = console(config_file(), ":as mallory", ":dm", f"/start {token}")
    assert "You asked in the group" not in other and "couldn't match" in other


def test_human_in_private_opens_a_ticket_the_member_can_look_up(config_file):
    out = console(config_file(), ":dm", "human", "/ticket")
    ref = re.search(r"ticket (SUP-[0-9A-HJKMNP-TV-Z]{6})", out).group(1)
    assert f"[staff channel] 🎫 {ref}" in out
    assert out.rstrip().endswith("human") and ref in out.splitlines()[-1]
    # Another member quoting the reference learns nothing.
    other = console(config_file(), ":as eve", ":dm", f"/ticket {ref}")
    assert "can't find a ticket" in other and "human" not in bot_lines(other)[0].split(":", 1)[1]


def test_console_controls_and_bad_input_never_crash(config_file):
    out = console(config_file(), ":reply 99 hello", ":nonsense", ":as", "/escalate", "/ticket zzz",
                  "\u202e\u200b", "x" * 5000)
    assert "usage: :reply N text" in out and "unknown console command" in out


def test_restart_does_not_answer_twice(config_file):
    path = config_file()
    first = console(path, "how do I reset 2FA? I lost my phone")
    second = console(path, ":as carol", "how do I reset 2FA? I lost my phone")
    assert len(bot_lines(first)) == 1
    # A new run is a new conversation: the earlier answer is still in its cooldown.
    assert "answered here a few minutes ago" in bot_lines(second)[0]


def test_moderator_teaches_in_the_console_and_the_lesson_counts_at_once(config_file):
    pitch = ("Whoever wants in on the presale before listing, the allocation link is in my bio, "
             "spots close tonight")
    out = console(config_file(), pitch, ":as bob", "/scam", ":mod", ":reply 1 /scam",
                  ":as carl", "anyone wanting presale allocation before the listing, link in my "
                  "bio, closing tonight", ":edit b1 hello")
    lines = bot_lines(out)
    assert any("only moderators" in line for line in lines)       # bob is not one
    assert "bot deletes #1 [moderator-scam]" in lines
    assert any("Case #1: @mod marked @alice's message" in line for line in lines)
    assert "bot deletes #4 [taught-scam]" in lines                 # carl's rewording
    assert "the bot's posts cannot be edited" in out


def test_wrong_on_an_answer_in_the_console(config_file):
    out = console(config_file(), "what are the withdrawal fees?", ":mod", ":reply b1 /wrong",
                  ":as dora", "what are the withdrawal fees?")
    lines = bot_lines(out)
    assert lines[0].startswith("bot (reply to #1):")
    assert "bot deletes #b1 [moderator-wrong]" in lines
    assert any("Removed that answer (withdrawal-fees)" in line for line in lines)
    assert not any(line.startswith("bot (reply to #3)") for line in lines)


def test_a_second_scam_on_one_message_is_no_second_strike_and_wrong_leaves_non_answers(config_file):
    pitch = ("Whoever wants in on the presale before listing, the allocation link is in my bio, "
             "spots close tonight")
    out = console(config_file(), pitch, ":mod", ":reply 1 /scam", ":reply 1 /spam",
                  ":as bob", "anyone wanting presale allocation before the listing, link in my "
                  "bio, closing tonight", ":mod", ":reply b2 /wrong")
    lines = bot_lines(out)
    assert any("already case #1 (deleted); nothing more was done" in line for line in lines)
    assert not any("muted" in line or "mutes" in line for line in lines)
    assert "bot deletes #4 [taught-scam]" in lines
    # b2 is the alert about bob's message in the staff chat, not an answer: it stays.
    assert not any(line.startswith("bot deletes #b2") for line in lines)
    assert any("not one of my FAQ answers" in line for line in lines)


def test_half_the_x_keys_is_an_error_not_a_quiet_console(config_file):
    result = run_cli("run", "--config", str(config_file()), stdin="hello\n",
                     env={"X_API_KEY": "k", "X_API_SECRET": "s"})
    assert result.returncode == 2
    assert "X needs all four keys; X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET missing" in result.stderr
    assert "bot" not in result.stdout


def test_a_channel_that_cannot_start_says_why_in_one_line(config_file):
    text = CONFIG.read_text(encoding="utf-8").replace(
        "api_base_url: null", "api_base_url: http://127.0.0.1:9/bot").replace(  # nothing there
        "start_attempts: 5", "start_attempts: 2")
    result = run_cli("run", "--config", str(config_file(text)), env={"TELEGRAM_BOT_TOKEN": "1:x"})
    assert result.returncode == 2
    assert "the telegram channel could not start (NetworkError" in result.stderr
    assert "trying again in 2 s (attempt 2 of 2)" in result.stderr
    assert "error: the telegram channel could not start: NetworkError" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bare_command_is_answered_in_the_language_the_member_writes(config_file):
    out = console(config_file(), ":as wang", "提币一般多久到账？", "/scam", ":dm", "/ticket",
                  ":as bob", "/ticket")
    lines = bot_lines(out)
    assert any("只有管理员可以执行" in line for line in lines)      # the refusal, in Chinese
    assert any("你目前没有工单" in line for line in lines)
    assert any("You have no tickets" in line for line in lines)    # bob never wrote Chinese

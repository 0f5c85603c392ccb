"""The console channel on hostile stdin (issue 9, defect 5): it reads lines like `triage` does,
so the same bad input must not end the session. Driven through `python bot.py run` with raw
bytes on stdin."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT


def console_bytes(config_path, stdin: bytes) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "X_"))}
    done = subprocess.run([sys.executable, str(ROOT / "bot.py"), "run", "--config", str(config_path)],
                          input=stdin, capture_output=True, env=env, cwd=config_path.parent,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in done.stdout + done.stderr
    return done.stdout.decode("utf-8")   # strict: the console never prints invalid UTF-8


def test_garbage_lines_then_a_question_is_still_answered(config_file):
    garbage = [
        b"gm \xff\xfe fam \xed\xa0\x80 wagmi",            # not UTF-8, an encoded surrogate
        b"gm\x00fam",                                       # NUL
        b"", b"   \t ",                                     # empty and blank
        b":reply " + b"9" * 5000 + b" hi",                  # a number int() refuses
        ":reply ² hi".encode(),                             # a digit that is not 0-9
        b":edit " + b"1" * 5000 + b" hi",
        b":as @", b":as @ ",                                # a name that is only an @
        b"w" * 200_000,                                     # one 200 KB word
    ]
    out = console_bytes(config_file(), b"\n".join(garbage) + b"\nhow do I reset my 2FA? lost my phone\n")
    assert out.count("usage: :reply N text") == 2 and out.count("usage: :edit N text") == 1
    answers = [line for line in out.splitlines() if line.strip().startswith("bot (reply to")]
    assert answers and "help.aurora.example" in out.split("lost my phone", 1)[1]


def test_crlf_line_ends_and_a_leading_bom_keep_console_commands_working(config_file):
    out = console_bytes(config_file(), b"\xef\xbb\xbf:dm\r\nwhat are the withdrawal fees?\r\n:group\r\n")
    assert "(you are now in a private chat with the bot)" in out
    assert "bot (in private)" in out
    assert "(you are back in the group)" in out
    assert "unknown console command" not in out

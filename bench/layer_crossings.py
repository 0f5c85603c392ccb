"""Counts calls that cross between the layers (channels, runtime, handlers, store, the wiring)
for one group FAQ question and for one moderator /escalate, through the console channel.

    python bench/layer_crossings.py            # from the project's root

A crossing is a Python call whose caller and callee live in different top-level packages of
the project. Start-up is measured alone and subtracted. Runs any version of the project that
has `bot.py run --console` (the issue's before/after figures were taken with it).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path.cwd()
LAYERS = {"channels", "runtime", "handlers", "store", "app", "bot"}


def layer(filename: str) -> str | None:
    try:
        rel = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    top = rel.parts[0].removesuffix(".py")
    return top if top in LAYERS else None


def crossings(script: str) -> Counter:
    """Run the console on `script` in a fresh interpreter (the console binds stdin and stdout
    when it is imported) and read back its counts."""
    result = subprocess.run([sys.executable, __file__, "--one"], input=script, text=True,
                            capture_output=True, cwd=ROOT, env={**os.environ,
                                                                "TELEGRAM_BOT_TOKEN": ""})
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return Counter(json.loads(result.stdout.splitlines()[-1]))


def trace_console() -> None:
    """In the child: trace the console while it reads the script on stdin."""
    script = sys.stdin.read()
    counts: Counter = Counter()

    def profile(frame, event, arg):
        if event != "call" or frame.f_back is None:
            return
        callee = layer(frame.f_code.co_filename)
        caller = layer(frame.f_back.f_code.co_filename)
        if callee and caller and callee != caller:
            counts[f"{caller} → {callee}"] += 1

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.yaml"
        text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
        text = re.sub(r"(?m)^database:.*$", f"database: {tmp}/bot.db", text)
        text = re.sub(r"(?m)^faq_file:.*$", f"faq_file: {ROOT / 'faq.yaml'}", text)
        config.write_text(text, encoding="utf-8")
        sys.argv = ["bot.py", "run", "--console", "--config", str(config)]
        sys.stdin = io.StringIO(script)
        real, sys.stdout = sys.stdout, io.StringIO()
        sys.path.insert(0, str(ROOT))
        import bot  # after the redirection: the console binds these at import

        sys.setprofile(profile)
        try:
            bot.main()
        except SystemExit:
            pass
        finally:
            sys.setprofile(None)
            printed, sys.stdout = sys.stdout.getvalue(), real
    if ("escalate" in script and "[staff channel]" not in printed) or \
            ("2FA" in script and "authenticator" not in printed.lower()):
        raise SystemExit("the console did not answer as expected:\n" + printed[-2000:])
    print(json.dumps(counts))


def main() -> None:
    if sys.argv[1:] == ["--one"]:
        trace_console()
        return
    start = ":as alice\n"
    faq = start + "how do I turn on 2FA?\n"
    escalate = faq + ":mod\n:reply 1 /escalate needs a human\n"
    base, one, two = crossings(start), crossings(faq), crossings(escalate)
    for name, after, before in (("group FAQ question", one, base), ("/escalate", two, one)):
        diff = after - before
        print(f"{name}: {sum(diff.values())} crossings  " +
              ", ".join(f"{k} {v}" for k, v in sorted(diff.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()

"""Shared fixtures: the shipped config and FAQ, temporary files, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.answering.faq import load_faq  # noqa: E402
from handlers.config import load_config  # noqa: E402
from handlers.core import Knowledge  # noqa: E402

CONFIG = ROOT / "config.example.yaml"
FAQ = ROOT / "faq.yaml"


def pytest_configure(config: pytest.Config) -> None:
    """Before any test (once, in the main process, not in each xdist worker): embed the shipped
    FAQ into the shared embedding cache, as a first `python bot.py run` would. Tests that start
    the bot in a subprocess then start in seconds, not after half a minute of embedding."""
    if hasattr(config, "workerinput"):
        return
    from runtime.knowledge import KnowledgeFiles

    KnowledgeFiles(CONFIG, FAQ).load()


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return Knowledge.build(load_config(CONFIG), load_faq(FAQ))


def run_cli(*args: str, stdin: str = "", cwd: Path = ROOT, env: dict | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python bot.py …` the way a user would, with no platform tokens in the environment."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("TELEGRAM_", "X_", "BOT_DATA_KEY"))}
    clean.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=clean,
                          timeout=timeout)


@pytest.fixture(autouse=True)
def no_data_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see what a bot without the operator's data key does, unless they set one."""
    monkeypatch.delenv("BOT_DATA_KEY", raising=False)


@pytest.fixture
def config_file(tmp_path: Path):
    """Write a config (YAML text) next to a copy of the shipped FAQ; returns its path."""
    def write(text: str | None = None, name: str = "config.yaml") -> Path:
        (tmp_path / "faq.yaml").write_text(FAQ.read_text(encoding="utf-8"), encoding="utf-8")
        body = text if text is not None else CONFIG.read_text(encoding="utf-8")
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        return path
    return write

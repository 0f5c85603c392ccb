"""/reload through the real python-telegram-bot against the fake Bot API server: the bot keeps
answering while a large FAQ loads, puts the new files in force at once, refuses a broken file
naming file, entry and field, never serves an edited FAQ from its cache and shrugs off a
damaged one; a file changed on disk is reloaded too; the console still reloads."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from app import App
from bench.bench_faq_load import write_faq
from handlers.core import decide
from handlers.model import Message, User
from runtime.knowledge import KnowledgeFiles, load_knowledge

from .conftest import CONFIG, FAQ, run_cli
from .fake_telegram import FakeTelegram
from .telegram_harness import ADMIN_ID, GROUP_ID, STAFF_ID, Bot, run

MOD = FakeTelegram.user(ADMIN_ID, "boss", "Boss")
ALICE = FakeTelegram.user(101, "alice", "Alice")
TWO_FA = "how do I reset my 2FA? lost my phone"
TWO_FA_LINK = "https://help.aurora.example/security/reset-2fa"
LARGE = 5000


def write_config(folder: Path, fake: FakeTelegram, reload_check_seconds: float = 0,
                 encoder: bool = True) -> Path:
    """config.yaml next to faq.yaml, the database and the index cache, all in `folder`."""
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    if not encoder:
        raw["embedding"] = {"provider": "none"}
    raw.update(faq_file="faq.yaml", database="bot.db", reload_check_seconds=reload_check_seconds,
               moderators={"telegram": [ADMIN_ID]},
               telegram={"api_base_url": fake.base_url, "staff_chat_id": STAFF_ID, "poll_timeout": 1,
                         "managed_groups": [GROUP_ID]})
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@contextlib.asynccontextmanager
async def bot_on_files(folder: Path, reload_check_seconds: float = 0,
                       while_starting: Callable[[], None] | None = None, encoder: bool = True):
    """The bot as `python bot.py run` starts it: config and FAQ read from files (so /reload
    can read them again), the FAQ index cache in the folder. `while_starting` runs between
    reading the files and serving, as an operator's edit during start-up would."""
    fake = await FakeTelegram().start()
    group = fake.group(GROUP_ID, admins=[ADMIN_ID])
    fake.group(STAFF_ID, title="Aurora staff")
    files = KnowledgeFiles(write_config(folder, fake, reload_check_seconds, encoder))
    kb = files.load()
    if while_starting is not None:
        while_starting()
    app = App(kb, files, telegram_token=fake.token)
    service = app.service
    stop = asyncio.Event()
    task = asyncio.create_task(app.serve(stop))
    bot = Bot(fake, service, group, task, stop)
    try:
        await fake.wait_for(lambda: any(c.method == "getMe" for c in fake.calls), timeout=10)
        await asyncio.sleep(0.2)   # the first long poll is in flight
        yield fake, bot
    finally:
        await bot.stop()
        await fake.stop()


def to_chat(fake: FakeTelegram, chat_id: int) -> list:
    return [c for c in fake.calls if c.method == "sendMessage" and c.params["chat_id"] == str(chat_id)]


def edit_faq(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_members_are_answered_while_a_large_faq_loads_and_the_moderator_hears_after(tmp_path):
    shutil.copy(FAQ, tmp_path / "faq.yaml")
    # The operator replaces the FAQ with one of 5,000 entries (the shipped ones first, one
    # link changed): nothing of it is in the cache, so the reload parses and indexes it all.
    shipped = yaml.safe_load(FAQ.read_text(encoding="utf-8"))["entries"]
    large = tmp_path / "large.yaml"
    write_faq(large, LARGE, first=shipped)
    edit_faq(large, TWO_FA_LINK, TWO_FA_LINK + "?v=2")

    async def scenario():
        # The word index of 5,000 entries is what is measured here: embedding their 40,000
        # example questions the first time takes a quarter of an hour on two cores.
        async with bot_on_files(tmp_path, encoder=False) as (fake, bot):
            large.replace(tmp_path / "faq.yaml")
            asked = time.monotonic()
            fake.send_message(fake.private_chat(MOD), MOD, "/reload")
            question = fake.send_message(bot.group, ALICE, TWO_FA)   # right after
            await fake.wait_for(lambda: to_chat(fake, GROUP_ID), timeout=10)
            (answer,) = to_chat(fake, GROUP_ID)
            assert answer.params["reply_parameters"]["message_id"] == question["message_id"]
            assert answer.at - asked < 1.0, "the member waited for the reload"
            assert not to_chat(fake, ADMIN_ID), "confirmed before the member was answered"

            await fake.wait_for(lambda: to_chat(fake, ADMIN_ID), timeout=120)
            (confirmation,) = to_chat(fake, ADMIN_ID)
            assert str(LARGE) in confirmation.params["text"]
            # From the confirmation on, the new FAQ answers.
            fake.send_message(fake.private_chat(ALICE), ALICE, TWO_FA)
            await fake.wait_for(lambda: to_chat(fake, ALICE["id"]), timeout=10)
            assert TWO_FA_LINK + "?v=2" in to_chat(fake, ALICE["id"])[0].params["text"]
    run(scenario())


def test_two_reloads_at_once_both_confirm_and_leave_the_newest_files_in_force(tmp_path):
    shutil.copy(FAQ, tmp_path / "faq.yaml")

    async def scenario():
        async with bot_on_files(tmp_path) as (fake, bot):
            edit_faq(tmp_path / "faq.yaml", TWO_FA_LINK, TWO_FA_LINK + "?v=2")
            fake.send_message(fake.private_chat(MOD), MOD, "/reload")
            fake.send_message(fake.chats[str(STAFF_ID)], MOD, "/reload")
            await fake.wait_for(lambda: to_chat(fake, ADMIN_ID) and to_chat(fake, STAFF_ID), timeout=30)
            assert "38" in to_chat(fake, STAFF_ID)[-1].params["text"]
            assert all("38" in c.params["text"] for c in to_chat(fake, ADMIN_ID))
            fake.send_message(fake.private_chat(ALICE), ALICE, TWO_FA)
            await fake.wait_for(lambda: to_chat(fake, ALICE["id"]), timeout=10)
            assert TWO_FA_LINK + "?v=2" in to_chat(fake, ALICE["id"])[0].params["text"]
    run(scenario())


def test_a_broken_faq_is_refused_naming_file_entry_and_field_and_the_old_one_keeps_answering(
        tmp_path):
    shutil.copy(FAQ, tmp_path / "faq.yaml")

    async def scenario():
        async with bot_on_files(tmp_path) as (fake, bot):
            # The second entry loses its answer.
            faq = yaml.safe_load((tmp_path / "faq.yaml").read_text(encoding="utf-8"))
            broken_id = faq["entries"][1]["id"]
            del faq["entries"][1]["answer"]
            (tmp_path / "faq.yaml").write_text(yaml.safe_dump(faq, allow_unicode=True),
                                              encoding="utf-8")
            fake.send_message(fake.private_chat(MOD), MOD, "/reload")
            await fake.wait_for(lambda: to_chat(fake, ADMIN_ID), timeout=30)
            refusal = to_chat(fake, ADMIN_ID)[0].params["text"]
            assert "faq.yaml" in refusal and "entry 2" in refusal and broken_id in refusal
            assert "field answer" in refusal

            fake.send_message(bot.group, ALICE, TWO_FA)
            await fake.wait_for(lambda: to_chat(fake, GROUP_ID), timeout=10)
            assert TWO_FA_LINK in to_chat(fake, GROUP_ID)[0].params["text"]
            assert len(bot.service.kb.faq) == len(faq["entries"])
    run(scenario())


def test_an_edited_faq_is_never_answered_from_the_cache(tmp_path):
    shutil.copy(FAQ, tmp_path / "faq.yaml")

    async def scenario():
        async with bot_on_files(tmp_path) as (fake, bot):
            assert list((tmp_path / "cache").glob("*.idx")), "the index was not cached"
            # Same length and the same modification time: only the content tells them apart.
            path = tmp_path / "faq.yaml"
            before = path.stat()
            edit_faq(path, "security/reset-2fa", "security/reset-2FA")
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
            assert path.stat().st_size == before.st_size
            fake.send_message(fake.private_chat(MOD), MOD, "/reload")
            await fake.wait_for(lambda: to_chat(fake, ADMIN_ID), timeout=30)
            fake.send_message(fake.private_chat(ALICE), ALICE, TWO_FA)
            await fake.wait_for(lambda: to_chat(fake, ALICE["id"]), timeout=10)
            assert "security/reset-2FA" in to_chat(fake, ALICE["id"])[0].params["text"]
    run(scenario())


def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path):
    shutil.copy(FAQ, tmp_path / "faq.yaml")
    load_knowledge(write_config(tmp_path, FakeTelegram()))   # writes the cache
    (cached,) = (tmp_path / "cache").glob("*.idx")
    blob = bytearray(cached.read_bytes())
    blob[len(blob) // 2:len(blob) // 2 + 64] = os.urandom(64)   # damage the middle
    cached.write_bytes(bytes(blob))

    async def scenario():
        async with bot_on_files(tmp_path) as (fake, bot):
            fake.send_message(bot.group, ALICE, TWO_FA)
            await fake.wait_for(lambda: to_chat(fake, GROUP_ID), timeout=10)
            assert TWO_FA_LINK in to_chat(fake, GROUP_ID)[0].params["text"]
    run(scenario())
    # Rebuilt: the next load finds a sound index for this FAQ again.
    assert cached.read_bytes() != bytes(blob)


@pytest.mark.parametrize("damage", [
    lambda blob: blob[:len(blob) // 3],                      # cut short
    lambda blob: b"",                                         # empty
    lambda blob: b"faq-index 0\n" + blob[12:],              # another format
    lambda blob: blob[:-9] + bytes(9),                        # a piece runs past the end
])
def test_an_unusable_cache_file_never_stops_the_bot_from_loading(tmp_path, damage):
    shutil.copy(FAQ, tmp_path / "faq.yaml")
    config = write_config(tmp_path, FakeTelegram())
    load_knowledge(config)
    (cached,) = (tmp_path / "cache").glob("*.idx")
    cached.write_bytes(damage(cached.read_bytes()))
    kb = load_knowledge(config)
    asked = Message(channel="telegram", chat_id="1", message_id="1", user=User(id="2"), text=TWO_FA)
    assert decide(asked, kb).faq == "reset-2fa"


def test_a_changed_file_on_disk_is_reloaded_and_staff_hear_it(tmp_path):
    shutil.copy(FAQ, tmp_path / "faq.yaml")

    async def scenario():
        async with bot_on_files(tmp_path, reload_check_seconds=0.2) as (fake, bot):
            edit_faq(tmp_path / "faq.yaml", TWO_FA_LINK, TWO_FA_LINK + "?v=2")
            await fake.wait_for(lambda: to_chat(fake, STAFF_ID), timeout=30)
            assert "38" in to_chat(fake, STAFF_ID)[0].params["text"]
            fake.send_message(fake.private_chat(ALICE), ALICE, TWO_FA)
            await fake.wait_for(lambda: to_chat(fake, ALICE["id"]), timeout=10)
            assert TWO_FA_LINK + "?v=2" in to_chat(fake, ALICE["id"])[0].params["text"]

            # A broken edit is refused: staff hear file, entry and field; the FAQ in force stays.
            edit_faq(tmp_path / "faq.yaml", "    private: false", "    private: maybe")
            await fake.wait_for(lambda: len(to_chat(fake, STAFF_ID)) == 2, timeout=30)
            refusal = to_chat(fake, STAFF_ID)[1].params["text"]
            assert "faq.yaml" in refusal and "entry 1" in refusal and "field private" in refusal
            fake.send_message(fake.private_chat(ALICE), ALICE, TWO_FA)
            await fake.wait_for(lambda: len(to_chat(fake, ALICE["id"])) == 2, timeout=10)
            assert TWO_FA_LINK + "?v=2" in to_chat(fake, ALICE["id"])[1].params["text"]
    run(scenario())


def test_an_faq_edited_while_the_bot_starts_is_reloaded(tmp_path):
    shutil.copy(FAQ, tmp_path / "faq.yaml")

    def operator_edits() -> None:
        edit_faq(tmp_path / "faq.yaml", TWO_FA_LINK, TWO_FA_LINK + "?v=2")

    async def scenario():
        async with bot_on_files(tmp_path, reload_check_seconds=0.2,
                                while_starting=operator_edits) as (fake, bot):
            await fake.wait_for(lambda: to_chat(fake, STAFF_ID), timeout=30)
            fake.send_message(fake.private_chat(ALICE), ALICE, TWO_FA)
            await fake.wait_for(lambda: to_chat(fake, ALICE["id"]), timeout=10)
            assert TWO_FA_LINK + "?v=2" in to_chat(fake, ALICE["id"])[0].params["text"]
    run(scenario())


def test_reload_in_the_console(config_file):
    path = config_file()
    out = run_cli("run", "--config", str(path), stdin=":mod\n:staff\n/reload\n")
    assert out.returncode == 0, out.stderr
    (confirmation,) = [line for line in out.stdout.splitlines() if "Reloaded" in line]
    assert "38" in confirmation

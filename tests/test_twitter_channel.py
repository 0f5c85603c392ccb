"""The X channel end to end: the whole bot (app.App.serve) with the real tweepy client,
pointed at the fake X API on 127.0.0.1. Each scenario says who posts what, and asserts exactly
what X saw the bot do."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path

import pytest
import yaml
from mnemonic import Mnemonic

from app import App
from handlers.answering.faq import load_faq
from handlers.config import parse_config
from handlers.context import Knowledge

from .conftest import CONFIG, FAQ, ROOT
from .fake_x_api import FakeXApi

CREDENTIALS = {"X_API_KEY": "ck-test", "X_API_SECRET": "cs-test", "X_ACCESS_TOKEN": "at-test",
               "X_ACCESS_TOKEN_SECRET": "ats-test"}
OUR_ID = "1500000000000000001"           # @AuroraEx in config.example.yaml
MOD_ID = "1600000000000000009"
COMPOSE = f"https://x.com/messages/compose?recipient_id={OUR_ID}"
X_ACCOUNTS = "@AuroraEx, @AuroraEx_Support"


# --- harness -------------------------------------------------------------------------------------

def wait_for(condition, timeout: float = 5.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


class Bot:
    """The bot as `python bot.py run` starts it with X credentials, in a thread of its own."""

    def __init__(self, config, faq) -> None:
        self.config = config
        self.faq = faq
        self.service = None
        self.error: BaseException | None = None

    def start(self) -> Bot:
        self.app = App(Knowledge.build(self.config, self.faq), x_credentials=dict(CREDENTIALS))
        self.service = self.app.service
        ready = threading.Event()

        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            self.stopped = asyncio.Event()
            ready.set()
            await self.app.serve(self.stopped)

        def run() -> None:
            try:
                asyncio.run(main())
            except BaseException as exc:  # noqa: BLE001 - surfaced in stop()
                self.error = exc
                ready.set()

        self.thread = threading.Thread(target=run, name="bot", daemon=True)
        self.thread.start()
        assert ready.wait(10)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stopped.set)
        self.thread.join(15)
        assert not self.thread.is_alive(), "the bot did not stop"
        self.service.store.close()
        if self.error:
            raise self.error

    def health(self) -> str:
        return " | ".join(self.service.commands.health())


@pytest.fixture(scope="module")
def faq():
    return load_faq(FAQ)


@pytest.fixture
def fake():
    server = FakeXApi().start()
    yield server
    server.stop()


@pytest.fixture
def make_config(tmp_path: Path, fake: FakeXApi):
    def build(**twitter):
        raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
        raw["database"] = str(tmp_path / "bot.db")
        raw["faq_file"] = str(FAQ)
        raw["moderators"]["twitter"] = [MOD_ID]
        raw["twitter"] = {"api_base_url": fake.url, "poll_interval_seconds": 0.05,
                          "dm_poll_interval_seconds": 0.05, "rate_limit_max_wait_seconds": 0.5,
                          **twitter}
        return parse_config(raw, "test config", str(ROOT))
    return build


@pytest.fixture
def bot(make_config, faq):
    running = Bot(make_config(), faq).start()
    yield running
    running.stop()


def settle(fake: FakeXApi, polls: int = 2) -> None:
    """Both pollers went round `polls` more times: whatever they read before is fully handled."""
    mentions, dms = fake.count("mentions"), fake.count("dm_events")
    wait_for(lambda: fake.count("mentions") >= mentions + polls
             and fake.count("dm_events") >= dms + polls, what="two more polls")


def writes(fake: FakeXApi) -> list[tuple[str, str]]:
    """Every call that changed something on X, in order: (endpoint, target)."""
    out = []
    for c in fake.requests():
        if c.endpoint == "post":
            out.append(("post", c.json.get("reply", {}).get("in_reply_to_tweet_id")))
        elif c.endpoint == "dm_send":
            out.append(("dm", c.path.split("/")[4]))
        elif c.endpoint == "hide":
            out.append(("hide", c.path.split("/")[3]))
    return out


def chain(fake: FakeXApi, post_id: str) -> list[tuple[str, str]]:
    """The bot's reply thread under `post_id`: (post replied to, text) for each of its posts."""
    posts = {c.json.get("reply", {}).get("in_reply_to_tweet_id"): c for c in fake.requests("post")
             if c.status == 201}
    out, target = [], post_id
    while target in posts:
        call = posts[target]
        out.append((target, call.json["text"]))
        target = call.response["data"]["id"]
    return out


def thread_of(fake: FakeXApi, post_id: str) -> list[str]:
    return [text for _, text in chain(fake, post_id)]


def staff_alerts(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "bot.dispatch" and r.getMessage().startswith("staff:")]


# --- answering --------------------------------------------------------------------------------

def test_faq_question_gets_a_threaded_answer_in_english_with_the_link(fake, bot):
    alice = fake.add_user("alice")
    asked = fake.post(alice, "@AuroraEx how do I reset 2FA? I lost my phone")
    wait_for(lambda: fake.replies(), what="the answer")
    settle(fake)
    thread = thread_of(fake, asked)
    assert writes(fake) == [("post", target) for target, _ in chain(fake, asked)]
    assert 1 <= len(thread) <= 3
    whole = " ".join(thread)
    assert "https://help.aurora.example/security/reset-2fa" in whole
    assert "If you lost the device" in whole       # the sentence for this asker, kept in public
    assert fake.count("me") == 1                           # our account, asked once
    # X shows our own thread parts (they reply to us) among the mentions: never answered.
    seen = {t["id"] for c in fake.requests("mentions") for t in (c.response or {}).get("data", ())}
    ours = {c.response["data"]["id"] for c in fake.requests("post")}
    if len(thread) > 1:
        assert ours & seen
    mention_call = fake.requests("mentions")[0]
    assert mention_call.params["expansions"].startswith("author_id,referenced_tweets.id")
    assert "conversation_id" in mention_call.params["tweet.fields"]


def test_chinese_question_gets_a_chinese_answer(fake, bot):
    li = fake.add_user("li_wei", "李伟")
    asked = fake.post(li, "@AuroraEx 提币一般多久到账？")
    wait_for(lambda: fake.replies(), what="the answer")
    settle(fake)
    thread = thread_of(fake, asked)
    assert thread and all(re.search(r"[\u4e00-\u9fff]", part) for part in thread)
    assert "https://help.aurora.example/withdrawals/withdrawal-time" in "".join(thread)
    assert fake.sent_dms() == []


def test_private_question_by_dm_is_answered_by_dm_and_our_own_dms_are_ignored(fake, bot):
    zoe = fake.add_user("zoe")
    fake.dm(zoe, "what are the withdrawal fees?")
    wait_for(lambda: fake.sent_dms(), what="the DM answer")
    settle(fake, polls=3)
    ((to, text),) = fake.sent_dms()          # our answer shows up in dm_events; never answered
    assert to == zoe["id"] and "help.aurora.example" in text
    assert fake.replies() == []


# --- sensitive: to a DM, or the compose link when DMs are closed -----------------------------

def test_account_question_in_public_moves_to_dm_without_repeating_data(fake, bot):
    bob = fake.add_user("bob")
    asked = fake.post(bob, "@AuroraEx my account got frozen, please check it, UID 39920017")
    wait_for(lambda: fake.replies(), what="the public pointer")
    settle(fake)
    assert writes(fake) == [("dm", bob["id"]), ("post", asked)]
    ((_, private),) = fake.sent_dms()
    ((_, public),) = fake.replies()
    assert "privately" in private or "private" in private
    assert "private chat" in public
    assert "39920017" not in public and "39920017" not in private


def test_account_question_from_someone_with_closed_dms_gets_the_compose_link(fake, bot):
    bob = fake.add_user("bob")
    fake.close_dms(bob)
    asked = fake.post(bob, "@AuroraEx my account got frozen, please check it, UID 39920017")
    wait_for(lambda: fake.replies(), what="the public fallback")
    settle(fake)
    assert writes(fake) == [("dm", bob["id"]), ("post", asked)]
    assert fake.sent_dms() == []                       # X refused it (403)
    ((_, public),) = fake.replies()
    assert COMPOSE in public and public.startswith("@bob ")
    assert "39920017" not in public


# --- safety ---------------------------------------------------------------------------------------

def test_leaked_seed_phrase_is_hidden_answered_publicly_and_followed_up_by_dm(fake, bot, caplog):
    phrase = Mnemonic("english").generate(128)
    ours = fake.post(fake.me, "Questions about the new listing? Ask below.")
    carol = fake.add_user("carol")
    leaked = fake.post(carol, f"is this my recovery phrase? {phrase}", reply_to=ours)
    wait_for(lambda: fake.sent_dms(), what="the DM")
    settle(fake)
    assert writes(fake) == [("hide", leaked), ("post", leaked), ("dm", carol["id"])]
    assert fake.hidden() == [leaked]
    ((_, public),) = fake.replies()
    assert "delete" in public and public.startswith("@carol")
    ((_, private),) = fake.sent_dms()
    assert "compromised" in private
    words = phrase.split()
    sent = fake.all_text_sent() + "\n".join(staff_alerts(caplog))
    assert not any(" ".join(words[i:i + 3]) in sent for i in range(len(words) - 2))
    assert any("recovery phrase posted by @carol" in line for line in staff_alerts(caplog))


def test_scam_reply_in_our_thread_is_warned_about_and_hidden(fake, bot):
    ours = fake.post(fake.me, "Maintenance tonight 02:00-03:00 UTC.")
    scammer = fake.add_user("support_desk_4u", "Helper")
    scam = fake.post(scammer, "DM me for support, I can fix your account, WhatsApp +1 555 0100",
                     reply_to=ours)
    wait_for(lambda: fake.replies(), what="the warning")
    settle(fake)
    assert writes(fake) == [("post", scam), ("hide", scam)]
    ((_, warning),) = fake.replies()
    assert "scam" in warning
    assert X_ACCOUNTS in warning and "@AuroraExBot" not in warning   # only real X accounts tagged


def test_scam_outside_our_conversation_is_warned_and_the_refused_hide_is_not_retried(fake, bot):
    alice = fake.add_user("alice")
    asked = fake.post(alice, "@AuroraEx hi, my deposit has not arrived")
    scammer = fake.add_user("support_desk_4u", "Helper")
    scam = fake.post(scammer, "@AuroraEx DM me for support, I can fix your account, WhatsApp +1 555 0100",
                     reply_to=asked)
    wait_for(lambda: fake.count("hide"), what="the hide attempt")
    settle(fake, polls=4)
    assert ("post", scam) in writes(fake)
    assert fake.count("hide") == 1 and fake.hidden() == []         # 403: permanent, and fine
    warning = next(text for target, text in fake.replies() if target == scam)
    assert "scam" in warning


def test_impersonator_replying_in_our_thread_gets_a_public_warning(fake, bot, caplog):
    ours = fake.post(fake.me, "New: earn up to 8% on USDT.")
    fake_support = fake.add_user("AuroraEx_Suport", "Aurora Support")
    reply = fake.post(fake_support, "hello, we can help you with that", reply_to=ours)
    wait_for(lambda: fake.replies(), what="the warning")
    settle(fake)
    ((target, warning),) = fake.replies()
    assert target == reply
    assert "@AuroraEx_Suport" in warning and X_ACCOUNTS in warning and "@AuroraExBot" not in warning
    assert any("resembles @AuroraEx_Support" in line for line in staff_alerts(caplog))


def test_account_takeover_opens_an_urgent_ticket_before_announcing_it(fake, bot):
    dave = fake.add_user("dave")
    asked = fake.post(dave, "@AuroraEx my account was hacked, someone withdrew all my BTC!")
    wait_for(lambda: fake.sent_dms(), what="the DM")
    settle(fake)
    (ticket,) = bot.service.store.tickets_of("twitter", dave["id"])
    assert ticket.priority == "urgent" and ticket.origin_link.endswith(f"/dave/status/{asked}")
    assert writes(fake)[0] == ("post", asked) and writes(fake)[-1] == ("dm", dave["id"])
    assert ticket.ref in " ".join(thread_of(fake, asked))
    ((_, private),) = fake.sent_dms()
    assert ticket.ref in private


# --- moderators -------------------------------------------------------------------------------------

def test_moderator_escalates_a_post_by_dm_with_its_link(fake, bot):
    erin = fake.add_user("erin")
    mod = fake.add_user("aurora_mod_x", "Mod", user_id=MOD_ID)
    mallory = fake.add_user("mallory")
    seen = fake.post(erin, "@AuroraEx my deposit is missing for 3 days, nobody answers")
    wait_for(lambda: fake.replies() or fake.sent_dms(), what="the bot to see the post")
    settle(fake)
    before = len(writes(fake))
    fake.dm(mallory, f"/escalate https://x.com/erin/status/{seen} spam")      # not a moderator
    fake.dm(mod, f"/escalate https://x.com/erin/status/{seen} third day without an answer")
    wait_for(lambda: bot.service.store.tickets_of("twitter", erin["id"]), what="the ticket")
    settle(fake)
    (ticket,) = bot.service.store.tickets_of("twitter", erin["id"])
    assert ticket.opened_by == "mod:@aurora_mod_x" and ticket.origin_message_id == seen
    # The refusal, then: the reference under the escalated post (no details), the moderator's
    # confirmation and the member's DM.
    assert sorted(writes(fake)[before:]) == sorted([("dm", mallory["id"]), ("post", seen),
                                                    ("dm", MOD_ID), ("dm", erin["id"])])
    dms = dict(fake.sent_dms()[-3:])
    assert "only moderators" in dict(fake.sent_dms())[mallory["id"]]
    assert ticket.ref in dms[erin["id"]] and ticket.ref in dms[MOD_ID]
    public = next(text for target, text in fake.replies() if target == seen and ticket.ref in text)
    assert "deposit" not in public


def test_moderator_escalates_in_public_by_replying_to_the_post(fake, bot):
    erin = fake.add_user("erin")
    mod = fake.add_user("aurora_mod_x", "Mod", user_id=MOD_ID)
    seen = fake.post(erin, "@AuroraEx my deposit is missing for 3 days, nobody answers")
    wait_for(lambda: fake.replies() or fake.sent_dms(), what="the bot to see the post")
    settle(fake)
    command = fake.post(mod, "@AuroraEx /escalate !urgent", reply_to=seen)
    wait_for(lambda: bot.service.store.tickets_of("twitter", erin["id"]), what="the ticket")
    settle(fake)
    (ticket,) = bot.service.store.tickets_of("twitter", erin["id"])
    assert ticket.priority == "urgent"
    public = next(text for target, text in fake.replies() if target == seen and ticket.ref in text)
    assert "@erin" in public
    assert command not in [target for target, _ in fake.replies()]


# --- limits, errors, restarts ---------------------------------------------------------------------------

def test_rate_limit_with_reset_header_is_honoured_within_the_bound(fake, make_config, faq, caplog):
    bot = Bot(make_config(rate_limit_max_wait_seconds=0.6), faq).start()
    try:
        settle(fake)
        # X says "come back in an hour"; the bot waits its configured maximum (0.6 s), not an hour.
        fake.fail("mentions", 429, times=1, headers={"x-rate-limit-reset": str(int(time.time()) + 3600)})
        limited = wait_for(lambda: [c for c in fake.requests("mentions") if c.status == 429],
                           what="the 429")
        at = fake.requests("mentions").index(limited[0])
        wait_for(lambda: "rate limit on mentions" in bot.health(), what="health to say so")
        time.sleep(0.3)
        assert fake.count("mentions") == at + 1                       # no polling while limited
        alice = fake.add_user("alice")
        asked = fake.post(alice, "@AuroraEx how do I reset 2FA? I lost my phone")
        wait_for(lambda: thread_of(fake, asked), what="the answer after the pause")
        assert "running" in bot.health()
        alerts = [a for a in staff_alerts(caplog) if "The X channel stopped" in a]
        assert len(alerts) == 1 and "rate limit on mentions" in alerts[0]
    finally:
        bot.stop()


def test_rate_limit_without_reset_header_backs_off_and_tells_moderators_once(fake, make_config, faq,
                                                                             caplog):
    bot = Bot(make_config(rate_limit_max_wait_seconds=0.3), faq).start()
    try:
        settle(fake)
        start = fake.count("dm_events")
        fake.fail("dm_events", 429, times=3)
        began = time.monotonic()
        wait_for(lambda: [c for c in fake.requests("dm_events")[start:] if c.status == 200],
                 what="DM polling to resume")
        elapsed = time.monotonic() - began
        calls = fake.requests("dm_events")[start:]
        # Three 429s, each followed by the bounded back-off: no hot loop (at 0.05 s it would be ~20).
        assert [c.status for c in calls][:4] == [429, 429, 429, 200]
        assert elapsed >= 0.8
        alerts = [a for a in staff_alerts(caplog) if "The X channel stopped" in a]
        assert len(alerts) == 1 and "dm_events" in alerts[0]
    finally:
        bot.stop()


def test_server_errors_while_polling_back_off_and_recover(fake, bot):
    settle(fake)
    fake.fail("mentions", 503, times=2)
    alice = fake.add_user("alice")
    asked = fake.post(alice, "@AuroraEx how do I reset 2FA? I lost my phone")
    wait_for(lambda: thread_of(fake, asked), what="the answer after the errors")
    statuses = [c.status for c in fake.requests("mentions")]
    assert statuses.count(503) == 2


def test_daily_budget_stops_polling_tells_moderators_once_and_resumes_when_allowed(
        fake, make_config, faq, caplog):
    bot = Bot(make_config(daily_call_budget=30), faq).start()
    try:
        # 30 calls a day, 3 kept back for replies: polling stops at 27.
        wait_for(lambda: "budget spent" in bot.health(), what="the budget to run out")
        settle_calls = len(fake.requests())
        time.sleep(0.3)
        assert len(fake.requests()) == settle_calls == 27
        alerts = [a for a in staff_alerts(caplog) if "The X channel stopped" in a]
        assert len(alerts) == 1 and "budget" in alerts[0]
        # The next UTC day (here: the operator resets today's count) polling resumes by itself.
        day = time.strftime("%Y-%m-%d", time.gmtime())
        bot.service.store.set_cursor(f"twitter:calls:{day}", "0")
        alice = fake.add_user("alice")
        asked = fake.post(alice, "@AuroraEx how do I reset 2FA? I lost my phone")
        wait_for(lambda: thread_of(fake, asked), what="the answer after the reset")
        assert len([a for a in staff_alerts(caplog) if "The X channel stopped" in a]) == 1
    finally:
        bot.stop()


def test_restart_answers_what_came_in_meanwhile_and_nothing_twice(fake, make_config, faq):
    config = make_config(user_id=OUR_ID)       # with the id configured, no get_me at all
    alice, bob = fake.add_user("alice"), fake.add_user("bob")
    first = fake.post(alice, "@AuroraEx how do I reset 2FA? I lost my phone")
    bot = Bot(config, faq).start()
    wait_for(lambda: thread_of(fake, first), what="the first answer")
    settle(fake)
    bot.stop()
    answered = list(fake.replies())

    second = fake.post(bob, "@AuroraEx 提币一般多久到账？")
    fake.dm(bob, "what are the withdrawal fees?")
    bot = Bot(config, faq).start()
    try:
        wait_for(lambda: thread_of(fake, second) and fake.sent_dms(), what="the new answers")
        settle(fake, polls=3)
        assert fake.replies()[:len(answered)] == answered
        replied_to = [target for target, _ in fake.replies()]
        assert replied_to.count(first) == 1 and replied_to.count(second) == 1
        assert len(fake.sent_dms()) == 1
        assert fake.count("me") == 0
        # The second start asked X only for what was newer than what the first had read.
        restarted = [c for c in fake.requests("mentions") if c.params.get("since_id")]
        assert restarted and all(int(c.params["since_id"]) >= int(first) for c in restarted)
    finally:
        bot.stop()


def test_a_reply_that_failed_with_a_server_error_is_sent_after_a_restart(fake, make_config, faq):
    config = make_config()
    fake.fail("post", 503, times=1)
    alice = fake.add_user("alice")
    asked = fake.post(alice, "@AuroraEx how do I reset 2FA? I lost my phone")
    bot = Bot(config, faq).start()
    wait_for(lambda: fake.count("post"), what="the failed post")
    settle(fake)
    assert fake.replies() == []
    (pending,) = [r for r in bot.service.store.pending_outbox("twitter")]
    assert "503" in pending["last_error"]
    bot.stop()
    bot = Bot(config, faq).start()
    try:
        wait_for(lambda: thread_of(fake, asked), what="the retried answer")
        settle(fake)
        assert [t for t, _ in fake.replies()].count(asked) == 1
    finally:
        bot.stop()


def test_first_start_answers_only_recent_mentions(fake, make_config, faq):
    alice, bob = fake.add_user("alice"), fake.add_user("bob")
    old = fake.post(alice, "@AuroraEx how do I reset 2FA? I lost my phone", ago=3 * 3600)
    recent = fake.post(bob, "@AuroraEx how do I reset 2FA? I lost my phone", ago=60)
    bot = Bot(make_config(), faq).start()
    try:
        wait_for(lambda: thread_of(fake, recent), what="the recent answer")
        settle(fake)
        assert old not in [target for target, _ in fake.replies()]
        assert int(bot.service.store.get_cursor("twitter:mentions:since_id")) >= int(recent)
    finally:
        bot.stop()


def test_after_an_outage_every_page_of_new_mentions_is_read_oldest_first(fake, make_config, faq):
    config = make_config()
    bot = Bot(config, faq).start()
    settle(fake)
    bot.stop()
    before = fake.count("mentions")
    crowd = [fake.add_user(f"fan{i}") for i in range(130)]
    posts = [fake.post(u, "@AuroraEx gm gm") for u in crowd]          # chit-chat: no replies
    bot = Bot(config, faq).start()
    try:
        store = bot.service.store
        wait_for(lambda: store.get_cursor("twitter:mentions:since_id") == posts[-1],
                 what="the cursor to reach the newest")
        assert all(store.was_processed("twitter", f"mention:{p}") for p in posts)
        first_poll = fake.requests("mentions")[before:before + 2]
        assert "pagination_token" not in first_poll[0].params
        assert first_poll[1].params.get("pagination_token")                # page 2 of 2
        # Nothing was ever mentioned before the outage, so there was no since_id: the bot asked
        # from when it was first started instead.
        assert first_poll[0].params.get("start_time")
        assert fake.replies() == []
    finally:
        bot.stop()


def test_missing_dm_permission_is_reported_once_and_mentions_keep_working(fake, make_config, faq,
                                                                           caplog):
    fake.fail("dm_events", 403, times=4, detail="This app is not permitted to read Direct Messages.")
    bot = Bot(make_config(), faq).start()
    try:
        wait_for(lambda: "DMs: X refused" in bot.health(), what="health to say so")
        alice = fake.add_user("alice")
        asked = fake.post(alice, "@AuroraEx how do I reset 2FA? I lost my phone")
        wait_for(lambda: thread_of(fake, asked), what="the mention answered meanwhile")
        wait_for(lambda: [c for c in fake.requests("dm_events") if c.status == 200],
                 timeout=8, what="DM polling to recover")
        statuses = [c.status for c in fake.requests("dm_events")]
        assert statuses[:5] == [403, 403, 403, 403, 200]
        alerts = [a for a in staff_alerts(caplog) if "The X channel stopped" in a]
        assert len(alerts) == 1 and "not permitted to read Direct Messages" in alerts[0]
    finally:
        bot.stop()


# --- what one handled message costs in API calls -------------------------------------------------

def test_api_calls_per_handled_mention_and_dm(fake, make_config, faq, capsys):
    """Writes per handled item are measured; polling is amortised at the shipped intervals."""
    bot = Bot(make_config(), faq).start()
    try:
        settle(fake)
        users = [fake.add_user(f"member{i}") for i in range(6)]
        questions = ["@AuroraEx how do I reset 2FA? I lost my phone", "@AuroraEx 提币一般多久到账？",
                     "@AuroraEx what are the withdrawal fees?",
                     "@AuroraEx my account got frozen, please check it, UID 39920017"]
        mentions = [fake.post(u, q) for u, q in zip(users, questions)]
        wait_for(lambda: all(any(t == m for t, _ in fake.replies()) for m in mentions),
                 what="all mentions answered")
        settle(fake)
        mention_writes = fake.count("post") + fake.count("dm_send") + fake.count("hide")
        before = fake.count("dm_send")
        for u in users[:4]:
            fake.dm(u, "what are the withdrawal fees?")
        wait_for(lambda: fake.count("dm_send") >= before + 4, what="all DMs answered")
        settle(fake)
        dm_writes = fake.count("dm_send") - before
    finally:
        bot.stop()
    per_mention_writes = mention_writes / len(mentions)
    per_dm_writes = dm_writes / 4
    shipped = parse_config(yaml.safe_load(CONFIG.read_text(encoding="utf-8"))).twitter
    polls_per_day = 86400 / shipped.poll_interval_seconds + 86400 / shipped.dm_poll_interval_seconds
    lines = [f"writes per handled mention: {per_mention_writes:.2f} (FAQ threads of 1-3 posts, "
             "hand-offs DM + reply)", f"writes per handled DM: {per_dm_writes:.2f}",
             f"polling at the shipped intervals: {polls_per_day:.0f} calls/day (1 per poll while "
             "< 100 new items)"]
    for volume in (50, 200, 1000):
        lines.append(f"  at {volume} mentions + {volume} DMs a day: "
                     f"{per_mention_writes + polls_per_day / 2 / volume:.1f} calls per mention, "
                     f"{per_dm_writes + polls_per_day / 2 / volume:.1f} per DM")
    with capsys.disabled():
        print("\nX API cost:\n  " + "\n  ".join(lines))
    assert 1 <= per_mention_writes <= 3 and per_dm_writes == 1

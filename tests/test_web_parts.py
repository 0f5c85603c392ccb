"""The web console's parts without a browser: sign-in links and sessions, the CSRF and origin
checks on every form, the FAQ file edits (comments kept, nothing written when invalid), the
decision log the pages read, and the operator's `bot.py web-login`."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

from handlers.answering.faq import load_faq
from handlers.config import load_config
from handlers.context import Knowledge
from handlers.detectors.vetting import link_hosts
from handlers.model import Message, User
from runtime.knowledge import KnowledgeFiles
from runtime.service import SupportService
from store import Store
from web.app import create_app
from web.backend import ConsoleBackend
from web.faq_file import FaqEdit, save_faq
from web.gaps import group_questions

from .conftest import FAQ, run_cli


@pytest.fixture
def console(config_file, tmp_path):
    config = load_config(config_file())
    kb = Knowledge.build(config, load_faq(tmp_path / "faq.yaml"))   # words only: quick
    store = Store(tmp_path / "bot.db")
    service = SupportService(kb, store, staff_channel="console")
    client = TestClient(create_app(ConsoleBackend(service)), base_url="http://127.0.0.1:8321")
    yield client, service, store, tmp_path
    client.close()
    store.close()


def sign_in(client: TestClient, store: Store, user: str = "mod") -> str:
    token = store.create_login_link("console", user, user, 600)
    page = client.get(f"/login/{token}")
    assert page.status_code == 200 and "Sign in" in page.text
    done = client.post(f"/login/{token}", follow_redirects=False)
    assert done.status_code == 303
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/tickets").text).group(1)


def member_message(text: str, public: bool = True, n: int = 1, who: int | None = None) -> Message:
    who = n if who is None else who
    return Message(channel="console", chat_id="group" if public else "dm-7", message_id=str(n),
                   user=User(id=f"7{who}", username=f"member{who}"), text=text, public=public,
                   chat_title="Console group" if public else "")


def test_a_link_works_once_expires_and_sets_a_strict_http_only_cookie(console):
    client, _service, store, _ = console
    token = store.create_login_link("console", "mod", "mod", 600)
    answer = client.post(f"/login/{token}", follow_redirects=False)
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    assert answer.headers["referrer-policy"] == "same-origin"
    assert client.post(f"/login/{token}").status_code == 403   # spent
    old = store.create_login_link("console", "mod", "mod", 600, now=time.time() - 3600)
    assert client.get(f"/login/{old}").status_code == 403      # expired
    assert client.get("/login/not-a-token").status_code == 403
    # A token is stored only hashed: the database holds nothing that signs anyone in.
    rows = store._rows("SELECT token_hash FROM login_links")   # noqa: SLF001
    assert all(token not in r["token_hash"] for r in rows)


def test_sessions_expire_and_signing_out_ends_them(console):
    client, _service, store, _ = console
    csrf = sign_in(client, store)
    assert client.get("/stats").status_code == 200
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/tickets").status_code == 401
    sid, _ = store.create_session("console", "mod", "mod", ttl=-1)
    client.cookies.set("console_session", sid)
    assert client.get("/tickets").status_code == 401


def test_a_https_console_sets_a_secure_cookie(config_file, tmp_path):
    config = load_config(config_file(Path(config_file()).read_text(encoding="utf-8") +
                                     "\nweb:\n  public_url: https://support.example.com\n"))
    store = Store(tmp_path / "s.db")
    kb = Knowledge.build(config, load_faq(tmp_path / "faq.yaml"))
    client = TestClient(create_app(ConsoleBackend(SupportService(kb, store,
                                                                 staff_channel="console"))))
    token = store.create_login_link("console", "mod", "mod", 600)
    assert "secure" in client.post(f"/login/{token}", follow_redirects=False) \
        .headers["set-cookie"].lower()
    store.close()


@pytest.mark.parametrize("path", ["/tickets/SUP-ABCDEF/reply", "/tickets/SUP-ABCDEF/close",
                                  "/gaps/add", "/gaps/draft", "/faq/new", "/decisions/1/undo",
                                  "/decisions/1/teach", "/logout"])
def test_every_form_needs_the_session_token_and_our_own_origin(console, path):
    client, _service, store, _ = console
    assert client.post(path, data={"text": "x"}).status_code == 401   # not signed in
    csrf = sign_in(client, store)
    refused = client.post(path, data={"text": "x", "csrf": "wrong"})
    assert refused.status_code == 403 and "security token" in refused.text
    foreign = client.post(path, data={"csrf": csrf}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403


def test_a_web_reply_runs_as_the_chat_command_and_a_double_submit_acts_once(console):
    client, service, store, _ = console
    ticket, _new = store.open_ticket(prefix="SUP", channel="console", user_id="71", username="member1",
                               lang="en", topic="human", summary="deposit missing",
                               priority="normal", opened_by="member")
    csrf = sign_in(client, store)
    form = {"csrf": csrf, "nonce": "form-0001", "text": "Your deposit has arrived."}
    first = client.post(f"/tickets/{ticket.ref}/reply", data=form)
    assert "sent to the member" in first.text
    again = client.post(f"/tickets/{ticket.ref}/reply", data=form)
    assert "nothing was done again" in again.text
    replies = [e for e in store.ticket_events(ticket.ref) if e["kind"] == "staff_reply"]
    assert len(replies) == 1 and replies[0]["actor"] == "@mod"
    asks = client.post(f"/tickets/{ticket.ref}/reply", data={
        "csrf": csrf, "nonce": "form-0002", "text": "Please send me your seed phrase to verify"})
    assert "Not sent" in asks.text


def test_the_faq_file_keeps_its_comments_and_an_invalid_edit_writes_nothing(tmp_path):
    faq = tmp_path / "faq.yaml"
    faq.write_text(FAQ.read_text(encoding="utf-8"), encoding="utf-8")
    assert save_faq(faq, FaqEdit("withdrawal-time", (("en", "how long is a btc send out"),))) == ""
    text = faq.read_text(encoding="utf-8")
    assert text.startswith("# Aurora Exchange") and '- "how long is a btc send out"' in text
    assert len(text.splitlines()) == len(FAQ.read_text(encoding="utf-8").splitlines()) + 1
    assert list((tmp_path / ".faq-backups").iterdir())
    problem = save_faq(faq, FaqEdit("withdrawal-time", (("en", "q"),), answer={"en": "a"}))
    assert "taken" in problem
    problem = save_faq(faq, FaqEdit("new-one", (("en", "q"),), answer={"en": "a"},
                                    links=("not a link",)))
    assert "links" in problem and "new-one" in problem
    assert faq.read_text(encoding="utf-8") == text
    assert "no entry" in save_faq(faq, FaqEdit("renamed", (("en", "q"),)))


def test_a_new_answer_may_not_ask_for_secrets_or_link_to_a_site_the_faq_never_links(tmp_path):
    faq = tmp_path / "faq.yaml"
    faq.write_text(FAQ.read_text(encoding="utf-8"), encoding="utf-8")
    hosts = link_hosts(load_faq(faq))
    before = faq.read_text(encoding="utf-8")
    phishing = save_faq(faq, FaqEdit("airdrop", (("en", "is there an airdrop"),), answer={
        "en": "Claim it at https://aurora-airdrop.example/claim"}), hosts)
    assert "aurora-airdrop.example" in phishing
    secrets = save_faq(faq, FaqEdit("verify", (("en", "how do I verify"),), answer={
        "en": "Send your seed phrase to support to verify your wallet."}), hosts)
    assert "seed phrase" in secrets.lower() or "password" in secrets.lower()
    assert faq.read_text(encoding="utf-8") == before
    assert save_faq(faq, FaqEdit("apple-pay", (("en", "apple pay?"),), answer={
        "en": "Yes, see https://help.aurora.example/buy"}), hosts) == ""


def test_the_decision_log_keeps_redacted_questions_and_what_was_done(console):
    _client, service, store, _ = console
    service.handle(member_message("how do I reset my 2fa?", n=1))
    service.handle(member_message("my email is ann@example.com, when will you list PEPE?", n=2))
    service.handle(member_message("gm everyone", n=3))
    service.handle(member_message("/help", n=4))
    rows = {r["message_id"]: r for r in store.decisions()}
    assert rows["1"]["answered"] and rows["1"]["faq_id"] == "reset-2fa" and \
        rows["1"]["labels"].startswith("faq")
    assert rows["2"]["gap"] and "ann@example.com" not in rows["2"]["text"]
    assert not rows["3"]["gap"] and not rows["3"]["asked"]
    assert "4" not in rows   # commands are not member messages to review


def test_gap_groups_put_paraphrases_together_largest_first():
    rng = np.random.default_rng(1)
    base = [rng.normal(size=8) for _ in range(3)]

    def row(i: int, topic: int, text: str) -> dict:
        v = base[topic] + rng.normal(scale=0.05, size=8)
        return {"id": i, "at": 1000.0 + i, "channel": "telegram", "chat_id": "g", "lang": "en",
                "text": text, "vector": (v / np.linalg.norm(v)).astype(np.float16).tobytes()}
    rows = [row(1, 0, "a1"), row(2, 1, "b1"), row(3, 0, "a2"), row(4, 0, "a3"), row(5, 1, "b2"),
            row(6, 2, "c1")]
    groups = group_questions(rows, None)
    assert [sorted(q for _i, _l, q in g.questions) for g in groups] == \
        [["a1", "a2", "a3"], ["b1", "b2"], ["c1"]]


def test_the_operator_prints_a_link_only_for_a_configured_moderator(config_file, tmp_path):
    config = config_file()
    refused = run_cli("web-login", "--config", str(config), "--user", "12345")
    assert refused.returncode == 2 and "not a configured moderator" in refused.stderr
    made = run_cli("web-login", "--config", str(config), "--channel", "console", "--user", "mod")
    assert made.returncode == 0
    assert re.fullmatch(r"http://127\.0\.0\.1:8321/login/[A-Za-z0-9_-]{40,}\n", made.stdout)
    store = Store(load_config(config).resolve(load_config(config).database))
    try:
        assert store.login_link(made.stdout.strip().rsplit("/", 1)[1]) is not None
    finally:
        store.close()
    revoke = run_cli("web-login", "--config", str(config), "--channel", "console", "--user", "mod",
                     "--revoke")
    assert revoke.returncode == 0


@pytest.mark.parametrize("answer, why", [
    ("Claim it at evil.com/listing today", "evil.com"),
    ("See help.aurora.example.evil.com/x for the form", "evil.com"),
    ("Details: http://help.aurora.example/buy", "https://"),
    ("Our agent will contact you on WhatsApp +1 555 0100", "impersonators wait"),
    ("Reply to this bot with your password and we restore access.", "asks members"),
    ("Log in with your 2FA code, then you are in.", "never"),
    ("Send your 12 recovery words to our listing team to verify.", "recovery"),
])
def test_a_new_answer_is_refused_in_every_wording_that_would_hurt_members(console, answer, why):
    client, service, store, tmp_path = console
    before = (tmp_path / "faq.yaml").read_text(encoding="utf-8")
    csrf = sign_in(client, store)
    page = client.post("/faq/new", data={"csrf": csrf, "entry_id": "listing", "questions":
                                         "when do you list new coins", "answer_en": answer})
    assert page.status_code == 400 and why in page.text
    assert (tmp_path / "faq.yaml").read_text(encoding="utf-8") == before


def test_faq_edits_refuse_look_alike_ids_shared_questions_and_overlong_answers(tmp_path):
    faq = tmp_path / "faq.yaml"
    faq.write_text(FAQ.read_text(encoding="utf-8"), encoding="utf-8")
    assert "taken" in save_faq(faq, FaqEdit("RESET-2FA", (("en", "q?"),), answer={"en": "a"}))
    shared = save_faq(faq, FaqEdit("withdrawal-time", (("en", "How do I contact Aurora support?"),)))
    assert "contact-support" in shared
    assert "1500" in save_faq(faq, FaqEdit("long", (("en", "q?"),), answer={"en": "a" * 1501}))
    for i in range(12):
        assert save_faq(faq, FaqEdit("withdrawal-time", (("en", f"q{i}\u202e\u2028tail"),))) == ""
    text = faq.read_text(encoding="utf-8")
    assert '"q3tail"' in text.replace(" ", "") or '"q3 tail"' in text
    assert "\u202e" not in text and "\u2028" not in text
    backups = sorted(p.name for p in (tmp_path / ".faq-backups").iterdir())
    assert "faq.yaml.before-the-console" in backups and len(backups) == 11
    original = (tmp_path / ".faq-backups" / "faq.yaml.before-the-console").read_text(encoding="utf-8")
    assert original == FAQ.read_text(encoding="utf-8")


def test_a_moderator_taken_out_of_the_config_loses_the_session(console, monkeypatch):
    client, service, store, _ = console
    sign_in(client, store)
    assert client.get("/tickets").status_code == 200
    monkeypatch.setattr("web.app.RECHECK", 0.0)
    service.kb.config.moderators.console.clear()   # as after the operator's edit and a reload
    gone = client.get("/tickets")
    assert gone.status_code == 401 and "no longer a moderator" in gone.text
    assert client.get("/stats").status_code == 401


def test_half_a_phrase_logged_before_the_rest_came_is_withheld_afterwards(console):
    _client, service, store, _ = console
    service.handle(member_message("first part: legal winner thank year wave sausage", n=1, who=5))
    service.handle(member_message("worth useful legal winner thank yellow", n=2, who=5))
    texts = " ".join(r["text"] for r in store.decisions())
    assert "sausage" not in texts and "yellow" not in texts


def test_decisions_refuse_what_the_page_does_not_offer_and_act_once(console):
    client, service, store, _ = console
    service.handle(member_message("my password is Hunter2-Secret!", n=1))
    service.handle(member_message("when will you list PEPE coin?", n=2))
    service.handle(member_message("/human", public=False, n=3))
    rows = {r["message_id"]: r for r in store.decisions()}
    csrf = sign_in(client, store)

    def post(row_id: int, verb: str, nonce: str) -> str:
        return client.post(f"/decisions/{row_id}/{verb}", data={
            "csrf": csrf, "nonce": nonce, "entry": "reset-2fa"}).text
    assert "not a question to answer" in post(rows["1"]["id"], "teach", "form-0001")
    assert "Only a scam" in post(rows["2"]["id"], "undo", "form-0002")
    if "3" in rows:
        assert "no question" in post(rows["3"]["id"], "teach", "form-0003")
    assert "reset-2fa" in post(rows["2"]["id"], "teach", "form-0004")
    assert "already acted" in post(rows["2"]["id"], "teach", "form-0005")
    assert client.post("/decisions/99999999999999999999999/teach", data={
        "csrf": csrf, "nonce": "form-0006"}).status_code in (200, 303, 404)
    assert client.get("/tickets?page=99999999999999999999999").status_code == 200


def test_adding_a_gap_needs_a_ticked_question(console):
    client, service, store, _ = console
    service.handle(member_message("can I pay with apple pay?", n=1))
    row = store.decisions()[0]
    assert row["gap"]
    csrf = sign_in(client, store)
    page = client.post("/gaps/add", data={"csrf": csrf, "ids": str(row["id"]),
                                          "entry": "withdrawal-time"})
    assert "Tick the questions" in page.text
    assert store.decision(row["id"])["gap"]


def test_a_new_entry_waits_for_a_second_moderator_who_is_not_its_author(console):
    client, service, store, tmp_path = console
    service.files = KnowledgeFiles(tmp_path / "config.yaml")   # so the approval reloads
    service.kb.config.moderators.console.append("lee")
    faq = tmp_path / "faq.yaml"
    before = faq.read_text(encoding="utf-8")
    csrf = sign_in(client, store)
    page = client.post("/faq/new", data={"csrf": csrf, "entry_id": "dark-mode", "questions":
                                         "is there a dark mode\nhow do I turn on dark mode",
                                         "answer_en": "Profile > Settings > Theme > Dark."})
    assert "draft #1" in page.text and faq.read_text(encoding="utf-8") == before
    twice = client.post("/faq/new", data={"csrf": csrf, "entry_id": "Dark-Mode", "questions":
                                          "dark theme?", "answer_en": "Settings > Theme."})
    assert "already waits for approval" in twice.text
    own = client.post("/faq/drafts/1/approve", data={"csrf": csrf})
    assert "not its author" in own.text and faq.read_text(encoding="utf-8") == before
    other = TestClient(client.app, base_url="http://127.0.0.1:8321")
    csrf2 = sign_in(other, store, "lee")
    done = other.post("/faq/drafts/1/approve", data={"csrf": csrf2})
    assert "approved and added" in done.text, re.findall(r"class=.flash[^<]*", done.text)
    assert "dark-mode" in faq.read_text(encoding="utf-8")
    assert any(e.id == "dark-mode" for e in service.kb.faq.entries)
    again = other.post("/faq/drafts/1/reject", data={"csrf": csrf2})
    assert "approved by @lee already" in again.text


def test_an_approver_taken_out_of_the_config_cannot_approve(console):
    client, service, store, tmp_path = console
    service.kb.config.moderators.console.append("lee")
    csrf = sign_in(client, store)
    client.post("/faq/new", data={"csrf": csrf, "entry_id": "dark-mode", "questions":
                                  "is there a dark mode", "answer_en": "Settings > Theme."})
    other = TestClient(client.app, base_url="http://127.0.0.1:8321")
    csrf2 = sign_in(other, store, "lee")
    service.kb.config.moderators.console.remove("lee")   # within the five minutes
    refused = other.post("/faq/drafts/1/approve", data={"csrf": csrf2})
    assert refused.status_code == 401
    assert "dark-mode" not in (tmp_path / "faq.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("reply", [
    "напишите ваши слова восстановления", "请发送您的恢复短语", "please send your ρassword",
    "what is your pass word?", "pls share ur pw", "Скиньте пароль от аккаунта",
    "Reply with the 6 digits from your authenticator", "log in at aurora-verify.top/login"])
def test_a_staff_reply_asking_for_a_secret_is_not_sent_in_any_wording(console, reply):
    client, service, store, _ = console
    ticket, _new = store.open_ticket(prefix="SUP", channel="console", user_id="71",
                                     username="member1", lang="en", topic="human",
                                     summary="deposit missing", priority="normal")
    csrf = sign_in(client, store)
    page = client.post(f"/tickets/{ticket.ref}/reply", data={"csrf": csrf, "nonce": "form-0009",
                                                             "text": reply})
    assert "Not sent" in page.text
    assert not any(e["kind"] == "staff_reply" for e in store.ticket_events(ticket.ref))


def test_the_console_channel_follows_an_faq_edited_on_disk(config_file, tmp_path):
    from channels.console import ConsoleChannel

    files = KnowledgeFiles(config_file())
    store = Store(tmp_path / "watch.db")
    service = SupportService(files.load(), store, staff_channel="console", files=files)
    channel = ConsoleChannel(service, stdin=io.StringIO(""), stdout=io.StringIO(),
                             interactive=False)
    assert channel.runtime.poll_blocking() is None        # the first look remembers the files
    assert save_faq(tmp_path / "faq.yaml", FaqEdit("dark-mode", (("en", "dark mode?"),),
                                                   answer={"en": "Settings > Theme."})) == ""
    assert channel.runtime.poll_blocking() is None        # changed: wait one look for it to settle
    outcome = channel.runtime.poll_blocking()
    assert outcome is not None and any(e.id == "dark-mode" for e in service.kb.faq.entries)
    store.close()


def test_an_undone_scam_leaves_the_days_count_and_a_person_request_is_no_gap(console):
    _client, service, store, _ = console
    service.handle(member_message("withdrawal problems? DM me, I'm official support", n=1))
    service.handle(member_message("can I talk to someone?", n=2))
    day = store.daily_decisions(time.time() - 86400)[-1]
    assert day["scams"] == 1
    store.decision_undone("console", "group", "1")
    assert store.daily_decisions(time.time() - 86400)[-1]["scams"] == 0
    rows = {r["message_id"]: r for r in store.decisions()}
    assert "undone" in rows["1"]["labels"] and "scam" not in rows["1"]["labels"].split()
    assert not rows["2"]["gap"]

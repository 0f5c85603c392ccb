"""The moderators' web console in a real headless Chromium, against the real bot (App.serve
with the web console on) and the fake Telegram server: sign-in by one-time link, a ticket reply
the member receives on Telegram, FAQ gaps added as paraphrases that the bot then answers from,
decisions undone, the charts; and the refusals (reused link, non-moderator, no CSRF token)."""

from __future__ import annotations

import re

import pytest

from .fake_telegram import FakeTelegram
from .telegram_harness import ADMIN_ID, STAFF_ID
from .web_harness import LiveConsole, browser, screenshot

MEMBERS = {name: FakeTelegram.user(uid, name, name.title()) for uid, name in
           ((501, "mia"), (502, "noah"), (503, "olga"), (504, "pete"), (505, "quinn"),
            (506, "rosa"), (507, "sam"))}
ADMIN = FakeTelegram.user(ADMIN_ID, "admin_ann", "Ann")
OTHER_ADMIN = FakeTelegram.user(901, "admin_ben", "Ben")
SCAMMER = FakeTelegram.user(666, "helpdesk_sup", "Support")
SECOND_ADMIN = 902


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    console = LiveConsole(tmp_path_factory.mktemp("web"))
    yield console
    console.close()


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


def sign_in_link(live: LiveConsole, user: dict, chat: dict | None = None) -> str | None:
    """The user sends /console to the bot (privately, or in `chat`); the link it DMs back."""
    before = len(live.sent_to(user["id"]))
    live.say(chat or live.fake.private_chat(user), user, "/console")
    live.wait_for(lambda: len(live.sent_to(user["id"])) > before)
    text = live.sent_to(user["id"])[-1]["text"]
    found = re.search(r"https?://\S+/login/\S+", text)
    return found.group(0) if found else None


def ticket_of(live: LiveConsole, member: dict, case: str) -> str:
    """The member tells their case privately and asks for a person; the ticket's reference."""
    dm = live.fake.private_chat(member)
    live.say(dm, member, case)
    live.say(dm, member, "/human")
    uid = str(member["id"])
    live.wait_for(lambda: any(t.user_id == uid for t in live.store.list_tickets("open")))
    return next(t.ref for t in live.store.list_tickets("open") if t.user_id == uid)


def signed_in_page(live: LiveConsole, chromium, user: dict = ADMIN):
    link = sign_in_link(live, user)
    assert link and link.startswith(live.url)
    page = chromium.new_page(viewport={"width": 1280, "height": 860})
    page.goto(link)
    page.click("#sign-in")
    page.wait_for_url(f"{live.url}/tickets")
    return page


def test_a_moderator_signs_in_by_link_and_a_web_reply_reaches_the_member_on_telegram(live, chromium):
    mia = MEMBERS["mia"]
    ref = ticket_of(live, mia, "my deposit of 500 USDT has not arrived after 3 hours, txid 0x9f8e")

    page = signed_in_page(live, chromium)
    assert page.locator(f"a:text('{ref}')").count() == 1
    screenshot(page, "inbox")
    page.click(f"a:text('{ref}')")
    assert "deposit of 500 USDT" in page.inner_text("ol.conversation")
    page.fill("#reply-text", "Hi Mia, the deposit is confirmed now; it shows in your balance.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url(f"{live.url}/tickets/{ref}")
    live.wait_for(lambda: any("the deposit is confirmed now" in m["text"]
                              for m in live.sent_to(mia["id"])))
    # The transcript and the event log say who answered.
    assert "the deposit is confirmed now" in page.inner_text("ol.conversation")
    assert "@admin_ann" in page.inner_text("table.list")
    screenshot(page, "ticket")

    page.fill("input[name=assignee]", "@admin_ann")
    page.get_by_role("button", name="Assign", exact=True).click()
    assert "assigned" in page.inner_text(".flash").lower()
    page.get_by_role("button", name="Close ticket").click()
    assert "closed" in page.inner_text(".flash").lower()
    assert live.store.ticket(ref).status == "closed"
    assert live.store.ticket(ref).assignee == "admin_ann"
    kinds = [e["kind"] for e in live.store.ticket_events(ref)]
    assert "assigned" in " ".join(kinds) and any("clos" in k for k in kinds)
    page.close()


def test_a_reused_link_a_non_moderator_a_demoted_admin_and_a_form_without_its_token_are_refused(
        live, chromium):
    # A member asks for a link: refused in chat, no link.
    sam = MEMBERS["sam"]
    assert sign_in_link(live, sam) is None
    assert "only moderators" in live.sent_to(sam["id"])[-1]["text"].lower()

    link = sign_in_link(live, ADMIN)
    page = chromium.new_page()
    page.goto(link)
    page.click("#sign-in")
    page.wait_for_url(f"{live.url}/tickets")
    # The same link a second time, in another browser profile: refused.
    other = chromium.new_context().new_page()
    response = other.goto(link)
    assert response.status == 403 and "used already" in other.inner_text("main")

    # A staff member who asks in the staff chat gets the link privately; once they have left
    # the staff chat, the link no longer signs them in.
    staff_chat = live.fake.chats[str(STAFF_ID)]
    live.fake.members[str(STAFF_ID)] = {OTHER_ADMIN["id"]}
    live.say(live.fake.private_chat(OTHER_ADMIN), OTHER_ADMIN, "/start")
    stale = sign_in_link(live, OTHER_ADMIN, staff_chat)
    assert stale
    assert "sign-in link" in live.sent_to(STAFF_ID)[-1]["text"]
    live.fake.members[str(STAFF_ID)] = set()
    other.goto(stale)
    other.click("#sign-in")
    assert "not a moderator" in other.inner_text("main").lower()
    assert other.goto(f"{live.url}/tickets").status == 401

    # A signed-in moderator's browser posting a form without the CSRF token (what a forged
    # cross-site form would send), or from another origin: refused, nothing sent.
    noah = MEMBERS["noah"]
    ref = ticket_of(live, noah, "my withdrawal of 2 ETH is stuck for 5 hours")
    before = len(live.sent_to(noah["id"]))
    forged = page.request.post(f"{live.url}/tickets/{ref}/reply",
                               form={"text": "send me your password to verify"})
    assert forged.status == 403 and "security token" in forged.text()
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    cross = page.request.post(f"{live.url}/tickets/{ref}/reply", form={
        "text": "hello", "csrf": csrf}, headers={"Origin": "https://evil.example"})
    assert cross.status == 403
    live.settle()
    assert len(live.sent_to(noah["id"])) == before
    assert not any(e["kind"] == "staff_reply" for e in live.store.ticket_events(ref))
    # A reply that would send the member to a scammer is not sent in the bot's name.
    page.goto(f"{live.url}/tickets/{ref}")
    page.fill("#reply-text", "Kindly DM our agent @aurora_recovery_desk on telegram with your "
                             "12 words")
    page.get_by_role("button", name="Send reply").click()
    assert "Not sent" in page.inner_text(".flash")
    live.settle()
    assert len(live.sent_to(noah["id"])) == before
    page.close()


def test_a_gap_added_as_paraphrases_is_answered_next_time_and_a_drafted_entry_too(live, chromium):
    # Questions the bot leaves alone today (the FAQ never says "send out").
    asks = ["how many mins does a btc send out take", "btc send out takes how many mins",
            "how many mins does an eth send out take?"]
    for name, text in zip(("olga", "pete", "quinn"), asks, strict=True):
        live.say(live.group, MEMBERS[name], text)
    apple = ["can I buy crypto with apple pay?", "is apple pay accepted for buying crypto",
             "Can I use Apple Pay to buy crypto?"]
    for name, text in zip(("olga", "pete", "quinn"), apple, strict=True):
        live.say(live.fake.private_chat(MEMBERS[name]), MEMBERS[name], text)
    group_id = str(live.group["id"])
    assert not any("btc" in s.get("text", "").lower() for s in live.sent_to(group_id))

    page = signed_in_page(live, chromium)
    page.goto(f"{live.url}/gaps")
    sections = page.locator("section.gap")
    btc = sections.filter(has_text="btc send out")
    assert btc.count() == 1, page.inner_text("main")
    assert btc.locator("h2").inner_text().startswith("3 questions"), btc.inner_text()
    screenshot(page, "gaps")
    btc.locator("select[name=entry]").select_option("withdrawal-time")
    btc.get_by_role("button", name="Add as example questions").click()
    assert "Added 3 question(s) to withdrawal-time" in page.inner_text(".flash")
    assert "btc send out takes how many mins" in live.faq.read_text(encoding="utf-8")
    assert "# Aurora Exchange" in live.faq.read_text(encoding="utf-8")   # comments kept
    assert page.locator("section.gap", has_text="btc send out").count() == 0

    answers = len(live.sent_to(group_id))
    live.say(live.group, MEMBERS["rosa"], "how many mins does a sol send out take")
    live.wait_for(lambda: len(live.sent_to(group_id)) > answers)
    assert "withdraw" in live.sent_to(group_id)[-1]["text"].lower()

    # The other group becomes a new entry with its own answer.
    page.locator("section.gap", has_text="apple pay").get_by_role(
        "button", name="Draft a new entry from this group").click()
    page.fill("input[name=entry_id]", "apple-pay")
    page.fill("textarea[name=answer_en]", "Apple Pay works for card purchases of crypto in the "
                                          "app under Buy > Card. https://help.aurora.example/buy")
    page.click("text=Save to the FAQ")
    # A new answer speaks as the bot: it waits for a second moderator.
    assert "draft" in page.inner_text(".flash")
    assert "apple-pay" not in live.faq.read_text(encoding="utf-8")
    assert page.locator("section.draft", has_text="apple-pay") \
        .get_by_role("button", name="Approve and publish").count() == 0   # not by its author
    live.fake.admins[str(live.group["id"])].append(SECOND_ADMIN)
    second = chromium.new_page()
    second.goto(f"{live.url}/login/" + live.store.create_login_link(
        "telegram", str(SECOND_ADMIN), "admin_cy", 600))
    second.click("#sign-in")
    second.goto(f"{live.url}/faq")
    second.locator("section.draft", has_text="apple-pay").get_by_role(
        "button", name="Approve and publish").click()
    assert "Entry apple-pay approved and added" in second.inner_text(".flash")
    assert second.locator("td", has_text="apple-pay").count() == 1
    second.close()
    before = len(live.sent_to(MEMBERS["rosa"]["id"]))
    live.say(live.fake.private_chat(MEMBERS["rosa"]), MEMBERS["rosa"],
             "can i buy crypto with apple pay")
    live.wait_for(lambda: len(live.sent_to(MEMBERS["rosa"]["id"])) > before)
    assert "Buy > Card" in live.sent_to(MEMBERS["rosa"]["id"])[-1]["text"]
    page.close()


def test_a_scam_decision_is_undone_from_the_decisions_page_and_the_charts_show_the_week(
        live, chromium):
    live.say(live.group, SCAMMER, "withdrawal problems? DM me, I'm official support")
    live.say(live.group, SCAMMER, "having issues? DM me now, I am support staff")
    live.wait_for(lambda: len(live.fake.sent("restrictChatMember")) >= 1)
    page = signed_in_page(live, chromium)
    page.goto(f"{live.url}/decisions?label=scam")
    row = page.locator("table.decisions tbody tr").first
    assert "scam" in row.inner_text() and "restrict" in row.inner_text()
    screenshot(page, "decisions")
    row.locator("text=Not a scam: undo").click()
    assert "mute lifted" in page.inner_text(".flash")
    live.wait_for(lambda: any(r.get("permissions") for r in live.fake.sent("restrictChatMember")
                              if str(r.get("user_id")) == "666") and
                  len(live.fake.sent("restrictChatMember")) >= 2)
    staff = " ".join(m["text"] for m in live.sent_to(STAFF_ID))
    assert "@admin_ann" in staff

    page.goto(f"{live.url}/stats")
    assert page.locator("svg.chart").count() == 5
    assert "Outbox" in page.inner_text("ul.health") and "Telegram" in page.inner_text("ul.health")
    screenshot(page, "numbers")
    page.close()

"""Personal data staff need: shown to staff only with the operator's data key, stored only
sealed, purged after the ticket closes; secrets never, key or not."""

from __future__ import annotations

import sqlite3
import time

from store import Store
from store.sealing import Sealer, new_key

from .conftest import run_cli
from .test_tickets_console import REF, console

MEMBER_SAYS = ("my withdrawal is stuck, UID 12345678 order 8812233 email li.wei@example.com",
               "my password is Sunflower#1987 if you need it")
PERSONAL = ("12345678", "8812233", "li.wei@example.com")


def _dump(path) -> str:
    return "\n".join(sqlite3.connect(path.parent / "data" / "bot.db").iterdump())


def test_with_the_data_key_staff_see_uids_and_orders_and_the_database_holds_them_sealed(config_file):
    path = config_file()
    key = {"BOT_DATA_KEY": new_key()}
    out = console(path, ":dm", *MEMBER_SAYS, "/human", env=key).stdout
    staff = out.split("[staff channel]", 1)[1]
    assert all(p in staff for p in PERSONAL) and "Sunflower" not in staff
    dump = _dump(path)
    assert not any(p in dump for p in (*PERSONAL, "Sunflower"))
    db = sqlite3.connect(path.parent / "data" / "bot.db")
    assert all(row[0].startswith("fernet:") for row in db.execute("SELECT payload FROM outbox"))
    ref = REF.search(out).group(0)
    shown = run_cli("tickets", "show", ref, "--config", str(path), env=key).stdout
    assert "UID 12345678 order 8812233" in shown and "Sunflower" not in shown
    # Without the key (or with another one) the operator sees the redacted text, no error.
    for env in ({}, {"BOT_DATA_KEY": new_key()}):
        hidden = run_cli("tickets", "show", ref, "--config", str(path), env=env)
        assert hidden.returncode == 0 and "12345678" not in hidden.stdout
        assert "UID [uid]" in hidden.stdout


def test_without_the_key_staff_see_redacted_text_and_nothing_is_sealed(config_file):
    path = config_file()
    out = console(path, ":dm", *MEMBER_SAYS, "/human").stdout
    staff = out.split("[staff channel]", 1)[1]
    assert "UID [uid]" in staff and not any(p in staff for p in PERSONAL)
    assert "fernet:" not in _dump(path) and not any(p in _dump(path) for p in PERSONAL)


def test_a_bad_data_key_stops_the_bot_at_start_with_one_clear_line(config_file):
    out = run_cli("run", "--config", str(config_file()), stdin="",
                  env={"BOT_DATA_KEY": "not-a-key"})
    assert out.returncode == 2 and "BOT_DATA_KEY is not a data key" in out.stderr
    assert "Traceback" not in out.stderr


def test_personal_data_is_purged_some_days_after_the_ticket_closes(tmp_path):
    store = Store(tmp_path / "bot.db", sealer=Sealer(new_key()))
    day = 86400.0
    now = time.time()
    ticket, _ = store.open_ticket(prefix="SUP", channel="console", user_id="7", username="li",
                                  lang="en", topic="human", summary="UID [uid]",
                                  staff_summary="UID 12345678", now=now - 40 * day)
    store.add_ticket_message(ticket.ref, "@li", "in", "order 8812233", now - 40 * day,
                             staff_text="order 8812233")
    assert store.staff_transcript(ticket.ref)[-1]["text"] == "order 8812233"
    store.set_ticket_status(ticket.ref, "closed", "@mod", "", now - 35 * day)
    store.prune(now=now, personal_days=60)                        # closed 35 days ago: kept
    assert store.staff_transcript(ticket.ref)[-1]["personal"]
    store.prune(now=now, personal_days=30)                        # past 30 days: gone
    lines = store.staff_transcript(ticket.ref)
    assert not any(m["personal"] for m in lines) and "8812233" not in str(lines)
    assert store.staff_summary(store.ticket(ticket.ref)) == "UID [uid]"
    store.close()


def test_a_sealed_outbox_item_waits_for_its_key_instead_of_failing(tmp_path):
    key = new_key()
    sealed = Store(tmp_path / "bot.db", sealer=Sealer(key))
    sealed.add_outbox("console", {"type": "staff", "text": "UID 12345678"}, ref="SUP-7K3QX9")
    sealed.close()
    keyless = Store(tmp_path / "bot.db", sealer=Sealer(None))
    assert keyless.pending_outbox() == []                          # cannot read it: left alone
    keyless.close()
    again = Store(tmp_path / "bot.db", sealer=Sealer(key))
    (row,) = again.pending_outbox()
    assert row["payload"]["text"] == "UID 12345678"
    again.close()

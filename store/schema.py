"""Schema and migrations. Each migration runs once, in order, inside a transaction; the
database remembers the last one applied, so starting a new version upgrades in place."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database


def _v1(db: Database) -> None:
    db.execute("""CREATE TABLE processed (
        channel TEXT NOT NULL, key TEXT NOT NULL, at REAL NOT NULL,
        PRIMARY KEY (channel, key))""")
    db.execute("CREATE INDEX processed_at ON processed (at)")
    db.execute("CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at REAL)")
    db.execute("CREATE TABLE cooldowns (key TEXT PRIMARY KEY, until REAL NOT NULL, value TEXT)")
    db.execute("CREATE TABLE replies (channel TEXT NOT NULL, chat_id TEXT NOT NULL, at REAL NOT NULL)")
    db.execute("CREATE INDEX replies_chat ON replies (channel, chat_id, at)")
    db.execute("""CREATE TABLE handoffs (
        token TEXT PRIMARY KEY, channel TEXT NOT NULL, chat_id TEXT NOT NULL,
        message_id TEXT NOT NULL, user_id TEXT NOT NULL, topic TEXT, summary TEXT, context TEXT,
        created_at REAL NOT NULL, expires_at REAL NOT NULL, used_at REAL)""")
    db.execute("""CREATE TABLE users (
        channel TEXT NOT NULL, user_id TEXT NOT NULL, username TEXT, started INTEGER DEFAULT 0,
        lang TEXT, updated_at REAL, PRIMARY KEY (channel, user_id))""")
    db.execute("""CREATE TABLE tickets (
        ref TEXT PRIMARY KEY, channel TEXT NOT NULL, chat_id TEXT, user_id TEXT NOT NULL,
        username TEXT, lang TEXT, topic TEXT NOT NULL, summary TEXT, origin_link TEXT,
        origin_chat_id TEXT, origin_message_id TEXT,
        priority TEXT NOT NULL CHECK (priority IN ('urgent','high','normal','low')),
        status TEXT NOT NULL CHECK (status IN ('open','pending','resolved','closed')),
        assignee TEXT, opened_by TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL,
        first_response_due REAL, first_response_at REAL, closed_at REAL,
        overdue_reported INTEGER NOT NULL DEFAULT 0)""")
    db.execute("CREATE INDEX tickets_user ON tickets (channel, user_id, status)")
    db.execute("CREATE INDEX tickets_status ON tickets (status, priority, first_response_due)")
    db.execute("""CREATE TABLE ticket_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL REFERENCES tickets(ref),
        at REAL NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT)""")
    db.execute("CREATE INDEX ticket_events_ref ON ticket_events (ref, id)")
    db.execute("""CREATE TABLE ticket_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL REFERENCES tickets(ref),
        at REAL NOT NULL, author TEXT NOT NULL, direction TEXT NOT NULL, text TEXT NOT NULL)""")
    db.execute("CREATE INDEX ticket_messages_ref ON ticket_messages (ref, id)")
    db.execute("""CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, payload TEXT NOT NULL,
        ref TEXT, status TEXT NOT NULL, created_at REAL NOT NULL, done_at REAL,
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)""")
    db.execute("CREATE INDEX outbox_pending ON outbox (status, id)")
    db.execute("""CREATE TABLE staff_posts (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, message_id TEXT NOT NULL, ref TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id, message_id))""")
    db.execute("""CREATE TABLE strikes (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT NOT NULL,
        check_name TEXT NOT NULL, at REAL NOT NULL)""")
    db.execute("CREATE INDEX strikes_user ON strikes (channel, chat_id, user_id, at)")
    db.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")


def _v2(db: Database) -> None:
    # Who wrote a recent public message (never the text): lets /escalate take a message link.
    db.execute("""CREATE TABLE seen_messages (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, message_id TEXT NOT NULL,
        user_id TEXT NOT NULL, username TEXT, link TEXT, at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id, message_id))""")
    db.execute("CREATE INDEX seen_messages_link ON seen_messages (link)")
    db.execute("CREATE INDEX seen_messages_at ON seen_messages (at)")


def _v3(db: Database) -> None:
    # Members' /report of a message: who reported it and when (never the text).
    db.execute("""CREATE TABLE reports (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, message_id TEXT NOT NULL,
        reporter_id TEXT NOT NULL, at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id, message_id, reporter_id))""")


def _v4(db: Database) -> None:
    # What moderators taught the bot (texts redacted), the moderation cases staff can undo
    # from their alert, and which FAQ answer each of the bot's posts was (for /wrong).
    db.execute("""CREATE TABLE learned_examples (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('scam','ham','paraphrase','negative')),
        faq_id TEXT, lang TEXT, text TEXT NOT NULL, channel TEXT, chat_id TEXT, message_id TEXT,
        added_by TEXT NOT NULL, at REAL NOT NULL)""")
    db.execute("""CREATE TABLE cases (
        id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, chat_id TEXT NOT NULL,
        message_id TEXT NOT NULL, user_id TEXT NOT NULL, username TEXT,
        label TEXT NOT NULL, check_name TEXT NOT NULL, text TEXT NOT NULL, done TEXT NOT NULL,
        at REAL NOT NULL, closed_at REAL, closed_by TEXT, outcome TEXT)""")
    db.execute("CREATE INDEX cases_message ON cases (channel, chat_id, message_id)")
    db.execute("""CREATE TABLE case_posts (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, message_id TEXT NOT NULL,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        PRIMARY KEY (channel, chat_id, message_id))""")
    db.execute("""CREATE TABLE bot_answers (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, message_id TEXT NOT NULL,
        faq_id TEXT NOT NULL, question TEXT NOT NULL, lang TEXT, at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id, message_id))""")
    db.execute("CREATE INDEX bot_answers_at ON bot_answers (at)")


def _v5(db: Database) -> None:
    # The example a moderator's /scam taught: undoing the case takes the lesson back too.
    db.execute("ALTER TABLE cases ADD COLUMN example_id INTEGER")


def _v6(db: Database) -> None:
    # The bot's private messages about a ticket: a member who replies to one is writing about
    # that ticket, whichever else they have open.
    db.execute("""CREATE TABLE ticket_posts (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, message_id TEXT NOT NULL, ref TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id, message_id))""")


def _v7(db: Database) -> None:
    # The staff copy of a ticket's texts (personal data kept, secrets masked), sealed with the
    # operator's data key; NULL without one, and purged some days after the ticket closes.
    db.execute("ALTER TABLE ticket_messages ADD COLUMN sealed TEXT")
    db.execute("ALTER TABLE tickets ADD COLUMN sealed_summary TEXT")


def _v8(db: Database) -> None:
    # A hand-off's details went to a ticket (the next private messages are not the case again);
    # a member's message moved to another ticket (it moves once).
    db.execute("ALTER TABLE handoffs ADD COLUMN followed_at REAL")
    db.execute("ALTER TABLE ticket_messages ADD COLUMN moved_to TEXT")


def _v9(db: Database) -> None:
    # The web console: what the bot decided about each member message (text redacted; the
    # sentence embedding kept only for questions it left to humans, to group them), one-time
    # sign-in links and sessions (only their hashes), and the moderators' web actions.
    db.execute("""CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, channel TEXT NOT NULL,
        chat_id TEXT NOT NULL, chat_title TEXT, message_id TEXT NOT NULL, user_id TEXT NOT NULL,
        username TEXT, public INTEGER NOT NULL, lang TEXT, labels TEXT NOT NULL,
        faq_id TEXT, asked INTEGER NOT NULL, answered INTEGER NOT NULL, human INTEGER NOT NULL,
        gap INTEGER NOT NULL,
        check_name TEXT, score REAL, actions TEXT, text TEXT, vector BLOB, case_id INTEGER,
        handled_by TEXT)""")
    db.execute("CREATE INDEX decisions_at ON decisions (at)")
    db.execute("CREATE INDEX decisions_chat ON decisions (chat_id, at)")
    db.execute("CREATE INDEX decisions_gap ON decisions (gap, at)")
    db.execute("CREATE INDEX decisions_faq ON decisions (faq_id, answered)")
    # The charts' numbers per UTC day, counted as decisions are logged (numbers only).
    db.execute("""CREATE TABLE decision_days (
        day INTEGER PRIMARY KEY, asked INTEGER NOT NULL DEFAULT 0,
        answered INTEGER NOT NULL DEFAULT 0, human INTEGER NOT NULL DEFAULT 0,
        scams INTEGER NOT NULL DEFAULT 0, secrets INTEGER NOT NULL DEFAULT 0)""")
    db.execute("""CREATE TABLE login_links (
        token_hash TEXT PRIMARY KEY, channel TEXT NOT NULL, user_id TEXT NOT NULL,
        username TEXT, created_at REAL NOT NULL, expires_at REAL NOT NULL, used_at REAL)""")
    db.execute("""CREATE TABLE web_sessions (
        id_hash TEXT PRIMARY KEY, channel TEXT NOT NULL, user_id TEXT NOT NULL, username TEXT,
        csrf TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL)""")
    db.execute("""CREATE TABLE faq_drafts (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, author TEXT NOT NULL,
        entry_id TEXT NOT NULL, payload TEXT NOT NULL, ids TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),
        decided_by TEXT, decided_at REAL)""")
    db.execute("""CREATE TABLE web_actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor TEXT NOT NULL,
        what TEXT NOT NULL, detail TEXT)""")
    db.execute("CREATE INDEX tickets_created ON tickets (created_at)")
    db.execute("CREATE INDEX tickets_closed ON tickets (closed_at)")


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9]


def migrate(db: Database) -> int:
    """Bring the schema to the latest version; returns the version now in place."""
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > len(MIGRATIONS):
        raise RuntimeError(f"the database was written by a newer version (schema {version}); "
                           "upgrade the bot before starting it on this file")
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(number),))
    return len(MIGRATIONS)

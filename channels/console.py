"""The local console channel: try the bot in a terminal with no account anywhere.

You type as a member of a public group; `:dm` moves you to a private chat with the bot,
`:as NAME` makes you someone else, `:mod` makes you a moderator, `:reply N text` answers
message #N (for /escalate, /scam, /faq ID; the bot's posts are numbered too, for /wrong and,
in the staff chat, /notscam). Every action the bot takes is printed, including what it would
delete, whom it would message privately and what it posts to the staff channel. Works with
piped stdin too, which is how the tests drive it.
"""

from __future__ import annotations

import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

from handlers.model import Message, User
from runtime.faults import crash_point
from runtime.outgoing import (
    BanMember,
    CopyMedia,
    HandoffPost,
    LiftMember,
    Post,
    PrivateMessage,
    RemoveMessage,
    RestoreMessage,
    RestrictMember,
    StaffPost,
)
from runtime.ports import Channel, Delivered, OutboxItem, handles
from runtime.reloading import RuntimeActions
from runtime.service import RUNTIME, SupportService

REMINDER_CHECK_SECONDS = 5.0   # the console's look at overdue tickets while nobody types
GROUP = "console-group"
STAFF = "console-staff"
_NUMBER = re.compile(r"b?[0-9]{1,9}")   # b3: the bot's third post
HELP = """Console channel — you are {user} in the public group.
  type a message         talk in the current chat
  :dm / :group           switch to a private chat with the bot / back to the group
  :staff                 switch to the staff chat (ticket commands work there and in :dm)
  :as NAME               become member NAME (a new name is a new member)
  :mod                   become the moderator "{mod}"
  :reply N text          reply to message #N (e.g. ":reply 3 /escalate !urgent", ":reply 3 /scam",
                         ":reply 3 /faq withdrawal-fees"; ":reply b2 /wrong" to the bot's post #b2)
  :edit N text           edit your message #N (edits are checked like new messages)
  :photo [caption]       send a picture (:file for a document); the bot cannot read it
  :help / :quit"""


@dataclass
class Session:
    user: str = "alice"
    private: bool = False
    staff: bool = False
    counter: int = 0
    bot_counter: int = 0
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    messages: dict[int, Message] = field(default_factory=dict)


class ConsoleChannel(Channel):
    name = "console"

    def __init__(self, service: SupportService, stdin: TextIO = sys.stdin,
                 stdout: TextIO = sys.stdout, interactive: bool | None = None) -> None:
        self.service = service
        # Whatever bytes arrive (a paste from anywhere, a binary file piped in), the loop reads
        # on: undecodable input becomes U+FFFD, unprintable output an escape, never an error.
        if hasattr(stdin, "reconfigure"):
            stdin.reconfigure(errors="replace")
        if hasattr(stdout, "reconfigure"):
            stdout.reconfigure(errors="backslashreplace")
        self.stdin = stdin
        self.out = stdout
        self.interactive = stdin.isatty() if interactive is None else interactive
        self.turn = threading.RLock()
        self.session = Session()
        moderators = service.kb.config.moderators.console
        self.moderator_name = moderators[0] if moderators else "mod"
        # The console is its own dispatcher: it also carries out the runtime's actions (/reload).
        self.runtime = RuntimeActions(service)

    # --- the loop ----------------------------------------------------------------------------

    def run(self) -> int:
        self._print(HELP.format(user=self._who(), mod=self.moderator_name))
        self._flush_outbox()  # anything a previous run decided but did not get to say
        for item in self.service.overdue_reports():
            self.carry_out(item)
        # Overdue reminders and pages come while nobody types, as in `run` on a platform.
        stop = threading.Event()
        threading.Thread(target=self._remind, args=(stop,), daemon=True,
                         name="console-reminders").start()
        try:
            return self._read()
        finally:
            stop.set()

    def _remind(self, stop: threading.Event) -> None:
        while not stop.wait(REMINDER_CHECK_SECONDS):
            with self.turn:
                for item in self.service.overdue_reports():
                    self.carry_out(item)
                # What the web console decided meanwhile (a staff reply to a member…).
                for item, _row in self.service.pending("console"):
                    self.carry_out(item)
                # The config and FAQ edited on disk (by hand, or by a separate `bot.py web`).
                if self.service.kb.config.reload_check_seconds > 0:
                    outcome = self.runtime.poll_blocking()
                    if outcome is not None:
                        for item in self.service.reload_notice(outcome):
                            self.carry_out(item)

    def _read(self) -> int:
        while True:
            if self.interactive:
                self.out.write(f"[{self._place()}] {self._who()}> ")
                self.out.flush()
            line = self.stdin.readline()
            if not line:
                return 0
            line = line.rstrip("\r\n").removeprefix("\ufeff")
            if not line.strip():
                continue
            if not self.interactive:
                self._print(f"[{self._place()}] {self._who()}: {line}")
            with self.turn:   # one thing at a time: a reminder waits for this message
                if line.startswith(":"):
                    if self._control(line) is False:
                        return 0
                    continue
                self.say(line)

    def _control(self, line: str) -> bool | None:
        verb, _, rest = line[1:].partition(" ")
        verb = verb.lower()
        if verb in ("quit", "exit", "q"):
            return False
        if verb == "help":
            self._print(HELP.format(user=self._who(), mod=self.moderator_name))
        elif verb == "dm":
            self.session.private, self.session.staff = True, False
            self._print("(you are now in a private chat with the bot)")
        elif verb == "group":
            self.session.private, self.session.staff = False, False
            self._print("(you are back in the group)")
        elif verb == "staff":
            self.session.private, self.session.staff = False, True
            self._print("(you are now in the staff chat)")
        elif verb == "as" and rest.strip().lstrip("@").strip():
            self.session.user = rest.strip().lstrip("@").split()[0]
            self._print(f"(you are now {self._who()})")
        elif verb == "mod":
            self.session.user = self.moderator_name
            self._print(f"(you are now the moderator {self._who()})")
        elif verb in ("photo", "file"):   # a picture or file, with an optional caption
            self.say(rest.strip(), media="photo" if verb == "photo" else "document")
        elif verb in ("reply", "edit"):
            number, _, text = rest.strip().partition(" ")
            # Plain digits, short: int() refuses "²" and numbers of 4,300+ digits.
            key = number.lstrip("#").lower()
            target = self.session.messages.get(key) if _NUMBER.fullmatch(key) else None
            if target is None or not text.strip():
                self._print(f"usage: :{verb} N text  (N is a message number shown as #N or #bN)")
            elif verb == "reply":
                self.say(text, reply_to=target)
            elif target.user.is_bot:
                self._print("the bot's posts cannot be edited; :edit N takes a member's message")
            else:
                self.say(text, edit_of=target)
        else:
            self._print(f"unknown console command {line.split()[0]!r}; :help lists them")
        return None

    # --- one message through the bot -----------------------------------------------------------

    def say(self, text: str, reply_to: Message | None = None, edit_of: Message | None = None,
            media: str = "") -> None:
        s = self.session
        if edit_of is not None:
            number = int(edit_of.message_id.rsplit("-", 1)[1])
        else:
            s.counter += 1
            number = s.counter
        user = User(id=s.user, username=s.user, name=s.user.capitalize())
        chat = f"dm:{s.user}" if s.private else STAFF if s.staff else GROUP
        if s.staff and reply_to is not None and reply_to.user.is_bot and \
                not text.lstrip().startswith("/"):
            # A reply to the bot's ticket post in the staff chat answers the member, as on
            # Telegram (a secret in it is masked, not taken for a leak in the staff chat).
            ref = self.service.ticket_for_staff_post("console", STAFF, reply_to.message_id)
            if ref:
                text = f"/reply {ref} {text}"
        message = Message(
            channel="console", chat_id=chat, message_id=f"{s.run_id}-{number}", user=user,
            text=text, public=not s.private, reply_to=reply_to,
            reply_to_bot=bool(reply_to and reply_to.user.is_bot),
            mentions_bot="@bot" in text.lower(), edited=edit_of is not None,
            moderator=s.staff or s.user in self.service.kb.config.moderators.console,
            staff_chat=s.staff,
            date=time.time(), link=f"console://{chat}/{number}",
            chat_title="" if s.private else "Console group" if not s.staff else "Staff",
            media=media)
        s.messages[str(number)] = message
        if not self.interactive or edit_of is None:
            self._print(f"  (#{number}{' edited' if edit_of else ''})")
        items = self.service.handle(message)
        for item in items or []:
            self.carry_out(item)
        for item in self.service.overdue_reports():
            self.carry_out(item)

    def _flush_outbox(self) -> None:
        self.service.recover_interrupted()
        for item, _row in self.service.pending("console"):
            self.carry_out(item)

    # --- executing actions: printing what would happen -----------------------------------

    def carry_out(self, item: OutboxItem) -> None:
        """Execute one item in line (the console runs no event loop): printed, marked done."""
        self.service.begin(item)
        if item.channel == RUNTIME:
            follow = self.runtime.execute_blocking(item)
            self.service.done(item)
            for next_item in follow:
                self.carry_out(next_item)
            return
        crash_point("before-send")
        delivered = self.method_for(item.action)(item.action, item)
        self.service.done(item, delivered)

    @handles(Post)
    def post(self, action: Post, item: OutboxItem) -> Delivered | None:
        target = self._number(action.reply_to)
        if not action.reply_to or not action.quote:
            self._print(f"  bot: {action.text}")
            return None
        where = f"reply to {target}" if action.public else "in private"
        self._print(f"  bot ({where}): {action.text}")
        if not action.public:
            return Delivered(f"the bot's answer to {target}")
        return self._bot_post(GROUP, action.text, f"the bot's answer to {target}")

    @handles(HandoffPost)
    def handoff(self, action: HandoffPost, item: OutboxItem) -> Delivered | None:
        self._print(f"  bot (reply to {self._number(action.reply_to)}): {action.text}")
        if action.token:
            self._print(f"    [button: Continue privately → in the DM send /start {action.token}]")
        if action.private_text and (action.user_started or not action.token):
            self._print(f"  bot → private to @{action.user_id}: {action.private_text}")
        return self._bot_post(GROUP, action.text) if action.public else None

    @handles(PrivateMessage)
    def private_message(self, action: PrivateMessage, item: OutboxItem) -> Delivered | None:
        self._print(f"  bot → private to @{action.user_id}: {action.text}")
        for label, command in action.choices:
            self._print(f"    [button: {label} → send {command}]")
        if item.ref:   # about a ticket: numbered, so the member can reply to it (":reply bN")
            return self._bot_post(f"dm:{action.user_id}", action.text)
        return None

    @handles(CopyMedia)
    def copy_media(self, action: CopyMedia, item: OutboxItem) -> Delivered:
        where = f"@{action.chat_id}" if action.chat_id else "the staff channel"
        self._print(f"  bot copies the file {self._number(action.message_id)} to {where}: "
                    f"{action.caption}")
        return self._bot_post(f"dm:{action.chat_id}" if action.chat_id else STAFF, action.caption)

    @handles(RemoveMessage)
    def remove(self, action: RemoveMessage, item: OutboxItem) -> None:
        self._print(f"  bot deletes {self._number(action.message_id)} [{action.check}]")

    @handles(RestrictMember)
    def restrict(self, action: RestrictMember, item: OutboxItem) -> None:
        self._print(f"  bot mutes @{action.user_id} for {action.seconds // 60} min [{action.check}]")

    @handles(BanMember)
    def ban(self, action: BanMember, item: OutboxItem) -> None:
        self._print(f"  bot bans @{action.user_id} [{action.check}]")

    @handles(LiftMember)
    def lift(self, action: LiftMember, item: OutboxItem) -> None:
        what = "unbans" if action.unban else "unmutes"
        self._print(f"  bot {what} @{action.user_id} [{action.check}]")

    @handles(RestoreMessage)
    def restore(self, action: RestoreMessage, item: OutboxItem) -> None:
        self._print(f"  bot shows {self._number(action.message_id)} again [{action.check}]")

    @handles(StaffPost)
    def staff_post(self, action: StaffPost, item: OutboxItem) -> Delivered:
        self._print("  [staff channel] " + action.text.replace("\n", "\n                  "))
        return self._bot_post(STAFF, action.text)

    # --- helpers -------------------------------------------------------------------------------

    def _bot_post(self, chat: str, text: str, link: str | None = None) -> Delivered:
        """The bot's post gets a number too, so a moderator can `:reply N /wrong` to an answer
        or `:reply N /notscam` to a staff alert."""
        s = self.session
        s.bot_counter += 1
        number = f"b{s.bot_counter}"
        message_id = f"{s.run_id}-{number}"
        s.messages[number] = Message(
            channel="console", chat_id=chat, message_id=message_id,
            user=User(id="bot", username="bot", name="Bot", is_bot=True), text=text,
            public=True, staff_chat=chat == STAFF, link=f"console://{chat}/{number}")
        self._print(f"  (#{number})")
        return Delivered(link or f"console://{chat}/{number}", chat, message_id)

    def _number(self, message_id: str | None) -> str:
        if not message_id:
            return "-"
        return "#" + str(message_id).rsplit("-", 1)[-1]

    def _who(self) -> str:
        return "@" + self.session.user

    def _place(self) -> str:
        return "private" if self.session.private else "staff" if self.session.staff else "group"

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

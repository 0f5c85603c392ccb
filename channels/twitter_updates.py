"""X posts and DM events as core Messages. Plain functions over the API's JSON (tweepy's `.data`)."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import Any

from handlers.config import Config
from handlers.model import Message, User
from handlers.text import strip_leading_handles

# What the mentions request asks for: the author and the post replied to (with its author, so
# a moderator's "/escalate" in reply to a member's post names the member).
MENTION_EXPANSIONS = ["author_id", "referenced_tweets.id", "referenced_tweets.id.author_id"]
MENTION_TWEET_FIELDS = ["conversation_id", "in_reply_to_user_id", "created_at", "author_id",
                        "referenced_tweets"]
USER_FIELDS = ["username", "name"]
DM_EVENT_FIELDS = ["id", "text", "event_type", "created_at", "sender_id", "dm_conversation_id",
                   "participant_ids"]

Json = dict[str, Any]


@dataclass(frozen=True)
class Me:
    """The brand's X account the bot runs as."""

    id: str
    username: str

    def status_link(self, post_id: str) -> str:
        return f"https://x.com/{self.username}/status/{post_id}"

    @property
    def compose_link(self) -> str:
        return f"https://x.com/messages/compose?recipient_id={self.id}"


def timestamp(value: str | None) -> float:
    """X's "2026-01-31T09:15:02.000Z" as unix seconds (now when absent or unreadable)."""
    if not value:
        return time.time()
    try:
        return dt.datetime.fromisoformat(value).timestamp()
    except ValueError:
        return time.time()


def post_link(username: str | None, post_id: str) -> str:
    return f"https://x.com/{username or 'i/web'}/status/{post_id}"


def _user(user_id: str, users: dict[str, Json]) -> User:
    data = users.get(user_id, {})
    return User(id=user_id, username=data.get("username"), name=data.get("name") or "")


def _roles(user_id: str, config: Config) -> tuple[bool, bool]:
    """(official account, moderator) by X user id."""
    official = any(a.id == user_id for a in config.official.twitter)
    return official, user_id in config.moderators.twitter


def _mentions(text: str, username: str) -> bool:
    return bool(re.search(rf"(?<![\w@])@{re.escape(username)}\b", text, re.IGNORECASE))


def _command_text(text: str) -> str:
    """X puts "@brand @other" before every reply; a command after them is still a command."""
    bare = strip_leading_handles(text)
    return bare if bare.startswith("/") else text


def mention_message(tweet: Json, users: dict[str, Json], referenced: dict[str, Json], me: Me,
                    config: Config) -> Message:
    """A public post that mentions us (or replies in our thread)."""
    post_id = str(tweet["id"])
    author_id = str(tweet.get("author_id") or "")
    conversation = str(tweet.get("conversation_id") or post_id)
    user = _user(author_id, users)
    official, moderator = _roles(author_id, config)
    text = tweet.get("text") or ""
    reply_to = None
    for ref in tweet.get("referenced_tweets") or []:
        parent = referenced.get(str(ref.get("id")))
        if ref.get("type") == "replied_to" and parent is not None:
            parent_author = str(parent.get("author_id") or "")
            parent_user = _user(parent_author, users)
            reply_to = Message(
                channel="twitter", chat_id=str(parent.get("conversation_id") or conversation),
                message_id=str(parent["id"]), user=parent_user, text=parent.get("text") or "",
                public=True, thread_id=conversation, from_official=_roles(parent_author, config)[0],
                date=timestamp(parent.get("created_at")),
                link=post_link(parent_user.username, str(parent["id"])))
    return Message(
        channel="twitter", chat_id=conversation, message_id=post_id, user=user,
        text=_command_text(text), public=True, reply_to=reply_to,
        reply_to_bot=str(tweet.get("in_reply_to_user_id") or "") == me.id,
        mentions_bot=_mentions(text, me.username), thread_id=conversation,
        edited=len(tweet.get("edit_history_tweet_ids") or ()) > 1, from_official=official,
        moderator=moderator, date=timestamp(tweet.get("created_at")),
        link=post_link(user.username, post_id))


def dm_message(event: Json, users: dict[str, Json], config: Config) -> Message:
    """A direct message someone sent us."""
    sender = str(event.get("sender_id") or "")
    official, moderator = _roles(sender, config)
    return Message(
        channel="twitter", chat_id=f"dm:{sender}", message_id=str(event["id"]),
        user=_user(sender, users), text=event.get("text") or "", public=False,
        from_official=official, moderator=moderator, date=timestamp(event.get("created_at")))

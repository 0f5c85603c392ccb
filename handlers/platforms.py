"""What differs between platforms, in one table: the core and the adapters read it instead of
branching on a channel's name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    accounts: str          # whose official-account list and name rules apply
    removes: str           # "delete": a message can be deleted; "hide": only hidden (X replies)
    can_restrict: bool     # mute a member in a chat
    can_ban: bool
    place_key: str         # how replies name the public place ("the group", "X")
    dm_after_start: bool   # a member can be messaged only after they opened the private chat
    max_text: int          # characters in one post (X counts weighted characters: its adapter threads)
    buttons: bool          # inline buttons (a deep link to the private chat)
    # Public posts are the brand's reputation in front of everyone: angry complaints about
    # it reach staff (on X; a Telegram group has its own moderators watching).
    complaints_to_staff: bool = False


PLATFORMS: dict[str, Platform] = {
    "telegram": Platform("telegram", "delete", True, True, "place_group", True, 4096, True),
    "twitter": Platform("twitter", "hide", False, False, "place_x", False, 280, False, True),
    # The console plays a Telegram group on a terminal.
    "console": Platform("telegram", "delete", True, True, "place_group", False, 4096, False),
}


def platform(channel: str) -> Platform:
    """The platform of a channel; an unknown one behaves like Telegram (the strictest)."""
    return PLATFORMS.get(channel, PLATFORMS["telegram"])


__all__ = ["PLATFORMS", "Platform", "platform"]

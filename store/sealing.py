"""Personal data staff need (UIDs, order numbers, TxIDs, emails), sealed at rest.

Staff answer cases better when they see the member's UID or order number, so the staff copy of
a ticket's texts keeps them (secrets are always masked). That copy is stored only encrypted,
with a Fernet key the operator keeps in the environment (`BOT_DATA_KEY`, made by
`python bot.py data-key`); the outbox, which holds staff posts until they are sent, is sealed
the same way. Without the key the bot stores and shows the redacted text only. A stolen
database file without the key shows no personal data.
"""

from __future__ import annotations

import os

from cryptography.fernet import Fernet, InvalidToken

KEY_ENV = "BOT_DATA_KEY"
PREFIX = "fernet:"


class DataKeyError(ValueError):
    """The key in the environment is not a Fernet key."""


class Sealer:
    def __init__(self, key: str | bytes | None = None) -> None:
        self._fernet: Fernet | None = None
        if key:
            try:
                self._fernet = Fernet(key)
            except (ValueError, TypeError):
                raise DataKeyError(f"{KEY_ENV} is not a data key (32 url-safe base64 bytes); make "
                                "one with `python bot.py data-key`") from None

    @classmethod
    def from_env(cls) -> Sealer:
        return cls(os.environ.get(KEY_ENV, "").strip() or None)

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, text: str | None) -> str | None:
        """The text encrypted (None without a key, or for no text)."""
        if self._fernet is None or text is None:
            return None
        return PREFIX + self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, value: str | None) -> str | None:
        """A sealed value's text; None without the key it was sealed with."""
        if self._fernet is None or not value or not value.startswith(PREFIX):
            return None
        try:
            return self._fernet.decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


__all__ = ["KEY_ENV", "PREFIX", "DataKeyError", "Sealer", "new_key"]

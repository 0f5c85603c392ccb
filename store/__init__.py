"""Persistence on SQLite via sqlite-utils: the only place with SQL."""

from .db import Store
from .learning import EXAMPLE_KINDS, Case
from .tickets import Ticket, normalize_reference, redacted_conversation

__all__ = ["EXAMPLE_KINDS", "Case", "Store", "Ticket", "normalize_reference",
           "redacted_conversation"]

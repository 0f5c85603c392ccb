"""Persistence on SQLite via sqlite-utils: the only place with SQL."""

from .db import Store
from .tickets import Ticket, normalize_reference

__all__ = ["Store", "Ticket", "normalize_reference"]

"""The store's connection: SQLite in WAL mode, one lock, transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .schema import migrate
from .sealing import Sealer


class Connection:
    """The SQLite file: one connection shared by the event loop and worker threads, behind a
    lock; every write inside `atomic()` is one transaction."""

    def __init__(self, path: str | Path, sealer: Sealer | None = None) -> None:
        # Personal data for staff is kept only sealed, with the key from the environment.
        self.sealer = sealer if sealer is not None else Sealer.from_env()
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the event loop and worker threads, behind a lock.
        conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
        self.db = Database(conn)
        self.lock = threading.RLock()
        if path != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        migrate(self.db)

    def close(self) -> None:
        with self.lock:
            self.db.close()

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """Every write inside is one transaction: all of it lands, or none."""
        with self.lock, self.db.atomic():
            yield self

    def _rows(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.db.query(sql, params))

    def _one(self, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _exec(self, sql: str, params: tuple | dict = ()) -> int:
        with self.lock:
            return self.db.execute(sql, params).rowcount

"""`python bot.py tickets …`: the operator's view of the store."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys

from handlers.config import Config
from store import Store, normalize_reference


def _when(ts: float | None) -> str:
    if not ts:
        return "-"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def tickets_command(config: Config, args: argparse.Namespace) -> int:
    store = Store(config.resolve(config.database))
    try:
        if args.action == "list":
            rows = store.export_tickets(args.status)
            if not rows:
                print("no tickets")
                return 0
            for r in rows:
                print(f"{r['ref']}  {r['status']:<8} {r['priority']:<6} {r['channel']:<8} "
                      f"{r['username'] or r['user_id']:<16} {r['topic']:<12} {_when(r['created_at'])}")
            return 0
        if args.action == "show":
            ref = normalize_reference(args.ref or "", config.tickets.prefix)
            ticket = store.ticket(ref) if ref else None
            if ticket is None:
                print(f"no ticket {args.ref!r}", file=sys.stderr)
                return 1
            for key, value in ticket.__dict__.items():
                shown = _when(value) if key.endswith(("_at", "_due")) else value
                print(f"{key:>20}: {shown}")
            print("events:")
            for e in store.ticket_events(ticket.ref):
                print(f"  {_when(e['at'])}  {e['actor']:<16} {e['kind']:<16} {e['detail'] or ''}")
            print("transcript (redacted):")
            for m in store.ticket_transcript(ticket.ref):
                print(f"  {_when(m['at'])}  {m['direction']:<4} {m['author']:<16} {m['text']}")
            return 0
        rows = store.export_tickets(args.status)
        if args.format == "json":
            json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            fields = list(rows[0]) if rows else ["ref"]
            writer = csv.DictWriter(sys.stdout, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        return 0
    finally:
        store.close()

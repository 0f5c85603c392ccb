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


def examples_command(config: Config, args: argparse.Namespace) -> int:
    """`python bot.py examples list|export|drop ID`: what moderators taught, for review. A
    running bot sees a drop at its next start or /reload of the files."""
    store = Store(config.resolve(config.database))
    try:
        if args.action == "drop":
            if not (args.id or "").lstrip("#").isdigit():
                print("usage: bot.py examples drop ID (the number `examples list` shows)",
                      file=sys.stderr)
                return 2
            number = int(args.id.lstrip("#"))
            if not store.drop_example(number):
                print(f"no example #{number}", file=sys.stderr)
                return 1
            print(f"dropped example #{number}")
            return 0
        rows = store.examples(args.kind)
        if args.action == "export":
            for r in rows:   # JSON Lines: one example per line, texts as stored (redacted)
                print(json.dumps(r, ensure_ascii=False))
            return 0
        if not rows:
            print("no examples yet: moderators teach with /scam, /notscam, /faq ID and /wrong")
            return 0
        print(f"{'id':>5}  {'kind':<10} {'entry':<24} {'by':<16} {'when':<20} text")
        for r in rows:
            text = " ".join(r["text"].split())
            print(f"{r['id']:>5}  {r['kind']:<10} {r['faq_id'] or '-':<24} {r['added_by']:<16} "
                  f"{_when(r['at']):<20} {text[:80]}")
        return 0
    finally:
        store.close()

"""`python bot.py tickets …`: the operator's view of the store."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys

from handlers.config import Config
from store import Store, normalize_reference
from store.sealing import KEY_ENV


def _when(ts: float | None) -> str:
    if not ts:
        return "-"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


TICKET_STATES = ("open", "pending", "resolved", "closed")
_TIME_FIELDS = ("created_at", "updated_at", "first_response_due", "first_response_at", "closed_at")


def _iso(ts: float | None) -> str:
    """A time as exports carry it: ISO 8601 in UTC, empty when unset."""
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds") if ts else ""


def tickets_command(config: Config, args: argparse.Namespace) -> int:
    if args.status and args.status not in TICKET_STATES:
        print(f"unknown status {args.status!r}: use one of {', '.join(TICKET_STATES)}",
              file=sys.stderr)
        return 2
    if args.action == "show" and not args.ref:
        print("usage: bot.py tickets show REF (a reference from `tickets list`)", file=sys.stderr)
        return 2
    store = Store(config.resolve(config.database))
    try:
        if args.action == "list":
            rows = store.export_tickets(args.status)
            if not rows:
                print(f"no {args.status + ' ' if args.status else ''}tickets")
                return 0
            print(f"{'ref':<12} {'status':<8} {'priority':<8} {'channel':<9} {'member':<16} "
                  f"{'topic':<12} {'opened':<20} {'first answer due':<20} assignee")
            for r in rows:
                due = "answered" if r["first_response_at"] else _when(r["first_response_due"])
                print(f"{r['ref']:<12} {r['status']:<8} {r['priority']:<8} {r['channel']:<9} "
                      f"{r['username'] or r['user_id']:<16} {r['topic']:<12} "
                      f"{_when(r['created_at']):<20} {due:<20} {r['assignee'] or '-'}")
            return 0
        if args.action == "show":
            ref = normalize_reference(args.ref or "", config.tickets.prefix)
            ticket = store.ticket(ref) if ref else None
            if ticket is None:
                print(f"no ticket {args.ref!r}", file=sys.stderr)
                return 1
            for key, value in ticket.__dict__.items():
                shown = _when(value) if key.endswith(("_at", "_due")) else value
                if key == "summary":
                    shown = store.staff_summary(ticket)
                print(f"{key:>20}: {shown}")
            print("events:")
            for e in store.ticket_events(ticket.ref):
                print(f"  {_when(e['at'])}  {e['actor']:<16} {e['kind']:<16} {e['detail'] or ''}")
            lines = store.staff_transcript(ticket.ref)
            if any(m["personal"] for m in lines):
                print("transcript (with the personal data staff need; secrets masked):")
            elif store.sealer.enabled:
                print("transcript (redacted: no personal data kept for it, purged, or sealed with "
                      "another data key):")
            else:
                print(f"transcript (redacted: set {KEY_ENV} to the data key to see UIDs, "
                      "order numbers and emails):")
            for m in lines:
                print(f"  {_when(m['at'])}  {m['direction']:<4} {m['author']:<16} {m['text']}")
            return 0
        rows = [{k: _iso(v) if k in _TIME_FIELDS else v for k, v in r.items()}
                for r in store.export_tickets(args.status)]
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
                print(json.dumps({**r, "at": _iso(r["at"])}, ensure_ascii=False))
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

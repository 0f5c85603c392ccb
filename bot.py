#!/usr/bin/env python3
"""Community support bot: command line (SPEC §7). Wires config, store and channels."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from handlers.answering.lint import Probe
    from handlers.context import Knowledge
    from runtime.knowledge import KnowledgeFiles

HERE = Path(__file__).resolve().parent


def _default_config() -> str:
    # A fresh clone has no config.yaml yet: run on the documented example.
    return "config.yaml" if Path("config.yaml").exists() else str(HERE / "config.example.yaml")


def _load(args: argparse.Namespace):
    from handlers.answering.faq import load_faq
    from handlers.config import load_config
    from handlers.context import Knowledge
    from handlers.tables import load_tables

    config = load_config(args.config)
    tables = load_tables(config)   # the overlays the config names, checked like the config
    faq = load_faq(args.faq or config.resolve(config.faq_file))
    return config, faq, Knowledge.build(config, faq, tables=tables)


def cmd_check_config(args: argparse.Namespace) -> int:
    from runtime.knowledge import KnowledgeFiles

    # Loaded as `run` loads it: the same checks, and the FAQ's questions embedded (cached).
    files = KnowledgeFiles(args.config, args.faq)
    kb = files.load()
    config, faq = kb.config, kb.faq
    print(f"{args.config}: ok ({config.brand.name}; {len(config.official.telegram)} Telegram and "
          f"{len(config.official.twitter)} X official accounts)")
    print(f"{faq.source}: ok ({len(faq)} entries; languages "
          f"{', '.join(sorted({lang for e in faq.entries for lang in e.answer}))})")
    vocabulary = kb.tables.vocabulary
    print(f"vocabulary: packs {', '.join(config.vocabulary.packs)} "
          f"({len(vocabulary.concepts)} concepts)")
    for what, path in config.overlays().items():
        print(f"{path}: ok ({what} overlay)")
    for line in access_summary(config):
        print(line)
    for line in faq_advice(kb, files):
        print(line, flush=True)
    return 0


def faq_advice(kb: Knowledge, files: KnowledgeFiles) -> Iterator[str]:
    """The FAQ lint's lines for the operator: what it checks, then one block per warning.
    Warnings never fail the check: the FAQ works, it could work better."""
    from handlers.answering.lint import lint
    from runtime.embedding import vector_cache_file
    from runtime.probes import load_probes

    faq = kb.faq
    probes: list[Probe] = []
    vectors: np.ndarray | None = None
    if kb.semantic is None:
        why = ("the sentence encoder is off (embedding.provider: none)"
               if kb.config.embedding.provider == "none"
               else "the sentence encoder could not be used (see the log line above)")
        yield f"FAQ check: overlapping and too-broad entries not checked: {why}."
    elif kb.abstention is None:
        yield ("FAQ check: too-broad entries not checked: the answer-or-abstain model is missing "
               "(see the log line above).")
    else:
        yield ("FAQ check: probing each entry with messages it should not answer (group chatter "
               "and other communities' questions from corpus/; the first run embeds them)...")
        loaded = load_probes(faq.source, kb.config.embedding,
                             vector_cache_file(kb.config) if files.cache_folder(kb.config) else None)
        if loaded is None:
            yield "FAQ check: too-broad entries not checked: no probe messages (see the log)."
        else:
            probes, vectors = loaded
    warnings = lint(kb, probes, vectors)
    for w in warnings:
        which = (f'entry "{w.entries[0]}"' if len(w.entries) == 1 else
                 "entries " + " and ".join(f'"{e}"' for e in w.entries))
        yield f"warning: {faq.source}, {which}: {w.problem}."
        for line in w.evidence:
            yield f"    {line}"
        yield f"  What to do: {w.advice}."
    yield (f"FAQ check: {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
           if warnings else "FAQ check: no warnings")


def access_summary(config) -> list[str]:
    """Who may command the bot and where (SPEC §2a), in the operator's words."""
    tg = config.telegram
    groups = ", ".join(tg.managed_groups)
    lines = ["Who may command the bot:",
             f"  Telegram moderators: {len(config.moderators.telegram)} configured id(s)"
             + (f", the admins of the managed groups ({groups})" if groups else "")
             + (f", everyone in the staff chat {tg.staff_chat_id}" if tg.staff_chat_id else ""),
             f"  X moderators: {len(config.moderators.twitter)} configured id(s)",
             "  Ticket commands run in the staff chat or a moderator's private chat; /escalate in "
             "a managed group, the staff chat or a moderator's private chat."]
    if not groups:
        lines.append("  Telegram: no managed groups (telegram.managed_groups is empty): the bot "
                     "answers in no group. Add your groups' ids; the staff chat reports each "
                     "group the bot is added to, with its id.")
    policy = ("ignored (the bot says and does nothing there)" if tg.unmanaged_groups == "ignore"
              else "safety only (leaked secrets and scams removed; no answers, no commands)")
    lines.append(f"  Any other Telegram group: {policy}"
                 + ("; the bot leaves it" if tg.leave_unmanaged_groups else "") + ".")
    if not tg.staff_chat_id:
        lines.append("warning: no telegram.staff_chat_id: tickets, scam alerts and reports reach "
                     "nobody but the log when the bot runs on Telegram or X. Create a private "
                     "staff group, add the bot, and put its id there.")
    return lines


def cmd_triage(args: argparse.Namespace) -> int:
    from handlers.triage import MAX_LINE_BYTES, encode_line, line_too_long, triage_line
    from runtime.embedding import embed_message, with_semantics

    config, _, kb = _load(args)
    kb = with_semantics(kb, config.cache_path())

    def embed(text: str):
        return embed_message(config.embedding, text)

    # Bytes in and out: one line per "\n", whatever its encoding; never more than the limit
    # of one line in memory.
    stdin, out = sys.stdin.buffer, sys.stdout.buffer
    while raw := stdin.readline(MAX_LINE_BYTES + 1):
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):   # skip the rest of the line unread
                raw = stdin.readline(1 << 20)
                size += len(raw)
            result = line_too_long(size)
        else:
            result = triage_line(raw, kb, args.explain, embed)
        out.write(encode_line(result))
        out.flush()   # a caller may wait for each answer before writing the next line
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from app import run
    from runtime.knowledge import KnowledgeFiles

    # The same loader /reload uses, with the FAQ index cached: a restart is quick.
    files = KnowledgeFiles(args.config, args.faq)
    return run(files, files.load(), args, os.environ)


def cmd_web(args: argparse.Namespace) -> int:
    from app import web_only
    from runtime.knowledge import KnowledgeFiles

    files = KnowledgeFiles(args.config, args.faq)
    return web_only(files, files.load(), os.environ)


def cmd_web_login(args: argparse.Namespace) -> int:
    from handlers.config import load_config
    from store import Store

    config = load_config(args.config)
    allowed = [str(m) for m in getattr(config.moderators, args.channel)]
    user = str(args.user).lstrip("@")
    store = Store(config.resolve(config.database))
    try:
        if args.revoke:
            ended = store.end_sessions_of(args.channel, user)
            print(f"signed out {ended} session(s) of {user} on {args.channel}; their unused links "
                  "no longer work")
            return 0
        if user not in allowed:
            print(f"error: {user} is not a configured moderator on {args.channel} (add the id "
                  f"under moderators.{args.channel} in {args.config}); a group admin can send "
                  "/console to the bot instead", file=sys.stderr)
            return 2
        web = config.web
        known = store.user(args.channel, user) or {}
        name = user if args.channel == "console" else known.get("username")
        token = store.create_login_link(args.channel, user, name, web.link_minutes * 60)
    finally:
        store.close()
    print(f"{web.base_url()}/login/{token}")
    print(f"(works once, within {web.link_minutes:g} minutes, for {user} on {args.channel})",
          file=sys.stderr)
    return 0


def cmd_tickets(args: argparse.Namespace) -> int:
    from runtime.operator import tickets_command

    config, _, _ = _load(args)
    return tickets_command(config, args)


def cmd_examples(args: argparse.Namespace) -> int:
    from runtime.operator import examples_command

    config, _, _ = _load(args)
    return examples_command(config, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", default=_default_config(), help="config file (YAML)")
        p.add_argument("--faq", default=None, help="FAQ file (default: faq_file from the config)")

    run = sub.add_parser("run", help="run every channel whose credentials are set (else the console)")
    common(run)
    run.add_argument("--console", action="store_true", help="run the local console channel only")
    run.set_defaults(func=cmd_run)

    check = sub.add_parser("check-config", help="validate the config and FAQ files")
    common(check)
    check.set_defaults(func=cmd_check_config)

    triage = sub.add_parser("triage", help="JSON Lines in on stdin, decisions out on stdout")
    common(triage)
    triage.add_argument("--explain", action="store_true",
                        help="add the checks that fired and why to each output line")
    triage.set_defaults(func=cmd_triage)

    web = sub.add_parser("web", help="serve the moderators' web console (alone; the running "
                                     "bot sends what it decides)")
    common(web)
    web.set_defaults(func=cmd_web)
    login = sub.add_parser("web-login", help="print a one-time sign-in link to the web console "
                                             "for a configured moderator")
    common(login)
    login.add_argument("--user", required=True, help="the moderator's id (a Telegram user id, an "
                                                      "X user id, or a console name)")
    login.add_argument("--channel", default="telegram", choices=("telegram", "twitter", "console"))
    login.add_argument("--revoke", action="store_true",
                       help="sign the moderator out everywhere instead")
    login.set_defaults(func=cmd_web_login)

    tickets = sub.add_parser("tickets", help="list, show or export tickets from the store")
    common(tickets)
    tickets.add_argument("action", nargs="?", default="list", choices=("list", "show", "export"))
    tickets.add_argument("ref", nargs="?", default=None)
    tickets.add_argument("--format", default="csv", choices=("csv", "json"))
    tickets.add_argument("--status", default=None)
    tickets.set_defaults(func=cmd_tickets)

    examples = sub.add_parser("examples", help="list, export (JSON Lines) or drop what "
                                               "moderators taught (/scam, /notscam, /faq, /wrong)")
    common(examples)
    examples.add_argument("action", nargs="?", default="list", choices=("list", "export", "drop"))
    examples.add_argument("id", nargs="?", default=None, help="the example to drop")
    examples.add_argument("--kind", default=None, choices=("scam", "ham", "paraphrase", "negative"))
    examples.set_defaults(func=cmd_examples)
    data_key = sub.add_parser("data-key", help="print a new key for BOT_DATA_KEY (staff see "
                              "members' UIDs and order numbers; stored only encrypted with it)")
    data_key.set_defaults(func=cmd_data_key)
    return parser


def cmd_data_key(args: argparse.Namespace) -> int:
    from store.sealing import KEY_ENV, new_key

    print(new_key())
    print(f"Keep it in the environment as {KEY_ENV} (not in config.yaml or the repository). "
          "Without it, staff see redacted texts; losing it makes the sealed copies unreadable.",
          file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    from handlers.loading import ConfigError
    from store.sealing import DataKeyError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, DataKeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:   # e.g. the database's folder cannot be created
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

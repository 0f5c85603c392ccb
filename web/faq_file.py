"""Edits of the operator's FAQ file from the console: questions added to an entry, or a new
entry. The file is edited round-trip (comments, order and quoting kept), validated as the bot
validates it, backed up, then replaced in one step."""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from handlers.answering.faq import Faq, parse_faq
from handlers.answering.lint import secret_requests
from handlers.detectors.vetting import URL
from handlers.loading import ConfigError, parse_yaml

BACKUPS_KEPT = 10


@dataclass(frozen=True)
class FaqEdit:
    """Questions (language, text) for entry `entry_id`; with `answer`, a new entry."""

    entry_id: str
    questions: tuple[tuple[str, str], ...]
    answer: dict[str, str] = field(default_factory=dict)
    category: str = ""
    links: tuple[str, ...] = ()
    private: bool = False

    @property
    def new(self) -> bool:
        return bool(self.answer)


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 100_000   # never re-wrap an operator's long answer lines
    return y


def clean(text: str, lines: bool = False) -> str:
    """Invisible characters removed, spaces folded; `lines` keeps the line breaks."""
    text = INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\u2028", "\n"))
    if lines:
        return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    return " ".join(text.split())


def _quoted(text: str, lines: bool = False) -> DoubleQuotedScalarString:
    return DoubleQuotedScalarString(clean(text, lines))


def edited(data: bytes, edit: FaqEdit) -> bytes:
    """The file's new bytes; raises ConfigError (file, entry and field named) for an entry id
    that is unknown, or taken by a new entry."""
    y = _yaml()
    doc = y.load(data.decode("utf-8-sig"))
    entries = doc.get("entries") if isinstance(doc, CommentedMap) else None
    if not isinstance(entries, CommentedSeq):
        raise ConfigError("the FAQ file has no 'entries' list")
    found = next((e for e in entries if isinstance(e, CommentedMap) and e.get("id") == edit.entry_id),
                 None)
    if edit.new:
        taken = {str(e.get("id", "")).casefold() for e in entries if isinstance(e, CommentedMap)}
        if edit.entry_id.casefold() in taken:
            raise ConfigError(f"entry id {edit.entry_id!r} is taken: choose another id")
        entry = CommentedMap()
        entry["id"] = edit.entry_id
        if edit.category:
            entry["category"] = edit.category
        entry["questions"] = CommentedMap()
        too_long = [lang for lang, text in edit.answer.items() if len(text) > ANSWER_LIMIT]
        if too_long:
            raise ConfigError(f"the {too_long[0]} answer is longer than {ANSWER_LIMIT} characters: "
                              "members read it on a phone; link to the help centre for more")
        entry["answer"] = CommentedMap(
            (lang, _quoted(text, lines=True)) for lang, text in edit.answer.items() if text.strip())
        if edit.links:
            links = CommentedSeq(_quoted(link) for link in edit.links)
            links.fa.set_flow_style()
            entry["links"] = links
        entry["private"] = edit.private
        entries.append(entry)
        found = entry
    if found is None:
        raise ConfigError(f"no entry with id {edit.entry_id!r} (it may have been renamed)")
    questions = found.setdefault("questions", CommentedMap())
    elsewhere = {clean(str(q)).casefold(): str(e.get("id")) for e in entries
                 if isinstance(e, CommentedMap) and e is not found
                 for qs in (e.get("questions") or {}).values() for q in (qs or [])}
    for lang, text in edit.questions:
        if not clean(text):
            continue
        other = elsewhere.get(clean(text).casefold())
        if other:
            raise ConfigError(f"“{clean(text)[:80]}” is already a question of entry {other!r}: "
                              "one question can lead to one entry only")
        existing = questions.setdefault(lang, CommentedSeq())
        if clean(text).casefold() not in {clean(str(q)).casefold() for q in existing}:
            existing.append(_quoted(text))
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue().encode("utf-8")


# Characters that change how text looks without being seen: control characters, line and
# paragraph separators that YAML and the bot would split on, bidirectional overrides.
INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]")
ANSWER_LIMIT = 1500   # characters: an answer is read on a phone


def _new_entry_problem(faq: Faq, edit: FaqEdit, hosts: set[str] | None) -> str:
    """A new answer written in the console speaks as the bot: it may not ask members for
    secrets or send them to a private chat, nor link anywhere the FAQ does not link already
    (a moderator account taken over must not be able to plant a phishing answer)."""
    entry = next(e for e in faq.entries if e.id == edit.entry_id)
    warnings = secret_requests(Faq([entry], faq.source))
    if warnings:
        return f"{warnings[0].problem} ({'; '.join(warnings[0].evidence)[:200]})"
    texts = (*entry.links, *entry.answer.values())
    if any(re.search(r"\bhttp://", text, re.IGNORECASE) for text in texts):
        return "links must be https:// (a plain http:// link can be altered on the way)"
    if hosts is not None:
        used = {m.lower() for text in texts for m in URL.findall(text)}
        foreign = sorted(used - hosts)
        if foreign:
            return (f"links may only go where the FAQ already links ({', '.join(sorted(hosts))}); "
                    f"not {', '.join(foreign)}. The operator can add other sites in faq.yaml")
    return ""


def save_faq(path: Path, edit: FaqEdit, hosts: set[str] | None = None,
             dry_run: bool = False) -> str:
    """Apply the edit to the file: '' when written (or, `dry_run`, when it would be), else why
    not (nothing is changed)."""
    try:
        data = path.read_bytes()
        new = edited(data, edit)
        faq = parse_faq(parse_yaml(new, path), str(path))   # exactly what the bot's loader takes
        if edit.new:
            problem = _new_entry_problem(faq, edit, hosts)
            if problem:
                return problem
        if dry_run:
            return ""
    except ConfigError as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - a file the round-trip reader cannot take
        return f"{path}: cannot be edited here ({type(exc).__name__}); edit it by hand"
    backups = path.parent / ".faq-backups"
    try:
        backups.mkdir(exist_ok=True)
        original = backups / f"{path.name}.before-the-console"
        if not original.exists():   # the operator's own file, before the first web edit
            shutil.copy2(path, original)
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**6:06d}"
        shutil.copy2(path, backups / f"{path.name}.{stamp}")
        for old in sorted(backups.glob(f"{path.name}.2*"))[:-BACKUPS_KEPT]:
            old.unlink(missing_ok=True)
        temporary = path.with_name(f".{path.name}.writing")
        temporary.write_bytes(new)
        os.replace(temporary, path)   # readers see the old file or the new one, never half
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return ""

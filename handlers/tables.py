"""The word tables the core decides with: the matcher's vocabulary (domain packs), the
impersonation check's role words and the bot's sentences. Each is a data file shipped with the
code, with the operator's overlay (named in config) merged in.

They are read and checked with the config, at start and on /reload, never while deciding:
`load_tables` is the one place that reads an overlay, and a problem in one is a ConfigError
naming the file, the entry and the field, so a /reload refuses it and the running tables stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.answering.lexicon import Vocabulary, shipped_vocabulary
from handlers.config import Config
from handlers.detectors.impersonation import RoleWords, shipped_roles
from handlers.loading import ConfigError, read_yaml
from handlers.replies.texts import SHIPPED, Texts


@dataclass(frozen=True)
class Tables:
    vocabulary: Vocabulary      # before "{brand}" is filled in with the config's names
    roles: RoleWords
    texts: Texts
    files: tuple[str, ...] = ()   # the operator's overlay files they were read with


def shipped_tables(config: Config | None = None) -> Tables:
    """The shipped files alone (the packs the config names): no overlay is read."""
    packs = tuple(config.vocabulary.packs) if config is not None else None
    vocabulary = shipped_vocabulary(packs) if packs else shipped_vocabulary()
    return Tables(vocabulary, shipped_roles(), SHIPPED)


def load_tables(config: Config) -> Tables:
    """The shipped tables with the overlays `config` names, read and checked. Every problem of
    every overlay is reported at once (ConfigError, one line each)."""
    tables = shipped_tables(config)
    vocabulary, roles, texts = tables.vocabulary, tables.roles, tables.texts
    overlays = config.overlays()
    problems: list[str] = []
    for what, path in overlays.items():
        try:
            raw = read_yaml(path)
            if what == "vocabulary":
                vocabulary = vocabulary.merged(raw, str(path))
            elif what == "roles":
                roles = roles.with_overlay(raw, str(path))
            else:
                texts = texts.with_overlay(raw, str(path))
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(problems))
    return Tables(vocabulary, roles, texts, tuple(str(p) for p in overlays.values()))


__all__ = ["Tables", "load_tables", "shipped_tables"]

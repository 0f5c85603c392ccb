"""Loading config, word tables, FAQ and the index built from them, with the index cached by
content.

Indexing a FAQ of thousands of entries takes seconds; the index depends only on the FAQ file's
bytes, on the vocabulary it is read with (domain packs, the operator's vocabulary overlay and
the brand's names) and on the code that builds it. So it is kept on disk under a key made of
exactly those (a hash of the file, of the vocabulary, of the indexing code, and of the Python
version), and a restart or a /reload of an unchanged FAQ takes a fraction of a second. An
edited FAQ or overlay has another key: it is never served from a stale cache. A cache file
that is damaged, from another version or unreadable is ignored and rebuilt; a cache that
cannot be written only costs speed.

Loading is blocking work (file reads, parsing, indexing): the runtime runs it in a worker
thread, never on the event loop. Nothing here touches the store.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import marshal
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from handlers import loading, text
from handlers.answering import analysis, faq, lexicon, matcher
from handlers.answering.faq import faq_from_records, faq_records, parse_faq
from handlers.answering.semantic import MODEL_FILE
from handlers.config import Config, load_config
from handlers.context import Knowledge, matcher_lexicon
from handlers.loading import ConfigError, parse_yaml, read_bytes
from handlers.tables import Tables, load_tables
from runtime.embedding import with_semantics

log = logging.getLogger("bot.knowledge")

CACHE_FORMAT = b"faq-index 2\n"   # first line of every cache file; bump if the layout changes
KEEP_FILES = 4                     # cache files kept: the current FAQ and a few recent versions
# The modules whose code decides what the index holds: any change to them is a new key.
_INDEX_CODE = (analysis, faq, lexicon, loading, matcher, text)


@dataclass(frozen=True)
class KnowledgeFiles:
    """Where the knowledge comes from: the config file, the overlays it names and (optionally)
    an FAQ overriding the config's `faq_file`. `load()` may run in any thread."""

    config_path: str | Path
    faq_path: str | Path | None = None
    use_cache: bool = True
    cache_dir: str | Path | None = None   # None: the config's cache folder
    answer_model: Path | None = MODEL_FILE   # None: the semantic index without a model
    # Size and modification time of each file as it was just before the last load read it:
    # a file edited while the bot was starting differs from this and is reloaded.
    stamps_at_load: dict[str, tuple] = field(default_factory=dict, compare=False, repr=False)

    def load(self) -> Knowledge:
        """Read and validate every file and build the knowledge; raises ConfigError naming the
        file, entry and field of a problem."""
        self.stamps_at_load.clear()
        self.stamps_at_load.update((stamp[0], stamp) for stamp in file_stamps(self.watched()))
        config = load_config(self.config_path)
        tables = load_tables(config)
        faq_path = self._faq(config)
        kb = build_knowledge(config, faq_path, read_bytes(faq_path), self._cache(config), tables)
        return with_semantics(kb, self.cache_folder(config), self.answer_model)

    def _faq(self, config: Config) -> Path:
        return Path(self.faq_path) if self.faq_path else config.resolve(config.faq_file)

    def watched(self, kb: Knowledge | None = None) -> tuple[Path, ...]:
        """The files a change of which is a reason to reload: the config, the FAQ and the
        overlays, as the config on disk names them now (so an overlay that was refused, or
        newly named, is watched too), plus those `kb` was read from."""
        paths = [Path(self.config_path)]
        try:
            config = load_config(self.config_path)
            paths += [self._faq(config), *config.overlays().values()]
        except ConfigError:
            pass
        if kb is not None:
            paths += [Path(kb.faq.source), *map(Path, kb.tables.files)]
        return tuple(dict.fromkeys(paths))

    def _cache(self, config: Config) -> IndexCache | None:
        folder = self.cache_folder(config)
        return IndexCache(folder) if folder else None

    def cache_folder(self, config: Config) -> Path | None:
        """Where the FAQ index and embeddings are cached (None: not cached)."""
        if not self.use_cache:
            return None
        return Path(self.cache_dir) if self.cache_dir else config.cache_path()


def file_stamps(paths: tuple[Path, ...]) -> tuple[tuple, ...]:
    """(path, modification time, size) of each file; None, None for one that is missing."""
    out = []
    for path in paths:
        try:
            st = os.stat(path)
            out.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(path), None, None))
    return tuple(out)


def load_knowledge(config_path: str | Path, faq_path: str | Path | None = None,
                   cache_dir: str | Path | None = None, use_cache: bool = True) -> Knowledge:
    return KnowledgeFiles(config_path, faq_path, use_cache, cache_dir).load()


def build_knowledge(config: Config, faq_path: Path, data: bytes,
                    cache: IndexCache | None, tables: Tables) -> Knowledge:
    """Knowledge from the FAQ file's bytes and the word tables: from the cache when it holds
    an index of this exact content and vocabulary, else parsed, validated and indexed (and
    then stored in the cache)."""
    source = str(faq_path)
    key = cache_key(data, matcher_lexicon(config, tables).fingerprint)
    stored = cache.get(key) if cache else None
    if stored is not None:
        try:
            return Knowledge.build(config, faq_from_records(stored["entries"], source),
                                   index=stored["index"], tables=tables)
        except Exception as exc:  # noqa: BLE001 - any fault in a cached index means: rebuild
            log.warning("FAQ index cache for %s unusable (%s: %s); rebuilding it", source,
                        type(exc).__name__, exc)
    kb = Knowledge.build(config, parse_faq(parse_yaml(data, faq_path), source), tables=tables)
    if cache:
        cache.put(key, {"entries": faq_records(kb.faq), "index": kb.matcher.index_state()})
    return kb


def cache_key(data: bytes, vocabulary: str) -> str:
    """The FAQ's bytes, the vocabulary's fingerprint, the indexing code and the interpreter:
    what the index depends on."""
    digest = hashlib.sha256(CACHE_FORMAT)
    digest.update(_code_version().encode())
    digest.update(vocabulary.encode() + b"\n")
    digest.update(data)
    return digest.hexdigest()


@functools.cache
def _code_version() -> str:
    digest = hashlib.sha256(f"{sys.version}|marshal {marshal.version}|pydantic "
                            f"{pydantic.VERSION}".encode())
    for module in _INDEX_CODE:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class IndexCache:
    """One file per key in a folder of the operator's own data directory.

    The format is `marshal`, which unlike pickle cannot run code when it is read; a SHA-256
    of the body is checked first, so a damaged or truncated file never reaches the decoder,
    and the key inside must match the key asked for. The folder must still be writable only
    by the bot's operator, like the database next to it: whoever can write there can feed
    the bot any FAQ answer."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / f"faq-{key[:40]}.idx"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read the FAQ index cache %s (%s); rebuilding", path, exc)
            return None
        head = len(CACHE_FORMAT)
        digest, body = blob[head:head + 32], blob[head + 32:]
        if not blob.startswith(CACHE_FORMAT) or hashlib.sha256(body).digest() != digest:
            log.warning("ignoring the damaged or foreign FAQ index cache %s; rebuilding", path)
            return None
        try:
            stored = _read_pieces(body)
        except (EOFError, ValueError, TypeError) as exc:
            log.warning("ignoring the unreadable FAQ index cache %s (%s)", path, exc)
            return None
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)   # recently used: kept when old files are pruned
        return stored

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store atomically (a reader sees the old file or the new one, never half of one)."""
        body = b"".join(len(part).to_bytes(8, "little") + part
                        for part in map(marshal.dumps, _pieces({**value, "key": key})))
        blob = CACHE_FORMAT + hashlib.sha256(body).digest() + body
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".faq-", suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
            os.replace(tmp, self._path(key))
        except OSError as exc:
            log.warning("cannot write the FAQ index cache in %s (%s); loads stay slower",
                        self.folder, exc)
            return
        self._prune()

    def _prune(self) -> None:
        """Keep the newest few files: each edit of the FAQ leaves one behind."""
        with contextlib.suppress(OSError):
            files = sorted(self.folder.glob("faq-*.idx"), key=lambda p: p.stat().st_mtime,
                           reverse=True)
            for old in files[KEEP_FILES:]:
                old.unlink()


# Long lists are stored in pieces of this many items, each decoded by its own call: reading
# the cache in a worker thread then never holds the interpreter (and the event loop) for more
# than a few milliseconds at a time, where one 10 MB object would hold it for a quarter second.
PIECE = 256
_PIECES = "\0pieces"


def _pieces(value: dict[str, Any]) -> list[Any]:
    """The dict with each long list (at any depth of dicts) replaced by a marker, followed by
    the lists' pieces in the order the markers appear."""
    out: list[Any] = []

    def skeleton(d: dict[str, Any]) -> dict[str, Any]:
        shape = {}
        for name, item in d.items():
            if isinstance(item, dict):
                shape[name] = skeleton(item)
            elif isinstance(item, list) and len(item) > PIECE:
                chunks = [item[i:i + PIECE] for i in range(0, len(item), PIECE)]
                shape[name] = (_PIECES, len(chunks))
                out.extend(chunks)
            else:
                shape[name] = item
        return shape

    return [skeleton(value), *out]


def _read_pieces(body: bytes) -> dict[str, Any]:
    """The inverse of `_pieces`, read one object at a time (each is preceded by its size)."""
    view = memoryview(body)
    at = 0

    def load() -> Any:
        nonlocal at
        size = int.from_bytes(view[at:at + 8], "little")
        if size <= 0 or at + 8 + size > len(view):
            raise ValueError("a piece runs past the end")
        at += 8 + size
        return marshal.loads(view[at - size:at])

    head = load()

    def fill(d: dict[str, Any]) -> dict[str, Any]:
        for name, item in d.items():
            if isinstance(item, dict):
                fill(item)
            elif isinstance(item, tuple) and len(item) == 2 and item[0] == _PIECES:
                d[name] = [x for _ in range(item[1]) for x in load()]
        return d

    if not isinstance(head, dict):
        raise ValueError("not an index")
    return fill(head)


__all__ = ["IndexCache", "KnowledgeFiles", "build_knowledge", "cache_key", "load_knowledge"]

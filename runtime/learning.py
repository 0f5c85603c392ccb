"""Moderators' lessons in memory: the stored examples embedded with the encoder in force (the
vectors of old ones come from the on-disk cache), and each new one added as it is taught."""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from handlers.context import Knowledge
from handlers.core import decide
from handlers.learned import NO_MEMORY, Example, LearnedMemory
from handlers.model import Message, User
from store import Store

from .embedding import EmbeddingError, VectorCache, embed_message, embedder_for, vector_cache_file

log = logging.getLogger("bot.learning")


def _model_id(kb: Knowledge) -> str:
    return kb.semantic.model_id if kb.semantic is not None else ""


def lessons_from_store(store: Store, kb: Knowledge) -> LearnedMemory:
    """Every stored example, embedded; an empty memory when the encoder is off (the examples
    stay stored and count again once it is on)."""
    with store.atomic():   # the rows and the last id of one moment
        rows, last = store.examples(), store.last_example_id()
    embedder = embedder_for(kb.config.embedding)
    if not rows or embedder is None or kb.semantic is None:
        if rows:
            log.warning("%d taught example(s) unused: the sentence encoder is off", len(rows))
        return LearnedMemory(model_id=_model_id(kb), read_up_to=last)
    texts = [r["text"] for r in rows]
    try:
        cache = VectorCache(vector_cache_file(kb.config), embedder.model_id)
        vectors = cache.embed(embedder, texts)
    except EmbeddingError as exc:
        log.warning("taught examples unused until the encoder answers: %s", exc)
        return LearnedMemory(model_id=_model_id(kb), read_up_to=last)
    examples = tuple(_scored(Example(int(r["id"]), r["kind"], r["text"], r["faq_id"],
                                     r["added_by"]), vector, kb)
                     for r, vector in zip(rows, vectors, strict=True))
    return LearnedMemory(examples, np.asarray(vectors, dtype=np.float32), embedder.model_id, last)


def _scored(example: Example, vector: np.ndarray, kb: Knowledge) -> Example:
    """A not-scam lesson with the scam model's probability for its text (what it covers)."""
    if example.kind != "ham" or kb.heads is None:
        return example
    message = Message(channel="telegram", chat_id="lesson", message_id=str(example.id),
                      user=User("lesson"), text=example.text, public=True)
    scores = {label: p for label, p, _t in
              decide(message, replace(kb, learned=NO_MEMORY), vector=vector).safety_scores}
    return replace(example, scam_score=scores.get("scam"))


def add_lesson(memory: LearnedMemory, example: Example, kb: Knowledge) -> LearnedMemory:
    """The memory with one more example (unchanged, with a log line, if it cannot be embedded
    now: it is stored, and counts from the next start)."""
    if kb.semantic is None:
        return memory
    vector = embed_message(kb.config.embedding, example.text)
    if vector is None:
        log.warning("example #%d is stored but counts only after a restart: no embedding now",
                    example.id)
        return memory
    if memory.vectors is not None and memory.vectors.shape[1] != vector.shape[0]:
        return memory
    return memory.with_example(_scored(example, vector, kb), vector)


__all__ = ["add_lesson", "lessons_from_store"]

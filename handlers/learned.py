"""What moderators taught the bot, as a memory the core consults: scam and not-scam examples
(`/scam`, `/notscam`), paraphrases of FAQ entries (`/faq ID`) and questions an entry answered
wrongly (`/wrong`). Pure: the runtime loads the examples from the store, embeds them and hands
them over; adding one is an array append, so a lesson counts from the next message on.

The thresholds were read off the project's corpus (`corpus/`), not the evaluation sets: in
e5's space a similarity of 0.90 between two messages says little on its own (half of such
pairs of corpus messages differ on the label), so an example alone decides only for a near
copy; below that, it tips a message the safety head already leaned towards.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from handlers.answering.semantic import SemanticIndex

# A near copy of a taught message (a spammer's repost with another address, the same question
# asked again): the example decides alone.
NEAR_COPY = 0.96
# Like a message marked as scam, and the scam head already gave it at least this share of its
# threshold: a scam (corpus, train and validation splits: precision 0.83 where the pairs are
# this dense; far fewer taught examples than corpus rows make it safer in use).
LIKE_SCAM = 0.90
HEAD_SHARE = 0.5
# Like a message marked as not a scam: the learned checks (head and examples) stand down.
LIKE_HAM = 0.93
# How much more suspicious than the cleared text a message may look and still be cleared.
CLEARED_MARGIN = 0.1
# Like a question an entry was wrongly given for: that entry is not given again.
LIKE_WRONG = 0.93


@dataclass(frozen=True)
class Example:
    id: int
    kind: str                 # "scam", "ham", "paraphrase", "negative"
    text: str                 # redacted
    faq_id: str | None = None
    added_by: str = ""
    # For a not-scam lesson: the scam model's probability for the cleared text. A message
    # the model finds clearly more suspicious than that is not covered by the lesson.
    scam_score: float | None = None


@dataclass(frozen=True)
class Nearest:
    example: Example
    similarity: float


@dataclass(frozen=True)
class LearnedMemory:
    examples: tuple[Example, ...] = ()
    vectors: np.ndarray | None = None       # (examples, dim), rows L2-normalised
    model_id: str = ""
    # Read from the store when it had handed out ids up to this one: a higher id was taught
    # after the read (a lower one missing from the memory was dropped).
    read_up_to: int = 0
    _extended: dict = field(default_factory=dict, compare=False, repr=False)
    # The last message's similarities to every example: one product per message, however
    # many questions the core asks.
    _memo: list = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_kinds", np.asarray([e.kind for e in self.examples], dtype=object))
        object.__setattr__(self, "_entries", np.asarray([e.faq_id or "" for e in self.examples],
                                                        dtype=object))

    def __len__(self) -> int:
        return len(self.examples)

    def with_example(self, example: Example, vector: np.ndarray) -> LearnedMemory:
        row = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        vectors = row if self.vectors is None else np.vstack([self.vectors, row])
        return LearnedMemory((*self.examples, example), vectors, self.model_id, self.read_up_to)

    def without(self, example_id: int) -> LearnedMemory:
        keep = [i for i, e in enumerate(self.examples) if e.id != example_id]
        if len(keep) == len(self.examples):
            return self
        vectors = self.vectors[keep] if self.vectors is not None and keep else None
        return LearnedMemory(tuple(self.examples[i] for i in keep), vectors, self.model_id,
                             self.read_up_to)

    def with_newer(self, other: LearnedMemory) -> LearnedMemory:
        """This memory plus what `other` learned after it was read (examples with higher ids),
        when both read the same encoder's vectors."""
        last = max(self.read_up_to, max((e.id for e in self.examples), default=0))
        newer = [i for i, e in enumerate(other.examples) if e.id > last]
        if not newer or other.vectors is None or other.model_id != self.model_id:
            return self
        out = self
        for i in newer:
            out = out.with_example(other.examples[i], other.vectors[i])
        return out

    def _similarities(self, vector: np.ndarray | None) -> np.ndarray | None:
        if vector is None or self.vectors is None or self.vectors.shape[1] != len(vector):
            return None
        memo = self._memo
        if memo and memo[0] is vector:
            return memo[1]
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        memo[:] = [vector, sims]
        return sims

    def nearest(self, vector: np.ndarray | None, kind: str,
                faq_id: str | None = None) -> Nearest | None:
        """The closest example of this kind (and entry), if any."""
        sims = self._similarities(vector)
        if sims is None:
            return None
        mask = self._kinds == kind
        if faq_id is not None:
            mask &= self._entries == faq_id
        rows = np.flatnonzero(mask)
        if not len(rows):
            return None
        best = int(rows[np.argmax(sims[rows])])
        return Nearest(self.examples[best], float(sims[best]))

    def wrong_entries(self, vector: np.ndarray | None) -> dict[str, Nearest]:
        """Entries a moderator said were the wrong answer to a question like this one."""
        sims = self._similarities(vector)
        if sims is None:
            return {}
        out: dict[str, Nearest] = {}
        for i in np.flatnonzero((self._kinds == "negative") & (sims >= LIKE_WRONG)):
            example = self.examples[int(i)]
            if example.faq_id and (example.faq_id not in out
                                   or sims[i] > out[example.faq_id].similarity):
                out[example.faq_id] = Nearest(example, float(sims[i]))
        return out

    def taught_answer(self, vector: np.ndarray | None, known: set[str]) -> Nearest | None:
        """A near copy of a question a moderator answered with an entry that still exists."""
        near = self.nearest(vector, "paraphrase")
        if near is None or near.similarity < NEAR_COPY or near.example.faq_id not in known:
            return None
        return near

    def extend(self, index: SemanticIndex) -> SemanticIndex:
        """The FAQ index with the taught paraphrases as more example questions of their
        entries (the answer model then weighs them like the operator's own)."""
        key = id(index)
        cached = self._extended.get(key)
        if cached is not None and cached[0] is index:
            return cached[1]
        position = {entry.id: i for i, entry in enumerate(index.entries)}
        rows = [i for i in np.flatnonzero(self._kinds == "paraphrase")
                if self.examples[i].faq_id in position]
        self._extended.clear()   # one index at a time: an old one is not kept alive
        if not rows or self.vectors is None or self.vectors.shape[1] != index.vectors.shape[1]:
            self._extended[key] = (index, index)
            return index
        owner = np.asarray([position[self.examples[i].faq_id] for i in rows], dtype=np.int64)
        extended = replace(index, vectors=np.vstack([index.vectors, self.vectors[rows]]),
                           owner=np.concatenate([index.owner, owner]), crowd=None)
        self._extended[key] = (index, extended)
        return extended


NO_MEMORY = LearnedMemory()

__all__ = ["CLEARED_MARGIN", "HEAD_SHARE", "LIKE_HAM", "LIKE_SCAM", "LIKE_WRONG", "NEAR_COPY", "NO_MEMORY",
           "Example", "LearnedMemory", "Nearest"]

"""FAQ gaps: the questions the bot left unanswered or to humans, grouped by meaning with the
sentence encoder's embeddings (stored with each such decision), largest group first, each
with the FAQ entry nearest to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from handlers.answering.semantic import SemanticIndex

# Two questions with embeddings at least this similar are grouped. On the project's corpus
# (900 questions of four communities), pairs at 0.90 or more ask about the same FAQ entry 18
# times as often as pairs at random, yet most such pairs are neighbouring topics: a group is a
# suggestion, and the moderator ticks which of its questions to add.
SAME_QUESTION = 0.9
EXAMPLES_SHOWN = 5
QUESTIONS_KEPT = 20   # questions of a group offered as paraphrases (the most central first)
TICKED = 0.93         # ticked at first: this close to the group (the moderator decides the rest)


@dataclass(frozen=True)
class GapGroup:
    ids: tuple[int, ...]                        # decision rows in the group
    questions: tuple[tuple[int, str, str], ...]  # (decision id, language, text), most central first
    nearest: str | None                         # the closest FAQ entry
    score: float                                # its closest example's similarity
    channels: tuple[str, ...]
    last_at: float
    closeness: tuple[float, ...] = ()            # each question's similarity to the group

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def examples(self) -> tuple[tuple[int, str, str], ...]:
        return self.questions[:EXAMPLES_SHOWN]

    @property
    def offered(self) -> list[tuple[int, str, str, bool]]:
        """(id, language, text, ticked at first) for the form."""
        return [(i, lang, text, self.size <= 3 or close >= TICKED)
                for (i, lang, text), close in zip(self.questions, self.closeness, strict=True)]

    @property
    def key(self) -> str:
        """What a form sends back to name the group: its decision ids."""
        return ",".join(map(str, self.ids))


def group_questions(rows: list[dict[str, Any]], index: SemanticIndex | None,
                    threshold: float = SAME_QUESTION, limit: int = 50) -> list[GapGroup]:
    """Groups of `rows` (from `Store.gap_questions`), largest first: each question joins the
    densest unclaimed question it is close to."""
    rows = [r for r in rows if r["vector"]]
    if not rows:
        return []
    dim = len(rows[0]["vector"]) // 2
    rows = [r for r in rows if len(r["vector"]) == dim * 2]   # one encoder's vectors only
    vectors = np.frombuffer(b"".join(r["vector"] for r in rows), dtype=np.float16) \
        .reshape(len(rows), dim).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    close = (vectors @ vectors.T) >= threshold
    density = close.sum(axis=1)
    free = np.ones(len(rows), dtype=bool)
    groups: list[np.ndarray] = []
    for seed in np.argsort(-density, kind="stable"):
        if not free[seed]:
            continue
        members = np.flatnonzero(close[seed] & free)
        if len(members) > 2:
            # A question with generic wording ("is it just me?") is close to many topics: a
            # member stays only if it is close to the group as a whole, not only to the seed.
            centre = vectors[members].mean(axis=0)
            centre /= max(float(np.linalg.norm(centre)), 1e-12)
            members = members[(vectors[members] @ centre >= threshold) | (members == seed)]
        free[members] = False
        groups.append(members)
    groups.sort(key=lambda g: (-len(g), -max(rows[i]["at"] for i in g)))
    out = []
    for members in groups[:limit]:
        centroid = vectors[members].mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        order = members[np.argsort(-(vectors[members] @ centroid), kind="stable")]
        nearest, score = None, 0.0
        if index is not None and index.vectors.shape[1] == vectors.shape[1] and len(index.entries):
            scores = index.entry_scores(centroid)
            best = int(np.argmax(scores))
            nearest, score = index.entries[best].id, float(scores[best])
        seen: set[str] = set()
        questions, closeness = [], []
        for i in order:
            text = " ".join(str(rows[i]["text"]).split())
            if text.casefold() not in seen:
                seen.add(text.casefold())
                questions.append((int(rows[i]["id"]), rows[i]["lang"] or "en", text))
                closeness.append(round(float(vectors[i] @ centroid), 3))
        out.append(GapGroup(ids=tuple(int(rows[i]["id"]) for i in order),
                            questions=tuple(questions[:QUESTIONS_KEPT]),
                            closeness=tuple(closeness[:QUESTIONS_KEPT]), nearest=nearest,
                            score=score, channels=tuple(sorted({rows[i]["channel"] for i in order})),
                            last_at=max(float(rows[i]["at"]) for i in order)))
    return out

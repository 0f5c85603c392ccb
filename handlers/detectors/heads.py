"""Learned safety heads: one logistic regression per label over the message's sentence
embedding, what the rules found and the words it uses (`tools/train_safety.py` trains them on
the project's safety corpus).

The words matter beside the embedding: "a withdrawal I didn't make" and "a withdrawal that
hasn't arrived" embed close together, but "didn't make", "never added", "不是我" tell a
takeover from a slow transfer. Words and word pairs (Chinese: characters and character pairs)
are hashed into a fixed number of buckets, so the weights stay a small file and a message
costs a few hundred microseconds.

The rules keep their guarantees (a checksummed recovery phrase is a secret whatever a head
says); a head only adds what the rules missed, when its probability reaches the threshold set
on held-out data. Pure: the weights arrive as a dict the runtime read from
`data/safety_heads.json`.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HEADS_FILE = Path(__file__).resolve().parent / "data" / "safety_heads.json"
LABELS = ("scam", "urgent", "sensitive", "secret")
# What the rules concluded, as features beside the embedding (in this order).
RULE_FEATURES = ("rule_scam", "rule_urgent", "rule_sensitive", "rule_secret", "public")
GRAM_CHARS = 2000     # what the word features read of a message (its start)
_WORD = re.compile(r"[^\W_]+(?:'[a-z]+)?")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def grams(text: str) -> set[str]:
    """The words and adjacent word pairs of a text, lower-cased and NFKC-folded (full-width
    letters read as ASCII); a run of Chinese counts its characters and character pairs."""
    folded = unicodedata.normalize("NFKC", text[:GRAM_CHARS]).lower().replace("\u2019", "'")
    words = _WORD.findall(_HAN.sub(" ", folded))
    out = set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}
    for run in _HAN.findall(folded):
        out.update(run)
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


_LETTERS = re.compile(r"[^\W\d_]{3,}")


def char_grams(text: str) -> set[str]:
    """The four-letter pieces of each word not written in Chinese ("<hackearon>" → "<hac",
    "hack", …): "hackearon", "hacklendi", "gehackt" and "hacked" share "hack", as do a word and
    its typos, where whole words share nothing."""
    folded = unicodedata.normalize("NFKC", text[:GRAM_CHARS]).lower()
    out: set[str] = set()
    for word in _LETTERS.findall(_HAN.sub(" ", folded)):
        word = f"<{word}>"
        out.update(word[i:i + 4] for i in range(len(word) - 3))
    return out


def gram_buckets(text: str, buckets: int, of=grams) -> list[int]:
    """The buckets of `of(text)` (CRC-32: the same in every process)."""
    return sorted({zlib.crc32(gram.encode("utf-8")) % buckets for gram in of(text)})


def gram_vector(text: str, buckets: int, scale: float, idf: np.ndarray | None = None,
                of=grams) -> np.ndarray:
    """`of(text)` hashed into `buckets` dimensions, each weighted by its rarity in the
    training corpus (`idf`: "my", "an", "usdt" say little), scaled to length `scale`."""
    vector = np.zeros(buckets, dtype=np.float64)
    if buckets:
        at = gram_buckets(text, buckets, of)
        vector[at] = 1.0 if idf is None else idf[at]
        norm = float(np.linalg.norm(vector))
        if norm:
            vector *= scale / norm
    return vector


@dataclass(frozen=True)
class Head:
    label: str
    weights: np.ndarray      # embedding dimensions, then RULE_FEATURES, then gram buckets
    bias: float
    threshold: float

    def probability(self, features: np.ndarray) -> float:
        z = float(features @ self.weights) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class SafetyHeads:
    heads: dict[str, Head]
    embedding_model: str    # the encoder whose vectors they were trained on
    source: str = ""
    gram_buckets: int = 0   # 0: the heads read no words
    gram_scale: float = 1.0
    gram_idf: np.ndarray | None = None
    char_buckets: int = 0   # 0: the heads read no pieces of words
    char_scale: float = 1.0
    char_idf: np.ndarray | None = None

    @classmethod
    def from_dict(cls, raw: dict, source: str = "") -> SafetyHeads:
        if tuple(raw["rule_features"]) != RULE_FEATURES:
            raise ValueError(f"rule features {raw['rule_features']} are not {RULE_FEATURES}")
        heads = {}
        for label, head in raw["heads"].items():
            if label not in LABELS:
                raise ValueError(f"unknown label {label!r}")
            heads[label] = Head(label, np.asarray(head["weights"], dtype=np.float64),
                                float(head["bias"]), float(head["threshold"]))
        dims = {h.weights.shape for h in heads.values()}
        if len(dims) > 1:
            raise ValueError("heads of different sizes")
        hashed = []
        for kind in ("grams", "chars"):
            part = raw.get(kind) or {}
            buckets = int(part.get("buckets", 0))
            idf = np.asarray(part["idf"], dtype=np.float64) if part.get("idf") else None
            if idf is not None and idf.shape != (buckets,):
                raise ValueError(f"{len(idf)} {kind} weights for {buckets} buckets")
            hashed.append((buckets, float(part.get("scale", 1.0)), idf))
        return cls(heads, str(raw["embedding_model"]), source, *hashed[0], *hashed[1])

    def features(self, vector: np.ndarray, rules: tuple[bool, ...], text: str) -> np.ndarray:
        """What the heads read of one message (the training tool builds the same rows)."""
        return np.concatenate([np.asarray(vector, dtype=np.float64),
                               np.asarray(rules, dtype=np.float64),
                               gram_vector(text, self.gram_buckets, self.gram_scale,
                                           self.gram_idf),
                               gram_vector(text, self.char_buckets, self.char_scale,
                                           self.char_idf, char_grams)])

    def scores(self, vector: np.ndarray, rules: tuple[bool, ...], text: str) -> dict[str, float]:
        """Each head's probability for this message (`rules`: RULE_FEATURES' values)."""
        features = self.features(vector, rules, text)
        return {label: head.probability(features) for label, head in self.heads.items()
                if head.weights.shape == features.shape}


__all__ = ["HEADS_FILE", "LABELS", "RULE_FEATURES", "Head", "SafetyHeads", "char_grams", "gram_buckets",
           "gram_vector", "grams"]

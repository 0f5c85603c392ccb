"""Learned safety heads: one logistic regression per label over the message's sentence
embedding and what the rules found (`tools/train_safety.py` trains them on the project's
safety corpus).

The rules keep their guarantees (a checksummed recovery phrase is a secret whatever a head
says); a head only adds what the rules missed, when its probability reaches the threshold set
on held-out data. Pure: the weights arrive as a dict the runtime read from
`data/safety_heads.json`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HEADS_FILE = Path(__file__).resolve().parent / "data" / "safety_heads.json"
LABELS = ("scam", "urgent", "sensitive", "secret")
# What the rules concluded, as features beside the embedding (in this order).
RULE_FEATURES = ("rule_scam", "rule_urgent", "rule_sensitive", "rule_secret", "public")


@dataclass(frozen=True)
class Head:
    label: str
    weights: np.ndarray      # embedding dimensions, then RULE_FEATURES
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
        return cls(heads, str(raw["embedding_model"]), source)

    def scores(self, vector: np.ndarray, rules: tuple[bool, ...]) -> dict[str, float]:
        """Each head's probability for this message (`rules`: RULE_FEATURES' values)."""
        features = np.concatenate([np.asarray(vector, dtype=np.float64),
                                   np.asarray(rules, dtype=np.float64)])
        return {label: head.probability(features) for label, head in self.heads.items()
                if head.weights.shape == features.shape}


__all__ = ["HEADS_FILE", "LABELS", "RULE_FEATURES", "Head", "SafetyHeads"]

"""Train the answer-or-abstain model on the project's corpus (`python bot.py train`).

For every community in `corpus/` (its FAQ, its config and its labelled messages), each message
is embedded and matched exactly as the bot does it, its candidate entries are described by
`handlers.answering.semantic.describe`, and a logistic regression learns which candidate answers
the message. The thresholds are set on the validation split: the lowest probability at which
public answers keep a precision of at least 0.95 (private: 0.90) for every higher threshold too.
The blind split (messages by writers who never saw the training ones) is only reported.

Deterministic: fixed corpus order, features rounded before fitting, a deterministic solver,
weights rounded when written. Run it twice and the file is the same byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.answering.choice import choose_entry  # noqa: E402
from handlers.answering.intent import read_intent  # noqa: E402
from handlers.answering.semantic import FEATURES, MODEL_FILE, describe  # noqa: E402
from handlers.core import _length  # noqa: E402
from handlers.model import Message, User  # noqa: E402
from runtime.embedding import VectorCache, embedder_for  # noqa: E402
from runtime.knowledge import KnowledgeFiles  # noqa: E402

CORPUS = ROOT / "corpus"
CACHE = CORPUS / ".cache"
TARGET = {"public": 0.95, "private": 0.90}
MIN_ANSWERED = 20        # a threshold is not judged on fewer answers than this


@dataclass
class Example:
    domain: str
    split: str
    public: bool
    gold: str | None
    candidates: list[tuple[str, tuple[float, ...]]]
    pick: str | None = None      # what the word matcher's rules answer


def load_domain(folder: Path) -> list[Example]:
    files = KnowledgeFiles(folder / "config.yaml", use_cache=True, cache_dir=CACHE)
    kb = files.load()
    if kb.semantic is None:
        raise SystemExit(f"{folder}: no semantic index (is the encoder configured?)")
    rows = [json.loads(line) for line in (folder / "messages.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    embedder = embedder_for(kb.config.embedding)
    vectors = VectorCache(CACHE, f"{embedder.model_id}/messages/{folder.name}").embed(
        embedder, [r["text"] for r in rows])
    out = []
    for row, vector in zip(rows, vectors, strict=True):
        public = bool(row["public"])
        message = Message(channel="telegram", chat_id="-100" if public else "7", message_id="1",
                          user=User("7", "member"), text=row["text"], public=public)
        match = kb.matcher.match(row["text"], addressed=message.addressed, gate=False)
        intent = read_intent(match.analysis)
        settings = kb.config.matching
        pick = choose_entry(match, intent, message, settings.public_threshold,
                            settings.private_threshold).entry
        candidates = [(entry.id, tuple(round(f, 6) for f in features)) for entry, features in
                      describe(kb.semantic, vector, kb.matcher, match, intent, public,
                               _length(row["text"]), pick.id if pick else None)]
        out.append(Example(folder.name, row["split"], public, row["faq"], candidates,
                           pick.id if pick else None))
    return out


def fit(examples: list[Example]) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    x = np.array([f for e in examples for _, f in e.candidates], dtype=np.float64)
    y = np.array([int(entry == e.gold) for e in examples for entry, _ in e.candidates])
    # Standardised for the fit (e5's similarities crowd into a narrow band), then folded back
    # into weights on the raw features, so the bot computes one dot product.
    mean, std = x[:, 1:].mean(axis=0), x[:, 1:].std(axis=0)
    std[std == 0] = 1.0
    z = (x[:, 1:] - mean) / std
    model = LogisticRegression(C=1.0, max_iter=5000, solver="lbfgs")
    model.fit(z, y)
    w = model.coef_[0] / std
    bias = float(model.intercept_[0]) - float(np.dot(w, mean))
    return np.round(np.concatenate([[bias], w]), 6)


def best(example: Example, weights: np.ndarray) -> tuple[str, float]:
    scores = [(float(1 / (1 + np.exp(-np.dot(weights, f)))), entry)
              for entry, f in example.candidates]
    p, entry = max(scores, key=lambda s: (s[0], [-ord(c) for c in s[1]]))
    return entry, p


def threshold(examples: list[Example], weights: np.ndarray, target: float) -> float:
    """The lowest threshold at which precision stays ≥ target for it and every higher one."""
    judged = sorted((best(e, weights)[1], best(e, weights)[0] == e.gold) for e in examples)
    chosen = 1.0
    correct = answered = 0
    for p, right in reversed(judged):
        answered += 1
        correct += right
        if answered >= MIN_ANSWERED and correct / answered < target:
            break
        chosen = p
    return round(chosen, 4)


def probability(example: Example, weights: np.ndarray, entry: str) -> float:
    f = next(f for e, f in example.candidates if e == entry)
    return float(1 / (1 + np.exp(-np.dot(weights, f))))


def decision(example: Example, weights: np.ndarray, thresholds: dict[str, float]) -> str | None:
    """What the bot answers: the model's best entry over its threshold, else the rules' pick
    unless the model vetoes it (as handlers.answering.choice.choose_ranked)."""
    entry, p = best(example, weights)
    if p >= thresholds["public" if example.public else "private"]:
        return entry
    if example.pick and probability(example, weights, example.pick) >= thresholds["veto"]:
        return example.pick
    return None


def veto(examples: list[Example], weights: np.ndarray, target: float) -> float:
    """The lowest model probability at which the rules' picks stay ≥ target precision."""
    judged = sorted((probability(e, weights, e.pick), e.pick == e.gold)
                    for e in examples if e.pick)
    chosen = 1.0
    correct = answered = 0
    for p, right in reversed(judged):
        answered += 1
        correct += right
        if answered >= MIN_ANSWERED and correct / answered < target:
            break
        chosen = p
    return round(chosen, 4)


def figures(examples: list[Example], weights: np.ndarray, thresholds: dict[str, float]) -> dict:
    out: dict = {}
    for where in ("public", "private"):
        rows = [e for e in examples if e.public == (where == "public")]
        answered = correct = 0
        for e in rows:
            entry = decision(e, weights, thresholds)
            if entry is not None:
                answered += 1
                correct += entry == e.gold
        expected = sum(e.gold is not None for e in rows)
        out[where] = {"precision": round(correct / answered, 3) if answered else 1.0,
                      "recall": round(correct / expected, 3) if expected else 1.0,
                      "answered": answered, "expected": expected}
    return out


def corpus_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(CORPUS.glob("*/*")):
        if path.is_file():
            digest.update(path.relative_to(CORPUS).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(MODEL_FILE), help="where the weights are written")
    args = parser.parse_args(argv)
    examples: list[Example] = []
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "messages.jsonl").exists()):
        examples += load_domain(folder)
    by_split: dict[str, list[Example]] = defaultdict(list)
    for e in examples:
        by_split[e.split].append(e)
    weights = fit(by_split["train"])
    valid = by_split["validation"]
    thresholds = {where: threshold([e for e in valid if e.public == (where == "public")], weights,
                                   TARGET[where]) for where in ("public", "private")}
    thresholds["veto"] = veto(valid, weights, TARGET["public"])
    report = {split: figures(by_split[split], weights, thresholds)
              for split in ("train", "validation", "blind")}
    report["blind_by_domain"] = {
        d: figures([e for e in by_split["blind"] if e.domain == d], weights, thresholds)
        for d in sorted({e.domain for e in examples})}
    model = {"features": list(FEATURES), "weights": [float(w) for w in weights],
             "public_threshold": thresholds["public"], "private_threshold": thresholds["private"],
             "lexical_veto": thresholds["veto"],
             "trained_on": f"corpus {corpus_digest()}, {len(by_split['train'])} messages",
             "figures": report}
    Path(args.out).write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(json.dumps({k: report[k] for k in ("validation", "blind")}, indent=1))
    print(f"thresholds: public {thresholds['public']}, private {thresholds['private']}, "
          f"veto of the rules' pick {thresholds['veto']}; "
          f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

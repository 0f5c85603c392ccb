"""Messages an FAQ should not answer, from the project's own corpus, for the FAQ lint's
broadness check (`handlers.answering.lint.too_broad`).

Each community in `corpus/` has group chatter (`offtopic`) and questions its FAQ does not
cover (`uncovered`); for any other community's FAQ both are messages it has no business
answering. A fixed sample of them is taken: chatter mostly, because a question another
community's FAQ misses is often one an FAQ of the same trade rightly answers (the shipped
exchange FAQ answers 23 of the 1,010 such questions, correctly), while no entry should answer
chatter. The held-out `blind` split stays out. The sample does not depend on the FAQ being
checked (its own community's rows are dropped afterwards), so its embeddings are cached once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from pathlib import Path

import numpy as np

from handlers.answering.lint import Probe
from handlers.config import EmbeddingSettings
from runtime.embedding import EmbeddingError, VectorCache, embedder_for

log = logging.getLogger("bot.probes")

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
# How many of each kind: 400 messages embed in about 15 seconds the first time.
SAMPLE = {"offtopic": 300, "uncovered": 100}


def sample(rows: list[dict], sizes: dict[str, int] = SAMPLE) -> list[Probe]:
    """A deterministic sample, spread evenly over communities and languages: one message of
    each (community, language) in turn, each group in an order fixed by a hash of the ids."""
    out: list[Probe] = []
    for kind, size in sizes.items():
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in rows:
            if row.get("kind") == kind and row.get("split") != "blind" and \
                    isinstance(row.get("text"), str) and row["text"].strip():
                groups[(row["community"], str(row.get("lang", "")))].append(row)
        for group in groups.values():
            group.sort(key=lambda r: hashlib.sha256(str(r.get("id", r["text"])).encode()).hexdigest())
        keys = sorted(groups)
        taken, depth = 0, 0
        while taken < size and any(depth < len(groups[k]) for k in keys):
            for key in keys:
                if depth < len(groups[key]) and taken < size:
                    row = groups[key][depth]
                    out.append(Probe(row["text"], kind, row["community"]))
                    taken += 1
            depth += 1
    return out


def read_corpus(corpus: Path = CORPUS) -> list[dict]:
    """Every row of every community's messages.jsonl (a community: a folder with its own FAQ;
    the safety corpus has none), with its community's name added."""
    rows = []
    for path in sorted(p.parent / "messages.jsonl" for p in corpus.glob("*/faq.yaml")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    rows.append({**json.loads(line), "community": path.parent.name})
    return rows


def own_community(faq_path: str | Path, corpus: Path = CORPUS) -> str | None:
    """The corpus community whose FAQ this is, if it is one of them: its own chatter and
    questions were what its answer model learnt from, so they are no test of it."""
    try:
        resolved = Path(faq_path).resolve()
        return next((p.parent.name for p in corpus.glob("*/faq.yaml") if p.resolve() == resolved),
                    None)
    except OSError:
        return None


def load_probes(faq_path: str | Path, settings: EmbeddingSettings, cache_file: Path | None,
                corpus: Path = CORPUS) -> tuple[list[Probe], np.ndarray] | None:
    """The probe messages for the FAQ at `faq_path` and their embeddings (cached on disk like
    the FAQ's questions); None when there is no corpus or no encoder."""
    try:
        probes = sample(read_corpus(corpus))
    except (OSError, ValueError) as exc:
        log.warning("no probe messages for the FAQ check (%s)", exc)
        return None
    embedder = embedder_for(settings)
    if not probes or embedder is None:
        return None
    texts = [p.text for p in probes]
    try:
        if cache_file:
            vectors = VectorCache(cache_file, embedder.model_id).embed(embedder, texts)
        else:
            vectors = embedder.embed(texts)
    except EmbeddingError as exc:
        log.warning("the FAQ broadness check is off: %s", exc)
        return None
    mine = own_community(faq_path, corpus)
    keep = [i for i, p in enumerate(probes) if p.community != mine]
    return [probes[i] for i in keep], vectors[keep]


__all__ = ["CORPUS", "SAMPLE", "load_probes", "own_community", "read_corpus", "sample"]

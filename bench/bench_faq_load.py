#!/usr/bin/env python3
"""Benchmark of loading a large FAQ (not a test): cold and warm (cached) load times.

    python bench/bench_faq_load.py                     # 500 and 5,000 generated entries
    python bench/bench_faq_load.py --sizes 5000 --profile   # cProfile of a cold load
    python bench/bench_faq_load.py --write faq.yaml --sizes 2000   # just write the FAQ

"Load" is what start-up and /reload do: read and validate faq.yaml and config.yaml, then build
the index (`runtime.knowledge.load_knowledge`). Each figure is measured in a fresh process,
so no in-memory cache from an earlier run helps: "cold" starts with an empty cache directory,
"warm" with the cache the cold run left behind. Wall-clock and CPU seconds are both shown:
on a shared machine the wall clock also counts the other processes. The FAQ is generated in a temporary folder
from a seed, in the shipped file's schema, English and Chinese, with questions, keywords and
answers varied the way a real 5,000-entry help centre is (coins, networks, products, regions).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COINS = [("BTC", "比特币"), ("ETH", "以太坊"), ("USDT", "USDT"), ("USDC", "USDC"), ("SOL", "SOL"),
         ("XRP", "瑞波币"), ("TRX", "波场"), ("DOGE", "狗狗币"), ("ADA", "ADA"), ("DOT", "波卡"),
         ("LTC", "莱特币"), ("BNB", "BNB"), ("ATOM", "ATOM"), ("XLM", "恒星币"), ("TON", "TON"),
         ("ARB", "ARB"), ("OP", "OP"), ("AVAX", "AVAX"), ("LINK", "LINK"), ("NEAR", "NEAR")]
NETWORKS = [("ERC20", "以太坊网络"), ("TRC20", "波场网络"), ("BEP20", "BSC网络"), ("Solana", "Solana网络"),
            ("Arbitrum", "Arbitrum网络"), ("Optimism", "Optimism网络"), ("Polygon", "Polygon网络"),
            ("Base", "Base网络"), ("TON", "TON网络"), ("Avalanche C-Chain", "Avalanche C链")]
REGIONS = [("Singapore", "新加坡"), ("Brazil", "巴西"), ("Turkey", "土耳其"), ("Vietnam", "越南"),
           ("Nigeria", "尼日利亚"), ("Argentina", "阿根廷"), ("Philippines", "菲律宾"),
           ("Indonesia", "印度尼西亚"), ("Mexico", "墨西哥"), ("Thailand", "泰国"),
           ("Japan", "日本"), ("Korea", "韩国"), ("Poland", "波兰"), ("Kenya", "肯尼亚")]
FIAT = [("bank card", "银行卡"), ("Apple Pay", "Apple Pay"), ("SEPA transfer", "SEPA转账"),
        ("PIX", "PIX"), ("wire transfer", "电汇"), ("Google Pay", "Google Pay")]
SYLLABLES = ["no", "va", "ly", "ra", "ze", "qu", "tor", "mi", "sen", "pa", "lu", "ko", "rex",
             "vi", "dan", "so", "fi", "mar", "zen", "tal", "or", "bi", "cus", "ne"]
SUFFIXES = [("Vault", "金库"), ("Earn", "理财"), ("Pass", "通行证"), ("Card", "卡"), ("Boost", "加速"),
            ("Grid", "网格"), ("Pay", "支付"), ("Shield", "保障"), ("Club", "俱乐部"), ("Link", "连接")]

# Each template is one kind of help-centre article. {c}/{cz} coin, {n}/{nz} network,
# {p}/{pz} product, {r}/{rz} region, {f}/{fz} payment method.
TEMPLATES = [
    ("deposits", False,
     ["How do I deposit {c} on {n}?", "Where is my {c} deposit address for {n}?",
      "My {c} deposit via {n} hasn't arrived", "how long does a {c} deposit take on {n}"],
     ["怎么通过{nz}充值{cz}？", "{cz}充值地址在哪里（{nz}）？", "{cz}充值还没到账怎么办", "{nz}充{cz}要多久"],
     ["{c} deposit", "deposit {c} {n}"], ["{cz}充值", "{nz}充值"],
     "Open Assets > Deposit, choose {c} and the {n} network, and send only {c} on {n} to the "
     "address shown. Deposits are credited after the required block confirmations.",
     "打开资产 > 充值，选择{cz}和{nz}，只向显示的地址发送{nz}上的{cz}。达到区块确认数后到账。"),
    ("withdrawals", False,
     ["What is the {c} withdrawal fee on {n}?", "How do I withdraw {c} to {n}?",
      "Why is my {c} withdrawal on {n} pending?", "minimum withdrawal for {c} {n}"],
     ["{cz}在{nz}提币手续费多少？", "怎么把{cz}提到{nz}？", "{cz}提币一直审核中", "{cz}最低提币数量"],
     ["{c} withdrawal fee", "withdraw {c} {n}"], ["{cz}提币", "{cz}提币手续费"],
     "Withdrawals of {c} on {n} carry a network fee shown on the withdrawal page before you "
     "confirm. Most are processed within 30 minutes; large ones may be reviewed first.",
     "{cz}通过{nz}提币会收取网络手续费，确认前页面会显示。大多数在 30 分钟内处理，大额可能需要审核。"),
    ("products", False,
     ["What is {p}?", "How does {p} work?", "Is {p} available in {r}?", "how do I join {p}"],
     ["{pz}是什么？", "{pz}怎么用？", "{rz}能用{pz}吗？", "怎么加入{pz}"],
     ["{p}", "join {p}"], ["{pz}", "加入{pz}"],
     "{p} is our programme for members who hold {c}. Join from the app under Products > {p}; "
     "terms and availability in {r} are on the help centre.",
     "{pz}是面向持有{cz}用户的计划。在 App 的产品 > {pz} 加入；{rz}地区的条款与可用性见帮助中心。"),
    ("fiat", False,
     ["Can I buy {c} with {f} in {r}?", "Why was my {f} payment declined?",
      "What are the fees to buy {c} with {f}?", "{f} not working in {r}"],
     ["{rz}可以用{fz}买{cz}吗？", "{fz}付款被拒绝了", "用{fz}买{cz}手续费多少", "{rz}{fz}用不了"],
     ["buy {c} with {f}", "{f} declined"], ["{fz}买币", "{fz}被拒"],
     "In {r} you can buy {c} with {f} under Buy Crypto. A declined payment is usually the "
     "issuer's limit; try again or contact your bank.",
     "在{rz}可以通过快捷买币用{fz}购买{cz}。付款被拒通常是发卡行限额，请重试或联系银行。"),
    ("account", False,
     ["Is registration open in {r}?", "Which documents do I need for KYC in {r}?",
      "Why is my KYC from {r} rejected?", "can residents of {r} use {p}"],
     ["{rz}可以注册吗？", "{rz}的用户 KYC 需要什么资料？", "{rz}的 KYC 为什么被拒", "{rz}居民能用{pz}吗"],
     ["register in {r}", "KYC {r}"], ["{rz}注册", "{rz}认证"],
     "Residents of {r} can register and verify with a passport or national ID. A rejection "
     "names the reason; resubmit clear photos of the whole document.",
     "{rz}居民可以用护照或身份证注册并认证。被拒时会写明原因，请重新上传清晰完整的证件照片。"),
    ("trading", False,
     ["What is the trading fee for {c} futures?", "How do I open a {c} perpetual position?",
      "What leverage is available on {c}?", "{c} funding rate schedule"],
     ["{cz}合约手续费是多少？", "怎么开{cz}永续合约？", "{cz}最高多少倍杠杆？", "{cz}资金费率多久收一次"],
     ["{c} futures", "{c} perpetual"], ["{cz}合约", "{cz}永续"],
     "{c} perpetual futures settle funding every 8 hours; maker and taker fees are on the fee "
     "page. Leverage up to the tier limit is set per position.",
     "{cz}永续合约每 8 小时结算一次资金费率；挂单与吃单费率见费率页面。杠杆按仓位档位设置。"),
    ("network", True,
     ["I sent {c} on the wrong network ({n})", "Can you recover {c} sent via {n}?",
      "deposited {c} without a memo on {n}", "wrong chain {c} {n} recovery"],
     ["{cz}充错网络了（{nz}）", "{nz}转错的{cz}能找回吗？", "{cz}充值没填备注", "{cz}转错链了"],
     ["wrong network {c}", "{c} recovery {n}"], ["{cz}充错", "{cz}找回"],
     "Deposits of {c} on an unsupported network such as {n} can sometimes be recovered for a "
     "fee. This needs your account details, so we continue privately.",
     "通过{nz}等不支持网络充值的{cz}有时可以付费找回，需要你的账户信息，我们私下继续。"),
]


LEAD_EN = ["", "", "hi, ", "quick question: ", "hey team, ", "pls help: ", "admin, ", "gm, "]
TAIL_EN = ["", "", "", " thanks", " asap", " ({a} {c})", " on the app", " since yesterday",
           " from {r}", " with {p}"]
LEAD_ZH = ["", "", "请问", "你好，", "急！", "各位，", "管理员，"]
TAIL_ZH = ["", "", "", "谢谢", "，在线等", "（{a}{cz}）", "，用的是App", "，人在{rz}"]
EXTRA_EN = ["Fees and limits for {c} are listed on the fee page.",
            "If you are in {r}, local rules may limit some options.",
            "{p} members get priority handling.",
            "Amounts above {a} {c} may need an extra security check.",
            "Staff never DM you first and never ask for your password or 2FA codes.",
            "Check the network status page before sending on {n}.",
            "Keep your app updated to see the latest options."]
EXTRA_ZH = ["{cz}的手续费和限额见费率页面。", "如果你在{rz}，当地规定可能限制部分功能。",
            "{pz}会员享受优先处理。", "超过 {a} {cz} 的金额可能需要额外的安全验证。",
            "官方人员绝不会主动私信你，也不会索要密码或谷歌验证码。", "在{nz}发送前请先查看网络状态页面。",
            "请把 App 更新到最新版本。"]


def _name(rng: random.Random) -> tuple[str, str]:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    suffix, suffix_zh = rng.choice(SUFFIXES)
    return f"{word} {suffix}", f"{word}{suffix_zh}"


def _fill(texts: list[str], slots: dict[str, str]) -> list[str]:
    return [t.format(**slots) for t in texts]


def generate_faq(size: int, seed: int = 7) -> dict:
    """A deterministic, varied FAQ of `size` entries in the shipped faq.yaml schema: few
    questions repeat word for word, as in a real help centre of that size."""
    rng = random.Random(seed)
    products = [_name(rng) for _ in range(max(8, size // 12))]
    entries = []
    for i in range(size):
        category, private, q_en, q_zh, k_en, k_zh, a_en, a_zh = TEMPLATES[i % len(TEMPLATES)]
        c, cz = rng.choice(COINS)
        n, nz = rng.choice(NETWORKS)
        r, rz = rng.choice(REGIONS)
        f, fz = rng.choice(FIAT)
        p, pz = rng.choice(products)
        a = str(rng.choice([50, 100, 500, 1000, 2000, 5000, 10000, 50000]))
        slots = dict(c=c, cz=cz, n=n, nz=nz, r=r, rz=rz, f=f, fz=fz, p=p, pz=pz, a=a)
        en = [(rng.choice(LEAD_EN) + q + rng.choice(TAIL_EN)).format(**slots)
              for q in rng.sample(q_en, rng.randint(3, len(q_en)))]
        zh = [(rng.choice(LEAD_ZH) + q + rng.choice(TAIL_ZH)).format(**slots)
              for q in rng.sample(q_zh, rng.randint(3, len(q_zh)))]
        extra = rng.sample(range(len(EXTRA_EN)), 2)
        link = f"https://help.example.com/{category}/{i}"
        entries.append({
            "id": f"{category}-{c.lower()}-{i}",
            "category": category,
            "questions": {"en": en, "zh": zh},
            "keywords": {"en": _fill(k_en, slots), "zh": _fill(k_zh, slots)},
            "answer": {"en": " ".join([a_en, *(EXTRA_EN[x] for x in extra), link]).format(**slots),
                       "zh": "".join([a_zh, *(EXTRA_ZH[x] for x in extra), link]).format(**slots)},
            "links": [link],
            "private": private,
        })
    return {"version": 1, "entries": entries}


def write_faq(path: Path, size: int, seed: int = 7, first: list[dict] | None = None) -> Path:
    """Write a generated FAQ of `size` entries as YAML in block style; `first`: entries to
    put before the generated ones (counted in `size`), e.g. the shipped FAQ's."""
    import yaml

    entries = list(first or [])
    faq = generate_faq(max(size - len(entries), 0), seed)
    faq["entries"] = entries + faq["entries"]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(faq, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    return path


# --- measuring, each in a fresh process ----------------------------------------------------

_CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
try:
    from runtime.knowledge import load_knowledge
except ImportError:   # a checkout from before the cache (--code): load as it did
    from handlers.config import load_config
    from handlers.context import Knowledge
    from handlers.answering.faq import load_faq

    def load_knowledge(config, faq, cache_dir=None):
        return Knowledge.build(load_config(config), load_faq(faq))
wall, cpu = time.perf_counter(), time.process_time()
kb = load_knowledge({config!r}, {faq!r}, cache_dir={cache!r})
print(json.dumps({{"load": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "entries": len(kb.faq)}}))
"""


def _load_in_child(code_root: Path, config: Path, faq: Path, cache: Path | None) -> dict:
    code = _CHILD.format(root=str(code_root), config=str(config), faq=str(faq),
                         cache=str(cache) if cache else None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _config_for(folder: Path, faq: Path, code_root: Path = ROOT) -> Path:
    # The example config of the checkout being timed: an older one rejects newer keys.
    text = (code_root / "config.example.yaml").read_text(encoding="utf-8")
    path = folder / "config.yaml"
    path.write_text(text.replace("faq_file: faq.yaml", f"faq_file: {faq.name}"), encoding="utf-8")
    return path


def profile(size: int, folder: Path) -> None:
    import cProfile
    import pstats

    from runtime.knowledge import load_knowledge

    faq = write_faq(folder / f"faq-{size}.yaml", size)
    config = _config_for(folder, faq)
    profiler = cProfile.Profile()
    profiler.enable()
    load_knowledge(config, faq, use_cache=False)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--profile", action="store_true", help="cProfile one cold load per size")
    parser.add_argument("--write", default=None, help="only write the generated FAQ to this file")
    parser.add_argument("--code", default=str(ROOT),
                        help="the checkout whose loader to time (e.g. an older one, for a before figure)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.write:
        write_faq(Path(args.write), sizes[0], args.seed)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in sizes:
            if args.profile:
                profile(size, folder)
                continue
            faq = write_faq(folder / f"faq-{size}.yaml", size, args.seed)
            config = _config_for(folder, faq, Path(args.code))
            cold, warm = [], []
            for round_ in range(args.rounds):
                cache = folder / f"cache-{size}-{round_}"
                cold.append(_load_in_child(Path(args.code), config, faq, cache))
                warm.append(_load_in_child(Path(args.code), config, faq, cache))

            def best(runs: list[dict], key: str) -> float:
                return min(r[key] for r in runs)

            print(f"faq {size} entries ({faq.stat().st_size // 1024} KB): cold {best(cold, 'load'):.2f} s, "
                  f"warm {best(warm, 'load'):.2f} s  (CPU cold {best(cold, 'cpu'):.2f} s, warm "
                  f"{best(warm, 'cpu'):.2f} s; best of {args.rounds} fresh processes)")


if __name__ == "__main__":
    main()

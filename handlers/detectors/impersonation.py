"""Impersonator detection: accounts whose name or username imitates an official account or
claims to be staff of the brand.

Every name goes through one fold before it is compared: the TR39 skeleton (Cyrillic and Greek
look-alikes, fullwidth and mathematical letters, invisible characters), accent stripping, leet
digits inside words, ``i ≡ l ≡ 1 ≡ I ≡ |``, ``rn ≡ m``, and a split into words on anything that is
not a letter or digit (emoji badges, separators, camelCase). On the folded words the checks run,
each naming itself in the finding and saying why it fired:

- ``lookalike-username`` / ``lookalike-name``: a near copy of an official account's username or
  display name, or of the brand's full name (edit distance on the folded key, role words allowed
  as a suffix: ``AcmeEx_Admin_Official``).
- ``staff-claim``: a role word ("support", "admin", "客服", "官方", ...) in the same name as the
  brand or one of its aliases ("顶点交易所" also yields "顶点" and its pinyin).

Fans ("Acme Watcher", "顶点老用户") and role words without the brand ("admin_anna") pass.

The role words, fan words and generic words are data: data/roles.yaml, with the operator's
additions (config `impersonation.roles_overlay`) merged in by `RoleWords.with_overlay`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, NamedTuple

import disarm
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictStr
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from handlers.config import Config, OfficialAccount
from handlers.loading import none_is_empty, read_yaml, validated
from handlers.model import Finding, User

log = logging.getLogger(__name__)

LABEL = "impersonator"
MAX_FIELD = 256   # platforms cap names far lower (Telegram 64+64, X 50); keeps check() bounded

ROLES_FILE = Path(__file__).resolve().parent / "data" / "roles.yaml"
FORMAT_DOC = "handlers/detectors/data/roles.yaml"   # named in error messages
NEGATORS = frozenset({"not", "non", "un", "no"})
# A check mark next to the brand imitates the platform's verification badge.
BADGES = re.compile("[\u2705\u2714\u2611\u2713]")

_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff" \
       "\U00020000-\U0002ebef"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-HJ-Z])")           # "AcmeExSupport"; never before I (≡ l)
_PIPE = re.compile(r"(?<![^\W\d_])[|¦]|[|¦](?![^\W\d_])")  # "Kate | Mod" separates, "Ac|me" is l
_LEET = re.compile(r"(?<![0-9])(?:(?<=[^\W\d_])[013457$]|[013457$](?=[^\W\d_]))(?![0-9])")
_LEET_AT = re.compile(r"(?<=[^\W\d_])@(?=[^\W\d_])")
_LEET_MAP = str.maketrans("013457$@", "oleastsa")
_HAS_LEET = re.compile(r"[013457$]")
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
                        "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff"
                        "\uffa0\U000e0000-\U000e0fff\u0300-\u036f]+|\\s{2,}")
_SQUEEZE = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class AccountVerdict:
    impersonator: bool
    resembles: str | None      # official username imitated, without "@"
    finding: Finding | None
    official: bool = False     # the account IS one of the official accounts


CLEAN = AccountVerdict(False, None, None)
OFFICIAL = AccountVerdict(False, None, None, official=True)


@lru_cache(maxsize=8192)
def fold(text: str) -> tuple[str, ...]:
    """The words of *text* after skeleton, accent, leet and separator folding."""
    if len(text) > MAX_FIELD:   # invisible padding must not push the real name past the cut
        text = _INVISIBLE.sub(" ", text)[:MAX_FIELD]
    if "|" in text or "¦" in text:
        text = _PIPE.sub(" ", text)
    text = _CAMEL.sub(" ", text)
    try:
        key = disarm.skeleton_key(text)
    except (disarm.DisarmError, ValueError, UnicodeError):
        key = text.encode("utf-8", "replace").decode("utf-8").casefold()
    if not key.isascii():
        key = unicodedata.normalize("NFC", "".join(
            c for c in unicodedata.normalize("NFD", key) if not unicodedata.combining(c)))
    if _HAS_LEET.search(key):
        key = _LEET.sub(lambda m: m.group().translate(_LEET_MAP), key)
    if "@" in key:
        key = _LEET_AT.sub("a", key)
    key = key.replace("rn", "m").replace("vv", "w").replace("i", "l")
    return tuple(_TOKEN.findall(key))


def _key(text: str) -> str:
    return "".join(fold(text))


def _is_cjk(token: str) -> bool:
    return not token[:1].isascii() and bool(_CJK_CHAR.match(token))


# --- the words, from data/roles.yaml and the operator's overlay -------------------------------


def _word(value: str) -> str:
    if not fold(value):
        raise ValueError(f"{value!r}: no letter or digit in it")
    return value


def _role_name(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value):
        raise ValueError(f"{value!r}: a role name is lower-case letters, digits and '_'")
    return value


Word = Annotated[StrictStr, AfterValidator(_word)]


class RolesFile(BaseModel):
    """roles.yaml, or an operator's overlay in the same format: every key optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(1, ge=1, le=1)
    roles: Annotated[dict[Annotated[StrictStr, AfterValidator(_role_name)], list[Word]],
                     BeforeValidator(none_is_empty)] = Field(default_factory=dict)
    fan_words: list[Word] = Field(default_factory=list)
    generic: list[Word] = Field(default_factory=list)


@dataclass(frozen=True)
class RoleWords:
    """Role words by canonical role, fan words and generic words, in file order."""

    roles: Mapping[str, tuple[str, ...]] = dataclass_field(default_factory=dict)
    fan_words: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def with_overlay(self, raw: object, source: str) -> RoleWords:
        """These words and those of `raw` (parsed YAML from `source`): a role named in both
        gets the new words too, a new role name adds a role. ConfigError naming the file,
        role and field of every problem."""
        parsed = validated(RolesFile, raw, source, "'roles'", entry_map="roles", noun="role",
                           see=FORMAT_DOC)
        roles = dict(self.roles)
        for canon, words in parsed.roles.items():
            roles[canon] = tuple(dict.fromkeys((*roles.get(canon, ()), *words)))
        return RoleWords(roles, tuple(dict.fromkeys((*self.fan_words, *parsed.fan_words))),
                         tuple(dict.fromkeys((*self.generic, *parsed.generic))),
                         (*self.sources, source))


def load_roles(path: str | Path = ROLES_FILE, base: RoleWords | None = None) -> RoleWords:
    """The words of a roles file (on top of `base`, for an overlay)."""
    return (base or RoleWords()).with_overlay(read_yaml(path), str(path))


@lru_cache(maxsize=1)
def shipped_roles() -> RoleWords:
    """data/roles.yaml, read once per process."""
    return load_roles()


def _stem_without(word: str, suffixes: Sequence[str]) -> str:
    """"顶点交易所" -> "顶点": the name without a generic suffix (two characters at least)."""
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[:-len(suffix)]
    return word


def _squeeze(text: str) -> str:
    return _SQUEEZE.sub(r"\1", text)


def near(candidate: str, target: str) -> int | None:
    """Edits between two folded keys when *candidate* passes for *target*, else None.

    Short targets (under 10 characters) admit one edit inside the word, a swap of neighbours
    or a doubled letter: an imitator keeps the first and last letters a reader anchors on,
    while a real word one letter from the brand ("acmes" next to "acmeex") is not a typo.
    """
    if candidate == target:
        return 0
    n = len(target)
    if n < 6 or not candidate or abs(len(candidate) - n) > 2:
        return None
    edits = OSA.distance(candidate, target, score_cutoff=2)   # one C call rejects most names
    if edits > 2:
        return None
    if _squeeze(candidate) == _squeeze(target):
        return edits
    if edits == 1 and (n >= 10 or sorted(candidate) == sorted(target)
                       or (candidate[0] == target[0] and candidate[-1] == target[-1])):
        return 1
    return 2 if n >= 16 and edits == 2 else None


class NameShape(NamedTuple):
    """What one folded name says: its key, whether it names the brand, which roles it claims."""

    key: str                        # all words joined
    core: str                       # the words that are not role words or numbers
    words: tuple[str, ...]          # non-role words, for fuzzy brand matching
    brand: str | None               # the brand term named, as configured
    roles: tuple[str, ...]          # role words claimed, folded
    fan: bool                       # says it is a fan / unofficial


@dataclass(frozen=True)
class _Official:
    account: OfficialAccount
    username: NameShape
    name: NameShape
    canon: frozenset[str]           # canonical roles the account holds
    targets: tuple[tuple[str, str, int, str, str, str], ...]   # field, key, len, check, what, shown


def _targets(account: OfficialAccount, username: NameShape,
             name: NameShape) -> tuple[tuple[str, str, int, str, str, str], ...]:
    """What a look-alike is compared with, best evidence first. A display name only counts
    when it names the brand: copying "Kate" is not copying "Kate | Acme Mod"."""
    handle = "@" + account.username
    targets = [("username", username.key, "lookalike-username", "username", handle),
               ("name", username.key, "lookalike-name", "display name", handle)]
    if name.brand is not None:
        shown = f"{account.name!r} of {handle}"
        targets += [("name", name.key, "lookalike-name", "display name", shown),
                    ("username", name.key, "lookalike-username", "username", shown)]
    return tuple((field, key, len(key), *rest) for field, key, *rest in targets if key)


class ImpersonationChecker:
    """Decides whether an account imitates one of the brand's official accounts."""

    def __init__(self, official: Mapping[str, Sequence[OfficialAccount]],
                 brand_names: Iterable[str], words: RoleWords | None = None) -> None:
        words = words or shipped_roles()
        self._generic_latin = frozenset(_key(g) for g in words.generic if not _is_cjk(g))
        self._generic_cjk = tuple(sorted((_key(g) for g in words.generic if _is_cjk(g)),
                                         key=len, reverse=True))
        self._brand_full: dict[str, str] = {}      # folded full brand name -> as configured
        self._brand: dict[str, str] = {}           # every folded brand key -> as configured
        self._cjk_sounds: list[tuple[frozenset[str], str, str]] = []   # (characters, pinyin, term)
        brand_tokens: set[str] = set()
        for term in (t for t in brand_names if isinstance(t, str) and t.strip()):
            self._add_brand(term, brand_tokens)
        self._role: dict[str, tuple[str, str]] = {}    # folded role word -> (as written, canonical)
        for canon, role_words in words.roles.items():
            for word in role_words:
                folded = _key(word)
                if folded and folded not in brand_tokens and folded not in self._brand:
                    self._role.setdefault(folded, (word, canon))
        self._fan = frozenset(_key(w) for w in words.fan_words if not _is_cjk(w))
        self._cjk_fan = _alternation(_key(w) for w in words.fan_words if _is_cjk(w)) or \
            re.compile("(?!)")
        self._cjk_role = _alternation(k for k in self._role if _is_cjk(k))
        self._cjk_brand = _alternation(k for k in self._brand if _is_cjk(k))
        self._vocab = {k: "role" for k in self._role if not _is_cjk(k)}
        self._vocab.update({k: "brand" for k in self._brand if not _is_cjk(k)})
        self._opening = _alternation(self._vocab) or re.compile("(?!)")   # fast reject
        self._by_first: dict[str, list[tuple[str, str]]] = {}    # longest words first
        for word in sorted(self._vocab, key=len, reverse=True):
            self._by_first.setdefault(word[0], []).append((word, self._vocab[word]))
        self._fuzzy_brand = [k for k in self._brand if not _is_cjk(k) and len(k) >= 6]
        self.shape = lru_cache(maxsize=8192)(self._shape)
        self._verdict_for = lru_cache(maxsize=4096)(self._check)   # members post again and again

        self._official: dict[str, list[_Official]] = {}
        self._official_ids: dict[str, frozenset[str]] = {}
        for platform, accounts in official.items():
            entries = []
            for account in accounts:
                username, name = self.shape(account.username), self.shape(account.name)
                canon = {self._role[r][1] for r in (*username.roles, *name.roles) if r in self._role}
                entries.append(_Official(account, username, name, frozenset(canon or {"official"}),
                                         _targets(account, username, name)))
            self._official[platform] = entries
            self._official_ids[platform] = frozenset(str(a.id) for a in accounts)
        self._everyone = [e for entries in self._official.values() for e in entries]

    @classmethod
    def from_config(cls, config: Config, words: RoleWords | None = None) -> ImpersonationChecker:
        """Built from `config.official` (telegram, twitter) and `config.brand`."""
        return cls({"telegram": config.official_for("telegram"),
                    "twitter": config.official_for("twitter")},
                   [config.brand.name, *config.brand.aliases], words)

    # --- the vocabulary -------------------------------------------------------------------

    def _add_brand(self, term: str, brand_tokens: set[str]) -> None:
        words = fold(term)
        if not words:
            return
        key = "".join(words)
        self._brand.setdefault(key, term)
        brand_tokens.update(words)
        stems = [_stem_without(w, self._generic_cjk) if _is_cjk(w) else w for w in words
                 if w not in self._generic_latin]
        stem = "".join(stems)
        if stem != key:     # "Acme Exchange", "顶点交易所": the company's full name
            self._brand_full.setdefault(key, term)
            if len(stem) >= 4 or (stem and _is_cjk(stem)):
                self._brand.setdefault(stem, term)
        for word in stems:      # "顶点" is also written "dingdian"
            if _is_cjk(word):
                pinyin = _key(disarm.transliterate(word).replace(" ", ""))
                if len(pinyin) >= 5 and pinyin.isascii():
                    self._brand.setdefault(pinyin, term)
                    self._cjk_sounds.append((frozenset(word), pinyin, term))

    def _segment(self, token: str) -> tuple[tuple[str, str], ...] | None:
        """Split a glued Latin word into brand and role words and numbers, or None."""
        n = len(token)
        if n > 64 or not (token[0].isdigit() or self._opening.match(token)):
            return None
        by_first, failed = self._by_first, set()

        def walk(i: int) -> tuple[tuple[str, str], ...] | None:
            if i == n:
                return ()
            if i in failed:
                return None
            if token[i].isdigit():
                j = i + 1
                while j < n and token[j].isdigit():
                    j += 1
                rest = walk(j)
                return None if rest is None else (("number", token[i:j]), *rest)
            for word, kind in by_first.get(token[i], ()):
                if token.startswith(word, i):
                    rest = walk(i + len(word))
                    if rest is not None:
                        return ((kind, word), *rest)
            failed.add(i)
            return None

        return walk(0)

    def _shape(self, text: str) -> NameShape:
        words = fold(text)
        core: list[str] = []
        plain: list[str] = []
        roles: list[str] = []
        brand: str | None = None
        fan, previous = False, ""
        for word in words:
            if not word.isascii() and _CJK_CHAR.match(word):
                if self._cjk_fan.search(word):
                    fan = True
                    word = self._cjk_fan.sub(" ", word)
                if self._cjk_role:
                    roles += self._cjk_role.findall(word)
                    word = self._cjk_role.sub("", word)
                found = self._cjk_brand.search(word) if self._cjk_brand else None
                brand = brand or (self._brand[found.group()] if found else None)
                core.append(word.replace(" ", ""))
                rest = self._cjk_brand.sub("", word).strip() if self._cjk_brand else word
                if rest:
                    plain.append(rest)
            elif word in self._fan:
                fan = True
                core.append(word)
            elif not word.isdigit():
                parts = self._segment(word)
                if parts is None:
                    core.append(word)
                    plain.append(word)
                elif previous in NEGATORS and all(k != "brand" for k, _ in parts):
                    fan = True
                else:
                    roles += [w for k, w in parts if k == "role"]
                    names = [w for k, w in parts if k == "brand"]
                    core += names
                    brand = brand or (self._brand[names[0]] if names else None)
            previous = word
        key = "".join(words)
        if brand is None and roles and self._cjk_sounds:
            brand = self._sounds_like_brand(words)
        if (brand is None or not roles) and len(words) > 2 and len(key) <= 64:
            parts = self._segment(key)     # "N e b u l a  A d m i n"
            if parts and any(k == "brand" for k, _ in parts) and any(k == "role" for k, _ in parts):
                roles += [w for k, w in parts if k == "role"]
                brand = self._brand[next(w for k, w in parts if k == "brand")]
        if brand and not plain and BADGES.search(text[:MAX_FIELD]):
            roles.append("\u2705")     # "Acme ✅": the brand itself, with a verified badge
        return NameShape(key, "".join(core), tuple(plain), brand, tuple(roles), fan)

    def _sounds_like_brand(self, words: Sequence[str]) -> str | None:
        """The brand's Chinese name in another script (traditional for simplified): same pinyin
        and a character in common, so a mere homophone does not pass for the brand."""
        for word in words:
            if not word.isascii() and _CJK_CHAR.match(word):
                for characters, pinyin, term in self._cjk_sounds:
                    if not characters.isdisjoint(word) and \
                            pinyin in _key(disarm.transliterate(word).replace(" ", "")):
                        return term
        return None

    # --- the checks -------------------------------------------------------------------------

    def check(self, user: User, platform: str) -> AccountVerdict:
        """The verdict on one account; never raises."""
        try:
            if any(isinstance(v, str) and len(v) > MAX_FIELD for v in (user.username, user.name)):
                # Only what fold() reads of a long name, so no cache holds a megabyte of it.
                user = replace(user, username=_clip(user.username), name=_clip(user.name))
            if _hashable(user, platform):
                return self._verdict_for(user, platform)
            return self._check(user, platform)
        except Exception:   # a moderation helper must not take the bot down on odd input
            log.exception("impersonation check failed for user %r", getattr(user, "id", None))
            return CLEAN

    def _check(self, user: User, platform: str) -> AccountVerdict:
        platform = "twitter" if platform == "x" else platform
        if str(user.id) in self._official_ids.get(platform, ()):
            return OFFICIAL
        accounts = self._official.get(platform) or self._everyone
        username = self.shape(_text(user.username))
        name = self.shape(_text(user.name))
        hit = self._lookalike(username, name, accounts)
        if hit:
            return hit
        return self._staff_claim(username, name, accounts)

    def _lookalike(self, username: NameShape, name: NameShape,
                   accounts: Sequence[_Official]) -> AccountVerdict | None:
        best: tuple[int, int, _Official | None, str, str] | None = None
        for entry in accounts:
            last = len(entry.targets)
            for rank, (field, theirs, size, check, what, shown) in enumerate(entry.targets):
                mine = username.key if field == "username" else name.key
                if len(mine) < size - 2 or (len(mine) > size + 2 and (rank or theirs not in mine)):
                    continue    # too short to pass for it, or too long unless it adds a suffix
                imitated: _Official | None = entry
                edits = near(mine, theirs)
                if edits is not None:
                    detail = (f"{what} skeleton matches {shown}" if edits == 0 else
                              f"{what} skeleton {edits} edit{'s' * (edits > 1)} from {shown}")
                elif rank == 0 and (extra := self._role_suffix(mine, theirs)) is not None:
                    # "AcmeEx_Care" extends @AcmeEx, but imitates whichever account holds
                    # the role it claims: rank it last and let _closest name the account.
                    edits, rank, imitated = 1, last, None
                    detail = f"username is {shown} plus {extra!r}"
                else:
                    continue
                if best is None or (edits, rank) < best[:2]:
                    best = (edits, rank, imitated, check, detail)
        if best is not None:
            imitated = best[2] or self._closest(username, name, accounts)
            return _verdict(imitated, best[3], best[4])
        for shape, check, what in ((name, "lookalike-name", "display name"),
                                   (username, "lookalike-username", "username")):
            for full, term in self._brand_full.items():
                if abs(len(shape.key) - len(full)) <= 2 and near(shape.key, full) is not None:
                    entry = self._closest(username, name, accounts)
                    return _verdict(entry, check, f"{what} copies the brand name {term!r}")
        return None

    def _role_suffix(self, mine: str, theirs: str) -> str | None:
        """What a username adds to an official one, when it is only role words or a number."""
        if len(theirs) < 6 or len(mine) <= len(theirs) or theirs not in mine:
            return None
        extra = mine.replace(theirs, "", 1)
        parts = self._segment(extra)
        if parts and all(kind != "brand" for kind, _ in parts):
            return "".join(self._role[w][0] if w in self._role else w for _, w in parts)
        return None

    def _staff_claim(self, username: NameShape, name: NameShape,
                     accounts: Sequence[_Official]) -> AccountVerdict:
        for shape, what in ((name, "display name"), (username, "username")):
            if not shape.roles or shape.fan:
                continue
            brand, how = shape.brand, ""
            if brand is None:
                brand, how = self._fuzzy_brand_in(shape)
            if brand is None:
                continue
            role = next((self._role[r][0] for r in shape.roles if r in self._role), "check-mark badge")
            entry = self._closest(username, name, accounts)
            return _verdict(entry, "staff-claim", f"{what} claims {role!r} next to {brand!r}{how}")
        return CLEAN

    def _fuzzy_brand_in(self, shape: NameShape) -> tuple[str | None, str]:
        for word in (*shape.words, shape.core):
            for key in self._fuzzy_brand:
                edits = near(word, key)
                if edits:
                    return self._brand[key], f" ({edits} edit{'s' * (edits > 1)} away)"
        return None, ""

    def _closest(self, username: NameShape, name: NameShape,
                 accounts: Sequence[_Official]) -> _Official | None:
        """The official account a staff claim most resembles: shared role first, then spelling."""
        claimed = {self._role[r][1] if r in self._role else "official"
                   for r in (*username.roles, *name.roles)}
        mine = [k for k in (username.key, name.key) if k]
        best, best_score = None, (-1, -1.0)
        for entry in accounts:
            theirs = [k for k in (entry.username.key, entry.name.key) if k]
            similarity = max((fuzz.ratio(a, b) for a in mine for b in theirs), default=0.0)
            score = (len(claimed & entry.canon), similarity)
            if score > best_score:
                best, best_score = entry, score
        return best


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


def _hashable(*values: object) -> bool:
    try:
        hash(values)
    except TypeError:
        return False
    return True


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _clip(value: object) -> object:
    """A long field as fold() reads it (invisible padding dropped, then cut): same verdict."""
    if isinstance(value, str) and len(value) > MAX_FIELD:
        return _INVISIBLE.sub(" ", value)[:MAX_FIELD]
    return value


def _verdict(entry: _Official | None, check: str, detail: str) -> AccountVerdict:
    resembles = entry.account.username if entry else None
    return AccountVerdict(True, resembles, Finding(check=check, label=LABEL, detail=detail))

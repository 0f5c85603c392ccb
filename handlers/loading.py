"""Reading YAML files and turning validation failures into one readable line each."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigError(Exception):
    """A config or FAQ file that cannot be used; the message names file, entry and field."""


# libyaml parses a 5 MB FAQ several times faster than the pure-Python parser; same results.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_NOT_PLAIN = object()   # "this document needs the full loader"
_NO_KEY = object()
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")   # "<<" and "="


def read_yaml(path: str | Path) -> Any:
    path = Path(path)
    return parse_yaml(read_bytes(path), path)


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or a ConfigError naming it."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc})") from None


MAX_ALIASES = 100


def parse_yaml(data: bytes, path: str | Path) -> Any:
    """Parsed YAML from a file's bytes (UTF-8), or a ConfigError naming the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc})") from None
    try:
        data = _plain_load(text)
        if data is _NOT_PLAIN:
            # Aliases can expand exponentially ("billion laughs"): a config needs few, if any.
            aliases = sum(1 for e in yaml.parse(text, Loader=_LOADER) if type(e) is yaml.AliasEvent)
            if aliases > MAX_ALIASES:
                raise ConfigError(f"{path}: {aliases} YAML aliases (*name); at most {MAX_ALIASES} "
                                  "are accepted")
            data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
        return data
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}:{where}: not valid YAML: {problem}") from None


def _plain_load(text: str) -> Any:
    """The document built straight from the parser's events, as `yaml.safe_load` would build
    it, when it is plain YAML: mappings, lists and scalars with no anchor, alias, explicit
    tag or merge key (every FAQ and config we know). Anything else returns _NOT_PLAIN and is
    left to the full loader. Building from events skips the node tree: a 5,000-entry FAQ
    parses in a third of the time."""
    helper = yaml.SafeLoader("")   # PyYAML's own rules for untagged scalars (1, yes, null, …)
    first_chars = helper.yaml_implicit_resolvers
    if None in first_chars:
        return _NOT_PLAIN
    stack: list[list[Any]] = []    # [container, key waiting for its value]
    root: Any = None
    documents = 0
    for event in yaml.parse(text, Loader=_LOADER):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            value = event.value
            if event.anchor is not None or event.tag not in (None, "!"):
                return _NOT_PLAIN
            if event.implicit[0] and value[:1] in first_chars or value == "":
                tag = helper.resolve(yaml.ScalarNode, value, event.implicit)
                if tag in _SPECIAL_KEYS:
                    return _NOT_PLAIN
                if tag != _STR:
                    value = helper.construct_object(yaml.ScalarNode(tag, value))
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag not in (None, "!"):
                return _NOT_PLAIN
            if stack and type(stack[-1][0]) is dict and stack[-1][1] is _NO_KEY:
                return _NOT_PLAIN      # a mapping or list used as a key
            stack.append([{} if kind is yaml.MappingStartEvent else [], _NO_KEY])
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                return _NOT_PLAIN      # the full loader says what is wrong with that
            continue
        elif kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
            continue
        else:
            return _NOT_PLAIN          # an alias
        if not stack:
            root = value
        elif type(stack[-1][0]) is list:
            stack[-1][0].append(value)
        elif stack[-1][1] is _NO_KEY:
            stack[-1][1] = value
        else:
            stack[-1][0][stack[-1][1]] = value
            stack[-1][1] = _NO_KEY
    return root


def none_is_empty(value: object) -> object:
    """A key with nothing (or only comments) under it parses as null: read it as an empty
    mapping ("none configured")."""
    return {} if value is None else value


def validated(model: type[M], raw: object, source: str | Path, top: str,
              empty_ok: bool = True, **describe: Any) -> M:
    """`raw` (parsed YAML from `source`) validated as `model`; ConfigError with one line per
    problem (`describe_errors`' options in `describe`). `top` says what the file's top level
    should hold; an empty file is an empty mapping where `empty_ok`."""
    if raw is None and empty_ok:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping with {top} at the top")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe_errors(source, exc, raw, **describe)) from None


def describe_errors(path: str | Path, exc: ValidationError, raw: Any, entry_list: str = "",
                    entry_map: str = "", noun: str = "entry", see: str = "config.example.yaml") -> str:
    """One line per problem: `faq.yaml: entry 3 (id 'x'), field answer: Field required`.

    `entry_list`: the key of a list of entries with ids (named by position and id);
    `entry_map`: the key of a mapping of named entries (named `<noun> 'name'`)."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ""
        if entry_list and len(loc) >= 2 and loc[0] == entry_list and isinstance(loc[1], int):
            index = loc[1]
            entry_id = _entry_id(raw, entry_list, index)
            where = f"entry {index + 1}" + (f" (id {entry_id!r})" if entry_id else "")
            loc = loc[2:]
        elif entry_map and len(loc) >= 2 and loc[0] == entry_map and isinstance(loc[1], str):
            where = f"{noun} {loc[1]!r}"
            loc = loc[2:]
            if loc == ["[key]"]:
                loc = ["name"]
        field = _dotted(loc)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown key (check the spelling; see {see})"
        elif err["type"] == "missing":
            message = "required but missing"
        parts = [p for p in (where, f"field {field}" if field else "") if p]
        lines.append(f"{path}: {', '.join(parts) + ': ' if parts else ''}{message}")
    return "\n".join(dict.fromkeys(lines))


def _entry_id(raw: Any, key: str, index: int) -> str | None:
    try:
        value = raw[key][index].get("id")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return str(value) if value is not None else None


def _dotted(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "model-", "union[")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out

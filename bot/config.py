"""Configuration: config.yaml with environment overrides, validated once at start.

A bad value must stop the server with one line naming the key, so operators never chase a
stack trace to find a typo in a token.
"""
from __future__ import annotations

import base64
import binascii
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "config.yaml"

ENV_OVERRIDES = {
    "WECHAT_TOKEN": ("wechat", "token"),
    "WECHAT_AES_KEY": ("wechat", "aes_key"),
    "WECHAT_APPID": ("wechat", "appid"),
    "WECHAT_APPSECRET": ("wechat", "appsecret"),
    "WECHAT_API_BASE": ("wechat", "api_base"),
    "DATABASE_URL": ("database", "url"),
    "HOST": ("server", "host"),
    "PORT": ("server", "port"),
    "WECOM_WEBHOOK_BASE": ("wecom", "webhook_base"),
}


KEYS = {
    "wechat": {"token", "aes_key", "appid", "appsecret", "api_base"},
    "server": {"host", "port", "reply_budget_seconds", "max_body_bytes",
               "timestamp_tolerance_seconds", "body_timeout_seconds"},
    "database": {"url"},
    "wecom": {"webhook_base", "rate_limit_per_minute"},
    "console": {"sign_in_limit"},
}
"""The keys of the sections read here: any other is a typo whose value would be ignored."""

MAPPINGS = ("cases", "contribution_base", "deadlines", "calendar", "agencies",
            "liaison_groups", "notice_template")
"""Sections other modules read with ``.get``: a value in their place broke the first message."""

COUNTS = (("wecom", "rate_limit_per_minute", 1), ("cases", "draft_idle_minutes", 0),
          ("cases", "draft_max_age_days", 0), ("deadlines", "simple", 0),
          ("deadlines", "general", 0), ("deadlines", "major", 0))
"""Whole numbers other modules turn into ``int`` when they first need them, mid-message."""

SIGN_IN_LIMIT = {"max_failures": 5, "window_minutes": 15, "lock_minutes": 15,
                 "trust_forwarded_for": False}
"""``console.sign_in_limit`` and its defaults (bot/console/throttle.py)."""


class ConfigError(ValueError):
    """A configuration value is missing or invalid; the message names the key."""


@dataclass(frozen=True)
class Jurisdiction:
    name: str
    towns: tuple[str, ...] = ()


@dataclass
class Config:
    token: str
    aes_key: str
    appid: str
    appsecret: str
    api_base: str
    host: str
    port: int
    reply_budget: float
    max_body_bytes: int
    timestamp_tolerance: int
    database_url: str
    webhook_base: str
    jurisdictions: list[Jurisdiction]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    body_timeout: float = 10.0
    """Seconds to receive a callback's whole body (a stalled one is answered 408)."""

    @property
    def district_names(self) -> list[str]:
        """Every place name payers may type: districts first, then towns."""
        names = [j.name for j in self.jurisdictions]
        for j in self.jurisdictions:
            names.extend(j.towns)
        return names

    def agency_tokens(self) -> dict[str, str]:
        """Bearer token → agency key; LIAISON_TOKEN_<KEY> in the environment wins."""
        tokens = {}
        for key, spec in (self.raw.get("agencies") or {}).items():
            token = os.environ.get(f"LIAISON_TOKEN_{key.upper()}") or (spec or {}).get("token")
            if token:
                tokens[str(token)] = key
        return tokens


def _section(raw: dict, name: str) -> dict:
    """A top-level section; ``wechat: dev-token`` (a value where keys belong) is named
    here instead of failing as an AttributeError deep in the loader."""
    value = raw.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"config: {name} must be a mapping of keys (key: value lines)")
    return value


def _check_keys(raw: dict) -> None:
    """A misspelt key (``reply_budget:``) or section (``servre:``) is named with the likely
    intended one, instead of a server that silently runs on the default; a section no
    module reads (``logging:``) is named too, as its settings would do nothing."""
    known = [*KEYS, *MAPPINGS, "jurisdictions"]
    for name in raw:
        if str(name) not in known:
            close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.75)
            hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
            raise ConfigError(f"config: unknown section {name} ({hint})")
    for section, keys in KEYS.items():
        for key in _section(raw, section):
            if key not in keys:
                close = difflib.get_close_matches(str(key), sorted(keys), n=1, cutoff=0.5)
                hint = f"did you mean {section}.{close[0]}?" if close else \
                    f"known: {', '.join(sorted(keys))}"
                raise ConfigError(f"config: unknown key {section}.{key} ({hint})")
    for section in MAPPINGS:
        _section(raw, section)
    for section, key, least in COUNTS:
        _number(_section(raw, section), key, least, int, section, least)
    sign_in_limit(raw)


def sign_in_limit(raw: dict) -> dict[str, Any]:
    """``console.sign_in_limit`` with its defaults, checked: wrong console sign-ins per
    address allowed within the window before sign-in is refused for ``lock_minutes``."""
    value = _section(raw, "console").get("sign_in_limit") or {}
    name = "console.sign_in_limit"
    if not isinstance(value, dict):
        raise ConfigError(f"config: {name} must be a mapping of keys (key: value lines)")
    for key in value:
        if key not in SIGN_IN_LIMIT:
            raise ConfigError(f"config: unknown key {name}.{key} "
                              f"(known: {', '.join(SIGN_IN_LIMIT)})")
    out = {k: _number(value, k, d, int, name, 1) for k, d in SIGN_IN_LIMIT.items()
           if k != "trust_forwarded_for"}
    trust = value.get("trust_forwarded_for", False)
    if not isinstance(trust, bool):
        raise ConfigError(f"config: {name}.trust_forwarded_for must be true or false")
    return {**out, "trust_forwarded_for": trust}


def _require(raw: dict, section: str, key: str) -> Any:
    value = _section(raw, section).get(key)
    if value is None or value == "":
        raise ConfigError(f"config: {section}.{key} is missing")
    return value


def _check_aes_key(key: str) -> None:
    if len(key) != 43:
        raise ConfigError("config: wechat.aes_key (WECHAT_AES_KEY) must be 43 characters")
    try:
        decoded = base64.b64decode(key + "=", validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError("config: wechat.aes_key (WECHAT_AES_KEY) is not valid base64") from None
    if len(decoded) != 32:
        raise ConfigError("config: wechat.aes_key (WECHAT_AES_KEY) must decode to 32 bytes")


def _check_url(name: str, url: str) -> None:
    """An http(s) URL with a host and, if any, a numeric port: ``https://host:abc`` would
    otherwise only fail at the first message sent."""
    bad = not str(url).startswith(("http://", "https://"))
    if not bad:
        try:
            parts = urlsplit(url)
            bad = not parts.hostname or (parts.port is None and parts.netloc.endswith(":"))
        except ValueError:
            bad = True
    if bad:
        raise ConfigError(f"config: {name} must be an http(s) URL with a host "
                          f"(and a numeric port, if any), got {url!r}")


DRIVERS = {"sqlite": "sqlite+aiosqlite", "sqlite+aiosqlite": "sqlite+aiosqlite",
           "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg",
           "postgresql+asyncpg": "postgresql+asyncpg"}
"""URL schemes an operator may write, and the async driver each runs on."""


def _database_url(url: str) -> str:
    """``postgresql://…`` (as PostgreSQL's own tools write it) runs on asyncpg and
    ``sqlite:///…`` on aiosqlite; any other scheme is refused here with one line instead of
    an import error from deep inside SQLAlchemy."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in DRIVERS:
        raise ConfigError("config: database.url (DATABASE_URL) must start with "
                          "sqlite+aiosqlite:/// or postgresql+asyncpg:// (or sqlite:///, "
                          "postgresql://)")
    url = f"{DRIVERS[scheme.lower()]}://{rest}"
    _check_database_url(url)
    return url


def _check_database_url(url: str) -> None:
    """What SQLAlchemy would only refuse when the first connection is made, with a
    traceback: a URL it cannot parse (a port that is not a number) or a SQLite URL with no
    file (in memory, every worker and connection would see a database of its own)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - parsed lazily; "host:abc" fails only here
    except (ArgumentError, ValueError):
        raise ConfigError("config: database.url (DATABASE_URL) is not a valid URL "
                          "(e.g. postgresql://user:pw@127.0.0.1:5432/disputebot)") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ConfigError("config: database.url (DATABASE_URL) must name a SQLite file "
                          "(e.g. sqlite:///data/disputebot.db)")


def _read(path: Path) -> dict:
    """The YAML mapping at ``path``; every way it can be unreadable is one line."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    except FileNotFoundError:
        raise ConfigError(f"config: file {path} not found (give --config PATH or "
                          f"DISPUTEBOT_CONFIG)") from None
    except IsADirectoryError:
        raise ConfigError(f"config: {path} is a directory, not a config.yaml file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config: {path} is not UTF-8 text (save it as UTF-8)") from None
    except OSError as exc:
        raise ConfigError(f"config: cannot read {path} ({exc.strerror or exc})") from None
    except _DuplicateKey as exc:
        raise ConfigError(f"config: {path}: {exc} (YAML would keep only the last one; merge "
                          f"them)") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"config: {path} is not valid YAML ({_yaml_problem(exc)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"config: {path} must be a mapping of sections (wechat:, server:, "
                          f"…), not a {type(raw).__name__}")
    return raw


class _DuplicateKey(Exception):
    pass


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key written twice in one mapping: plain YAML keeps the
    last, so a second ``server:`` block silently dropped the first one's settings."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:
                continue
            if first != key_node.start_mark.line + 1:
                raise _DuplicateKey(f"{key} is written twice, at line {first} and line "
                                    f"{key_node.start_mark.line + 1}")
        return super().construct_mapping(node, deep=deep)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Where the file stops being YAML, as an editor counts (line 1, column 1). An unclosed
    quote or bracket is reported where the scanner gave up (often the end of the file), so
    where it was opened is said first."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or exc.__class__.__name__
    if mark is None:
        return problem
    where = f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    start, context = getattr(exc, "context_mark", None), getattr(exc, "context", None)
    if start is not None and context and start.line != mark.line:
        return f"line {start.line + 1}, column {start.column + 1}: {context}; {where}"
    return where


def _check_token(token: str) -> None:
    """WeChat accepts a Token of 3-32 English letters and digits; one it would refuse (or a
    mistyped one) makes every signature check fail, so it is refused here. ``-`` and ``_``
    are let through for local test tokens such as dev-token."""
    plain = token.replace("-", "").replace("_", "")
    if not (plain.isascii() and plain.isalnum() and 3 <= len(token) <= 32):
        raise ConfigError("config: wechat.token (WECHAT_TOKEN) must be 3-32 English letters "
                          "and digits, as set in the 公众平台's 服务器配置")


def _check_appid(appid: str) -> None:
    """The AppID is ``wx`` and 16 letters or digits; the 原始ID (gh_…) or a pasted space
    would only show later as replies WeChat cannot decrypt."""
    if not (len(appid) == 18 and appid.startswith("wx") and appid.isascii()
            and appid[2:].isalnum()):
        found = " (that is the 原始ID gh_…, not the AppID)" if appid.startswith("gh_") else ""
        raise ConfigError(f"config: wechat.appid (WECHAT_APPID) must be wx followed by 16 "
                          f"letters or digits{found}")


def load_config(path: str | os.PathLike | None = None, env: dict | None = None) -> Config:
    """Read config.yaml (or ``path``), apply environment overrides and validate."""
    env = os.environ if env is None else env
    path = Path(path or env.get("DISPUTEBOT_CONFIG") or DEFAULT_PATH)
    raw = _read(path)
    try:
        return _validated(raw, env)
    except ConfigError as exc:
        # The file is named unless the value came from an environment variable it names.
        if str(path) in str(exc) or any(env.get(var) and var in str(exc)
                                        for var in ENV_OVERRIDES):
            raise
        raise ConfigError(f"{exc} (in {path})") from None


NEEDED_MAPPINGS = ("agencies", "liaison_groups")
"""Without them no case reaches any agency: refused at start, not found out per case."""


def _validated(raw: dict, env) -> Config:
    _check_keys(raw)
    for name in NEEDED_MAPPINGS:
        if not raw.get(name):
            raise ConfigError(f"config: section {name} is missing or empty (copy it from the "
                              f"shipped config.yaml)")
    for var, (section, key) in ENV_OVERRIDES.items():
        if env.get(var):
            raw[section] = {**_section(raw, section), key: env[var]}

    token = str(_require(raw, "wechat", "token"))
    _check_token(token)
    appid = str(_require(raw, "wechat", "appid"))
    _check_appid(appid)
    aes_key = str(_require(raw, "wechat", "aes_key"))
    _check_aes_key(aes_key)
    api_base = str(_require(raw, "wechat", "api_base")).rstrip("/")
    _check_url("wechat.api_base (WECHAT_API_BASE)", api_base)
    webhook_base = str(_require(raw, "wecom", "webhook_base")).rstrip("/")
    _check_url("wecom.webhook_base (WECOM_WEBHOOK_BASE)", webhook_base)
    db_url = _database_url(str(_require(raw, "database", "url")))
    port = _port(_require(raw, "server", "port"))
    server = _section(raw, "server")
    if not isinstance(server.get("host") or "", str):
        raise ConfigError("config: server.host (HOST) must be one address, e.g. 127.0.0.1 "
                          "or 0.0.0.0")
    listed = raw.get("jurisdictions") or []
    if not isinstance(listed, list):
        raise ConfigError("config: jurisdictions must be a list (- name: …)")
    jurisdictions = [
        Jurisdiction(name=str(j["name"]), towns=_towns(j))
        for j in listed
        if isinstance(j, dict) and j.get("name")
    ]
    if not jurisdictions:
        raise ConfigError("config: jurisdictions must list at least one district")
    return Config(
        token=token,
        aes_key=aes_key,
        appid=appid,
        appsecret=str(_section(raw, "wechat").get("appsecret") or ""),
        api_base=api_base,
        host=str(server.get("host") or "127.0.0.1"),
        port=port,
        reply_budget=_number(server, "reply_budget_seconds", 4.0, float),
        max_body_bytes=_number(server, "max_body_bytes", 65536, int),
        timestamp_tolerance=_number(server, "timestamp_tolerance_seconds", 300, int),
        database_url=db_url,
        webhook_base=webhook_base,
        jurisdictions=jurisdictions,
        raw=raw,
        body_timeout=_number(server, "body_timeout_seconds", 10.0, float, least=1),
    )


def _towns(jurisdiction: dict) -> tuple[str, ...]:
    towns = jurisdiction.get("towns") or ()
    if not isinstance(towns, (list, tuple)):
        raise ConfigError(f"config: jurisdictions: towns of {jurisdiction['name']} must be a "
                          f"list ([荔城街道, 新塘镇])")
    return tuple(str(t) for t in towns)


def _number(values: dict, key: str, default: float, kind: type,
            section: str = "server", least: int = 0) -> Any:
    value = values.get(key, default)
    try:
        if isinstance(value, bool) or (kind is int and isinstance(value, float)
                                       and not value.is_integer()):
            raise ValueError
        value = kind(value)
    except (TypeError, ValueError, OverflowError):
        value = -1
    if not value >= least:  # NaN too
        whole = "whole " if kind is int else ""
        raise ConfigError(f"config: {section}.{key} must be a {whole}number, {least} or more")
    return value


def _port(value: Any) -> int:
    """ASCII digits only: int() would also take '８０８０', '8_080' or a YAML ``true``."""
    text = str(value).strip() if not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 65535:
        raise ConfigError("config: server.port (PORT) must be a number 0-65535")
    return int(text)

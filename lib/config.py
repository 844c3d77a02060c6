"""Settings from the environment or ``.streamlit/secrets.toml``.

One settings object, read once per process. Outside demo mode a cookie key is required
and must not be a known default.

``TRUSTED_PROXIES`` (comma-separated addresses or networks, default none) names the
reverse proxies whose ``X-Forwarded-For`` header is believed: login failures are counted
per username and client address (``lib/domain/login_policy.py``), and without this setting
the client address is the TCP peer. Never list client networks here, only the proxies.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_SQLITE = DATA_DIR / "app.db"
KNOWN_WEAK_KEYS = {
    "",
    "some_key",
    "changeme",
    "secret",
    "random_signature_key",
    "abcdef",
}
MIN_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used (the message says what to set)."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    cookie_key: str
    cookie_name: str
    cookie_expiry_days: float
    demo_mode: bool
    default_locale: str
    attachments_dir: Path
    # TRUSTED_PROXIES: addresses/networks of the reverse proxies whose X-Forwarded-For
    # names the client (login throttling counts per client address). Empty: the TCP peer.
    trusted_proxies: tuple[str, ...] = ()
    # APP_TIMEZONE: the zone every screen, document and CLI line shows (storage is UTC)
    timezone: str = "Asia/Shanghai"


def _secrets_file() -> dict[str, object]:
    path = Path(os.environ.get("APP_SECRETS_FILE", ROOT / ".streamlit" / "secrets.toml"))
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def secret_value(name: str) -> str | None:
    """One value from ``.streamlit/secrets.toml`` (upper or lower case name), if set."""
    sec = _secrets_file()
    value = sec.get(name) or sec.get(name.lower())
    return str(value) if value is not None else None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE}"


def _demo_cookie_key() -> str:
    """In demo mode a random key is generated once and kept in data/ (ignored by git)."""
    path = DATA_DIR / ".demo_cookie_key"
    if path.is_file():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings() -> Settings:
    """Read settings from env (wins) and secrets.toml; validate the cookie key."""
    sec = _secrets_file()

    def get(name: str, default: str | None = None) -> str | None:
        if name in os.environ:
            return os.environ[name]
        value = sec.get(name) or sec.get(name.lower())
        return str(value) if value is not None else default

    demo = _truthy(get("DEMO_MODE"))
    key = get("COOKIE_KEY")
    if not key or key in KNOWN_WEAK_KEYS or len(key) < MIN_KEY_LENGTH:
        if demo and not key:
            key = _demo_cookie_key()
        else:
            raise ConfigError(
                "COOKIE_KEY must be set to a random secret of at least "
                f"{MIN_KEY_LENGTH} characters (e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'), or run with DEMO_MODE=1. / "
                "未配置有效的 COOKIE_KEY（至少32位随机字符），或使用演示模式 DEMO_MODE=1。"
            )
    from lib.domain.login_policy import parse_networks

    try:
        proxies = parse_networks(get("TRUSTED_PROXIES") or "")
    except ValueError as exc:
        raise ConfigError(
            f"TRUSTED_PROXIES: {exc} is not an IP address or network (e.g. 10.0.0.2, "
            "192.168.10.0/24). / TRUSTED_PROXIES 中的 "
            f"{exc} 不是IP地址或网段。"
        ) from exc
    from lib.domain.clock import TimezoneError, _zone

    zone = (get("APP_TIMEZONE") or "").strip() or "Asia/Shanghai"
    try:
        _zone(zone)
    except TimezoneError as exc:
        raise ConfigError(str(exc)) from exc
    return Settings(
        timezone=zone,
        database_url=get("DATABASE_URL") or default_database_url(),
        cookie_key=key,
        cookie_name=get("COOKIE_NAME", "campaign_auth") or "campaign_auth",
        cookie_expiry_days=float(get("COOKIE_EXPIRY_DAYS", "7") or 7),
        demo_mode=demo,
        default_locale=get("APP_LOCALE", "zh") or "zh",
        attachments_dir=Path(get("ATTACHMENTS_DIR") or (DATA_DIR / "attachments")),
        trusted_proxies=tuple(str(n) for n in proxies),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings (cached)."""
    return load_settings()


def database_url() -> str:
    """DATABASE_URL without requiring a cookie key (for the CLI and migrations)."""
    return os.environ.get("DATABASE_URL") or str(
        _secrets_file().get("DATABASE_URL") or default_database_url()
    )


def _setting(name: str) -> str | None:
    """One setting from the environment (wins) or the secrets file, without the cookie
    key check (the scheduler and the CLI need no login)."""
    value = os.environ.get(name, _secrets_file().get(name))
    return str(value) if value else None


def smtp_url() -> str | None:
    """SMTP_URL: ``smtp://user:pass@host:25`` (STARTTLS when offered) or
    ``smtps://user:pass@host:465``; e-mail channels need it."""
    return os.environ.get("SMTP_URL") or _setting("SMTP_URL")


def smtp_from() -> str | None:
    """SMTP_FROM: the sender address of e-mail messages (default: the SMTP user)."""
    return os.environ.get("SMTP_FROM") or _setting("SMTP_FROM")


def app_base_url() -> str:
    """APP_BASE_URL: the address users open the app at; every message links into it."""
    url = os.environ.get("APP_BASE_URL") or _setting("APP_BASE_URL")
    return (url or "http://localhost:8501").rstrip("/")

"""Settings refuse a missing or default cookie key outside demo mode."""

from __future__ import annotations

import pytest

from lib import config


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> pytest.MonkeyPatch:  # type: ignore[no-untyped-def]
    for name in ("COOKIE_KEY", "DEMO_MODE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    return monkeypatch


@pytest.mark.parametrize("key", [None, "", "some_key", "changeme", "short-key"])
def test_weak_or_missing_cookie_key_is_refused_outside_demo(clean_env, key) -> None:  # type: ignore[no-untyped-def]
    if key is not None:
        clean_env.setenv("COOKIE_KEY", key)
    with pytest.raises(config.ConfigError, match="COOKIE_KEY"):
        config.load_settings()


def test_demo_mode_generates_and_keeps_a_key(clean_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("DEMO_MODE", "1")
    first = config.load_settings()
    second = config.load_settings()
    assert len(first.cookie_key) >= 32 and first.cookie_key == second.cookie_key
    assert (tmp_path / ".demo_cookie_key").read_text().strip() == first.cookie_key


def test_demo_mode_still_refuses_a_known_default(clean_env) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("DEMO_MODE", "1")
    clean_env.setenv("COOKIE_KEY", "some_key")
    with pytest.raises(config.ConfigError):
        config.load_settings()


def test_secrets_file_and_env(clean_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('COOKIE_KEY = "' + "k" * 40 + '"\nDATABASE_URL = "sqlite:///x.db"\n')
    clean_env.setenv("APP_SECRETS_FILE", str(secrets))
    s = config.load_settings()
    assert s.cookie_key == "k" * 40 and s.database_url == "sqlite:///x.db"
    assert not s.demo_mode
    clean_env.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert config.load_settings().database_url == "postgresql://u@h/db"

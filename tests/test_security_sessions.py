"""Sessions (issue 9), the claims tests/test_auth.py does not already make: a real signed
cookie copied before logout is refused after it; a role change ends open sessions; the
app will not start without a cookie key outside demo mode; an unknown username costs the
same bcrypt check as a wrong password."""

from __future__ import annotations

import statistics
import time

import jwt
import pytest
import streamlit as st

from lib import config, write
from lib.db import session_scope
from lib.domain.permissions import Actor
from tests.apphelpers import logged_in, new_app


def _cookie(username: str, issued_ago: float) -> str:
    """A cookie as the app issues it (with its issue time ``iat``, issue 17)."""
    from lib.ui.auth import encode_cookie

    cfg = config.settings()
    return encode_cookie(
        username, cfg.cookie_key, cfg.cookie_expiry_days, now=time.time() - issued_ago
    )


def _with_cookie(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    name = config.settings().cookie_name
    monkeypatch.setattr(type(st.context), "cookies", property(lambda _self: {name: token}))


def test_cookie_issued_before_logout_is_refused(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _cookie("leader", issued_ago=120)
    _with_cookie(monkeypatch, token)
    at = new_app()  # no form: the cookie alone logs in
    assert at.session_state["authentication_status"] is True
    assert at.session_state["username"] == "leader"

    with session_scope() as s:
        write.record_logout(session=s, username="leader")
    replay = new_app()  # the copied cookie, in another browser, after the logout
    assert not replay.session_state["authentication_status"]
    assert any("登录已失效" in e.value for e in replay.error)

    # a forged cookie (wrong key, otherwise well formed) never logs in
    now = time.time()
    forged = jwt.encode(
        {"username": "admin", "exp_date": now + 3600, "exp": int(now) + 3600, "iat": now},
        "x" * 40,
        algorithm="HS256",
    )
    _with_cookie(monkeypatch, forged)
    assert not new_app().session_state["authentication_status"]


def test_role_change_ends_open_sessions(app_db: str) -> None:
    at = logged_in("leader")
    with session_scope() as s:
        write.update_user(
            actor=Actor.system(),
            session=s,
            username="leader",
            display_name="院领导",
            roles=["viewer"],
            department_code=None,
        )
    at.run()
    assert not at.session_state["authentication_status"]
    assert any("登录已失效" in e.value for e in at.error)


def test_app_refuses_to_start_without_a_cookie_key(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEMO_MODE", "0")
    monkeypatch.delenv("COOKIE_KEY", raising=False)
    monkeypatch.setenv("APP_SECRETS_FILE", "/nonexistent/secrets.toml")
    config.settings.cache_clear()
    at = new_app()
    assert not at.exception
    assert any("COOKIE_KEY" in e.value.replace("\\", "") for e in at.error)  # shown escaped
    assert not at.text_input, "no login form without a key"
    config.settings.cache_clear()


def test_unknown_user_and_wrong_password_take_the_same_time(app_db: str) -> None:
    """Both cost one bcrypt check of the same cost factor; timed, they agree."""
    import bcrypt

    from lib.ui.auth import _DUMMY_HASH, LoginUsers

    users = LoginUsers(config.settings())
    known, unknown = users["leader"]["password"], users["nobody_here"]["password"]
    assert unknown == _DUMMY_HASH and known != _DUMMY_HASH
    assert known[:7] == unknown[:7]  # "$2b$12$": the same algorithm and cost

    def cost(hashed: str) -> float:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            bcrypt.checkpw(b"Wrong-password-1", hashed.encode())
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    a, b = cost(known), cost(unknown)
    assert 0.5 < a / b < 2.0, (a, b)

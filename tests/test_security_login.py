"""Login hardening, second round (issue 17): a stranger cannot keep the owner out, every
failure gets the same answer, the client address comes from X-Forwarded-For only behind a
trusted proxy, the administrator can unlock and block, a username with control
characters never reaches the database, any cookie problem means the login form, the
revocation check uses the cookie's own issue time, the password is checked as typed, the
cookie is SameSite=Strict and Secure over HTTPS."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import streamlit as st
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session
from streamlit.runtime.context import StreamlitHeaders

from lib import config, write
from lib.db import dispose_all, make_engine, session_scope, upgrade
from lib.demo import DEMO_PASSWORD
from lib.domain import login_policy as policy
from lib.domain.permissions import Actor
from lib.models import AuditLog, LoginThrottle, User, utcnow
from lib.ui.auth import decode_cookie, encode_cookie
from lib.write import PermissionDenied, ServiceError
from tests.apphelpers import login, new_app

ROOT = Path(__file__).resolve().parent.parent
STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"
PROXY = "10.0.0.2"
FAILED = ["用户名或密码错误。"]


def _from(
    monkeypatch: pytest.MonkeyPatch, address: str | None, forwarded: str | None = None
) -> None:
    """Every following app run sees this peer address and X-Forwarded-For header."""
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda _self: address))
    headers = StreamlitHeaders([("X-Forwarded-For", forwarded)] if forwarded else [])
    monkeypatch.setattr(type(st.context), "headers", property(lambda _self: headers))


def _rows(username: str) -> dict[str, LoginThrottle]:
    from lib.db import get_engine

    with Session(get_engine()) as s:
        return {
            r.address: r
            for r in s.scalars(select(LoginThrottle).where(LoginThrottle.username == username))
        }


def _answer(at: Any) -> tuple[list[str], list[str], bool | None]:
    """What the visitor sees after a login attempt."""
    return (
        [e.value for e in at.error],
        [str(c.value) for c in at.caption],
        at.session_state["authentication_status"],
    )


# --- the client address -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        (STRANGER, [], "", STRANGER),
        (None, [], "", "127.0.0.1"),  # st.context reports a local connection as None
        (STRANGER, ["1.2.3.4"], "", STRANGER),  # no trusted proxy: the header is ignored
        (STRANGER, ["1.2.3.4"], PROXY, STRANGER),  # the peer is not the proxy: ignored
        (PROXY, ["1.2.3.4"], PROXY, "1.2.3.4"),
        (PROXY, ["9.9.9.9, 1.2.3.4"], PROXY, "1.2.3.4"),  # a client-made entry is skipped
        (PROXY, ["1.2.3.4, 10.0.0.3"], "10.0.0.0/24", "1.2.3.4"),  # two trusted hops
        (PROXY, ["1.2.3.4", "5.6.7.8"], PROXY, "5.6.7.8"),  # repeated headers, in order
        (PROXY, ["1.2.3.4:5555"], PROXY, "1.2.3.4"),
        (PROXY, ["[2001:db8::1]:443"], PROXY, "2001:db8::1"),
        (PROXY, ["not-an-address"], PROXY, PROXY),  # malformed: the proxy's own address
        (PROXY, [], PROXY, PROXY),
        (None, ["1.2.3.4"], "127.0.0.1", "1.2.3.4"),  # a proxy on the same host
        ("::ffff:203.0.113.66", [], "", STRANGER),
    ],
)
def test_client_address_reads_forwarded_for_only_from_trusted_proxies(
    peer: str | None, forwarded: list[str], trusted: str, expected: str
) -> None:
    proxies = policy.parse_networks(trusted)
    assert policy.client_address(peer, forwarded, proxies) == expected


def test_trusted_proxies_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.2, 192.168.0.0/24")
    assert config.load_settings().trusted_proxies == ("10.0.0.2/32", "192.168.0.0/24")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.2, proxy.local")
    with pytest.raises(config.ConfigError, match=r"proxy\.local"):
        config.load_settings()


@pytest.mark.parametrize("trusted", [False, True])
def test_forwarded_for_is_believed_only_when_the_proxy_is_trusted(
    app_db: str, monkeypatch: pytest.MonkeyPatch, trusted: bool
) -> None:
    if trusted:
        monkeypatch.setenv("TRUSTED_PROXIES", PROXY)
    config.settings.cache_clear()
    _from(monkeypatch, PROXY, forwarded=STRANGER)
    login(new_app(), "office", "Wrong-password-1")
    # a client connecting directly cannot choose its address by sending the header
    _from(monkeypatch, OWNER, forwarded="192.0.2.1")
    login(new_app(), "office", "Wrong-password-1")
    counted = set(_rows("office")) - {policy.ANY_ADDRESS}
    assert counted == ({STRANGER, OWNER} if trusted else {PROXY, OWNER})


# --- a stranger cannot lock the owner out; one answer for every failure -------------------


def test_a_stranger_cannot_keep_the_owner_out(app_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's probe: 15 wrong passwords over 40 minutes from one address kept admin
    locked for everybody. Now only the stranger's address is locked."""
    _from(monkeypatch, STRANGER)
    at = new_app()
    for _ in range(15):
        login(at, "admin", "Wrong-password-1")
    assert _rows("admin")[STRANGER].locked_until is not None
    _from(monkeypatch, OWNER)
    owner = login(new_app(), "admin", DEMO_PASSWORD)
    assert owner.session_state["authentication_status"] is True
    _from(monkeypatch, STRANGER)
    assert login(new_app(), "admin", DEMO_PASSWORD).session_state["authentication_status"] is False


def test_unknown_locked_and_unlocked_usernames_get_identical_answers(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of the first seven failures of a real and an unknown username, from the same
    address, shows exactly the same thing (the last two while locked); both are counted
    and locked alike (attempts while locked are not counted)."""
    _from(monkeypatch, STRANGER)
    real, ghost = new_app(), new_app()
    for attempt in range(7):
        login(real, "office", "Wrong-password-1")
        login(ghost, "nobody_here", "Wrong-password-1")
        assert _answer(real) == _answer(ghost), attempt
        errors, captions, status = _answer(real)
        assert errors == FAILED and status is False
        assert any("系统管理员" in c for c in captions)
    for name in ("office", "nobody_here"):
        rows = _rows(name)
        assert rows[STRANGER].locks == 1 and rows[STRANGER].locked_until is not None, name
        assert rows[policy.ANY_ADDRESS].failures == 5, name


def test_lock_durations_grow_and_the_hourly_cap_spares_the_owners_addresses(
    engine: Engine,
) -> None:
    """5 failures lock the pair for 15 minutes, then 30, 60 …, at most 24 hours; a
    success starts afresh. 100 failures an hour close the username to addresses the
    owner never used, never to the owner's own."""
    with session_scope(engine) as s:
        write.create_user(
            actor=Actor.system(),
            session=s,
            username="owner",
            password="Str0ng!pass",
            roles=["leader"],
        )
    now = dt.datetime(2026, 11, 20, 8, 0)
    durations = []
    for _ in range(4):
        for _ in range(5):
            with session_scope(engine) as s:
                assert write.login_allowed(s, "owner", STRANGER, now)
                write.record_login_failure(session=s, username="owner", address=STRANGER, now=now)
        with session_scope(engine) as s:
            row = s.scalar(select(LoginThrottle).where(LoginThrottle.address == STRANGER))
            assert row is not None and row.locked_until is not None
            durations.append(row.locked_until - now)
            assert not write.login_allowed(s, "owner", STRANGER, now)
            # attempts while locked are refused and not counted
            write.record_login_failure(session=s, username="owner", address=STRANGER, now=now)
            assert row.failures == 0
        now = row.locked_until + dt.timedelta(seconds=1)
    assert durations == [dt.timedelta(minutes=m) for m in (15, 30, 60, 120)]
    assert policy.lock_duration(20) == dt.timedelta(hours=24)

    with session_scope(engine) as s:
        write.record_login_success(session=s, username="owner", address=STRANGER, now=now)
        write.record_login_failure(session=s, username="owner", address=OWNER, now=now)
        write.record_login_success(session=s, username="owner", address=OWNER, now=now)
    with session_scope(engine) as s:
        row = s.scalar(select(LoginThrottle).where(LoginThrottle.address == STRANGER))
        assert row is not None and (row.failures, row.locks, row.locked_until) == (0, 0, None)

    # a botnet: 100 addresses, one failure each, within the hour
    later = now + dt.timedelta(hours=2)
    with session_scope(engine) as s:
        for i in range(policy.ACCOUNT_FAILURES_PER_HOUR):
            write.record_login_failure(
                session=s, username="owner", address=f"192.0.2.{i + 1}", now=later
            )
    with session_scope(engine) as s:
        assert not write.login_allowed(s, "owner", "198.18.0.1", later)  # a new address
        assert write.login_allowed(s, "owner", OWNER, later)  # the owner's own
        assert write.login_allowed(s, "owner", "198.18.0.1", later + dt.timedelta(hours=1))
        assert write.login_allowed(s, "other_user", "198.18.0.1", later)


# --- the real owner's way back in ----------------------------------------------------------


def test_admin_unlock_clears_the_locks_and_blocks_the_attacker(engine: Engine) -> None:
    with session_scope(engine) as s:
        write.create_user(
            actor=Actor.system(),
            session=s,
            username="owner",
            password="Str0ng!pass",
            roles=["leader"],
        )
        write.create_user(
            actor=Actor.system(),
            session=s,
            username="boss",
            password="Str0ng!pass",
            roles=["admin"],
        )
        boss = s.scalar(select(User).where(User.username == "boss"))
        assert boss is not None
        admin = Actor(username="boss", roles=frozenset({"admin"}), user_id=boss.id)
    now = utcnow()
    with session_scope(engine) as s:
        for _ in range(5):
            write.record_login_failure(session=s, username="owner", address=STRANGER, now=now)
        assert not write.login_allowed(s, "owner", STRANGER)
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        write.unlock_login(
            actor=Actor(username="office", roles=frozenset({"office"})),
            session=s,
            username="owner",
        )
    with pytest.raises(ServiceError) as bad, session_scope(engine) as s:
        write.unlock_login(actor=admin, session=s, username="owner", block="evil.example.org")
    assert bad.value.key == "security.error_bad_address"
    with session_scope(engine) as s:
        cleared = write.unlock_login(
            actor=admin, session=s, username=" Owner ", block=STRANGER, reason="brute force"
        )
    assert cleared == 1
    with session_scope(engine) as s:
        assert write.login_allowed(s, "owner", OWNER)
        # the blocked address is refused for every username, even with the right password
        assert not write.login_allowed(s, "owner", STRANGER)
        assert not write.login_allowed(s, "boss", STRANGER)
        audited = list(
            s.execute(
                select(AuditLog.action, AuditLog.before, AuditLog.after)
                .where(AuditLog.username == "boss")
                .order_by(AuditLog.id)
            )
        )
    assert [a for a, _, _ in audited] == ["unlock_login", "block_address"]
    _, before, after = audited[0]
    locks = {entry["address"]: entry for entry in before["locks"]}
    assert locks[STRANGER]["locks"] == 1 and locks[STRANGER]["locked_until"]
    assert locks[policy.ANY_ADDRESS]["failures"] == 5
    assert after == {"username": "owner", "locks": [], "blocked": f"{STRANGER}/32"}
    assert audited[1][2] == {"network": f"{STRANGER}/32", "reason": "brute force"}
    with session_scope(engine) as s:
        write.unblock_address(actor=admin, session=s, address=STRANGER)
    with session_scope(engine) as s:
        assert write.login_allowed(s, "owner", STRANGER)
        last = s.scalar(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))
        assert last is not None and last.action == "unblock_address"
        assert last.before is not None and last.before["network"] == f"{STRANGER}/32"


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "APP_LOCALE": "zh"}
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_unlock_blocks_and_lists(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as s:
        write.create_user(
            actor=Actor.system(),
            session=s,
            username="admin",
            password="Str0ng!pass",
            roles=["admin"],
        )
        for _ in range(5):
            write.record_login_failure(session=s, username="admin", address=STRANGER)
    engine.dispose()
    r = _cli(db_url, "login-locks")
    assert r.returncode == 0 and f"admin\t地址 {STRANGER}" in r.stdout, r.stderr
    r = _cli(db_url, "unlock", "admin", "--block-address", STRANGER, "--reason", "attack")
    assert r.returncode == 0, r.stderr
    assert "已解除 admin 的登录锁定（1 个地址）" in r.stdout and f"{STRANGER}/32" in r.stdout
    r = _cli(db_url, "login-locks")
    assert f"封禁：{STRANGER}/32\tattack\tsystem" in r.stdout and "锁定：" not in r.stdout
    r = _cli(db_url, "unlock", "nobody")
    assert r.returncode == 1 and "nobody" in r.stderr
    r = _cli(db_url, "unlock", "admin", "--block-address", "not-an-ip")
    assert r.returncode == 1 and "不是有效的IP地址" in r.stderr
    r = _cli(db_url, "unblock-address", STRANGER)
    assert r.returncode == 0 and "已解除对" in r.stdout
    r = _cli(db_url, "login-locks")
    assert "当前没有生效的登录锁定" in r.stdout
    dispose_all()


# --- control characters never reach the database ---------------------------------------


@pytest.fixture
def app_on_both(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app on an empty database of each backend with one administrator."""
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as s:
        write.create_user(
            actor=Actor.system(),
            session=s,
            username="admin",
            password="Str0ng!pass",
            roles=["admin"],
        )
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DEMO_MODE", "0")
    config.settings.cache_clear()
    dispose_all()
    yield db_url
    config.settings.cache_clear()
    dispose_all()


@pytest.mark.parametrize(
    "username", ["admin\x00", "ad\x00min", "admin\u202e", "admin\x1b[31m", "a" * 81]
)
def test_control_characters_in_the_username_never_reach_the_database(
    app_on_both: str, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    """On PostgreSQL ``admin\\x00`` raised a DataError whose traceback (with the SQL and
    every users column) reached the visitor. Now: the usual answer, no statement sent."""
    sent: list[Any] = []

    def spy(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    _from(monkeypatch, STRANGER)
    at = new_app()
    event.listen(Engine, "before_cursor_execute", spy)
    try:
        login(at, username, "Str0ng!pass")
    finally:
        event.remove(Engine, "before_cursor_execute", spy)
    assert not at.exception
    assert _answer(at)[0] == FAILED and at.session_state["authentication_status"] is False
    assert not [s for s in sent if username.strip().lower() in repr(s[1])]
    assert not [s for s in sent if "\\x00" in repr(s[1]) or "\x00" in repr(s[1])]
    # the real administrator is not affected
    ok = login(new_app(), "admin", "Str0ng!pass")
    assert ok.session_state["authentication_status"] is True and not ok.exception


# --- cookies --------------------------------------------------------------------------


def _with_cookie(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    name = config.settings().cookie_name
    monkeypatch.setattr(type(st.context), "cookies", property(lambda _self: {name: token}))


def _forged(kind: str) -> str:
    key = config.settings().cookie_key
    now = time.time()
    good = {"username": "admin", "exp_date": now + 3600, "exp": int(now) + 3600, "iat": now}
    if kind == "alg_none":
        return jwt.encode(good, None, algorithm="none")
    if kind == "hs512":
        return jwt.encode(good, key, algorithm="HS512")
    if kind == "no_iat":  # the library's own format, before issue 17
        return jwt.encode({"username": "admin", "exp_date": now + 3600}, key, algorithm="HS256")
    if kind == "string_exp_date":
        return jwt.encode({**good, "exp_date": "tomorrow"}, key, algorithm="HS256")
    if kind == "int_username":
        return jwt.encode({**good, "username": 7}, key, algorithm="HS256")
    if kind == "nul_username":
        return jwt.encode({**good, "username": "admin\x00"}, key, algorithm="HS256")
    if kind == "expired":
        return encode_cookie("admin", key, 1, now=now - 3 * 86400)
    if kind == "garbage":
        return "e30.\x00\xff.%%%"
    if kind == "huge":
        return "a" * 100_000
    raise AssertionError(kind)


COOKIE_PROBLEMS = [
    "alg_none",
    "hs512",
    "no_iat",
    "string_exp_date",
    "int_username",
    "nul_username",
    "expired",
    "garbage",
    "huge",
]


@pytest.mark.parametrize("kind", COOKIE_PROBLEMS)
def test_any_cookie_problem_shows_the_login_form(
    app_db: str, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    token = _forged(kind)
    assert decode_cookie(token, config.settings().cookie_key) is None
    _with_cookie(monkeypatch, token)
    at = new_app()
    assert not at.exception, at.exception
    assert not at.error
    assert not at.session_state["authentication_status"]
    assert len(at.text_input) == 2  # the login form


def test_a_good_cookie_still_logs_in(app_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config.settings()
    _with_cookie(monkeypatch, encode_cookie("leader", cfg.cookie_key, cfg.cookie_expiry_days))
    at = new_app()
    assert at.session_state["authentication_status"] is True
    assert at.session_state["username"] == "leader"


def test_revocation_uses_the_cookies_issue_time_not_the_expiry_setting(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cookie issued before a logout stays revoked when the operator lowers
    COOKIE_EXPIRY_DAYS (the login time used to be computed as expiry minus the setting)."""
    cfg = config.settings()
    token = encode_cookie("leader", cfg.cookie_key, 7, now=time.time() - 600)
    with session_scope() as s:
        write.record_logout(session=s, username="leader")
    monkeypatch.setenv("COOKIE_EXPIRY_DAYS", "1")
    config.settings.cache_clear()
    _with_cookie(monkeypatch, token)
    at = new_app()
    assert not at.session_state["authentication_status"]
    assert any("登录已失效" in e.value for e in at.error)
    # a cookie issued after the logout logs in under the new setting
    _with_cookie(monkeypatch, encode_cookie("leader", cfg.cookie_key, 1))
    assert new_app().session_state["authentication_status"] is True


# --- passwords are checked as typed --------------------------------------------------------


@pytest.mark.parametrize("password", ["Trail!ng1 ", " Lead!ng12", "  Both!way3  "])
def test_a_password_with_spaces_works_exactly_as_it_was_set(app_db: str, password: str) -> None:
    """The account page and the admin accept spaces at either end; the login form used to
    strip them, locking such a user out for good. The form now checks what was typed."""
    with session_scope() as s:
        write.set_password(
            actor=Actor.system(), session=s, username="liaison_card", new_password=password
        )
    assert login(new_app(), "liaison_card", password).session_state["authentication_status"]
    stripped = login(new_app(), "liaison_card", password.strip())
    assert stripped.session_state["authentication_status"] is False
    assert [e.value for e in stripped.error] == FAILED


def test_username_is_trimmed_and_lower_cased_as_stored(app_db: str) -> None:
    at = login(new_app(), "  Leader ", DEMO_PASSWORD)
    assert at.session_state["authentication_status"] is True
    assert at.session_state["username"] == "leader"


# --- cookie flags ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://campaign.example.org/", "http://127.0.0.1:8501/"])
def test_login_cookie_is_samesite_strict_and_secure_over_https(
    app_db: str, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    import extra_streamlit_components as stx

    set_calls: list[dict[str, Any]] = []
    original = stx.CookieManager.set

    def record(self, cookie, val, *args, **kwargs):  # type: ignore[no-untyped-def]
        set_calls.append({"cookie": cookie, "value": val, **kwargs})
        return original(self, cookie, val, *args, **kwargs)

    monkeypatch.setattr(stx.CookieManager, "set", record)
    at = new_app()
    at.context = {"url": url}
    at.run()
    login(at, "leader", DEMO_PASSWORD)
    assert at.session_state["authentication_status"] is True
    assert len(set_calls) == 1
    call = set_calls[0]
    assert call["same_site"] == "strict"
    assert call["secure"] is (True if url.startswith("https") else None)
    payload = decode_cookie(call["value"], config.settings().cookie_key)
    assert payload is not None and payload["username"] == "leader"
    assert abs(payload["iat"] - time.time()) < 60


def test_admin_unlocks_and_blocks_from_the_users_page(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.apphelpers import logged_in

    _from(monkeypatch, STRANGER)
    at = new_app()
    for _ in range(5):
        login(at, "office", "Wrong-password-1")
    _from(monkeypatch, OWNER)
    admin = logged_in("admin")
    admin.switch_page("pages/setup_users.py").run()
    assert not admin.exception, admin.exception
    assert any(STRANGER in df.value.to_string() for df in admin.dataframe)
    admin.selectbox(key="login_unlock_user").set_value("office")
    admin.text_input(key="login_unlock_block").set_value(STRANGER)
    admin.text_input(key="login_unlock_reason").set_value("撞库")
    [unlock] = [b for b in admin.button if b.label == "解锁"]
    unlock.click().run()
    assert not admin.exception, admin.exception
    assert any("已解除 office 的登录锁定（1 个地址）" in s.value for s in admin.success)
    assert any(f"{STRANGER}/32" in df.value.to_string() for df in admin.dataframe)
    # the block holds for the right password too; the owner's own address works
    _from(monkeypatch, STRANGER)
    assert login(new_app(), "office", DEMO_PASSWORD).session_state["authentication_status"] is False
    _from(monkeypatch, OWNER)
    assert login(new_app(), "office", DEMO_PASSWORD).session_state["authentication_status"]
    # lifting the block from the page
    _from(monkeypatch, OWNER)
    admin.run()
    [unblock] = [b for b in admin.button if b.label == "解除封禁"]
    unblock.click().run()
    shown = [s.value.replace("\\", "") for s in admin.success]  # markdown-escaped
    assert any(f"已解除对 {STRANGER}/32 的封禁" in text for text in shown), shown

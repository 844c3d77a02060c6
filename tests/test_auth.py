"""Login per role, wrong password, lockout (per username and address) and its expiry,
revocation — through the app."""

from __future__ import annotations

import datetime as dt

import pytest
import streamlit as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lib.db import get_engine, session_scope
from lib.demo import DEMO_PASSWORD
from lib.domain.permissions import Actor
from lib.models import AuditLog, LoginThrottle, User, utcnow
from lib.write import set_password, set_user_active
from tests.apphelpers import logged_in, login, new_app

ROLE_USERS = ["admin", "office", "leader", "viewer", "liaison_card"]


def _user(username: str) -> User:
    with Session(get_engine()) as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        return user


@pytest.mark.parametrize("username", ROLE_USERS)
def test_each_role_logs_in(app_db: str, username: str) -> None:
    at = logged_in(username)
    assert at.session_state["username"] == username
    assert _user(username).last_login_at is not None
    assert not at.error


@pytest.mark.parametrize("username", ["leader", "no_such_user"])
def test_wrong_password_and_unknown_user_get_the_same_message(app_db: str, username: str) -> None:
    at = login(new_app(), username, "Wrong-password-1")
    assert at.session_state["authentication_status"] is False
    assert [e.value for e in at.error] == ["用户名或密码错误。"]


STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"


def _from(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    """Every following app run sees its client at ``address`` (as st.context does)."""
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda _self: address))


def _throttle(username: str, address: str) -> LoginThrottle:
    with Session(get_engine()) as s:
        row = s.scalar(
            select(LoginThrottle).where(
                LoginThrottle.username == username, LoginThrottle.address == address
            )
        )
        assert row is not None
        return row


def test_five_failures_lock_the_username_from_that_address_for_15_minutes(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 changed the rule: the lock holds the username only for the address the
    failures came from, so a stranger cannot keep the owner out (it was: the username,
    from everywhere)."""
    _from(monkeypatch, STRANGER)
    at = new_app()
    for _ in range(5):
        login(at, "office", "Wrong-password-1")
        assert [e.value for e in at.error] == ["用户名或密码错误。"]
    locked_until = _throttle("office", STRANGER).locked_until
    assert locked_until is not None
    assert dt.timedelta(minutes=14) < locked_until - utcnow() <= dt.timedelta(minutes=15)

    # the right password from that address is refused while locked, with the same
    # message, and the lock holds across "restarts"
    at2 = login(new_app(), "office", DEMO_PASSWORD)
    assert at2.session_state["authentication_status"] is False
    assert [e.value for e in at2.error] == ["用户名或密码错误。"]
    # nobody else is locked out, even from the stranger's address
    assert logged_in("leader").session_state["username"] == "leader"
    # the owner, from their own address, is not locked out
    _from(monkeypatch, OWNER)
    assert logged_in("office").session_state["username"] == "office"

    # the lock expires by itself
    _from(monkeypatch, STRANGER)
    with session_scope() as s:
        s.execute(
            update(LoginThrottle)
            .where(LoginThrottle.username == "office", LoginThrottle.address == STRANGER)
            .values(locked_until=utcnow() - dt.timedelta(seconds=1))
        )
    at3 = login(new_app(), "office", DEMO_PASSWORD)
    assert at3.session_state["authentication_status"] is True
    row = _throttle("office", STRANGER)
    assert row.failures == 0 and row.locks == 0 and row.locked_until is None
    with Session(get_engine()) as s:
        audited = list(
            s.execute(
                select(AuditLog.action, AuditLog.after).where(
                    AuditLog.username == "office", AuditLog.action.like("login_%")
                )
            )
        )
    actions = [a for a, _ in audited]
    assert actions.count("login_failed") == 4 and actions.count("login_locked") == 1
    assert all(after["address"] == STRANGER for _, after in audited)


def test_logout_revokes_the_session_and_older_cookies(app_db: str) -> None:
    at = logged_in("leader")
    logout = [b for b in at.button if b.label == "退出登录"]
    logout[0].click()
    at.run()
    assert not at.session_state["authentication_status"]
    assert _user("leader").tokens_valid_after is not None
    # a session authenticated before the logout (a copied cookie) is refused
    stale = new_app()
    stale.session_state["authentication_status"] = True
    stale.session_state["username"] = "leader"
    stale.session_state["_auth_user"] = "leader"
    stale.session_state["_auth_at"] = utcnow() - dt.timedelta(hours=1)
    stale.run()
    assert not stale.session_state["authentication_status"]
    assert any("登录已失效" in e.value for e in stale.error)


@pytest.mark.parametrize("change", ["password_reset", "deactivated"])
def test_password_reset_or_deactivation_ends_open_sessions(app_db: str, change: str) -> None:
    at = logged_in("liaison_card")
    with session_scope() as s:
        if change == "password_reset":
            set_password(
                actor=Actor.system(),
                session=s,
                username="liaison_card",
                new_password="N3w!password",
            )
        else:
            set_user_active(actor=Actor.system(), session=s, username="liaison_card", active=False)
    at.run()
    assert not at.session_state["authentication_status"]
    assert any("登录已失效" in e.value for e in at.error)
    if change == "password_reset":
        assert login(new_app(), "liaison_card", "N3w!password").session_state[
            "authentication_status"
        ]


def test_demo_accounts_do_not_work_outside_demo_mode(app_db: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from lib import config

    monkeypatch.setenv("DEMO_MODE", "0")
    config.settings.cache_clear()
    at = login(new_app(), "admin", DEMO_PASSWORD)
    assert at.session_state["authentication_status"] is False
    assert not any("演示" in str(i.value) for i in at.info)


def test_login_page_names_the_demo_accounts(app_db: str) -> None:
    at = new_app()
    text = "\n".join(str(m.value) for m in at.markdown) + "\n".join(i.value for i in at.info)
    for name in ("admin", "office", "leader", "viewer", "liaison_"):
        assert name in text
    assert "演示数据" in text and DEMO_PASSWORD in text

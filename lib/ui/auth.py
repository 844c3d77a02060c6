"""Login with streamlit-authenticator, backed by the users table, hardened.

What the library lacks and we add (see DESIGN.md):
- users are read from the database on demand (never a YAML file);
- unknown usernames cost a bcrypt check too, and get the same message as wrong passwords;
- database-backed lockout: 5 failures lock the username for 15 minutes (survives
  restarts, expires by itself, never locks anybody else);
- revocation: logout, a password change or reset, and deactivation set
  ``users.tokens_valid_after``; a cookie issued before it no longer logs in, and an open
  session whose login predates it ends on its next interaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import select
from streamlit_authenticator.utilities import LoginError

from lib import write
from lib.config import Settings, settings
from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.i18n import t
from lib.models import User, utcnow
from lib.read.queries import user_for_session
from lib.ui import state

# A real bcrypt hash of a random secret: checking against it takes as long as a real check.
_DUMMY_HASH = write.hash_password(secrets.token_urlsafe(24))


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as pages see it."""

    id: int
    username: str
    display_name: str
    roles: frozenset[str]
    department_id: int | None
    department: str | None
    department_en: str | None

    @property
    def actor(self) -> Actor:
        return Actor(
            username=self.username,
            roles=self.roles,
            user_id=self.id,
            department_id=self.department_id,
        )


class LoginUsers(dict[str, dict[str, Any]]):
    """The library's ``credentials['usernames']``, loaded from the database on demand.

    Every username "exists" for the library: unknown, inactive or locked ones get an entry
    whose hash matches nothing, so every attempt costs one bcrypt check.
    """

    def __init__(self, cfg: Settings) -> None:
        super().__init__()
        self._cfg = cfg

    def _load(self, username: str) -> dict[str, Any]:
        now = utcnow()
        with session_scope() as session:
            user = session.scalar(select(User).where(User.username == username))
            usable = (
                user is not None
                and user.active
                and not (user.is_demo and not self._cfg.demo_mode)
                and not (user.locked_until is not None and user.locked_until > now)
            )
            entry: dict[str, Any] = {
                "name": user.display_name if user else username,
                "password": user.password_hash if (user and usable) else _DUMMY_HASH,
                "roles": user.role_list if user else [],
                "email": user.email if user else None,
                "failed_login_attempts": 0,
                "_known": user is not None and user.active,
            }
        return entry

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __missing__(self, key: str) -> dict[str, Any]:
        entry = self._load(key)
        self[key] = entry
        return entry

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[key]


def _fields() -> dict[str, str]:
    return {
        "Form name": t("login.form"),
        "Username": t("login.username"),
        "Password": t("login.password"),
        "Login": t("login.submit"),
    }


def _token_issued_at(cfg: Settings) -> dt.datetime | None:
    """When the browser's auth cookie was issued (naive UTC), if it is valid."""
    raw = st.context.cookies.get(cfg.cookie_name) if st.context.cookies else None
    if not raw:
        return None
    try:
        payload = jwt.decode(raw, cfg.cookie_key, algorithms=["HS256"])
        issued = float(payload["exp_date"]) - cfg.cookie_expiry_days * 86400
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(issued, dt.UTC).replace(tzinfo=None)


def _end_session(message_key: str | None) -> None:
    for slot in state.LIBRARY_LOGIN_KEYS:
        slot.set(None)
    state.LOGGED_OUT.set(True)  # the library then ignores the cookie this session
    state.AUTH_USER.pop()
    state.AUTH_AT.pop()
    if message_key:
        state.LOGIN_MESSAGE.set(message_key)


def _on_form_login(_event: dict[str, Any]) -> None:
    state.LOGIN_VIA_FORM.set(True)


def authenticate() -> CurrentUser | None:
    """Render the login form if needed; return the current user or None."""
    cfg = settings()
    users = LoginUsers(cfg)
    authenticator = stauth.Authenticate(
        {"usernames": {}},
        cfg.cookie_name,
        cfg.cookie_key,
        cfg.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=0,
    )
    authenticator.authentication_controller.authentication_model.credentials["usernames"] = users
    state.AUTHENTICATOR.set(authenticator)
    state.LOGIN_VIA_FORM.set(False)
    message = state.LOGIN_MESSAGE.pop()
    try:
        authenticator.login(
            location="main", fields=_fields(), key="login_form", callback=_on_form_login
        )
    except LoginError:
        _end_session("login.session_revoked")
        st.rerun()

    status = state.AUTH_STATUS.get()
    username = state.USERNAME.get()
    if status and username:
        if state.AUTH_USER.get() != username:
            if state.LOGIN_VIA_FORM.get():
                auth_at = utcnow()
                with session_scope() as session:
                    write.record_login(session=session, username=username)
            else:
                auth_at = _token_issued_at(cfg) or dt.datetime.min
            state.AUTH_USER.set(username)
            state.AUTH_AT.set(auth_at)
        current = _validate_session(cfg, username, state.AUTH_AT.get_or(dt.datetime.min))
        if current is None:
            _end_session("login.session_revoked")
            st.rerun()
        return current

    attempted = [name for name, entry in users.items() if entry["failed_login_attempts"]]
    for name in attempted:
        if users[name]["_known"]:
            with session_scope() as session:
                locked = write.record_failed_login(
                    session=session,
                    username=name,
                    max_attempts=cfg.lockout_attempts,
                    lock_minutes=cfg.lockout_minutes,
                )
            if locked:
                message = "login.locked"
                break
        message = "login.failed"
    if message == "login.locked":
        st.error(t("login.locked", attempts=cfg.lockout_attempts, minutes=cfg.lockout_minutes))
    elif message:
        st.error(t(message))
    return None


def _validate_session(cfg: Settings, username: str, auth_at: dt.datetime) -> CurrentUser | None:
    """Re-check the login against the database on every run (revocation is immediate)."""
    row = user_for_session(username)
    if row is None or not row["active"] or (row["is_demo"] and not cfg.demo_mode):
        return None
    valid_after = row["tokens_valid_after"]
    if valid_after is not None and auth_at < valid_after:
        return None
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        roles=frozenset(r for r in row["roles"].split(",") if r),
        department_id=row["department_id"],
        department=row["department"],
        department_en=row["department_en"],
    )


def logout_button(user: CurrentUser) -> None:
    """Sidebar logout: revokes every cookie of this user, then reruns to the login page."""
    authenticator = state.AUTHENTICATOR.get()
    if authenticator is None:
        return

    def _revoke(_event: dict[str, Any]) -> None:
        with session_scope() as session:
            write.record_logout(session=session, username=user.username)

    authenticator.logout(
        t("sidebar.logout"), location="sidebar", key="sidebar_logout_button", callback=_revoke
    )
    if not state.AUTH_STATUS.get():
        state.AUTH_USER.pop()
        st.rerun()

"""Login with streamlit-authenticator, backed by the users table, hardened.

What the library lacks and we add (see DESIGN.md and docs/security.md):
- users are read from the database on demand (never a YAML file);
- one answer for every failed login — wrong password, unknown user, locked, blocked
  address, a name that cannot exist — and every one costs a bcrypt check;
- throttling per username AND client address (``lib/write/logins.py``; rules in
  ``lib/domain/login_policy.py``): five failures lock only that pair, progressively
  longer; a stranger elsewhere cannot lock the owner out; an administrator can unlock
  and block the attacking address. The address is the TCP peer, or ``X-Forwarded-For``
  when the peer is one of ``TRUSTED_PROXIES``;
- a username with control characters (``admin\x00``) or longer than any username never
  reaches the database;
- the password is checked exactly as typed (the library strips spaces; a password is set
  as typed too, so the two agree);
- the cookie carries its own issue time (``iat``); a cookie that is not exactly what we
  issue (another algorithm, ``alg=none``, a bad signature, missing or wrongly typed
  fields) means the login form, never a traceback;
- revocation: logout, a password change or reset, and deactivation set
  ``users.tokens_valid_after``; a cookie issued before it no longer logs in, and an open
  session whose login predates it ends on its next interaction — independent of
  ``COOKIE_EXPIRY_DAYS``;
- the cookie is ``SameSite=Strict``, and ``Secure`` when the page is served over HTTPS.
  It is written by JavaScript (the library's cookie component), so it cannot be
  ``HttpOnly``; see docs/security.md.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import time
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
from lib.domain import login_policy
from lib.domain.permissions import Actor
from lib.i18n import t
from lib.models import User, utcnow
from lib.read.queries import user_for_session
from lib.ui import errors, state

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
    # an initial or reset one-time password: nothing opens until it is changed
    must_change_password: bool = False

    @property
    def actor(self) -> Actor:
        return Actor(
            username=self.username,
            roles=self.roles,
            user_id=self.id,
            department_id=self.department_id,
        )


def _unusable_entry(username: str) -> dict[str, Any]:
    return {
        "name": username,
        "password": _DUMMY_HASH,
        "roles": [],
        "email": None,
        "failed_login_attempts": 0,
        "_known": False,
    }


class LoginUsers(dict[str, dict[str, Any]]):
    """The library's ``credentials['usernames']``, loaded from the database on demand.

    Every username "exists" for the library: unknown, inactive, throttled ones, and any
    attempt from a blocked address, get an entry whose hash matches nothing, so every
    attempt costs one bcrypt check. A name that cannot exist is answered without asking
    the database.
    """

    def __init__(self, cfg: Settings, address: str = login_policy.LOOPBACK) -> None:
        super().__init__()
        self._cfg = cfg
        self._address = address

    def _load(self, username: str) -> dict[str, Any]:
        if not login_policy.acceptable_username(username):
            return _unusable_entry(username)
        with session_scope() as session:
            allowed = write.login_allowed(session, username, self._address)
            user = session.scalar(select(User).where(User.username == username))
            usable = (
                allowed
                and user is not None
                and user.active
                and not (user.is_demo and not self._cfg.demo_mode)
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


# --- where the attempt comes from ----------------------------------------------------------


def request_address(cfg: Settings) -> str:
    """The client address a login attempt is counted under (see login_policy)."""
    try:
        peer = st.context.ip_address
    except Exception:  # no client connection (bare script)
        peer = None
    forwarded: list[str] = []
    if cfg.trusted_proxies:
        try:
            forwarded = list(st.context.headers.get_all("X-Forwarded-For"))
        except Exception:
            forwarded = []
    proxies = login_policy.parse_networks(cfg.trusted_proxies)
    return login_policy.client_address(
        peer if isinstance(peer, str) else None,
        [v for v in forwarded if isinstance(v, str)],
        proxies,
    )


def _served_over_https() -> bool:
    try:
        url = st.context.url
    except Exception:
        return False
    return isinstance(url, str) and url.lower().startswith("https://")


# --- the login cookie -------------------------------------------------------------------


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def decode_cookie(token: object, key: str) -> dict[str, Any] | None:
    """The payload of a login cookie exactly as :func:`encode_cookie` makes it, or None
    for anything else — never an exception."""
    if not isinstance(token, str) or not token or len(token) > 4096:
        return None
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            options={"require": ["exp", "iat"]},
            leeway=60,  # clocks of several app hosts may differ a little
        )
    except Exception:  # every jwt.PyJWTError, and whatever else a hostile token causes
        return None
    if not isinstance(payload, dict):
        return None
    username = payload.get("username")
    exp_date, iat = _number(payload.get("exp_date")), _number(payload.get("iat"))
    if not isinstance(username, str) or not login_policy.acceptable_username(username):
        return None
    if exp_date is None or iat is None or iat <= 0 or exp_date <= time.time():
        return None
    return {"username": username, "exp_date": exp_date, "iat": iat}


def encode_cookie(username: str, key: str, expiry_days: float, now: float | None = None) -> str:
    """A login cookie: who, when issued (``iat``, the revocation check), when it expires."""
    issued = time.time() if now is None else now
    exp_date = issued + expiry_days * 86400
    payload = {"username": username, "exp_date": exp_date, "exp": int(exp_date), "iat": issued}
    return jwt.encode(payload, key, algorithm="HS256")


def _harden_cookie(authenticator: Any, cfg: Settings) -> None:
    """Replace the library's cookie encoding and decoding on this instance."""
    model = authenticator.cookie_controller.cookie_model

    def token_decode() -> dict[str, Any] | bool:
        return decode_cookie(model.token, cfg.cookie_key) or False

    def set_cookie() -> None:
        if not cfg.cookie_expiry_days:
            return
        now = time.time()
        token = encode_cookie(
            state.USERNAME.get() or "", cfg.cookie_key, cfg.cookie_expiry_days, now
        )
        model.exp_date = now + cfg.cookie_expiry_days * 86400
        model.cookie_manager.set(
            cfg.cookie_name,
            token,
            expires_at=dt.datetime.now() + dt.timedelta(days=cfg.cookie_expiry_days),
            secure=True if _served_over_https() else None,
            same_site="strict",
        )

    model._token_decode = token_decode
    model.set_cookie = set_cookie


def _token_issued_at(cfg: Settings) -> dt.datetime | None:
    """When the browser's auth cookie was issued (naive UTC), if it is valid."""
    try:
        raw = st.context.cookies.get(cfg.cookie_name) if st.context.cookies else None
    except Exception:
        raw = None
    payload = decode_cookie(raw, cfg.cookie_key)
    if payload is None:
        return None
    try:
        return dt.datetime.fromtimestamp(payload["iat"], dt.UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


# --- the form -----------------------------------------------------------------------------


def _install_form_login(authenticator: Any, address: str) -> None:
    """The library's controller strips the password and knows nothing of throttling:
    replace its ``login`` on this instance. The username is trimmed and lower-cased as
    ``create_user`` stores it; the password is checked as typed."""
    model = authenticator.authentication_controller.authentication_model

    def login(
        username: str | None = None,
        password: str | None = None,
        max_concurrent_users: int | None = None,
        max_login_attempts: int | None = None,
        token: dict[str, str] | None = None,
        single_session: bool = False,
        callback: Any = None,
        captcha: bool = False,
        entered_captcha: str | None = None,
    ) -> bool | None:
        if token is not None or not username:
            return model.login(None, None, token=token, callback=callback)  # type: ignore[no-any-return]
        name = login_policy.normalise_username(username)
        ok = model.login(name, password or "", None, None, None, single_session, callback)
        if ok:
            return True
        state.AUTH_STATUS.set(False)
        state.LOGIN_FAILED.set(True)
        if login_policy.acceptable_username(name):
            with session_scope() as session:
                write.record_login_failure(session=session, username=name, address=address)
        return False

    authenticator.authentication_controller.login = login


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
    address = request_address(cfg)
    users = LoginUsers(cfg, address)
    authenticator = stauth.Authenticate(
        {"usernames": {}},
        cfg.cookie_name,
        cfg.cookie_key,
        cfg.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=0,
    )
    authenticator.authentication_controller.authentication_model.credentials["usernames"] = users
    _harden_cookie(authenticator, cfg)
    _install_form_login(authenticator, address)
    state.AUTHENTICATOR.set(authenticator)
    state.LOGIN_VIA_FORM.set(False)
    state.LOGIN_FAILED.set(False)
    message = state.LOGIN_MESSAGE.pop()
    try:
        authenticator.login(
            location="main", fields=_fields(), key="login_form", callback=_on_form_login
        )
    except LoginError:
        _end_session("login.session_revoked")
        st.rerun()
    except Exception as exc:  # the database is down, or a bug: an id, not a traceback
        errors.report(exc, "login")
        st.stop()

    status = state.AUTH_STATUS.get()
    username = state.USERNAME.get()
    if status and username:
        if state.AUTH_USER.get() != username:
            if state.LOGIN_VIA_FORM.get():
                auth_at = utcnow()
                with session_scope() as session:
                    write.record_login(session=session, username=username)
                    write.record_login_success(session=session, username=username, address=address)
            else:
                auth_at = _token_issued_at(cfg) or dt.datetime.min
            state.AUTH_USER.set(username)
            state.AUTH_AT.set(auth_at)
        current = _validate_session(cfg, username, state.AUTH_AT.get_or(dt.datetime.min))
        if current is None:
            _end_session("login.session_revoked")
            st.rerun()
        return current

    if state.LOGIN_FAILED.get():
        # the same words for every failure: nobody learns whether a username exists or
        # whether it is locked
        st.error(t("login.failed"))
        st.caption(t("login.failed_hint"))
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
        must_change_password=bool(row.get("must_change_password")),
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

"""AuthActions-style helpers to drive the app with streamlit.testing.AppTest."""

from __future__ import annotations

import re

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from lib.demo import DEMO_PASSWORD
from lib.i18n import CATALOGUES

TIMEOUT = 60
ROLE_USER = {  # the demo account that logs in for each role
    "admin": "admin",
    "office": "office",
    "leader": "leader",
    "viewer": "viewer",
    "liaison": "liaison_card",
}


class _RouterPagesManager(PagesManager):
    """Run app.py on every AppTest run, as the real server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run, and because the
    product keeps its page files in ``pages/`` it falls back to the old pages-directory
    mode and runs the page file alone, skipping the router (login, navigation). The real
    server sets the flag to False for good at the first ``st.navigation`` call.
    """

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


app_test.PagesManager = _RouterPagesManager  # type: ignore[misc]
RAW_KEY = re.compile(
    r"\b(?:" + "|".join(sorted({k.split(".")[0] for k in CATALOGUES["zh"]})) + r")\.[a-z_]+\b"
)


def new_app() -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    return at


def login(at: AppTest, username: str, password: str = DEMO_PASSWORD) -> AppTest:
    """Fill the login form and submit it, as a user would."""
    at.text_input[0].set_value(username)
    at.text_input[1].set_value(password)
    submit = [b for b in at.button if b.label in ("登录", "Log in")]
    submit[0].click()
    at.run()
    return at


def logged_in(username: str) -> AppTest:
    at = new_app()
    login(at, username)
    assert not at.exception, at.exception
    assert at.session_state["authentication_status"] is True
    return at


def visible_text(at: AppTest) -> str:
    """Every piece of text the page shows (for raw-key and leftover checks)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "error",
        "warning",
        "success",
    ):
        parts.extend(str(getattr(el, "value", "")) for el in at.get(kind))
    for el in at.get("metric"):
        parts.append(str(el.label))
        parts.append(str(el.value))
    for kind in ("button", "selectbox", "text_input", "date_input"):
        parts.extend(str(getattr(el, "label", "")) for el in at.get(kind))
    return "\n".join(parts)


def raw_keys(at: AppTest) -> list[str]:
    return RAW_KEY.findall(visible_text(at))

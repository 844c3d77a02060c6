"""Router: configuration, login, role-based navigation and the sidebar. No page logic."""

from __future__ import annotations

import streamlit as st

from lib.config import ConfigError, settings
from lib.db import get_engine, upgrade
from lib.i18n import t
from lib.ui import errors, page, state
from lib.ui.auth import authenticate, logout_button
from lib.ui.nav import pages_for

st.set_page_config(page_title=t("app.title"), page_icon="🏥", layout="wide")


@st.cache_resource(show_spinner=False)
def _prepare_database() -> bool:
    """Create or upgrade the schema once per process (never drops data)."""
    upgrade(get_engine())
    return True


page.init_language()
try:
    cfg = settings()
    _prepare_database()
except ConfigError as exc:
    st.error(page.md("error.config", message=exc))
    st.stop()

page.language_switch()
page.localise_streamlit_widgets()
user = authenticate()
if user is None:
    page.login_page_extras(cfg.demo_mode)
    # register no page before login: nothing of the app is reachable or listed
    st.navigation([st.Page(page.login_placeholder, title=t("login.form"))], position="hidden")
    st.stop()

if user.must_change_password:
    # a one-time password from the office: the only page is the password change
    state.CURRENT_USER.set(user)
    forced = st.navigation(
        [st.Page("pages/first_password.py", title=t("page.first_password"), url_path="welcome")],
        position="hidden",
    )
    logout_button(user)
    errors.run(forced)
    st.stop()

pages = []
sections: dict[str, list] = {}
for spec in pages_for(user.roles):
    entry = st.Page(
        spec.path,
        title=t(f"page.{spec.key}"),
        icon=spec.icon,
        url_path=spec.key,
        default=spec.default,
    )
    sections.setdefault(t(f"nav.section.{spec.section}"), []).append(entry)
state.CURRENT_USER.set(user)
navigation = st.navigation(sections, expanded=True)  # no English "View more"
page.sidebar(user)
logout_button(user)
errors.run(navigation)  # an unexpected error shows an id, never a traceback

"""Router: configuration, login, role-based navigation and the sidebar. No page logic."""

from __future__ import annotations

import streamlit as st

from lib import ui
from lib.auth import authenticate, logout_button
from lib.config import ConfigError, settings
from lib.db import get_engine, upgrade
from lib.i18n import t
from lib.nav import pages_for

st.set_page_config(page_title=t("app.title"), page_icon="🏥", layout="wide")


@st.cache_resource(show_spinner=False)
def _prepare_database() -> bool:
    """Create or upgrade the schema once per process (never drops data)."""
    upgrade(get_engine())
    return True


ui.init_language()
try:
    cfg = settings()
    _prepare_database()
except ConfigError as exc:
    st.error(t("error.config", message=str(exc)))
    st.stop()

ui.language_switch()
ui.localise_streamlit_widgets()
user = authenticate()
if user is None:
    ui.login_page_extras(cfg.demo_mode)
    # register no page before login: nothing of the app is reachable or listed
    st.navigation([st.Page(ui.login_placeholder, title=t("login.form"))], position="hidden")
    st.stop()

pages = []
sections: dict[str, list] = {}
for spec in pages_for(user.roles):
    page = st.Page(
        spec.path,
        title=t(f"page.{spec.key}"),
        icon=spec.icon,
        url_path=spec.key,
        default=spec.default,
    )
    sections.setdefault(t(f"nav.section.{spec.section}"), []).append(page)
st.session_state["current_user"] = user
navigation = st.navigation(sections, expanded=True)  # no English "View more"
ui.sidebar(user)
logout_button(user)
navigation.run()

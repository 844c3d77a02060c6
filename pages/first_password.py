"""首次登录 First login: an account issued with a one-time password changes it first."""

from __future__ import annotations

import streamlit as st

from lib.i18n import t
from lib.ui import page, password

pg = page.open("account.self", title="account.first_heading")
st.info(t("account.first_why", name=page.md_escape(pg.user.display_name)))
password.change_form(pg.user, old_label_key="account.first_old")

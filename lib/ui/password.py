"""The password change form (my account page and the forced first-login change)."""

from __future__ import annotations

import streamlit as st

from lib import write
from lib.i18n import t
from lib.ui import page
from lib.ui.auth import CurrentUser


def change_form(user: CurrentUser, old_label_key: str = "account.old_password") -> None:
    """Old password, new password twice; the rules shown; every other session ends."""
    st.caption(t("account.password_rules"))
    with st.form("change_password_form", clear_on_submit=True):
        old = st.text_input(t(old_label_key), type="password", key="old_password")
        new = st.text_input(t("account.new_password"), type="password", key="new_password")
        repeat = st.text_input(t("account.repeat_password"), type="password", key="repeat_password")
        submitted = st.form_submit_button(t("account.submit"))
    if submitted:
        page.save(
            lambda s: write.change_own_password(
                actor=user.actor, session=s, old_password=old, new_password=new, repeat=repeat
            ),
            success=t("account.password_changed"),
        )

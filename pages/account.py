"""我的账户 My account: who I am, change my password (other sessions end)."""

from __future__ import annotations

import streamlit as st

from lib import write
from lib.i18n import join_list, local_name, role_label, t
from lib.ui import page

pg = page.open("account.self", title="account.heading")
user = pg.user
department = local_name(user.department, user.department_en) or t("account.none")
colon = t("punct.colon")
st.markdown(
    page.md(
        "- {l_user}{colon}{username}\n- {l_roles}{colon}{roles}\n- {l_dept}{colon}{department}",
        l_user=t("account.username"),
        l_roles=t("account.roles"),
        l_dept=t("account.department"),
        colon=colon,
        username=user.username,
        roles=join_list([role_label(r) for r in sorted(user.roles)]),
        department=department,
    )
)

st.subheader(t("account.change_password"))
st.caption(t("account.password_rules"))
with st.form("change_password_form", clear_on_submit=True):
    old = st.text_input(t("account.old_password"), type="password", key="old_password")
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

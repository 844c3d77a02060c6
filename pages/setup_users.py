"""用户管理 Users (administrators only): create, change roles and department, deactivate,
reset password. Password hashes are never read here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import join_list, role_label, t
from lib.models import ROLES
from lib.read import setup_queries
from lib.ui import login_admin, page, tables
from lib.write import create_user, set_password, set_user_active, update_user

user = page.open("users.admin", title="page.setup_users").user

users = setup_queries.users_table()
depts = setup_queries.department_choices(False)
view = pd.DataFrame(
    {
        t("setup.username"): users["username"],
        t("setup.display_name"): users["display_name"],
        t("setup.roles"): users["roles"].map(
            lambda r: join_list([role_label(x) for x in r.split(",") if x])
        ),
        t("setup.department"): users["department"].fillna("—"),
        t("setup.col_active"): users["active"].map(
            lambda a: t("setup.yes") if a else t("setup.no")
        ),
    }
)
tables.show(view)


dept_options = ["", *list(depts)]


def dept_label(c: str) -> str:
    return f"{depts[c]}（{c}）" if c else t("setup.none")


tab_new, tab_edit = st.tabs([t("setup.user_new"), t("setup.user_edit")])
with tab_new, st.form("user_new"):
    c1, c2 = st.columns(2)
    username = c1.text_input(t("setup.username"))
    display = c2.text_input(t("setup.display_name"))
    roles = c1.multiselect(
        t("setup.roles"), ROLES, format_func=role_label, placeholder=t("setup.choose")
    )
    dept = c2.selectbox(t("setup.department"), dept_options, format_func=dept_label)
    password = st.text_input(t("setup.initial_password"), type="password")
    st.caption(t("setup.password_rule"))
    if st.form_submit_button(t("setup.create_user"), type="primary"):
        page.submit(
            create_user,
            user.actor,
            username=username,
            password=password,
            roles=list(roles),
            display_name=display or None,
            department_code=dept or None,
            success=page.md("setup.user_created", username=username.strip().lower()),
        )

with tab_edit:
    names = users["username"].tolist()
    pick = st.selectbox(t("setup.username"), names, key="user_pick")
    if pick:
        row = users[users["username"] == pick].iloc[0]
        with st.form("user_edit"):
            c1, c2 = st.columns(2)
            display = c1.text_input(t("setup.display_name"), value=row["display_name"])
            current = row["department_code"] if isinstance(row["department_code"], str) else ""
            dept = c2.selectbox(
                t("setup.department"),
                dept_options,
                index=dept_options.index(current) if current in dept_options else 0,
                format_func=dept_label,
            )
            roles = st.multiselect(
                t("setup.roles"),
                ROLES,
                default=[r for r in row["roles"].split(",") if r],
                format_func=role_label,
                placeholder=t("setup.choose"),
            )
            if st.form_submit_button(t("setup.save"), type="primary"):
                page.submit(
                    update_user,
                    user.actor,
                    username=pick,
                    display_name=display,
                    roles=list(roles),
                    department_code=dept or None,
                    success=t("setup.saved"),
                )
        with st.form("user_password"):
            new_password = st.text_input(t("setup.new_password"), type="password")
            if st.form_submit_button(t("setup.reset_password")):
                page.submit(
                    set_password,
                    user.actor,
                    username=pick,
                    new_password=new_password,
                    success=page.md("setup.password_reset_done", username=pick),
                )
        active = bool(row["active"])
        if pick == user.username:
            st.caption(t("setup.cannot_deactivate_self"))
        elif st.button(t("setup.deactivate") if active else t("setup.activate"), key="user_active"):
            page.submit(set_user_active, user.actor, username=pick, active=not active)


# --- login locks and blocked addresses (issue 17): unlock a user, block an attacker ---
login_admin.render(user)

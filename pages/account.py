"""我的账户 My account: who I am, change my password (other sessions end)."""

from __future__ import annotations

import streamlit as st

from lib.i18n import join_list, local_name, role_label, t
from lib.ui import page, password

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
password.change_form(user)

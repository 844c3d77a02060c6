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
    f"- {t('account.username')}{colon}`{user.username}`\n"
    f"- {t('account.roles')}{colon}{join_list([role_label(r) for r in sorted(user.roles)])}\n"
    f"- {t('account.department')}{colon}{department}"
)

st.subheader(t("account.change_password"))
password.change_form(user)

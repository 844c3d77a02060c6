"""联络员账户 Liaison accounts: one per department, issued with one-time passwords; the
account list (Excel, Word) while this session holds the passwords; resets, never reveals."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import write
from lib.i18n import fmt_datetime, t
from lib.io.account_list import account_list_docx, account_list_xlsx
from lib.notify import accounts as send_accounts
from lib.read import setup_queries
from lib.ui import page, state, tables

pg = page.open("users.liaisons", title="page.setup_accounts")
user, lang = pg.user, pg.lang
st.caption(t("accounts.help"))

departments = setup_queries.departments_table()
users = setup_queries.users_table()
liaisons = users[users["roles"].str.split(",").map(lambda r: "liaison" in r) & users["active"]]
active = departments[departments["active"]] if not departments.empty else departments

# --- who has an account -----------------------------------------------------------------
if active.empty:
    st.info(t("accounts.no_departments"))
    st.stop()
by_code = {code: group for code, group in liaisons.groupby("department_code")}
rows = []
for d in active.itertuples(index=False):
    accounts = by_code.get(d.code)
    if accounts is None or accounts.empty:
        rows.append((d.name, "—", t("accounts.state_none"), "—"))
        continue
    for a in accounts.itertuples(index=False):
        waiting = bool(a.must_change_password)
        rows.append(
            (
                d.name,
                a.username,
                t("accounts.state_first_login") if waiting else t("accounts.state_active"),
                fmt_datetime(a.last_login_at) if pd.notna(a.last_login_at) else "—",
            )
        )
tables.show(
    pd.DataFrame(
        rows,
        columns=[
            t("accounts.col_department"),
            t("accounts.col_username"),
            t("accounts.col_state"),
            t("accounts.col_last_login"),
        ],
    ),
)

# --- issue accounts for departments without one -------------------------------------------
missing = [d for d in active.itertuples(index=False) if d.code not in by_code]
st.subheader(t("accounts.issue_heading"))
if not missing:
    st.success(t("accounts.all_have"))
else:
    st.markdown(
        page.md(
            "accounts.issue_list",
            count=len(missing),
            names="、".join(d.name for d in missing[:30]) + ("…" if len(missing) > 30 else ""),
        )
    )
    if st.button(
        t("accounts.issue_button", count=len(missing)), type="primary", key="accounts_issue"
    ):
        issued = page.run_write(
            lambda s: write.issue_liaison_accounts(
                actor=user.actor, session=s, department_codes=[d.code for d in missing]
            )
        )
        if issued:
            state.ISSUED_ACCOUNTS.set([*state.ISSUED_ACCOUNTS.get_or([]), *issued])
            st.rerun()

# --- reset: a new one-time password, never the old one -------------------------------------
if not liaisons.empty:
    with st.expander(t("accounts.reset_heading")):
        who = st.selectbox(
            t("accounts.reset_pick"),
            liaisons["username"].tolist(),
            key="accounts_reset_pick",
        )
        if st.button(t("accounts.reset_button"), key="accounts_reset"):
            again = page.run_write(
                lambda s: write.reset_one_time_password(actor=user.actor, session=s, username=who)
            )
            if again is not None:
                kept = [a for a in state.ISSUED_ACCOUNTS.get_or([]) if a.username != again.username]
                state.ISSUED_ACCOUNTS.set([*kept, again])
                st.rerun()

# --- the list with passwords: only in the session that issued them -------------------------
issued_now = state.ISSUED_ACCOUNTS.get_or([])
st.subheader(t("accounts.list_heading"))
if not issued_now:
    st.info(t("accounts.list_none"))
else:
    st.warning(t("accounts.list_once", count=len(issued_now)))
    left, right, clear = st.columns(3)
    left.download_button(
        t("accounts.download_xlsx"),
        data=account_list_xlsx(issued_now, lang),
        file_name=t("accounts.file_name", lang) + ".xlsx",
        key="accounts_xlsx",
    )
    right.download_button(
        t("accounts.download_docx"),
        data=account_list_docx(issued_now, lang),
        file_name=t("accounts.file_name", lang) + ".docx",
        key="accounts_docx",
    )
    if clear.button(t("accounts.forget"), key="accounts_forget"):
        state.ISSUED_ACCOUNTS.pop()
        st.rerun()

    # --- or straight to each department's own group (WeCom / DingTalk / e-mail) -----------
    st.markdown(f"**{t('accounts.send_heading')}**")
    st.caption(t("accounts.send_help"))
    reachable = [a for a, chs in send_accounts.channels_for(issued_now).items() if chs]
    if not reachable:
        st.info(t("accounts.send_none"))
    elif st.button(t("accounts.send_button", count=len(reachable)), key="accounts_send_channels"):
        deliveries, unsent = send_accounts.send_accounts(issued_now, lang=lang)
        sent = [d for d in deliveries if d.status == "sent"]
        if sent:
            st.success(t("accounts.send_done", count=len(sent)))
        for d in deliveries:
            if d.status != "sent":
                st.error(page.md("accounts.send_failed", channel=d.channel, error=d.error or ""))
        if unsent:
            st.warning(
                page.md("accounts.send_unsent", names="、".join(a.department_name for a in unsent))
            )

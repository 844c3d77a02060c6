"""The administrator's view of login locks (issue 17), shown at the end of the users
page: locks in force, unlock a user (and block the attacking address), lift a block.
The same as ``python -m lib.cli login-locks / unlock / unblock-address``."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.db import session_scope
from lib.domain.login_policy import ANY_ADDRESS
from lib.i18n import fmt_datetime, t
from lib.read import logins, setup_queries
from lib.ui import page, tables
from lib.ui.auth import CurrentUser
from lib.write import ServiceError, unblock_address, unlock_login


def _local(value: dt.datetime | None) -> str:
    return fmt_datetime(value)


def render(user: CurrentUser) -> None:
    st.subheader(t("security.locks_title"))
    locks = logins.current_locks()
    tables.show_rows(
        locks,
        {
            t("setup.username"): "username",
            t("security.col_address"): lambda r: (
                t("security.every_address") if r["address"] == ANY_ADDRESS else r["address"]
            ),
            t("security.col_locks"): lambda r: r["locks"] or "—",
            t("security.col_until"): lambda r: _local(r["locked_until"]),
        },
        empty=t("security.locks_none"),
    )

    names = setup_queries.users_table()["username"].tolist()
    locked = [r["username"] for r in locks if r["username"] in names]
    with st.form("login_unlock"):
        who = st.selectbox(
            t("security.unlock_user"),
            names,
            index=names.index(locked[0]) if locked else 0,
            key="login_unlock_user",
        )
        c1, c2 = st.columns(2)
        block = c1.text_input(t("security.block_optional"), key="login_unlock_block")
        reason = c2.text_input(t("security.block_reason"), key="login_unlock_reason")
        if st.form_submit_button(t("security.unlock_button")) and who:
            try:
                with session_scope() as session:
                    count = unlock_login(
                        actor=user.actor,
                        session=session,
                        username=who,
                        block=block.strip() or None,
                        reason=reason or None,
                    )
            except ServiceError as exc:
                st.error(page.error_md(exc))
            else:
                st.success(page.md("security.unlocked", username=who, count=count))

    blocked = logins.blocked_addresses()
    if not blocked:
        st.caption(t("security.blocked_none"))
        return
    tables.show_rows(
        blocked,
        {
            t("security.col_address"): "network",
            t("security.col_reason"): lambda r: r["reason"] or "—",
            t("security.col_blocked_by"): "blocked_by",
            t("security.col_blocked_at"): lambda r: _local(r["blocked_at"]),
        },
    )
    with st.form("login_unblock"):
        network = st.selectbox(
            t("security.unblock_pick"), [r["network"] for r in blocked], key="login_unblock_pick"
        )
        if st.form_submit_button(t("security.unblock_button")) and network:
            try:
                with session_scope() as session:
                    unblock_address(actor=user.actor, session=session, address=network)
            except ServiceError as exc:
                st.error(page.error_md(exc))
            else:
                st.success(page.md("security.unblocked", address=network))

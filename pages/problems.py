"""问题清单 Problem ledger (挂账销号): problems found by self-check, complaints, inspections
and surveys are registered and assigned as rectification tasks, reported on by the
departments like any task, verified and closed out by the campaign office, or reopened.
Open problems carry over from month to month until closed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import write
from lib.db import session_scope
from lib.domain.periods import parse_period, period_of
from lib.domain.permissions import can
from lib.i18n import current_lang, each, fmt_date, t
from lib.read import campaigns, queries, reporting
from lib.ui import page
from lib.write import PROBLEM_SOURCES, ServiceError

user = page.current_user()
page.require_action(user, "problem.read")
lang = current_lang()
manage = can(user.actor, "problem.manage")
st.title(t("page.problems"))

flash = st.session_state.pop("problems_flash", None)
if flash:
    st.success(flash)

campaign_id = page.selected_campaign_id()
info = campaigns.record(campaign_id) if campaign_id is not None else None
if campaign_id is None or info is None:
    st.info(t("rep.no_campaign"))
    st.stop()

today = queries.today()
ledger = reporting.problem_ledger(campaign_id)


def _months_open(found: str, closed: object) -> int:
    end = closed if isinstance(closed, str) and closed else period_of(today)
    (y1, m1), (y2, m2) = parse_period(found), parse_period(end)
    return max(0, (y2 - y1) * 12 + (m2 - m1))


if ledger.empty:
    st.info(t("problems.empty"))
else:
    n_closed = int((ledger["state"] == "closed").sum())
    st.caption(t("problems.open_count", open=len(ledger) - n_closed, closed=n_closed))
    show_closed = st.toggle(t("problems.show_closed"), key="problems_show_closed")
    view = ledger if show_closed else ledger[ledger["state"] != "closed"]
    table = pd.DataFrame(
        {
            t("problems.col.code"): view["code"],
            t("problems.col.title"): view["title"],
            t("problems.col.source"): [t(f"rep.source.{s}") for s in view["source"]],
            t("problems.col.found"): each(fmt_date, view["found_on"]),
            t("problems.col.departments"): view["departments"]
            if lang == "zh"
            else view["departments_en"],
            t("problems.col.due"): [
                fmt_date(d) if not pd.isna(d) else "—" for d in view["due_date"]
            ],
            t("problems.col.progress"): view["progress"].round(0),
            t("problems.col.state"): [t(f"problems.state.{s}") for s in view["state"]],
            t("problems.col.carried"): [
                _months_open(f, c)
                for f, c in zip(view["found_period"], view["closed_period"], strict=True)
            ],
        }
    )
    page.table(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            t("problems.col.progress"): st.column_config.ProgressColumn(
                t("problems.col.progress"), min_value=0, max_value=100, format="%d%%"
            )
        },
    )

if not manage:
    st.caption(t("problems.readonly"))
    st.stop()

if not ledger.empty:
    st.subheader(t("problems.verify"))
    labels = {
        int(r.id): f"{r.code} · {r.title} · {t('problems.state.' + r.state)}"
        for r in ledger.itertuples(index=False)
    }
    pid = st.selectbox(
        t("problems.pick"), list(labels), format_func=lambda i: labels[i], key="problems_pick"
    )
    chosen = ledger[ledger["id"] == pid].iloc[0]
    note = st.text_input(t("problems.note"), key=f"problems_note_{pid}", max_chars=1000)
    is_closed = chosen["state"] == "closed"
    new_due = None
    if is_closed:
        new_due = st.date_input(
            t("problems.new_due"), value=None, key=f"problems_due_{pid}", format="YYYY-MM-DD"
        )
    if st.button(
        t("problems.reopen") if is_closed else t("problems.close"),
        type="primary",
        key="problems_verify",
    ):
        try:
            with session_scope() as session:
                write.verify_problem(
                    actor=user.actor,
                    session=session,
                    problem_id=int(pid),
                    close=not is_closed,
                    note=note,
                    expected_version=int(chosen["version"]),
                    new_due_date=new_due if isinstance(new_due, dt.date) else None,
                )
        except ServiceError as exc:
            st.error(exc.message())
        else:
            st.session_state["problems_flash"] = t(
                "problems.reopened" if is_closed else "problems.closed", code=chosen["code"]
            )
            st.rerun()

st.subheader(t("problems.register"))
departments = reporting.campaign_departments(campaign_id)
names = {
    int(r.id): (r.name if lang == "zh" else (r.name_en or r.name))
    for r in departments.itertuples(index=False)
}
with st.form("problem_form", border=False):
    title = st.text_input(t("problems.title"), max_chars=500, key="pf_title")
    c1, c2, c3 = st.columns(3)
    source = c1.selectbox(
        t("problems.source"),
        list(PROBLEM_SOURCES),
        format_func=lambda s: t(f"rep.source.{s}", lang),
        key="pf_source",
    )
    found_on = c2.date_input(t("problems.found_on"), value=today, key="pf_found")
    due = c3.date_input(t("problems.due"), value=today + dt.timedelta(days=30), key="pf_due")
    chosen_depts = st.multiselect(
        t("problems.departments"),
        list(names),
        format_func=lambda i: names[i],
        key="pf_depts",
        placeholder=t("rep.choose"),
    )
    measure = st.text_area(t("problems.measure"), key="pf_measure", max_chars=write.MAX_TEXT)
    description = st.text_area(
        t("problems.description"), key="pf_description", max_chars=write.MAX_TEXT
    )
    register = st.form_submit_button(t("problems.save"), type="primary", key="pf_save")
if register:
    try:
        with session_scope() as session:
            problem = write.register_problem(
                actor=user.actor,
                session=session,
                campaign_id=campaign_id,
                title=title,
                source=source,
                found_on=found_on,  # type: ignore[arg-type]
                department_ids=[int(d) for d in chosen_depts],
                measure=measure,
                due_date=due,  # type: ignore[arg-type]
                description=description,
            )
            code = problem.code
    except ServiceError as exc:
        st.error(exc.message())
    else:
        for key in ("pf_title", "pf_measure", "pf_description", "pf_depts"):
            st.session_state.pop(key, None)
        st.session_state["problems_flash"] = t("problems.registered", code=code)
        st.rerun()

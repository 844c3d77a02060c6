"""问题清单 Problem ledger (挂账销号): problems found by self-check, complaints, inspections
and surveys are registered and assigned as rectification tasks, reported on by the
departments like any task, verified and closed out by the campaign office, or reopened.
Open problems carry over from month to month until closed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.periods import parse_period, period_of
from lib.domain.permissions import can
from lib.i18n import each, fmt_date, local_col, t
from lib.read import queries, reporting
from lib.ui import page, state, tables
from lib.write import PROBLEM_SOURCES

pg = page.open("problem.read", title="page.problems", campaign="record")
user, lang, campaign_id = pg.user, pg.lang, pg.campaign_id
manage = can(user.actor, "problem.manage")

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
    st.caption(page.md("problems.open_count", open=len(ledger) - n_closed, closed=n_closed))
    show_closed = st.toggle(t("problems.show_closed"), key="problems_show_closed")
    view = ledger if show_closed else ledger[ledger["state"] != "closed"]
    table = pd.DataFrame(
        {
            t("problems.col.code"): view["code"],
            t("problems.col.title"): view["title"],
            t("problems.col.source"): [t(f"rep.source.{s}") for s in view["source"]],
            t("problems.col.found"): each(fmt_date, view["found_on"]),
            t("problems.col.departments"): view[local_col("departments")],
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
    tables.show(table, bars=[t("problems.col.progress")])

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
        page.submit(
            write.verify_problem,
            user.actor,
            problem_id=int(pid),
            close=not is_closed,
            note=note,
            expected_version=int(chosen["version"]),
            new_due_date=new_due if isinstance(new_due, dt.date) else None,
            flash=page.md(
                "problems.reopened" if is_closed else "problems.closed", code=chosen["code"]
            ),
        )

st.subheader(t("problems.register"))
departments = reporting.campaign_departments(campaign_id)
names = page.names_by_id(departments)
form = state.PROBLEM_FORM
with st.form("problem_form", border=False):
    title = st.text_input(t("problems.title"), max_chars=500, key=form.key("title"))
    c1, c2, c3 = st.columns(3)
    source = c1.selectbox(
        t("problems.source"),
        list(PROBLEM_SOURCES),
        format_func=lambda s: t(f"rep.source.{s}", lang),
        key=form.key("source"),
    )
    found_on = c2.date_input(t("problems.found_on"), value=today, key=form.key("found"))
    due = c3.date_input(t("problems.due"), value=today + dt.timedelta(days=30), key=form.key("due"))
    chosen_depts = st.multiselect(
        t("problems.departments"),
        list(names),
        format_func=lambda i: names[i],
        key=form.key("depts"),
        placeholder=t("rep.choose"),
    )
    measure = st.text_area(t("problems.measure"), key=form.key("measure"), max_chars=write.MAX_TEXT)
    description = st.text_area(
        t("problems.description"), key=form.key("description"), max_chars=write.MAX_TEXT
    )
    register = st.form_submit_button(t("problems.save"), type="primary", key=form.key("save"))


def _clear_form(_: object) -> None:
    for field in ("title", "measure", "description", "depts"):
        form(field).pop()


if register:
    page.submit(
        write.register_problem,
        user.actor,
        campaign_id=campaign_id,
        title=title,
        source=source,
        found_on=found_on,
        department_ids=[int(d) for d in chosen_depts],
        measure=measure,
        due_date=due,
        description=description,
        then=_clear_form,
        flash=lambda problem: page.md("problems.registered", code=problem.code),
    )

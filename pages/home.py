"""我的待办 My to-do: where a liaison lands after login — reports returned with the
reviewer's reason, tasks not yet reported this month, days to the deadline (or days
overdue, in red), problems assigned to the department, last month's review outcome.
The campaign office (and admins) see their own home: reports waiting for review per
department-month, departments that have not reported, overdue problems."""

from __future__ import annotations

import streamlit as st

from lib.domain.tracking import Wording
from lib.i18n import fmt_date, fmt_datetime, fmt_period, join_list, local_name, t
from lib.read import queries, reporting, todo, wizard
from lib.ui import page, tables

pg = page.open("home.read", title="page.home")
user, lang = pg.user, pg.lang
today = queries.today()


def say(wording: Wording) -> str:
    return t(wording.key, **wording.params)


def deadline_line(item: todo.CampaignTodo | todo.OfficeTodo, urge: bool = False) -> None:
    """The month's deadline and the days left, or the days overdue in red."""
    text = page.md(
        "home.deadline",
        period=fmt_period(item.period),
        date=fmt_date(item.deadline.due),
        state=say(item.deadline.wording(urge=urge)),
    )
    if item.deadline.overdue:
        st.markdown(page.md(":red[**{text}**]", text=text))
    else:
        st.markdown(page.md(":blue[**{text}**]", text=text))


def liaison_home() -> None:
    if user.department_id is None:
        st.info(t("home.no_department"))
        return
    items = todo.liaison_todo(user.department_id, today)
    if not items:
        st.info(t("home.no_campaign"))
        return
    if not wizard.has_reported(
        user.id, user.department_id
    ):  # the first visit: what to do this month
        st.info(
            page.md_join(
                "\n\n",
                [
                    page.md("**{title}**", title=t("home.first_title")),
                    *(page.md("{line}", line=t(f"home.first_line{i}")) for i in (1, 2, 3)),
                ],
            ),
            icon=":material/lightbulb:",
        )
    total = sum(i.todo_count for i in items)
    if total:
        st.warning(page.md("home.todo_total", count=total))
    else:
        st.success(t("home.all_done"))
    for item in items:
        with st.container(border=True):
            st.subheader(page.md_escape(local_name(item.name, item.name_en)))
            deadline_line(item, urge=item.todo_count > 0)
            cols = st.columns(3)
            cols[0].metric(t("home.metric.todo"), item.todo_count)
            cols[1].metric(t("home.metric.reported"), say(item.count.wording()))
            cols[2].metric(t("home.metric.problems"), len(item.problems))
            if item.returned:
                st.markdown(f"**{t('home.returned', count=len(item.returned))}**")
                for r in item.returned:
                    st.warning(
                        page.md(
                            "home.returned_item",
                            period=fmt_period(r.period),
                            code=r.code,
                            title=r.title,
                            reason=r.comment or "—",
                        )
                    )
            if item.unreported:
                st.markdown(f"**{t('home.unreported', count=len(item.unreported))}**")
                tables.show_rows(
                    item.unreported,
                    {
                        t("home.col.code"): lambda r: r.code,
                        t("home.col.task"): lambda r: r.title,
                        t("home.col.state"): lambda r: t(f"rep.state.{r.state}"),
                    },
                )
            if item.returned or item.unreported:
                st.page_link(
                    "pages/report.py", label=t("home.go_report"), icon=":material/edit_note:"
                )
            if item.problems:
                st.markdown(f"**{t('home.problems', count=len(item.problems))}**")
                tables.show_rows(
                    item.problems,
                    {
                        t("home.col.code"): lambda p: p.code,
                        t("home.col.problem"): lambda p: p.title,
                        t("home.col.state"): lambda p: t(f"problems.state.{p.state}"),
                        t("home.col.due"): lambda p: (
                            fmt_date(p.due) + (" · " + t("home.overdue") if p.overdue else "")
                        ),
                    },
                )
            last = item.last_month
            if last is not None:
                st.caption(
                    page.md(
                        "home.last_month",
                        period=fmt_period(last.period),
                        approved=last.approved,
                        waiting=last.waiting,
                        returned=last.returned,
                        missing=last.missing,
                        due=last.due,
                    )
                )


def office_home() -> None:
    campaign_id = page.selected_campaign_id()
    office = todo.office_todo(campaign_id, today) if campaign_id is not None else None
    if office is None:
        st.info(t("rep.no_campaign"))
        return
    deadline_line(office)
    cols = st.columns(3)
    cols[0].metric(t("home.metric.waiting"), office.waiting_reports)
    cols[1].metric(t("home.metric.not_reported"), len(office.not_reported))
    cols[2].metric(t("home.metric.overdue_problems"), len(office.overdue_problems))
    names = page.names_by_id(reporting.campaign_departments(campaign_id))

    st.subheader(page.md("home.office.waiting", count=office.waiting_reports))
    if office.waiting:
        tables.show_rows(
            office.waiting,
            {
                t("home.col.department"): lambda w: local_name(w.department, w.department_en),
                t("home.col.period"): lambda w: fmt_period(w.period),
                t("home.col.reports"): lambda w: w.reports,
                t("home.col.oldest"): lambda w: fmt_datetime(w.oldest),
            },
        )
        st.page_link("pages/review.py", label=t("home.go_review"), icon=":material/fact_check:")
    else:
        st.success(t("home.office.nothing_waiting"))

    st.subheader(t("home.office.not_reported", period=fmt_period(office.period)))
    if office.not_reported:
        tables.show_rows(
            office.not_reported,
            {
                t("home.col.department"): lambda n: names.get(n.department_id, "—"),
                t("home.col.reported"): lambda n: say(n.count.wording()),
                t("home.col.cell"): lambda n: t(f"tracker.cell.{n.cell}"),
                t("home.col.liaisons"): lambda n: (
                    join_list(list(n.liaisons)) or t("tracker.no_liaison")
                ),
            },
        )
        st.page_link(
            "pages/tracker.py", label=t("home.go_tracker"), icon=":material/calendar_month:"
        )
    else:
        st.success(t("tracker.all_reported", period=fmt_period(office.period)))

    st.subheader(t("home.office.overdue_problems", count=len(office.overdue_problems)))
    if office.overdue_problems:
        tables.show_rows(
            office.overdue_problems,
            {
                t("home.col.code"): lambda p: p.code,
                t("home.col.problem"): lambda p: p.title,
                t("home.col.departments"): lambda p: local_name(p.departments, p.departments_en),
                t("home.col.due"): lambda p: fmt_date(p.due),
                t("home.col.days_overdue"): lambda p: p.days_overdue,
            },
        )
        st.page_link(
            "pages/problems.py", label=t("home.go_problems"), icon=":material/assignment_late:"
        )
    else:
        st.success(t("home.office.no_overdue_problems"))


if user.roles & {"office", "admin"}:
    office_home()
else:
    liaison_home()

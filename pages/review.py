"""审核 Review by department and month: the campaign office picks a department's month
(filtered by month, state and lateness; the campaign is the sidebar's), sees all its tasks
in one table — this month against last month, the liaison's status, what was done,
evidence, indicators — and approves them all, or returns the month or chosen tasks with
one reason and optional comments per task.

Every decision is checked against the versions the table showed when the button was
pressed (the form's callback records them), so a report the liaison changed after the
reviewer looked is refused, while a page left open picks up returns and resubmissions
on its next run without any extra click."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.clock import local_today
from lib.domain.periods import is_late
from lib.i18n import fmt_datetime, fmt_period, local_name, t
from lib.read import reporting
from lib.ui import page, state, tables, widgets

pg = page.open("report.review", title="page.review", campaign="record")
user, lang, campaign_id, info = pg.user, pg.lang, pg.campaign_id, pg.campaign
report_day = info.report_day

months = reporting.review_months(campaign_id, local_today())
if months.empty:
    st.info(t("review.empty"))
    st.stop()
dept_names = page.names_by_id(reporting.campaign_departments(campaign_id))
months = months[months["department_id"].isin(list(dept_names))]

# --- what waits, and the filters ------------------------------------------------------
waiting = months[months["submitted"] > 0]
m1, m2, m3 = st.columns(3)
m1.metric(t("review.waiting_reports"), int(months["submitted"].sum()))
m2.metric(t("review.waiting_months"), len(waiting))
m3.metric(t("review.returned_reports"), int(months["returned"].sum()))

STATES = ("waiting", "returned", "approved", "all")
periods = sorted(months["period"].unique(), reverse=True)
with st.container(horizontal=True):
    period_filter = st.selectbox(
        t("rep.period"),
        ["", *periods],
        format_func=lambda p: fmt_period(p) if p else t("review.all_months"),
        key=state.REVIEW_FILTER_PERIOD.key(lang),
    )
    state_filter = st.selectbox(
        t("review.filter_state"),
        STATES,
        format_func=lambda s: t(f"review.filter.{s}"),
        key=state.REVIEW_FILTER_STATE.key(lang),
    )
    late_only = st.checkbox(t("review.filter_late"), key=state.REVIEW_FILTER_LATE.key)
shown = months
if period_filter:
    shown = shown[shown["period"] == period_filter]
if state_filter == "waiting":
    shown = shown[shown["submitted"] > 0]
elif state_filter == "returned":
    shown = shown[shown["returned"] > 0]
elif state_filter == "approved":
    shown = shown[(shown["approved"] > 0) & (shown["approved"] == shown["tasks"])]
if late_only:
    shown = shown[shown["late"] > 0]
shown = shown.sort_values(["period", "department_id"], ascending=[False, True])
if shown.empty:
    st.info(t("review.none_match"))
    st.stop()


def _month_label(r: object) -> str:
    waiting_n = int(r.submitted)  # type: ignore[attr-defined]
    label = f"{fmt_period(r.period)} · {dept_names[int(r.department_id)]}"  # type: ignore[attr-defined]
    return label + " · " + t("review.month_waiting", count=waiting_n, tasks=int(r.tasks))  # type: ignore[attr-defined]


tables.show(
    pd.DataFrame(
        {
            t("rep.period"): [fmt_period(p) for p in shown["period"]],
            t("review.col.department"): [dept_names[int(d)] for d in shown["department_id"]],
            t("review.col.tasks"): shown["tasks"],
            t("review.filter.waiting"): shown["submitted"],
            t("review.filter.returned"): shown["returned"],
            t("review.filter.approved"): shown["approved"],
            t("review.col.unreported"): shown["unreported"] + shown["draft"],
            t("review.col.late_count"): shown["late"],
        }
    ),
)

labels = {f"{int(r.department_id)}|{r.period}": _month_label(r) for r in shown.itertuples()}
if state.REVIEW_MONTH.get() not in labels:
    state.REVIEW_MONTH.set(next(iter(labels)))
current = state.REVIEW_MONTH.get_or(next(iter(labels)))


def _month_picked() -> None:
    state.REVIEW_MONTH.set(state.REVIEW_MONTH_SELECT(lang).get_or(current))


choice = st.selectbox(
    t("review.pick_month"),
    list(labels),
    index=list(labels).index(current),
    format_func=lambda k: labels.get(k, k),
    key=state.REVIEW_MONTH_SELECT.key(lang),
    on_change=_month_picked,
)
department_id, period = int(choice.split("|")[0]), choice.split("|")[1]

# --- the department's month: every task in one table -----------------------------------
st.subheader(
    page.md(
        "{department} · {period}", department=dept_names[department_id], period=fmt_period(period)
    )
)
rows = reporting.department_reports(campaign_id, department_id, period)
lock = widgets.month_lock(campaign_id, period)
update_ids = tuple(int(u) for u in rows["update_id"].dropna())
files = reporting.report_attachments(update_ids)
names_of: dict[int, list[str]] = {}
for f in files.itertuples(index=False):
    names_of.setdefault(int(f.update_id), []).append(str(f.original_name))


def _opt(value: object) -> object:
    """A cell's value, None when missing (None, NaN, NaT)."""
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def _late(r: object) -> str:
    at = _opt(r.submitted_at)  # type: ignore[attr-defined]
    if at is None or r.review_state not in ("submitted", "approved"):  # type: ignore[attr-defined]
        return page.MISSING
    late = is_late(pd.Timestamp(at).to_pydatetime(), period, report_day)
    return t("review.late") if late else t("review.on_time")


def _state(r: object) -> str:
    s = _opt(r.review_state)  # type: ignore[attr-defined]
    return t(f"rep.state.{s}") if s else t("rep.state.none")


def _rstatus(value: object) -> str:
    v = _opt(value)
    return t(f"rep.rstatus.{v}") if v else page.MISSING


detail = pd.DataFrame(
    {
        t("review.col.task"): [f"{r.code} {r.title}" for r in rows.itertuples(index=False)],
        t("review.col.state"): [_state(r) for r in rows.itertuples(index=False)],
        t("review.col.percent"): [_opt(r.percent_done) for r in rows.itertuples(index=False)],
        t("review.col.prev_percent"): [_opt(r.prev_percent) for r in rows.itertuples(index=False)],
        t("review.col.rstatus"): [_rstatus(r.status) for r in rows.itertuples(index=False)],
        t("report.work_done"): [_opt(r.work_done) for r in rows.itertuples(index=False)],
        t("report.problems"): [_opt(r.problems) for r in rows.itertuples(index=False)],
        t("report.next_steps"): [_opt(r.next_steps) for r in rows.itertuples(index=False)],
        t("review.col.evidence"): [
            "、".join(names_of.get(int(u), [])) if _opt(u) is not None else ""
            for u in rows["update_id"]
        ],
        t("review.col.submitted_at"): [
            fmt_datetime(r.submitted_at) if _opt(r.submitted_at) is not None else page.MISSING
            for r in rows.itertuples(index=False)
        ],
        t("review.col.late"): [_late(r) for r in rows.itertuples(index=False)],
    }
)
tables.show(
    detail,
    percents=[t("review.col.percent"), t("review.col.prev_percent")],
)
for f in files.itertuples(index=False):
    widgets.attachment_download(user.actor, f, key=f"rdl_{f.id}")

indicators = reporting.department_indicators(campaign_id, department_id, period)
if not indicators.empty:
    st.markdown(f"**{t('report.indicators')}**")
    tables.show(
        pd.DataFrame(
            {
                t("review.col.indicator"): [
                    local_name(i.name, i.name_en) for i in indicators.itertuples(index=False)
                ],
                t("review.col.value"): indicators["value"],
                t("review.col.prev_value"): indicators["prev_value"],
                t("review.col.target"): indicators["target"],
            }
        ),
    )

# --- decisions ------------------------------------------------------------------------
submitted = rows[rows["review_state"] == "submitted"]
task_label = {int(r.update_id): f"{r.code} {r.title}" for r in submitted.itertuples(index=False)}
# the versions on screen now: a button's callback keeps them with the decision
displayed = {int(r.update_id): int(r.version) for r in submitted.itertuples(index=False)}


def _decide(approve: bool, versions: dict[int, int], month: str) -> None:
    state.REVIEW_ACTION.set({"approve": approve, "versions": versions, "month": month})


if submitted.empty:
    st.info(t("review.nothing_waiting"))
elif lock is None:
    with st.form("review_return_form"):
        st.markdown(f"**{t('review.return_head')}**")
        st.text_input(t("review.reason"), key=state.REVIEW_REASON.key, max_chars=1000)
        st.multiselect(
            t("review.return_pick"),
            list(task_label),
            default=list(task_label),
            format_func=lambda i: task_label.get(i, str(i)),
            key=state.REVIEW_PICKED.key(choice),
            placeholder=t("rep.choose"),
        )
        with st.expander(t("review.comments")):
            for uid, label in task_label.items():
                st.text_input(
                    page.md("{label}", label=label),
                    key=state.REVIEW_COMMENT.key(uid),
                    max_chars=1000,
                )
        st.form_submit_button(
            t("review.return"),
            key="review_return",
            on_click=_decide,
            args=(False, displayed, choice),
        )
    with st.form("review_approve_form", border=False):
        st.form_submit_button(
            t("review.approve_all", count=len(task_label)),
            type="primary",
            key="review_approve_all",
            on_click=_decide,
            args=(True, displayed, choice),
        )

action = state.REVIEW_ACTION.pop()
if action and action["month"] == choice:
    versions: dict[int, int] = {int(k): int(v) for k, v in action["versions"].items()}
    if action["approve"]:
        ids = list(versions)
        reason = None
        comments: dict[int, str] = {}
    else:
        ids = [int(i) for i in state.REVIEW_PICKED(choice).get() or [] if int(i) in versions]
        reason = state.REVIEW_REASON.get()
        comments = {i: state.REVIEW_COMMENT(i).get() or "" for i in ids}
    approve = bool(action["approve"])

    def _cleared(_: object) -> None:
        state.REVIEW_REASON.pop()
        state.REVIEW_PICKED.clear()
        state.REVIEW_COMMENT.clear()

    page.submit(
        write.review_reports,
        user.actor,
        decisions=[(i, versions[i]) for i in ids],
        approve=approve,
        reason=reason,
        comments={i: c for i, c in comments.items() if c.strip()},
        then=_cleared,
        flash=lambda count: page.md(
            "review.done_approved" if approve else "review.done_returned", count=count
        ),
    )

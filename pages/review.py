"""审核队列 Review queue: the campaign office approves submitted monthly reports, returns
them with a reason, or approves many at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.periods import is_late
from lib.i18n import each, fmt_datetimes, fmt_period, t
from lib.read import reporting
from lib.ui import page, state
from lib.write import ConflictError, ServiceError

pg = page.open("report.review", title="page.review", campaign="record")
user, lang, info = pg.user, pg.lang, pg.campaign

queue = reporting.review_queue(pg.campaign_id)
if queue.empty:
    st.info(t("review.empty"))
    st.stop()

dept_names = page.names_by_id(queue, "department_id", "department")
choice = st.selectbox(
    t("review.filter_department"),
    [0, *dept_names],
    format_func=lambda i: dept_names.get(i, t("review.all_departments", lang)),
    key="review_department",
)
if choice:
    queue = queue[queue["department_id"] == choice]
if queue.empty:
    st.info(t("review.empty"))
    st.stop()

report_day = info.report_day
late = [
    is_late(
        None if pd.isna(r.submitted_at) else pd.Timestamp(r.submitted_at).to_pydatetime(),
        r.period,
        report_day,
    )
    for r in queue.itertuples(index=False)
]
st.caption(t("review.count", count=len(queue)))
table = pd.DataFrame(
    {
        t("rep.period"): each(fmt_period, queue["period"]),
        t("review.col.department"): [dept_names[int(d)] for d in queue["department_id"]],
        t("review.col.task"): queue["code"] + " " + queue["title"],
        t("review.col.percent"): queue["percent_done"],
        t("review.col.submitted_at"): fmt_datetimes(queue["submitted_at"]),
        t("review.col.late"): [t("review.late") if x else t("review.on_time") for x in late],
    }
)
page.table(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        t("review.col.percent"): st.column_config.ProgressColumn(
            t("review.col.percent"), min_value=0, max_value=100, format="%d%%"
        )
    },
)

labels = {
    int(r.id): f"{fmt_period(r.period)} · {dept_names[int(r.department_id)]} · {r.code} {r.title}"
    for r in queue.itertuples(index=False)
}
# the version each report had when the reviewer first saw it: approving a report the
# liaison changed since is refused (and the queue then shows the new content)
versions = {
    int(r.id): int(state.REVIEW_SEEN(r.id).setdefault(int(r.version)))
    for r in queue.itertuples(index=False)
}


def _refused(exc: ServiceError) -> None:
    """A report changed since it was first seen: show the queue as stored now."""
    if isinstance(exc, ConflictError):
        state.REVIEW_SEEN.clear()


def _decide(ids: list[int], approve: bool, reason: str | None = None) -> None:
    page.save(
        lambda s: write.review_reports(
            actor=user.actor,
            session=s,
            decisions=[(i, versions[i]) for i in ids],
            approve=approve,
            reason=reason,
        ),
        on_error=_refused,
        flash=lambda count: page.md(
            "review.done_approved" if approve else "review.done_returned", count=count
        ),
    )


st.subheader(t("review.detail"))
current = st.selectbox(
    t("review.pick"), list(labels), format_func=lambda i: labels[i], key="review_pick"
)
row = queue[queue["id"] == current].iloc[0]
with st.container(border=True):
    st.markdown(
        f"**{page.md_escape(row['code'])} {page.md_escape(row['title'])}** · "
        f"{int(row['percent_done'])}%"
    )
    for field in ("work_done", "problems", "next_steps"):
        if isinstance(row[field], str) and row[field]:
            st.markdown(f"**{t('report.' + field)}**　{page.md_escape(row[field])}")
    files = reporting.report_attachments((int(current),))
    if files.empty:
        st.caption(t("review.attachments_none"))
    for f in files.itertuples(index=False):
        content = reporting.attachment_file(user.actor, int(f.id))
        if content is not None:
            st.download_button(
                page.md("report.download", name=f.original_name),
                data=content[2],
                file_name=content[0],
                mime=content[1],
                key=f"rdl_{f.id}",
            )
    reason = st.text_input(t("review.reason"), key=f"review_reason_{current}", max_chars=1000)
    c1, c2, _ = st.columns([1, 1, 4])
    if c1.button(t("review.approve"), type="primary", key="review_approve"):
        _decide([int(current)], True)
    if c2.button(t("review.return"), key="review_return"):
        _decide([int(current)], False, reason)

st.subheader(t("review.bulk"))
picked = st.multiselect(
    t("review.bulk_pick"),
    list(labels),
    format_func=lambda i: labels[i],
    key="review_bulk",
    placeholder=t("rep.choose"),
)
if st.button(t("review.bulk_approve"), key="review_bulk_approve"):
    _decide([int(i) for i in picked], True)

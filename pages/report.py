"""月度填报 Monthly report: a department's progress on each of its tasks, evidence files
and its indicators for one month. Liaisons report for their own department; the campaign
office and admins may enter on behalf of any department."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.periods import period_of, report_deadline, reporting_period
from lib.i18n import fmt_date, fmt_period, local_name, t
from lib.io import attachments
from lib.models import REPORT_STATUSES
from lib.read import queries, reporting
from lib.ui import page, state
from lib.write import ConflictError, IndicatorInput, ReportInput, ServiceError

pg = page.open("report.write", title="page.report", campaign="record")
user, lang, campaign_id, info = pg.user, pg.lang, pg.campaign_id, pg.campaign

names = page.names_by_id(reporting.campaign_departments(campaign_id))
on_behalf = bool(user.roles & {"admin", "office"})
if on_behalf:
    if not names:
        st.info(t("rep.no_departments"))
        st.stop()
    if state.REPORT_DEPARTMENT.get() not in names:
        state.REPORT_DEPARTMENT.pop()
    department_id = st.selectbox(
        t("rep.department"),
        list(names),
        format_func=lambda i: names[i],
        key=state.REPORT_DEPARTMENT.key,
    )
else:
    department_id = user.department_id
if department_id is None or department_id not in names:
    st.info(t("report.no_tasks"))
    st.stop()

today = queries.today()
periods = [p for p in info.periods if p <= period_of(today)]
if not periods:
    st.info(t("report.no_tasks"))
    st.stop()
default_period = reporting_period(info.start_date, info.end_date, today)
if state.REPORT_PERIOD.get() not in periods:
    state.REPORT_PERIOD.set(default_period if default_period in periods else periods[-1])
period = st.selectbox(
    t("rep.period"),
    list(reversed(periods)),
    format_func=lambda p: fmt_period(p, lang),
    key=state.REPORT_PERIOD.key,
)
st.caption(
    page.md(
        "{intro} · {deadline}",
        intro=page.md("report.intro", department=names[department_id], period=fmt_period(period)),
        deadline=t("rep.deadline", date=fmt_date(report_deadline(period, info.report_day))),
    )
)
lock = reporting.lock_of(campaign_id, period)
if lock is not None:
    st.warning(
        t(
            "rep.locked_banner",
            period=fmt_period(period),
            reason=page.md_escape(lock["reason"] or "—"),
        )
    )

rows = reporting.department_reports(campaign_id, department_id, period)
gen = state.REPORT_GEN.get_or(0)


def _fresh_form(_: object = None) -> None:
    """Start the forms again from what is stored now (after a save or a conflict)."""
    state.REPORT_SEEN.clear()
    state.INDICATOR_SEEN.clear()
    state.REPORT_GEN.set(gen + 1)


def _refused(exc: ServiceError) -> None:
    """After the message: a stale form offers to reload what is stored now."""
    if isinstance(exc, ConflictError):
        st.button(t("rep.reload"), on_click=_fresh_form, key="report_reload")


TEXT_FIELDS = {
    "work_done": state.REPORT_WORK_DONE,
    "problems": state.REPORT_PROBLEMS,
    "next_steps": state.REPORT_NEXT_STEPS,
}
tab_tasks, tab_indicators = st.tabs([t("report.tasks"), t("report.indicators")])


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _int_or_none(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def _state_label(review_state: object) -> str:
    if isinstance(review_state, str) and review_state:
        return t(f"rep.state.{review_state}")
    return t("rep.state.none")


with tab_tasks:
    if rows.empty:
        st.info(t("report.no_tasks"))
    else:
        states = set(rows["review_state"].dropna())
        if states == {"approved"} and rows["update_id"].notna().all():
            st.success(t("report.all_approved"))
        editable_ids: list[int] = []
        with st.form("report_form", border=False):
            for row in rows.itertuples(index=False):
                aid = int(row.assignment_id)
                version = _int_or_none(row.version)
                has_report = version is not None
                editable = lock is None and row.review_state != "approved"
                if editable:
                    editable_ids.append(aid)
                key = (aid, period, gen)
                # the version this form was filled from: a save checks against it
                state.REPORT_SEEN(*key).setdefault(version)
                with st.container(border=True):
                    head = f"**{page.md_escape(row.code)}　{page.md_escape(row.title)}**"
                    st.markdown(head)
                    meta = [page.md("report.state_line", state=_state_label(row.review_state))]
                    if row.source != "plan":
                        meta.insert(
                            0,
                            page.md(
                                "{problem} · {source}",
                                problem=t("report.problem_task"),
                                source=t("rep.source." + row.source),
                            ),
                        )
                    if row.due_date is not None and not pd.isna(row.due_date):
                        meta.append(page.md("report.due", date=fmt_date(row.due_date)))
                    st.caption(page.md_join(" · ", meta))
                    if row.review_state == "returned" and row.reviewer_comment:
                        st.warning(
                            t("report.returned_reason", reason=page.md_escape(row.reviewer_comment))
                        )
                    elif row.review_state == "approved":
                        st.caption(t("report.approved_note"))
                    prefill = not has_report and _int_or_none(row.prev_percent) is not None
                    if prefill and editable:
                        st.caption(t("report.prefilled"))
                    src = "prev_" if prefill else ""
                    percent = _int_or_none(
                        getattr(row, "prev_percent" if prefill else "percent_done")
                    )
                    status = getattr(row, f"{src}status") if (prefill or has_report) else None
                    c1, c2 = st.columns([1, 1])
                    c1.number_input(
                        t("report.percent"),
                        min_value=0,
                        max_value=100,
                        step=5,
                        value=percent or 0,
                        key=state.REPORT_PERCENT.key(*key),
                        disabled=not editable,
                    )
                    options = list(REPORT_STATUSES)
                    c2.selectbox(
                        t("report.status"),
                        options,
                        index=options.index(status) if status in options else 1,
                        format_func=lambda s: t(f"rep.rstatus.{s}", lang),
                        key=state.REPORT_STATUS.key(*key),
                        disabled=not editable,
                    )
                    text_cols = st.columns(3)
                    for col, (field, family) in zip(text_cols, TEXT_FIELDS.items(), strict=True):
                        value = (
                            getattr(row, f"prev_{field}")
                            if prefill
                            else (getattr(row, field) if has_report else None)
                        )
                        col.text_area(
                            t(f"report.{field}"),
                            value=_text(value),
                            key=family.key(*key),
                            height=100,
                            max_chars=write.MAX_TEXT,
                            disabled=not editable,
                        )
                    if editable:
                        st.file_uploader(
                            t("report.evidence", max_mb=attachments.MAX_BYTES // (1024 * 1024)),
                            accept_multiple_files=True,
                            key=state.REPORT_FILES.key(*key),
                        )
            b1, b2, _ = st.columns([1, 1, 4])
            save_clicked = b1.form_submit_button(
                t("report.save_draft"), disabled=not editable_ids, key="report_save"
            )
            submit_clicked = b2.form_submit_button(
                t("report.submit"), type="primary", disabled=not editable_ids, key="report_submit"
            )

        if save_clicked or submit_clicked:
            items = []
            files: list[tuple[int, object]] = []
            for row in rows.itertuples(index=False):
                aid = int(row.assignment_id)
                if aid not in editable_ids:
                    continue
                key = (aid, period, gen)
                items.append(
                    ReportInput(
                        assignment_id=aid,
                        percent_done=int(state.REPORT_PERCENT(*key).get_or(0)),
                        status=state.REPORT_STATUS(*key).get_or(""),
                        work_done=state.REPORT_WORK_DONE(*key).get(),
                        problems=state.REPORT_PROBLEMS(*key).get(),
                        next_steps=state.REPORT_NEXT_STEPS(*key).get(),
                        expected_version=state.REPORT_SEEN(*key).get(),
                    )
                )
                for upload in state.REPORT_FILES(*key).get() or []:
                    files.append((aid, upload))

            def _save_reports(session) -> None:
                saved = write.save_reports(
                    actor=user.actor,
                    session=session,
                    period=period,
                    items=items,
                    submit=bool(submit_clicked),
                    require_reasons=True,
                )
                by_assignment = {u.assignment_id: u.id for u in saved}
                for aid, upload in files:
                    write.add_attachment(
                        actor=user.actor,
                        session=session,
                        update_id=by_assignment[aid],
                        filename=upload.name,
                        data=upload.getvalue(),
                    )

            page.save(
                _save_reports,
                on_error=_refused,
                then=_fresh_form,
                flash=t(
                    "report.submitted" if submit_clicked else "report.saved_draft",
                    count=len(items),
                ),
            )

        # evidence already uploaded (downloads cannot live inside a form)
        update_ids = tuple(int(u) for u in rows["update_id"].dropna())
        files_df = reporting.report_attachments(update_ids)
        if not files_df.empty:
            st.markdown(f"**{t('report.attachments')}**")
            codes = {
                int(r.update_id): r.code
                for r in rows.itertuples(index=False)
                if not pd.isna(r.update_id)
            }
            approved = {
                int(r.update_id)
                for r in rows.itertuples(index=False)
                if not pd.isna(r.update_id) and r.review_state == "approved"
            }
            for f in files_df.itertuples(index=False):
                c1, c2, c3 = st.columns([3, 2, 1])
                c1.caption(
                    page.md(
                        "{code} · {name} · {kb} KB",
                        code=codes.get(int(f.update_id), ""),
                        name=f.original_name,
                        kb=f.size_bytes // 1024 + 1,
                    )
                )
                content = reporting.attachment_file(user.actor, int(f.id))
                if content is not None:
                    c2.download_button(
                        page.md("report.download", name=f.original_name),
                        data=content[2],
                        file_name=content[0],
                        mime=content[1],
                        key=f"dl_{f.id}",
                    )
                if (
                    lock is None
                    and int(f.update_id) not in approved
                    and c3.button(t("report.remove", name=""), key=f"rm_{f.id}")
                ):
                    page.save(
                        lambda s, attachment=int(f.id): write.remove_attachment(
                            actor=user.actor, session=s, attachment_id=attachment
                        ),
                        flash=t("report.removed"),
                    )

with tab_indicators:
    indicators = reporting.department_indicators(campaign_id, department_id, period)
    if indicators.empty:
        st.info(t("report.no_indicators"))
    else:
        with st.form("indicator_form", border=False):
            for ind in indicators.itertuples(index=False):
                iid = int(ind.indicator_id)
                key = (iid, period, gen)
                state.INDICATOR_SEEN(*key).setdefault(_int_or_none(ind.version))
                label = local_name(ind.name, ind.name_en)
                if ind.unit:
                    label += f"（{ind.unit}）" if lang == "zh" else f" ({ind.unit})"
                low = ind.min_value if not pd.isna(ind.min_value) else 0.0
                high = ind.max_value if not pd.isna(ind.max_value) else ind.scale
                bounds = (
                    t("report.range", low=f"{low:g}", high=f"{high:g}")
                    if high is not None and not pd.isna(high)
                    else t("report.range_min", low=f"{low:g}")
                )
                extra = [page.md("{bounds}", bounds=bounds)]
                if not pd.isna(ind.prev_value):
                    extra.append(page.md("report.prev_value", value=f"{ind.prev_value:g}"))
                c1, c2 = st.columns([2, 1])
                c1.number_input(
                    page.md("{label}", label=label),
                    value=None if pd.isna(ind.value) else float(ind.value),
                    step=0.01,
                    format="%.2f",
                    key=state.INDICATOR_VALUE.key(*key),
                    help=page.md_join(" · ", extra),
                    disabled=lock is not None,
                )
                if ind.group in ("patient", "staff"):
                    c2.number_input(
                        t("report.sample_size"),
                        value=None if pd.isna(ind.sample_size) else int(ind.sample_size),
                        step=1,
                        key=state.INDICATOR_SAMPLE.key(*key),
                        disabled=lock is not None,
                    )
            save_ind = st.form_submit_button(
                t("report.save_indicators"), disabled=lock is not None, key="indicator_save"
            )
        if save_ind:
            values = []
            for ind in indicators.itertuples(index=False):
                iid = int(ind.indicator_id)
                key = (iid, period, gen)
                value = state.INDICATOR_VALUE(*key).get()
                n = state.INDICATOR_SAMPLE(*key).get()
                values.append(
                    IndicatorInput(
                        indicator_id=iid,
                        value=None if value is None else float(value),
                        sample_size=None if n is None else int(n),
                        expected_version=state.INDICATOR_SEEN(*key).get(),
                    )
                )
            page.save(
                lambda s: write.save_indicator_values(
                    actor=user.actor,
                    session=s,
                    department_id=department_id,
                    period=period,
                    items=values,
                ),
                on_error=_refused,
                then=_fresh_form,
                flash=lambda count: (
                    page.md("report.indicators_saved", count=count)
                    if count
                    else t("report.indicators_unchanged")
                ),
            )

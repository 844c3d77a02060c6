"""月度填报 Monthly report: a department's progress on each of its tasks, evidence files
and its indicators for one month. Liaisons report for their own department; the campaign
office and admins may enter on behalf of any department."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.clock import local_today
from lib.domain.periods import period_of, report_deadline, reporting_period
from lib.i18n import fmt_date, fmt_datetime, fmt_period, local_name, t
from lib.io import attachments
from lib.models import REPORT_STATUSES
from lib.read import reporting
from lib.ui import page, state, widgets
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

today = local_today()
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
lock = widgets.month_lock(campaign_id, period)

rows = reporting.department_reports(campaign_id, department_id, period)
gen = state.REPORT_GEN.get_or(0)
deadline = report_deadline(period, info.report_day)
local = local_today()


def _fresh_form(_: object = None) -> None:
    """Start the forms again from what is stored now (after a save)."""
    state.REPORT_SHOWN.clear()
    state.REPORT_CLASH.clear()
    state.REPORT_PENDING.pop()
    state.INDICATOR_SEEN.clear()
    state.REPORT_GEN.set(gen + 1)


def _refused(exc: ServiceError) -> None:
    """Someone changed a report between this page's read and the save: run again, so
    that the form is merged with the stored report (what the user typed is kept, a
    field both changed is shown side by side)."""
    if isinstance(exc, ConflictError):
        state.REPORT_NOTICE.set(exc.message(lang))
        st.rerun()


def _indicator_refused(exc: ServiceError) -> None:
    if isinstance(exc, ConflictError):
        st.button(t("rep.reload"), on_click=_fresh_form, key="report_reload")


TEXT_FIELDS = {
    "work_done": state.REPORT_WORK_DONE,
    "problems": state.REPORT_PROBLEMS,
    "next_steps": state.REPORT_NEXT_STEPS,
}
WIDGETS = {
    "percent_done": state.REPORT_PERCENT,
    "status": state.REPORT_STATUS,
    **TEXT_FIELDS,
}


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _int_or_none(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def _state_label(review_state: object) -> str:
    if isinstance(review_state, str) and review_state:
        return t(f"rep.state.{review_state}")
    return t("rep.state.none")


def _stored(row: object) -> dict[str, object]:
    """What the form shows for a task: this month's report, else last month's (prefill),
    else an empty report."""
    version = _int_or_none(row.version)  # type: ignore[attr-defined]
    src = ""
    if version is None:
        src = "prev_" if _int_or_none(row.prev_percent) is not None else None  # type: ignore[attr-defined, assignment]
    if src is None:
        return {"percent_done": 0, "status": "in_progress", **dict.fromkeys(TEXT_FIELDS)}
    pct = "prev_percent" if src else "percent_done"
    values: dict[str, object] = {
        "percent_done": _int_or_none(getattr(row, pct)) or 0,
        "status": getattr(row, f"{src}status") or "in_progress",
    }
    for field in TEXT_FIELDS:
        value = getattr(row, f"{src}{field}")
        values[field] = None if value is None or pd.isna(value) else str(value)
    return write.reporting.report_values(values)


def _vkey(aid: int, version: object) -> tuple[object, ...]:
    """A task form's widget keys: per stored version (a new version starts new widgets)."""
    return (aid, period, "n" if version is None else version, gen)


def _wkey(family: state.Family[object], key: tuple[object, ...]) -> str:
    """One widget's key. The status box's is per language too (the browser keeps a
    choice by the label it showed); the fields one types in keep theirs, so that what
    was typed and not yet saved survives a switch of language."""
    return family.key(*key, lang) if family is state.REPORT_STATUS else family.key(*key)


def _widget_values(key: tuple[object, ...]) -> dict[str, object] | None:
    """What the user has in a task's form now (None: the form was not drawn)."""
    if not state.REPORT_PERCENT(*key).is_set():
        return None
    return write.reporting.report_values(
        {f: state.Slot(_wkey(w, key)).get() for f, w in WIDGETS.items()}
    )


def _sync(aid: int, code: str, version: int | None, stored: dict[str, object]) -> bool:
    """Make the task's form show the stored version: seeded from the stored report, with
    whatever the user typed since the version they saw kept (merged field by field; a
    field someone else also changed is remembered as a clash). True: a clash was found
    now."""
    slot = state.REPORT_SHOWN(aid, period)
    shown = slot.get()
    clash_now = False
    seed = stored
    if shown is None or shown["version"] != version:
        if shown is not None:
            typed = _widget_values(_vkey(aid, shown["version"]))
            if typed is not None and typed != shown["values"]:
                seed, clashes = write.reporting.merge_report(shown["values"], typed, stored)
                if clashes:
                    state.REPORT_CLASH(aid, period).set({"clashes": clashes, "task": code})
                    clash_now = True
        slot.set({"version": version, "values": stored, "seed": seed})
    # the widgets start from the seed through ``value=`` / ``index=`` (a value put in the
    # session before the widget does not survive a change of its label in the browser)
    return clash_now


def _edited(aid: int, version: int | None) -> bool:
    shown = state.REPORT_SHOWN(aid, period).get()
    now = _widget_values(_vkey(aid, version))
    return bool(shown) and now is not None and now != shown["values"]  # type: ignore[index]


def _input(aid: int, version: int | None, confirmed: bool) -> ReportInput:
    key = _vkey(aid, version)
    values = _widget_values(key) or {}
    shown = state.REPORT_SHOWN(aid, period).get() or {}
    return ReportInput(
        assignment_id=aid,
        percent_done=int(values.get("percent_done") or 0),  # type: ignore[call-overload]
        status=str(values.get("status") or ""),
        work_done=values.get("work_done"),  # type: ignore[arg-type]
        problems=values.get("problems"),  # type: ignore[arg-type]
        next_steps=values.get("next_steps"),  # type: ignore[arg-type]
        expected_version=version,
        shown=shown.get("values"),
        confirmed=confirmed,
    )


OVERDUE_STYLE = "color:#c62828;font-weight:600;margin:0"
# deadline: days left, or overdue in red while something of the month is not submitted
open_tasks = 0 if rows.empty else int((~rows["review_state"].isin(["submitted", "approved"])).sum())
st.caption(
    page.md(
        "{intro} · {deadline}",
        intro=page.md("report.intro", department=names[department_id], period=fmt_period(period)),
        deadline=t("rep.deadline", date=fmt_date(deadline)),
    )
)
if lock is None and open_tasks:
    if local > deadline:
        # red, but not an error box: nothing was refused
        overdue = t("report.overdue", days=(local - deadline).days, count=open_tasks)
        st.html(f'<p class="overdue" style="{OVERDUE_STYLE}">{html.escape(overdue)}</p>')
    else:
        st.info(page.md("report.days_left", days=(deadline - local).days, count=open_tasks))

notice = state.REPORT_NOTICE.pop()
if notice:
    st.error(notice)

tab_tasks, tab_indicators = st.tabs([t("report.tasks"), t("report.indicators")])

with tab_tasks:
    if rows.empty:
        st.info(t("report.no_tasks"))
    else:
        states = set(rows["review_state"].dropna())
        if states == {"approved"} and rows["update_id"].notna().all():
            st.success(t("report.all_approved"))
        editable: dict[int, tuple[int | None, str, str]] = {}
        clash_now = False
        for row in rows.itertuples(index=False):
            if lock is None and row.review_state != "approved":
                aid = int(row.assignment_id)
                version = _int_or_none(row.version)
                editable[aid] = (version, str(row.code), str(row.title))
                clash_now |= _sync(aid, str(row.code), version, _stored(row))
        with st.form("report_form", border=False):
            for row in rows.itertuples(index=False):
                aid = int(row.assignment_id)
                version = _int_or_none(row.version)
                has_report = version is not None
                can_edit = aid in editable
                key = _vkey(aid, version)
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
                    if (
                        has_report
                        and not pd.isna(row.submitted_at)
                        and row.review_state
                        in (
                            "submitted",
                            "approved",
                        )
                    ):
                        meta.append(
                            page.md("report.submitted_at", at=fmt_datetime(row.submitted_at))
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
                    clash = state.REPORT_CLASH(aid, period).get() if can_edit else None
                    if clash:
                        lines = [page.md("report.clash_head")]
                        for field, (theirs, mine) in clash["clashes"].items():
                            shown_theirs = (
                                t(f"rep.rstatus.{theirs}") if field == "status" else theirs
                            )
                            shown_mine = t(f"rep.rstatus.{mine}") if field == "status" else mine
                            lines.append(
                                page.md(
                                    "report.clash_field",
                                    field=t(f"report.{field}"),
                                    theirs=_text(shown_theirs) or "—",
                                    mine=_text(shown_mine) or "—",
                                )
                            )
                        st.warning(page.md_join("  \n", lines))
                    if not has_report and _int_or_none(row.prev_percent) is not None and can_edit:
                        st.caption(t("report.prefilled"))
                    c1, c2 = st.columns([1, 1])
                    shown_now = state.REPORT_SHOWN(aid, period).get() if can_edit else None
                    start = shown_now["seed"] if shown_now and "seed" in shown_now else _stored(row)
                    c1.number_input(
                        t("report.percent"),
                        min_value=0,
                        max_value=100,
                        step=5,
                        value=int(start["percent_done"]),  # type: ignore[call-overload]
                        key=state.REPORT_PERCENT.key(*key),
                        disabled=not can_edit,
                    )
                    options = list(REPORT_STATUSES)
                    c2.selectbox(
                        t("report.status"),
                        options,
                        index=options.index(start["status"]) if start["status"] in options else 1,
                        format_func=lambda s: t(f"rep.rstatus.{s}", lang),
                        key=_wkey(state.REPORT_STATUS, key),
                        disabled=not can_edit,
                    )
                    text_cols = st.columns(3)
                    for col, (field, family) in zip(text_cols, TEXT_FIELDS.items(), strict=True):
                        col.text_area(
                            t(f"report.{field}"),
                            value=_text(start[field]),
                            key=family.key(*key),
                            height=100,
                            max_chars=write.MAX_TEXT,
                            disabled=not can_edit,
                        )
                    if can_edit:
                        f1, f2 = st.columns([3, 1])
                        f1.file_uploader(
                            t("report.evidence", max_mb=attachments.MAX_BYTES // (1024 * 1024)),
                            accept_multiple_files=True,
                            key=state.REPORT_FILES.key(*key),
                        )
                        f2.checkbox(
                            t("report.unchanged"),
                            key=state.REPORT_UNCHANGED.key(*key),
                            help=t("report.unchanged_help"),
                        )
            b1, b2, _ = st.columns([1, 1, 4])
            save_clicked = b1.form_submit_button(
                t("report.save_draft"), disabled=not editable, key="report_save"
            )
            submit_clicked = b2.form_submit_button(
                t("report.submit"), type="primary", disabled=not editable, key="report_submit"
            )

        def _files(aid: int, version: int | None) -> list[object]:
            return list(state.REPORT_FILES(*_vkey(aid, version)).get() or [])

        drafts = {
            int(r.assignment_id) for r in rows.itertuples(index=False) if r.review_state == "draft"
        }

        def _reviewed(aid: int, version: int | None) -> bool:
            """The liaison edited the task (now or in a draft of this month), added
            evidence or said 本月无变化."""
            key = _vkey(aid, version)
            return (
                aid in drafts
                or _edited(aid, version)
                or bool(_files(aid, version))
                or bool(state.REPORT_UNCHANGED(*key).get())
            )

        def _write(ids: list[int], submit: bool, flash: str) -> None:
            items = [
                _input(
                    aid, editable[aid][0], confirmed=submit or bool(_files(aid, editable[aid][0]))
                )
                for aid in ids
            ]
            files = [(aid, f) for aid in ids for f in _files(aid, editable[aid][0])]

            def _run(session) -> None:
                saved = write.save_reports(
                    actor=user.actor,
                    session=session,
                    period=period,
                    items=items,
                    submit=submit,
                    require_reasons=True,
                )
                by_assignment = {u.assignment_id: u.id for u in saved}
                for aid, upload in files:
                    write.add_attachment(
                        actor=user.actor,
                        session=session,
                        update_id=by_assignment[aid],
                        filename=upload.name,  # type: ignore[attr-defined]
                        data=upload.getvalue(),  # type: ignore[attr-defined]
                    )

            page.save(_run, on_error=_refused, then=_fresh_form, flash=flash)

        if clash_now and (save_clicked or submit_clicked):
            # the report changed under the user and a field they typed was changed too:
            # nothing is saved; the form shows both and keeps what they typed
            clashed = [
                r
                for r in rows.itertuples(index=False)
                if state.REPORT_CLASH(int(r.assignment_id), period).is_set()
            ]
            who = clashed[0].editor if clashed and isinstance(clashed[0].editor, str) else "?"
            when = fmt_datetime(clashed[0].updated_at) if clashed else "?"
            st.error(page.md("report.clash_not_saved", who=who, when=when))
        elif save_clicked:
            ids = [
                aid for aid, (v, _c, _t) in editable.items() if _edited(aid, v) or _files(aid, v)
            ]
            if not ids:
                st.info(t("report.nothing_changed"))
            else:
                was_submitted = set(
                    int(r.assignment_id)
                    for r in rows.itertuples(index=False)
                    if r.review_state == "submitted"
                )
                back = len([a for a in ids if a in was_submitted])
                flash = page.md("report.saved_draft", count=len(ids))
                if back:
                    flash = page.md(
                        "{saved} {back}",
                        saved=flash,
                        back=t("report.draft_unsubmits", count=back),
                    )
                _write(ids, False, flash)
        elif submit_clicked:
            chosen = [aid for aid, (v, _c, _t) in editable.items() if _reviewed(aid, v)]
            state.REPORT_PENDING.set({"period": period, "department": department_id, "ids": chosen})
            state.REPORT_CONFIRM_REST.set(False)

        pending = state.REPORT_PENDING.get()
        if pending and (pending["period"], pending["department"]) != (period, department_id):
            state.REPORT_PENDING.pop()
            pending = None
        if pending:
            chosen = [a for a in pending["ids"] if a in editable]
            rest = [a for a in editable if a not in chosen]
            with st.form("report_confirm_form", border=True):
                if chosen:
                    st.markdown(f"**{t('report.confirm_head', count=len(chosen))}**")
                for aid in chosen:
                    version, code, title = editable[aid]
                    values = _widget_values(_vkey(aid, version)) or {}
                    st.markdown(
                        page.md(
                            "- {code} {title} · {percent}% · {status}",
                            code=code,
                            title=title,
                            percent=values.get("percent_done", 0),
                            status=t(f"rep.rstatus.{values.get('status')}"),
                        )
                    )
                if not chosen:
                    st.caption(t("report.confirm_none"))
                if rest:
                    st.caption(t("report.confirm_rest_list", count=len(rest)))
                    st.markdown(
                        "\n".join(
                            "- " + page.md_escape(f"{editable[a][1]} {editable[a][2]}")
                            for a in rest
                        )
                    )
                    st.checkbox(
                        t("report.confirm_rest", count=len(rest)),
                        key=state.REPORT_CONFIRM_REST.key,
                    )
                k1, k2, _ = st.columns([1, 1, 4])
                go = k1.form_submit_button(
                    t("report.confirm_submit"), type="primary", key="report_confirm"
                )
                cancel = k2.form_submit_button(t("report.cancel"), key="report_cancel")
            if cancel:
                state.REPORT_PENDING.pop()
                st.rerun()
            if go:
                ids = chosen + (rest if state.REPORT_CONFIRM_REST.get() else [])
                if not ids:
                    st.error(t("report.confirm_none"))
                else:
                    _write(sorted(ids), True, page.md("report.submitted", count=len(ids)))

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
                widgets.attachment_download(user.actor, f, key=f"dl_{f.id}", where=c2)
                if (
                    lock is None
                    and int(f.update_id) not in approved
                    and c3.button(t("report.remove", name=""), key=f"rm_{f.id}")
                ):
                    page.submit(
                        write.remove_attachment,
                        user.actor,
                        attachment_id=int(f.id),
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
            page.submit(
                write.save_indicator_values,
                user.actor,
                department_id=department_id,
                period=period,
                items=values,
                on_error=_indicator_refused,
                then=_fresh_form,
                flash=lambda count: (
                    page.md("report.indicators_saved", count=count)
                    if count
                    else t("report.indicators_unchanged")
                ),
            )

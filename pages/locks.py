"""锁定与督查评分 Locks and inspection scores: the campaign office locks a reviewed month
(unlocking needs a reason; both are audited) and scores departments per month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import write
from lib.db import session_scope
from lib.domain.periods import period_of
from lib.i18n import current_lang, fmt_period, t
from lib.read import campaigns, queries, reporting
from lib.ui import page
from lib.write import ServiceError

user = page.current_user()
page.require_action(user, "period.lock")
lang = current_lang()
st.title(t("page.locks"))

flash = st.session_state.pop("locks_flash", None)
if flash:
    st.success(flash)

campaign_id = page.selected_campaign_id()
info = campaigns.record(campaign_id) if campaign_id is not None else None
if campaign_id is None or info is None:
    st.info(t("rep.no_campaign"))
    st.stop()

today = queries.today()
periods = [p for p in info.periods if p <= period_of(today)] or info.periods[:1]
tab_locks, tab_scores = st.tabs([t("locks.tab_locks"), t("locks.tab_scores")])

with tab_locks:
    locks = reporting.period_locks(campaign_id)
    state = {r.period: r for r in locks.itertuples(index=False)}
    table = pd.DataFrame(
        {
            t("locks.col.period"): [fmt_period(p) for p in periods],
            t("locks.col.state"): [
                t("locks.locked") if p in state and state[p].locked else t("locks.unlocked")
                for p in periods
            ],
            t("locks.col.reason"): [(state[p].reason or "") if p in state else "" for p in periods],
            t("locks.col.changed_at"): [
                pd.Timestamp(state[p].changed_at).strftime("%Y-%m-%d %H:%M") if p in state else ""
                for p in periods
            ],
        }
    )
    page.table(table, hide_index=True, width="stretch")
    period = st.selectbox(
        t("locks.pick_period"),
        list(reversed(periods)),
        format_func=lambda p: fmt_period(p, lang),
        key="locks_period",
    )
    reason = st.text_input(t("locks.reason"), key="locks_reason", max_chars=1000)
    is_locked = period in state and bool(state[period].locked)
    label = t("locks.unlock") if is_locked else t("locks.lock")
    if st.button(label, type="primary", key="locks_toggle"):
        try:
            with session_scope() as session:
                write.set_period_lock(
                    actor=user.actor,
                    session=session,
                    campaign_id=campaign_id,
                    period=period,
                    locked=not is_locked,
                    reason=reason,
                )
        except ServiceError as exc:
            st.error(exc.message())
        else:
            st.session_state["locks_flash"] = t(
                "locks.done_unlock" if is_locked else "locks.done_lock",
                period=fmt_period(period),
            )
            st.rerun()

with tab_scores:
    departments = reporting.campaign_departments(campaign_id)
    names = {
        int(r.id): (r.name if lang == "zh" else (r.name_en or r.name))
        for r in departments.itertuples(index=False)
    }
    if not names:
        st.info(t("rep.no_departments"))
        st.stop()
    score_period = st.selectbox(
        t("scores.period"),
        list(reversed(periods)),
        format_func=lambda p: fmt_period(p, lang),
        key="scores_period",
    )
    scores = reporting.inspection_scores(campaign_id, score_period)
    by_dept = {int(r.department_id): r for r in scores.itertuples(index=False)}
    dept = st.selectbox(
        t("scores.department"), list(names), format_func=lambda i: names[i], key="scores_dept"
    )
    existing = by_dept.get(dept)
    gen = int(st.session_state.get("scores_gen", 0))
    version = st.session_state.setdefault(
        f"scores_seen_{dept}_{score_period}_{gen}",
        int(existing.version) if existing is not None else None,
    )
    with st.form("score_form", border=False):
        st.number_input(
            t("scores.score"),
            value=float(existing.score) if existing is not None else None,
            step=0.5,
            key=f"score_value_{dept}_{score_period}_{gen}",
        )
        st.text_area(
            t("scores.comment"),
            value=(existing.comment or "") if existing is not None else "",
            key=f"score_comment_{dept}_{score_period}_{gen}",
            max_chars=write.MAX_TEXT,
        )
        save = st.form_submit_button(t("scores.save"), type="primary", key="scores_save")
    if save:
        value = st.session_state.get(f"score_value_{dept}_{score_period}_{gen}")
        comment = st.session_state.get(f"score_comment_{dept}_{score_period}_{gen}")
        try:
            if value is None:
                raise ServiceError("error.score_range", max="100")
            with session_scope() as session:
                write.save_inspection_score(
                    actor=user.actor,
                    session=session,
                    campaign_id=campaign_id,
                    department_id=dept,
                    period=score_period,
                    score=float(value),
                    comment=comment,
                    expected_version=version,
                )
        except ServiceError as exc:
            st.error(exc.message())
            if isinstance(exc, write.ConflictError):
                st.session_state["scores_gen"] = gen + 1
        else:
            st.session_state["scores_gen"] = gen + 1
            st.session_state["locks_flash"] = t(
                "scores.saved", department=names[dept], period=fmt_period(score_period)
            )
            st.rerun()
    st.markdown(f"**{t('scores.table')}**")
    if scores.empty:
        st.caption(t("scores.none"))
    else:
        page.table(
            pd.DataFrame(
                {
                    t("scores.department"): [
                        names.get(int(d), "") for d in scores["department_id"]
                    ],
                    t("scores.col.score"): scores["score"],
                    t("scores.col.comment"): scores["comment"].fillna(""),
                }
            ),
            hide_index=True,
            width="stretch",
        )

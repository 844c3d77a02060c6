"""锁定与督查评分 Locks and inspection scores: the campaign office locks a reviewed month
(unlocking needs a reason; both are audited) and scores departments per month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.periods import period_of
from lib.i18n import fmt_datetime, fmt_period, t
from lib.read import queries, reporting
from lib.ui import page, state, tables

pg = page.open("period.lock", title="page.locks", campaign="record")
user, lang, campaign_id, info = pg.user, pg.lang, pg.campaign_id, pg.campaign

today = queries.today()
periods = [p for p in info.periods if p <= period_of(today)] or info.periods[:1]
tab_locks, tab_scores = st.tabs([t("locks.tab_locks"), t("locks.tab_scores")])

with tab_locks:
    locks = reporting.period_locks(campaign_id)
    lock_of = {r.period: r for r in locks.itertuples(index=False)}
    table = pd.DataFrame(
        {
            t("locks.col.period"): [fmt_period(p) for p in periods],
            t("locks.col.state"): [
                t("locks.locked") if p in lock_of and lock_of[p].locked else t("locks.unlocked")
                for p in periods
            ],
            t("locks.col.reason"): [
                (lock_of[p].reason or "") if p in lock_of else "" for p in periods
            ],
            t("locks.col.changed_at"): [
                fmt_datetime(lock_of[p].changed_at) if p in lock_of else "" for p in periods
            ],
        }
    )
    tables.show(table)
    period = st.selectbox(
        t("locks.pick_period"),
        list(reversed(periods)),
        format_func=lambda p: fmt_period(p, lang),
        key="locks_period",
    )
    reason = st.text_input(t("locks.reason"), key="locks_reason", max_chars=1000)
    is_locked = period in lock_of and bool(lock_of[period].locked)
    label = t("locks.unlock") if is_locked else t("locks.lock")
    if st.button(label, type="primary", key="locks_toggle"):
        page.submit(
            write.set_period_lock,
            user.actor,
            campaign_id=campaign_id,
            period=period,
            locked=not is_locked,
            reason=reason,
            flash=t(
                "locks.done_unlock" if is_locked else "locks.done_lock", period=fmt_period(period)
            ),
        )

with tab_scores:
    departments = reporting.campaign_departments(campaign_id)
    names = page.names_by_id(departments)
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
    gen = state.SCORES_GEN.get_or(0)
    form = (dept, score_period, gen)
    version = state.SCORES_SEEN(*form).setdefault(
        int(existing.version) if existing is not None else None
    )
    with st.form("score_form", border=False):
        st.number_input(
            t("scores.score"),
            value=float(existing.score) if existing is not None else None,
            step=0.5,
            key=state.SCORE_VALUE.key(*form),
        )
        st.text_area(
            t("scores.comment"),
            value=(existing.comment or "") if existing is not None else "",
            key=state.SCORE_COMMENT.key(*form),
            max_chars=write.MAX_TEXT,
        )
        save = st.form_submit_button(t("scores.save"), type="primary", key="scores_save")
    if save:
        value = state.SCORE_VALUE(*form).get()

        def _save_score(session) -> None:
            if value is None:
                raise write.ServiceError("error.score_range", max="100")
            write.save_inspection_score(
                actor=user.actor,
                session=session,
                campaign_id=campaign_id,
                department_id=dept,
                period=score_period,
                score=float(value),
                comment=state.SCORE_COMMENT(*form).get(),
                expected_version=version,
            )

        def _fresh_form(_: object = None) -> None:
            """Start the form again from what is stored now (after a save or a conflict)."""
            state.SCORES_GEN.set(gen + 1)

        page.save(
            _save_score,
            on_error=lambda exc: isinstance(exc, write.ConflictError) and _fresh_form(),
            then=_fresh_form,
            flash=page.md("scores.saved", department=names[dept], period=fmt_period(score_period)),
        )
    st.markdown(f"**{t('scores.table')}**")
    tables.show(
        pd.DataFrame(
            {
                t("scores.department"): [names.get(int(d), "") for d in scores["department_id"]],
                t("scores.col.score"): scores["score"],
                t("scores.col.comment"): scores["comment"].fillna(""),
            }
        ),
        empty=t("scores.none"),
    )

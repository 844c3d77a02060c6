"""申诉 Appeals: a department contests an inspection score or a month's complaint count
within the campaign's appeal window, with a reason and evidence; the campaign office
upholds it (the figure is corrected: score, ranking and 红黑榜 follow) or rejects it
with a reason. Liaisons see and file their own department's appeals only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.clock import local_now, to_utc_naive
from lib.domain.permissions import can
from lib.i18n import each, fmt_datetime, fmt_period, local_col, t
from lib.read import appeals, reporting
from lib.ui import page, tables

pg = page.open("appeal.read", title="page.appeals", campaign="record")
user, lang, campaign_id, info = pg.user, pg.lang, pg.campaign_id, pg.campaign

office = can(user.actor, "appeal.decide")
own_only = not office
departments = reporting.campaign_departments(campaign_id)
names = page.names_by_id(departments)
if own_only:
    names = {i: n for i, n in names.items() if i == user.department_id}
days = int(info.settings["appeal_days"])
st.caption(page.md("appeal.help", days=days))


def _kind(kind: str, lang: str | None = None) -> str:
    return t(f"appeal.kind_{kind}", lang)


def _status(status: str, lang: str | None = None) -> str:
    return t(f"appeal.status_{status}", lang)


def _num(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):g}"  # type: ignore[arg-type, call-overload]


# --- file an appeal ----------------------------------------------------------------------
if can(user.actor, "appeal.file") and names:
    st.subheader(t("appeal.file_title"))
    department = st.selectbox(
        t("col.department"), list(names), format_func=names.__getitem__, key="appeal_department"
    )
    moment = to_utc_naive(local_now()).replace(second=0, microsecond=0)
    open_figures = appeals.appealable(campaign_id, int(department), moment)
    if open_figures.empty:
        st.info(page.md("appeal.nothing_to_appeal", days=days))
    else:
        labels = {
            i: t(
                "appeal.figure",
                kind=_kind(r.kind),
                period=fmt_period(r.period),
                value=_num(r.value),
                deadline=fmt_datetime(r.deadline),
            )
            for i, r in enumerate(open_figures.itertuples(index=False))
        }
        with st.form("appeal_form", clear_on_submit=True):
            chosen = st.selectbox(
                t("appeal.figure_label"), list(labels), format_func=labels.__getitem__
            )
            requested = st.number_input(t("appeal.requested"), min_value=0.0, value=None, step=1.0)
            reason = st.text_area(t("appeal.reason"), max_chars=1000)
            evidence = st.text_area(t("appeal.evidence"), max_chars=4000)
            filed = st.form_submit_button(t("appeal.submit"), type="primary")
        if filed:
            figure = open_figures.iloc[int(chosen)]
            page.submit(
                write.file_appeal,
                user.actor,
                campaign_id=campaign_id,
                department_id=int(department),
                kind=str(figure["kind"]),
                period=str(figure["period"]),
                reason=reason,
                requested=requested,
                evidence=evidence,
                flash=t("appeal.filed"),
            )

# --- the appeals -------------------------------------------------------------------------
st.subheader(t("appeal.list_title"))
listed = appeals.appeals(campaign_id, department_id=user.department_id if own_only else None)
if own_only and user.department_id is None:
    listed = listed.iloc[0:0]
if listed.empty:
    st.info(t("appeal.none"))
else:
    tables.show(
        pd.DataFrame(
            {
                "#": listed["id"],
                t("col.department"): listed[local_col("department")],
                t("appeal.col_kind"): each(_kind, listed["kind"]),
                t("col.period"): each(fmt_period, listed["period"]),
                t("appeal.col_original"): [_num(v) for v in listed["original"]],
                t("appeal.col_requested"): [_num(v) for v in listed["requested"]],
                t("appeal.col_status"): each(_status, listed["status"]),
                t("appeal.col_decided"): [_num(v) for v in listed["decided"]],
                t("appeal.reason"): listed["reason"],
                t("appeal.evidence"): listed["evidence"].fillna(""),
                t("appeal.decision_reason"): listed["decision_reason"].fillna(""),
                t("appeal.col_filed_at"): each(fmt_datetime, listed["filed_at"]),
            }
        ),
    )

# --- the office decides ------------------------------------------------------------------
waiting = listed[listed["status"] == "open"] if not listed.empty else listed
if office and not waiting.empty:
    st.subheader(t("appeal.decide_title"))
    choices = {
        int(
            r.id
        ): f"#{r.id} · {r[local_col('department')]} · {_kind(r.kind)} · {fmt_period(r.period)}"
        for _, r in waiting.iterrows()
    }
    picked = st.selectbox(
        t("appeal.pick"), list(choices), format_func=choices.__getitem__, key="appeal_pick"
    )
    row = waiting[waiting["id"] == picked].iloc[0]
    st.text(t("appeal.reason") + "：" + str(row["reason"]))
    if isinstance(row["evidence"], str) and row["evidence"]:
        st.text(t("appeal.evidence") + "：" + row["evidence"])
    with st.form("decide_form"):
        decided = st.number_input(
            t("appeal.decided"),
            min_value=0.0,
            value=None if pd.isna(row["requested"]) else float(row["requested"]),
            step=1.0,
        )
        why = st.text_area(t("appeal.decision_reason"), max_chars=1000)
        c1, c2 = st.columns(2)
        upheld = c1.form_submit_button(t("appeal.uphold"), type="primary")
        rejected = c2.form_submit_button(t("appeal.reject"))
    if upheld or rejected:
        page.submit(
            write.decide_appeal,
            user.actor,
            appeal_id=int(picked),
            uphold=bool(upheld),
            reason=why,
            decided=decided,
            expected_version=int(row["version"]),
            flash=t("appeal.upheld") if upheld else t("appeal.rejected"),
        )

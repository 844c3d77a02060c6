"""评选 Selection (seed 001): a round of 优质服务窗口 or 服务标兵 from nomination to the
final result. Liaisons nominate for their department before the deadline; the product
checks every candidate against the round's criteria on the campaign's own figures; the
office confirms the checkbox criteria, closes the nominations and sends a shortlist; the
leading group records its decision; the office publishes the 公示, answers objections
and, once the notice is over, makes the result final (then it is on the 光荣榜)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from lib.domain import recognition as rules
from lib.domain.permissions import can
from lib.i18n import fmt_date, fmt_datetime, t
from lib.io import honours_docs
from lib.read import queries, recognition, reporting
from lib.ui import page, tables, widgets
from lib.write import recognition as rec

pg = page.open("read.all", title="page.selection", campaign="record")
user, lang, campaign_id, campaign = pg.user, pg.lang, pg.campaign_id, pg.campaign
actor = user.actor
manage = can(actor, "recognition.manage")
decide = can(actor, "recognition.decide")
nominate = can(actor, "recognition.nominate")
today = queries.today()
campaign_name = campaign.name_en if lang == "en" and campaign.name_en else campaign.name


def _state(key: str) -> str:
    return t(f"recog.state_{key}")


# --- a new round (the office) ------------------------------------------------------------

if manage:
    scheme: list[dict[str, Any]] = list(campaign.settings.get("selection") or [])
    with st.expander(t("recog.new_round"), expanded=False), st.form("recog_new_round"):
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox(
            t("recog.kind"), ["unit", "person"], format_func=lambda k: t(f"recog.kind_{k}")
        )
        period_kind = c2.selectbox(
            t("recog.period_kind"),
            ["quarter", "year", "month"],
            format_func=lambda k: t(f"recog.period_{k}"),
        )
        period_key = c3.text_input(t("recog.period_key"), value=rules.quarter_of(today))
        c4, c5, c6 = st.columns(3)
        default = next(
            (s for s in scheme if s.get("kind") == kind and s.get("period_kind") == period_kind),
            {},
        )
        quota = c4.number_input(
            t("recog.quota"), min_value=1, max_value=100, value=int(default.get("quota") or 3)
        )
        deadline = c5.date_input(
            t("recog.deadline"), value=today + dt.timedelta(days=10), format="YYYY-MM-DD"
        )
        reward = c6.text_input(t("recog.reward"), value=str(default.get("reward") or ""))
        title = st.text_input(t("recog.title"), max_chars=300)
        if st.form_submit_button(t("recog.create"), type="primary"):
            page.submit(
                rec.create_round,
                actor,
                campaign_id=campaign_id,
                title=title,
                kind=kind,
                period_kind=period_kind,
                period_key=period_key.strip(),
                quota=int(quota),
                nomination_deadline=deadline,
                criteria=default.get("criteria"),
                reward=reward,
                flash=t("recog.created"),
            )

rounds = recognition.rounds(campaign_id)
if not rounds:
    st.info(t("recog.no_rounds"))
    st.stop()

labels = {
    r["id"]: f"{r['title']} · {honours_docs.period_label(r, lang)} · {_state(r['state'])}"
    for r in rounds
}
round_id = st.selectbox(
    t("recog.round"), list(labels), format_func=lambda i: labels[i], key="recog_round"
)
info = next(r for r in rounds if r["id"] == round_id)
st.caption(
    page.md_escape(
        t(
            "recog.round_caption",
            kind=t(f"recog.kind_{info['kind']}"),
            period=honours_docs.period_label(info, lang),
            quota=info["quota"],
            deadline=fmt_date(info["nomination_deadline"]),
            state=_state(info["state"]),
        )
    )
)
if info["notice_start"] and info["notice_end"]:
    st.caption(
        t(
            "recog.notice_caption",
            start=fmt_date(info["notice_start"]),
            end=fmt_date(info["notice_end"]),
        )
    )
if info["finalised_at"]:
    st.caption(t("recog.final_caption", at=fmt_datetime(info["finalised_at"])))
state = info["state"]
rows = recognition.nominations(round_id)
names = {r["id"]: recognition.candidate_name(r, lang) for r in rows}


def _outcome(row: dict[str, Any]) -> str:
    if row["outcome"] == "won":
        return t("recog.won")
    if row["outcome"] == "not_won":
        return t("recog.not_won")
    return page.MISSING


# --- the nominations and their check -----------------------------------------------------

st.subheader(t("recog.nominations"))
if not rows:
    st.info(t("recog.no_nominations"))
else:
    tables.show_rows(
        rows,
        {
            t("recog.col_candidate"): lambda r: names[r["id"]],
            t("recog.col_reasons"): "reasons",
            t("recog.col_passes"): lambda r: t("recog.pass") if r["passes"] else t("recog.fail"),
            t("recog.col_shortlisted"): lambda r: "✓" if r["shortlisted"] else "",
            t("recog.col_outcome"): _outcome,
            t("recog.col_votes"): "votes",
            t("recog.col_note"): lambda r: r["decision_note"] or "",
        },
    )
    picked = st.selectbox(
        t("recog.col_checks"), list(names), format_func=lambda i: names[i], key="recog_check"
    )
    row = next(r for r in rows if r["id"] == picked)
    st.markdown("**" + page.md_escape(t("recog.checks_of", name=names[picked])) + "**")
    tables.show(
        pd.DataFrame(
            {
                t("recog.col_rule"): [t(f"recog.rule_{c.key}") for c in row["checks"]],
                t("recog.col_value"): [c.shown for c in row["checks"]],
                t("recog.col_threshold"): [
                    f"≥ {c.threshold:g}" if c.threshold is not None else page.MISSING
                    for c in row["checks"]
                ],
                t("recog.col_result"): [
                    (t("recog.pass") if c.passed else t("recog.fail"))
                    + (
                        ""
                        if c.detail in ("recog.detail_ok", "recog.detail_below")
                        else " · " + t(c.detail)
                    )
                    for c in row["checks"]
                ],
            }
        ),
    )
    boxes = [c["key"] for c in info["criteria"] if c["key"] in rules.CHECK_RULES]
    if manage and boxes and state in ("nominating", "shortlisting"):
        with st.form(f"recog_confirm_{picked}"):
            chosen = {
                key: st.checkbox(t(f"recog.rule_{key}"), value=bool(row["confirmed"].get(key)))
                for key in boxes
            }
            if st.form_submit_button(t("recog.confirm")):
                page.submit(
                    rec.confirm_criteria,
                    actor,
                    nomination_id=int(picked),
                    confirmed=chosen,
                    expected_version=int(row["version"]),
                    flash=t("recog.confirmed"),
                )

# --- nominating ----------------------------------------------------------------------------

if state == "nominating" and nominate:
    st.subheader(t("recog.nominate_header"))
    departments = reporting.campaign_departments(campaign_id)
    dept_names = page.names_by_id(departments)
    own = [user.department_id] if "liaison" in user.roles and user.department_id else []
    choices = [d for d in dept_names if not own or d in own]
    if choices:
        dept = st.selectbox(
            t("recog.department"),
            choices,
            format_func=lambda d: dept_names[d],
            key="recog_nominate_department",
        )
        options: dict[str, str] = {}
        if info["kind"] == "person":
            for p in recognition.staff_table(int(dept)):
                if p["active"]:
                    post = f" · {p['post']}" if p["post"] else ""
                    options[f"s{p['id']}"] = f"{p['name']}{post}"
        else:
            options["d"] = t("recog.candidate_self")
            for w in recognition.service_points(int(dept)):
                if w["active"]:
                    options[f"w{w['id']}"] = (
                        w["name_en"] or w["name"] if lang == "en" else w["name"]
                    )
        if not options:
            st.info(t("recog.no_staff"))
        else:
            with st.form("recog_nominate"):
                candidate = st.selectbox(
                    t("recog.candidate"),
                    list(options),
                    format_func=lambda k: options[k],
                    key="recog_candidate",
                )
                reasons = st.text_area(t("recog.reasons"), max_chars=4000, key="recog_reasons")
                evidence = st.text_area(t("recog.evidence"), max_chars=4000, key="recog_evidence")
                if st.form_submit_button(t("recog.nominate"), type="primary"):
                    page.submit(
                        rec.nominate,
                        actor,
                        round_id=round_id,
                        department_id=int(dept),
                        reasons=reasons,
                        evidence=evidence,
                        staff_id=int(candidate[1:]) if candidate.startswith("s") else None,
                        service_point_id=int(candidate[1:]) if candidate.startswith("w") else None,
                        flash=t("recog.nominated"),
                    )
if state == "nominating" and manage and st.button(t("recog.close_nominations")):
    page.submit(
        rec.close_nominations,
        actor,
        round_id=round_id,
        expected_version=info["version"],
        flash=t("recog.closed"),
    )

# --- shortlist (the office) ------------------------------------------------------------------

if state == "shortlisting" and manage and rows:
    st.subheader(t("recog.shortlist"))
    with st.form("recog_shortlist"):
        shortlist = st.multiselect(
            t("recog.shortlist"),
            list(names),
            default=[r["id"] for r in rows if r["passes"]],
            format_func=lambda i: names[i],
            key="recog_shortlist_pick",
        )
        if st.form_submit_button(t("recog.submit_shortlist"), type="primary"):
            page.submit(
                rec.set_shortlist,
                actor,
                round_id=round_id,
                nomination_ids=list(shortlist),
                flash=t("recog.shortlisted"),
            )

# --- decision (the leading group) --------------------------------------------------------

if state == "deciding":
    listed = [r for r in rows if r["shortlisted"]]
    if decide and listed:
        st.subheader(t("recog.decision_header"))
        for r in listed:
            with st.form(f"recog_decide_{r['id']}"), st.container(border=True):
                st.markdown("**" + page.md_escape(names[r["id"]]) + "**")
                c1, c2, c3 = st.columns([1, 1, 2])
                won = c1.radio(
                    t("recog.col_outcome"),
                    [True, False],
                    index=0 if r["outcome"] != "not_won" else 1,
                    format_func=lambda v: t("recog.won") if v else t("recog.not_won"),
                    horizontal=True,
                    key=f"recog_won_{r['id']}",
                )
                votes = c2.number_input(
                    t("recog.votes"),
                    min_value=0,
                    max_value=999,
                    value=r["votes"],
                    step=1,
                    key=f"recog_votes_{r['id']}",
                )
                note = c3.text_input(
                    t("recog.note"), value=r["decision_note"] or "", key=f"recog_note_{r['id']}"
                )
                if st.form_submit_button(t("recog.record_decision")):
                    page.submit(
                        rec.record_decision,
                        actor,
                        nomination_id=int(r["id"]),
                        won=bool(won),
                        votes=int(votes) if votes is not None else None,
                        note=note,
                        expected_version=int(r["version"]),
                        flash=t("recog.decided"),
                    )
    if manage:
        st.subheader(t("recog.notice_header"))
        with st.form("recog_notice"):
            c1, c2 = st.columns(2)
            start = c1.date_input(t("recog.notice_start"), value=today, format="YYYY-MM-DD")
            end = c2.date_input(
                t("recog.notice_end"), value=today + dt.timedelta(days=6), format="YYYY-MM-DD"
            )
            if st.form_submit_button(t("recog.start_notice"), type="primary"):
                page.submit(
                    rec.start_notice,
                    actor,
                    round_id=round_id,
                    start=start,
                    end=end,
                    expected_version=info["version"],
                    flash=t("recog.notice_started"),
                )

# --- 公示: objections, answers, the final result -----------------------------------------

if state in ("notice", "final"):
    st.subheader(t("recog.objections"))
    objections = recognition.objections(round_id)
    if not objections:
        st.caption(t("recog.no_objections"))
    for o in objections:
        with st.container(border=True):
            st.markdown(
                page.md_escape(
                    t(
                        "recog.objection_line",
                        who=o["lodged_by"] or "—",
                        at=fmt_datetime(o["lodged_at"]),
                        text=f"{names.get(o['nomination_id'], '')} — {o['text']}",
                    )
                )
            )
            if o["answer"]:
                verdict = t("recog.verdict_upheld" if o["upheld"] else "recog.verdict_rejected")
                st.caption(
                    page.md_escape(t("recog.answer_line", answer=o["answer"], verdict=verdict))
                )
            elif manage and state == "notice":
                with st.form(f"recog_answer_{o['id']}"):
                    answer = st.text_area(t("recog.answer"), max_chars=4000)
                    upheld = st.checkbox(t("recog.upheld"))
                    if st.form_submit_button(t("recog.answer_button")):
                        page.submit(
                            rec.answer_objection,
                            actor,
                            objection_id=int(o["id"]),
                            answer=answer,
                            upheld=bool(upheld),
                            expected_version=int(o["version"]),
                            flash=t("recog.answered"),
                        )
            else:
                st.caption(t("recog.unanswered"))
    won_rows = {r["id"]: names[r["id"]] for r in rows if r["outcome"] == "won"}
    running = recognition.notice_today(info, today)
    if state == "notice" and running and won_rows and can(actor, "recognition.object"):
        with st.form("recog_object"):
            against = st.selectbox(
                t("recog.objection_against"), list(won_rows), format_func=lambda i: won_rows[i]
            )
            text = st.text_area(t("recog.objection_text"), max_chars=4000)
            if st.form_submit_button(t("recog.lodge")):
                page.submit(
                    rec.lodge_objection,
                    actor,
                    nomination_id=int(against),
                    text=text,
                    flash=t("recog.lodged"),
                )
    if state == "notice" and manage and st.button(t("recog.finalise"), type="primary"):
        page.submit(
            rec.finalise_round,
            actor,
            round_id=round_id,
            expected_version=info["version"],
            flash=t("recog.finalised"),
        )
    if manage or decide:
        issuer = campaign.organiser or t("recog.issuer_default")
        c1, c2 = st.columns(2)
        widgets.download(
            t("recog.download_notice"),
            honours_docs.notice_docx(info, rows, campaign=campaign_name, issuer=issuer, lang=lang),
            f"notice-{round_id}.docx",
            key="recog_notice_docx",
            where=c1,
        )
        if state == "final":
            widgets.download(
                t("recog.download_certificates"),
                honours_docs.certificates_docx(
                    info, rows, campaign=campaign_name, issuer=issuer, lang=lang
                ),
                f"certificates-{round_id}.docx",
                key="recog_certificates_docx",
                where=c2,
            )

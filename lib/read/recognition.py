"""Read side of recognition (issue 20): staff and windows, selection rounds, nominations
with their criteria judged from the product's own data, objections, the 光荣榜.

``facts_in`` reads a department's figures inside any session or connection (the write
layer judges a shortlist inside its own transaction with it); the other functions are
cached per data version (``@versioned``) for the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from lib.db import get_engine
from lib.domain import recognition as rules
from lib.domain.scoring import COUNTED_STATES
from lib.models import (
    Assignment,
    Campaign,
    Department,
    Indicator,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    Nomination,
    Objection,
    Problem,
    SelectionRound,
    ServicePoint,
    Staff,
    Task,
    User,
)
from lib.read.cache import versioned
from lib.read.filters import of_department

Db = Session | Connection


# --- the figures a candidate is judged by ---------------------------------------------------


def facts_in(db: Db, campaign_id: int, department_id: int, first: str, last: str) -> rules.Facts:
    """A department's figures for the months ``first``..``last`` of a campaign."""
    between = and_(IndicatorValue.period >= first, IndicatorValue.period <= last)
    base = (
        select(Indicator.code, Indicator.group, Indicator.scale, Indicator.is_composite)
        .add_columns(IndicatorValue.period, IndicatorValue.value)
        .join(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
        .where(
            Indicator.campaign_id == campaign_id,
            IndicatorValue.department_id == department_id,
            between,
        )
    )
    satisfaction: dict[str, float] = {}
    evaluation: dict[str, float] = {}
    complaints: float | None = None
    for code, group, scale, composite, period, value in db.execute(base):
        if code == rules.EVALUATION_RATE_CODE:
            evaluation[period] = min(float(value), evaluation.get(period, float("inf")))
        elif code == rules.COMPLAINTS_CODE:
            complaints = (complaints or 0.0) + float(value)
        elif group == "patient" and not composite and (scale if scale is not None else 100) <= 100:
            satisfaction[period] = min(float(value), satisfaction.get(period, float("inf")))
    problems = int(
        db.execute(
            select(func.count(func.distinct(Problem.id)))
            .join(Assignment, Assignment.task_id == Problem.task_id)
            .where(
                Problem.campaign_id == campaign_id,
                Problem.source.in_(("complaint", "inspection")),
                Problem.found_period >= first,
                Problem.found_period <= last,
                Assignment.department_id == department_id,
            )
        ).scalar()
        or 0
    )
    inspections = {
        period: (float(score) / float(top) * 100.0 if top else float(score))
        for period, score, top in db.execute(
            select(InspectionScore.period, InspectionScore.score, InspectionScore.max_score).where(
                InspectionScore.campaign_id == campaign_id,
                InspectionScore.department_id == department_id,
                InspectionScore.period >= first,
                InspectionScore.period <= last,
            )
        )
    }
    return rules.Facts(
        satisfaction=satisfaction,
        evaluation_rate=evaluation,
        complaints=complaints,
        problems=problems,
        inspections=inspections,
        progress=_progress(db, campaign_id, department_id, last),
    )


def _progress(db: Db, campaign_id: int, department_id: int, last: str) -> float | None:
    """Weighted completion of the department's tasks: each assignment's latest counted
    report up to ``last`` (none: 0 %)."""
    assignments = db.execute(
        select(Assignment.id, Task.weight)
        .join(Task, Task.id == Assignment.task_id)
        .where(
            Task.campaign_id == campaign_id,
            Task.active.is_(True),
            Assignment.department_id == department_id,
        )
    ).all()
    if not assignments:
        return None
    latest: dict[int, tuple[str, int]] = {}
    rows = db.execute(
        select(MonthlyUpdate.assignment_id, MonthlyUpdate.period, MonthlyUpdate.percent_done).where(
            MonthlyUpdate.assignment_id.in_([a for a, _w in assignments]),
            MonthlyUpdate.period <= last,
            MonthlyUpdate.review_state.in_(COUNTED_STATES),
        )
    )
    for aid, period, pct in rows:
        if aid not in latest or period > latest[aid][0]:
            latest[aid] = (period, int(pct))
    total = sum(float(w) for _a, w in assignments) or 1.0
    return sum(float(w) * latest.get(a, ("", 0))[1] for a, w in assignments) / total


def prior_winners_in(db: Db, campaign_id: int, kind: str, first: str, last: str) -> set[tuple]:
    """Candidates (department, window, staff) who won a final, shorter round of the
    campaign within ``first``..``last``: the only candidates of an annual round."""
    rows = db.execute(
        select(Nomination.department_id, Nomination.service_point_id, Nomination.staff_id)
        .join(SelectionRound, SelectionRound.id == Nomination.round_id)
        .where(
            SelectionRound.campaign_id == campaign_id,
            SelectionRound.kind == kind,
            SelectionRound.state == "final",
            SelectionRound.period_kind != "year",
            SelectionRound.first_month >= first,
            SelectionRound.last_month <= last,
            Nomination.outcome == "won",
        )
    )
    return {tuple(r) for r in rows}


# --- cached reads for the pages ------------------------------------------------------------


def _connect() -> Connection:
    return get_engine().connect()


@versioned
def facts(campaign_id: int, department_id: int, first: str, last: str) -> rules.Facts:
    with _connect() as conn:
        return facts_in(conn, campaign_id, department_id, first, last)


def _round_dict(r: SelectionRound) -> dict[str, Any]:
    return {
        "id": r.id,
        "campaign_id": r.campaign_id,
        "title": r.title,
        "kind": r.kind,
        "period_kind": r.period_kind,
        "period_key": r.period_key,
        "first_month": r.first_month,
        "last_month": r.last_month,
        "quota": r.quota,
        "criteria": list(r.criteria or []),
        "reward": r.reward,
        "nomination_deadline": r.nomination_deadline,
        "notice_start": r.notice_start,
        "notice_end": r.notice_end,
        "state": r.state,
        "decision_note": r.decision_note,
        "finalised_at": r.finalised_at,
        "version": r.version,
    }


@versioned
def rounds(campaign_id: int) -> list[dict[str, Any]]:
    """The campaign's rounds, newest period first."""
    with Session(get_engine()) as s:
        found = s.scalars(
            select(SelectionRound)
            .where(SelectionRound.campaign_id == campaign_id)
            .order_by(SelectionRound.last_month.desc(), SelectionRound.id.desc())
        ).all()
        return [_round_dict(r) for r in found]


@versioned
def round_info(round_id: int) -> dict[str, Any] | None:
    with Session(get_engine()) as s:
        r = s.get(SelectionRound, round_id)
        return _round_dict(r) if r is not None else None


def _nomination_rows(db: Db, where: Any) -> list[dict[str, Any]]:
    stmt = (
        select(
            Nomination,
            Department.name.label("department"),
            Department.name_en.label("department_en"),
            ServicePoint.name.label("window"),
            ServicePoint.name_en.label("window_en"),
            Staff.name.label("staff"),
            Staff.post.label("post"),
            User.display_name.label("nominated_by"),
        )
        .join(Department, Department.id == Nomination.department_id)
        .outerjoin(ServicePoint, ServicePoint.id == Nomination.service_point_id)
        .outerjoin(Staff, Staff.id == Nomination.staff_id)
        .outerjoin(User, User.id == Nomination.nominated_by_id)
        .where(where)
        .order_by(Nomination.id)
    )
    out = []
    for n, dept, dept_en, window, window_en, staff, post, by in db.execute(stmt):
        out.append(
            {
                "id": n.id,
                "round_id": n.round_id,
                "department_id": n.department_id,
                "department": dept,
                "department_en": dept_en,
                "service_point_id": n.service_point_id,
                "window": window,
                "window_en": window_en,
                "staff_id": n.staff_id,
                "staff": staff,
                "post": post,
                "reasons": n.reasons,
                "evidence": n.evidence,
                "confirmed": dict(n.confirmed or {}),
                "shortlisted": n.shortlisted,
                "outcome": n.outcome,
                "votes": n.votes,
                "decision_note": n.decision_note,
                "withdrawn": n.withdrawn,
                "nominated_by": by,
                "nominated_at": n.nominated_at,
                "version": n.version,
            }
        )
    return out


def candidate_name(row: dict[str, Any], lang: str) -> str:
    """A nomination's candidate as people say it: 张三（收费处）, 门诊收费窗口, 儿科."""
    dept = (row.get("department_en") or row["department"]) if lang == "en" else row["department"]
    if row.get("staff"):
        return f"{row['staff']} ({dept})" if lang == "en" else f"{row['staff']}（{dept}）"
    if row.get("window"):
        window = (row.get("window_en") or row["window"]) if lang == "en" else row["window"]
        return f"{window} ({dept})" if lang == "en" else f"{window}（{dept}）"
    return str(dept)


@versioned
def nominations(round_id: int) -> list[dict[str, Any]]:
    """The round's nominations with every criterion judged (``checks``, ``passes``)."""
    with Session(get_engine()) as s:
        r = s.get(SelectionRound, round_id)
        if r is None:
            return []
        rows = _nomination_rows(s, Nomination.round_id == round_id)
        for row in rows:
            found = facts_in(s, r.campaign_id, row["department_id"], r.first_month, r.last_month)
            checks = rules.evaluate(r.criteria or [], found, row["confirmed"])
            row["checks"] = checks
            row["passes"] = rules.passes(checks)
        return rows


@versioned
def objections(round_id: int) -> list[dict[str, Any]]:
    with Session(get_engine()) as s:
        rows = s.execute(
            select(Objection, User.display_name)
            .outerjoin(User, User.id == Objection.lodged_by_id)
            .where(Objection.round_id == round_id)
            .order_by(Objection.id)
        ).all()
        return [
            {
                "id": o.id,
                "nomination_id": o.nomination_id,
                "text": o.text,
                "lodged_by": who,
                "lodged_at": o.lodged_at,
                "answer": o.answer,
                "upheld": o.upheld,
                "answered_at": o.answered_at,
                "version": o.version,
            }
            for o, who in rows
        ]


@versioned
def honours(campaign_id: int | None = None) -> list[dict[str, Any]]:
    """Winners of final rounds (the 光荣榜), newest period first: round, candidate,
    department, reasons. Only final rounds: a result under 公示 is not yet a result."""
    with Session(get_engine()) as s:
        where = [SelectionRound.state == "final"]
        if campaign_id is not None:
            where.append(SelectionRound.campaign_id == campaign_id)
        found = s.scalars(
            select(SelectionRound)
            .where(*where)
            .order_by(SelectionRound.last_month.desc(), SelectionRound.id.desc())
        ).all()
        out: list[dict[str, Any]] = []
        for r in found:
            winners = [
                w for w in _nomination_rows(s, Nomination.round_id == r.id) if w["outcome"] == "won"
            ]
            campaign = s.get(Campaign, r.campaign_id)
            out.append(
                {
                    **_round_dict(r),
                    "campaign": campaign.name if campaign else "",
                    "campaign_en": campaign.name_en if campaign else None,
                    "winners": winners,
                }
            )
        return out


@versioned
def staff_table(department_id: int | None = None) -> list[dict[str, Any]]:
    with Session(get_engine()) as s:
        stmt = (
            select(Staff, Department.code, Department.name, ServicePoint.name)
            .join(Department, Department.id == Staff.department_id)
            .outerjoin(ServicePoint, ServicePoint.id == Staff.service_point_id)
            .where(*of_department(Staff.department_id, department_id))
            .order_by(Department.sort_order, Department.code, Staff.name, Staff.id)
        )
        return [
            {
                "id": p.id,
                "name": p.name,
                "department_id": p.department_id,
                "department_code": code,
                "department": dname,
                "post": p.post,
                "is_window": p.is_window,
                "window": wname,
                "staff_no": p.staff_no,
                "active": p.active,
                "version": p.version,
            }
            for p, code, dname, wname in s.execute(stmt)
        ]


@versioned
def service_points(department_id: int | None = None) -> list[dict[str, Any]]:
    with Session(get_engine()) as s:
        stmt = (
            select(ServicePoint, Department.code, Department.name)
            .join(Department, Department.id == ServicePoint.department_id)
            .where(*of_department(ServicePoint.department_id, department_id))
            .order_by(Department.sort_order, Department.code, ServicePoint.name)
        )
        return [
            {
                "id": w.id,
                "name": w.name,
                "name_en": w.name_en,
                "department_id": w.department_id,
                "department_code": code,
                "department": dname,
                "active": w.active,
                "version": w.version,
            }
            for w, code, dname in s.execute(stmt)
        ]


def notice_today(info: dict[str, Any], today: dt.date) -> bool:
    """The round's 公示 is running today."""
    start, end = info.get("notice_start"), info.get("notice_end")
    return (
        info["state"] == "notice"
        and start is not None
        and end is not None
        and start <= today <= end
    )

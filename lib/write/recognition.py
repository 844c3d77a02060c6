"""Recognition (issue 20, seed 001): staff and windows, selection rounds, nominations,
shortlist, the leaders' decision, the 公示 with its objections, the final result.

Every step checks permission, validates before writing, writes one audit row with
before and after, and refuses any change to a final round (its result is audited and
stands). The round moves nominating → shortlisting → deciding → notice → final.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.domain import recognition as rules
from lib.domain.clock import local_today
from lib.domain.permissions import Actor
from lib.models import (
    RECOGNITION_KINDS,
    ROUND_PERIODS,
    Campaign,
    Department,
    Nomination,
    Objection,
    SelectionRound,
    ServicePoint,
    Staff,
    utcnow,
)
from lib.read.recognition import facts_in, prior_winners_in
from lib.write.base import (
    MAX_REASON,
    MAX_TEXT,
    ServiceError,
    audit,
    clean_text,
    conflict,
    flush_or_conflict,
    get_or_refuse,
    plain_dict,
    require,
    require_department,
)


def _snap(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return plain_dict({f: getattr(record, f) for f in fields})


STAFF_FIELDS = (
    "name",
    "department_id",
    "post",
    "is_window",
    "service_point_id",
    "staff_no",
    "active",
)
POINT_FIELDS = ("name", "name_en", "department_id", "active")
ROUND_FIELDS = (
    "title",
    "kind",
    "period_kind",
    "period_key",
    "quota",
    "criteria",
    "nomination_deadline",
    "notice_start",
    "notice_end",
    "state",
)
NOMINATION_FIELDS = (
    "round_id",
    "department_id",
    "service_point_id",
    "staff_id",
    "reasons",
    "evidence",
    "confirmed",
    "shortlisted",
    "outcome",
    "votes",
    "decision_note",
)
OBJECTION_FIELDS = ("nomination_id", "text", "answer", "upheld")


def _department(session: Session, department_id: int) -> Department:
    dept = session.get(Department, department_id)
    if dept is None or not dept.active:
        raise ServiceError("error.department_unknown", code=department_id)
    return dept


def _check_version(session: Session, record: Any, entity: str, expected: int | None) -> None:
    if expected is not None and record.version != expected:
        raise conflict(session, entity, record.id)


def _create_or_change(
    session: Session,
    actor: Actor,
    model: Any,
    entity: str,
    fields: tuple[str, ...],
    values: dict[str, Any],
    record_id: int | None,
    expected_version: int | None,
) -> Any:
    """Create a ``model`` row from ``values`` (no id) or change the one with ``record_id``
    (version checked); one audit row ``save_<entity>`` with before and after."""
    if record_id is None:
        record = model(**values)
        session.add(record)
        before = None
    else:
        record = get_or_refuse(session, model, record_id, "error.recog_unknown")
        _check_version(session, record, entity, expected_version)
        before = _snap(record, fields)
        for k, v in values.items():
            setattr(record, k, v)
    flush_or_conflict(session, entity, lambda: record_id)
    audit(
        session,
        actor,
        f"save_{entity}",
        entity,
        record.id,
        before=before,
        after=_snap(record, fields),
        department_id=values["department_id"],
    )
    return record


# --- staff and windows ---------------------------------------------------------------------


def save_service_point(
    *,
    actor: Actor,
    session: Session,
    department_id: int,
    name: str,
    name_en: str | None = None,
    active: bool = True,
    point_id: int | None = None,
    expected_version: int | None = None,
) -> ServicePoint:
    """Create or change a window / team (窗口 / 班组) of a department."""
    require(actor, "recognition.manage")
    _department(session, department_id)
    text = clean_text(name, 200)
    if not text:
        raise ServiceError("error.recog_name_required")
    same = session.scalar(
        select(ServicePoint).where(
            ServicePoint.department_id == department_id, ServicePoint.name == text
        )
    )
    if same is not None and same.id != point_id:
        raise ServiceError("error.recog_window_duplicate", name=text)
    values = {
        "name": text,
        "name_en": clean_text(name_en, 200),
        "department_id": department_id,
        "active": bool(active),
    }
    point: ServicePoint = _create_or_change(
        session,
        actor,
        ServicePoint,
        "service_point",
        POINT_FIELDS,
        values,
        point_id,
        expected_version,
    )
    return point


def save_staff(
    *,
    actor: Actor,
    session: Session,
    department_id: int,
    name: str,
    post: str | None = None,
    is_window: bool = False,
    service_point_id: int | None = None,
    staff_no: str | None = None,
    active: bool = True,
    staff_id: int | None = None,
    expected_version: int | None = None,
) -> Staff:
    """Create or change a staff record (name, department, post, window or not, an
    optional staff number; nothing more personal)."""
    require(actor, "recognition.manage")
    _department(session, department_id)
    text = clean_text(name, 100)
    if not text:
        raise ServiceError("error.recog_name_required")
    number = clean_text(staff_no, 40)
    if number is not None:
        same = session.scalar(select(Staff).where(Staff.staff_no == number))
        if same is not None and same.id != staff_id:
            raise ServiceError("error.recog_staff_no_duplicate", number=number)
    if service_point_id is not None:
        point = session.get(ServicePoint, service_point_id)
        if point is None or point.department_id != department_id:
            raise ServiceError("error.recog_window_other_department")
    values = {
        "name": text,
        "department_id": department_id,
        "post": clean_text(post, 100),
        "is_window": bool(is_window or service_point_id is not None),
        "service_point_id": service_point_id,
        "staff_no": number,
        "active": bool(active),
    }
    person: Staff = _create_or_change(
        session, actor, Staff, "staff", STAFF_FIELDS, values, staff_id, expected_version
    )
    return person


# --- rounds ----------------------------------------------------------------------------------


def _round(session: Session, round_id: int, *, lock: bool = True) -> SelectionRound:
    stmt = select(SelectionRound).where(SelectionRound.id == round_id)
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise ServiceError("error.recog_unknown")
    if found.state == "final":
        raise ServiceError("error.recog_round_final")
    return found


def _round_in(
    session: Session, round_id: int, state: str, expected_version: int | None
) -> SelectionRound:
    """The round (locked), refused unless in ``state`` and at the version the caller saw."""
    r = _round(session, round_id)
    _require_state(r, state)
    _check_version(session, r, "selection_round", expected_version)
    return r


def _require_state(r: SelectionRound, *states: str) -> None:
    if r.state not in states:
        raise ServiceError("error.recog_wrong_state")


def _advance(
    session: Session, actor: Actor, action: str, r: SelectionRound, **changes: Any
) -> SelectionRound:
    """Move a round on (its ``state`` and any other field in ``changes``), audited as
    ``action`` with before and after."""
    before = _snap(r, ROUND_FIELDS)
    for k, v in changes.items():
        setattr(r, k, v)
    flush_or_conflict(session, "selection_round", lambda: r.id)
    _audit_round(session, actor, action, r, before)
    return r


def _audit_round(
    session: Session, actor: Actor, action: str, r: SelectionRound, before: dict[str, Any] | None
) -> None:
    audit(
        session,
        actor,
        action,
        "selection_round",
        r.id,
        before=before,
        after=_snap(r, ROUND_FIELDS),
        campaign_id=r.campaign_id,
    )


def create_round(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    title: str,
    kind: str,
    period_kind: str,
    period_key: str,
    quota: int,
    nomination_deadline: dt.date,
    criteria: list[dict[str, Any]] | None = None,
    reward: str | None = None,
) -> SelectionRound:
    """Open a selection round of a campaign for nominations."""
    require(actor, "recognition.manage")
    if session.get(Campaign, campaign_id) is None:
        raise ServiceError("error.campaign_unknown")
    text = clean_text(title, 300)
    if not text:
        raise ServiceError("error.recog_name_required")
    if kind not in RECOGNITION_KINDS or period_kind not in ROUND_PERIODS:
        raise ServiceError("error.recog_kind_invalid")
    months = rules.round_months(period_kind, period_key)
    if months is None:
        raise ServiceError("error.recog_period_invalid", period=period_key)
    if not isinstance(quota, int) or isinstance(quota, bool) or not 1 <= quota <= 100:
        raise ServiceError("error.recog_quota_invalid")
    chosen = (
        criteria
        if criteria is not None
        else (rules.SEED001_UNIT_CRITERIA if kind == "unit" else rules.SEED001_PERSON_CRITERIA)
    )
    if (bad := rules.check_criteria(chosen)) is not None:
        raise ServiceError(bad)
    if not isinstance(nomination_deadline, dt.date):
        raise ServiceError("error.date_invalid")
    r = SelectionRound(
        campaign_id=campaign_id,
        title=text,
        kind=kind,
        period_kind=period_kind,
        period_key=period_key,
        first_month=months[0],
        last_month=months[1],
        quota=quota,
        criteria=[dict(c) for c in chosen],
        reward=clean_text(reward, 200),
        nomination_deadline=nomination_deadline,
        state="nominating",
    )
    session.add(r)
    flush_or_conflict(session, "selection_round", lambda: None)
    _audit_round(session, actor, "create_round", r, None)
    return r


# --- nominations -----------------------------------------------------------------------------


def nominate(
    *,
    actor: Actor,
    session: Session,
    round_id: int,
    department_id: int,
    reasons: str,
    evidence: str | None = None,
    staff_id: int | None = None,
    service_point_id: int | None = None,
) -> Nomination:
    """A department nominates a candidate (推荐): itself or one of its windows in a unit
    round, one of its staff in a person round; reasons required; before the deadline.
    An annual round takes only the year's earlier winners."""
    require(actor, "recognition.nominate")
    require_department(actor, department_id)
    r = _round(session, round_id)
    _require_state(r, "nominating")
    if local_today() > r.nomination_deadline:
        raise ServiceError("error.recog_deadline_passed")
    _department(session, department_id)
    text = clean_text(reasons)
    if not text:
        raise ServiceError("error.recog_reasons_required")
    if r.kind == "person":
        if staff_id is None or service_point_id is not None:
            raise ServiceError("error.recog_candidate_required")
        person = session.get(Staff, staff_id)
        if person is None or not person.active or person.department_id != department_id:
            raise ServiceError("error.recog_candidate_other_department")
    else:
        if staff_id is not None:
            raise ServiceError("error.recog_candidate_required")
        if service_point_id is not None:
            point = session.get(ServicePoint, service_point_id)
            if point is None or not point.active or point.department_id != department_id:
                raise ServiceError("error.recog_candidate_other_department")
    candidate = (department_id, service_point_id, staff_id)
    same = session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.round_id == round_id,
            Nomination.department_id == department_id,
            Nomination.service_point_id.is_(None)
            if service_point_id is None
            else Nomination.service_point_id == service_point_id,
            Nomination.staff_id.is_(None) if staff_id is None else Nomination.staff_id == staff_id,
        )
    )
    if same:
        raise ServiceError("error.recog_already_nominated")
    if r.period_kind == "year":
        winners = prior_winners_in(session, r.campaign_id, r.kind, r.first_month, r.last_month)
        if candidate not in winners:
            raise ServiceError("error.recog_annual_needs_winner")
    n = Nomination(
        round_id=round_id,
        department_id=department_id,
        service_point_id=service_point_id,
        staff_id=staff_id,
        reasons=text,
        evidence=clean_text(evidence),
        confirmed={},
        nominated_by_id=actor.user_id,
    )
    session.add(n)
    flush_or_conflict(session, "nomination", lambda: None)
    audit(
        session,
        actor,
        "nominate",
        "nomination",
        n.id,
        after=_snap(n, NOMINATION_FIELDS),
        campaign_id=r.campaign_id,
        department_id=department_id,
    )
    return n


def _nomination(session: Session, nomination_id: int) -> tuple[Nomination, SelectionRound]:
    n = session.scalar(select(Nomination).where(Nomination.id == nomination_id).with_for_update())
    if n is None:
        raise ServiceError("error.recog_unknown")
    return n, _round(session, n.round_id)


def _audit_nomination(
    session: Session,
    actor: Actor,
    action: str,
    n: Nomination,
    r: SelectionRound,
    before: dict[str, Any] | None,
) -> None:
    audit(
        session,
        actor,
        action,
        "nomination",
        n.id,
        before=before,
        after=_snap(n, NOMINATION_FIELDS),
        campaign_id=r.campaign_id,
        department_id=n.department_id,
    )


def confirm_criteria(
    *,
    actor: Actor,
    session: Session,
    nomination_id: int,
    confirmed: dict[str, bool],
    expected_version: int | None = None,
) -> Nomination:
    """The office confirms (or not) the checkbox criteria of a nomination (服务承诺已公开 …)."""
    require(actor, "recognition.manage")
    n, r = _nomination(session, nomination_id)
    _require_state(r, "nominating", "shortlisting")
    _check_version(session, n, "nomination", expected_version)
    allowed = {c["key"] for c in r.criteria if c["key"] in rules.CHECK_RULES}
    if set(confirmed) - allowed:
        raise ServiceError("error.recog_criteria_invalid")
    before = _snap(n, NOMINATION_FIELDS)
    n.confirmed = {k: bool(v) for k, v in {**(n.confirmed or {}), **confirmed}.items()}
    flush_or_conflict(session, "nomination", lambda: nomination_id)
    _audit_nomination(session, actor, "confirm_criteria", n, r, before)
    return n


def close_nominations(
    *, actor: Actor, session: Session, round_id: int, expected_version: int | None = None
) -> SelectionRound:
    """The office closes the nominations and starts checking them."""
    require(actor, "recognition.manage")
    r = _round_in(session, round_id, "nominating", expected_version)
    return _advance(session, actor, "close_nominations", r, state="shortlisting")


def judge(session: Session, r: SelectionRound, n: Nomination) -> list[rules.RuleResult]:
    """A nomination's criteria judged on the data as this transaction sees it."""
    found = facts_in(session, r.campaign_id, n.department_id, r.first_month, r.last_month)
    return rules.evaluate(r.criteria or [], found, n.confirmed or {})


def set_shortlist(
    *, actor: Actor, session: Session, round_id: int, nomination_ids: list[int]
) -> SelectionRound:
    """The office's shortlist (入围) goes to the leaders: only candidates that meet every
    criterion; the round moves on to the decision."""
    require(actor, "recognition.manage")
    r = _round(session, round_id)
    _require_state(r, "shortlisting")
    chosen = set(nomination_ids)
    if not chosen:
        raise ServiceError("error.recog_shortlist_empty")
    rows = {
        n.id: n
        for n in session.scalars(
            select(Nomination).where(Nomination.round_id == round_id).with_for_update()
        )
    }
    if chosen - set(rows):
        raise ServiceError("error.recog_unknown")
    for nid in sorted(chosen):
        failed = [c for c in judge(session, r, rows[nid]) if not c.passed]
        if failed:
            raise ServiceError(
                "error.recog_fails_criteria", rule=ServiceError(f"recog.rule_{failed[0].key}")
            )
    for n in rows.values():
        want = n.id in chosen
        if n.shortlisted != want:
            before = _snap(n, NOMINATION_FIELDS)
            n.shortlisted = want
            session.flush()
            _audit_nomination(session, actor, "shortlist", n, r, before)
    return _advance(session, actor, "submit_shortlist", r, state="deciding")


def record_decision(
    *,
    actor: Actor,
    session: Session,
    nomination_id: int,
    won: bool,
    votes: int | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> Nomination:
    """The leading group's decision on a shortlisted candidate: a vote count or a note."""
    require(actor, "recognition.decide")
    n, r = _nomination(session, nomination_id)
    _require_state(r, "deciding")
    _check_version(session, n, "nomination", expected_version)
    if not n.shortlisted:
        raise ServiceError("error.recog_not_shortlisted")
    text = clean_text(note, MAX_REASON)
    if votes is not None and (not isinstance(votes, int) or isinstance(votes, bool) or votes < 0):
        raise ServiceError("error.recog_votes_invalid")
    if votes is None and not text:
        raise ServiceError("error.recog_decision_basis_required")
    if won and n.outcome != "won":
        others = session.scalar(
            select(func.count(Nomination.id)).where(
                Nomination.round_id == r.id, Nomination.outcome == "won", Nomination.id != n.id
            )
        )
        if int(others or 0) >= r.quota:
            raise ServiceError("error.recog_quota_full", quota=r.quota)
    before = _snap(n, NOMINATION_FIELDS)
    n.outcome = "won" if won else "not_won"
    n.votes = votes
    n.decision_note = text
    flush_or_conflict(session, "nomination", lambda: nomination_id)
    _audit_nomination(session, actor, "decide", n, r, before)
    return n


def start_notice(
    *,
    actor: Actor,
    session: Session,
    round_id: int,
    start: dt.date,
    end: dt.date,
    expected_version: int | None = None,
) -> SelectionRound:
    """Publish the result for 公示 from ``start`` to ``end``: every shortlisted candidate
    decided, at least one winner."""
    require(actor, "recognition.manage")
    r = _round_in(session, round_id, "deciding", expected_version)
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        raise ServiceError("error.recog_notice_dates")
    shortlisted = session.scalars(
        select(Nomination).where(Nomination.round_id == r.id, Nomination.shortlisted.is_(True))
    ).all()
    if any(n.outcome is None for n in shortlisted):
        raise ServiceError("error.recog_undecided")
    if not any(n.outcome == "won" for n in shortlisted):
        raise ServiceError("error.recog_no_winner")
    return _advance(
        session, actor, "start_notice", r, notice_start=start, notice_end=end, state="notice"
    )


def lodge_objection(*, actor: Actor, session: Session, nomination_id: int, text: str) -> Objection:
    """An objection (异议) against a winner while the 公示 runs."""
    require(actor, "recognition.object")
    n, r = _nomination(session, nomination_id)
    _require_state(r, "notice")
    today = local_today()
    if (
        r.notice_start is None
        or r.notice_end is None
        or not r.notice_start <= today <= r.notice_end
    ):
        raise ServiceError("error.recog_notice_not_running")
    if n.outcome != "won":
        raise ServiceError("error.recog_not_winner")
    body = clean_text(text, MAX_TEXT)
    if not body:
        raise ServiceError("error.recog_objection_required")
    o = Objection(round_id=r.id, nomination_id=n.id, text=body, lodged_by_id=actor.user_id)
    session.add(o)
    flush_or_conflict(session, "objection", lambda: None)
    audit(
        session,
        actor,
        "lodge_objection",
        "objection",
        o.id,
        after=_snap(o, OBJECTION_FIELDS),
        campaign_id=r.campaign_id,
        department_id=n.department_id,
    )
    return o


def answer_objection(
    *,
    actor: Actor,
    session: Session,
    objection_id: int,
    answer: str,
    upheld: bool,
    expected_version: int | None = None,
) -> Objection:
    """The office answers an objection; upheld, the winner loses the place."""
    require(actor, "recognition.manage")
    o = session.scalar(select(Objection).where(Objection.id == objection_id).with_for_update())
    if o is None:
        raise ServiceError("error.recog_unknown")
    n, r = _nomination(session, o.nomination_id)
    _require_state(r, "notice")
    _check_version(session, o, "objection", expected_version)
    if o.answer:
        raise ServiceError("error.recog_already_answered")
    body = clean_text(answer, MAX_TEXT)
    if not body:
        raise ServiceError("error.recog_answer_required")
    before = _snap(o, OBJECTION_FIELDS)
    o.answer, o.upheld = body, bool(upheld)
    o.answered_by_id, o.answered_at = actor.user_id, utcnow()
    flush_or_conflict(session, "objection", lambda: objection_id)
    audit(
        session,
        actor,
        "answer_objection",
        "objection",
        o.id,
        before=before,
        after=_snap(o, OBJECTION_FIELDS),
        campaign_id=r.campaign_id,
        department_id=n.department_id,
    )
    if upheld and n.outcome == "won":
        n_before = _snap(n, NOMINATION_FIELDS)
        n.outcome = "not_won"
        n.decision_note = clean_text(f"{n.decision_note or ''}\n{body}".strip(), MAX_REASON)
        flush_or_conflict(session, "nomination", lambda: n.id)
        _audit_nomination(session, actor, "objection_upheld", n, r, n_before)
    return o


def finalise_round(
    *, actor: Actor, session: Session, round_id: int, expected_version: int | None = None
) -> SelectionRound:
    """After the 公示 has ended with every objection answered, the result stands (final,
    audited, no longer changed)."""
    require(actor, "recognition.manage")
    r = _round_in(session, round_id, "notice", expected_version)
    if not rules.notice_over(r.notice_end, local_today()):
        raise ServiceError("error.recog_notice_running")
    open_objections = session.scalar(
        select(func.count(Objection.id)).where(
            Objection.round_id == r.id, Objection.answer.is_(None)
        )
    )
    if open_objections:
        raise ServiceError("error.recog_objections_open", count=int(open_objections))
    return _advance(session, actor, "finalise_round", r, state="final", finalised_at=utcnow())

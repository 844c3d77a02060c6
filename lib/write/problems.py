"""The problem ledger (问题台账): register a problem as a rectification task (挂账), close it
out after verification (销号) or reopen it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from lib.domain.clock import local_today
from lib.domain.periods import period_of
from lib.domain.permissions import Actor
from lib.models import TASK_SOURCES, Assignment, Campaign, Department, Problem, Task, utcnow
from lib.write.base import (
    MAX_REASON,
    ServiceError,
    audit,
    clean_text,
    conflict,
    flush_or_conflict,
    get_or_refuse,
    require,
)

PROBLEM_SOURCES = tuple(s for s in TASK_SOURCES if s != "plan")

_OPEN_PROBLEMS = select(Problem).where(
    Problem.task_id.in_(bindparam("tasks", expanding=True)),
    Problem.state.in_(("open", "reopened")),
)


def _problem_snapshot(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "title": p.title,
        "state": p.state,
        "source": p.source,
        "task_id": p.task_id,
        "verification_note": p.verification_note,
        "closed_period": p.closed_period,
    }


def _check_problem(
    session: Session,
    title: str,
    source: str,
    found_on: dt.date,
    department_ids: list[int],
    measure_text: str | None,
    due_date: dt.date,
) -> None:
    if not title:
        raise ServiceError("error.problem_title_required")
    if len(title) > 500:
        raise ServiceError("error.problem_title_too_long")
    if source not in PROBLEM_SOURCES:
        raise ServiceError("error.problem_source_invalid")
    if not measure_text:
        raise ServiceError("error.problem_measure_required")
    if not department_ids:
        raise ServiceError("error.problem_departments_required")
    if len(set(department_ids)) != len(department_ids):
        raise ServiceError("error.duplicate_items")
    known = set(
        session.scalars(
            select(Department.id).where(
                Department.id.in_(department_ids), Department.active.is_(True)
            )
        )
    )
    if known != set(department_ids):
        raise ServiceError("error.department_unknown", code=sorted(set(department_ids) - known))
    if not isinstance(found_on, dt.date) or not isinstance(due_date, dt.date):
        raise ServiceError("error.date_invalid")
    if due_date < found_on:
        raise ServiceError("error.problem_due_before_found")


def _new_problem_code(session: Session, campaign_id: int) -> str:
    """P01, P02, …: the next number not yet used by a task of the campaign."""
    codes = set(session.scalars(select(Task.code).where(Task.campaign_id == campaign_id)))
    n = int(
        session.scalar(select(func.count(Problem.id)).where(Problem.campaign_id == campaign_id))
        or 0
    )
    code = f"P{n + 1:02d}"
    while code in codes:
        n += 1
        code = f"P{n + 1:02d}"
    return code


def register_problem(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    title: str,
    source: str,
    found_on: dt.date,
    department_ids: list[int],
    measure: str,
    due_date: dt.date,
    description: str | None = None,
) -> Problem:
    """挂账: register a problem and turn it into a rectification task assigned to the
    departments (the first is the lead), with a measure and a deadline."""
    require(actor, "problem.manage")
    get_or_refuse(session, Campaign, campaign_id, "error.campaign_unknown")
    title = (title or "").strip()
    measure_text = clean_text(measure)
    _check_problem(session, title, source, found_on, department_ids, measure_text, due_date)
    code = _new_problem_code(session, campaign_id)
    seq = int(
        session.scalar(select(func.max(Task.seq)).where(Task.campaign_id == campaign_id)) or 0
    )
    task = Task(
        campaign_id=campaign_id,
        area_id=None,
        seq=seq + 1,
        code=code,
        title=title,
        description=measure_text,
        start_date=found_on,
        due_date=due_date,
        weight=1.0,
        source=source,
    )
    session.add(task)
    session.flush()
    for i, dept_id in enumerate(department_ids):
        session.add(Assignment(task_id=task.id, department_id=dept_id, is_lead=i == 0))
    problem = Problem(
        campaign_id=campaign_id,
        code=code,
        title=title,
        description=clean_text(description),
        source=source,
        found_on=found_on,
        found_period=period_of(found_on),
        task_id=task.id,
        state="open",
        registered_by_id=actor.user_id,
    )
    session.add(problem)
    flush_or_conflict(session, "problem", lambda: None)
    audit(
        session,
        actor,
        "register_problem",
        "problem",
        problem.id,
        after={
            **_problem_snapshot(problem),
            "measure": measure_text,
            "due_date": due_date.isoformat(),
            "department_ids": department_ids,
        },
        campaign_id=campaign_id,
        department_id=department_ids[0],
    )
    return problem


def verify_problem(
    *,
    actor: Actor,
    session: Session,
    problem_id: int,
    close: bool,
    note: str,
    expected_version: int,
    new_due_date: dt.date | None = None,
) -> Problem:
    """销号 (close out after verification) or reopen a closed problem; a note is required.
    Reopening may set a new deadline for the rectification task."""
    require(actor, "problem.manage")
    problem = session.scalar(select(Problem).where(Problem.id == problem_id).with_for_update())
    if problem is None:
        raise ServiceError("error.problem_unknown")
    if problem.version != expected_version:
        raise conflict(session, "problem", problem.id)
    note_text = clean_text(note, MAX_REASON)
    if not note_text:
        raise ServiceError("error.problem_note_required")
    if close and problem.state == "closed":
        raise ServiceError("error.problem_already_closed")
    if not close and problem.state != "closed":
        raise ServiceError("error.problem_not_closed")
    before = _problem_snapshot(problem)
    if close:
        problem.state = "closed"
        problem.verified_by_id = actor.user_id
        problem.verified_at = utcnow()
        problem.closed_period = period_of(local_today())
    else:
        problem.state = "reopened"
        problem.verified_at = None
        problem.closed_period = None
        if new_due_date is not None and problem.task_id is not None:
            task = session.get(Task, problem.task_id)
            if task is not None:
                if task.start_date and new_due_date < task.start_date:
                    raise ServiceError("error.problem_due_before_found")
                task.due_date = new_due_date
    problem.verification_note = note_text
    flush_or_conflict(session, "problem", lambda: problem_id)
    audit(
        session,
        actor,
        "close_problem" if close else "reopen_problem",
        "problem",
        problem.id,
        before=before,
        after=_problem_snapshot(problem),
        campaign_id=problem.campaign_id,
    )
    return problem


def mark_problems_rectifying(session: Session, actor: Actor, task_ids: list[int]) -> None:
    """A submitted report on a problem's task moves an open problem to rectifying."""
    problems = session.scalars(_OPEN_PROBLEMS, {"tasks": task_ids}).all()
    for problem in problems:
        before = {"state": problem.state}
        problem.state = "rectifying"
        session.flush()
        audit(
            session,
            actor,
            "problem_rectifying",
            "problem",
            problem.id,
            before=before,
            after={"state": problem.state},
            campaign_id=problem.campaign_id,
        )

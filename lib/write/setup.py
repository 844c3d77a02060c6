"""Campaign setup (issue 6): departments and the task table.

The task table is checked by one validator, :func:`check_task_rows`, for the setup page
(:func:`save_tasks`) and the Excel import (:func:`import_tasks`) alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.models import (
    DEPARTMENT_KINDS,
    DIRECTIONS,
    TASK_SETTINGS,
    Assignment,
    Campaign,
    Department,
    Task,
    TaskArea,
)
from lib.write.base import (
    Outcome,
    Refusal,
    ServiceError,
    apply_values,
    audit,
    department_by_code,
    plain_dict,
    refuse_all,
    require,
    row_error,
)

DEPARTMENT_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
TASK_CODE_MAX = 40


def upsert_department(
    *,
    actor: Actor,
    session: Session,
    code: str,
    name: str,
    name_en: str | None = None,
    kind: str = "department",
    parent_code: str | None = None,
    sort_order: int = 0,
    active: bool = True,
) -> tuple[Department, bool]:
    """Create or update a department by code. Returns (department, changed)."""
    require(actor, "campaign.setup")
    code = (code or "").strip()
    if not DEPARTMENT_CODE_RE.match(code):
        raise ServiceError("setup.error_department_code", code=code)
    if not (name or "").strip():
        raise ServiceError("setup.error_name_required")
    if kind not in DEPARTMENT_KINDS:
        raise ServiceError("setup.error_department_kind", kinds=", ".join(DEPARTMENT_KINDS))
    parent = department_by_code(session, parent_code)
    dept = session.scalar(select(Department).where(Department.code == code))
    if parent is not None:
        ancestor: Department | None = parent
        while ancestor is not None:  # no cycles
            if dept is not None and ancestor.id == dept.id:
                raise ServiceError("setup.error_department_cycle", code=code)
            ancestor = ancestor.parent
    values = {
        "name": name.strip()[:200],
        "name_en": (name_en or "").strip()[:200] or None,
        "kind": kind,
        "parent_id": parent.id if parent else None,
        "sort_order": int(sort_order or 0),
        "active": bool(active),
    }
    if dept is None:
        dept = Department(code=code, **values)
        session.add(dept)
        session.flush()
        audit(session, actor, "create", "department", dept.id, after={"code": code, **values})
        return dept, True
    before = apply_values(dept, values)
    if before is None:
        return dept, False
    audit(session, actor, "update", "department", dept.id, before=before, after=values)
    return dept, True


# --- the task table ------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _task_refusals(
    row: Mapping[str, Any], code: str, duplicate: bool, department_codes: Collection[str]
) -> Iterator[tuple[str, ServiceError]]:
    """What is wrong with one row of the task table, as (field, error), in column order."""
    if not code or len(code) > TASK_CODE_MAX:
        yield "code", ServiceError("setup.task_error_code")
    elif duplicate:
        yield "code", ServiceError("setup.task_error_duplicate", code=code)
    if not str(row.get("title") or "").strip():
        yield "title", ServiceError("setup.task_error_title")
    weight = row.get("weight")
    number = _number(weight)
    if weight is not None and (number is None or not 0 <= number <= 100):
        yield "weight", ServiceError("setup.task_error_weight")
    direction = row.get("target_direction")
    if direction and direction not in DIRECTIONS:
        yield "target_direction", ServiceError("error.direction_invalid")
    due = row.get("due_date")
    if due is not None and not isinstance(due, dt.date):
        yield "due_date", ServiceError("setup.task_error_due")
    codes = row.get("departments")
    if codes is not None:
        for c in codes:
            if c not in department_codes:
                yield "departments", ServiceError("error.department_unknown", code=c)
        lead = row.get("lead")
        if lead and lead not in codes:
            yield "lead", ServiceError("setup.task_error_lead", code=lead)


def check_task_rows(
    rows: Sequence[tuple[int, Mapping[str, Any]]], department_codes: Collection[str]
) -> list[Refusal]:
    """Every problem of a campaign's task table (the setup page's or an imported sheet's)
    as refusals naming the row (``ref``) and field. Rows as for :func:`save_tasks`."""
    refusals: list[Refusal] = []
    seen: set[str] = set()
    for ref, row in rows:
        code = str(row.get("code") or "").strip()
        for field, error in _task_refusals(row, code, code in seen, department_codes):
            refusals.append(Refusal(ref, field, error))
        seen.add(code)
    return refusals


def _task_values(row: Mapping[str, Any], area_id: int | None) -> dict[str, Any]:
    return {
        "title": str(row["title"]).strip()[:500],
        "area_id": area_id,
        "due_date": row.get("due_date"),
        "weight": float(row["weight"]) if row.get("weight") is not None else 1.0,
        "target_text": (str(row.get("target_text") or "").strip()[:300] or None),
        "target_value": float(row["target_value"]) if row.get("target_value") is not None else None,
        "target_direction": row.get("target_direction") or None,
        "target_unit": (str(row.get("target_unit") or "").strip()[:20] or None),
        "active": bool(row.get("active", True)),
    }


def _task_snapshot(task: Task) -> dict[str, Any]:
    """A task's fields as its audit rows keep them."""
    return {
        "code": task.code,
        **plain_dict({k: getattr(task, k) for k in ("title", "area_id", *TASK_SETTINGS)}),
    }


def _assignment_snapshot(assignment: Assignment, task: Task) -> dict[str, Any]:
    return {
        "task_id": task.id,
        "task_code": task.code,
        "department_id": assignment.department_id,
        "is_lead": assignment.is_lead,
        "active": assignment.active,
    }


class _TaskTable:
    """A campaign's areas and tasks while its task table is written."""

    def __init__(self, session: Session, campaign_id: int) -> None:
        if session.get(Campaign, campaign_id) is None:
            raise ServiceError("setup.error_campaign_unknown")
        self.session, self.campaign_id = session, campaign_id
        self.departments = {d.code: d for d in session.scalars(select(Department))}
        self.areas = {
            a.title: a
            for a in session.scalars(select(TaskArea).where(TaskArea.campaign_id == campaign_id))
        }
        self.tasks = {
            t.code: t for t in session.scalars(select(Task).where(Task.campaign_id == campaign_id))
        }
        self.next_area_seq = max((a.seq for a in self.areas.values()), default=0)
        self.next_task_seq = max((t.seq for t in self.tasks.values()), default=0)

    def area_id(self, title: str) -> int | None:
        """The area with this title (made when new); None for no title."""
        if not title:
            return None
        if title not in self.areas:
            self.next_area_seq += 1
            area = TaskArea(campaign_id=self.campaign_id, seq=self.next_area_seq, title=title[:300])
            self.session.add(area)
            self.session.flush()
            self.areas[title] = area
        return self.areas[title].id

    def current(self, task: Task) -> tuple[list[str], str | None]:
        """The task's active departments (codes, lead first) and its lead."""
        codes = {d.id: c for c, d in self.departments.items()}
        active = sorted(
            (a for a in task.assignments if a.active), key=lambda a: (not a.is_lead, a.id)
        )
        lead = next((codes[a.department_id] for a in active if a.is_lead), None)
        return [codes[a.department_id] for a in active], lead

    def current_dict(self, task: Task) -> dict[str, Any]:
        codes, lead = self.current(task)
        return {"departments": codes, "lead": lead}

    def assign(self, actor: Actor, task: Task, codes: list[str], lead: str | None) -> bool:
        """Give the task exactly these departments and lead; whether anything changed.

        A department taken off the task keeps its assignment, marked inactive, with
        every report and evidence file (history is append-only); put back, the same
        assignment is active again. One audit row per assignment changed."""
        wanted = {self.departments[c].id: c == lead for c in codes}
        existing = {a.department_id: a for a in task.assignments}
        changes: list[tuple[Assignment, dict[str, Any] | None]] = []
        for dept_id, assignment in existing.items():
            values = (
                {"active": True, "is_lead": wanted[dept_id]}
                if dept_id in wanted
                else {"active": False, "is_lead": assignment.is_lead}
            )
            before = apply_values(assignment, values)
            if before is not None:
                changes.append((assignment, before))
        for dept_id, is_lead in wanted.items():
            if dept_id not in existing:
                assignment = Assignment(
                    task_id=task.id, department_id=dept_id, is_lead=is_lead, active=True
                )
                self.session.add(assignment)
                changes.append((assignment, None))
        if not changes:
            return False
        self.session.flush()
        for assignment, before in changes:
            after = _assignment_snapshot(assignment, task)
            audit(
                self.session,
                actor,
                "create" if before is None else "update",
                "assignment",
                assignment.id,
                before=None if before is None else {**after, **before},
                after=after,
                campaign_id=self.campaign_id,
                department_id=assignment.department_id,
            )
        self.session.refresh(task)
        return True

    def write(self, actor: Actor, row: Mapping[str, Any]) -> Outcome:
        """Create or change one task (and its assignments), with its audit row."""
        code = str(row["code"]).strip()
        values = _task_values(row, self.area_id(str(row.get("area") or "").strip()))
        task = self.tasks.get(code)
        is_new = task is None
        before: dict[str, Any] | None = None
        if task is None:
            self.next_task_seq += 1
            task = Task(campaign_id=self.campaign_id, code=code, seq=self.next_task_seq, **values)
            self.session.add(task)
            self.session.flush()
            self.tasks[code] = task
            changed = True
        else:
            snapshot = _task_snapshot(task)
            old = apply_values(task, values)
            before = {**snapshot, **self.current_dict(task)}
            changed = old is not None
        codes = row.get("departments")
        # no lead given: none (a task of every department, as seed 001's commitments, has
        # no lead department; the setup page proposes the first one itself)
        lead = row.get("lead") or None
        if codes is not None:
            changed = self.assign(actor, task, list(codes), lead) or changed
        if not changed:
            return "unchanged"
        after = {**_task_snapshot(task), **self.current_dict(task)}
        audit(
            self.session,
            actor,
            "create" if is_new else "update",
            "task",
            task.id,
            before=before,
            after=after,
            campaign_id=self.campaign_id,
        )
        return "created" if is_new else "updated"


def save_tasks(
    *, actor: Actor, session: Session, campaign_id: int, rows: list[dict[str, Any]]
) -> int:
    """Upsert the campaign's tasks by code from table rows; all rows are checked first.

    A row: code, title, area (title; created when new), due_date, weight, target_text,
    target_value, target_direction, target_unit, active, departments (codes), lead (code).
    ``departments`` None leaves a task's assignments as they are. Returns rows changed.
    """
    require(actor, "campaign.setup")
    table = _TaskTable(session, campaign_id)
    refusals = check_task_rows(list(enumerate(rows, start=1)), table.departments)
    if refusals:
        raise row_error(refusals[0].ref, refusals[0].error)
    return sum(table.write(actor, row) != "unchanged" for row in rows)


def import_tasks(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    rows: list[tuple[int, dict[str, Any]]],
) -> list[Outcome]:
    """The task table of one campaign from the Excel import, as (ref, row) pairs: the
    rules and writes of :func:`save_tasks`, every refused row in the BulkRefused raised.
    Returns each row's outcome."""
    require(actor, "data.import")
    require(actor, "campaign.setup")
    table = _TaskTable(session, campaign_id)
    refuse_all(check_task_rows(rows, table.departments))
    return [table.write(actor, row) for _ref, row in rows]

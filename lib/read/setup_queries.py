"""Read side of the setup and admin pages (campaigns, departments, tasks, users)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import aliased

from lib.db import get_engine
from lib.models import TASK_SETTINGS, Assignment, Campaign, Department, Task, TaskArea, User
from lib.read.cache import versioned
from lib.read.frames import table


@versioned
def campaigns_table() -> pd.DataFrame:
    """Every campaign, archived ones included."""
    stmt = select(
        Campaign.id,
        Campaign.name,
        Campaign.name_en,
        Campaign.start_date,
        Campaign.end_date,
        Campaign.archived,
    ).order_by(Campaign.archived, Campaign.start_date.desc(), Campaign.id)
    return table(stmt)


@versioned
def departments_table() -> pd.DataFrame:
    """Departments in tree order with their depth and parent code."""
    parent = aliased(Department)
    stmt = select(
        Department.id,
        Department.code,
        Department.name,
        Department.name_en,
        Department.kind,
        Department.parent_id,
        parent.code.label("parent_code"),
        Department.sort_order,
        Department.active,
    ).outerjoin(parent, parent.id == Department.parent_id)
    with get_engine().connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings().all()]
    children: dict[int | None, list[dict[str, Any]]] = {}
    ids = {r["id"] for r in rows}
    for r in rows:
        key = r["parent_id"] if r["parent_id"] in ids else None
        children.setdefault(key, []).append(r)
    ordered: list[dict[str, Any]] = []
    stack: list[tuple[dict[str, Any], int]] = [
        (r, 0)
        for r in sorted(
            children.get(None, []), key=lambda r: (r["sort_order"], r["code"]), reverse=True
        )
    ]
    seen: set[int] = set()
    while stack:
        row, depth = stack.pop()
        if row["id"] in seen:
            continue
        seen.add(row["id"])
        ordered.append({**row, "depth": depth})
        kids = sorted(
            children.get(row["id"], []), key=lambda r: (r["sort_order"], r["code"]), reverse=True
        )
        stack.extend((k, depth + 1) for k in kids)
    columns = [
        "id",
        "code",
        "name",
        "name_en",
        "kind",
        "parent_id",
        "parent_code",
        "sort_order",
        "active",
        "depth",
    ]
    return pd.DataFrame(ordered, columns=columns)


@versioned
def tasks_table(campaign_id: int) -> pd.DataFrame:
    """The campaign's tasks with area, target, weight, departments (codes) and lead."""
    with get_engine().connect() as conn:
        tasks = (
            conn.execute(
                select(
                    Task.id,
                    Task.code,
                    TaskArea.title.label("area"),
                    Task.title,
                    Task.due_date,
                    Task.weight,
                    Task.target_text,
                    Task.target_value,
                    Task.target_direction,
                    Task.target_unit,
                    Task.active,
                )
                .outerjoin(TaskArea, TaskArea.id == Task.area_id)
                .where(Task.campaign_id == campaign_id)
                .order_by(Task.seq, Task.id)
            )
            .mappings()
            .all()
        )
        links = conn.execute(
            select(Assignment.task_id, Department.code, Assignment.is_lead)
            .join(Department, Department.id == Assignment.department_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.campaign_id == campaign_id, Assignment.active.is_(True))
            .order_by(Department.sort_order, Department.code)
        ).all()
    depts: dict[int, list[str]] = {}
    lead: dict[int, str] = {}
    for task_id, code, is_lead in links:
        depts.setdefault(task_id, []).append(code)
        if is_lead:
            lead[task_id] = code
    rows = []
    for t in tasks:
        codes = depts.get(t["id"], [])
        if t["id"] in lead:  # lead first
            codes = [lead[t["id"]], *[c for c in codes if c != lead[t["id"]]]]
        rows.append({**dict(t), "departments": "、".join(codes), "lead": lead.get(t["id"], "")})
    columns = [
        "id",
        "code",
        "area",
        "title",
        *TASK_SETTINGS,
        "departments",
        "lead",
    ]
    return pd.DataFrame(rows, columns=columns)


@versioned
def users_table() -> pd.DataFrame:
    """Logins without any secret: username, name, roles, department, state."""
    stmt = (
        select(
            User.username,
            User.display_name,
            User.roles,
            Department.code.label("department_code"),
            Department.name.label("department"),
            User.active,
            User.locked_until,
            User.last_login_at,
            User.must_change_password,
        )
        .outerjoin(Department, Department.id == User.department_id)
        .order_by(User.username)
    )
    return table(stmt)


@versioned
def department_choices(active_only: bool = True) -> dict[str, str]:
    """code -> name, in sort order."""
    stmt = select(Department.code, Department.name).order_by(Department.sort_order, Department.code)
    if active_only:
        stmt = stmt.where(Department.active.is_(True))
    with get_engine().connect() as conn:
        return {code: name for code, name in conn.execute(stmt).all()}

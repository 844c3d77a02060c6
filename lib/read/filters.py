"""Conditions several reads share, so that every page counts the same rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from lib.models import Assignment, Department, Indicator, MonthlyUpdate, Problem, Task


def live_assignment(campaign_id: int, *, department: bool = True) -> tuple[Any, ...]:
    """WHERE conditions for the campaign's assignments that count: the task and the
    assignment active and, unless ``department=False`` (the query does not join
    Department), the department too. Use as ``.where(*live_assignment(id), ...)``."""
    conditions: tuple[Any, ...] = (
        Task.campaign_id == campaign_id,
        Task.active.is_(True),
        Assignment.active.is_(True),
    )
    return (*conditions, Department.active.is_(True)) if department else conditions


def of_department(column: Any, department_id: int | None) -> tuple[Any, ...]:
    """WHERE conditions for one department's rows (``column`` is ``department_id``), or
    none for every department's (``department_id`` None). Use as
    ``.where(*of_department(Staff.department_id, department_id))``."""
    return () if department_id is None else (column == department_id,)


def open_problems(campaign_id: int, *columns: Any) -> Select[Any]:
    """SELECT ``columns`` of the campaign's problems not closed, one row per department
    of the problem's task (Problem, Task and Assignment joined), earliest deadline first;
    add ``.where(...)`` to narrow it."""
    return (
        select(*columns)
        .join(Task, Task.id == Problem.task_id)
        .join(Assignment, Assignment.task_id == Task.id)
        .where(Problem.campaign_id == campaign_id, Problem.state != "closed")
        .order_by(Task.due_date, Problem.id)
    )


def reports_of(*columns: Any, department: bool = False) -> Select[Any]:
    """SELECT ``columns`` of monthly reports with each report's assignment and task joined
    (and its department with ``department=True``); add ``.where(...)`` to narrow it, as
    ``reports_of(MonthlyUpdate.id).where(Task.campaign_id == campaign_id)``."""
    stmt = (
        select(*columns)
        .select_from(MonthlyUpdate)
        .join(Assignment, Assignment.id == MonthlyUpdate.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
    )
    return stmt.join(Department, Department.id == Assignment.department_id) if department else stmt


def indicator_labels() -> tuple[Any, ...]:
    """An indicator's columns as pages show it: ``indicator_id``, code, names, group,
    unit, scale and target. Use as ``select(*indicator_labels(), ...)``."""
    return (
        Indicator.id.label("indicator_id"),
        Indicator.code,
        Indicator.name,
        Indicator.name_en,
        Indicator.group,
        Indicator.unit,
        Indicator.scale,
        Indicator.target,
    )


def department_labels() -> tuple[Any, Any]:
    """The department's names as pages show them: ``department`` (Chinese) and
    ``department_en`` (the English display name). Use as ``select(..., *department_labels())``."""
    return Department.name.label("department"), Department.display_en.label("department_en")

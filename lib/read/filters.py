"""Conditions several reads share, so that every page counts the same rows."""

from __future__ import annotations

from typing import Any

from lib.models import Assignment, Department, Task


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

"""Campaign templates (``data/templates/*.json``) and building a campaign from one.

A template keeps the plan's own dates; :func:`create_campaign_from_template` maps them
onto new dates proportionally, so phases and deadlines keep their shape.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.config import DATA_DIR
from lib.domain.scoring import DEFAULT_SETTINGS
from lib.models import (
    Assignment,
    Campaign,
    Department,
    Indicator,
    Phase,
    Task,
    TaskArea,
    TaskIndicator,
)

TEMPLATE_DIR = DATA_DIR / "templates"


def list_templates(directory: Path = TEMPLATE_DIR) -> list[dict[str, Any]]:
    return [load_template(p) for p in sorted(directory.glob("*.json"))]


def load_template(path_or_key: str | Path) -> dict[str, Any]:
    path = Path(path_or_key)
    if not path.suffix:
        matches = [
            p
            for p in TEMPLATE_DIR.glob("*.json")
            if json.loads(p.read_text("utf-8")).get("key") == str(path_or_key)
        ]
        if not matches:
            raise KeyError(f"no template {path_or_key!r}")
        path = matches[0]
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def date_mapper(
    old_start: dt.date, old_end: dt.date, new_start: dt.date, new_end: dt.date
) -> Callable[[dt.date], dt.date]:
    """Map dates of the old span linearly onto the new span (end maps to end)."""
    old_len = max((old_end - old_start).days, 1)
    new_len = (new_end - new_start).days

    def mapped(day: dt.date) -> dt.date:
        frac = (day - old_start).days / old_len
        return new_start + dt.timedelta(days=round(frac * new_len))

    return mapped


def create_campaign_from_template(
    session: Session,
    template: dict[str, Any],
    *,
    start: dt.date,
    end: dt.date,
    organisation: Department | None = None,
    department_by_name: dict[str, Department] | None = None,
) -> Campaign:
    """Insert a campaign with phases, areas, tasks, indicators and assignments.

    Responsible departments are matched by name in ``department_by_name``; unknown
    names are skipped (the office assigns them later). ``"*"`` stands for every active
    department of the organisation (seed 001: "各科室于3月底前…"). A template's
    selection scheme (``"selection"``, seed 001) is kept in the campaign's settings: the
    selection page offers its rounds.
    """
    t_start, t_end = _iso(template["start"]), _iso(template["end"])
    assert t_start and t_end
    remap = date_mapper(t_start, t_end, start, end)
    campaign = Campaign(
        name=template["name"],
        name_en=template.get("name_en"),
        theme=template.get("theme"),
        organiser=(organisation.name if organisation else template.get("organiser")),
        scope=template.get("scope"),
        organisation_id=organisation.id if organisation else None,
        start_date=start,
        end_date=end,
        target_satisfaction=template.get("target_satisfaction"),
        settings=json.loads(json.dumps(DEFAULT_SETTINGS)),
        template_key=template.get("key"),
    )
    if template.get("selection"):
        campaign.settings = {**campaign.settings, "selection": template["selection"]}
    session.add(campaign)
    session.flush()
    _add_phases(session, campaign.id, template.get("phases", []), remap)
    indicators = _add_indicators(session, campaign.id, template.get("indicators", []))
    _add_tasks(
        session,
        campaign.id,
        template.get("areas", []),
        remap,
        indicators,
        department_by_name or {},
        _every_department(session, organisation),
    )
    session.flush()
    return campaign


def _add_phases(
    session: Session,
    campaign_id: int,
    phases: list[dict[str, Any]],
    remap: Callable[[dt.date], dt.date],
) -> None:
    for ph in phases:
        p_start, p_end = _iso(ph["start"]), _iso(ph["end"])
        assert p_start and p_end
        session.add(
            Phase(
                campaign_id=campaign_id,
                seq=ph["seq"],
                name=ph["name"],
                kind=ph["kind"],
                start_date=remap(p_start),
                end_date=remap(p_end),
            )
        )


def _add_indicators(
    session: Session, campaign_id: int, rows: list[dict[str, Any]]
) -> dict[str, Indicator]:
    """The template's indicators by code."""
    indicators: dict[str, Indicator] = {}
    for seq, ind in enumerate(rows, start=1):
        row = Indicator(
            campaign_id=campaign_id,
            code=ind["code"],
            name=ind["name"],
            name_en=ind.get("name_en"),
            group=ind.get("group", "patient"),
            unit=ind.get("unit"),
            scale=ind.get("scale"),
            min_value=ind.get("min"),
            max_value=ind.get("max"),
            target=ind.get("target"),
            direction=ind.get("direction", "higher"),
            is_composite=(ind.get("scale") or 0) >= 1000,
            seq=seq,
        )
        session.add(row)
        indicators[ind["code"]] = row
    session.flush()
    return indicators


def _add_tasks(
    session: Session,
    campaign_id: int,
    areas: list[dict[str, Any]],
    remap: Callable[[dt.date], dt.date],
    indicators: dict[str, Indicator],
    depts: dict[str, Department],
    every: list[Department] | None = None,
) -> None:
    """Areas, their tasks, the tasks' indicators and the assignments of known departments
    (unknown names are skipped: the office assigns them later)."""
    task_seq = 0
    for area in areas:
        area_row = TaskArea(
            campaign_id=campaign_id, seq=area["seq"], code=area.get("code"), title=area["title"]
        )
        session.add(area_row)
        session.flush()
        for tk in area.get("tasks", []):
            task_seq += 1
            due = _iso(tk.get("due"))
            task = Task(
                campaign_id=campaign_id,
                area_id=area_row.id,
                seq=task_seq,
                code=tk["code"],
                title=tk["title"],
                description=tk.get("description"),
                target_text=tk.get("target_text"),
                target_value=tk.get("target_value"),
                target_direction=tk.get("target_direction"),
                target_unit=tk.get("target_unit"),
                due_date=remap(due) if due else None,
                weight=float(tk.get("weight") or 1.0),
                source=tk.get("source") or "plan",
            )
            session.add(task)
            session.flush()
            for code in tk.get("indicators", []):
                if code in indicators:
                    session.add(TaskIndicator(task_id=task.id, indicator_id=indicators[code].id))
            lead = tk.get("lead")
            names = tk.get("departments", [])
            if names == ["*"]:  # every department of the organisation
                for each in every or []:
                    session.add(Assignment(task_id=task.id, department_id=each.id))
                continue
            for name in names:
                dept = depts.get(name)
                if dept is not None:
                    session.add(
                        Assignment(task_id=task.id, department_id=dept.id, is_lead=name == lead)
                    )


def _every_department(session: Session, organisation: Department | None) -> list[Department]:
    """The active departments of the organisation (without one: every active department
    of kind "department")."""
    stmt = select(Department).where(Department.active.is_(True))
    if organisation is not None:
        stmt = stmt.where(Department.parent_id == organisation.id)
    else:
        stmt = stmt.where(Department.kind == "department")
    return list(session.scalars(stmt.order_by(Department.sort_order, Department.code)))


def departments_by_name(session: Session) -> dict[str, Department]:
    return {d.name: d for d in session.scalars(select(Department))}

"""The draft under review: problems that stop it becoming a campaign, the review table
the office edits (and the draft rebuilt from it), the template dict a campaign is
created from."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from lib.domain.plan.draft import PlanArea, PlanDraft, PlanPhase, PlanTarget, PlanTask
from lib.domain.plan.outline import phase_kind
from lib.domain.plan.tasks import find_target
from lib.domain.plan.text import shadow


def draft_problems(draft: PlanDraft) -> list[tuple[str, dict[str, Any]]]:
    """Every problem that stops a draft from becoming a campaign (i18n key, params)."""
    problems: list[tuple[str, dict[str, Any]]] = []
    if not (draft.title or "").strip():
        problems.append(("setup.error_name_required", {}))
    for i, ph in enumerate(draft.phases, start=1):
        # a phase the plan gives no dates for is not given any: the office enters them
        if not ph.name.strip() or ph.start is None or ph.end is None:
            problems.append(("setup.error_phase_incomplete", {"row": i}))
        if ph.start and ph.end and ph.end < ph.start:
            problems.append(("setup.error_phase_dates", {"row": i}))
    seen: set[str] = set()
    row = 0
    for area in draft.areas:
        for task in area.tasks:
            row += 1
            code = task.code.strip()
            if not code or len(code) > 40:
                problems.append(("setup.error_task_code", {"row": row}))
            elif code in seen:
                problems.append(("setup.error_task_duplicate", {"row": row, "code": code}))
            seen.add(code)
            if not task.title.strip():
                problems.append(("setup.error_task_title", {"row": row}))
    if row == 0:
        problems.append(("setup.error_no_tasks", {}))
    return problems


def plan_warnings(
    draft: PlanDraft, start: dt.date | None = None, end: dt.date | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """What the office should check before saving (i18n key, params), in reading order:
    years written 20xx or not at all, no tasks, phases without dates, phases outside the
    campaign's dates (``start``/``end`` as the office chose them), titles cut, deadlines
    before the campaign's start (else the first phase's), dates in several years, no
    campaign period stated. None of these stops the import by itself; dates the plan does
    not state stay empty until entered."""
    warnings = list(draft.notes)
    tasks = draft.tasks
    if not tasks:
        warnings.append(("plan.warn_no_tasks", {}))
    for row, ph in enumerate(draft.phases, start=1):
        if ph.start is None or ph.end is None:
            warnings.append(("plan.warn_phase_undated", {"row": row, "name": ph.name}))
    for task in tasks:
        if task.title_cut:
            warnings.append(("plan.warn_title_cut", {"code": task.code, "title": task.title}))
    for row, ph in enumerate(draft.phases, start=1):
        if (start and ph.start and ph.start < start) or (end and ph.end and ph.end > end):
            warnings.append(("plan.warn_phase_outside", {"row": row, "name": ph.name}))
    if start is None:
        starts = [p.start for p in draft.phases if p.start]
        start = min(starts) if starts else None
    if start is not None:
        for task in tasks:
            if task.due and task.due < start:
                warnings.append(
                    (
                        "plan.warn_due_before_start",
                        {
                            "code": task.code,
                            "due": task.due.isoformat(),
                            "start": start.isoformat(),
                        },
                    )
                )
    dates = [d for p in draft.phases for d in (p.start, p.end) if d] + [
        t.due for t in tasks if t.due
    ]
    years: dict[int, int] = {}
    for day in dates:
        years[day.year] = years.get(day.year, 0) + 1
    if len(years) > 1:
        listed = " / ".join(f"{y}: {n}" for y, n in sorted(years.items()))
        warnings.append(("plan.warn_mixed_years", {"years": listed}))
    stated_start, stated_end = draft.stated_span()
    if tasks and (stated_start is None or stated_end is None):
        warnings.append(("plan.warn_no_span", {}))
    return warnings


def draft_to_template(draft: PlanDraft, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The draft as a template dict on its own dates (see lib.io.templates)."""
    phases = []
    prev_end = start - dt.timedelta(days=1)
    for seq, ph in enumerate(draft.phases, start=1):
        p_start = ph.start or prev_end + dt.timedelta(days=1)
        p_end = ph.end or max(p_start, end)
        p_start, p_end = max(min(p_start, end), start), max(min(p_end, end), start)
        phases.append(
            {
                "seq": seq,
                "name": ph.name[:200],
                "kind": ph.kind,
                "start": p_start.isoformat(),
                "end": max(p_end, p_start).isoformat(),
            }
        )
        prev_end = max(p_end, p_start)
    areas = []
    for seq, area in enumerate(draft.areas, start=1):
        tasks = []
        for task in area.tasks:
            target = task.target
            tasks.append(
                {
                    "code": task.code,
                    "title": task.title[:500],
                    "description": task.description or None,
                    "target_text": target.text if target else None,
                    "target_value": target.value if target else None,
                    "target_direction": target.direction if target else None,
                    "target_unit": target.unit if target else None,
                    "due": task.due.isoformat() if task.due else None,
                    "departments": list(task.departments),
                    "lead": task.lead,
                }
            )
        areas.append({"seq": seq, "code": area.code, "title": area.title[:300], "tasks": tasks})
    return {
        "name": (draft.title or "")[:300],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "phases": phases,
        "areas": areas,
    }


def task_rows(draft: PlanDraft) -> list[dict[str, Any]]:
    """One row per task for the review table."""
    return [
        {
            "area": area.title,
            "code": task.code,
            "title": task.title,
            "due": task.due,
            "departments": "、".join(task.departments),
            "target": task.target.text if task.target else "",
        }
        for area in draft.areas
        for task in area.tasks
    ]


def phase_rows(draft: PlanDraft) -> list[dict[str, Any]]:
    return [{"name": p.name, "start": p.start, "end": p.end} for p in draft.phases]


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp.date()
    except (ValueError, TypeError):
        return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if not isinstance(value, str) and pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def draft_from_rows(
    title: str, phases: list[dict[str, Any]], tasks: list[dict[str, Any]], original: PlanDraft
) -> PlanDraft:
    """Rebuild a draft from the edited review table (keeps descriptions by code)."""
    by_code = {t.code: t for t in original.tasks}
    new_phases = []
    for row in phases:
        name = _text(row.get("name"))
        if not name and row.get("start") is None and row.get("end") is None:
            continue
        new_phases.append(
            PlanPhase(
                name=name,
                start=_as_date(row.get("start")),
                end=_as_date(row.get("end")),
                kind=phase_kind(shadow(name)),
            )
        )
    areas: dict[str, PlanArea] = {}
    for row in tasks:
        code, task_title = _text(row.get("code")), _text(row.get("title"))
        if not code and not task_title:
            continue
        area_title = _text(row.get("area")) or (title or "")
        area = areas.setdefault(area_title, PlanArea(title=area_title))
        old = by_code.get(code)
        target_text = _text(row.get("target"))
        target = None
        if target_text:
            target = find_target(target_text) or PlanTarget(target_text, 0.0, "higher", "")
            target.text = target_text
            if target.value == 0.0 and old and old.target and old.target.text == target_text:
                target = old.target
        departments = [d for d in re.split(r"[、，,；;\s]+", _text(row.get("departments"))) if d]
        area.tasks.append(
            PlanTask(
                code=code,
                title=task_title,
                description=old.description if old else task_title,
                due=_as_date(row.get("due")),
                departments=departments,
                target=target,
                title_cut=bool(old and old.title_cut and old.title == task_title),
            )
        )
    return PlanDraft(
        title=title.strip() or None,
        phases=new_phases,
        areas=list(areas.values()),
        document_date=original.document_date,
        notes=list(original.notes),
    )

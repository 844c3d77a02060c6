"""Excel export: a campaign (or every campaign) as one workbook, a sheet per table.

Same sheets and headers as the import (``lib.io.excel_import.SHEETS``), so an exported file
imports back unchanged. Header row frozen, widths fitted, dates stored as dates; text
cells that a spreadsheet would run as formulas are stored as plain text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lib.io.excel_import import SHEETS
from lib.io.safe_cells import FORMULA_PREFIXES
from lib.models import (
    Assignment,
    Campaign,
    Department,
    Indicator,
    IndicatorValue,
    MonthlyUpdate,
    PeerBenchmark,
    Phase,
    Task,
    TaskArea,
    User,
)
from lib.read.filters import reports_of


@dataclass(frozen=True)
class _Scope:
    """What every sheet's rows are read for: the campaigns exported, their names and the
    department codes (rows name campaigns and departments, never ids)."""

    session: Session
    ids: list[int]
    name_of: dict[int, str]  # campaign name by id
    code_of: dict[int, str]  # department code by id


def _rows(session: Session, campaign_id: int | None) -> dict[str, list[dict[str, Any]]]:
    """The rows of every sheet, keyed by ``Sheet.key``."""
    camp_q = select(Campaign).order_by(Campaign.name, Campaign.id)
    if campaign_id is not None:
        camp_q = camp_q.where(Campaign.id == campaign_id)
    campaigns = list(session.scalars(camp_q))
    depts = list(session.scalars(select(Department).order_by(Department.code)))
    scope = _Scope(
        session,
        ids=[c.id for c in campaigns],
        name_of={c.id: c.name for c in campaigns},
        code_of={d.id: d.code for d in depts},
    )
    indicators, values = _indicator_rows(scope)
    return {
        "campaigns": _campaign_rows(campaigns),
        "phases": _phase_rows(scope),
        "departments": _department_rows(depts, scope.code_of),
        "tasks": _task_rows(scope),
        "users": _user_rows(session),
        "indicators": indicators,
        "indicator_values": values,
        "monthly_updates": _update_rows(scope),
        "benchmarks": _benchmark_rows(scope),
    }


def _campaign_rows(campaigns: list[Campaign]) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "name_en": c.name_en,
            "theme": c.theme,
            "organiser": c.organiser,
            "start_date": c.start_date,
            "end_date": c.end_date,
            "target_satisfaction": c.target_satisfaction,
            "archived": c.archived,
            "settings": json.dumps(c.settings or {}, ensure_ascii=False, sort_keys=True),
        }
        for c in campaigns
    ]


def _phase_rows(scope: _Scope) -> list[dict[str, Any]]:
    return [
        {
            "campaign": scope.name_of[p.campaign_id],
            "seq": p.seq,
            "name": p.name,
            "kind": p.kind,
            "start_date": p.start_date,
            "end_date": p.end_date,
        }
        for p in scope.session.scalars(
            select(Phase)
            .where(Phase.campaign_id.in_(scope.ids))
            .join(Campaign, Campaign.id == Phase.campaign_id)
            .order_by(Campaign.name, Campaign.id, Phase.seq)
        )
    ]


def _department_rows(depts: list[Department], code_of: dict[int, str]) -> list[dict[str, Any]]:
    """Every department, parents first, so the sheet also reads as a tree."""
    ordered: list[Department] = []
    placed: set[int] = set()
    remaining = depts
    while remaining:
        ready = [d for d in remaining if d.parent_id is None or d.parent_id in placed]
        if not ready:
            ready = remaining
        ordered.extend(ready)
        placed.update(d.id for d in ready)
        remaining = [d for d in remaining if d.id not in placed]
    return [
        {
            "code": d.code,
            "name": d.name,
            "name_en": d.name_en,
            "kind": d.kind,
            "parent_code": code_of.get(d.parent_id) if d.parent_id else None,
            "sort_order": d.sort_order,
            "active": d.active,
        }
        for d in ordered
    ]


def _task_rows(scope: _Scope) -> list[dict[str, Any]]:
    """Tasks with their area and departments (lead first, then by code)."""
    session, ids, code_of = scope.session, scope.ids, scope.code_of
    assignments: dict[int, list[Assignment]] = {}
    for a in session.scalars(
        select(Assignment)
        .join(Task)
        .where(Task.campaign_id.in_(ids), Assignment.active.is_(True))
        .order_by(Assignment.id)
    ):
        assignments.setdefault(a.task_id, []).append(a)
    area_title = {
        a.id: a.title
        for a in session.scalars(select(TaskArea).where(TaskArea.campaign_id.in_(ids)))
    }
    tasks = []
    for tk in session.scalars(
        select(Task)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(Task.campaign_id.in_(ids))
        .order_by(Campaign.name, Campaign.id, Task.seq, Task.id)
    ):
        links = sorted(
            assignments.get(tk.id, []), key=lambda a: (not a.is_lead, code_of[a.department_id])
        )
        lead = next((code_of[a.department_id] for a in links if a.is_lead), None)
        tasks.append(
            {
                "campaign": scope.name_of[tk.campaign_id],
                "code": tk.code,
                "area": area_title.get(tk.area_id) if tk.area_id else None,
                "title": tk.title,
                "due_date": tk.due_date,
                "weight": tk.weight,
                "target_text": tk.target_text,
                "target_value": tk.target_value,
                "target_direction": tk.target_direction,
                "target_unit": tk.target_unit,
                "active": tk.active,
                "departments": "、".join(code_of[a.department_id] for a in links),
                "lead": lead,
            }
        )
    return tasks


def _user_rows(session: Session) -> list[dict[str, Any]]:
    """Every login (all campaigns share them), without passwords."""
    dept_alias = aliased(Department)
    return [
        {
            "username": u.username,
            "display_name": u.display_name,
            "roles": "、".join(u.role_list),
            "department_code": code,
            "active": u.active,
        }
        for u, code in session.execute(
            select(User, dept_alias.code)
            .outerjoin(dept_alias, dept_alias.id == User.department_id)
            .order_by(User.username)
        )
    ]


def _indicator_rows(scope: _Scope) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The indicators, and their values by campaign, indicator, month and department."""
    session, name_of = scope.session, scope.name_of
    indicators = list(
        session.scalars(
            select(Indicator)
            .where(Indicator.campaign_id.in_(scope.ids))
            .join(Campaign, Campaign.id == Indicator.campaign_id)
            .order_by(Campaign.name, Campaign.id, Indicator.seq, Indicator.code)
        )
    )
    ind_key = {i.id: (name_of[i.campaign_id], i.code) for i in indicators}
    rows = [
        {
            "campaign": name_of[i.campaign_id],
            "code": i.code,
            "name": i.name,
            "name_en": i.name_en,
            "group": i.group,
            "unit": i.unit,
            "scale": i.scale,
            "min_value": i.min_value,
            "max_value": i.max_value,
            "target": i.target,
            "direction": i.direction,
        }
        for i in indicators
    ]
    values = []
    for iv in session.scalars(
        select(IndicatorValue).where(IndicatorValue.indicator_id.in_(list(ind_key)))
    ):
        camp_name, ind_code = ind_key[iv.indicator_id]
        values.append(
            {
                "campaign": camp_name,
                "indicator_code": ind_code,
                "department_code": scope.code_of[iv.department_id],
                "period": iv.period,
                "value": iv.value,
                "sample_size": iv.sample_size,
                "note": iv.note,
            }
        )
    values.sort(
        key=lambda r: (r["campaign"], r["indicator_code"], r["period"], r["department_code"])
    )
    return rows, values


def _update_rows(scope: _Scope) -> list[dict[str, Any]]:
    """Monthly reports by campaign, month, task and department."""
    updates = []
    for upd, a, tk in scope.session.execute(
        reports_of(MonthlyUpdate, Assignment, Task).where(Task.campaign_id.in_(scope.ids))
    ):
        updates.append(
            {
                "campaign": scope.name_of[tk.campaign_id],
                "task_code": tk.code,
                "department_code": scope.code_of[a.department_id],
                "period": upd.period,
                "percent_done": upd.percent_done,
                "status": upd.status,
                "work_done": upd.work_done,
                "problems": upd.problems,
                "next_steps": upd.next_steps,
                "review_state": upd.review_state,
            }
        )
    updates.sort(key=lambda r: (r["campaign"], r["period"], r["task_code"], r["department_code"]))
    return updates


def _benchmark_rows(scope: _Scope) -> list[dict[str, Any]]:
    """Peer benchmarks: an external survey's score and rank among N peers."""
    code_of = scope.code_of
    rows = [
        {
            "campaign": scope.name_of[b.campaign_id],
            "period": b.period,
            "label": b.label,
            "group": b.group,
            "department_code": code_of.get(b.department_id) if b.department_id else None,
            "score": b.score,
            "scale": b.scale,
            "rate": b.rate,
            "rank": b.rank,
            "peer_count": b.peer_count,
            "peer_group": b.peer_group,
            "source": b.source,
        }
        for b in scope.session.scalars(
            select(PeerBenchmark).where(PeerBenchmark.campaign_id.in_(scope.ids))
        )
    ]
    rows.sort(
        key=lambda r: (
            r["campaign"],
            r["period"],
            r["group"],
            r["label"],
            r["department_code"] or "",
            r["peer_group"] or "",
        )
    )
    return rows


def _width(value: Any) -> int:
    text = (
        value.isoformat() if isinstance(value, dt.date) else str(value if value is not None else "")
    )
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:80])


def export_workbook(session: Session, *, campaign_id: int | None = None, lang: str = "zh") -> bytes:
    """The campaign (or all campaigns) as .xlsx bytes."""
    from openpyxl import Workbook

    data = _rows(session, campaign_id)
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.zh if lang == "zh" else sheet.en)
        headers = [c.zh if lang == "zh" else c.en for c in sheet.columns]
        ws.append(headers)
        widths = [_width(h) for h in headers]
        for row in data[sheet.key]:
            ws.append([row.get(c.key) for c in sheet.columns])
            r = ws.max_row
            for i, col in enumerate(sheet.columns, start=1):
                cell = ws.cell(r, i)
                _format_cell(cell, col.kind)
                widths[i - 1] = max(widths[i - 1], _width(cell.value))
        _finish_sheet(ws, widths)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _format_cell(cell: Any, kind: str) -> None:
    """Dates as dates; text as text (formula-like text stored as text, never a formula)."""
    from openpyxl.styles import Alignment

    value = cell.value
    if kind == "date" and value is not None:
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"  # text, never a formula
            cell.alignment = Alignment(horizontal="left")
        if kind == "str" or kind == "period":
            cell.number_format = "@"


def _finish_sheet(ws: Any, widths: list[int]) -> None:
    """Bold shaded header row, frozen; columns as wide as their text (8 to 60)."""
    from openpyxl.styles import Font, PatternFill

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E3F2FD")
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(w + 2, 8), 60)


def sheet_rows(session: Session, campaign_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows the export writes (used by the round-trip test)."""
    return _rows(session, campaign_id)

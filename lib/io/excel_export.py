"""Excel export: a campaign (or every campaign) as one workbook, a sheet per table.

Same sheets and headers as the import (``lib.io.excel_import.SHEETS``), so an exported file
imports back unchanged. Header row frozen, widths fitted, dates stored as dates; text
cells that a spreadsheet would run as formulas are stored as plain text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lib.i18n import local_name
from lib.io.excel_import.sheets import SHEETS, label
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


def _cols(record: Any, *names: str) -> dict[str, Any]:
    """These attributes of a record, by name."""
    return {n: getattr(record, n) for n in names}


class _Scope:
    """The campaigns exported (one or all) and the department codes."""

    def __init__(self, session: Session, campaign_id: int | None) -> None:
        query = select(Campaign).order_by(Campaign.name, Campaign.id)
        if campaign_id is not None:
            query = query.where(Campaign.id == campaign_id)
        self.session = session
        self.campaigns = list(session.scalars(query))
        self.ids = [c.id for c in self.campaigns]
        self.name_of = {c.id: c.name for c in self.campaigns}
        self.departments = list(session.scalars(select(Department).order_by(Department.code)))
        self.code_of = {d.id: d.code for d in self.departments}


def _campaign_rows(sc: _Scope) -> list[dict[str, Any]]:
    return [
        {
            **_cols(c, "name", "name_en", "theme", "organiser", "start_date", "end_date"),
            **_cols(c, "target_satisfaction", "archived"),
            "settings": json.dumps(c.settings or {}, ensure_ascii=False, sort_keys=True),
        }
        for c in sc.campaigns
    ]


def _phase_rows(sc: _Scope) -> list[dict[str, Any]]:
    return [
        {
            "campaign": sc.name_of[p.campaign_id],
            **_cols(p, "seq", "name", "kind", "start_date", "end_date"),
        }
        for p in sc.session.scalars(
            select(Phase)
            .where(Phase.campaign_id.in_(sc.ids))
            .order_by(Phase.campaign_id, Phase.seq)
        )
    ]


def _department_rows(sc: _Scope) -> list[dict[str, Any]]:
    """Parents first, so the sheet also reads as a tree."""
    ordered: list[Department] = []
    placed: set[int] = set()
    remaining = sc.departments
    while remaining:
        ready = [d for d in remaining if d.parent_id is None or d.parent_id in placed]
        if not ready:
            ready = remaining
        ordered.extend(ready)
        placed.update(d.id for d in ready)
        remaining = [d for d in remaining if d.id not in placed]
    return [
        {
            **_cols(d, "code", "name", "name_en", "kind"),
            "parent_code": sc.code_of.get(d.parent_id) if d.parent_id else None,
            **_cols(d, "sort_order", "active"),
        }
        for d in ordered
    ]


def _task_rows(sc: _Scope) -> list[dict[str, Any]]:
    assignments: dict[int, list[Assignment]] = {}
    for a in sc.session.scalars(
        select(Assignment).join(Task).where(Task.campaign_id.in_(sc.ids)).order_by(Assignment.id)
    ):
        assignments.setdefault(a.task_id, []).append(a)
    area_title = {
        a.id: a.title
        for a in sc.session.scalars(select(TaskArea).where(TaskArea.campaign_id.in_(sc.ids)))
    }
    tasks = []
    for tk in sc.session.scalars(
        select(Task)
        .where(Task.campaign_id.in_(sc.ids))
        .order_by(Task.campaign_id, Task.seq, Task.id)
    ):
        links = sorted(
            assignments.get(tk.id, []), key=lambda a: (not a.is_lead, sc.code_of[a.department_id])
        )
        tasks.append(
            {
                "campaign": sc.name_of[tk.campaign_id],
                "code": tk.code,
                "area": area_title.get(tk.area_id) if tk.area_id else None,
                **_cols(tk, "title", "due_date", "weight", "target_text", "target_value"),
                **_cols(tk, "target_direction", "target_unit", "active"),
                "departments": "、".join(sc.code_of[a.department_id] for a in links),
                "lead": next((sc.code_of[a.department_id] for a in links if a.is_lead), None),
            }
        )
    return tasks


def _user_rows(sc: _Scope) -> list[dict[str, Any]]:
    dept_alias = aliased(Department)
    return [
        {
            "username": u.username,
            "display_name": u.display_name,
            "roles": "、".join(u.role_list),
            "department_code": code,
            "active": u.active,
        }
        for u, code in sc.session.execute(
            select(User, dept_alias.code)
            .outerjoin(dept_alias, dept_alias.id == User.department_id)
            .order_by(User.username)
        )
    ]


def _indicators(sc: _Scope) -> list[Indicator]:
    return list(
        sc.session.scalars(
            select(Indicator)
            .where(Indicator.campaign_id.in_(sc.ids))
            .order_by(Indicator.campaign_id, Indicator.seq, Indicator.code)
        )
    )


def _indicator_rows(sc: _Scope) -> list[dict[str, Any]]:
    return [
        {
            "campaign": sc.name_of[i.campaign_id],
            **_cols(i, "code", "name", "name_en", "group", "unit", "scale"),
            **_cols(i, "min_value", "max_value", "target", "direction"),
        }
        for i in _indicators(sc)
    ]


def _value_rows(sc: _Scope) -> list[dict[str, Any]]:
    ind_key = {i.id: (sc.name_of[i.campaign_id], i.code) for i in _indicators(sc)}
    values = []
    for iv in sc.session.scalars(
        select(IndicatorValue).where(IndicatorValue.indicator_id.in_(list(ind_key)))
    ):
        camp_name, ind_code = ind_key[iv.indicator_id]
        values.append(
            {
                "campaign": camp_name,
                "indicator_code": ind_code,
                "department_code": sc.code_of[iv.department_id],
                **_cols(iv, "period", "value", "sample_size", "note"),
            }
        )
    return sorted(
        values,
        key=lambda r: (r["campaign"], r["indicator_code"], r["period"], r["department_code"]),
    )


def _report_rows(sc: _Scope) -> list[dict[str, Any]]:
    updates = [
        {
            "campaign": sc.name_of[tk.campaign_id],
            "task_code": tk.code,
            "department_code": sc.code_of[a.department_id],
            **_cols(upd, "period", "percent_done", "status", "work_done", "problems"),
            **_cols(upd, "next_steps", "review_state"),
        }
        for upd, a, tk in sc.session.execute(
            select(MonthlyUpdate, Assignment, Task)
            .join(Assignment, Assignment.id == MonthlyUpdate.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.campaign_id.in_(sc.ids))
        )
    ]
    return sorted(
        updates, key=lambda r: (r["campaign"], r["period"], r["task_code"], r["department_code"])
    )


def _benchmark_rows(sc: _Scope) -> list[dict[str, Any]]:
    rows = [
        {
            "campaign": sc.name_of[b.campaign_id],
            **_cols(b, "period", "label", "group"),
            "department_code": sc.code_of.get(b.department_id) if b.department_id else None,
            **_cols(b, "score", "scale", "rate", "rank", "peer_count", "peer_group", "source"),
        }
        for b in sc.session.scalars(
            select(PeerBenchmark).where(PeerBenchmark.campaign_id.in_(sc.ids))
        )
    ]
    return sorted(
        rows,
        key=lambda r: (
            r["campaign"],
            r["period"],
            r["group"],
            r["label"],
            r["department_code"] or "",
            r["peer_group"] or "",
        ),
    )


_SHEET_ROWS = {
    "campaigns": _campaign_rows,
    "phases": _phase_rows,
    "departments": _department_rows,
    "tasks": _task_rows,
    "users": _user_rows,
    "indicators": _indicator_rows,
    "indicator_values": _value_rows,
    "monthly_updates": _report_rows,
    "benchmarks": _benchmark_rows,
}


def _rows(session: Session, campaign_id: int | None) -> dict[str, list[dict[str, Any]]]:
    scope = _Scope(session, campaign_id)
    return {key: rows_of(scope) for key, rows_of in _SHEET_ROWS.items()}


def _width(value: Any) -> int:
    text = (
        value.isoformat() if isinstance(value, dt.date) else str(value if value is not None else "")
    )
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:80])


def export_workbook(session: Session, *, campaign_id: int | None = None, lang: str = "zh") -> bytes:
    """The campaign (or all campaigns) as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    data = _rows(session, campaign_id)
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for sheet in SHEETS:
        ws = wb.create_sheet(local_name(sheet.zh, sheet.en, lang))
        headers = [label(c, lang) for c in sheet.columns]
        ws.append(headers)
        widths = [_width(h) for h in headers]
        for row in data[sheet.key]:
            ws.append([row.get(c.key) for c in sheet.columns])
            r = ws.max_row
            for i, col in enumerate(sheet.columns, start=1):
                cell = ws.cell(r, i)
                value = cell.value
                if col.kind == "date" and value is not None:
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str):
                    if value.startswith(FORMULA_PREFIXES):
                        cell.data_type = "s"  # text, never a formula
                        cell.alignment = Alignment(horizontal="left")
                    if col.kind == "str" or col.kind == "period":
                        cell.number_format = "@"
                widths[i - 1] = max(widths[i - 1], _width(value))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E3F2FD")
        ws.freeze_panes = "A2"
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(w + 2, 8), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_rows(session: Session, campaign_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows the export writes (used by the round-trip test)."""
    return _rows(session, campaign_id)

"""The Excel report for a meeting's period, from :class:`lib.io.meeting.MeetingData`: a
summary sheet, the ranking, and a sheet of tasks per department. Numbers are stored as
numbers with number formats (percentages as fractions shown ``0.0%``, scores ``0.00``,
counts ``0``), headers name the measure, header rows are frozen and repeated on every
printed page, and every sheet prints A4 landscape one page wide with the campaign and
month in the page header. Cells a spreadsheet would run as formulas are neutralised
(:mod:`lib.io.safe_cells`)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib.i18n import fmt_period, status_label, t
from lib.io.meeting import MeetingData
from lib.io.safe_cells import neutralise
from lib.read import views

PCT, SCORE, COUNT, DATE = "0.0%", "0.00", "0", "yyyy-mm-dd"


@dataclass
class Sheet:
    """One sheet: its name, headers, rows and the number format of each column (None:
    text), or of each row's last cell (``by_row``, the summary's measure/figure pairs)."""

    name: str
    heads: list[str]
    rows: list[list[Any]]
    formats: list[str | None]
    by_row: bool = False


def excel_report(data: MeetingData) -> bytes:
    """One workbook for the period: summary, ranking, a sheet per department."""
    sheets = [_summary_sheet(data)]
    if not data.ranking.empty:
        sheets.append(_ranking_sheet(data))
    sheets += _department_sheets(data)
    return _workbook(data, sheets)


def _fraction(value: Any) -> float | None:
    """A percentage (0–100) as the fraction Excel's % format shows."""
    return None if value is None or pd.isna(value) else round(float(value) / 100, 6)


def _number(value: Any, digits: int = 2) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


def _summary_sheet(data: MeetingData) -> Sheet:
    """The headline figures, each a number with its format (the overview's numbers)."""
    lang, n = data.lang, data.numbers
    rows: list[list[Any]] = [
        [t("report.campaign", lang), data.title],
        [t("overview.period", lang), fmt_period(data.ctx.period, lang)],
        [t("report.generated", lang), data.ctx.today],
    ]
    formats: list[str | None] = [None, None, DATE]
    if n.get("tasks"):
        for key, value, fmt in (
            ("report.m_completion", _fraction(n["completion"]), PCT),
            ("report.m_expected", _fraction(n["expected"]), PCT),
            ("report.m_done", int(n["done"]), COUNT),
            ("report.m_tasks", int(n["tasks"]), COUNT),
            ("report.m_behind", int(n["behind_or_at_risk"]), COUNT),
            ("report.m_overdue", int(n["overdue"]), COUNT),
            ("report.m_reported", int(n["reported"]), COUNT),
            ("report.m_due", int(n["reports_due"]), COUNT),
            ("report.m_rate", _fraction(n["report_rate"]), PCT),
        ):
            rows.append([t(key, lang), value])
            formats.append(fmt)
    heads = [t("report.h_measure", lang), t("report.h_figure", lang)]
    return Sheet(t("report.sheet_summary", lang), heads, rows, formats, by_row=True)


def _ranking_sheet(data: MeetingData) -> Sheet:
    """Rank, department, composite score, its components and deductions (all numbers)."""
    lang, r = data.lang, data.ranking
    heads = [
        t("col.rank", lang),
        t("col.department", lang),
        t("col.composite", lang),
        t("report.c_completion", lang),
        t("report.c_timeliness", lang),
        t("report.c_satisfaction", lang),
        t("report.c_inspection", lang),
        t("report.c_deductions", lang),
    ]
    rows = [
        [
            int(row["rank"]),
            row[data.name_col],
            _number(row["composite"]),
            _number(row["completion"]),
            _number(row["timeliness"]),
            _number(row["satisfaction"]),
            _number(row["inspection"]),
            _number(row["deductions"]),
        ]
        for _, row in r.iterrows()
    ]
    formats: list[str | None] = [COUNT, None, SCORE, SCORE, SCORE, SCORE, SCORE, SCORE]
    return Sheet(t("page.ranking", lang), heads, rows, formats)


def _department_sheets(data: MeetingData) -> list[Sheet]:
    """A sheet per department (named after it) with its tasks, progress and status."""
    lang = data.lang
    assignments, _ = views.task_table(data.ctx)
    sheets: list[Sheet] = []
    if assignments.empty:
        return sheets
    heads = [
        t("col.code", lang),
        t("col.task", lang),
        t("report.c_progress", lang),
        t("report.c_expected", lang),
        t("col.due", lang),
        t("col.last_report", lang),
        t("col.status", lang),
    ]
    formats: list[str | None] = [None, None, "0%", "0%", DATE, None, None]
    for dept, frame in assignments.groupby(data.name_col, sort=False):
        rows = [
            [
                str(row["code"]),
                row["title"],
                _fraction(row["percent"]),
                _fraction(row["expected"]),
                row["due_date"] if pd.notna(row["due_date"]) else None,
                row["latest_period"] if pd.notna(row["latest_period"]) else None,
                status_label(row["status"], lang),
            ]
            for _, row in frame.iterrows()
        ]
        sheets.append(Sheet(str(dept)[:28] if dept else "—", heads, rows, formats))
    return sheets


def _workbook(data: MeetingData, sheets: list[Sheet]) -> bytes:
    """The sheets under names Excel accepts (unique, 31 characters): bold header row,
    frozen and repeated on each printed page, number formats, columns as wide as their
    text, A4 landscape one page wide, the campaign and month in the page header and the
    page number in the footer."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    used: set[str] = set()
    header = t(
        "report.h_campaign_month",
        data.lang,
        title=data.title,
        period=fmt_period(data.ctx.period, data.lang),
    ).replace("&", "&&")
    for sheet in sheets:
        heads, rows = sheet.heads, sheet.rows
        safe_name = "".join(c for c in sheet.name if c not in "[]:*?/\\")[:31] or "Sheet"
        while safe_name in used:
            safe_name = safe_name[:29] + "_" + str(len(used))
        used.add(safe_name)
        ws = wb.create_sheet(safe_name)
        ws.append([neutralise(h) for h in heads])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E3F2FD")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for i, row in enumerate(rows):
            ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
            cells = ws[ws.max_row]
            for j, cell in enumerate(cells):
                if sheet.by_row:
                    fmt = sheet.formats[i] if j == len(cells) - 1 else None
                else:
                    fmt = sheet.formats[j]
                if fmt and cell.value is not None and not isinstance(cell.value, str):
                    cell.number_format = fmt
        for j, head in enumerate(heads, start=1):
            values = [str(head)] + [_shown(r[j - 1]) for r in rows[:200]]
            ws.column_dimensions[get_column_letter(j)].width = min(
                60, 4 + max(_width(v) for v in values)
            )
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.oddHeader.center.text = header
        ws.oddHeader.right.text = "&A"
        ws.oddFooter.center.text = t("report.page_footer", data.lang)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _width(text: str) -> float:
    """Column width for a text: CJK characters count about twice a Latin one."""
    return sum(2.0 if ord(c) > 0x2E80 else 1.1 for c in text)

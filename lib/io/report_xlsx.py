"""The Excel report for a meeting's period, from :class:`lib.io.meeting.MeetingData`: a
summary sheet, the ranking, and a sheet of tasks per department. Cells a spreadsheet
would run as formulas are neutralised (:mod:`lib.io.safe_cells`)."""

from __future__ import annotations

import io

import pandas as pd

from lib.i18n import each, fmt_date, fmt_period, status_label, t
from lib.io.meeting import MeetingData, headline
from lib.io.safe_cells import neutralise, write_sheet
from lib.read import views


def excel_report(data: MeetingData) -> bytes:
    """One workbook for the period: summary, ranking, a sheet per department."""
    sheets: dict[str, pd.DataFrame] = {}
    sheets[t("report.sheet_summary", data.lang)] = _summary_sheet(data)
    if not data.ranking.empty:
        sheets[t("page.ranking", data.lang)] = _ranking_sheet(data)
    sheets.update(_department_sheets(data))
    return _workbook(sheets)


def _summary_sheet(data: MeetingData) -> pd.DataFrame:
    lang = data.lang
    return pd.DataFrame(
        [
            (t("report.campaign", lang), data.title),
            (t("overview.period", lang), fmt_period(data.ctx.period, lang)),
            (t("report.generated", lang), fmt_date(data.ctx.today, lang)),
            *headline(data),
        ],
        columns=[t("report.item", lang), t("col.value", lang)],
    )


def _ranking_sheet(data: MeetingData) -> pd.DataFrame:
    """Rank, department, composite score, its components (two decimals) and deductions."""
    lang, r = data.lang, data.ranking
    return pd.DataFrame(
        {
            t("col.rank", lang): r["rank"],
            t("col.department", lang): r[data.name_col],
            t("col.composite", lang): r["composite"],
            t("component.completion", lang): r["completion"].round(2),
            t("component.timeliness", lang): r["timeliness"].astype(float).round(2),
            t("component.satisfaction", lang): r["satisfaction"].astype(float).round(2),
            t("component.inspection", lang): r["inspection"].astype(float).round(2),
            t("col.deductions", lang): r["deductions"],
        }
    )


def _department_sheets(data: MeetingData) -> dict[str, pd.DataFrame]:
    """A sheet per department (named after it) with its tasks, progress and status."""
    lang = data.lang
    assignments, _ = views.task_table(data.ctx)
    sheets: dict[str, pd.DataFrame] = {}
    if assignments.empty:
        return sheets
    for dept, frame in assignments.groupby(data.name_col, sort=False):
        name = str(dept)[:28] if dept else "—"
        sheets[name] = pd.DataFrame(
            {
                t("col.code", lang): frame["code"],
                t("col.task", lang): frame["title"],
                t("col.progress", lang): frame["percent"].round(0),
                t("col.expected", lang): frame["expected"].round(0),
                t("col.due", lang): frame["due_date"],
                t("col.last_report", lang): frame["latest_period"],
                t("col.status", lang): each(status_label, frame["status"], lang),
            }
        )
    return sheets


def _workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The sheets under names Excel accepts (unique, 31 characters), header row frozen,
    columns as wide as their text."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        used: set[str] = set()
        for name, frame in sheets.items():
            safe_name = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Sheet"
            while safe_name in used:
                safe_name = safe_name[:29] + "_" + str(len(used))
            used.add(safe_name)
            write_sheet(writer, frame.map(neutralise), safe_name, rows=200, per_char=1.5)
    return buf.getvalue()

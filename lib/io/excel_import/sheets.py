"""The workbook's sheets and columns (Chinese and English names and headers), and the
empty template to fill in. The export writes the same sheets (``lib.io.excel_export``)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from lib.i18n import current_lang, local_name, t
from lib.models import (
    DEPARTMENT_KINDS,
    DIRECTIONS,
    INDICATOR_GROUPS,
    PHASE_KINDS,
    REPORT_STATUSES,
    REVIEW_STATES,
    ROLES,
)

PERIOD_RE = re.compile(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = "str"  # str, int, float, date, bool, period, list, json
    required: bool = False
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]


C = Column
SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "campaigns",
        "活动",
        "Campaigns",
        (
            C("name", "活动名称", "Name", required=True),
            C("name_en", "英文名称", "English name"),
            C("theme", "主题", "Theme"),
            C("organiser", "主办单位", "Organiser"),
            C("start_date", "开始日期", "Start date", "date", True),
            C("end_date", "结束日期", "End date", "date", True),
            C("target_satisfaction", "目标满意度", "Target satisfaction", "float", lo=0, hi=100),
            C("archived", "已归档", "Archived", "bool"),
            C("settings", "评分设置", "Settings", "json"),
        ),
    ),
    Sheet(
        "phases",
        "阶段",
        "Phases",
        (
            C("campaign", "活动名称", "Campaign"),
            C("seq", "序号", "Seq", "int", True, lo=1, hi=99),
            C("name", "阶段名称", "Phase", required=True),
            C("kind", "类型", "Kind", choices=PHASE_KINDS),
            C("start_date", "开始日期", "Start date", "date", True),
            C("end_date", "结束日期", "End date", "date", True),
        ),
    ),
    Sheet(
        "departments",
        "科室",
        "Departments",
        (
            C("code", "科室代码", "Code", required=True),
            C("name", "科室名称", "Name", required=True),
            C("name_en", "英文名称", "English name"),
            C("kind", "类型", "Kind", choices=DEPARTMENT_KINDS),
            C("parent_code", "上级代码", "Parent code"),
            C("sort_order", "排序", "Sort order", "int", lo=0, hi=100000),
            C("active", "启用", "Active", "bool"),
        ),
    ),
    Sheet(
        "tasks",
        "任务",
        "Tasks",
        (
            C("campaign", "活动名称", "Campaign"),
            C("code", "任务编号", "Code", required=True),
            C("area", "方面", "Area"),
            C("title", "任务名称", "Title", required=True),
            C("due_date", "整改时限", "Due date", "date"),
            C("weight", "权重", "Weight", "float", lo=0, hi=100),
            C("target_text", "目标", "Target"),
            C("target_value", "目标值", "Target value", "float"),
            C("target_direction", "目标方向", "Target direction", choices=DIRECTIONS),
            C("target_unit", "单位", "Unit"),
            C("active", "启用", "Active", "bool"),
            C("departments", "责任科室代码", "Department codes", "list"),
            C("lead", "牵头科室代码", "Lead code"),
        ),
    ),
    Sheet(
        "users",
        "用户",
        "Users",
        (
            C("username", "用户名", "Username", required=True),
            C("display_name", "姓名", "Display name"),
            C("roles", "角色", "Roles", "list", True, choices=ROLES),
            C("department_code", "科室代码", "Department code"),
            C("active", "启用", "Active", "bool"),
        ),
    ),
    Sheet(
        "indicators",
        "指标",
        "Indicators",
        (
            C("campaign", "活动名称", "Campaign"),
            C("code", "指标代码", "Code", required=True),
            C("name", "指标名称", "Name", required=True),
            C("name_en", "英文名称", "English name"),
            C("group", "分组", "Group", choices=INDICATOR_GROUPS),
            C("unit", "单位", "Unit"),
            C("scale", "满分", "Scale", "float", lo=0),
            C("min_value", "最小值", "Min", "float"),
            C("max_value", "最大值", "Max", "float"),
            C("target", "目标值", "Target", "float"),
            C("direction", "方向", "Direction", choices=DIRECTIONS),
        ),
    ),
    Sheet(
        "indicator_values",
        "指标值",
        "Indicator values",
        (
            C("campaign", "活动名称", "Campaign"),
            C("indicator_code", "指标代码", "Indicator code", required=True),
            C("department_code", "科室代码", "Department code", required=True),
            C("period", "月份", "Period", "period", True),
            C("value", "数值", "Value", "float", True),
            C("sample_size", "样本量", "Sample size", "int", lo=0, hi=10_000_000),
            C("note", "备注", "Note"),
        ),
    ),
    Sheet(
        "monthly_updates",
        "月度填报",
        "Monthly updates",
        (
            C("campaign", "活动名称", "Campaign"),
            C("task_code", "任务编号", "Task code", required=True),
            C("department_code", "科室代码", "Department code", required=True),
            C("period", "月份", "Period", "period", True),
            C("percent_done", "完成进度", "Percent done", "int", True, lo=0, hi=100),
            C("status", "状态", "Status", choices=REPORT_STATUSES),
            C("work_done", "已完成工作", "Work done"),
            C("problems", "存在问题", "Problems"),
            C("next_steps", "下步计划", "Next steps"),
            C("review_state", "审核状态", "Review state", choices=REVIEW_STATES),
        ),
    ),
    Sheet(
        "benchmarks",
        "标杆",
        "Peer benchmarks",
        (
            C("campaign", "活动名称", "Campaign"),
            C("period", "月份", "Period", "period", True),
            C("label", "项目", "Label", required=True),
            C("group", "分组", "Group", choices=INDICATOR_GROUPS),
            C("department_code", "科室代码", "Department code"),
            C("score", "得分", "Score", "float", lo=0),
            C("scale", "满分", "Scale", "float", lo=0),
            C("rate", "满意率", "Rate", "float", lo=0, hi=100),
            C("rank", "排名", "Rank", "int", lo=1),
            C("peer_count", "参评单位数", "Peer count", "int", lo=1),
            C("peer_group", "比较组", "Peer group"),
            C("source", "来源", "Source"),
        ),
    ),
)
SHEET_BY_KEY = {s.key: s for s in SHEETS}


def norm(text: object) -> str:
    """A sheet or header name as matched: no spaces or required-marks, lower case."""
    return re.sub(r"[\s*＊]", "", str(text or "")).lower()


def label(col: Column, lang: str | None = None) -> str:
    """A column's header in the language."""
    return col.zh if (lang or current_lang()) == "zh" else col.en


def column(sheet: str, key: str) -> Column | None:
    """The column of a sheet (by their keys); None if it has no such column."""
    return next((c for c in SHEET_BY_KEY[sheet].columns if c.key == key), None)


def template_workbook(sheet_keys: list[str] | None = None, lang: str = "zh") -> bytes:
    """An empty workbook with the headers (required ones marked *) and an instructions sheet."""
    from openpyxl import Workbook  # heavy: loaded when a workbook is made
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "说明" if lang == "zh" else "Instructions"
    info.append([t("import.template_intro", lang)])
    info.append([])
    info.append(
        [
            t("import.template_sheet", lang),
            t("import.template_column", lang),
            t("import.template_required", lang),
            t("import.template_type", lang),
        ]
    )
    for sheet in SHEETS:
        if sheet_keys and sheet.key not in sheet_keys:
            continue
        ws = wb.create_sheet(local_name(sheet.zh, sheet.en, lang))
        ws.append([label(c, lang) + ("*" if c.required else "") for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E3F2FD")
        ws.freeze_panes = "A2"
        for i, c in enumerate(sheet.columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, 2 * len(c.zh) + 4)
            kind = t(f"import.type_{c.kind}", lang)
            if c.choices:
                kind += "：" + " / ".join(c.choices)
            info.append([ws.title, label(c, lang), "✓" if c.required else "", kind])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 18
    info.column_dimensions["D"].width = 50
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

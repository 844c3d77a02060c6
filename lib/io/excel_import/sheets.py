"""The workbook's sheets and columns (Chinese and English names and headers), and the
empty template to fill in. The export writes the same sheets (``lib.io.excel_export``)."""

from __future__ import annotations

import difflib
import functools
import io
import re
import unicodedata
from collections.abc import Sequence
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
    kind: str = "str"  # str, code, dept, depts, int, float, date, bool, period, list, json
    required: bool = False
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    # what a percentage in the cell means: "" refused, "points" 95% -> 95, "unit:<column>"
    # 95 when that column's unit is % (or empty: then it becomes %), "indicator" likewise
    # by the indicator's unit (checked with the indicators)
    percent: str = ""
    aliases: tuple[str, ...] = ()  # other headers clerks write for the column


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]


C = Column
# Columns several sheets share: the campaign a row belongs to, the month, the department.
CAMPAIGN = C("campaign", "活动名称", "Campaign")
PERIOD = C("period", "月份", "Period", "period", True)


def department_column(required: bool = False) -> Column:
    """The department code column (clerks may head it 科室 / Department)."""
    return C(
        "department_code",
        "科室代码",
        "Department code",
        "dept",
        required,
        aliases=("科室", "Department"),
    )


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
            C(
                "target_satisfaction",
                "目标满意度",
                "Target satisfaction",
                "float",
                lo=0,
                hi=100,
                percent="points",
            ),
            C("archived", "已归档", "Archived", "bool"),
            C("settings", "评分设置", "Settings", "json"),
        ),
    ),
    Sheet(
        "phases",
        "阶段",
        "Phases",
        (
            CAMPAIGN,
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
            C("code", "科室代码", "Code", "code", True),
            C("name", "科室名称", "Name", required=True),
            C("name_en", "英文名称", "English name"),
            C("kind", "类型", "Kind", choices=DEPARTMENT_KINDS),
            C("parent_code", "上级代码", "Parent code", "dept"),
            C("sort_order", "排序", "Sort order", "int", lo=0, hi=100000),
            C("active", "启用", "Active", "bool"),
        ),
    ),
    Sheet(
        "tasks",
        "任务",
        "Tasks",
        (
            CAMPAIGN,
            C("code", "任务编号", "Code", "code", True, aliases=("编号", "序号")),
            C("area", "方面", "Area"),
            C("title", "任务名称", "Title", required=True),
            C("due_date", "整改时限", "Due date", "date"),
            C("weight", "权重", "Weight", "float", lo=0, hi=100),
            C("target_text", "目标", "Target"),
            C("target_value", "目标值", "Target value", "float", percent="unit:target_unit"),
            C("target_direction", "目标方向", "Target direction", choices=DIRECTIONS),
            C("target_unit", "单位", "Unit"),
            C("active", "启用", "Active", "bool"),
            C(
                "departments",
                "责任科室代码",
                "Department codes",
                "depts",
                aliases=("责任科室", "Departments"),
            ),
            C("lead", "牵头科室代码", "Lead code", "dept", aliases=("牵头科室", "Lead")),
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
            department_column(),
            C("active", "启用", "Active", "bool"),
        ),
    ),
    Sheet(
        "indicators",
        "指标",
        "Indicators",
        (
            CAMPAIGN,
            C("code", "指标代码", "Code", "code", True),
            C("name", "指标名称", "Name", required=True),
            C("name_en", "英文名称", "English name"),
            C("group", "分组", "Group", choices=INDICATOR_GROUPS),
            C("unit", "单位", "Unit"),
            C("scale", "满分", "Scale", "float", lo=0),
            C("min_value", "最小值", "Min", "float", percent="unit:unit"),
            C("max_value", "最大值", "Max", "float", percent="unit:unit"),
            C("target", "目标值", "Target", "float", percent="unit:unit"),
            C("direction", "方向", "Direction", choices=DIRECTIONS),
        ),
    ),
    Sheet(
        "indicator_values",
        "指标值",
        "Indicator values",
        (
            CAMPAIGN,
            C("indicator_code", "指标代码", "Indicator code", "code", True),
            department_column(required=True),
            PERIOD,
            C("value", "数值", "Value", "float", True, percent="indicator"),
            C("sample_size", "样本量", "Sample size", "int", lo=0, hi=10_000_000),
            C("note", "备注", "Note"),
        ),
    ),
    Sheet(
        "monthly_updates",
        "月度填报",
        "Monthly updates",
        (
            CAMPAIGN,
            C("task_code", "任务编号", "Task code", "code", True),
            department_column(required=True),
            PERIOD,
            C(
                "percent_done",
                "完成进度",
                "Percent done",
                "int",
                True,
                lo=0,
                hi=100,
                percent="points",
            ),
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
            CAMPAIGN,
            PERIOD,
            C("label", "项目", "Label", required=True),
            C("group", "分组", "Group", choices=INDICATOR_GROUPS),
            department_column(),
            C("score", "得分", "Score", "float", lo=0),
            C("scale", "满分", "Scale", "float", lo=0),
            C("rate", "满意率", "Rate", "float", lo=0, hi=100, percent="points"),
            C("rank", "排名", "Rank", "int", lo=1),
            C("peer_count", "参评单位数", "Peer count", "int", lo=1),
            C("peer_group", "比较组", "Peer group"),
            C("source", "来源", "Source"),
        ),
    ),
)
SHEET_BY_KEY = {s.key: s for s in SHEETS}

# The words clerks write for each enumerated value (the code itself and its English label
# are accepted too); the first word is the one the template's drop-down offers. One table
# for every enumerated column: a word not in it is refused with suggestions, never guessed.
CHOICE_WORDS: dict[str, tuple[str, ...]] = {
    "not_started": ("未开始", "尚未开始", "未启动", "Not started"),
    "in_progress": ("推进中", "进行中", "正在推进", "实施中", "整改中", "In progress"),
    "done": ("已完成", "完成", "已办结", "已整改", "Done"),
    "blocked": ("受阻", "阻塞", "Blocked"),
    "draft": ("草稿", "未提交", "Draft"),
    "submitted": ("已提交", "待审核", "已报送", "Submitted"),
    "approved": ("审核通过", "已通过", "已审核", "通过", "Approved"),
    "returned": ("已退回", "退回", "已驳回", "驳回", "Returned"),
    "higher": ("越高越好", "越大越好", "Higher"),
    "lower": ("越低越好", "越小越好", "Lower"),
    "patient": ("患者", "服务对象", "服务对象（患者）", "Patients"),
    "staff": ("职工", "员工", "Staff"),
    "operations": ("运行", "运营", "Operations"),
    "overall": ("综合", "总体", "整体", "Overall"),
    "city": ("市级", "City"),
    "institution": ("机构", "单位", "Institution"),
    "department": ("科室", "Department"),
    "station": ("站点", "Station"),
    "mobilise": ("动员部署", "动员", "Mobilise"),
    "self_check": ("自查", "自查自纠", "Self-check"),
    "rectify": ("整改落实", "整改", "Rectify"),
    "assess": ("考核评比", "考核", "Assess"),
    "review": ("总结提升", "总结", "Review"),
    "admin": ("系统管理员", "管理员", "Administrator"),
    "office": ("活动办公室", "Office"),
    "leader": ("院领导", "领导", "Leader"),
    "liaison": ("科室联络员", "联络员", "Liaison"),
    "viewer": ("查看者", "只读", "Viewer"),
}


def fold(text: object) -> str:
    """A word as compared: NFKC (full-width letters, digits and spaces folded), no spaces,
    underscores or hyphens, lower case."""
    return re.sub(r"[\s_\-]", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


@functools.lru_cache(maxsize=64)
def _words_of(choices: tuple[str, ...]) -> dict[str, str]:
    """Every accepted word of these choices, as compared -> its code."""
    return {fold(word): code for code in choices for word in (code, *CHOICE_WORDS.get(code, ()))}


def choice_of(col: Column, text: str) -> str | None:
    """The code a word means in this column (None: not one of its words)."""
    return _words_of(col.choices).get(fold(text))


def choice_words(col: Column, lang: str = "zh") -> list[str]:
    """The words a drop-down offers for the column: the first Chinese word, or the code."""
    if lang != "zh":
        return list(col.choices)
    return [CHOICE_WORDS.get(c, (c,))[0] for c in col.choices]


def suggest(text: str, options: dict[str, str], n: int = 3) -> list[str]:
    """The options (shown text -> compared text) closest to ``text``, best first."""
    folded = fold(text)
    scored = []
    for shown, compared in options.items():
        ratio = difflib.SequenceMatcher(None, folded, compared).ratio()
        if ratio >= 0.4 or (folded and (folded in compared or compared in folded)):
            scored.append((-ratio, shown))
    return [shown for _r, shown in sorted(scored)[:n]]


def choice_suggestions(col: Column, text: str) -> list[str]:
    """Words of the column close to ``text``, as "word（code）"."""
    options = {}
    for code in col.choices:
        for word in (code, *CHOICE_WORDS.get(code, ())):
            options[f"{word}（{code}）" if word != code else code] = fold(word)
    return suggest(text, options)


def norm(text: object) -> str:
    """A sheet or header name as matched: NFKC, no spaces or required-marks, lower case."""
    return re.sub(r"[\s*]", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def label(col: Column, lang: str | None = None) -> str:
    """A column's header in the language."""
    return col.zh if (lang or current_lang()) == "zh" else col.en


def column(sheet: str, key: str) -> Column | None:
    """The column of a sheet (by their keys); None if it has no such column."""
    return next((c for c in SHEET_BY_KEY[sheet].columns if c.key == key), None)


# units offered by the template's drop-down (any other unit may be typed)
UNITS = ("%", "分", "分钟", "小时", "天", "次", "例", "人次", "件", "元")
TEMPLATE_ROWS = 1000  # rows of the template that get drop-downs


def _department_words(departments: Sequence[tuple[str, str]]) -> list[str]:
    """What a department drop-down offers: the name where it is unique, else the code."""
    count: dict[str, int] = {}
    for _code, name in departments:
        count[name] = count.get(name, 0) + 1
    return [name if count[name] == 1 else code for code, name in departments]


def template_workbook(
    sheet_keys: list[str] | None = None,
    lang: str = "zh",
    *,
    departments: Sequence[tuple[str, str]] = (),
    units: Sequence[str] = (),
) -> bytes:
    """An empty workbook with the headers (required ones marked *), an instructions sheet,
    code columns formatted as text, and drop-downs (data validation lists) for every
    enumerated column, the department columns (``departments``: code and name) and the
    unit columns."""
    from openpyxl import Workbook  # heavy: loaded when a workbook is made
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "说明" if lang == "zh" else "Instructions"
    info.append([t("import.template_intro", lang)])
    info.append([t("import.template_dates", lang)])
    info.append([])
    info.append(
        [
            t("import.template_sheet", lang),
            t("import.template_column", lang),
            t("import.template_required", lang),
            t("import.template_type", lang),
        ]
    )
    lists = wb.create_sheet(t("import.template_list_sheet", lang))
    lists.append([t("import.template_lists_note", lang)])
    list_cols: dict[tuple[str, ...], str] = {}

    def list_range(words: Sequence[str]) -> str:
        """The lists sheet's range holding these words (a column made once per list)."""
        key = tuple(words)
        if key not in list_cols:
            letter = get_column_letter(len(list_cols) + 1)
            for i, word in enumerate(words, start=2):
                lists[f"{letter}{i}"] = word
                lists[f"{letter}{i}"].number_format = "@"
            list_cols[key] = f"'{lists.title}'!${letter}$2:${letter}${len(words) + 1}"
        return list_cols[key]

    dept_words = _department_words(departments)
    unit_words = list(dict.fromkeys([*UNITS, *(u for u in units if u)]))
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
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = max(12, 2 * len(c.zh) + 4)
            cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
            words: list[str] = []
            strict = True
            if c.kind in ("code", "dept", "depts", "str", "list"):
                ws.column_dimensions[letter].number_format = "@"
            if c.kind in ("code", "dept", "depts"):  # per cell too: kept by every office suite
                for r in range(2, TEMPLATE_ROWS + 2):
                    ws.cell(r, i).number_format = "@"
            if c.choices and c.kind != "list":
                words = choice_words(c, lang)
            elif c.kind == "dept":
                words = dept_words
            elif c.kind == "depts":
                words, strict = dept_words, False  # several, separated by 、
            elif c.key in ("unit", "target_unit"):
                words, strict = unit_words, False  # another unit may be typed
            if words:
                dv = DataValidation(
                    type="list",
                    formula1=list_range(words),
                    allow_blank=True,
                    showErrorMessage=strict,
                )
                dv.add(cells)
                ws.add_data_validation(dv)
            kind = t(f"import.type_{c.kind}", lang)
            if c.choices:
                kind += "：" + " / ".join(choice_words(c, lang))
            info.append([ws.title, label(c, lang), "✓" if c.required else "", kind])
    lists.sheet_state = "hidden"
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 18
    info.column_dimensions["D"].width = 50
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

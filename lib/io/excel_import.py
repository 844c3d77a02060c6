"""Excel import: the whole workbook is validated first, then written all or nothing.

Sheets (Chinese names and headers; English names and headers accepted too):
活动 campaign, 阶段 phases, 科室 departments, 任务 tasks (with responsible departments and
the lead), 用户 users, 指标 indicators, 指标值 indicator values (with sample sizes),
月度填报 monthly updates, 标杆 peer benchmarks. Rows are matched by their codes, so
importing the same file again changes nothing. Every problem is reported with sheet, row,
column and reason; nothing is written unless there is none.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.i18n import t
from lib.models import (
    DEPARTMENT_KINDS,
    DIRECTIONS,
    INDICATOR_GROUPS,
    PHASE_KINDS,
    REPORT_STATUSES,
    REVIEW_STATES,
    ROLES,
    Assignment,
    Campaign,
    Department,
    Indicator,
    IndicatorValue,
    MonthlyUpdate,
    PeerBenchmark,
    Phase,
    Task,
    User,
)
from lib.write import (
    ServiceError,
    audit,
    create_user,
    hash_password,
    require,
    save_tasks,
    set_user_active,
    update_user,
    upsert_department,
)

MAX_ROWS = 50_000
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


def _norm(text: object) -> str:
    return re.sub(r"[\s*＊]", "", str(text or "")).lower()


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def reason(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def message(self, lang: str | None = None) -> str:
        return t(
            "import.problem",
            lang,
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            reason=self.reason(lang),
        )


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    number: int  # spreadsheet row number (header is row 1)
    values: dict[str, Any]


# --- reading and typing ---------------------------------------------------------------


def _parse_cell(col: Column, raw: Any) -> tuple[Any, str | None, dict[str, Any]]:
    """(value, problem key, params). Empty cells give None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None, {}
    kind = col.kind
    try:
        if kind == "str":
            value: Any = str(raw).strip() if not isinstance(raw, float) else _num_text(raw)
            if col.choices and value not in col.choices:
                return None, "import.error_choice", {"choices": ", ".join(col.choices)}
            return value, None, {}
        if kind == "int":
            if isinstance(raw, bool):
                raise ValueError
            number = float(str(raw).strip()) if not isinstance(raw, (int, float)) else float(raw)
            if number != int(number):
                raise ValueError
            value = int(number)
        elif kind == "float":
            if isinstance(raw, bool):
                raise ValueError
            text = str(raw).strip().rstrip("%％") if isinstance(raw, str) else raw
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
        elif kind == "date":
            if isinstance(raw, dt.datetime):
                return raw.date(), None, {}
            if isinstance(raw, dt.date):
                return raw, None, {}
            text = str(raw).strip().replace("/", "-").replace(".", "-")
            m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
            if m:
                return dt.date(int(m[1]), int(m[2]), int(m[3])), None, {}
            return dt.date.fromisoformat(text[:10]), None, {}
        elif kind == "bool":
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "y", "是", "启用", "√", "1.0"):
                return True, None, {}
            if text in ("0", "false", "no", "n", "否", "停用", "×", "0.0"):
                return False, None, {}
            raise ValueError
        elif kind == "period":
            if isinstance(raw, (dt.date, dt.datetime)):
                return f"{raw.year:04d}-{raw.month:02d}", None, {}
            text = str(raw).strip().replace("/", "-").replace(".", "-")
            m = re.fullmatch(r"(\d{4})年(\d{1,2})月", text) or re.fullmatch(
                r"(\d{4})-(\d{1,2})", text
            )
            if not m:
                raise ValueError
            text = f"{int(m[1]):04d}-{int(m[2]):02d}"
            if not PERIOD_RE.match(text):
                raise ValueError
            return text, None, {}
        elif kind == "list":
            items = [x for x in re.split(r"[、，,;；\s]+", str(raw).strip()) if x]
            if col.choices:
                bad = [x for x in items if x not in col.choices]
                if bad:
                    return None, "import.error_choice", {"choices": ", ".join(col.choices)}
            return items, None, {}
        elif kind == "json":
            value = json.loads(str(raw))
            if not isinstance(value, dict):
                raise ValueError
            return value, None, {}
        else:  # pragma: no cover
            raise ValueError
    except (ValueError, TypeError, OverflowError):
        return None, f"import.error_type_{kind}", {"value": str(raw)[:40]}
    if (col.lo is not None and value < col.lo) or (col.hi is not None and value > col.hi):
        return None, "import.error_range", {"lo": _num_text(col.lo), "hi": _num_text(col.hi)}
    return value, None, {}


def _num_text(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _too_many_rows(data: bytes, limit: int = MAX_ROWS + 1) -> bool:
    """Whether any worksheet holds more than ``limit`` rows, counted by streaming its XML
    (a sheet without a ``<dimension>`` would make openpyxl parse all of it first)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    with archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            count, tail = 0, b""
            try:
                with archive.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        buf = tail + chunk
                        count += len(_ROW_TAG.findall(buf))
                        # a tag may straddle two chunks: carry an unmatched last "<..."
                        start = buf.rfind(b"<", max(0, len(buf) - 64))
                        keep = start >= 0 and not _ROW_TAG.search(buf, start)
                        tail = buf[start:] if keep else b""
                        if count > limit:
                            return True
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                return False  # openpyxl reports the damaged file
    return False


def read_workbook(
    data: bytes, lang: str | None = None
) -> tuple[dict[str, list[_Row]], dict[str, str], list[Problem]]:
    """Typed rows per sheet key, the sheet names as written, and reading problems."""
    from openpyxl import load_workbook

    from lib.io.attachments import zip_problem

    problems: list[Problem] = []
    bomb = zip_problem(data)
    if bomb:
        return {}, {}, [Problem("—", 0, "—", bomb)]
    if _too_many_rows(data):
        return {}, {}, [Problem("—", MAX_ROWS + 2, "—", "import.error_too_many", {"max": MAX_ROWS})]
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return {}, {}, [Problem("—", 0, "—", "import.error_not_xlsx")]
    by_name: dict[str, Sheet] = {}
    for sheet in SHEETS:
        for alias in (sheet.zh, sheet.en, sheet.key):
            by_name[_norm(alias)] = sheet
    out: dict[str, list[_Row]] = {}
    names: dict[str, str] = {}
    for ws in wb.worksheets:
        spec = by_name.get(_norm(ws.title))
        if spec is None:
            continue  # instructions and other sheets are ignored
        names[spec.key] = ws.title
        rows_iter = ws.iter_rows(values_only=True)
        header = next(rows_iter, None)
        if header is None:
            out[spec.key] = []
            continue
        aliases: dict[str, Column] = {}
        for col in spec.columns:
            for alias in (col.zh, col.en, col.key):
                aliases[_norm(alias)] = col
        positions: dict[str, int] = {}
        for idx, cell in enumerate(header):
            found = aliases.get(_norm(cell))
            if found is not None and found.key not in positions:
                positions[found.key] = idx
        missing = [c for c in spec.columns if c.required and c.key not in positions]
        for col in missing:
            problems.append(Problem(ws.title, 1, _label(col, lang), "import.error_missing_column"))
        rows: list[_Row] = []
        for number, raw_row in enumerate(rows_iter, start=2):
            if number - 1 > MAX_ROWS:
                problems.append(
                    Problem(ws.title, number, "—", "import.error_too_many", {"max": MAX_ROWS})
                )
                break
            if raw_row is None or all(
                v is None or (isinstance(v, str) and not v.strip()) for v in raw_row
            ):
                continue
            values: dict[str, Any] = {}
            for col in spec.columns:
                pos = positions.get(col.key)
                raw = raw_row[pos] if pos is not None and pos < len(raw_row) else None
                value, key, params = _parse_cell(col, raw)
                if key:
                    problems.append(Problem(ws.title, number, _label(col, lang), key, params))
                elif value is None and col.required and col.key in positions:
                    problems.append(
                        Problem(ws.title, number, _label(col, lang), "import.error_required")
                    )
                values[col.key] = value
            rows.append(_Row(number, values))
        out[spec.key] = rows
    wb.close()
    if not names:
        problems.append(Problem("—", 0, "—", "import.error_no_sheets"))
    return out, names, problems


def _label(col: Column, lang: str | None = None) -> str:
    from lib.i18n import current_lang

    return col.zh if (lang or current_lang()) == "zh" else col.en


# --- validation against the database ---------------------------------------------------


class _Context:
    """What exists (database plus the file) for reference checks."""

    def __init__(
        self, session: Session, sheets: dict[str, list[_Row]], campaign_id: int | None
    ) -> None:
        self.session = session
        self.default_campaign: Campaign | None = (
            session.get(Campaign, campaign_id) if campaign_id else None
        )
        self.campaigns_db = {
            c.name: c for c in session.scalars(select(Campaign).order_by(Campaign.id.desc()))
        }
        self.campaign_names_file = {
            r.values["name"] for r in sheets.get("campaigns", []) if r.values.get("name")
        }
        self.dept_codes = {c for (c,) in session.execute(select(Department.code))}
        self.dept_codes |= {
            r.values["code"] for r in sheets.get("departments", []) if r.values.get("code")
        }


def _campaign_name(ctx: _Context, row: _Row) -> str | None:
    name = row.values.get("campaign")
    if name:
        return str(name)
    if ctx.default_campaign is not None:
        return ctx.default_campaign.name
    if len(ctx.campaign_names_file) == 1:
        return next(iter(ctx.campaign_names_file))
    return None


def validate(
    session: Session,
    sheets: dict[str, list[_Row]],
    names: dict[str, str],
    campaign_id: int | None,
    lang: str | None = None,
) -> list[Problem]:
    """Reference, duplicate and consistency checks over the whole file."""
    ctx = _Context(session, sheets, campaign_id)
    problems: list[Problem] = []

    def col(sheet: str, key: str) -> str:
        return _label(next(c for c in SHEET_BY_KEY[sheet].columns if c.key == key), lang)

    def dup_check(sheet: str, key_fn: Callable[[_Row], Any], column: str) -> None:
        seen: dict[Any, int] = {}
        for row in sheets.get(sheet, []):
            k = key_fn(row)
            if k is None:
                continue
            if k in seen:
                problems.append(
                    Problem(
                        names[sheet],
                        row.number,
                        col(sheet, column),
                        "import.error_duplicate",
                        {"first": seen[k]},
                    )
                )
            else:
                seen[k] = row.number

    def need_campaign(sheet: str, row: _Row) -> str | None:
        name = _campaign_name(ctx, row)
        if name is None:
            problems.append(
                Problem(
                    names[sheet],
                    row.number,
                    col(sheet, "campaign"),
                    "import.error_campaign_missing",
                )
            )
            return None
        if name not in ctx.campaigns_db and name not in ctx.campaign_names_file:
            problems.append(
                Problem(
                    names[sheet],
                    row.number,
                    col(sheet, "campaign"),
                    "import.error_campaign_unknown",
                    {"name": name},
                )
            )
            return None
        return name

    def need_dept(sheet: str, row: _Row, key: str, required: bool = True) -> None:
        code = row.values.get(key)
        if code is None:
            return
        if code not in ctx.dept_codes:
            problems.append(
                Problem(
                    names[sheet],
                    row.number,
                    col(sheet, key),
                    "import.error_department_unknown",
                    {"code": code},
                )
            )

    # campaigns
    dup_check("campaigns", lambda r: r.values.get("name"), "name")
    for row in sheets.get("campaigns", []):
        v = row.values
        if v.get("start_date") and v.get("end_date") and v["end_date"] <= v["start_date"]:
            problems.append(
                Problem(
                    names["campaigns"],
                    row.number,
                    col("campaigns", "end_date"),
                    "import.error_end_before_start",
                )
            )
    # phases
    dup_check("phases", lambda r: (_campaign_name(ctx, r), r.values.get("seq")), "seq")
    for row in sheets.get("phases", []):
        need_campaign("phases", row)
        v = row.values
        if v.get("start_date") and v.get("end_date") and v["end_date"] < v["start_date"]:
            problems.append(
                Problem(
                    names["phases"],
                    row.number,
                    col("phases", "end_date"),
                    "import.error_end_before_start",
                )
            )
    # departments
    dup_check("departments", lambda r: r.values.get("code"), "code")
    parents = {
        r.values.get("code"): r.values.get("parent_code") for r in sheets.get("departments", [])
    }
    for row in sheets.get("departments", []):
        code = row.values.get("code")
        if code and not re.match(r"^[A-Za-z0-9_.\-]{1,40}$", code):
            problems.append(
                Problem(
                    names["departments"],
                    row.number,
                    col("departments", "code"),
                    "import.error_code_format",
                )
            )
        need_dept("departments", row, "parent_code")
        seen, cur = set(), code
        while cur in parents and cur not in seen:
            seen.add(cur)
            cur = parents[cur]
        if cur is not None and cur in seen:
            problems.append(
                Problem(
                    names["departments"],
                    row.number,
                    col("departments", "parent_code"),
                    "import.error_cycle",
                )
            )
    # tasks
    dup_check("tasks", lambda r: (_campaign_name(ctx, r), r.values.get("code")), "code")
    assigned: dict[tuple[str, str], set[str]] = {}
    for row in sheets.get("tasks", []):
        name = need_campaign("tasks", row)
        for code in row.values.get("departments") or []:
            if code not in ctx.dept_codes:
                problems.append(
                    Problem(
                        names["tasks"],
                        row.number,
                        col("tasks", "departments"),
                        "import.error_department_unknown",
                        {"code": code},
                    )
                )
        lead = row.values.get("lead")
        if lead and lead not in (row.values.get("departments") or []):
            problems.append(
                Problem(
                    names["tasks"],
                    row.number,
                    col("tasks", "lead"),
                    "import.error_lead_not_listed",
                    {"code": lead},
                )
            )
        if name and row.values.get("code"):
            assigned[(name, row.values["code"])] = set(row.values.get("departments") or [])
    # users
    dup_check("users", lambda r: (r.values.get("username") or "").lower() or None, "username")
    for row in sheets.get("users", []):
        username = (row.values.get("username") or "").lower()
        if username and not re.match(r"^[a-z0-9_.\-]{3,80}$", username):
            problems.append(
                Problem(
                    names["users"], row.number, col("users", "username"), "import.error_username"
                )
            )
        need_dept("users", row, "department_code")
        if "liaison" in (row.values.get("roles") or []) and not row.values.get("department_code"):
            problems.append(
                Problem(
                    names["users"],
                    row.number,
                    col("users", "department_code"),
                    "import.error_liaison_department",
                )
            )
    # indicators
    dup_check("indicators", lambda r: (_campaign_name(ctx, r), r.values.get("code")), "code")
    indicator_keys: set[tuple[str, str]] = set()
    for row in sheets.get("indicators", []):
        name = need_campaign("indicators", row)
        if name and row.values.get("code"):
            indicator_keys.add((name, row.values["code"]))
    for c in ctx.campaigns_db.values():
        for (code,) in session.execute(select(Indicator.code).where(Indicator.campaign_id == c.id)):
            indicator_keys.add((c.name, code))
    # indicator values
    dup_check(
        "indicator_values",
        lambda r: (
            _campaign_name(ctx, r),
            r.values.get("indicator_code"),
            r.values.get("department_code"),
            r.values.get("period"),
        ),
        "period",
    )
    for row in sheets.get("indicator_values", []):
        name = need_campaign("indicator_values", row)
        need_dept("indicator_values", row, "department_code")
        code = row.values.get("indicator_code")
        if name and code and (name, code) not in indicator_keys:
            problems.append(
                Problem(
                    names["indicator_values"],
                    row.number,
                    col("indicator_values", "indicator_code"),
                    "import.error_indicator_unknown",
                    {"code": code},
                )
            )
    # monthly updates
    for c in ctx.campaigns_db.values():
        for a_task, a_dept in session.execute(
            select(Task.code, Department.code)
            .join(Assignment, Assignment.task_id == Task.id)
            .join(Department, Department.id == Assignment.department_id)
            .where(Task.campaign_id == c.id)
        ):
            assigned.setdefault((c.name, a_task), set()).add(a_dept)
    dup_check(
        "monthly_updates",
        lambda r: (
            _campaign_name(ctx, r),
            r.values.get("task_code"),
            r.values.get("department_code"),
            r.values.get("period"),
        ),
        "period",
    )
    for row in sheets.get("monthly_updates", []):
        name_mu = need_campaign("monthly_updates", row)
        need_dept("monthly_updates", row, "department_code")
        mu_task, dept_code = row.values.get("task_code"), row.values.get("department_code")
        if name_mu and mu_task:
            if (name_mu, mu_task) not in assigned:
                problems.append(
                    Problem(
                        names["monthly_updates"],
                        row.number,
                        col("monthly_updates", "task_code"),
                        "import.error_task_unknown",
                        {"code": mu_task},
                    )
                )
            elif (
                dept_code
                and dept_code in ctx.dept_codes
                and dept_code not in assigned[(name_mu, mu_task)]
            ):
                problems.append(
                    Problem(
                        names["monthly_updates"],
                        row.number,
                        col("monthly_updates", "department_code"),
                        "import.error_not_assigned",
                        {"code": dept_code, "task": mu_task},
                    )
                )
    # benchmarks
    dup_check(
        "benchmarks",
        lambda r: (
            _campaign_name(ctx, r),
            r.values.get("period"),
            r.values.get("label"),
            r.values.get("group") or "overall",
            r.values.get("department_code"),
            r.values.get("peer_group"),
        ),
        "label",
    )
    for row in sheets.get("benchmarks", []):
        need_campaign("benchmarks", row)
        need_dept("benchmarks", row, "department_code")
    return problems


# --- writing ----------------------------------------------------------------------------


def import_workbook(
    data: bytes,
    *,
    actor: Actor,
    session: Session,
    campaign_id: int | None = None,
    dry_run: bool = False,
    progress: Callable[[float, str], None] | None = None,
    lang: str | None = None,
) -> ImportResult:
    """Validate the whole workbook, then (unless ``dry_run`` or any problem) write it.

    The caller owns the transaction (``session_scope``): on problems nothing was written.
    """
    require(actor, "data.import")
    sheets, names, problems = read_workbook(data, lang)
    result = ImportResult(rows={k: len(v) for k, v in sheets.items()})
    if sheets.get("users"):
        from lib.domain.permissions import can

        if not can(actor, "users.admin"):
            problems.append(Problem(names["users"], 1, "—", "error.permission_denied"))
    if not problems:
        problems = validate(session, sheets, names, campaign_id, lang)
    if problems or dry_run:
        result.problems = problems
        if dry_run and not problems:
            result.unchanged = sum(result.rows.values())
        return result
    try:
        with session.begin_nested():
            _write(session, actor, sheets, campaign_id, result, progress)
    except ServiceError as exc:  # a check only the services make
        result.problems = [Problem("—", 0, "—", exc.key, exc.params)]
    return result


def _count(result: ImportResult, created: bool, changed: bool) -> None:
    if created:
        result.created += 1
    elif changed:
        result.updated += 1
    else:
        result.unchanged += 1


def _set(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for k, v in values.items():
        if getattr(obj, k) != v:
            setattr(obj, k, v)
            changed = True
    return changed


def _write(
    session: Session,
    actor: Actor,
    sheets: dict[str, list[_Row]],
    campaign_id: int | None,
    result: ImportResult,
    progress: Callable[[float, str], None] | None,
) -> None:
    from lib.domain.scoring import DEFAULT_SETTINGS

    total = max(sum(len(v) for v in sheets.values()), 1)
    done = 0

    def tick(sheet: str) -> None:
        nonlocal done
        done += 1
        if progress and (done % 50 == 0 or done == total):
            progress(done / total, sheet)

    ctx = _Context(session, sheets, campaign_id)
    campaigns: dict[str, Campaign] = {}
    for name, c in ctx.campaigns_db.items():
        campaigns[name] = c

    def campaign_of(row: _Row) -> Campaign:
        name = _campaign_name(ctx, row)
        assert name is not None
        return campaigns[name]

    for row in sheets.get("campaigns", []):
        v = row.values
        values = {
            "name": v["name"],
            "name_en": v.get("name_en"),
            "theme": v.get("theme"),
            "organiser": v.get("organiser"),
            "start_date": v["start_date"],
            "end_date": v["end_date"],
            "target_satisfaction": v.get("target_satisfaction"),
            "archived": bool(v.get("archived")),
        }
        if v.get("settings") is not None:
            values["settings"] = v["settings"]
        camp = campaigns.get(v["name"])
        if camp is None:
            values.setdefault("settings", json.loads(json.dumps(DEFAULT_SETTINGS)))
            camp = Campaign(**values)
            session.add(camp)
            session.flush()
            campaigns[camp.name] = camp
            audit(
                session,
                actor,
                "import",
                "campaign",
                camp.id,
                after={"name": camp.name},
                campaign_id=camp.id,
            )
            _count(result, True, True)
        else:
            changed = _set(camp, values)
            if changed:
                audit(
                    session,
                    actor,
                    "import",
                    "campaign",
                    camp.id,
                    after={"name": camp.name},
                    campaign_id=camp.id,
                )
            _count(result, False, changed)
        tick("campaigns")

    for row in sheets.get("phases", []):
        v = row.values
        camp = campaign_of(row)
        phase = session.scalar(
            select(Phase).where(Phase.campaign_id == camp.id, Phase.seq == v["seq"])
        )
        values = {
            "name": v["name"],
            "kind": v.get("kind") or "rectify",
            "start_date": v["start_date"],
            "end_date": v["end_date"],
        }
        if phase is None:
            session.add(Phase(campaign_id=camp.id, seq=v["seq"], **values))
            session.flush()
            audit(
                session,
                actor,
                "import",
                "phase",
                None,
                after={"seq": v["seq"], "name": v["name"]},
                campaign_id=camp.id,
            )
            _count(result, True, True)
        else:
            changed = _set(phase, values)
            if changed:
                audit(
                    session,
                    actor,
                    "import",
                    "phase",
                    phase.id,
                    after={"seq": v["seq"], "name": v["name"]},
                    campaign_id=camp.id,
                )
            _count(result, False, changed)
        tick("phases")

    # departments: parents before children
    pending = list(sheets.get("departments", []))
    known = {c for (c,) in session.execute(select(Department.code))}
    while pending:
        ready = [
            r
            for r in pending
            if not r.values.get("parent_code") or r.values["parent_code"] in known
        ]
        if not ready:  # pragma: no cover - cycles are refused in validate()
            break
        for row in ready:
            v = row.values
            existed = v["code"] in known
            _dept, changed = upsert_department(
                actor=actor,
                session=session,
                code=v["code"],
                name=v["name"],
                name_en=v.get("name_en"),
                kind=v.get("kind") or "department",
                parent_code=v.get("parent_code"),
                sort_order=v.get("sort_order") or 0,
                active=True if v.get("active") is None else bool(v["active"]),
            )
            known.add(v["code"])
            _count(result, not existed, changed)
            tick("departments")
        pending = [r for r in pending if r not in ready]
    session.flush()

    by_campaign: dict[int, list[dict[str, Any]]] = {}
    for row in sheets.get("tasks", []):
        v = row.values
        camp = campaign_of(row)
        by_campaign.setdefault(camp.id, []).append(
            {
                "code": v["code"],
                "title": v["title"],
                "area": v.get("area"),
                "due_date": v.get("due_date"),
                "weight": v.get("weight") if v.get("weight") is not None else 1.0,
                "target_text": v.get("target_text"),
                "target_value": v.get("target_value"),
                "target_direction": v.get("target_direction"),
                "target_unit": v.get("target_unit"),
                "active": True if v.get("active") is None else bool(v["active"]),
                "departments": v.get("departments") or [],
                "lead": v.get("lead"),
            }
        )
    for cid, rows in by_campaign.items():
        existing = {c for (c,) in session.execute(select(Task.code).where(Task.campaign_id == cid))}
        n_changed = save_tasks(actor=actor, session=session, campaign_id=cid, rows=rows)
        new = sum(1 for r in rows if r["code"] not in existing)
        result.created += new
        result.updated += max(n_changed - new, 0)
        result.unchanged += len(rows) - max(n_changed, new)
        for _ in rows:
            tick("tasks")

    for row in sheets.get("users", []):
        v = row.values
        username = v["username"].lower()
        roles = [r for r in ROLES if r in v["roles"]]
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            create_user(
                actor=actor,
                session=session,
                username=username,
                password_hash=hash_password(secrets.token_urlsafe(24), rounds=4),
                roles=roles,
                display_name=v.get("display_name") or username,
                department_code=v.get("department_code"),
            )
            if v.get("active") is False:
                set_user_active(actor=actor, session=session, username=username, active=False)
            _count(result, True, True)
        else:
            changed = update_user(
                actor=actor,
                session=session,
                username=username,
                display_name=v.get("display_name") or user.display_name,
                roles=roles,
                department_code=v.get("department_code"),
            )
            active = True if v.get("active") is None else bool(v["active"])
            if active != user.active and user.id != actor.user_id:
                set_user_active(actor=actor, session=session, username=username, active=active)
                changed = True
            _count(result, False, changed)
        tick("users")

    depts = {d.code: d for d in session.scalars(select(Department))}
    for row in sheets.get("indicators", []):
        v = row.values
        camp = campaign_of(row)
        ind = session.scalar(
            select(Indicator).where(Indicator.campaign_id == camp.id, Indicator.code == v["code"])
        )
        values = {
            "name": v["name"],
            "name_en": v.get("name_en"),
            "group": v.get("group") or "patient",
            "unit": v.get("unit"),
            "scale": v.get("scale"),
            "min_value": v.get("min_value"),
            "max_value": v.get("max_value"),
            "target": v.get("target"),
            "direction": v.get("direction") or "higher",
            "is_composite": (v.get("scale") or 0) >= 1000,
        }
        if ind is None:
            ind = Indicator(campaign_id=camp.id, code=v["code"], seq=row.number - 1, **values)
            session.add(ind)
            session.flush()
            audit(
                session,
                actor,
                "import",
                "indicator",
                ind.id,
                after={"code": v["code"]},
                campaign_id=camp.id,
            )
            _count(result, True, True)
        else:
            changed = _set(ind, values)
            if changed:
                audit(
                    session,
                    actor,
                    "import",
                    "indicator",
                    ind.id,
                    after={"code": v["code"]},
                    campaign_id=camp.id,
                )
            _count(result, False, changed)
        tick("indicators")
    session.flush()

    values_changed = 0
    for row in sheets.get("indicator_values", []):
        v = row.values
        camp = campaign_of(row)
        ind = session.scalar(
            select(Indicator).where(
                Indicator.campaign_id == camp.id, Indicator.code == v["indicator_code"]
            )
        )
        assert ind is not None
        dept = depts[v["department_code"]]
        iv = session.scalar(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id == ind.id,
                IndicatorValue.department_id == dept.id,
                IndicatorValue.period == v["period"],
            )
        )
        values = {"value": v["value"], "sample_size": v.get("sample_size"), "note": v.get("note")}
        if iv is None:
            session.add(
                IndicatorValue(
                    indicator_id=ind.id,
                    department_id=dept.id,
                    period=v["period"],
                    entered_by_id=actor.user_id,
                    **values,
                )
            )
            values_changed += 1
            _count(result, True, True)
        else:
            changed = _set(iv, values)
            values_changed += changed
            _count(result, False, changed)
        tick("indicator_values")
    if values_changed:
        session.flush()
        audit(session, actor, "import", "indicator_value", None, after={"rows": values_changed})

    updates_changed = 0
    for row in sheets.get("monthly_updates", []):
        v = row.values
        camp = campaign_of(row)
        assignment = session.scalar(
            select(Assignment)
            .join(Task, Task.id == Assignment.task_id)
            .where(
                Task.campaign_id == camp.id,
                Task.code == v["task_code"],
                Assignment.department_id == depts[v["department_code"]].id,
            )
        )
        assert assignment is not None
        upd = session.scalar(
            select(MonthlyUpdate).where(
                MonthlyUpdate.assignment_id == assignment.id, MonthlyUpdate.period == v["period"]
            )
        )
        values = {
            "percent_done": v["percent_done"],
            "status": v.get("status") or ("done" if v["percent_done"] >= 100 else "in_progress"),
            "work_done": v.get("work_done"),
            "problems": v.get("problems"),
            "next_steps": v.get("next_steps"),
            "review_state": v.get("review_state") or "submitted",
        }
        if upd is None:
            session.add(
                MonthlyUpdate(
                    assignment_id=assignment.id,
                    period=v["period"],
                    updated_by_id=actor.user_id,
                    **values,
                )
            )
            updates_changed += 1
            _count(result, True, True)
        else:
            changed = _set(upd, values)
            updates_changed += changed
            _count(result, False, changed)
        tick("monthly_updates")
    if updates_changed:
        session.flush()
        audit(session, actor, "import", "monthly_update", None, after={"rows": updates_changed})

    bench_changed = 0
    for row in sheets.get("benchmarks", []):
        v = row.values
        camp = campaign_of(row)
        dept_id = depts[v["department_code"]].id if v.get("department_code") else None
        bench = session.scalar(
            select(PeerBenchmark).where(
                PeerBenchmark.campaign_id == camp.id,
                PeerBenchmark.period == v["period"],
                PeerBenchmark.label == v["label"],
                PeerBenchmark.group == (v.get("group") or "overall"),
                PeerBenchmark.peer_group.is_(None)
                if v.get("peer_group") is None
                else PeerBenchmark.peer_group == v["peer_group"],
                PeerBenchmark.department_id.is_(None)
                if dept_id is None
                else PeerBenchmark.department_id == dept_id,
            )
        )
        values = {
            "group": v.get("group") or "overall",
            "score": v.get("score"),
            "scale": v.get("scale"),
            "rate": v.get("rate"),
            "rank": v.get("rank"),
            "peer_count": v.get("peer_count"),
            "peer_group": v.get("peer_group"),
            "source": v.get("source"),
        }
        if bench is None:
            session.add(
                PeerBenchmark(
                    campaign_id=camp.id,
                    department_id=dept_id,
                    period=v["period"],
                    label=v["label"],
                    **values,
                )
            )
            bench_changed += 1
            _count(result, True, True)
        else:
            changed = _set(bench, values)
            bench_changed += changed
            _count(result, False, changed)
        tick("benchmarks")
    if bench_changed:
        session.flush()
        audit(session, actor, "import", "peer_benchmark", None, after={"rows": bench_changed})
    if progress:
        progress(1.0, "")


# --- templates ------------------------------------------------------------------------


def template_workbook(sheet_keys: list[str] | None = None, lang: str = "zh") -> bytes:
    """An empty workbook with the headers (required ones marked *) and an instructions sheet."""
    from openpyxl import Workbook
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
        ws = wb.create_sheet(sheet.zh if lang == "zh" else sheet.en)
        ws.append(
            [(c.zh if lang == "zh" else c.en) + ("*" if c.required else "") for c in sheet.columns]
        )
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E3F2FD")
        ws.freeze_panes = "A2"
        for i, c in enumerate(sheet.columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, 2 * len(c.zh) + 4)
            kind = t(f"import.type_{c.kind}", lang)
            if c.choices:
                kind += "：" + " / ".join(c.choices)
            info.append([ws.title, c.zh if lang == "zh" else c.en, "✓" if c.required else "", kind])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 18
    info.column_dimensions["D"].width = 50
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

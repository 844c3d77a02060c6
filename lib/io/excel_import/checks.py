"""Checks of the whole workbook against itself and the database before anything is
written: references (campaigns, departments, tasks, indicators), duplicates, department
cycles, and the task table by the write side's own validator. The rules of the records
themselves (month locks, approved reports, value ranges, …) are the write side's, applied
when the import writes (``lib.io.excel_import.importer``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib import write
from lib.io.excel_import.reading import ImportIssue, Percent, Row, nfkc
from lib.io.excel_import.sheets import column, fold, label, suggest
from lib.models import Assignment, Campaign, Department, Indicator, Task


class Workbook:
    """The rows read, what exists (database plus the file), and the campaign a row is
    for; ``flag`` records an issue at a sheet, row and column."""

    def __init__(
        self,
        session: Session,
        sheets: dict[str, list[Row]],
        names: dict[str, str],
        campaign_id: int | None,
        lang: str | None = None,
    ) -> None:
        self.session, self.sheets, self.names, self.lang = session, sheets, names, lang
        self.issues: list[ImportIssue] = []
        self.default_campaign = session.get(Campaign, campaign_id) if campaign_id else None
        self.campaigns_db: dict[str, Campaign] = {}
        self.load_campaigns()
        self.campaign_names_file = {
            r.values["name"] for r in sheets.get("campaigns", []) if r.values.get("name")
        }
        self.dept_codes: set[str] = set()
        self.dept_names: dict[str, set[str]] = {}  # a name as compared -> the codes
        self.dept_shown: dict[str, str] = {}  # "name（code）" -> the name as compared
        stored = session.execute(select(Department.code, Department.name, Department.name_en))
        in_file = [
            (r.values.get("code"), r.values.get("name"), r.values.get("name_en"))
            for r in sheets.get("departments", [])
        ]
        for code, name, name_en in [*stored, *in_file]:
            if not code:
                continue
            self.dept_codes.add(code)
            self.dept_shown[code] = fold(code)
            for n in (name, name_en):
                if n:
                    self.dept_names.setdefault(fold(n), set()).add(code)
                    self.dept_shown[f"{nfkc(n)}（{code}）"] = fold(n)

    def load_campaigns(self) -> None:
        """The stored campaigns by name (of two alike, the older)."""
        self.campaigns_db = {
            c.name: c for c in self.session.scalars(select(Campaign).order_by(Campaign.id.desc()))
        }

    def rows(self, sheet: str) -> list[Row]:
        return self.sheets.get(sheet, [])

    def campaign_name(self, row: Row) -> str | None:
        """The campaign a row is for: its own column, else the campaign chosen, else the
        file's only campaign."""
        name = row.values.get("campaign")
        if name:
            return str(name)
        if self.default_campaign is not None:
            return self.default_campaign.name
        if len(self.campaign_names_file) == 1:
            return next(iter(self.campaign_names_file))
        return None

    def column_label(self, sheet: str, key: str) -> str:
        """The header of the column with this key ("—" when the sheet has none)."""
        col = column(sheet, key)
        return label(col, self.lang) if col is not None else "—"

    def flag(self, sheet: str, row: Row | int, key_column: str, key: str, **params: Any) -> None:
        """An issue at ``sheet`` (its key), ``row`` (a row or a row number) and the column
        with key ``key_column`` ("—" for none)."""
        number = row.number if isinstance(row, Row) else row
        self.issues.append(
            ImportIssue(
                self.names.get(sheet, sheet),
                number,
                self.column_label(sheet, key_column),
                key,
                params,
            )
        )

    def duplicates(
        self,
        sheet: str,
        column_key: str,
        *keys: str,
        key: Callable[[Row], Any] | None = None,
        per_campaign: bool = True,
    ) -> None:
        """Flag rows whose key (the columns ``keys`` within the row's campaign, or
        ``key``) an earlier row has too; the issue is shown at ``column_key``."""

        def key_of(row: Row) -> Any:
            if key is not None:
                return key(row)
            values = tuple(row.values.get(k) for k in keys)
            return (self.campaign_name(row), *values) if per_campaign else values

        seen: dict[Any, int] = {}
        for row in self.rows(sheet):
            k = key_of(row)
            if k is None or (isinstance(k, tuple) and None in k[1 if per_campaign else 0 :]):
                continue  # a key cell left empty or refused is reported as such
            if k in seen:
                self.flag(sheet, row, column_key, "import.error_duplicate", first=seen[k])
            else:
                seen[k] = row.number

    def need_campaign(self, sheet: str, row: Row) -> str | None:
        name = self.campaign_name(row)
        if name is None:
            self.flag(sheet, row, "campaign", "import.error_campaign_missing")
            return None
        if name not in self.campaigns_db and name not in self.campaign_names_file:
            self.flag(sheet, row, "campaign", "import.error_campaign_unknown", name=name)
            return None
        return name

    def department_code(self, sheet: str, row: Row, key: str, text: str) -> str | None:
        """The code of the department written ``text`` (its code, or its Chinese or
        English name, compared after NFKC); None, flagged with suggestions, if none or
        more than one department is meant."""
        if text in self.dept_codes:
            return text
        codes = self.dept_names.get(fold(text), set())
        if len(codes) == 1:
            return next(iter(codes))
        if codes:
            self.flag(
                sheet,
                row,
                key,
                "import.error_department_ambiguous",
                value=text,
                codes="、".join(sorted(codes)),
            )
            return None
        hints = suggest(text, self.dept_shown)
        if hints:
            self.flag(
                sheet,
                row,
                key,
                "import.error_department_suggest",
                value=text,
                hints="、".join(hints),
            )
        else:
            self.flag(sheet, row, key, "import.error_department_unknown", code=text)
        return None

    def need_department(self, sheet: str, row: Row, key: str) -> None:
        """The department column ``key`` of the row as codes (a name is replaced by its
        code); an unknown or ambiguous department is flagged."""
        value = row.values.get(key)
        if value is None:
            return
        if isinstance(value, list):
            codes = [self.department_code(sheet, row, key, str(v)) for v in value]
            row.values[key] = [c for c in codes if c is not None]
            if None in codes:
                row.values[key] = None
            return
        row.values[key] = self.department_code(sheet, row, key, str(value))


def _check_campaigns(wb: Workbook) -> None:
    wb.duplicates("campaigns", "name", "name", per_campaign=False)


def _check_phases(wb: Workbook) -> None:
    wb.duplicates("phases", "seq", "seq")
    for row in wb.rows("phases"):
        wb.need_campaign("phases", row)


def _check_departments(wb: Workbook) -> None:
    wb.duplicates("departments", "code", "code", per_campaign=False)
    for row in wb.rows("departments"):
        wb.need_department("departments", row, "parent_code")
    parents = {r.values.get("code"): r.values.get("parent_code") for r in wb.rows("departments")}
    for row in wb.rows("departments"):
        code = row.values.get("code")
        if code and not write.DEPARTMENT_CODE_RE.match(code):
            wb.flag("departments", row, "code", "import.error_code_format")
        seen, cur = set(), code
        while cur in parents and cur not in seen:
            seen.add(cur)
            cur = parents[cur]
        if cur is not None and cur in seen:
            wb.flag("departments", row, "parent_code", "import.error_cycle")


def _check_tasks(wb: Workbook) -> dict[tuple[str, str], set[str]]:
    """The task table of each campaign by the write side's validator; returns the
    departments of each (campaign, task code) the file assigns."""
    by_campaign: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    assigned: dict[tuple[str, str], set[str]] = {}
    wb.duplicates("tasks", "code", "code")
    for row in wb.rows("tasks"):
        wb.need_department("tasks", row, "departments")
        wb.need_department("tasks", row, "lead")
        name = wb.need_campaign("tasks", row)
        if name is None:
            continue
        by_campaign.setdefault(name, []).append((row.number, task_values(row)))
        if row.values.get("code"):
            assigned[(name, row.values["code"])] = set(row.values.get("departments") or [])
    for rows in by_campaign.values():
        for refusal in write.check_task_rows(rows, wb.dept_codes):
            if refusal.error.key == "setup.task_error_duplicate":
                continue  # flagged above, naming the first row
            wb.flag("tasks", refusal.ref, refusal.field, refusal.error.key, **refusal.error.params)
    return assigned


def _check_users(wb: Workbook) -> None:
    wb.duplicates(
        "users", "username", key=lambda r: (r.values.get("username") or "").lower() or None
    )
    for row in wb.rows("users"):
        username = (row.values.get("username") or "").lower()
        if username and not write.USERNAME_RE.match(username):
            wb.flag("users", row, "username", "import.error_username")
        wb.need_department("users", row, "department_code")
        if "liaison" in (row.values.get("roles") or []) and not row.values.get("department_code"):
            wb.flag("users", row, "department_code", "import.error_liaison_department")


def _check_indicator_values(wb: Workbook) -> None:
    wb.duplicates("indicators", "code", "code")
    units: dict[tuple[str, str], str | None] = {}  # (campaign, indicator code) -> unit
    for c in wb.campaigns_db.values():
        for code, unit in wb.session.execute(
            select(Indicator.code, Indicator.unit).where(Indicator.campaign_id == c.id)
        ):
            units[(c.name, code)] = unit
    for row in wb.rows("indicators"):
        name = wb.need_campaign("indicators", row)
        if name and row.values.get("code"):
            units[(name, row.values["code"])] = row.values.get("unit")
    known = set(units)
    wb.duplicates("indicator_values", "period", "indicator_code", "department_code", "period")
    for row in wb.rows("indicator_values"):
        name = wb.need_campaign("indicator_values", row)
        wb.need_department("indicator_values", row, "department_code")
        ind_code = row.values.get("indicator_code")
        if name and ind_code and (name, ind_code) not in known:
            wb.flag(
                "indicator_values",
                row,
                "indicator_code",
                "import.error_indicator_unknown",
                code=ind_code,
            )
        value = row.values.get("value")
        if isinstance(value, Percent) and name and ind_code and (name, ind_code) in known:
            unit = nfkc(units[(name, ind_code)] or "")
            if unit == "%":
                row.values["value"] = value.points
            else:
                row.values["value"] = None
                wb.flag(
                    "indicator_values",
                    row,
                    "value",
                    "import.error_percent_indicator",
                    code=ind_code,
                    unit=unit or "—",
                )


def _check_monthly_updates(wb: Workbook, assigned: dict[tuple[str, str], set[str]]) -> None:
    for c in wb.campaigns_db.values():
        for a_task, a_dept in wb.session.execute(
            select(Task.code, Department.code)
            .join(Assignment, Assignment.task_id == Task.id)
            .join(Department, Department.id == Assignment.department_id)
            .where(Task.campaign_id == c.id)
        ):
            assigned.setdefault((c.name, a_task), set()).add(a_dept)
    wb.duplicates("monthly_updates", "period", "task_code", "department_code", "period")
    for row in wb.rows("monthly_updates"):
        name = wb.need_campaign("monthly_updates", row)
        wb.need_department("monthly_updates", row, "department_code")
        task, dept = row.values.get("task_code"), row.values.get("department_code")
        if not (name and task):
            continue
        if (name, task) not in assigned:
            wb.flag("monthly_updates", row, "task_code", "import.error_task_unknown", code=task)
        elif dept and dept in wb.dept_codes and dept not in assigned[(name, task)]:
            wb.flag(
                "monthly_updates",
                row,
                "department_code",
                "import.error_not_assigned",
                code=dept,
                task=task,
            )


def _check_benchmarks(wb: Workbook) -> None:
    wb.duplicates(
        "benchmarks",
        "label",
        key=lambda r: (
            wb.campaign_name(r),
            r.values.get("period"),
            r.values.get("label"),
            r.values.get("group") or "overall",
            r.values.get("department_code"),
            r.values.get("peer_group"),
        ),
    )
    for row in wb.rows("benchmarks"):
        wb.need_campaign("benchmarks", row)
        wb.need_department("benchmarks", row, "department_code")


def task_values(row: Row) -> dict[str, Any]:
    """A row of the 任务 sheet as a row of the write side's task table."""
    v = row.values
    return {
        "code": v.get("code"),
        "title": v.get("title"),
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


def validate(
    session: Session,
    sheets: dict[str, list[Row]],
    names: dict[str, str],
    campaign_id: int | None,
    lang: str | None = None,
) -> list[ImportIssue]:
    """Reference, duplicate and consistency checks over the whole file."""
    wb = Workbook(session, sheets, names, campaign_id, lang)
    _check_campaigns(wb)
    _check_phases(wb)
    _check_departments(wb)
    assigned = _check_tasks(wb)
    _check_users(wb)
    _check_indicator_values(wb)
    _check_monthly_updates(wb, assigned)
    _check_benchmarks(wb)
    for sheet, rows in sheets.items():  # a percentage nothing gave a meaning to
        for row in rows:
            for key, value in row.values.items():
                if isinstance(value, Percent):
                    row.values[key] = None
                    if not any(i.row == row.number for i in wb.issues):
                        wb.flag(sheet, row, key, "import.error_percent_not_here")
    return wb.issues

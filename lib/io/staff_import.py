"""Staff from Excel (issue 20): the first sheet, headers in row 1 (Chinese or English),
one person a row: 姓名 name, 科室编码 department code, 岗位 post, 窗口 window, 工号 staff
number. Read whole and checked before anything is written; every problem names its
sheet, row and column. A window named but not yet known is created for the department;
a staff number already known updates that person (without a number: the person of
that name in the department)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.models import Department, ServicePoint, Staff
from lib.write import ServiceError, all_or_nothing, require
from lib.write import recognition as rec

MAX_ROWS = 20000
HEADERS = {
    "name": ("姓名", "name"),
    "department": ("科室编码", "department code", "department"),
    "post": ("岗位", "post"),
    "window": ("窗口", "window"),
    "staff_no": ("工号", "staff number", "staff no"),
}
REQUIRED = ("name", "department")


@dataclass(frozen=True)
class StaffProblem:
    """One problem of the file: an i18n key with its parameters."""

    key: str
    params: dict[str, Any]

    def message(self, lang: str | None = None) -> str:
        return ServiceError(self.key, **self.params).message(lang)


@dataclass(frozen=True)
class StaffLine:
    row: int
    name: str
    department_code: str
    post: str | None
    window: str | None
    staff_no: str | None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_staff(data: bytes) -> tuple[list[StaffLine], list[StaffProblem]]:
    """The rows of the workbook, and what is wrong with it (nothing written)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return [], [StaffProblem("error.staff_import_file", {})]
    ws = wb.worksheets[0]
    sheet = ws.title
    rows = ws.iter_rows(values_only=True)
    header = [_text(c).lower() for c in next(rows, ())]
    columns: dict[str, int] = {}
    for field, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                columns[field] = i
                break
    problems = [
        StaffProblem("error.staff_import_header", {"sheet": sheet, "column": HEADERS[f][0]})
        for f in REQUIRED
        if f not in columns
    ]
    if problems:
        return [], problems
    lines: list[StaffLine] = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            break
        cells = {f: _text(row[i]) if i < len(row) else "" for f, i in columns.items()}
        if not any(cells.values()):
            continue
        for field in REQUIRED:
            if not cells[field]:
                problems.append(
                    StaffProblem(
                        "error.staff_import_cell",
                        {
                            "sheet": sheet,
                            "row": number,
                            "column": HEADERS[field][0],
                            "reason": ServiceError("error.recog_name_required"),
                        },
                    )
                )
        lines.append(
            StaffLine(
                number,
                cells["name"][:100],
                cells["department"],
                cells.get("post") or None,
                cells.get("window") or None,
                cells.get("staff_no") or None,
            )
        )
    wb.close()
    if not lines and not problems:
        problems.append(StaffProblem("error.staff_import_empty", {}))
    return lines, problems


def import_staff(
    data: bytes, *, actor: Actor, session: Session, sheet: str | None = None
) -> tuple[int, list[StaffProblem]]:
    """Read and write the staff of a workbook, all or nothing: (rows written, problems)."""
    require(actor, "recognition.manage")
    lines, problems = read_staff(data)
    if problems:
        return 0, problems
    from openpyxl import load_workbook

    sheet = sheet or load_workbook(io.BytesIO(data), read_only=True).worksheets[0].title
    depts = {d.code: d for d in session.scalars(select(Department))}
    for line in lines:
        if line.department_code not in depts:
            problems.append(
                StaffProblem(
                    "error.staff_import_cell",
                    {
                        "sheet": sheet,
                        "row": line.row,
                        "column": HEADERS["department"][0],
                        "reason": ServiceError(
                            "error.department_unknown", code=line.department_code
                        ),
                    },
                )
            )
    if problems:
        return 0, problems
    try:
        with all_or_nothing(session):
            for line in lines:
                dept = depts[line.department_code]
                point_id = None
                if line.window:
                    point = session.scalar(
                        select(ServicePoint).where(
                            ServicePoint.department_id == dept.id, ServicePoint.name == line.window
                        )
                    )
                    if point is None:
                        point = rec.save_service_point(
                            actor=actor, session=session, department_id=dept.id, name=line.window
                        )
                    point_id = point.id
                known = (
                    session.scalar(select(Staff).where(Staff.staff_no == line.staff_no))
                    if line.staff_no
                    else session.scalar(
                        select(Staff)
                        .where(
                            Staff.department_id == dept.id,
                            Staff.name == line.name,
                            Staff.staff_no.is_(None),
                        )
                        .limit(1)
                    )
                )
                try:
                    rec.save_staff(
                        actor=actor,
                        session=session,
                        department_id=dept.id,
                        name=line.name,
                        post=line.post,
                        service_point_id=point_id,
                        staff_no=line.staff_no,
                        staff_id=known.id if known else None,
                    )
                except ServiceError as exc:
                    problems.append(
                        StaffProblem(
                            "error.staff_import_cell",
                            {
                                "sheet": sheet,
                                "row": line.row,
                                "column": HEADERS["name"][0],
                                "reason": exc,
                            },
                        )
                    )
                    raise
    except ServiceError:
        return 0, problems
    return len(lines), []

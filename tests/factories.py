"""Builders of test data, shared by every test module.

- ``make_world``: two departments, two tasks, indicators and one user per role, around
  today; built through the write services (``from lib import write``) wherever one exists.
- ``build_worked_example``: the hand-built campaign with known answers of docs/scoring.md.
- ``sqlite_database``: a migrated SQLite file; ``raw_workbook`` / ``department_workbook``:
  hand-streamed .xlsx files; ``PNG``: the smallest file that passes as an image.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lib import write
from lib.db import bump_data_version, make_engine, session_scope, upgrade
from lib.domain.periods import period_of
from lib.domain.permissions import Actor
from lib.domain.scoring import DEFAULT_SETTINGS
from lib.models import (
    Assignment,
    Campaign,
    DataVersion,
    Department,
    Indicator,
    IndicatorDepartment,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    Task,
    TaskArea,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sqlite_database(path: Path) -> Engine:
    """A migrated, empty SQLite database in ``path``."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


# --- the world of the service tests ----------------------------------------------------


@dataclass
class World:
    campaign_id: int
    dept_a: int
    dept_b: int
    task1: int
    asg_a1: int  # task 1, department A
    asg_a2: int  # task 2, department A
    asg_b1: int  # task 1, department B
    sat_id: int  # satisfaction item, 0..100, A only
    complaints_id: int  # complaints, >= 0, every department
    liaison_a: Actor
    liaison_b: Actor
    office: Actor
    leader: Actor
    period: str


WORLD_USERS = (  # username, role, department code, display name
    ("liaison_a", "liaison", "A", "liaison_a"),
    ("liaison_b", "liaison", "B", "liaison_b"),
    ("office", "office", None, "办公室张三"),
    ("leader", "leader", None, "leader"),
)


def make_world(engine: Engine) -> World:
    """Two departments, two tasks, indicators and users; the campaign runs around today.

    Departments, tasks with their assignments and users go through the write services
    (so they carry their audit rows); the campaign itself and its indicators have no
    write service of their own (campaigns come from a template or a plan, indicators from
    a template or the Excel import), so those rows are added directly.
    """
    today = dt.date.today()
    start = (today.replace(day=1) - dt.timedelta(days=75)).replace(day=1)
    end = today + dt.timedelta(days=120)
    system = Actor.system()
    with session_scope(engine) as s:
        s.merge(DataVersion(id=1, version=0))  # upgrade() may have made it
        depts = {
            code: write.upsert_department(
                actor=system, session=s, code=code, name=name, name_en=name_en
            )[0].id
            for code, name, name_en in (("A", "甲科", "Dept A"), ("B", "乙科", "Dept B"))
        }
        c = Campaign(name="测试活动", start_date=start, end_date=end, settings={})
        s.add(c)
        s.flush()
        write.save_tasks(
            actor=system,
            session=s,
            campaign_id=c.id,
            rows=[
                {"code": "1", "title": "任务一", "due_date": end, "departments": ["A", "B"]},
                {"code": "2", "title": "任务二", "due_date": end, "departments": ["A"]},
            ],
        )
        tasks = {t.code: t.id for t in s.scalars(select(Task).where(Task.campaign_id == c.id))}
        assignment = {
            (code, dept): s.scalar(
                select(Assignment.id).where(
                    Assignment.task_id == tasks[code], Assignment.department_id == depts[dept]
                )
            )
            for code, dept in (("1", "A"), ("2", "A"), ("1", "B"))
        }
        sat = Indicator(
            campaign_id=c.id, code="SAT", name="服务态度", scale=100, min_value=0, max_value=100
        )
        comp = Indicator(
            campaign_id=c.id, code="COMP", name="投诉件数", unit="件", group="operations"
        )
        s.add_all([sat, comp])
        s.flush()
        s.add(IndicatorDepartment(indicator_id=sat.id, department_id=depts["A"]))
        users = {}
        for name, role, dept, display in WORLD_USERS:
            u = write.create_user(
                actor=system,
                session=s,
                username=name,
                password_hash="x",
                roles=[role],
                display_name=display,
                department_code=dept,
            )
            users[name] = Actor(
                username=name,
                roles=frozenset({role}),
                user_id=u.id,
                department_id=depts[dept] if dept else None,
            )
        return World(
            campaign_id=c.id,
            dept_a=depts["A"],
            dept_b=depts["B"],
            task1=tasks["1"],
            asg_a1=int(assignment["1", "A"] or 0),
            asg_a2=int(assignment["2", "A"] or 0),
            asg_b1=int(assignment["1", "B"] or 0),
            sat_id=sat.id,
            complaints_id=comp.id,
            liaison_a=users["liaison_a"],
            liaison_b=users["liaison_b"],
            office=users["office"],
            leader=users["leader"],
            period=period_of(today),
        )


# --- the worked example of docs/scoring.md ----------------------------------------------

D = dt.date
TODAY = D(2026, 3, 31)


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0)


def build_worked_example(session: Session) -> int:
    """The worked example's rows, written directly: its reports carry hand-set submission
    times and review states (late, draft, submitted) that the services would stamp with
    the clock. Departments 甲科 (A), 乙科 (B), 丙科 (C, no tasks); tasks T1 (weight 2, due 31 Mar),
    T2 (due 30 Jun), T3 (no due date). Returns the campaign id."""
    a = Department(code="A", name="甲科", name_en="Dept A", sort_order=1)
    b = Department(code="B", name="乙科", name_en="Dept B", sort_order=2)
    c = Department(code="C", name="丙科", name_en="Dept C", sort_order=3)
    session.add_all([a, b, c])
    camp = Campaign(
        name="示例活动",
        name_en="Worked example",
        start_date=D(2026, 1, 1),
        end_date=D(2026, 6, 30),
        target_satisfaction=90,
        settings=dict(DEFAULT_SETTINGS),
    )
    session.add(camp)
    session.flush()
    x = TaskArea(campaign_id=camp.id, seq=1, code="一", title="服务流程")
    y = TaskArea(campaign_id=camp.id, seq=2, code="二", title="服务态度")
    session.add_all([x, y])
    session.flush()
    t1 = Task(
        campaign_id=camp.id,
        area_id=x.id,
        seq=1,
        code="1",
        title="优化预约流程",
        weight=2.0,
        due_date=D(2026, 3, 31),
    )
    t2 = Task(
        campaign_id=camp.id,
        area_id=y.id,
        seq=2,
        code="2",
        title="文明用语培训",
        weight=1.0,
        due_date=D(2026, 6, 30),
    )
    t3 = Task(
        campaign_id=camp.id,
        area_id=y.id,
        seq=3,
        code="3",
        title="首诊负责制",
        weight=1.0,
        due_date=None,
    )
    session.add_all([t1, t2, t3])
    session.flush()
    a1 = Assignment(task_id=t1.id, department_id=a.id, is_lead=True)
    a2 = Assignment(task_id=t2.id, department_id=a.id, is_lead=True)
    b1 = Assignment(task_id=t1.id, department_id=b.id)
    b3 = Assignment(task_id=t3.id, department_id=b.id, is_lead=True)
    session.add_all([a1, a2, b1, b3])
    session.flush()
    reports = [
        (a1, "2026-01", 40, _at(1, 20), "approved"),
        (a1, "2026-02", 80, _at(2, 26), "approved"),  # late (after the 25th)
        (a1, "2026-03", 100, _at(3, 10), "approved"),
        (a2, "2026-01", 10, _at(1, 20), "approved"),
        (a2, "2026-02", 30, _at(2, 20), "approved"),
        (a2, "2026-03", 50, _at(3, 20), "approved"),
        (b1, "2026-01", 20, _at(1, 28), "approved"),  # late
        (b1, "2026-02", 50, _at(2, 10), "approved"),
        (b3, "2026-02", 90, None, "draft"),  # a draft never counts
        (b3, "2026-03", 60, _at(3, 5), "submitted"),
    ]
    for asg, period, pct, at, state in reports:
        session.add(
            MonthlyUpdate(
                assignment_id=asg.id,
                period=period,
                percent_done=pct,
                submitted_at=at,
                review_state=state,
                updated_at=at or _at(2, 1),
            )
        )
    sat = Indicator(
        campaign_id=camp.id,
        code="PATIENT_SAT",
        name="患者满意度",
        name_en="Patient satisfaction",
        group="patient",
        unit="%",
        scale=100,
        min_value=0,
        max_value=100,
        target=90,
        direction="higher",
        seq=1,
    )
    comp = Indicator(
        campaign_id=camp.id,
        code="COMPLAINTS",
        name="投诉件数",
        name_en="Complaints",
        group="operations",
        unit="件",
        target=0,
        direction="lower",
        seq=2,
    )
    session.add_all([sat, comp])
    session.flush()
    session.add_all(
        [
            IndicatorValue(
                indicator_id=sat.id, department_id=a.id, period="2026-03", value=93, sample_size=120
            ),
            IndicatorValue(
                indicator_id=sat.id, department_id=b.id, period="2026-03", value=86, sample_size=400
            ),
            IndicatorValue(indicator_id=comp.id, department_id=b.id, period="2026-03", value=2),
            InspectionScore(campaign_id=camp.id, department_id=a.id, period="2026-03", score=90),
            InspectionScore(campaign_id=camp.id, department_id=b.id, period="2026-03", score=80),
        ]
    )
    bump_data_version(session)
    session.flush()
    return int(camp.id)


# --- hand-streamed workbooks -------------------------------------------------------------

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="科室" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(ref: str, value: str) -> bytes:
    from xml.sax.saxutils import escape

    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'.encode()


def raw_workbook(body: Callable[[], Iterable[bytes]]) -> bytes:
    """A minimal .xlsx (one sheet 科室, header 科室代码/科室名称) whose rows are streamed
    from ``body()`` straight into the zip, so huge sheets cost little to build."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
                + _cell("A1", "科室代码")
                + _cell("B1", "科室名称")
                + b"</row>"
            )
            for chunk in body():
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def department_workbook(rows: list[tuple[str, str]]) -> bytes:
    """The 科室 sheet with one row per (code, name)."""

    def body() -> Iterable[bytes]:
        for i, (code, name) in enumerate(rows, start=2):
            yield f'<row r="{i}">'.encode() + _cell(f"A{i}", code) + _cell(f"B{i}", name)
            yield b"</row>"

    return raw_workbook(body)


def wizard_plan(name: str, departments: str, *, end: str = "2026-03-31") -> dict[str, Any]:
    """A reviewed plan of one task (area 任务, code 1) for the named departments (joined
    by 、), as 活动向导 keeps it in its draft: phases, tasks, start and end."""
    return {
        "name": name,
        "phases": [{"name": "整改", "start": "2026-01-01", "end": "2026-01-31"}],
        "tasks": [
            {
                "area": "任务",
                "code": "1",
                "title": "一项任务",
                "due": None,
                "departments": departments,
                "target": "",
            }
        ],
        "start": "2026-01-01",
        "end": end,
    }

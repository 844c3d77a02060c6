"""Hand-built campaign with known answers (the worked example of docs/scoring.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from lib.db import bump_data_version
from lib.domain.scoring import DEFAULT_SETTINGS
from lib.models import (
    Assignment,
    Campaign,
    Department,
    Indicator,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    Task,
    TaskArea,
)

D = dt.date
TODAY = D(2026, 3, 31)


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0)


def build_worked_example(session: Session) -> int:
    """Departments 甲科 (A), 乙科 (B), 丙科 (C, no tasks); tasks T1 (weight 2, due 31 Mar),
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
                indicator_id=sat.id, department_id=b.id, period="2026-03", value=86, sample_size=80
            ),
            IndicatorValue(indicator_id=comp.id, department_id=b.id, period="2026-03", value=2),
            InspectionScore(campaign_id=camp.id, department_id=a.id, period="2026-03", score=90),
            InspectionScore(campaign_id=camp.id, department_id=b.id, period="2026-03", score=80),
        ]
    )
    bump_data_version(session)
    session.flush()
    return int(camp.id)

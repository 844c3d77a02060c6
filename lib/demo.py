"""Realistic, deterministic demo data built from the campaign templates.

Two organisations: an emergency centre (seed 003's departments) running the 003 and 000
campaigns, and a city hospital with 33 departments running the 004 campaign. Campaign
dates are placed around ``today`` so the demo always looks live; everything else comes
from a seeded random generator, so the same ``today`` gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lib.db import bump_data_version
from lib.domain.clock import local_today
from lib.domain.periods import add_months, period_end, period_of, period_start, periods_between
from lib.domain.scoring import expected_progress
from lib.io.templates import create_campaign_from_template, load_template
from lib.models import (
    Assignment,
    AuditLog,
    Base,
    Campaign,
    Department,
    DepartmentLeader,
    Indicator,
    IndicatorDepartment,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    PeerBenchmark,
    PeriodLock,
    Problem,
    Task,
    User,
    utcnow,
)
from lib.write import hash_password, summary

DEMO_PASSWORD = "Demo@2026"
SEED = 20261122

EMC = ("NNEMC", "南宁急救医疗中心", "Nanning Emergency Medical Centre")
HOSPITAL = ("CITYH", "滕州市第一人民医院", "Tengzhou First People's Hospital")
HOSPITAL_DEPARTMENTS: list[tuple[str, str, str]] = [
    ("OPD", "门诊部", "Outpatient Office"),
    ("ED", "急诊科", "Emergency"),
    ("CARD", "心血管内科", "Cardiology"),
    ("RESP", "呼吸与危重症医学科", "Respiratory Medicine"),
    ("GI", "消化内科", "Gastroenterology"),
    ("NEURO", "神经内科", "Neurology"),
    ("ENDO", "内分泌科", "Endocrinology"),
    ("NEPH", "肾内科", "Nephrology"),
    ("GSURG", "普外科", "General Surgery"),
    ("ORTHO", "骨科", "Orthopaedics"),
    ("NSURG", "神经外科", "Neurosurgery"),
    ("URO", "泌尿外科", "Urology"),
    ("THOR", "胸外科", "Thoracic Surgery"),
    ("GYN", "妇科", "Gynaecology"),
    ("OBS", "产科", "Obstetrics"),
    ("PED", "儿科", "Paediatrics"),
    ("OPHTH", "眼科", "Ophthalmology"),
    ("ENT", "耳鼻喉科", "ENT"),
    ("DENT", "口腔科", "Stomatology"),
    ("DERM", "皮肤科", "Dermatology"),
    ("TCM", "中医科", "Traditional Chinese Medicine"),
    ("REHAB", "康复医学科", "Rehabilitation"),
    ("LAB", "检验科", "Clinical Laboratory"),
    ("RAD", "放射科", "Radiology"),
    ("US", "超声科", "Ultrasound"),
    ("PHARM", "药剂科", "Pharmacy"),
    ("NURSING", "护理部", "Nursing Department"),
    ("MEDADM", "医务科", "Medical Affairs"),
    ("HFIN", "财务科", "Finance"),
    ("IT", "信息科", "Information Technology"),
    ("LOGI", "总务科", "General Services"),
    ("SEC", "保卫科", "Security"),
    ("PARTY", "党办", "Party Office"),
]
CLINICAL = [
    "ED",
    "CARD",
    "RESP",
    "GI",
    "NEURO",
    "ENDO",
    "NEPH",
    "GSURG",
    "ORTHO",
    "NSURG",
    "URO",
    "THOR",
    "GYN",
    "OBS",
    "PED",
    "OPHTH",
    "ENT",
    "DENT",
    "DERM",
    "TCM",
    "REHAB",
]
INPATIENT = [c for c in CLINICAL if c not in ("OPHTH", "DENT", "DERM", "ENT")]
# seed 004 areas (1..9) -> functional departments that lead them
AREA_LEADS = {
    1: ["LOGI", "NURSING"],
    2: ["OPD", "IT"],
    3: ["MEDADM", "IT", "PHARM"],
    4: ["MEDADM", "NURSING"],
    5: ["NURSING", "OPD"],
    6: ["HFIN", "PHARM"],
    7: ["SEC", "MEDADM", "PARTY"],
    8: ["MEDADM", "PHARM"],
    9: ["PARTY", "PHARM", "LAB"],
}
# tasks every clinical department shares (rotated so each gets several)
CLINICAL_TASKS = {
    "11",
    "14",
    "17",
    "18",
    "19",
    "20",
    "22",
    "23",
    "25",
    "29",
    "43",
    "44",
}

WORK_DONE = [
    "召开科室专题会议，传达活动方案，明确责任人和完成时限。",
    "对照任务目标开展自查，梳理问题{n}项，已整改{m}项。",
    "完成窗口人员服务礼仪培训，参训{n}人次，考核合格率100%。",
    "优化就诊流程，增设自助设备{n}台，患者平均等候时间缩短。",
    "更新公示栏收费项目和价格，接受患者咨询{n}人次。",
    "开展患者满意度回访{n}例，收集意见建议{m}条并逐条反馈。",
    "完善制度{n}项，修订岗位服务规范，组织全员学习。",
    "联合信息科上线线上预约功能，本月线上预约占比提升至{n}%。",
]
PROBLEMS = [
    "部分人员对活动要求理解不到位，执行有偏差。",
    "设备采购流程较长，影响整改进度。",
    "高峰时段人手不足，等候时间仍偏长。",
    "信息系统改造需厂家配合，进度受限。",
    "",
    "",
]
NEXT_STEPS = [
    "下月完成剩余问题整改，开展效果评价。",
    "继续加强培训考核，落实奖惩措施。",
    "协调相关科室推进，按期完成任务目标。",
    "巩固整改成果，建立长效机制。",
]
DEMO_PROBLEMS = [
    ("complaint", "门诊收费窗口高峰时段排队时间长", ["HFIN", "OPD"]),
    ("self_check", "住院部部分卫生间有异味、保洁不及时", ["LOGI", "NURSING"]),
    ("inspection", "部分科室未公示投诉电话和责任科室", ["MEDADM", "PARTY"]),
    ("survey", "患者反映自费项目告知不充分", ["HFIN", "MEDADM"]),
    ("complaint", "急诊夜间检验报告出具时间偏长", ["LAB", "ED"]),
    ("self_check", "病历复印网上预约功能尚未上线", ["IT", "MEDADM"]),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    department: str | None


@dataclass
class DemoBuild:
    """What each step that fills one demo campaign needs: the session, the campaign, its
    departments, the day the demo runs, the random source and (once :meth:`reports` ran)
    each department's profile."""

    session: Session
    campaign: Campaign
    depts: list[Department]
    today: dt.date
    rng: random.Random
    profile: dict[int, dict[str, float]] = field(default_factory=dict)

    def periods(self, *, current: bool = False) -> list[str]:
        """The campaign's months before this one (and this one too with ``current``)."""
        now = period_of(self.today)
        months = periods_between(self.campaign.start_date, self.campaign.end_date)
        return [p for p in months if p < now or (current and p == now)]

    def reports(self) -> None:
        """Staggered deadlines, a profile per department and its monthly reports."""
        _spread_due_dates(self)
        self.profile = {d.id: _department_profile(self.rng) for d in self.depts}
        _monthly_updates(self)


def _month_start(day: dt.date, months: int) -> dt.date:
    return period_start(period_of(add_months(day.replace(day=1), months)))


def _month_end(day: dt.date, months: int) -> dt.date:
    return period_end(period_of(add_months(day.replace(day=1), months)))


def has_data(session: Session) -> bool:
    return bool(session.scalar(select(func.count(Campaign.id))))


def reset(session: Session) -> None:
    """Delete every row (demo --reset). Tables in reverse dependency order."""
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(delete(table))


def load_demo(session: Session, today: dt.date | None = None) -> list[DemoAccount]:
    """Load both demo organisations, their campaigns, reports and accounts."""
    today = today or local_today()
    rng = random.Random(SEED)
    emc_org, emc_depts = _emc_departments(session)
    hosp_org, hosp_depts = _hospital_departments(session)

    t003 = load_template("seed003")
    start000 = _month_start(today, -2)
    emc_by_name = {d.name: d for d in emc_depts}
    # (template, first day, last day, organisation, its departments by name) in the order
    # the campaigns are created
    plans = (
        (t003, _month_start(today, -10), _month_end(today, 1), emc_org, emc_by_name),
        (
            load_template("seed000"),
            start000,
            start000 + dt.timedelta(days=122),
            emc_org,
            emc_by_name,
        ),
        (load_template("seed004"), _month_start(today, -6), _month_end(today, 2), hosp_org, None),
    )
    c003, c000, c004 = (
        create_campaign_from_template(
            session, template, start=start, end=end, organisation=org, department_by_name=by_name
        )
        for template, start, end, org, by_name in plans
    )
    _assign_hospital(session, c004, hosp_depts, rng)
    # the plans name their own year; the demo runs now
    c003.name = re.sub(r"^\d{4}年", f"{c003.start_date.year - 1}年", c003.name)
    c000.name = re.sub(r"^\d{4}年", f"{c000.start_date.year}年", c000.name)
    for camp, year in ((c003, c003.start_date.year - 1), (c000, c000.start_date.year)):
        if camp.name_en:
            camp.name_en = re.sub(r"\b(19|20)\d{2}\b", str(year), camp.name_en)
    for campaign, depts in ((c003, emc_depts), (c000, emc_depts), (c004, hosp_depts)):
        build = DemoBuild(session, campaign, depts, today, rng)
        build.reports()
        _indicator_values(build, emc_org if campaign is not c004 else hosp_org)
        _inspection_scores(build)
        _locks(build)
    _benchmarks(session, c003, emc_org, t003, today)
    _problems(DemoBuild(session, c004, hosp_depts, today, rng))
    # seed 001 with its selection rounds (issue 20)
    from lib.demo_recognition import load_recognition_demo

    load_recognition_demo(session, today, hosp_org, hosp_depts)
    accounts = _accounts(session, emc_depts + hosp_depts)
    summary.invalidate(session)  # rebuilt on first read
    bump_data_version(session)
    return accounts


def _departments(
    session: Session,
    institution: tuple[str, str, str],
    rows: Sequence[tuple[str, str, str | None, str]],
) -> tuple[Department, list[Department]]:
    """The institution and its departments (code, name, English name, kind), in order."""
    org_code, org_name, org_en = institution
    org = Department(code=org_code, name=org_name, name_en=org_en, kind="institution")
    session.add(org)
    session.flush()
    depts = []
    for i, (code, name, name_en, kind) in enumerate(rows, start=1):
        row = Department(
            code=code, name=name, name_en=name_en, kind=kind, parent_id=org.id, sort_order=i
        )
        session.add(row)
        depts.append(row)
    session.flush()
    return org, depts


def _emc_departments(session: Session) -> tuple[Department, list[Department]]:
    names_en = {
        "DISPATCH": "Dispatch",
        "EMERG": "Emergency Care",
        "NANHU": "Nanhu Station",
        "BEIHU": "Beihu Station",
        "TRAIN": "Training",
        "OFFICE": "General Office",
        "HR": "Human Resources",
        "FIN": "Finance",
        "MEDSEC": "Medical Security & Aftercare",
    }
    rows = [
        (d["code"], d["name"], names_en.get(d["code"]), d.get("kind", "department"))
        for d in load_template("seed003")["departments"]
    ]
    return _departments(session, EMC, rows)


def _hospital_departments(session: Session) -> tuple[Department, list[Department]]:
    rows = [(code, name, name_en, "department") for code, name, name_en in HOSPITAL_DEPARTMENTS]
    return _departments(session, HOSPITAL, rows)


def _assign_hospital(
    session: Session, campaign: Campaign, depts: list[Department], rng: random.Random
) -> None:
    by_code = {d.code: d for d in depts}
    rotation = list(CLINICAL)
    rng.shuffle(rotation)
    pos = 0
    tasks = session.scalars(
        select(Task).where(Task.campaign_id == campaign.id).order_by(Task.seq)
    ).all()
    area_seq = {a.id: a.seq for a in campaign.areas}
    for task in tasks:
        leads = AREA_LEADS[area_seq[task.area_id] if task.area_id else 1]
        chosen = [leads[0], *rng.sample(leads[1:], k=min(len(leads) - 1, rng.randint(0, 1)))]
        if task.code in CLINICAL_TASKS:
            for _ in range(rng.randint(3, 5)):
                chosen.append(rotation[pos % len(rotation)])
                pos += 1
        seen: list[str] = []
        for code in chosen:
            if code not in seen and len(seen) < 6:
                seen.append(code)
        for i, code in enumerate(seen):
            session.add(Assignment(task_id=task.id, department_id=by_code[code].id, is_lead=i == 0))
    session.flush()


def _spread_due_dates(b: DemoBuild) -> None:
    """Plans give one deadline for all; real ledgers stagger them. Keep the plan's
    deadline for a third of the tasks, spread the rest over the b.campaign's months."""
    months = periods_between(b.campaign.start_date, b.campaign.end_date)
    candidates = [period_end(p) for p in months[2:]] or [b.campaign.end_date]
    for task in b.session.scalars(
        select(Task).where(Task.campaign_id == b.campaign.id).order_by(Task.seq)
    ):
        if task.due_date is None or b.rng.random() < 0.67:
            task.due_date = b.rng.choice(candidates)
        task.start_date = b.campaign.start_date
        task.weight = b.rng.choice([1.0, 1.0, 1.0, 1.5, 2.0])
    b.session.flush()


def _department_profile(rng: random.Random) -> dict[str, float]:
    """Leaders, average departments and laggards."""
    kind = rng.choices(["leader", "average", "laggard"], weights=[3, 5, 2])[0]
    speed = {
        "leader": rng.uniform(1.05, 1.25),
        "average": rng.uniform(0.9, 1.05),
        "laggard": rng.uniform(0.6, 0.85),
    }[kind]
    miss = {"leader": 0.02, "average": 0.06, "laggard": 0.2}[kind]
    return {
        "speed": speed,
        "miss": miss,
        "quality": {"leader": 1.0, "average": 0.0, "laggard": -1.5}[kind],
    }


def _monthly_updates(b: DemoBuild) -> None:
    rows = b.session.execute(
        select(Assignment, Task)
        .join(Task, Assignment.task_id == Task.id)
        .where(Task.campaign_id == b.campaign.id)
        .order_by(Task.seq, Assignment.id)
    ).all()
    current = period_of(b.today)
    periods = b.periods(current=True)
    report_day = 25
    for assignment, task in rows:
        prof = b.profile[assignment.department_id]
        percent = 0
        stall = b.rng.random() < 0.12  # some assignments stall for a while
        for period in periods:
            is_current = period == current
            # a missing report: chronic for laggards, and most of the month before deadline
            if b.rng.random() < prof["miss"] or (is_current and b.rng.random() < 0.35):
                continue
            at = min(period_end(period), b.today)
            due = task.due_date or b.campaign.end_date
            expected = expected_progress(task.start_date or b.campaign.start_date, due, at)
            goal = min(100.0, expected * prof["speed"] * b.rng.uniform(0.9, 1.1))
            if at > due and (prof["speed"] >= 0.9 or b.rng.random() < 0.8):
                goal = 100.0  # most departments finish once the deadline has passed
            if stall and period > periods[len(periods) // 3] and not is_current:
                goal = percent  # no progress this month
            percent = int(max(percent, min(100, round(goal / 5) * 5)))
            status = (
                "done" if percent >= 100 else ("not_started" if percent == 0 else "in_progress")
            )
            if is_current:
                state = b.rng.choice(["draft", "submitted", "submitted", "submitted"])
            elif period == periods[-2] if len(periods) > 1 else False:
                state = b.rng.choices(["approved", "submitted", "returned"], weights=[6, 3, 1])[0]
            else:
                state = "approved"
            submitted_day = min(period_end(period).day, max(1, report_day + b.rng.randint(-8, 5)))
            submitted_at = dt.datetime.combine(
                period_start(period).replace(day=submitted_day),
                dt.time(9 + b.rng.randint(0, 8)),
            )
            if is_current and submitted_at.date() > b.today:
                submitted_at = dt.datetime.combine(b.today, dt.time(8, 30))
            n, m = b.rng.randint(2, 30), b.rng.randint(1, 10)
            update = MonthlyUpdate(
                assignment_id=assignment.id,
                period=period,
                percent_done=percent,
                status=status,
                work_done=b.rng.choice(WORK_DONE).format(n=n, m=m),
                problems=b.rng.choice(PROBLEMS) or None,
                next_steps=b.rng.choice(NEXT_STEPS),
                review_state=state,
                reviewer_comment=(
                    "请补充整改佐证材料，并说明未完成原因。" if state == "returned" else None
                ),
                submitted_at=submitted_at if state != "draft" else None,
                updated_at=submitted_at,
                reviewed_at=(submitted_at + dt.timedelta(days=2)) if state == "approved" else None,
            )
            b.session.add(update)
    b.session.flush()


def _indicator_values(b: DemoBuild, org: Department) -> None:
    indicators = b.session.scalars(
        select(Indicator).where(Indicator.campaign_id == b.campaign.id).order_by(Indicator.seq)
    ).all()
    periods = b.periods()
    front = {
        "DISPATCH",
        "EMERG",
        "NANHU",
        "BEIHU",
        "MEDSEC",
        "OPD",
        "HFIN",
        "PHARM",
        "LAB",
    }
    for ind in indicators:
        if ind.is_composite:
            units = [org]
        elif ind.code in ("INPATIENT_SAT",):
            units = [d for d in b.depts if d.code in INPATIENT]
        elif ind.code in ("OUTPATIENT_SAT",):
            units = [d for d in b.depts if d.code in CLINICAL or d.code == "OPD"]
        elif ind.code in ("WINDOW_SAT", "WAIT_TIME") or "DISPATCH_TIME" in ind.code:
            units = [d for d in b.depts if d.code in front]
        elif ind.group == "patient":
            units = [d for d in b.depts if d.code in front or d.code in CLINICAL]
        else:
            units = list(b.depts)
        for d in units:
            b.session.add(IndicatorDepartment(indicator_id=ind.id, department_id=d.id))
        for d in units:
            quality = b.profile.get(d.id, {"quality": 0.0})["quality"]
            for i, period in enumerate(periods):
                trend = i / max(len(periods) - 1, 1)
                value = _indicator_value(ind, quality, trend, b.rng)
                if value is None:
                    continue
                b.session.add(
                    IndicatorValue(
                        indicator_id=ind.id,
                        department_id=d.id,
                        period=period,
                        value=value,
                        sample_size=b.rng.randint(30, 220)
                        if ind.group in ("patient", "staff")
                        else None,
                    )
                )
    b.session.flush()


def _indicator_value(
    ind: Indicator, quality: float, trend: float, rng: random.Random
) -> float | None:
    code = ind.code
    if ind.is_composite:
        return round(930 + 25 * trend + rng.uniform(-4, 4) + quality * 2, 2)
    if code == "WAIT_TIME":
        return round(max(5.0, 24 - 9 * trend + rng.uniform(-2, 2) - quality), 1)
    if code == "DAY_DISPATCH_TIME":
        return round(max(0.5, 1.4 - 0.5 * trend + rng.uniform(-0.15, 0.15)), 2)
    if code == "NIGHT_DISPATCH_TIME":
        return round(max(1.5, 3.6 - 0.8 * trend + rng.uniform(-0.3, 0.3)), 2)
    if ind.unit == "件":  # complaints
        return float(max(0, round(rng.uniform(0, 4) - 2 * trend - quality)))
    if code.endswith("RESOLVE_RATE") or (ind.unit == "%" and ind.target == 100):
        return round(min(100.0, 88 + 10 * trend + rng.uniform(-3, 2)), 1)
    # satisfaction items: 85–98, improving over the campaign; the fee item lags (seed 003)
    base = 89.5 + 4.5 * trend + quality * 1.2 + rng.uniform(-1.5, 1.5)
    if "FEE" in code:
        base -= 3.0
    if code.startswith("S_PERF"):
        base -= 5.0
    return round(min(98.0, max(85.0, base)), 2)


def _inspection_scores(b: DemoBuild) -> None:
    periods = b.periods()
    for period in periods[1:]:
        for d in b.depts:
            q = b.profile[d.id]["quality"]
            b.session.add(
                InspectionScore(
                    campaign_id=b.campaign.id,
                    department_id=d.id,
                    period=period,
                    score=round(min(99.0, max(70.0, 88 + 4 * q + b.rng.uniform(-5, 5))), 1),
                    comment=b.rng.choice(
                        [
                            "台账资料齐全。",
                            "现场整改到位。",
                            "公示内容未及时更新。",
                            "佐证材料不足，需补充。",
                            "服务礼仪规范。",
                        ]
                    ),
                )
            )
    b.session.flush()


def _locks(b: DemoBuild) -> None:
    periods = b.periods()
    for period in periods[:-2]:
        b.session.add(
            PeriodLock(campaign_id=b.campaign.id, period=period, locked=True, reason="审核完成")
        )
    b.session.flush()


def _benchmarks(
    session: Session,
    campaign: Campaign,
    org: Department,
    template: dict[str, Any],
    today: dt.date,
) -> None:
    """The survey that started the campaign (seed 003's figures), and an interim one."""
    baseline = period_of(add_months(campaign.start_date, -1))
    interim = period_of(add_months(today, -4))
    for b in template.get("benchmarks", []):
        for period, delta, rank_delta in ((baseline, 0.0, 0), (interim, 3.1, -1)):
            rank = b.get("rank")
            session.add(
                PeerBenchmark(
                    campaign_id=campaign.id,
                    department_id=org.id,
                    period=period,
                    label=b["label"],
                    group=b.get("group", "overall"),
                    score=round((b.get("score") or 0) + delta, 2) if b.get("score") else None,
                    scale=b.get("scale"),
                    rate=min(100.0, round((b.get("rate") or 0) + delta / 10, 2))
                    if b.get("rate")
                    else None,
                    rank=max(1, rank + rank_delta) if rank else None,
                    peer_count=b.get("peer_count"),
                    peer_group=b.get("peer_group"),
                    source="第三方满意度调查" if period == baseline else "第三方满意度调查（中期）",
                )
            )
    session.flush()


def _problems(b: DemoBuild) -> None:
    by_code = {d.code: d for d in b.depts}
    for i, (source, title, codes) in enumerate(DEMO_PROBLEMS, start=1):
        found = b.campaign.start_date + dt.timedelta(days=20 + i * 17)
        task = Task(
            campaign_id=b.campaign.id,
            area_id=None,
            seq=100 + i,
            code=f"P{i:02d}",
            title=title,
            description=f"问题来源：{source}。整改措施：制定整改方案，明确责任人，限期整改。",
            start_date=found,
            due_date=min(b.campaign.end_date, found + dt.timedelta(days=60)),
            weight=1.0,
            source=source,
        )
        b.session.add(task)
        b.session.flush()
        closed = i <= 2
        state_now = "closed" if closed else ("rectifying" if i <= 4 else "open")
        for j, code in enumerate(codes):
            assignment = Assignment(task_id=task.id, department_id=by_code[code].id, is_lead=j == 0)
            b.session.add(assignment)
            b.session.flush()
            _problem_reports(b.session, assignment.id, found, b.today, state_now, b.rng)
        b.session.add(
            Problem(
                campaign_id=b.campaign.id,
                code=f"P{i:02d}",
                title=title,
                description=task.description,
                source=source,
                found_on=found,
                found_period=period_of(found),
                task_id=task.id,
                state=state_now,
                verified_at=dt.datetime.combine(found + dt.timedelta(days=50), dt.time(10))
                if closed
                else None,
                verification_note="经现场核查，整改到位，予以销号。" if closed else None,
                closed_period=period_of(found + dt.timedelta(days=50)) if closed else None,
            )
        )
    b.session.flush()


def _problem_reports(
    session: Session,
    assignment_id: int,
    found: dt.date,
    today: dt.date,
    state: str,
    rng: random.Random,
) -> None:
    """Liaisons report on a problem like on any task: closed ones reached 100%."""
    periods = [p for p in periods_between(found, today) if p < period_of(today)]
    goal = {"closed": 100, "rectifying": rng.choice([60, 70, 80]), "open": 20}[state]
    for k, period in enumerate(periods):
        percent = min(goal, round(goal * (k + 1) / max(len(periods) - 1, 1) / 10) * 10)
        at = dt.datetime.combine(period_start(period).replace(day=20), dt.time(10))
        session.add(
            MonthlyUpdate(
                assignment_id=assignment_id,
                period=period,
                percent_done=percent,
                status="done" if percent >= 100 else "in_progress",
                work_done="已制定整改方案并落实整改措施。",
                next_steps="持续跟踪整改效果。",
                review_state="approved",
                submitted_at=at,
                updated_at=at,
                reviewed_at=at + dt.timedelta(days=2),
            )
        )


# 分管领导 (leaders in charge): every department has one, in turn (issue 22)
DEMO_LEADERS = (
    ("leader_wang", "王副院长"),
    ("leader_zhang", "张副院长"),
    ("leader_li", "李副院长"),
)


def demo_accounts(depts: list[Department]) -> list[DemoAccount]:
    accounts = [
        DemoAccount("admin", "admin", "系统管理员", None),
        DemoAccount("office", "office", "活动办公室", None),
        DemoAccount("leader", "leader", "院领导", None),
        DemoAccount("viewer", "viewer", "查看者", None),
    ]
    accounts += [DemoAccount(u, "leader", name, None) for u, name in DEMO_LEADERS]
    for d in depts:
        accounts.append(
            DemoAccount(f"liaison_{d.code.lower()}", "liaison", f"{d.name}联络员", d.code)
        )
    return accounts


def _accounts(session: Session, depts: list[Department]) -> list[DemoAccount]:
    accounts = demo_accounts(depts)
    shared_hash = hash_password(DEMO_PASSWORD)  # one hash: the password is public anyway
    by_code = {d.code: d.id for d in depts}
    for acc in accounts:
        session.add(
            User(
                username=acc.username,
                display_name=acc.display_name,
                password_hash=shared_hash,
                roles=acc.role,
                department_id=by_code.get(acc.department) if acc.department else None,
                is_demo=True,
            )
        )
    session.add(AuditLog(username="system", action="demo_load", entity="database", at=utcnow()))
    session.flush()
    leaders = [
        session.scalar(select(User.id).where(User.username == u)) for u, _name in DEMO_LEADERS
    ]
    for i, dept in enumerate(d for d in depts if d.kind != "institution"):
        session.add(DepartmentLeader(department_id=dept.id, user_id=leaders[i % len(leaders)]))
    session.flush()
    return accounts

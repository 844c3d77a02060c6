"""Demo data of recognition (issue 20): the city hospital runs seed 001's 服务提升年 with
its selection scheme — staff and windows, monthly satisfaction, evaluation-rate and
complaint figures, one finished quarter (winners chosen, 公示 over, an objection
answered) and the current quarter open for nominations. Called by
:func:`lib.demo.load_demo`; deterministic for a given ``today``."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.demo import DemoBuild
from lib.domain import recognition as rules
from lib.io.templates import create_campaign_from_template, load_template
from lib.models import (
    Campaign,
    Department,
    Indicator,
    IndicatorDepartment,
    IndicatorValue,
    Nomination,
    Objection,
    SelectionRound,
    ServicePoint,
    Staff,
)

SEED = 20260219
# windows (窗口 / 班组) of the hospital's front departments
WINDOWS = {
    "HFIN": ("门诊收费窗口", "Outpatient cashier window"),
    "PHARM": ("门诊药房窗口", "Outpatient pharmacy window"),
    "LAB": ("采血窗口", "Blood sampling window"),
    "OPD": ("导医服务台", "Patient guide desk"),
    "RAD": ("放射登记窗口", "Radiology registration window"),
}
# fictitious staff: name, department, post, at the department's window
STAFF = [
    ("王丽", "HFIN", "收费员", True),
    ("陈静", "HFIN", "收费组长", True),
    ("刘洋", "PHARM", "药师", True),
    ("赵敏", "PHARM", "主管药师", True),
    ("孙悦", "LAB", "检验技师", True),
    ("周婷", "OPD", "导医", True),
    ("吴芳", "OPD", "护士", True),
    ("郑凯", "RAD", "登记员", True),
    ("钱文", "CARD", "护士长", False),
    ("冯雪", "CARD", "主治医师", False),
    ("黄磊", "PED", "主治医师", False),
    ("林珊", "PED", "护士", False),
    ("何静", "NURSING", "护理干事", False),
    ("高飞", "ED", "护士", False),
    ("马兰", "GYN", "护士", False),
]
WEAK = {"ED", "LOGI"}  # a month below 90 or a complaint in the finished quarter


def _year(today: dt.date) -> int:
    """The campaign's year: this year once a quarter is over, else the last."""
    return today.year if today.month >= 5 else today.year - 1


def load_recognition_demo(
    session: Session, today: dt.date, organisation: Department, depts: list[Department]
) -> Campaign:
    rng = random.Random(SEED)
    year = _year(today)
    template = load_template("seed001")
    campaign = create_campaign_from_template(
        session,
        template,
        start=dt.date(year, 2, 19),
        end=dt.date(year, 12, 31),
        organisation=organisation,
        department_by_name={d.name: d for d in depts},
    )
    campaign.name = re.sub(r"^\d{4}年", f"{year}年", campaign.name)
    if campaign.name_en:
        campaign.name_en = re.sub(r"\b\d{4}\b", str(year), campaign.name_en)
    session.flush()
    build = DemoBuild(session, campaign, depts, today, rng)
    build.reports()
    by_code = {d.code: d for d in depts}
    points = _windows(session, by_code)
    staff = _staff(session, by_code, points)
    _figures(build)
    _rounds(session, campaign, today, _Hospital(by_code, points, staff))
    session.flush()
    return campaign


def _windows(session: Session, by_code: dict[str, Department]) -> dict[str, ServicePoint]:
    points = {}
    for code, (name, name_en) in WINDOWS.items():
        point = ServicePoint(department_id=by_code[code].id, name=name, name_en=name_en)
        session.add(point)
        points[code] = point
    session.flush()
    return points


def _staff(
    session: Session, by_code: dict[str, Department], points: dict[str, ServicePoint]
) -> dict[str, Staff]:
    people = {}
    for i, (name, code, post, window) in enumerate(STAFF, start=1):
        person = Staff(
            name=name,
            department_id=by_code[code].id,
            post=post,
            is_window=window,
            service_point_id=points[code].id if window and code in points else None,
            staff_no=f"D{i:04d}",
        )
        session.add(person)
        people[name] = person
    session.flush()
    return people


def _figures(b: DemoBuild) -> None:
    session, depts, rng = b.session, b.depts, b.rng
    indicators = {
        i.code: i
        for i in session.scalars(select(Indicator).where(Indicator.campaign_id == b.campaign.id))
    }
    months = b.periods()
    windows = [d for d in depts if d.code in WINDOWS]
    for d in windows:
        session.add(
            IndicatorDepartment(indicator_id=indicators["EVAL_RATE"].id, department_id=d.id)
        )

    def add(code: str, department: Department, month: str, value: float, **extra: int) -> None:
        session.add(
            IndicatorValue(
                indicator_id=indicators[code].id,
                department_id=department.id,
                period=month,
                value=value,
                **extra,
            )
        )

    for d in depts:
        for m in months:
            low = d.code in WEAK and rng.random() < 0.5
            sat = round(rng.uniform(86.0, 89.8) if low else rng.uniform(91.0, 98.0), 1)
            add("SATISFACTION", d, m, sat, sample_size=rng.randint(40, 200))
            complaints = 1.0 if d.code in WEAK and rng.random() < 0.4 else 0.0
            add("COMPLAINTS", d, m, complaints)
            if d in windows:
                add("EVAL_RATE", d, m, round(rng.uniform(90.5, 99.0), 1))
    session.flush()


CONFIRMED_UNIT = {"commitment_published": True, "no_medical_error": True}
CONFIRMED_PERSON = {"no_disputes": True, "no_medical_error": True}


# the finished quarter's nominations: windows (code, reasons, won, votes), then staff
UNIT_NOMINATIONS = [
    (
        "HFIN",
        "推行“一站式”收费，高峰时段增开窗口，季度内零投诉，满意度持续在95%以上。",
        True,
        9,
    ),
    ("PHARM", "推出用药咨询便民窗口，主动告知用法用量，评价率和满意度均超过95%。", True, 8),
    ("LAB", "采血窗口提前半小时开窗，老年患者优先，排队时间明显缩短。", True, 7),
    ("RAD", "登记窗口实行预约分时段检查，患者等候时间减少。", False, 3),
]
PERSON_NOMINATIONS = [
    ("王丽", "收费窗口服务耐心细致，季度内收到患者表扬信3封。", True, 9),
    ("周婷", "导医台主动迎送，协助行动不便的患者就诊，被评为“最美导医”。", True, 8),
    ("钱文", "病区推行床旁结算和出院随访，患者满意度位居全院前列。", True, 8),
    ("黄磊", "儿科门诊高峰期坚持加班接诊，耐心解答家长疑问。", True, 7),
    ("高飞", "急诊分诊及时规范。", False, 2),
]
# the current quarter's open round: windows nominated yesterday
OPEN_NOMINATIONS = [
    ("HFIN", "收费窗口推行移动支付和自助结算，本季度满意度稳定在95%以上。"),
    ("OPD", "导医服务台增设“爱心轮椅”和老年人就医绿色通道。"),
]
QUARTER_LABEL = {"1": "一", "2": "二", "3": "三", "4": "四"}


@dataclass(frozen=True)
class _Quarters:
    """The current quarter and the finished one before it, with the finished round's
    nomination deadline, 公示 and the moment it was finalised."""

    current: str
    done: str
    end_of_done: dt.date  # the day after the finished quarter
    notice_start: dt.date
    notice_end: dt.date
    finished_at: dt.datetime

    @classmethod
    def of(cls, today: dt.date) -> _Quarters:
        current = rules.quarter_of(today)
        year, q = current.split("-Q")
        done = f"{year}-Q{int(q) - 1}" if q != "1" else f"{int(year) - 1}-Q4"
        _first, last = rules.round_months("quarter", done) or ("", "")
        end_of_done = dt.date.fromisoformat(f"{last}-01") + dt.timedelta(days=31)
        end_of_done = end_of_done.replace(day=1)  # the day after the quarter
        notice_start = end_of_done + dt.timedelta(days=9)
        notice_end = notice_start + dt.timedelta(days=6)
        finished_at = dt.datetime.combine(notice_end + dt.timedelta(days=1), dt.time(2, 0))
        return cls(current, done, end_of_done, notice_start, notice_end, finished_at)


def _quarter_round(
    campaign: Campaign, kind: str, quarter: str, title: str, quota: int, **extra: object
) -> SelectionRound:
    """A quarter's round of the campaign's scheme, titled 20xx年第x季度<title>."""
    scheme = {(s["kind"], s["period_kind"]): s for s in campaign.settings.get("selection", [])}
    first, last = rules.round_months("quarter", quarter) or ("", "")
    return SelectionRound(
        campaign_id=campaign.id,
        title=f"{quarter[:4]}年第{QUARTER_LABEL[quarter.split('-Q')[1]]}季度{title}",
        kind=kind,
        period_kind="quarter",
        period_key=quarter,
        first_month=first,
        last_month=last,
        quota=quota,
        criteria=scheme[(kind, "quarter")]["criteria"],
        reward=scheme[(kind, "quarter")]["reward"],
        **extra,
    )


@dataclass(frozen=True)
class _Hospital:
    """Who and what can be nominated: departments by code, their windows, staff by name."""

    by_code: dict[str, Department]
    points: dict[str, ServicePoint]
    staff: dict[str, Staff]


def _rounds(session: Session, campaign: Campaign, today: dt.date, hospital: _Hospital) -> None:
    """The finished quarter's two rounds (winners chosen, 公示 over, an objection
    answered) and the current quarter's window round open for nominations."""
    quarters = _Quarters.of(today)
    finished = {
        "nomination_deadline": quarters.end_of_done + dt.timedelta(days=3),
        "notice_start": quarters.notice_start,
        "notice_end": quarters.notice_end,
        "state": "final",
        "decision_note": "领导小组会议研究决定",
        "finalised_at": quarters.finished_at,
    }
    unit = _quarter_round(campaign, "unit", quarters.done, "优质服务窗口", 3, **finished)
    person = _quarter_round(campaign, "person", quarters.done, "优质服务标兵", 10, **finished)
    open_round = _quarter_round(
        campaign,
        "unit",
        quarters.current,
        "优质服务窗口",
        3,
        nomination_deadline=today + dt.timedelta(days=10),
        state="nominating",
    )
    session.add_all([unit, person, open_round])
    session.flush()
    nominated_at = dt.datetime.combine(quarters.end_of_done, dt.time(1, 30))
    winners = _finished_nominations(session, unit, person, nominated_at, hospital)
    for code, reasons in OPEN_NOMINATIONS:
        session.add(
            Nomination(
                round_id=open_round.id,
                department_id=hospital.by_code[code].id,
                service_point_id=hospital.points[code].id,
                reasons=reasons,
                confirmed={},
                nominated_at=dt.datetime.combine(today - dt.timedelta(days=1), dt.time(2, 0)),
            )
        )
    session.flush()
    _answered_objection(session, unit, winners["LAB"], quarters.notice_start)


def _finished_nominations(
    session: Session,
    unit: SelectionRound,
    person: SelectionRound,
    nominated_at: dt.datetime,
    hospital: _Hospital,
) -> dict[str, Nomination]:
    """The finished quarter's nominations with their outcome; the windows' by code."""
    winners = {}
    for code, reasons, won, votes in UNIT_NOMINATIONS:
        n = Nomination(
            round_id=unit.id,
            department_id=hospital.by_code[code].id,
            service_point_id=hospital.points[code].id,
            reasons=reasons,
            confirmed=CONFIRMED_UNIT,
            shortlisted=True,
            outcome="won" if won else "not_won",
            votes=votes,
            nominated_at=nominated_at,
        )
        session.add(n)
        winners[code] = n
    for name, reasons, won, votes in PERSON_NOMINATIONS:
        p = hospital.staff[name]
        session.add(
            Nomination(
                round_id=person.id,
                department_id=p.department_id,
                staff_id=p.id,
                reasons=reasons,
                confirmed=CONFIRMED_PERSON,
                shortlisted=won,
                outcome="won" if won else None,
                votes=votes if won else None,
                nominated_at=nominated_at,
            )
        )
    return winners


def _answered_objection(
    session: Session, unit: SelectionRound, nomination: Nomination, notice_start: dt.date
) -> None:
    session.add(
        Objection(
            round_id=unit.id,
            nomination_id=nomination.id,
            text="采血窗口有一次早上开窗时间推迟。",
            lodged_at=dt.datetime.combine(notice_start + dt.timedelta(days=2), dt.time(3, 0)),
            answer="经核实为设备故障临时推迟10分钟，已当场向患者说明致歉，不影响评选结果。",
            upheld=False,
            answered_at=dt.datetime.combine(notice_start + dt.timedelta(days=3), dt.time(6, 0)),
        )
    )

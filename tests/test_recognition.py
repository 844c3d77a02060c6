"""Recognition (issue 20) through the services, on SQLite and PostgreSQL: criteria judged
from the product's own data, the flow nominate → shortlist → decide → 公示 → final, an
annual round limited to the quarterly winners, an objection blocking the result."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from lib.db import session_scope
from lib.domain import recognition as rules
from lib.domain.periods import period_of, shift_period
from lib.models import AuditLog, Indicator, IndicatorValue, Nomination, SelectionRound
from lib.write import PermissionDenied, ServiceError
from lib.write import recognition as rec
from tests.factories import World

TODAY = dt.date.today()


# --- pure rules -------------------------------------------------------------------------


def test_round_months() -> None:
    assert rules.round_months("quarter", "2026-Q3") == ("2026-07", "2026-09")
    assert rules.round_months("year", "2026") == ("2026-01", "2026-12")
    assert rules.round_months("month", "2026-02") == ("2026-02", "2026-02")
    assert rules.round_months("quarter", "2026-Q5") is None
    assert rules.round_months("month", "2026") is None


def test_criteria_judged_with_numbers() -> None:
    facts = rules.Facts(
        satisfaction={"2026-07": 95.0, "2026-08": 89.5, "2026-09": 93.0},
        evaluation_rate={},
        complaints=0.0,
    )
    results = {
        r.key: r
        for r in rules.evaluate(rules.SEED001_UNIT_CRITERIA, facts, {"commitment_published": True})
    }
    assert not results["satisfaction_min"].passed
    assert results["satisfaction_min"].shown == "89.5 (2026-08)"
    assert results["evaluation_rate_min"].passed  # no device: not applicable
    assert results["no_complaints"].passed
    assert results["commitment_published"].passed
    assert not results["no_medical_error"].passed  # not confirmed yet
    assert rules.check_criteria([{"key": "satisfaction_min"}]) is not None  # no threshold
    assert rules.check_criteria(rules.SEED001_PERSON_CRITERIA) is None


# --- the flow on both backends ------------------------------------------------------------


def _figures(engine: Engine, w: World, months: list[str], sat: dict[int, float]) -> None:
    """Satisfaction, evaluation rate and complaints for departments A and B."""
    with session_scope(engine) as s:
        win = Indicator(campaign_id=w.campaign_id, code="WINDOW_SAT", name="窗口满意度", scale=100)
        rate = Indicator(
            campaign_id=w.campaign_id, code="EVAL_RATE", name="评价率", group="operations"
        )
        comp = Indicator(
            campaign_id=w.campaign_id, code="COMPLAINTS", name="投诉", group="operations"
        )
        s.add_all([win, rate, comp])
        s.flush()
        for dept, value in sat.items():
            for m in months:
                s.add(
                    IndicatorValue(indicator_id=win.id, department_id=dept, period=m, value=value)
                )
                s.add(IndicatorValue(indicator_id=rate.id, department_id=dept, period=m, value=95))
                s.add(IndicatorValue(indicator_id=comp.id, department_id=dept, period=m, value=0))


CHECKS = {"commitment_published": True, "no_medical_error": True}


def _round(engine: Engine, w: World, **kw: object) -> int:
    args: dict[str, object] = {
        "title": "第三季度优质服务窗口",
        "kind": "unit",
        "period_kind": "quarter",
        "period_key": rules.quarter_of(TODAY),
        "quota": 3,
        "nomination_deadline": TODAY + dt.timedelta(days=5),
        **kw,
    }
    with session_scope(engine) as s:
        return rec.create_round(actor=w.office, session=s, campaign_id=w.campaign_id, **args).id  # type: ignore[arg-type]


def _nominate(engine: Engine, w: World, round_id: int, liaison: str = "a") -> int:
    actor = w.liaison_a if liaison == "a" else w.liaison_b
    dept = w.dept_a if liaison == "a" else w.dept_b
    with session_scope(engine) as s:
        return rec.nominate(
            actor=actor, session=s, round_id=round_id, department_id=dept, reasons="服务热情周到"
        ).id


def _through_decision(engine: Engine, w: World, round_id: int, nids: list[int]) -> None:
    with session_scope(engine) as s:
        rec.close_nominations(actor=w.office, session=s, round_id=round_id)
        for nid in nids:
            rec.confirm_criteria(actor=w.office, session=s, nomination_id=nid, confirmed=CHECKS)
    with session_scope(engine) as s:
        rec.set_shortlist(actor=w.office, session=s, round_id=round_id, nomination_ids=nids)
    with session_scope(engine) as s:
        for nid in nids:
            rec.record_decision(actor=w.leader, session=s, nomination_id=nid, won=True, votes=7)


def _finish(engine: Engine, w: World, round_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(engine) as s:
        rec.start_notice(
            actor=w.office,
            session=s,
            round_id=round_id,
            start=TODAY - dt.timedelta(days=1),
            end=TODAY + dt.timedelta(days=4),
        )
    monkeypatch.setattr(rec, "local_today", lambda: TODAY + dt.timedelta(days=5))
    with session_scope(engine) as s:
        rec.finalise_round(actor=w.office, session=s, round_id=round_id)
    monkeypatch.setattr(rec, "local_today", lambda: TODAY)


def _months() -> list[str]:
    first, last = rules.round_months("quarter", rules.quarter_of(TODAY)) or ("", "")
    months, m = [], first
    while m <= last:
        months.append(m)
        m = shift_period(m, 1)
    return months


def test_candidate_failing_one_rule_cannot_be_shortlisted(engine: Engine, world: World) -> None:
    w = world
    _figures(engine, w, _months(), {w.dept_a: 96.0, w.dept_b: 88.0})
    rid = _round(engine, w)
    a, b = _nominate(engine, w, rid, "a"), _nominate(engine, w, rid, "b")
    with session_scope(engine) as s:
        rec.close_nominations(actor=w.office, session=s, round_id=rid)
        for nid in (a, b):
            rec.confirm_criteria(actor=w.office, session=s, nomination_id=nid, confirmed=CHECKS)
    with session_scope(engine) as s:
        r = s.get(SelectionRound, rid)
        nb = s.get(Nomination, b)
        assert r is not None and nb is not None
        judged = {c.key: c for c in rec.judge(s, r, nb)}
        assert not judged["satisfaction_min"].passed and judged[
            "satisfaction_min"
        ].shown.startswith("88 (")
        assert all(c.passed for k, c in judged.items() if k != "satisfaction_min")
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        rec.set_shortlist(actor=w.office, session=s, round_id=rid, nomination_ids=[a, b])
    assert refused.value.key == "error.recog_fails_criteria"
    assert "月度满意度" in refused.value.message("zh")
    with session_scope(engine) as s:
        rec.set_shortlist(actor=w.office, session=s, round_id=rid, nomination_ids=[a])
    with session_scope(engine) as s:
        assert s.get(Nomination, a).shortlisted  # type: ignore[union-attr]
        assert not s.get(Nomination, b).shortlisted  # type: ignore[union-attr]
        assert s.get(SelectionRound, rid).state == "deciding"  # type: ignore[union-attr]


def test_flow_to_final_is_audited_and_immutable(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    _figures(engine, w, _months(), {w.dept_a: 96.0})
    rid = _round(engine, w)
    # a liaison nominates for their own department only
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        rec.nominate(
            actor=w.liaison_b, session=s, round_id=rid, department_id=w.dept_a, reasons="x"
        )
    a = _nominate(engine, w, rid, "a")
    # the leader cannot shortlist, the office cannot decide
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        rec.close_nominations(actor=w.leader, session=s, round_id=rid)
    with session_scope(engine) as s:
        rec.close_nominations(actor=w.office, session=s, round_id=rid)
        rec.confirm_criteria(actor=w.office, session=s, nomination_id=a, confirmed=CHECKS)
    with session_scope(engine) as s:
        rec.set_shortlist(actor=w.office, session=s, round_id=rid, nomination_ids=[a])
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        rec.record_decision(actor=w.office, session=s, nomination_id=a, won=True, votes=5)
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        rec.record_decision(actor=w.leader, session=s, nomination_id=a, won=True)
    assert refused.value.key == "error.recog_decision_basis_required"
    with session_scope(engine) as s:
        rec.record_decision(actor=w.leader, session=s, nomination_id=a, won=True, votes=9)
    _finish(engine, w, rid, monkeypatch)
    with session_scope(engine) as s:
        assert s.get(SelectionRound, rid).state == "final"  # type: ignore[union-attr]
        actions = [
            a.action
            for a in s.scalars(
                select(AuditLog)
                .where(AuditLog.entity.in_(("selection_round", "nomination")))
                .order_by(AuditLog.id)
            )
        ]
        assert actions == [
            "create_round",
            "nominate",
            "close_nominations",
            "confirm_criteria",
            "shortlist",
            "submit_shortlist",
            "decide",
            "start_notice",
            "finalise_round",
        ]
        decided = s.scalar(select(AuditLog).where(AuditLog.action == "decide"))
        assert decided is not None and decided.before and decided.after
        assert decided.before["outcome"] is None and decided.after["outcome"] == "won"
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        rec.confirm_criteria(actor=w.office, session=s, nomination_id=a, confirmed=CHECKS)
    assert refused.value.key == "error.recog_round_final"


def test_annual_round_takes_only_quarterly_winners(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    _figures(engine, w, _months(), {w.dept_a: 96.0, w.dept_b: 96.0})
    quarter = _round(engine, w)
    a = _nominate(engine, w, quarter, "a")
    _through_decision(engine, w, quarter, [a])
    _finish(engine, w, quarter, monkeypatch)
    annual = _round(
        engine, w, title="年度优质服务窗口", period_kind="year", period_key=str(TODAY.year)
    )
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        rec.nominate(
            actor=w.liaison_b, session=s, round_id=annual, department_id=w.dept_b, reasons="好"
        )
    assert refused.value.key == "error.recog_annual_needs_winner"
    assert _nominate(engine, w, annual, "a")  # the quarterly winner may stand


def test_objection_blocks_the_result_until_answered(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    _figures(engine, w, _months(), {w.dept_a: 96.0})
    rid = _round(engine, w)
    a = _nominate(engine, w, rid, "a")
    _through_decision(engine, w, rid, [a])
    with session_scope(engine) as s:
        rec.start_notice(
            actor=w.office,
            session=s,
            round_id=rid,
            start=TODAY,
            end=TODAY + dt.timedelta(days=4),
        )
    with session_scope(engine) as s:
        objection = rec.lodge_objection(
            actor=w.liaison_b, session=s, nomination_id=a, text="该窗口本月有一起投诉未登记"
        ).id
    monkeypatch.setattr(rec, "local_today", lambda: TODAY + dt.timedelta(days=5))
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        rec.finalise_round(actor=w.office, session=s, round_id=rid)
    assert refused.value.key == "error.recog_objections_open"
    with session_scope(engine) as s:
        assert s.get(SelectionRound, rid).state == "notice"  # type: ignore[union-attr]
        rec.answer_objection(
            actor=w.office, session=s, objection_id=objection, answer="经核实属实", upheld=True
        )
    with session_scope(engine) as s:
        rec.finalise_round(actor=w.office, session=s, round_id=rid)
    with session_scope(engine) as s:
        n = s.get(Nomination, a)
        assert n is not None and n.outcome == "not_won"  # upheld: the place is lost


def test_deadline_and_quota(engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    _figures(engine, w, _months(), {w.dept_a: 96.0, w.dept_b: 97.0})
    rid = _round(engine, w, quota=1)
    a, b = _nominate(engine, w, rid, "a"), _nominate(engine, w, rid, "b")
    _through_decision_one = [a, b]
    with session_scope(engine) as s:
        rec.close_nominations(actor=w.office, session=s, round_id=rid)
        for nid in _through_decision_one:
            rec.confirm_criteria(actor=w.office, session=s, nomination_id=nid, confirmed=CHECKS)
    with session_scope(engine) as s:
        rec.set_shortlist(actor=w.office, session=s, round_id=rid, nomination_ids=[a, b])
    with session_scope(engine) as s:
        rec.record_decision(actor=w.leader, session=s, nomination_id=a, won=True, votes=8)
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        rec.record_decision(actor=w.leader, session=s, nomination_id=b, won=True, votes=6)
    assert refused.value.key == "error.recog_quota_full"
    late = _round(engine, w, title="月度", period_kind="month", period_key=period_of(TODAY))
    monkeypatch.setattr(rec, "local_today", lambda: TODAY + dt.timedelta(days=6))
    with pytest.raises(ServiceError) as refused, session_scope(engine) as s:
        rec.nominate(
            actor=w.liaison_a, session=s, round_id=late, department_id=w.dept_a, reasons="好"
        )
    assert refused.value.key == "error.recog_deadline_passed"


# --- staff from Excel ------------------------------------------------------------------------


def _workbook(rows: list[list[object]]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "人员"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_staff_import_names_sheet_row_and_column(engine: Engine, world: World) -> None:
    from lib.io.staff_import import import_staff
    from lib.models import ServicePoint, Staff

    w = world
    bad = _workbook(
        [
            ["姓名", "科室编码", "岗位", "窗口", "工号"],
            ["王丽", "A", "收费员", "收费窗口", "S001"],
            ["", "A", "护士", None, None],
            ["李四", "ZZ", "药师", None, None],
        ]
    )
    with session_scope(engine) as s:
        count, problems = import_staff(bad, actor=w.office, session=s)
    assert count == 0
    messages = [p.message("zh") for p in problems]
    assert any("工作表“人员”第 3 行“姓名”列" in m for m in messages), messages
    good = _workbook(
        [
            ["name", "department code", "post", "window", "staff number"],
            ["王丽", "A", "收费员", "收费窗口", "S001"],
            ["李四", "B", "药师", None, None],
        ]
    )
    with session_scope(engine) as s:
        count, problems = import_staff(good, actor=w.office, session=s)
    assert (count, problems) == (2, [])
    with session_scope(engine) as s:  # again: the staff number updates, nothing doubles
        count, problems = import_staff(good, actor=w.office, session=s)
    with session_scope(engine) as s:
        people = s.scalars(select(Staff).order_by(Staff.name)).all()
        assert len(people) == 2  # by staff number, or by name in the department
        wang = next(p for p in people if p.name == "王丽")
        assert wang.is_window and wang.service_point_id is not None
        assert s.scalar(select(ServicePoint.name)) == "收费窗口"
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        import_staff(good, actor=w.liaison_a, session=s)


def test_seed001_template_gives_phases_commitments_and_the_scheme(
    engine: Engine, world: World
) -> None:
    from lib import write
    from lib.domain.permissions import Actor
    from lib.models import Assignment, Campaign, Phase, Task

    with session_scope(engine) as s:
        c = write.create_campaign_from_template_key(
            actor=Actor.system(),
            session=s,
            template_key="seed001",
            start=dt.date(2027, 2, 19),
            end=dt.date(2027, 12, 31),
        )
        cid = c.id
    with session_scope(engine) as s:
        campaign = s.get(Campaign, cid)
        assert campaign is not None
        phases = s.scalars(select(Phase).where(Phase.campaign_id == cid).order_by(Phase.seq))
        assert [p.name for p in phases] == ["动员学习", "组织实施", "整改提高", "总结表彰"]
        commitment = s.scalar(select(Task).where(Task.campaign_id == cid, Task.code == "1.1"))
        assert commitment is not None and commitment.due_date == dt.date(2027, 3, 31)
        assigned = set(
            s.scalars(select(Assignment.department_id).where(Assignment.task_id == commitment.id))
        )
        assert assigned == {world.dept_a, world.dept_b}  # every department
        scheme = campaign.settings["selection"]
        quarterly = {(x["kind"], x["period_kind"]): x["quota"] for x in scheme}
        assert quarterly[("unit", "quarter")] == 3 and quarterly[("person", "quarter")] == 10
        assert ("unit", "year") in quarterly

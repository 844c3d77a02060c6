"""The pre-aggregated department × month table (kept by lib/write/summary.py, read by
lib/read/summary.py) must always give the same score inputs as the SQL aggregates over
the report tables (lib/read/aggregates.py), for every month, on both backends: after the demo load, after random sequences of saves,
reviews, indicator values and inspection scores (failed ones included), after setup
changes, and with many writers of one department at once."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from lib import demo, write
from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.models import (
    Assignment,
    DepartmentMonth,
    Indicator,
    IndicatorValue,
    MonthlyUpdate,
    SummaryState,
    Task,
)
from lib.read import summary as summary_reads
from lib.read import views
from lib.write import IndicatorInput, ReportInput, ServiceError, summary, summary_rows
from tests.conftest import DEMO_TODAY

ADMIN = Actor.system()


@pytest.fixture
def demo_engine(app_engine: Engine) -> Engine:
    with session_scope(app_engine) as s:
        demo.load_demo(s, today=DEMO_TODAY)
    return app_engine


def _campaigns(engine: Engine) -> list[int]:
    with Session(engine) as s:
        return sorted(s.scalars(select(Task.campaign_id).distinct()))


def _assert_same(campaign_id: int, today: dt.date = DEMO_TODAY) -> int:
    """Summary and SQL inputs equal for every period so far; returns periods checked."""
    ctx = views.context(campaign_id, today)
    assert ctx is not None
    periods = views.campaign_periods(ctx)
    for p in periods:
        ctx_p = views.context(campaign_id, today, p)
        assert ctx_p is not None
        fast = views.department_inputs(ctx_p, p, "summary")
        slow = views.department_inputs(ctx_p, p, "sql")
        assert not slow.empty
        fast, slow = _numeric(fast), _numeric(slow)
        pd.testing.assert_frame_equal(fast, slow, check_dtype=False, atol=1e-6, obj=p)
    return len(periods)


def _assert_history_same(campaign_id: int, today: dt.date = DEMO_TODAY) -> int:
    """The rank history (closed months scored together) equal to each month's own
    scores and ranks; returns the months compared."""
    ctx = views.context(campaign_id, today)
    assert ctx is not None
    history = views.rank_history(ctx)
    periods = views.campaign_periods(ctx)
    assert sorted(history["period"].unique()) == periods
    keep = ["department_id", "department", "composite", "rank"]
    for p in periods:
        alone = views.department_scores(ctx, p)[keep].sort_values("department_id")
        stacked = history.loc[history["period"] == p, keep].sort_values("department_id")
        pd.testing.assert_frame_equal(
            stacked.reset_index(drop=True), alone.reset_index(drop=True), check_dtype=False, obj=p
        )
    return len(periods)


def _report_version(s: Session, assignment_id: int, period: str) -> int | None:
    """The version of an assignment's report for a month (None: no report yet)."""
    return s.scalar(
        select(MonthlyUpdate.version).where(
            MonthlyUpdate.assignment_id == assignment_id, MonthlyUpdate.period == period
        )
    )


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    """Sorted by department, numbers as float64 (None and NaN both mean "no figure")."""
    out = df.sort_values("department_id").reset_index(drop=True)[views.INPUT_COLUMNS].copy()
    for col in views.INPUT_COLUMNS:
        if col not in ("code", "name", "name_en"):
            out[col] = pd.to_numeric(out[col]).astype("float64")
    return out


def _valid(engine: Engine, campaign_id: int) -> bool | None:
    with Session(engine) as s:
        return s.scalar(select(SummaryState.valid).where(SummaryState.campaign_id == campaign_id))


def test_demo_summary_matches_sql_every_month(demo_engine: Engine) -> None:
    checked = sum(_assert_same(cid) for cid in _campaigns(demo_engine))
    assert checked >= 20
    assert sum(_assert_history_same(cid) for cid in _campaigns(demo_engine)) == checked
    with Session(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(DepartmentMonth)) > 0
        assert set(s.scalars(select(SummaryState.valid))) == {True}


def _random_operation(rng: random.Random, engine: Engine, campaign_id: int) -> str:
    """One random write through the services; returns what it did ("… refused" when
    the service said no, which must change nothing)."""
    with Session(engine) as s:
        assignments = s.execute(
            select(Assignment.id, Assignment.department_id)
            .join(Task, Assignment.task_id == Task.id)
            .where(Task.campaign_id == campaign_id)
            .order_by(Assignment.id)
        ).all()
        ctx = views.context(campaign_id, DEMO_TODAY)
        assert ctx is not None
        periods = views.campaign_periods(ctx)
        submitted = s.execute(
            select(MonthlyUpdate.id, MonthlyUpdate.version)
            .join(Assignment, MonthlyUpdate.assignment_id == Assignment.id)
            .join(Task, Assignment.task_id == Task.id)
            .where(Task.campaign_id == campaign_id, MonthlyUpdate.review_state == "submitted")
            .order_by(MonthlyUpdate.id)
        ).all()
        indicators = s.scalars(
            select(Indicator.id)
            .where(Indicator.campaign_id == campaign_id, Indicator.is_composite.is_(False))
            .order_by(Indicator.id)
        ).all()
    kind = rng.choice(["report", "report", "report", "review", "indicator", "inspection"])
    # mostly the running month and the one before (what liaisons touch), sometimes older
    period = rng.choice(periods[-2:] * 3 + periods)
    try:
        with session_scope(engine) as s:
            if kind == "report":
                aid, dept = rng.choice(assignments)
                existing = _report_version(s, aid, period)
                pct = rng.choice([0, 10, 35, 60, 99, 100, 100])
                write.save_reports(
                    actor=ADMIN,
                    session=s,
                    period=period,
                    items=[
                        ReportInput(
                            aid,
                            pct,
                            "done" if pct == 100 else "in_progress",
                            expected_version=existing,
                        )
                    ],
                    submit=rng.random() < 0.7,
                )
            elif kind == "review":
                if not submitted:
                    return "review skipped"
                picked = rng.sample(submitted, min(len(submitted), rng.randint(1, 3)))
                approve = rng.random() < 0.6
                write.review_reports(
                    actor=ADMIN,
                    session=s,
                    decisions=[(i, v) for i, v in picked],
                    approve=approve,
                    reason=None if approve else "请补充材料",
                )
            elif kind == "indicator":
                _aid, dept = rng.choice(assignments)
                iid = rng.choice(indicators)
                version = s.execute(
                    select(IndicatorValue.version).where(
                        IndicatorValue.indicator_id == iid,
                        IndicatorValue.department_id == dept,
                        IndicatorValue.period == period,
                    )
                ).scalar()
                write.save_indicator_values(
                    actor=ADMIN,
                    session=s,
                    department_id=dept,
                    period=period,
                    items=[IndicatorInput(iid, float(rng.randint(70, 99)), 50, version)],
                )
            else:
                _aid, dept = rng.choice(assignments)
                from lib.models import InspectionScore

                version = s.execute(
                    select(InspectionScore.version).where(
                        InspectionScore.campaign_id == campaign_id,
                        InspectionScore.department_id == dept,
                        InspectionScore.period == period,
                    )
                ).scalar()
                write.save_inspection_score(
                    actor=ADMIN,
                    session=s,
                    campaign_id=campaign_id,
                    department_id=dept,
                    period=period,
                    score=float(rng.randint(60, 100)),
                    expected_version=version,
                )
    except ServiceError:
        return f"{kind} refused"
    return kind


@pytest.mark.parametrize("seed", [1, 2])
def test_random_saves_keep_the_summary_equal_to_sql(demo_engine: Engine, seed: int) -> None:
    rng = random.Random(seed)
    campaign_id = _campaigns(demo_engine)[-1]
    _assert_same(campaign_id)
    done = []
    for _ in range(14):
        done.append(_random_operation(rng, demo_engine, campaign_id))
        assert _valid(demo_engine, campaign_id) is True  # kept current, not rebuilt
        _assert_same(campaign_id)
    applied = [d for d in done if "refused" not in d and "skipped" not in d]
    assert len(applied) >= 7, done
    _assert_history_same(campaign_id)
    # PostgreSQL reads the rows by COPY and a CSV parser: the same frame, nulls included
    by_copy = summary_reads._summary_rows(campaign_id)
    assert by_copy[["satisfaction", "inspection", "complaints"]].isna().any().any()
    pd.testing.assert_frame_equal(by_copy, summary_reads._summary_rows(campaign_id, by_copy=False))


def test_a_setup_change_invalidates_and_the_next_read_rebuilds(demo_engine: Engine) -> None:
    campaign_id = _campaigns(demo_engine)[-1]
    _assert_same(campaign_id)
    with Session(demo_engine) as s:
        task = s.scalars(
            select(Task).where(Task.campaign_id == campaign_id).order_by(Task.seq)
        ).first()
        assert task is not None
        code, title, weight = task.code, task.title, task.weight
    with session_scope(demo_engine) as s:
        write.save_tasks(
            actor=ADMIN,
            session=s,
            campaign_id=campaign_id,
            rows=[
                {
                    "code": code,
                    "title": title,
                    "weight": weight * 5,
                    "due_date": DEMO_TODAY - dt.timedelta(days=40),
                    "departments": None,
                }
            ],
        )
    assert _valid(demo_engine, campaign_id) is False
    _assert_same(campaign_id)  # rebuilt on read, equal again
    assert _valid(demo_engine, campaign_id) is True


def test_a_refused_save_leaves_nothing_pending(demo_engine: Engine) -> None:
    campaign_id = _campaigns(demo_engine)[-1]
    _assert_same(campaign_id)
    with Session(demo_engine) as s:
        aid = s.scalar(
            select(Assignment.id)
            .join(Task, Assignment.task_id == Task.id)
            .where(Task.campaign_id == campaign_id)
        )
    with Session(demo_engine) as s:
        with pytest.raises(ServiceError), s.begin():
            write.save_reports(
                actor=ADMIN,
                session=s,
                period=DEMO_TODAY.strftime("%Y-%m"),
                items=[ReportInput(aid, 101, "in_progress")],
            )
        assert "summary_touched" not in s.info and "summary_invalid" not in s.info


def test_the_summary_survives_concurrent_writers_of_one_department(
    demo_engine: Engine,
) -> None:
    """Liaisons of one department saving different tasks at the same instant: each
    save recomputes the department's rows before it commits; the campaign's state row
    (and the data-version row every write updates) orders them, so the last one sees
    every other save instead of writing figures from a stale snapshot."""
    campaign_id = _campaigns(demo_engine)[-1]
    period = DEMO_TODAY.strftime("%Y-%m")
    with Session(demo_engine) as s:
        dept = s.execute(
            select(Assignment.department_id)
            .join(Task, Assignment.task_id == Task.id)
            .where(Task.campaign_id == campaign_id, Task.active.is_(True))
            .group_by(Assignment.department_id)
            .order_by(func.count().desc(), Assignment.department_id)
        ).scalar()
        mine = s.scalars(
            select(Assignment.id)
            .join(Task, Assignment.task_id == Task.id)
            .where(
                Task.campaign_id == campaign_id,
                Task.active.is_(True),
                Assignment.department_id == dept,
            )
            .order_by(Assignment.id)
        ).all()
        # start from drafts so every save below counts and moves the figures
        s.execute(
            update(MonthlyUpdate)
            .where(MonthlyUpdate.assignment_id.in_(mine), MonthlyUpdate.period == period)
            .values(review_state="draft")
        )
        s.commit()
    with session_scope(demo_engine) as s:
        summary.invalidate(s, campaign_id)
    _assert_same(campaign_id)
    writers = mine[:6]
    assert len(writers) >= 3
    barrier = threading.Barrier(len(writers))
    errors: list[str] = []

    def save(aid: int, pct: int) -> None:
        try:
            barrier.wait()
            for round_ in range(3):
                with session_scope(demo_engine) as s:
                    version = _report_version(s, aid, period)
                    write.save_reports(
                        actor=ADMIN,
                        session=s,
                        period=period,
                        items=[
                            ReportInput(aid, pct - round_, "in_progress", expected_version=version)
                        ],
                        submit=True,
                    )
        except Exception as exc:  # any failure is a bug here
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=save, args=(aid, 90 - i)) for i, aid in enumerate(writers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert errors == []
    _assert_same(campaign_id)


def test_heat_map_and_one_departments_rows_match_the_full_queries(demo_engine: Engine) -> None:
    from lib.read import aggregates, queries

    for campaign_id in _campaigns(demo_engine):
        ctx = views.context(campaign_id, DEMO_TODAY)
        assert ctx is not None
        for p in views.campaign_periods(ctx)[-3:]:
            ctx_p = views.context(campaign_id, DEMO_TODAY, p)
            assert ctx_p is not None
            keys = ["department_id", "area_seq"]
            cols = [*keys, "department", "department_en", "area", "completion", "assignments"]
            fast = views.area_heatmap(ctx_p).sort_values(keys).reset_index(drop=True)[cols]
            slow = aggregates.area_heatmap(campaign_id, p).sort_values(keys).reset_index(drop=True)
            assert len(slow) > 0
            pd.testing.assert_frame_equal(fast, slow[cols], check_dtype=False, atol=1e-6)
        assignments, _tasks = views.task_table(ctx)
        for department_id in sorted(set(assignments["department_id"]))[:5]:
            whole = assignments[assignments["department_id"] == department_id]
            one = views.department_tasks(ctx, int(department_id))
            pd.testing.assert_frame_equal(
                one.reset_index(drop=True), whole.reset_index(drop=True), check_dtype=False
            )
            values = queries.department_indicators(campaign_id, ctx.period)
            mine = queries.department_indicators(
                campaign_id, ctx.period, department_id=int(department_id)
            )
            expected = values[values["department_id"] == department_id]
            pd.testing.assert_frame_equal(
                mine.reset_index(drop=True).astype(object).fillna(-1),
                expected.reset_index(drop=True).astype(object).fillna(-1),
            )


def test_columnwise_scores_follow_the_row_by_row_rules() -> None:
    """views._scores_from_inputs (vectorised) against lib.domain.scoring's rules, on random
    inputs with every kind of gap (no timeliness, no survey, no inspection)."""
    from lib.domain import scoring

    rng = random.Random(7)
    settings = scoring.campaign_settings({"weights": {"inspection": 0}})
    ctx = views.CampaignContext(
        campaign_id=1,
        header={},
        period="2026-11",
        today=DEMO_TODAY,
        settings=settings,
        thresholds=scoring.Thresholds.from_settings(settings),
    )
    rows = []
    for i in range(400):
        has_periods = rng.random() < 0.8
        reports = rng.choice([0, 3, 12, 45]) if has_periods else None
        rows.append(
            {
                "department_id": i,
                "code": f"D{i}",
                "name": f"科室{i}",
                "name_en": None if i % 3 else f"Dept {i}",
                "assignments": rng.randint(1, 45),
                "completion": rng.uniform(0, 100),
                "expected": rng.uniform(0, 100),
                "done": rng.randint(0, 5),
                "overdue": rng.choice([0, 0, 1, 4, 30]),
                "reported": rng.randint(0, 5),
                "reports_on_time": rng.randint(0, reports)
                if reports
                else (0 if has_periods else None),
                "reports": reports,
                "done_on_time": rng.randint(0, 3) if has_periods else None,
                "due_tasks": rng.choice([0, 3]) if has_periods else None,
                "satisfaction": rng.choice([None, rng.uniform(60, 100)]),
                "inspection": rng.choice([None, rng.uniform(60, 100)]),
                "complaints": rng.choice([None, 0.0, 2.0, 9.0]),
            }
        )
    got = views._scores_from_inputs(ctx, pd.DataFrame(rows, columns=views.INPUT_COLUMNS))
    by_id = got.set_index("department_id")
    weights, rules = settings["weights"], settings["deductions"]
    for r in rows:
        timeliness = (
            scoring.timeliness_component(
                r["reports_on_time"], r["reports"], r["done_on_time"], r["due_tasks"]
            )
            if r["reports"] is not None
            else None
        )
        components = {
            "completion": r["completion"],
            "timeliness": timeliness,
            "satisfaction": r["satisfaction"],
            "inspection": r["inspection"],
        }
        deduction = scoring.deduction_points(r["complaints"] or 0.0, r["overdue"], rules)
        expected = round(scoring.composite_score(components, weights, deduction), 2)
        mine = by_id.loc[r["department_id"]]
        assert mine["composite"] == expected
        assert mine["deductions"] == deduction
        assert (pd.isna(mine["timeliness"]) and timeliness is None) or mine[
            "timeliness"
        ] == timeliness
    assert got["rank"].tolist() == scoring.rank_with_ties(got["composite"].tolist())


def test_a_draft_over_a_draft_leaves_the_summary_alone(demo_engine: Engine) -> None:
    """Drafts do not count: saving one over a draft needs no refresh; submitting does."""
    campaign_id = _campaigns(demo_engine)[-1]
    period = DEMO_TODAY.strftime("%Y-%m")
    with Session(demo_engine) as s:
        aid, dept = s.execute(
            select(Assignment.id, Assignment.department_id)
            .join(Task, Assignment.task_id == Task.id)
            .outerjoin(
                MonthlyUpdate,
                (MonthlyUpdate.assignment_id == Assignment.id) & (MonthlyUpdate.period == period),
            )
            .where(Task.campaign_id == campaign_id, MonthlyUpdate.id.is_(None))
            .order_by(Assignment.id)
        ).first()
    _assert_same(campaign_id)
    refreshed: list[dict[int, str]] = []
    original = summary.refresh

    def spy(session: Session, cid: int, departments: dict[int, str]) -> None:
        refreshed.append(dict(departments))
        original(session, cid, departments)

    summary.refresh = spy  # type: ignore[assignment]
    try:
        with session_scope(demo_engine) as s:
            write.save_reports(
                actor=ADMIN, session=s, period=period, items=[ReportInput(aid, 40, "in_progress")]
            )
        assert refreshed == []
        with session_scope(demo_engine) as s:
            version = _report_version(s, aid, period)
            write.save_reports(
                actor=ADMIN,
                session=s,
                period=period,
                items=[ReportInput(aid, 40, "in_progress", expected_version=version)],
                submit=True,
            )
        assert refreshed == [{dept: period}]
    finally:
        summary.refresh = original  # type: ignore[assignment]
    _assert_same(campaign_id)


def test_saves_need_one_connection_each(demo_engine: Engine, db_url: str) -> None:
    """A save's summary refresh and data-version bump run on the save's own connection:
    with a pool of two connections, eight writers at once all get through (a bump on a
    second connection after COMMIT would deadlock the pool until it timed out)."""
    from sqlalchemy import create_engine
    from sqlalchemy import event as sa_event

    from lib.db import _sqlite_pragmas, data_version

    small = create_engine(db_url, pool_size=2, max_overflow=0, pool_timeout=20)
    if small.dialect.name == "sqlite":
        sa_event.listen(small, "connect", _sqlite_pragmas)
    campaign_id = _campaigns(demo_engine)[-1]
    period = DEMO_TODAY.strftime("%Y-%m")
    with Session(small) as s:
        targets = (
            s.execute(
                select(Assignment.id)
                .join(Task, Assignment.task_id == Task.id)
                .where(Task.campaign_id == campaign_id, Task.active.is_(True))
                .order_by(Assignment.id)
                .limit(8)
            )
            .scalars()
            .all()
        )
    before = data_version(small)
    barrier = threading.Barrier(len(targets))
    errors: list[str] = []

    def save(aid: int) -> None:
        try:
            barrier.wait()
            with session_scope(small) as s:
                version = _report_version(s, aid, period)
                if version is not None:
                    s.execute(
                        update(MonthlyUpdate)
                        .where(MonthlyUpdate.assignment_id == aid, MonthlyUpdate.period == period)
                        .values(review_state="draft")
                    )
                    version = _report_version(s, aid, period)
                write.save_reports(
                    actor=ADMIN,
                    session=s,
                    period=period,
                    items=[ReportInput(aid, 77, "in_progress", expected_version=version)],
                    submit=True,
                )
        except Exception as exc:  # any failure is a bug here
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=save, args=(aid,)) for aid in targets]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    small.dispose()
    assert errors == []
    assert data_version(demo_engine) == before + len(targets)  # one bump per save
    _assert_same(campaign_id)


def test_a_changed_indicator_target_reaches_the_scores(demo_engine: Engine) -> None:
    """Saves reuse the campaign's dates and indicators while the summary is valid; a
    change to them (here a satisfaction target, through the importer's path: any
    audited campaign change) must reach the rebuilt scores, not a remembered copy."""
    from lib.models import Indicator as IndicatorModel

    campaign_id = _campaigns(demo_engine)[-1]
    _assert_same(campaign_id)
    period = DEMO_TODAY.strftime("%Y-%m")
    with Session(demo_engine) as s:
        aid = s.scalar(
            select(Assignment.id)
            .join(Task, Assignment.task_id == Task.id)
            .where(Task.campaign_id == campaign_id, Task.active.is_(True))
            .order_by(Assignment.id)
        )
        version = _report_version(s, aid, period)
    with session_scope(demo_engine) as s:  # a counted save: the campaign's meta is kept
        s.execute(
            update(MonthlyUpdate)
            .where(MonthlyUpdate.assignment_id == aid, MonthlyUpdate.period == period)
            .values(review_state="submitted")
        )
        write.save_reports(
            actor=ADMIN,
            session=s,
            period=period,
            items=[ReportInput(aid, 55, "in_progress", expected_version=version)],
            submit=True,
        )
    assert summary_rows._META, "the save should have kept the campaign's meta"
    with session_scope(demo_engine) as s:
        ind = s.scalars(
            select(IndicatorModel).where(
                IndicatorModel.campaign_id == campaign_id,
                IndicatorModel.group == "patient",
                IndicatorModel.is_composite.is_(False),
            )
        ).first()
        assert ind is not None
        ind.target = 99.5
        write.audit(
            s, ADMIN, "update", "indicator", ind.id, after={"target": 99.5},
            campaign_id=campaign_id,
        )  # fmt: skip
    assert _valid(demo_engine, campaign_id) is False
    _assert_same(campaign_id)
    for _ in range(4):
        _random_operation(random.Random(4), demo_engine, campaign_id)
        _assert_same(campaign_id)

"""Deterministic benchmark data at three scales (not a test; run by hand or by run.py).

    .venv/bin/python -m benchmarks.generate --scale S --database-url sqlite:///data/bench_s.db
    .venv/bin/python -m benchmarks.generate --scale L \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_l

Scales (one campaign each, "today" is BENCH_TODAY):

- S hospital: 40 departments, 45 tasks in 9 areas, each task with 1–6 (about 3)
  responsible departments, 12 months.
- M city: 300 institutions, the 45 targets of seed 004 for every institution, 24 months
  (about 320 000 monthly updates, 150 000 indicator values).
- L province: 3 000 institutions, the same, 24 months (about 3.2 million monthly updates
  and 1.5 million indicator values).

The schema is created with the product's migrations (``lib.db.upgrade``); the rows are
written with bulk inserts (COPY on PostgreSQL, executemany on SQLite), so L takes
minutes. The same seed always gives the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, text

from lib.db import bump_data_version, make_engine, normalise_url, session_scope, upgrade
from lib.domain.periods import period_end, period_of, period_start, periods_between
from lib.domain.scoring import DEFAULT_SETTINGS, expected_progress
from lib.models import (
    Assignment,
    Campaign,
    DataVersion,
    Department,
    Indicator,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    Phase,
    Task,
    TaskArea,
    TaskIndicator,
)
from lib.write import summary

SEED = 20261122
BENCH_TODAY = dt.date(2026, 11, 22)
BENCH_LEADER = "bench_leader"
BENCH_PASSWORD = "Bench!pass2026"
CHUNK = 20_000


@dataclass(frozen=True)
class Scale:
    name: str
    units: int
    months: int
    per_task: int | None  # responsible departments per task; None = every unit
    kind: str


SCALES = {
    "S": Scale("S", 40, 12, 3, "department"),
    "M": Scale("M", 300, 24, None, "institution"),
    "L": Scale("L", 3000, 24, None, "institution"),
    # for the smoke test: a handful of departments, a few months
    "XS": Scale("XS", 8, 4, 2, "department"),
}

AREAS = [
    "服务环境更加舒适",
    "服务流程更加便捷",
    "服务技术更加精湛",
    "服务质量更加安全",
    "服务态度更加友善",
    "服务管理更加精细",
    "服务保障更加有力",
    "服务宣传更加到位",
    "服务行为更加廉洁",
]
SAT_ITEMS = [
    ("S_ATTITUDE", "服务态度", "Service attitude"),
    ("S_CARE", "诊疗措施和护理操作", "Treatment and nursing"),
    ("S_TIMELY", "到场及时率", "Arrival on time"),
    ("S_FEE", "收费告知及合理性", "Fee disclosure"),
    ("S_ENV", "就医环境", "Environment"),
    ("S_WAIT", "候诊时间", "Waiting"),
    ("S_EXPLAIN", "病情告知", "Explaining the illness"),
    ("S_PRIVACY", "隐私保护", "Privacy"),
    ("S_FOOD", "膳食服务", "Meals"),
    ("S_CLEAN", "卫生保洁", "Cleanliness"),
    ("S_SIGN", "标识指引", "Signage"),
    ("S_PAY", "缴费便捷", "Paying"),
    ("S_REPORT", "报告获取", "Getting results"),
    ("S_PHARM", "取药便捷", "Pharmacy"),
    ("S_PARK", "停车便利", "Parking"),
    ("S_FOLLOW", "随访服务", "Follow-up"),
    ("S_ETHIC", "医德医风", "Medical ethics"),
]
STAFF_ITEMS = [
    ("S_STAFF", "职工满意度", "Staff satisfaction"),
    ("S_PERF", "绩效管理", "Performance management"),
]
WORK = ["已完成自查并整改{n}项问题。", "组织培训{n}人次。", "优化流程{n}处，缩短等候时间。"]


def _chunks(rows: Iterable[Sequence[Any]], size: int = CHUNK) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_insert(
    engine: Engine, table: Table, columns: list[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert many rows fast: COPY on PostgreSQL, executemany of a Core insert elsewhere."""
    n = 0
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cols = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
                    n += 1
            raw.commit()
        finally:
            raw.close()
        return n
    stmt = insert(table)
    with engine.begin() as conn:
        for batch in _chunks(rows):
            conn.execute(stmt, [dict(zip(columns, r, strict=True)) for r in batch])
            n += len(batch)
    return n


def _reset(engine: Engine, url: str) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        from pathlib import Path

        engine.dispose()
        path = url.split("///", 1)[-1]
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)


def campaign_dates(scale: Scale) -> tuple[dt.date, dt.date]:
    """The campaign ends with BENCH_TODAY's month and lasts ``scale.months`` months."""
    end = period_end(period_of(BENCH_TODAY))
    y, m = end.year, end.month - scale.months + 1
    while m <= 0:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1), end


def generate(scale: Scale, url: str, *, reset: bool = False, quiet: bool = False) -> dict[str, int]:
    """Create the schema and write one campaign at ``scale``; returns row counts."""
    url = normalise_url(url)
    engine = make_engine(url)
    if reset:
        _reset(engine, url)
        engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        if conn.scalar(select(func.count(Campaign.id))):
            raise SystemExit("the database already has campaigns; use --reset or a new one")
    rng = random.Random(f"{SEED}-{scale.name}")
    t0 = time.perf_counter()
    log = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    start, end = campaign_dates(scale)
    periods = periods_between(start, end)
    current = period_of(BENCH_TODAY)
    counts: dict[str, int] = {}

    # departments: one organisation and its units
    dept_rows = [(1, "ORG", "基准测试机构" if scale.kind == "department" else "省卫生健康委",
                  "Benchmark organisation", "city", None, 0, True)]  # fmt: skip
    for i in range(1, scale.units + 1):
        dept_rows.append(
            (i + 1, f"U{i:05d}", f"单位{i:05d}", f"Unit {i:05d}", scale.kind, 1, i, True)
        )
    dept_cols = ["id", "code", "name", "name_en", "kind", "parent_id", "sort_order", "active"]
    counts["departments"] = bulk_insert(engine, Department.__table__, dept_cols, dept_rows)
    unit_ids = [r[0] for r in dept_rows[1:]]

    with session_scope(engine) as s:
        camp = Campaign(
            id=1,
            name=f"基准测试{scale.name}级：改善就医感受提升患者体验专项行动",
            name_en=f"Benchmark {scale.name}: better patient experience",
            theme="服务",
            organiser="活动办公室",
            organisation_id=1,
            start_date=start,
            end_date=end,
            target_satisfaction=90.0,
            settings={k: v for k, v in DEFAULT_SETTINGS.items()},
        )
        s.add(camp)
        s.flush()
        span = (end - start).days
        kinds = ["mobilise", "self_check", "rectify", "assess", "review"]
        names = ["动员部署", "自查自纠", "整改落实", "考核评比", "总结提升"]
        bounds = [0, 0.1, 0.25, 0.8, 0.92, 1.0]
        for i, (kind, name) in enumerate(zip(kinds, names, strict=True)):
            s.add(
                Phase(
                    campaign_id=1,
                    seq=i + 1,
                    name=name,
                    kind=kind,
                    start_date=start + dt.timedelta(days=int(span * bounds[i]) + (1 if i else 0)),
                    end_date=start + dt.timedelta(days=int(span * bounds[i + 1])),
                )
            )
        for i, title in enumerate(AREAS, start=1):
            s.add(TaskArea(id=i, campaign_id=1, seq=i, code=str(i), title=title))
        s.flush()
        for n in range(1, 46):
            due = None
            if n % 4:
                due = start + dt.timedelta(days=int(span * rng.uniform(0.35, 1.0)))
            s.add(
                Task(
                    id=n,
                    campaign_id=1,
                    area_id=(n - 1) // 5 + 1,
                    seq=n,
                    code=str(n),
                    title=f"目标{n}：服务改进任务{n}",
                    weight=float(rng.choice([1, 1, 1, 2])),
                    start_date=None,
                    due_date=due,
                    source="plan",
                )
            )
        items = [*((c, n, e, "patient") for c, n, e in SAT_ITEMS),
                 *((c, n, e, "staff") for c, n, e in STAFF_ITEMS)]  # fmt: skip
        for i, (code, name, name_en, group) in enumerate(items, start=1):
            s.add(
                Indicator(
                    id=i,
                    campaign_id=1,
                    code=code,
                    name=name,
                    name_en=name_en,
                    group=group,
                    unit="分",
                    scale=100.0,
                    min_value=0.0,
                    max_value=100.0,
                    target=90.0,
                    direction="higher",
                    seq=i,
                )
            )
        complaints_id = len(items) + 1
        s.add(
            Indicator(
                id=complaints_id,
                campaign_id=1,
                code="COMPLAINTS",
                name="有效投诉",
                name_en="Complaints",
                group="patient",
                unit="件",
                min_value=0.0,
                direction="lower",
                seq=complaints_id,
            )
        )
        s.flush()
        for i in (4, 6, 15):  # the usual laggards answered by rectification tasks
            s.add(TaskIndicator(task_id=40 + i // 4, indicator_id=i))
        tasks = s.execute(select(Task.id, Task.weight, Task.start_date, Task.due_date)).all()
    log(f"setup {time.perf_counter() - t0:.1f} s")

    # assignments
    assignments: list[tuple[int, int, int, bool]] = []
    aid = 0
    for task in tasks:
        if scale.per_task is None:
            chosen = unit_ids
        else:
            k = min(len(unit_ids), max(1, min(6, round(rng.gauss(scale.per_task, 1.2)))))
            chosen = sorted(rng.sample(unit_ids, k))
        for j, did in enumerate(chosen):
            aid += 1
            assignments.append((aid, task.id, did, j == 0 or scale.per_task is None))
    counts["assignments"] = bulk_insert(
        engine, Assignment.__table__, ["id", "task_id", "department_id", "is_lead"], assignments
    )
    log(f"assignments {len(assignments)} {time.perf_counter() - t0:.1f} s")

    # department profiles: speed of progress, missed reports, quality of service
    profile = {}
    for did in unit_ids:
        kind = rng.choices(["leader", "average", "laggard"], weights=[2, 6, 2])[0]
        profile[did] = (
            {"leader": 1.1, "average": 0.95, "laggard": 0.7}[kind] * rng.uniform(0.9, 1.1),
            {"leader": 0.02, "average": 0.05, "laggard": 0.15}[kind],
            {"leader": 1.0, "average": 0.0, "laggard": -1.5}[kind],
        )
    task_by_id = {t.id: t for t in tasks}
    period_info = []
    for p in periods:
        at = min(period_end(p), BENCH_TODAY)
        period_info.append((p, at, period_start(p)))

    def updates() -> Iterator[tuple[Any, ...]]:
        for aid_, task_id, did, _lead in assignments:
            task = task_by_id[task_id]
            speed, miss, _q = profile[did]
            due = task.due_date or end
            percent = 0
            for p, at, first in period_info:
                is_current = p == current
                if rng.random() < miss or (is_current and rng.random() < 0.35):
                    continue
                goal = min(100.0, expected_progress(start, due, at) * speed)
                if at > due and speed >= 0.9:
                    goal = 100.0
                percent = max(percent, min(100, int(goal / 5 + 0.5) * 5))
                if is_current:
                    state = "draft" if rng.random() < 0.25 else "submitted"
                else:
                    r = rng.random()
                    state = "approved" if r < 0.9 else ("submitted" if r < 0.97 else "returned")
                day = max(1, min(28, 25 + rng.randint(-9, 4)))
                submitted = dt.datetime(first.year, first.month, day, 9 + rng.randint(0, 8))
                if is_current and submitted.date() > BENCH_TODAY:
                    submitted = dt.datetime.combine(BENCH_TODAY, dt.time(8, 30))
                status = (
                    "done" if percent >= 100 else ("not_started" if percent == 0 else "in_progress")
                )
                yield (
                    aid_,
                    p,
                    percent,
                    status,
                    WORK[percent % 3].format(n=percent // 5 + 1),
                    state,
                    submitted if state != "draft" else None,
                    submitted,
                    1,
                )

    mu_cols = ["assignment_id", "period", "percent_done", "status", "work_done",
               "review_state", "submitted_at", "updated_at", "version"]  # fmt: skip
    counts["monthly_updates"] = bulk_insert(engine, MonthlyUpdate.__table__, mu_cols, updates())
    log(f"monthly_updates {counts['monthly_updates']} {time.perf_counter() - t0:.1f} s")

    past = [p for p in periods if p < current]

    def values() -> Iterator[tuple[Any, ...]]:
        now = dt.datetime.combine(BENCH_TODAY, dt.time(8))
        for did in unit_ids:
            quality = profile[did][2]
            for i, p in enumerate(past):
                trend = i / max(len(past) - 1, 1)
                for iid, (code, *_rest) in enumerate(items, start=1):
                    v = 89.5 + 4.5 * trend + quality * 1.2 + rng.uniform(-1.5, 1.5)
                    if code == "S_FEE":
                        v -= 3.0
                    if code == "S_PERF":
                        v -= 5.0
                    yield (
                        iid,
                        did,
                        p,
                        round(min(98.0, max(85.0, v)), 2),
                        rng.randint(30, 220),
                        now,
                        1,
                    )
                c = float(max(0, round(rng.uniform(0, 4) - 2 * trend - quality)))
                yield (complaints_id, did, p, c, None, now, 1)

    iv_cols = ["indicator_id", "department_id", "period", "value", "sample_size", "entered_at",
               "version"]  # fmt: skip
    counts["indicator_values"] = bulk_insert(engine, IndicatorValue.__table__, iv_cols, values())
    log(f"indicator_values {counts['indicator_values']} {time.perf_counter() - t0:.1f} s")

    def inspections() -> Iterator[tuple[Any, ...]]:
        now = dt.datetime.combine(BENCH_TODAY, dt.time(8))
        for p in past[1:]:
            for did in unit_ids:
                q = profile[did][2]
                score = round(min(99.0, max(70.0, 88 + 4 * q + rng.uniform(-5, 5))), 1)
                yield (1, did, p, score, 100.0, "现场整改到位。", now, 1)

    is_cols = ["campaign_id", "department_id", "period", "score", "max_score", "comment",
               "created_at", "version"]  # fmt: skip
    counts["inspection_scores"] = bulk_insert(
        engine, InspectionScore.__table__, is_cols, inspections()
    )

    from lib.domain.permissions import Actor
    from lib.write import create_user

    with session_scope(engine) as s:
        if engine.dialect.name == "postgresql":
            for table in ("departments", "campaigns", "task_areas", "tasks", "assignments",
                          "indicators"):  # fmt: skip
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        create_user(actor=Actor.system(), session=s, username=BENCH_LEADER,
                    password=BENCH_PASSWORD, roles=["leader"], display_name="基准领导")  # fmt: skip
        if s.get(DataVersion, 1) is None:
            s.add(DataVersion(id=1, version=0))
            s.flush()
        bump_data_version(s)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    t1 = time.perf_counter()
    with session_scope(engine) as s:
        summary.invalidate(s)
        campaign_ids = list(s.scalars(select(Campaign.id)))
    for campaign_id in campaign_ids:
        summary.ensure(engine, campaign_id)
    log(f"summary (department_months) {time.perf_counter() - t1:.1f} s")
    if engine.dialect.name == "postgresql":
        # as a database that has run for a while: visibility map set (index-only scans),
        # and no autovacuum of the fresh millions of rows running under the measurements
        t2 = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
        log(f"vacuum {time.perf_counter() - t2:.1f} s")
    engine.dispose()
    log(f"done {time.perf_counter() - t0:.1f} s: {counts}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    args = parser.parse_args(argv)
    generate(SCALES[args.scale], args.database_url, reset=args.reset)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

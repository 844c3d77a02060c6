"""Schema, migrations, pragmas, demo data and optimistic locking — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lib import demo
from lib.db import current_revision, data_version, make_engine, session_scope, upgrade
from lib.models import (
    Assignment,
    Base,
    Campaign,
    Department,
    MonthlyUpdate,
    Phase,
    Task,
    TaskArea,
    User,
)
from tests.conftest import DEMO_TODAY

# columns stamped with the wall clock at insert time, and the salted password hash
STAMPS = {"created_at", "at", "entered_at", "changed_at", "uploaded_at", "password_hash"}


def _checksum(engine: Engine) -> str:
    """A digest of every row of every table (order-independent of insertion)."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.c if c.name not in STAMPS]
            for row in conn.execute(select(*cols).order_by(*table.primary_key.columns)):
                h.update(json.dumps(list(row), default=str, ensure_ascii=False).encode())
    return h.hexdigest()


def test_migrations_create_every_model_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert current_revision(engine) == "0018"  # head: 0018 survey imports (withdrawable)


def test_models_and_migrations_agree(engine: Engine) -> None:
    """Autogenerate finds nothing to do: the migration matches the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_read_path_indexes_exist(engine: Engine) -> None:
    insp = inspect(engine)
    idx = {tuple(i["column_names"]) for i in insp.get_indexes("monthly_updates")}
    uq = {tuple(u["column_names"]) for u in insp.get_unique_constraints("monthly_updates")}
    assert ("period", "review_state") in idx
    assert ("assignment_id", "period") in uq | idx
    assert ("campaign_id",) in {tuple(i["column_names"]) for i in insp.get_indexes("tasks")}
    assert ("department_id",) in {tuple(i["column_names"]) for i in insp.get_indexes("assignments")}
    summary_idx = {tuple(i["column_names"]) for i in insp.get_indexes("department_months")}
    assert ("campaign_id", "period") in summary_idx


def test_sqlite_pragmas_on_every_connection(tmp_path) -> None:  # type: ignore[no-untyped-def]
    eng = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    for _ in range(2):
        with eng.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        eng.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(Assignment(task_id=99999, department_id=99999))


def test_upgrade_is_idempotent_and_keeps_data(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(Department(code="D1", name="办公室"))
    upgrade(engine)
    upgrade(engine)
    with Session(engine) as s:
        assert s.scalar(select(Department.name).where(Department.code == "D1")) == "办公室"


def test_demo_is_realistic(engine: Engine) -> None:
    with session_scope(engine) as s:
        accounts = demo.load_demo(s, today=DEMO_TODAY)
    with Session(engine) as s:
        names = set(s.scalars(select(Campaign.name)))
        assert len(names) == 4  # with seed 001 (issue 20)
        assert "提升医疗服务品质 改善群众就医体验活动" in names
        # the city hospital has about 30 departments, the emergency centre seed 003's nine
        hosp = s.scalar(select(Department).where(Department.code == demo.HOSPITAL[0]))
        emc = s.scalar(select(Department).where(Department.code == demo.EMC[0]))
        n_hosp = s.scalar(select(func.count()).where(Department.parent_id == hosp.id))
        n_emc = s.scalar(select(func.count()).where(Department.parent_id == emc.id))
        assert 28 <= n_hosp <= 40 and n_emc == 9
        # 004: 9 areas and 45 numbered targets (plus the problem ledger's tasks)
        c004 = s.scalar(select(Campaign).where(Campaign.template_key == "seed004"))
        assert s.scalar(select(func.count()).where(TaskArea.campaign_id == c004.id)) == 9
        plan_tasks = s.scalar(
            select(func.count()).where(Task.campaign_id == c004.id, Task.source == "plan")
        )
        assert plan_tasks == 45
        assert [
            p.name
            for p in s.scalars(
                select(Phase).where(Phase.campaign_id == c004.id).order_by(Phase.seq)
            )
        ] == ["宣传自查阶段", "整改落实阶段", "考核表彰阶段", "总结提升阶段"]
        # at least 6 months of monthly reports, with variety
        periods = set(
            s.scalars(
                select(MonthlyUpdate.period)
                .join(Assignment)
                .join(Task)
                .where(Task.campaign_id == c004.id)
            )
        )
        assert len(periods) >= 6
        percents = list(s.scalars(select(MonthlyUpdate.percent_done)))
        assert min(percents) == 0 or max(percents) == 100
        states = set(s.scalars(select(MonthlyUpdate.review_state)))
        assert {"approved", "submitted", "returned", "draft"} <= states
        # one liaison per demo department, plus the four role accounts
        users = {u.username: u for u in s.scalars(select(User))}
        assert {"admin", "office", "leader", "viewer", "liaison_office", "liaison_card"} <= set(
            users
        )
        assert users["liaison_card"].department_id is not None
        assert len(accounts) == len(users)
        assert all(u.is_demo for u in users.values())


def test_demo_is_deterministic(db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = make_engine(db_url)
    upgrade(first)
    with session_scope(first) as s:
        demo.load_demo(s, today=DEMO_TODAY)
    digest_1 = _checksum(first)
    with session_scope(first) as s:
        demo.reset(s)
    with session_scope(first) as s:
        demo.load_demo(s, today=DEMO_TODAY)
    # ids continue after a reset on PostgreSQL; compare on a fresh SQLite file instead
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    with session_scope(other) as s:
        demo.load_demo(s, today=DEMO_TODAY)
    if first.dialect.name == "sqlite":
        assert _checksum(first) == digest_1
    with Session(first) as a, Session(other) as b:
        q = select(MonthlyUpdate.period, MonthlyUpdate.percent_done, MonthlyUpdate.review_state)
        assert sorted(a.execute(q).all()) == sorted(b.execute(q).all())
    first.dispose()
    other.dispose()


def test_optimistic_version_check_refuses_a_stale_write(engine: Engine) -> None:
    with session_scope(engine) as s:
        demo.load_demo(s, today=DEMO_TODAY)
    with Session(engine) as s1, Session(engine) as s2:
        u1 = s1.scalars(select(MonthlyUpdate).limit(1)).one()
        update_id = u1.id
        u2 = s2.get(MonthlyUpdate, update_id)
        assert u2 is not None and u1.version == u2.version
        u1.work_done = "第一人保存"
        s1.commit()
        u2.work_done = "第二人保存"
        with pytest.raises(StaleDataError):
            s2.commit()
    with Session(engine) as s:
        assert s.get(MonthlyUpdate, update_id).work_done == "第一人保存"  # type: ignore[union-attr]


def test_data_version_moves_on_every_service_write(engine: Engine) -> None:
    from lib.domain.permissions import Actor
    from lib.write import create_user

    before = data_version(engine)
    with session_scope(engine) as s:
        create_user(
            actor=Actor.system(),
            session=s,
            username="user1",
            password="Str0ng!pw",
            roles=["viewer"],
        )
    assert data_version(engine) == before + 1


def test_dates_round_trip(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(
            Campaign(
                name="测试活动",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 4, 10),
                settings={"weights": {"completion": 50}},
            )
        )
    with Session(engine) as s:
        c = s.scalars(select(Campaign)).one()
        assert c.end_date == dt.date(2026, 4, 10)
        assert c.settings["weights"]["completion"] == 50

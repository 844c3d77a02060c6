"""Crash safety (issue 9): a process killed with SIGKILL in the middle of an Excel import
or of a month lock leaves the database exactly as it was before the operation, on SQLite
and PostgreSQL. The child writes part of the work (flushed to the database, not yet
committed), says READY and waits; the test kills it and compares a checksum of every
table, then checks the database still takes writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lib import write
from lib.db import make_engine, session_scope
from lib.domain.permissions import Actor
from lib.models import Campaign
from tests.conftest import ROOT
from tests.factories import make_world
from tests.test_security_common import checksum

pytestmark = pytest.mark.xdist_group("crash")

CHILD = r"""
import os, sys, time
mode, url, arg = sys.argv[1], sys.argv[2], sys.argv[3]
os.environ["DATABASE_URL"] = url
from lib import write
from lib.db import make_engine, session_scope
from lib.domain.permissions import Actor

def ready(session):
    session.flush()  # the half-done work is in the database, uncommitted
    print("READY", flush=True)
    time.sleep(120)  # killed here

engine = make_engine(url)
if mode == "import":
    from lib.io.excel_import import import_workbook
    data = open(arg, "rb").read()
    with session_scope(engine) as session:
        def progress(fraction, _what):
            if fraction > 0.7:  # writing (reading and checking report up to 0.6)
                ready(session)
        import_workbook(data, actor=Actor.system(), session=session, progress=progress)
else:
    campaign_id, period = arg.split(":")
    home = sys.modules[write.set_period_lock.__module__]  # where the lock looks audit up
    original = home.audit
    def audit(session, *args, **kwargs):
        original(session, *args, **kwargs)
        ready(session)
    home.audit = audit
    with session_scope(engine) as session:
        write.set_period_lock(
            actor=Actor.system(), session=session, campaign_id=int(campaign_id),
            period=period, locked=True,
        )
print("FINISHED", flush=True)
"""


def _kill_midway(mode: str, url: str, arg: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, url, arg],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if line != "READY":
            proc.kill()
            _out, err = proc.communicate(timeout=30)
            pytest.fail(f"child did not reach the middle: {line!r} {err[-2000:]}")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def demo_workbook(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from lib.io.excel_export import export_workbook

    eng = make_engine(demo_db)
    with Session(eng) as s:
        data = export_workbook(s)
    eng.dispose()
    path = tmp_path_factory.mktemp("crash") / "demo.xlsx"
    path.write_bytes(data)
    return path


def _still_writable(engine: Engine) -> None:
    with session_scope(engine) as s:
        write.upsert_department(actor=Actor.system(), session=s, code="AFTER", name="之后")
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_sigkill_during_excel_import_leaves_database_as_before(
    engine: Engine, db_url: str, demo_workbook: Path
) -> None:
    before = checksum(engine)
    engine.dispose()  # the child is the only one holding the database
    _kill_midway("import", db_url, str(demo_workbook))
    assert checksum(engine) == before
    _still_writable(engine)


def test_sigkill_during_month_lock_leaves_database_as_before(engine: Engine, db_url: str) -> None:
    w = make_world(engine)
    with session_scope(engine) as s:
        write.save_reports(
            actor=w.liaison_a,
            session=s,
            period=w.period,
            items=[write.ReportInput(w.asg_a1, 40, "in_progress")],
            submit=True,
        )
    before = checksum(engine)
    engine.dispose()
    _kill_midway("lock", db_url, f"{w.campaign_id}:{w.period}")
    assert checksum(engine) == before
    assert not write.is_period_locked(Session(engine), w.campaign_id, w.period)
    # and the month can be locked for real afterwards
    with session_scope(engine) as s:
        write.set_period_lock(
            actor=Actor.system(), session=s, campaign_id=w.campaign_id, period=w.period, locked=True
        )
        assert s.get(Campaign, w.campaign_id) is not None
    _still_writable(engine)

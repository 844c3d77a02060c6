"""Backup and restore (issue 9): ``backup`` while the app keeps writing gives one
consistent snapshot on SQLite (online backup API) and PostgreSQL (one REPEATABLE READ
transaction); restoring it into an empty database gives identical rows.
(``python -m lib.cli backup``/``restore`` end to end: tests/test_cli.py.)"""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lib import write
from lib.db import make_engine, session_scope, upgrade
from lib.domain.permissions import Actor
from lib.io import backup as backup_mod
from tests.test_security_common import all_rows

pytestmark = pytest.mark.xdist_group("backup")


def _writer(engine: Engine, stop: threading.Event, written: list[int]) -> None:
    """The app at work: each transaction adds a department and its audit row."""
    i = 0
    while not stop.is_set():
        i += 1
        with session_scope(engine) as s:
            write.upsert_department(actor=Actor.system(), session=s, code=f"W{i}", name=f"科室{i}")
        written.append(i)


def _doc(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(gzip.decompress(path.read_bytes()))


def test_backup_while_writing_is_consistent_and_restores_identically(
    engine: Engine, tmp_path: Path
) -> None:
    stop = threading.Event()
    written: list[int] = []
    thread = threading.Thread(target=_writer, args=(engine, stop, written))
    thread.start()
    try:
        files = []
        for n in range(4):
            while len(written) < 5 * (n + 1):  # let some writes land between backups
                stop.wait(0.01)
            path = tmp_path / f"b{n}.json.gz"
            backup_mod.backup(engine, path)
            files.append(path)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert len(written) >= 20
    for path in files:
        tables = _doc(path)["tables"]
        depts = {r["id"] for r in tables["departments"]}
        audited = {
            r["entity_id"]
            for r in tables["audit_log"]
            if r["entity"] == "department" and r["action"] == "create"
        }
        # every department has its audit row and vice versa: no write was half seen
        assert depts == audited, path.name
        # one bump per transaction, in the same transaction as the data it marks
        assert tables["data_version"][0]["version"] == len(audited)

    # quiet now: back up, restore into an empty database, compare every row
    final = tmp_path / "final.json.gz"
    total = backup_mod.backup(engine, final)
    target = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    upgrade(target)
    assert backup_mod.restore(target, final) == total
    assert all_rows(target) == all_rows(engine)
    target.dispose()


def test_restore_refuses_a_database_that_is_not_empty(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        write.upsert_department(actor=Actor.system(), session=s, code="A", name="甲科")
    path = tmp_path / "b.json"
    backup_mod.backup(engine, path)
    before = all_rows(engine)
    with pytest.raises(backup_mod.BackupError):
        backup_mod.restore(engine, path)
    assert all_rows(engine) == before

"""Upgrade (issue 9): a database built at the oldest migration and filled with the demo
data is upgraded to head on SQLite and PostgreSQL, and every row survives with every
value it had. Written against whatever revisions exist, so a new migration is covered
the day it lands."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, select, update

from lib.db import alembic_config, current_revision, make_engine, upgrade
from tests.test_security_common import _plain

pytestmark = pytest.mark.xdist_group("upgrade")


def _revisions(engine) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    script = ScriptDirectory.from_config(alembic_config(engine))
    ordered = list(script.walk_revisions())  # head first
    return ordered[-1].revision, ordered[0].revision


def _rows(conn, table: Table) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    pk = list(table.primary_key.columns) or list(table.columns)
    return [
        {k: _plain(v) for k, v in r.items()}
        for r in conn.execute(select(table).order_by(*pk)).mappings()
    ]


def test_oldest_revision_with_data_upgrades_to_head_keeping_every_row(
    db_url: str, demo_db: str
) -> None:
    engine = make_engine(db_url)
    oldest, head = _revisions(engine)
    upgrade(engine, oldest)
    assert current_revision(engine) == oldest

    old = MetaData()
    old.reflect(engine)
    source = make_engine(demo_db)
    src_meta = MetaData()
    src_meta.reflect(source)
    inserted: dict[str, list[dict[str, Any]]] = {}
    with source.connect() as src, engine.begin() as dst:
        for table in old.sorted_tables:
            if table.name == "alembic_version" or table.name not in src_meta.tables:
                continue
            src_table = src_meta.tables[table.name]
            common = [c.name for c in table.columns if c.name in src_table.c]
            rows = [
                {c: r[c] for c in common}
                for r in src.execute(select(src_table).order_by(*src_table.primary_key.columns))
                .mappings()
                .all()
            ]
            if not rows:
                continue
            if table.name == "data_version":  # upgrade() creates the row with the schema
                dst.execute(table.delete())
            self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            dst.execute(table.insert(), [{**r, **dict.fromkeys(self_refs)} for r in rows])
            for col in self_refs:
                for r in rows:
                    if r[col] is not None:
                        dst.execute(
                            update(table).where(table.c.id == r["id"]).values({col: r[col]})
                        )
            with_values = [{k: _plain(v) for k, v in r.items()} for r in rows]
            inserted[table.name] = with_values
    source.dispose()
    assert sum(len(v) for v in inserted.values()) > 500, "the demo fills the old schema"
    for name in ("campaigns", "tasks", "monthly_updates", "users", "audit_log"):
        assert inserted.get(name), name

    upgrade(engine)
    assert current_revision(engine) == head
    new = MetaData()
    new.reflect(engine)
    with engine.connect() as conn:
        for name, rows in inserted.items():
            assert name in new.tables, f"table {name} was dropped by an upgrade"
            after = _rows(conn, new.tables[name])
            assert len(after) == len(rows), name
            kept = [{k: r[k] for k in rows[0]} for r in after]
            assert kept == rows, f"values changed in {name}"
    engine.dispose()

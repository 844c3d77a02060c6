"""Helpers shared by the hardening tests (issue 9): every row of every table, and a
checksum of the whole database to prove that a refused operation wrote nothing."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Engine, select

from lib.models import Base


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 9)
    return value


def all_rows(engine: Engine, *, skip: tuple[str, ...] = ()) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows (ordered by primary key), values made comparable."""
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            out[table.name] = [{k: _plain(v) for k, v in r.items()} for r in rows]
    return out


def checksum(engine: Engine) -> str:
    """SHA-256 over every row of every table (the data-version stamp included), read with
    plain driver SQL so it is cheap enough to take a thousand times in a fuzz test.
    Compare checksums of one database only (values are hashed as the driver returns them)."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns) or "1"
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY {order}')
            digest.update(table.name.encode())
            digest.update(repr(rows.fetchall()).encode("utf-8"))
    return digest.hexdigest()


def test_checksum_sees_any_change(engine: Engine) -> None:
    from lib import write
    from lib.db import session_scope
    from lib.domain.permissions import Actor

    before = checksum(engine)
    assert checksum(engine) == before
    with session_scope(engine) as s:
        write.upsert_department(actor=Actor.system(), session=s, code="X", name="某科")
    assert checksum(engine) != before

"""Helpers shared by the hardening tests (issue 9): every row of every table, and a
checksum of the whole database to prove that a refused operation wrote nothing."""

from __future__ import annotations

import hashlib
import json
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
    """SHA-256 over every row of every table (the data-version stamp included)."""
    doc = json.dumps(all_rows(engine), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()


def test_checksum_sees_any_change(engine: Engine) -> None:
    from lib import services
    from lib.db import session_scope
    from lib.permissions import Actor

    before = checksum(engine)
    assert checksum(engine) == before
    with session_scope(engine) as s:
        services.upsert_department(actor=Actor.system(), session=s, code="X", name="某科")
    assert checksum(engine) != before

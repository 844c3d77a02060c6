"""A read-only preview of a workbook import (issue 23): the real import, run inside a
savepoint that is always rolled back, with the audit rows it wrote read back first, so
the office sees what would be added and changed, record by record, by the very code
path the import then takes (``import_workbook``). Nothing is kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib import write
from lib.domain.permissions import Actor
from lib.io.excel_import.importer import ImportResult, import_workbook
from lib.io.excel_import.reading import Progress
from lib.models import AuditLog

# what names a record in its audit row, first found wins
_LABEL_FIELDS = ("code", "username", "name", "label", "title", "period")


@dataclass(frozen=True)
class PreviewChange:
    """One record the import would create or change."""

    entity: str  # the audit row's entity: campaign, phase, department, task, user …
    action: str  # "created" or "updated"
    label: str  # its code, username or name
    fields: tuple[str, ...]  # the fields it changes (every field of a new record)


@dataclass
class ImportPreview:
    result: ImportResult
    changes: list[PreviewChange] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """entity -> {"created": n, "updated": n}."""
        out: dict[str, dict[str, int]] = {}
        for c in self.changes:
            row = out.setdefault(c.entity, {"created": 0, "updated": 0})
            row[c.action] += 1
        return out


class _RollBack(Exception):
    pass


def _label(values: dict[str, Any] | None, entity_id: int | None) -> str:
    for key in _LABEL_FIELDS:
        if values and values.get(key) not in (None, ""):
            return str(values[key])
    return f"#{entity_id}" if entity_id is not None else "—"


def _change(row: AuditLog) -> PreviewChange:
    before, after = row.before or {}, row.after or {}
    if row.before is None:
        changed = tuple(k for k, v in after.items() if v not in (None, "", [], {}))
        return PreviewChange(row.entity, "created", _label(after, row.entity_id), changed)
    changed = tuple(k for k in after if before.get(k) != after.get(k))
    return PreviewChange(row.entity, "updated", _label(after or before, row.entity_id), changed)


def preview_workbook(
    data: bytes,
    *,
    actor: Actor,
    session: Session,
    campaign_id: int | None = None,
    progress: Progress | None = None,
    lang: str | None = None,
) -> ImportPreview:
    """What ``import_workbook`` would do with this file, with nothing kept: the same
    checks and problems (sheet, row, column), the same counts, and the records it would
    create or change (read from the audit rows it wrote before the rollback)."""
    write.require(actor, "data.import")
    first_new = (session.scalar(select(func.max(AuditLog.id))) or 0) + 1
    found: dict[str, Any] = {}
    try:
        with write.all_or_nothing(session):
            result = import_workbook(
                data,
                actor=actor,
                session=session,
                campaign_id=campaign_id,
                progress=progress,
                lang=lang,
            )
            found["result"] = result
            if result.ok:
                session.flush()
                rows = session.scalars(
                    select(AuditLog).where(AuditLog.id >= first_new).order_by(AuditLog.id)
                ).all()
                found["changes"] = [_change(r) for r in rows]
            raise _RollBack
    except _RollBack:
        pass
    return ImportPreview(found["result"], found.get("changes", []))

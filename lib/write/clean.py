"""Inputs cleaned at the boundary (issue 17): no text with control characters reaches
the database, whichever service (or import, or page) writes it.

One check for every write: before each flush of an ORM session, every text column of
every new or changed row is looked at; a NUL or any other control character (C0, DEL,
C1) is refused with a :class:`~lib.write.base.ServiceError` naming the field. Only
multi-line texts (``Text`` columns: report texts, reasons, comments, descriptions) may
hold line breaks and tabs (``\\n``, ``\\r``, ``\\t``); names, titles, codes and file names
(``String`` columns) hold none. PostgreSQL refuses NUL in text with a raw
``psycopg.DataError``; this check refuses it first, on both backends, with a message.

A restore (``lib.io.backup``) writes through Core, not through the ORM, and is exempt:
it copies a whole database as it was.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, String, Text, event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from lib.i18n import t

# every control character: C0, DEL and C1
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# what a multi-line text may not hold: the same, less tab, line feed, carriage return
CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# the label a refusal names a column by (i18n keys); other columns are named as stored
FIELD_LABELS = {
    "work_done": "report.work_done",
    "problems": "report.problems",
    "next_steps": "report.next_steps",
    "reviewer_comment": "security.field_comment",
    "comment": "security.field_comment",
    "reason": "security.field_reason",
    "note": "security.field_note",
    "verification_note": "security.field_note",
    "name": "security.field_name",
    "name_en": "security.field_name_en",
    "display_name": "security.field_display_name",
    "username": "security.field_username",
    "title": "security.field_title",
    "description": "security.field_description",
    "original_name": "security.field_file_name",
    "code": "col.code",
    "label": "security.field_label",
    "email": "security.field_email",
}


def has_control(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a control character (a multi-line text may hold line
    breaks and tabs)."""
    return bool((CONTROL_MULTILINE if multiline else CONTROL).search(value))


def field_label(column: str, lang: str | None = None) -> str:
    key = FIELD_LABELS.get(column)
    return t(key, lang) if key else column


def _text_columns(mapper: Any) -> list[tuple[str, bool]]:
    """(attribute, multi-line) of the mapper's text columns."""
    out = []
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if isinstance(column.type, Text):
            out.append((attr.key, True))
        elif isinstance(column.type, String):
            out.append((attr.key, False))
    return out


_COLUMNS: dict[Any, list[tuple[str, bool]]] = {}


def offending_field(obj: Any) -> str | None:
    """The first text field of an ORM object that holds a control character."""
    mapper = inspect(obj).mapper
    if mapper not in _COLUMNS:
        _COLUMNS[mapper] = _text_columns(mapper)
    for key, multiline in _COLUMNS[mapper]:
        value = getattr(obj, key, None)
        if isinstance(value, str) and has_control(value, multiline=multiline):
            return key
    return None


@event.listens_for(Session, "before_flush")
def _refuse_control_characters(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    from lib.write.base import ServiceError

    for obj in (*session.new, *session.dirty):
        if (key := offending_field(obj)) is not None:
            raise ServiceError("error.control_characters", field=field_label(key))


@event.listens_for(Engine, "before_cursor_execute")
def _no_nul_to_postgresql(
    conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, executemany: bool
) -> None:
    """The last line: a NUL in any parameter of a PostgreSQL statement (a lookup by a
    name typed with a NUL, say) is refused with a message, never a raw DataError."""
    if not parameters or conn.dialect.name != "postgresql":
        return
    for row in parameters if executemany else (parameters,):
        values = row.values() if isinstance(row, dict) else row
        for value in values:
            if isinstance(value, str) and "\x00" in value:
                from lib.write.base import ServiceError

                raise ServiceError("error.control_characters", field=t("security.field_value"))

"""Logical backup and restore of every table, portable between SQLite and PostgreSQL.

The file is JSON (gzip-compressed when the name ends in ``.gz``) holding the schema
revision and every row. Restore goes into an empty, migrated database in one transaction.

A restore file is untrusted input (issue 17): it is decompressed as a stream and refused
past :data:`MAX_RESTORE_BYTES` unpacked or a compression ratio over :data:`MAX_RATIO`
(a gzip bomb), JSON nested too deeply for the parser is refused, and every table, column
and value is checked before anything is written; every refusal is a :class:`BackupError`
naming what is wrong.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Table,
    create_engine,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from lib.db import upgrade
from lib.models import Base

FORMAT = "service-campaign-backup"


# What a restore file may unpack to, and how much more than its size on disk. A backup
# is JSON, which gzip shrinks 5-20 times; a gzip bomb shrinks about 1 000 times.
MAX_RESTORE_BYTES = 2 * 1024**3
MAX_RATIO = 200
RATIO_CHECKED_FROM = 16 * 1024 * 1024  # small files may compress as well as they like
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refused restore. ``str(exc)`` is the kind: ``not-empty``, ``invalid``, ``bomb``,
    ``too-deep`` or ``rows`` (then ``params['table']`` names the table)."""

    def __init__(self, kind: str, **params: Any) -> None:
        super().__init__(kind)
        self.kind = kind
        self.params = params


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        col = table.c[key]
        if value is not None and isinstance(col.type, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(col.type, Date):
            value = dt.date.fromisoformat(value)
        out[key] = value
    return out


def _dump(conn: Connection) -> tuple[dict[str, Any], int, str | None]:
    """Every row of every table, read on one connection (one snapshot)."""
    from alembic.runtime.migration import MigrationContext

    tables: dict[str, Any] = {}
    total = 0
    for table in Base.metadata.sorted_tables:
        rows = [
            {k: _encode(v) for k, v in r.items()}
            for r in conn.execute(select(table).order_by(*table.primary_key.columns))
            .mappings()
            .all()
        ]
        tables[table.name] = rows
        total += len(rows)
    return tables, total, MigrationContext.configure(conn).get_current_revision()


def _snapshot(engine: Engine) -> tuple[dict[str, Any], int, str | None]:
    """A consistent copy of the data while the app keeps writing.

    SQLite: the online backup API copies the database file in one step under a read
    lock (writers wait at most a moment, readers never), then the copy is dumped.
    PostgreSQL: one REPEATABLE READ, READ ONLY transaction sees a single snapshot.
    Without this, tables read one after another could disagree (a report without its
    audit row) when a write lands in between.
    """
    if engine.dialect.name == "sqlite":
        import sqlite3
        import tempfile

        with tempfile.TemporaryDirectory(prefix="backup-") as tmp:
            copy = Path(tmp) / "snapshot.db"
            raw = engine.raw_connection()
            try:
                target = sqlite3.connect(copy)
                try:
                    raw.driver_connection.backup(target)  # type: ignore[union-attr]
                finally:
                    target.close()
            finally:
                raw.close()
            snap = create_engine(f"sqlite:///{copy}")
            try:
                with snap.connect() as conn:
                    return _dump(conn)
            finally:
                snap.dispose()
    with (
        engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
        conn.begin(),
    ):
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION READ ONLY"))
        return _dump(conn)


def backup(engine: Engine, path: Path) -> int:
    """Write every row to ``path`` from one consistent snapshot (safe while the app runs);
    returns the number of rows."""
    tables, total, revision = _snapshot(engine)
    doc = {
        "format": FORMAT,
        "version": 1,
        "revision": revision,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "tables": tables,
    }
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    tmp.replace(path)
    return total


def _unpack(path: Path, max_bytes: int, max_ratio: int) -> bytes:
    """The file's bytes, gunzipped as a stream if it is gzip; refused past ``max_bytes``
    or, beyond the first 16 MB, a ratio of unpacked to packed bytes over ``max_ratio``."""
    with path.open("rb") as raw:
        if raw.read(2) != b"\x1f\x8b":
            if path.stat().st_size > max_bytes:
                raise BackupError("bomb")
            raw.seek(0)
            return raw.read()
        raw.seek(0)
        chunks: list[bytes] = []
        total = 0
        try:
            with gzip.GzipFile(fileobj=raw) as unpacked:
                while chunk := unpacked.read(_CHUNK):
                    total += len(chunk)
                    if total > max_bytes:
                        raise BackupError("bomb")
                    if total > RATIO_CHECKED_FROM and total > max_ratio * max(raw.tell(), 1):
                        raise BackupError("bomb")
                    chunks.append(chunk)
        except (OSError, EOFError, zlib.error) as exc:
            raise BackupError("invalid") from exc
    return b"".join(chunks)


def _read(
    path: Path, max_bytes: int = MAX_RESTORE_BYTES, max_ratio: int = MAX_RATIO
) -> dict[str, Any]:
    raw = _unpack(path, max_bytes, max_ratio)
    try:
        doc = json.loads(raw.decode("utf-8"))
    except RecursionError as exc:  # nested deeper than the parser goes: not our file
        raise BackupError("too-deep") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError("invalid") from exc
    finally:
        del raw
    if (
        not isinstance(doc, dict)
        or doc.get("format") != FORMAT
        or doc.get("version") != 1
        or not isinstance(doc.get("tables"), dict)
    ):
        raise BackupError("invalid")
    known = Base.metadata.tables
    for name, rows in doc["tables"].items():
        if name not in known or not isinstance(rows, list):
            raise BackupError("invalid")
        columns = set(known[name].c.keys())
        for row in rows:
            if not isinstance(row, dict) or not set(row) <= columns:
                raise BackupError("rows", table=name)
    return doc


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "data_version":
                continue
            if conn.execute(select(func.count()).select_from(table)).scalar():
                return False
    return True


def restore(
    engine: Engine,
    path: Path,
    *,
    max_bytes: int = MAX_RESTORE_BYTES,
    max_ratio: int = MAX_RATIO,
) -> int:
    """Load a backup into an empty database (migrated to head first); nothing is written
    unless every row goes in."""
    doc = _read(path, max_bytes, max_ratio)
    upgrade(engine)
    if not is_empty(engine):
        raise BackupError("not-empty")
    try:
        return _load(engine, doc)
    except BackupError:
        raise
    except (SQLAlchemyError, ValueError, TypeError, KeyError, OverflowError, RecursionError) as exc:
        raise BackupError("rows", table="—") from exc


def _load(engine: Engine, doc: dict[str, Any]) -> int:
    total = 0
    with engine.begin() as conn:
        conn.execute(Base.metadata.tables["data_version"].delete())
        for table in Base.metadata.sorted_tables:
            try:
                rows = [_decode(table, r) for r in doc["tables"].get(table.name, [])]
            except (ValueError, TypeError, KeyError, RecursionError) as exc:
                raise BackupError("rows", table=table.name) from exc
            if not rows:
                continue
            self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            first = [{**r, **{c: None for c in self_refs}} for r in rows] if self_refs else rows
            try:
                conn.execute(table.insert(), first)
                for col in self_refs:
                    for r in rows:
                        if r.get(col) is not None:
                            conn.execute(
                                update(table).where(table.c.id == r["id"]).values({col: r[col]})
                            )
            except (
                SQLAlchemyError,
                ValueError,
                TypeError,
                KeyError,
                OverflowError,
                RecursionError,
            ) as exc:
                raise BackupError("rows", table=table.name) from exc
            total += len(rows)
        # derived figures are rebuilt from the restored reports on first read
        conn.execute(Base.metadata.tables["summary_state"].update().values(valid=False))
        if conn.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    return total

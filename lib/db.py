"""Engine, sessions, schema upgrade and the data-version stamp.

SQLite gets WAL, foreign keys and a busy timeout on every connection; PostgreSQL is used
when DATABASE_URL says so (psycopg 3).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from lib.config import ROOT, database_url
from lib.models import DataVersion

_engines: dict[str, Engine] = {}
_lock = threading.Lock()
SQLITE_BUSY_TIMEOUT_MS = 5000


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` / ``postgres://`` URLs and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin_before_savepoint(conn, _name) -> None:  # type: ignore[no-untyped-def]
    """Open the transaction before a savepoint that comes first in it. pysqlite begins a
    transaction only before its first INSERT/UPDATE/DELETE; a SAVEPOINT before that starts
    SQLite's transaction on its own, and releasing it then commits at once: what the
    savepoint wrote outlived a rollback of the transaction around it."""
    if not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """Create a configured engine (not cached; see :func:`get_engine`)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_pre_ping=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: DATABASE_URL)."""
    key = normalise_url(url or database_url())
    with _lock:
        if key not in _engines:
            _engines[key] = make_engine(key)
        return _engines[key]


def dispose_all() -> None:
    """Close every cached engine (tests, CLI restore)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    factory = session_factory(engine)
    with factory.begin() as session:
        yield session


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine | None = None, revision: str = "head") -> None:
    """Create or upgrade the schema with alembic. Never drops data."""
    from alembic import command

    engine = engine or get_engine()
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    # the data-version row exists from the start: two first writes never race to insert it
    with session_scope(engine) as session:
        if inspect(engine).has_table("data_version") and session.get(DataVersion, 1) is None:
            session.add(DataVersion(id=1, version=0))


def current_revision(engine: Engine | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = engine or get_engine()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_exists(engine: Engine | None = None) -> bool:
    return inspect(engine or get_engine()).has_table("campaigns")


def bump_data_version(session: Session) -> None:
    """Mark that data changed: read caches in every process key on the data version.

    The stamp is bumped once per transaction, as its last statement before COMMIT (after
    the summary refresh, see ``before_commit_step``). Bumping at the first change kept
    the one-row stamp locked for the whole transaction, so every save in every process
    queued behind every other; now it is held for the commit only. It stays in the
    writer's transaction: readers never see the new stamp before the data, a crash
    cannot separate them, and no second connection is needed (50 concurrent savers
    would otherwise exhaust the pool)."""
    session.info["bump_data_version"] = True


_before_commit_steps: list[Callable[[Session], None]] = []


def before_commit_step(fn: Callable[[Session], None]) -> Callable[[Session], None]:
    """Register work every transaction does just before it commits (in registration
    order), ahead of the data-version bump."""
    _before_commit_steps.append(fn)
    return fn


_BUMP = update(DataVersion).values(version=DataVersion.version + 1)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    for step in _before_commit_steps:
        step(session)
    if not session.info.pop("bump_data_version", False):
        return
    session.flush()
    result = session.execute(_BUMP)
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DataVersion(id=1, version=1))
        session.flush()


@event.listens_for(Session, "after_rollback")
def _no_bump_after_rollback(session: Session) -> None:
    session.info.pop("bump_data_version", None)


def data_version(engine: Engine | None = None) -> int:
    """The current data version (cheap single-row read)."""
    with (engine or get_engine()).connect() as conn:
        value = conn.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar()
    return int(value or 0)


def ping(engine: Engine | None = None) -> bool:
    with (engine or get_engine()).connect() as conn:
        return conn.execute(text("SELECT 1")).scalar() == 1

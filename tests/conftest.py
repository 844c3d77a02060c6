"""Shared fixtures: databases on both backends, a demo database, AppTest login helpers.

PostgreSQL tests read TEST_DATABASE_URL; each test session creates its own scratch
database there and drops it afterwards. With CI=true a missing PostgreSQL or Chromium is
a failure, never a skip.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
DEMO_TODAY = dt.date(2026, 11, 22)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The app reads settings from the environment; tests run in demo mode with a fixed key.
os.environ.setdefault("COOKIE_KEY", "test-cookie-key-" + "x" * 40)
os.environ.setdefault("DEMO_MODE", "1")
# A page that crashes still shows the exception (lib/ui/errors.py), so `at.exception` keeps
# catching crashes behind the error-id message that production shows instead.
os.environ.setdefault("APP_DEBUG_ERRORS", "1")


def need(reason: str) -> None:
    """Skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _pg_admin_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    from lib.db import normalise_url

    return normalise_url(url)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A scratch PostgreSQL database for this test session (worker)."""
    admin = _pg_admin_url()
    if admin is None:
        need("TEST_DATABASE_URL is not set (PostgreSQL tests)")
    assert admin is not None
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # server down or no rights
        admin_engine.dispose()
        need(f"PostgreSQL at TEST_DATABASE_URL is not usable: {exc}")
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    yield url
    from lib.db import dispose_all

    dispose_all()
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


def _reset_schema(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each backend (same tests run on both)."""

    from lib.read.cache import clear_caches

    clear_caches()  # read caches are keyed by URL and data version, both reused here
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url: str = request.getfixturevalue("pg_server_url")
    from lib.db import make_engine

    engine = make_engine(url)
    _reset_schema(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    from lib.db import make_engine, upgrade

    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine):  # type: ignore[no-untyped-def]
    from sqlalchemy.orm import Session

    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the demo loaded (shared, read-mostly)."""
    from lib import demo
    from lib.db import make_engine, session_scope, upgrade

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    eng = make_engine(url)
    upgrade(eng)
    with session_scope(eng) as s:
        demo.load_demo(s, today=DEMO_TODAY)
    eng.dispose()
    return url


@pytest.fixture
def app_db(tmp_path: Path, demo_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the demo database wired into the app's environment."""
    import shutil

    src = Path(demo_db.split("///", 1)[1])
    dst = tmp_path / "app.db"
    shutil.copy(src, dst)
    url = f"sqlite:///{dst}"
    monkeypatch.setenv("DEMO_MODE", "1")
    point_app_at(url, monkeypatch)
    yield url
    _forget_app_database()


def chromium_path() -> str:
    path = "/usr/bin/chromium"
    if not Path(path).exists():
        need("Chromium is not installed at /usr/bin/chromium")
    return path


def point_app_at(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the app's own reads (``get_engine``, settings, read caches) use ``url``."""
    from lib import config
    from lib.db import dispose_all
    from lib.read.cache import clear_caches

    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    clear_caches()
    dispose_all()


def _forget_app_database() -> None:
    from lib import config
    from lib.db import dispose_all

    config.settings.cache_clear()
    dispose_all()


@pytest.fixture
def app_engine(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The migrated test database on each backend, which the app reads too."""
    point_app_at(db_url, monkeypatch)
    yield engine
    _forget_app_database()


@pytest.fixture
def world(engine: Engine):  # type: ignore[no-untyped-def]
    """``tests.factories.make_world`` on each backend."""
    from tests.factories import make_world

    return make_world(engine)


@pytest.fixture
def worked_example(app_engine: Engine) -> int:
    """The worked example of docs/scoring.md on each backend, read by the app; its id."""
    from lib.db import session_scope
    from tests.factories import build_worked_example

    with session_scope(app_engine) as s:
        return build_worked_example(s)


@pytest.fixture
def worked_example_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[int, str]]:
    """The worked example in a SQLite file only (for the slow checks that do not touch
    SQL, and for AppTest pages), read by the app; its id and database URL."""
    from lib.db import session_scope
    from tests.factories import build_worked_example, sqlite_database

    path = tmp_path / "example.db"
    engine = sqlite_database(path)
    with session_scope(engine) as s:
        campaign_id = build_worked_example(s)
    engine.dispose()
    url = f"sqlite:///{path}"
    point_app_at(url, monkeypatch)
    yield campaign_id, url
    _forget_app_database()

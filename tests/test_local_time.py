"""Local time everywhere (issue 16, item 5): stored times stay UTC, every screen, the CLI
and every deadline rule use ``APP_TIMEZONE`` (default Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from lib.config import ConfigError, load_settings
from lib.domain import clock
from lib.domain.periods import is_late, report_cutoff
from lib.i18n import fmt_datetime, fmt_datetimes
from lib.models import AuditLog, MonthlyUpdate
from lib.read import queries
from tests.apphelpers import logged_in


@pytest.fixture(autouse=True)
def _shanghai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_TIMEZONE", "Asia/Shanghai")


def test_default_zone_is_shanghai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APP_TIMEZONE")
    assert clock.zone_name() == "Asia/Shanghai"
    assert fmt_datetime(dt.datetime(2026, 11, 29, 6, 36)) == "2026-11-29 14:36"


def test_stored_utc_is_shown_local() -> None:
    assert fmt_datetime(dt.datetime(2026, 11, 29, 6, 36)) == "2026-11-29 14:36"
    assert fmt_datetime(dt.datetime(2026, 11, 29, 20, 5, 9), seconds=True) == "2026-11-30 04:05:09"
    assert fmt_datetime(None) == "—"
    assert fmt_datetimes([dt.datetime(2026, 11, 29, 6, 36), None]) == ["2026-11-29 14:36", "—"]


def test_other_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_TIMEZONE", "Europe/London")
    assert fmt_datetime(dt.datetime(2026, 7, 1, 6, 36)) == "2026-07-01 07:36"  # BST


def test_lateness_uses_the_local_day() -> None:
    # deadline 25 November; 16:30 UTC on the 25th is 00:30 on the 26th in Shanghai
    assert report_cutoff("2026-11", 25) == dt.datetime(2026, 11, 25, 15, 59, 59, 999999)
    assert not is_late(dt.datetime(2026, 11, 25, 15, 59), "2026-11", 25)
    assert is_late(dt.datetime(2026, 11, 25, 16, 30), "2026-11", 25)
    # 23:00 local on the 25th is 15:00 UTC: on time
    assert not is_late(clock.to_utc_naive(dt.datetime(2026, 11, 25, 23, 0)), "2026-11", 25)


def test_today_is_the_local_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_TIMEZONE", "Pacific/Kiritimati")  # UTC+14: often tomorrow
    assert queries.today() == dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    monkeypatch.setenv("APP_TIMEZONE", "Pacific/Pago_Pago")  # UTC-11
    assert queries.today() == dt.datetime.now(ZoneInfo("Pacific/Pago_Pago")).date()


def test_unknown_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_TIMEZONE", "Asia/Beijing")  # not a tz database name
    monkeypatch.setenv("DEMO_MODE", "1")
    with pytest.raises(ConfigError, match="APP_TIMEZONE"):
        load_settings()


def test_review_and_audit_pages_show_local_time(app_db: str) -> None:
    """The server runs in UTC; the pages show Asia/Shanghai wall-clock time, unlabelled."""
    engine = create_engine(app_db)
    with Session(engine) as s:
        s.execute(
            update(MonthlyUpdate)
            .where(MonthlyUpdate.review_state == "submitted")
            .values(submitted_at=dt.datetime(2026, 11, 23, 6, 36))
        )
        s.add(
            AuditLog(
                username="office",
                action="probe_local_time",
                entity="department",
                entity_id=1,
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None, hour=6, minute=36, second=7),
            )
        )
        s.commit()
    at = logged_in("office")
    at.switch_page("pages/review.py").run()
    assert not at.exception, at.exception
    # the department-month table (issue 16) is the review page's second table
    shown = [v for df in at.dataframe for v in df.value.astype(str).to_numpy().ravel().tolist()]
    assert "2026-11-23 14:36" in shown
    assert "2026-11-23 06:36" not in shown

    at.switch_page("pages/audit.py").run()
    assert not at.exception, at.exception
    cells = "\n".join(str(v) for v in at.dataframe[0].value.to_numpy().ravel())
    assert "14:36:07" in cells and "06:36:07" not in cells
    headers = " ".join(str(c) for c in at.dataframe[0].value.columns)
    assert "UTC" not in headers


def test_audit_log_keeps_login_lock_times_in_local_time() -> None:
    """The audit log's before/after of an unlock names the lock's end in local time with
    its offset, never bare UTC (the audit page and its CSV show the JSON as stored)."""
    from lib.models import LoginThrottle
    from lib.write import logins

    row = LoginThrottle(address="203.0.113.9", failures=5, locks=1)
    row.locked_until = dt.datetime(2026, 11, 29, 6, 36)  # stored UTC
    assert logins._snapshot(row)["locked_until"] == "2026-11-29T14:36:00+08:00"


# Where a wall-clock time may be taken or formatted outside lib.domain.clock and
# lib.i18n: each line names why it is not a time shown in UTC.
CLOCK_ALLOWED = {
    "lib/models/core.py": "utcnow(): the stored UTC stamp",
    "lib/io/backup.py": "created_at in the backup header, UTC with its offset",
    "lib/ui/auth.py": "the cookie's expiry handed to the browser (an instant, not shown)",
    "pages/meeting.py": "frozen_at is local_now() already",
    "lib/notify/dispatch.py": "UTC instants in de-duplication keys and the delivery log, not shown",
}


def test_no_time_is_taken_or_formatted_behind_the_clock() -> None:
    """Every page, export, deck, circular, CLI line and audit view takes "now" and "today"
    from lib.domain.clock and formats stored times through lib.i18n.fmt_datetime."""
    import re

    from tests.conftest import ROOT

    pattern = re.compile(
        r"datetime\.now\(|date\.today\(|\.strftime\(|time\.localtime\(|time\.strftime\(|utcnow\(\)\.strftime"
    )
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "lib").rglob("*.py")]
    found = {}
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if rel in ("lib/domain/clock.py", "lib/i18n/__init__.py") or rel in CLOCK_ALLOWED:
            continue
        hits = [
            n
            for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
            if pattern.search(line)
        ]
        if hits:
            found[rel] = hits
    assert found == {}

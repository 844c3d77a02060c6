"""No user text is markup, in a real browser (issue 17, item 1): an evidence file and a
department named with an external image, a link, a coloured directive, LaTeX and bold
show as those very characters on the office's review and report pages — no <img> or
<a href> to that address, no KaTeX, no coloured span."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text, update

from lib import write
from lib.db import make_engine, session_scope
from lib.domain.periods import reporting_period
from lib.domain.permissions import Actor
from lib.models import Assignment, Attachment, Campaign, Department, MonthlyUpdate, Task
from lib.write import ReportInput
from tests.conftest import ARTIFACTS, chromium_path
from tests.factories import PNG
from tests.test_browser import (  # noqa: F401  (fixtures)
    WAIT_MS,
    _free_port,
    _login,
    _open_page,
    _settle,
    browser,
    running_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAYLOAD = "![x](http://127.0.0.1:9/x.png) [link](http://127.0.0.1:9) :red[紧急] $X$ **b**"
SHOTS = ARTIFACTS  # screenshots to look at (ignored by git)


def _attach(s, update_id: int) -> None:  # type: ignore[no-untyped-def]
    """An evidence file on the report, named with the payload (the upload keeps only the
    part after the last slash of a name, so the name is set as a restore would bring it)."""
    row = write.add_attachment(
        actor=Actor.system(), session=s, update_id=update_id, filename="证明.png", data=PNG
    )
    s.flush()
    s.execute(update(Attachment).where(Attachment.id == row.id).values(original_name=PAYLOAD))


def _poison(url: str) -> None:
    """Every department named with the payload; in each campaign, the report the office
    sees first on the report page and the first report in the review queue carry an
    evidence file named with it."""
    engine = make_engine(url)
    today = dt.date.today()
    with session_scope(engine) as s:
        for camp in s.scalars(select(Campaign).where(Campaign.archived.is_(False))):
            first = s.execute(
                select(Assignment.id, Department.id)
                .join(Task, Task.id == Assignment.task_id)
                .join(Department, Department.id == Assignment.department_id)
                .where(
                    Task.campaign_id == camp.id,
                    Task.active.is_(True),
                    Assignment.active.is_(True),
                    Department.active.is_(True),
                )
                .order_by(Department.sort_order, Department.id, Task.seq, Assignment.id)
                .limit(1)
            ).first()
            if first is None:
                continue
            period = reporting_period(camp.start_date, camp.end_date, today)
            report = s.scalar(
                select(MonthlyUpdate).where(
                    MonthlyUpdate.assignment_id == first[0], MonthlyUpdate.period == period
                )
            )
            if report is None:
                (report,) = write.save_reports(
                    actor=Actor.system(),
                    session=s,
                    period=period,
                    items=[ReportInput(first[0], 10, "in_progress", work_done="进展")],
                )
            if report.review_state != "approved" and not write.is_period_locked(s, camp.id, period):
                _attach(s, report.id)
            queued = s.scalar(
                select(MonthlyUpdate)
                .join(Assignment, Assignment.id == MonthlyUpdate.assignment_id)
                .join(Task, Task.id == Assignment.task_id)
                .where(Task.campaign_id == camp.id, MonthlyUpdate.review_state == "submitted")
                .order_by(MonthlyUpdate.submitted_at, MonthlyUpdate.id)
                .limit(1)
            )
            if queued is not None and queued.id != report.id:
                _attach(s, queued.id)
        s.execute(update(Department).values(name=PAYLOAD + " " + Department.code))
        s.execute(text("UPDATE data_version SET version = version + 1"))
    engine.dispose()


@pytest.fixture(scope="module")
def poisoned_server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from lib import config

    chromium_path()
    root = tmp_path_factory.mktemp("escaping")
    db = root / "app.db"
    shutil.copy(demo_db.split("///", 1)[1], db)
    files = root / "files"
    saved = os.environ.get("ATTACHMENTS_DIR")
    os.environ["ATTACHMENTS_DIR"] = str(files)
    config.settings.cache_clear()
    try:
        _poison(f"sqlite:///{db}")
    finally:
        if saved is None:
            os.environ.pop("ATTACHMENTS_DIR", None)
        else:
            os.environ["ATTACHMENTS_DIR"] = saved
        config.settings.cache_clear()
    with running_app(
        db, ATTACHMENTS_DIR=str(files), COOKIE_KEY="browser-test-cookie-key-" + "z" * 30
    ) as url:
        yield url


def _no_markup_from_the_payload(page, where: str) -> None:  # type: ignore[no-untyped-def]
    main = page.locator('[data-testid="stMain"]')
    shown = main.inner_text().replace("\u2060", "")  # the word joiner that stops autolinks
    # the characters are there, as typed ...
    for literal in ("![x](http://127.0.0.1:9/x.png)", "[link](http://127.0.0.1:9)",
                    ":red[紧急]", "$X$", "**b**"):  # fmt: skip
        assert literal in shown, (where, literal)
    # ... and nothing of them is markup
    assert page.locator('img[src*="127.0.0.1:9"]').count() == 0, where
    assert page.locator('a[href*="127.0.0.1:9"]').count() == 0, where
    assert page.locator(".katex, .katex-html, math").count() == 0, where
    assert main.get_by_text("紧急", exact=True).count() == 0, where  # a coloured span
    coloured = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] span')]
              .filter(s => s.textContent.includes('紧急') && s.style && s.style.color)
              .length"""
    )
    assert coloured == 0, where
    assert all(el.inner_text().strip() != "b" for el in main.locator("strong").all()), where


def test_file_and_department_names_show_as_text_to_the_office(
    poisoned_server: str,
    browser,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, poisoned_server, "office")
    _open_page(page, "审核队列")
    _settle(page)
    page.get_by_text("下载 ").first.wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(SHOTS / "escaping_review.png"), full_page=True)
    _no_markup_from_the_payload(page, "review")

    _open_page(page, "月度填报")
    _settle(page)
    page.get_by_text("下载 ").first.wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(SHOTS / "escaping_report.png"), full_page=True)
    _no_markup_from_the_payload(page, "report")
    ctx.close()

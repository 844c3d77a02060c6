"""The monthly loop in real browsers with tabs left open (issue 16 "Done means"): the
office opens the review page first and keeps it; the liaison edits ONE task and submits
(only that task becomes submitted); the office, same page, returns it (reason + Enter);
the liaison, same page, sees the return on 我的待办 and 月度填报 and resubmits without a
conflict; the office approves on the first click; the leader's overview moves. Then two
people edit the same report at once: the second is told and keeps what they typed.

The server runs in UTC with APP_TIMEZONE=Asia/Shanghai."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from lib.models import Assignment, Campaign, Department, MonthlyUpdate, Task, User
from tests.conftest import ARTIFACTS, chromium_path
from tests.test_browser import (  # noqa: F401
    WAIT_MS,
    _free_port,
    _login,
    _settle,
    browser,
    pick,
    running_app,
)
from tests.test_reporting_browser import CARD_CAMPAIGN, _reports_done
from tests.test_reporting_browser import _choose_campaign as _choose_once

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = ARTIFACTS  # screenshots to look at (ignored by git)


@pytest.fixture(scope="module")
def served(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(url, database url) of a `streamlit run` on a private copy of the demo."""
    chromium_path()
    db = tmp_path_factory.mktemp("loop16") / "app.db"
    shutil.copy(demo_db.split("///", 1)[1], db)
    with running_app(
        db, COOKIE_KEY="browser-test-cookie-key-" + "z" * 30, TZ="UTC", APP_TIMEZONE="Asia/Shanghai"
    ) as url:
        yield url, f"sqlite:///{db}"


def _open_task(
    db_url: str, username: str, closed: tuple[str, ...] = ("submitted", "approved")
) -> tuple[int, str, str, str]:
    """A task of the user's department whose report this month is in none of the
    ``closed`` states: (assignment id, task code, department name, period)."""
    with Session(create_engine(db_url)) as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None and user.department_id is not None
        dept = s.get(Department, user.department_id)
        assert dept is not None
        period = s.scalar(select(MonthlyUpdate.period).order_by(MonthlyUpdate.period.desc()))
        assert period is not None
        done = set(
            s.scalars(
                select(MonthlyUpdate.assignment_id).where(
                    MonthlyUpdate.period == period,
                    MonthlyUpdate.review_state.in_(closed),
                )
            )
        )
        rows = s.execute(
            select(Assignment.id, Task.code)
            .join(Task, Task.id == Assignment.task_id)
            .join(Campaign, Campaign.id == Task.campaign_id)
            .where(
                Assignment.department_id == dept.id,
                Task.active.is_(True),
                Campaign.name.like("提升医疗服务品质%"),  # the campaign the page opens on
            )
            .order_by(Task.seq, Task.id)
        ).all()
        aid, code = next((a, c) for a, c in rows if a not in done)
        return aid, code, dept.name, period


def _states(db_url: str, period: str) -> dict[int, str]:
    with Session(create_engine(db_url)) as s:
        return dict(
            s.execute(
                select(MonthlyUpdate.assignment_id, MonthlyUpdate.review_state).where(
                    MonthlyUpdate.period == period
                )
            ).all()
        )


def _task_box(page, code: str):  # type: ignore[no-untyped-def]
    """The container of one task on 月度填报: the nearest block around its heading that
    holds text fields."""
    heading = page.get_by_text(re.compile("^" + re.escape(code) + "\u3000")).first
    heading.wait_for(timeout=WAIT_MS)
    return heading.locator("xpath=ancestor::div[.//textarea][1]")


def _field(page, code: str, label: str = "工作进展"):  # type: ignore[no-untyped-def]
    """One text field of a task (after a rerun the browser may briefly keep the old
    version's field beside the new one: wait until one is left)."""
    for _ in range(40):
        fields = _task_box(page, code).get_by_label(label)
        if fields.count() == 1:
            return fields
        page.wait_for_timeout(250)
    return _task_box(page, code).get_by_label(label).last


def _nav(page, label: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=label).first.click()
    _settle(page)


def _open_report(page, code: str) -> None:  # type: ignore[no-untyped-def]
    """月度填报 from the sidebar, until the task shows (on a loaded machine the first run
    of a page can come up empty: click again, as a person would)."""
    heading = page.get_by_text(re.compile("^" + re.escape(code) + "\u3000")).first
    for _attempt in range(3):
        _nav(page, "月度填报")
        try:
            heading.wait_for(timeout=WAIT_MS // 3)
            return
        except Exception:
            page.wait_for_timeout(1000)
    heading.wait_for(timeout=WAIT_MS)


def _choose_campaign(page, name) -> None:  # type: ignore[no-untyped-def]
    """The sidebar's campaign; when its list does not open on a loaded machine, reload the
    page and choose again, as a person would."""
    try:
        _choose_once(page, name)
    except Exception:
        page.keyboard.press("Escape")
        page.reload()
        _settle(page)
        _choose_once(page, name)


def _pick_month(page, label: str) -> None:  # type: ignore[no-untyped-def]
    pick(page, page.get_by_label("选择科室月"), re.compile(re.escape(label)))
    # the month's own table heading shows once its run is drawn
    page.get_by_role("heading", name=re.compile("^" + re.escape(label) + " · ")).first.wait_for(
        timeout=WAIT_MS
    )


def _keep_only(page, code: str) -> None:  # type: ignore[no-untyped-def]
    """In 退回的任务 (preselected with every waiting task of the month), remove every task
    but ``code`` with the tags' own remove buttons."""
    tags = page.locator('[data-testid="stMultiSelect"]').first.locator("[data-tag]")
    labels: list[str] = []
    for _ in range(120):  # the chosen month's run may still be drawing: wait for its tasks
        labels = [tags.nth(i).get_attribute("aria-label") or "" for i in range(tags.count())]
        if any(label.startswith(code + " ") for label in labels):
            break
        page.wait_for_timeout(500)
    assert any(label.startswith(code + " ") for label in labels), labels
    for label in labels:
        if not label.startswith(code + " "):
            page.get_by_role("button", name="Remove " + label, exact=True).click()
            page.wait_for_timeout(300)
    left = [tags.nth(i).get_attribute("aria-label") or "" for i in range(tags.count())]
    assert len(left) == 1 and left[0].startswith(code + " "), left


def _submit_and_confirm(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_text(re.compile(r"^将提交以下 1 项任务")).first.wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="确认提交").click()
    page.get_by_text(re.compile(r"^已提交（1 项任务）")).first.wait_for(timeout=WAIT_MS)
    _settle(page)


def test_same_report_edited_at_once(served: tuple[str, str], browser) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    url, db_url = served
    # runs first: the loop test below approves the department's month
    aid, code, dept_name, period = _open_task(db_url, "liaison_card", closed=("approved",))
    pages = []
    for username in ("liaison_card", "office"):
        c = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
        p = c.new_page()
        _login(p, url, username)
        pages.append((c, p))
    (lc, liaison), (oc, office) = pages
    _nav(office, "月度填报")
    _choose_campaign(office, CARD_CAMPAIGN)
    office.get_by_label("科室").first.wait_for(timeout=WAIT_MS)
    pick(office, office.get_by_label("科室").first, dept_name, exact=True)
    _open_report(liaison, code)
    # both have the page open; both type into the same field
    _field(liaison, code).fill("联络员填写的进展")
    _field(office, code).fill("办公室代填的进展")
    liaison.get_by_role("button", name="保存草稿").click()
    liaison.get_by_text(re.compile(r"^已保存草稿")).first.wait_for(timeout=WAIT_MS)
    office.get_by_role("button", name="保存草稿").click()
    office.get_by_text(re.compile(r"^未保存：该记录已被")).first.wait_for(timeout=WAIT_MS)
    _settle(office)
    assert _field(office, code).input_value() == "办公室代填的进展"
    office.screenshot(path=str(SHOTS / "report_clash_zh.png"), full_page=True)
    with Session(create_engine(db_url)) as s:
        row = s.scalar(
            select(MonthlyUpdate).where(
                MonthlyUpdate.assignment_id == aid, MonthlyUpdate.period == period
            )
        )
        assert row is not None and row.work_done == "联络员填写的进展"
    lc.close()
    oc.close()


def test_loop_with_tabs_left_open(served: tuple[str, str], browser) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    url, db_url = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts = []

    def _context():  # type: ignore[no-untyped-def]
        c = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
        contexts.append(c)
        return c.new_page()

    office = _context()
    _login(office, url, "office")
    _nav(office, "审核队列")  # the office lands on 我的待办; choose the campaign on the queue
    _choose_campaign(office, CARD_CAMPAIGN)
    office.get_by_text("选择科室月").first.wait_for(timeout=WAIT_MS)

    leader = _context()
    _login(leader, url, "leader")
    _choose_campaign(leader, CARD_CAMPAIGN)
    # read the numbers only once the overview shows the chosen campaign
    leader.get_by_role("heading", name=CARD_CAMPAIGN).first.wait_for(timeout=WAIT_MS)
    _settle(leader)
    before_rate, total = _reports_done(leader)

    aid, code, dept_name, period = _open_task(db_url, "liaison_card")
    states_before = _states(db_url, period)
    liaison = _context()
    _login(liaison, url, "liaison_card")
    _open_report(liaison, code)
    _field(liaison, code).fill("本月完成窗口礼仪培训2次。")
    _submit_and_confirm(liaison)
    states = _states(db_url, period)
    assert states[aid] == "submitted"
    changed = {a for a in set(states) | set(states_before) if states.get(a) != states_before.get(a)}
    assert changed == {aid}, "only the edited task became submitted"

    # the office, same page session: picks the month, returns only that task (keyboard)
    _nav(office, "审核队列")
    _pick_month(office, dept_name)
    _keep_only(office, code)
    reason = office.get_by_label("退回原因（退回时必填）")
    reason.fill("请补充培训签到表")
    reason.press("Enter")
    office.get_by_text(re.compile(r"^已退回 1 项")).first.wait_for(timeout=WAIT_MS)
    assert _states(db_url, period)[aid] == "returned"

    # the liaison, same session, sees the return on 我的待办, then on 月度填报, and resubmits
    for _attempt in range(3):
        _nav(liaison, "我的待办")
        try:
            liaison.get_by_text(re.compile("退回原因：请补充培训签到表")).first.wait_for(
                timeout=WAIT_MS // 3
            )
            break
        except Exception:
            liaison.wait_for_timeout(1000)
    liaison.get_by_text(re.compile("退回原因：请补充培训签到表")).first.wait_for(timeout=WAIT_MS)
    liaison.screenshot(path=str(SHOTS / "liaison_home_returned_zh.png"), full_page=True)
    _open_report(liaison, code)
    box = _task_box(liaison, code)
    box.get_by_text("请补充培训签到表").first.wait_for(timeout=WAIT_MS)
    field = _field(liaison, code)
    assert field.input_value() == "本月完成窗口礼仪培训2次。"
    field.fill("本月完成窗口礼仪培训2次，签到表已补充。")
    _submit_and_confirm(liaison)
    assert liaison.get_by_text("该记录已被").count() == 0
    assert _states(db_url, period)[aid] == "submitted"
    liaison.screenshot(path=str(SHOTS / "report_resubmitted_zh.png"), full_page=True)

    # the office approves on the first click
    _nav(office, "审核队列")
    _pick_month(office, dept_name)
    office.screenshot(path=str(SHOTS / "review_month_zh.png"), full_page=True)
    office.get_by_role("button", name=re.compile(r"^全部审核通过")).click()
    office.get_by_text(re.compile(r"^已审核通过 \d+ 项")).first.wait_for(timeout=WAIT_MS)
    assert _states(db_url, period)[aid] == "approved"

    # the leader's overview moves
    after_rate = before_rate
    for _attempt in range(6):
        _nav(leader, "总览")
        after_rate, total_after = _reports_done(leader)
        if after_rate > before_rate:
            break
    assert after_rate > before_rate and total_after == total
    for c in contexts:
        c.close()


def _shows(box, pattern: str) -> str:  # type: ignore[no-untyped-def]
    """The text of ``box`` once it matches ``pattern`` (waits for the run to draw)."""
    text = ""
    for _ in range(180):
        if box.count():  # the chosen option shows as the text of the box or its input
            inputs = box.locator("input")
            values = [inputs.nth(i).input_value() for i in range(inputs.count())]
            text = " ".join([box.inner_text(), *values])
        if re.search(pattern, text):
            return text
        box.page.wait_for_timeout(500)
    raise AssertionError(f"{pattern!r} not in {text!r}")


def test_language_switch_relabels_month(served: tuple[str, str], browser) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    """A select box keeps its choice across 中文 → English and shows it in English (the
    browser kept showing 2026年11月 until the value was sent again)."""
    url, _db_url = served
    c = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
    page = c.new_page()
    _login(page, url, "liaison_card")
    _nav(page, "月度填报")
    month = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first
    chosen = _shows(month, r"\d{4}年\d{1,2}月")
    year, number = re.findall(r"(\d{4})年(\d{1,2})月", chosen)[0]
    page.get_by_text("English", exact=True).click()
    _settle(page)
    shown = _shows(month, r"[A-Z][a-z]{2} \d{4}")
    assert year in shown and "年" not in shown, (chosen, shown)
    page.get_by_text("中文", exact=True).click()
    _settle(page)
    _shows(month, f"{year}年{int(number)}月")
    c.close()


def test_typed_text_survives_language_switch(served: tuple[str, str], browser) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    """A liaison half-way through a report switches to English and back: what they typed
    is still in the field (the field keeps its identity when its label changes)."""
    url, db_url = served
    _aid, code, _dept, _period = _open_task(db_url, "liaison_card")
    c = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
    page = c.new_page()
    _login(page, url, "liaison_card")
    _open_report(page, code)
    typed = "本月完成候诊区改造，尚未保存"
    field = _field(page, code)
    field.fill(typed)
    page.get_by_text("English", exact=True).click()
    _settle(page)
    english = _field(page, code, "Work done")
    assert english.input_value() == typed
    # the task's status box shows its choice in English
    status = _task_box(page, code).locator('[data-testid="stSelectbox"]').first
    _shows(status, r"Not started|In progress|Done|Blocked")
    page.get_by_text("中文", exact=True).click()
    _settle(page)
    assert _field(page, code).input_value() == typed
    c.close()

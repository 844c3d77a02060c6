"""A real browser: a liaison submits the month on 月度填报, and the leader's overview
shows the report rate going up (two browser contexts on one `streamlit run`)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ARTIFACTS
from tests.test_browser import WAIT_MS, _login, _settle, browser, pick, server, submit_month  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
RATE = re.compile(r"^(\d+)/(\d+) 项$")
CARD_CAMPAIGN = re.compile(r"^提升医疗服务品质")


def _reports_done(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    page.get_by_text("本月报送率").first.wait_for(timeout=WAIT_MS)
    caption = page.get_by_text(RATE).first
    caption.wait_for(timeout=WAIT_MS)
    m = RATE.match(caption.inner_text().strip())
    assert m, caption.inner_text()
    return int(m.group(1)), int(m.group(2))


def _choose_campaign(page, name: re.Pattern[str]) -> None:  # type: ignore[no-untyped-def]
    pick(page, page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first, name)


def test_liaison_submits_and_leader_sees_report_rate_change(server: str, browser) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    liaison = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    lpage = liaison.new_page()
    _login(lpage, server, "liaison_card")
    campaign = CARD_CAMPAIGN  # the demo's city-hospital campaign (seed 004)

    leader = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = leader.new_page()
    _login(page, server, "leader")
    _choose_campaign(page, campaign)
    before, total = _reports_done(page)
    assert before < total, "the demo month is not fully reported yet"

    lpage.goto(server + "/report")
    lpage.get_by_role("heading", name="月度填报").wait_for(timeout=WAIT_MS)
    _settle(lpage)
    # issue 16: submitting asks first; untouched tasks are submitted only when the
    # liaison confirms 本月无变化 for them (one checkbox for all the rest)
    submit_month(lpage)
    lpage.get_by_text(re.compile(r"^已提交（\d+ 项任务）")).first.wait_for(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lpage.screenshot(path=str(ARTIFACTS / "report_submitted_liaison_card.png"))

    # the leader moves on within the same session: the overview reads the new reports
    # (poll: on a loaded machine the rerun may not have started when we first look)
    after, total_after = before, total
    for _attempt in range(6):
        page.get_by_role("link", name="总览").first.click()
        _settle(page)
        for _ in range(20):
            after, total_after = _reports_done(page)
            if after > before:
                break
            page.wait_for_timeout(500)
        if after > before:
            break
    assert total_after == total
    assert after > before, (before, after)
    page.screenshot(path=str(ARTIFACTS / "overview_after_submit_leader.png"))
    liaison.close()
    leader.close()

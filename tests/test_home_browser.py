"""A real browser (issue 16): a liaison lands on 我的待办 and sees the same count in the
sidebar, in Chinese and English; the office lands on its own home; the tracker's grid and
table say "已报送 n/m" / "Reported n/m" alike. Screenshots under tests/artifacts/."""

from __future__ import annotations

import re

from tests.conftest import ARTIFACTS
from tests.test_browser import WAIT_MS, _login, _open_page, _settle, browser, server  # noqa: F401


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _no_exception(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator('[data-testid="stException"]').count() == 0


def _english(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="My to-do").first.wait_for(timeout=WAIT_MS)
    _settle(page)


def test_liaison_lands_on_the_to_do_in_both_languages(server: str, browser) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1440, "height": 1800}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, server, "liaison_card")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=WAIT_MS)
    _settle(page)
    _no_exception(page)
    badge = page.get_by_text(re.compile(r"^我的待办：\d+ 项$")).first
    badge.wait_for(timeout=WAIT_MS)
    count = int(re.findall(r"\d+", badge.inner_text())[0])
    page.get_by_text(f"您有 {count} 项待办").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("截止日").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("审核结果").first.wait_for(timeout=WAIT_MS)  # the last section drawn
    _settle(page)
    _shot(page, "home_liaison_zh")
    _english(page)
    _no_exception(page)
    page.get_by_text(f"To-do items: {count}").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("Review of").first.wait_for(timeout=WAIT_MS)
    _settle(page)
    _shot(page, "home_liaison_en")
    ctx.close()


def test_office_home_and_tracker_in_both_languages(server: str, browser) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1440, "height": 1800}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, server, "office")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=WAIT_MS)
    _settle(page)
    _no_exception(page)
    page.get_by_text("待审核填报").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("逾期未销号问题").first.wait_for(timeout=WAIT_MS)  # the last section
    _settle(page)
    _shot(page, "home_office_zh")
    _open_page(page, "报送情况")
    _settle(page)
    _no_exception(page)
    page.get_by_text("催报提醒").first.wait_for(timeout=WAIT_MS)
    _settle(page)
    _shot(page, "tracker_zh")
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Report tracker").first.wait_for(timeout=WAIT_MS)
    _settle(page)
    _no_exception(page)
    _shot(page, "tracker_en")
    _open_page(page, "My to-do")
    page.get_by_text("Problems past their deadline").first.wait_for(timeout=WAIT_MS)
    _settle(page)
    _shot(page, "home_office_en")
    ctx.close()

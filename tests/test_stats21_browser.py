"""Screenshots (issue 21) from a real `streamlit run` in Chromium: the satisfaction page
with n and 95% intervals beside every rate, and an item's run chart with a shift signal
(the demo's months preceded by a seeded baseline of eight lower months), zh and en.
Saved under tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest

from lib.domain.periods import shift_period
from tests.conftest import ARTIFACTS, chromium_path
from tests.test_browser import (
    CHROMIUM_ARGS,
    WAIT_MS,
    _login,
    _open_page,
    _settle,
    pick,
    running_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _seed_baseline(url: str) -> None:
    """Eight months before each campaign's first satisfaction month, four points lower
    than the item's lowest value since: the demo's months then run above the median."""
    from sqlalchemy import func, select

    from lib.db import make_engine, session_scope
    from lib.models import Indicator, IndicatorValue

    engine = make_engine(url)
    with session_scope(engine) as s:
        items = s.scalars(
            select(Indicator)
            .where(Indicator.group == "patient", Indicator.is_composite.is_(False))
            .order_by(Indicator.campaign_id, Indicator.seq, Indicator.id)
        ).all()
        seen: set[int] = set()
        for item in items:
            if item.campaign_id in seen:
                continue
            rows = s.scalars(
                select(IndicatorValue).where(IndicatorValue.indicator_id == item.id)
            ).all()
            if not rows:
                continue
            seen.add(item.campaign_id)
            first = min(r.period for r in rows)
            floor = s.scalar(
                select(func.min(IndicatorValue.value)).where(IndicatorValue.indicator_id == item.id)
            )
            departments = sorted({r.department_id for r in rows})
            for back in range(1, 9):
                for k, did in enumerate(departments):
                    s.add(
                        IndicatorValue(
                            indicator_id=item.id,
                            department_id=did,
                            period=shift_period(first, -back),
                            value=float(floor) - 4 - ((back + k) % 3) * 0.5,
                            sample_size=120,
                            entered_at=dt.datetime(2026, 1, 1),
                        )
                    )
    engine.dispose()


@pytest.fixture(scope="module")
def seeded_server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium_path()
    db = tmp_path_factory.mktemp("stats21") / "app.db"
    shutil.copy(demo_db.split("///", 1)[1], db)
    _seed_baseline(f"sqlite:///{db}")
    with running_app(db, COOKIE_KEY="browser-test-cookie-key-" + "z" * 30) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _save(page, name: str, element=None) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    if element is not None:
        element.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)


def test_satisfaction_run_chart_with_a_shift_and_intervals(seeded_server: str, chromium) -> None:  # type: ignore[no-untyped-def]
    # tall enough for the whole page: Streamlit scrolls inside its own container
    ctx = chromium.new_context(viewport={"width": 1440, "height": 4200})
    page = ctx.new_page()
    _login(page, seeded_server, "leader")
    # the satisfaction campaign: ten demo months of every item, after the seeded baseline
    _settle(page)
    pick(
        page,
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
            has_text="当前活动"
        ),
        "2025年度第三方满意度整改提升",
    )
    for lang_index, lang in enumerate(("zh", "en")):
        if lang == "en":
            page.get_by_text("English", exact=True).click()
            page.get_by_role("link", name="Overview").wait_for(timeout=WAIT_MS)
        _open_page(page, ("满意度", "Satisfaction")[lang_index])
        _settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        shift = ("连续", "in a row above the median")[lang_index]
        page.get_by_text(shift).first.wait_for(timeout=WAIT_MS)
        page.get_by_text(("95%置信区间", "95% interval")[lang_index]).first.wait_for(
            timeout=WAIT_MS
        )
        page.wait_for_timeout(1500)  # let the charts draw
        _save(page, f"satisfaction_intervals_{lang}.png")
        heading = page.get_by_text(
            ("满意度项目运行图", "Run chart of a satisfaction item")[lang_index]
        )
        chart = page.locator('[data-testid="stVegaLiteChart"]').nth(1)
        heading.first.scroll_into_view_if_needed()
        _save(page, f"run_chart_shift_{lang}.png", chart)
    ctx.close()

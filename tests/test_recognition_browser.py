"""A real browser (issue 20): a liaison nominates their department on 评选; the office
and the leaders take the round through check, shortlist, decision and a 公示 that has
ended; the viewer sees the winner on the 光荣榜 only once the result is final (zh and
en screenshots under tests/artifacts/)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from lib.db import make_engine, session_scope
from lib.domain.permissions import Actor
from lib.models import Campaign, Nomination, SelectionRound, User
from lib.write import recognition as rec
from tests.conftest import ARTIFACTS, chromium_path
from tests.test_browser import WAIT_MS, _free_port, _login, _settle, browser, running_app  # noqa: F401
from tests.test_reporting_browser import _choose_campaign

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SEED001 = re.compile(r"服务提升年")


@pytest.fixture(scope="module")
def served(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A `streamlit run` on a private copy of the demo: its URL and database file."""
    chromium_path()
    db = tmp_path_factory.mktemp("recog_browser") / "app.db"
    shutil.copy(demo_db.split("///", 1)[1], db)
    with running_app(db, COOKIE_KEY="recognition-browser-cookie-key-" + "z" * 30) as url:
        yield url, db


def _actor(s, username: str) -> Actor:  # type: ignore[no-untyped-def]
    u = s.scalar(select(User).where(User.username == username))
    return Actor(
        username=u.username,
        roles=frozenset(u.role_list),
        user_id=u.id,
        department_id=u.department_id,
    )


def _decide_and_publish(db: Path, department_id: int) -> int:
    """Office and leaders: confirm, close, shortlist the liaison's nomination, choose it,
    publish a 公示 that has already ended. Returns the round."""
    engine = make_engine(f"sqlite:///{db}")
    today = dt.date.today()
    with session_scope(engine) as s:
        office, leader = _actor(s, "office"), _actor(s, "leader")
        campaign = s.scalar(select(Campaign).where(Campaign.template_key == "seed001"))
        assert campaign is not None
        r = s.scalar(
            select(SelectionRound).where(
                SelectionRound.campaign_id == campaign.id, SelectionRound.state == "nominating"
            )
        )
        assert r is not None
        n = s.scalar(
            select(Nomination).where(
                Nomination.round_id == r.id, Nomination.department_id == department_id
            )
        )
        assert n is not None, "the liaison's nomination is stored"
        round_id, nid = r.id, n.id
        rec.confirm_criteria(
            actor=office,
            session=s,
            nomination_id=nid,
            confirmed={"commitment_published": True, "no_medical_error": True},
        )
        rec.close_nominations(actor=office, session=s, round_id=round_id)
    with session_scope(engine) as s:
        rec.set_shortlist(actor=office, session=s, round_id=round_id, nomination_ids=[nid])
    with session_scope(engine) as s:
        rec.record_decision(actor=leader, session=s, nomination_id=nid, won=True, votes=9)
    with session_scope(engine) as s:
        rec.start_notice(
            actor=office,
            session=s,
            round_id=round_id,
            start=today - dt.timedelta(days=7),
            end=today - dt.timedelta(days=1),
        )
    engine.dispose()
    return round_id


def _finalise(db: Path, round_id: int) -> None:
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as s:
        rec.finalise_round(actor=_actor(s, "office"), session=s, round_id=round_id)
    engine.dispose()


def _honours(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/honours")  # a new session: the campaign is chosen again
    page.get_by_role("heading", name=re.compile("光荣榜|Honour roll")).first.wait_for(
        timeout=WAIT_MS
    )
    _settle(page)
    _choose_campaign(page, SEED001)


def test_liaison_nominates_and_viewer_sees_the_winner_after_the_notice(  # type: ignore[no-untyped-def]
    served: tuple[str, Path],
    browser,  # noqa: F811
) -> None:
    url, db = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, url, "liaison_card")
    heading = page.get_by_role("heading", name="评选").first
    for _attempt in range(3):  # on a loaded machine the first run may come up empty
        page.goto(url + "/selection")  # a new session: the campaign is chosen again
        try:
            heading.wait_for(timeout=WAIT_MS // 3)
            break
        except Exception:
            page.wait_for_timeout(1000)
    heading.wait_for(timeout=WAIT_MS)
    _settle(page)
    _choose_campaign(page, SEED001)
    page.get_by_label("推荐理由").wait_for(timeout=WAIT_MS)
    page.get_by_label("推荐理由").fill("病区推行床旁结算和出院随访，本季度零投诉，满意度95%以上。")
    page.get_by_role("button", name="提交推荐").click()
    page.get_by_text("推荐已提交").first.wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "selection_nominated_liaison_card.png"), full_page=True)
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as s:
        department_id = _actor(s, "liaison_card").department_id
    engine.dispose()
    assert department_id is not None
    ctx.close()

    round_id = _decide_and_publish(db, department_id)

    viewer = browser.new_context(viewport={"width": 1440, "height": 2000}, locale="zh-CN")
    vpage = viewer.new_page()
    _login(vpage, url, "viewer")
    _honours(vpage, url)
    vpage.get_by_text("门诊收费窗口").first.wait_for(timeout=WAIT_MS)  # the finished quarter
    assert vpage.get_by_text("心血管内科", exact=True).count() == 0, "not final: not listed"

    _finalise(db, round_id)
    _honours(vpage, url)
    vpage.get_by_text("心血管内科", exact=True).first.wait_for(timeout=WAIT_MS)
    vpage.get_by_text("病区推行床旁结算和出院随访", exact=False).first.wait_for(timeout=WAIT_MS)
    vpage.get_by_text("采血窗口（检验科）").first.wait_for(timeout=WAIT_MS)  # the last card
    _settle(vpage)
    vpage.screenshot(path=str(ARTIFACTS / "honours_zh.png"), full_page=True)

    vpage.get_by_role("radio", name="English").or_(
        vpage.get_by_role("button", name="English")
    ).first.click()
    _settle(vpage)
    vpage.get_by_role("heading", name="Honour roll").first.wait_for(timeout=WAIT_MS)
    vpage.get_by_text("Cardiology", exact=True).first.wait_for(timeout=WAIT_MS)
    # the Chinese run's elements are gone (a screenshot mid-rerun shows both)
    vpage.get_by_text("王丽（财务科）").first.wait_for(state="detached", timeout=WAIT_MS)
    vpage.get_by_text("Blood sampling window (Clinical Laboratory)").first.wait_for(timeout=WAIT_MS)
    _settle(vpage)
    vpage.screenshot(path=str(ARTIFACTS / "honours_en.png"), full_page=True)
    viewer.close()

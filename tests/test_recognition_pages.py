"""Recognition pages (issue 20) with AppTest on the demo: a liaison nominates, the office
shortlists, the leader records the decision, everyone (the viewer too) sees the 光荣榜."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.db import make_engine
from lib.models import Campaign, Nomination, SelectionRound, User
from tests.apphelpers import logged_in, raw_keys


def _ids(url: str) -> tuple[int, int]:
    """The seed-001 campaign and its open round."""
    with Session(make_engine(url)) as s:
        campaign = s.scalar(select(Campaign).where(Campaign.template_key == "seed001"))
        assert campaign is not None
        open_round = s.scalar(
            select(SelectionRound).where(
                SelectionRound.campaign_id == campaign.id, SelectionRound.state == "nominating"
            )
        )
        assert open_round is not None
        return campaign.id, open_round.id


def _page(username: str, path: str, campaign_id: int, lang: str = "zh"):  # type: ignore[no-untyped-def]
    at = logged_in(username)
    at.session_state["campaign_id"] = campaign_id
    at.session_state["lang"] = lang
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _submit(at, label: str):  # type: ignore[no-untyped-def]
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def test_liaison_nominates_own_department(app_db: str) -> None:
    campaign_id, round_id = _ids(app_db)
    at = _page("liaison_card", "pages/selection.py", campaign_id)
    assert at.title[0].value == "评选"
    assert not raw_keys(at)
    # only the liaison's own department is offered
    assert at.selectbox(key="recog_nominate_department").options == ["心血管内科"]
    at.text_area(key="recog_reasons").input("病区推行床旁结算，患者满意度持续在95%以上。")
    _submit(at, "提交推荐")
    assert not at.error, [e.value for e in at.error]
    assert any("推荐已提交" in s.value for s in at.success)
    with Session(make_engine(app_db)) as s:
        user = s.scalar(select(User).where(User.username == "liaison_card"))
        n = s.scalar(
            select(Nomination).where(
                Nomination.round_id == round_id, Nomination.department_id == user.department_id
            )
        )
        assert n is not None and n.reasons.startswith("病区推行床旁结算")


def test_office_shortlists_and_leader_decides(app_db: str) -> None:
    campaign_id, round_id = _ids(app_db)
    office = _page("office", "pages/selection.py", campaign_id)
    office.selectbox(key="recog_round").set_value(round_id).run()
    # the check table shows the rules with their figures
    assert any("月度满意度" in str(df.value) for df in office.dataframe)
    # confirm the office's checkboxes for every nomination, then close nominations
    with Session(make_engine(app_db)) as s:
        nids = list(s.scalars(select(Nomination.id).where(Nomination.round_id == round_id)))
    for nid in nids:
        office.selectbox(key="recog_check").set_value(nid).run()
        for box in office.checkbox:
            box.check()
        _submit(office, "保存确认")
        assert not office.error, [e.value for e in office.error]
    _submit(office, "截止推荐，开始资格审核")
    assert not office.error, [e.value for e in office.error]
    shortlist = office.multiselect(key="recog_shortlist_pick")
    assert shortlist.value, "candidates meeting every criterion are proposed"
    chosen = list(shortlist.value)
    _submit(office, "提交领导小组")
    assert not office.error, [e.value for e in office.error]
    with Session(make_engine(app_db)) as s:
        r = s.get(SelectionRound, round_id)
        assert r is not None and r.state == "deciding"

    leader = _page("leader", "pages/selection.py", campaign_id)
    leader.selectbox(key="recog_round").set_value(round_id).run()
    nid = chosen[0]
    leader.number_input(key=f"recog_votes_{nid}").set_value(9)
    [button] = [
        b for b in leader.button if b.label == "记录决定" and str(nid) in str(b.key or b.id)
    ] or [b for b in leader.button if b.label == "记录决定"][:1]
    button.click().run()
    assert not leader.exception and not leader.error, [e.value for e in leader.error]
    with Session(make_engine(app_db)) as s:
        n = s.get(Nomination, nid)
        assert n is not None and n.outcome == "won" and n.votes == 9


def test_honour_roll_for_everyone_in_both_languages(app_db: str) -> None:
    campaign_id, _ = _ids(app_db)
    for user in ("viewer", "liaison_card", "leader"):
        at = _page(user, "pages/honours.py", campaign_id)
        assert at.title[0].value == "光荣榜"
        text = "\n".join(m.value for m in at.markdown)
        assert "门诊收费窗口" in text and "王丽" in text
        assert "放射登记窗口" not in text  # not chosen
        assert not raw_keys(at)
    en = _page("viewer", "pages/honours.py", campaign_id, lang="en")
    assert en.title[0].value == "Honour roll"
    assert "Outpatient cashier window" in "\n".join(m.value for m in en.markdown)
    assert not raw_keys(en)


def test_setup_staff_adds_a_person(app_db: str) -> None:
    at = _page("office", "pages/setup_staff.py", _ids(app_db)[0])
    assert at.title[0].value == "人员与窗口"
    [name] = [x for x in at.text_input if x.label == "姓名"]
    name.input("测试人员")
    _submit(at, "添加人员")
    assert not at.error, [e.value for e in at.error]
    assert any("测试人员" in str(df.value) for df in at.dataframe)

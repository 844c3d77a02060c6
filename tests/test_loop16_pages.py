"""The monthly loop with pages left open (issue 16), two AppTest sessions kept across the
steps: a liaison submits ONE task, the office returns it from the review page it opened
first, the liaison sees the return and resubmits without a conflict, the office approves
on the first click. Two people editing the same report at once: the second is told and
keeps what they typed; different fields merge silently."""

from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from lib.models import Assignment, MonthlyUpdate, User
from tests.apphelpers import logged_in


def _states(url: str, department_id: int, period: str) -> dict[int, str | None]:
    """Every assignment of the department -> its report's state this month."""
    with Session(create_engine(url)) as s:
        ids = s.scalars(select(Assignment.id).where(Assignment.department_id == department_id))
        found = dict(
            s.execute(
                select(MonthlyUpdate.assignment_id, MonthlyUpdate.review_state).where(
                    MonthlyUpdate.period == period
                )
            ).all()
        )
        return {i: found.get(i) for i in ids}


def _report(url: str, aid: int, period: str) -> MonthlyUpdate:
    with Session(create_engine(url)) as s:
        row = s.scalar(
            select(MonthlyUpdate).where(
                MonthlyUpdate.assignment_id == aid, MonthlyUpdate.period == period
            )
        )
        assert row is not None
        return row


def _text_keys(at, field: str = "work_done") -> list[str]:  # type: ignore[no-untyped-def]
    return [
        w.key for w in at.text_area if w.key and w.key.startswith(f"rp_{field}_") and not w.disabled
    ]


def _aid_period(key: str) -> tuple[int, str]:
    """rp_<field>_<assignment>_<period>_<version>_<generation> -> (assignment, period)."""
    parts = key.split("_")
    return int(parts[-4]), parts[-3]


def _key_of(at, family: str, aid: int) -> str:  # type: ignore[no-untyped-def]
    widgets = at.number_input if family == "pct" else at.text_area
    return next(w.key for w in widgets if w.key and w.key.startswith(f"rp_{family}_{aid}_"))


def _liaison_dept(url: str, username: str) -> int:
    with Session(create_engine(url)) as s:
        dept = s.scalar(select(User.department_id).where(User.username == username))
        assert dept is not None
        return int(dept)


def _same_campaign(at, other) -> None:  # type: ignore[no-untyped-def]
    """Choose the other session's campaign in the sidebar (as the user would)."""
    box = next(b for b in at.selectbox if b.key and b.key.startswith("campaign_select"))
    box.set_value(other.session_state["campaign_id"]).run()


def test_return_and_resubmit_with_both_pages_left_open(app_db: str) -> None:
    liaison = logged_in("liaison_card")
    office = logged_in("office")
    _same_campaign(office, liaison)
    office.switch_page("pages/review.py").run()
    assert not office.exception
    liaison.switch_page("pages/report.py").run()
    assert not liaison.exception
    dept = _liaison_dept(app_db, "liaison_card")

    # the liaison edits ONE task that is not submitted yet and submits
    keys = _text_keys(liaison)
    assert keys
    period = _aid_period(keys[0])[1]
    before = _states(app_db, dept, period)
    candidates = [k for k in keys if before[_aid_period(k)[0]] != "submitted"]
    key = candidates[0] if candidates else keys[0]
    aid = _aid_period(key)[0]
    liaison.text_area(key=key).input("本月完成窗口礼仪培训2次。")
    liaison.button(key="report_submit").click().run()
    assert any("将提交以下 1 项任务" in m.value for m in liaison.markdown)
    liaison.button(key="report_confirm").click().run()
    assert not liaison.exception and not liaison.error, [e.value for e in liaison.error]
    assert any("已提交（1 项任务）" in s.value for s in liaison.success)
    after = _states(app_db, dept, period)
    assert after[aid] == "submitted"
    assert {a: s for a, s in after.items() if a != aid} == {
        a: s for a, s in before.items() if a != aid
    }, "only the edited task changed"

    # the office, same session, picks the department's month and returns that task
    office.run()
    office.selectbox(key="review_month_select_zh").set_value(f"{dept}|{period}").run()
    assert not office.exception and not office.error
    uid = _report(app_db, aid, period).id
    picker = office.multiselect(key=f"review_picked_{dept}|{period}")
    assert uid in picker.value, "a month chosen later still preselects its waiting tasks"
    picker.set_value([uid])
    office.text_input(key="review_reason").input("请补充培训签到表")
    office.button(key="review_return").click().run()
    assert not office.error, [e.value for e in office.error]
    assert any("已退回 1 项" in s.value for s in office.success)

    # the liaison, same session, sees the return and resubmits: no conflict
    liaison.switch_page("pages/report.py").run()
    assert not liaison.exception and not liaison.error
    assert any("请补充培训签到表" in w.value for w in liaison.warning)
    key = _key_of(liaison, "work_done", aid)
    assert liaison.text_area(key=key).value == "本月完成窗口礼仪培训2次。"
    liaison.text_area(key=key).input("本月完成窗口礼仪培训2次，签到表已上传。")
    liaison.button(key="report_submit").click().run()
    liaison.button(key="report_confirm").click().run()
    assert not liaison.error, [e.value for e in liaison.error]
    assert any("已提交（1 项任务）" in s.value for s in liaison.success)
    assert _report(app_db, aid, period).review_state == "submitted"

    # the office approves on the first click
    office.run()
    office.selectbox(key="review_month_select_zh").set_value(f"{dept}|{period}").run()
    office.button(key="review_approve_all").click().run()
    assert not office.error, [e.value for e in office.error]
    assert any("已审核通过" in s.value for s in office.success)
    assert _report(app_db, aid, period).review_state == "approved"


def _both_on_report(app_db: str):  # type: ignore[no-untyped-def]
    dept = _liaison_dept(app_db, "liaison_card")
    liaison = logged_in("liaison_card")
    liaison.switch_page("pages/report.py").run()
    office = logged_in("office")
    _same_campaign(office, liaison)
    office.switch_page("pages/report.py").run()
    office.selectbox(key="report_department").set_value(dept).run()
    office.selectbox(key="report_period").set_value(liaison.selectbox(key="report_period").value)
    office.run()
    assert not liaison.exception and not office.exception
    key = _text_keys(liaison)[0]
    aid, period = _aid_period(key)
    return liaison, office, aid, period


def test_two_people_edit_the_same_field_the_second_is_told(app_db: str) -> None:
    liaison, office, aid, period = _both_on_report(app_db)
    liaison.text_area(key=_key_of(liaison, "work_done", aid)).input("联络员写的进展")
    office.text_area(key=_key_of(office, "work_done", aid)).input("办公室写的进展")
    liaison.button(key="report_save").click().run()
    assert not liaison.error, [e.value for e in liaison.error]
    office.button(key="report_save").click().run()
    assert office.error, "the second save is told"
    assert "人事" in office.error[0].value or "联络员" in office.error[0].value
    # what the office typed is still in the form, theirs shown beside it
    assert office.text_area(key=_key_of(office, "work_done", aid)).value == "办公室写的进展"
    assert any("联络员写的进展" in w.value and "办公室写的进展" in w.value for w in office.warning)
    assert _report(app_db, aid, period).work_done == "联络员写的进展"
    # saving again keeps the office's text, deliberately
    office.button(key="report_save").click().run()
    assert not office.error, [e.value for e in office.error]
    assert _report(app_db, aid, period).work_done == "办公室写的进展"


def test_two_people_edit_different_fields_merge(app_db: str) -> None:
    liaison, office, aid, period = _both_on_report(app_db)
    liaison.text_area(key=_key_of(liaison, "work_done", aid)).input("联络员写的进展")
    office.text_area(key=_key_of(office, "next_steps", aid)).input("办公室补的计划")
    liaison.button(key="report_save").click().run()
    office.button(key="report_save").click().run()
    assert not office.error, [e.value for e in office.error]
    row = _report(app_db, aid, period)
    assert row.work_done == "联络员写的进展" and row.next_steps == "办公室补的计划"

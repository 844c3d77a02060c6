"""AppTest of the reporting pages (issue 5): a liaison fills in the month, saves a draft
and submits; a bad entry and a stale save are refused with a message and change nothing;
the office approves, returns with a reason and bulk-approves in the review queue."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from lib.models import Assignment, MonthlyUpdate, User
from tests.apphelpers import logged_in, raw_keys


def _db(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url)


def _report_page(username: str, lang: str = "zh"):  # type: ignore[no-untyped-def]
    at = logged_in(username)
    at.session_state["lang"] = lang
    at.switch_page("pages/report.py").run()
    assert not at.exception, at.exception
    return at


def _keys(at, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.key for w in at.get("number_input") if w.key and w.key.startswith(prefix)] + [
        w.key for w in at.text_area if w.key and w.key.startswith(prefix)
    ]


def _assignment_of(key: str) -> tuple[int, str]:
    """rp_pct_<assignment>_<period>_<version>_<generation> -> (assignment, period). The
    task's status box is rp_status_<same>_<lang>: per language (the browser keeps a choice
    by its label), while the typed fields keep their key across a language switch."""
    parts = key.split("_")
    return int(parts[2]), parts[3]


def _state(url: str, assignment_id: int, period: str) -> MonthlyUpdate | None:
    with Session(_db(url)) as s:
        return s.scalar(
            select(MonthlyUpdate).where(
                MonthlyUpdate.assignment_id == assignment_id, MonthlyUpdate.period == period
            )
        )


def test_liaison_fills_saves_draft_and_submits(app_db: str) -> None:
    at = _report_page("liaison_card")
    assert at.title[0].value == "月度填报"
    pct_keys = _keys(at, "rp_pct_")
    assert pct_keys, "the liaison sees the department's tasks"
    key = pct_keys[0]
    aid, period = _assignment_of(key)
    with Session(_db(app_db)) as s:
        user = s.scalar(select(User).where(User.username == "liaison_card"))
        assignment = s.get(Assignment, aid)
        assert user is not None and assignment is not None
        assert assignment.department_id == user.department_id
    suffix = key.removeprefix("rp_pct_")
    at.number_input(key=key).set_value(55)
    at.selectbox(key=f"rp_status_{suffix}_zh").set_value("in_progress")
    at.text_area(key=f"rp_work_done_{suffix}").input("组织窗口服务礼仪培训2次，参训40人次。")
    at.button(key="report_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已保存草稿" in s.value for s in at.success)
    row = _state(app_db, aid, period)
    assert row is not None and row.review_state in ("draft", "submitted")
    assert row.percent_done == 55 and row.work_done == "组织窗口服务礼仪培训2次，参训40人次。"

    # submitting shows what will be submitted first (issue 16): the draft, not the rest
    at.button(key="report_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("将提交以下 1 项任务" in m.value for m in at.markdown)
    at.button(key="report_confirm").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已提交（1 项任务）" in s.value for s in at.success)
    row = _state(app_db, aid, period)
    assert row is not None and row.review_state == "submitted" and row.submitted_at is not None
    assert raw_keys(at) == []


def test_bad_entry_is_refused_with_a_message_and_nothing_changes(app_db: str) -> None:
    at = _report_page("liaison_card")
    key = _keys(at, "rp_pct_")[0]
    aid, period = _assignment_of(key)
    before = _state(app_db, aid, period)
    before_version = before.version if before else None
    suffix = key.removeprefix("rp_pct_")
    at.number_input(key=key).set_value(40)
    at.selectbox(key=f"rp_status_{suffix}_zh").set_value("done")
    at.button(key="report_submit").click().run()
    at.button(key="report_confirm").click().run()
    assert not at.exception
    assert at.error and "已完成" in at.error[0].value and "100%" in at.error[0].value
    after = _state(app_db, aid, period)
    assert (after.version if after else None) == before_version


def test_stale_save_names_who_changed_the_report(app_db: str) -> None:
    from lib import write
    from lib.db import get_engine, session_scope
    from lib.domain.permissions import Actor

    at = _report_page("liaison_card")
    key = _keys(at, "rp_pct_")[0]
    aid, period = _assignment_of(key)
    row = _state(app_db, aid, period)
    with Session(_db(app_db)) as s:
        office = s.scalar(select(User).where(User.username == "office"))
        assert office is not None
        actor = Actor("office", frozenset({"office"}), office.id)
    # the office edits the same report after the liaison opened the page
    with session_scope(get_engine()) as s:
        write.save_reports(
            actor=actor,
            session=s,
            period=period,
            items=[
                write.ReportInput(
                    aid,
                    35,
                    "in_progress",
                    "办公室代填",
                    expected_version=row.version if row else None,
                )
            ],
        )
    at.number_input(key=key).set_value(60)
    at.selectbox(key=f"rp_status_{key.removeprefix('rp_pct_')}_zh").set_value("in_progress")
    at.button(key="report_save").click().run()
    assert at.error, "the second save is refused"
    assert "活动办公室" in at.error[0].value and "修改" in at.error[0].value
    row = _state(app_db, aid, period)
    assert row is not None and row.percent_done == 35 and row.work_done == "办公室代填"
    # issue 16: the same field changed by both -> shown side by side, the liaison's
    # typed value kept in the form (now keyed by the new version)
    new_key = f"rp_pct_{aid}_{period}_{row.version}_0"
    assert at.number_input(key=new_key).value == 60
    assert any("对方：35" in w.value and "您的：60" in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_indicator_out_of_range_names_the_field(app_db: str, lang: str) -> None:
    at = _report_page("liaison_card", lang)
    keys = [w.key for w in at.get("number_input") if w.key and w.key.startswith("iv_val_")]
    if not keys:
        pytest.skip("the department reports no indicator this month")
    widget = at.number_input(key=keys[0])
    widget.set_value(1e6)
    at.button(key="indicator_save").click().run()
    assert at.error
    # labels and messages are Markdown with the names escaped (lib/ui/text.py)
    label, message = (re.sub(r"\\(.)", r"\1", x) for x in (widget.label, at.error[0].value))
    assert label.split("（")[0].split(" (")[0] in message


def _submitted_of_month(url: str, department_id: int, period: str) -> dict[int, str]:
    with Session(_db(url)) as s:
        return dict(
            s.execute(
                select(MonthlyUpdate.id, MonthlyUpdate.review_state)
                .join(Assignment, Assignment.id == MonthlyUpdate.assignment_id)
                .where(Assignment.department_id == department_id, MonthlyUpdate.period == period)
            ).all()
        )


def test_office_reviews_a_department_month(app_db: str) -> None:
    """Issue 16 replaced the one-at-a-time queue: the office picks a department-month,
    returns chosen tasks with one reason (+ a comment per task), approves the rest."""
    at = logged_in("office")
    at.switch_page("pages/review.py").run()
    assert not at.exception and not at.error
    choice = at.selectbox(key="review_month_select_zh").value
    dept, period = int(choice.split("|")[0]), choice.split("|")[1]
    states = _submitted_of_month(app_db, dept, period)
    waiting = list(at.multiselect(key=f"review_picked_{choice}").value)  # all waiting, by default
    assert len(waiting) >= 2 and {states[i] for i in waiting} == {"submitted"}
    table = at.dataframe[1].value
    assert "上月进度" in table.columns and "进展状态" in table.columns

    # returning needs a reason
    at.multiselect(key=f"review_picked_{choice}").set_value(waiting[:1])
    at.button(key="review_return").click().run()
    assert at.error and "退回原因" in at.error[0].value
    at.text_input(key="review_reason").input("请补充整改前后对比照片")
    at.text_input(key=f"review_comment_{waiting[0]}").input("缺培训签到表")
    at.button(key="review_return").click().run()
    assert not at.exception
    assert any("已退回 1 项" in s.value for s in at.success), [e.value for e in at.error]
    with Session(_db(app_db)) as s:
        row = s.get(MonthlyUpdate, waiting[0])
        assert row is not None and row.review_state == "returned"
        assert row.reviewer_comment == "请补充整改前后对比照片\n缺培训签到表"

    # approve all that still waits, first click
    at.selectbox(key="review_month_select_zh").set_value(choice).run()
    at.button(key="review_approve_all").click().run()
    assert any(f"已审核通过 {len(waiting) - 1} 项" in s.value for s in at.success)
    states = _submitted_of_month(app_db, dept, period)
    assert {states[i] for i in waiting[1:]} == {"approved"}
    assert states[waiting[0]] == "returned"


def test_audit_page_filters_by_department(app_db: str) -> None:
    at = _report_page("liaison_card")
    key = _keys(at, "rp_work_done_")[0]
    # only an edited task is saved (issue 16)
    at.text_area(key=key).input(at.text_area(key=key).value + "补充说明。")
    at.button(key="report_save").click().run()
    assert not at.error, [e.value for e in at.error]
    with Session(_db(app_db)) as s:
        dept = s.scalar(select(User.department_id).where(User.username == "liaison_card"))
    office = logged_in("office")
    office.switch_page("pages/audit.py").run()
    office.selectbox(key="audit_department").set_value(dept).run()
    assert not office.exception and not office.error
    frame = office.dataframe[0].value
    assert len(frame) > 0
    assert set(frame.iloc[:, 2]) == {"save_report"}

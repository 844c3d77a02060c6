"""活动向导 (issue 23): five steps saved after each one (a return opens at the saved step),
every workbook problem by sheet, row and column before anything is saved, plan
departments matched with suggestions, and one transaction creating the campaign, its
tasks, the departments and the liaison accounts; the account list is downloaded once."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.db import make_engine
from lib.io.account_list import account_list_xlsx
from lib.models import Assignment, AuditLog, Campaign, Department, Task, User, WizardDraft
from lib.read import wizard as wz
from lib.write.users import verify_password
from tests.apphelpers import logged_in
from tests.factories import department_workbook, wizard_plan
from tests.test_security_common import checksum

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = "pages/setup_wizard.py"
PLAN = (
    "关于开展2026年向导服务提升活动的实施方案\n"
    "一、工作任务\n"
    "（一）优化预约流程。责任科室：向导一科\n"
    "（二）改善候诊环境。责任科室：导诊二科\n"
    "二、实施步骤\n"
    "（一）动员部署阶段（2026年1月1日—1月31日）\n"
    "（二）整改提升阶段（2026年2月1日—6月30日）\n"
)
BOOK = [("WZ1", "向导一科"), ("WZ2", "向导二科")]


def _open(who: str = "office"):  # type: ignore[no-untyped-def]
    at = logged_in(who)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _step_shown(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(p.proto.text) for p in at.get("progress"))


def _click(at, key: str):  # type: ignore[no-untyped-def]
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def _draft(engine) -> WizardDraft | None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.scalar(select(WizardDraft).join(User).where(User.username == "office"))


def _through_plan(at):  # type: ignore[no-untyped-def]
    at.radio(key="wz_way").set_value("text").run()
    at.text_area(key="wz_plan_text").set_value(PLAN).run()
    _click(at, "wz_parse")
    assert "第 1 步" in _step_shown(at)
    assert any("优化预约流程" in str(df.value.to_dict()) for df in at.dataframe)
    return _click(at, "wz_next_1")


def test_wizard_resumes_at_the_saved_step(app_db: str) -> None:
    engine = make_engine(app_db)
    at = _open()
    assert "第 1 步" in _step_shown(at)
    _through_plan(at)
    assert "第 2 步" in _step_shown(at)
    saved = _draft(engine)
    assert saved is not None and saved.step == 2
    assert [t["title"] for t in saved.data["plan"]["tasks"]][:1] == ["优化预约流程"]
    # a new session (another day, another browser) opens at step 2 with the plan kept
    again = _open()
    assert "第 2 步" in _step_shown(again)
    step, data = wz.saved_draft(saved.user_id)
    assert step == 2 and data["plan"]["name"].startswith("关于开展2026年")
    # back goes to step 1 and keeps the reviewed plan
    _click(again, "wz_back_2")
    assert "第 1 步" in _step_shown(again)
    assert any("优化预约流程" in str(df.value.to_dict()) for df in again.dataframe)
    engine.dispose()


def test_workbook_problems_are_listed_and_nothing_is_saved(app_db: str) -> None:
    engine = make_engine(app_db)
    at = _through_plan(_open())
    before = checksum(engine)
    bad = department_workbook([("WZ1", "向导一科"), ("WZ9", "")])
    at.file_uploader(key="wz_workbook").set_value(("book.xlsx", bad, XLSX)).run()
    assert not at.exception, at.exception
    problems = at.dataframe[-1].value
    assert list(problems.columns[:3]) == ["工作表", "行", "列"]
    assert (problems.iloc[0, 0], int(problems.iloc[0, 1])) == ("科室", 3)
    assert at.button(key="wz_next_2").disabled
    assert checksum(engine) == before, "a checked workbook writes nothing"
    engine.dispose()


def test_one_transaction_creates_campaign_tasks_departments_and_accounts(app_db: str) -> None:
    engine = make_engine(app_db)
    at = _through_plan(_open())
    at.file_uploader(key="wz_workbook").set_value(
        ("book.xlsx", department_workbook(BOOK), XLSX)
    ).run()
    assert not at.exception, at.exception
    assert any("试导入通过" in s.value for s in at.success)
    # 导诊二科 is not a department: the close match 向导二科 is offered first
    pick = next(b for b in at.selectbox if "导诊二科" in b.label)
    assert pick.options[1] == "向导二科" and pick.value == "向导二科"
    with Session(engine) as s:
        assert s.scalar(select(Department).where(Department.code == "WZ1")) is None
    _click(at, "wz_next_2")
    assert "第 3 步" in _step_shown(at)
    liaisons = at.dataframe[-1].value
    assert {"liaison_wz1", "liaison_wz2"} <= set(liaisons["username"])
    _click(at, "wz_next_3")
    assert "第 4 步" in _step_shown(at)
    assert at.number_input[0].value == 25  # the default report day, shown
    at.number_input[0].set_value(20).run()
    _click(at, "wz_next_4")
    assert "第 5 步" in _step_shown(at)
    summary = str(at.dataframe[-1].value.to_dict())
    assert "liaison_wz1" in summary and "导诊二科 → 向导二科" in summary
    _click(at, "wz_create")
    assert any("活动已创建" in s.value for s in at.success)

    with Session(engine) as s:
        campaign = s.scalar(select(Campaign).where(Campaign.name.like("%向导服务提升%")))
        assert campaign is not None and campaign.settings["report_day"] == 20
        tasks = s.scalars(select(Task).where(Task.campaign_id == campaign.id)).all()
        assert sorted(t.title for t in tasks) == ["优化预约流程", "改善候诊环境"]
        depts = dict(s.execute(select(Department.code, Department.id)).all())
        assigned = {
            a.department_id
            for a in s.scalars(
                select(Assignment).where(Assignment.task_id.in_([t.id for t in tasks]))
            )
        }
        assert assigned == {depts["WZ1"], depts["WZ2"]}  # 导诊二科 went to 向导二科
        users = {u.username: u for u in s.scalars(select(User))}
        assert users["liaison_wz1"].must_change_password
        assert users["liaison_wz2"].department_id == depts["WZ2"]
        assert (
            s.scalar(select(WizardDraft).where(WizardDraft.user_id == users["office"].id)) is None
        )
        actions = {
            (r.action, r.entity)
            for r in s.scalars(select(AuditLog).where(AuditLog.username == "office"))
        }
        assert {
            ("create", "department"),
            ("import_plan", "campaign"),
            ("create", "user"),
        } <= actions

    # the account list, once: it holds the passwords, then never again
    issued = at.session_state["_issued_accounts"]
    downloads = at.get("download_button")
    assert len(downloads) == 2  # Excel and printable Word
    book = openpyxl.load_workbook(io.BytesIO(account_list_xlsx(issued, "zh")))
    rows = list(book.active.iter_rows(values_only=True))[1:]
    assert sorted(r[1] for r in rows) == sorted(a.username for a in issued)
    with Session(engine) as s:
        for account in issued:
            user = s.scalar(select(User).where(User.username == account.username))
            assert user is not None and verify_password(account.password, user.password_hash)
            assert account.password not in user.password_hash
    downloads[0].click().run()
    assert not at.exception, at.exception
    assert "_issued_accounts" not in at.session_state
    assert not at.get("download_button")
    page_text = " ".join(
        str(x.value)
        for kind in ("markdown", "info", "warning", "caption", "success")
        for x in at.get(kind)
    ) + " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert all(a.password not in page_text for a in issued)
    # a later session has no list either
    later = _open()
    assert not later.get("download_button")
    assert "第 1 步" in _step_shown(later)
    engine.dispose()


def test_a_start_after_the_first_report_day_is_warned_before_creating(app_db: str) -> None:
    """Starting on 28 January with reports due on the 25th makes January overdue on the
    first day: steps 4 and 5 say so, and no longer once the report day is the 28th."""
    at = _open()
    at.radio(key="wz_way").set_value("text").run()
    at.text_area(key="wz_plan_text").set_value(PLAN).run()
    _click(at, "wz_parse")
    at.date_input(key="wz_start").set_value(dt.date(2026, 1, 28)).run()
    _click(at, "wz_next_1")
    at.file_uploader(key="wz_workbook").set_value(
        ("book.xlsx", department_workbook(BOOK), XLSX)
    ).run()
    _click(at, "wz_next_2")
    _click(at, "wz_next_3")
    assert "第 4 步" in _step_shown(at)
    [late] = [w.value for w in at.warning if "晚于" in w.value]
    assert "活动从2026年1月28日开始，晚于2026年1月的报送截止日（2026年1月25日）" in late
    assert "开始日期改为2026年2月1日" in late  # the suggested start
    at.number_input[0].set_value(28).run()
    assert not [w for w in at.warning if "晚于" in w.value]
    at.number_input[0].set_value(25).run()
    _click(at, "wz_next_4")
    assert "第 5 步" in _step_shown(at)
    assert [w for w in at.warning if "晚于" in w.value]


def test_a_liaison_s_first_visit_explains_the_month(app_db: str) -> None:
    """A liaison who has not reported yet sees three lines on what to do this month,
    above 我的待办; once they have reported, the lines are gone."""
    from lib import write
    from lib.db import session_scope
    from lib.demo import DEMO_PASSWORD
    from lib.domain.permissions import Actor

    engine = make_engine(app_db)
    with Session(engine) as s:
        card = s.scalar(select(User).where(User.username == "liaison_card"))
        assert card is not None and card.department_id is not None
    assert wz.has_reported(card.id, card.department_id), "the department has reported"
    with session_scope(engine) as s:
        # a new department on the demo's campaign, with one task and no report yet
        write.upsert_department(actor=Actor.system(), session=s, code="FRESH", name="新设科")
        task_id = s.scalar(
            select(Assignment.task_id).where(Assignment.department_id == card.department_id)
        )
        task = s.get(Task, task_id)
        assert task is not None
        fresh_dept = s.scalar(select(Department).where(Department.code == "FRESH"))
        s.add(Assignment(task_id=task.id, department_id=fresh_dept.id, is_lead=False))
        write.create_user(
            actor=Actor.system(),
            session=s,
            username="liaison_fresh",
            password_hash=write.hash_password(DEMO_PASSWORD, rounds=4),
            roles=["liaison"],
            display_name="新联络员",
            department_code="FRESH",
        )
    fresh = logged_in("liaison_fresh")
    first = [i.value for i in fresh.info if "第一次使用" in i.value]
    assert len(first) == 1 and first[0].count("\n\n") == 3
    assert "月度填报" in first[0]
    seasoned = logged_in("liaison_card")
    assert not [i.value for i in seasoned.info if "第一次使用" in i.value]
    engine.dispose()


def test_the_finish_is_one_transaction_a_refusal_leaves_nothing(app_db: str) -> None:
    """A refused account (the username is taken) at the end of the finish: the workbook's
    departments and the campaign made before it in the same transaction are gone too."""
    from lib.db import session_scope
    from lib.domain.permissions import Actor
    from lib.write import ServiceError
    from lib.write import wizard as wizard_write

    engine = make_engine(app_db)
    data = {
        "plan": wizard_plan("原子性测试活动", "原子一科"),
        "workbook": __import__("base64")
        .b64encode(department_workbook([("AT1", "原子一科")]))
        .decode(),
        "liaisons": {"AT1": "office"},  # taken: refused
    }
    before = checksum(engine)
    refused = None
    try:
        with session_scope(engine) as s:
            wizard_write.finish_wizard(
                actor=Actor.system(),
                session=s,
                data=data,
                today=__import__("datetime").date(2026, 1, 5),
            )
    except ServiceError as exc:
        refused = exc
    assert refused is not None and refused.key == "account.error_taken"
    assert checksum(engine) == before
    with Session(engine) as s:
        assert s.scalar(select(Department).where(Department.code == "AT1")) is None
        assert s.scalar(select(Campaign).where(Campaign.name == "原子性测试活动")) is None
    # the same data with a free name goes through, all of it
    data["liaisons"] = {"AT1": "liaison_at1"}
    with session_scope(engine) as s:
        done = wizard_write.finish_wizard(
            actor=Actor.system(),
            session=s,
            data=data,
            today=__import__("datetime").date(2026, 1, 5),
        )
    assert [a.username for a in done.accounts] == ["liaison_at1"] and done.departments == 1
    engine.dispose()


def test_preview_and_finish_on_both_databases(engine) -> None:  # type: ignore[no-untyped-def]
    """SQLite and PostgreSQL alike: the trial keeps nothing, the finish keeps everything
    or (refused) nothing."""
    import base64
    import datetime as dt

    from lib.db import session_scope
    from lib.domain.permissions import Actor
    from lib.io.excel_import.preview import preview_workbook
    from lib.write import ServiceError
    from lib.write import wizard as wizard_write

    book = department_workbook([("B1", "两库一科"), ("B2", "两库二科")])
    before = checksum(engine)
    with session_scope(engine) as s:
        found = preview_workbook(book, actor=Actor.system(), session=s)
    assert found.counts() == {"department": {"created": 2, "updated": 0}}
    assert checksum(engine) == before
    data = {
        "plan": wizard_plan("两库活动", "两库一科、两库二科"),
        "workbook": base64.b64encode(book).decode(),
        "liaisons": {"B1": "liaison_b1", "B2": "liaison_b1"},  # the same name twice
    }
    with pytest.raises(ServiceError), session_scope(engine) as s:
        wizard_write.finish_wizard(
            actor=Actor.system(), session=s, data=data, today=dt.date(2026, 1, 5)
        )
    assert checksum(engine) == before
    data["liaisons"] = {"B1": "liaison_b1", "B2": "liaison_b2"}
    with session_scope(engine) as s:
        done = wizard_write.finish_wizard(
            actor=Actor.system(), session=s, data=data, today=dt.date(2026, 1, 5)
        )
    with Session(engine) as s:
        tasks = s.scalars(select(Task).where(Task.campaign_id == done.campaign_id)).all()
        assert len(tasks) == 1
        assigned = s.scalars(select(Assignment).where(Assignment.task_id == tasks[0].id)).all()
        assert len(assigned) == 2
    assert sorted(a.username for a in done.accounts) == ["liaison_b1", "liaison_b2"]

"""我的待办 (issue 16, item 4) and the tracker's one count (item 6), through AppTest on the
demo: a liaison lands on their to-do with the returned report's reason (as text), the
unreported tasks and the days to the deadline — in red once it has passed; the sidebar
shows the same count; the office lands on its own home; leaders keep the overview; the
tracker's grid, table and reminder say the same thing in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from lib.db import bump_data_version
from lib.models import Assignment, MonthlyUpdate, Task, User
from lib.read import campaigns, queries, todo
from lib.ui.page import md_escape
from tests.apphelpers import logged_in, raw_keys

BEFORE = dt.date(2026, 11, 22)  # the demo's today: the 25th is the deadline
AFTER = dt.date(2026, 11, 29)  # four days after it
REASON = "请补充照片 **加粗** <b>x</b> [链接](http://example.invalid)"


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def _set(day: dt.date) -> None:
        monkeypatch.setattr(queries, "today", lambda: day)

    return _set


def _department(url: str, username: str) -> int:
    with Session(create_engine(url)) as s:
        dept = s.scalar(select(User.department_id).where(User.username == username))
    assert dept is not None
    return int(dept)


def _return_one(url: str, department_id: int, period: str = "2026-11") -> tuple[str, str]:
    """Return one of the department's reports of the month with REASON; (code, title)."""
    with Session(create_engine(url)) as s:
        row = s.execute(
            select(MonthlyUpdate.id, Task.code, Task.title)
            .join(Assignment, Assignment.id == MonthlyUpdate.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(
                Assignment.department_id == department_id,
                MonthlyUpdate.period == period,
                MonthlyUpdate.review_state.in_(["submitted", "approved"]),
            )
            .limit(1)
        ).one()
        s.execute(
            update(MonthlyUpdate)
            .where(MonthlyUpdate.id == row.id)
            .values(review_state="returned", reviewer_comment=REASON)
        )
        bump_data_version(s)
        s.commit()
    return row.code, row.title


def _markdown(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.value for m in at.markdown)


def test_liaison_lands_on_the_to_do_with_the_reason_as_text(app_db: str, on_day) -> None:  # type: ignore[no-untyped-def]
    on_day(BEFORE)
    dept = _department(app_db, "liaison_card")
    code, title = _return_one(app_db, dept)
    at = logged_in("liaison_card")
    assert not at.exception, at.exception
    assert at.title[0].value == "我的待办"
    assert not raw_keys(at)
    warnings = [w.value for w in at.warning]
    returned = [w for w in warnings if "退回原因" in w and "2026年11月" in w]
    assert len(returned) == 1 and md_escape(code) in returned[0]
    # the reviewer's reason is shown as typed: every markup character escaped
    assert md_escape(REASON) in returned[0] and md_escape(title) in returned[0]
    # tasks not yet reported this month, listed by code
    items = todo.liaison_todo(dept, BEFORE)
    assert items and any(i.unreported for i in items)
    shown = {c for df in at.dataframe for c in df.value.get("编号", [])}
    assert {u.code for i in items for u in i.unreported} <= shown
    # days to the deadline, not in red
    text = _markdown(at)
    assert "2026年11月填报截止日：2026年11月25日 · 还剩3天" in text
    assert ":red[" not in text
    assert "审核结果" in "\n".join(c.value for c in at.caption)


def test_liaison_sees_days_overdue_in_red_after_the_deadline(app_db: str, on_day) -> None:  # type: ignore[no-untyped-def]
    on_day(AFTER)
    at = logged_in("liaison_card")
    assert not at.exception, at.exception
    assert at.title[0].value == "我的待办"
    red = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert red and "已逾期4天，请尽快报送" in red[0]


def test_sidebar_shows_the_same_to_do_count(app_db: str, on_day) -> None:  # type: ignore[no-untyped-def]
    on_day(BEFORE)
    dept = _department(app_db, "liaison_card")
    _return_one(app_db, dept)
    at = logged_in("liaison_card")
    count = todo.todo_count(dept, BEFORE)
    assert count > 0
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert f"我的待办：{count} 项" in sidebar
    # the page says the same number, and it stays in the sidebar on other pages
    assert any(f"您有 {count} 项待办" in w.value for w in at.warning)
    at.switch_page("pages/ledger.py").run()
    assert f"我的待办：{count} 项" in "\n".join(m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_office_home_counts_what_waits(app_db: str, on_day, lang: str) -> None:  # type: ignore[no-untyped-def]
    on_day(AFTER)
    at = logged_in("office")
    assert not at.exception, at.exception
    assert at.title[0].value == "我的待办"
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception and not raw_keys(at)
    campaign_id = at.session_state["campaign_id"]
    with Session(create_engine(app_db)) as s:
        waiting = s.scalar(
            select(MonthlyUpdate.id)
            .join(Assignment, Assignment.id == MonthlyUpdate.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.campaign_id == campaign_id, MonthlyUpdate.review_state == "submitted")
            .with_only_columns(func.count())
        )
    metrics = {m.label: m.value for m in at.metric}
    label = "待审核填报" if lang == "zh" else "Reports to review"
    assert int(metrics[label]) == waiting > 0
    office = todo.office_todo(campaign_id, AFTER)
    assert office is not None and office.waiting_reports == waiting
    # per department-month: the table sums to the same number
    table = next(df.value for df in at.dataframe if len(df.value.columns) == 4)
    assert int(table.iloc[:, 2].sum()) == waiting
    # who has not reported: the tracker's count label
    count_col = "报送情况" if lang == "zh" else "Reports"
    labels = [df.value[count_col] for df in at.dataframe if count_col in df.value.columns]
    assert labels and all(
        lab.startswith("已报送 " if lang == "zh" else "Reported ") for lab in labels[0]
    )
    assert any(m.value.startswith(":red[") for m in at.markdown)  # the month is overdue
    badge = f"待审核：{waiting} 份" if lang == "zh" else f"Reports to review: {waiting}"
    assert badge in "\n".join(m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("username", ["leader", "admin", "viewer"])
def test_others_keep_landing_on_the_overview(app_db: str, on_day, username: str) -> None:  # type: ignore[no-untyped-def]
    on_day(BEFORE)
    at = logged_in(username)
    assert not at.exception, at.exception
    record = campaigns.record(at.session_state["campaign_id"])
    assert record is not None
    assert at.title[0].value == record.name  # the overview's title: the campaign
    assert "我的待办" not in [t.value for t in at.title]


def test_liaison_cannot_open_the_tracker_but_has_a_home(app_db: str, on_day) -> None:  # type: ignore[no-untyped-def]
    on_day(BEFORE)
    at = logged_in("liaison_card")
    at.switch_page("pages/home.py").run()
    assert not at.exception and at.title[0].value == "我的待办"
    with pytest.raises(ValueError):
        at.switch_page("pages/tracker.py").run()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_tracker_grid_table_and_reminder_agree(
    app_db: str,
    on_day,  # type: ignore[no-untyped-def]
    lang: str,
    day: dt.date,
) -> None:
    on_day(day)
    at = logged_in("office")
    at.session_state["lang"] = lang
    at.switch_page("pages/tracker.py").run()
    assert not at.exception, at.exception
    assert not raw_keys(at)
    grid, table = at.dataframe[0].value, at.dataframe[1].value
    month = "2026年11月" if lang == "zh" else "Nov 2026"
    dept_col = "科室" if lang == "zh" else "Department"
    count_col = "报送情况" if lang == "zh" else "Reports"
    word = "已报送" if lang == "zh" else "Reported"
    data = grid.data if hasattr(grid, "data") else grid
    cells = dict(zip(data.index, data[month], strict=True))
    assert len(table) > 0
    for dept, label in zip(table[dept_col], table[count_col], strict=True):
        assert label.startswith(word + " ")
        # the grid cell of the month ends with the very same label
        assert cells[dept].endswith(" · " + label), (cells[dept], label)
    # every grid cell uses the same label
    for value in data.stack():
        if value:
            assert f" · {word} " in value
    reminder = at.code[0].value
    if day == AFTER:
        assert "已逾期4天，请尽快报送" in reminder and "前完成" not in reminder
    else:
        assert "于2026年11月25日前完成" in reminder and "逾期" not in reminder


def test_problems_of_the_department_and_overdue_problems_for_the_office(  # type: ignore[no-untyped-def]
    app_db: str, on_day
) -> None:
    on_day(AFTER)
    from lib.models import Problem

    with Session(create_engine(app_db)) as s:
        open_problems = s.execute(
            select(Problem.code, Problem.campaign_id, Task.due_date)
            .join(Task, Task.id == Problem.task_id)
            .where(Problem.state != "closed")
        ).all()
        mine = set(
            s.scalars(
                select(Problem.code)
                .join(Assignment, Assignment.task_id == Problem.task_id)
                .join(User, User.department_id == Assignment.department_id)
                .where(User.username == "liaison_medadm", Problem.state != "closed")
            )
        )
    assert mine and open_problems
    # the liaison sees the problems whose rectification task is the department's
    at = logged_in("liaison_medadm")
    assert not at.exception, at.exception
    problems = next(df.value for df in at.dataframe if "问题" in df.value.columns)
    assert set(problems["编号"]) == mine
    assert all("已逾期" in d for d in problems["整改时限"])  # every one is past its deadline
    # the office, in that campaign, sees every open problem past its deadline
    office = logged_in("office")
    office.session_state["campaign_id"] = open_problems[0].campaign_id
    office.run()
    assert not office.exception, office.exception
    overdue = {p.code: (AFTER - p.due_date).days for p in open_problems if p.due_date < AFTER}
    metrics = {m.label: m.value for m in office.metric}
    assert int(metrics["逾期问题"]) == len(overdue) > 0
    table = next(df.value for df in office.dataframe if "逾期天数" in df.value.columns)
    assert dict(zip(table["编号"], table["逾期天数"], strict=True)) == overdue

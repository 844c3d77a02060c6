"""Drafts are private (issue 17, item 8): an unsubmitted report is read only by its own
department and the office (and the administrator); the task ledger's history shows
other departments' submitted, returned and approved reports, never their drafts. At the
read level on SQLite and PostgreSQL, and on the ledger page (AppTest)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, update

from lib import write
from lib.db import make_engine, session_scope
from lib.domain.permissions import ALL_DRAFTS, Actor, draft_scope
from lib.models import MonthlyUpdate
from lib.read import queries
from lib.ui.nav import PAGES
from lib.write import ReportInput
from tests.apphelpers import login, new_app
from tests.factories import World

SECRET = "草稿里的未定稿内容"


def _draft(aid: int, text: str) -> ReportInput:
    return ReportInput(assignment_id=aid, percent_done=30, status="in_progress", work_done=text)


def test_draft_scope_by_role(world: World) -> None:
    w = world
    assert draft_scope(w.office) == ALL_DRAFTS
    assert draft_scope(Actor.system()) == ALL_DRAFTS
    assert draft_scope(w.liaison_a) == w.dept_a
    assert draft_scope(w.leader) is None
    assert draft_scope(Actor(username="v", roles=frozenset({"viewer"}))) is None
    assert draft_scope(None) is None


def test_task_history_shows_drafts_only_to_their_department_and_the_office(
    app_engine: Engine, world: World
) -> None:
    w = world
    with session_scope(app_engine) as s:
        write.save_reports(
            actor=w.liaison_a, session=s, period=w.period, items=[_draft(w.asg_a1, "甲" + SECRET)]
        )
        write.save_reports(
            actor=w.liaison_b,
            session=s,
            period=w.period,
            items=[_draft(w.asg_b1, "乙已报送")],
            submit=True,
        )

    def seen(actor: Actor) -> set[str]:
        scope = draft_scope(actor)
        history = queries.task_history(w.task1, w.period, None, scope)
        assert queries.task_report_count(w.task1, w.period, scope) == len(history)
        return set(history["work_done"])

    assert seen(w.office) == {"甲" + SECRET, "乙已报送"}
    assert seen(w.liaison_a) == {"甲" + SECRET, "乙已报送"}  # its own draft
    assert seen(w.liaison_b) == {"乙已报送"}  # another department's draft: no
    assert seen(w.leader) == {"乙已报送"}
    # the default is nobody's drafts
    assert set(queries.task_history(w.task1, w.period)["work_done"]) == {"乙已报送"}


# --- the ledger page ---------------------------------------------------------------------

PASSWORD = "Lead3r!pass"


@pytest.fixture
def ledger_app(worked_example_sqlite: tuple[int, str]) -> str:
    """The worked example (乙科 has a draft on task 3 in February) with a leader, a
    liaison of each department and an office user."""
    _cid, url = worked_example_sqlite
    engine = make_engine(url)
    with session_scope(engine) as s:
        s.execute(
            update(MonthlyUpdate)
            .where(MonthlyUpdate.review_state == "draft")
            .values(work_done=SECRET)
        )
        for username, role, dept in (
            ("chief", "leader", None),
            ("liaison_x", "liaison", "A"),
            ("liaison_y", "liaison", "B"),
            ("clerk", "office", None),
        ):
            write.create_user(
                actor=Actor.system(),
                session=s,
                username=username,
                password=PASSWORD,
                roles=[role],
                display_name=username,
                department_code=dept,
            )
    engine.dispose()
    return url


def _ledger_history(username: str) -> str:
    at = login(new_app(), username, PASSWORD)
    assert at.session_state["authentication_status"] is True
    at.session_state["period"] = "2026-03"
    spec = next(p for p in PAGES if p.key == "ledger")
    at.switch_page(spec.path).run()
    assert not at.exception, at.exception
    task = next(sb for sb in at.selectbox if sb.label == "任务")
    task.select(next(o for o in task.options if o.startswith("3 "))).run()
    assert not at.exception, at.exception
    return "\n".join(df.value.to_csv() for df in at.dataframe)


@pytest.mark.parametrize(
    ("username", "sees"),
    [("chief", False), ("liaison_x", False), ("liaison_y", True), ("clerk", True)],
)
def test_ledger_page_hides_other_departments_drafts(
    ledger_app: str, username: str, sees: bool
) -> None:
    shown = _ledger_history(username)
    assert "60" in shown  # the submitted March report of task 3 is there for everyone
    assert (SECRET in shown) is sees

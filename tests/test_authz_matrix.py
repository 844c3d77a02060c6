"""The authorisation matrix (issue 9): every cell of the role × action tables in
docs/security.md is checked — through the page (AppTest) and by calling the service
directly. Allowed means the call goes through; forbidden means a clear message in the
user's language and not a single row written (checksum of every table)."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from lib import write
from lib.db import dispose_all, make_engine, session_scope
from lib.domain.permissions import ACTIONS, Actor, can
from lib.i18n import t
from lib.models import ROLES, Attachment, MonthlyUpdate, Problem, User
from lib.read import reporting
from lib.ui.nav import PAGES
from lib.write import IndicatorInput, PermissionDenied, ReportInput
from lib.write import wizard as W
from tests.apphelpers import ROLE_USER
from tests.conftest import ROOT
from tests.factories import (
    PNG,
    World,
    department_workbook,
    make_world,
    sqlite_database,
    wizard_plan,
)
from tests.test_security_common import checksum

DOC = ROOT / "docs" / "security.md"
COLUMNS = ("admin", "office", "leader", "viewer", "liaison")
# the liaison acts for department A; "liaison_other" is department B's liaison
PLAYERS = (*COLUMNS, "liaison_other")
OWN = "own"  # a liaison may, for their own department only


# --- the matrix as written in docs/security.md ----------------------------------------


def _doc_table(heading: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Rows of the Markdown table under ``heading``: name -> (action, role -> cell)."""
    text = DOC.read_text("utf-8")
    section = text.split(heading, 1)[1]
    rows: dict[str, tuple[str, dict[str, str]]] = {}
    started = False
    for line in section.splitlines():
        if not line.startswith("|"):
            if started:
                break
            continue
        started = True
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0].startswith("---") or cells[0] in ("页面 page", "函数 function"):
            continue
        name = cells[0].strip("`")
        action = cells[1].strip("`")
        marks = {
            role: {"✓": "yes", "✗": "no"}.get(c, c)
            for role, c in zip(COLUMNS, cells[2:], strict=True)
        }
        rows[name] = (action, marks)
    return rows


def _expected(action: str, role: str, scoped: bool) -> str:
    allowed = role in ACTIONS[action]
    if role == "liaison" and allowed and scoped:
        return OWN
    return "yes" if allowed else "no"


# --- pages ------------------------------------------------------------------------------

GUARD = re.compile(r'^(?:\w+ = )?page\.open\(\s*"([a-z_.]+)"')


def _guard(source: str) -> str | None:
    """The action of a page file's guard, ``page.open("<action>", ...)`` (which stops the
    page, before anything is drawn, for a user without the action), if it is the first
    statement after the docstring, the imports and constants; else None."""
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, (ast.Expr, ast.Assign)) and isinstance(node.value, ast.Constant):
            continue  # the docstring, a constant
        found = GUARD.match(ast.get_source_segment(source, node) or "")
        return found.group(1) if found else None
    return None


def _page_action(path: str) -> str:
    action = _guard((ROOT / path).read_text("utf-8"))
    assert action is not None, f"{path} does not open with a page.open(...) guard"
    return action


def test_a_page_without_a_guard_at_the_top_is_caught() -> None:
    opening = '"""A page."""\n\nimport streamlit as st\n\nfrom lib.ui import page\n\n'
    guarded = 'pg = page.open("report.review", title="page.review", campaign="record")\n'
    assert _guard(opening + guarded + "st.write(1)\n") == "report.review"
    assert _guard(opening + 'CSS = "<style></style>"\n' + guarded) == "report.review"
    assert _guard(opening + 'page.open(\n    "read.all",\n    title="page.x",\n)\n') == "read.all"
    assert _guard(opening + 'st.title("x")\n') is None  # no guard
    assert _guard(opening + 'st.title("x")\n' + guarded) is None  # drawn before the guard
    assert _guard(opening + "user = page.current_user()\n") is None


def test_page_table_in_the_doc_matches_navigation_and_guards() -> None:
    doc = _doc_table("### 页面 Pages")
    assert sorted(doc) == sorted(p.key for p in PAGES), "every page is in the table"
    for spec in PAGES:
        action, marks = doc[spec.key]
        assert action == _page_action(spec.path), spec.key
        for role in COLUMNS:
            listed = role in spec.roles
            guarded = role in ACTIONS[action]
            assert listed == guarded, f"{spec.key}: navigation and guard disagree for {role}"
            assert marks[role] == ("yes" if listed else "no"), (spec.key, role)


PAGE_CELLS = [(spec.key, role) for spec in PAGES for role in COLUMNS]


def _current_user(username: str):  # type: ignore[no-untyped-def]
    from lib.read.queries import user_for_session
    from lib.ui.auth import CurrentUser

    row = user_for_session(username)
    assert row is not None
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        roles=frozenset(r for r in row["roles"].split(",") if r),
        department_id=row["department_id"],
        department=row["department"],
        department_en=row["department_en"],
    )


@pytest.mark.parametrize("role", COLUMNS)
def test_every_page_cell_through_the_app(app_db: str, role: str) -> None:
    """Allowed pages are in the role's navigation and open without a refusal; forbidden
    ones are not reachable through navigation, and their file run directly for this user
    (a hand-typed URL, a stale link) shows only the refusal and writes nothing."""
    from streamlit.testing.v1 import AppTest

    from tests.apphelpers import TIMEOUT, logged_in

    engine = make_engine(app_db)
    denied = t("error.permission_denied", "zh")
    at = logged_in(ROLE_USER[role])  # the login itself writes (last login, audit row)
    before = checksum(engine)
    for spec in PAGES:
        if role in spec.roles:
            continue
        with pytest.raises(ValueError):
            at.switch_page(spec.path)
        direct = AppTest.from_file(f"../{spec.path}", default_timeout=TIMEOUT)
        direct.session_state["current_user"] = _current_user(ROLE_USER[role])
        direct.run()
        assert not direct.exception, (spec.key, direct.exception)
        assert [e.value for e in direct.error] == [denied], spec.key
        assert not direct.button and not direct.dataframe and not direct.metric, spec.key
    assert checksum(engine) == before, "a refused page wrote nothing"
    for spec in PAGES:
        if role in spec.roles:
            at.switch_page(spec.path).run()
            assert not at.exception, (spec.key, at.exception)
            assert denied not in [e.value for e in at.error], spec.key
            assert at.title, spec.key
    engine.dispose()


def test_refusal_is_in_english_for_english_users() -> None:
    assert t("error.permission_denied", "en") != t("error.permission_denied", "zh")
    assert t("error.not_your_department", "en") and t("error.not_your_department", "zh")


# --- service functions -----------------------------------------------------------------


@dataclass
class Ctx:
    w: World
    actors: dict[str, Actor]
    submitted_id: int
    submitted_version: int
    attachment_id: int
    problem_id: int
    problem_version: int
    engine: Engine
    recog: dict[str, int] = field(default_factory=dict)  # rounds, nominations (issue 20)


def _draft() -> Any:
    from lib.domain.plan import parse_plan

    return parse_plan(
        "关于开展服务提升活动的实施方案\n一、工作任务\n（一）优化预约流程，责任科室：甲科\n"
        "二、实施步骤\n（一）动员部署阶段（2026年1月1日—1月31日）\n",
        today=dt.date.today(),
    )


def _blocked(session: Any) -> str:
    """A block to lift, made in the caller's transaction (rolled back if refused)."""
    from lib.models import BlockedAddress

    session.add(BlockedAddress(network="198.51.100.0/24", blocked_by="matrix"))
    session.flush()
    return "198.51.100.0/24"


def _scored(session: Any, c: Ctx) -> str:
    """An inspection score of department A just entered (appealable), in the caller's
    transaction; its month."""
    from lib.models import InspectionScore

    session.add(
        InspectionScore(
            campaign_id=c.w.campaign_id, department_id=c.w.dept_a, period=c.w.period, score=70
        )
    )
    session.flush()
    return c.w.period


def _open_appeal(session: Any, c: Ctx) -> int:
    """An open appeal of department A against a score of 70, in the caller's transaction."""
    from lib.models import Appeal

    period = _scored(session, c)
    appeal = Appeal(
        campaign_id=c.w.campaign_id,
        department_id=c.w.dept_a,
        kind="inspection",
        period=period,
        original=70,
        requested=80,
        reason="matrix",
    )
    session.add(appeal)
    session.flush()
    return appeal.id


S = write
SERVICE_CALLS: dict[str, tuple[str, bool, Callable[[Ctx, Actor, Any], Any]]] = {
    # name: (action, liaison limited to own department, call)
    "write.create_user": (
        "users.admin",
        False,
        lambda c, a, s: S.create_user(
            actor=a, session=s, username="new.user", password="Str0ng!pass", roles=["leader"]
        ),
    ),
    "write.update_user": (
        "users.admin",
        False,
        lambda c, a, s: S.update_user(
            actor=a,
            session=s,
            username="leader",
            display_name="新名字",
            roles=["viewer"],
            department_code=None,
        ),
    ),
    "write.set_password": (
        "users.admin",
        False,
        lambda c, a, s: S.set_password(
            actor=a, session=s, username="leader", new_password="An0ther!pass"
        ),
    ),
    "write.set_user_active": (
        "users.admin",
        False,
        lambda c, a, s: S.set_user_active(actor=a, session=s, username="leader", active=False),
    ),
    # login throttling (issue 17)
    "write.unlock_login": (
        "users.admin",
        False,
        lambda c, a, s: S.unlock_login(
            actor=a, session=s, username="leader", block="203.0.113.66", reason="matrix"
        ),
    ),
    "write.block_address": (
        "users.admin",
        False,
        lambda c, a, s: S.block_address(actor=a, session=s, address="203.0.113.0/24"),
    ),
    "write.unblock_address": (
        "users.admin",
        False,
        lambda c, a, s: S.unblock_address(actor=a, session=s, address=_blocked(s)),
    ),
    "write.change_own_password": (
        "account.self",
        False,
        lambda c, a, s: S.change_own_password(
            actor=a,
            session=s,
            old_password="Old!pass123",
            new_password="New!pass456",
            repeat="New!pass456",
        ),
    ),
    "write.save_reports": (
        "report.write",
        True,
        lambda c, a, s: S.save_reports(
            actor=a,
            session=s,
            period=c.w.period,
            items=[ReportInput(c.w.asg_a2, 30, "in_progress")],
        ),
    ),
    "write.save_indicator_values": (
        "report.write",
        True,
        lambda c, a, s: S.save_indicator_values(
            actor=a,
            session=s,
            department_id=c.w.dept_a,
            period=c.w.period,
            items=[IndicatorInput(c.w.sat_id, 95.0, 100)],
        ),
    ),
    "write.add_attachment": (
        "report.write",
        True,
        lambda c, a, s: S.add_attachment(
            actor=a, session=s, update_id=c.submitted_id, filename="证明.png", data=PNG
        ),
    ),
    "write.remove_attachment": (
        "report.write",
        True,
        lambda c, a, s: S.remove_attachment(actor=a, session=s, attachment_id=c.attachment_id),
    ),
    "write.review_reports": (
        "report.review",
        False,
        lambda c, a, s: S.review_reports(
            actor=a, session=s, decisions=[(c.submitted_id, c.submitted_version)], approve=True
        ),
    ),
    # statistics settings and appeals (issue 21)
    "write.update_statistics_settings": (
        "campaign.setup",
        False,
        lambda c, a, s: S.update_statistics_settings(
            actor=a, session=s, campaign_id=c.w.campaign_id, runchart_method="anhoej"
        ),
    ),
    "write.file_appeal": (
        "appeal.file",
        True,
        lambda c, a, s: S.file_appeal(
            actor=a,
            session=s,
            campaign_id=c.w.campaign_id,
            department_id=c.w.dept_a,
            kind="inspection",
            period=_scored(s, c),
            reason="扣分有误",
            requested=80,
        ),
    ),
    "write.decide_appeal": (
        "appeal.decide",
        False,
        lambda c, a, s: S.decide_appeal(
            actor=a, session=s, appeal_id=_open_appeal(s, c), uphold=True, reason="属实"
        ),
    ),
    "write.set_period_lock": (
        "period.lock",
        False,
        lambda c, a, s: S.set_period_lock(
            actor=a, session=s, campaign_id=c.w.campaign_id, period=c.w.period, locked=True
        ),
    ),
    "write.save_inspection_score": (
        "inspection.score",
        False,
        lambda c, a, s: S.save_inspection_score(
            actor=a,
            session=s,
            campaign_id=c.w.campaign_id,
            department_id=c.w.dept_a,
            period=c.w.period,
            score=88,
        ),
    ),
    "write.register_problem": (
        "problem.manage",
        False,
        lambda c, a, s: S.register_problem(
            actor=a,
            session=s,
            campaign_id=c.w.campaign_id,
            title="窗口排队时间长",
            source="complaint",
            found_on=dt.date.today(),
            department_ids=[c.w.dept_a],
            measure="增开窗口",
            due_date=dt.date.today() + dt.timedelta(days=30),
        ),
    ),
    "write.verify_problem": (
        "problem.manage",
        False,
        lambda c, a, s: S.verify_problem(
            actor=a,
            session=s,
            problem_id=c.problem_id,
            close=True,
            note="已现场核实",
            expected_version=c.problem_version,
        ),
    ),
    "write.create_campaign_from_template_key": (
        "campaign.setup",
        False,
        lambda c, a, s: S.create_campaign_from_template_key(
            actor=a,
            session=s,
            template_key="seed003",
            start=dt.date(2027, 1, 1),
            end=dt.date(2027, 6, 30),
        ),
    ),
    "write.create_campaign_from_plan": (
        "campaign.setup",
        False,
        lambda c, a, s: S.create_campaign_from_plan(
            actor=a,
            session=s,
            draft=_draft(),
            start=dt.date(2027, 1, 1),
            end=dt.date(2027, 6, 30),
        ),
    ),
    "write.update_campaign": (
        "campaign.setup",
        False,
        lambda c, a, s: S.update_campaign(
            actor=a,
            session=s,
            campaign_id=c.w.campaign_id,
            name="改名的活动",
            start=dt.date.today() - dt.timedelta(days=80),
            end=dt.date.today() + dt.timedelta(days=120),
        ),
    ),
    "write.set_campaign_archived": (
        "campaign.setup",
        False,
        lambda c, a, s: S.set_campaign_archived(
            actor=a, session=s, campaign_id=c.w.campaign_id, archived=True
        ),
    ),
    "write.upsert_department": (
        "campaign.setup",
        False,
        lambda c, a, s: S.upsert_department(actor=a, session=s, code="NEW", name="新科室"),
    ),
    "write.save_channel": (
        "campaign.setup",
        False,
        lambda c, a, s: S.save_channel(
            actor=a,
            session=s,
            kind="wecom",
            target="https://robot.example.org/send?key=k",
            name="甲科群",
            department_codes=["A"],
        ),
    ),
    "write.set_channel_active": (
        "campaign.setup",
        False,
        lambda c, a, s: S.set_channel_active(
            actor=a,
            session=s,
            channel=S.save_channel(
                actor=a, session=s, kind="email", target="a@example.org", role="office"
            ).id,
            active=False,
        ),
    ),
    "write.set_department_leader": (
        "campaign.setup",
        False,
        lambda c, a, s: S.set_department_leader(
            actor=a, session=s, department_code="A", leader="leader"
        ),
    ),
    "write.set_reminder_rules": (
        "campaign.setup",
        False,
        lambda c, a, s: S.set_reminder_rules(
            actor=a, session=s, campaign_id=c.w.campaign_id, rules={"red_after": 4}
        ),
    ),
    "write.save_tasks": (
        "campaign.setup",
        False,
        lambda c, a, s: S.save_tasks(
            actor=a,
            session=s,
            campaign_id=c.w.campaign_id,
            rows=[{"code": "9", "title": "新任务", "departments": ["A"]}],
        ),
    ),
    "write.import_campaigns": (
        "data.import",
        False,
        lambda c, a, s: S.import_campaigns(
            actor=a,
            session=s,
            rows=[S.CampaignRow(2, None, "导入的活动", dt.date(2027, 1, 1), dt.date(2027, 6, 30))],
        ),
    ),
    "write.import_phases": (
        "data.import",
        False,
        lambda c, a, s: S.import_phases(
            actor=a,
            session=s,
            rows=[
                S.PhaseRow(
                    2, c.w.campaign_id, 9, "导入阶段", dt.date(2027, 1, 1), dt.date(2027, 1, 31)
                )
            ],
        ),
    ),
    "write.import_tasks": (
        "data.import",
        False,
        lambda c, a, s: S.import_tasks(
            actor=a,
            session=s,
            campaign_id=c.w.campaign_id,
            rows=[(2, {"code": "9", "title": "导入任务", "departments": ["A"]})],
        ),
    ),
    "write.import_indicators": (
        "data.import",
        False,
        lambda c, a, s: S.import_indicators(
            actor=a, session=s, rows=[S.IndicatorRow(2, c.w.campaign_id, "IMP", "导入指标")]
        ),
    ),
    "write.import_indicator_values": (
        "data.import",
        False,
        lambda c, a, s: S.import_indicator_values(
            actor=a,
            session=s,
            rows=[S.IndicatorValueRow(2, c.w.sat_id, c.w.dept_a, c.w.period, 95.0, 100)],
        ),
    ),
    "write.import_reports": (
        "data.import",
        False,
        lambda c, a, s: S.import_reports(
            actor=a, session=s, rows=[S.ReportRow(2, c.w.asg_a2, c.w.period, 30, "in_progress")]
        ),
    ),
    "write.import_benchmarks": (
        "data.import",
        False,
        lambda c, a, s: S.import_benchmarks(
            actor=a,
            session=s,
            rows=[S.BenchmarkRow(2, c.w.campaign_id, c.w.period, "导入标杆", score=80.0)],
        ),
    ),
    # item-level survey answers (issue 21)
    "write.import_survey_answers": (
        "data.import",
        False,
        lambda c, a, s: _survey_import(c, a, s),
    ),
    "write.withdraw_survey_import": (
        "data.import",
        False,
        lambda c, a, s: _survey_withdraw(c, a, s),
    ),
    # recognition (issue 20)
    "write.save_service_point": (
        "recognition.manage",
        False,
        lambda c, a, s: S.save_service_point(
            actor=a, session=s, department_id=c.w.dept_a, name="收费窗口"
        ),
    ),
    "write.save_staff": (
        "recognition.manage",
        False,
        lambda c, a, s: S.save_staff(actor=a, session=s, department_id=c.w.dept_a, name="张三"),
    ),
    "write.create_round": (
        "recognition.manage",
        False,
        lambda c, a, s: S.create_round(
            actor=a,
            session=s,
            campaign_id=c.w.campaign_id,
            title="季度优质服务窗口",
            kind="unit",
            period_kind="month",
            period_key=c.w.period,
            quota=3,
            nomination_deadline=dt.date.today() + dt.timedelta(days=5),
        ),
    ),
    "write.nominate": (
        "recognition.nominate",
        True,
        lambda c, a, s: S.nominate(
            actor=a,
            session=s,
            round_id=c.recog["nominating"],
            department_id=c.w.dept_a,
            reasons="服务热情",
        ),
    ),
    "write.confirm_criteria": (
        "recognition.manage",
        False,
        lambda c, a, s: S.confirm_criteria(
            actor=a, session=s, nomination_id=c.recog["shortlisting_nomination"], confirmed={}
        ),
    ),
    "write.close_nominations": (
        "recognition.manage",
        False,
        lambda c, a, s: S.close_nominations(actor=a, session=s, round_id=c.recog["nominating"]),
    ),
    "write.set_shortlist": (
        "recognition.manage",
        False,
        lambda c, a, s: S.set_shortlist(
            actor=a,
            session=s,
            round_id=c.recog["shortlisting"],
            nomination_ids=[c.recog["shortlisting_nomination"]],
        ),
    ),
    "write.record_decision": (
        "recognition.decide",
        False,
        lambda c, a, s: S.record_decision(
            actor=a, session=s, nomination_id=c.recog["deciding_nomination"], won=True, votes=6
        ),
    ),
    "write.start_notice": (
        "recognition.manage",
        False,
        lambda c, a, s: S.start_notice(
            actor=a,
            session=s,
            round_id=c.recog["decided"],
            start=dt.date.today(),
            end=dt.date.today() + dt.timedelta(days=5),
        ),
    ),
    "write.lodge_objection": (
        "recognition.object",
        False,
        lambda c, a, s: S.lodge_objection(
            actor=a, session=s, nomination_id=c.recog["notice_nomination"], text="异议"
        ),
    ),
    "write.answer_objection": (
        "recognition.manage",
        False,
        lambda c, a, s: S.answer_objection(
            actor=a, session=s, objection_id=c.recog["objection"], answer="已核实", upheld=False
        ),
    ),
    "write.finalise_round": (
        "recognition.manage",
        False,
        lambda c, a, s: S.finalise_round(actor=a, session=s, round_id=c.recog["ended"]),
    ),
    # onboarding (issue 23)
    "write.issue_liaison_accounts": (
        "users.liaisons",
        False,
        lambda c, a, s: S.issue_liaison_accounts(
            actor=a, session=s, department_codes=["B"], usernames={"B": "liaison_b2"}
        ),
    ),
    "write.reset_one_time_password": (
        "users.liaisons",
        False,
        lambda c, a, s: S.reset_one_time_password(actor=a, session=s, username="liaison_b"),
    ),
    "importers.import_workbook": (
        "data.import",
        False,
        lambda c, a, s: _import(a, s),
    ),
    "importers.preview_workbook": (
        "data.import",
        False,
        lambda c, a, s: _preview(a, s),
    ),
    # the setup wizard (issue 23)
    "wizard.save_wizard_step": (
        "campaign.setup",
        False,
        lambda c, a, s: W.save_wizard_step(actor=a, session=s, step=2, data={"plan": {}}),
    ),
    "wizard.discard_wizard": (
        "campaign.setup",
        False,
        lambda c, a, s: W.discard_wizard(actor=a, session=s),
    ),
    "wizard.set_campaign_rules": (
        "campaign.setup",
        False,
        lambda c, a, s: W.set_campaign_rules(
            actor=a,
            session=s,
            campaign_id=c.w.campaign_id,
            report_day=20,
            commend_count=2,
            laggard_count=2,
        ),
    ),
    "wizard.finish_wizard": (
        "campaign.setup",
        False,
        lambda c, a, s: W.finish_wizard(
            actor=a, session=s, data=_wizard_data(), today=dt.date(2026, 1, 10)
        ),
    ),
    "reporting.attachment_file": (
        "read.all",
        True,
        lambda c, a, s: _read_evidence(c, a),
    ),
}


def _import(actor: Actor, session: Any) -> Any:
    from lib.io.excel_import import import_workbook

    result = import_workbook(department_workbook([("IMP", "导入科")]), actor=actor, session=session)
    assert not result.problems, [p.message() for p in result.problems]
    return result


def _survey_import(c: Ctx, actor: Actor, session: Any) -> Any:
    from lib.write.survey import AnswerRow, import_survey_answers

    row = AnswerRow(2, c.w.dept_a, c.w.period, "挂号服务", "非常满意", 5, 5, True)
    return import_survey_answers(
        actor=actor, session=session, campaign_id=c.w.campaign_id, source="f" * 64, rows=[row]
    )


def _survey_withdraw(c: Ctx, actor: Actor, session: Any) -> Any:
    """A file imported by the system in the same transaction, then withdrawn by the
    caller (a refusal rolls both back)."""
    from lib.write.survey import withdraw_survey_import

    _survey_import(c, Actor.system(), session)
    return withdraw_survey_import(
        actor=actor, session=session, campaign_id=c.w.campaign_id, source="f" * 64, reason="矩阵"
    )


def _preview(actor: Actor, session: Any) -> Any:
    from lib.io.excel_import.preview import preview_workbook

    found = preview_workbook(department_workbook([("PRV", "预览科")]), actor=actor, session=session)
    assert found.result.ok and found.changes
    return found


def _wizard_data() -> dict[str, Any]:
    """A reviewed plan of one task for 甲科, with its rules, as the wizard keeps it."""
    return {
        "plan": wizard_plan("向导活动", "甲科", end="2026-06-30"),
        "rules": {"report_day": 20, "commend_count": 2, "laggard_count": 2},
    }


def _read_evidence(c: Ctx, actor: Actor) -> Any:
    found = reporting.attachment_file(actor, c.attachment_id)
    if found is None:  # the read side answers "nothing" rather than raising
        raise PermissionDenied("error.permission_denied")
    return found


@pytest.fixture(scope="module")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ctx]:
    """A migrated SQLite world with every role, a submitted report of department A with
    an evidence file, and an open problem; copied (with its files) for every cell."""
    from lib import config

    root = tmp_path_factory.mktemp("authz")
    path = root / "world.db"
    engine = sqlite_database(path)
    w = make_world(engine)
    hashed = write.hash_password("Old!pass123", rounds=4)
    with session_scope(engine) as s:
        for u in s.scalars(select(User)):
            u.password_hash = hashed
        extra = {}
        for name in ("admin", "viewer"):
            user = User(username=name, display_name=name, password_hash=hashed, roles=name)
            s.add(user)
            s.flush()
            extra[name] = Actor(username=name, roles=frozenset({name}), user_id=user.id)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATTACHMENTS_DIR", str(root / "files"))
        config.settings.cache_clear()
        with session_scope(engine) as s:
            [report] = write.save_reports(
                actor=w.liaison_a,
                session=s,
                period=w.period,
                items=[ReportInput(w.asg_a1, 50, "in_progress", work_done="完成培训")],
                submit=True,
            )
            att = write.add_attachment(
                actor=w.liaison_a, session=s, update_id=report.id, filename="a.png", data=PNG
            )
            problem = write.register_problem(
                actor=w.office,
                session=s,
                campaign_id=w.campaign_id,
                title="标识不清",
                source="inspection",
                found_on=dt.date.today(),
                department_ids=[w.dept_a],
                measure="更换标识",
                due_date=dt.date.today() + dt.timedelta(days=10),
            )
            s.flush()
            ids = (report.id, att.id, problem.id)
    config.settings.cache_clear()
    with session_scope(engine) as s:
        update = s.get(MonthlyUpdate, ids[0])
        prob = s.get(Problem, ids[2])
        assert update is not None and prob is not None and s.get(Attachment, ids[1])
        actors = {
            "admin": extra["admin"],
            "office": w.office,
            "leader": w.leader,
            "viewer": extra["viewer"],
            "liaison": w.liaison_a,
            "liaison_other": w.liaison_b,
        }
        ctx = Ctx(w, actors, update.id, update.version, ids[1], prob.id, prob.version, engine)
    ctx.recog = _recognition_rounds(engine, w)
    engine.dispose()
    return root, ctx


def _recognition_rounds(engine: Engine, w: World) -> dict[str, int]:
    """Selection rounds of department A's nomination at every stage (issue 20)."""
    system = Actor.system()
    today = dt.date.today()
    ids: dict[str, int] = {}
    stages = ("nominating", "shortlisting", "deciding", "decided", "notice", "ended")
    for stage in stages:
        with session_scope(engine) as s:
            r = S.create_round(
                actor=system,
                session=s,
                campaign_id=w.campaign_id,
                title=f"评选 {stage}",
                kind="unit",
                period_kind="month",
                period_key=w.period,
                quota=3,
                nomination_deadline=today + dt.timedelta(days=10),
                criteria=[{"key": "no_complaints"}],
            )
            ids[stage] = r.id
            if stage == "nominating":
                continue
            n = S.nominate(
                actor=system, session=s, round_id=r.id, department_id=w.dept_a, reasons="好"
            )
            ids[f"{stage}_nomination"] = n.id
            S.close_nominations(actor=system, session=s, round_id=r.id)
        if stage == "shortlisting":
            continue
        with session_scope(engine) as s:
            S.set_shortlist(actor=system, session=s, round_id=r.id, nomination_ids=[n.id])
        if stage == "deciding":
            continue
        with session_scope(engine) as s:
            S.record_decision(actor=system, session=s, nomination_id=n.id, won=True, votes=5)
        if stage == "decided":
            continue
        with session_scope(engine) as s:
            running = stage == "notice"
            S.start_notice(
                actor=system,
                session=s,
                round_id=r.id,
                start=today - dt.timedelta(days=3),
                end=today + dt.timedelta(days=3) if running else today - dt.timedelta(days=1),
            )
            if running:
                ids["objection"] = S.lodge_objection(
                    actor=system, session=s, nomination_id=n.id, text="有异议"
                ).id
    return ids


@pytest.fixture
def ctx(
    world_template: tuple[Path, Ctx], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Ctx]:
    from lib import config

    root, template = world_template
    shutil.copy(root / "world.db", tmp_path / "world.db")
    shutil.copytree(root / "files", tmp_path / "files")
    url = f"sqlite:///{tmp_path / 'world.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ATTACHMENTS_DIR", str(tmp_path / "files"))
    config.settings.cache_clear()
    dispose_all()
    engine = make_engine(url)
    yield Ctx(**{**template.__dict__, "engine": engine})
    engine.dispose()
    config.settings.cache_clear()
    dispose_all()


def test_service_table_in_the_doc_matches_the_code() -> None:
    doc = _doc_table("### 服务函数 Service functions")
    assert sorted(doc) == sorted(SERVICE_CALLS), "every service function is in the table"
    for name, (action, scoped, _call) in SERVICE_CALLS.items():
        assert doc[name][0] == action, name
        for role in COLUMNS:
            assert doc[name][1][role] == _expected(action, role, scoped), (name, role)


def test_every_write_service_is_in_the_matrix() -> None:
    """A new public write function in lib/write/ must be added to the matrix."""
    import inspect

    public = {
        f"write.{name}"
        for name, fn in vars(write).items()
        if inspect.isfunction(fn)
        and fn.__module__.startswith("lib.write.")
        and not name.startswith("_")
        and "actor" in inspect.signature(fn).parameters
        and name not in ("audit", "require", "require_department")
    }
    assert public <= set(SERVICE_CALLS), sorted(public - set(SERVICE_CALLS))


SERVICE_CELLS = [(name, player) for name in SERVICE_CALLS for player in PLAYERS]


@pytest.mark.parametrize(("name", "player"), SERVICE_CELLS)
def test_every_service_cell(ctx: Ctx, name: str, player: str) -> None:
    action, scoped, call = SERVICE_CALLS[name]
    actor = ctx.actors[player]
    role = "liaison" if player == "liaison_other" else player
    expected = _expected(action, role, scoped)
    allowed = expected == "yes" or (expected == OWN and player == "liaison")
    assert can(actor, action) == (expected != "no")
    before = checksum(ctx.engine)
    files_before = sorted(p.name for p in Path(_files_dir()).glob("*"))
    if allowed:
        with session_scope(ctx.engine) as s:
            call(ctx, actor, s)
        return
    with pytest.raises(PermissionDenied) as refused, session_scope(ctx.engine) as s:
        call(ctx, actor, s)
    for lang in ("zh", "en"):
        message = refused.value.message(lang)
        assert message and not message.startswith("error."), message
    assert checksum(ctx.engine) == before, "a refused call wrote nothing"
    assert sorted(p.name for p in Path(_files_dir()).glob("*")) == files_before


def _files_dir() -> str:
    from lib.config import settings

    path = settings().attachments_dir
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def test_roles_are_the_matrix_columns() -> None:
    assert set(COLUMNS) == set(ROLES)

"""Write side of the setup wizard (活动向导, issue 23): the draft saved after each step
(resumable), the rules no other page sets (report day, commend and laggard counts), and
the finish — one transaction that imports the departments workbook, creates the campaign
from the reviewed plan (or a template), sets its rules and issues the liaison accounts,
all through the existing services, each with its audit rows."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.models import Campaign, WizardDraft, utcnow
from lib.write.accounts import IssuedAccount, issue_liaison_accounts
from lib.write.base import ServiceError, audit, json_copy, require
from lib.write.campaigns import (
    create_campaign_from_plan,
    create_campaign_from_template_key,
    update_campaign,
)
from lib.write.notifications import set_reminder_rules

WIZARD_STEPS = 5


@dataclass(frozen=True)
class WizardDone:
    campaign_id: int
    accounts: list[IssuedAccount]
    departments: int  # departments added or changed by the workbook


def save_wizard_step(*, actor: Actor, session: Session, step: int, data: Mapping[str, Any]) -> None:
    """Keep this user's wizard at ``step`` with what was entered so far."""
    require(actor, "campaign.setup")
    if actor.user_id is None:
        raise ServiceError("error.permission_denied")
    if not 1 <= int(step) <= WIZARD_STEPS:
        raise ServiceError("wizard.error_step", step=step)
    row = session.scalar(select(WizardDraft).where(WizardDraft.user_id == actor.user_id))
    before = {"step": row.step} if row is not None else None
    if row is None:
        row = WizardDraft(user_id=actor.user_id)
        session.add(row)
    row.step = int(step)
    row.data = json_copy(dict(data))
    row.updated_at = utcnow()
    session.flush()
    audit(
        session, actor, "wizard_step", "wizard_draft", row.id, before=before, after={"step": step}
    )


def discard_wizard(*, actor: Actor, session: Session) -> None:
    """Forget this user's unfinished wizard (start again)."""
    require(actor, "campaign.setup")
    row = session.scalar(select(WizardDraft).where(WizardDraft.user_id == actor.user_id))
    if row is None:
        return
    audit(session, actor, "wizard_discard", "wizard_draft", row.id, before={"step": row.step})
    session.delete(row)


def set_campaign_rules(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    report_day: int,
    commend_count: int,
    laggard_count: int,
) -> None:
    """The report day (liaisons report by this day of the month) and how many
    departments the 红黑榜 commends and names as lagging."""
    require(actor, "campaign.setup")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ServiceError("setup.error_campaign_unknown")
    if not 1 <= int(report_day) <= 28:
        raise ServiceError("wizard.error_report_day")
    if not (0 <= int(commend_count) <= 50 and 0 <= int(laggard_count) <= 50):
        raise ServiceError("wizard.error_counts")
    settings = json_copy(campaign.settings or {})
    keys = ("report_day", "commend_count", "laggard_count")
    before = {k: settings.get(k) for k in keys}
    settings.update(
        report_day=int(report_day),
        commend_count=int(commend_count),
        laggard_count=int(laggard_count),
    )
    campaign.settings = settings
    session.flush()
    audit(
        session,
        actor,
        "set_rules",
        "campaign",
        campaign.id,
        before=before,
        after={k: settings[k] for k in keys},
        campaign_id=campaign.id,
    )


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def plan_from_data(plan: Mapping[str, Any], dept_map: Mapping[str, str]) -> Any:
    """The reviewed plan draft kept in the wizard, with plan department names replaced
    by the departments the office chose for them (empty: left unassigned)."""
    from lib.domain.plan import PlanDraft, draft_from_rows

    tasks = []
    for row in plan.get("tasks", []):
        names = [n for n in _split(row.get("departments")) if dept_map.get(n, n)]
        tasks.append(
            {
                **row,
                "due": _date(row.get("due")),
                "departments": "、".join(dept_map.get(n, n) for n in names),
            }
        )
    phases = [
        {**p, "start": _date(p.get("start")), "end": _date(p.get("end"))}
        for p in plan.get("phases", [])
    ]
    return draft_from_rows(str(plan.get("name") or ""), phases, tasks, PlanDraft(title=None))


def _split(text: Any) -> list[str]:
    from lib.read.wizard import split_departments

    return split_departments(text)


def finish_wizard(
    *, actor: Actor, session: Session, data: Mapping[str, Any], today: dt.date
) -> WizardDone:
    """Everything the wizard collected, in the caller's one transaction: the departments
    workbook (all or nothing, refused with its first problem), the campaign, its weights,
    rules and reminder rules, the liaison accounts; then the draft is gone."""
    require(actor, "campaign.setup")
    from lib.io.excel_import import import_workbook

    # the finish's own audit row, written first: on SQLite (pysqlite opens a transaction
    # only at the first write) a savepoint opened before any write would be the outermost
    # transaction, and the workbook import's savepoint would commit on its release
    audit(
        session,
        actor,
        "wizard_finish",
        "wizard_draft",
        None,
        after={
            "plan": str((data.get("plan") or {}).get("name") or ""),
            "liaisons": sorted((data.get("liaisons") or {}).values()),
        },
    )
    session.flush()
    departments = 0
    if data.get("workbook"):
        result = import_workbook(base64.b64decode(data["workbook"]), actor=actor, session=session)
        if result.problems:
            first = result.problems[0]
            raise ServiceError("wizard.error_workbook", problem=first.message())
        departments = result.created + result.updated
    plan = data.get("plan") or {}
    start, end = _date(plan.get("start")), _date(plan.get("end"))
    if plan.get("template"):
        if start is None or end is None:
            raise ServiceError("wizard.error_dates")
        campaign = create_campaign_from_template_key(
            actor=actor,
            session=session,
            template_key=str(plan["template"]),
            start=start,
            end=end,
            name=str(plan.get("name") or ""),
        )
    else:
        draft = plan_from_data(plan, data.get("dept_map") or {})
        campaign = create_campaign_from_plan(
            actor=actor, session=session, draft=draft, start=start, end=end, today=today
        )
    rules = data.get("rules") or {}
    if rules.get("weights"):
        update_campaign(
            actor=actor,
            session=session,
            campaign_id=campaign.id,
            name=campaign.name,
            start=campaign.start_date,
            end=campaign.end_date,
            name_en=campaign.name_en,
            theme=campaign.theme,
            organiser=campaign.organiser,
            target_satisfaction=campaign.target_satisfaction,
            weights={k: float(v) for k, v in rules["weights"].items()},
        )
    if {"report_day", "commend_count", "laggard_count"} <= set(rules):
        set_campaign_rules(
            actor=actor,
            session=session,
            campaign_id=campaign.id,
            report_day=int(rules["report_day"]),
            commend_count=int(rules["commend_count"]),
            laggard_count=int(rules["laggard_count"]),
        )
    if rules.get("reminders"):
        set_reminder_rules(
            actor=actor, session=session, campaign_id=campaign.id, rules=rules["reminders"]
        )
    liaisons: dict[str, str] = dict(data.get("liaisons") or {})
    accounts = (
        issue_liaison_accounts(
            actor=actor, session=session, department_codes=list(liaisons), usernames=liaisons
        )
        if liaisons
        else []
    )
    discard_wizard(actor=actor, session=session)
    return WizardDone(campaign.id, accounts, departments)

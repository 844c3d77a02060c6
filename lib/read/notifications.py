"""Read side of reaching people (issue 22): channels (secrets never leave this module
except to the sender), 分管领导 per department, what a campaign's chased month is missing,
and the delivery log. Cached per data version like every read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select

from lib.db import get_engine
from lib.domain.periods import is_due
from lib.domain.scoring import COUNTED_STATES
from lib.models import (
    Assignment,
    Campaign,
    Department,
    DepartmentLeader,
    MonthlyUpdate,
    NotifyChannel,
    NotifyLog,
    Problem,
    Task,
    User,
)
from lib.notify.channels import mask_target
from lib.read.cache import versioned
from lib.read.filters import open_problems, reports_of


@dataclass(frozen=True)
class ChannelRecord:
    """A channel as the dispatcher and the pages see it. ``target_shown`` is what may be
    displayed (a webhook without its key); ``target`` and ``secret`` go to the sender only."""

    id: int
    name: str
    kind: str
    target: str
    secret: str | None
    role: str | None
    leader_user_id: int | None
    departments: tuple[int, ...]
    active: bool
    version: int

    @property
    def target_shown(self) -> str:
        return mask_target(self.kind, self.target)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret)


def _departments_of(value: Any) -> tuple[int, ...]:
    if isinstance(value, dict):
        value = value.get("ids", [])
    return tuple(int(v) for v in (value or []))


@versioned
def channels(include_inactive: bool = True) -> list[ChannelRecord]:
    stmt = select(NotifyChannel).order_by(NotifyChannel.name)
    if not include_inactive:
        stmt = stmt.where(NotifyChannel.active.is_(True))
    with get_engine().connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        ChannelRecord(
            id=r["id"],
            name=r["name"],
            kind=r["kind"],
            target=r["target"],
            secret=r["secret"],
            role=r["role"],
            leader_user_id=r["leader_user_id"],
            departments=_departments_of(r["departments"]),
            active=bool(r["active"]),
            version=r["version"],
        )
        for r in rows
    ]


def channel(name_or_id: str | int) -> ChannelRecord | None:
    """The channel with this id or name."""
    for ch in channels():
        if str(ch.id) == str(name_or_id) or ch.name == str(name_or_id):
            return ch
    return None


@versioned
def department_leaders() -> dict[int, int]:
    """department id -> its 分管领导's user id."""
    with get_engine().connect() as conn:
        return {
            int(d): int(u)
            for d, u in conn.execute(
                select(DepartmentLeader.department_id, DepartmentLeader.user_id)
            )
        }


@versioned
def leader_accounts() -> list[tuple[int, str, str]]:
    """Active users with the role leader: (id, username, display name)."""
    with get_engine().connect() as conn:
        rows = conn.execute(
            select(User.id, User.username, User.display_name, User.roles)
            .where(User.active.is_(True))
            .order_by(User.username)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows if "leader" in (r[3] or "").split(",")]


@versioned
def departments() -> list[tuple[int, str, str, str | None]]:
    """Active departments: (id, code, name, English name)."""
    with get_engine().connect() as conn:
        rows = conn.execute(
            select(Department.id, Department.code, Department.name, Department.name_en)
            .where(Department.active.is_(True))
            .order_by(Department.sort_order, Department.code)
        ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


@versioned
def active_campaigns(today: dt.date) -> list[int]:
    """Campaigns not archived whose reporting is running or just ended (a month after
    the end the last month is still chased)."""
    with get_engine().connect() as conn:
        rows = conn.execute(
            select(Campaign.id, Campaign.start_date, Campaign.end_date)
            .where(Campaign.archived.is_(False))
            .order_by(Campaign.id)
        ).all()
    return [
        int(r[0])
        for r in rows
        if r[1] <= today + dt.timedelta(days=31) and today <= r[2] + dt.timedelta(days=62)
    ]


@dataclass(frozen=True)
class Missing:
    """One thing a department owes: a report not submitted, a report returned and not
    resubmitted, or a problem (挂账) past its deadline."""

    kind: str  # "missing" | "returned" | "problem"
    code: str
    title: str
    days_overdue: int = 0


@versioned
def chase_inputs(campaign_id: int, period: str, today: dt.date) -> dict[int, list[Missing]]:
    """department id -> what it owes for ``period`` (reports) and today (problems)."""
    with get_engine().connect() as conn:
        assignments = conn.execute(
            select(Assignment.id, Assignment.department_id, Task.code, Task.title, Task.start_date)
            .join(Task, Task.id == Assignment.task_id)
            .join(Department, Department.id == Assignment.department_id)
            .where(
                Task.campaign_id == campaign_id,
                Task.active.is_(True),
                Department.active.is_(True),
            )
            .order_by(Assignment.department_id, Task.seq, Task.code)
        ).all()
        states = {
            int(a): s
            for a, s in conn.execute(
                reports_of(MonthlyUpdate.assignment_id, MonthlyUpdate.review_state).where(
                    Task.campaign_id == campaign_id, MonthlyUpdate.period == period
                )
            )
        }
        problems = conn.execute(
            open_problems(
                campaign_id, Problem.code, Problem.title, Task.due_date, Assignment.department_id
            ).where(Task.due_date.is_not(None), Task.due_date < today)
        ).all()
    out: dict[int, list[Missing]] = {}
    for aid, dept, code, title, start in assignments:
        if not is_due(start, period):
            continue
        state = states.get(int(aid))
        if state in COUNTED_STATES:
            continue
        kind = "returned" if state == "returned" else "missing"
        out.setdefault(int(dept), []).append(Missing(kind, code, title))
    for pcode, ptitle, due, dept in problems:
        days = (today - due).days if due is not None else 0
        out.setdefault(int(dept), []).append(Missing("problem", pcode or "", ptitle, days))
    return out


def sent_keys(keys: list[str]) -> set[str]:
    """Which of ``keys`` were delivered already (never cached: runs must see each other)."""
    if not keys:
        return set()
    found: set[str] = set()
    with get_engine().connect() as conn:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            found.update(
                conn.scalars(
                    select(NotifyLog.dedup_key).where(
                        NotifyLog.dedup_key.in_(chunk), NotifyLog.status == "sent"
                    )
                )
            )
    return found


@versioned
def delivery_log(limit: int = 500) -> pd.DataFrame:
    """The latest deliveries, newest first (no secrets are ever stored in it)."""
    with get_engine().connect() as conn:
        rows = (
            conn.execute(
                select(
                    NotifyLog.at,
                    NotifyLog.channel_name,
                    NotifyLog.kind,
                    NotifyLog.campaign_id,
                    NotifyLog.department_id,
                    Department.name.label("department"),
                    NotifyLog.status,
                    NotifyLog.attempts,
                    NotifyLog.error,
                )
                .outerjoin(Department, Department.id == NotifyLog.department_id)
                .order_by(NotifyLog.at.desc(), NotifyLog.id.desc())
                .limit(limit)
            )
            .mappings()
            .all()
        )
    return pd.DataFrame(
        rows,
        columns=[
            "at",
            "channel_name",
            "kind",
            "campaign_id",
            "department_id",
            "department",
            "status",
            "attempts",
            "error",
        ],
    )


@versioned
def task_reasons(campaign_id: int, period: str) -> dict[int, list[tuple[str, str, str]]]:
    """ "Red needs a reason": per task, each department's 存在问题 and 下步计划 of the
    month's counted reports, (department name, problems, next steps); empty ones left out."""
    with get_engine().connect() as conn:
        rows = conn.execute(
            reports_of(
                Assignment.task_id,
                Department.name,
                MonthlyUpdate.problems,
                MonthlyUpdate.next_steps,
                department=True,
            )
            .where(
                Task.campaign_id == campaign_id,
                MonthlyUpdate.period == period,
                MonthlyUpdate.review_state.in_(COUNTED_STATES),
            )
            .order_by(Assignment.task_id, Assignment.is_lead.desc(), Department.sort_order)
        ).all()
    out: dict[int, list[tuple[str, str, str]]] = {}
    for task_id, name, problems, next_steps in rows:
        if (problems or "").strip() or (next_steps or "").strip():
            out.setdefault(int(task_id), []).append(
                (name, (problems or "").strip(), (next_steps or "").strip())
            )
    return out

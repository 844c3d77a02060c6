"""Writes of reaching people (issue 22): channels (add, edit, disable), each
department's 分管领导, a campaign's reminder rules, and the delivery log. The office and
the administrator manage them (``campaign.setup``); every change has its audit row,
which never holds a webhook key, a signing secret or a password (:func:`_snapshot`)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.escalation import DEFAULT_RULES, reminder_rules
from lib.domain.permissions import Actor
from lib.models import (
    CHANNEL_KINDS,
    CHANNEL_ROLES,
    Campaign,
    Department,
    DepartmentLeader,
    NotifyChannel,
    NotifyLog,
    User,
    utcnow,
)
from lib.notify.channels import mask_target, redact
from lib.write.base import ServiceError, audit, conflict, get_or_refuse, require

EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
MAX_NAME = 100


def _snapshot(ch: NotifyChannel) -> dict[str, Any]:
    """What the audit keeps of a channel: the target without its key, never the secret."""
    return {
        "name": ch.name,
        "kind": ch.kind,
        "target": mask_target(ch.kind, ch.target),
        "has_secret": bool(ch.secret),
        "role": ch.role,
        "leader_user_id": ch.leader_user_id,
        "departments": list((ch.departments or {}).get("ids", [])),
        "active": ch.active,
    }


def _check_target(kind: str, target: str) -> str:
    target = (target or "").strip()
    if kind not in CHANNEL_KINDS:
        raise ServiceError("notify.error_kind", kind=kind)
    if not target or len(target) > 1000:
        raise ServiceError("notify.error_target")
    if kind == "email":
        addresses = [a for a in re.split(r"[,;\s]+", target) if a]
        if not addresses or not all(EMAIL_RE.match(a) for a in addresses):
            raise ServiceError("notify.error_email")
        return ", ".join(addresses)
    url = urllib.parse.urlsplit(target)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ServiceError("notify.error_url")
    return target


def _department_ids(session: Session, codes: Sequence[str]) -> list[int]:
    ids = []
    for code in codes:
        dept = session.scalar(select(Department).where(Department.code == code))
        if dept is None:
            raise ServiceError("error.department_unknown", code=code)
        ids.append(dept.id)
    return sorted(set(ids))


def _leader_id(session: Session, username: str | None) -> int | None:
    if not username:
        return None
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or "leader" not in user.role_list:
        raise ServiceError("notify.error_leader", username=username)
    return user.id


def save_channel(
    *,
    actor: Actor,
    session: Session,
    kind: str,
    target: str | None,
    name: str | None = None,
    secret: str | None = None,
    department_codes: Sequence[str] = (),
    role: str | None = None,
    leader: str | None = None,
    active: bool = True,
    channel_id: int | None = None,
    expected_version: int | None = None,
) -> NotifyChannel:
    """Add a channel, or change one (``channel_id``). On a change an empty ``target``
    or ``secret`` keeps the saved one (the page never shows them back)."""
    require(actor, "campaign.setup")
    role = role or None
    if role is not None and role not in CHANNEL_ROLES:
        raise ServiceError("notify.error_role", role=role)
    existing = session.get(NotifyChannel, channel_id) if channel_id is not None else None
    if channel_id is not None and existing is None:
        raise ServiceError("notify.error_channel_unknown", channel=channel_id)
    if existing is not None and not target:
        target = existing.target
    target = _check_target(kind, target or "")
    dept_ids = _department_ids(session, department_codes)
    leader_id = _leader_id(session, leader)
    if not dept_ids and role is None and leader_id is None:
        raise ServiceError("notify.error_no_audience")
    name = (name or "").strip()[:MAX_NAME] or f"{kind}-{mask_target(kind, target)[-40:]}"
    clash = session.scalar(select(NotifyChannel.id).where(NotifyChannel.name == name))
    if clash is not None and clash != channel_id:
        raise ServiceError("notify.error_name_taken", name=name)
    secret = (secret or "").strip() or None
    if secret and kind != "dingtalk":
        raise ServiceError("notify.error_secret_kind")
    if existing is None:
        ch = NotifyChannel(kind=kind)
        session.add(ch)
        before = None
    else:
        if expected_version is not None and existing.version != expected_version:
            raise conflict(session, "notify_channel", existing.id)
        ch = existing
        before = _snapshot(ch)
        if kind != ch.kind and not secret:
            ch.secret = None
    ch.name = name
    ch.kind = kind
    ch.target = target
    if secret:
        ch.secret = secret
    ch.role = role
    ch.leader_user_id = leader_id
    ch.departments = {"ids": dept_ids}
    ch.active = active
    return _saved(session, actor, "update_channel" if before else "create_channel", ch, before)


def _saved(
    session: Session, actor: Actor, action: str, ch: NotifyChannel, before: dict[str, Any] | None
) -> NotifyChannel:
    """Flush a changed channel and audit it with before and after."""
    session.flush()
    audit(session, actor, action, "notify_channel", ch.id, before=before, after=_snapshot(ch))
    return ch


def set_channel_active(
    *, actor: Actor, session: Session, channel: str | int, active: bool
) -> NotifyChannel:
    """Disable (or enable again) a channel, by id or name."""
    require(actor, "campaign.setup")
    ch = _find(session, channel)
    before = _snapshot(ch)
    ch.active = active
    return _saved(session, actor, "enable_channel" if active else "disable_channel", ch, before)


def _find(session: Session, channel: str | int) -> NotifyChannel:
    ch = None
    if str(channel).isdigit():
        ch = session.get(NotifyChannel, int(channel))
    if ch is None:
        ch = session.scalar(select(NotifyChannel).where(NotifyChannel.name == str(channel)))
    if ch is None:
        raise ServiceError("notify.error_channel_unknown", channel=channel)
    return ch


def set_department_leader(
    *, actor: Actor, session: Session, department_code: str, leader: str | None
) -> DepartmentLeader | None:
    """Make ``leader`` (a leader account) the department's 分管领导; None clears it."""
    require(actor, "campaign.setup")
    dept = session.scalar(select(Department).where(Department.code == department_code))
    if dept is None:
        raise ServiceError("error.department_unknown", code=department_code)
    leader_id = _leader_id(session, leader)
    row = session.get(DepartmentLeader, dept.id)
    before = {"user_id": row.user_id} if row is not None else None
    if leader_id is None:
        if row is not None:
            session.delete(row)
        result = None
    else:
        if row is None:
            row = DepartmentLeader(department_id=dept.id, user_id=leader_id)
            session.add(row)
        row.user_id = leader_id
        result = row
    session.flush()
    audit(
        session,
        actor,
        "set_department_leader",
        "department_leader",
        dept.id,
        before=before,
        after={"user_id": leader_id} if leader_id else None,
        department_id=dept.id,
    )
    return result


def set_reminder_rules(
    *, actor: Actor, session: Session, campaign_id: int, rules: Mapping[str, Any]
) -> dict[str, Any]:
    """Change a campaign's reminder rules (kept in its settings, see
    :func:`lib.domain.escalation.reminder_rules`)."""
    require(actor, "campaign.setup")
    campaign = get_or_refuse(session, Campaign, campaign_id, "error.campaign_unknown")
    unknown = set(rules) - set(DEFAULT_RULES)
    if unknown:
        raise ServiceError("notify.error_rule", rule=", ".join(sorted(unknown)))
    settings = dict(campaign.settings or {})
    before = reminder_rules(settings)
    try:
        merged = reminder_rules({"reminders": {**before, **rules}})
    except (TypeError, ValueError):
        raise ServiceError("notify.error_rule", rule=", ".join(sorted(rules))) from None
    if merged["red_after"] < 1 or merged["blue_before"] > 27:
        raise ServiceError("notify.error_rule", rule="red_after/blue_before")
    settings["reminders"] = merged
    campaign.settings = settings
    session.flush()
    audit(
        session,
        actor,
        "set_reminder_rules",
        "campaign",
        campaign.id,
        before=before,
        after=merged,
        campaign_id=campaign.id,
    )
    return merged


def log_delivery(
    *,
    session: Session,
    channel_id: int | None,
    channel_name: str,
    kind: str,
    day: dt.date,
    dedup_key: str,
    status: str,
    campaign_id: int | None = None,
    department_id: int | None = None,
    attempts: int = 1,
    error: str | None = None,
) -> NotifyLog:
    """One row of the delivery log and its audit row (errors are redacted again: no key,
    token or password reaches the log)."""
    row = NotifyLog(
        at=utcnow(),
        channel_id=channel_id,
        channel_name=channel_name,
        kind=kind,
        campaign_id=campaign_id,
        department_id=department_id,
        day=day,
        dedup_key=dedup_key,
        status=status,
        attempts=attempts,
        error=redact(error)[:2000] if error else None,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        Actor.system(),
        "notify_" + status,
        "notify_log",
        row.id,
        after={
            "channel": channel_name,
            "kind": kind,
            "department_id": department_id,
            "status": status,
            "attempts": attempts,
            "error": row.error,
        },
        campaign_id=campaign_id,
        department_id=department_id,
    )
    return row

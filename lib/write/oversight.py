"""The campaign office's oversight of a month: locking it against edits (and unlocking,
with a reason) and scoring a department's work (督查评分)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.models import Campaign, Department, InspectionScore, PeriodLock, utcnow
from lib.write.base import (
    MAX_REASON,
    MAX_TEXT,
    ServiceError,
    audit,
    clean_text,
    committed_id,
    conflict,
    flush_or_conflict,
    fmt_bound,
    get_or_refuse,
    hold_months,
    require,
    require_campaign_period,
    require_unlocked,
)


def set_period_lock(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    period: str,
    locked: bool,
    reason: str | None = None,
) -> PeriodLock:
    """Lock a reviewed month against edits, or unlock it (a reason is required)."""
    require(actor, "period.lock")
    campaign = get_or_refuse(session, Campaign, campaign_id, "error.campaign_unknown")
    require_campaign_period(campaign, period, allow_future=True)
    reason = clean_text(reason, MAX_REASON)
    if not locked and not reason:
        raise ServiceError("error.unlock_needs_reason")
    # waits for the writes into the campaign's months under way; holds off new ones
    hold_months(session, campaign_id, exclusive=True)
    row = session.scalar(
        select(PeriodLock)
        .where(PeriodLock.campaign_id == campaign_id, PeriodLock.period == period)
        .with_for_update()
    )
    if (row is not None and row.locked) == locked:
        raise ServiceError("error.lock_unchanged" if locked else "error.unlock_unchanged")
    before = {"locked": row.locked, "reason": row.reason} if row is not None else None
    if row is None:
        row = PeriodLock(campaign_id=campaign_id, period=period)
        session.add(row)
    row.locked = locked
    row.reason = reason
    row.changed_by_id = actor.user_id
    row.changed_at = utcnow()
    flush_or_conflict(session, "period_lock", lambda: None)
    audit(
        session,
        actor,
        "lock_period" if locked else "unlock_period",
        "period_lock",
        row.id,
        before=before,
        after={"period": period, "locked": locked, "reason": reason},
        campaign_id=campaign_id,
    )
    return row


def save_inspection_score(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    department_id: int,
    period: str,
    score: float,
    comment: str | None = None,
    max_score: float = 100.0,
    expected_version: int | None = None,
) -> InspectionScore:
    """督查评分: the office's score of a department for a month, with a comment."""
    require(actor, "inspection.score")
    campaign = get_or_refuse(session, Campaign, campaign_id, "error.campaign_unknown")
    if session.get(Department, department_id) is None:
        raise ServiceError("error.department_unknown", code=department_id)
    require_campaign_period(campaign, period, allow_future=False)
    require_unlocked(session, campaign_id, period)
    if not isinstance(max_score, int | float) or not math.isfinite(max_score) or max_score <= 0:
        raise ServiceError("error.score_range", max=max_score)
    if not isinstance(score, int | float) or score != score or not 0 <= score <= max_score:
        raise ServiceError("error.score_range", max=fmt_bound(max_score))
    comment = clean_text(comment, MAX_TEXT)
    row = session.scalar(
        select(InspectionScore)
        .where(
            InspectionScore.campaign_id == campaign_id,
            InspectionScore.department_id == department_id,
            InspectionScore.period == period,
        )
        .with_for_update()
    )
    if row is None:
        row = InspectionScore(campaign_id=campaign_id, department_id=department_id, period=period)
        session.add(row)
        before = None
    else:
        if expected_version is None or row.version != expected_version:
            raise conflict(session, "inspection_score", row.id)
        before = {"score": row.score, "max_score": row.max_score, "comment": row.comment}
    row.score = float(score)
    row.max_score = float(max_score)
    row.comment = comment
    row.inspector_id = actor.user_id
    row.created_at = utcnow()

    flush_or_conflict(
        session,
        "inspection_score",
        lambda: committed_id(
            session,
            InspectionScore.id,
            InspectionScore.campaign_id == campaign_id,
            InspectionScore.department_id == department_id,
            InspectionScore.period == period,
        ),
    )
    audit_inspection_score(session, actor, row, before)
    return row


def audit_inspection_score(
    session: Session,
    actor: Actor,
    row: InspectionScore,
    before: dict[str, Any] | None,
    **extra: Any,
) -> None:
    """The audit row of a changed inspection score (by hand or by an upheld appeal:
    ``extra`` names it)."""
    audit(
        session,
        actor,
        "score_inspection",
        "inspection_score",
        row.id,
        before=before,
        after={
            "period": row.period,
            "score": row.score,
            "max_score": row.max_score,
            "comment": row.comment,
            **extra,
        },
        campaign_id=row.campaign_id,
        department_id=row.department_id,
    )

"""申诉 Appeals (issue 21): a department contests an inspection score (督查评分, its
deduction from the maximum) or a month's complaint count (the deduction per complaint of
the composite score) within the campaign's appeal window (setting ``appeal_days``,
counted from when the figure was entered), with a reason and evidence; the campaign
office upholds it — the figure is corrected through the same audited change as a score
or a value entered by hand, so the composite score, the ranking and the 红黑榜 follow —
or rejects it with a reason. Every step is audited with before and after."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.domain.scoring import campaign_settings
from lib.models import (
    Appeal,
    Campaign,
    Department,
    Indicator,
    IndicatorValue,
    InspectionScore,
    utcnow,
)
from lib.write.base import (
    MAX_REASON,
    MAX_TEXT,
    ServiceError,
    audit,
    clean_text,
    conflict,
    get_or_refuse,
    require,
    require_department,
)
from lib.write.indicators import audit_indicator_value
from lib.write.oversight import audit_inspection_score

KINDS = ("inspection", "complaints")
STATUSES = ("open", "upheld", "rejected")


def _figure(
    session: Session, campaign_id: int, department_id: int, kind: str, period: str
) -> tuple[InspectionScore | IndicatorValue, float, float, dt.datetime]:
    """The figure an appeal is about: (row, value, upper bound, entered at)."""
    if kind == "inspection":
        score = session.scalar(
            select(InspectionScore).where(
                InspectionScore.campaign_id == campaign_id,
                InspectionScore.department_id == department_id,
                InspectionScore.period == period,
            )
        )
        if score is None:
            raise ServiceError("appeal.error_no_figure")
        return score, float(score.score), float(score.max_score), score.created_at
    value = session.scalar(
        select(IndicatorValue)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(
            Indicator.campaign_id == campaign_id,
            Indicator.code == "COMPLAINTS",
            IndicatorValue.department_id == department_id,
            IndicatorValue.period == period,
        )
    )
    if value is None:
        raise ServiceError("appeal.error_no_figure")
    return value, float(value.value), float(value.value), value.entered_at


def appeal_deadline(entered_at: dt.datetime, days: int) -> dt.datetime:
    """The last moment (UTC) an appeal against a figure entered at ``entered_at`` is
    taken: ``days`` days after it."""
    return entered_at + dt.timedelta(days=days)


def file_appeal(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    department_id: int,
    kind: str,
    period: str,
    reason: str,
    requested: float | None = None,
    evidence: str | None = None,
    now: dt.datetime | None = None,
) -> Appeal:
    """A department's appeal against its inspection score or its complaint count of a
    month. ``requested``: the figure the department asks for (a higher score, fewer
    complaints). Refused after the appeal window, without a reason, or while another
    appeal of the same figure is open."""
    require(actor, "appeal.file")
    require_department(actor, department_id)
    campaign = get_or_refuse(session, Campaign, campaign_id, "error.campaign_unknown")
    if session.get(Department, department_id) is None:
        raise ServiceError("error.department_unknown", code=department_id)
    if kind not in KINDS:
        raise ServiceError("appeal.error_kind")
    reason_text = clean_text(reason, MAX_REASON)
    if not reason_text:
        raise ServiceError("appeal.error_reason")
    _row, original, upper, entered_at = _figure(session, campaign_id, department_id, kind, period)
    days = int(campaign_settings(campaign.settings)["appeal_days"])
    moment = now or utcnow()
    if moment > appeal_deadline(entered_at, days):
        raise ServiceError("appeal.error_too_late", days=days)
    if requested is not None:
        _check_requested(kind, requested, original, upper)
    taken = session.scalar(
        select(Appeal.id).where(
            Appeal.campaign_id == campaign_id,
            Appeal.department_id == department_id,
            Appeal.kind == kind,
            Appeal.period == period,
            Appeal.status == "open",
        )
    )
    if taken is not None:
        raise ServiceError("appeal.error_open")
    appeal = Appeal(
        campaign_id=campaign_id,
        department_id=department_id,
        kind=kind,
        period=period,
        original=original,
        requested=None if requested is None else float(requested),
        reason=reason_text,
        evidence=clean_text(evidence, MAX_TEXT),
        status="open",
        filed_by_id=actor.user_id,
        filed_at=moment,
    )
    session.add(appeal)
    session.flush()
    audit(
        session,
        actor,
        "file_appeal",
        "appeal",
        appeal.id,
        after=_snapshot(appeal),
        campaign_id=campaign_id,
        department_id=department_id,
    )
    return appeal


def _check_requested(kind: str, requested: float, original: float, upper: float) -> None:
    if not isinstance(requested, int | float) or not math.isfinite(requested):
        raise ServiceError("appeal.error_requested")
    if kind == "inspection" and not original < requested <= upper:
        raise ServiceError("appeal.error_requested")
    if kind == "complaints" and (not 0 <= requested < original or requested != int(requested)):
        raise ServiceError("appeal.error_requested")


def decide_appeal(
    *,
    actor: Actor,
    session: Session,
    appeal_id: int,
    uphold: bool,
    reason: str | None = None,
    decided: float | None = None,
    expected_version: int | None = None,
) -> Appeal:
    """The office's decision. Upheld: the figure becomes ``decided`` (by default what
    the department asked for) through an audited change of the inspection score or the
    complaint count, so the scores follow. Rejected: a reason is required."""
    require(actor, "appeal.decide")
    appeal = session.scalar(select(Appeal).where(Appeal.id == appeal_id).with_for_update())
    if appeal is None:
        raise ServiceError("appeal.error_unknown")
    if expected_version is not None and appeal.version != expected_version:
        raise conflict(session, "appeal", appeal.id)
    if appeal.status != "open":
        raise ServiceError("appeal.error_decided")
    reason_text = clean_text(reason, MAX_REASON)
    if not uphold and not reason_text:
        raise ServiceError("appeal.error_reject_reason")
    before = _snapshot(appeal)
    if uphold:
        row, original, upper, _ = _figure(
            session, appeal.campaign_id, appeal.department_id, appeal.kind, appeal.period
        )
        value = decided if decided is not None else appeal.requested
        if value is None:
            raise ServiceError("appeal.error_requested")
        _check_requested(appeal.kind, float(value), original, upper)
        _apply(session, actor, appeal, row, float(value))
        appeal.decided = float(value)
        appeal.status = "upheld"
    else:
        appeal.status = "rejected"
    appeal.decision_reason = reason_text
    appeal.decided_by_id = actor.user_id
    appeal.decided_at = utcnow()
    session.flush()
    audit(
        session,
        actor,
        "uphold_appeal" if uphold else "reject_appeal",
        "appeal",
        appeal.id,
        before=before,
        after=_snapshot(appeal),
        campaign_id=appeal.campaign_id,
        department_id=appeal.department_id,
    )
    return appeal


def _apply(
    session: Session,
    actor: Actor,
    appeal: Appeal,
    row: InspectionScore | IndicatorValue,
    value: float,
) -> None:
    """Correct the appealed figure, audited as the change of a score or of a value (the
    department × month summary refreshes that department from that month on)."""
    note = f"appeal {appeal.id}"
    if isinstance(row, InspectionScore):
        before = {"score": row.score, "max_score": row.max_score, "comment": row.comment}
        row.score = value
        row.inspector_id = actor.user_id
        session.flush()
        audit_inspection_score(session, actor, row, before, appeal=note)
        return
    before_value = {"value": row.value, "sample_size": row.sample_size}
    row.value = value
    row.entered_by_id = actor.user_id
    session.flush()
    after = {"period": row.period, "value": row.value, "appeal": note}
    audit_indicator_value(session, actor, row, before_value, after, appeal.campaign_id)


def _snapshot(appeal: Appeal) -> dict[str, object]:
    return {
        "kind": appeal.kind,
        "period": appeal.period,
        "original": appeal.original,
        "requested": appeal.requested,
        "reason": appeal.reason,
        "evidence": appeal.evidence,
        "status": appeal.status,
        "decided": appeal.decided,
        "decision_reason": appeal.decision_reason,
    }

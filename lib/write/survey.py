"""Item-level survey answers (issue 21): the answers of a survey platform's export,
checked and mapped by :mod:`lib.io.survey_import`, written here all or nothing.

Answers are appended, never changed; the same file (by its digest) is not imported
twice; a month that is locked, outside the campaign or still to come takes none. One
audit row per department and month the file adds answers to, with the count of answers
before and after. A wrong file is withdrawn as a whole (:func:`withdraw_survey_import`):
its answers stay and count nowhere."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.models import Campaign, Department, SurveyAnswer, SurveyImport, User, utcnow
from lib.write.base import (
    MAX_REASON,
    LockCache,
    Refusal,
    ServiceError,
    audit,
    campaign_period_error,
    clean_text,
    local_time,
    refuse_all,
    require,
)

MAX_ITEM = 200
MAX_ANSWER = 40


@dataclass(frozen=True)
class AnswerRow:
    """One answer to write: ``ref`` is the respondent's row in the file."""

    ref: int
    department_id: int
    period: str
    item: str
    answer: str
    score: int
    points: int
    top: bool


def import_survey_answers(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    source: str,
    rows: list[AnswerRow],
    file_name: str | None = None,
) -> int:
    """Append the answers of one file (``source``: its SHA-256) to the campaign; the
    number of answers written. Refused as a whole (:class:`BulkRefused`, every row
    named) when a row's month is locked, outside the campaign or to come, its
    department unknown, or its answer off its scale."""
    require(actor, "data.import")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ServiceError("setup.error_campaign_unknown")
    if not rows:
        raise ServiceError("stats.survey_error_empty")
    source = (source or "").strip()[:64]
    if not source:
        raise ServiceError("stats.survey_error_file")
    earlier = session.get(SurveyImport, source)
    if earlier is not None:
        if earlier.withdrawn_at is not None:
            raise ServiceError(
                "stats.survey_error_again_withdrawn",
                who=_name(session, earlier.withdrawn_by_id),
                when=local_time(earlier.withdrawn_at),
            )
        raise ServiceError(
            "stats.survey_error_again",
            who=_name(session, earlier.imported_by_id),
            when=local_time(earlier.imported_at),
        )
    refuse_all(_refusals(session, campaign, rows))
    by_month: dict[tuple[int, str], list[AnswerRow]] = {}
    for r in rows:
        by_month.setdefault((r.department_id, r.period), []).append(r)
    before = _counts(session, campaign_id)  # the answers that count
    session.add(
        SurveyImport(
            source=source,
            campaign_id=campaign_id,
            file_name=(file_name or "")[:200] or None,
            imported_by_id=actor.user_id,
        )
    )
    session.add_all(
        SurveyAnswer(
            campaign_id=campaign_id,
            department_id=r.department_id,
            period=r.period,
            item=r.item.strip(),
            answer=r.answer,
            score=r.score,
            points=r.points,
            top=r.top,
            respondent=r.ref,
            source=source,
            imported_by_id=actor.user_id,
        )
        for r in rows
    )
    session.flush()
    for (department_id, period), mine in sorted(by_month.items()):
        added = len(mine)
        had = before.get((department_id, period), 0)
        _audit_month(
            session,
            actor,
            "import_survey",
            (campaign_id, department_id, period),
            (had, had + added),
            added=added,
            respondents=len({r.ref for r in mine}),
            items=sorted({r.item for r in mine}),
            file=(file_name or "")[:200],
            source=source,
        )
    return len(rows)


def _refusals(session: Session, campaign: Campaign, rows: list[AnswerRow]) -> list[Refusal]:
    """Every row that cannot be written: its department unknown, its month locked,
    outside the campaign or to come, its answer off its scale, its item empty or long."""
    known = set(
        session.scalars(
            select(Department.id).where(Department.id.in_({r.department_id for r in rows}))
        )
    )
    locks = LockCache(session)
    refusals: list[Refusal] = []
    for r in rows:
        error = None
        if r.department_id not in known:
            error = ServiceError("error.department_unknown", code=r.department_id)
        elif (
            error := campaign_period_error(campaign, r.period, allow_future=False)
        ) is not None or (error := locks.error(campaign.id, r.period)) is not None:
            pass
        elif not (1 <= r.score <= r.points) or not r.answer or len(r.answer) > MAX_ANSWER:
            error = ServiceError("stats.survey_error_score", answer=r.answer)
        elif not r.item.strip() or len(r.item) > MAX_ITEM:
            error = ServiceError("stats.survey_error_item")
        if error is not None:
            refusals.append(Refusal(r.ref, "period", error))
    return refusals


def _audit_month(
    session: Session,
    actor: Actor,
    action: str,
    where: tuple[int, int, str],
    answers: tuple[int, int],
    **detail: Any,
) -> None:
    """The audit row of one department and month (``where``: campaign, department,
    month): the answers that count before and after (``answers``), and ``detail``."""
    campaign_id, department_id, period = where
    audit(
        session,
        actor,
        action,
        "survey_answers",
        None,
        before={"period": period, "answers": answers[0]},
        after={"period": period, "answers": answers[1], **detail},
        campaign_id=campaign_id,
        department_id=department_id,
    )


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return (user.display_name or user.username) if user is not None else "?"


def _counts(session: Session, campaign_id: int, source: str | None = None) -> Counter[Any]:
    """Answers per (department, month) of the campaign that count (not withdrawn), or
    those of one file."""
    withdrawn = select(SurveyImport.source).where(SurveyImport.withdrawn_at.is_not(None))
    stmt = select(SurveyAnswer.department_id, SurveyAnswer.period, func.count()).where(
        SurveyAnswer.campaign_id == campaign_id
    )
    stmt = (
        stmt.where(SurveyAnswer.source == source)
        if source is not None
        else stmt.where(SurveyAnswer.source.not_in(withdrawn))
    )
    rows = session.execute(stmt.group_by(SurveyAnswer.department_id, SurveyAnswer.period))
    return Counter({(int(d), str(p)): int(n) for d, p, n in rows})


def withdraw_survey_import(
    *, actor: Actor, session: Session, campaign_id: int, source: str, reason: str
) -> int:
    """Withdraw an imported file (a wrong file, a wrong month): its answers stay, appended
    only, and count nowhere from now on; the number of answers withdrawn. A reason is
    required; refused when a month the file has answers for is locked, or when the file
    was withdrawn already. One audit row per department and month, with the answers that
    count before and after."""
    require(actor, "data.import")
    record = session.scalar(
        select(SurveyImport)
        .where(SurveyImport.source == (source or "")[:64], SurveyImport.campaign_id == campaign_id)
        .with_for_update()
    )
    if record is None:
        raise ServiceError("stats.survey_error_unknown_import")
    if record.withdrawn_at is not None:
        raise ServiceError(
            "stats.survey_error_withdrawn",
            who=_name(session, record.withdrawn_by_id),
            when=local_time(record.withdrawn_at),
        )
    text = clean_text(reason, MAX_REASON)
    if not text:
        raise ServiceError("stats.survey_error_reason")
    mine = _counts(session, campaign_id, record.source)
    locks = LockCache(session)
    for period in sorted({p for _d, p in mine}):
        if (error := locks.error(campaign_id, period)) is not None:
            raise error
    before = _counts(session, campaign_id)
    record.withdrawn_at = utcnow()
    record.withdrawn_by_id = actor.user_id
    record.withdraw_reason = text
    session.flush()
    for (department_id, period), removed in sorted(mine.items()):
        had = before.get((department_id, period), 0)
        _audit_month(
            session,
            actor,
            "withdraw_survey",
            (campaign_id, department_id, period),
            (had, had - removed),
            withdrawn=removed,
            file=record.file_name or "",
            source=record.source,
            reason=text,
        )
    return sum(mine.values())

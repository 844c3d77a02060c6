"""Item-level survey answers (issue 21): the answers of a survey platform's export,
checked and mapped by :mod:`lib.io.survey_import`, written here all or nothing.

Answers are appended, never changed; the same file (by its digest) is not imported
twice; a month that is locked, outside the campaign or still to come takes none. One
audit row per department and month the file adds answers to, with the count of answers
before and after."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.models import Campaign, Department, SurveyAnswer, User
from lib.write.base import (
    LockCache,
    Refusal,
    ServiceError,
    audit,
    campaign_period_error,
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
    earlier = session.execute(
        select(SurveyAnswer.created_at, User.username, User.display_name)
        .outerjoin(User, User.id == SurveyAnswer.imported_by_id)
        .where(SurveyAnswer.source == source)
        .limit(1)
    ).first()
    if earlier is not None:
        at, username, display = earlier
        raise ServiceError(
            "stats.survey_error_again", who=display or username or "?", when=local_time(at)
        )
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
        ) is not None or (error := locks.error(campaign_id, r.period)) is not None:
            pass
        elif not (1 <= r.score <= r.points) or not r.answer or len(r.answer) > MAX_ANSWER:
            error = ServiceError("stats.survey_error_score", answer=r.answer)
        elif not r.item.strip() or len(r.item) > MAX_ITEM:
            error = ServiceError("stats.survey_error_item")
        if error is not None:
            refusals.append(Refusal(r.ref, "period", error))
    refuse_all(refusals)
    touched = Counter((r.department_id, r.period) for r in rows)
    before = {
        (d, p): int(n)
        for d, p, n in session.execute(
            select(SurveyAnswer.department_id, SurveyAnswer.period, func.count())
            .where(
                SurveyAnswer.campaign_id == campaign_id,
                SurveyAnswer.department_id.in_({d for d, _p in touched}),
                SurveyAnswer.period.in_({p for _d, p in touched}),
            )
            .group_by(SurveyAnswer.department_id, SurveyAnswer.period)
        )
    }
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
    for (department_id, period), added in sorted(touched.items()):
        mine = [r for r in rows if (r.department_id, r.period) == (department_id, period)]
        had = before.get((department_id, period), 0)
        audit(
            session,
            actor,
            "import_survey",
            "survey_answers",
            None,
            before={"period": period, "answers": had},
            after={
                "period": period,
                "answers": had + added,
                "added": added,
                "respondents": len({r.ref for r in mine}),
                "items": sorted({r.item for r in mine}),
                "file": (file_name or "")[:200],
                "source": source,
            },
            campaign_id=campaign_id,
            department_id=department_id,
        )
    return len(rows)

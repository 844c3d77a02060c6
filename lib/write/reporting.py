"""Monthly reports (issue 5): a department's reports for a month, and the office's
review of them.

Liaisons write their own department's reports; the office reviews them. Every function
validates everything before it writes anything, checks the version the page read
(optimistic locking; a stale save names who changed the row and when), writes
before/after audit rows and leaves commit/rollback to the caller's single transaction.

The Excel import writes reports through :func:`import_reports`, by the same rules (a
month of the campaign, the month lock, an approved report is final, the same field
checks), every refused row reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lib.domain.clock import local_today
from lib.domain.escalation import needs_reason
from lib.domain.periods import is_period, period_end
from lib.domain.permissions import Actor
from lib.domain.scoring import Thresholds, expected_progress, work_status
from lib.i18n import t
from lib.models import (
    REPORT_STATUSES,
    REVIEW_STATES,
    Assignment,
    Campaign,
    MonthlyUpdate,
    Task,
    utcnow,
)
from lib.write.base import (
    MAX_REASON,
    MAX_TEXT,
    ConflictError,
    LockCache,
    Outcome,
    PermissionDenied,
    Refusal,
    ServiceError,
    Upsert,
    audit,
    campaign_period_error,
    chunks,
    clean_text,
    committed_id,
    conflict,
    flush_or_conflict,
    refuse_all,
    require,
    require_campaign_period,
    require_department,
    require_unlocked,
    write_upserts,
)
from lib.write.problems import mark_problems_rectifying

TEXT_FIELDS = ("work_done", "problems", "next_steps")
REPORT_FIELDS = ("percent_done", "status", *TEXT_FIELDS)


class ReportClash(ConflictError):
    """The same field of a report was changed by someone else since the page showed it,
    differently: the caller must ask (theirs or mine). ``clashes`` maps each such field
    to (theirs, mine)."""

    def __init__(self, task: str, who: str, clashes: dict[str, tuple[Any, Any]]) -> None:
        super().__init__("error.report_clash", task=task, who=who)
        self.task = task
        self.clashes = clashes

    def message(self, lang: str | None = None) -> str:
        sep = "、" if (lang or "zh") == "zh" else ", "
        names = sep.join(t(f"report.{f}", lang) for f in self.clashes)
        return t(self.key, lang, task=self.task, who=self.params["who"], fields=names)


def _norm(field: str, value: Any) -> Any:
    if field in TEXT_FIELDS:
        return clean_text(value) if isinstance(value, str) else None
    return value


def report_values(item: Any) -> dict[str, Any]:
    """A report's fields (a stored report, an input or a dict), normalised for comparing."""
    get = item.get if isinstance(item, dict) else lambda f: getattr(item, f, None)
    return {f: _norm(f, get(f)) for f in REPORT_FIELDS}


def merge_report(
    shown: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
    """Three-way merge of one report: what the page showed, what the user has now, what
    is stored now. A field only one side changed takes that side's value; a field both
    changed to different values is a clash (theirs, mine) and keeps mine."""
    shown, mine, theirs = report_values(shown), report_values(mine), report_values(theirs)
    merged: dict[str, Any] = {}
    clashes: dict[str, tuple[Any, Any]] = {}
    for f in REPORT_FIELDS:
        i_changed = mine[f] != shown[f]
        they_changed = theirs[f] != shown[f]
        if i_changed and they_changed and mine[f] != theirs[f]:
            clashes[f] = (theirs[f], mine[f])
            merged[f] = mine[f]
        elif i_changed:
            merged[f] = mine[f]
        else:
            merged[f] = theirs[f]
    return merged, clashes


# review states only the office's review may give a report
REVIEWED_STATES = ("approved", "returned")


@dataclass(frozen=True)
class ReportInput:
    """One task's monthly report as the liaison filled it in."""

    assignment_id: int
    percent_done: int
    status: str
    work_done: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    expected_version: int | None = None  # the version the page showed; None = no report yet
    # the values the page showed (field -> value): with them a save against an older
    # version is merged field by field (see :func:`merge_report`); without them it is a
    # conflict
    shown: dict[str, Any] | None = None
    # submitting: the liaison confirmed "本月无变化" for this task (else it must differ
    # from what was shown)
    confirmed: bool = False


@dataclass(frozen=True)
class ReportRow:
    """One report of a bulk import (a row of the 月度填报 sheet), with its review state;
    ``ref`` is the caller's reference for the row (its spreadsheet row number)."""

    ref: int
    assignment_id: int
    period: str
    percent_done: int
    status: str
    work_done: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    review_state: str = "submitted"


class _ReportFields(Protocol):
    @property
    def percent_done(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def work_done(self) -> str | None: ...
    @property
    def problems(self) -> str | None: ...
    @property
    def next_steps(self) -> str | None: ...


def _report_snapshot(u: MonthlyUpdate) -> dict[str, Any]:
    return {
        "assignment_id": u.assignment_id,
        "period": u.period,
        "percent_done": u.percent_done,
        "status": u.status,
        "work_done": u.work_done,
        "problems": u.problems,
        "next_steps": u.next_steps,
        "review_state": u.review_state,
        "reviewer_comment": u.reviewer_comment,
    }


# built once: every report save runs them (building a statement costs a save about
# as much time as running it)
_REPORT_TARGETS = (
    select(Assignment, Task, Campaign)
    .join(Task, Assignment.task_id == Task.id)
    .join(Campaign, Task.campaign_id == Campaign.id)
    .where(Assignment.id.in_(bindparam("ids", expanding=True)))
)
_REPORTS_FOR_UPDATE = (
    select(MonthlyUpdate)
    .where(
        MonthlyUpdate.assignment_id.in_(bindparam("ids", expanding=True)),
        MonthlyUpdate.period == bindparam("period"),
    )
    .order_by(MonthlyUpdate.assignment_id)
    .with_for_update()
)
_ALL_REPORTS_FOR_UPDATE = (
    select(MonthlyUpdate)
    .where(MonthlyUpdate.assignment_id.in_(bindparam("ids", expanding=True)))
    .order_by(MonthlyUpdate.assignment_id, MonthlyUpdate.period)
    .with_for_update()
)


def _report_refusals(item: _ReportFields, label: str) -> Iterator[tuple[str, ServiceError]]:
    """What is wrong with a report's fields, as (field, error), first things first."""
    percent = item.percent_done
    percent_ok = isinstance(percent, int) and not isinstance(percent, bool) and 0 <= percent <= 100
    if not percent_ok:
        yield "percent_done", ServiceError("error.percent_range", task=label)
    if item.status not in REPORT_STATUSES:
        yield "status", ServiceError("error.report_status_invalid", task=label)
    elif item.status == "done" and percent_ok and percent < 100:
        yield "status", ServiceError("error.done_needs_100", task=label)
    for field in TEXT_FIELDS:
        value = getattr(item, field)
        if value and len(value) > MAX_TEXT:
            yield (
                field,
                ServiceError(
                    "error.text_too_long", task=label, field=t(f"report.{field}"), max=MAX_TEXT
                ),
            )


def writable_error(assignment: Assignment, task: Task, campaign: Campaign) -> ServiceError | None:
    """Why no report (or evidence) may be written on this assignment any more: its
    campaign is archived, or the task or the department's part in it is inactive."""
    if campaign.archived:
        return ServiceError("error.campaign_archived", name=campaign.name)
    if not (assignment.active and task.active):
        return ServiceError("error.assignment_inactive", task=task.code)
    return None


def _report_targets(
    session: Session, ids: list[int]
) -> dict[int, tuple[Assignment, Task, Campaign]]:
    return {
        a.id: (a, task, campaign)
        for chunk in chunks(ids)
        for a, task, campaign in session.execute(_REPORT_TARGETS, {"ids": chunk}).all()
    }


def _first_committed_report(session: Session, keys: list[tuple[int, str]]) -> int | None:
    for assignment_id, period in keys:
        found = committed_id(
            session,
            MonthlyUpdate.id,
            MonthlyUpdate.assignment_id == assignment_id,
            MonthlyUpdate.period == period,
        )
        if found is not None:
            return found
    return None


def _check_reports(
    session: Session,
    actor: Actor,
    period: str,
    items: list[ReportInput],
    rows: dict[int, tuple[Assignment, Task, Campaign]],
    require_reasons: bool = False,
) -> None:
    """Refuse the first report the actor may not save for the month."""
    checked_campaigns: set[int] = set()
    for item in items:
        if item.assignment_id not in rows:
            raise ServiceError("error.assignment_unknown", id=item.assignment_id)
        assignment, task, campaign = rows[item.assignment_id]
        require_department(actor, assignment.department_id)
        if error := writable_error(assignment, task, campaign):
            raise error
        if campaign.id not in checked_campaigns:
            require_campaign_period(campaign, period, allow_future=False)
            require_unlocked(session, campaign.id, period)
            checked_campaigns.add(campaign.id)
        for _field, error in _report_refusals(item, task.code):
            raise error
        if require_reasons and _reason_missing(item, task, campaign, period):
            raise ServiceError("notify.reason_required", task=task.code)


def _reason_missing(item: ReportInput, task: Task, campaign: Campaign, period: str) -> bool:
    """ "Red needs a reason" (issue 22): a task reported behind or at risk, or past its
    deadline and not done, is submitted only with 存在问题 and 下步计划 filled in. It is
    judged on the month's last day, or today while the month runs."""
    if clean_text(item.problems) and clean_text(item.next_steps):
        return False
    at = min(local_today(), period_end(period))
    start = task.start_date or campaign.start_date
    due = task.due_date or campaign.end_date
    expected = expected_progress(start, due, at)
    status = work_status(
        item.percent_done,
        expected,
        task.due_date,
        at,
        thresholds=Thresholds.from_settings(campaign.settings or {}),
    )
    return needs_reason(item.status, item.percent_done, task.due_date, status, at)


def _last_editor(session: Session, update_id: int) -> str:
    """Who last changed a report (for telling the user whose change met theirs)."""
    found = conflict(session, "monthly_update", update_id)
    return str(found.params.get("who", "?"))


def save_reports(
    *,
    actor: Actor,
    session: Session,
    period: str,
    items: list[ReportInput],
    submit: bool = False,
    require_reasons: bool = False,
) -> list[MonthlyUpdate]:
    """Save (draft) or submit a department's reports for one month, all or nothing.

    Saving a draft makes the report a draft, also one that was submitted (it must then
    be submitted again). Submitting marks the report as reviewed this month: an input
    must differ from what the page showed, be a draft saved this month, or be
    ``confirmed`` (本月无变化); each
    submission records its own time, so lateness follows the latest one. An approved
    report, or any report of a locked month, is refused.

    An input saved against an older version than the stored one is merged field by field
    with what changed since (``shown`` = the values the page displayed); a field both
    sides changed differently raises :class:`ReportClash`. Without ``shown`` a stale
    version is a plain conflict.

    With ``require_reasons`` (the monthly report page) a submitted task that is behind,
    at risk or past its deadline needs 存在问题 and 下步计划 ("red needs a reason").
    """
    require(actor, "report.write")
    if not is_period(period):
        raise ServiceError("error.period_invalid", period=period)
    if not items:
        raise ServiceError("error.nothing_to_save")
    ids = sorted({i.assignment_id for i in items})
    if len(ids) != len(items):
        raise ServiceError("error.duplicate_items")
    rows = _report_targets(session, ids)
    _check_reports(session, actor, period, items, rows, submit and require_reasons)
    existing = {
        u.assignment_id: u
        for u in session.scalars(_REPORTS_FOR_UPDATE, {"ids": ids, "period": period})
    }
    now = utcnow()
    changes: list[tuple[MonthlyUpdate, dict[str, Any] | None, Task, int]] = []
    for item in sorted(items, key=lambda i: i.assignment_id):
        _assignment, task, campaign = rows[item.assignment_id]
        update = existing.get(item.assignment_id)
        values = _values_to_save(session, item, update, task.code, submit)
        if update is None:
            update = MonthlyUpdate(assignment_id=item.assignment_id, period=period)
            session.add(update)
            before = None
        else:
            before = _report_snapshot(update)
        for _field, error in _report_refusals(_Values(values), task.code):
            raise error
        _store_report(update, values, actor, now, submit)
        changes.append((update, before, task, campaign.id))
    inserted = [u.assignment_id for u, before, _t, _c in changes if before is None]
    candidates = inserted or [u.assignment_id for u, _b, _t, _c in changes]
    flush_or_conflict(
        session,
        "monthly_update",
        lambda: _first_committed_report(session, [(a, period) for a in candidates]),
    )
    for update, before, _task, campaign_id in changes:
        audit(
            session,
            actor,
            "submit_report" if submit else "save_report",
            "monthly_update",
            update.id,
            before=before,
            after=_report_snapshot(update),
            campaign_id=campaign_id,
            department_id=rows[update.assignment_id][0].department_id,
        )
    if submit:
        mark_problems_rectifying(session, actor, [task.id for _, _, task, _ in changes])
    return [c[0] for c in changes]


def _values_to_save(
    session: Session,
    item: ReportInput,
    update: MonthlyUpdate | None,
    task_code: str,
    submit: bool,
) -> dict[str, Any]:
    """The values an input stores: refused when a submission reviews nothing or the
    report is approved; merged field by field with a newer stored version (a field both
    sides changed differently raises :class:`ReportClash`)."""
    values = report_values(item)
    if (
        submit
        and not item.confirmed
        and item.shown is not None
        and values == report_values(item.shown)
        and (update is None or update.review_state != "draft")
    ):
        raise ServiceError("error.report_not_reviewed", task=task_code)
    if update is not None and update.review_state == "approved":
        raise ServiceError("error.report_approved", task=task_code)
    stale = (update is None) != (item.expected_version is None) or (
        update is not None and update.version != item.expected_version
    )
    if stale:
        if item.shown is None:
            raise conflict(session, "monthly_update", update.id if update else None)
        theirs = report_values(update) if update is not None else report_values(item.shown)
        values, clashes = merge_report(item.shown, values, theirs)
        if clashes:
            who = _last_editor(session, update.id) if update is not None else "?"
            raise ReportClash(task_code, who, clashes)
    return values


def _store_report(
    update: MonthlyUpdate, values: dict[str, Any], actor: Actor, now: dt.datetime, submit: bool
) -> None:
    """Write checked values into a report, as a draft or as this month's submission."""
    update.percent_done = values["percent_done"]
    update.status = values["status"]
    update.work_done = values["work_done"]
    update.problems = values["problems"]
    update.next_steps = values["next_steps"]
    update.updated_by_id = actor.user_id
    update.updated_at = now
    if submit:
        # every submission is this month's review of the task: its time counts
        update.submitted_at = now
        update.submitted_by_id = actor.user_id
        update.review_state = "submitted"
    else:
        update.review_state = "draft"


@dataclass(frozen=True)
class _Values:
    """Merged report values, in the shape :func:`_report_refusals` checks."""

    data: dict[str, Any]

    @property
    def percent_done(self) -> int:
        return self.data["percent_done"]  # type: ignore[no-any-return]

    @property
    def status(self) -> str:
        return str(self.data["status"])

    @property
    def work_done(self) -> str | None:
        return self.data["work_done"]  # type: ignore[no-any-return]

    @property
    def problems(self) -> str | None:
        return self.data["problems"]  # type: ignore[no-any-return]

    @property
    def next_steps(self) -> str | None:
        return self.data["next_steps"]  # type: ignore[no-any-return]


def _report_values(row: ReportRow) -> dict[str, Any]:
    return {
        "percent_done": row.percent_done,
        "status": row.status,
        "work_done": clean_text(row.work_done),
        "problems": clean_text(row.problems),
        "next_steps": clean_text(row.next_steps),
        "review_state": row.review_state,
    }


def _import_report_refusals(
    actor: Actor,
    row: ReportRow,
    target: tuple[Assignment, Task, Campaign] | None,
    upsert: Upsert,
    locks: LockCache,
) -> Iterator[tuple[str, ServiceError]]:
    """Why an imported report may not be written: its fields and month as for
    :func:`save_reports`; then, if it changes anything, the lock, an approved report
    and the right to give a review state."""
    if target is None:
        yield "assignment_id", ServiceError("error.assignment_unknown", id=row.assignment_id)
        return
    assignment, task, campaign = target
    found = list(_report_refusals(row, task.code))
    if row.review_state not in REVIEW_STATES:
        found.append(("review_state", ServiceError("error.review_state_invalid", task=task.code)))
    if error := campaign_period_error(campaign, row.period, allow_future=False):
        found.append(("period", error))
    if found:
        yield from found
        return
    changed = upsert.changed_fields()
    if not changed:
        return
    if error := writable_error(assignment, task, campaign):
        yield "assignment_id", error
        return
    state = upsert.stored.review_state if upsert.stored is not None else None
    try:
        require_department(actor, assignment.department_id)
        if row.review_state in REVIEWED_STATES and row.review_state != state:
            require(actor, "report.review")
    except PermissionDenied as denied:
        yield "assignment_id", denied
    if error := locks.error(campaign.id, row.period):
        yield "period", error
    elif state == "approved":
        yield changed[0], ServiceError("error.report_approved", task=task.code)


def import_reports(*, actor: Actor, session: Session, rows: list[ReportRow]) -> list[Outcome]:
    """Create or change many reports at once (the Excel import), all or nothing, by the
    rules of :func:`save_reports`; the review state comes from the row. Rows equal to
    the stored report change nothing (not even in a locked month). Every refused row is
    in the :class:`~lib.write.base.BulkRefused` raised; a concurrent change is a
    conflict. One audit row per created or changed report. Returns each row's outcome."""
    require(actor, "data.import")
    require(actor, "report.write")
    keys = [(r.assignment_id, r.period) for r in rows]
    if len(set(keys)) != len(keys):
        raise ServiceError("error.duplicate_items")
    ids = sorted({r.assignment_id for r in rows})
    targets = _report_targets(session, ids)
    existing = {
        (u.assignment_id, u.period): u
        for chunk in chunks(ids)
        for u in session.scalars(_ALL_REPORTS_FOR_UPDATE, {"ids": chunk})
    }
    upserts = [
        Upsert(
            row.ref,
            existing.get(key),
            partial(MonthlyUpdate, assignment_id=row.assignment_id, period=row.period),
            _report_values(row),
        )
        for row, key in zip(rows, keys, strict=True)
    ]
    locks = LockCache(session)
    refuse_all(
        [
            Refusal(row.ref, field, error)
            for row, upsert in zip(rows, upserts, strict=True)
            for field, error in _import_report_refusals(
                actor, row, targets.get(row.assignment_id), upsert, locks
            )
        ]
    )
    new_keys = [key for key, u in zip(keys, upserts, strict=True) if u.stored is None] or keys
    return write_upserts(
        session,
        actor,
        "monthly_update",
        upserts,
        _report_snapshot,
        scope=lambda u: (
            targets[u.assignment_id][2].id,
            targets[u.assignment_id][0].department_id,
        ),
        stamp={"updated_by_id": actor.user_id, "updated_at": utcnow()},
        find_id=lambda: _first_committed_report(session, new_keys),
    )


def review_reports(
    *,
    actor: Actor,
    session: Session,
    decisions: list[tuple[int, int]],
    approve: bool,
    reason: str | None = None,
    comments: dict[int, str] | None = None,
) -> int:
    """Approve, or return with a reason, submitted reports given as (id, version seen).

    A return may add a comment per report (report id -> text) after the common reason.
    All or nothing: one stale or no-longer-submitted report refuses the whole batch.
    """
    require(actor, "report.review")
    if not decisions:
        raise ServiceError("error.nothing_selected")
    reason = clean_text(reason, MAX_REASON)
    if not approve and not reason:
        raise ServiceError("error.return_needs_reason")
    seen = dict(decisions)
    updates = session.scalars(
        select(MonthlyUpdate)
        .where(MonthlyUpdate.id.in_(sorted(seen)))
        .order_by(MonthlyUpdate.id)
        .with_for_update()
    ).all()
    if len(updates) != len(seen):
        raise ServiceError("error.report_unknown")
    info = {
        a.id: (a.department_id, task.campaign_id, task.code)
        for a, task in session.execute(
            select(Assignment, Task)
            .join(Task, Assignment.task_id == Task.id)
            .where(Assignment.id.in_([u.assignment_id for u in updates]))
        ).all()
    }
    for update in updates:
        if update.version != seen[update.id]:
            raise conflict(session, "monthly_update", update.id)
        _dept, campaign_id, code = info[update.assignment_id]
        if update.review_state != "submitted":
            raise ServiceError("error.report_not_submitted", task=code)
        require_unlocked(session, campaign_id, update.period)
    now = utcnow()
    befores = {u.id: _report_snapshot(u) for u in updates}
    notes = {i: clean_text(c, MAX_REASON) for i, c in (comments or {}).items()}
    for update in updates:
        update.review_state = "approved" if approve else "returned"
        note = None if approve else notes.get(update.id)
        update.reviewer_comment = clean_text(f"{reason}\n{note}", MAX_REASON) if note else reason
        update.reviewed_by_id = actor.user_id
        update.reviewed_at = now
    ids = [u.id for u in updates]
    flush_or_conflict(session, "monthly_update", lambda: ids[0])
    for update in updates:
        dept, campaign_id, _code = info[update.assignment_id]
        audit(
            session,
            actor,
            "approve_report" if approve else "return_report",
            "monthly_update",
            update.id,
            before=befores[update.id],
            after=_report_snapshot(update),
            campaign_id=campaign_id,
            department_id=dept,
        )
    return len(updates)

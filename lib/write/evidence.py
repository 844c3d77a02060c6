"""Evidence files (佐证材料) of a report: added and removed while the report is still
editable (its month not locked, not approved); the file checks are in
``lib.io.attachments``."""

from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from lib.config import settings
from lib.domain.permissions import Actor
from lib.io import attachments as attachment_files
from lib.models import Assignment, Attachment, Campaign, MonthlyUpdate, Task
from lib.write.base import (
    ServiceError,
    audit,
    get_or_refuse,
    require,
    require_department,
    require_unlocked,
)
from lib.write.reporting import writable_error


def _editable(session: Session, actor: Actor, update: MonthlyUpdate) -> tuple[Assignment, Task]:
    """The report's assignment and task, if the actor may still change its evidence."""
    assignment = session.get(Assignment, update.assignment_id)
    assert assignment is not None
    require_department(actor, assignment.department_id)
    task = session.get(Task, assignment.task_id)
    assert task is not None
    campaign = session.get(Campaign, task.campaign_id)
    assert campaign is not None
    if error := writable_error(assignment, task, campaign):
        raise error
    require_unlocked(session, task.campaign_id, update.period)
    if update.review_state == "approved":
        raise ServiceError("error.report_approved", task=task.code)
    return assignment, task


def add_attachment(
    *, actor: Actor, session: Session, update_id: int, filename: str, data: bytes
) -> Attachment:
    """Keep an evidence file for a report (type, content and size checked)."""
    require(actor, "report.write")
    update = get_or_refuse(session, MonthlyUpdate, update_id, "error.report_unknown")
    assignment, task = _editable(session, actor, update)
    count = session.scalar(
        select(func.count(Attachment.id)).where(Attachment.update_id == update_id)
    )
    if int(count or 0) >= attachment_files.MAX_FILES_PER_REPORT:
        raise ServiceError("error.attachment_too_many", max=attachment_files.MAX_FILES_PER_REPORT)
    checked, problem = attachment_files.check_file(filename, data)
    if problem or checked is None:
        raise ServiceError(
            problem or "error.attachment_type",
            name=attachment_files.clean_name(filename),
            max_mb=attachment_files.MAX_BYTES // (1024 * 1024),
            types=", ".join(attachment_files.UPLOAD_TYPES),
        )
    stored = attachment_files.new_stored_name(checked.extension)
    directory = settings().attachments_dir
    attachment_files.write(directory, stored, data)
    try:
        row = Attachment(
            update_id=update_id,
            original_name=checked.original_name,
            stored_name=stored,
            content_type=checked.content_type,
            size_bytes=checked.size_bytes,
            sha256=checked.sha256,
            uploaded_by_id=actor.user_id,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            actor,
            "add_attachment",
            "attachment",
            row.id,
            after={
                "update_id": update_id,
                "name": checked.original_name,
                "size": checked.size_bytes,
                "sha256": checked.sha256,
            },
            campaign_id=task.campaign_id,
            department_id=assignment.department_id,
        )
    except Exception:
        attachment_files.remove(directory, stored)
        raise
    return row


def remove_attachment(*, actor: Actor, session: Session, attachment_id: int) -> None:
    """Delete an evidence file of a report that is still editable."""
    require(actor, "report.write")
    row = session.get(Attachment, attachment_id)
    if row is None or row.update_id is None:
        raise ServiceError("error.attachment_unknown")
    update = session.get(MonthlyUpdate, row.update_id)
    assert update is not None
    assignment, task = _editable(session, actor, update)
    stored = row.stored_name
    audit(
        session,
        actor,
        "remove_attachment",
        "attachment",
        row.id,
        before={"update_id": row.update_id, "name": row.original_name, "sha256": row.sha256},
        campaign_id=task.campaign_id,
        department_id=assignment.department_id,
    )
    session.delete(row)
    session.flush()

    # the file goes once the row is gone; a later rollback leaves a harmless orphan only
    # if the file were deleted, so keep the file until the transaction commits
    @event.listens_for(session, "after_commit", once=True)
    def _remove_file(_session: Session) -> None:
        attachment_files.remove(settings().attachments_dir, stored)
